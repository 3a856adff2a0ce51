/**
 * Result rows of the pipeline stages in the store's relational tables (schema.ts): corridor assignment (link flows
 * with coordinates, crossing volumes, transit by country), TNTP assignment (link flows), PPML estimation
 * (coefficients) and shipment-time changes (country pairs). Shared by the CLI commands and the sweep jobs.
 */
import type { CorridorSummary } from "../assignment/corridor-report";
import type { CorridorProblem } from "../assignment/corridor";
import { linkFlowsCsv } from "../assignment/results";
import type { AssignmentResult } from "../assignment/state";
import type { CountryPairTimes } from "../trade/pair-times";
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
