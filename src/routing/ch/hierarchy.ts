/**
 * The immutable contraction hierarchy (CH) built once from a CSR graph and one weight column, and its invariant
 * checker. Nodes inside the hierarchy are numbered by rank (0 = contracted first), so searches walk memory upward;
 * `rankOf` / `nodeOfRank` translate to and from the graph's node ids. See docs/graph.md ("Contraction hierarchies").
 *
 * Two upward graphs in CSR form, both indexed by rank:
 * - forward: arcs r → h with rank h > r (original arcs and shortcuts leaving r toward higher nodes);
 * - backward: arcs h → r with rank h > r, stored at r (walked from a target toward higher nodes).
 * A shortcut stores its middle node (a rank lower than both ends); an original arc stores its CSR arc id.
 */
import type { CsrGraph } from "../../graph/csr";

/** Sentinel of `*Middle`: the arc is an original graph arc, not a shortcut. */
export const NO_MIDDLE = -1;

export interface ContractionHierarchy {
  readonly nodeCount: number;
  /** [node] rank of the graph node (contraction position). */
  readonly rankOf: Uint32Array;
  /** [rank] graph node with that rank. */
  readonly nodeOfRank: Uint32Array;
  /** [rank] first forward upward arc; length nodeCount + 1. */
  readonly upFirst: Uint32Array;
  /** [up arc] rank of the head (higher than the tail's rank). */
  readonly upHead: Uint32Array;
  /** [up arc] weight (sum of the unpacked original arcs' weights). */
  readonly upWeight: Float64Array;
  /** [up arc] rank of the middle node of a shortcut, NO_MIDDLE for an original arc. */
  readonly upMiddle: Int32Array;
  /** [up arc] CSR arc id of an original arc, -1 for a shortcut. */
  readonly upArc: Int32Array;
  /** [rank] first backward upward arc; length nodeCount + 1. */
  readonly downFirst: Uint32Array;
  /** [down arc] rank of the arc's tail (higher than the rank it is stored at, which is the arc's head). */
  readonly downTail: Uint32Array;
  /** [down arc] weight. */
  readonly downWeight: Float64Array;
  /** [down arc] rank of the middle node of a shortcut, NO_MIDDLE for an original arc. */
  readonly downMiddle: Int32Array;
  /** [down arc] CSR arc id of an original arc, -1 for a shortcut. */
  readonly downArc: Int32Array;
  /** [rank] 1 = the node may start or end a path but not be passed through (as DijkstraOptions.noThrough). */
  readonly noThrough: Uint8Array | undefined;
  /** Number of shortcuts added by the contraction. */
  readonly shortcutCount: number;
}

/** Weight of the forward arc tail → head (ranks) stored in the hierarchy, or -1 when there is none. */
export function findUpArc(h: ContractionHierarchy, tail: number, head: number): number {
  for (let i = h.upFirst[tail]; i < h.upFirst[tail + 1]; i++) if (h.upHead[i] === head) return i;
  return -1;
}

/** Index of the backward arc tail → head stored at head (tail ranked higher), or -1 when there is none. */
export function findDownArc(h: ContractionHierarchy, tail: number, head: number): number {
  for (let i = h.downFirst[head]; i < h.downFirst[head + 1]; i++) if (h.downTail[i] === tail) return i;
  return -1;
}

/**
 * Weight of the arc tail → head (ranks) wherever the hierarchy stores it (forward list of the lower end if tail is
 * lower, backward list of head otherwise); -1 when absent.
 */
function storedArcWeight(h: ContractionHierarchy, tail: number, head: number): number {
  if (tail < head) {
    const i = findUpArc(h, tail, head);
    return i < 0 ? -1 : h.upWeight[i];
  }
  const i = findDownArc(h, tail, head);
  return i < 0 ? -1 : h.downWeight[i];
}

/**
 * Check every structural invariant of a hierarchy (and, given the graph and weight column it was built from, that
 * original arcs match them). Returns the problems, each naming what broke; empty means sound. Stops after 20.
 */
