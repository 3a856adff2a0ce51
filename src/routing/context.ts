/**
 * RoutingContext: everything routing derives from one compiled network, built once and reused by many queries —
 * the reverse adjacency, per-node coordinates, per-profile columns and weight columns cached by option key, and one
 * set of query objects (A* for one-to-one, Dijkstra for one-to-all). The compiled network is never written.
 *
 * Paths run from the origin's access node to the destination's access node, so a route may start and end in any
 * layer of a place but never changes layer for free on the way (access nodes are noThrough).
 */
import { buildReverse, type CsrReverse, INF_WEIGHT, NO_NODE } from "../graph/csr";
import { CaravanError } from "../core/errors";
import { ARC_FERRY, ARC_LINK, accessNode, type CompiledNetwork, LAYER_COUNT, NO_COUNTRY } from "../network/compiled";
import { AStarQuery, consistentWeightPerKm, GreatCircleLowerBound } from "./astar";
import { BidirectionalDijkstraQuery } from "./bidirectional";
import { DijkstraQuery } from "./dijkstra";
import { buildChainIndex, type ChainIndex, GuidedQuery } from "./guided";
import {
  BLOCK_CHOKEPOINT,
  BLOCK_COUNTRY,
  BLOCK_MODE,
  BLOCK_SEASON,
  BLOCK_YEAR,
  BLOCK_AVOIDED_ID,
  BLOCK_SCENARIO,
  BLOCK_RULE,
  blockedArcs,
  criterionWeights,
  optionKey,
  type ProfileColumns,
  profileColumns,
  type ResolvedRouteOptions,
} from "./options";
import { discountedCostUsd, tariffFactors } from "./passage";
import { applyOperations } from "./operations";
import { addTripEndDwell, tripEndTable } from "./trip-ends";

/** One weight set: the criterion column, the constraint flags behind it and the A* scale. */
export interface WeightSet {
  readonly key: string;
  readonly options: ResolvedRouteOptions;
  readonly columns: ProfileColumns;
  /** [arc] criterion weight, +Infinity = disabled. */
  readonly weight: Float64Array;
  /** [arc] BLOCK_* flags of the constraints. */
  readonly blocked: Uint8Array;
  /** Scale of the great-circle lower bound consistent with `weight`. */
  readonly weightPerKm: number;
}

/** A path as CSR arc ids, from the origin's access node to the destination's. */
export type ArcPath = number[];

/** Parameters of the penalty method for alternatives (docs/routing.md). */
export interface AlternativeParams {
  /** Max share of the shorter route's distance (or time) that an alternative may share with an accepted route. */
  readonly overlapLimit?: number;
  /** What overlap is measured on: "distance" (km, default) or "time" (h). */
  readonly overlapBasis?: "distance" | "time";
  /**
   * Max Jaccard similarity |A ∩ B| / |A ∪ B| between the transit countries (traversed, excluding origin and
   * destination countries) of an alternative and of every accepted route; 1 = no country test. Two routes through
   * mostly the same transit countries are one corridor for a shipper weighing border and political risk.
   */
  readonly countryOverlapLimit?: number;
  /**
   * A transit country is "dominant" on a route when it carries at least this share of the route's distance; the set
   * of dominant transit countries is the route's corridor signature (Xi'an→Duisburg via Dostyk: {KAZ, RUS}; via the
   * Caspian: {KAZ, TUR}; by sea: {}). 1 = no signatures (no corridor test, no corridor branching).
   */
  readonly dominantShare?: number;
  /**
   * Max Jaccard similarity of corridor signatures between an alternative and every accepted route (two routes whose
   * signatures are both empty are not compared). {KAZ, RUS} vs {RUS} = 0.5 is one corridor at the default 0.4.
   */
  readonly corridorOverlapLimit?: number;
  /** Max criterion value of an alternative relative to the best route (e.g. 2.5 = up to 150 % worse). */
  readonly stretchLimit?: number;
  /** Each time an arc lies on a found path its weight is multiplied by (1 + penalty). */
  readonly penalty?: number;
  /** Max number of penalised searches. */
  readonly maxIterations?: number;
  /** Max number of corridor-branching searches (routes that avoid the dominant transit countries of earlier ones). */
  readonly maxBranchSearches?: number;
}

