/**
 * Route search on the rated cost: the cheapest (or best generalized) path when the rate layers price the lanes they
 * cover, found by the search itself rather than by re-ranking the cost model's alternatives.
 *
 * A lane's rate is a flat charge for a whole run of arcs (routing/rates.ts), so it is modelled as a set of tariff
 * edges: for each lane and direction with a known rate in the query's month, one edge from every node where a run
 * can start (the tail of a lane arc leaving a place of the start end) to every node where it can stop (the head of
 * a lane arc entering a place of the other end), weighted
 *
 *     rate × shock + Σ over the run's arcs of (criterion weight − the cost the rate replaces)
 *
 * where the replaced cost is the moving tariff of the lane's arcs (sea, segment) or every charge of the run's arcs
 * (through: the tariff also covers the border and handling charges between its first and last arc), and the run's
 * arcs are the best ones under that weight inside the lane (its modes and gauge, transfers between them, its
 * allowed countries, touching every country it requires; ties broken by the cost model). A direction without a
 * rate whose lane has an imbalance gets edges too, weighted by the cost model's tariff × the imbalance factor.
 * One Dijkstra over the network's arcs (cost-model weights) plus these edges gives the path; its tariff edges are
 * expanded back into arcs. Sea arcs leaving a port of a lane's start end are left out of that search (the sea lane's
 * runs go through its edges); the rail lanes' ends are whole countries whose domestic rail stays in, and a run the
 * pricing sees but no edge stood for is repaired by searching again without its first arc. The edges are built once
 * per weight set without a shipment's rules of passage and filtered by the arcs those block.
 *
 * Each edge's weight is then set to the rated criterion value of its arcs as routing/rates.ts prices them alone, so
 * where lanes overlap it holds too: a through run that no through-tariff covers in the month (split by the imbalance)
 * pays the segment's rate on the 1520 mm stretch inside it, as the pricing charges it, and a run that lies inside
 * another lane's edge counts as priced by that edge. The weight is the rated value of the path's runs whenever every
 * run the pricing sees is an edge or lies inside one. It is not when the path goes on over lane arcs beyond an
 * edge's ends (the pricing joins them into one longer run), when a run the search took at the cost model is one a
 * rate would price (a segment edge inside a through run the search walked arc by arc), and the run an edge stands
 * for is the cost model's cheapest between its two nodes, not necessarily the cheapest once priced. Every path the
 * search returns is therefore priced again by pricePath, and the caller (rates-report.ts) ranks it with the cost
 * model's alternatives by that price; `searchValue` beside it says what the search believed.
 */
import { IndexedMinHeap } from "../graph/heap";
import { ARC_ACCESS_ARRIVE, ARC_ACCESS_DEPART, accessNode } from "../network/compiled";
import type { ArcPath, RoutingContext, WeightSet } from "./context";
import { END_EAST, END_WEST, imbalanceFactors, isMoving, type LaneIndex, laneIndexes, matchesLane, memoLaneRate, pricePath, type PricingQuery, type RateDirection, type RatesLayer, runsOfLane } from "./rates";

/** INF_WEIGHT and NO_ARC of graph/csr.ts as module constants (an imported binding is a getter call where the module is loaded as CommonJS). */
const INF_WEIGHT = Number.POSITIVE_INFINITY;
const NO_ARC = -1;

/** One tariff edge: a run of a lane from `fromNode` to `toNode` for a flat charge. */
export interface TariffEdge {
  readonly lane: string;
  readonly direction: RateDirection;
  readonly fromNode: number;
  readonly toNode: number;
  /** rate × shock + Σ (weight − replaced cost) over `arcs`. */
  readonly weight: number;
  /** The run's arcs, in order. */
  readonly arcs: Uint32Array;
}

/** The tariff edges of a query: [node] edges leaving it, and the arcs the rated graph leaves out. */
interface EdgeTable {
  readonly edges: Map<number, TariffEdge[]>;
  /** [arc] 1 = a lane arc leaving a place of its lane's start end in a direction with tariff edges. */
  blocked: Uint8Array;
  readonly layer: RatesLayer;
  /** Lanes with tariff edges in some direction. */
  readonly laneIds: Set<string>;
  /** The edges by node as the searches read them: node v's are edgeAt[firstEdge[v] .. firstEdge[v + 1] − 1], in `edges` order. */
  firstEdge: Uint32Array;
  edgeAt: TariffEdge[];
}

