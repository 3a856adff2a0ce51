/**
 * Flows view: runs a corridor assignment job (2024 corridor demand on the network of the chosen year) and shows
 * link flows (width by tonnes, colour by volume/capacity), the bottleneck list and transit by country as a chart.
 */
import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import { useEffect, useRef, useState } from "preact/hooks";
import { type JobState, runJob } from "../api";
import { Bars } from "../components/Bars";
import { ErrorBox } from "../components/ErrorBox";
import { JobProgress } from "../components/JobProgress";
import { fmt2, fmtDuration, fmtMt } from "../format";
import { useMap, useMapLayers } from "../map/MapPane";
import { type AppState, YEAR_MAX, YEAR_MIN } from "../url-state";
import { type AssignmentView, readAssignment } from "../results";
import { loadNetwork } from "./NetworkView";

/** v/c classes: the colour ramp of the flow map and its legend. */
export const VC_STOPS: readonly [number, string, string][] = [
  [0, "#1a9850", "under 0.5"],
  [0.5, "#91cf60", "0.5–0.8"],
  [0.8, "#fee08b", "0.8–0.95"],
  [0.95, "#fc8d59", "0.95–1.1"],
  [1.1, "#d73027", "over 1.1"],
];
const NO_CAPACITY = "#8c8c8c";

const vcColor = (get: ExpressionSpecification): ExpressionSpecification => [
  "case",
  ["==", get, null],
  NO_CAPACITY,
  ["step", ["to-number", get, 0], VC_STOPS[0][1], VC_STOPS[1][0], VC_STOPS[1][1], VC_STOPS[2][0], VC_STOPS[2][1], VC_STOPS[3][0], VC_STOPS[3][1], VC_STOPS[4][0], VC_STOPS[4][1]],
];

/** Border crossings with flow: area ∝ tonnes, colour by the highest v/c of their direction groups. */
const CROSSING_FLOW_LAYERS: LayerSpecification[] = [
  {
    id: "flows-crossings",
    type: "circle",
    source: "flows-crossings",
    paint: {
      // radius ∝ √tonnes (25 Mt → 16 px), at least 2 px
      "circle-radius": ["max", 2, ["*", 0.0032, ["sqrt", ["get", "totalT"]]]],
      "circle-color": vcColor(["get", "maxVc"]),
      "circle-stroke-color": "#333333",
      "circle-stroke-width": 1,
      "circle-opacity": 0.9,
    },
  },
];

const FLOW_LAYERS: LayerSpecification[] = [
  {
    id: "flows-line",
    type: "line",
    source: "flows",
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      // width ∝ √tonnes: 1 Mt → 2.5 px, 25 Mt → 12.5 px; at least 0.6 px
      "line-width": ["max", 0.6, ["*", 0.0025, ["sqrt", ["max", ["to-number", ["get", "flowT"], 0], 0]]]],
      "line-color": vcColor(["get", "vc"]),
      "line-opacity": 0.85,
    },
  },
];

/** Result of the last run, kept while the app is open so switching views does not lose it. */
let lastRun: { key: string; view: AssignmentView } | null = null;

