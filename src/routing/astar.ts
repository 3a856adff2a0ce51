import { type ArcIndex, type CsrGraph, INF_WEIGHT, NO_ARC, type NodeIndex } from "../graph/csr";
import { IndexedMinHeap } from "../graph/heap";
import type { DijkstraOptions, ReweightableQuery } from "./dijkstra";
import { EARTH_RADIUS_KM, haversineKm } from "../network/geo";

/**
 * A lower bound on the remaining distance to a target, supplied by the caller. It must be CONSISTENT for the weights
 * the query uses: `bound(u) ≤ w(u,v) + bound(v)` for every usable arc and `bound(target) = 0` (then it is also
 * admissible, and A* settles every node at most once). +Infinity means "the target cannot be reached from here".
 */
export interface LowerBound {
  /** Prepare for a new target (precompute what the bound needs, e.g. the target's coordinates). */
  setTarget(target: NodeIndex): void;
  /** Lower bound on the distance node → current target. */
  bound(node: NodeIndex): number;
}

/** The trivial bound 0: A* degenerates to plain Dijkstra. */
export const ZERO_LOWER_BOUND: LowerBound = {
  setTarget(): void {},
  bound(): number {
    return 0;
  },
};

/**
 * Straight-line distance on planar coordinates × `weightPerUnit` (e.g. 1 for Euclidean arc lengths, 1/maxSpeed for
 * times). Consistent whenever every arc weighs at least `weightPerUnit ×` the straight-line length between its ends.
 */
export class EuclideanLowerBound implements LowerBound {
  private tx = 0;
  private ty = 0;
  constructor(
    /** [node] x coordinate. */
    private readonly x: ArrayLike<number>,
    /** [node] y coordinate. */
    private readonly y: ArrayLike<number>,
    private readonly weightPerUnit: number,
  ) {}
  setTarget(target: NodeIndex): void {
    this.tx = this.x[target];
    this.ty = this.y[target];
  }
  bound(node: NodeIndex): number {
    const dx = this.x[node] - this.tx;
    const dy = this.y[node] - this.ty;
    return Math.sqrt(dx * dx + dy * dy) * this.weightPerUnit;
  }
}

/** Great-circle (haversine) distance in km between two points given in degrees: the network's one definition. */
export const greatCircleKm = haversineKm;
export { EARTH_RADIUS_KM };

/**
 * Great-circle distance × `weightPerKm` (e.g. 1 / fastest speed in km/h for travel time in hours, or the cheapest
 * cost per km for cost). Consistent when every arc weighs at least `weightPerKm ×` the great-circle distance between
 * its end nodes' coordinates. A small relative slack (default 1e-9) absorbs floating-point rounding.
 */
export class GreatCircleLowerBound implements LowerBound {
  private tLon = 0;
  private tLat = 0;
  private factor = 0;
  constructor(
    /** [node] longitude, degrees. */
    private readonly lonDeg: ArrayLike<number>,
    /** [node] latitude, degrees. */
    private readonly latDeg: ArrayLike<number>,
    weightPerKm: number,
    private readonly slack = 1e-9,
  ) {
    this.setWeightPerKm(weightPerKm);
  }
  /** Change the scale (e.g. for another weight column); 0 turns the bound off. */
  setWeightPerKm(weightPerKm: number): void {
    this.factor = Number.isFinite(weightPerKm) && weightPerKm > 0 ? weightPerKm * (1 - this.slack) : 0;
  }
  setTarget(target: NodeIndex): void {
    this.tLon = this.lonDeg[target];
    this.tLat = this.latDeg[target];
  }
  bound(node: NodeIndex): number {
    if (this.factor === 0) return 0;
    return greatCircleKm(this.lonDeg[node], this.latDeg[node], this.tLon, this.tLat) * this.factor;
  }
}

/**
 * A* search: Dijkstra on reduced keys `dist(u) + bound(u)` with a caller-supplied consistent lower bound. Returns the
 * same distances as plain Dijkstra; settles fewer nodes the tighter the bound. Scratch state belongs to the query
 * object (timestamps reset it in O(1)); the graph and weights are shared and never written.
 *
 * A node reached with a shorter distance after it was settled (possible only when rounding makes a bound slightly
 * inconsistent) is re-opened, so the result stays exact.
 */
/**
 * The largest `weightPerKm` for which GreatCircleLowerBound is consistent with `weight`: the minimum over usable arcs
 * of weight / great-circle length between the arc's end nodes (0 when some arc of positive length weighs nothing).
 */