/** How a run is priced: a rate (runUsd) or, without one, the cost model's tariff × the lane's imbalance factor. */
export interface RunPricing {
  readonly runUsd: number;
  readonly factor: number | null;
}

const edgeCache = new WeakMap<WeightSet, Map<string, EdgeTable>>();
const laneEdgeCache = new WeakMap<WeightSet, Map<string, TariffEdge[]>>();

const layerIds = new WeakMap<RatesLayer, number>();
let nextLayerId = 0;

/** The key of a query's layer, month, unit and closures (the layer by identity). */
function queryKey(query: PricingQuery): string {
  let id = layerIds.get(query.layer);
  if (id === undefined) {
    id = nextLayerId++;
    layerIds.set(query.layer, id);
  }
  return `${id}|${query.month}|${query.unit}|${query.closedChokepoints.join(",")}`;
}

/**
 * How the runs of a lane in one direction are priced under a query: its rate (× the shock of a closure the
 * observation did not include), else its imbalance factor; null when neither applies (the cost model as it is).
 */
export function runPricingOf(query: PricingQuery, index: LaneIndex, direction: RateDirection): (RunPricing & { readonly rateUsd: number | null }) | null {
  const lane = index.lane;
  const rate = memoLaneRate(query, index, direction);
  if (rate !== null) {
    const shocked = lane.shock?.chokepoints.some((c) => query.closedChokepoints.includes(c) && !rate.observation.closed.includes(c)) ?? false;
    const runUsd = rate.rateUsd * (shocked && lane.shock ? lane.shock.multiplier : 1);
    return { runUsd, factor: null, rateUsd: runUsd };
  }
  if (!lane.imbalance) return null;
  const f = imbalanceFactors(lane.imbalance);
  return { runUsd: 0, factor: direction === lane.imbalance.heavy ? f.heavy : f.light, rateUsd: null };
}

/** laneEdges of a weight set, query, lane and direction, built once and cached. */
export function cachedLaneEdges(ctx: RoutingContext, set: WeightSet, query: PricingQuery, index: LaneIndex, direction: RateDirection, pricing: RunPricing): TariffEdge[] {
  let byKey = laneEdgeCache.get(set);
  if (!byKey) {
    byKey = new Map();
    laneEdgeCache.set(set, byKey);
  }
  const key = `${queryKey(query)}|${index.lane.id}|${direction}|${pricing.runUsd}|${pricing.factor}`;
  let edges = byKey.get(key);
  if (!edges) {
    edges = laneEdges(ctx, set, index, direction, pricing).map((e) => ({ ...e, weight: runValue(ctx, set, query, e.arcs) }));
    byKey.set(key, edges);
  }
  return edges;
}

/**
 * The rated criterion value of a run's arcs as routing/rates.ts prices them alone: Σ (criterion weight − cost-model
 * charge) + their rated charges. Where no other lane's run lies inside the run it is the edge's own weight (rate ×
 * shock, or the imbalance factor, plus the criterion less the replaced cost); where one does — the 1520 mm stretch
 * of a through-tariff run that no through rate covers, priced by the segment's rate — it includes that lane's price.
 */
function runValue(ctx: RoutingContext, set: WeightSet, query: PricingQuery, arcs: Uint32Array): number {
  const { weight } = set;
  const { costUsd, eventCostUsd } = set.columns;
  let rest = 0;
  for (const a of arcs) rest += weight[a] - costUsd[a];
  return rest + pricePath(ctx.net, set.options.state.arcs, costUsd, eventCostUsd, arcs, query, false).totalUsd;
}

