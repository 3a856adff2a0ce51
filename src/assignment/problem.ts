/**
 * The assignment problem in its working form: a CSR graph, per-arc volume-delay functions, user classes and
 * commodities (demand), all in typed arrays.
 *
 * Units: flows are in one unit for every class (vehicles per period for TNTP, tonnes per year on the corridor
 * network); times in the problem's time unit (minutes for TNTP, hours on the corridor network). The cost of an arc
 * for class c is
 *     cost_c(a) = t_a(X_a) + fixed_c(a)
 * where X_a is the total flow of all classes and fixed_c(a) is a flow-independent cost already expressed in time
 * units (toll / value of time, distance factor, tariff / value of time). fixed_c(a) = +Infinity forbids the arc to
 * the class (modes it may not use). Because every class sees the same t_a(X_a), the multi-class equilibrium is the
 * minimum of one convex objective (Beckmann 1956):
 *     B(x) = Σ_a ∫_0^{X_a} t_a(s) ds + Σ_c Σ_a x_ca · fixed_c(a)
 *
 * A commodity is the demand of one class from one origin node to a list of destination nodes (on the corridor
 * network, optionally split further by destination country so that transit tonnes are exact per commodity).
 */
import { buildCsr, buildReverse, type CsrGraph, type CsrReverse, permuteToCsr } from "../graph/csr";
import { CaravanError } from "../core/errors";
import type { TntpInstance } from "./tntp";
import { arcDerivative, arcIntegral, arcTime, emptyVdf, type VdfColumns } from "./vdf";

/** One user class: its own flow-independent cost per arc. */
export interface UserClass {
  readonly id: string;
  /** [arc] flow-independent cost in time units; +Infinity = the class may not use the arc. */
  readonly fixedCost: Float64Array;
}

/** Demand as a list of commodities (struct of arrays). Destinations of commodity k are entries destStart[k] .. destStart[k+1]-1. */
export interface Commodities {
  readonly count: number;
  /** [commodity] class index. */
  readonly classOf: Uint32Array;
  /** [commodity] origin node. */
  readonly origin: Uint32Array;
  /** [commodity] first destination entry; length count + 1. */
  readonly destStart: Uint32Array;
  /** [entry] destination node. */
  readonly destNode: Uint32Array;
  /** [entry] demand, flow units. */
  readonly demand: Float64Array;
}

export interface AssignmentProblem {
  readonly graph: CsrGraph;
  readonly reverse: CsrReverse;
  /** [node] 1 = zone / access node: paths may start or end here but not pass through. */
  readonly noThrough: Uint8Array;
  /** Per-arc VDF parameters in CSR order. */
  readonly vdf: VdfColumns;
  /**
   * Optional volume-delay groups: [arc] group id or -1. The queueing part of every member of group g is evaluated
   * at the group's summed flow X_g (vdf.ts `VdfEvaluator`); the Beckmann objective then has ∫_0^{X_g} q_g once per
   * group. Members must have identical queueing parameters. Absent (TNTP problems) = every arc on its own flow.
   */
  readonly vdfGroup?: Int32Array;
  readonly classes: readonly UserClass[];
  readonly commodities: Commodities;
  /** Demand whose origin equals its destination (loads no arc), flow units. */
  readonly intrazonalDemand: number;
  /** Unit names for reports. */
  readonly timeUnit: string;
  readonly flowUnit: string;
}

/** Build commodities from per-commodity lists. Entries with zero demand or origin = destination are dropped. */
export function buildCommodities(list: readonly { classIndex: number; origin: number; destinations: ArrayLike<number>; demand: ArrayLike<number> }[]): {
  commodities: Commodities;
  intrazonal: number;
} {
  const kept: { classIndex: number; origin: number; d: number[]; v: number[] }[] = [];
  let intrazonal = 0;
  for (const c of list) {
    const d: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < c.destinations.length; i++) {
      const amount = c.demand[i];
      if (!(amount > 0)) continue;
      if (c.destinations[i] === c.origin) {
        intrazonal += amount;
        continue;
      }
      d.push(c.destinations[i]);
      v.push(amount);
    }
    if (d.length > 0) kept.push({ classIndex: c.classIndex, origin: c.origin, d, v });
  }
  kept.sort((p, q) => p.classIndex - q.classIndex || p.origin - q.origin);
  const count = kept.length;
  const entries = kept.reduce((s, c) => s + c.d.length, 0);
  const classOf = new Uint32Array(count);
  const origin = new Uint32Array(count);
  const destStart = new Uint32Array(count + 1);
  const destNode = new Uint32Array(entries);
  const demand = new Float64Array(entries);
  let e = 0;
  for (let k = 0; k < count; k++) {
    classOf[k] = kept[k].classIndex;
    origin[k] = kept[k].origin;
    destStart[k] = e;
    for (let i = 0; i < kept[k].d.length; i++, e++) {
      destNode[e] = kept[k].d[i];
      demand[e] = kept[k].v[i];
    }
  }
  destStart[count] = e;
  return { commodities: { count, classOf, origin, destStart, destNode, demand }, intrazonal };
}

