/**
 * Appraisal stage benchmarks on data/eurasia (targets of issue 8: one project with 10,000 Monte Carlo draws ≤ 10 s;
 * the whole Belt and Road study with ≥ 150 economies in the GE ≤ 60 s, on the 2-core machine).
 *
 * 1. Project appraisal of darbaza-maktaaral (the library project whose links carry corridor demand): the with/without
 *    routing of the corridor demand once, then 10,000 seeded draws on the per-row changes. Reference beside it: the
 *    naive Monte Carlo that re-routes both states in every draw, timed on 20 draws and scaled to 10,000.
 * 2. A package of three library projects appraised with the congested comparison (every comparison assigned to
 *    equilibrium): states and equilibria reused across the standalone, incremental and pair comparisons, beside the
 *    reference that solves every comparison's two states afresh (the same package without reuse).
 * 3. The Belt and Road study: every city of the network, four states, times for two mode sets, GE on a seeded
 *    synthetic trade matrix over every economy with a 2022 GDP in ../shared/trade/wdi-gdp.csv (skipped with a message
 *    when that file is absent). The matrix is synthetic (gravity in GDPs with seeded noise): it times the code, it is
 *    not data.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appraisePackage, appraiseProject, DEFAULT_PARAMETERS, effectsOf, findProject, projectSubject, runMonteCarlo, subjectModel } from "../src/appraisal/index";
import { readDemandCsv, resolveDemand } from "../src/assignment/corridor-demand";
import { openNetwork } from "../src/network/open";
import { RoutingContext } from "../src/routing/index";
import { readGdp, readTradeMatrix, runBeltAndRoadStudy } from "../src/studies/belt-and-road/index";
import { rng, seconds } from "./lib";

/** CPU seconds (user + system) of this process since `start` (a process.cpuUsage() reading): on a shared machine the wall time follows the load, the CPU time much less. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

const here = dirname(fileURLToPath(import.meta.url));
const dataset = resolve(here, "../data/eurasia");
const gdpFile = resolve(here, "../../shared/trade/wdi-gdp.csv");

function monteCarlo(): void {
  const net = openNetwork(dataset);
  const ctx = new RoutingContext(net);
  const demand = resolveDemand(net, readDemandCsv(join(dataset, "demand", "corridors-2024.csv")));
  const project = findProject(net, "darbaza-maktaaral");
  let start = process.hrtime.bigint();
  const subject = projectSubject(net, project);
  const effects = effectsOf(ctx, demand, subject.year, [project.id]);
  const routeS = seconds(start);
  const model = subjectModel(subject, effects, { parameters: DEFAULT_PARAMETERS }); // the appraisal's own model (unit values in the subject's prices)
  start = process.hrtime.bigint();
  const mc = runMonteCarlo(model, DEFAULT_PARAMETERS.discountRatePct, { draws: 10_000, seed: 1 });
  const drawsS = seconds(start);
  start = process.hrtime.bigint();
  const fullCpu = process.cpuUsage();
  const full = appraiseProject(project, { ctx, demand, parameters: DEFAULT_PARAMETERS, monteCarlo: { draws: 10_000, seed: 1 } });
  const wholeS = seconds(start);
  const wholeCpuS = cpuSeconds(fullCpu);
  // reference: re-route in every draw (what a Monte Carlo without per-row reuse costs)
  const naiveDraws = 20;
  start = process.hrtime.bigint();
  for (let k = 0; k < naiveDraws; k++) effectsOf(new RoutingContext(net), demand, subject.year, [project.id]);
  const naivePerDrawS = seconds(start) / naiveDraws;
  console.log(`project ${project.id}: ${demand.length} demand rows routed in both states in ${routeS.toFixed(2)} s`);
  console.log(`10,000 draws on the per-row changes of the free-flow comparison: ${drawsS.toFixed(3)} s (P10/P50/P90 ENPV ${(mc.enpvP10Usd / 1e6).toFixed(0)} / ${(mc.enpvP50Usd / 1e6).toFixed(0)} / ${(mc.enpvP90Usd / 1e6).toFixed(0)} M USD)`);
  console.log(
    `whole appraisal with 10,000 draws (comparison ${full.network.comparison.method}: routing or equilibria, streams, sensitivity, Monte Carlo): ${wholeS.toFixed(2)} s, CPU ${wholeCpuS.toFixed(2)} s (target ≤ 10 s); ENPV ${(full.result.enpvUsd / 1e6).toFixed(1)} M USD, Monte Carlo P50 ${((full.monteCarlo?.enpvP50Usd ?? Number.NaN) / 1e6).toFixed(1)} M USD`,
  );
  console.log(
    `reference, free-flow re-routing in every draw: ${naivePerDrawS.toFixed(3)} s per draw → ${(naivePerDrawS * 10_000).toFixed(0)} s for 10,000 (×${((naivePerDrawS * 10_000) / (routeS + drawsS)).toFixed(0)} the free-flow routing + draws above)`,
  );
}

function study(): void {
  if (!existsSync(gdpFile)) {
    console.log(`study benchmark skipped: ${gdpFile} is absent (reference data in ../shared)`);
    return;
  }
  const gdp = readGdp(gdpFile, 2022);
  // economies: ISO3 codes with a 2022 GDP (WDI aggregates have codes too; keep the ones the network knows or whose
  // GDP is below a quarter of the world's, which drops most aggregates)
  const world = gdp.gdpUsd.get("WLD") ?? Number.POSITIVE_INFINITY;
  const net = openNetwork(dataset);
  const codes = [...gdp.gdpUsd.keys()].filter((c) => /^[A-Z]{3}$/.test(c) && c !== "WLD" && (net.countries.includes(c) || gdp.gdpUsd.get(c)! < world / 4)).sort();
  const random = rng(42);
  const lines = ["exporter,importer,trade"];
  for (const a of codes) {
    for (const b of codes) {
      if (a === b || random() < 0.2) continue; // some zero flows, as in real data
      const v = (0.02 * gdp.gdpUsd.get(a)! * gdp.gdpUsd.get(b)!) / world / (0.5 + 2 * random());
      lines.push(`${a},${b},${v.toFixed(0)}`);
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), "caravan-bench-"));
  const tradeFile = join(tmp, "synthetic-trade.csv");
  writeFileSync(tradeFile, `${lines.join("\n")}\n`);
  const start = process.hrtime.bigint();
  const result = runBeltAndRoadStudy({ ctx: new RoutingContext(openNetwork(dataset)), trade: readTradeMatrix(tradeFile), gdp });
  const s = seconds(start);
  const both = result.variants.find((v) => v.name === "both")!;
  const w = both.groups.find((g) => g.name === "world")!;
  console.log(
    `Belt and Road study: ${result.network.cities} cities in ${result.network.economies} economies, 4 states × 2 mode sets, GE on ${result.trade.economies} economies (${codes.length} in a synthetic matrix of ${lines.length - 1} flows): ${s.toFixed(2)} s (target ≤ 60 s)`,
  );
  console.log(`  stages (ms): ${Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`  variant both, world: time ${w.timeChangePct?.toFixed(2)} %, trade cost ${w.tradeCostChangePct?.toFixed(3)} %, real income ${w.realIncomeChangePct.toFixed(4)} % (synthetic trade: not a result)`);
}

function packageCongested(): void {
  const net = openNetwork(dataset);
  const ctx = new RoutingContext(net);
  const demand = resolveDemand(net, readDemandCsv(join(dataset, "demand", "corridors-2024.csv")));
  const pkg = { file: "bench", projects: ["dostyk-moyynty-second-track", "bakhty-ayagoz", "darbaza-maktaaral"], budgetUsd: null };
  const inputs = { ctx, demand, parameters: DEFAULT_PARAMETERS, congestion: "congested" as const };
  appraisePackage(pkg, inputs); // warm-up (compiled code, weight columns): neither timed run pays it
  let start = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  const fresh = appraisePackage(pkg, inputs, { reuse: false });
  const freshS = seconds(start);
  const freshCpuS = cpuSeconds(cpu);
  start = process.hrtime.bigint();
  cpu = process.cpuUsage();
  const reused = appraisePackage(pkg, inputs);
  const reuseS = seconds(start);
  const reuseCpuS = cpuSeconds(cpu);
  const same = reused.projects.every((r, k) => Math.abs(r.standaloneEnpvUsd - fresh.projects[k].standaloneEnpvUsd) <= 1e-6 * Math.abs(r.standaloneEnpvUsd) + 1);
  const c = reused.comparison;
  console.log(
    `package of ${pkg.projects.length} projects, congested: ${c.comparisons} comparisons, ${c.equilibria} equilibria on ${c.states} states in ${reuseS.toFixed(2)} s (CPU ${reuseCpuS.toFixed(2)} s); reference without reuse ${freshS.toFixed(2)} s (CPU ${freshCpuS.toFixed(2)} s, ×${(freshCpuS / reuseCpuS).toFixed(2)} in CPU); same ENPVs: ${same}`,
  );
}

monteCarlo();
packageCongested();
// BENCH_APPRAISAL_NO_STUDY=1: the project and package figures alone (the study has its own README row)
if (process.env.BENCH_APPRAISAL_NO_STUDY !== "1") study();
