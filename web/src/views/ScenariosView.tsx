/**
 * Scenarios view: pick a base and a scenario, run the scenario-compare job, and show the difference on the map
 * (link flow gains in green, losses in red, width by the size of the change) with a table of the largest changes.
 */
import type { LayerSpecification } from "maplibre-gl";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, apiGet, type JobState, runJob } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { JobProgress } from "../components/JobProgress";
import { fmt1, fmt2, fmtMt, signed } from "../format";
import { fitToFeatures, useMap, useMapLayers } from "../map/MapPane";
import type { AppState } from "../url-state";
import { type ComparisonView, type DiffView, readComparison, readDiff, type VolumeChange } from "../results";

export const GAIN_COLOR = "#1a9850";
export const LOSS_COLOR = "#d73027";

const DIFF_LAYERS: LayerSpecification[] = [
  {
    id: "diff-line",
    type: "line",
    source: "scenario-diff",
    filter: ["!=", ["get", "changeT"], 0],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": ["case", [">", ["get", "changeT"], 0], GAIN_COLOR, LOSS_COLOR],
      // width ∝ √|change|: 1 Mt/yr → 2.5 px, at least 0.8 px
      "line-width": ["max", 0.8, ["*", 0.0025, ["sqrt", ["abs", ["get", "changeT"]]]]],
      "line-opacity": 0.85,
    },
  },
];

interface ScenarioInfo {
  id: string;
  name?: string;
  year?: number | null;
  /** why the file does not parse as a scenario (listed but not runnable) */
  problem?: string | null;
}

let lastRun: { key: string; diff: DiffView | null; comparison: ComparisonView } | null = null;

