import type { ArcIndex, CsrGraph, CsrReverse, NodeIndex } from "../graph/csr";
import { IndexedMinHeap } from "../graph/heap";

/** Relative difference of path lengths below which two paths count as tied (far above rounding, ~1e-16 an arc). */
export const TIE_SHARE = 1e-9;

/**
 * INF_WEIGHT and NO_ARC of graph/csr.ts as this module's own constants: the search loops read them per arc, and an
 * imported binding is read through a getter call where the module is loaded as CommonJS (tsx, vitest).
 */
const INF_WEIGHT = Number.POSITIVE_INFINITY;
const NO_ARC = -1;

/**
 * The chains of a graph, for searches that walk through them without queueing their nodes: an interior node is one
 * that is not noThrough and whose arcs to and from other such nodes are exactly one arc to and one arc from each of two
 * distinct neighbours (no self-loop; arcs to or from noThrough nodes, the access arcs, are not counted). A path that
 * enters a chain at one end and is not to end inside it leaves at the other end, so a search needs labels at the
 * other nodes only ("core" nodes, and those a query opens: the ends' neighbours). Every chain has a core node (a cycle
 * of interior nodes keeps one of them as core). Immutable; built once per graph and shared.
 */
export interface ChainIndex {
  /** [node] 1 = interior of a chain. */
  readonly interior: Uint8Array;
  /** [arc] the arc that continues the chain after the arc (its head is interior, its tail one of the head's two neighbours), else NO_ARC. */
  readonly chainNext: Int32Array;
  /** [arc] the arc before the arc in its chain (its tail is interior, its head one of the tail's two neighbours), else NO_ARC. */
  readonly chainPrev: Int32Array;
  /** The nodes that are neither interior, dead nor noThrough, ascending (the through nodes every search may label). */
  readonly coreNodes: Uint32Array;
  /**
   * [node] 1 = in a dead-end tree: removed by repeatedly removing the through nodes with at most one through
   * neighbour. A simple path enters such a tree and leaves it at the one node that joins it to the rest, so only a
   * path that starts or ends inside it goes in: a query keeps the nodes from its opened nodes up to that node.
   */
  readonly dead: Uint8Array;
  /** [node] the neighbour a dead node was joined to when it was removed (towards the rest of the graph), −1 for none. */
  readonly deadParent: Int32Array;
}

