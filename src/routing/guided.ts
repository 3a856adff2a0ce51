import { type ArcIndex, type CsrGraph, type CsrReverse, INF_WEIGHT, NO_ARC, type NodeIndex } from "../graph/csr";
import { IndexedMinHeap } from "../graph/heap";

/** Relative difference of path lengths below which two paths count as tied (far above rounding, ~1e-16 an arc). */
export const TIE_SHARE = 1e-9;

/**
 * One-to-one searches between one fixed source and target under weight columns that are never below a base column
 * (the penalised and country-restricted searches of RoutingContext.alternatives), for paths that are the same as the
 * reference search's (BidirectionalDijkstraQuery) wherever the shortest path is unique.
 *
 * A* with potentials (lower bounds on the distance to the target, or from the source for a search from the target):
 * the exact distances under the base column, computed once each way (`prepare`), stay lower bounds under any column
 * ≥ the base. A sequence of columns that only rise (each penalised search's column ≥ the one before) also carries the
 * bounds of its last search: a search from the source with a consistent potential π that settles every node whose key
 * is at most L leaves d(source, u) = its label where u was settled, and d(source, u) ≥ L − π(u) elsewhere; that bound
 * (the larger of it and the one before) is consistent and holds under every later column of the sequence, so the
 * sequence's searches alternate direction, each guided by the bounds of the one before.
 *
 * A search goes on after the goal is settled until its keys exceed the path's length by TIE_SHARE, marking every node
 * reached by two different arcs with labels that close. Two paths of (nearly) equal length part at some node and
 * meet again at a node of the returned path, whose label both reached: when a node of the path is marked the search
 * returns "ambiguous" (which of them a search returns depends on its order of work, so the caller asks its reference
 * search), else the path is the only shortest one, whatever search finds it.
 *
 * noThrough as in BidirectionalDijkstraQuery: a noThrough node other than the source is reached but not expanded; a
 * search from the target skips an in-arc whose tail is such a node.
 */
export class GuidedQuery {
  private readonly graph: CsrGraph;
  private readonly reverse: CsrReverse;
  private readonly noThrough: Uint8Array | undefined;
  /** [node] base distance to the target / from the source; INF_WEIGHT where out of reach. */
  private readonly baseToTarget: Float64Array;
  private readonly baseFromSource: Float64Array;
  /** [node] lower bounds of the rising sequence (see the class comment). */
  private readonly seqToTarget: Float64Array;
  private readonly seqFromSource: Float64Array;
  /** The next search of the sequence starts at the source. */
  private seqForward = true;
  private readonly dist: Float64Array;
  private readonly pred: Int32Array;
  /** [node] run number of the last label written. */
  private readonly stamp: Uint32Array;
  /** [node] run number of the last run that settled the node. */
  private readonly done: Uint32Array;
  /** [node] run number of the last run that reached the node by two arcs with labels within TIE_SHARE. */
  private readonly tie: Uint32Array;
  private readonly heap: IndexedMinHeap;
  private round = 0;
  private source: NodeIndex = -1;
  private target: NodeIndex = -1;
  /** Nodes settled by the last search (for benchmarks). */
  settledCount = 0;

  constructor(graph: CsrGraph, reverse: CsrReverse, options: { readonly noThrough?: Uint8Array } = {}) {
    this.graph = graph;
    this.reverse = reverse;
    this.noThrough = options.noThrough;
    const n = graph.nodeCount;
    this.baseToTarget = new Float64Array(n);
    this.baseFromSource = new Float64Array(n);
    this.seqToTarget = new Float64Array(n);
    this.seqFromSource = new Float64Array(n);
    this.dist = new Float64Array(n);
    this.pred = new Int32Array(n);
    this.stamp = new Uint32Array(n);
    this.done = new Uint32Array(n);
    this.tie = new Uint32Array(n);
    this.heap = new IndexedMinHeap(n);
  }

