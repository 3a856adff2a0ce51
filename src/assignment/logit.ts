/**
 * Stochastic user equilibrium (SUE) with logit route choice: Dial's STOCH loading (Dial 1971, "A probabilistic
 * multipath traffic assignment model which obviates path enumeration", Transportation Research 5(2); Sheffi 1985,
 * §11.2) inside the method of successive averages (Sheffi 1985, §12.2).
 *
 * Efficient arcs (per class and origin o), fixed once at free-flow costs: i → j with r0(i) < r0(j), r0 the
 * free-flow shortest cost from o (Dijkstra with the zone no-through rule; forbidden arcs excluded), plus the arcs
 * of the free-flow shortest-path tree (so that zero-cost arcs with r0(i) = r0(j) on shortest paths stay usable);
 * arcs out of a zone other than o are not efficient. They form an acyclic graph that contains the free-flow shortest-path tree. Keeping
 * them fixed makes the loading a continuous function of the costs; redefining them at every iteration's costs
 * makes the set of paths jump and MSA stall (Sheffi 1985, §11.2 and §12.2).
 *
 * Loading at arc costs c_a = t_a + fixed_c(a):
 *   1. forward pass in topological order: r(j) = min over efficient i → j of r(i) + c_a (shortest cost within the
 *      efficient arcs), w(o) = 1, w(j) = Σ_{efficient i→j} w(i) · exp(−θ (r(i) + c_a − r(j))).
 *      w(j) = Σ over efficient paths p of exp(−θ (C_p − r(j))) ≥ 1 (the shortest of them contributes 1), so the
 *      exponent is never positive and nothing underflows to zero;
 *   2. backward pass in reverse topological order: the flow reaching j splits over its efficient in-arcs in
 *      proportion to w(i) · exp(−θ (r(i) + c_a − r(j))).
 * Every efficient path p from o to d then carries demand · exp(−θ C_p) / Σ_{p'} exp(−θ C_p') — the multinomial
 * logit over efficient paths — without enumerating paths. θ is the dispersion per unit of generalized cost: θ → ∞
 * gives all-or-nothing on distinct-cost paths, θ → 0 spreads demand evenly over the efficient paths.
 *
 * Equilibrium: x_{k+1} = x_k + (y_k − x_k) / (k + 2), y_k the STOCH loading at t(x_k) (MSA; converges for the
 * logit SUE because the loading is a continuous function of the costs, at a rate of roughly 1/k).
 *
 * Convergence measure: at the SUE x equals its own loading, so the reported `relativeGap` of this algorithm is the
 * relative fixed-point residual  Σ_c Σ_a |y_ca − x_ca| / Σ_c Σ_a y_ca  (0 exactly at the SUE; `gap` in the options
 * stops on it). The deterministic relative gap (TSTT − SPTT) / SPTT stays positive at an SUE (it measures the
 * dispersion, not the convergence) and is returned as `ueRelativeGap`; `beckmann` is the Beckmann objective at
 * the final flows, for information.
 */
import { CaravanError } from "../core/errors";
import type { AssignmentProblem } from "./problem";
import { totalDemand } from "./problem";
import { ShortestPathTree } from "./sp-tree";
import { type AssignmentResult, FlowState, type IterationReport, relativeGap, resolveOptions, ShortestPathOracle, type SolveOptions, type StopReason, stopReasonAfter, stopwatch } from "./state";

export interface LogitResult extends AssignmentResult {
  readonly logitTheta: number;
  /** Deterministic relative gap (TSTT − SPTT) / SPTT at the final flows. */
  readonly ueRelativeGap: number;
}

/**
 * Dial's STOCH loading for every commodity of a problem. The efficient arcs of each (class, origin) are fixed once
 * by `prepare` (at free-flow costs); `load` then needs no shortest-path search: one pass over the efficient arcs in
 * topological order computes the shortest cost r within them and the path weights, one reverse pass splits the
 * flow. Scratch arrays are allocated once; `load` allocates nothing.
 */
export class DialLoader {
  private readonly problem: AssignmentProblem;
  /** Number of (class, origin) groups of consecutive commodities. */
  readonly groupCount: number;
  /** [group] first commodity; length groupCount + 1. */
  private readonly groupStart: Uint32Array;
  /** [group * arcCount + arc] 1 = the arc is efficient for the group's origin and class. */
  private readonly efficient: Uint8Array;
  /** [group * nodeCount + index] node at that topological position, valid for index < reached[group]. */
  private readonly order: Int32Array;
  /** [group] nodes reached from the origin. */
  private readonly reached: Int32Array;
  /** [node] shortest cost from the origin over efficient arcs at the current costs. */
  private readonly cost: Float64Array;
  /** [node] path weight w from the current origin. */
  private readonly weight: Float64Array;
  /** [node] flow to pass back towards the origin (zero between uses). */
  private readonly nodeFlow: Float64Array;
  /** [arc] w(tail) · exp(−θ (r(tail) + c_a − r(head))) for efficient in-arcs of reached nodes, else 0. */
  private readonly arcWeight: Float64Array;
  private prepared = false;

