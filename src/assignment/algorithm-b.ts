/**
 * Algorithm B (Dial 2006, "A path-based user-equilibrium traffic assignment algorithm that obviates path storage
 * and enumeration", Transportation Research B 40(10)): a bush-based solver that reaches relative gaps of 1e-10
 * and below.
 *
 * Each commodity (class × origin, optionally × destination country) keeps a bush: an acyclic set of arcs rooted at
 * its origin that carries all of its flow. One outer iteration visits every bush and
 *   1. computes, in topological order, the shortest (L) and longest used (U) path labels from the origin;
 *   2. improves the bush: drops arcs without flow (except the shortest-path tree, so every node stays reachable)
 *      and adds every network arc i→j with U_i + c_ij < U_j. Every bush arc has U_j ≥ U_i + c_ij ≥ U_i, and an
 *      added arc has U_i < U_j strictly, so no cycle can form; the topological order is rebuilt (Kahn);
 *   3. equilibrates the bush: for every node j, last to first in topological order, moves flow from the longest
 *      used path to the shortest path between j and the node where the two paths diverge, by the Newton step
 *      Δ = (C_max − C_min) / (Σ t' over both segments), capped by the least bush flow on the longest segment.
 *      Arc times and slopes are updated immediately. Step 3 repeats (with fresh labels) while the bush still has
 *      a node whose U − L exceeds the current threshold.
 * The relative gap is measured after every outer iteration with a full shortest-path pass.
 *
 * Memory: commodity flow and bush membership per (commodity, arc), a topological order per (commodity, node).
 * The hot loops read typed arrays only and allocate nothing.
 */
import { NO_ARC } from "../graph/csr";
import type { AssignmentProblem } from "./problem";
import { totalDemand } from "./problem";
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

/** Tuning of the equilibration loop. */
export interface AlgorithmBTuning {
  /** Maximum equilibration sweeps over the still-unbalanced bushes (without bush changes) per outer iteration (default 15). */
  readonly maxSweeps?: number;
  /** Threshold for shifting at a node, as a fraction of the current average excess cost (default 0.01). */
  readonly thresholdFraction?: number;
}