/** The tariff edges of a weight set and pricing query (lanes in `excluded` left out); built once and cached. */
export function tariffEdges(ctx: RoutingContext, set: WeightSet, query: PricingQuery, excluded: ReadonlySet<string> = new Set()): EdgeTable {
  let byQuery = edgeCache.get(set);
  if (!byQuery) {
    byQuery = new Map();
    edgeCache.set(set, byQuery);
  }
  const key = `${queryKey(query)}|${[...excluded].sort().join(",")}`;
  const cached = byQuery.get(key);
  if (cached) return cached;
  const table: EdgeTable = { edges: new Map(), blocked: new Uint8Array(0), layer: query.layer, laneIds: new Set(), firstEdge: new Uint32Array(0), edgeAt: [] };
  const blocked = new Uint8Array(ctx.net.graph.arcCount);
  const arcs = set.options.state.arcs;
  // the rules of passage of a shipment only block arcs: the edges are built once without them (shared by every
  // shipment) and an edge through an arc the shipment may not use is left out
  const base = set.options.passage ? ctx.weights({ ...set.options, passage: null }) : set;
  const usable = (e: TariffEdge) => {
    if (base === set) return true;
    for (const a of e.arcs) if (set.weight[a] === INF_WEIGHT) return false;
    return true;
  };
  for (const index of laneIndexes(ctx.net, query.layer)) {
    if (excluded.has(index.lane.id)) continue;
    const lane = index.lane;
    for (const direction of ["westbound", "eastbound"] as const) {
      const pricing = runPricingOf(query, index, direction);
      if (pricing === null) continue;
      table.laneIds.add(lane.id);
      for (const edge of cachedLaneEdges(ctx, base, query, index, direction, pricing)) {
        if (!usable(edge)) continue;
        const list = table.edges.get(edge.fromNode);
        if (list) list.push(edge);
        else table.edges.set(edge.fromNode, [edge]);
      }
      // a sea run from a port of the start end is priced by its tariff edges only (the rail lanes' ends are whole
      // countries, whose domestic rail stays in the graph: ratedShortestPaths blocks their runs one by one)
      if (lane.kind !== "sea") continue;
      const startEnd = direction === "westbound" ? END_EAST : END_WEST;
      for (let a = 0; a < blocked.length; a++) if (matchesLane(arcs, a, index) && index.placeEnd[arcs.fromPlace[a]] === startEnd) blocked[a] = 1;
    }
  }
  table.blocked = blocked;
  const firstEdge = new Uint32Array(ctx.net.graph.nodeCount + 1);
  for (const [node, list] of table.edges) firstEdge[node + 1] = list.length;
  for (let v = 0; v < ctx.net.graph.nodeCount; v++) firstEdge[v + 1] += firstEdge[v];
  const edgeAt: TariffEdge[] = new Array(firstEdge[ctx.net.graph.nodeCount]);
  for (const [node, list] of table.edges) list.forEach((e, k) => { edgeAt[firstEdge[node] + k] = e; });
  table.firstEdge = firstEdge;
  table.edgeAt = edgeAt;
  byQuery.set(key, table);
  return table;
}