  /** Fix the source and target and compute the base bounds under `base` (every later column must be ≥ base, arc by arc); starts a rising sequence. */
  prepare(source: NodeIndex, target: NodeIndex, base: Float64Array): void {
    this.source = source;
    this.target = target;
    this.fullSearch(false, base, this.baseToTarget);
    this.fullSearch(true, base, this.baseFromSource);
    this.seqToTarget.set(this.baseToTarget);
    this.seqFromSource.set(this.baseFromSource);
    this.seqForward = true;
  }

  /** Plain Dijkstra from the source (forward) or the target over every node, labels into `out`. */
  private fullSearch(forward: boolean, weight: Float64Array, out: Float64Array): void {
    const { heap, noThrough, source, target } = this;
    const start = forward ? source : target;
    out.fill(INF_WEIGHT);
    heap.clear();
    out[start] = 0;
    heap.pushOrDecrease(start, 0);
    while (!heap.isEmpty()) {
      const u = heap.pop();
      const du = out[u];
      if (forward) {
        if (noThrough !== undefined && noThrough[u] === 1 && u !== source) continue;
        const { firstOut, head } = this.graph;
        for (let a = firstOut[u]; a < firstOut[u + 1]; a++) {
          const w = weight[a];
          if (w === INF_WEIGHT) continue;
          const v = head[a];
          const dv = du + w;
          if (dv < out[v]) {
            out[v] = dv;
            heap.pushOrDecrease(v, dv);
          }
        }
      } else {
        const { firstIn, inArc } = this.reverse;
        const { tail } = this.graph;
        for (let s = firstIn[u]; s < firstIn[u + 1]; s++) {
          const a = inArc[s];
          const w = weight[a];
          if (w === INF_WEIGHT) continue;
          const v = tail[a];
          if (noThrough !== undefined && noThrough[v] === 1 && v !== source) continue;
          const dv = du + w;
          if (dv < out[v]) {
            out[v] = dv;
            heap.pushOrDecrease(v, dv);
          }
        }
      }
    }
  }

  /**
   * The shortest path from the prepared source to the prepared target under `weight` (≥ the base column), as arcs
   * from source to target; "ambiguous" when another path comes within TIE_SHARE of its length; null when none.
   * `rising`: `weight` belongs to the rising sequence (≥ the column of the sequence's last search, arc by arc).
   */
  shortest(weight: Float64Array, rising = false): ArcIndex[] | null | "ambiguous" {
    const { source, target } = this;
    if (source < 0) return null;
    if (source === target) return [];
    const forward = rising ? this.seqForward : true;
    const potential = forward ? (rising ? this.seqToTarget : this.baseToTarget) : this.seqFromSource;
    const limit = forward ? this.searchForward(weight, potential) : this.searchBackward(weight, potential);
    if (limit === INF_WEIGHT) return null;
    if (rising) {
      // the bounds the next search of the sequence (the other way) takes
      const next = forward ? this.seqFromSource : this.seqToTarget;
      const { dist, done, round } = this;
      const slack = TIE_SHARE * limit;
      for (let u = 0; u < next.length; u++) {
        const bound = (done[u] === round ? dist[u] : limit - potential[u]) - slack;
        if (bound > next[u]) next[u] = bound;
      }
      this.seqForward = !forward;
    }
    return this.pathOf(forward);
  }

  private nextRound(): number {
    this.round++;
    if (this.round === 0xffffffff) {
      this.stamp.fill(0);
      this.done.fill(0);
      this.tie.fill(0);
      this.round = 1;
    }
    return this.round;
  }

