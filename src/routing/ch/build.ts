/**
 * Contraction-hierarchy preprocessing: orders the nodes (priority queue on edge difference + deleted neighbours +
 * level, updated for the neighbours of each contracted node and lazily re-checked when popped) and contracts them one
 * by one, adding a shortcut u → x through v only where a bounded witness search
 * (limited in settled nodes and hops, skipping v) finds no path u ⇝ x at most as short. Limits only ever add
 * shortcuts that are not needed, so distances stay exact. Nodes marked noThrough are contracted first and add no
 * shortcuts (no path may pass through them). The dynamic graph lives only during the build; the result is the
 * immutable ContractionHierarchy.
 */
import { type CsrGraph, INF_WEIGHT } from "../../graph/csr";
import { IndexedMinHeap } from "../../graph/heap";
import { type ContractionHierarchy, NO_MIDDLE } from "./hierarchy";

export interface ChBuildOptions {
  /** [node] 1 = may start or end a path but not be passed through (as DijkstraOptions.noThrough). */
  readonly noThrough?: Uint8Array;
  /** Witness searches stop after settling this many nodes (default 500). */
  readonly witnessSettledLimit?: number;
  /** Witness searches of the node-ordering estimates (not the contraction itself) stop sooner (default 50). */
  readonly orderingWitnessSettledLimit?: number;
  /** Witness searches follow paths of at most this many arcs (default 8). */
  readonly witnessHopLimit?: number;
}

/** Growable adjacency of one node during contraction (neighbour, weight, middle node or -1, graph arc or -1). */
interface Adjacency {
  node: number[];
  weight: number[];
  middle: number[];
  arc: number[];
}

const newAdjacency = (): Adjacency => ({ node: [], weight: [], middle: [], arc: [] });

function removeEntry(list: Adjacency, node: number): void {
  const i = list.node.indexOf(node);
  if (i < 0) return;
  const last = list.node.length - 1;
  list.node[i] = list.node[last];
  list.weight[i] = list.weight[last];
  list.middle[i] = list.middle[last];
  list.arc[i] = list.arc[last];
  list.node.pop();
  list.weight.pop();
  list.middle.pop();
  list.arc.pop();
}

/** Insert or lower the arc u → x (out list of u, in list of x). */
function addOrLower(out: Adjacency[], inc: Adjacency[], u: number, x: number, w: number, middle: number, arc: number): void {
  const o = out[u];
  const i = o.node.indexOf(x);
  if (i >= 0) {
    if (w >= o.weight[i]) return;
    o.weight[i] = w;
    o.middle[i] = middle;
    o.arc[i] = arc;
    const p = inc[x];
    const j = p.node.indexOf(u);
    p.weight[j] = w;
    p.middle[j] = middle;
    p.arc[j] = arc;
    return;
  }
  o.node.push(x);
  o.weight.push(w);
  o.middle.push(middle);
  o.arc.push(arc);
  const p = inc[x];
  p.node.push(u);
  p.weight.push(w);
  p.middle.push(middle);
  p.arc.push(arc);
}

/**
 * Build a contraction hierarchy of `graph` under `weight` ([arc], finite ≥ 0; +Infinity disables an arc).
 * Self-loops are dropped and parallel arcs keep the lightest. Exact: every distance the hierarchy answers equals
 * the plain Dijkstra distance (up to the float rounding of summing the same weights in another order).
 */