export const DEFAULT_ALTERNATIVES: Required<AlternativeParams> = {
  overlapLimit: 0.5,
  overlapBasis: "distance",
  countryOverlapLimit: 0.5,
  dominantShare: 0.1,
  corridorOverlapLimit: 0.4,
  stretchLimit: 2.5,
  penalty: 0.25,
  maxIterations: 40,
  maxBranchSearches: 24,
};

const CONSTRAINTS: readonly { bit: number; name: string }[] = [
  { bit: BLOCK_MODE, name: "the allowed modes (--modes)" },
  { bit: BLOCK_COUNTRY, name: "the avoided countries (--avoid-countries)" },
  { bit: BLOCK_AVOIDED_ID, name: "the avoided crossings/links (--avoid-crossings)" },
  { bit: BLOCK_CHOKEPOINT, name: "the closed chokepoints (--close)" },
  { bit: BLOCK_YEAR, name: "the network year (projects not yet open; try --year)" },
  { bit: BLOCK_SEASON, name: "the seasonal closures of the chosen month" },
  { bit: BLOCK_SCENARIO, name: "the closures of the scenario" },
  { bit: BLOCK_RULE, name: "the rules of passage in force on the date (transit bans, border closures; they can be switched off)" },
];

/**
 * The immutable routing index of one compiled network: reverse adjacency, node coordinates and physical hops. Built
 * once; any number of RoutingContexts (one per thread of queries, e.g. per request of a server or per scenario
 * variant) share it and never write it.
 */
export class RoutingIndex {
  readonly net: CompiledNetwork;
  readonly reverse: CsrReverse;
  /** [node] longitude of the node's place, degrees. */
  readonly nodeLonDeg: Float64Array;
  /** [node] latitude of the node's place, degrees. */
  readonly nodeLatDeg: Float64Array;
  /**
   * [arc] physical hop of a link or ferry arc: the unordered pair of places it joins, whatever the layer, mode or
   * direction (rail and road between the same two places are one hop); -1 for transfers and access arcs.
   */
  readonly hopOf: Int32Array;
  /** [hop] first slot in hopArcs; length hopCount + 1. */
  readonly hopFirst: Uint32Array;
  /** [slot] arcs of each hop. */
  readonly hopArcs: Uint32Array;

  /** [country + 1] first slot in countryArcs; the arcs that touch a country (from or to it). */
  readonly countryFirst: Uint32Array;
  readonly countryArcs: Uint32Array;