export function FlowsView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state } = props;
  const map = useMap();
  const runKey = `year=${state.year ?? "today"};rulesOff=${state.rulesOff.join(",")}`;
  const [view, setView] = useState<AssignmentView | null>(lastRun?.key === runKey ? lastRun.view : null);
  const [job, setJob] = useState<JobState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const [crossingPoints, setCrossingPoints] = useState<GeoJSON.FeatureCollection | null>(null);
  useMapLayers(map, { sourceId: "flows", data: view?.flows ?? null, layers: FLOW_LAYERS });
  useMapLayers(map, { sourceId: "flows-crossings", data: crossingPoints, layers: CROSSING_FLOW_LAYERS });

  // crossing volumes placed at the crossings' coordinates from the network catalogue
  useEffect(() => {
    if (!view || view.crossings.length === 0) {
      setCrossingPoints(null);
      return;
    }
    let live = true;
    loadNetwork()
      .then((net) => {
        const at = new Map(net.crossings.features.map((f) => [String(f.properties?.id), f.geometry]));
        const features: GeoJSON.Feature[] = [];
        for (const c of view.crossings) {
          const geometry = at.get(c.crossing);
          if (geometry && c.totalT > 0) features.push({ type: "Feature", geometry, properties: { id: c.crossing, name: c.name, totalT: c.totalT, maxVc: c.maxVc } });
        }
        if (live) setCrossingPoints({ type: "FeatureCollection", features });
      })
      .catch(() => live && setCrossingPoints(null));
    return () => {
      live = false;
    };
  }, [view]);
  useEffect(() => () => abort.current?.abort(), []);

  const run = () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setError(null);
    setJob({ status: "submitting", progress: 0 });
    const input: Record<string, unknown> = {};
    if (state.year !== null) input.year = state.year;
    if (state.rulesOff.length > 0) input.rulesOff = state.rulesOff;
    runJob<unknown>("assignment", input, setJob, controller.signal)
      .then((result) => {
        const v = readAssignment(result);
        lastRun = { key: runKey, view: v };
        setView(v);
        setJob(null);
      })
      .catch((e: Error) => {
        if (e.name !== "AbortError") setError(e);
        setJob(null);
      })
      .finally(() => setRunning(false));
  };

  const bottlenecks = (view?.bottlenecks ?? []).filter((b) => b.flowT > 0);
  const transit = (view?.transit ?? []).filter((t) => t.transitT > 0).slice(0, 12);
  return (
    <section class="panel-section" aria-labelledby="flows-title">
      <h2 id="flows-title">Flows</h2>
      <p class="muted">
        Corridor assignment of the 2024 corridor demand (data/eurasia/demand/corridors-2024.csv) on the network of {state.year ?? "today"}: user equilibrium with
        capacities and queueing at crossings and terminals. The rules of passage in force (transit bans, closures) apply unless switched off.
      </p>
      <label>
        Network year
        <select name="year" value={state.year === null ? "" : String(state.year)} onChange={(e) => props.update({ year: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
          <option value="">today (open links only)</option>
          {Array.from({ length: YEAR_MAX - YEAR_MIN + 1 }, (_, i) => YEAR_MIN + i).map((y) => (
            <option key={y} value={y}>
              {y} (projects open by then)
            </option>
          ))}
        </select>
      </label>
      <label class="check">
        <input type="checkbox" name="rulesOffAll" checked={state.rulesOff.includes("all")} onChange={(e) => props.update({ rulesOff: e.currentTarget.checked ? ["all"] : [] })} />
        ignore every rule of passage
      </label>
      {state.rulesOff.length > 0 && !state.rulesOff.includes("all") ? <p class="muted small">rules of passage off: {state.rulesOff.join(", ")}</p> : null}
      <button type="button" class="primary" onClick={run} disabled={running}>
        {running ? "Running…" : "Run corridor assignment"}
      </button>
      <JobProgress state={job} label="Assignment" />
      <ErrorBox error={error} />
      {view ? (
        <div class="flows-results" aria-live="polite">
          <p class="muted small" data-testid="flows-summary">
            {view.flows ? `${view.flows.features.length} links with flow` : "no link flows in the result"}
            {view.demandT !== null ? `; demand ${fmtMt(view.demandT)}/yr` : ""}
            {view.relativeGap !== null ? `; relative gap ${view.relativeGap.toExponential(1)}` : ""}
            {view.iterations !== null ? ` after ${view.iterations} iterations` : ""}.
          </p>
          <figure class="legend-block">
            <figcaption>Volume / capacity</figcaption>
            <ul class="legend">
              {VC_STOPS.map(([, color, label]) => (
                <li key={label}>
                  <span class="swatch line" style={{ background: color }} aria-hidden="true" /> {label}
                </li>
              ))}
              <li>
                <span class="swatch line" style={{ background: NO_CAPACITY }} aria-hidden="true" /> capacity unknown
              </li>
            </ul>
            <p class="muted small">Line width ∝ √(tonnes per year), 1 Mt = 2.5 px; circles: border crossings, area ∝ tonnes, colour by the busiest direction's v/c.</p>
          </figure>
          <h3>Bottlenecks</h3>
          {bottlenecks.length === 0 ? (
            <p class="muted">No link, crossing or terminal with a known capacity carries flow.</p>
          ) : (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">link / crossing</th>
                  <th scope="col" class="num">flow</th>
                  <th scope="col" class="num">v/c</th>
                  <th scope="col" class="num">delay</th>
                </tr>
              </thead>
              <tbody>
                {bottlenecks.map((b) => (
                  <tr key={b.linkId}>
                    <td>
                      {b.linkId} <span class="muted">({b.mode})</span>
                    </td>
                    <td class="num">{fmtMt(b.flowT)}</td>
                    <td class="num">{fmt2(b.vc)}</td>
                    <td class="num">{fmtDuration(b.delayH)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Transit by country</h3>
          {view.transit === null ? (
            <p class="muted">This result has no per-commodity flows, so no transit table.</p>
          ) : (
            <Bars title="Transit, Mt per year" items={transit.map((t) => ({ key: t.country, label: t.country, value: t.transitT, color: "#5e3c99", text: fmtMt(t.transitT) }))} />
          )}
        </div>
      ) : null}
    </section>
  );
}