export function buildContractionHierarchy(graph: CsrGraph, weight: Float64Array, options: ChBuildOptions = {}): ContractionHierarchy {
  const n = graph.nodeCount;
  if (weight.length !== graph.arcCount) throw new RangeError(`buildContractionHierarchy: ${weight.length} weights for ${graph.arcCount} arcs`);
  const noThrough = options.noThrough;
  if (noThrough && noThrough.length !== n) throw new RangeError(`buildContractionHierarchy: noThrough has ${noThrough.length} entries for ${n} nodes`);
  const settledLimit = options.witnessSettledLimit ?? 500;
  const simLimit = Math.min(settledLimit, options.orderingWitnessSettledLimit ?? 50);
  const hopLimit = options.witnessHopLimit ?? 8;

  const out: Adjacency[] = new Array(n);
  const inc: Adjacency[] = new Array(n);
  for (let v = 0; v < n; v++) {
    out[v] = newAdjacency();
    inc[v] = newAdjacency();
  }
  for (let a = 0; a < graph.arcCount; a++) {
    const w = weight[a];
    if (w === INF_WEIGHT) continue;
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`buildContractionHierarchy: arc ${a} (${graph.tail[a]}→${graph.head[a]}) has weight ${w}; weights must be finite and ≥ 0`);
    const u = graph.tail[a];
    const x = graph.head[a];
    if (u !== x) addOrLower(out, inc, u, x, w, NO_MIDDLE, a);
  }

  // witness-search scratch (timestamps: O(1) reset per search)
  const wDist = new Float64Array(n);
  const wHops = new Uint16Array(n);
  const wStamp = new Uint32Array(n);
  const wHeap = new IndexedMinHeap(n);
  let wRound = 0;
  const contracted = new Uint8Array(n);
  const deleted = new Uint32Array(n); // [node] contracted neighbours so far

  /** Dijkstra from u in the remaining graph without v, up to maxDist / limits. Results in wDist where wStamp = wRound. */
  const witnessSearch = (u: number, v: number, maxDist: number, limit: number): void => {
    wRound++;
    wHeap.clear();
    wStamp[u] = wRound;
    wDist[u] = 0;
    wHops[u] = 0;
    wHeap.pushOrDecrease(u, 0);
    let settled = 0;
    while (!wHeap.isEmpty()) {
      const y = wHeap.pop();
      const dy = wDist[y];
      if (dy > maxDist || ++settled > limit) break;
      const hops = wHops[y] + 1;
      if (hops > hopLimit) continue;
      const adj = out[y];
      const nodes = adj.node;
      const ws = adj.weight;
      for (let i = 0; i < nodes.length; i++) {
        const z = nodes[i];
        if (z === v) continue;
        const dz = dy + ws[i];
        if (wStamp[z] !== wRound) {
          wStamp[z] = wRound;
          wDist[z] = dz;
          wHops[z] = hops;
          wHeap.pushOrDecrease(z, dz);
        } else if (dz < wDist[z] && wHeap.contains(z)) {
          wDist[z] = dz;
          wHops[z] = hops;
          wHeap.pushOrDecrease(z, dz);
        }
      }
    }
  };

  /** Shortcuts needed to contract v; adds them when `apply`. */
  const contract = (v: number, apply: boolean): number => {
    if (noThrough !== undefined && noThrough[v] === 1) return 0;
    const ins = inc[v];
    const outs = out[v];
    let maxOut = 0;
    for (let j = 0; j < outs.node.length; j++) if (outs.weight[j] > maxOut) maxOut = outs.weight[j];
    let count = 0;
    for (let i = 0; i < ins.node.length; i++) {
      const u = ins.node[i];
      const wu = ins.weight[i];
      if (outs.node.length === 0 || (outs.node.length === 1 && outs.node[0] === u)) continue;
      witnessSearch(u, v, wu + maxOut, apply ? settledLimit : simLimit);
      for (let j = 0; j < outs.node.length; j++) {
        const x = outs.node[j];
        if (x === u) continue;
        const via = wu + outs.weight[j];
        if (wStamp[x] === wRound && wDist[x] <= via) continue;
        count++;
        if (apply) addOrLower(out, inc, u, x, via, v, -1);
      }
    }
    return count;
  };

  const level = new Uint32Array(n); // [node] 1 + the highest level of a contracted neighbour (hierarchy depth)
  /** Edge difference + deleted neighbours + level: contract cheap nodes first, spread evenly over the graph. */
  const priority = (v: number): number => {
    if (noThrough !== undefined && noThrough[v] === 1) return -1e9;
    return contract(v, false) - inc[v].node.length - out[v].node.length + deleted[v] + level[v];
  };

  const heap = new IndexedMinHeap(n);
  for (let v = 0; v < n; v++) heap.pushOrDecrease(v, priority(v));

  const order = new Uint32Array(n); // [rank] node
  const finalOut: Adjacency[] = new Array(n); // [node] arcs to nodes contracted later
  const finalIn: Adjacency[] = new Array(n); // [node] arcs from nodes contracted later
  let rank = 0;
  let shortcutCount = 0;
  const seen = new Uint32Array(n); // [node] rank whose contraction last counted it as a deleted neighbour
  const updated = new Uint32Array(n); // [node] rank whose contraction last recomputed its priority
  while (!heap.isEmpty()) {
    const v = heap.pop();
    const p = priority(v);
    if (p > heap.peekKey()) {
      heap.pushOrDecrease(v, p);
      continue;
    }
    contract(v, true);
    order[rank++] = v;
    contracted[v] = 1;
    finalOut[v] = out[v];
    finalIn[v] = inc[v];
    for (let i = 0; i < out[v].node.length; i++) {
      const x = out[v].node[i];
      removeEntry(inc[x], v);
      if (seen[x] !== rank) {
        seen[x] = rank;
        deleted[x]++;
        if (level[x] < level[v] + 1) level[x] = level[v] + 1;
      }
    }
    for (let i = 0; i < inc[v].node.length; i++) {
      const u = inc[v].node[i];
      removeEntry(out[u], v);
      if (seen[u] !== rank) {
        seen[u] = rank;
        deleted[u]++;
        if (level[u] < level[v] + 1) level[u] = level[v] + 1;
      }
    }
    // neighbours' priorities change with the contraction: lower keys now, higher ones lazily when popped
    for (let side = 0; side < 2; side++) {
      const list = side === 0 ? out[v].node : inc[v].node;
      for (let i = 0; i < list.length; i++) {
        const x = list[i];
        if (updated[x] === rank || !heap.contains(x)) continue;
        updated[x] = rank;
        const px = priority(x);
        if (px < heap.keyOf(x)) heap.pushOrDecrease(x, px);
      }
    }
  }

  const rankOf = new Uint32Array(n);
  for (let r = 0; r < n; r++) rankOf[order[r]] = r;
  const upFirst = new Uint32Array(n + 1);
  const downFirst = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) {
    upFirst[r + 1] = upFirst[r] + finalOut[order[r]].node.length;
    downFirst[r + 1] = downFirst[r] + finalIn[order[r]].node.length;
  }
  const upHead = new Uint32Array(upFirst[n]);
  const upWeight = new Float64Array(upFirst[n]);
  const upMiddle = new Int32Array(upFirst[n]);
  const upArc = new Int32Array(upFirst[n]);
  const downTail = new Uint32Array(downFirst[n]);
  const downWeight = new Float64Array(downFirst[n]);
  const downMiddle = new Int32Array(downFirst[n]);
  const downArc = new Int32Array(downFirst[n]);
  for (let r = 0; r < n; r++) {
    const v = order[r];
    const fo = finalOut[v];
    for (let i = 0, k = upFirst[r]; i < fo.node.length; i++, k++) {
      upHead[k] = rankOf[fo.node[i]];
      upWeight[k] = fo.weight[i];
      upMiddle[k] = fo.middle[i] === NO_MIDDLE ? NO_MIDDLE : rankOf[fo.middle[i]];
      upArc[k] = fo.arc[i];
      if (fo.middle[i] !== NO_MIDDLE) shortcutCount++;
    }
    const fi = finalIn[v];
    for (let i = 0, k = downFirst[r]; i < fi.node.length; i++, k++) {
      downTail[k] = rankOf[fi.node[i]];
      downWeight[k] = fi.weight[i];
      downMiddle[k] = fi.middle[i] === NO_MIDDLE ? NO_MIDDLE : rankOf[fi.middle[i]];
      downArc[k] = fi.arc[i];
      if (fi.middle[i] !== NO_MIDDLE) shortcutCount++;
    }
  }
  let noThroughByRank: Uint8Array | undefined;
  if (noThrough) {
    noThroughByRank = new Uint8Array(n);
    for (let r = 0; r < n; r++) noThroughByRank[r] = noThrough[order[r]];
  }
  return {
    nodeCount: n,
    rankOf,
    nodeOfRank: order,
    upFirst,
    upHead,
    upWeight,
    upMiddle,
    upArc,
    downFirst,
    downTail,
    downWeight,
    downMiddle,
    downArc,
    noThrough: noThroughByRank,
    shortcutCount,
  };
}
