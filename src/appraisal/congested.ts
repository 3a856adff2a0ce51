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
 * Route choice prices each arc's reliability buffer (P90 − expected border dwell, closure and ferry wait) at the reliability ratio the benefits
 * use (option `reliabilityRatio`, added to the class fixed cost): the equilibrium and the benefits then value one
 * generalized cost, v (time + ρ buffer) + charges, and the per-row changes add up to the equilibria's saving.
 *
 * Used where the compared states differ in any capacity (a second track, a larger terminal or crossing): in
 * uncongested routing such a project changes no route and no time.
 */
import type { DemandTable, ResolvedDemandRow } from "../assignment/corridor-demand";
import { corridorProblem } from "../assignment/corridor";
import { type AlgorithmBRun, startAlgorithmB } from "../assignment/algorithm-b";
import { checkNumericRange } from "../assignment/problem";
import { solve } from "../assignment/solve";
import type { AssignmentResult } from "../assignment/state";
import { ShortestPathTree } from "../assignment/sp-tree";
import { CaravanError } from "../core/errors";
import { isArcAvailableInYear } from "../network/compiled";
import { isArcOpenInState, type NetworkState } from "../network/state";
import type { RoutingContext } from "../routing/index";
import { profileColumns, resolveRouteOptions } from "../routing/options";
import { PassageGroups } from "../routing/passage-groups";
import { arcEventBufferH } from "../routing/reliability";
import type { ProjectEffects } from "./effects";

/** A row counts as "on the project" when more than this share of its tonnes crosses the project's arcs. */
export const PROJECT_SHARE_MIN = 1e-6;

/** Default relative gap of the equilibrium in each state. */
export const CONGESTED_GAP = 1e-4;

/** [arc] 1 = the arc has a capacity in tonnes or TEU per year in the state (a volume-delay function in the assignment). */
export function capacitatedArcs(state: NetworkState): Uint8Array {
  const a = state.arcs;
  const mask = new Uint8Array(a.capacityTonnesPerYear.length);
  for (let i = 0; i < mask.length; i++) if (a.capacityTonnesPerYear[i] > 0 || a.capacityTeuPerYear[i] > 0) mask[i] = 1;
  return mask;
}

/** true when arc `a` is usable in the state as far as its overlay and year go. */
function openIn(state: NetworkState, a: number): boolean {
  return isArcOpenInState(state, a, isArcAvailableInYear(state.net, a, state.year));
}

/**
 * What the change from `without` to `withProject` does to capacitated elements, or null for nothing: arcs whose
 * capacity differs (a second track, a larger crossing), and arcs with a capacity that are open with the project and
 * closed without it (a new crossing, line or yard that has a capacity of its own).
 */
export function capacityDifference(without: NetworkState, withProject: NetworkState): { readonly changed: number; readonly opened: number } | null {
  const a = without.arcs;
  const b = withProject.arcs;
  if (a.capacityTonnesPerYear.length !== b.capacityTonnesPerYear.length) return { changed: b.capacityTonnesPerYear.length, opened: 0 };
  let changed = 0;
  let opened = 0;
  for (let i = 0; i < a.capacityTonnesPerYear.length; i++) {
    const capWith = b.capacityTonnesPerYear[i] > 0 || b.capacityTeuPerYear[i] > 0;
    const capWithout = a.capacityTonnesPerYear[i] > 0 || a.capacityTeuPerYear[i] > 0;
    if (!capWith && !capWithout) continue;
    const openWith = openIn(withProject, i);
    const openWithout = openIn(without, i);
    if (openWith && !openWithout) {
      if (capWith) opened++;
    } else if (openWith && (!Object.is(a.capacityTonnesPerYear[i], b.capacityTonnesPerYear[i]) || !Object.is(a.capacityTeuPerYear[i], b.capacityTeuPerYear[i]))) changed++;
  }
  return changed > 0 || opened > 0 ? { changed, opened } : null;
}

/** True when the two states differ in the capacity of any arc, or the with-state opens an arc with a capacity. */
export function capacityChanges(without: NetworkState, withProject: NetworkState): boolean {
  return capacityDifference(without, withProject) !== null;
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
  /** [row] share of the row's tonnes whose equilibrium paths cross an arc of the mask. */
  readonly projectShare: Float64Array;
  /** [row] generalized cost per unit of the profile as the assignment prices it: time × value of time + charges, USD. */
  readonly gcUsd: Float64Array;
  readonly relativeGap: number;
  readonly iterations: number;
  readonly elapsedS: number;
}

