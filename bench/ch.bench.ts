/**
 * Contraction hierarchies on OSM Moscow (../shared/graphs/moscow-roads.{co,gr}.bin, ODbL; format in
 * ../shared/graphs/SOURCES.md: int32 LE x,y per node and 1-based (from,to) pairs, undirected, Euclidean weights).
 * Prints preprocessing time, one-to-one query median / p99 with CH beside bidirectional Dijkstra and A* measured in
 * this run (ratios of medians), a 1000 × 1000 matrix by CH buckets beside the existing matrix code
 * (manyToManyParallel, core graph + worker threads) on the same sources and targets, and 10,000 seeded random pairs
 * checked against plain Dijkstra (mismatch count; equality up to float rounding, 1e-12 relative). Targets from
 * issue 12: preprocessing ≤ 60 s, query median ≤ 100 µs, matrix ≤ 1.5 s. Skips with a message when the files are absent.
 */
import { existsSync } from "node:fs";
import { buildReverse, INF_WEIGHT } from "../src/graph/csr";
import { AStarQuery, EuclideanLowerBound } from "../src/routing/astar";
import { BidirectionalDijkstraQuery } from "../src/routing/bidirectional";
import { buildContractionHierarchy, ChQuery, checkHierarchyInvariants } from "../src/routing/ch";
import { DijkstraQuery } from "../src/routing/dijkstra";
import { manyToManyParallel } from "../src/routing/parallel-matrix";
import { loadMoscow, MOSCOW_CO_FILE, MOSCOW_GR_FILE, rng, seconds, timeOneToOne } from "./lib";

const coFile = MOSCOW_CO_FILE;
const grFile = MOSCOW_GR_FILE;

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

const us = (s: number) => `${(s * 1e6).toFixed(0)} µs`;

async function main(): Promise<void> {
  if (!existsSync(coFile) || !existsSync(grFile)) {
    console.warn(`ch.bench: SKIPPED — ${coFile} / ${grFile} not found (the shared benchmark graphs live beside the project in ../shared/graphs).`);
    return;
  }
  let start = process.hrtime.bigint();
  const { graph, weight, x, y } = loadMoscow();
  console.log(`Moscow roads: ${graph.nodeCount} nodes, ${graph.arcCount} arcs; load + CSR ${seconds(start).toFixed(2)} s`);

  start = process.hrtime.bigint();
  const h = buildContractionHierarchy(graph, weight);
  const preprocessS = seconds(start);
  const chArcs = h.upHead.length + h.downTail.length;
  console.log(
    `CH preprocessing: ${preprocessS.toFixed(1)} s (target ≤ 60 s); ${h.shortcutCount} shortcuts, ${chArcs} hierarchy arcs ` +
      `(${((chArcs * 20 + h.nodeCount * 16) / 2 ** 20).toFixed(0)} MiB)`,
  );
  const problems = checkHierarchyInvariants(h, graph, weight);
  console.log(`  invariant check: ${problems.length === 0 ? "sound" : `${problems.length} problem(s): ${problems.slice(0, 3).join("; ")}`}`);

  const random = rng(20261205);
  const pick = () => Math.floor(random() * graph.nodeCount);
  const pairCount = 1000;
  const pairs = new Uint32Array(2 * pairCount);
  for (let i = 0; i < 2 * pairCount; i++) pairs[i] = pick();
  const ch = new ChQuery(h);
  timeOneToOne(ch, pairs.subarray(0, 200)); // warm-up of the JIT
  const chT = timeOneToOne(ch, pairs);
  const bidir = timeOneToOne(new BidirectionalDijkstraQuery(graph, buildReverse(graph), weight), pairs);
  const astar = timeOneToOne(new AStarQuery(graph, weight, new EuclideanLowerBound(x, y, 1)), pairs);
  let differ = 0;
  for (let i = 0; i < pairCount; i++) if (!sameDistance(chT.dist[i], bidir.dist[i])) differ++;
  console.log(`${pairCount} seeded one-to-one queries (same pairs, this run):`);
  console.log(`  CH                      median ${us(chT.medianS)}, p99 ${us(chT.p99S)}, mean settled ${chT.settled.toFixed(0)} (target median ≤ 100 µs)`);
  console.log(`  bidirectional Dijkstra  median ${us(bidir.medianS)}, p99 ${us(bidir.p99S)}, mean settled ${bidir.settled.toFixed(0)}; CH ×${(bidir.medianS / chT.medianS).toFixed(0)} faster (median)`);
  console.log(`  A* (Euclidean bound)    median ${us(astar.medianS)}, p99 ${us(astar.p99S)}, mean settled ${astar.settled.toFixed(0)}; CH ×${(astar.medianS / chT.medianS).toFixed(0)} faster (median)`);
  console.log(`  CH distances differing from bidirectional Dijkstra: ${differ}/${pairCount}`);

  // 1000 × 1000 matrix: CH buckets vs the existing matrix code, same sources and targets
  const size = 1000;
  const sources = new Uint32Array(size);
  const targets = new Uint32Array(size);
  for (let i = 0; i < size; i++) sources[i] = pick();
  for (let i = 0; i < size; i++) targets[i] = pick();
  start = process.hrtime.bigint();
  const chMatrix = ch.manyToMany(sources, targets);
  const chMatrixS = seconds(start);
  start = process.hrtime.bigint();
  const old = await manyToManyParallel({ graph, weight }, sources, targets, { contract: true });
  const oldS = seconds(start);
  let cellsDiffer = 0;
  let maxRel = 0;
  let unreachable = 0;
  for (let k = 0; k < size * size; k++) {
    const a = chMatrix[k];
    const b = old.distance[k];
    if (b === INF_WEIGHT) unreachable++;
    if (a === b) continue;
    const rel = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(rel <= 1e-9)) cellsDiffer++;
    else if (rel > maxRel) maxRel = rel;
  }
  console.log(
    `${size} × ${size} matrix: CH buckets ${chMatrixS.toFixed(2)} s (1 thread; target ≤ 1.5 s) vs existing matrix code ${oldS.toFixed(1)} s ` +
      `(${old.workers} worker(s), core graph) = ×${(oldS / chMatrixS).toFixed(1)}; cells differing beyond 1e-9 relative: ${cellsDiffer} ` +
      `(largest rounding difference ${maxRel.toExponential(1)}); ${unreachable} unreachable cells`,
  );

  // 10,000 random pairs against plain Dijkstra: 100 random sources (one-to-all each) × 100 random targets each
  const dijkstra = new DijkstraQuery(graph, weight);
  let mismatches = 0;
  let checked = 0;
  const examples: string[] = [];
  start = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) {
    const s = pick();
    dijkstra.oneToAll(s);
    for (let j = 0; j < 100; j++) {
      const t = pick();
      const expected = dijkstra.distanceTo(t);
      const got = ch.oneToOne(s, t);
      checked++;
      if (!sameDistance(got, expected)) {
        mismatches++;
        if (examples.length < 3) examples.push(`${s}→${t}: CH ${got}, Dijkstra ${expected}`);
      }
    }
  }
  console.log(
    `exactness: ${checked} seeded random pairs (100 sources × 100 targets) against plain Dijkstra: ${mismatches} mismatches ` +
      `(rule: equal up to 1e-12 relative float rounding)${examples.length ? ` e.g. ${examples.join("; ")}` : ""} [${seconds(start).toFixed(1)} s]`,
  );
}

await main();
