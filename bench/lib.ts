/** Shared helpers of the benchmark scripts: a seeded PRNG (so every run draws the same data) and a timer. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCsr, type CsrGraph } from "../src/graph/csr";
import type { ShortestPathQuery } from "../src/routing/dijkstra";

/** The project's seeded PRNG (src/core/random.ts), so every run draws the same data. */
export { seededRandom as rng } from "../src/core/random";

/** Seconds elapsed since `start` (a process.hrtime.bigint() reading). */
export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The OSM Moscow road graph of ../shared/graphs (ODbL; format in its SOURCES.md: int32 LE x,y per node, 1-based (from,to) pairs, undirected). */
export const MOSCOW_CO_FILE = resolve(dirname(fileURLToPath(import.meta.url)), "../../shared/graphs/moscow-roads.co.bin");
export const MOSCOW_GR_FILE = resolve(dirname(fileURLToPath(import.meta.url)), "../../shared/graphs/moscow-roads.gr.bin");

/** The q-quantile of an ascending array (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Both directions of every Moscow edge as a CSR graph, with Euclidean arc weights in .co units and node coordinates. */
export function loadMoscow(): { graph: CsrGraph; weight: Float64Array; x: Float64Array; y: Float64Array } {
  const co = readFileSync(MOSCOW_CO_FILE);
  const gr = readFileSync(MOSCOW_GR_FILE);
  const coords = new Int32Array(co.buffer, co.byteOffset, co.byteLength / 4);
  const pairs = new Int32Array(gr.buffer, gr.byteOffset, gr.byteLength / 4);
  const nodeCount = coords.length / 2;
  const x = new Float64Array(nodeCount); // [node]
  const y = new Float64Array(nodeCount); // [node]
  for (let v = 0; v < nodeCount; v++) {
    x[v] = coords[2 * v];
    y[v] = coords[2 * v + 1];
  }
  const edgeCount = pairs.length / 2;
  // undirected: both directions of every edge
  const tails = new Uint32Array(2 * edgeCount);
  const heads = new Uint32Array(2 * edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const u = pairs[2 * e] - 1;
    const v = pairs[2 * e + 1] - 1;
    tails[2 * e] = u;
    heads[2 * e] = v;
    tails[2 * e + 1] = v;
    heads[2 * e + 1] = u;
  }
  const graph = buildCsr(nodeCount, tails, heads);
  const weight = new Float64Array(graph.arcCount); // [arc] Euclidean length in .co units
  for (let a = 0; a < graph.arcCount; a++) {
    const dx = x[graph.head[a]] - x[graph.tail[a]];
    const dy = y[graph.head[a]] - y[graph.tail[a]];
    weight[a] = Math.sqrt(dx * dx + dy * dy);
  }
  return { graph, weight, x, y };
}

/** One-to-one queries over `pairs` ([s0, t0, s1, t1, …]), each timed: median, p99 and total seconds, mean settled nodes, distances. */
export function timeOneToOne(query: ShortestPathQuery, pairs: Uint32Array): { medianS: number; p99S: number; totalS: number; settled: number; dist: Float64Array } {
  const count = pairs.length / 2;
  const dist = new Float64Array(count);
  const perQueryS = new Float64Array(count);
  let settled = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    dist[i] = query.oneToOne(pairs[2 * i], pairs[2 * i + 1]);
    perQueryS[i] = seconds(t0);
    settled += query.settledCount;
  }
  const totalS = seconds(start);
  perQueryS.sort();
  return { medianS: quantile(perQueryS, 0.5), p99S: quantile(perQueryS, 0.99), totalS, settled: settled / count, dist };
}