/** Build the ChainIndex of a graph (O(nodes + arcs)). */
export function buildChainIndex(graph: CsrGraph, reverse: CsrReverse, noThrough?: Uint8Array): ChainIndex {
  const { nodeCount: n, arcCount, firstOut, head, tail } = graph;
  const { firstIn, inArc } = reverse;
  const through = (v: number) => noThrough === undefined || noThrough[v] !== 1;
  const interior = new Uint8Array(n);
  /** [node] its two through out-arcs and in-arcs, where interior. */
  const out0 = new Int32Array(n).fill(NO_ARC);
  const out1 = new Int32Array(n).fill(NO_ARC);
  const in0 = new Int32Array(n).fill(NO_ARC);
  const in1 = new Int32Array(n).fill(NO_ARC);
  for (let v = 0; v < n; v++) {
    if (!through(v)) continue;
    let outs = 0;
    let ins = 0;
    let loop = false;
    for (let a = firstOut[v]; a < firstOut[v + 1]; a++) {
      const h = head[a];
      if (h === v) loop = true;
      else if (through(h)) {
        if (outs === 0) out0[v] = a;
        else if (outs === 1) out1[v] = a;
        outs++;
      }
    }
    for (let s = firstIn[v]; s < firstIn[v + 1]; s++) {
      const a = inArc[s];
      const t = tail[a];
      if (t !== v && through(t)) {
        if (ins === 0) in0[v] = a;
        else if (ins === 1) in1[v] = a;
        ins++;
      }
    }
    if (loop || outs !== 2 || ins !== 2) continue;
    const p = head[out0[v]];
    const q = head[out1[v]];
    const r = tail[in0[v]];
    const s = tail[in1[v]];
    if (p !== q && ((p === r && q === s) || (p === s && q === r))) interior[v] = 1;
  }
  const chainNext = new Int32Array(arcCount).fill(NO_ARC);
  const chainPrev = new Int32Array(arcCount).fill(NO_ARC);
  const link = () => {
    chainNext.fill(NO_ARC);
    chainPrev.fill(NO_ARC);
    for (let x = 0; x < n; x++) {
      if (interior[x] !== 1) continue;
      for (const a of [in0[x], in1[x]]) chainNext[a] = head[out0[x]] === tail[a] ? out1[x] : out0[x];
      for (const a of [out0[x], out1[x]]) chainPrev[a] = tail[in0[x]] === head[a] ? in1[x] : in0[x];
    }
  };
  link();
  // a cycle of interior nodes only keeps its first node as a core node
  const seen = new Uint8Array(n);
  let broke = false;
  for (let v = 0; v < n; v++) {
    if (interior[v] !== 1 || seen[v] === 1) continue;
    seen[v] = 1;
    let a = out0[v];
    let x = head[a];
    while (interior[x] === 1 && x !== v) {
      seen[x] = 1;
      a = chainNext[a];
      x = head[a];
    }
    if (x === v) {
      interior[v] = 0;
      broke = true;
    } else {
      // the other way from v to its chain's other end
      a = out1[v];
      x = head[a];
      while (interior[x] === 1) {
        seen[x] = 1;
        a = chainNext[a];
        x = head[a];
      }
    }
  }
  if (broke) link();
  // dead-end trees: leaf removal over the distinct through neighbours
  const dead = new Uint8Array(n);
  const deadParent = new Int32Array(n).fill(-1);
  const degree = new Int32Array(n);
  const neighbours = (v: number, visit: (u: number) => void) => {
    for (let a = firstOut[v]; a < firstOut[v + 1]; a++) if (head[a] !== v && through(head[a])) visit(head[a]);
    for (let s = firstIn[v]; s < firstIn[v + 1]; s++) if (tail[inArc[s]] !== v && through(tail[inArc[s]])) visit(tail[inArc[s]]);
  };
  const mark = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (!through(v)) continue;
    neighbours(v, (u) => {
      if (mark[u] !== v) {
        mark[u] = v;
        degree[v]++;
      }
    });
  }
  const leaves: number[] = [];
  for (let v = 0; v < n; v++) if (through(v) && degree[v] <= 1) leaves.push(v);
  mark.fill(-1);
  while (leaves.length > 0) {
    const v = leaves.pop() as number;
    if (dead[v] === 1) continue;
    dead[v] = 1;
    neighbours(v, (u) => {
      if (dead[u] === 1 || mark[u] === v) return;
      mark[u] = v;
      deadParent[v] = u;
      if (--degree[u] <= 1) leaves.push(u);
    });
  }
  let cores = 0;
  for (let v = 0; v < n; v++) if (interior[v] !== 1 && dead[v] !== 1 && through(v)) cores++;
  const coreNodes = new Uint32Array(cores);
  for (let v = 0, k = 0; v < n; v++) if (interior[v] !== 1 && dead[v] !== 1 && through(v)) coreNodes[k++] = v;
  return { interior, chainNext, chainPrev, coreNodes, dead, deadParent };
}

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
 * The searches run on the core nodes of the graph's chains (ChainIndex) and the nodes a query opens (the source and
 * target, the heads of the source's out-arcs and the tails of the target's in-arcs): relaxing an arc into a chain
 * walks it, adding its arcs' weights in order, to the next such node, whose label (and predecessor, the walk's last
 * arc) it sets. The labels of those nodes are their distances, as in a search over every node; the interior nodes
 * get none (a path through one enters and leaves its chain at the two ends). Nor do the nodes of dead-end trees
 * (ChainIndex.dead) other than those between an opened node and the rest of the graph: no simple path between the
 * source and the target goes through them.
 *
 * A search goes on after the goal is settled until its keys exceed the path's length by TIE_SHARE, marking every node
 * reached by two different arcs (walks) with labels that close. Two paths of (nearly) equal length part at some node
 * and meet again at a node of the returned path, whose label both reached (a core or opened node: a chain's interior
 * node is entered from one side only by a path that leaves at the other): when a node of the path is marked the
 * search returns "ambiguous" (which of them a search returns depends on its order of work, so the caller asks its
 * reference search), else the path is the only shortest one, whatever search finds it.
 *
 * noThrough as in BidirectionalDijkstraQuery: a noThrough node other than the source is reached but not expanded; a
 * search from the target skips an in-arc whose tail is such a node.
 */
