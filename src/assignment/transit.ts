/**
 * Transit by country: the flow that passes through a country without starting or ending there.
 *
 * Input: the per-commodity arc flows of a bush-based solution (Algorithm B; each commodity's flow is acyclic) and
 * the country of every node. For a commodity with origin country O and a country K ≠ O, let φ(v) be the share of
 * the commodity's flow arriving at node v that has been in K on its way: φ = 1 at nodes in K, otherwise the
 * inflow-weighted mean of φ at the tails of the node's in-arcs (computed in topological order). The transit of the
 * commodity through K is Σ over its destinations d outside K of demand_d · φ(d).
 *
 * This is exact for the path decomposition in which flows mix in proportion at every node; when commodities are
 * split by destination country (as the corridor adapter does) and no route leaves and re-enters K, it is the same
 * for every path decomposition of the commodity flows.
 */
import { CaravanError } from "../core/errors";
import type { AssignmentProblem } from "./problem";

/** Sentinel country index of a node without a country (sea waypoints). */
export const NO_COUNTRY_INDEX = -1;

/**
 * Transit flow per class and country: result[c * countryCount + K], flow units.
 * `nodeCountry[v]` is the country index of node v (0 .. countryCount-1) or NO_COUNTRY_INDEX.
 */
export function transitByCountry(problem: AssignmentProblem, commodityFlow: Float64Array, nodeCountry: Int32Array, countryCount: number): Float64Array {
  const { graph, reverse, commodities, classes } = problem;
  const n = graph.nodeCount;
  const m = graph.arcCount;
  if (commodityFlow.length !== commodities.count * m) {
    throw new RangeError(`transitByCountry: ${commodityFlow.length} commodity flows for ${commodities.count} commodities × ${m} arcs`);
  }
  if (nodeCountry.length !== n) throw new RangeError(`transitByCountry: nodeCountry has ${nodeCountry.length} entries for ${n} nodes`);
  const { firstOut, head, tail } = graph;
  const { firstIn, inArc } = reverse;
  const out = new Float64Array(classes.length * countryCount);
  const indeg = new Int32Array(n);
  const order = new Int32Array(n);
  const phi = new Float64Array(n);
  const inflow = new Float64Array(n);
  const touched = new Uint8Array(countryCount);
  for (let k = 0; k < commodities.count; k++) {
    const base = k * m;
    const origin = commodities.origin[k];
    const originCountry = nodeCountry[origin];
    // topological order of the nodes the commodity's flow reaches (Kahn over arcs with flow)
    for (let a = 0; a < m; a++) if (commodityFlow[base + a] > 0) indeg[head[a]]++;
    let qh = 0;
    let qt = 0;
    order[qt++] = origin;
    while (qh < qt) {
      const u = order[qh++];
      for (let a = firstOut[u]; a < firstOut[u + 1]; a++) {
        if (!(commodityFlow[base + a] > 0)) continue;
        if (--indeg[head[a]] === 0) order[qt++] = head[a];
      }
    }
    let cyclic = false;
    for (let a = 0; a < m; a++) {
      if (commodityFlow[base + a] > 0 && indeg[head[a]] !== 0) cyclic = true;
      indeg[head[a]] = 0;
    }
    if (cyclic) throw new CaravanError("E_GRAPH_INVARIANT", `transit by country needs acyclic commodity flows; commodity ${k} (origin node ${origin}) has a cycle`);
    touched.fill(0);
    for (let i = 0; i < qt; i++) {
      const v = order[i];
      inflow[v] = 0;
      const kv = nodeCountry[v];
      if (kv !== NO_COUNTRY_INDEX) touched[kv] = 1;
    }
    for (let i = 1; i < qt; i++) {
      const v = order[i];
      for (let q = firstIn[v]; q < firstIn[v + 1]; q++) {
        const f = commodityFlow[base + inArc[q]];
        if (f > 0) inflow[v] += f;
      }
    }
    const cls = commodities.classOf[k];
    for (let K = 0; K < countryCount; K++) {
      if (touched[K] === 0 || K === originCountry) continue;
      phi[origin] = 0;
      for (let i = 1; i < qt; i++) {
        const v = order[i];
        if (nodeCountry[v] === K) {
          phi[v] = 1;
          continue;
        }
        let s = 0;
        for (let q = firstIn[v]; q < firstIn[v + 1]; q++) {
          const a = inArc[q];
          const f = commodityFlow[base + a];
          if (f > 0) s += f * phi[tail[a]];
        }
        phi[v] = inflow[v] > 0 ? s / inflow[v] : 0;
      }
      let transit = 0;
      for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
        const d = commodities.destNode[e];
        if (nodeCountry[d] === K) continue;
        transit += commodities.demand[e] * phi[d];
      }
      out[cls * countryCount + K] += transit;
    }
  }
  return out;
}
