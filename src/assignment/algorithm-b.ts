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
 *      Arc times and slopes are updated immediately. With volume-delay groups (vdf.ts) the denominator is the
 *      shift's exact second derivative: each arc's own slope, plus per group q_g'(X_g)·(n_min − n_max)², n = the
 *      group's members on each segment. When one member lies on each segment (the gauge arcs of a dual-gauge
 *      crossing, with a gauge-change yard on either side) the shift leaves X_g unchanged and the group's term is 0;
 *      summing the members' slopes instead counted the steep crossing queue twice and shrank every step by orders
 *      of magnitude (hundreds of iterations where two suffice). Step 3 repeats (with fresh labels) while the bush
 *      still has a node whose U − L exceeds the current threshold.
 * The relative gap is measured exactly after every outer iteration: each origin's shortest costs over the whole
 * network, found by label correction started from the bush's own shortest paths (shortestPathTravelTime).
 *
 * Memory: a bush is stored compactly between visits (BushStore): its topological order (16-bit node ids when the
 * graph has at most 65,536 nodes), one byte per node naming its single in-arc among the node's in-arcs (most bush
 * nodes have one; nodes with several, "merges", are listed apart), and its flows sparsely, only on arcs that carry
 * some. The bush being worked on is unpacked into shared scratch arrays (its arc list grouped by head in topological
 * order, with flows beside) and packed back afterwards; nothing per (commodity, arc) is kept. The per-commodity
 * flows of the result (`commodityFlow`, K × arcs) are built only when read. The hot loops read typed arrays only
 * and allocate nothing (a bush's storage grows, rarely, when it outgrows its capacity).
 */
import { CaravanError } from "../core/errors";
import type { AssignmentProblem } from "./problem";
import { totalDemand } from "./problem";
import { type AssignmentResult, FlowState, type IterationReport, relativeGap, resolveOptions, type SolveOptions, type StopReason, stopReasonAfter, stopwatch } from "./state";
import { ShortestPathTree } from "./sp-tree";

/** Predecessor position meaning "no in-arc". */
const NO_POS = -1;
/** Predecessor position of the bush's origin (its longest used path is empty). */
const ROOT_POS = -2;

/** Outcome of improveBushArcs: arcs unchanged, only removed, added in the current order, added against it. */
const UNCHANGED = 0;
const REMOVED = 1;
const ADDED_FORWARD = 2;
const ADDED_REORDER = 3;

/** In-arc code of a bush node whose in-arcs are in the bush's merge list (several in-arcs, or one at slot ≥ 255). */
const MERGE = 255;
/** Per-commodity flows at or below this fraction of the commodity's demand are rounding residue (commodityFlowByArc). */
const RESIDUE_FRACTION = 1e-12;

/** Node ids of a bush's topological order: 16-bit when every node id fits, else 32-bit. */
type NodeIds = Uint16Array | Int32Array;

/** A copy of `a` with room for at least `need` entries (and half as many again, so growth is rare). */
function grown<T extends Int32Array | Float64Array>(a: T, need: number): T {
  const b = new (a.constructor as new (length: number) => T)(Math.max(need, Math.ceil(a.length * 1.5) + 8));
  b.set(a);
  return b;
}

/** Tuning of the equilibration loop. */
export interface AlgorithmBTuning {
  /** Maximum equilibration sweeps over the still-unbalanced bushes (without bush changes) per outer iteration (default 15). */
  readonly maxSweeps?: number;
  /** Threshold for shifting at a node, as a fraction of the current average excess cost (default 0.01). */
  readonly thresholdFraction?: number;
}

export function solveAlgorithmB(problem: AssignmentProblem, options: SolveOptions = {}, tuning: AlgorithmBTuning = {}): AssignmentResult {
  return startAlgorithmB(problem, options, tuning).advance(resolveOptions(options).gap);
}

/**
 * A run of Algorithm B that can be taken on to a tighter gap. The iterates do not depend on the target gap (an
 * iteration's shift threshold is a fraction of the gap reached so far, which is above any target while the run
 * goes on), so `advance(g)` gives exactly the result a fresh solveAlgorithmB with gap g gives, without repeating the
 * iterations already done: advance(1e-6) after advance(1e-4) costs the iterations from 1e-4 to 1e-6 alone.
 * Options' maxIterations and maxSeconds count over the whole run.
 */
export interface AlgorithmBRun {
  /**
   * Iterate until the relative gap is at or below `gap` (or the run's iteration or time budget is spent) and give
   * the result at that iterate; at once when the current iterate already meets it. A result given before keeps its
   * figures: its flows, times and history are copied before the run goes on.
   */
  advance(gap: number): AssignmentResult;
}

/** Start a resumable Algorithm B run: initial bushes loaded, no iteration done (AlgorithmBRun). */
export function startAlgorithmB(problem: AssignmentProblem, options: SolveOptions = {}, tuning: AlgorithmBTuning = {}): AlgorithmBRun {
  const elapsed = stopwatch();
  const { maxIterations, maxSeconds } = resolveOptions(options);
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

  // Bush storage between visits, per commodity k (see the header): topological order, in-arc codes, merge lists,
  // and the non-zero flows with their positions in the unpacked arc list.
  /** [k][i] i-th node of k's bush in topological order (i = 0: the origin); the bush's node count is the length. */
  const bushOrder: NodeIds[] = new Array(K);
  /** [k][i] in-arc of the i-th node: s < MERGE = the single in-arc inArc[firstIn[node] + s]; MERGE = in the merge list. */
  const bushSlot: Uint8Array[] = new Array(K);
  /** [k] for every MERGE node in topological order: its in-arc count, then their reverse positions q (ascending). */
  const bushMerge: Int32Array[] = new Array(K);
  /** [k] number of arcs in k's bush. */
  const bushArcCount = new Int32Array(K);
  /**
   * [k] for every merge ancestor of k's bush (a node from which a merge with flow, a node with several in-arcs one
   * of which carries flow, can be reached in the bush; such merges included; the origin left out) in topological
   * order, three entries: its index in the order, the position of its first in-arc in the arc list, and its offset
   * in the merge list. Flow moves only at merges with flow and along bush paths into them, so equilibration labels
   * and shifts on these nodes alone.
   */
  const bushRelevant: Int32Array[] = new Array(K);
  /** [k] used length of bushRelevant[k] (3 per node). */
  const relevantLen = new Int32Array(K);
  /** [k][i] position in the unpacked arc list, arc and flow of the i-th arc of k's bush with non-zero flow (by position). */
  const flowPos: Int32Array[] = new Array(K);
  const flowArc: Int32Array[] = new Array(K);
  const flowVal: Float64Array[] = new Array(K);
  /** [k] number of arcs of k's bush with non-zero flow. */
  const flowLen = new Int32Array(K);
  const smallIds = n <= 65536;

  // The bush being worked on, unpacked ("CSR of the bush"): its arcs grouped by head in topological order, with the
  // commodity's flow stored beside each arc. The label passes and flow shifts read arcs and flows sequentially;
  // predecessors are positions in the arc list.
  /** [i] first position in the arc list of the in-arcs of the bush's i-th node; entry i + 1 ends them. */
  const groupStart = new Int32Array(n + 1);
  /** [p] arc at position p of the arc list. */
  const bushArc = new Int32Array(m);
  /** [p] flow of the commodity on the arc at position p. */
  const bushFlow = new Float64Array(m);
  /** [arc] 1 = the arc is in the bush being improved (zero outside improveBush). */
  const inBush = new Uint8Array(m);
  /** [node] 1 = merge ancestor of the bush being packed (zero outside packArcs). */
  const ancestor = new Uint8Array(n);
  /** [i] scratch for the flow list being rebuilt: position, arc, flow. */
  const nextPos = new Int32Array(m);
  const nextArc = new Int32Array(m);
  const nextVal = new Float64Array(m);
  /** [p] index in k's stored flow list of the flow at position p (set by unpackFlows for the positions it fills). */
  const flowIdx = new Int32Array(m);
  /** [arc] position q of the arc in the reverse adjacency (inArc[q] = arc). */
  const revPos = new Int32Array(m);
  for (let q = 0; q < m; q++) revPos[inArc[q]] = q;

  // scratch, [node]
  const L = new Float64Array(n);
  const U = new Float64Array(n);
  /** [node] position (in the current bush's arc list) of the shortest-path in-arc; NO_POS at the origin. */
  const Lpred = new Int32Array(n);
  /** [node] position of the longest-used-path in-arc; NO_POS when none, ROOT_POS at the origin. */
  const Upred = new Int32Array(n);
  /** [node] index in the current bush's topological order (valid for the bush's nodes only). */
  const pos = new Int32Array(n);
  /** [node] = stamp when the node belongs to the bush being improved. */
  const member = new Int32Array(n);
  let stamp = 0;
  const indeg = new Int32Array(n);
  const queue = new Int32Array(n);
  /** [arc] zeroed scratch: flow of the bush being rebuilt, by arc. */
  const flowByArc = new Float64Array(m);
  /** [node] 1 = improveBushArcs added an in-arc of the node (zero outside improveBushArcs … relistBush). */
  const hasAdded = new Uint8Array(n);
  /** The arc list as it was before relistBush rebuilds it: [i] group starts by old index; [p] arcs and flows. */
  const oldStart = new Int32Array(n + 1);
  const oldArc = new Int32Array(m);
  const oldFlow = new Float64Array(m);
  /** [node] zeroed scratch for all-or-nothing loading. */
  const nodeFlow = new Float64Array(n);
  const tree = new ShortestPathTree(graph, noThrough);
  const classCount = classes.length;
  /** [class][arc] generalized cost time[a] + fixed_c[a], kept in step with `time` (+Infinity = forbidden to the class). */
  const classCost = classes.map(() => new Float64Array(m));
  const classFixed = classes.map((cl) => cl.fixedCost);
  const refreshClassCosts = (): void => {
    for (let c = 0; c < classCount; c++) {
      const cost = classCost[c];
      const fixed = classFixed[c];
      for (let a = 0; a < m; a++) cost[a] = time[a] + fixed[a];
    }
  };
  const { groupOf, groupStart: vdfGroupStart, groupArc: vdfGroupArc, groupSlope } = evaluator;
  /** [group] members on the shortest segment less members on the longest, during one Newton step (0 between steps). */
  const groupNet = new Int32Array(evaluator.groupCount);
  /** Groups with a member on either segment of the current Newton step (each listed once). */
  const groupTouched = new Int32Array(evaluator.groupCount);
  /** [group] 1 while listed in groupTouched. */
  const groupListed = new Uint8Array(evaluator.groupCount);
  /**
   * Time, slope and every class's cost of arc a at its total flow flow[a]. For a member of a volume-delay group the
   * group's summed flow changes, so every member's time and costs are refreshed. The flow is read from flow[]
   * rather than passed: this function is too large to be inlined into equilibrate, and a floating-point argument of
   * a call that is not inlined is boxed, one heap allocation per arc update.
   */
  const updateArc = (a: number): void => {
    evaluator.update(a, flow[a], time, slope);
    const g = groupOf === null ? -1 : groupOf[a];
    if (g < 0) {
      const t = time[a];
      for (let c = 0; c < classCount; c++) classCost[c][a] = t + classFixed[c][a];
      return;
    }
    const end = vdfGroupStart[g + 1];
    for (let i = vdfGroupStart[g]; i < end; i++) {
      const b = vdfGroupArc[i];
      const t = time[b];
      for (let c = 0; c < classCount; c++) classCost[c][b] = t + classFixed[c][b];
    }
  };

  /** Unpack k's flows into bushFlow (by position in its arc list). */
  const unpackFlows = (k: number): void => {
    bushFlow.fill(0, 0, bushArcCount[k]);
    const fp = flowPos[k];
    const fv = flowVal[k];
    const fl = flowLen[k];
    for (let i = 0; i < fl; i++) {
      const p = fp[i];
      bushFlow[p] = fv[i];
      flowIdx[p] = i;
    }
  };

  /** Unpack k's bush into groupStart, bushArc and bushFlow. */
  const unpack = (k: number): void => {
    const ord = bushOrder[k];
    const slot = bushSlot[k];
    const merge = bushMerge[k];
    const len = ord.length;
    let cnt = 0;
    let mi = 0;
    groupStart[0] = 0;
    for (let idx = 1; idx < len; idx++) {
      groupStart[idx] = cnt;
      const s = slot[idx];
      if (s !== MERGE) bushArc[cnt++] = inArc[firstIn[ord[idx]] + s];
      else {
        const c = merge[mi++];
        for (let i = 0; i < c; i++) bushArc[cnt++] = inArc[merge[mi++]];
      }
    }
    groupStart[len] = cnt;
    unpackFlows(k);
  };

  /** Store the in-arc codes, merge lists and merge ancestors of the unpacked bush (its flows current) as k's. */
  const packArcs = (k: number): void => {
    const ord = bushOrder[k];
    const slot = bushSlot[k];
    let merge = bushMerge[k];
    const len = ord.length;
    let mi = 0;
    for (let idx = 1; idx < len; idx++) {
      const p0 = groupStart[idx];
      const p1 = groupStart[idx + 1];
      if (p1 - p0 === 1) {
        const s = revPos[bushArc[p0]] - firstIn[ord[idx]];
        if (s < MERGE) {
          slot[idx] = s;
          continue;
        }
      }
      slot[idx] = MERGE;
      if (mi + 1 + p1 - p0 > merge.length) merge = grown(merge, mi + 1 + p1 - p0);
      merge[mi++] = p1 - p0;
      for (let p = p0; p < p1; p++) merge[mi++] = revPos[bushArc[p]];
    }
    bushMerge[k] = merge;
    bushArcCount[k] = groupStart[len];
    // merge ancestors, last to first in the order: a merge with flow, and the tails of the in-arcs of every marked
    // node (flow reaches a merge without flow only through a shift at a merge with flow downstream of it, so the
    // set stays complete until the arcs change again)
    let count = 0;
    for (let idx = len - 1; idx > 0; idx--) {
      const j = ord[idx];
      const p0 = groupStart[idx];
      const p1 = groupStart[idx + 1];
      if (p1 - p0 > 1) {
        for (let p = p0; p < p1; p++) {
          if (bushFlow[p] > 0) {
            ancestor[j] = 1;
            break;
          }
        }
      }
      if (ancestor[j] === 0) continue;
      count++;
      for (let p = p0; p < p1; p++) ancestor[tail[bushArc[p]]] = 1;
    }
    let relevant = bushRelevant[k];
    if (3 * count > relevant.length) relevant = grown(relevant, 3 * count);
    let r = 0;
    let offset = 0;
    for (let idx = 1; idx < len; idx++) {
      const j = ord[idx];
      if (ancestor[j] === 1) {
        ancestor[j] = 0;
        relevant[r++] = idx;
        relevant[r++] = groupStart[idx];
        relevant[r++] = offset;
      }
      if (slot[idx] === MERGE) offset += 1 + merge[offset];
    }
    ancestor[ord[0]] = 0;
    bushRelevant[k] = relevant;
    relevantLen[k] = r;
  };

  /**
   * Store the non-zero flows of k's merge ancestors' in-arcs from the unpacked bush (the only flows equilibration
   * changes), keeping k's other stored flows: the same list packFlows would build, without scanning the whole bush.
   * Needed only when equilibration changed which arcs carry flow (otherwise storeMovedFlows updates the values).
   */
  const packRelevantFlows = (k: number): void => {
    const relevant = bushRelevant[k];
    const rl = relevantLen[k];
    const slot = bushSlot[k];
    const merge = bushMerge[k];
    const fp = flowPos[k];
    const fa = flowArc[k];
    const fv = flowVal[k];
    const fl = flowLen[k];
    // merge the stored list outside the ranges with the ranges, by position
    let i = 0;
    let o = 0;
    for (let r = 0; r < rl; r += 3) {
      const p0 = relevant[r + 1];
      const p1 = p0 + (slot[relevant[r]] !== MERGE ? 1 : merge[relevant[r + 2]]);
      for (; i < fl && fp[i] < p0; i++, o++) {
        nextPos[o] = fp[i];
        nextArc[o] = fa[i];
        nextVal[o] = fv[i];
      }
      while (i < fl && fp[i] < p1) i++;
      for (let p = p0; p < p1; p++) {
        const f = bushFlow[p];
        if (f === 0) continue;
        nextPos[o] = p;
        nextArc[o] = bushArc[p];
        nextVal[o] = f;
        o++;
      }
    }
    for (; i < fl; i++, o++) {
      nextPos[o] = fp[i];
      nextArc[o] = fa[i];
      nextVal[o] = fv[i];
    }
    let tp = fp;
    let ta = fa;
    let tv = fv;
    if (o > fp.length) {
      tp = flowPos[k] = grown(fp, o);
      ta = flowArc[k] = grown(fa, o);
      tv = flowVal[k] = grown(fv, o);
    }
    for (let e = 0; e < o; e++) {
      tp[e] = nextPos[e];
      ta[e] = nextArc[e];
      tv[e] = nextVal[e];
    }
    flowLen[k] = o;
  };

  /** Store the non-zero flows of the unpacked bush as k's. */
  const packFlows = (k: number): void => {
    const cnt = groupStart[bushOrder[k].length];
    let fp = flowPos[k];
    let fa = flowArc[k];
    let fv = flowVal[k];
    let i = 0;
    for (let p = 0; p < cnt; p++) {
      const f = bushFlow[p];
      if (f === 0) continue;
      if (i === fp.length) {
        fp = grown(fp, i + 1);
        fa = grown(fa, i + 1);
        fv = grown(fv, i + 1);
      }
      fp[i] = p;
      fa[i] = bushArc[p];
      fv[i] = f;
      i++;
    }
    flowPos[k] = fp;
    flowArc[k] = fa;
    flowVal[k] = fv;
    flowLen[k] = i;
  };

  // --- initial bushes: the free-flow shortest-path trees, loaded all-or-nothing -------------------------------
  /**
   * k's bush from the tree of the last search (from k's origin): the tree's settle order is topological, and every
   * node but the origin has its tree arc as its one in-arc, so the arc list is the tree arcs in that order.
   */
  const initialBush = (k: number): void => {
    const from = commodities.destStart[k];
    const to = commodities.destStart[k + 1];
    for (let e = from; e < to; e++) {
      const d = commodities.destNode[e];
      if (tree.dist[d] === Number.POSITIVE_INFINITY) {
        const c = commodities.classOf[k];
        throw new CaravanError("E_NO_ROUTE", `class "${classes[c].id}" has demand ${commodities.demand[e]} from node ${commodities.origin[k]} to node ${d} but no route connects them`, {
          details: { classId: classes[c].id, originNode: commodities.origin[k], destinationNode: d },
        });
      }
    }
    const len = tree.settledCount;
    const order = tree.order;
    const pred = tree.pred;
    const ord = smallIds ? new Uint16Array(len) : new Int32Array(len);
    tree.load(commodities.destNode, commodities.demand, from, to, flowByArc, nodeFlow);
    ord[0] = order[0];
    groupStart[0] = 0;
    let used = 0;
    for (let idx = 1; idx < len; idx++) {
      const v = order[idx];
      ord[idx] = v;
      const a = pred[v];
      const p = idx - 1;
      groupStart[idx] = p;
      bushArc[p] = a;
      const f = flowByArc[a];
      bushFlow[p] = f;
      if (f !== 0) {
        flowByArc[a] = 0;
        used++;
      }
    }
    groupStart[len] = len - 1;
    bushOrder[k] = ord;
    bushSlot[k] = new Uint8Array(len);
    bushMerge[k] = new Int32Array(8);
    bushRelevant[k] = new Int32Array(24);
    const capacity = used + (used >> 2) + 8;
    flowPos[k] = new Int32Array(capacity);
    flowArc[k] = new Int32Array(capacity);
    flowVal[k] = new Float64Array(capacity);
    packTree(k);
    packFlows(k);
  };
  /**
   * packArcs for a tree bush (one in-arc per node): the in-arc codes; no merges, hence no merge ancestors. Kept apart
   * so that packArcs is first compiled on bushes with merges (the first iteration), not on the initial trees.
   */
  const packTree = (k: number): void => {
    const ord = bushOrder[k];
    const slot = bushSlot[k];
    const len = ord.length;
    for (let idx = 1; idx < len; idx++) {
      const s = revPos[bushArc[idx - 1]] - firstIn[ord[idx]];
      if (s >= MERGE) {
        // an in-arc at slot 255 or beyond is stored in the merge list
        packArcs(k);
        return;
      }
      slot[idx] = s;
    }
    bushArcCount[k] = len - 1;
    relevantLen[k] = 0;
  };
  for (let k = 0; k < K; k++) {
    const c = commodities.classOf[k];
    const o = commodities.origin[k];
    // commodities are sorted by (class, origin): consecutive commodities of one origin share a tree
    if (k === 0 || c !== commodities.classOf[k - 1] || o !== commodities.origin[k - 1]) tree.run(o, time, classes[c].fixedCost);
    initialBush(k);
  }

  /** Recompute class and total flows exactly from the bushes (removes drift of incremental updates). */
  const rebuildFlows = (): void => {
    sumClassFlows();
    state.refresh();
    refreshClassCosts();
  };
  /** Class flows as the sums of the stored bush flows. */
  const sumClassFlows = (): void => {
    for (let c = 0; c < classCount; c++) classFlow[c].fill(0);
    for (let k = 0; k < K; k++) addBushFlows(k, classFlow[commodities.classOf[k]]);
  };
  /** Add k's stored flows to xc (a function of its own, called once per bush: compiled after the first few bushes). */
  const addBushFlows = (k: number, xc: Float64Array): void => {
    const fa = flowArc[k];
    const fv = flowVal[k];
    const fl = flowLen[k];
    for (let i = 0; i < fl; i++) xc[fa[i]] += fv[i];
  };
  rebuildFlows();

  /** [node] shortest cost from the origin being measured; +Infinity outside a measurement. */
  const spDist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  /** [node] 1 = in the label-correcting queue. */
  const inQueue = new Uint8Array(n);

  /**
   * SPTT at the current costs: exact shortest costs from every (class, origin) to its destinations. Each search
   * starts from the lengths of the bush's shortest paths (path lengths, hence upper bounds, and close to the optimum
   * once the bushes are near equilibrium) and corrects them over the whole network with a FIFO label-correcting
   * pass, which ends only when no arc i→j has dist_i + c_ij < dist_j: the same shortest costs as Dijkstra's search
   * (up to the rounding of sums along equal-cost paths), with a queue instead of a heap. The bush of an origin holds
   * every node its class can reach from it (the initial bush is the full free-flow tree, and nodes never leave).
   */
  const shortestPathTravelTime = (): number => {
    let total = 0;
    const { classOf, origin } = commodities;
    let k = 0;
    while (k < K) {
      const c = classOf[k];
      const o = origin[k];
      let kEnd = k + 1;
      while (kEnd < K && classOf[kEnd] === c && origin[kEnd] === o) kEnd++;
      total = originShortestPathTravelTime(k, kEnd, o, classCost[c], total);
      k = kEnd;
    }
    return total;
  };

  /** `sum` plus demand · shortest cost of every entry of commodities k .. kEnd-1, which share origin o and the class of cost `cost`. */
  const originShortestPathTravelTime = (k: number, kEnd: number, o: number, cost: Float64Array, sum: number): number => {
    const { destStart, destNode, demand } = commodities;
    correctShortestPaths(o, cost, bushShortestPaths(k, cost));
    let total = sum;
    for (let e = destStart[k]; e < destStart[kEnd]; e++) total += demand[e] * spDist[destNode[e]];
    clearShortestPaths(k);
    return total;
  };

  // The passes of one origin are functions of their own, called once per origin: they are compiled after the first
  // few origins of the first measurement (a single loop over every origin would run uncompiled until on-stack
  // replacement, and again after every deoptimization, boxing each intermediate sum).

  /** spDist = the shortest path lengths within k's bush (its topological order), every bush node queued; returns the bush's node count. */
  const bushShortestPaths = (k: number, cost: Float64Array): number => {
    const ord = bushOrder[k];
    const slot = bushSlot[k];
    const merge = bushMerge[k];
    const len = ord.length;
    const o = ord[0];
    spDist[o] = 0;
    queue[0] = o;
    inQueue[o] = 1;
    let mi = 0;
    for (let idx = 1; idx < len; idx++) {
      const j = ord[idx];
      const s = slot[idx];
      let best = Number.POSITIVE_INFINITY;
      if (s !== MERGE) {
        const a = inArc[firstIn[j] + s];
        best = spDist[tail[a]] + cost[a];
      } else {
        const cnt = merge[mi++];
        for (let i = 0; i < cnt; i++) {
          const a = inArc[merge[mi++]];
          const v = spDist[tail[a]] + cost[a];
          if (v < best) best = v;
        }
      }
      spDist[j] = best;
      queue[idx] = j;
      inQueue[j] = 1;
    }
    return len;
  };

  /** Label correction from origin o over every arc (circular FIFO queue holding the first `len` entries; a node is in it at most once). */
  const correctShortestPaths = (o: number, cost: Float64Array, len: number): void => {
    let qh = 0;
    let qt = len === n ? 0 : len;
    let queued = len;
    while (queued > 0) {
      const u = queue[qh];
      qh = qh + 1 === n ? 0 : qh + 1;
      queued--;
      inQueue[u] = 0;
      if (noThrough[u] === 1 && u !== o) continue;
      const du = spDist[u];
      const aEnd = firstOut[u + 1];
      for (let a = firstOut[u]; a < aEnd; a++) {
        const dv = du + cost[a];
        const v = head[a];
        if (dv < spDist[v]) {
          spDist[v] = dv;
          if (inQueue[v] === 0) {
            inQueue[v] = 1;
            queue[qt] = v;
            qt = qt + 1 === n ? 0 : qt + 1;
            queued++;
          }
        }
      }
    }
  };

  /** Reset spDist on the nodes of k's bush (every node the measurement reached). */
  const clearShortestPaths = (k: number): void => {
    const ord = bushOrder[k];
    const len = ord.length;
    for (let idx = 0; idx < len; idx++) spDist[ord[idx]] = Number.POSITIVE_INFINITY;
  };

  const demandTotal = totalDemand(commodities);
  const history: IterationReport[] = [];
  /** [k] 1 = the last equilibration pass of k found a node above the threshold. */
  const active = new Uint8Array(K);
  let sptt = shortestPathTravelTime();
  let tstt = state.totalTravelTime();
  let gapNow = relativeGap(tstt, sptt);
  let iterations = 0;

  /**
   * Drop unused arcs, add shortcuts (U_i + c_ij < U_j), restore the topological order of the unpacked bush of k.
   * Returns true when the bush's arcs changed.
   */
  const improveBush = (k: number): boolean => {
    const status = improveBushArcs(k);
    if (status !== UNCHANGED) relistBush(k, status === ADDED_REORDER);
    const end = groupStart[bushOrder[k].length];
    for (let p = 0; p < end; p++) inBush[bushArc[p]] = 0;
    return status !== UNCHANGED;
  };

  /**
   * Labels, arc removal and additions of improveBush (inBush marks the arcs kept and added). Rebuilding the arc
   * list afterwards is apart (relistBush), so that this hot function holds no branch that its first
   * runs may not have reached.
   */
  const improveBushArcs = (k: number): number => {
    const cost = classCost[commodities.classOf[k]];
    const ord = bushOrder[k];
    const len = ord.length;
    const origin = ord[0];
    const arcEnd = groupStart[len];
    for (let p = 0; p < arcEnd; p++) inBush[bushArc[p]] = 1;
    stamp++;
    // Labels over the bush's arcs: L over all of them, then U over those that stay in the bush (used arcs out of
    // used nodes, and the L-tree arc). A node without such an in-arc gets U = L.
    member[origin] = stamp;
    pos[origin] = 0;
    L[origin] = 0;
    U[origin] = 0;
    Upred[origin] = ROOT_POS;
    for (let idx = 1; idx < len; idx++) {
      const j = ord[idx];
      member[j] = stamp;
      pos[j] = idx;
      const pEnd = groupStart[idx + 1];
      const pStart = groupStart[idx];
      // one pass: L over every in-arc, U over the used in-arcs out of used nodes; then the L-tree arc joins U's
      // candidates (U takes the first arc in list order that attains the maximum)
      let lBest = Number.POSITIVE_INFINITY;
      let lArg = NO_POS;
      let lUsed = false;
      let uBest = Number.NEGATIVE_INFINITY;
      let uArg = NO_POS;
      for (let p = pStart; p < pEnd; p++) {
        const a = bushArc[p];
        const t = tail[a];
        const ca = cost[a];
        const lv = L[t] + ca;
        const used = bushFlow[p] > 0 && Upred[t] !== NO_POS;
        if (lv < lBest) {
          lBest = lv;
          lArg = p;
          lUsed = used;
        }
        if (used) {
          const uv = U[t] + ca;
          if (uv > uBest) {
            uBest = uv;
            uArg = p;
          }
        }
      }
      if (lArg !== NO_POS && !lUsed) {
        const a = bushArc[lArg];
        const uv = U[tail[a]] + cost[a];
        // both tie comparisons are made every time: on the first bushes (trees) uv > uBest always holds, and
        // comparisons first made after the function is compiled would each cost a recompilation
        const tie = uv === uBest;
        const earlier = lArg < uArg;
        if (uv > uBest || (tie && earlier)) {
          uBest = uv;
          uArg = lArg;
        }
      }
      L[j] = lBest;
      Lpred[j] = lArg;
      U[j] = uArg === NO_POS ? lBest : uBest;
      Upred[j] = uArg;
    }
    // keep exactly the arcs the U labels counted: used arcs out of used nodes, and the shortest-path tree
    // (indeg counts the in-arcs each node keeps, for the topological sort below)
    let removed = 0;
    indeg[origin] = 0;
    for (let idx = 1; idx < len; idx++) {
      const j = ord[idx];
      const lArg = Lpred[j];
      const pStart = groupStart[idx];
      const pEnd = groupStart[idx + 1];
      let kept = 0;
      for (let p = pStart; p < pEnd; p++) {
        // the same loads and stores for every arc, kept or not: the first bushes (trees) keep every arc, and an
        // operation first reached after this function is compiled costs a deoptimization (repeated on every call
        // entering code compiled on the stack) and a recompilation
        const a = bushArc[p];
        const f = bushFlow[p];
        const used = f > 0 && Upred[tail[a]] !== NO_POS;
        const keep = used || p === lArg ? 1 : 0;
        inBush[a] = keep;
        bushFlow[p] = keep === 1 ? f : 0; // a dropped arc holds at most a rounding residue
        kept += keep;
      }
      removed += pEnd - pStart - kept;
      indeg[j] = kept;
    }
    let added = 0;
    /** An added arc runs against the current order, so a new topological order is needed. */
    let reorder = false;
    // the out-arcs of the bush's nodes, node by node (an arc into or out of a node outside the bush never qualifies)
    for (let idx = 0; idx < len; idx++) {
      const i = ord[idx];
      if (noThrough[i] === 1 && i !== origin) continue;
      const ui = U[i];
      const aEnd = firstOut[i + 1];
      for (let a = firstOut[i]; a < aEnd; a++) {
        if (inBush[a] === 1) continue;
        const j = head[a];
        // a forbidden arc has cost +Infinity and never qualifies
        if (ui + cost[a] < U[j] && member[j] === stamp && j !== origin) {
          inBush[a] = 1;
          hasAdded[j] = 1;
          if (idx > pos[j]) reorder = true;
          indeg[j]++;
          added++;
        }
      }
    }
    const onlyRemoved = removed > 0 ? REMOVED : UNCHANGED;
    if (added > 0) return reorder ? ADDED_REORDER : ADDED_FORWARD;
    return onlyRemoved;
  };

  /**
   * After improveBushArcs changed k's bush (inBush marks its arcs, indeg counts each node's in-arcs), rebuild its arc
   * list, with a new topological order when an added arc runs against the current one (removed arcs and arcs added
   * forward leave the order topological). One path for every change, so that no call or operation of it is first
   * reached after it is compiled.
   */
  const relistBush = (k: number, reorder: boolean): void => {
    const ord = bushOrder[k];
    const len = ord.length;
    const origin = ord[0];
    const arcEnd = groupStart[len];
    // the current list is kept aside: a node that gained no arc keeps its kept arcs in the same order
    for (let i = 0; i <= len; i++) oldStart[i] = groupStart[i];
    for (let p = 0; p < arcEnd; p++) {
      const a = bushArc[p];
      const f = bushFlow[p];
      oldArc[p] = a;
      oldFlow[p] = f;
      if (f !== 0) flowByArc[a] = f;
    }
    if (reorder) {
      // Kahn's topological sort over the bush arcs
      let qh = 0;
      let qt = 0;
      queue[qt++] = origin;
      while (qh < qt) {
        const i = queue[qh++];
        const aEnd = firstOut[i + 1];
        for (let a = firstOut[i]; a < aEnd; a++) {
          if (inBush[a] === 0) continue;
          const j = head[a];
          if (--indeg[j] === 0) queue[qt++] = j;
        }
      }
      if (qt !== len) throw new Error(`Algorithm B: bush of commodity ${k} lost its topological order (${qt} of ${len} nodes); this is a bug`);
      for (let idx = 0; idx < len; idx++) ord[idx] = queue[idx];
    }
    // the arc list in the (new) order, each node's arcs in their reverse-adjacency order: a node with an added
    // in-arc scans its in-arcs, another keeps its kept arcs from the old list (already in that order); flowByArc
    // (the flows of the arcs that carry some) is left zeroed
    let cnt = 0;
    groupStart[0] = 0;
    for (let idx = 1; idx < len; idx++) {
      const j = ord[idx];
      groupStart[idx] = cnt;
      if (hasAdded[j] === 1) {
        hasAdded[j] = 0;
        const qEnd = firstIn[j + 1];
        for (let q = firstIn[j]; q < qEnd; q++) {
          const a = inArc[q];
          if (inBush[a] === 1) {
            bushArc[cnt] = a;
            bushFlow[cnt] = flowByArc[a];
            flowByArc[a] = 0;
            cnt++;
          }
        }
      } else {
        const o = pos[j];
        const pEnd = oldStart[o + 1];
        for (let p = oldStart[o]; p < pEnd; p++) {
          const a = oldArc[p];
          if (inBush[a] === 1) {
            bushArc[cnt] = a;
            bushFlow[cnt] = oldFlow[p];
            flowByArc[a] = 0;
            cnt++;
          }
        }
      }
    }
    groupStart[len] = cnt;
  };

  /**
   * Set by equilibrate: k's stored flow list no longer lists the arcs that carry flow (an arc gained or lost all
   * its flow, or the arcs changed) and needs packRelevantFlows (or packFlows); otherwise storeMovedFlows updates
   * the values of the arcs the pass moved flow on.
   */
  let flowListStale = false;
  /** [i] positions whose flow the last equilibration pass changed (repeats allowed), movedLen of them (≤ m). */
  const moved = new Int32Array(m);
  let movedLen = 0;

  /** Write the flows the last equilibration pass moved into k's stored flow list, which lists the same arcs. */
  const storeMovedFlows = (k: number): void => {
    const fv = flowVal[k];
    for (let i = 0; i < movedLen; i++) {
      const p = moved[i];
      fv[flowIdx[p]] = bushFlow[p];
    }
  };

  /** Store k's flows after an equilibration pass that left its arcs unchanged. */
  const storeFlows = (k: number): void => {
    if (flowListStale) packRelevantFlows(k);
    else storeMovedFlows(k);
  };

  /**
   * One equilibration pass over the bush of k (its flows unpacked into bushFlow, its arcs as stored); returns the
   * largest U − L seen at a node with flow. `unchangedArcs`: k's stored flow list lists the arc positions of the
   * unpacked bush (flowIdx holds their indices), so storeFlows can update it.
   */
  const equilibrate = (k: number, threshold: number, unchangedArcs: boolean): number => {
    const c = commodities.classOf[k];
    const cost = classCost[c];
    const xc = classFlow[c];
    const ord = bushOrder[k];
    const slot = bushSlot[k];
    const merge = bushMerge[k];
    const origin = ord[0];
    flowListStale = !unchangedArcs;
    movedLen = 0;
    // L and U labels over the merge ancestors in topological order, unpacking their in-arcs into the arc list on the
    // way; the flows beside it are already in place
    const relevant = bushRelevant[k];
    const rl = relevantLen[k];
    pos[origin] = 0;
    L[origin] = 0;
    U[origin] = 0;
    Upred[origin] = ROOT_POS;
    for (let r = 0; r < rl; r += 3) {
      const idx = relevant[r];
      const pStart = relevant[r + 1];
      const j = ord[idx];
      pos[j] = idx;
      const s = slot[idx];
      if (s !== MERGE) {
        // one in-arc: the same comparisons as the loop below, for one arc
        const a = inArc[firstIn[j] + s];
        bushArc[pStart] = a;
        const t = tail[a];
        const ca = cost[a];
        const lv = L[t] + ca;
        if (lv < Number.POSITIVE_INFINITY) {
          L[j] = lv;
          Lpred[j] = pStart;
        } else {
          L[j] = Number.POSITIVE_INFINITY;
          Lpred[j] = NO_POS;
        }
        const uv = bushFlow[pStart] > 0 ? U[t] + ca : Number.NEGATIVE_INFINITY;
        if (uv > Number.NEGATIVE_INFINITY) {
          U[j] = uv;
          Upred[j] = pStart;
        } else {
          U[j] = Number.NEGATIVE_INFINITY;
          Upred[j] = NO_POS;
        }
        continue;
      }
      let mi = relevant[r + 2];
      const count = merge[mi++];
      const pEnd = pStart + count;
      for (let p = pStart; p < pEnd; p++) bushArc[p] = inArc[merge[mi++]];
      let lBest = Number.POSITIVE_INFINITY;
      let lArg = NO_POS;
      let uBest = Number.NEGATIVE_INFINITY;
      let uArg = NO_POS;
      for (let p = pStart; p < pEnd; p++) {
        const a = bushArc[p];
        const t = tail[a];
        const ca = cost[a];
        const lv = L[t] + ca;
        if (lv < lBest) {
          lBest = lv;
          lArg = p;
        }
        // a tail without used inflow has U = -Infinity and never gives the longest used path
        if (bushFlow[p] > 0) {
          const uv = U[t] + ca;
          if (uv > uBest) {
            uBest = uv;
            uArg = p;
          }
        }
      }
      L[j] = lBest;
      Lpred[j] = lArg;
      U[j] = uBest;
      Upred[j] = uArg;
    }
    // U − L at any other node with flow equals U − L at its nearest merge ancestor (one in-arc each up to there)
    let maxDiff = 0;
    for (let r = rl - 3; r >= 0; r -= 3) {
      const j = ord[relevant[r]];
      const b0 = Upred[j];
      if (b0 === NO_POS) continue;
      const diff = U[j] - L[j];
      if (diff > maxDiff) maxDiff = diff;
      if (diff <= threshold) continue;
      // walk both paths back to where they meet (the first arc of each is taken unconditionally)
      const a0 = Lpred[j];
      if (a0 === b0) continue;
      const arcA0 = bushArc[a0];
      const arcB0 = bushArc[b0];
      let p = tail[arcA0];
      let q = tail[arcB0];
      let cMin = cost[arcA0];
      let dMin = slope[arcA0];
      let cMax = cost[arcB0];
      let dMax = slope[arcB0];
      let minFlow = bushFlow[b0];
      let argMin = b0;
      while (p !== q) {
        if (pos[p] > pos[q]) {
          const a = bushArc[Lpred[p]];
          cMin += cost[a];
          dMin += slope[a];
          p = tail[a];
        } else {
          const pq = Upred[q];
          if (pq < 0) {
            minFlow = 0; // cannot happen while flows are conserved; never shift along a broken chain
            break;
          }
          const a = bushArc[pq];
          cMax += cost[a];
          dMax += slope[a];
          const f = bushFlow[pq];
          if (f < minFlow) {
            minFlow = f;
            argMin = pq;
          }
          q = tail[a];
        }
      }
      const dc = cMax - cMin;
      if (!(dc > 0) || !(minFlow > 0)) continue;
      const meet = p;
      let d = dMax + dMin;
      if (groupOf !== null) {
        // The exact second derivative of the shift: a member's own (BPR) slope as any arc's, and per volume-delay
        // group q_g'(X_g)·(n_min − n_max)², n = the group's members on each segment (a shift by Δ changes X_g by
        // (n_min − n_max)·Δ, and each member's time by q_g' times that)
        d = 0;
        let touched = 0;
        for (let side = 0; side < 2; side++) {
          const pred = side === 0 ? Lpred : Upred;
          const sign = side === 0 ? 1 : -1;
          p = j;
          while (p !== meet) {
            const a = bushArc[pred[p]];
            const g = groupOf[a];
            if (g < 0) d += slope[a];
            else {
              d += slope[a] - groupSlope[g];
              groupNet[g] += sign;
              if (groupListed[g] === 0) {
                groupListed[g] = 1;
                groupTouched[touched++] = g;
              }
            }
            p = tail[a];
          }
        }
        for (let i = 0; i < touched; i++) {
          const g = groupTouched[i];
          const net = groupNet[g];
          d += groupSlope[g] * net * net;
          groupNet[g] = 0;
          groupListed[g] = 0;
        }
      }
      let delta = d > 0 ? dc / d : minFlow;
      const exhaust = delta >= minFlow;
      if (exhaust) delta = minFlow;
      p = j;
      while (p !== meet) {
        const pp = Lpred[p];
        const a = bushArc[pp];
        const f0 = bushFlow[pp];
        bushFlow[pp] = f0 + delta;
        if (f0 === 0) flowListStale = true;
        if (movedLen < m) moved[movedLen++] = pp;
        else flowListStale = true;
        const x = flow[a] + delta;
        flow[a] = x;
        xc[a] += delta;
        updateArc(a);
        p = tail[a];
      }
      q = j;
      while (q !== meet) {
        const pq = Upred[q];
        const a = bushArc[pq];
        const f0 = bushFlow[pq];
        const fb = f0 - delta;
        // the exhausted arc, and arcs left with only a rounding residue, end at exactly zero
        const f1 = (exhaust && pq === argMin) || fb <= 1e-12 * f0 ? 0 : fb;
        bushFlow[pq] = f1;
        if (f1 === 0) flowListStale = true;
        if (movedLen < m) moved[movedLen++] = pq;
        else flowListStale = true;
        let x = flow[a] - delta;
        if (x < 0) x = 0;
        flow[a] = x;
        xc[a] -= delta;
        updateArc(a);
        q = tail[a];
      }
    }
    return maxDiff;
  };

  /**
   * Commodity flows in the result's layout, [k * m + a]. A flow below RESIDUE_FRACTION of the commodity's demand is
   * rounding residue of the flow shifts (an arc kept ~1e-10 t after the arc feeding it was clamped to 0) and is left
   * out: it would feed a node that no flow reaches, which the topological decompositions (transit by country, lane
   * splits) cannot order.
   */
  const commodityFlowByArc = (fArc: readonly Int32Array[], fVal: readonly Float64Array[], fLen: Int32Array): Float64Array => {
    const out = new Float64Array(K * m);
    const { destStart, demand } = commodities;
    for (let k = 0; k < K; k++) {
      const base = k * m;
      const fa = fArc[k];
      const fv = fVal[k];
      const fl = fLen[k];
      let total = 0;
      for (let e = destStart[k]; e < destStart[k + 1]; e++) total += demand[e];
      const residue = total * RESIDUE_FRACTION;
      for (let i = 0; i < fl; i++) if (fv[i] > residue) out[base + fa[i]] = fv[i];
    }
    return out;
  };

  const report = (): void => {
    const r: IterationReport = { iteration: iterations, relativeGap: gapNow, beckmann: state.beckmann(), elapsedS: elapsed() };
    history.push(r);
    options.onIteration?.(r);
  };

  report();
  /** Copies the figures of the last result given before the run goes on (null: none given, or already copied). */
  let freezeLast: (() => void) | null = null;
  const advance = (targetGap: number): AssignmentResult => {
    if (!(targetGap >= 0)) throw new CaravanError("E_USAGE", `gap must be ≥ 0, got ${targetGap}`);
    let stopReason: StopReason | null = gapNow <= targetGap ? "gap" : iterations > 0 ? stopReasonAfter(gapNow, targetGap, iterations, maxIterations, elapsed(), maxSeconds) : null;
    if (stopReason === null) {
      freezeLast?.();
      freezeLast = null;
    }
    while (stopReason === null) {
      iterations++;
      const avgCost = demandTotal > 0 ? sptt / demandTotal : 0;
      const threshold = Math.max(gapNow, targetGap * 0.01) * avgCost * thresholdFraction;
      for (let k = 0; k < K; k++) {
        unpack(k);
        const changed = improveBush(k);
        if (changed) packArcs(k);
        active[k] = equilibrate(k, threshold, !changed) > threshold ? 1 : 0;
        if (changed) packFlows(k);
        else storeFlows(k);
      }
      for (let sweep = 0; sweep < maxSweeps; sweep++) {
        let maxDiff = 0;
        for (let k = 0; k < K; k++) {
          if (active[k] === 0) continue; // settled in its last pass: the next outer iteration revisits it
          unpackFlows(k);
          const d = equilibrate(k, threshold, true);
          storeFlows(k);
          active[k] = d > threshold ? 1 : 0;
          if (d > maxDiff) maxDiff = d;
        }
        if (maxDiff <= threshold) break;
      }
      rebuildFlows();
      sptt = shortestPathTravelTime();
      tstt = state.totalTravelTime();
      gapNow = relativeGap(tstt, sptt);
      report();
      stopReason = stopReasonAfter(gapNow, targetGap, iterations, maxIterations, elapsed(), maxSeconds);
    }
    const last = history[history.length - 1];
    // the figures of this iterate: the live arrays until the run goes on, then copies (freezeLast)
    const kept = { flow, classFlow, time, history, fArc: flowArc, fVal: flowVal, fLen: flowLen };
    /** The K × arcs per-commodity flows are built when first read (corridor transit and volumes), not for every solve. */
    let commodityFlow: Float64Array | null = null;
    freezeLast = () => {
      kept.flow = Float64Array.from(flow);
      kept.classFlow = classFlow.map((f) => Float64Array.from(f));
      kept.time = Float64Array.from(time);
      kept.history = history.slice();
      if (commodityFlow === null) {
        kept.fArc = flowArc.map((a, k) => a.slice(0, flowLen[k]));
        kept.fVal = flowVal.map((v, k) => v.slice(0, flowLen[k]));
        kept.fLen = Int32Array.from(flowLen);
      }
    };
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
      get flow(): Float64Array {
        return kept.flow;
      },
      get classFlow(): readonly Float64Array[] {
        return kept.classFlow;
      },
      get time(): Float64Array {
        return kept.time;
      },
      get history(): readonly IterationReport[] {
        return kept.history;
      },
      get commodityFlow(): Float64Array {
        if (commodityFlow === null) commodityFlow = commodityFlowByArc(kept.fArc, kept.fVal, kept.fLen);
        return commodityFlow;
      },
    };
  };
  return { advance };
}
