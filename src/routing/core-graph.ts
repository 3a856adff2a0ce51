import { buildCsr, buildReverse, type CsrGraph, INF_WEIGHT, type NodeIndex } from "../graph/csr";

/**
 * A smaller graph with the same distances between a set of kept nodes ("terminals"), for one-to-all-heavy work
 * such as large matrices on road graphs, where most nodes are dead ends or lie on chains of degree 2:
 *
 * 1. Leaf pruning: a node with at most one distinct neighbour that is not kept lies on no path between two other
 *    nodes; it is removed, repeatedly (trees hanging off the network disappear).
 * 2. Chain contraction: a node with exactly two distinct neighbours, no self-loop and not kept is bypassed: each
 *    maximal chain between two remaining ("core") nodes becomes one arc per direction whose weight is the chain's sum.
 *
 * Kept nodes (terminals, and every noThrough node) are always core nodes, so distances between them are read straight
 * from the core graph. No path unpacking: the core graph answers distances only.
 */
export interface CoreGraph {
  readonly graph: CsrGraph;
  /** [core arc] weight. */
  readonly weight: Float64Array;
  /** [original node] its core node, -1 when it was pruned or contracted. */
  readonly coreOf: Int32Array;
  /** [core node] the original node. */
  readonly originalOf: Uint32Array;
  /** [core node] noThrough flag carried over (undefined when the input had none). */
  readonly noThrough: Uint8Array | undefined;
}

export function buildCoreGraph(graph: CsrGraph, weight: Float64Array, keep: ArrayLike<NodeIndex>, noThrough?: Uint8Array): CoreGraph {
  const n = graph.nodeCount;
  const { firstOut, head, tail } = graph;
  const { firstIn, inArc } = buildReverse(graph);
  const kept = new Uint8Array(n);
  for (let i = 0; i < keep.length; i++) kept[keep[i]] = 1;
  if (noThrough) for (let v = 0; v < n; v++) if (noThrough[v] === 1) kept[v] = 1;

  // distinct usable neighbours of each node (arcs with +Infinity weight do not count)
  const alive = new Uint8Array(n).fill(1);
  const selfLoop = new Uint8Array(n);
  const neighbourCount = new Int32Array(n);
  const forEachNeighbour = (v: number, visit: (u: number) => void) => {
    for (let a = firstOut[v]; a < firstOut[v + 1]; a++) if (weight[a] !== INF_WEIGHT) visit(head[a]);
    for (let s = firstIn[v]; s < firstIn[v + 1]; s++) if (weight[inArc[s]] !== INF_WEIGHT) visit(tail[inArc[s]]);
  };
  // a node's distinct neighbours: nodes of degree ≤ 2 are all we need to know exactly, so count up to 3
  const seen = new Int32Array(3);
  for (let v = 0; v < n; v++) {
    let count = 0;
    forEachNeighbour(v, (u) => {
      if (u === v) {
        selfLoop[v] = 1;
        return;
      }
      for (let i = 0; i < Math.min(count, 3); i++) if (seen[i] === u) return;
      if (count < 3) seen[count] = u;
      count++;
    });
    neighbourCount[v] = count;
  }

  // 1. leaf pruning
  const queue = new Int32Array(n);
  let qHead = 0;
  let qTail = 0;
  for (let v = 0; v < n; v++) if (kept[v] === 0 && neighbourCount[v] <= 1) queue[qTail++] = v;
  while (qHead < qTail) {
    const v = queue[qHead++];
    if (alive[v] === 0) continue;
    alive[v] = 0;
    // each distinct alive neighbour loses v as a neighbour
    let last = -1;
    forEachNeighbour(v, (u) => {
      if (u === v || alive[u] === 0 || u === last) return;
      last = u;
      neighbourCount[u]--;
      if (kept[u] === 0 && neighbourCount[u] === 1) queue[qTail++] = u;
    });
  }

  // 2. core = alive nodes that are kept or not on a simple chain
  const coreOf = new Int32Array(n).fill(-1);
  const originals: number[] = [];
  for (let v = 0; v < n; v++) {
    if (alive[v] === 0) continue;
    if (kept[v] === 1 || selfLoop[v] === 1 || neighbourCount[v] !== 2) {
      coreOf[v] = originals.length;
      originals.push(v);
    }
  }
  const tails: number[] = [];
  const heads: number[] = [];
  const weights: number[] = [];
  for (const c of originals) {
    for (let a = firstOut[c]; a < firstOut[c + 1]; a++) {
      let w = weight[a];
      let cur = head[a];
      if (w === INF_WEIGHT || alive[cur] === 0) continue;
      let prev = c;
      let steps = 0;
      while (coreOf[cur] < 0 && steps++ < n) {
        // the chain node's only way on: its lightest usable arc to its other alive neighbour
        let best = INF_WEIGHT;
        let next = -1;
        for (let b = firstOut[cur]; b < firstOut[cur + 1]; b++) {
          const h = head[b];
          if (h === prev || h === cur || alive[h] === 0 || weight[b] === INF_WEIGHT) continue;
          if (weight[b] < best) {
            best = weight[b];
            next = h;
          }
        }
        if (next < 0) break;
        w += best;
        prev = cur;
        cur = next;
      }
      if (coreOf[cur] < 0 || cur === c) continue;
      tails.push(coreOf[c]);
      heads.push(coreOf[cur]);
      weights.push(w);
    }
  }
  const core = buildCsr(originals.length, tails, heads);
  const coreWeight = new Float64Array(core.arcCount);
  for (let a = 0; a < core.arcCount; a++) coreWeight[a] = weights[core.inputArc[a]];
  const originalOf = Uint32Array.from(originals);
  let coreNoThrough: Uint8Array | undefined;
  if (noThrough) {
    coreNoThrough = new Uint8Array(originals.length);
    for (let i = 0; i < originals.length; i++) coreNoThrough[i] = noThrough[originals[i]];
  }
  return { graph: core, weight: coreWeight, coreOf, originalOf, noThrough: coreNoThrough };
}