/** The tariff edges of one lane and direction (see the module comment). */
export function laneEdges(ctx: RoutingContext, set: WeightSet, index: LaneIndex, direction: RateDirection, pricing: RunPricing): TariffEdge[] {
  const net = ctx.net;
  const graph = net.graph;
  const arcs = set.options.state.arcs;
  const { weight } = set;
  const { costUsd, eventCostUsd } = set.columns;
  const through = index.lane.kind === "through" && pricing.factor === null;
  const factor = pricing.factor ?? 0;
  const startEnd = direction === "westbound" ? END_EAST : END_WEST;
  const stopEnd = direction === "westbound" ? END_WEST : END_EAST;
  const { placeEnd, allowed } = index;
  /** Inner weight of arc a inside the run, or +Infinity when the run cannot use it. */
  const inner = (a: number): number => {
    const w = weight[a];
    if (!Number.isFinite(w)) return INF_WEIGHT;
    const kind = arcs.kind[a];
    if (kind === ARC_ACCESS_DEPART || kind === ARC_ACCESS_ARRIVE) return INF_WEIGHT;
    const moving = isMoving(kind);
    if (moving) {
      if (!matchesLane(arcs, a, index)) return INF_WEIGHT;
      if (allowed !== null) {
        const f = arcs.fromCountry[a];
        const t = arcs.toCountry[a];
        if ((f < allowed.length && allowed[f] === 0) || (t < allowed.length && allowed[t] === 0)) return INF_WEIGHT;
      }
    }
    const replaced = through ? costUsd[a] : moving ? costUsd[a] - eventCostUsd[a] : 0;
    return Math.max(0, w - replaced + (moving ? factor * (costUsd[a] - eventCostUsd[a]) : 0));
  };
  const starts = new Set<number>();
  for (let a = 0; a < graph.arcCount; a++) {
    if (isMoving(arcs.kind[a]) && placeEnd[arcs.fromPlace[a]] === startEnd && inner(a) < INF_WEIGHT) starts.add(graph.tail[a]);
  }
  // states (node, mask of the required countries touched so far): a run must touch every required country
  const required = index.required;
  if (required.some((c) => c < 0)) return [];
  const M = 1 << required.length;
  const full = M - 1;
  const maskOf = (a: number): number => {
    if (!isMoving(arcs.kind[a])) return 0;
    let bits = 0;
    for (let r = 0; r < required.length; r++) if (arcs.fromCountry[a] === required[r] || arcs.toCountry[a] === required[r]) bits |= 1 << r;
    return bits;
  };
  const n = graph.nodeCount;
  const N = n * M;
  const dist = new Float64Array(N);
  const tie = new Float64Array(N);
  const pred = new Int32Array(N);
  const predState = new Int32Array(N);
  const heap = new IndexedMinHeap(N);
  const edges: TariffEdge[] = [];
  // a tiny multiple of the cost model breaks ties between runs of equal inner weight (a cost criterion makes every
  // through-tariff run weigh 0 inside): the run the cost model finds cheapest, not an arbitrary one
  const TIE = 1e-9;
  for (const s of [...starts].sort((x, y) => x - y)) {
    dist.fill(INF_WEIGHT);
    tie.fill(INF_WEIGHT);
    pred.fill(NO_ARC);
    const s0 = s * M;
    dist[s0] = 0;
    tie[s0] = 0;
    heap.pushOrDecrease(s0, 0);
    while (!heap.isEmpty()) {
      const state = heap.pop();
      const v = Math.floor(state / M);
      const mask = state - v * M;
      for (let a = graph.firstOut[v]; a < graph.firstOut[v + 1]; a++) {
        // the run opens with a lane arc, not a transfer
        if (state === s0 && !isMoving(arcs.kind[a])) continue;
        const w = inner(a);
        if (w === INF_WEIGHT) continue;
        const h = graph.head[a] * M + (mask | maskOf(a));
        const d = dist[state] + w;
        const key = d + TIE * (tie[state] + costUsd[a]);
        if (key < dist[h] + TIE * tie[h]) {
          dist[h] = d;
          tie[h] = tie[state] + costUsd[a];
          pred[h] = a;
          predState[h] = state;
          heap.pushOrDecrease(h, key);
        }
      }
    }
    for (let v = 0; v < n; v++) {
      const state = v * M + full;
      const a = pred[state];
      if (v === s || a === NO_ARC || !isMoving(arcs.kind[a]) || placeEnd[arcs.toPlace[a]] !== stopEnd) continue;
      const path: number[] = [];
      for (let u = state; u !== s0; u = predState[u]) path.push(pred[u]);
      path.reverse();
      edges.push({ lane: index.lane.id, direction, fromNode: s, toNode: v, weight: pricing.runUsd + dist[state], arcs: Uint32Array.from(path) });
    }
  }
  return edges;
}

/** A path found on the rated cost and the criterion value the search gave it. */
export interface RatedSearchResult {
  readonly arcs: ArcPath;
  readonly searchValue: number;
  /** Tariff edges the path took (lane ids, in order). */
  readonly lanes: string[];
  /** true when every run the pricing sees on the path is one of its tariff edges (searchValue is then its rated value). */
  readonly runsMatch: boolean;
}

/** Searches after the first that block the start of a run the pricing sees but no tariff edge stood for. */
export const RUN_REPAIRS = 4;

/**
 * The best path from one place to another on the rated cost (cost-model arcs plus tariff edges; see the module
 * comment), then up to RUN_REPAIRS searches more, each with the first arc of every run the last path took at the cost
 * model (a run the pricing sees but no tariff edge stood for) left out. Every distinct path found, first the first;
 * empty when none. Lanes in `excluded` have no tariff edges.
 */
