/**
 * Result rows of the pipeline stages in the store's relational tables (schema.ts): corridor assignment (link flows
 * with coordinates, crossing volumes, transit by country), TNTP assignment (link flows), PPML estimation
 * (coefficients), shipment-time changes (country pairs), scenario runs, general-equilibrium results and appraisals.
 * Shared by the CLI commands and the sweep jobs.
 */
import type { CorridorSummary } from "../assignment/corridor-report";
import type { CorridorProblem } from "../assignment/corridor";
import { linkFlowsCsv } from "../assignment/results";
import type { AssignmentResult } from "../assignment/state";
import type { Comparison } from "../scenarios/compare";
import type { ScenarioRun } from "../scenarios/run";
import type { CountryPairTimes } from "../trade/pair-times/pair-times";
import type { ResultRow, ResultTables } from "./schema";

const numOrNull = (text: string): number | null => (text === "" ? null : Number(text));

/** Link flows (with place coordinates), crossing volumes and transit by country of a corridor assignment. */
export function corridorTables(cp: CorridorProblem, result: AssignmentResult, summary: CorridorSummary): ResultTables {
  const placeIndex = new Map<string, number>();
  const places = cp.net.network.places;
  for (let p = 0; p < places.length; p++) placeIndex.set(places[p].id, p);
  const linkFlows: ResultRow[] = [];
  // the CSV writer is the one definition of which arcs and figures a link-flow table holds; parse it back
  const lines = linkFlowsCsv(cp, result).split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === "") continue;
    const [linkId, from, to, mode, flowT, capacityT, vc] = lines[i].split(",");
    const f = placeIndex.get(from);
    const t = placeIndex.get(to);
    linkFlows.push({
      link_id: linkId,
      from_id: from,
      to_id: to,
      mode,
      flow_t: Number(flowT),
      capacity_t: numOrNull(capacityT),
      vc: numOrNull(vc),
      from_lon: f === undefined ? null : cp.net.placeLonDeg[f],
      from_lat: f === undefined ? null : cp.net.placeLatDeg[f],
      to_lon: t === undefined ? null : cp.net.placeLonDeg[t],
      to_lat: t === undefined ? null : cp.net.placeLatDeg[t],
    });
  }
  return {
    link_flows: linkFlows,
    crossing_volumes: summary.crossings.map((c) => ({
      crossing_id: c.crossing,
      name: c.name,
      countries: c.countries.join("-"),
      total_t: c.totalT,
      max_vc: c.maxVc,
      by_direction_t: c.byDirectionT,
    })),
    transit_by_country: (summary.transitByCountry ?? []).map((t) => ({
      country: t.country,
      transit_t: t.transitT,
      container_teu: t.containerTeu,
      by_class_t: t.byClassT,
    })),
  };
}

/** Link flows of a TNTP assignment, in the network file's link order (node numbers 1-based as in the file). */
export function tntpLinkFlowRows(fromNode: ArrayLike<number>, toNode: ArrayLike<number>, flowByLink: ArrayLike<number>): ResultRow[] {
  const rows: ResultRow[] = new Array(flowByLink.length);
  for (let l = 0; l < flowByLink.length; l++) {
    rows[l] = { link_id: String(l + 1), from_id: String(fromNode[l] + 1), to_id: String(toNode[l] + 1), mode: null, flow_t: flowByLink[l], capacity_t: null, vc: null };
  }
  return rows;
}

/** Coefficient rows of a PPML estimate. */
export function coefficientRows(coefficients: readonly { name: string; estimate: number; se: number; z: number; p: number }[]): ResultRow[] {
  return coefficients.map((c) => ({ term: c.name, estimate: c.estimate, std_error: c.se, z_value: c.z, p_value: c.p }));
}

/** Country-pair shipment-time changes (pairs reachable in baseline and scenario). */
export function pairChangeRows(result: CountryPairTimes): ResultRow[] {
  const { countries } = result.cities;
  const k = countries.length;
  const rows: ResultRow[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const tb = result.baselineTimeH[a * k + b];
      const ts = result.scenarioTimeH[a * k + b];
      if (Number.isNaN(tb) || Number.isNaN(ts)) continue;
      rows.push({ origin: countries[a], destination: countries[b], baseline_time_h: tb, scenario_time_h: ts, change_pct: tb > 0 ? (100 * (ts - tb)) / tb : null });
    }
  }
  return rows;
}

/** `exportsChangePct` → `exports_change_pct`: a result field's name as a measure name (units stay in the name). */
export function measureName(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** General-equilibrium rows: every numeric field of each country result and pair result as one (country, partner, measure, value) row. */
export function geRows(
  countries: readonly object[],
  pairs: readonly object[] = [],
  prefix = "",
): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const c of countries as readonly Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(c)) {
      if (typeof value === "number") rows.push({ country: String(c.country), partner: null, measure: `${prefix}${measureName(key)}`, value: Number.isFinite(value) ? value : null });
    }
  }
  for (const p of pairs as readonly Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(p)) {
      if (typeof value === "number") rows.push({ country: String(p.exporter), partner: String(p.importer), measure: `${prefix}${measureName(key)}`, value: Number.isFinite(value) ? value : null });
    }
  }
  return rows;
}