  constructor(net: CompiledNetwork) {
    this.net = net;
    this.reverse = buildReverse(net.graph);
    {
      const { fromCountry, toCountry } = net.arcs;
      let countries = 0;
      for (let a = 0; a < net.graph.arcCount; a++) {
        if (fromCountry[a] !== NO_COUNTRY) countries = Math.max(countries, fromCountry[a] + 1);
        if (toCountry[a] !== NO_COUNTRY) countries = Math.max(countries, toCountry[a] + 1);
      }
      this.countryFirst = new Uint32Array(countries + 1);
      for (let a = 0; a < net.graph.arcCount; a++) {
        const f = fromCountry[a];
        const t = toCountry[a];
        if (f !== NO_COUNTRY) this.countryFirst[f + 1]++;
        if (t !== NO_COUNTRY && t !== f) this.countryFirst[t + 1]++;
      }
      for (let c = 0; c < countries; c++) this.countryFirst[c + 1] += this.countryFirst[c];
      this.countryArcs = new Uint32Array(this.countryFirst[countries]);
      const next = this.countryFirst.slice(0, countries);
      for (let a = 0; a < net.graph.arcCount; a++) {
        const f = fromCountry[a];
        const t = toCountry[a];
        if (f !== NO_COUNTRY) this.countryArcs[next[f]++] = a;
        if (t !== NO_COUNTRY && t !== f) this.countryArcs[next[t]++] = a;
      }
    }
    const n = net.graph.nodeCount;
    this.nodeLonDeg = new Float64Array(n);
    this.nodeLatDeg = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      this.nodeLonDeg[v] = net.placeLonDeg[net.nodePlace[v]];
      this.nodeLatDeg[v] = net.placeLatDeg[net.nodePlace[v]];
    }
    const { kind, fromPlace, toPlace } = net.arcs;
    const hopIds = new Map<number, number>();
    this.hopOf = new Int32Array(net.graph.arcCount).fill(-1);
    for (let a = 0; a < net.graph.arcCount; a++) {
      if (kind[a] !== ARC_LINK && kind[a] !== ARC_FERRY) continue;
      const [p, q] = fromPlace[a] < toPlace[a] ? [fromPlace[a], toPlace[a]] : [toPlace[a], fromPlace[a]];
      const key = p * net.placeCount + q;
      let hop = hopIds.get(key);
      if (hop === undefined) {
        hop = hopIds.size;
        hopIds.set(key, hop);
      }
      this.hopOf[a] = hop;
    }
    const hopCount = hopIds.size;
    this.hopFirst = new Uint32Array(hopCount + 1);
    for (let a = 0; a < net.graph.arcCount; a++) if (this.hopOf[a] >= 0) this.hopFirst[this.hopOf[a] + 1]++;
    for (let h = 0; h < hopCount; h++) this.hopFirst[h + 1] += this.hopFirst[h];
    this.hopArcs = new Uint32Array(this.hopFirst[hopCount]);
    const next = this.hopFirst.slice(0, hopCount);
    for (let a = 0; a < net.graph.arcCount; a++) if (this.hopOf[a] >= 0) this.hopArcs[next[this.hopOf[a]]++] = a;
  }

  get hopCount(): number {
    return this.hopFirst.length - 1;
  }

  private chainIndex: ChainIndex | null = null;

  /** The chains of the graph the searches of alternatives walk through (routing/guided.ts), built on first use. */
  get chains(): ChainIndex {
    this.chainIndex ??= buildChainIndex(this.net.graph, this.reverse, this.net.noThrough);
    return this.chainIndex;
  }
}

/**
 * One querying context over a shared RoutingIndex: its own query objects and scratch marks, and caches of profile
 * and weight columns by (query, network state). Not for concurrent use; make one per thread of queries.
 */
export class RoutingContext {
  readonly index: RoutingIndex;
  readonly net: CompiledNetwork;
  readonly reverse: CsrReverse;
  /** [node] longitude of the node's place, degrees. */
  readonly nodeLonDeg: Float64Array;
  /** [node] latitude of the node's place, degrees. */
  readonly nodeLatDeg: Float64Array;
  private readonly profiles = new Map<string, ProfileColumns>();
  private readonly weightSets = new Map<string, WeightSet>();
  private readonly bound: GreatCircleLowerBound;
  private readonly astar: AStarQuery;
  private readonly bidirectional: BidirectionalDijkstraQuery;
  /** Which technique answers one-to-one searches (both give the same distances). */
  readonly oneToOneTechnique: "bidirectional" | "astar";
  private readonly dijkstra: DijkstraQuery;
  /** The searches of alternatives (built on first use: its scratch is 8 node columns). */
  private guided: GuidedQuery | null = null;
  /**
   * The searches of alternatives() by GuidedQuery where it gives findPath's path (default), or all by findPath (the
   * reference: the same routes, slower).
   */
  guidedAlternatives = true;
  /** [arc] physical hop (RoutingIndex.hopOf). */
  readonly hopOf: Int32Array;
  private readonly hopFirst: Uint32Array;
  private readonly hopArcs: Uint32Array;
  /** [hop] scratch marks for overlap computation. */
  private readonly hopMark: Uint32Array;
  /** [arc] the weight columns alternatives() changes (penalised; countries forbidden), allocated on first use. */
  private readonly scratchColumns: Float64Array[] = [];
  private markRound = 0;

