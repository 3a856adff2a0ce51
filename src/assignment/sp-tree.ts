/**
 * One-to-all shortest-path trees for assignment: Dijkstra on the CSR graph with the arc weight
 * `time[a] + fixed[a]` (a class's cost; +Infinity in `fixed` forbids the arc), the zone no-through rule, and the
 * settle order recorded so that flows can be loaded onto the tree in one reverse sweep (all-or-nothing). A run
 * towards a list of targets (`runTo`, `runCostTo`) stops once every target is settled: the distances of the targets,
 * and the tree paths to them, are exactly those of the full run. Scratch arrays are allocated once; a run allocates
 * nothing.
 */
import { type CsrGraph, NO_ARC } from "../graph/csr";

export class ShortestPathTree {
  readonly graph: CsrGraph;
  private readonly noThrough: Uint8Array;
  /** [node] distance from the last source; Infinity where not reached. */
  readonly dist: Float64Array;
  /** [node] arc by which the node was reached; NO_ARC for the source and unreached nodes. */
  readonly pred: Int32Array;
  /** [position] node settled at that position (0 = the source); valid for 0 .. settledCount-1. */
  readonly order: Int32Array;
  settledCount = 0;
  source = -1;
  /** [slot] node in the binary heap slot. */
  private readonly heapNode: Int32Array;
  /** [slot] key (dist) of the node in the slot, kept beside it so that sifting reads one array. */
  private readonly heapKey: Float64Array;
  /** [node] heap slot of the node, -1 when not in the heap. */
  private readonly heapSlot: Int32Array;
  /** [arc] zeros, the fixed cost of `runCost`. */
  private readonly zeroCost: Float64Array;
  /** [node] = targetStamp when the node is a target of the current run. */
  private readonly targetMark: Int32Array;
  private targetStamp = 0;

  constructor(graph: CsrGraph, noThrough: Uint8Array) {
    this.graph = graph;
    this.noThrough = noThrough;
    this.dist = new Float64Array(graph.nodeCount).fill(Number.POSITIVE_INFINITY);
    this.pred = new Int32Array(graph.nodeCount).fill(NO_ARC);
    this.order = new Int32Array(graph.nodeCount);
    this.heapNode = new Int32Array(graph.nodeCount);
    this.heapKey = new Float64Array(graph.nodeCount);
    this.heapSlot = new Int32Array(graph.nodeCount).fill(-1);
    this.zeroCost = new Float64Array(graph.arcCount);
    this.targetMark = new Int32Array(graph.nodeCount);
  }

  /**
   * Like `run`, but stops as soon as every node targets[from .. to-1] is settled (or the reachable part is
   * exhausted). Afterwards `dist` and `pred` hold the targets and the nodes settled before them; every other node
   * reads as unreached. `load` works on such a tree for destinations among the targets.
   */
  runTo(source: number, time: Float64Array, fixed: Float64Array, targets: Uint32Array, from: number, to: number): void {
    const stamp = ++this.targetStamp;
    const mark = this.targetMark;
    let remaining = 0;
    for (let e = from; e < to; e++) {
      const v = targets[e];
      if (mark[v] !== stamp) {
        mark[v] = stamp;
        remaining++;
      }
    }
    this.settledCount = this.search(source, time, fixed, remaining === 0 ? -1 : remaining);
  }

  /** `runTo` under weights cost[a]. */
  runCostTo(source: number, cost: Float64Array, targets: Uint32Array, from: number, to: number): void {
    this.runTo(source, cost, this.zeroCost, targets, from, to);
  }

  /** Settle every node reachable from `source` under weights cost[a] (a class's time + fixed cost; +Infinity forbids the arc). */
  runCost(source: number, cost: Float64Array): void {
    this.run(source, cost, this.zeroCost);
  }

  /** Settle every node reachable from `source` under weights time[a] + fixed[a]. */
  run(source: number, time: Float64Array, fixed: Float64Array): void {
    this.settledCount = this.search(source, time, fixed, -1);
  }

