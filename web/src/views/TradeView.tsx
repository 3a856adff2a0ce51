/**
 * Trade view: general-equilibrium results by country as a choropleth with a table. The results come from a file
 * the user opens: the JSON printed by `caravan gravity counterfactual --json` (read in the browser; nothing is
 * uploaded). The HTTP API has no general-equilibrium job, so this view reads results rather than running them.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { fmt2 } from "../format";
import { useMap } from "../map/MapPane";
import { colorFor, type GeFile, NEG, POS, parseGeFile } from "../results";
import type { AppState } from "../url-state";

const MEASURES = [
  ["realGdpChangePct", "real GDP"],
  ["welfareChangePct", "welfare"],
  ["exportsChangePct", "exports"],
  ["importsChangePct", "imports"],
  ["producerPriceChangePct", "producer price"],
] as const;
type Measure = (typeof MEASURES)[number][0];

let lastFile: GeFile | null = null;

export function TradeView(_props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const map = useMap();
  const [file, setFile] = useState<GeFile | null>(lastFile);
  const [error, setError] = useState<string | null>(null);
  const [measure, setMeasure] = useState<Measure>("realGdpChangePct");

  const values = useMemo(() => {
    const out = new Map<string, number>();
    for (const r of file?.rows ?? []) {
      const v = r[measure];
      if (typeof v === "number" && Number.isFinite(v)) out.set(r.country, v);
    }
    return out;
  }, [file, measure]);
  const maxAbs = Math.max(0, ...[...values.values()].map(Math.abs));

  // colour the basemap's countries by feature state
  useEffect(() => {
    if (!map) return;
    for (const [iso3, v] of values) map.setFeatureState({ source: "countries", id: iso3 }, { fill: colorFor(v, maxAbs) });
    return () => {
      if (map.getSource("countries")) map.removeFeatureState({ source: "countries" });
    };
  }, [map, values, maxAbs]);

  const open = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const f = input.files?.[0];
    if (!f) return;
    f.text()
      .then((text) => {
        const parsed = parseGeFile(text);
        lastFile = parsed;
        setFile(parsed);
        setError(null);
      })
      .catch((err: Error) => setError(`${f.name}: ${err.message}`));
  };

  const rows = [...(file?.rows ?? [])].sort((a, b) => (b[measure] ?? 0) - (a[measure] ?? 0));
  return (
    <section class="panel-section" aria-labelledby="trade-title">
      <h2 id="trade-title">Trade</h2>
      <p class="muted">
        General-equilibrium effects by country. Run <code>caravan gravity counterfactual … --json &gt; ge.json</code> (for example with <code>--time-changes</code>{" "}
        from <code>caravan gravity pair-times</code>) and open the file here; it is read in the browser.
      </p>
      <label class="file">
        Results file (JSON)
        <input type="file" name="ge-file" accept=".json,application/json" onChange={open} />
      </label>
      {error ? (
        <div class="error" role="alert">
          {error}
        </div>
      ) : null}
      {file ? (
        <div aria-live="polite">
          {file.shock ? <p class="muted small">Shock: {file.shock}</p> : null}
          <label>
            Measure
            <select name="measure" value={measure} onChange={(e) => setMeasure(e.currentTarget.value as Measure)}>
              {MEASURES.map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <p class="legend-row">
            <span class="swatch" style={{ background: NEG[0] }} aria-hidden="true" /> −{fmt2(maxAbs)} % <span class="swatch" style={{ background: "#f7f7f7" }} aria-hidden="true" /> 0{" "}
            <span class="swatch" style={{ background: POS[3] }} aria-hidden="true" /> +{fmt2(maxAbs)} %
          </p>
          <table class="data" data-testid="trade-table">
            <thead>
              <tr>
                <th scope="col">country</th>
                <th scope="col" class="num">real GDP %</th>
                <th scope="col" class="num">exports %</th>
                <th scope="col" class="num">imports %</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.country}>
                  <td>{r.country}</td>
                  <td class="num">{fmt2(r.realGdpChangePct)}</td>
                  <td class="num">{fmt2(r.exportsChangePct)}</td>
                  <td class="num">{fmt2(r.importsChangePct)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
