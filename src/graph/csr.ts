/**
 * Compressed-sparse-row (CSR) directed graph: the one working form of every network in Caravan.
 * See docs/graph.md for the full description.
 *
 * - Nodes are `0 .. nodeCount-1`; arcs are `0 .. arcCount-1` and an arc id is its position in the arrays.
 * - The out-arcs of node `v` are `firstOut[v] .. firstOut[v+1]-1`; `firstOut` has `nodeCount + 1` entries,
 *   `firstOut[0] = 0`, `firstOut[nodeCount] = arcCount`.
 * - `head[a]` is the node arc `a` points to, `tail[a]` the node it leaves.
 * - `inputArc[a]` is the index the arc had in the edge list given to `buildCsr`; per-arc attributes kept in input
 *   order are brought into CSR order with `permuteToCsr`.
 * - Parallel arcs and self-loops are allowed and kept (each is its own arc id). Weights live outside the graph in
 *   parallel typed arrays indexed by arc, so one topology serves many criteria.
 */

/** Index of a node, 0-based. */
export type NodeIndex = number;
/** Index of an arc (position in CSR order), 0-based. */
export type ArcIndex = number;

/** Sentinel: no arc (e.g. the predecessor arc of a search's source). */
export const NO_ARC = -1;
/** Sentinel: no node. */
export const NO_NODE = -1;
/** Sentinel distance of a node a search has not reached. */
export const INF_WEIGHT = Number.POSITIVE_INFINITY;

export interface CsrGraph {
  readonly nodeCount: number;
  readonly arcCount: number;
  /** [node] first out-arc; length nodeCount + 1. */
  readonly firstOut: Uint32Array;
  /** [arc] target node. */
  readonly head: Uint32Array;
  /** [arc] source node. */
  readonly tail: Uint32Array;
  /** [arc] position of this arc in the edge list given to buildCsr. */
  readonly inputArc: Uint32Array;
}

/** Reverse adjacency of a CsrGraph: the in-arcs of node v are inArc[firstIn[v] .. firstIn[v+1]-1] (forward arc ids). */
export interface CsrReverse {
  /** [node] first in-arc slot; length nodeCount + 1. */
  readonly firstIn: Uint32Array;
  /** [slot] forward arc id entering the node. */
  readonly inArc: Uint32Array;
}

/**
 * Build a CSR graph from an edge list (`tails[i] → heads[i]`). Arcs keep their input order within each tail node
 * (a stable counting sort), so the build is deterministic. O(nodeCount + arcCount).
 */
export function buildCsr(nodeCount: number, tails: ArrayLike<number>, heads: ArrayLike<number>): CsrGraph {
  const arcCount = tails.length;
  if (heads.length !== arcCount) throw new RangeError(`buildCsr: ${tails.length} tails but ${heads.length} heads`);
  const firstOut = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < arcCount; i++) {
    const t = tails[i];
    const h = heads[i];
    if (!(t >= 0 && t < nodeCount && Number.isInteger(t))) throw new RangeError(`buildCsr: arc ${i} has tail ${t} outside 0..${nodeCount - 1}`);
    if (!(h >= 0 && h < nodeCount && Number.isInteger(h))) throw new RangeError(`buildCsr: arc ${i} has head ${h} outside 0..${nodeCount - 1}`);
    firstOut[t + 1]++;
  }
  for (let v = 0; v < nodeCount; v++) firstOut[v + 1] += firstOut[v];
  const next = firstOut.slice(0, nodeCount);
  const head = new Uint32Array(arcCount);
  const tail = new Uint32Array(arcCount);
  const inputArc = new Uint32Array(arcCount);
  for (let i = 0; i < arcCount; i++) {
    const t = tails[i];
    const a = next[t]++;
    head[a] = heads[i];
    tail[a] = t;
    inputArc[a] = i;
  }
  return { nodeCount, arcCount, firstOut, head, tail, inputArc };
}

