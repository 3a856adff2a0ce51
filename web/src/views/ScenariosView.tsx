/**
 * Scenarios view: pick a base and a scenario, run the scenario-compare job, and show the difference on the map
 * (link flow gains in green, losses in red, width by the size of the change) with a table of the largest changes.
 */
import type { LayerSpecification } from "maplibre-gl";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, apiGet, type JobState, runJob } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { JobProgress } from "../components/JobProgress";
import { fmtMt, signed } from "../format";
import { useMap, useMapLayers } from "../map/MapPane";
import type { AppState } from "../url-state";
import { findFeatureCollection } from "./job-result";

export const GAIN_COLOR = "#1a9850";
export const LOSS_COLOR = "#d73027";

/** Property names a diff feature may carry its change under (tonnes per year), first match wins. */
const CHANGE_KEYS = ["deltaFlowT", "flowChangeT", "changeT", "deltaT", "diffT", "delta", "change"];

function changeOf(props: Record<string, unknown> | null): number | null {
  if (!props) return null;
  for (const k of CHANGE_KEYS) if (typeof props[k] === "number") return props[k] as number;
  if (typeof props.baseFlowT === "number" && typeof props.scenarioFlowT === "number") return props.scenarioFlowT - props.baseFlowT;
  return null;
}

const DIFF_LAYERS: LayerSpecification[] = [
  {
    id: "diff-line",
    type: "line",
    source: "scenario-diff",
    filter: ["!=", ["get", "changeT"], 0],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": ["case", [">", ["get", "changeT"], 0], GAIN_COLOR, LOSS_COLOR],
      "line-width": ["interpolate", ["linear"], ["sqrt", ["abs", ["get", "changeT"]]], 0, 0.8, 1000, 3, 5000, 12],
      "line-opacity": 0.85,
    },
  },
];

interface ScenarioInfo {
  id: string;
  name?: string;
  title?: string;
}

interface DiffView {
  features: GeoJSON.FeatureCollection;
  rows: { id: string; label: string; changeT: number; baseT: number | null; scenarioT: number | null }[];
  gains: number;
  losses: number;
}

export function readDiff(result: unknown): DiffView | null {
  const fc = findFeatureCollection(result, ["diff", "linkDiff", "flowsDiff", "changes", "flows"]);
  if (!fc) return null;
  const features: GeoJSON.Feature[] = [];
  for (const f of fc.features) {
    const change = changeOf(f.properties as Record<string, unknown> | null);
    if (change === null) continue;
    features.push({ ...f, properties: { ...(f.properties ?? {}), changeT: change } });
  }
  const rows = features
    .map((f) => {
      const p = f.properties as Record<string, unknown>;
      const id = String(p.linkId ?? p.id ?? "");
      const label = p.from && p.to ? `${p.from} → ${p.to}${p.mode ? ` (${p.mode})` : ""}` : id;
      return {
        id,
        label,
        changeT: p.changeT as number,
        baseT: typeof p.baseFlowT === "number" ? p.baseFlowT : null,
        scenarioT: typeof p.scenarioFlowT === "number" ? p.scenarioFlowT : null,
      };
    })
    .sort((a, b) => Math.abs(b.changeT) - Math.abs(a.changeT));
  return {
    features: { type: "FeatureCollection", features },
    rows,
    gains: rows.filter((r) => r.changeT > 0).length,
    losses: rows.filter((r) => r.changeT < 0).length,
  };
}

let lastRun: { key: string; diff: DiffView | null; raw: unknown } | null = null;

export function ScenariosView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state, update } = props;
  const map = useMap();
  const key = `${state.base}|${state.scenario}`;
  const [scenarios, setScenarios] = useState<ScenarioInfo[] | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(lastRun?.key === key ? lastRun.diff : null);
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
        lastRun = { key, diff: d, raw: result };
        setDiff(d);
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
        <datalist id="scenario-list">
          {options.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name ?? s.title ?? s.id}
            </option>
          ))}
        </datalist>
        <label>
          Base
          <input type="text" name="base" list="scenario-list" placeholder="baseline" value={state.base} onChange={(e) => update({ base: e.currentTarget.value.trim() })} />
        </label>
        <label>
          Scenario
          <input type="text" name="scenario" list="scenario-list" required value={state.scenario} onChange={(e) => update({ scenario: e.currentTarget.value.trim() })} />
        </label>
        <button type="submit" class="primary" disabled={running || !state.scenario}>
          {running ? "Comparing…" : "Compare"}
        </button>
      </form>
      {scenarios === null ? <p class="muted small">The server lists no scenarios; type a scenario id or file name known to the server.</p> : null}
      <JobProgress state={job} label="Comparison" />
      <ErrorBox error={error} onPick={(s) => update({ scenario: s })} />
      {diff ? (
        <div class="diff-results" aria-live="polite">
          <p data-testid="diff-summary">
            {diff.gains} links gain flow, {diff.losses} lose flow.
          </p>
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
        </div>
      ) : null}
    </section>
  );
}