/** Total demand of all commodities (excluding intrazonal demand). */
export function totalDemand(c: Commodities): number {
  let s = 0;
  for (let e = 0; e < c.demand.length; e++) s += c.demand[e];
  return s;
}

export interface TntpProblemOptions {
  /** Override the file's `<TOLL FACTOR>` (cost per toll unit, in time units). */
  readonly tollFactor?: number;
  /** Override the file's `<DISTANCE FACTOR>` (cost per length unit, in time units). */
  readonly distanceFactor?: number;
  /** Multiply every demand entry (e.g. 2 for the doubled-demand ChicagoSketch test). */
  readonly demandScale?: number;
}

/**
 * The commodities of a dense trip table ([o * zones + d] demand, multiplied by `scale`), one per origin zone with
 * demand, written straight into typed arrays: the same commodities, entries and intrazonal sum as buildCommodities
 * gives for the per-origin lists of positive entries (origins ascending, destinations ascending).
 */
export function tripCommodities(table: Float64Array, zones: number, scale: number): { commodities: Commodities; intrazonal: number } {
  let count = 0;
  let entries = 0;
  for (let o = 0; o < zones; o++) {
    const row = o * zones;
    let kept = 0;
    for (let d = 0; d < zones; d++) if (d !== o && table[row + d] * scale > 0) kept++;
    if (kept > 0) count++;
    entries += kept;
  }
  const classOf = new Uint32Array(count);
  const origin = new Uint32Array(count);
  const destStart = new Uint32Array(count + 1);
  const destNode = new Uint32Array(entries);
  const demand = new Float64Array(entries);
  let intrazonal = 0;
  let k = 0;
  let e = 0;
  for (let o = 0; o < zones; o++) {
    const row = o * zones;
    const e0 = e;
    for (let d = 0; d < zones; d++) {
      const v = table[row + d] * scale;
      if (!(v > 0)) continue;
      if (d === o) intrazonal += v;
      else {
        destNode[e] = d;
        demand[e] = v;
        e++;
      }
    }
    if (e > e0) {
      origin[k] = o;
      destStart[k] = e0;
      k++;
    }
  }
  destStart[count] = e;
  return { commodities: { count, classOf, origin, destStart, destNode, demand }, intrazonal };
}

/** The working form of a TNTP instance. Arc ids are CSR positions; `graph.inputArc[a]` is the file's link index. */
export function tntpProblem(instance: TntpInstance, options: TntpProblemOptions = {}): AssignmentProblem {
  const net = instance.network;
  const graph = buildCsr(net.nodeCount, net.fromNode, net.toNode);
  const vdf = emptyVdf(net.linkCount);
  const cap = permuteToCsr(graph, net.capacity);
  vdf.bprT0.set(permuteToCsr(graph, net.freeFlowTime));
  vdf.bprB.set(permuteToCsr(graph, net.bprB));
  vdf.bprPower.set(permuteToCsr(graph, net.bprPower));
  for (let a = 0; a < graph.arcCount; a++) vdf.bprCapacity[a] = cap[a] > 0 ? cap[a] : Number.POSITIVE_INFINITY;
  const tollFactor = options.tollFactor ?? net.tollFactor;
  const distanceFactor = options.distanceFactor ?? net.distanceFactor;
  const toll = permuteToCsr(graph, net.toll);
  const length = permuteToCsr(graph, net.length);
  const fixedCost = new Float64Array(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) fixedCost[a] = tollFactor * toll[a] + distanceFactor * length[a];
  const noThrough = new Uint8Array(net.nodeCount);
  for (let v = 0; v < net.firstThruNode - 1 && v < net.nodeCount; v++) noThrough[v] = 1;
  const { commodities, intrazonal } = tripCommodities(instance.trips.demand, instance.trips.zoneCount, options.demandScale ?? 1);
  return {
    graph,
    reverse: buildReverse(graph),
    noThrough,
    vdf,
    classes: [{ id: "all", fixedCost }],
    commodities,
    intrazonalDemand: intrazonal,
    timeUnit: "time",
    flowUnit: "flow",
  };
}

