/**
 * Country-pair shipment times on data/eurasia: the city × city computation of `gravity pair-times` (every city with a
 * population, baseline today vs projects open by 2030). Prints cities, city pairs, seconds (median of 5 runs) for:
 *   - computePairTimes end to end (two city × city matrices + aggregation to country pairs),
 *   - one city × city matrix (one-to-many Dijkstra per source row, stopping at the last city),
 *   - the same matrix on worker threads (manyToManyParallel, one weight column: checked equal to the serial matrix
 *     with the rules of passage off),
 *   - baseline: one bidirectional one-to-one query per city pair on the weights of its rules of passage (the pair's
 *     group, routing/passage-groups.ts), timed on 2,000 seeded pairs and scaled to all pairs;
 * with ratios to the baseline measured in this process.
 */
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { accessNode } from "../src/network/compiled";
import { openNetwork } from "../src/network/open";
import { manyToManyParallel, RoutingContext, resolveRouteOptions } from "../src/routing/index";
import { matrixPassage } from "../src/routing/passage-groups";
import { chooseCities, cityTimes, computePairTimes } from "../src/trade/pair-times/pair-times";
import { rng, seconds } from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const dataset = resolve(here, "../data/eurasia");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  let start = process.hrtime.bigint();
  const net = openNetwork(dataset, { cacheDir: false });
  const openS = seconds(start);
  const ctx = new RoutingContext(net);
  const cities = chooseCities(net);
  const n = cities.place.length;
  const nodes = Uint32Array.from(cities.place, accessNode);
  console.log(`data/eurasia: ${net.placeCount} places, ${net.graph.nodeCount} nodes, ${net.graph.arcCount} arcs (compiled in ${openS.toFixed(2)} s)`);
  console.log(`cities: ${n} with a population in ${cities.countries.length} countries → ${n * n} city pairs, ${cities.countries.length ** 2} country pairs`);

  const runs = 5;
  const endToEnd: number[] = [];
  for (let r = 0; r < runs; r++) {
    start = process.hrtime.bigint();
    computePairTimes(net, { scenario: { year: 2030 }, context: ctx });
    endToEnd.push(seconds(start));
  }
  const options = resolveRouteOptions(net, { criterion: "time" });
  const passage = matrixPassage(ctx, options, cities.place, cities.place);
  // the parallel matrix takes one weight column: compared with the serial matrix with the rules off
  const optionsOff = resolveRouteOptions(net, { criterion: "time", rulesOff: ["all"] });
  const set = ctx.weights(optionsOff);
  const serialOff = cityTimes(ctx, optionsOff, nodes);
  const matrix: number[] = [];
  let serial: Float64Array = new Float64Array(0);
  for (let r = 0; r < runs; r++) {
    start = process.hrtime.bigint();
    serial = cityTimes(ctx, options, nodes);
    matrix.push(seconds(start));
  }
  const workers = Math.max(1, availableParallelism());
  const parallel: number[] = [];
  let usedWorkers = 1;
  let mismatches = 0;
  for (let r = 0; r < 3; r++) {
    start = process.hrtime.bigint();
    const result = await manyToManyParallel({ graph: net.graph, weight: set.weight, noThrough: net.noThrough }, nodes, nodes, { workers });
    parallel.push(seconds(start));
    usedWorkers = result.workers;
    mismatches = 0;
    for (let cell = 0; cell < serialOff.length; cell++) if (result.distance[cell] !== serialOff[cell]) mismatches++;
  }

  // baseline: one one-to-one query per pair, on a seeded sample
  const random = rng(20261127);
  const samples = 2000;
  let checked = 0;
  start = process.hrtime.bigint();
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    const pairSet = passage.sets[passage.cellGroup(i, j)];
    const found = ctx.shortestBetween(nodes[i], nodes[j], pairSet.weight, pairSet.weightPerKm);
    const value = found === null ? Number.POSITIVE_INFINITY : found.value;
    if (Math.abs(value - serial[i * n + j]) <= 1e-9 * Math.max(1, value) || value === serial[i * n + j]) checked++;
  }
  const perPairS = seconds(start) / samples;
  const baselineS = perPairS * n * n;

  const endS = median(endToEnd);
  const matrixS = median(matrix);
  const parallelS = median(parallel);
  console.log("");
  console.log(`computePairTimes (2 matrices + aggregation): ${endS.toFixed(3)} s  (${((n * n * 2) / endS / 1e3).toFixed(0)} k city pairs/s; ${((2 * baselineS) / endS).toFixed(1)}× the baseline for two matrices)`);
  console.log(`one city × city matrix, one-to-many Dijkstra:  ${matrixS.toFixed(3)} s  (${(baselineS / matrixS).toFixed(1)}× the baseline)`);
  console.log(
    `same matrix on ${usedWorkers} worker thread(s):           ${parallelS.toFixed(3)} s  (${(baselineS / parallelS).toFixed(1)}× the baseline; ${mismatches} cells differ from the serial matrix with the rules off)`,
  );
  console.log(`baseline, one-to-one per pair:                 ${baselineS.toFixed(3)} s  (${(perPairS * 1e6).toFixed(1)} µs per pair × ${n * n}; ${checked}/${samples} sampled pairs equal the matrix)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
