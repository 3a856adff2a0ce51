/**
 * Customizable contraction hierarchies on OSM Moscow (../shared/graphs/moscow-roads.{co,gr}.bin, ODbL; loader in
 * bench/lib.ts). One metric-independent build (nested-dissection order by inertial flow + chordal structure), then two
 * metrics customized on it: the Euclidean length and a seeded random metric (length × a factor in [0.5, 3] drawn per
 * arc, so the two directions of a street differ). For each metric: customization time (first and median of 3),
 * one-to-one query median / p99 on 1000 seeded pairs, a 1000 × 1000 bucket matrix, and 10,000 seeded pairs (100
 * sources × 100 targets) checked against plain Dijkstra (mismatch count; equality up to 1e-12 relative rounding).
 * References measured in this same run: the existing contraction hierarchy (ch/build.ts) rebuilt for the random
 * metric — what a new metric costs without customization — with its query median and matrix on the same pairs, and
 * plain Dijkstra's one-to-all time from the exactness check. Targets from issue 12: customization ≤ 2 s, query
 * median ≤ 100 µs, matrix ≤ 1.5 s, preprocessing ≤ 60 s. Skips with a message when the files are absent.
 */
import { existsSync } from "node:fs";
import { INF_WEIGHT } from "../src/graph/csr";
import {
  allocateMetric,
  buildContractionHierarchy,
  buildCustomizableHierarchy,
  ChQuery,
  checkCchInvariants,
  checkHierarchyInvariants,
  customize,
  customizedHierarchy,
  nestedDissectionOrder,
} from "../src/routing/ch";
import { DijkstraQuery } from "../src/routing/dijkstra";
import { loadMoscow, MOSCOW_CO_FILE, MOSCOW_GR_FILE, quantile, rng, seconds, timeOneToOne } from "./lib";

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
const us = (s: number) => `${(s * 1e6).toFixed(0)} µs`;