export class GuidedQuery {
  private readonly graph: CsrGraph;
  private readonly reverse: CsrReverse;
  private readonly noThrough: Uint8Array | undefined;
  private readonly chains: ChainIndex;
  /** [node] query number of the last query that opened the node (see the class comment). */
  private readonly opened: Uint32Array;
  private openRound = 0;
  /** [node] query number of the last query that kept the (dead) node: on the way from an opened node out of its tree. */
  private readonly alive: Uint32Array;
  /** The source, the target, the interior nodes the current query opened and the dead nodes it kept that are not interior. */
  private openedNodes: number[] = [];
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

  /** `chains`: the graph's ChainIndex where one is shared (e.g. RoutingIndex.chains); built here otherwise. */
  constructor(graph: CsrGraph, reverse: CsrReverse, options: { readonly noThrough?: Uint8Array; readonly chains?: ChainIndex } = {}) {
    this.graph = graph;
    this.reverse = reverse;
    this.noThrough = options.noThrough;
    const n = graph.nodeCount;
    this.chains = options.chains ?? buildChainIndex(graph, reverse, options.noThrough);
    if (this.chains.interior.length !== n || this.chains.chainNext.length !== graph.arcCount) throw new RangeError("GuidedQuery: the chain index belongs to another graph");
    this.opened = new Uint32Array(n);
    this.alive = new Uint32Array(n);
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
    this.openEnds();
    this.fullSearch(false, base, this.baseToTarget);
    this.fullSearch(true, base, this.baseFromSource);
    this.seqToTarget.set(this.baseToTarget);
    this.seqFromSource.set(this.baseFromSource);
    this.seqForward = true;
  }

  /** Open the source, the target, the heads of the source's out-arcs and the tails of the target's in-arcs. */
  private openEnds(): void {
    this.openRound++;
    if (this.openRound === 0xffffffff) {
      this.opened.fill(0);
      this.alive.fill(0);
      this.openRound = 1;
    }
    const { opened, openRound, source, target } = this;
    const { interior } = this.chains;
    const list: number[] = [source];
    if (target !== source) list.push(target);
    opened[source] = openRound;
    opened[target] = openRound;
    const open = (v: number) => {
      if (opened[v] === openRound) return;
      opened[v] = openRound;
      if (interior[v] === 1) list.push(v);
    };
    const { firstOut, head, tail } = this.graph;
    const { firstIn, inArc } = this.reverse;
    for (let a = firstOut[source]; a < firstOut[source + 1]; a++) open(head[a]);
    for (let s = firstIn[target]; s < firstIn[target + 1]; s++) open(tail[inArc[s]]);
    this.openedNodes = list;
    // the dead nodes from an opened node to the rest of the graph stay in
    const { dead, deadParent } = this.chains;
    const alive = this.alive;
    const keep = (v: number) => {
      for (let u = v; u >= 0 && dead[u] === 1 && alive[u] !== openRound; u = deadParent[u]) {
        alive[u] = openRound;
        // (the opened nodes in the list are interior ones, the source and the target, which are never dead)
        if (interior[u] !== 1) list.push(u);
      }
    };
    for (let a = firstOut[source]; a < firstOut[source + 1]; a++) keep(head[a]);
    for (let s = firstIn[target]; s < firstIn[target + 1]; s++) keep(tail[inArc[s]]);
    keep(source);
    keep(target);
  }

