/**
 * Network effects of a project: every corridor demand row routed without and with the project (the shipper's route,
 * least generalized cost), giving per row and per tonne the changes of time, charges, reliability buffer and CO2.
 * These per-row arrays are all the benefit model (benefits.ts) and the Monte Carlo need: draws never re-route.
 *
 * States: "without" and "with" are route options on the same compiled network (the year, records to avoid, or a
 * scenario NetworkState when the scenarios stage supplies one). A row unreachable in either state is left out and
 * counted; its tonnes are reported.
 */
import type { ResolvedDemandRow } from "../assignment/corridor-demand";
import { ARC_GAUGE_CHANGE, ARC_LINK, ARC_TRANSSHIPMENT, type CompiledNetwork, NO_INDEX } from "../network/compiled";
import { type RouteOptions, type RoutingContext, resolveRouteOptions, type WeightSet } from "../routing/index";
import { resolvePassage } from "../routing/passage";
import { arcEventBufferH } from "../routing/reliability";

/** One network state to route in (criterion and cargo are set per row). */
export type StateRouteOptions = Omit<RouteOptions, "criterion" | "cargo">;

/** Per demand row, typed arrays [row]. Times in hours per shipment, money and CO2 per tonne. */
export interface ProjectEffects {
  readonly rows: readonly ResolvedDemandRow[];
  /** [row] 1 = routed in both states. */
  readonly routed: Uint8Array;
  /** [row] base tonnes per year (demand file). */
  readonly tonnes: Float64Array;
  /** [row] index into `profiles`. */
  readonly profile: Uint8Array;
  readonly profiles: readonly string[];
  readonly timeWithoutH: Float64Array;
  readonly timeWithH: Float64Array;
  readonly costWithoutUsdPerT: Float64Array;
  readonly costWithUsdPerT: Float64Array;
  /** [row] Σ over the route's arcs of the reliability buffer (P90 − expected border dwell, closure and ferry wait), hours. */
  readonly bufferWithoutH: Float64Array;
  readonly bufferWithH: Float64Array;
  readonly co2WithoutKgPerT: Float64Array;
  readonly co2WithKgPerT: Float64Array;
  /** [row] 1 = the with-route uses a record of the project (traffic on the project). */
  readonly usesProject: Uint8Array;
  /**
   * [row] share of the row's tonnes on the project (congested comparison: the share of its equilibrium flow that
   * crosses a project arc); absent = all or nothing as `usesProject` says (one free-flow route per row).
   */
  readonly projectShare?: Float64Array;
  /** Tonnes per year of rows left out (no route in a state). */
  readonly unroutedTonnes: number;
}

/**
 * Canonical ids (`link:…`, `terminal:…`) of the records the projects BUILD: records naming the project whose status is
 * not "open" (under construction or planned). Records with status "open" that name a project are existing
 * infrastructure the project upgrades; removing them would not give the network without the project, so they stay
 * in both states (their change is a scenario modification).
 */
export function projectRecordIds(net: CompiledNetwork, projectIds: readonly string[]): string[] {
  const want = new Set(projectIds);
  const ids: string[] = [];
  for (const l of net.network.links) if (l.project !== null && want.has(l.project) && l.status !== "open") ids.push(`link:${l.id}`);
  for (const t of net.network.terminals) if (t.project !== null && want.has(t.project) && t.status !== "open") ids.push(`terminal:${t.id}`);
  return ids;
}

/** [arc] 1 = the arc belongs to a record (link or terminal) one of the projects builds (see projectRecordIds). */
export function projectArcMask(net: CompiledNetwork, projectIds: readonly string[]): Uint8Array {
  const want = new Set(projectIds);
  const mask = new Uint8Array(net.graph.arcCount);
  for (let a = 0; a < mask.length; a++) {
    const r = net.arcs.record[a];
    if (r < 0 || r === NO_INDEX) continue;
    const kind = net.arcs.kind[a];
    let project: string | null = null;
    if (kind === ARC_LINK) {
      const l = net.network.links[r];
      if (l.status !== "open") project = l.project;
    } else if (kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT) {
      const t = net.network.terminals[r];
      if (t.status !== "open") project = t.project;
    }
    if (project !== null && want.has(project)) mask[a] = 1;
  }
  return mask;
}

/**
 * Route every row in both states. With `capacitated` ([arc] 1 = the arc has a capacity), `rowsMeetingCapacity`
 * counts the rows whose with-route uses the project and passes a capacitated arc (traffic the project attracts onto
 * elements whose delay depends on their flow). With `valuesOfTimeUsdPerH` (USD per unit-hour by cargo profile id) the
 * routes trade time against charges at those values (the appraisal's, as the benefits are priced) instead of each
 * profile's own; profiles it does not name keep their own.
 */
