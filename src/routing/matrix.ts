import { INF_WEIGHT, NO_ARC, type NodeIndex } from "../graph/csr";
import type { OneToAllQuery, ShortestPathQuery } from "./dijkstra";

/** Result of a many-to-many computation: row-major over (source, target). */
export interface DistanceMatrix {
  readonly sourceCount: number;
  readonly targetCount: number;
  /** [source * targetCount + target] shortest distance under the query's weights, INF_WEIGHT when unreachable. */
  readonly distance: Float64Array;
  /**
   * [column][source * targetCount + target] sum of each extra per-arc column along the chosen shortest path (e.g.
   * distanceKm while optimising time); NaN when unreachable. Same order as `sumColumns` in the call.
   */
  readonly sums: Float64Array[];
}

export interface MatrixOptions {
  /** Per-arc columns to add up along each chosen path ([arc] each). */
  readonly sumColumns?: readonly Float64Array[];
  /** Called after each source row is done (progress reporting). */
  readonly onRow?: (sourceIndex: number) => void;
}

function hasOneToAll(query: ShortestPathQuery): query is OneToAllQuery {
  return typeof (query as Partial<OneToAllQuery>).oneToAll === "function";
}

/** A query that computes a whole distance matrix at once (ChQuery: the bucket method over a contraction hierarchy). */
export interface BucketMatrixQuery extends ShortestPathQuery {
  /** Row-major [source * targets.length + target] distances, INF_WEIGHT where unreachable. */
  manyToMany(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>): Float64Array;
  /** Optional: distances plus per-arc column sums along each chosen path (NaN where unreachable), without unpacking paths. */
  manyToManyColumns?(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>, columns: readonly ArrayLike<number>[]): { distance: Float64Array; sums: Float64Array[] };
}

function hasBucketMatrix(query: ShortestPathQuery): query is BucketMatrixQuery {
  return typeof (query as Partial<BucketMatrixQuery>).manyToMany === "function";
}

/**
 * Many-to-many shortest paths with ONE query object (its scratch state is reused by every row, nothing is
 * allocated per row). With a one-to-all query (Dijkstra) each source runs one search that stops when every target is
 * settled. With a bucket-matrix query (ChQuery over a CH or a customized CCH) the whole matrix comes from one
 * bucket computation (one upward search per source and per target); sum columns ride along as per-hierarchy-arc sums,
 * so no path is unpacked (the sums add the same arc values, grouped by shortcuts: equal up to float rounding). With any
 * other ShortestPathQuery (bidirectional, A*) each pair runs one oneToOne and unpacks its path.
 */
export function manyToMany(
  query: ShortestPathQuery,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  options: MatrixOptions = {},
): DistanceMatrix {
  const sourceCount = sources.length;
  const targetCount = targets.length;
  const distance = new Float64Array(sourceCount * targetCount);
  const columns = options.sumColumns ?? [];
  const sums = columns.map(() => new Float64Array(sourceCount * targetCount));
  const oneToAll = hasOneToAll(query);
  if (!oneToAll && hasBucketMatrix(query) && (columns.length === 0 || typeof query.manyToManyColumns === "function")) {
    if (columns.length === 0) distance.set(query.manyToMany(sources, targets));
    else {
      const m = (query as Required<BucketMatrixQuery>).manyToManyColumns(sources, targets, columns);
      distance.set(m.distance);
      for (let c = 0; c < columns.length; c++) sums[c].set(m.sums[c]);
    }
    if (options.onRow) for (let i = 0; i < sourceCount; i++) options.onRow(i);
    return { sourceCount, targetCount, distance, sums };
  }
  for (let i = 0; i < sourceCount; i++) {
    const s = sources[i];
    if (oneToAll) {
      if (typeof query.oneToMany === "function") query.oneToMany(s, targets);
      else query.oneToAll(s);
    }
    for (let j = 0; j < targetCount; j++) {
      const t = targets[j];
      const cell = i * targetCount + j;
      const d = oneToAll ? query.distanceTo(t) : query.oneToOne(s, t);
      distance[cell] = d;
      if (columns.length === 0) continue;
      if (d === INF_WEIGHT) {
        for (let c = 0; c < columns.length; c++) sums[c][cell] = Number.NaN;
        continue;
      }
      if (oneToAll) {
        // walk the shortest-path tree back from t; no allocation
        const tail = query.graph.tail;
        for (let c = 0; c < columns.length; c++) sums[c][cell] = 0;
        for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
          for (let c = 0; c < columns.length; c++) sums[c][cell] += columns[c][a];
        }
      } else {
        const arcs = query.pathArcs(t);
        for (let c = 0; c < columns.length; c++) {
          let total = 0;
          for (const a of arcs) total += columns[c][a];
          sums[c][cell] = total;
        }
      }
    }
    options.onRow?.(i);
  }
  return { sourceCount, targetCount, distance, sums };
}