export function ratedShortestPaths(ctx: RoutingContext, set: WeightSet, query: PricingQuery, fromPlace: number, toPlace: number, excluded: ReadonlySet<string> = new Set()): RatedSearchResult[] {
  const table = tariffEdges(ctx, set, query, excluded);
  const lanes = laneIndexes(ctx.net, query.layer).filter((index) => !excluded.has(index.lane.id) && table.laneIds.has(index.lane.id));
  const arcs = set.options.state.arcs;
  const blocked = Uint8Array.from(table.blocked);
  const out: RatedSearchResult[] = [];
  for (let round = 0; round <= RUN_REPAIRS; round++) {
    const found = searchOnce(ctx, set, table, blocked, fromPlace, toPlace);
    if (found === null) break;
    let repaired = false;
    for (const index of lanes) {
      for (const run of runsOfLane(arcs, found.arcs, index)) {
        const edge = found.spans.some((e) => e.lane === index.lane.id && e.direction === run.direction && e.first === run.first && e.last === run.last);
        // a run inside another lane's edge (the 1520 mm stretch of a through run) was priced in that edge's weight
        const inside = found.spans.some((e) => e.lane !== index.lane.id && e.first <= run.first && run.last <= e.last);
        if (edge || inside) continue;
        blocked[found.arcs[run.first]] = 1;
        repaired = true;
      }
    }
    // a tariff edge stands for a whole run: lane arcs just before or after it join it into a longer run
    for (const span of found.spans) {
      const index = lanes.find((l) => l.lane.id === span.lane);
      if (!index) continue;
      const before = neighbourMoving(arcs, found.arcs, span.first, -1);
      const after = neighbourMoving(arcs, found.arcs, span.last, 1);
      for (const k of [before, after]) {
        if (k >= 0 && matchesLane(arcs, found.arcs[k], index)) {
          blocked[found.arcs[k]] = 1;
          repaired = true;
        }
      }
    }
    const result = { arcs: found.arcs, searchValue: found.value, lanes: found.spans.map((e) => e.lane), runsMatch: !repaired };
    const same = out.findIndex((r) => sameArcs(r.arcs, found.arcs));
    if (same < 0) out.push(result);
    // the same arcs found again over edges whose runs match (a repair blocked the arc the first search walked into a
    // lane's run): that valuation is the rated one
    else if (!out[same].runsMatch && result.runsMatch) out[same] = result;
    if (!repaired) break;
  }
  return out;
}

/** Position of the nearest moving arc before (step −1) or after (+1) position k of the path, −1 when none. */
function neighbourMoving(arcs: WeightSet["options"]["state"]["arcs"], path: ArrayLike<number>, k: number, step: -1 | 1): number {
  for (let i = k + step; i >= 0 && i < path.length; i += step) if (isMoving(arcs.kind[path[i]])) return i;
  return -1;
}