export function computeEffects(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  without: StateRouteOptions,
  withProject: StateRouteOptions,
  projectArcs: Uint8Array,
  capacitated?: Uint8Array,
  valuesOfTimeUsdPerH?: Readonly<Record<string, number>> | null,
): ProjectEffects & { readonly rowsMeetingCapacity: number } {
  const net = ctx.net;
  const n = rows.length;
  const profiles = [...new Set(rows.map((r) => r.profileId))].sort();
  const massOf = new Map(net.network.cargo.map((c) => [c.id, c.massT.value]));
  const routed = new Uint8Array(n);
  const tonnes = new Float64Array(n);
  const profile = new Uint8Array(n);
  const timeWithoutH = new Float64Array(n);
  const timeWithH = new Float64Array(n);
  const costWithoutUsdPerT = new Float64Array(n);
  const costWithUsdPerT = new Float64Array(n);
  const bufferWithoutH = new Float64Array(n);
  const bufferWithH = new Float64Array(n);
  const co2WithoutKgPerT = new Float64Array(n);
  const co2WithKgPerT = new Float64Array(n);
  const usesProject = new Uint8Array(n);
  let unroutedTonnes = 0;
  let rowsMeetingCapacity = 0;
  // the reliability buffer of a path in its state: Σ (P90 − expected) of its border dwell, closure and ferry waits, the
  // buffer the routes' generalized cost prices (routing/reliability.ts), in the state's own columns and month
  const buffer = (path: readonly number[], set: WeightSet): number => {
    const st = set.options.state;
    const column = arcEventBufferH(st.net, st.arcs, st.month, set.options.profile.id);
    let b = 0;
    for (const a of path) b += column[a];
    return b;
  };
  // one weight set per (state, cargo profile, rules of passage of the row's pair): resolved once, cached by the
  // routing context; the rules are the shipper's, as route and the corridor assignment take them (routing/passage.ts)
  const options = new Map<string, ReturnType<typeof resolveRouteOptions>>();
  const sets = new Map<string, WeightSet>();
  const setOf = (state: StateRouteOptions, tag: string, row: ResolvedDemandRow): WeightSet => {
    const profileId = row.profileId;
    let resolved = options.get(`${tag}|${profileId}`);
    if (!resolved) {
      const vot = valuesOfTimeUsdPerH?.[profileId];
      resolved = resolveRouteOptions(net, { ...state, cargo: profileId, criterion: "generalized", ...(vot !== undefined ? { valueOfTimeUsdPerH: vot } : {}) });
      options.set(`${tag}|${profileId}`, resolved);
    }
    const passage = resolvePassage(resolved.state, row.originPlace, row.destinationPlace);
    const key = `${tag}|${profileId}|${passage.key}`;
    let set = sets.get(key);
    if (!set) {
      set = ctx.weights({ ...resolved, passage });
      sets.set(key, set);
    }
    return set;
  };
  const route = (row: ResolvedDemandRow, state: StateRouteOptions, tag: string): { timeH: number; costUsd: number; co2Kg: number; bufferH: number; arcs: number[] } | null => {
    const set = setOf(state, tag, row);
    const paths = ctx.alternatives(row.originPlace, row.destinationPlace, set, 1);
    if (paths.length === 0) return null;
    const c = set.columns;
    let timeH = 0;
    let costUsd = 0;
    let co2Kg = 0;
    for (const a of paths[0]) {
      timeH += c.timeH[a];
      costUsd += c.costUsd[a];
      co2Kg += c.co2Kg[a];
    }
    return { timeH, costUsd, co2Kg, bufferH: buffer(paths[0], set), arcs: paths[0] };
  };
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    tonnes[r] = row.amountT;
    profile[r] = profiles.indexOf(row.profileId);
    const mass = massOf.get(row.profileId) ?? 1;
    const a = route(row, without, "without");
    const b = route(row, withProject, "with");
    if (a === null || b === null) {
      unroutedTonnes += row.amountT;
      continue;
    }
    routed[r] = 1;
    timeWithoutH[r] = a.timeH;
    timeWithH[r] = b.timeH;
    costWithoutUsdPerT[r] = a.costUsd / mass;
    costWithUsdPerT[r] = b.costUsd / mass;
    co2WithoutKgPerT[r] = a.co2Kg / mass;
    co2WithKgPerT[r] = b.co2Kg / mass;
    bufferWithoutH[r] = a.bufferH;
    bufferWithH[r] = b.bufferH;
    for (const arc of b.arcs) {
      if (projectArcs[arc]) {
        usesProject[r] = 1;
        break;
      }
    }
    if (usesProject[r] && capacitated && b.arcs.some((arc) => capacitated[arc] === 1)) rowsMeetingCapacity++;
  }
  return {
    rows,
    routed,
    tonnes,
    profile,
    profiles,
    timeWithoutH,
    timeWithH,
    costWithoutUsdPerT,
    costWithUsdPerT,
    bufferWithoutH,
    bufferWithH,
    co2WithoutKgPerT,
    co2WithKgPerT,
    usesProject,
    unroutedTonnes,
    rowsMeetingCapacity,
  };
}