/**
 * Largest accepted bound on total demand × worst-case path cost (and the like) of a problem: far below the double
 * range (1.8e308) so that the objective, gaps, line searches and Newton steps of every solver stay finite.
 */
export const MAX_PROBLEM_MAGNITUDE = 1e150;

/**
 * Refuse, before solving, a problem whose numbers could overflow: every demand entry finite and ≥ 0; for every arc
 * its time, slope and integral at the whole demand D on that one arc finite; and
 *     D × Σ_a (t_a(D) + D·t'_a(D) + max_c fixed_c(a)) ≤ MAX_PROBLEM_MAGNITUDE
 * (an upper bound on any path cost times any flow a solver forms). Each input may be in range on its own while
 * the combination is not (demand 1e12 × scale 1e6 through a capacity of 1e-6 at power 16); such a problem gets
 * E_NUMERIC_RANGE naming the arc or quantity instead of NaN/Infinity results or a broken solver invariant.
 */
export function checkNumericRange(p: AssignmentProblem): void {
  const fail = (what: string): never => {
    throw new CaravanError("E_NUMERIC_RANGE", `${what}; the assignment would overflow floating point — scale the demand down or check capacities, b and power`, {
      details: { limit: MAX_PROBLEM_MAGNITUDE },
    });
  };
  const demand = p.commodities.demand;
  let total = 0;
  for (let e = 0; e < demand.length; e++) {
    const v = demand[e];
    if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) fail(`demand entry ${e} is ${v}`);
    total += v;
  }
  if (!(total < MAX_PROBLEM_MAGNITUDE)) fail(`total demand ${total} exceeds ${MAX_PROBLEM_MAGNITUDE}`);
  if (total === 0) return;
  let bound = 0;
  for (let a = 0; a < p.graph.arcCount; a++) {
    const t = arcTime(p.vdf, a, total);
    const slope = arcDerivative(p.vdf, a, total);
    const integral = arcIntegral(p.vdf, a, total);
    if (!Number.isFinite(t) || !Number.isFinite(slope) || !Number.isFinite(integral) || t < 0) {
      fail(`arc ${a} (${p.graph.inputArc ? `input link ${p.graph.inputArc[a] + 1}` : "no input index"}) has time ${t}, slope ${slope} at the total demand ${total}`);
    }
    let fixedMax = 0;
    for (const c of p.classes) {
      const f = c.fixedCost[a];
      if (Number.isNaN(f)) fail(`class ${c.id}: the fixed cost of arc ${a} is not a number`);
      if (f !== Number.POSITIVE_INFINITY && Math.abs(f) > fixedMax) fixedMax = Math.abs(f);
    }
    bound += t + total * slope + fixedMax;
  }
  if (!(total * bound <= MAX_PROBLEM_MAGNITUDE)) {
    fail(`total demand ${total.toExponential(3)} × worst-case path cost ${bound.toExponential(3)} exceeds ${MAX_PROBLEM_MAGNITUDE}`);
  }
}

/** Check that the problem's arrays agree in size; throws E_GRAPH_INVARIANT naming what broke. */
export function checkProblem(p: AssignmentProblem): void {
  const m = p.graph.arcCount;
  const n = p.graph.nodeCount;
  const problems: string[] = [];
  for (const [name, col] of Object.entries(p.vdf)) if ((col as Float64Array).length !== m) problems.push(`vdf.${name} has ${(col as Float64Array).length} entries for ${m} arcs`);
  for (const c of p.classes) if (c.fixedCost.length !== m) problems.push(`class ${c.id}: fixedCost has ${c.fixedCost.length} entries for ${m} arcs`);
  if (p.vdfGroup && p.vdfGroup.length !== m) problems.push(`vdfGroup has ${p.vdfGroup.length} entries for ${m} arcs`);
  if (p.noThrough.length !== n) problems.push(`noThrough has ${p.noThrough.length} entries for ${n} nodes`);
  const k = p.commodities;
  for (let i = 0; i < k.count; i++) {
    if (k.classOf[i] >= p.classes.length) problems.push(`commodity ${i} has class ${k.classOf[i]} of ${p.classes.length}`);
    if (k.origin[i] >= n) problems.push(`commodity ${i} has origin node ${k.origin[i]} of ${n}`);
  }
  for (let e = 0; e < k.destNode.length; e++) if (k.destNode[e] >= n) problems.push(`destination entry ${e} is node ${k.destNode[e]} of ${n}`);
  if (problems.length > 0) throw new CaravanError("E_GRAPH_INVARIANT", `assignment problem is inconsistent: ${problems.slice(0, 5).join("; ")}`);
}

