/**
 * HTTP API load: `caravan serve` on the embedded dataset in a child process (its own core), autocannon on loopback
 * sending GET /api/v1/route for seeded random city pairs at fixed rates of 200 and 500 requests per second (10 s
 * each, after a warm-up) on the default cost basis (rates, where the dataset has rate layers), then 500 req/s with
 * costBasis=cost, and the latency percentiles it measures. Target: p99 < 20 ms at 500 req/s on 2 cores.
 * Beside it, the same route answers built in-process with the library (planRoutes + planJson + JSON.stringify) on
 * each basis, so the ratio shows what HTTP, validation and serialisation add. Prints figures only; asserts nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { isCaravanError } from "../src/core/errors";
import { openNetwork } from "../src/network/open";
import { RoutingContext } from "../src/routing/context";
import { planJson } from "../src/routing/format";
import { planRoutes } from "../src/routing/plan";
import { ratesRequestOf } from "../src/routing/query-choices";
import type { RatesRequest } from "../src/routing/rates-report";
import { API_CHOICE_NAMES } from "../src/server/routes/routing";
import { rng } from "./lib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DATA = join(root, "data", "eurasia");
const RATES = [200, 500];
const DURATION_S = 10;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Start `caravan serve --port 0` and return its URL once it prints it. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "serve", "--data", DATA, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 30_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.on("exit", (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
  });
}

async function main(): Promise<void> {
  let net: ReturnType<typeof openNetwork>;
  try {
    net = openNetwork(DATA);
  } catch (error) {
    if (!isCaravanError(error)) throw error;
    console.warn(`api.bench: SKIPPED — ${DATA} does not load: ${error.message.split("\n")[0]}`);
    return;
  }
  const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
  const random = rng(11);
  const pairCount = 2000;
  const pairs: [number, number][] = [];
  while (pairs.length < pairCount) {
    const a = cities[Math.floor(random() * cities.length)];
    const b = cities[Math.floor(random() * cities.length)];
    if (a !== b) pairs.push([a, b]);
  }

  // reference: the same answers in-process (library only), after a warm-up of the weight cache
  const ctx = new RoutingContext(net);
  const reachable: [number, number][] = [];
  for (const [a, b] of pairs) {
    try {
      planRoutes(ctx, { from: a, to: b, criterion: "generalized", cargo: "feu" });
      reachable.push([a, b]);
    } catch (error) {
      if (!isCaravanError(error)) throw error;
    }
  }
  console.log(`${reachable.length} seeded city pairs (of ${pairCount}; the rest have no surface route), criterion generalized, FEU`);
  // the endpoint's default basis (rates where the dataset has rate layers) and the cost model, as the API resolves them
  const bases: [string, RatesRequest][] = [
    ["default basis", ratesRequestOf(DATA, net, {}, API_CHOICE_NAMES)],
    ["costBasis=cost", ratesRequestOf(DATA, net, { costBasis: "cost" }, API_CHOICE_NAMES)],
  ];
  let libP50 = Number.NaN;
  for (const [label, rates] of bases) {
    for (const [a, b] of reachable.slice(0, 200)) planRoutes(ctx, { from: a, to: b, criterion: "generalized", cargo: "feu", rates }); // warm-up
    const libraryMs = new Float64Array(reachable.length);
    const cpu = process.cpuUsage();
    reachable.forEach(([a, b], i) => {
      const t = process.hrtime.bigint();
      JSON.stringify(planJson(planRoutes(ctx, { from: a, to: b, criterion: "generalized", cargo: "feu", rates })));
      libraryMs[i] = Number(process.hrtime.bigint() - t) / 1e6;
    });
    const used = process.cpuUsage(cpu);
    libraryMs.sort();
    if (Number.isNaN(libP50)) libP50 = percentile(libraryMs, 0.5);
    console.log(
      `library in-process, ${label} (${rates.basis}; planRoutes + planJson + JSON.stringify): p50 ${percentile(libraryMs, 0.5).toFixed(3)} ms, p99 ${percentile(libraryMs, 0.99).toFixed(3)} ms, ` +
        `CPU ${((used.user + used.system) / 1000 / reachable.length).toFixed(3)} ms a route; load average ${loadavg()[0].toFixed(1)}`,
    );
  }

  const ids = net.network.places.map((p) => p.id);
  const paths = reachable.map(([a, b]) => `/api/v1/route?from=${encodeURIComponent(ids[a])}&to=${encodeURIComponent(ids[b])}`);
  const load = () => loadavg()[0].toFixed(1);
  console.log(`machine: ${availableParallelism()} cores, load average ${load()} before the run (other processes share the cores; autocannon latencies are whole ms)`);
  const { child, url } = await startServer();
  try {
    let next = 0;
    let suffix = "";
    // the server's own time per request, from its Server-Timing header
    let serverMs: number[] = [];
    const requests: autocannon.Request[] = [
      {
        method: "GET",
        setupRequest: (req) => ({ ...req, path: `${paths[next++ % paths.length]}${suffix}` }),
        onResponse: (_status, _body, _context, headers) => {
          const m = /dur=([\d.]+)/.exec(String((headers as Record<string, unknown>)?.["server-timing"] ?? ""));
          if (m) serverMs.push(Number(m[1]));
        },
      },
    ];
    // warm-up: JIT and the weight cache of the server
    await autocannon({ url, connections: 4, amount: 1000, requests });
    const phases: [number, string][] = [...RATES.map((rate): [number, string] => [rate, ""]), [500, "&costBasis=cost"]];
    for (const [rate, extra] of phases) {
      serverMs = [];
      suffix = extra;
      const r = await autocannon({ url, connections: 10, overallRate: rate, duration: DURATION_S, requests });
      const inServer = Float64Array.from(serverMs).sort();
      const ok = r["2xx"];
      const bad = r.non2xx + r.errors + r.timeouts;
      console.log(
        `GET /api/v1/route${extra ? ` (${extra.slice(1)})` : ""} at ${rate} req/s for ${DURATION_S} s: ${ok} answered (${(ok / DURATION_S).toFixed(0)}/s), ${bad} errors; ` +
          `latency p50 ${r.latency.p50} ms, p90 ${r.latency.p90} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms` +
          `${rate === 500 ? `  (target p99 < 20 ms: ${r.latency.p99 < 20 ? "met" : "NOT met"})` : ""}` +
          `${extra ? "" : `; p50 over the library alone (default basis) ×${(r.latency.p50 / libP50).toFixed(1)}`}; load average ${load()}`,
      );
      console.log(
        `  in the server (Server-Timing, ${inServer.length} responses): p50 ${percentile(inServer, 0.5).toFixed(2)} ms, p99 ${percentile(inServer, 0.99).toFixed(2)} ms, max ${inServer[inServer.length - 1]?.toFixed(2)} ms; the rest of the client's figure is the network stack, the client and the scheduler`,
      );
    }
    // the most expensive requests the caps allow, one at a time: they hold the event loop this long
    const cityIds = cities.slice(0, 50).map((c) => ids[c]);
    for (const [label, path] of [
      ["route Xi'an → Duisburg, 5 alternatives", "/api/v1/route?from=xian&to=duisburg&alternatives=5"],
      ["matrix 50 × 50 cities", `/api/v1/matrix?places=${cityIds.join(",")}`],
    ] as const) {
      const r = await autocannon({ url: `${url.replace(/\/$/, "")}${path}`, connections: 1, amount: 40 });
      console.log(`${label}, sequential: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (${r["2xx"]} answered, ${r.non2xx + r.errors} errors)`);
    }
  } finally {
    child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