  constructor(problem: AssignmentProblem) {
    this.problem = problem;
    const n = problem.graph.nodeCount;
    const { commodities } = problem;
    let groups = 0;
    for (let k = 0; k < commodities.count; k++) {
      if (k === 0 || commodities.classOf[k] !== commodities.classOf[k - 1] || commodities.origin[k] !== commodities.origin[k - 1]) groups++;
    }
    this.groupCount = groups;
    this.groupStart = new Uint32Array(groups + 1);
    let g = 0;
    for (let k = 0; k < commodities.count; k++) {
      if (k === 0 || commodities.classOf[k] !== commodities.classOf[k - 1] || commodities.origin[k] !== commodities.origin[k - 1]) this.groupStart[g++] = k;
    }
    this.groupStart[groups] = commodities.count;
    this.efficient = new Uint8Array(groups * problem.graph.arcCount);
    this.order = new Int32Array(groups * n);
    this.reached = new Int32Array(groups);
    this.cost = new Float64Array(n);
    this.weight = new Float64Array(n);
    this.nodeFlow = new Float64Array(n);
    this.arcWeight = new Float64Array(problem.graph.arcCount);
  }

  /**
   * Fix the efficient arcs of every (class, origin) from the shortest-path trees at arc times `time`: i → j is
   * efficient when r(i) < r(j) or it is the tree arc of j, the class may use it, and i is the origin or not a zone.
   * Efficient arcs go forward in the settle order, which is therefore a topological order of them. Returns SPTT at `time` (Infinity when some demand has no route).
   */
  prepare(time: Float64Array): number {
    const { commodities, classes, graph, noThrough } = this.problem;
    const n = graph.nodeCount;
    const m = graph.arcCount;
    const { tail, head } = graph;
    const tree = new ShortestPathTree(graph, noThrough);
    let sptt = 0;
    for (let g = 0; g < this.groupCount; g++) {
      const k0 = this.groupStart[g];
      tree.run(commodities.origin[k0], time, classes[commodities.classOf[k0]].fixedCost);
      const base = g * n;
      const o = commodities.origin[k0];
      const fixed = classes[commodities.classOf[k0]].fixedCost;
      const ebase = g * m;
      for (let i = 0; i < tree.settledCount; i++) this.order[base + i] = tree.order[i];
      for (let a = 0; a < m; a++) {
        const i = tail[a];
        const j = head[a];
        const ri = tree.dist[i];
        const usable = ri < Number.POSITIVE_INFINITY && fixed[a] !== Number.POSITIVE_INFINITY && (noThrough[i] === 0 || i === o);
        this.efficient[ebase + a] = usable && (ri < tree.dist[j] || tree.pred[j] === a) ? 1 : 0;
      }
      this.reached[g] = tree.settledCount;
      for (let k = k0; k < this.groupStart[g + 1]; k++) {
        for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) sptt += commodities.demand[e] * tree.dist[commodities.destNode[e]];
      }
    }
    this.prepared = true;
    return sptt;
  }

  /** Load every commodity with dispersion θ at arc times `time` into `target` ([class][arc], overwritten). */
  load(time: Float64Array, theta: number, target: Float64Array[]): void {
    if (!this.prepared) throw new Error("DialLoader.load before prepare; this is a bug");
    const { commodities, classes, graph } = this.problem;
    const n = graph.nodeCount;
    const tail = graph.tail;
    const { firstIn, inArc } = this.problem.reverse;
    const efficient = this.efficient;
    const m = graph.arcCount;
    const order = this.order;
    const cost = this.cost;
    const weight = this.weight;
    const nodeFlow = this.nodeFlow;
    const arcWeight = this.arcWeight;
    for (const y of target) y.fill(0);
    for (let g = 0; g < this.groupCount; g++) {
      const k0 = this.groupStart[g];
      const c = commodities.classOf[k0];
      const o = commodities.origin[k0];
      const fixed = classes[c].fixedCost;
      const base = g * n;
      const ebase = g * m;
      const reached = this.reached[g];
      // forward pass in topological order: shortest cost r over efficient arcs, then path weights
      cost[o] = 0;
      weight[o] = 1;
      for (let idx = 1; idx < reached; idx++) {
        const j = order[base + idx];
        let rj = Number.POSITIVE_INFINITY;
        for (let q = firstIn[j]; q < firstIn[j + 1]; q++) {
          const a = inArc[q];
          if (efficient[ebase + a] === 0) {
            arcWeight[a] = 0;
            continue;
          }
          arcWeight[a] = 1; // efficient (weight filled below)
          const v = cost[tail[a]] + time[a] + fixed[a];
          if (v < rj) rj = v;
        }
        cost[j] = rj;
        let wj = 0;
        for (let q = firstIn[j]; q < firstIn[j + 1]; q++) {
          const a = inArc[q];
          if (arcWeight[a] === 0) continue;
          const i = tail[a];
          const excess = cost[i] + time[a] + fixed[a] - rj; // ≥ 0, and 0 on the arc that gave rj
          const v = weight[i] * Math.exp(-theta * Math.max(excess, 0));
          arcWeight[a] = v;
          wj += v;
        }
        weight[j] = wj;
      }
      for (let k = k0; k < this.groupStart[g + 1]; k++) {
        for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) nodeFlow[commodities.destNode[e]] += commodities.demand[e];
      }
      // backward pass: split the flow reaching j over its efficient in-arcs
      const y = target[c];
      for (let idx = reached - 1; idx > 0; idx--) {
        const j = order[base + idx];
        const fj = nodeFlow[j];
        if (fj === 0) continue;
        nodeFlow[j] = 0;
        const scale = fj / weight[j];
        for (let q = firstIn[j]; q < firstIn[j + 1]; q++) {
          const a = inArc[q];
          const v = arcWeight[a];
          if (v === 0) continue;
          const xa = v * scale;
          y[a] += xa;
          nodeFlow[tail[a]] += xa;
        }
      }
      nodeFlow[o] = 0;
    }
  }
}