  /**
   * Dijkstra from `source`; with `remaining` > 0, stop once that many nodes marked with the current target stamp are
   * settled. Returns the number of settled nodes (the callers store it: no property write after the loop, where code
   * compiled while the first search was still running would lack feedback and deoptimize on every search).
   */
  private search(source: number, time: Float64Array, fixed: Float64Array, remaining: number): number {
    const { firstOut, head } = this.graph;
    const dist = this.dist;
    const pred = this.pred;
    const order = this.order;
    const noThrough = this.noThrough;
    const heapNode = this.heapNode;
    const heapKey = this.heapKey;
    const heapSlot = this.heapSlot;
    const mark = this.targetMark;
    const stamp = this.targetStamp;
    const withFixed = fixed !== this.zeroCost;
    for (let i = 0; i < this.settledCount; i++) {
      const v = order[i];
      dist[v] = Number.POSITIVE_INFINITY;
      pred[v] = NO_ARC;
    }
    this.source = source;
    dist[source] = 0;
    // binary min-heap on dist[], inlined (the hot loop of every assignment iteration)
    let size = 1;
    heapNode[0] = source;
    heapKey[0] = 0;
    heapSlot[source] = 0;
    let settled = 0;
    while (size > 0) {
      const u = heapNode[0];
      heapSlot[u] = -1;
      size--;
      if (size > 0) {
        // sift the last node down from the root
        const last = heapNode[size];
        const key = heapKey[size];
        let slot = 0;
        for (;;) {
          let child = 2 * slot + 1;
          if (child >= size) break;
          let ck = heapKey[child];
          if (child + 1 < size && heapKey[child + 1] < ck) {
            child++;
            ck = heapKey[child];
          }
          if (ck >= key) break;
          const cn = heapNode[child];
          heapNode[slot] = cn;
          heapKey[slot] = ck;
          heapSlot[cn] = slot;
          slot = child;
        }
        heapNode[slot] = last;
        heapKey[slot] = key;
        heapSlot[last] = slot;
      }
      order[settled++] = u;
      if (remaining > 0 && mark[u] === stamp && --remaining === 0) {
        // every target is settled: the nodes still in the heap go back to unreached
        for (let slot = 0; slot < size; slot++) {
          const v = heapNode[slot];
          dist[v] = Number.POSITIVE_INFINITY;
          pred[v] = NO_ARC;
          heapSlot[v] = -1;
        }
        break;
      }
      if (noThrough[u] === 1 && u !== source) continue;
      const du = dist[u];
      const end = firstOut[u + 1];
      for (let a = firstOut[u]; a < end; a++) {
        // a forbidden arc (fixed = +Infinity) gives dv = +Infinity, which never improves dist[v]; without fixed
        // costs (runCost, runCostTo) the zeros are not read (adding +0 changes no sum)
        const dv = withFixed ? du + time[a] + fixed[a] : du + time[a];
        const v = head[a];
        if (dv < dist[v]) {
          dist[v] = dv;
          pred[v] = a;
          let slot = heapSlot[v];
          if (slot < 0) slot = size++;
          // sift up
          while (slot > 0) {
            const parent = (slot - 1) >> 1;
            const pk = heapKey[parent];
            if (pk <= dv) break;
            const pn = heapNode[parent];
            heapNode[slot] = pn;
            heapKey[slot] = pk;
            heapSlot[pn] = slot;
            slot = parent;
          }
          heapNode[slot] = v;
          heapKey[slot] = dv;
          heapSlot[v] = slot;
        }
      }
    }
    // nodes reached but never settled cannot exist (every reached node is pushed and popped)
    return settled;
  }

  /**
   * All-or-nothing: add `demand[e]` for destinations `destNode[e]` (e in from..to-1) onto the tree of the last run,
   * into `flow[arc]`. `nodeFlow` is a zeroed [node] scratch array and is left zeroed. Returns Σ demand·distance.
   */
  load(destNode: Uint32Array, demand: Float64Array, from: number, to: number, flow: Float64Array, nodeFlow: Float64Array): number {
    const dist = this.dist;
    let sp = 0;
    for (let e = from; e < to; e++) {
      const d = destNode[e];
      nodeFlow[d] += demand[e];
      sp += demand[e] * dist[d];
    }
    const order = this.order;
    const pred = this.pred;
    const tail = this.graph.tail;
    for (let i = this.settledCount - 1; i > 0; i--) {
      const v = order[i];
      const f = nodeFlow[v];
      if (f === 0) continue;
      nodeFlow[v] = 0;
      const a = pred[v];
      flow[a] += f;
      nodeFlow[tail[a]] += f;
    }
    nodeFlow[this.source] = 0;
    return sp;
  }
}
