/**
 * Customizable contraction hierarchies (CCH; Dibbelt, Strasser & Wagner 2016, as in RoutingKit's
 * customizable_contraction_hierarchy.h): a metric-independent structure built once from the topology and a
 * contraction order (order.ts), then customized for any weight column in one linear pass, with no witness searches.
 *
 * Structure (CustomizableHierarchy): every node is contracted in order and ALL its higher neighbours are joined
 * (the chordal supergraph of the order), so the edge set does not depend on weights. Edges are stored once, at their
 * lower end, by rank: `firstUp[r] .. firstUp[r + 1]` lists the edges {r, h} with h > r, heads ascending. `arcEdge`
 * maps each graph arc to its edge. noThrough nodes add no fill (no path passes through them).
 *
 * Customization (basic; `customize`): each edge gets two weights, upward (lower → higher end) and downward, first the
 * lightest graph arc of that direction (+Infinity where none), then, for every node v in ascending rank and every
 * pair of its higher neighbours x < y, the lower triangle v–x–y relaxes x → y by x → v → y and y → x by y → v → x.
 * Edges of v are final when v is processed (they are relaxed only through lower nodes), so one pass is exact. The
 * result is a CchMetric on typed arrays; `customizedHierarchy` packs its finite edges into an ordinary
 * ContractionHierarchy, so ChQuery (one-to-one, paths, bucket matrices) and checkHierarchyInvariants apply unchanged.
 */
import { buildReverse, type CsrGraph, INF_WEIGHT } from "../../graph/csr";
import { type ContractionHierarchy, NO_MIDDLE } from "./hierarchy";

export interface CustomizableHierarchy {
  readonly nodeCount: number;
  /** Number of arcs of the graph it was built from (a metric has one weight per arc). */
  readonly arcCount: number;
  /** [node] rank. */
  readonly rankOf: Uint32Array;
  /** [rank] node. */
  readonly nodeOfRank: Uint32Array;
  /** [rank] first edge whose lower end is the rank; length nodeCount + 1. */
  readonly firstUp: Uint32Array;
  /** [edge] rank of the higher end (ascending within each lower end). */
  readonly upHead: Uint32Array;
  /** [graph arc] edge joining its ends, -1 for a self-loop. */
  readonly arcEdge: Int32Array;
  /** [graph arc] 1 when the arc leads from the lower to the higher rank. */
  readonly arcUpward: Uint8Array;
  /** [rank] 1 = may start or end a path but not be passed through (undefined when the graph has none). */
  readonly noThrough: Uint8Array | undefined;
}

/** The weights of one metric on a CustomizableHierarchy. */
export interface CchMetric {
  /** [edge] weight lower → higher end, +Infinity where no path of that direction exists through lower nodes. */
  readonly upWeight: Float64Array;
  /** [edge] weight higher → lower end. */
  readonly downWeight: Float64Array;
  /** [edge] middle rank of the upward shortcut, NO_MIDDLE when the weight is a graph arc's. */
  readonly upMiddle: Int32Array;
  readonly downMiddle: Int32Array;
  /** [edge] graph arc carrying the upward weight, -1 for a shortcut or no arc. */
  readonly upArc: Int32Array;
  readonly downArc: Int32Array;
}

/**
 * Build the metric-independent structure for contraction order `order` ([rank] node, e.g. nestedDissectionOrder).
 * noThrough nodes must rank below every other node (nestedDissectionOrder does this).
 */