export function ScenariosView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state, update } = props;
  const map = useMap();
  const key = `${state.base}|${state.scenario}`;
  const [scenarios, setScenarios] = useState<ScenarioInfo[] | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(lastRun?.key === key ? lastRun.diff : null);
  const [comparison, setComparison] = useState<ComparisonView | null>(lastRun?.key === key ? lastRun.comparison : null);
  const [job, setJob] = useState<JobState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);

  useMapLayers(map, { sourceId: "scenario-diff", data: diff?.features ?? null, layers: DIFF_LAYERS });

  useEffect(() => {
    // the list of scenarios, where the server offers one
    apiGet<unknown>("scenarios")
      .then((payload) => {
        const list = Array.isArray(payload) ? payload : (payload as { scenarios?: unknown[] })?.scenarios;
        if (Array.isArray(list)) setScenarios(list.map((s) => (typeof s === "string" ? { id: s } : (s as ScenarioInfo))));
      })
      .catch(() => setScenarios(null));
    return () => abort.current?.abort();
  }, []);

  const run = (e: Event) => {
    e.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setError(null);
    setJob({ status: "submitting", progress: 0 });
    runJob<unknown>("scenario-compare", { base: state.base || "baseline", scenario: state.scenario }, setJob, controller.signal)
      .then((result) => {
        const d = readDiff(result);
        const c = readComparison(result);
        lastRun = { key, diff: d, comparison: c };
        setDiff(d);
        setComparison(c);
        if (map && d && d.features.features.length > 0) fitToFeatures(map, d.features, 80);
        if (!d) setError(new ApiError("E_RESULT_SHAPE", "the comparison finished but its result holds no link changes to map", 200));
        setJob(null);
      })
      .catch((err: Error) => {
        if (err.name !== "AbortError") setError(err);
        setJob(null);
      })
      .finally(() => setRunning(false));
  };

  const options = useMemo(() => scenarios ?? [], [scenarios]);
  const top = diff?.rows.slice(0, 15) ?? [];
  return (
    <section class="panel-section" aria-labelledby="scenarios-title">
      <h2 id="scenarios-title">Scenarios</h2>
      <form onSubmit={run} class="scenario-form">
        {scenarios !== null && scenarios.length > 0 ? (
          <div class="row">
            <label>
              Base
              <select name="base" value={state.base || "baseline"} onChange={(e) => update({ base: e.currentTarget.value === "baseline" ? "" : e.currentTarget.value })}>
                <option value="baseline">the scenario's own baseline</option>
                {options.map((s) => (
                  <option key={s.id} value={s.id} disabled={!!s.problem}>
                    {s.name ?? s.id}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Scenario
              <select name="scenario" required value={state.scenario} onChange={(e) => update({ scenario: e.currentTarget.value })}>
                <option value="" disabled>
                  choose a scenario
                </option>
                {options.map((s) => (
                  <option key={s.id} value={s.id} disabled={!!s.problem} title={s.problem ?? s.id}>
                    {s.name ?? s.id}
                    {s.year ? ` (${s.year})` : ""}
                  </option>
                ))}
              </select>
            </label>
          </div>
        ) : (
          <div class="row">
            <label>
              Base
              <input type="text" name="base" placeholder="baseline" value={state.base} onChange={(e) => update({ base: e.currentTarget.value.trim() })} />
            </label>
            <label>
              Scenario file
              <input type="text" name="scenario" required value={state.scenario} onChange={(e) => update({ scenario: e.currentTarget.value.trim() })} />
            </label>
          </div>
        )}
        <button type="submit" class="primary" disabled={running || !state.scenario}>
          {running ? "Comparing…" : "Compare"}
        </button>
      </form>
      {scenarios !== null && scenarios.length === 0 ? (
        <p class="muted small">The server lists no scenario files (data folder scenarios/); type the path of one inside its data folders.</p>
      ) : null}
      <JobProgress state={job} label="Comparison" />
      <ErrorBox error={error} onPick={(s) => update({ scenario: s })} />
      {diff ? (
        <div class="diff-results" aria-live="polite">
          <p data-testid="diff-summary">
            {diff.gains} links gain flow, {diff.losses} lose flow
            {comparison?.pairsChanged !== null && comparison?.pairsChanged !== undefined ? `; ${comparison.pairsChanged.toLocaleString("en-GB")} city pairs change route or time` : ""}
            {comparison?.corridorSwitches ? `, ${comparison.corridorSwitches.toLocaleString("en-GB")} switch corridor` : ""}.
          </p>
          {comparison?.demandWeighted ? (
            <p class="muted small">
              Demand-weighted mean change over {comparison.demandWeighted.pairs} pairs with demand: time {signed(comparison.demandWeighted.timeH, fmt1)} h ({signed(comparison.demandWeighted.timePct, fmt2)} %), cost{" "}
              {signed(comparison.demandWeighted.costPct, fmt2)} %, CO2 {signed(comparison.demandWeighted.co2Pct, fmt2)} %.
            </p>
          ) : null}
          <ul class="legend">
            <li>
              <span class="swatch line" style={{ background: GAIN_COLOR }} aria-hidden="true" /> gain
            </li>
            <li>
              <span class="swatch line" style={{ background: LOSS_COLOR }} aria-hidden="true" /> loss (width ∝ √|change|)
            </li>
          </ul>
          <h3>Largest changes</h3>
          <table class="data" data-testid="diff-table">
            <thead>
              <tr>
                <th scope="col">link</th>
                <th scope="col" class="num">base</th>
                <th scope="col" class="num">scenario</th>
                <th scope="col" class="num">change</th>
              </tr>
            </thead>
            <tbody>
              {top.map((r) => (
                <tr key={r.id || r.label}>
                  <td>{r.label}</td>
                  <td class="num">{r.baseT === null ? "–" : fmtMt(r.baseT)}</td>
                  <td class="num">{r.scenarioT === null ? "–" : fmtMt(r.scenarioT)}</td>
                  <td class={`num ${r.changeT > 0 ? "gain" : "loss"}`}>{signed(r.changeT, fmtMt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {comparison && comparison.crossings.length > 0 ? (
            <>
              <h3>Border crossings</h3>
              <VolumeTable rows={comparison.crossings.slice(0, 10)} label="crossing" />
            </>
          ) : null}
          {comparison && comparison.transit.length > 0 ? (
            <>
              <h3>Transit by country</h3>
              <VolumeTable rows={comparison.transit} label="country" />
            </>
          ) : null}
          {comparison?.summaryText ? (
            <details>
              <summary>Full comparison report</summary>
              <pre class="report">{comparison.summaryText}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function VolumeTable(props: { rows: VolumeChange[]; label: string }) {
  return (
    <table class="data">
      <thead>
        <tr>
          <th scope="col">{props.label}</th>
          <th scope="col" class="num">base</th>
          <th scope="col" class="num">scenario</th>
          <th scope="col" class="num">change</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.id ?? r.country ?? r.name}>
            <td>{r.name ?? r.country ?? r.id}</td>
            <td class="num">{fmtMt(r.baselineT)}</td>
            <td class="num">{fmtMt(r.scenarioT)}</td>
            <td class={`num ${r.changeT > 0 ? "gain" : "loss"}`}>{signed(r.changeT, fmtMt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