export function checkHierarchyInvariants(h: ContractionHierarchy, graph?: CsrGraph, weight?: Float64Array): string[] {
  const problems: string[] = [];
  const n = h.nodeCount;
  const full = () => problems.length >= 20;
  if (h.rankOf.length !== n || h.nodeOfRank.length !== n) problems.push(`rankOf has ${h.rankOf.length} and nodeOfRank ${h.nodeOfRank.length} entries, expected nodeCount ${n}`);
  for (let v = 0; v < n && !full(); v++) {
    const r = h.rankOf[v];
    if (r >= n || h.nodeOfRank[r] !== v) problems.push(`rankOf and nodeOfRank are not inverse at node ${v} (rank ${r}, nodeOfRank[${r}] = ${h.nodeOfRank[r]})`);
  }
  const sides = [
    ["forward", h.upFirst, h.upHead, h.upWeight, h.upMiddle, h.upArc],
    ["backward", h.downFirst, h.downTail, h.downWeight, h.downMiddle, h.downArc],
  ] as const;
  let shortcuts = 0;
  for (const [side, first, other, w, middle, arc] of sides) {
    const m = other.length;
    if (first.length !== n + 1 || first[0] !== 0 || first[n] !== m) problems.push(`${side} first-arc array is malformed (length ${first.length}, first ${first[0]}, last ${first[n]}, arcs ${m})`);
    if (w.length !== m || middle.length !== m || arc.length !== m) problems.push(`${side} per-arc arrays differ in length (${m} ends, ${w.length} weights, ${middle.length} middles, ${arc.length} arc ids)`);
    for (let r = 0; r < n && !full(); r++) {
      if (first[r] > first[r + 1]) {
        problems.push(`${side} first-arc array decreases at rank ${r}`);
        continue;
      }
      for (let i = first[r]; i < first[r + 1] && !full(); i++) {
        const o = other[i];
        const tail = side === "forward" ? r : o;
        const head = side === "forward" ? o : r;
        const what = `${side} arc ${i} (rank ${tail} → rank ${head})`;
        if (!(o > r && o < n)) problems.push(`${what} does not lead upward: the other end must rank above ${r}`);
        if (!(w[i] >= 0 && Number.isFinite(w[i]))) problems.push(`${what} has weight ${w[i]}; weights must be finite and ≥ 0`);
        const mid = middle[i];
        if (mid === NO_MIDDLE) {
          const a = arc[i];
          if (graph) {
            if (!(a >= 0 && a < graph.arcCount)) problems.push(`${what} is an original arc with arc id ${a} outside the graph`);
            else if (h.rankOf[graph.tail[a]] !== tail || h.rankOf[graph.head[a]] !== head) problems.push(`${what} names graph arc ${a} (${graph.tail[a]}→${graph.head[a]}) whose ends have other ranks`);
            else if (weight && weight[a] !== w[i]) problems.push(`${what} has weight ${w[i]} but graph arc ${a} weighs ${weight[a]}`);
          }
        } else {
          shortcuts++;
          if (arc[i] !== -1) problems.push(`${what} is a shortcut but names graph arc ${arc[i]}`);
          if (!(mid >= 0 && mid < tail && mid < head)) problems.push(`${what} is a shortcut whose middle rank ${mid} is not below both ends`);
          else {
            const w1 = storedArcWeight(h, tail, mid);
            const w2 = storedArcWeight(h, mid, head);
            if (w1 < 0 || w2 < 0) problems.push(`${what} is a shortcut via rank ${mid} but the hierarchy lacks the ${w1 < 0 ? "first" : "second"} half`);
            else if (w1 + w2 !== w[i]) problems.push(`${what} is a shortcut of weight ${w[i]} but its halves via rank ${mid} sum to ${w1 + w2}`);
          }
        }
      }
    }
  }
  if (!full() && shortcuts !== h.shortcutCount) problems.push(`shortcutCount is ${h.shortcutCount} but the arc lists hold ${shortcuts} shortcuts`);
  return problems;
}