  /**
   * @param source the compiled network (a private index is built) or a shared RoutingIndex.
   * @param oneToOne technique for one-to-one searches: bidirectional Dijkstra (default; fastest on the curated
   *   network, see bench/routing.bench.ts) or A* with the great-circle bound.
   */
  constructor(source: CompiledNetwork | RoutingIndex, oneToOne: "bidirectional" | "astar" = "bidirectional") {
    const index = source instanceof RoutingIndex ? source : new RoutingIndex(source);
    this.index = index;
    this.oneToOneTechnique = oneToOne;
    const net = index.net;
    this.net = net;
    this.reverse = index.reverse;
    this.nodeLonDeg = index.nodeLonDeg;
    this.nodeLatDeg = index.nodeLatDeg;
    const zero = new Float64Array(net.graph.arcCount);
    this.bound = new GreatCircleLowerBound(this.nodeLonDeg, this.nodeLatDeg, 0);
    this.astar = new AStarQuery(net.graph, zero, this.bound, { noThrough: net.noThrough });
    this.bidirectional = new BidirectionalDijkstraQuery(net.graph, this.reverse, zero, { noThrough: net.noThrough });
    this.dijkstra = new DijkstraQuery(net.graph, zero, { noThrough: net.noThrough });
    this.hopOf = index.hopOf;
    this.hopFirst = index.hopFirst;
    this.hopArcs = index.hopArcs;
    this.hopMark = new Uint32Array(index.hopCount);
  }

  /** Per-arc time/cost/CO2 of one unit of a profile in the options' state (cached by profile id, patch and month; the 16 most recently used kept). */
  profile(o: ResolvedRouteOptions): ProfileColumns {
    const key = `${o.profile.id}|${o.state.patch?.key ?? ""}|${o.state.month ?? ""}|${o.tripEndDwell}|${o.operations.join(",")}`;
    let columns = this.profiles.get(key);
    if (columns) {
      touch(this.profiles, key, columns);
      return columns;
    }
    columns = profileColumns(this.net, o.profile, o.state.arcs, o.state.month);
    if (o.operations.length > 0) applyOperations(this.net, o.state.arcs, o.operations, columns.timeH);
    if (o.tripEndDwell) addTripEndDwell(tripEndTable(this.net, o.state.arcs), o.profile, columns.timeH, columns.costUsd, columns.eventCostUsd, o.state.arcs, o.tripEndDwell);
    remember(this.profiles, key, columns, 16);
    return columns;
  }

  /** The weight set of an option set, built once and cached by optionKey (the 32 most recently used kept). */
  weights(o: ResolvedRouteOptions): WeightSet {
    if (o.state.net !== this.net) throw new RangeError("RoutingContext.weights: the options' network state belongs to another network");
    const key = optionKey(o);
    const cached = this.weightSets.get(key);
    if (cached) {
      touch(this.weightSets, key, cached);
      return cached;
    }
    let columns = this.profile(o);
    // the tariff discounts of the shipment's rules of passage lower the moving cost of the arcs they concern
    const factor = o.passage ? tariffFactors(o.state.arcs, this.net, o.passage, o.profile.id) : null;
    if (factor !== null) columns = { ...columns, costUsd: discountedCostUsd(columns.costUsd, columns.eventCostUsd, factor) };
    const blocked = blockedArcs(this.net, o);
    const weight = criterionWeights(columns, o, blocked);
    const weightPerKm = consistentWeightPerKm(this.net.graph, weight, this.nodeLonDeg, this.nodeLatDeg);
    const set: WeightSet = { key, options: o, columns, weight, blocked, weightPerKm };
    remember(this.weightSets, key, set, 32);
    return set;
  }

  /**
   * Shortest path between two nodes under a weight column, null if none. `weightPerKm` scales the A* great-circle
   * bound (it must be consistent with `weight`; 0 turns the bound off).
   */
  shortestBetween(source: number, target: number, weight: Float64Array, weightPerKm: number): { arcs: ArcPath; value: number } | null {
    let query: AStarQuery | BidirectionalDijkstraQuery = this.bidirectional;
    if (this.oneToOneTechnique === "astar") {
      this.bound.setWeightPerKm(weightPerKm);
      query = this.astar;
    }
    query.setWeight(weight);
    const value = query.oneToOne(source, target);
    if (value === INF_WEIGHT) return null;
    return { arcs: query.pathArcs(target), value };
  }