export function solveAlgorithmB(problem: AssignmentProblem, options: SolveOptions = {}, tuning: AlgorithmBTuning = {}): AssignmentResult {
  const elapsed = stopwatch();
  const { gap: targetGap, maxIterations, maxSeconds } = resolveOptions(options);
  const maxSweeps = tuning.maxSweeps ?? 15;
  const thresholdFraction = tuning.thresholdFraction ?? 0.01;
  const { graph, reverse, noThrough, classes, commodities } = problem;
  const { firstOut, head, tail } = graph;
  const { firstIn, inArc } = reverse;
  const n = graph.nodeCount;
  const m = graph.arcCount;
  const K = commodities.count;

  const state = new FlowState(problem);
  const { flow, time, slope, classFlow, evaluator } = state;
  const oracle = new ShortestPathOracle(problem);
  oracle.checkReachable(time);

  /** [k * m + a] flow of commodity k on arc a. */
  const bushFlow = new Float64Array(K * m);
  /** [k * m + a] 1 = arc a is in the bush of commodity k. */
  const inBush = new Uint8Array(K * m);
  /** [k * n + i] i-th node of commodity k's bush in topological order. */
  const order = new Int32Array(K * n);
  /** [k] number of nodes in the bush of k. */
  const orderLen = new Int32Array(K);
  /** [k * m + i] i-th arc of k's bush, grouped by head in topological order (all in-arcs of a node precede its out-arcs). */
  const bushArcs = new Int32Array(K * m);
  /** [k] number of arcs in the bush of k. */
  const bushArcCount = new Int32Array(K);

  // scratch, [node]
  const L = new Float64Array(n);
  const U = new Float64Array(n);
  const Lpred = new Int32Array(n);
  const Upred = new Int32Array(n);
  const pos = new Int32Array(n).fill(-1);
  const indeg = new Int32Array(n);
  const queue = new Int32Array(n);

  // --- initial bushes: the free-flow shortest-path trees, loaded all-or-nothing -------------------------------
  {
    const tree = oracle.tree;
    const nodeFlow = new Float64Array(n);
    const tmp = new Float64Array(m);
    for (let k = 0; k < K; k++) {
      const c = commodities.classOf[k];
      tree.run(commodities.origin[k], time, classes[c].fixedCost);
      const base = k * m;
      const obase = k * n;
      for (let i = 0; i < tree.settledCount; i++) {
        const v = tree.order[i];
        order[obase + i] = v;
        const a = tree.pred[v];
        if (a !== NO_ARC) inBush[base + a] = 1;
      }
      orderLen[k] = tree.settledCount;
      tmp.fill(0);
      tree.load(commodities.destNode, commodities.demand, commodities.destStart[k], commodities.destStart[k + 1], tmp, nodeFlow);
      for (let a = 0; a < m; a++) if (tmp[a] !== 0) bushFlow[base + a] = tmp[a];
    }
  }

  /** Recompute class and total flows exactly from the bushes (removes drift of incremental updates). */
  const rebuildFlows = (): void => {
    for (const xc of classFlow) xc.fill(0);
    for (let k = 0; k < K; k++) {
      const xc = classFlow[commodities.classOf[k]];
      const base = k * m;
      for (let a = 0; a < m; a++) xc[a] += bushFlow[base + a];
    }
    state.refresh();
  };
  rebuildFlows();

  const demandTotal = totalDemand(commodities);
  const history: IterationReport[] = [];
  /** [k] 1 = the last equilibration pass of k found a node above the threshold. */
  const active = new Uint8Array(K);
  let sptt = oracle.run(time, null);
  let tstt = state.totalTravelTime();
  let gapNow = relativeGap(tstt, sptt);
  let iterations = 0;
  let stopReason: StopReason = "iterations";

  /**
   * Labels of commodity k for the bush improvement, over its compact arc list: L/Lpred over all bush arcs, then
   * U/Upred over the arcs that stay in the bush (used arcs out of used nodes, and the L-tree arc). A node without
   * such an in-arc gets U = L. Sets pos[] for the bush's nodes.
   */
  const improvementLabels = (k: number, fixed: Float64Array): void => {
    const base = k * m;
    const obase = k * n;
    const len = orderLen[k];
    const origin = order[obase];
    for (let idx = 0; idx < len; idx++) {
      const j = order[obase + idx];
      pos[j] = idx;
      L[j] = Number.POSITIVE_INFINITY;
      U[j] = Number.NEGATIVE_INFINITY;
      Lpred[j] = NO_ARC;
      Upred[j] = NO_ARC;
    }
    L[origin] = 0;
    U[origin] = 0;
    const arcEnd = base + bushArcCount[k];
    for (let i = base; i < arcEnd; i++) {
      const a = bushArcs[i];
      const j = head[a];
      const lv = L[tail[a]] + time[a] + fixed[a];
      if (lv < L[j]) {
        L[j] = lv;
        Lpred[j] = a;
      }
    }
    // arcs are grouped by head in topological order, so U of every tail is final before it is read
    let group = -1;
    for (let i = base; i < arcEnd; i++) {
      const a = bushArcs[i];
      const j = head[a];
      if (j !== group) {
        if (group >= 0 && Upred[group] === NO_ARC) U[group] = L[group];
        group = j;
      }
      const t = tail[a];
      if ((bushFlow[base + a] > 0 && (Upred[t] !== NO_ARC || t === origin)) || a === Lpred[j]) {
        const uv = U[t] + time[a] + fixed[a];
        if (uv > U[j]) {
          U[j] = uv;
          Upred[j] = a;
        }
      }
    }
    if (group >= 0 && Upred[group] === NO_ARC) U[group] = L[group];
  };

  /** Rebuild the compact arc list of k's bush from its topological order. */
  const listBushArcs = (k: number): void => {
    const base = k * m;
    const obase = k * n;
    const len = orderLen[k];
    let cnt = 0;
    for (let idx = 1; idx < len; idx++) {
      const j = order[obase + idx];
      for (let q = firstIn[j]; q < firstIn[j + 1]; q++) {
        const a = inArc[q];
        if (inBush[base + a] === 1) bushArcs[base + cnt++] = a;
      }
    }
    bushArcCount[k] = cnt;
  };

  /** Drop unused arcs, add shortcuts (U_i + c_ij < U_j), rebuild the topological order. Returns arcs added. */
  const improveBush = (k: number): number => {
    const c = commodities.classOf[k];
    const fixed = classes[c].fixedCost;
    const base = k * m;
    const obase = k * n;
    const origin = commodities.origin[k];
    improvementLabels(k, fixed);
    // keep exactly the arcs the U labels counted: used arcs out of used nodes, and the shortest-path tree
    const arcEnd = base + bushArcCount[k];
    for (let i = base; i < arcEnd; i++) {
      const a = bushArcs[i];
      if (Lpred[head[a]] === a) continue;
      const t = tail[a];
      if (!(bushFlow[base + a] > 0) || (Upred[t] === NO_ARC && t !== origin)) {
        inBush[base + a] = 0;
        bushFlow[base + a] = 0; // at most a rounding residue
      }
    }
    let added = 0;
    for (let a = 0; a < m; a++) {
      if (inBush[base + a] === 1) continue;
      const i = tail[a];
      const j = head[a];
      if (j === origin || pos[i] < 0 || pos[j] < 0) continue;
      if (noThrough[i] === 1 && i !== origin) continue;
      const f = fixed[a];
      if (f === Number.POSITIVE_INFINITY) continue;
      if (U[i] + time[a] + f < U[j]) {
        inBush[base + a] = 1;
        added++;
      }
    }
    const len = orderLen[k];
    if (added === 0) {
      // removing arcs keeps the order topological
      for (let idx = 0; idx < len; idx++) pos[order[obase + idx]] = -1;
      listBushArcs(k);
      return 0;
    }
    // Kahn's topological sort over the bush arcs
    for (let idx = 0; idx < len; idx++) indeg[order[obase + idx]] = 0;
    for (let idx = 0; idx < len; idx++) {
      const i = order[obase + idx];
      for (let a = firstOut[i]; a < firstOut[i + 1]; a++) if (inBush[base + a] === 1) indeg[head[a]]++;
    }
    let qh = 0;
    let qt = 0;
    queue[qt++] = origin;
    while (qh < qt) {
      const i = queue[qh++];
      for (let a = firstOut[i]; a < firstOut[i + 1]; a++) {
        if (inBush[base + a] === 0) continue;
        const j = head[a];
        if (--indeg[j] === 0) queue[qt++] = j;
      }
    }
    if (qt !== len) throw new Error(`Algorithm B: bush of commodity ${k} lost its topological order (${qt} of ${len} nodes); this is a bug`);
    for (let idx = 0; idx < len; idx++) order[obase + idx] = queue[idx];
    for (let idx = 0; idx < len; idx++) pos[queue[idx]] = -1;
    listBushArcs(k);
    return added;
  };

  /** One equilibration pass over the bush of k; returns the largest U − L seen at a node with flow. */
  const equilibrate = (k: number, threshold: number): number => {
    const c = commodities.classOf[k];
    const fixed = classes[c].fixedCost;
    const xc = classFlow[c];
    const base = k * m;
    const obase = k * n;
    const len = orderLen[k];
    const origin = order[obase];
    for (let idx = 0; idx < len; idx++) {
      const j = order[obase + idx];
      pos[j] = idx;
      L[j] = Number.POSITIVE_INFINITY;
      U[j] = Number.NEGATIVE_INFINITY;
      Lpred[j] = NO_ARC;
      Upred[j] = NO_ARC;
    }
    L[origin] = 0;
    U[origin] = 0;
    const arcEnd = base + bushArcCount[k];
    for (let i = base; i < arcEnd; i++) {
      const a = bushArcs[i];
      const j = head[a];
      const t = tail[a];
      const c = time[a] + fixed[a];
      const lv = L[t] + c;
      if (lv < L[j]) {
        L[j] = lv;
        Lpred[j] = a;
      }
      if (bushFlow[base + a] > 0 && (Upred[t] !== NO_ARC || t === origin)) {
        const uv = U[t] + c;
        if (uv > U[j]) {
          U[j] = uv;
          Upred[j] = a;
        }
      }
    }
    let maxDiff = 0;
    for (let idx = len - 1; idx > 0; idx--) {
      const j = order[obase + idx];
      if (Upred[j] === NO_ARC) continue;
      const diff = U[j] - L[j];
      if (diff > maxDiff) maxDiff = diff;
      if (diff <= threshold) continue;
      // walk both paths back to where they meet (the first arc of each is taken unconditionally)
      const a0 = Lpred[j];
      const b0 = Upred[j];
      if (a0 === b0) continue;
      let p = tail[a0];
      let q = tail[b0];
      let cMin = time[a0] + fixed[a0];
      let dMin = slope[a0];
      let cMax = time[b0] + fixed[b0];
      let dMax = slope[b0];
      let minFlow = bushFlow[base + b0];
      let argMin = b0;
      while (p !== q) {
        if (pos[p] > pos[q]) {
          const a = Lpred[p];
          cMin += time[a] + fixed[a];
          dMin += slope[a];
          p = tail[a];
        } else {
          const a = Upred[q];
          if (a === NO_ARC) {
            minFlow = 0; // cannot happen while flows are conserved; never shift along a broken chain
            break;
          }
          cMax += time[a] + fixed[a];
          dMax += slope[a];
          const f = bushFlow[base + a];
          if (f < minFlow) {
            minFlow = f;
            argMin = a;
          }
          q = tail[a];
        }
      }
      const dc = cMax - cMin;
      if (!(dc > 0) || !(minFlow > 0)) continue;
      const d = dMax + dMin;
      let delta = d > 0 ? dc / d : minFlow;
      const exhaust = delta >= minFlow;
      if (exhaust) delta = minFlow;
      const meet = p;
      p = j;
      while (p !== meet) {
        const a = Lpred[p];
        bushFlow[base + a] += delta;
        const x = flow[a] + delta;
        flow[a] = x;
        xc[a] += delta;
        evaluator.update(a, x, time, slope);
        p = tail[a];
      }
      q = j;
      while (q !== meet) {
        const a = Upred[q];
        const f0 = bushFlow[base + a];
        const fb = f0 - delta;
        // the exhausted arc, and arcs left with only a rounding residue, end at exactly zero
        bushFlow[base + a] = (exhaust && a === argMin) || fb <= 1e-12 * f0 ? 0 : fb;
        let x = flow[a] - delta;
        if (x < 0) x = 0;
        flow[a] = x;
        xc[a] -= delta;
        evaluator.update(a, x, time, slope);
        q = tail[a];
      }
    }
    for (let idx = 0; idx < len; idx++) pos[order[obase + idx]] = -1;
    return maxDiff;
  };

  const report = (): void => {
    const r: IterationReport = { iteration: iterations, relativeGap: gapNow, beckmann: state.beckmann(), elapsedS: elapsed() };
    history.push(r);
    options.onIteration?.(r);
  };

  for (let k = 0; k < K; k++) listBushArcs(k);
  report();
  if (gapNow <= targetGap) stopReason = "gap";
  else {
    while (true) {
      iterations++;
      const avgCost = demandTotal > 0 ? sptt / demandTotal : 0;
      const threshold = Math.max(gapNow, targetGap * 0.01) * avgCost * thresholdFraction;
      for (let k = 0; k < K; k++) {
        improveBush(k);
        active[k] = equilibrate(k, threshold) > threshold ? 1 : 0;
      }
      for (let sweep = 0; sweep < maxSweeps; sweep++) {
        let maxDiff = 0;
        for (let k = 0; k < K; k++) {
          if (active[k] === 0) continue; // settled in its last pass: the next outer iteration revisits it
          const d = equilibrate(k, threshold);
          active[k] = d > threshold ? 1 : 0;
          if (d > maxDiff) maxDiff = d;
        }
        if (maxDiff <= threshold) break;
      }
      rebuildFlows();
      sptt = oracle.run(time, null);
      tstt = state.totalTravelTime();
      gapNow = relativeGap(tstt, sptt);
      report();
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
  const last = history[history.length - 1];
  return {
    algorithm: "b",
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
    commodityFlow: bushFlow,
  };
}