export function buildCustomizableHierarchy(graph: CsrGraph, order: Uint32Array, noThrough?: Uint8Array): CustomizableHierarchy {
  const n = graph.nodeCount;
  if (order.length !== n) throw new RangeError(`buildCustomizableHierarchy: order has ${order.length} entries for ${n} nodes`);
  const rankOf = new Uint32Array(n).fill(0xffffffff);
  for (let r = 0; r < n; r++) {
    const v = order[r];
    if (!(v < n) || rankOf[v] !== 0xffffffff) throw new RangeError(`buildCustomizableHierarchy: order is not a permutation (node ${v} at rank ${r})`);
    rankOf[v] = r;
  }
  let noThroughByRank: Uint8Array | undefined;
  if (noThrough) {
    if (noThrough.length !== n) throw new RangeError(`buildCustomizableHierarchy: noThrough has ${noThrough.length} entries for ${n} nodes`);
    noThroughByRank = new Uint8Array(n);
    let seenThrough = false;
    for (let r = 0; r < n; r++) {
      noThroughByRank[r] = noThrough[order[r]];
      if (noThroughByRank[r] === 0) seenThrough = true;
      else if (seenThrough) throw new RangeError(`buildCustomizableHierarchy: noThrough node ${order[r]} ranks above a through node`);
    }
  }
  const { firstIn, inArc } = buildReverse(graph);
  const { firstOut, head, tail } = graph;
  // elimination with fill: pending[r] collects the higher neighbours handed down by lower nodes whose lowest
  // higher neighbour is r
  const pending: number[][] = new Array(n);
  const seen = new Int32Array(n).fill(-1);
  const firstUp = new Uint32Array(n + 1);
  let upHead = new Uint32Array(Math.max(16, 2 * graph.arcCount));
  let edgeCount = 0;
  const list: number[] = [];
  for (let r = 0; r < n; r++) {
    const v = order[r];
    list.length = 0;
    seen[r] = r;
    for (let a = firstOut[v]; a < firstOut[v + 1]; a++) {
      const h = rankOf[head[a]];
      if (h > r && seen[h] !== r) {
        seen[h] = r;
        list.push(h);
      }
    }
    for (let s = firstIn[v]; s < firstIn[v + 1]; s++) {
      const h = rankOf[tail[inArc[s]]];
      if (h > r && seen[h] !== r) {
        seen[h] = r;
        list.push(h);
      }
    }
    const handed = pending[r];
    if (handed !== undefined) {
      for (const h of handed) {
        if (seen[h] !== r) {
          seen[h] = r;
          list.push(h);
        }
      }
      pending[r] = undefined as unknown as number[];
    }
    list.sort((a, b) => a - b);
    if (edgeCount + list.length > upHead.length) {
      const grown = new Uint32Array(Math.max(2 * upHead.length, edgeCount + list.length));
      grown.set(upHead);
      upHead = grown;
    }
    for (const h of list) upHead[edgeCount++] = h;
    firstUp[r + 1] = edgeCount;
    if (list.length > 1 && (noThroughByRank === undefined || noThroughByRank[r] === 0)) {
      const parent = list[0];
      let target = pending[parent];
      if (target === undefined) {
        target = [];
        pending[parent] = target;
      }
      for (let i = 1; i < list.length; i++) target.push(list[i]);
    }
  }
  upHead = upHead.slice(0, edgeCount);
  const arcEdge = new Int32Array(graph.arcCount).fill(-1);
  const arcUpward = new Uint8Array(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) {
    const ru = rankOf[tail[a]];
    const rv = rankOf[head[a]];
    if (ru === rv) continue;
    const lo = Math.min(ru, rv);
    const hi = Math.max(ru, rv);
    arcEdge[a] = findEdge(firstUp, upHead, lo, hi);
    arcUpward[a] = ru < rv ? 1 : 0;
  }
  return { nodeCount: n, arcCount: graph.arcCount, rankOf, nodeOfRank: order, firstUp, upHead, arcEdge, arcUpward, noThrough: noThroughByRank };
}

/** Edge {lo, hi} (ranks, lo < hi) by binary search in lo's sorted heads, -1 when absent. */
export function findEdge(firstUp: Uint32Array, upHead: Uint32Array, lo: number, hi: number): number {
  let a = firstUp[lo];
  let b = firstUp[lo + 1];
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (upHead[mid] < hi) a = mid + 1;
    else b = mid;
  }
  return a < firstUp[lo + 1] && upHead[a] === hi ? a : -1;
}

/** Number of edges of the structure (graph arcs' edges and fill together). */
export function cchEdgeCount(cch: CustomizableHierarchy): number {
  return cch.upHead.length;
}

/** Fresh, unfilled metric arrays for `cch` (customize writes into them, so one set can be reused per metric). */
export function allocateMetric(cch: CustomizableHierarchy): CchMetric {
  const m = cch.upHead.length;
  return {
    upWeight: new Float64Array(m),
    downWeight: new Float64Array(m),
    upMiddle: new Int32Array(m),
    downMiddle: new Int32Array(m),
    upArc: new Int32Array(m),
    downArc: new Int32Array(m),
  };
}

/**
 * Basic customization for `weight` ([graph arc], ≥ 0; +Infinity disables an arc): see the file comment. Writes into
 * `into` when given (from allocateMetric of the same structure), so repeated customizations allocate nothing.
 */