  /**
   * Shortest place-to-place path, optionally through `viaPlace`: the best over the via's layer nodes L of
   * (origin → L) + (L → destination), so the route passes the via in some layer and changes layer there only over
   * a real transfer arc. null when no path exists.
   */
  findPath(originPlace: number, destinationPlace: number, weight: Float64Array, weightPerKm: number, viaPlace: number | null = null): ArcPath | null {
    const origin = accessNode(originPlace);
    const destination = accessNode(destinationPlace);
    if (viaPlace === null || viaPlace === originPlace || viaPlace === destinationPlace) {
      return this.shortestBetween(origin, destination, weight, weightPerKm)?.arcs ?? null;
    }
    this.dijkstra.setWeight(weight);
    this.dijkstra.oneToAll(origin);
    let best: ArcPath | null = null;
    let bestValue = INF_WEIGHT;
    const layerNodes: number[] = [];
    for (let layer = 0; layer < LAYER_COUNT; layer++) {
      const v = this.net.layerNodeOf[viaPlace * LAYER_COUNT + layer];
      if (v !== NO_NODE && this.dijkstra.distanceTo(v) < INF_WEIGHT) layerNodes.push(v);
    }
    const firstHalves = layerNodes.map((v) => ({ v, d: this.dijkstra.distanceTo(v), arcs: this.dijkstra.pathArcs(v) }));
    for (const { v, d, arcs } of firstHalves) {
      const second = this.shortestBetween(v, destination, weight, weightPerKm);
      if (second && d + second.value < bestValue) {
        bestValue = d + second.value;
        best = [...arcs, ...second.arcs];
      }
    }
    return best;
  }

  /** Scratch weight column `slot` of the context, set to `from` (no allocation per query). */
  private scratchColumn(slot: number, from: Float64Array): Float64Array {
    let column = this.scratchColumns[slot];
    if (!column) {
      column = new Float64Array(from.length);
      this.scratchColumns[slot] = column;
    }
    column.set(from);
    return column;
  }

  /** Sum of a per-arc column over a path. */
  static sum(column: Float64Array, arcs: ArcPath): number {
    let total = 0;
    for (const a of arcs) total += column[a];
    return total;
  }