  /** Plain Dijkstra from the source (forward) or the target over every core and opened node, labels into `out`. */
  private fullSearch(forward: boolean, weight: Float64Array, out: Float64Array): void {
    const { heap, noThrough, source, target, opened, openRound, alive } = this;
    const { interior, chainNext, chainPrev, dead } = this.chains;
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
          let v = head[a];
          let dv = du + w;
          for (let b = a; interior[v] === 1 && opened[v] !== openRound; ) {
            b = chainNext[b];
            dv += weight[b];
            v = head[b];
          }
          if (dead[v] === 1 && alive[v] !== openRound) continue;
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
          let v = tail[a];
          let dv = du + w;
          for (let b = a; interior[v] === 1 && opened[v] !== openRound; ) {
            b = chainPrev[b];
            dv += weight[b];
            v = tail[b];
          }
          if ((noThrough !== undefined && noThrough[v] === 1 && v !== source) || (dead[v] === 1 && alive[v] !== openRound)) continue;
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
      // the bounds the next search of the sequence (the other way) takes, at the nodes it can label (the bounds of
      // the other noThrough nodes stay +Infinity: the searches do not go through them)
      const next = forward ? this.seqFromSource : this.seqToTarget;
      const { dist, done, round } = this;
      const slack = TIE_SHARE * limit;
      const { coreNodes } = this.chains;
      for (let k = 0; k < coreNodes.length; k++) {
        const u = coreNodes[k];
        const bound = (done[u] === round ? dist[u] : limit - potential[u]) - slack;
        if (bound > next[u]) next[u] = bound;
      }
      for (const u of this.openedNodes) {
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
    const { dist, pred, stamp, done, tie, heap, noThrough, source, target, opened, openRound, alive } = this;
    const { interior, chainNext, dead } = this.chains;
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
      for (let a0 = firstOut[u]; a0 < end; a0++) {
        const w = weight[a0];
        if (w === INF_WEIGHT) continue;
        // the arc, and the chain it enters up to its next core or opened node
        let a = a0;
        let v = head[a];
        let dv = du + w;
        while (interior[v] === 1 && opened[v] !== openRound) {
          a = chainNext[a];
          dv += weight[a];
          v = head[a];
        }
        if (dv === INF_WEIGHT || (dead[v] === 1 && alive[v] !== openRound)) continue;
        const h = potential[v];
        if (h === INF_WEIGHT || (noThrough !== undefined && noThrough[v] === 1 && v !== target)) continue;
        const key = dv + h;
        if (stamp[v] !== round) {
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, key);
          continue;
        }
        const old = dist[v];
        if (pred[v] !== a && Math.abs(dv - old) <= TIE_SHARE * old) tie[v] = round;
        if (dv < old) {
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, key);
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
    const { dist, pred, stamp, done, tie, heap, noThrough, source, target, opened, openRound, alive } = this;
    const { interior, chainPrev, dead } = this.chains;
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
        let a = inArc[s];
        const w = weight[a];
        if (w === INF_WEIGHT) continue;
        // the arc, and the chain it leaves, back to the chain's core or opened node
        let v = tail[a];
        let dv = du + w;
        while (interior[v] === 1 && opened[v] !== openRound) {
          a = chainPrev[a];
          dv += weight[a];
          v = tail[a];
        }
        if (dv === INF_WEIGHT || (dead[v] === 1 && alive[v] !== openRound)) continue;
        const h = potential[v];
        if (h === INF_WEIGHT || (noThrough !== undefined && noThrough[v] === 1 && v !== source)) continue;
        const key = dv + h;
        if (stamp[v] !== round) {
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, key);
          continue;
        }
        const old = dist[v];
        if (pred[v] !== a && Math.abs(dv - old) <= TIE_SHARE * old) tie[v] = round;
        if (dv < old) {
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, key);
        }
      }
    }
    this.settledCount = settled;
    return limit;
  }

  /** The path of the last search, source to target, or "ambiguous" when a node on it that has a label is marked tied. */
  private pathOf(forward: boolean): ArcIndex[] | "ambiguous" {
    const { tail, head } = this.graph;
    const { pred, tie, round, source, target, opened, openRound } = this;
    const { interior, chainNext, chainPrev } = this.chains;
    const arcs: ArcIndex[] = [];
    if (forward) {
      for (let v = target; v !== source; ) {
        if (tie[v] === round) return "ambiguous";
        let a = pred[v];
        arcs.push(a);
        v = tail[a];
        while (interior[v] === 1 && opened[v] !== openRound) {
          a = chainPrev[a];
          arcs.push(a);
          v = tail[a];
        }
      }
      return arcs.reverse();
    }
    for (let v = source; v !== target; ) {
      if (tie[v] === round) return "ambiguous";
      let a = pred[v];
      arcs.push(a);
      v = head[a];
      while (interior[v] === 1 && opened[v] !== openRound) {
        a = chainNext[a];
        arcs.push(a);
        v = head[a];
      }
    }
    return arcs;
  }
}