/** A solved equilibrium of one state at one demand level (reusable across comparisons that share the state). */
export interface Equilibrium {
  readonly cp: ReturnType<typeof corridorProblem>;
  readonly result: ReturnType<typeof solve>;
  /** Reliability ratio ρ the assignment priced the buffer with (0: time and charges only). */
  readonly reliabilityRatio: number;
  /** [class][problem arc] charges in hours of the class's value of time (the class fixed cost without ρ × buffer). */
  readonly chargeH: readonly Float64Array[];
}

/**
 * [compiled arc] reliability buffer of the arc in the state, hours: (P90 − expected) of its border dwell, closure wait
 * or ferry wait in the state's month, and a liner's arrival delay for the profiles it concerns — the buffer the routing stage's generalized criterion prices
 * (routing/reliability.ts arcEventBufferH), so route choice, equilibria and benefits count the same spread.
 */
export function arcBufferH(state: NetworkState, profileId: string): Float64Array {
  return arcEventBufferH(state.net, state.arcs, state.month, profileId);
}

/**
 * Solved equilibria keyed by the caller's name of a state, the demand multiplier and the gap: a portfolio compares
 * the same states many times (the package's "none" baseline in every standalone comparison, "all on" in every
 * incremental one), and each is assigned once.
 */
export type EquilibriumCache = Map<string, Equilibrium>;

/**
 * The Algorithm B run of one state at one demand level, taken on from gap to gap: a comparison tightens the gap
 * 100-fold at a time until its saving is resolved, and the run to 1e-8 passes through the very iterates a fresh run
 * to 1e-4 or 1e-6 stops at (algorithm-b.ts startAlgorithmB), so each tighter gap costs only its own iterations.
 */
interface EquilibriumRun {
  readonly cp: ReturnType<typeof corridorProblem>;
  readonly chargeH: readonly Float64Array[];
  readonly reliabilityRatio: number;
  readonly run: AlgorithmBRun;
  /** [iteration] the equilibrium given at that iterate. */
  readonly given: Map<number, Equilibrium>;
  /** The last result the run gave (its history: the gap of every iterate so far). */
  latest: AssignmentResult | null;
}

/** Runs of the states of a cache, by the state's name, demand multiplier, values of time and ρ. */
const runsOf = new WeakMap<EquilibriumCache, Map<string, EquilibriumRun>>();

/** Iteration budget of each state's equilibrium. */
const MAX_ITERATIONS = 500;

/** The corridor problem of a state at a demand level, its class charges in hours, and ρ × buffer in the class costs. */
function equilibriumProblem(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  state: NetworkState,
  demandScale: number,
  valueOfTimeUsdPerH: Readonly<Record<string, number>> | undefined,
  reliabilityRatio: number,
): { cp: ReturnType<typeof corridorProblem>; chargeH: Float64Array[] } {
  const table: DemandTable = { file: "appraisal demand", rows };
  const cp = corridorProblem(ctx.net, table, { state, demandScale, ...(valueOfTimeUsdPerH ? { valueOfTimeUsdPerH } : {}) });
  const chargeH = cp.problem.classes.map((cl) => Float64Array.from(cl.fixedCost));
  if (reliabilityRatio > 0) {
    cp.problem.classes.forEach((cl, k) => {
      const bufferOf = arcBufferH(state, cp.classProfiles[k]);
      const fixed = cl.fixedCost;
      for (let a = 0; a < fixed.length; a++) {
        const ca = cp.compiledArcOf[a];
        if (ca >= 0 && bufferOf[ca] > 0) fixed[a] += reliabilityRatio * bufferOf[ca];
      }
    });
  }
  return { cp, chargeH };
}

/**
 * The equilibrium of `state` with the demand scaled by `demandScale` (from `cache` under `key` when given). With
 * `reliabilityRatio` ρ > 0 each class's fixed cost of an arc (charges / value of time, hours) gets ρ × the arc's
 * reliability buffer added: shippers choose routes by time + ρ buffer + charges, the generalized cost the benefits
 * value (docs/appraisal.md, "Reliability in the congested comparison").
 *
 * With a cache, the state's run is kept and taken on when a tighter gap is asked (EquilibriumRun): the result is the
 * one a fresh solve to that gap gives, iterate for iterate.
 */
