/**
 * Routing on the curated data/eurasia network: compile time (no cache), one-to-one query time (median, p99) over
 * 10,000 seeded random city pairs with A* (great-circle bound), bidirectional Dijkstra and plain Dijkstra (the
 * baseline), and the full city × city matrix (one Dijkstra search per origin). Prints figures and ratios only.
 *
 * Contraction hierarchies on the same network, measured beside the Dijkstra matrices of this run: the customizable
 * hierarchy's metric-independent build and its customization for the time weights, the distance-only city × city
 * matrix by buckets (CCH, and a regular CH built for the metric) against one Dijkstra search per origin, the matrix
 * with time/cost/CO2/km sums carried through the buckets against the Dijkstra tree walk (with the count of cells
 * whose sums differ: ties between equally short paths), and routes as arc lists (the bucket search with every
 * cell's path unpacked, ChQuery.manyToManyPaths) against the tree walk (timed on the first 50 origins, the
 * per-origin cost printed for both).
 */
import { isCaravanError } from "../src/core/errors";
import { buildReverse, INF_WEIGHT } from "../src/graph/csr";
import { accessNode } from "../src/network/compiled";
import { compileNetwork } from "../src/network/build";
import { loadNetwork } from "../src/network/load";
import { AStarQuery, GreatCircleLowerBound } from "../src/routing/astar";
import { BidirectionalDijkstraQuery } from "../src/routing/bidirectional";
import { buildContractionHierarchy, buildCustomizableHierarchy, ChQuery, customizeHierarchy, nestedDissectionOrder } from "../src/routing/ch";
import { RoutingContext } from "../src/routing/context";
import { DijkstraQuery, type ShortestPathQuery } from "../src/routing/dijkstra";
import { manyToMany } from "../src/routing/matrix";
import { resolveRouteOptions } from "../src/routing/options";
import { rng } from "./lib";

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function main(): void {
  const dir = "data/eurasia";
  let start = process.hrtime.bigint();
  let loaded: ReturnType<typeof loadNetwork>;
  try {
    loaded = loadNetwork(dir);
  } catch (error) {
    if (!isCaravanError(error)) throw error;
    console.warn(`routing.bench: SKIPPED — ${dir} does not load: ${error.message.split("\n")[0]}`);
    return;
  }
  const loadS = seconds(start);
  start = process.hrtime.bigint();
  const net = compileNetwork(loaded);
  const compileS = seconds(start);
  start = process.hrtime.bigint();
  const ctx = new RoutingContext(net);
  const set = ctx.weights(resolveRouteOptions(net, { criterion: "time" }));
  const prepareS = seconds(start);
  console.log(
    `data/eurasia: ${net.placeCount} places, ${net.graph.nodeCount} nodes, ${net.graph.arcCount} arcs; load+validate ${loadS.toFixed(3)} s, compile ${compileS.toFixed(3)} s, ` +
      `routing context + time weights ${(prepareS * 1e3).toFixed(1)} ms`,
  );

  const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
  const random = rng(7);
  const pairCount = 10_000;
  const pairs = new Uint32Array(2 * pairCount);
  for (let i = 0; i < 2 * pairCount; i++) pairs[i] = accessNode(cities[Math.floor(random() * cities.length)]);

  const bound = new GreatCircleLowerBound(ctx.nodeLonDeg, ctx.nodeLatDeg, set.weightPerKm);
  const queries: [string, ShortestPathQuery][] = [
    ["plain Dijkstra", new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough })],
    ["bidirectional Dijkstra", new BidirectionalDijkstraQuery(net.graph, buildReverse(net.graph), set.weight, { noThrough: net.noThrough })],
    ["A* (great-circle bound)", new AStarQuery(net.graph, set.weight, bound, { noThrough: net.noThrough })],
  ];
  console.log(`${pairCount} seeded one-to-one queries between ${cities.length} cities (criterion: time, FEU):`);
  let baselineS = 0;
  let reference: Float64Array | null = null;
  for (const [name, query] of queries) {
    const times = new Float64Array(pairCount);
    const dist = new Float64Array(pairCount);
    let settled = 0;
    const total = process.hrtime.bigint();
    for (let i = 0; i < pairCount; i++) {
      const t0 = process.hrtime.bigint();
      dist[i] = query.oneToOne(pairs[2 * i], pairs[2 * i + 1]);
      times[i] = seconds(t0);
      settled += query.settledCount;
    }
    const totalS = seconds(total);
    times.sort();
    let mismatches = 0;
    if (reference) {
      for (let i = 0; i < pairCount; i++) if (Math.abs(dist[i] - reference[i]) > 1e-9 * Math.max(1, reference[i])) mismatches++;
    } else {
      reference = dist;
      baselineS = totalS;
    }
    console.log(
      `  ${name.padEnd(24)} median ${(times[pairCount >> 1] * 1e6).toFixed(0)} µs, p99 ${(times[Math.floor(pairCount * 0.99)] * 1e6).toFixed(0)} µs, ` +
        `total ${totalS.toFixed(2)} s (×${(baselineS / totalS).toFixed(2)} vs plain), mean settled ${(settled / pairCount).toFixed(0)}, mismatches ${mismatches}`,
    );
  }
  const unreachable = reference ? reference.filter((d) => d === INF_WEIGHT).length : 0;
  console.log(`  unreachable pairs: ${unreachable}`);

  const nodes = cities.map(accessNode);
  start = process.hrtime.bigint();
  const m = manyToMany(new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough }), nodes, nodes, {
    sumColumns: [set.columns.timeH, set.columns.costUsd, set.columns.co2Kg, net.arcs.distanceKm],
  });
  const matrixS = seconds(start);
  console.log(`city × city matrix (${cities.length} × ${cities.length}, with time/cost/CO2/km sums): ${matrixS.toFixed(3)} s, ${((matrixS / cities.length) * 1e3).toFixed(2)} ms per origin, ${m.distance.filter((d) => d === INF_WEIGHT).length} unreachable cells`);

  // contraction hierarchies, beside the Dijkstra matrices of this run
  start = process.hrtime.bigint();
  const cch = buildCustomizableHierarchy(net.graph, nestedDissectionOrder(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, { noThrough: net.noThrough }), net.noThrough);
  const cchBuildS = seconds(start);
  customizeHierarchy(cch, set.weight); // JIT warm-up
  const customizeRuns = new Float64Array(5);
  let hierarchy = customizeHierarchy(cch, set.weight);
  for (let k = 0; k < customizeRuns.length; k++) {
    start = process.hrtime.bigint();
    hierarchy = customizeHierarchy(cch, set.weight);
    customizeRuns[k] = seconds(start);
  }
  customizeRuns.sort();
  const customizeS = customizeRuns[customizeRuns.length >> 1];
  const cchQuery = new ChQuery(hierarchy);
  cchQuery.manyToMany(nodes, nodes); // JIT warm-up
  start = process.hrtime.bigint();
  const cchMatrix = cchQuery.manyToMany(nodes, nodes);
  const cchMatrixS = seconds(start);
  start = process.hrtime.bigint();
  const ch = buildContractionHierarchy(net.graph, set.weight, { noThrough: net.noThrough });
  const chBuildS = seconds(start);
  const chQuery = new ChQuery(ch);
  chQuery.manyToMany(nodes, nodes);
  start = process.hrtime.bigint();
  chQuery.manyToMany(nodes, nodes);
  const chMatrixS = seconds(start);
  const dijkstraQuery = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
  manyToMany(dijkstraQuery, nodes, nodes);
  start = process.hrtime.bigint();
  const plain = manyToMany(dijkstraQuery, nodes, nodes).distance;
  const plainS = seconds(start);
  let differ = 0;
  for (let cell = 0; cell < plain.length; cell++) {
    const a = cchMatrix[cell];
    const b = plain[cell];
    if (a !== b && !(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)))) differ++;
  }
  console.log(
    `CCH on this network: metric-independent build ${(cchBuildS * 1e3).toFixed(0)} ms (once per topology), customization for the time weights ` +
      `${(customizeS * 1e3).toFixed(1)} ms (median of ${customizeRuns.length}); regular CH build ${(chBuildS * 1e3).toFixed(0)} ms per metric`,
  );
  console.log(
    `  distance-only city × city matrix: Dijkstra ${(plainS * 1e3).toFixed(0)} ms, CCH buckets ${(cchMatrixS * 1e3).toFixed(0)} ms ` +
      `(×${(plainS / cchMatrixS).toFixed(1)}; with customization ×${(plainS / (cchMatrixS + customizeS)).toFixed(1)}), CH buckets ${(chMatrixS * 1e3).toFixed(0)} ms ` +
      `(×${(plainS / chMatrixS).toFixed(1)}); cells differing beyond 1e-12 relative: ${differ}`,
  );
  // the matrix with sums along each path: Dijkstra's tree walk (the line above) vs sums carried through the buckets
  const sumColumns = [set.columns.timeH, set.columns.costUsd, set.columns.co2Kg, net.arcs.distanceKm];
  manyToMany(cchQuery, nodes, nodes, { sumColumns });
  start = process.hrtime.bigint();
  const carried = manyToMany(cchQuery, nodes, nodes, { sumColumns });
  const carriedS = seconds(start);
  const sumsDiffer = [0, 0, 0, 0];
  for (let c = 0; c < sumColumns.length; c++) {
    for (let cell = 0; cell < plain.length; cell++) {
      const a = carried.sums[c][cell];
      const b = m.sums[c][cell];
      if (a !== b && !(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) sumsDiffer[c]++;
    }
  }
  console.log(
    `  city × city matrix with time/cost/CO2/km sums: CCH buckets carrying per-arc sums ${(carriedS * 1e3).toFixed(0)} ms (arc sums included) vs Dijkstra tree walk ` +
      `${(matrixS * 1e3).toFixed(0)} ms above (×${(matrixS / carriedS).toFixed(1)}); cells whose time/cost/CO2/km sums differ beyond 1e-9 relative: ${sumsDiffer.join("/")} ` +
      "(equally short paths with other sums: the two methods break ties differently)",
  );
  const rows = 50;
  start = process.hrtime.bigint();
  let arcsWalked = 0;
  cchQuery.manyToManyPaths(nodes.slice(0, rows), nodes, (_, row) => {
    for (let j = 0; j < nodes.length; j++) arcsWalked += row.path(j).length;
  });
  const unpackS = seconds(start);
  start = process.hrtime.bigint();
  manyToMany(dijkstraQuery, nodes.slice(0, rows), nodes, { sumColumns });
  const treeS = seconds(start);
  console.log(
    `  routes as arc lists (what a scenario run's corridors need), first ${rows} origins: CCH bucket search with every cell's path unpacked (ChQuery.manyToManyPaths) ${((unpackS / rows) * 1e3).toFixed(2)} ms per origin ` +
      `(${arcsWalked} arcs), Dijkstra tree walk with sums ${((treeS / rows) * 1e3).toFixed(2)} ms per origin (ratio CCH/Dijkstra ×${(unpackS / treeS).toFixed(2)})`,
  );
}

main();