function sameArcs(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface Span {
  readonly lane: string;
  readonly direction: RateDirection;
  /** First and last path position of the edge's arcs. */
  readonly first: number;
  readonly last: number;
}

/** One Dijkstra over the unblocked arcs and the tariff edges; null when the target is not reached. */
function searchOnce(ctx: RoutingContext, set: WeightSet, edges: EdgeTable, blocked: Uint8Array, fromPlace: number, toPlace: number): { arcs: ArcPath; value: number; spans: Span[] } | null {
  const target = accessNode(toPlace);
  return ratedTree(ctx, set, edges, blocked, accessNode(fromPlace), target, scratchOf(ctx)).pathTo(target);
}

/** Labels of one rated search, reused by the searches whose path is read before the next one runs. */
interface TreeScratch {
  readonly dist: Float64Array;
  readonly pred: Float64Array;
  readonly heap: IndexedMinHeap;
  readonly edgeList: TariffEdge[];
}

const scratches = new WeakMap<RoutingContext, TreeScratch>();

function newScratch(nodeCount: number): TreeScratch {
  return { dist: new Float64Array(nodeCount), pred: new Float64Array(nodeCount), heap: new IndexedMinHeap(nodeCount), edgeList: [] };
}

/** The context's scratch of the one-to-one rated searches (a context answers one query at a time). */
function scratchOf(ctx: RoutingContext): TreeScratch {
  let scratch = scratches.get(ctx);
  if (!scratch) {
    scratch = newScratch(ctx.net.graph.nodeCount);
    scratches.set(ctx, scratch);
  }
  return scratch;
}

/** The search of a source on the rated graph: the path to a node (null when unreached), with its value and tariff spans. */
export interface RatedTree {
  pathTo(node: number): { arcs: ArcPath; value: number; spans: Span[] } | null;
}

/**
 * Dijkstra from `source` over the unblocked arcs and the tariff edges, to every node (or until `target` is settled).
 * Its labels live in `scratch` (fresh arrays by default): a tree on shared scratch is valid until the next search on it.
 */
function ratedTree(ctx: RoutingContext, set: WeightSet, table: EdgeTable, blocked: Uint8Array, source: number, target = -1, scratch = newScratch(ctx.net.graph.nodeCount)): RatedTree {
  const net = ctx.net;
  const graph = net.graph;
  const { firstOut, head } = graph;
  const noThrough = net.noThrough;
  const { firstEdge, edgeAt } = table;
  const { dist, pred, heap, edgeList } = scratch;
  dist.fill(INF_WEIGHT);
  /** [node] arc or −(2 + tariff edge number) it was reached by; NO_ARC (−1) at the source. */
  pred.fill(NO_ARC);
  edgeList.length = 0;
  heap.clear();
  dist[source] = 0;
  heap.pushOrDecrease(source, 0);
  const { weight } = set;
  while (!heap.isEmpty()) {
    const v = heap.pop();
    if (v === target) break;
    if (v !== source && noThrough[v] === 1) continue;
    const dv = dist[v];
    for (let a = firstOut[v], end = firstOut[v + 1]; a < end; a++) {
      if (blocked[a] === 1) continue;
      const d = dv + weight[a];
      const h = head[a];
      if (d < dist[h]) {
        dist[h] = d;
        pred[h] = a;
        heap.pushOrDecrease(h, d);
      }
    }
    for (let k = firstEdge[v], end = firstEdge[v + 1]; k < end; k++) {
      const e = edgeAt[k];
      const d = dv + e.weight;
      if (d < dist[e.toNode]) {
        dist[e.toNode] = d;
        edgeList.push(e);
        pred[e.toNode] = -1 - edgeList.length;
        heap.pushOrDecrease(e.toNode, d);
      }
    }
  }
  return {
    pathTo(node: number) {
      if (dist[node] === INF_WEIGHT) return null;
      const parts: (number | TariffEdge)[] = [];
      for (let v = node; v !== source; ) {
        const p = pred[v];
        if (p === NO_ARC) return null;
        if (p <= -2) {
          const e = edgeList[-p - 2];
          parts.push(e);
          v = e.fromNode;
        } else {
          parts.push(p);
          v = graph.tail[p];
        }
      }
      parts.reverse();
      const arcs: ArcPath = [];
      const spans: Span[] = [];
      for (const p of parts) {
        if (typeof p === "number") arcs.push(p);
        else {
          spans.push({ lane: p.lane, direction: p.direction, first: arcs.length, last: arcs.length + p.arcs.length - 1 });
          for (const a of p.arcs) arcs.push(a);
        }
      }
      return { arcs, value: dist[node], spans };
    },
  };
}

/**
 * The one-to-all search on the rated cost from a node (every lane; no repairs). `blocked` false keeps the sea arcs
 * leaving a lane's start end in the graph (at the cost model): it finds the sea routes to ports no lane covers.
 */
export function ratedTreeFrom(ctx: RoutingContext, set: WeightSet, query: PricingQuery, sourceNode: number, blocked = true): RatedTree {
  const table = tariffEdges(ctx, set, query);
  return ratedTree(ctx, set, table, blocked ? table.blocked : new Uint8Array(table.blocked.length), sourceNode);
}

/**
 * The path of ratedTreeFrom(ctx, set, query, sourceNode, blocked) to one node (the same path: the search stops once
 * the node is settled), on the context's scratch; null when unreached.
 */
export function ratedPathBetween(ctx: RoutingContext, set: WeightSet, query: PricingQuery, sourceNode: number, targetNode: number, blocked = true): { arcs: ArcPath; value: number; spans: Span[] } | null {
  const table = tariffEdges(ctx, set, query);
  return ratedTree(ctx, set, table, blocked ? table.blocked : unblocked(table), sourceNode, targetNode, scratchOf(ctx)).pathTo(targetNode);
}

const noneBlocked = new WeakMap<EdgeTable, Uint8Array>();

/** An all-zero arc column of a table's length (nothing blocked), one per table. */
function unblocked(table: EdgeTable): Uint8Array {
  let zero = noneBlocked.get(table);
  if (!zero) {
    zero = new Uint8Array(table.blocked.length);
    noneBlocked.set(table, zero);
  }
  return zero;
}