export function solveEquilibrium(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  state: NetworkState,
  demandScale: number,
  gap: number,
  cache?: { readonly map: EquilibriumCache; readonly key: string },
  valueOfTimeUsdPerH?: Readonly<Record<string, number>>,
  reliabilityRatio = 0,
): Equilibrium {
  const vot = valueOfTimeUsdPerH ? JSON.stringify(Object.entries(valueOfTimeUsdPerH).sort()) : "profiles";
  const level = cache ? `${cache.key}|scale=${demandScale}|vot=${vot}|rho=${reliabilityRatio}` : "";
  const key = `${level}|gap=${gap}`;
  const hit = cache?.map.get(key);
  if (hit) return hit;
  const fresh = (problem?: { readonly cp: ReturnType<typeof corridorProblem>; readonly chargeH: readonly Float64Array[] }): Equilibrium => {
    const { cp, chargeH } = problem ?? equilibriumProblem(ctx, rows, state, demandScale, valueOfTimeUsdPerH, reliabilityRatio);
    return { cp, result: solve(cp.problem, "b", { gap, maxIterations: MAX_ITERATIONS }), reliabilityRatio, chargeH };
  };
  if (!cache) return fresh();
  let runs = runsOf.get(cache.map);
  if (!runs) {
    runs = new Map();
    runsOf.set(cache.map, runs);
  }
  let er = runs.get(level);
  if (!er) {
    const { cp, chargeH } = equilibriumProblem(ctx, rows, state, demandScale, valueOfTimeUsdPerH, reliabilityRatio);
    checkNumericRange(cp.problem);
    er = { cp, chargeH, reliabilityRatio, run: startAlgorithmB(cp.problem, { gap, maxIterations: MAX_ITERATIONS }), given: new Map(), latest: null };
    runs.set(level, er);
  }
  // a fresh solve to `gap` stops at the first iterate at or below it: one the run has passed, or one still ahead
  const history = er.latest?.history ?? [];
  const first = history.findIndex((h) => h.relativeGap <= gap);
  let eq: Equilibrium | undefined;
  if (first >= 0 && first < history.length - 1) {
    // passed without a result kept (no comparison asked for this gap then): solve afresh
    eq = er.given.get(first) ?? fresh(er);
  } else {
    const result = er.run.advance(gap);
    eq = er.given.get(result.iterations);
    if (!eq) {
      eq = { cp: er.cp, result, reliabilityRatio, chargeH: er.chargeH };
      er.given.set(result.iterations, eq);
      er.latest = result;
    }
  }
  cache.map.set(key, eq);
  return eq;
}