export function customize(cch: CustomizableHierarchy, weight: Float64Array, into?: CchMetric): CchMetric {
  if (weight.length !== cch.arcCount) throw new RangeError(`customize: ${weight.length} weights for ${cch.arcCount} arcs`);
  const metric = into ?? allocateMetric(cch);
  const { upWeight, downWeight, upMiddle, downMiddle, upArc, downArc } = metric;
  const { firstUp, upHead, arcEdge, arcUpward, nodeCount: n } = cch;
  const noThrough = cch.noThrough;
  upWeight.fill(INF_WEIGHT);
  downWeight.fill(INF_WEIGHT);
  upMiddle.fill(NO_MIDDLE);
  downMiddle.fill(NO_MIDDLE);
  upArc.fill(-1);
  downArc.fill(-1);
  for (let a = 0; a < weight.length; a++) {
    const e = arcEdge[a];
    const w = weight[a];
    if (e < 0 || w === INF_WEIGHT) continue;
    if (!(w >= 0)) throw new RangeError(`customize: arc ${a} has weight ${w}; weights must be ≥ 0`);
    if (arcUpward[a] === 1) {
      if (w < upWeight[e]) {
        upWeight[e] = w;
        upArc[e] = a;
      }
    } else if (w < downWeight[e]) {
      downWeight[e] = w;
      downArc[e] = a;
    }
  }
  // lower triangles: v < x < y with edges e1 = {v, x}, e2 = {v, y}, e3 = {x, y}; y walks v's list after x and
  // a cursor walks x's list (which holds every such y, the structure being chordal)
  for (let v = 0; v < n; v++) {
    if (noThrough !== undefined && noThrough[v] === 1) continue;
    const end = firstUp[v + 1];
    for (let e1 = firstUp[v]; e1 < end - 1; e1++) {
      const xv = downWeight[e1]; // x → v
      const vx = upWeight[e1]; // v → x
      if (xv === INF_WEIGHT && vx === INF_WEIGHT) continue;
      const x = upHead[e1];
      let e3 = firstUp[x];
      for (let e2 = e1 + 1; e2 < end; e2++) {
        const y = upHead[e2];
        while (upHead[e3] !== y) e3++;
        const viaUp = xv + upWeight[e2]; // x → v → y
        if (viaUp < upWeight[e3]) {
          upWeight[e3] = viaUp;
          upMiddle[e3] = v;
          upArc[e3] = -1;
        }
        const viaDown = downWeight[e2] + vx; // y → v → x
        if (viaDown < downWeight[e3]) {
          downWeight[e3] = viaDown;
          downMiddle[e3] = v;
          downArc[e3] = -1;
        }
      }
    }
  }
  return metric;
}

/**
 * The customized metric as an ordinary ContractionHierarchy (finite edges only; upward weights in the forward lists,
 * downward weights in the backward lists), for ChQuery and checkHierarchyInvariants. Shares rankOf / nodeOfRank.
 */
export function customizedHierarchy(cch: CustomizableHierarchy, metric: CchMetric): ContractionHierarchy {
  const n = cch.nodeCount;
  const { firstUp, upHead } = cch;
  const upFirst = new Uint32Array(n + 1);
  const downFirst = new Uint32Array(n + 1);
  let upCount = 0;
  let downCount = 0;
  for (let r = 0; r < n; r++) {
    for (let e = firstUp[r]; e < firstUp[r + 1]; e++) {
      if (metric.upWeight[e] !== INF_WEIGHT) upCount++;
      if (metric.downWeight[e] !== INF_WEIGHT) downCount++;
    }
    upFirst[r + 1] = upCount;
    downFirst[r + 1] = downCount;
  }
  const h = {
    upHead: new Uint32Array(upCount),
    upWeight: new Float64Array(upCount),
    upMiddle: new Int32Array(upCount),
    upArc: new Int32Array(upCount),
    downTail: new Uint32Array(downCount),
    downWeight: new Float64Array(downCount),
    downMiddle: new Int32Array(downCount),
    downArc: new Int32Array(downCount),
  };
  let u = 0;
  let d = 0;
  let shortcutCount = 0;
  for (let e = 0; e < upHead.length; e++) {
    if (metric.upWeight[e] !== INF_WEIGHT) {
      h.upHead[u] = upHead[e];
      h.upWeight[u] = metric.upWeight[e];
      h.upMiddle[u] = metric.upMiddle[e];
      h.upArc[u] = metric.upArc[e];
      if (metric.upMiddle[e] !== NO_MIDDLE) shortcutCount++;
      u++;
    }
    if (metric.downWeight[e] !== INF_WEIGHT) {
      h.downTail[d] = upHead[e];
      h.downWeight[d] = metric.downWeight[e];
      h.downMiddle[d] = metric.downMiddle[e];
      h.downArc[d] = metric.downArc[e];
      if (metric.downMiddle[e] !== NO_MIDDLE) shortcutCount++;
      d++;
    }
  }
  return { nodeCount: n, rankOf: cch.rankOf, nodeOfRank: cch.nodeOfRank, upFirst, downFirst, ...h, noThrough: cch.noThrough, shortcutCount };
}

