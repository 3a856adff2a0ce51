/**
 * Shortest paths on a real road graph: OSM Moscow (../shared/graphs/moscow-roads.{co,gr}.bin, ODbL; format in
 * ../shared/graphs/SOURCES.md). Prints load time, one-to-all Dijkstra time, 1,000 seeded one-to-one queries with
 * plain Dijkstra vs bidirectional Dijkstra vs A* (Euclidean bound), and a 1000 × 1000 matrix between seeded random
 * nodes (core graph + worker threads, spot-checked against plain queries); ratios are to the plain Dijkstra baseline
 * run in this process (the matrix against 1,000 × the measured one-to-all time). Skips with a message when the files are absent.
 *
 * Reference figures on this kind of machine (2 cores): plain typed-array Dijkstra ≈ 0.08 s one-to-all; SciPy 0.19 s,
 * igraph 0.36 s one-to-all.
 */
import { existsSync } from "node:fs";
import { buildReverse, INF_WEIGHT } from "../src/graph/csr";
import { AStarQuery, EuclideanLowerBound } from "../src/routing/astar";
import { BidirectionalDijkstraQuery } from "../src/routing/bidirectional";
import { DijkstraQuery, type ShortestPathQuery } from "../src/routing/dijkstra";
import { manyToManyParallel } from "../src/routing/parallel-matrix";
import { loadMoscow, MOSCOW_CO_FILE, MOSCOW_GR_FILE, rng, seconds, timeOneToOne } from "./lib";

const coFile = MOSCOW_CO_FILE;
const grFile = MOSCOW_GR_FILE;

function timeQueries(name: string, query: ShortestPathQuery, pairs: Uint32Array, reference: Float64Array | null): { totalS: number; dist: Float64Array } {
  const { medianS, p99S, totalS, settled, dist } = timeOneToOne(query, pairs);
  let mismatches = 0;
  if (reference) for (let i = 0; i < dist.length; i++) if (Math.abs(dist[i] - reference[i]) > 1e-6 * Math.max(1, reference[i])) mismatches++;
  console.log(
    `  ${name.padEnd(24)} total ${totalS.toFixed(2)} s, median ${(medianS * 1e3).toFixed(2)} ms, p99 ${(p99S * 1e3).toFixed(2)} ms, mean settled ${settled.toFixed(0)}` +
      (reference ? `, distance mismatches vs Dijkstra: ${mismatches}` : ""),
  );
  return { totalS, dist };
}

async function main(): Promise<void> {
  if (!existsSync(coFile) || !existsSync(grFile)) {
    console.warn(`moscow.bench: SKIPPED — ${coFile} / ${grFile} not found (the shared benchmark graphs live beside the project in ../shared/graphs).`);
    return;
  }
  let start = process.hrtime.bigint();
  const { graph, weight, x, y } = loadMoscow();
  const reverse = buildReverse(graph);
  console.log(`load + CSR build: ${seconds(start).toFixed(2)} s (${graph.nodeCount} nodes, ${graph.arcCount} arcs)`);

  const random = rng(20240611);
  const pick = () => Math.floor(random() * graph.nodeCount);

  // one-to-all
  const dijkstra = new DijkstraQuery(graph, weight);
  const oneToAllS: number[] = [];
  let reached = 0;
  for (let r = 0; r < 5; r++) {
    const source = pick();
    start = process.hrtime.bigint();
    dijkstra.oneToAll(source);
    oneToAllS.push(seconds(start));
    reached = dijkstra.settledCount;
  }
  oneToAllS.sort((a, b) => a - b);
  const oneToAllMedianS = oneToAllS[2];
  console.log(`one-to-all Dijkstra: median of 5 ${oneToAllMedianS.toFixed(3)} s (settled ${reached} nodes; reference: SciPy 0.19 s, igraph 0.36 s)`);

  // 1,000 one-to-one queries
  const pairCount = 1000;
  const pairs = new Uint32Array(2 * pairCount);
  for (let i = 0; i < 2 * pairCount; i++) pairs[i] = pick();
  console.log(`${pairCount} seeded one-to-one queries:`);
  const plain = timeQueries("plain Dijkstra", dijkstra, pairs, null);
  const bidir = timeQueries("bidirectional Dijkstra", new BidirectionalDijkstraQuery(graph, reverse, weight), pairs, plain.dist);
  const astar = timeQueries("A* (Euclidean bound)", new AStarQuery(graph, weight, new EuclideanLowerBound(x, y, 1)), pairs, plain.dist);
  console.log(`  speed-up vs plain: bidirectional ×${(plain.totalS / bidir.totalS).toFixed(2)}, A* ×${(plain.totalS / astar.totalS).toFixed(2)}`);

  // 1000 × 1000 matrix
  const matrixSize = 1000;
  const sources = new Uint32Array(matrixSize);
  const targets = new Uint32Array(matrixSize);
  for (let i = 0; i < matrixSize; i++) sources[i] = pick();
  for (let i = 0; i < matrixSize; i++) targets[i] = pick();
  start = process.hrtime.bigint();
  const matrix = await manyToManyParallel({ graph, weight }, sources, targets, { contract: true });
  const matrixS = seconds(start);
  let unreachable = 0;
  for (const d of matrix.distance) if (d === INF_WEIGHT) unreachable++;
  // spot-check 20 cells against single one-to-one queries
  let wrong = 0;
  for (let k = 0; k < 20; k++) {
    const i = Math.floor(random() * matrixSize);
    const j = Math.floor(random() * matrixSize);
    const d = dijkstra.oneToOne(sources[i], targets[j]);
    const m = matrix.distance[i * matrixSize + j];
    if (!(d === m || Math.abs(d - m) <= 1e-9 * d)) wrong++;
  }
  console.log(
    `${matrixSize} × ${matrixSize} matrix (core graph of ${matrix.searchedNodes} nodes built in ${matrix.contractS.toFixed(2)} s: dead ends pruned, degree-2 chains contracted; ` +
      `${matrix.workers} worker(s), one search per source stopping at the last target): ${matrixS.toFixed(1)} s ` +
      `= ${((matrixS / matrixSize) * 1e3).toFixed(1)} ms per source, ×${((oneToAllMedianS * matrixSize) / matrixS).toFixed(2)} vs ${matrixSize} sequential one-to-all runs ` +
      `(${(oneToAllMedianS * matrixSize).toFixed(1)} s estimated); ${unreachable} unreachable cells; spot-check mismatches: ${wrong}/20`,
  );
}

await main();