function equilibriumCosts(
  ctx: RoutingContext,
  rows: readonly ResolvedDemandRow[],
  state: NetworkState,
  eq: Equilibrium,
  mask: Uint8Array | null,
  valueOfTimeUsdPerH?: Readonly<Record<string, number>>,
): StateCosts {
  const net = ctx.net;
  const { cp, result } = eq;
  const p = cp.problem;
  const n = rows.length;
  const out: StateCosts = {
    reached: new Uint8Array(n),
    timeH: new Float64Array(n),
    costUsd: new Float64Array(n),
    bufferH: new Float64Array(n),
    co2Kg: new Float64Array(n),
    usesMask: new Uint8Array(n),
    projectShare: new Float64Array(n),
    gcUsd: new Float64Array(n),
    relativeGap: result.relativeGap,
    iterations: result.iterations,
    elapsedS: result.elapsedS,
  };
  const arcs = state.arcs;
  // the transit-ban classes of a profile share its value of time and columns: resolved once per profile
  const byProfile = new Map<string, { readonly vot: number; readonly columns: ReturnType<typeof profileColumns>; readonly bufferH: Float64Array }>();
  const perClass = cp.classProfiles.map((profileId) => {
    let pc = byProfile.get(profileId);
    if (!pc) {
      const resolved = resolveRouteOptions(net, { cargo: profileId, state });
      // the value of time the assignment used: its fixed cost is charges / value of time, hours
      const vot = valueOfTimeUsdPerH?.[resolved.profile.id] ?? resolved.profile.valueOfTimeUsdPerH.value;
      pc = { vot, columns: profileColumns(net, resolved.profile, arcs), bufferH: arcBufferH(state, resolved.profile.id) };
      byProfile.set(profileId, pc);
    }
    return pc;
  });
  // the comparison builds its problems without value-of-time segments (equilibriumProblem): more is a bug
  if (cp.vot.count !== 1) {
    throw new CaravanError("E_INTERNAL", `congested comparison: the demand classes have one value of time each (no value-of-time segments), but the equilibrium has ${cp.vot.count}`);
  }
  // [row] the row's demand class, which is also the problem class of its tonnes where no transit ban concerns them
  const rowClass = Int32Array.from(rows, (row) => cp.demandClassIds.indexOf(row.classId));
  // rows by demand class and pair: a pair's tonnes are one commodity's, of the demand class or of the user class of
  // the transit bans that concern the pair (`<class>|<rules>`, corridor.ts), so the commodity's problem class maps
  // back to its demand class (classDemandClass)
  const rowsOf = new Map<string, number[]>();
  for (let r = 0; r < n; r++) {
    const key = `${rowClass[r]}:${rows[r].originPlace}:${rows[r].destinationPlace}`;
    const list = rowsOf.get(key);
    if (list) list.push(r);
    else rowsOf.set(key, [r]);
  }
  decomposeFlows(eq, perClass, mask, rowsOf, out);
  // rows the equilibrium loads no flow for (zero demand): the least-cost path under the equilibrium times, on the
  // costs of the row's class and with what the rules of passage of its pair forbid (the transit bans that concern it:
  // its group of routing/passage-groups.ts, as corridor.ts builds the ban classes), hours
  const tree = new ShortestPathTree(p.graph, p.noThrough);
  // the problem's own groups, so a group index means the same user-class costs (corridor.ts fixedCostInGroup)
  let passage: PassageGroups | null = cp.passage;
  const costOfGroup = new Map<string, Float64Array>();
  const rowCost = (c: number, row: ResolvedDemandRow): { readonly key: string; readonly cost: Float64Array } => {
    passage ??= new PassageGroups(state);
    const group = passage.groupOf(row.originPlace, row.destinationPlace);
    const key = `${c}:${group}`;
    let cost = costOfGroup.get(key);
    if (!cost) {
      cost = cp.fixedCostInGroup(c, group);
      costOfGroup.set(key, cost);
    }
    return { key, cost };
  };
  let lastKey = "";
  let lastOrigin = -1;
  for (let r = 0; r < n; r++) {
    if (out.reached[r]) continue;
    const row = rows[r];
    const c = rowClass[r];
    const fixed = eq.chargeH[c];
    const { key, cost } = rowCost(c, row);
    if (key !== lastKey || row.originPlace !== lastOrigin) {
      tree.run(row.originPlace, result.time, cost);
      lastKey = key;
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
    const bufferOf = perClass[c].bufferH;
    while (v !== row.originPlace) {
      const a = tree.pred[v];
      if (a < 0) break;
      timeH += result.time[a];
      fixedH += fixed[a];
      const ca = cp.compiledArcOf[a];
      if (ca >= 0) {
        co2Kg += cols.co2Kg[ca];
        bufferH += bufferOf[ca];
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
    out.projectShare[r] = uses;
  }
  const rho = eq.reliabilityRatio;
  for (let r = 0; r < n; r++) if (out.reached[r]) out.gcUsd[r] = (out.timeH[r] + rho * out.bufferH[r]) * perClass[rowClass[r]].vot + out.costUsd[r];
  return out;
}

/**
 * Per demand row the flow-weighted means over the equilibrium paths of its pair: time, charge (class fixed cost
 * × value of time), reliability buffer and CO2, and the share of its tonnes that crosses an arc of `mask`. Each
 * commodity's bush flow (Algorithm B, acyclic) is decomposed in proportion at every node, in topological order:
 *   inflow(v) = Σ_in f_a,   X̄(v) = Σ_in f_a (X̄(tail a) + x_a) / inflow(v),   s(v) = Σ_in f_a (mask_a ? 1 : s(tail a)) / inflow(v)
 * (the decomposition of results.ts corridorVolumes). At equilibrium every used path of a pair has the same
 * generalized cost within the gap, but not the same split into time and charges, nor the same buffer or CO2: a
 * single least-cost path would pick one of them arbitrarily, and the pick can differ between the two states.
 */
function decomposeFlows(
  eq: Equilibrium,
  perClass: readonly { readonly vot: number; readonly columns: { readonly co2Kg: ArrayLike<number> }; readonly bufferH: Float64Array }[],
  mask: Uint8Array | null,
  rowsOf: ReadonlyMap<string, readonly number[]>,
  out: StateCosts,
): void {
  const { cp, result } = eq;
  const cf = result.commodityFlow;
  // the comparison solves with Algorithm B (solveEquilibrium), which gives them: none is a bug
  if (cf === null) throw new CaravanError("E_INTERNAL", "congested comparison: the equilibrium has no per-commodity flows (Algorithm B gives them)");
  const p = cp.problem;
  const { firstOut, head, tail } = p.graph;
  const { firstIn, inArc } = p.reverse;
  const nodes = p.graph.nodeCount;
  const m = p.graph.arcCount;
  const indeg = new Int32Array(nodes);
  const order = new Int32Array(nodes);
  const timeH = new Float64Array(nodes); // [node] mean time from the origin
  const fixedH = new Float64Array(nodes); // [node] mean class fixed cost (charges in hours)
  const bufferH = new Float64Array(nodes);
  const co2Kg = new Float64Array(nodes);
  const share = new Float64Array(nodes); // [node] share of the arriving flow that crossed a masked arc
  const seen = new Int32Array(nodes); // [node] k + 1 = in commodity k's bush
  const { commodities } = p;
  for (let k = 0; k < commodities.count; k++) {
    const base = k * m;
    const c = commodities.classOf[k];
    const origin = commodities.origin[k];
    const fixed = eq.chargeH[c];
    const co2 = perClass[c].columns.co2Kg;
    const bufferOf = perClass[c].bufferH;
    for (let a = 0; a < m; a++) if (cf[base + a] > 0) indeg[head[a]]++;
    let qh = 0;
    let qt = 0;
    order[qt++] = origin;
    seen[origin] = k + 1;
    while (qh < qt) {
      const u = order[qh++];
      for (let a = firstOut[u]; a < firstOut[u + 1]; a++) {
        if (cf[base + a] > 0 && --indeg[head[a]] === 0) {
          order[qt++] = head[a];
          seen[head[a]] = k + 1;
        }
      }
    }
    for (let a = 0; a < m; a++) indeg[head[a]] = 0;
    timeH[origin] = 0;
    fixedH[origin] = 0;
    bufferH[origin] = 0;
    co2Kg[origin] = 0;
    share[origin] = 0;
    for (let i = 1; i < qt; i++) {
      const v = order[i];
      let total = 0;
      let t = 0;
      let fx = 0;
      let b = 0;
      let e = 0;
      let s = 0;
      for (let q = firstIn[v]; q < firstIn[v + 1]; q++) {
        const a = inArc[q];
        const f = cf[base + a];
        if (!(f > 0)) continue;
        const u = tail[a];
        const ca = cp.compiledArcOf[a];
        total += f;
        t += f * (timeH[u] + result.time[a]);
        fx += f * (fixedH[u] + fixed[a]);
        b += f * (bufferH[u] + (ca >= 0 ? bufferOf[ca] : 0));
        e += f * (co2Kg[u] + (ca >= 0 ? co2[ca] : 0));
        s += f * (ca >= 0 && mask?.[ca] ? 1 : share[u]);
      }
      timeH[v] = t / total;
      fixedH[v] = fx / total;
      bufferH[v] = b / total;
      co2Kg[v] = e / total;
      share[v] = s / total;
    }
    for (let d = commodities.destStart[k]; d < commodities.destStart[k + 1]; d++) {
      const dest = commodities.destNode[d];
      if (seen[dest] !== k + 1 || dest === origin) continue;
      for (const r of rowsOf.get(`${cp.classDemandClass[c]}:${origin}:${dest}`) ?? []) {
        out.reached[r] = 1;
        out.timeH[r] = timeH[dest];
        out.costUsd[r] = fixedH[dest] * perClass[c].vot;
        out.bufferH[r] = bufferH[dest];
        out.co2Kg[r] = co2Kg[dest];
        out.projectShare[r] = share[dest];
        out.usesMask[r] = share[dest] > PROJECT_SHARE_MIN ? 1 : 0;
      }
    }
  }
}

/** Convergence of the two equilibria of a congested comparison. */
export interface CongestedRun {
  readonly demandScale: number;
  /** Relative gap both states were solved to (the requested gap, or tighter until the saving was resolved). */
  readonly gap: number;
  readonly gapWithout: number;
  readonly gapWith: number;
  readonly iterationsWithout: number;
  readonly iterationsWith: number;
  readonly elapsedS: number;
  /**
   * Total generalized cost of the demand at this level (Σ tonnes × ((time + ρ buffer) × value of time + charges),
   * the cost the assignment equilibrates; USD per year) without and with the change, at the final gap.
   */
  readonly costWithoutUsd: number;
  readonly costWithUsd: number;
  /** The gaps solved, each with the saving (costWithoutUsd − costWithUsd) it gave, in order. */
  readonly savings: readonly { readonly gap: number; readonly savingUsd: number }[];
}

/** Smallest relative gap the comparison tightens to. */
export const CONGESTED_GAP_FLOOR = 1e-10;
/**
 * The saving is resolved when it moves by at most this share (of itself, or 1e-9 of the total cost where it is
 * near zero) between two gaps 100 times apart.
 */
export const SAVING_RESOLVED = 0.01;

/**
 * Effects of the change from `without` to `withProject` with the demand scaled by `demandScale` (the demand level of
 * an evaluation year relative to the demand file), both assigned to equilibrium. Row tonnes stay the file's base
 * tonnes, as in the uncongested effects (the benefit model applies the demand growth).
 *
 * Both states are solved to the same relative gap, starting at `gap` and tightened 100-fold at a time (down to
 * CONGESTED_GAP_FLOOR) until the total generalized cost saving stops moving (SAVING_RESOLVED): the benefit of a
 * capacity change is a small difference of two large totals, and a gap that is tight enough for flows can leave
 * that difference unresolved (docs/appraisal.md: 1e-4 gave a negative saving where the converged one is positive).
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
    /**
     * Value of time by cargo profile id, USD per unit per hour, that shippers trade against charges in the
     * assignment (default: the profiles'). The appraisal passes the values it prices time with, so the equilibrium
     * and the benefits measure one generalized cost.
     */
    readonly valueOfTimeUsdPerH?: Readonly<Record<string, number>>;
    /**
     * Reliability ratio ρ of the route choice (default 0): the assignment prices each arc's reliability buffer at ρ ×
     * the value of time, as the benefits do (the appraisal passes its parameter).
     */
    readonly reliabilityRatio?: number;
  } = {},
): ProjectEffects & { readonly run: CongestedRun } {
  const scale = options.demandScale ?? 1;
  // without a cache of the caller's, one of its own: each state's run is taken on from gap to gap
  const c = options.cache ?? { map: new Map(), withoutKey: "without", withKey: "with" };
  const massOf = new Map(ctx.net.network.cargo.map((x) => [x.id, x.massT.value]));
  let elapsedS = 0;
  const at = (g: number) => {
    const vot = options.valueOfTimeUsdPerH;
    const rho = options.reliabilityRatio ?? 0;
    const start = process.hrtime.bigint();
    const eqA = solveEquilibrium(ctx, rows, without, scale, g, { map: c.map, key: c.withoutKey }, vot, rho);
    const eqB = solveEquilibrium(ctx, rows, withProject, scale, g, { map: c.map, key: c.withKey }, vot, rho);
    // the time spent here on the two equilibria (0 when both came from the cache)
    elapsedS += Number(process.hrtime.bigint() - start) / 1e9;
    const a = equilibriumCosts(ctx, rows, without, eqA, null, vot);
    const b = equilibriumCosts(ctx, rows, withProject, eqB, projectArcs, vot);
    let costA = 0;
    let costB = 0;
    for (let r = 0; r < rows.length; r++) {
      if (!a.reached[r] || !b.reached[r]) continue;
      const units = (rows[r].amountT * scale) / (massOf.get(rows[r].profileId) ?? 1);
      costA += units * a.gcUsd[r];
      costB += units * b.gcUsd[r];
    }
    return { gap: g, a, b, costA, costB };
  };
  let cur = at(options.gap ?? CONGESTED_GAP);
  const savings = [{ gap: cur.gap, savingUsd: cur.costA - cur.costB }];
  while (cur.gap > CONGESTED_GAP_FLOOR) {
    const next = at(Math.max(CONGESTED_GAP_FLOOR, cur.gap / 100));
    const s0 = cur.costA - cur.costB;
    const s1 = next.costA - next.costB;
    savings.push({ gap: next.gap, savingUsd: s1 });
    cur = next;
    if (Math.abs(s1 - s0) <= SAVING_RESOLVED * Math.abs(s1) + 1e-9 * next.costA) break;
  }
  const { a, b } = cur;
  const n = rows.length;
  const profiles = [...new Set(rows.map((r) => r.profileId))].sort();
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
    projectShare: new Float64Array(n),
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
    e.projectShare[r] = b.projectShare[r];
  }
  return {
    rows,
    profiles,
    ...e,
    unroutedTonnes,
    run: {
      demandScale: scale,
      gap: cur.gap,
      gapWithout: a.relativeGap,
      gapWith: b.relativeGap,
      iterationsWithout: a.iterations,
      iterationsWith: b.iterations,
      elapsedS,
      costWithoutUsd: cur.costA,
      costWithUsd: cur.costB,
      savings,
    },
  };
}
