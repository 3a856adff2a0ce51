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
import { accessNode, type CompiledNetwork, LAYER_COUNT, NO_COUNTRY } from "../network/compiled";
import { AStarQuery, consistentWeightPerKm, GreatCircleLowerBound } from "./astar";
import { DijkstraQuery } from "./dijkstra";
import {
  BLOCK_CHOKEPOINT,
  BLOCK_COUNTRY,
  BLOCK_MODE,
  BLOCK_SEASON,
  BLOCK_YEAR,
  BLOCK_AVOIDED_ID,
  blockedArcs,
  criterionWeights,
  optionKey,
  type ProfileColumns,
  profileColumns,
  type ResolvedRouteOptions,
} from "./options";

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
   * Max share of the shorter route's transit countries (traversed, excluding origin and destination countries) that
   * are also transit countries of an accepted route; 1 = no country test. Two routes through the same transit
   * countries are one corridor for a shipper weighing border and political risk.
   */
  readonly countryOverlapLimit?: number;
  /** Max criterion value of an alternative relative to the best route (e.g. 2.5 = up to 150 % worse). */
  readonly stretchLimit?: number;
  /** Each time an arc lies on a found path its weight is multiplied by (1 + penalty). */
  readonly penalty?: number;
  /** Max number of penalised searches. */
  readonly maxIterations?: number;
}

export const DEFAULT_ALTERNATIVES: Required<AlternativeParams> = {
  overlapLimit: 0.5,
  overlapBasis: "distance",
  countryOverlapLimit: 0.5,
  stretchLimit: 2.5,
  penalty: 1,
  maxIterations: 40,
};

const CONSTRAINTS: readonly { bit: number; name: string }[] = [
  { bit: BLOCK_MODE, name: "the allowed modes (--modes)" },
  { bit: BLOCK_COUNTRY, name: "the avoided countries (--avoid-countries)" },
  { bit: BLOCK_AVOIDED_ID, name: "the avoided crossings/links (--avoid-crossings)" },
  { bit: BLOCK_CHOKEPOINT, name: "the closed chokepoints (--close)" },
  { bit: BLOCK_YEAR, name: "the network year (projects not yet open; try --year)" },
  { bit: BLOCK_SEASON, name: "the seasonal closures of the chosen month" },
];

export class RoutingContext {
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
  private readonly dijkstra: DijkstraQuery;
  /** [arc] scratch marks for overlap computation. */
  private readonly arcMark: Uint32Array;
  private markRound = 0;