/** One arc of a problem given as a list (see buildProblem). */
export interface ArcSpec {
  readonly from: number;
  readonly to: number;
  /** Free-flow time of the BPR part. */
  readonly timeFree: number;
  /** BPR capacity (Infinity or omitted = uncongested). */
  readonly capacity?: number;
  readonly bprB?: number;
  readonly bprPower?: number;
  /** Queueing part: base time, capacity, α, ρmax (omitted = none). */
  readonly queue?: { readonly timeBase: number; readonly capacity: number; readonly alpha: number; readonly rhoMax?: number };
  /** Flow-independent cost per class id (missing class = 0; Infinity = forbidden to the class). */
  readonly fixedCost?: Readonly<Record<string, number>>;
  /** Volume-delay group (arcs of one group share their queueing capacity; see AssignmentProblem.vdfGroup). */
  readonly vdfGroup?: number;
}

export interface DemandSpec {
  readonly origin: number;
  readonly destination: number;
  readonly amount: number;
  /** Class id (default the first class). */
  readonly classId?: string;
}

/** Build a problem from arc and demand lists (tests, small networks, the corridor adapter). Arc ids in the result are CSR positions; `graph.inputArc` maps back to list order. */
export function buildProblem(spec: {
  readonly nodeCount: number;
  readonly arcs: readonly ArcSpec[];
  readonly demand: readonly DemandSpec[];
  readonly classIds?: readonly string[];
  readonly noThrough?: readonly number[];
  readonly timeUnit?: string;
  readonly flowUnit?: string;
}): AssignmentProblem {
  const classIds = spec.classIds ?? ["all"];
  const graph = buildCsr(
    spec.nodeCount,
    spec.arcs.map((a) => a.from),
    spec.arcs.map((a) => a.to),
  );
  const vdf = emptyVdf(graph.arcCount);
  const fixed = classIds.map(() => new Float64Array(graph.arcCount));
  for (let a = 0; a < graph.arcCount; a++) {
    const s = spec.arcs[graph.inputArc[a]];
    vdf.bprT0[a] = s.timeFree;
    vdf.bprCapacity[a] = s.capacity ?? Number.POSITIVE_INFINITY;
    vdf.bprB[a] = s.bprB ?? 0.15;
    vdf.bprPower[a] = s.bprPower ?? 4;
    if (s.queue) {
      vdf.queueT0[a] = s.queue.timeBase;
      vdf.queueCapacity[a] = s.queue.capacity;
      vdf.queueAlpha[a] = s.queue.alpha;
      vdf.queueRhoMax[a] = s.queue.rhoMax ?? 0.95;
    }
    classIds.forEach((id, c) => {
      fixed[c][a] = s.fixedCost?.[id] ?? 0;
    });
  }
  const noThrough = new Uint8Array(spec.nodeCount);
  for (const v of spec.noThrough ?? []) noThrough[v] = 1;
  let vdfGroup: Int32Array | undefined;
  if (spec.arcs.some((s) => s.vdfGroup !== undefined)) {
    vdfGroup = new Int32Array(graph.arcCount).fill(-1);
    for (let a = 0; a < graph.arcCount; a++) vdfGroup[a] = spec.arcs[graph.inputArc[a]].vdfGroup ?? -1;
  }
  const byKey = new Map<string, { classIndex: number; origin: number; destinations: number[]; demand: number[] }>();
  for (const d of spec.demand) {
    const classIndex = d.classId === undefined ? 0 : classIds.indexOf(d.classId);
    if (classIndex < 0) throw new CaravanError("E_DEMAND_INVALID", `demand names unknown class "${d.classId}"`, { details: { classIds } });
    const key = `${classIndex}:${d.origin}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { classIndex, origin: d.origin, destinations: [], demand: [] };
      byKey.set(key, entry);
    }
    entry.destinations.push(d.destination);
    entry.demand.push(d.amount);
  }
  const { commodities, intrazonal } = buildCommodities([...byKey.values()]);
  const problem: AssignmentProblem = {
    graph,
    reverse: buildReverse(graph),
    noThrough,
    vdf,
    ...(vdfGroup ? { vdfGroup } : {}),
    classes: classIds.map((id, c) => ({ id, fixedCost: fixed[c] })),
    commodities,
    intrazonalDemand: intrazonal,
    timeUnit: spec.timeUnit ?? "time",
    flowUnit: spec.flowUnit ?? "flow",
  };
  checkProblem(problem);
  return problem;
}
