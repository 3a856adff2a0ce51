/**
 * The figures matrix of the best path of every ordered pair (timeH, costUsd, co2Kg, distanceKm) on a cost basis: one
 * Dijkstra per origin on the weight set's weights; on the rates basis each cell's path is re-priced by the rate
 * layers (routing/rates-report.ts) while its row's shortest-path tree is at hand. Used by `caravan matrix` and the
 * API's /matrix, so both price a cell the same way.
 */
import { NO_ARC } from "../graph/csr";
import type { RoutingContext, WeightSet } from "./context";
import type { DijkstraQuery } from "./dijkstra";
import { type DistanceMatrix, manyToMany } from "./matrix";
import { type EffectiveBasis, pricePathOf } from "./rates-report";

/**
 * The matrix of `nodes` × `nodes` with sums [timeH, costUsd, co2Kg, distanceKm] ([i × n + j]; +Infinity where
 * unreachable, NaN in costUsd of an unreachable cell on the rates basis). `query` runs on `set.weight`.
 */
export function figuresMatrix(ctx: RoutingContext, set: WeightSet, query: DijkstraQuery, nodes: ArrayLike<number>, basis: EffectiveBasis): DistanceMatrix {
  const net = ctx.net;
  const n = nodes.length;
  const ratedCostUsd = new Float64Array(n * n); // [i × n + j]
  const tail = net.graph.tail;
  let path = new Uint32Array(256);
  /** The path to t in the row's shortest-path tree, in a reused buffer (origin first). */
  const pathTo = (t: number): Uint32Array => {
    let length = 0;
    for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
      if (length === path.length) {
        const grown = new Uint32Array(2 * path.length);
        grown.set(path);
        path = grown;
      }
      path[length++] = a;
    }
    return path.subarray(0, length).reverse();
  };
  const pricing = basis.query;
  const onRow = (i: number) => {
    if (pricing === null) return;
    for (let j = 0; j < n; j++) {
      ratedCostUsd[i * n + j] = query.distanceTo(nodes[j]) === Number.POSITIVE_INFINITY ? Number.NaN : pricePathOf(ctx, set, pathTo(nodes[j]), pricing, false).totalUsd;
    }
  };
  const m = manyToMany(query, nodes, nodes, { sumColumns: [set.columns.timeH, set.columns.costUsd, set.columns.co2Kg, net.arcs.distanceKm], onRow });
  if (pricing !== null) m.sums[1].set(ratedCostUsd);
  return m;
}