async function main(): Promise<void> {
  if (!existsSync(MOSCOW_CO_FILE) || !existsSync(MOSCOW_GR_FILE)) {
    console.warn(`cch.bench: SKIPPED — ${MOSCOW_CO_FILE} / ${MOSCOW_GR_FILE} not found (the shared benchmark graphs live beside the project in ../shared/graphs).`);
    return;
  }
  let start = process.hrtime.bigint();
  const { graph, weight: lengthWeight, x, y } = loadMoscow();
  console.log(`Moscow roads: ${graph.nodeCount} nodes, ${graph.arcCount} arcs; load + CSR ${seconds(start).toFixed(2)} s`);

  // metric-independent build
  start = process.hrtime.bigint();
  const order = nestedDissectionOrder(graph, x, y);
  const orderS = seconds(start);
  start = process.hrtime.bigint();
  const cch = buildCustomizableHierarchy(graph, order);
  const structureS = seconds(start);
  let triangles = 0;
  let maxUp = 0;
  for (let r = 0; r < cch.nodeCount; r++) {
    const d = cch.firstUp[r + 1] - cch.firstUp[r];
    triangles += (d * (d - 1)) / 2;
    if (d > maxUp) maxUp = d;
  }
  console.log(
    `CCH build (metric-independent, once): nested-dissection order ${orderS.toFixed(1)} s + chordal structure ${structureS.toFixed(2)} s = ` +
      `${(orderS + structureS).toFixed(1)} s (target ≤ 60 s); ${cch.upHead.length} edges, ${triangles} lower triangles, largest upward degree ${maxUp}`,
  );
  start = process.hrtime.bigint();
  const structural = checkCchInvariants(cch, graph);
  console.log(`  structure invariant check: ${structural.length === 0 ? "sound" : `${structural.length} problem(s): ${structural.slice(0, 3).join("; ")}`} [${seconds(start).toFixed(1)} s]`);

  const random = rng(20261205);
  const randomWeight = new Float64Array(graph.arcCount); // [arc] length × factor in [0.5, 3], per direction
  for (let a = 0; a < graph.arcCount; a++) randomWeight[a] = lengthWeight[a] * (0.5 + 2.5 * random());
  const pick = () => Math.floor(random() * graph.nodeCount);
  const pairCount = 1000;
  const pairs = new Uint32Array(2 * pairCount);
  for (let i = 0; i < 2 * pairCount; i++) pairs[i] = pick();
  const size = 1000;
  const sources = new Uint32Array(size);
  const targets = new Uint32Array(size);
  for (let i = 0; i < size; i++) sources[i] = pick();
  for (let i = 0; i < size; i++) targets[i] = pick();
  const checkSources = Uint32Array.from({ length: 100 }, pick);
  const checkTargets = Uint32Array.from({ length: 100 }, pick);

  const metrics: [string, Float64Array][] = [
    ["Euclidean length", lengthWeight],
    ["random metric", randomWeight],
  ];
  const reused = allocateMetric(cch);
  let randomCchQueryMedianS = 0;
  let randomCchMatrixS = 0;
  for (const [name, weight] of metrics) {
    const runs = new Float64Array(3);
    for (let k = 0; k < runs.length; k++) {
      start = process.hrtime.bigint();
      customize(cch, weight, reused);
      runs[k] = seconds(start);
    }
    const firstS = runs[0];
    runs.sort();
    start = process.hrtime.bigint();
    const h = customizedHierarchy(cch, reused);
    const packS = seconds(start);
    console.log(
      `${name}: customization ${firstS.toFixed(2)} s first, ${quantile(runs, 0.5).toFixed(2)} s median of ${runs.length} (target ≤ 2 s), ` +
        `+ ${packS.toFixed(2)} s packing the query hierarchy; ${h.shortcutCount} shortcut weights`,
    );
    const metricProblems = checkCchInvariants(cch, graph, reused, weight);
    const packedProblems = checkHierarchyInvariants(h, graph, weight);
    console.log(`  metric invariant checks: ${metricProblems.length + packedProblems.length === 0 ? "sound" : [...metricProblems, ...packedProblems].slice(0, 3).join("; ")}`);
    const q = new ChQuery(h);
    timeOneToOne(q, pairs.subarray(0, 200)); // JIT warm-up
    const t = timeOneToOne(q, pairs);
    console.log(`  one-to-one (${pairCount} seeded pairs): median ${us(t.medianS)}, p99 ${us(t.p99S)}, mean settled ${t.settled.toFixed(0)} (target median ≤ 100 µs)`);
    start = process.hrtime.bigint();
    const matrix = q.manyToMany(sources, targets);
    const matrixS = seconds(start);
    let unreachable = 0;
    for (let k = 0; k < matrix.length; k++) if (matrix[k] === INF_WEIGHT) unreachable++;
    console.log(`  ${size} × ${size} matrix (buckets, 1 thread): ${matrixS.toFixed(2)} s (target ≤ 1.5 s); ${unreachable} unreachable cells`);
    if (weight === randomWeight) {
      randomCchQueryMedianS = t.medianS;
      randomCchMatrixS = matrixS;
    }
    const dijkstra = new DijkstraQuery(graph, weight);
    let mismatches = 0;
    const examples: string[] = [];
    const oneToAllS = new Float64Array(checkSources.length);
    for (let i = 0; i < checkSources.length; i++) {
      const s = checkSources[i];
      const t0 = process.hrtime.bigint();
      dijkstra.oneToAll(s);
      oneToAllS[i] = seconds(t0);
      for (let j = 0; j < checkTargets.length; j++) {
        const expected = dijkstra.distanceTo(checkTargets[j]);
        const got = q.oneToOne(s, checkTargets[j]);
        if (!sameDistance(got, expected)) {
          mismatches++;
          if (examples.length < 3) examples.push(`${s}→${checkTargets[j]}: CCH ${got}, Dijkstra ${expected}`);
        }
      }
    }
    oneToAllS.sort();
    console.log(
      `  exactness: ${checkSources.length * checkTargets.length} seeded pairs against plain Dijkstra: ${mismatches} mismatches${examples.length ? ` e.g. ${examples.join("; ")}` : ""} ` +
        `(plain Dijkstra one-to-all, measured here: median ${(quantile(oneToAllS, 0.5) * 1e3).toFixed(0)} ms)`,
    );
  }

  // reference measured in this run: a regular CH needs a full preprocessing for the new metric
  start = process.hrtime.bigint();
  const ch = buildContractionHierarchy(graph, randomWeight);
  const chBuildS = seconds(start);
  const chQuery = new ChQuery(ch);
  timeOneToOne(chQuery, pairs.subarray(0, 200));
  const chT = timeOneToOne(chQuery, pairs);
  start = process.hrtime.bigint();
  chQuery.manyToMany(sources, targets);
  const chMatrixS = seconds(start);
  console.log(
    `reference, same run — regular CH (witness-search contraction) for the random metric: preprocessing ${chBuildS.toFixed(1)} s per metric, ` +
      `query median ${us(chT.medianS)} (CCH ${us(randomCchQueryMedianS)}: ×${(randomCchQueryMedianS / chT.medianS).toFixed(1)} the CH time), ` +
      `matrix ${chMatrixS.toFixed(2)} s (CCH ${randomCchMatrixS.toFixed(2)} s: ×${(randomCchMatrixS / chMatrixS).toFixed(1)} the CH time)`,
  );
  console.log(
    "published figures for other machines: RoutingKit's documentation (doc/CustomizableContractionHierarchy.md) states no customization time; " +
      "the CCH paper (Dibbelt, Strasser & Wagner, ACM JEA 2016) reports times for continental graphs on its own hardware — not restated or compared here.",
  );
}

await main();
