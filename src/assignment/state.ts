/**
 * Shared pieces of every assignment algorithm: flow state (per-class and total link flows, times, slopes),
 * the convergence measures (relative gap, Beckmann objective) and the shortest-path / all-or-nothing oracle.
 *
 *   TSTT = Σ_c Σ_a x_ca · cost_c(a)              (total generalized travel time at the current flows)
 *   SPTT = Σ_od demand_od · (shortest cost o→d)   (the same demand on current shortest paths)
 *   relative gap = (TSTT − SPTT) / SPTT ≥ 0, zero exactly at user equilibrium (Wardrop's first principle)
 *   Beckmann = Σ_a ∫_0^{X_a} t_a + Σ_c Σ_a x_ca · fixed_c(a)
 *   (with volume-delay groups, vdf.ts: the queueing integral once per group at its summed flow)
 */
import { CaravanError } from "../core/errors";
import type { AssignmentProblem } from "./problem";
import { ShortestPathTree } from "./sp-tree";
import { VdfEvaluator } from "./vdf";

export const ALGORITHMS = ["aon", "msa", "fw", "cfw", "bfw", "b", "logit"] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

export interface IterationReport {
  readonly iteration: number;
  readonly relativeGap: number;
  readonly beckmann: number;
  readonly elapsedS: number;
}

export interface SolveOptions {
  /** Stop when the relative gap is at or below this (default 1e-6). */
  readonly gap?: number;
  /** Stop after this many iterations (default 10 000; AON always does one). */
  readonly maxIterations?: number;
  /** Stop after this many seconds of solving (default unlimited). */
  readonly maxSeconds?: number;
  /** Called after every iteration (progress bars, benchmarks). */
  readonly onIteration?: (report: IterationReport) => void;
  /** Logit dispersion θ per unit of cost (default 1 / (mean shortest O-D cost at free flow)). */
  readonly logitTheta?: number;
}

export type StopReason = "gap" | "iterations" | "time";

/**
 * The stopping rule every iterative solver applies after an iteration, in this order: the gap reached, the iteration
 * budget spent, the time budget spent. null = go on.
 */
export function stopReasonAfter(gap: number, targetGap: number, iterations: number, maxIterations: number, elapsedS: number, maxSeconds: number): StopReason | null {
  if (gap <= targetGap) return "gap";
  if (iterations >= maxIterations) return "iterations";
  if (elapsedS >= maxSeconds) return "time";
  return null;
}

export interface AssignmentResult {
  readonly algorithm: AlgorithmName;
  readonly iterations: number;
  readonly relativeGap: number;
  readonly beckmann: number;
  /** TSTT: Σ flow × generalized cost, time units × flow units. */
  readonly totalTravelTime: number;
  /** SPTT at the final flows. */
  readonly shortestPathTravelTime: number;
  readonly elapsedS: number;
  readonly converged: boolean;
  readonly stopReason: StopReason;
  /** [arc] total flow of all classes. */
  readonly flow: Float64Array;
  /** [class][arc] flow of each class. */
  readonly classFlow: readonly Float64Array[];
  /** [arc] time t_a at the final flow (without the fixed costs). */
  readonly time: Float64Array;
  readonly history: readonly IterationReport[];
  /** Algorithm B only: [commodity * arcCount + arc] flow of each commodity (acyclic per commodity). */
  readonly commodityFlow: Float64Array | null;
  /** Logit only: the dispersion parameter used. */
  readonly logitTheta?: number;
  /** Logit only: the user-equilibrium gap (TSTT − SPTT) / SPTT at the stochastic equilibrium (not zero there). */
  readonly ueRelativeGap?: number;
}

/** Flows, times and slopes of one solution, with the objective measures. */
export class FlowState {
  readonly problem: AssignmentProblem;
  readonly evaluator: VdfEvaluator;
  /** [class][arc] */
  readonly classFlow: Float64Array[];
  /** [arc] Σ over classes. */
  readonly flow: Float64Array;
  /** [arc] t_a(flow). */
  readonly time: Float64Array;
  /** [arc] ∂t_a/∂x_a at the flow (for a volume-delay group member: own BPR slope + the group's q_g'(X_g)). */
  readonly slope: Float64Array;

  constructor(problem: AssignmentProblem) {
    this.problem = problem;
    const m = problem.graph.arcCount;
    this.evaluator = new VdfEvaluator(problem.vdf, problem.vdfGroup ?? null);
    this.classFlow = problem.classes.map(() => new Float64Array(m));
    this.flow = new Float64Array(m);
    this.time = new Float64Array(m);
    this.slope = new Float64Array(m);
    this.evaluator.updateAll(this.flow, this.time, this.slope);
  }

  /** Recompute the total flow from the class flows, then times and slopes. */
  refresh(): void {
    const m = this.flow.length;
    const flow = this.flow;
    flow.fill(0);
    for (const xc of this.classFlow) for (let a = 0; a < m; a++) flow[a] += xc[a];
    this.evaluator.updateAll(flow, this.time, this.slope);
  }