export function consistentWeightPerKm(graph: CsrGraph, weight: Float64Array, lonDeg: ArrayLike<number>, latDeg: ArrayLike<number>): number {
  let best = Number.POSITIVE_INFINITY;
  const { tail, head } = graph;
  for (let a = 0; a < graph.arcCount; a++) {
    const w = weight[a];
    if (w === INF_WEIGHT) continue;
    const u = tail[a];
    const v = head[a];
    if (lonDeg[u] === lonDeg[v] && latDeg[u] === latDeg[v]) continue;
    const km = greatCircleKm(lonDeg[u], latDeg[u], lonDeg[v], latDeg[v]);
    if (km > 0 && w / km < best) best = w / km;
  }
  return best === Number.POSITIVE_INFINITY ? 0 : best;
}

export class AStarQuery implements ReweightableQuery {
  readonly graph: CsrGraph;
  private weight: Float64Array;
  private readonly lowerBound: LowerBound;
  private readonly noThrough: Uint8Array | undefined;
  /** [node] tentative distance from the source, valid where stamp[node] === round. */
  private readonly dist: Float64Array;
  /** [node] arc by which the node was reached. */
  private readonly pred: Int32Array;
  /** [node] run number of the last write. */
  private readonly stamp: Uint32Array;
  private readonly heap: IndexedMinHeap;
  private round = 0;
  private source: NodeIndex = -1;
  private target: NodeIndex = -1;
  settledCount = 0;

  constructor(graph: CsrGraph, weight: Float64Array, lowerBound: LowerBound, options: DijkstraOptions = {}) {
    if (weight.length !== graph.arcCount) throw new RangeError(`AStarQuery: ${weight.length} weights for ${graph.arcCount} arcs`);
    this.graph = graph;
    this.weight = weight;
    this.lowerBound = lowerBound;
    this.noThrough = options.noThrough;
    this.dist = new Float64Array(graph.nodeCount);
    this.pred = new Int32Array(graph.nodeCount);
    this.stamp = new Uint32Array(graph.nodeCount);
    this.heap = new IndexedMinHeap(graph.nodeCount);
  }

  setWeight(weight: Float64Array): void {
    if (weight.length !== this.graph.arcCount) throw new RangeError(`setWeight: ${weight.length} weights for ${this.graph.arcCount} arcs`);
    this.weight = weight;
  }

  oneToOne(source: NodeIndex, target: NodeIndex): number {
    const { firstOut, head } = this.graph;
    const weight = this.weight;
    const { dist, pred, stamp, heap, noThrough, lowerBound } = this;
    this.round++;
    if (this.round === 0xffffffff) {
      stamp.fill(0);
      this.round = 1;
    }
    const round = this.round;
    this.source = source;
    this.target = target;
    lowerBound.setTarget(target);
    heap.clear();
    dist[source] = 0;
    pred[source] = NO_ARC;
    stamp[source] = round;
    let settled = 0;
    const h0 = lowerBound.bound(source);
    if (h0 !== INF_WEIGHT) heap.pushOrDecrease(source, h0);
    while (!heap.isEmpty()) {
      const u = heap.pop();
      settled++;
      if (u === target) break;
      if (noThrough !== undefined && noThrough[u] === 1 && u !== source) continue;
      const du = dist[u];
      const end = firstOut[u + 1];
      for (let a = firstOut[u]; a < end; a++) {
        const w = weight[a];
        if (w === INF_WEIGHT) continue;
        const v = head[a];
        const dv = du + w;
        if (stamp[v] !== round || dv < dist[v]) {
          const hv = lowerBound.bound(v);
          if (hv === INF_WEIGHT) continue;
          stamp[v] = round;
          dist[v] = dv;
          pred[v] = a;
          heap.pushOrDecrease(v, dv + hv);
        }
      }
    }
    this.settledCount = settled;
    return stamp[target] === round ? dist[target] : INF_WEIGHT;
  }

  pathArcs(target: NodeIndex): ArcIndex[] {
    const arcs: ArcIndex[] = [];
    if (target !== this.target || this.stamp[target] !== this.round) return arcs;
    let v = target;
    while (v !== this.source) {
      const a = this.pred[v];
      if (a === NO_ARC) return [];
      arcs.push(a);
      v = this.graph.tail[a];
    }
    arcs.reverse();
    return arcs;
  }
}
