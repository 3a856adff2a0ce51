import { type ArcIndex, type CsrGraph, INF_WEIGHT, NO_ARC, type NodeIndex } from "../graph/csr";
import { IndexedMinHeap } from "../graph/heap";

/**
 * The query interface every shortest-path technique implements (plain Dijkstra now; contraction hierarchies can
 * plug in behind the same interface). A query object owns its scratch state; the graph and weights it reads are
 * immutable and may be shared by many queries (one per worker).
 */
export interface ShortestPathQuery {
  /** Shortest distance source → target, INF_WEIGHT when unreachable. */
  oneToOne(source: NodeIndex, target: NodeIndex): number;
  /** Arcs of the path found by the last oneToOne/oneToAll run, source to target; empty when unreachable or target = source. */
  pathArcs(target: NodeIndex): ArcIndex[];
  /** Number of nodes settled by the last run (search-space size, for benchmarks). */
  readonly settledCount: number;
}

/** A query that can also settle every node reachable from a source (matrix rows, shortest-path trees). */
export interface OneToAllQuery extends ShortestPathQuery {
  /** The graph the query searches (arc ids of predecessorArc refer to it). */
  readonly graph: CsrGraph;
  /** Settle every node reachable from source; read results with distanceTo / predecessorArc / pathArcs. */
  oneToAll(source: NodeIndex): void;
  /** Distance from the last run's source, INF_WEIGHT if not reached. */
  distanceTo(node: NodeIndex): number;
  /** Arc by which node was reached in the last run, NO_ARC for the source or an unreached node. */
  predecessorArc(node: NodeIndex): ArcIndex;
  /** Optional: settle only until every target is settled (their distances are then final). */
  oneToMany?(source: NodeIndex, targets: ArrayLike<NodeIndex>): void;
}

/** A query whose weight column can be swapped without rebuilding (penalty alternatives, assignment iterations). */
export interface ReweightableQuery extends ShortestPathQuery {
  setWeight(weight: Float64Array): void;
}

export interface DijkstraOptions {
  /**
   * [node] 1 = the node may start or end a path but not be passed through (zone centroids, TNTP nodes below
   * FIRST THRU NODE). Out-arcs of such a node are relaxed only when it is the source.
   */
  readonly noThrough?: Uint8Array;
}

/**
 * Plain Dijkstra with an indexed binary heap. Scratch arrays are allocated once per query object; a new run resets
 * them in O(1) with a timestamp (RoutingKit's timestamp flags), so repeated queries allocate nothing.
 *
 * Weights must be finite and ≥ 0 (checked by checkCsrInvariants at build time). A weight of +Infinity on an arc
 * disables it (used for closed links); such arcs are never relaxed.
 */
export class DijkstraQuery implements OneToAllQuery, ReweightableQuery {
  readonly graph: CsrGraph;
  private weight: Float64Array;
  private readonly noThrough: Uint8Array | undefined;
  /** [node] tentative distance, valid only where stamp[node] === round. */
  private readonly dist: Float64Array;
  /** [node] arc by which the node was reached, valid only where stamp[node] === round. */
  private readonly pred: Int32Array;
  /** [node] run number of the last write. */
  private readonly stamp: Uint32Array;
  private readonly heap: IndexedMinHeap;
  private round = 0;
  private source: NodeIndex = -1;
  /** [node] = targetRound when the node is a target of the current oneToMany run (allocated on first use). */
  private targetMark: Uint32Array | undefined;
  private targetRound = 0;
  /** Number of nodes settled by the last run (for benchmarks). */
  settledCount = 0;

  constructor(graph: CsrGraph, weight: Float64Array, options: DijkstraOptions = {}) {
    if (weight.length !== graph.arcCount) throw new RangeError(`DijkstraQuery: ${weight.length} weights for ${graph.arcCount} arcs`);
    this.graph = graph;
    this.weight = weight;
    this.noThrough = options.noThrough;
    this.dist = new Float64Array(graph.nodeCount);
    this.pred = new Int32Array(graph.nodeCount);
    this.stamp = new Uint32Array(graph.nodeCount);
    this.heap = new IndexedMinHeap(graph.nodeCount);
  }