  /** Σ_c Σ_a x_ca · fixed_c(a) (only arcs that carry the class, so forbidden arcs contribute nothing). */
  fixedCostSum(): number {
    let s = 0;
    const m = this.flow.length;
    for (let c = 0; c < this.classFlow.length; c++) {
      const xc = this.classFlow[c];
      const fixed = this.problem.classes[c].fixedCost;
      for (let a = 0; a < m; a++) if (xc[a] !== 0) s += xc[a] * fixed[a];
    }
    return s;
  }

  /** TSTT = Σ_a X_a t_a + Σ_c Σ_a x_ca fixed_c(a). */
  totalTravelTime(): number {
    let s = 0;
    const m = this.flow.length;
    for (let a = 0; a < m; a++) s += this.flow[a] * this.time[a];
    return s + this.fixedCostSum();
  }

  beckmann(): number {
    return this.evaluator.integralSum(this.flow) + this.fixedCostSum();
  }
}

/**
 * Shortest paths for every commodity at the current times: SPTT and, optionally, the all-or-nothing loading per
 * class. Commodities are sorted by (class, origin), so one tree serves consecutive commodities of one origin.
 */
export class ShortestPathOracle {
  private readonly problem: AssignmentProblem;
  readonly tree: ShortestPathTree;
  /** [node] zeroed scratch for loading. */
  private readonly nodeFlow: Float64Array;

  constructor(problem: AssignmentProblem) {
    this.problem = problem;
    this.tree = new ShortestPathTree(problem.graph, problem.noThrough);
    this.nodeFlow = new Float64Array(problem.graph.nodeCount);
  }

  /** SPTT at `time`; when `aon` is given, also write the all-or-nothing flows per class into it (overwritten). */
  run(time: Float64Array, aon: Float64Array[] | null): number {
    const { commodities, classes } = this.problem;
    if (aon) for (const y of aon) y.fill(0);
    let sptt = 0;
    const { classOf, origin, destStart } = commodities;
    const K = commodities.count;
    let groupEnd = 0;
    for (let k = 0; k < K; k++) {
      const c = classOf[k];
      if (k === groupEnd) {
        // one search per (class, origin), stopped once the destinations of all its commodities are settled
        const o = origin[k];
        groupEnd = k + 1;
        while (groupEnd < K && classOf[groupEnd] === c && origin[groupEnd] === o) groupEnd++;
        this.tree.runTo(o, time, classes[c].fixedCost, commodities.destNode, destStart[k], destStart[groupEnd]);
      }
      const from = commodities.destStart[k];
      const to = commodities.destStart[k + 1];
      if (aon) sptt += this.tree.load(commodities.destNode, commodities.demand, from, to, aon[c], this.nodeFlow);
      else for (let e = from; e < to; e++) sptt += commodities.demand[e] * this.tree.dist[commodities.destNode[e]];
    }
    return sptt;
  }

  /** Throw E_NO_ROUTE when some destination with demand cannot be reached from its origin by its class. */
  checkReachable(time: Float64Array): void {
    const { commodities, classes } = this.problem;
    for (let k = 0; k < commodities.count; k++) {
      const c = commodities.classOf[k];
      const o = commodities.origin[k];
      this.tree.run(o, time, classes[c].fixedCost);
      for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
        const d = commodities.destNode[e];
        if (this.tree.dist[d] === Number.POSITIVE_INFINITY) {
          throw new CaravanError("E_NO_ROUTE", `class "${classes[c].id}" has demand ${commodities.demand[e]} from node ${o} to node ${d} but no route connects them`, {
            details: { classId: classes[c].id, originNode: o, destinationNode: d },
          });
        }
      }
    }
  }
}

/** Relative gap (TSTT − SPTT) / SPTT; 0 when there is no demand. */
export function relativeGap(tstt: number, sptt: number): number {
  if (sptt === 0) return tstt === 0 ? 0 : Number.POSITIVE_INFINITY;
  return (tstt - sptt) / sptt;
}

/**
 * Wall-clock stopwatch in seconds (process.hrtime: reading the global `performance` loads Node's perf_hooks modules,
 * a few milliseconds of a command's start-up).
 */
export function stopwatch(): () => number {
  const t0 = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - t0) / 1e9;
}

export function resolveOptions(o: SolveOptions): { gap: number; maxIterations: number; maxSeconds: number } {
  const gap = o.gap ?? 1e-6;
  const maxIterations = o.maxIterations ?? 10_000;
  const maxSeconds = o.maxSeconds ?? Number.POSITIVE_INFINITY;
  if (!(gap >= 0)) throw new CaravanError("E_USAGE", `gap must be ≥ 0, got ${gap}`);
  if (!(maxIterations >= 1) || !Number.isInteger(maxIterations)) throw new CaravanError("E_USAGE", `maxIterations must be a positive integer, got ${maxIterations}`);
  if (!(maxSeconds > 0)) throw new CaravanError("E_USAGE", `maxSeconds must be > 0, got ${maxSeconds}`);
  return { gap, maxIterations, maxSeconds };
}
