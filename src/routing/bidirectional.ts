import type { ArcIndex, CsrGraph, CsrReverse, NodeIndex } from "../graph/csr";
import { IndexedMinHeap } from "../graph/heap";
import type { DijkstraOptions, ReweightableQuery } from "./dijkstra";

/**
 * INF_WEIGHT, NO_ARC and NO_NODE of graph/csr.ts as this module's own constants: the search loop reads them per arc,
 * and an imported binding is read through a getter call where the module is loaded as CommonJS (tsx, vitest).
 */
const INF_WEIGHT = Number.POSITIVE_INFINITY;
const NO_ARC = -1;
const NO_NODE = -1;

/**
 * Bidirectional Dijkstra: a forward search from the source over out-arcs and a backward search from the target over
 * in-arcs (`buildReverse`), alternating by the smaller queue key, stopping once `topForward + topBackward ≥ μ` (the
 * best source→target distance seen at an arc joining the two searches). Settles roughly half the nodes of a plain
 * one-to-one Dijkstra on road-like graphs.
 *
 * noThrough: the query runs on the graph without the out-arcs of noThrough nodes other than the source (exactly the
 * paths plain Dijkstra allows). The forward search does not expand such a node; the backward search skips an in-arc
 * whose tail is such a node.
 *
 * Scratch state (two label sets, two heaps, timestamps) belongs to the query object; graph, reverse and weights are
 * shared and never written. Weights: finite and ≥ 0, +Infinity = disabled arc.
 */
export class BidirectionalDijkstraQuery implements ReweightableQuery {
  readonly graph: CsrGraph;
  readonly reverse: CsrReverse;
  private weight: Float64Array;
  private readonly noThrough: Uint8Array | undefined;
  /** [node] forward distance from the source, valid where stampF[node] === round. */
  private readonly distF: Float64Array;
  /** [node] backward distance to the target, valid where stampB[node] === round. */
  private readonly distB: Float64Array;
  /** [node] arc by which the forward search reached the node. */
  private readonly predF: Int32Array;
  /** [node] arc by which the backward search reached the node (the arc leaving the node towards the target). */
  private readonly predB: Int32Array;
  /** [node] run number of the last forward write. */
  private readonly stampF: Uint32Array;
  /** [node] run number of the last backward write. */
  private readonly stampB: Uint32Array;
  private readonly heapF: IndexedMinHeap;
  private readonly heapB: IndexedMinHeap;
  private round = 0;
  private source: NodeIndex = NO_NODE;
  private target: NodeIndex = NO_NODE;
  /** Node where the best path found by the last run joins the two searches, NO_NODE if none. */
  private meet: NodeIndex = NO_NODE;
  private best = INF_WEIGHT;
  settledCount = 0;

  constructor(graph: CsrGraph, reverse: CsrReverse, weight: Float64Array, options: DijkstraOptions = {}) {
    if (weight.length !== graph.arcCount) throw new RangeError(`BidirectionalDijkstraQuery: ${weight.length} weights for ${graph.arcCount} arcs`);
    if (reverse.firstIn.length !== graph.nodeCount + 1 || reverse.inArc.length !== graph.arcCount) {
      throw new RangeError("BidirectionalDijkstraQuery: reverse adjacency does not belong to this graph");
    }
    this.graph = graph;
    this.reverse = reverse;
    this.weight = weight;
    this.noThrough = options.noThrough;
    const n = graph.nodeCount;
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.predF = new Int32Array(n);
    this.predB = new Int32Array(n);
    this.stampF = new Uint32Array(n);
    this.stampB = new Uint32Array(n);
    this.heapF = new IndexedMinHeap(n);
    this.heapB = new IndexedMinHeap(n);
  }

  setWeight(weight: Float64Array): void {
    if (weight.length !== this.graph.arcCount) throw new RangeError(`setWeight: ${weight.length} weights for ${this.graph.arcCount} arcs`);
    this.weight = weight;
  }

  oneToOne(source: NodeIndex, target: NodeIndex): number {
    this.run(source, target);
    return this.best;
  }

  pathArcs(target: NodeIndex): ArcIndex[] {
    const arcs: ArcIndex[] = [];
    if (target !== this.target || this.meet === NO_NODE) return arcs;
    const { tail, head } = this.graph;
    for (let v = this.meet; v !== this.source; ) {
      const a = this.predF[v];
      if (a === NO_ARC) return [];
      arcs.push(a);
      v = tail[a];
    }
    arcs.reverse();
    for (let v = this.meet; v !== this.target; ) {
      const a = this.predB[v];
      if (a === NO_ARC) return [];
      arcs.push(a);
      v = head[a];
    }
    return arcs;
  }

  private nextRound(): number {
    this.round++;
    if (this.round === 0xffffffff) {
      this.stampF.fill(0);
      this.stampB.fill(0);
      this.round = 1;
    }
    return this.round;
  }

  private run(source: NodeIndex, target: NodeIndex): void {
    const { firstOut, head, tail } = this.graph;
    const { firstIn, inArc } = this.reverse;
    const weight = this.weight;
    const noThrough = this.noThrough;
    const { distF, distB, predF, predB, stampF, stampB, heapF, heapB } = this;
    const round = this.nextRound();
    this.source = source;
    this.target = target;
    heapF.clear();
    heapB.clear();
    distF[source] = 0;
    predF[source] = NO_ARC;
    stampF[source] = round;
    distB[target] = 0;
    predB[target] = NO_ARC;
    stampB[target] = round;
    let best = INF_WEIGHT;
    let meet: NodeIndex = NO_NODE;
    if (source === target) {
      this.best = 0;
      this.meet = source;
      this.settledCount = 1;
      return;
    }
    heapF.pushOrDecrease(source, 0);
    heapB.pushOrDecrease(target, 0);
    let settled = 0;
    while (!heapF.isEmpty() && !heapB.isEmpty()) {
      const topF = heapF.peekKey();
      const topB = heapB.peekKey();
      if (topF + topB >= best) break;
      settled++;
      if (topF <= topB) {
        const u = heapF.pop();
        if (noThrough !== undefined && noThrough[u] === 1 && u !== source) continue;
        const du = distF[u];
        const end = firstOut[u + 1];
        for (let a = firstOut[u]; a < end; a++) {
          const w = weight[a];
          if (w === INF_WEIGHT) continue;
          const v = head[a];
          const dv = du + w;
          if (stampF[v] !== round || dv < distF[v]) {
            stampF[v] = round;
            distF[v] = dv;
            predF[v] = a;
            heapF.pushOrDecrease(v, dv);
            if (stampB[v] === round) {
              const total = dv + distB[v];
              if (total < best) {
                best = total;
                meet = v;
              }
            }
          }
        }
      } else {
        const u = heapB.pop();
        const du = distB[u];
        const end = firstIn[u + 1];
        for (let s = firstIn[u]; s < end; s++) {
          const a = inArc[s];
          const w = weight[a];
          if (w === INF_WEIGHT) continue;
          const v = tail[a];
          if (noThrough !== undefined && noThrough[v] === 1 && v !== source) continue;
          const dv = du + w;
          if (stampB[v] !== round || dv < distB[v]) {
            stampB[v] = round;
            distB[v] = dv;
            predB[v] = a;
            heapB.pushOrDecrease(v, dv);
            if (stampF[v] === round) {
              const total = dv + distF[v];
              if (total < best) {
                best = total;
                meet = v;
              }
            }
          }
        }
      }
    }
    this.best = best;
    this.meet = meet;
    this.settledCount = settled;
  }
}
