/**
 * Stochastic user equilibrium (SUE) with logit route choice: Dial's STOCH loading (Dial 1971, "A probabilistic
 * multipath traffic assignment model which obviates path enumeration", Transportation Research 5(2); Sheffi 1985,
 * §11.2) inside the method of successive averages (Sheffi 1985, §12.2).
 *
 * Loading (per class and origin o, at fixed arc costs c_a = t_a + fixed_c(a)):
 *   1. shortest costs r(i) from o (Dijkstra with the zone no-through rule; forbidden arcs excluded);
 *   2. efficient arcs: i → j with r(i) < r(j), ties of equal r broken by Dijkstra's settle order (so zero-cost
 *      arcs on shortest paths stay usable and the efficient arcs form an acyclic graph containing the shortest-path
 *      tree); arcs out of a zone other than o are not efficient;
 *   3. forward pass in settle order: w(o) = 1, w(j) = Σ_{efficient i→j} w(i) · exp(−θ (r(i) + c_a − r(j))).
 *      w(j) = Σ over efficient paths p of exp(−θ (C_p − r(j))) ≥ 1 (the shortest path contributes 1), so nothing
 *      underflows to zero and the exponent is never positive;
 *   4. backward pass in reverse settle order: the flow reaching j splits over its efficient in-arcs in proportion
 *      to w(i) · exp(−θ (r(i) + c_a − r(j))).
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
import {
  type AssignmentResult,
  FlowState,
  type IterationReport,
  relativeGap,
  resolveOptions,
  ShortestPathOracle,
  type SolveOptions,
  type StopReason,
  stopwatch,
} from "./state";

export interface LogitResult extends AssignmentResult {
  readonly logitTheta: number;
  /** Deterministic relative gap (TSTT − SPTT) / SPTT at the final flows. */
  readonly ueRelativeGap: number;
}

/**
 * Dial's STOCH loading for every commodity of a problem at given arc times. Scratch arrays are allocated once;
 * `load` allocates nothing.
 */
export class DialLoader {
  private readonly problem: AssignmentProblem;
  private readonly tree: ShortestPathTree;
  /** [node] path weight w from the current origin. */
  private readonly weight: Float64Array;
  /** [node] settle position in the current tree, −1 when not settled. */
  private readonly position: Int32Array;
  /** [node] flow to pass back towards the origin (zero between uses). */
  private readonly nodeFlow: Float64Array;
  /** [arc] w(tail) · exp(−θ (r(tail) + c_a − r(head))) for efficient in-arcs of settled nodes, else 0. */
  private readonly arcWeight: Float64Array;

  constructor(problem: AssignmentProblem) {
    this.problem = problem;
    const n = problem.graph.nodeCount;
    this.tree = new ShortestPathTree(problem.graph, problem.noThrough);
    this.weight = new Float64Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.nodeFlow = new Float64Array(n);
    this.arcWeight = new Float64Array(problem.graph.arcCount);
  }

  /**
   * Load every commodity with dispersion θ at arc times `time` into `target` ([class][arc], overwritten).
   * Returns SPTT (demand × shortest cost); Infinity when some demand has no route.
   */
  load(time: Float64Array, theta: number, target: Float64Array[]): number {
    const { commodities, classes, noThrough } = this.problem;
    const { tail } = this.problem.graph;
    const { firstIn, inArc } = this.problem.reverse;
    const tree = this.tree;
    const dist = tree.dist;
    const order = tree.order;
    const weight = this.weight;
    const position = this.position;
    const nodeFlow = this.nodeFlow;
    const arcWeight = this.arcWeight;
    for (const y of target) y.fill(0);
    let sptt = 0;
    let k = 0;
    while (k < commodities.count) {
      const c = commodities.classOf[k];
      const o = commodities.origin[k];
      const fixed = classes[c].fixedCost;
      tree.run(o, time, fixed);
      const settled = tree.settledCount;
      for (let i = 0; i < settled; i++) position[order[i]] = i;
      // forward pass: path weights
      weight[o] = 1;
      for (let idx = 1; idx < settled; idx++) {
        const j = order[idx];
        const rj = dist[j];
        let wj = 0;
        for (let q = firstIn[j]; q < firstIn[j + 1]; q++) {
          const a = inArc[q];
          const i = tail[a];
          const pi = position[i];
          const f = fixed[a];
          if (pi < 0 || pi >= idx || f === Number.POSITIVE_INFINITY || (noThrough[i] === 1 && i !== o)) {
            arcWeight[a] = 0;
            continue;
          }
          const excess = dist[i] + time[a] + f - rj; // ≥ 0 (Dijkstra relaxed this arc)
          const v = weight[i] * Math.exp(-theta * (excess > 0 ? excess : 0));
          arcWeight[a] = v;
          wj += v;
        }
        weight[j] = wj;
      }
      // demand of every commodity of this (class, origin)
      while (k < commodities.count && commodities.classOf[k] === c && commodities.origin[k] === o) {
        for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
          const d = commodities.destNode[e];
          const v = commodities.demand[e];
          nodeFlow[d] += v;
          sptt += v * dist[d];
        }
        k++;
      }
      // backward pass: split the flow reaching j over its efficient in-arcs
      const y = target[c];
      for (let idx = settled - 1; idx > 0; idx--) {
        const j = order[idx];
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
      for (let i = 0; i < settled; i++) position[order[i]] = -1;
    }
    return sptt;
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

  let theta = options.logitTheta;
  if (theta === undefined) {
    // default: 1 / (mean shortest O-D cost at free flow)
    const demand = totalDemand(problem.commodities);
    const meanCost = demand > 0 ? oracle.run(time, null) / demand : 0;
    theta = meanCost > 0 ? 1 / meanCost : 1;
  }
  if (!(theta > 0) || !Number.isFinite(theta)) throw new CaravanError("E_USAGE", `logit dispersion θ must be a positive finite number, got ${theta}`);

  const loader = new DialLoader(problem);
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
  let sptt = loader.load(time, theta, y);
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
      sptt = loader.load(time, theta, y);
      gapNow = residual();
      report(iterations, gapNow);
      if (gapNow <= targetGap) {
        stopReason = "gap";
        break;
      }
      if (iterations >= maxIterations) {
        stopReason = "iterations";
        break;
      }
      if (elapsed() >= maxSeconds) {
        stopReason = "time";
        break;
      }
    }
  }
  const tstt = state.totalTravelTime();
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