  constructor(net: CompiledNetwork) {
    this.net = net;
    this.reverse = buildReverse(net.graph);
    const n = net.graph.nodeCount;
    this.nodeLonDeg = new Float64Array(n);
    this.nodeLatDeg = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      this.nodeLonDeg[v] = net.placeLonDeg[net.nodePlace[v]];
      this.nodeLatDeg[v] = net.placeLatDeg[net.nodePlace[v]];
    }
    const zero = new Float64Array(net.graph.arcCount);
    this.bound = new GreatCircleLowerBound(this.nodeLonDeg, this.nodeLatDeg, 0);
    this.astar = new AStarQuery(net.graph, zero, this.bound, { noThrough: net.noThrough });
    this.dijkstra = new DijkstraQuery(net.graph, zero, { noThrough: net.noThrough });
    this.arcMark = new Uint32Array(net.graph.arcCount);
  }

  /** Per-arc time/cost/CO2 of one unit of a profile (cached by profile id). */
  profile(o: ResolvedRouteOptions): ProfileColumns {
    let columns = this.profiles.get(o.profile.id);
    if (!columns) {
      columns = profileColumns(this.net, o.profile);
      this.profiles.set(o.profile.id, columns);
    }
    return columns;
  }

  /** The weight set of an option set, built once and cached by optionKey (at most 32 kept). */
  weights(o: ResolvedRouteOptions): WeightSet {
    const key = optionKey(o);
    const cached = this.weightSets.get(key);
    if (cached) return cached;
    const columns = this.profile(o);
    const blocked = blockedArcs(this.net, o);
    const weight = criterionWeights(columns, o, blocked);
    const weightPerKm = consistentWeightPerKm(this.net.graph, weight, this.nodeLonDeg, this.nodeLatDeg);
    const set: WeightSet = { key, options: o, columns, weight, blocked, weightPerKm };
    if (this.weightSets.size >= 32) this.weightSets.delete(this.weightSets.keys().next().value as string);
    this.weightSets.set(key, set);
    return set;
  }

  /** Shortest path between two nodes under a weight column (A* with the great-circle bound), null if none. */
  shortestBetween(source: number, target: number, weight: Float64Array, weightPerKm: number): { arcs: ArcPath; value: number } | null {
    this.astar.setWeight(weight);
    this.bound.setWeightPerKm(weightPerKm);
    const value = this.astar.oneToOne(source, target);
    if (value === INF_WEIGHT) return null;
    return { arcs: this.astar.pathArcs(target), value };
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

  /** Sum of a per-arc column over a path. */
  static sum(column: Float64Array, arcs: ArcPath): number {
    let total = 0;
    for (const a of arcs) total += column[a];
    return total;
  }

  /**
   * Up to k meaningfully different routes by the penalty method: after each search, the weights of the arcs on the
   * path found are multiplied by (1 + penalty); a new path is accepted when (i) its true criterion value is at most
   * stretchLimit × the best, (ii) it differs from every accepted route, and (iii) it shares at most overlapLimit of
   * the shorter route's distance (or time) with every accepted route. Returned best first by the true criterion.
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
    const first = this.findPath(originPlace, destinationPlace, set.weight, set.weightPerKm, viaPlace);
    if (!first) return [];
    const accepted: ArcPath[] = [first];
    if (k <= 1) return accepted;
    const bestValue = RoutingContext.sum(set.weight, first);
    const penalized = Float64Array.from(set.weight);
    const factor = 1 + p.penalty;
    const basis = p.overlapBasis === "time" ? set.columns.timeH : this.net.arcs.distanceKm;
    let last = first;
    const acceptedCountries = [this.transitCountries(first)];
    for (let iteration = 0; iteration < p.maxIterations && accepted.length < k; iteration++) {
      for (const a of last) penalized[a] *= factor;
      // penalties only raise weights, so the bound of the unpenalised column stays consistent
      const candidate = this.findPath(originPlace, destinationPlace, penalized, set.weightPerKm, viaPlace);
      if (!candidate) break;
      last = candidate;
      const value = RoutingContext.sum(set.weight, candidate);
      // too slow/expensive: penalties keep growing, but a later candidate may still qualify
      if (value > p.stretchLimit * bestValue) continue;
      const candidateCountries = this.transitCountries(candidate);
      let distinct = true;
      for (let i = 0; i < accepted.length && distinct; i++) {
        const route = accepted[i];
        if (sameArcs(route, candidate) || this.overlapShare(route, candidate, basis) > p.overlapLimit) distinct = false;
        else if (p.countryOverlapLimit < 1 && countryOverlap(acceptedCountries[i], candidateCountries) > p.countryOverlapLimit) distinct = false;
      }
      if (distinct) {
        accepted.push(candidate);
        acceptedCountries.push(candidateCountries);
      }
    }
    accepted.sort((x, y) => RoutingContext.sum(set.weight, x) - RoutingContext.sum(set.weight, y));
    return accepted;
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

  /** Share of the shorter route's total (by `basis`, [arc]) that lies on arcs both routes use; 0 if both are empty. */
  overlapShare(a: ArcPath, b: ArcPath, basis: Float64Array): number {
    this.markRound++;
    if (this.markRound === 0xffffffff) {
      this.arcMark.fill(0);
      this.markRound = 1;
    }
    const round = this.markRound;
    for (const arc of a) this.arcMark[arc] = round;
    let shared = 0;
    for (const arc of b) if (this.arcMark[arc] === round) shared += basis[arc];
    const shorter = Math.min(RoutingContext.sum(basis, a), RoutingContext.sum(basis, b));
    return shorter > 0 ? shared / shorter : sameArcs(a, b) ? 1 : 0;
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

/** Share of the smaller set's members that are in the other set; 0 when either is empty. */
function countryOverlap(a: Set<number>, b: Set<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const c of small) if (large.has(c)) shared++;
  return shared / small.size;
}

function sameArcs(a: ArcPath, b: ArcPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