  /**
   * Up to k meaningfully different routes. Generate a pool of candidates two ways:
   * - penalty method: after each search, the weights of the path's arcs (and of the other arcs of the same physical
   *   hops) are multiplied by (1 + penalty) and the search is repeated, maxIterations times;
   * - corridor branching: a search that forbids the dominant transit countries of a route found so far (never the
   *   origin's or destination's country), breadth first over growing sets of avoided countries, at most
   *   maxBranchSearches searches. This reaches corridors the penalty method would need many rounds to find (the
   *   Middle Corridor when the best route crosses Russia; sea when every land corridor is avoided).
   * Every path whose true criterion value is at most stretchLimit × the best joins the pool. Select: from the pool in
   * order of the true criterion, a route is taken when, against every route already taken, it shares at most
   * overlapLimit of the shorter route's distance (or time), at most countryOverlapLimit (Jaccard) of transit
   * countries, and at most corridorOverlapLimit (Jaccard) of corridor signatures. Returned best first.
   */
  alternatives(
    originPlace: number,
    destinationPlace: number,
    set: WeightSet,
    k: number,
    viaPlace: number | null = null,
    params: AlternativeParams = {},
  ): ArcPath[] {
    const p = { ...DEFAULT_ALTERNATIVES, ...params };
    if (k <= 1) {
      const best = this.findPath(originPlace, destinationPlace, set.weight, set.weightPerKm, viaPlace);
      return best ? [best] : [];
    }
    const raised = this.raisedSearch(originPlace, destinationPlace, set, viaPlace);
    const first = raised(set.weight);
    if (!first) return [];
    const bestValue = RoutingContext.sum(set.weight, first);
    // 1. generate a pool of candidates by repeated penalised searches
    const pool: { arcs: ArcPath; value: number }[] = [{ arcs: first, value: bestValue }];
    const penalized = this.scratchColumn(0, set.weight);
    const factor = 1 + p.penalty;
    let last = first;
    for (let iteration = 0; iteration < p.maxIterations; iteration++) {
      this.penalize(last, penalized, factor);
      // penalties only raise weights, so the bound of the unpenalised column stays consistent (and GuidedQuery's
      // bounds of the last column hold for the next)
      const candidate = factor >= 1 ? raised(penalized, true) : this.findPath(originPlace, destinationPlace, penalized, set.weightPerKm, viaPlace);
      if (!candidate) break;
      last = candidate;
      const value = RoutingContext.sum(set.weight, candidate);
      if (value > p.stretchLimit * bestValue || pool.some((c) => sameArcs(c.arcs, candidate))) continue;
      pool.push({ arcs: candidate, value });
    }
    this.branchByCorridor(originPlace, destinationPlace, set, viaPlace, p, bestValue, first, pool, raised);
    // 2. select greedily by the true criterion: each next route must differ enough from every route selected
    pool.sort((x, y) => x.value - y.value);
    const basis = p.overlapBasis === "time" ? set.columns.timeH : this.net.arcs.distanceKm;
    const accepted: ArcPath[] = [];
    const acceptedCountries: Set<number>[] = [];
    const acceptedDominant: Set<number>[] = [];
    for (const { arcs } of pool) {
      if (accepted.length >= k) break;
      const countries = this.transitCountries(arcs);
      const dominant = this.dominantTransitCountries(arcs, p.dominantShare);
      let distinct = true;
      for (let i = 0; i < accepted.length && distinct; i++) {
        if (this.overlapShare(accepted[i], arcs, basis) > p.overlapLimit) distinct = false;
        else if (p.countryOverlapLimit < 1 && countryOverlap(acceptedCountries[i], countries) > p.countryOverlapLimit) distinct = false;
        else if (p.dominantShare < 1 && (dominant.size > 0 || acceptedDominant[i].size > 0) && countryOverlap(acceptedDominant[i], dominant) > p.corridorOverlapLimit) {
          distinct = false;
        }
      }
      if (distinct) {
        accepted.push(arcs);
        acceptedCountries.push(countries);
        acceptedDominant.push(dominant);
      }
    }
    return accepted;
  }

  /**
   * The searches of alternatives: under set.weight, then under columns ≥ it arc by arc (penalised: `rising`, each ≥
   * the one before; countries forbidden). Without a via place (and with guidedAlternatives) A* on exact bounds
   * (GuidedQuery: prepared once, two one-to-all searches), which returns a path only where it is the one shortest
   * path and so the path findPath returns; where another comes within TIE_SHARE of it, and with a via place, findPath.
   */
  private raisedSearch(originPlace: number, destinationPlace: number, set: WeightSet, viaPlace: number | null): (weight: Float64Array, rising?: boolean) => ArcPath | null {
    const reference = (weight: Float64Array): ArcPath | null => this.findPath(originPlace, destinationPlace, weight, set.weightPerKm, viaPlace);
    if (!this.guidedAlternatives || (viaPlace !== null && viaPlace !== originPlace && viaPlace !== destinationPlace)) return reference;
    this.guided ??= new GuidedQuery(this.net.graph, this.reverse, { noThrough: this.net.noThrough, chains: this.index.chains });
    const guided = this.guided;
    guided.prepare(accessNode(originPlace), accessNode(destinationPlace), set.weight);
    return (weight, rising = false) => {
      const found = guided.shortest(weight, rising);
      return found === "ambiguous" ? reference(weight) : found;
    };
  }

