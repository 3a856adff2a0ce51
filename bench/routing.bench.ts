/**
 * Routing on the curated data/eurasia network: compile time (no cache), one-to-one query time (median, p99) over
 * 10,000 seeded random city pairs with A* (great-circle bound), bidirectional Dijkstra and plain Dijkstra (the
 * baseline), and the full city × city matrix (one Dijkstra search per origin). Prints figures and ratios only.
 */
import { isCaravanError } from "../src/core/errors";
import { buildReverse, INF_WEIGHT } from "../src/graph/csr";
import { accessNode } from "../src/network/compiled";
import { compileNetwork } from "../src/network/build";
import { loadNetwork } from "../src/network/load";
import { AStarQuery, GreatCircleLowerBound } from "../src/routing/astar";
import { BidirectionalDijkstraQuery } from "../src/routing/bidirectional";
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
}

main();