  /** Swap the weight column (same graph), e.g. after an assignment step changed link costs. */
  setWeight(weight: Float64Array): void {
    if (weight.length !== this.graph.arcCount) throw new RangeError(`setWeight: ${weight.length} weights for ${this.graph.arcCount} arcs`);
    this.weight = weight;
  }

  oneToOne(source: NodeIndex, target: NodeIndex): number {
    this.run(source, target);
    return this.distanceTo(target);
  }

  /** Settle every node reachable from source. Read results with distanceTo / predecessorArc / pathArcs. */
  oneToAll(source: NodeIndex): void {
    this.run(source, -1);
  }

  /**
   * Settle nodes from source until every node of `targets` is settled (or nothing more is reachable). Distances of
   * the targets are then final; other nodes may hold tentative values. Cheaper than oneToAll when targets are near.
   */
  oneToMany(source: NodeIndex, targets: ArrayLike<NodeIndex>): void {
    if (this.targetMark === undefined) this.targetMark = new Uint32Array(this.graph.nodeCount);
    this.targetRound++;
    if (this.targetRound === 0xffffffff) {
      this.targetMark.fill(0);
      this.targetRound = 1;
    }
    let pending = 0;
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (this.targetMark[t] !== this.targetRound) {
        this.targetMark[t] = this.targetRound;
        pending++;
      }
    }
    // no target: settle the source only
    this.run(source, pending === 0 ? source : -1, pending);
  }

  /** Distance from the last run's source, INF_WEIGHT if not reached. */
  distanceTo(node: NodeIndex): number {
    return this.stamp[node] === this.round ? this.dist[node] : INF_WEIGHT;
  }

  /** Arc by which node was reached in the last run, NO_ARC for the source or an unreached node. */
  predecessorArc(node: NodeIndex): ArcIndex {
    return this.stamp[node] === this.round ? this.pred[node] : NO_ARC;
  }

  pathArcs(target: NodeIndex): ArcIndex[] {
    const arcs: ArcIndex[] = [];
    if (this.stamp[target] !== this.round || this.dist[target] === INF_WEIGHT) return arcs;
    let v = target;
    while (v !== this.source) {
      const a = this.pred[v];
      if (a === NO_ARC) return [];
      arcs.push(a);
      v = this.graph.tail[a];
    }
    arcs.reverse();
    return arcs;
  }

  /** pendingTargets > 0: stop once that many nodes marked in targetMark for this round are settled. */
  private run(source: NodeIndex, target: NodeIndex, pendingTargets = 0): void {
    const { firstOut, head } = this.graph;
    const weight = this.weight;
    const dist = this.dist;
    const pred = this.pred;
    const stamp = this.stamp;
    const heap = this.heap;
    const noThrough = this.noThrough;
    const targetMark = this.targetMark;
    const targetRound = this.targetRound;
    this.round++;
    if (this.round === 0xffffffff) {
      stamp.fill(0);
      this.round = 1;
    }
    const round = this.round;
    this.source = source;
    heap.clear();
    dist[source] = 0;
    pred[source] = NO_ARC;
    stamp[source] = round;
    heap.pushOrDecrease(source, 0);
    let settled = 0;
    while (!heap.isEmpty()) {
      const u = heap.pop();
      settled++;
      if (u === target) break;
      if (pendingTargets > 0 && targetMark![u] === targetRound && --pendingTargets === 0) break;
      if (noThrough !== undefined && noThrough[u] === 1 && u !== source) continue;
      const du = dist[u];
      const end = firstOut[u + 1];
      for (let a = firstOut[u]; a < end; a++) {
        const w = weight[a];
        if (w === INF_WEIGHT) continue;
        const v = head[a];
        const dv = du + w;
        if (stamp[v] !== round) {
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv);
        } else if (dv < dist[v]) {
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv);
        }
      }
    }
    this.settledCount = settled;
  }
}