/** Customize and pack in one call (see customize and customizedHierarchy). */
export function customizeHierarchy(cch: CustomizableHierarchy, weight: Float64Array): ContractionHierarchy {
  return customizedHierarchy(cch, customize(cch, weight));
}

/**
 * Check the structure's invariants (ranks inverse, edges upward with ascending heads, every graph arc mapped to the
 * edge joining its ends, chordality: the higher neighbours of every through node are pairwise joined) and, given a
 * metric, that each edge's weights are no heavier than its graph arcs and satisfy every lower triangle. Returns the
 * problems, each naming what broke; empty means sound. Stops after 20.
 */
export function checkCchInvariants(cch: CustomizableHierarchy, graph?: CsrGraph, metric?: CchMetric, weight?: Float64Array): string[] {
  const problems: string[] = [];
  const full = () => problems.length >= 20;
  const n = cch.nodeCount;
  const { firstUp, upHead } = cch;
  const m = upHead.length;
  for (let v = 0; v < n && !full(); v++) {
    const r = cch.rankOf[v];
    if (r >= n || cch.nodeOfRank[r] !== v) problems.push(`rankOf and nodeOfRank are not inverse at node ${v} (rank ${r})`);
  }
  if (firstUp.length !== n + 1 || firstUp[0] !== 0 || firstUp[n] !== m) problems.push(`firstUp is malformed (length ${firstUp.length}, first ${firstUp[0]}, last ${firstUp[n]}, edges ${m})`);
  for (let r = 0; r < n && !full(); r++) {
    for (let e = firstUp[r]; e < firstUp[r + 1] && !full(); e++) {
      if (!(upHead[e] > r && upHead[e] < n)) problems.push(`edge ${e} of rank ${r} leads to rank ${upHead[e]}, not above it`);
      if (e > firstUp[r] && !(upHead[e] > upHead[e - 1])) problems.push(`edge ${e} of rank ${r}: heads not strictly ascending (${upHead[e - 1]}, ${upHead[e]})`);
    }
    if (cch.noThrough !== undefined && cch.noThrough[r] === 1) continue;
    for (let e1 = firstUp[r]; e1 < firstUp[r + 1] && !full(); e1++) {
      for (let e2 = e1 + 1; e2 < firstUp[r + 1] && !full(); e2++) {
        if (findEdge(firstUp, upHead, upHead[e1], upHead[e2]) < 0) problems.push(`not chordal: ranks ${upHead[e1]} and ${upHead[e2]} are higher neighbours of rank ${r} but not joined`);
      }
    }
  }
  if (graph) {
    if (graph.arcCount !== cch.arcCount) problems.push(`built for ${cch.arcCount} arcs, graph has ${graph.arcCount}`);
    for (let a = 0; a < graph.arcCount && !full(); a++) {
      const ru = cch.rankOf[graph.tail[a]];
      const rv = cch.rankOf[graph.head[a]];
      const e = cch.arcEdge[a];
      if (ru === rv) {
        if (e !== -1) problems.push(`self-loop arc ${a} maps to edge ${e}`);
        continue;
      }
      const lo = Math.min(ru, rv);
      const hi = Math.max(ru, rv);
      if (!(e >= firstUp[lo] && e < firstUp[lo + 1] && upHead[e] === hi)) problems.push(`arc ${a} (ranks ${ru} → ${rv}) maps to edge ${e}, which does not join its ends`);
      else if ((cch.arcUpward[a] === 1) !== ru < rv) problems.push(`arc ${a} (ranks ${ru} → ${rv}) has the wrong direction flag`);
      if (metric && weight && e >= 0) {
        const w = ru < rv ? metric.upWeight[e] : metric.downWeight[e];
        if (w > weight[a]) problems.push(`edge ${e} weighs ${w} in the direction of arc ${a}, heavier than the arc (${weight[a]})`);
      }
    }
  }
  if (metric) {
    const { upWeight, downWeight } = metric;
    for (let v = 0; v < n && !full(); v++) {
      if (cch.noThrough !== undefined && cch.noThrough[v] === 1) continue;
      for (let e1 = firstUp[v]; e1 < firstUp[v + 1] && !full(); e1++) {
        for (let e2 = e1 + 1; e2 < firstUp[v + 1] && !full(); e2++) {
          const e3 = findEdge(firstUp, upHead, upHead[e1], upHead[e2]);
          if (e3 < 0) continue;
          if (upWeight[e3] > downWeight[e1] + upWeight[e2] || downWeight[e3] > downWeight[e2] + upWeight[e1]) {
            problems.push(`edge ${e3} (ranks ${upHead[e1]}–${upHead[e2]}) is heavier than its lower triangle through rank ${v}`);
          }
        }
      }
    }
  }
  return problems;
}
