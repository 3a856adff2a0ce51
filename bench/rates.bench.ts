/**
 * Route choice on the rated cost (src/routing/rates-search.ts) on data/eurasia: the tariff edges' build for a weight
 * set and month, one `route --optimize cost` query on the rates basis (rated search + re-ranked alternatives)
 * against the re-ranking alone and against the cost basis, over seeded random city pairs (median, p99), and the
 * city × city figures matrix with the rated choice per cell against the re-priced cost-model tree. Prints figures and
 * ratios only.
 */
import { isCaravanError } from "../src/core/errors";
import { accessNode } from "../src/network/compiled";
import { openNetwork } from "../src/network/open";
import { RoutingContext } from "../src/routing/context";
import { DijkstraQuery } from "../src/routing/dijkstra";
import { resolveRouteOptions } from "../src/routing/options";
import { planRoutes } from "../src/routing/plan";
import { figuresMatrix } from "../src/routing/rated-matrix";
import { readDatasetRates } from "../src/routing/rates";
import { effectiveBasis, pricePathOf, RATED_POOL } from "../src/routing/rates-report";
import { tariffEdges } from "../src/routing/rates-search";
import { quantile, rng, seconds } from "./lib";

function main(): void {
  const dir = "data/eurasia";
  let net: ReturnType<typeof openNetwork>;
  try {
    net = openNetwork(dir, { cacheDir: false });
  } catch (error) {
    if (!isCaravanError(error)) throw error;
    console.warn(`rates.bench: SKIPPED — ${dir} does not load: ${error.message.split("\n")[0]}`);
    return;
  }
  const layer = readDatasetRates(dir, net);
  if (layer === null) {
    console.warn("rates.bench: SKIPPED — the dataset has no rate layers");
    return;
  }
  const month = "2024-07";
  const ctx = new RoutingContext(net);
  const set = ctx.weights(resolveRouteOptions(net, { criterion: "cost" }));
  const query = effectiveBasis(set, { basis: "rates", layer, month }).query;
  if (query === null) throw new Error("expected the rates basis");
  let start = process.hrtime.bigint();
  const table = tariffEdges(ctx, set, query);
  let edges = 0;
  for (const list of table.edges.values()) edges += list.length;
  console.log(`tariff edges (${month}, cost criterion, FEU): ${edges} edges, built in ${seconds(start).toFixed(3)} s`);

  const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
  const random = rng(20261206);
  const pairs: [number, number][] = [];
  while (pairs.length < 200) {
    const a = cities[Math.floor(random() * cities.length)];
    const b = cities[Math.floor(random() * cities.length)];
    if (a !== b) pairs.push([a, b]);
  }
  const time = (f: (from: number, to: number) => unknown): Float64Array => {
    const out = new Float64Array(pairs.length);
    pairs.forEach(([a, b], k) => {
      const t = process.hrtime.bigint();
      try {
        f(a, b);
      } catch (error) {
        if (!isCaravanError(error)) throw error;
      }
      out[k] = seconds(t) * 1000;
    });
    return out.sort();
  };
  const rated = time((from, to) => planRoutes(ctx, { from, to, criterion: "cost", rates: { basis: "rates", layer, month } }));
  const rerank = time((from, to) => ctx.alternatives(from, to, set, RATED_POOL, null).map((p) => pricePathOf(ctx, set, p, query, false).totalUsd));
  const costBasis = time((from, to) => planRoutes(ctx, { from, to, criterion: "cost", rates: { basis: "cost", layer } }));
  const line = (name: string, ms: Float64Array) => `${name}: median ${quantile(ms, 0.5).toFixed(1)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms`;
  console.log(`route --optimize cost, ${pairs.length} seeded city pairs:`);
  console.log(`  ${line("rates basis (rated search + re-ranked alternatives)", rated)}`);
  console.log(`  ${line("re-ranking alone (6 alternatives, priced)", rerank)}  — rated/re-rank ${(quantile(rated, 0.5) / quantile(rerank, 0.5)).toFixed(2)}×`);
  console.log(`  ${line("cost basis", costBasis)}`);

  const nodes = Uint32Array.from(cities.slice(0, 100).map(accessNode));
  const dijkstra = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
  start = process.hrtime.bigint();
  figuresMatrix(ctx, set, dijkstra, nodes, effectiveBasis(set, { basis: "rates", layer, month }));
  const ratedMatrixS = seconds(start);
  start = process.hrtime.bigint();
  figuresMatrix(ctx, set, dijkstra, nodes, effectiveBasis(set, { basis: "cost", layer: null }));
  const costMatrixS = seconds(start);
  console.log(`figures matrix ${nodes.length} × ${nodes.length} cities, --optimize cost: rates basis (rated choice per cell) ${ratedMatrixS.toFixed(2)} s, cost basis ${costMatrixS.toFixed(2)} s (${(ratedMatrixS / costMatrixS).toFixed(1)}×)`);
}

main();