/** Appraisal rows: the yearly streams (one row per year and non-zero stream) and the indicators of a CBA result. */
export function appraisalTables(
  streams: readonly Readonly<Record<string, number>>[],
  indicators: object,
): ResultTables {
  const streamRows: ResultRow[] = [];
  for (const s of streams) {
    for (const [key, value] of Object.entries(s)) {
      if (key === "year" || typeof value !== "number") continue;
      streamRows.push({ year: s.year, stream: measureName(key.replace(/Usd$/, "")), value_usd: value });
    }
  }
  const results: ResultRow[] = [];
  for (const [key, value] of Object.entries(indicators) as [string, unknown][]) {
    if (typeof value === "number" && Number.isFinite(value)) results.push({ measure: measureName(key), value });
    else if (value === null) results.push({ measure: measureName(key), value: null });
  }
  return { appraisal_streams: streamRows, appraisal_results: results };
}

/** Link flows of a GeoJSON FeatureCollection of link flows (scenario runs keep their flows in this form). */
export function linkFlowRowsOfGeoJson(geojson: string): ResultRow[] {
  const fc = JSON.parse(geojson) as { features: { properties: Record<string, unknown>; geometry: { coordinates: number[][] } }[] };
  return fc.features.map((f) => {
    const p = f.properties;
    const coords = f.geometry.coordinates;
    const first = coords[0];
    const last = coords[coords.length - 1];
    const n = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
    return {
      link_id: String(p.linkId ?? p.id ?? ""),
      from_id: String(p.from ?? ""),
      to_id: String(p.to ?? ""),
      mode: p.mode === undefined ? null : String(p.mode),
      flow_t: n(p.flowT) ?? 0,
      capacity_t: n(p.capacityT),
      vc: n(p.vc),
      from_lon: first ? first[0] : null,
      from_lat: first ? first[1] : null,
      to_lon: last ? last[0] : null,
      to_lat: last ? last[1] : null,
    };
  });
}

/**
 * Tables of a scenario run: pair_changes holds the city pairs (place ids; time in both states, null where a state has
 * no route) then the country pairs of the trade stage (ISO3); link_flows, crossing_volumes and transit_by_country hold
 * the scenario state; metrics hold the baseline's crossing volumes, v/c and transit (`baseline/…`) beside the
 * scenario's, so either state can be queried with SQL.
 */
export function scenarioRunTables(run: ScenarioRun, comparison: Comparison): ResultTables {
  const pairs: ResultRow[] = [];
  for (const p of comparison.pairs) {
    const tb = p.baseline?.timeH ?? null;
    const ts = p.scenario?.timeH ?? null;
    pairs.push({ origin: p.from, destination: p.to, baseline_time_h: tb, scenario_time_h: ts, change_pct: tb !== null && ts !== null && tb > 0 ? (100 * (ts - tb)) / tb : null });
  }
  for (const c of run.countryPairs) {
    const tb = c.baselineTimeH;
    const ts = c.scenarioTimeH;
    if (!Number.isFinite(tb) || !Number.isFinite(ts)) continue;
    pairs.push({ origin: c.exporter, destination: c.importer, baseline_time_h: tb, scenario_time_h: ts, change_pct: tb > 0 ? (100 * (ts - tb)) / tb : null });
  }
  const side = run.result;
  const directions = new Map<string, Record<string, number>>();
  for (const d of side.crossingDirections) (directions.get(d.crossing) ?? directions.set(d.crossing, {}).get(d.crossing)!)[d.direction] = d.volumeT;
  const metrics: ResultRow[] = [];
  for (const [label, s] of [["baseline", run.baseline], ["scenario", run.result]] as const) {
    for (const c of s.crossings) {
      metrics.push({ key: `${label}/crossing/${c.crossing}/volume_t`, value: c.volumeT, text_value: null });
      metrics.push({ key: `${label}/crossing/${c.crossing}/vc`, value: c.vc, text_value: null });
    }
    for (const t of s.transit) metrics.push({ key: `${label}/transit/${t.country}/transit_t`, value: t.transitT, text_value: null });
    for (const f of s.ferries) metrics.push({ key: `${label}/ferry/${f.ferry}/volume_t`, value: f.volumeT, text_value: null });
    if (s.assignment) {
      metrics.push({ key: `${label}/assignment/demand_t`, value: s.assignment.demandT, text_value: null });
      metrics.push({ key: `${label}/assignment/relative_gap`, value: s.assignment.relativeGap, text_value: null });
    }
  }
  return {
    pair_changes: pairs,
    link_flows: linkFlowRowsOfGeoJson(side.linkFlowsGeoJson),
    crossing_volumes: side.crossings.map((c) => ({ crossing_id: c.crossing, name: c.name, countries: c.countries, total_t: c.volumeT, max_vc: c.vc, by_direction_t: directions.get(c.crossing) ?? {} })),
    transit_by_country: side.transit.map((t) => ({ country: t.country, transit_t: t.transitT, container_teu: t.containerTeu, by_class_t: null })),
    metrics,
  };
}
