/**
 * Congested with/without comparison: the corridor demand assigned to user equilibrium (the corridor assignment,
 * Algorithm B) in each network state, and per demand row the equilibrium generalized cost of its OD pair split into
 * time (moving time + dwell + queueing delay at the equilibrium flows) and money (charges), with the route's
 * reliability buffer and CO2. The result has the shape of the uncongested effects (effects.ts), so the same benefit
 * model (benefits.ts: value-of-freight-time table, charges, rule of a half for generated traffic) values it.
 *
 * Per row the cost is read from the least-cost path under the equilibrium arc times (time + class fixed cost): at
 * equilibrium every used path of the pair costs that minimum within the solver gap, so this is the pair's
 * equilibrium path cost.
 *
 * Used where the compared states differ in any capacity (a second track, a larger terminal or crossing): in
 * uncongested routing such a project changes no route and no time.
 */
import type { DemandTable, ResolvedDemandRow } from "../assignment/corridor-demand";
import { corridorProblem } from "../assignment/corridor";
import { solve } from "../assignment/solve";
import { ShortestPathTree } from "../assignment/sp-tree";
import type { NetworkState } from "../network/state";
import type { RoutingContext } from "../routing/index";
import { profileColumns, resolveRouteOptions } from "../routing/options";
import type { ProjectEffects } from "./effects";

/** Default relative gap of the equilibrium in each state. */
export const CONGESTED_GAP = 1e-4;

/** True when the two states differ in the capacity of any arc (tonnes or TEU per year). */
export function capacityChanges(without: NetworkState, withProject: NetworkState): boolean {
  const a = without.arcs;
  const b = withProject.arcs;
  if (a.capacityTonnesPerYear.length !== b.capacityTonnesPerYear.length) return true;
  for (let i = 0; i < a.capacityTonnesPerYear.length; i++) {
    if (!Object.is(a.capacityTonnesPerYear[i], b.capacityTonnesPerYear[i]) || !Object.is(a.capacityTeuPerYear[i], b.capacityTeuPerYear[i])) return true;
  }
  return false;
}

/** [arc] 1 = the arc's capacity differs between the states (the records a capacity project upgrades). */
export function capacityChangeMask(without: NetworkState, withProject: NetworkState): Uint8Array {
  const a = without.arcs;
  const b = withProject.arcs;
  const mask = new Uint8Array(a.capacityTonnesPerYear.length);
  for (let i = 0; i < mask.length; i++) {
    if (!Object.is(a.capacityTonnesPerYear[i], b.capacityTonnesPerYear[i]) || !Object.is(a.capacityTeuPerYear[i], b.capacityTeuPerYear[i])) mask[i] = 1;
  }
  return mask;
}

/** The equilibrium of one state: per row time, charge, buffer, CO2 per unit of the row's profile. */
interface StateCosts {
  readonly reached: Uint8Array;
  readonly timeH: Float64Array;
  readonly costUsd: Float64Array;
  readonly bufferH: Float64Array;
  readonly co2Kg: Float64Array;
  readonly usesMask: Uint8Array;
  readonly relativeGap: number;
  readonly iterations: number;
  readonly elapsedS: number;
}

/** A solved equilibrium of one state at one demand level (reusable across comparisons that share the state). */
export interface Equilibrium {
  readonly cp: ReturnType<typeof corridorProblem>;
  readonly result: ReturnType<typeof solve>;
}

/**
 * Solved equilibria keyed by the caller's name of a state, the demand multiplier and the gap: a portfolio compares
 * the same states many times (the package's "none" baseline in every standalone comparison, "all on" in every
 * incremental one), and each is assigned once.
 */
export type EquilibriumCache = Map<string, Equilibrium>;

/** The equilibrium of `state` with the demand scaled by `demandScale` (from `cache` under `key` when given). */
export function solveEquilibrium(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  state: NetworkState,
  demandScale: number,
  gap: number,
  cache?: { readonly map: EquilibriumCache; readonly key: string },
): Equilibrium {
  const key = cache ? `${cache.key}|scale=${demandScale}|gap=${gap}` : "";
  const hit = cache?.map.get(key);
  if (hit) return hit;
  const table: DemandTable = { file: "appraisal demand", rows };
  const cp = corridorProblem(ctx.net, table, { state, demandScale });
  const eq = { cp, result: solve(cp.problem, "b", { gap, maxIterations: 500 }) };
  cache?.map.set(key, eq);
  return eq;
}