  /** A* from the source; returns the key limit it settled up to (INF_WEIGHT when the target is out of reach). */
  private searchForward(weight: Float64Array, potential: Float64Array): number {
    const { firstOut, head } = this.graph;
    const { dist, pred, stamp, done, tie, heap, noThrough, source, target } = this;
    const round = this.nextRound();
    heap.clear();
    if (potential[source] === INF_WEIGHT) return INF_WEIGHT;
    dist[source] = 0;
    pred[source] = NO_ARC;
    stamp[source] = round;
    heap.pushOrDecrease(source, potential[source]);
    let limit = INF_WEIGHT;
    let settled = 0;
    while (!heap.isEmpty()) {
      if (heap.peekKey() > limit) break;
      const u = heap.pop();
      done[u] = round;
      settled++;
      if (u === target) {
        if (limit === INF_WEIGHT) limit = dist[target] * (1 + TIE_SHARE);
        continue;
      }
      if (noThrough !== undefined && noThrough[u] === 1 && u !== source) continue;
      const du = dist[u];
      const end = firstOut[u + 1];
      for (let a = firstOut[u]; a < end; a++) {
        const w = weight[a];
        if (w === INF_WEIGHT) continue;
        const v = head[a];
        const h = potential[v];
        if (h === INF_WEIGHT || (noThrough !== undefined && noThrough[v] === 1 && v !== target)) continue;
        const dv = du + w;
        if (stamp[v] !== round) {
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv + h);
          continue;
        }
        const old = dist[v];
        if (pred[v] !== a && Math.abs(dv - old) <= TIE_SHARE * old) tie[v] = round;
        if (dv < old) {
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv + h);
        }
      }
    }
    this.settledCount = settled;
    return limit;
  }

  /** A* from the target over in-arcs (labels: distances to the target); returns the key limit as searchForward. */
  private searchBackward(weight: Float64Array, potential: Float64Array): number {
    const { tail } = this.graph;
    const { firstIn, inArc } = this.reverse;
    const { dist, pred, stamp, done, tie, heap, noThrough, source, target } = this;
    const round = this.nextRound();
    heap.clear();
    if (potential[target] === INF_WEIGHT) return INF_WEIGHT;
    dist[target] = 0;
    pred[target] = NO_ARC;
    stamp[target] = round;
    heap.pushOrDecrease(target, potential[target]);
    let limit = INF_WEIGHT;
    let settled = 0;
    while (!heap.isEmpty()) {
      if (heap.peekKey() > limit) break;
      const u = heap.pop();
      done[u] = round;
      settled++;
      if (u === source) {
        if (limit === INF_WEIGHT) limit = dist[source] * (1 + TIE_SHARE);
        continue;
      }
      const du = dist[u];
      const end = firstIn[u + 1];
      for (let s = firstIn[u]; s < end; s++) {
        const a = inArc[s];
        const w = weight[a];
        if (w === INF_WEIGHT) continue;
        const v = tail[a];
        const h = potential[v];
        if (h === INF_WEIGHT || (noThrough !== undefined && noThrough[v] === 1 && v !== source)) continue;
        const dv = du + w;
        if (stamp[v] !== round) {
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv + h);
          continue;
        }
        const old = dist[v];
        if (pred[v] !== a && Math.abs(dv - old) <= TIE_SHARE * old) tie[v] = round;
        if (dv < old) {
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv + h);
        }
      }
    }
    this.settledCount = settled;
    return limit;
  }

  /** The path of the last search, source to target, or "ambiguous" when a node on it is marked tied. */
  private pathOf(forward: boolean): ArcIndex[] | "ambiguous" {
    const { tail, head } = this.graph;
    const { pred, tie, round, source, target } = this;
    const arcs: ArcIndex[] = [];
    if (forward) {
      for (let v = target; v !== source; ) {
        if (tie[v] === round) return "ambiguous";
        const a = pred[v];
        arcs.push(a);
        v = tail[a];
      }
      return arcs.reverse();
    }
    for (let v = source; v !== target; ) {
      if (tie[v] === round) return "ambiguous";
      const a = pred[v];
      arcs.push(a);
      v = head[a];
    }
    return arcs;
  }
}
