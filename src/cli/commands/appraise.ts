/**
 * `caravan appraise`: cost–benefit analysis of yearly streams (--streams), of a project of the library (--project),
 * of a scenario file's projects (--scenario) or of a package of projects (--package); docs/appraisal.md. The
 * appraisal stage is loaded on demand so that `caravan --help` stays fast.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { addStoreOptions, recordRun } from "../store-option";
import { NUMBER_FIELDS, numberProblem } from "../../core/numbers";
import { numberOption } from "../options";

interface AppraiseFlags {
  streams?: string;
  project?: string;
  scenario?: string;
  package?: string;
  demand?: string;
  discountRate: string;
  capitalCost?: string;
  costPriceYear?: string;
  priceBaseYear?: string;
  openYear?: string;
  constructionYears: string;
  delay: string;
  operationYears: string;
  omPct: string;
  serviceLife: string;
  demandGrowth: string;
  elasticity: string;
  reliabilityRatio: string;
  co2Path: string;
  co2Level: string;
  rampUp: string;
  draws: string;
  seed: string;
  congestion: string;
  congestedGap: string;
  json?: boolean;
  report?: string;
}

function num(option: string, text: string, check: (v: number) => boolean, rule: string): number {
  const v = numberOption(option, text, false, NUMBER_FIELDS["command-line options"]["(appraisal options)"]) as number;
  if (text.trim() === "" || !Number.isFinite(v) || !check(v)) throw new CaravanError("E_USAGE", `${option} must be ${rule} (got "${text}")`);
  return v;
}

function rateOption(text: string): number {
  const problem = numberProblem(text, NUMBER_FIELDS["command-line options"]["(appraisal options)"]);
  if (problem !== null) throw new CaravanError("E_DISCOUNT_RATE_INVALID", `--discount-rate: ${problem}`);
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v)) throw new CaravanError("E_DISCOUNT_RATE_INVALID", `--discount-rate must be a number in % (got "${text}")`);
  if (v <= -100) throw new CaravanError("E_DISCOUNT_RATE_INVALID", `--discount-rate must be above -100 % (got ${v})`);
  return v;
}

/** A progress bar on standard error, only when it is a terminal. */
function progressBar(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((width * done) / total);
    process.stderr.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

export function register(program: Command): void {
  const appraise = program.command("appraise")
    .description("cost–benefit analysis: ENPV, EIRR, B/C, payback, switching values, sensitivity, Monte Carlo, portfolios (docs/appraisal.md)")
    .option("--streams <file.csv>", "yearly streams year,capitalCostUsd,operatingCostUsd,benefitsUsd[,...][,residualValueUsd]")
    .option("--project <id>", "a project of the library (data/eurasia/projects), appraised on the network")
    .option("--scenario <file.yaml>", "the projects a scenario file switches on, against its baseline")
    .option("--package <file.yaml>", "a package of projects (projects: [ids], budgetUsd: N): rankings, pairs, best portfolio")
    .option("--demand <file.csv>", "corridor demand (default: the scenario's demand file, else the network's demand/corridors-2024.csv)")
    .option("--discount-rate <pct>", "real discount rate in % (first year undiscounted)", "6")
    .option("--capital-cost <usd>", "override the library's capital cost (in prices of --cost-price-year, else of the price base year)")
    .option("--cost-price-year <yyyy>", "price year of --capital-cost")
    .option("--price-base-year <yyyy>", "constant prices of the results: costs and unit values of other years restated with the US GDP deflator (data/appraisal/gdp-deflator-usa.csv; default: the capital cost's price year; --streams: rows restated by their priceYear column, default the first row's)")
    .option("--open-year <yyyy>", "override the library's opening year")
    .option("--construction-years <n>", "years of construction before opening", "4")
    .option("--delay <years>", "construction delay: opening later, capital spread over more years", "0")
    .option("--operation-years <n>", "years of operation in the evaluation period", "30")
    .option("--om-pct <pct>", "operation and maintenance per year, % of the capital cost", "1")
    .option("--service-life <years>", "service life of the works for the residual value", "50")
    .option("--demand-growth <pct>", "demand growth per year from the 2024 base, %", "3")
    .option("--elasticity <e>", "elasticity of tonnes to the generalized cost (generated traffic)", "-0.5")
    .option("--reliability-ratio <r>", "value of an hour of dwell buffer (P90 − median border dwell) relative to the value of time; priced in the benefits and in the route choice of both comparisons (free-flow routes and congested equilibria)", "1")
    .option("--co2-path <name>", "carbon price path in data/appraisal/co2-shadow-price.csv: world-bank-2017 | eib-2020", "world-bank-2017")
    .option("--co2-level <level>", "low | high | mid of the carbon price path", "low")
    .option("--ramp-up <shares>", "benefit shares of the first operating years, comma-separated", "0.5,0.75")
    .option("--draws <n>", "Monte Carlo draws (0 = none)", "0")
    .option("--seed <n>", "Monte Carlo seed", "1")
    .option("--congestion <mode>", "with/without comparison: auto (equilibrium assignment where the project changes or opens a capacity or its traffic meets one, else free-flow routes) | congested | free-flow", "auto")
    .option("--congested-gap <gap>", "starting relative gap of the congested comparison's equilibria (both states are solved to the same gap, tightened 100-fold until the saving moves < 1 %)", "1e-4")
    .option("--json", "print the result as JSON")
    .option("--report <file.html>", "write a self-contained HTML report (atomically)")
    .action(async (flags: AppraiseFlags, cmd: Command) => {
      const rate = rateOption(flags.discountRate);
      const modes = [flags.streams, flags.project, flags.scenario, flags.package].filter((x) => x !== undefined).length;
      if (modes !== 1) throw new CaravanError("E_USAGE", "give exactly one of --streams FILE.csv, --project ID, --scenario FILE, --package FILE");
      if (flags.streams !== undefined && flags.costPriceYear !== undefined) {
        throw new CaravanError("E_USAGE", "--cost-price-year applies to --capital-cost of --project or --scenario; streams give their prices in a priceYear column");
      }
      if (flags.costPriceYear !== undefined && flags.capitalCost === undefined) throw new CaravanError("E_USAGE", "--cost-price-year gives the price year of --capital-cost: use them together");
      if (flags.report !== undefined && flags.streams !== undefined) {
        throw new CaravanError("E_USAGE", "--report writes the report of a project, a scenario or a package: use it with --project, --scenario or --package");
      }
      const [A, { appraisalTables }] = await Promise.all([import("../../appraisal/index"), import("../../store/stage-tables")]);
      if (flags.streams !== undefined) {
        const priceBaseYear = flags.priceBaseYear === undefined ? null : num("--price-base-year", flags.priceBaseYear, (v) => Number.isInteger(v) && v >= 1800 && v <= 2200, "a year");
        const streams = A.readStreamsCsv(flags.streams, { priceBaseYear });
        const file = flags.streams;
        const streamsRun = { kind: "appraisal" as const, files: { streams: file }, dirs: { appraisalData: A.APPRAISAL_DATA_DIR }, parameters: { discountRatePct: rate, priceBaseYear, json: flags.json === true } };
        await recordRun(cmd, streamsRun, (run) => {
          const out = run.out;
          const result = A.appraiseStreams(streams, rate);
          const sensitivity = A.sensitivityTable(streams, rate);
          const prices = streams.prices ? { priceBaseYear: streams.prices.baseYear, prices: streams.prices } : {};
          if (flags.json) out(`${JSON.stringify({ source: file, benefitColumns: streams.benefitColumns, ...prices, ...result, sensitivity }, null, 2)}\n`);
          else {
            out(`appraisal of ${file} (benefit columns: ${streams.benefitColumns.join(", ")})\n`);
            if (streams.prices) {
              out(`prices of ${streams.prices.baseYear} (US GDP implicit price deflator): ${streams.prices.restated.map((r) => `rows in ${r.priceYear} prices ×${r.factor.toFixed(4)}`).join(", ")}\n`);
            }
            out(A.formatCba(result, sensitivity));
          }
          const years = Array.from(streams.year, (year, i) => ({
            year,
            capitalCostUsd: streams.capitalCostUsd[i],
            operatingCostUsd: streams.operatingCostUsd[i],
            benefitsUsd: streams.benefitsUsd[i],
            residualValueUsd: streams.residualValueUsd[i],
          }));
          run.tables(appraisalTables(years, result));
          run.summary({ source: file, benefitColumns: streams.benefitColumns, ...result, sensitivity });
        });
        return;
      }
      const co2Level = { low: 0, high: 1, mid: 0.5 }[flags.co2Level];
      if (co2Level === undefined) throw new CaravanError("E_USAGE", `--co2-level must be low, high or mid (got "${flags.co2Level}")`);
      const rampUp = flags.rampUp.trim() === "" ? [] : flags.rampUp.split(",").map((x) => num("--ramp-up", x.trim(), (v) => v >= 0 && v <= 1, "shares between 0 and 1"));
      const parameters = {
        ...A.DEFAULT_PARAMETERS,
        discountRatePct: rate,
        constructionYears: num("--construction-years", flags.constructionYears, (v) => Number.isInteger(v) && v >= 1 && v <= 30, "an integer 1–30"),
        delayYears: num("--delay", flags.delay, (v) => Number.isInteger(v) && v >= 0 && v <= 20, "an integer 0–20"),
        operationYears: num("--operation-years", flags.operationYears, (v) => Number.isInteger(v) && v >= 1 && v <= 100, "an integer 1–100"),
        omPct: num("--om-pct", flags.omPct, (v) => v >= 0 && v <= 100, "a percentage 0–100"),
        serviceLifeYears: num("--service-life", flags.serviceLife, (v) => v > 0 && v <= 200, "a number of years 0–200"),
        demandGrowthPct: num("--demand-growth", flags.demandGrowth, (v) => v > -100 && v <= 50, "a percentage above -100 and at most 50"),
        elasticity: num("--elasticity", flags.elasticity, (v) => v <= 0 && v >= -5, "a number between -5 and 0"),
        reliabilityRatio: num("--reliability-ratio", flags.reliabilityRatio, (v) => v >= 0 && v <= 10, "a number 0–10"),
        co2Path: flags.co2Path,
        co2Level,
        rampUp,
        priceBaseYear: flags.priceBaseYear === undefined ? null : num("--price-base-year", flags.priceBaseYear, (v) => Number.isInteger(v) && v >= 1800 && v <= 2200, "a year"),
      };
      const draws = num("--draws", flags.draws, (v) => Number.isInteger(v) && v >= 0 && v <= 10_000_000, "an integer 0–10,000,000");
      const seed = num("--seed", flags.seed, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer");
      const modesOfCongestion = ["auto", "congested", "free-flow"] as const;
      const congestion = modesOfCongestion.find((m) => m === flags.congestion);
      if (congestion === undefined) {
        throw new CaravanError("E_USAGE", `--congestion must be one of ${modesOfCongestion.join(", ")}, got "${flags.congestion}"`, { didYouMean: suggest(flags.congestion, modesOfCongestion) });
      }
      const congestedGap = num("--congested-gap", flags.congestedGap, (v) => v > 0 && v < 1, "a relative gap between 0 and 1");
      const capitalCostUsd = flags.capitalCost === undefined ? undefined : num("--capital-cost", flags.capitalCost, (v) => v > 0, "a positive number of USD");
      const openYear = flags.openYear === undefined ? undefined : num("--open-year", flags.openYear, (v) => Number.isInteger(v) && v >= 1900 && v <= 2200, "a year");
      const costPriceYear = flags.costPriceYear === undefined ? undefined : num("--cost-price-year", flags.costPriceYear, (v) => Number.isInteger(v) && v >= 1800 && v <= 2200, "a year");
      // the network and the demand
      const [{ openNetwork }, { RoutingContext }, D] = await Promise.all([import("../../network/open"), import("../../routing/index"), import("../../assignment/corridor-demand")]);
      const dir = (cmd.optsWithGlobals() as { data: string }).data;
      const net = openNetwork(dir);
      const ctx = new RoutingContext(net);
      const demandFile = flags.demand ?? (flags.scenario !== undefined ? A.scenarioDemandFile(flags.scenario) : null) ?? join(net.network.dir ?? dir, "demand", "corridors-2024.csv");
      const demand = D.resolveDemand(net, D.readDemandCsv(demandFile));
      // the projects are checked before the run is recorded: bad input writes nothing, not even a failed run
      A.checkAppraisalSubject(net, { project: flags.project, scenario: flags.scenario, packageProjects: flags.package !== undefined ? A.readPackage(flags.package).projects : undefined }, { capitalCostUsd, openYear });
      const inputs = {
        ctx,
        demand,
        parameters,
        congestion,
        congestedGap,
        ...(capitalCostUsd !== undefined ? { capitalCostUsd } : {}),
        ...(costPriceYear !== undefined ? { costPriceYear } : {}),
        ...(openYear !== undefined ? { openYear } : {}),
        ...(draws > 0 ? { monteCarlo: { draws, seed, progress: progressBar("Monte Carlo") } } : {}),
      };
      // what identifies the run: the files read (the scenario's whole extends chain), the dataset and every option
      const files: Record<string, string | undefined> = { demand: demandFile, package: flags.package };
      if (flags.scenario !== undefined) for (const [i, f] of (await import("../../scenarios/load")).loadScenario(flags.scenario).chain.entries()) files[`scenario${i}`] = f;
      const recorded = { project: flags.project, parameters, draws, seed, congestion, congestedGap, capitalCostUsd, costPriceYear, openYear, json: flags.json === true };
      await recordRun(cmd, { kind: "appraisal", files, dirs: { appraisalData: A.APPRAISAL_DATA_DIR }, datasetDir: dir, parameters: recorded, reusable: flags.report === undefined }, (run) => {
        const out = run.out;
        if (flags.package !== undefined) {
          const pkg = A.readPackage(flags.package);
          const result = A.appraisePackage(pkg, inputs);
          if (flags.report !== undefined) writeFileAtomic(flags.report, A.portfolioHtml(result));
          if (flags.json) out(`${JSON.stringify(result, null, 2)}\n`);
          else {
            out(A.formatPortfolio(result));
            if (flags.report !== undefined) out(`wrote ${flags.report}\n`);
          }
          const indicators: Record<string, unknown> = {};
          for (const p of result.projects) for (const [k, v] of Object.entries(p)) if (typeof v === "number" || v === null) indicators[`${p.id}/${k}`] = v;
          if (result.best) {
            indicators["best/capitalCostUsd"] = result.best.capitalCostUsd;
            indicators["best/approxEnpvUsd"] = result.best.approxEnpvUsd;
          }
          run.table("appraisal_results", appraisalTables([], indicators).appraisal_results ?? []);
          run.summary(result);
          return;
        }
        const appraisal = flags.project !== undefined ? A.appraiseProject(A.findProject(net, flags.project), inputs) : A.appraiseScenarioFile(flags.scenario!, inputs);
        if (flags.report !== undefined) writeFileAtomic(flags.report, A.projectAppraisalHtml(appraisal));
        const { result, ...rest } = appraisal;
        if (flags.json) out(`${JSON.stringify({ ...result, ...rest }, null, 2)}\n`);
        else {
          out(A.formatProjectAppraisal(appraisal));
          if (flags.report !== undefined) out(`wrote ${flags.report}\n`);
        }
        run.tables(appraisalTables(appraisal.streams, { ...result, capitalCostUsd: appraisal.capitalCostUsd, openYear: appraisal.openYear }));
        run.summary({ ...result, ...rest });
      });
    });
  addStoreOptions(appraise);
}