function equilibriumCosts(ctx: RoutingContext, rows: readonly ResolvedDemandRow[], state: NetworkState, eq: Equilibrium, mask: Uint8Array | null): StateCosts {
  const net = ctx.net;
  const { cp, result } = eq;
  const p = cp.problem;
  const tree = new ShortestPathTree(p.graph, p.noThrough);
  const n = rows.length;
  const out: StateCosts = {
    reached: new Uint8Array(n),
    timeH: new Float64Array(n),
    costUsd: new Float64Array(n),
    bufferH: new Float64Array(n),
    co2Kg: new Float64Array(n),
    usesMask: new Uint8Array(n),
    relativeGap: result.relativeGap,
    iterations: result.iterations,
    elapsedS: result.elapsedS,
  };
  const arcs = state.arcs;
  const perClass = cp.classIds.map((_, c) => {
    const resolved = resolveRouteOptions(net, { cargo: cp.classProfiles[c], state });
    return { vot: resolved.profile.valueOfTimeUsdPerH.value, columns: profileColumns(net, resolved.profile, arcs) };
  });
  // rows sorted by (class, origin) so one tree serves every destination of an origin
  const order = Array.from({ length: n }, (_, r) => r).sort((x, y) => {
    const cx = cp.classIds.indexOf(rows[x].classId);
    const cy = cp.classIds.indexOf(rows[y].classId);
    return cx - cy || rows[x].originPlace - rows[y].originPlace;
  });
  let lastClass = -1;
  let lastOrigin = -1;
  for (const r of order) {
    const row = rows[r];
    const c = cp.classIds.indexOf(row.classId);
    const fixed = p.classes[c].fixedCost;
    if (c !== lastClass || row.originPlace !== lastOrigin) {
      tree.run(row.originPlace, result.time, fixed);
      lastClass = c;
      lastOrigin = row.originPlace;
    }
    if (!(tree.dist[row.destinationPlace] < Number.POSITIVE_INFINITY)) continue;
    let v = row.destinationPlace;
    let timeH = 0;
    let fixedH = 0;
    let bufferH = 0;
    let co2Kg = 0;
    let uses = 0;
    const cols = perClass[c].columns;
    while (v !== row.originPlace) {
      const a = tree.pred[v];
      if (a < 0) break;
      timeH += result.time[a];
      fixedH += fixed[a];
      const ca = cp.compiledArcOf[a];
      if (ca >= 0) {
        co2Kg += cols.co2Kg[ca];
        const high = arcs.dwellHighH[ca];
        const median = arcs.eventTimeH[ca] - arcs.waitTimeH[ca];
        if (!Number.isNaN(high) && high > median) bufferH += high - median;
        if (mask?.[ca]) uses = 1;
      }
      v = p.graph.tail[a];
    }
    out.reached[r] = 1;
    out.timeH[r] = timeH;
    out.costUsd[r] = fixedH * perClass[c].vot;
    out.bufferH[r] = bufferH;
    out.co2Kg[r] = co2Kg;
    out.usesMask[r] = uses;
  }
  return out;
}

/** Convergence of the two equilibria of a congested comparison. */
export interface CongestedRun {
  readonly demandScale: number;
  readonly gapWithout: number;
  readonly gapWith: number;
  readonly iterationsWithout: number;
  readonly iterationsWith: number;
  readonly elapsedS: number;
}

/**
 * Effects of the change from `without` to `withProject` with the demand scaled by `demandScale` (the demand level of
 * an evaluation year relative to the demand file), both assigned to equilibrium. Row tonnes stay the file's base
 * tonnes, as in the uncongested effects (the benefit model applies the demand growth).
 */
export function congestedEffects(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  without: NetworkState,
  withProject: NetworkState,
  projectArcs: Uint8Array,
  options: {
    readonly demandScale?: number;
    readonly gap?: number;
    /** Reuse of solved equilibria: the cache and the names of the two states in it. */
    readonly cache?: { readonly map: EquilibriumCache; readonly withoutKey: string; readonly withKey: string };
  } = {},
): ProjectEffects & { readonly run: CongestedRun } {
  const scale = options.demandScale ?? 1;
  const gap = options.gap ?? CONGESTED_GAP;
  const c = options.cache;
  const eqA = solveEquilibrium(ctx, rows, without, scale, gap, c ? { map: c.map, key: c.withoutKey } : undefined);
  const eqB = solveEquilibrium(ctx, rows, withProject, scale, gap, c ? { map: c.map, key: c.withKey } : undefined);
  const a = equilibriumCosts(ctx, rows, without, eqA, null);
  const b = equilibriumCosts(ctx, rows, withProject, eqB, projectArcs);
  const n = rows.length;
  const profiles = [...new Set(rows.map((r) => r.profileId))].sort();
  const massOf = new Map(ctx.net.network.cargo.map((c) => [c.id, c.massT.value]));
  const e = {
    routed: new Uint8Array(n),
    tonnes: new Float64Array(n),
    profile: new Uint8Array(n),
    timeWithoutH: new Float64Array(n),
    timeWithH: new Float64Array(n),
    costWithoutUsdPerT: new Float64Array(n),
    costWithUsdPerT: new Float64Array(n),
    bufferWithoutH: new Float64Array(n),
    bufferWithH: new Float64Array(n),
    co2WithoutKgPerT: new Float64Array(n),
    co2WithKgPerT: new Float64Array(n),
    usesProject: new Uint8Array(n),
  };
  let unroutedTonnes = 0;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    e.tonnes[r] = row.amountT;
    e.profile[r] = profiles.indexOf(row.profileId);
    if (!a.reached[r] || !b.reached[r]) {
      unroutedTonnes += row.amountT;
      continue;
    }
    const mass = massOf.get(row.profileId) ?? 1;
    e.routed[r] = 1;
    e.timeWithoutH[r] = a.timeH[r];
    e.timeWithH[r] = b.timeH[r];
    e.costWithoutUsdPerT[r] = a.costUsd[r] / mass;
    e.costWithUsdPerT[r] = b.costUsd[r] / mass;
    e.bufferWithoutH[r] = a.bufferH[r];
    e.bufferWithH[r] = b.bufferH[r];
    e.co2WithoutKgPerT[r] = a.co2Kg[r] / mass;
    e.co2WithKgPerT[r] = b.co2Kg[r] / mass;
    e.usesProject[r] = b.usesMask[r];
  }
  return {
    rows,
    profiles,
    ...e,
    unroutedTonnes,
    run: {
      demandScale: scale,
      gapWithout: a.relativeGap,
      gapWith: b.relativeGap,
      iterationsWithout: a.iterations,
      iterationsWith: b.iterations,
      elapsedS: a.elapsedS + b.elapsedS,
    },
  };
}
