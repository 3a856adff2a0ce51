/**
 * The figures matrix of the best path of every ordered pair (timeH, costUsd, co2Kg, distanceKm) on a cost basis: one
 * Dijkstra per origin on the weight set's weights; on the rates basis each cell's path is re-priced by the rate
 * layers (routing/rates-report.ts) while its row's shortest-path tree is at hand, and — for a cost or generalized
 * criterion — the row is also searched on the rated cost (rates-search.ts, tariff edges; with and without the sea
 * arcs a lane's edges stand for) and a cell takes whichever path has the lowest criterion value with rated charges
 * (its time, CO2 and distance with it). Used by `caravan matrix` and the API's /matrix, so both price a cell the same way.
 */
import { NO_ARC } from "../graph/csr";
import type { RoutingContext, WeightSet } from "./context";
import type { DijkstraQuery } from "./dijkstra";
import { type DistanceMatrix, manyToMany, type RowSubset } from "./matrix";
import type { MatrixPassage } from "./passage-groups";
import { type EffectiveBasis, pricePathOf, ratedCriterionValue } from "./rates-report";
import { ratedTreeFrom } from "./rates-search";

/**
 * On the rates basis with a cost or generalized criterion (null otherwise): per origin, a chooser between a cell's
 * path of the cost model's tree (`own`) and the paths of the rated search from that origin (with and without the sea
 * arcs the tariff edges stand for), by the criterion with rated charges; it returns the path taken and its rated
 * charge.
 */
export function ratedCellChooser(
  ctx: RoutingContext,
  set: WeightSet,
  basis: EffectiveBasis,
): ((sourceNode: number) => (targetNode: number, own: ArrayLike<number>) => { path: ArrayLike<number>; costUsd: number }) | null {
  const pricing = basis.query;
  if (pricing === null || (set.options.criterion !== "cost" && set.options.criterion !== "generalized")) return null;
  return (sourceNode) => {
    const trees = [ratedTreeFrom(ctx, set, pricing, sourceNode), ratedTreeFrom(ctx, set, pricing, sourceNode, false)];
    return (targetNode, own) => {
      let best: ArrayLike<number> = own;
      let bestValue = ratedCriterionValue(ctx, set, own, pricing) - 1e-9;
      for (const tree of trees) {
        const other = targetNode === sourceNode ? null : tree.pathTo(targetNode);
        if (other === null) continue;
        const value = ratedCriterionValue(ctx, set, other.arcs, pricing);
        if (value < bestValue) {
          best = other.arcs;
          bestValue = value;
        }
      }
      return { path: best, costUsd: pricePathOf(ctx, set, best, pricing, false).totalUsd };
    };
  };
}

/**
 * The matrix of `nodes` × `nodes` with sums [timeH, costUsd, co2Kg, distanceKm] ([i × n + j]; +Infinity where
 * unreachable, NaN in costUsd of an unreachable cell on the rates basis). `query` runs on `set.weight`.
 */
export function figuresMatrix(ctx: RoutingContext, set: WeightSet, query: DijkstraQuery, nodes: ArrayLike<number>, basis: EffectiveBasis, passage?: MatrixPassage): DistanceMatrix {
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
  // with rules of passage each group of cells has its own weight set (routing/passage-groups.ts)
  const sets = passage && passage.sets.length > 1 ? passage.sets : [set];
  const choosers = sets.map((s) => ratedCellChooser(ctx, s, basis));
  const chooser = choosers[0];
  /** [cell] figures of a rated search's path where it won: time, CO2, km (NaN = the tree's path). */
  const wonTimeH = chooser ? new Float64Array(n * n).fill(Number.NaN) : null;
  const wonCo2Kg = chooser ? new Float64Array(n * n) : null;
  const wonKm = chooser ? new Float64Array(n * n) : null;
  // the choosers of the row being priced, per group, made when first needed (each runs the row's rated searches)
  const rowChoosers: (ReturnType<NonNullable<typeof chooser>> | null | undefined)[] = sets.map(() => undefined);
  let chooserRow = -1;
  const chooserOf = (i: number, g: number) => {
    if (chooserRow !== i) {
      rowChoosers.fill(undefined);
      chooserRow = i;
    }
    let c = rowChoosers[g];
    if (c === undefined) {
      c = choosers[g]?.(nodes[i]) ?? null;
      rowChoosers[g] = c;
    }
    return c;
  };
  const onRow = (i: number, subset?: RowSubset) => {
    if (pricing === null) return;
    const g = subset?.group ?? 0;
    const groupSet = sets[g];
    // a group forbids group 0's arcs and more: group 0's choice stands where the group allows it (routing/matrix.ts)
    const choose0 = chooser === null ? null : chooserOf(i, 0);
    const choose =
      choose0 === null || g === 0
        ? choose0
        : (target: number, own: ArrayLike<number>) => {
            const first = choose0(target, own);
            return (passage as MatrixPassage).stands(first.path, g) ? first : (chooserOf(i, g) as NonNullable<typeof choose0>)(target, own);
          };
    const count = subset?.count ?? n;
    for (let k = 0; k < count; k++) {
      const j = subset ? subset.index[k] : k;
      const cell = i * n + j;
      if (query.distanceTo(nodes[j]) === Number.POSITIVE_INFINITY) {
        ratedCostUsd[cell] = Number.NaN;
        continue;
      }
      const own = pathTo(nodes[j]);
      if (choose === null) {
        ratedCostUsd[cell] = pricePathOf(ctx, groupSet, own, pricing, false).totalUsd;
        continue;
      }
      const chosen = choose(nodes[j], own);
      ratedCostUsd[cell] = chosen.costUsd;
      if (chosen.path === own) continue;
      let time = 0;
      let co2 = 0;
      let km = 0;
      for (let q = 0; q < chosen.path.length; q++) {
        const a = chosen.path[q];
        time += groupSet.columns.timeH[a];
        co2 += groupSet.columns.co2Kg[a];
        km += net.arcs.distanceKm[a];
      }
      (wonTimeH as Float64Array)[cell] = time;
      (wonCo2Kg as Float64Array)[cell] = co2;
      (wonKm as Float64Array)[cell] = km;
    }
  };
  const m = manyToMany(query, nodes, nodes, {
    sumColumns: [set.columns.timeH, set.columns.costUsd, set.columns.co2Kg, net.arcs.distanceKm],
    onRow,
    ...(sets.length > 1 && passage ? { groups: { ...passage, sumColumns: sets.map((s) => [s.columns.timeH, s.columns.costUsd, s.columns.co2Kg, net.arcs.distanceKm]) } } : {}),
  });
  if (pricing !== null) m.sums[1].set(ratedCostUsd);
  if (wonTimeH && wonCo2Kg && wonKm) {
    for (let cell = 0; cell < wonTimeH.length; cell++) {
      if (Number.isNaN(wonTimeH[cell])) continue;
      m.sums[0][cell] = wonTimeH[cell];
      m.sums[2][cell] = wonCo2Kg[cell];
      m.sums[3][cell] = wonKm[cell];
    }
  }
  return m;
}