/** Logit SUE by Dial's STOCH loading and MSA (see the module comment). */
export function solveLogit(problem: AssignmentProblem, options: SolveOptions = {}): LogitResult {
  const elapsed = stopwatch();
  const { gap: targetGap, maxIterations, maxSeconds } = resolveOptions(options);
  const m = problem.graph.arcCount;
  const C = problem.classes.length;
  const state = new FlowState(problem);
  const { flow, time, classFlow } = state;
  const oracle = new ShortestPathOracle(problem);
  oracle.checkReachable(time);

  const loader = new DialLoader(problem);
  const freeFlowSptt = loader.prepare(time);
  let theta = options.logitTheta;
  if (theta === undefined) {
    // default: 1 / (mean shortest O-D cost at free flow)
    const demand = totalDemand(problem.commodities);
    const meanCost = demand > 0 ? freeFlowSptt / demand : 0;
    theta = meanCost > 0 ? 1 / meanCost : 1;
  }
  if (!(theta > 0) || !Number.isFinite(theta)) throw new CaravanError("E_USAGE", `logit dispersion θ must be a positive finite number, got ${theta}`);

  const y = problem.classes.map(() => new Float64Array(m)); // [class][arc] loading at the current times

  /** Σ|y − x| / Σ y over classes and arcs. */
  const residual = (): number => {
    let diff = 0;
    let total = 0;
    for (let c = 0; c < C; c++) {
      const xc = classFlow[c];
      const yc = y[c];
      for (let a = 0; a < m; a++) {
        diff += Math.abs(yc[a] - xc[a]);
        total += yc[a];
      }
    }
    return total > 0 ? diff / total : 0;
  };

  const history: IterationReport[] = [];
  const report = (iteration: number, gap: number): void => {
    const r: IterationReport = { iteration, relativeGap: gap, beckmann: state.beckmann(), elapsedS: elapsed() };
    history.push(r);
    options.onIteration?.(r);
  };

  loader.load(time, theta, classFlow);
  state.refresh();
  loader.load(time, theta, y);
  let gapNow = residual();
  report(0, gapNow);
  let iterations = 0;
  let stopReason: StopReason = "iterations";
  if (gapNow <= targetGap) stopReason = "gap";
  else {
    while (true) {
      iterations++;
      const step = 1 / (iterations + 1);
      for (let c = 0; c < C; c++) {
        const xc = classFlow[c];
        const yc = y[c];
        for (let a = 0; a < m; a++) xc[a] += step * (yc[a] - xc[a]);
      }
      state.refresh();
      loader.load(time, theta, y);
      gapNow = residual();
      report(iterations, gapNow);
      const stop = stopReasonAfter(gapNow, targetGap, iterations, maxIterations, elapsed(), maxSeconds);
      if (stop !== null) {
        stopReason = stop;
        break;
      }
    }
  }
  const tstt = state.totalTravelTime();
  const sptt = oracle.run(time, null);
  const last = history[history.length - 1];
  return {
    algorithm: "logit",
    iterations,
    relativeGap: gapNow,
    beckmann: last.beckmann,
    totalTravelTime: tstt,
    shortestPathTravelTime: sptt,
    elapsedS: elapsed(),
    converged: gapNow <= targetGap,
    stopReason,
    flow,
    classFlow,
    time,
    history,
    commodityFlow: null,
    logitTheta: theta,
    ueRelativeGap: relativeGap(tstt, sptt),
  };
}