/** Build the reverse adjacency (in-arcs per node), stable in forward arc order. */
export function buildReverse(graph: CsrGraph): CsrReverse {
  const { nodeCount, arcCount, head } = graph;
  const firstIn = new Uint32Array(nodeCount + 1);
  for (let a = 0; a < arcCount; a++) firstIn[head[a] + 1]++;
  for (let v = 0; v < nodeCount; v++) firstIn[v + 1] += firstIn[v];
  const next = firstIn.slice(0, nodeCount);
  const inArc = new Uint32Array(arcCount);
  for (let a = 0; a < arcCount; a++) inArc[next[head[a]]++] = a;
  return { firstIn, inArc };
}

/** Reorder a per-arc column given in input order into CSR order: `out[a] = column[graph.inputArc[a]]`. */
export function permuteToCsr<T extends Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array | Uint16Array>(
  graph: CsrGraph,
  column: T,
): T {
  if (column.length !== graph.arcCount) throw new RangeError(`permuteToCsr: column has ${column.length} entries, graph has ${graph.arcCount} arcs`);
  const out = new (column.constructor as new (n: number) => T)(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) out[a] = column[graph.inputArc[a]];
  return out;
}

/** Find an arc u→v (the first in CSR order), or NO_ARC. O(outdegree(u)). */
export function findArc(graph: CsrGraph, u: NodeIndex, v: NodeIndex): ArcIndex {
  for (let a = graph.firstOut[u]; a < graph.firstOut[u + 1]; a++) if (graph.head[a] === v) return a;
  return NO_ARC;
}

/**
 * Check every structural invariant of a CSR graph (and optionally of weight columns). Returns the list of problems,
 * each naming what broke; an empty list means the graph is sound. Loaders and property tests call this.
 */
export function checkCsrInvariants(graph: CsrGraph, weights: Readonly<Record<string, ArrayLike<number>>> = {}): string[] {
  const problems: string[] = [];
  const { nodeCount, arcCount, firstOut, head, tail, inputArc } = graph;
  if (firstOut.length !== nodeCount + 1) problems.push(`firstOut has ${firstOut.length} entries, expected nodeCount + 1 = ${nodeCount + 1}`);
  if (firstOut[0] !== 0) problems.push(`firstOut[0] is ${firstOut[0]}, expected 0`);
  if (firstOut[nodeCount] !== arcCount) problems.push(`firstOut[nodeCount] is ${firstOut[nodeCount]}, expected arcCount ${arcCount}`);
  for (let v = 0; v < nodeCount && problems.length < 20; v++) {
    if (firstOut[v] > firstOut[v + 1]) problems.push(`firstOut decreases at node ${v}: ${firstOut[v]} > ${firstOut[v + 1]}`);
    for (let a = firstOut[v]; a < firstOut[v + 1] && a < arcCount; a++) {
      if (tail[a] !== v) problems.push(`arc ${a} lies in the out-range of node ${v} but tail[${a}] = ${tail[a]}`);
    }
  }
  if (head.length !== arcCount || tail.length !== arcCount || inputArc.length !== arcCount) {
    problems.push(`per-arc arrays have lengths head ${head.length}, tail ${tail.length}, inputArc ${inputArc.length}; expected ${arcCount}`);
  }
  const seen = new Uint8Array(arcCount);
  for (let a = 0; a < arcCount && problems.length < 20; a++) {
    if (head[a] >= nodeCount) problems.push(`head[${a}] = ${head[a]} is not a node (nodeCount ${nodeCount})`);
    if (inputArc[a] >= arcCount) problems.push(`inputArc[${a}] = ${inputArc[a]} is out of range`);
    else if (seen[inputArc[a]]++) problems.push(`inputArc value ${inputArc[a]} occurs twice`);
  }
  for (const [name, column] of Object.entries(weights)) {
    if (column.length !== arcCount) {
      problems.push(`weight column "${name}" has ${column.length} entries, expected ${arcCount}`);
      continue;
    }
    for (let a = 0; a < arcCount; a++) {
      const w = column[a];
      if (!(w >= 0) || !Number.isFinite(w)) {
        problems.push(`weight column "${name}" at arc ${a} (${tail[a]}→${head[a]}) is ${w}; weights must be finite and ≥ 0`);
        break;
      }
    }
  }
  return problems;
}