  /** Corridor branching (see alternatives): adds to `pool` the best routes that avoid dominant transit countries. */
  private branchByCorridor(
    originPlace: number,
    destinationPlace: number,
    set: WeightSet,
    viaPlace: number | null,
    p: Required<AlternativeParams>,
    bestValue: number,
    first: ArcPath,
    pool: { arcs: ArcPath; value: number }[],
    raised: (weight: Float64Array, rising?: boolean) => ArcPath | null,
  ): void {
    if (p.maxBranchSearches <= 0 || p.dominantShare >= 1) return;
    const endpoints = new Set([this.net.placeCountry[originPlace], this.net.placeCountry[destinationPlace]]);
    if (viaPlace !== null) endpoints.add(this.net.placeCountry[viaPlace]);
    const seen = new Set<string>();
    const queue: number[][] = [];
    const enqueue = (avoid: readonly number[], route: ArcPath): void => {
      for (const c of this.dominantTransitCountries(route, p.dominantShare)) {
        if (endpoints.has(c) || avoid.includes(c)) continue;
        const next = [...avoid, c].sort((x, y) => x - y);
        const key = next.join(",");
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(next);
        }
      }
    };
    enqueue([], first);
    // set.weight with the arcs touching the avoided countries at +Infinity, set and reset country by country
    const weight = this.scratchColumn(1, set.weight);
    const { countryFirst, countryArcs } = this.index;
    const setCountries = (countries: readonly number[], forbid: boolean) => {
      for (const c of countries) {
        if (c + 1 >= countryFirst.length) continue;
        for (let s = countryFirst[c]; s < countryFirst[c + 1]; s++) {
          const a = countryArcs[s];
          weight[a] = forbid ? INF_WEIGHT : set.weight[a];
        }
      }
    };
    for (let searches = 0; searches < p.maxBranchSearches && queue.length > 0; searches++) {
      const avoid = queue.shift()!;
      setCountries(avoid, true);
      // forbidding arcs only raises weights, so the bound of the unrestricted column stays consistent
      const candidate = raised(weight);
      setCountries(avoid, false);
      if (!candidate) continue;
      const value = RoutingContext.sum(set.weight, candidate);
      if (value > p.stretchLimit * bestValue) continue;
      if (!pool.some((c) => sameArcs(c.arcs, candidate))) pool.push({ arcs: candidate, value });
      enqueue(avoid, candidate);
    }
  }

  /**
   * Transit countries carrying at least `minShare` of a path's distance (origin and destination countries excluded;
   * a border arc counts half for each side).
   */
  dominantTransitCountries(arcs: ArcPath, minShare: number): Set<number> {
    const out = new Set<number>();
    if (arcs.length === 0) return out;
    const { fromCountry, toCountry, fromPlace, toPlace, distanceKm } = this.net.arcs;
    const origin = this.net.placeCountry[fromPlace[arcs[0]]];
    const destination = this.net.placeCountry[toPlace[arcs[arcs.length - 1]]];
    const km = new Map<number, number>();
    let total = 0;
    for (const a of arcs) {
      const d = distanceKm[a];
      total += d;
      const fc = fromCountry[a];
      const tc = toCountry[a];
      if (fc === tc) km.set(fc, (km.get(fc) ?? 0) + d);
      else {
        km.set(fc, (km.get(fc) ?? 0) + d / 2);
        km.set(tc, (km.get(tc) ?? 0) + d / 2);
      }
    }
    if (!(total > 0)) return out;
    for (const [c, d] of km) if (c !== NO_COUNTRY && c !== origin && c !== destination && d >= minShare * total) out.add(c);
    return out;
  }

  /** Country indices traversed by a path, excluding the countries of its first and last place. */
  transitCountries(arcs: ArcPath): Set<number> {
    const out = new Set<number>();
    if (arcs.length === 0) return out;
    const { fromCountry, toCountry, fromPlace, toPlace } = this.net.arcs;
    const origin = this.net.placeCountry[fromPlace[arcs[0]]];
    const destination = this.net.placeCountry[toPlace[arcs[arcs.length - 1]]];
    for (const a of arcs) {
      for (const c of [fromCountry[a], toCountry[a]]) if (c !== NO_COUNTRY && c !== origin && c !== destination) out.add(c);
    }
    return out;
  }

  private nextMarkRound(): number {
    this.markRound++;
    if (this.markRound === 0xffffffff) {
      this.hopMark.fill(0);
      this.markRound = 1;
    }
    return this.markRound;
  }

  /**
   * Multiply by `factor` the weight of every arc on the path and of every other arc of the same physical hops (the
   * other layers and the opposite direction between the same two places), so the next search leaves the corridor
   * rather than switching to a parallel layer. Transfer arcs on the path are penalised themselves.
   */
  private penalize(path: ArcPath, weight: Float64Array, factor: number): void {
    const round = this.nextMarkRound();
    for (const a of path) {
      const hop = this.hopOf[a];
      if (hop < 0) {
        weight[a] *= factor;
        continue;
      }
      if (this.hopMark[hop] === round) continue;
      this.hopMark[hop] = round;
      for (let s = this.hopFirst[hop]; s < this.hopFirst[hop + 1]; s++) weight[this.hopArcs[s]] *= factor;
    }
  }

  /**
   * Share of the shorter route's total (by `basis`, [arc]) that lies on physical hops both routes use (the same two
   * places joined, in any layer or mode); 0 if both are empty.
   */
  overlapShare(a: ArcPath, b: ArcPath, basis: Float64Array): number {
    const totalA = RoutingContext.sum(basis, a);
    const totalB = RoutingContext.sum(basis, b);
    const [shorter, longer, shorterTotal] = totalA <= totalB ? [a, b, totalA] : [b, a, totalB];
    if (!(shorterTotal > 0)) return sameArcs(a, b) ? 1 : 0;
    const round = this.nextMarkRound();
    for (const arc of longer) if (this.hopOf[arc] >= 0) this.hopMark[this.hopOf[arc]] = round;
    // measured on the shorter route, so the share is at most 1
    let shared = 0;
    for (const arc of shorter) if (this.hopOf[arc] >= 0 && this.hopMark[this.hopOf[arc]] === round) shared += basis[arc];
    return shared / shorterTotal;
  }

  /**
   * Explain an unreachable pair: re-run without each active constraint in turn and name the ones whose removal
   * restores a route. Returns a CaravanError E_NO_ROUTE ready to throw.
   */
  noRouteError(originPlace: number, destinationPlace: number, set: WeightSet, viaPlace: number | null, names: { from: string; to: string }): CaravanError {
    let active = 0;
    for (const b of set.blocked) active |= b;
    const culprits: string[] = [];
    for (const c of CONSTRAINTS) {
      if ((active & c.bit) === 0) continue;
      const relaxed = criterionWeights(set.columns, set.options, set.blocked, 0xff & ~c.bit);
      if (this.findPath(originPlace, destinationPlace, relaxed, 0, viaPlace)) culprits.push(c.name);
    }
    const via = viaPlace === null ? "" : ` via ${this.net.network.places[viaPlace].name}`;
    let why: string;
    if (culprits.length > 0) {
      why = `cut off by ${culprits.join(" or by ")}; without ${culprits.length === 1 ? "that constraint" : "any one of them"} a route exists`;
    } else if (active !== 0 && this.findPath(originPlace, destinationPlace, criterionWeights(set.columns, set.options, set.blocked, 0), 0, viaPlace)) {
      const all = CONSTRAINTS.filter((c) => (active & c.bit) !== 0).map((c) => c.name);
      why = `no single constraint is to blame, but together ${all.join(", ")} cut it off`;
    } else {
      why = "the network does not connect these places by any mode, even without constraints";
    }
    return new CaravanError("E_NO_ROUTE", `no route from ${names.from} to ${names.to}${via}: ${why}`, {
      details: { from: names.from, to: names.to, constraints: culprits },
    });
  }
}

/** Jaccard similarity of two country sets, |A ∩ B| / |A ∪ B|; 0 when both are empty. */
function countryOverlap(a: Set<number>, b: Set<number>): number {
  let shared = 0;
  for (const c of a) if (b.has(c)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function sameArcs(a: ArcPath, b: ArcPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Marks a cache entry as the most recently used (a Map iterates in insertion order). */
function touch<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
}

/** Adds an entry, evicting the least recently used one when the cache holds `limit` entries. */
function remember<V>(cache: Map<string, V>, key: string, value: V, limit: number): void {
  if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}
