/**
 * `caravan study belt-and-road`: the Belt and Road study end to end (docs/belt-and-road.md). The study stage is
 * loaded on demand so that `caravan --help` stays fast.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { addStoreOptions, recordRun } from "../store-option";
import { list, numberOption } from "../options";
import { pairTimeRule } from "../pair-time-rule";

interface StudyFlags {
  trade?: string;
  tradeUnit?: string;
  tradeYear?: string;
  gdp?: string;
  gdpYear?: string;
  sigma: string;
  imbalances: string;
  pctPerDay?: string;
  pairTimes: string;
  modeShares?: string;
  costBasis?: string;
  rates?: string;
  rulesOff?: string;
  out?: string;
  report?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const study = program.command("study").description("end-to-end studies built on the whole pipeline (docs/belt-and-road.md)");
  const beltAndRoad = study.command("belt-and-road")
    .description("Belt and Road study: shipment times between economies in four network states, trade costs, GE trade and real income")
    .option("--trade <file.csv>", "trade matrix: exporter,importer,trade[,sector], a gravity import output (BACI) or ITPD-E (required)")
    .option("--trade-unit <unit>", "unit of the trade column: usd | thousand-usd | million-usd (default: usd; million-usd for ITPD-E)")
    .option("--trade-year <yyyy>", "year of a trade file that holds several")
    .option("--gdp <file.csv>", "GDP in the WDI layout (Country Name,Country Code,Year,Value) for domestic flows and the rest of the world")
    .option("--gdp-year <yyyy>", "GDP year (default: the latest in the file)")
    .option("--sigma <σ>", "elasticity of substitution of the GE model", "5")
    .option("--imbalances <rule>", "trade imbalances in the GE: additive | multiplicative", "additive")
    .option("--pct-per-day <x>", "one ad valorem % per day of shipment time (default: per HS section with sectors, else 1.35)")
    .option("--pair-times <rule>", "shipment time of a city pair: mode-share (expected over the modes shippers use, observed value shares by lane) | fastest (the fastest route)", "mode-share")
    .option("--mode-shares <file.csv>", "observed mode shares by lane (default: data/appraisal/mode-shares.csv)")
    .option("--cost-basis <basis>", "with --pair-times mode-share: the money cost of the generalized cost that picks the mode of a pair without observed shares, rates (the rate layers) or cost (the cost model; default)")
    .option("--rates <YYYY-MM>", "month of the rate layers (default the latest month with data); implies --cost-basis rates")
    .option("--rules-off <id,...|all>", "rules of passage (transit bans, closures, tariff discounts in rules/*.yaml) not to apply in any state (routing, pair times, transit assignments), as a scenario's rules: off; all = none (default: the rules in force today)")
    .option("--out <dir>", "write economies.csv, groups.csv, pairs.csv and study.json (atomically) into DIR")
    .option("--report <file.html>", "write a self-contained HTML report (atomically)")
    .option("--json", "print the result as JSON")
    .action(async (flags: StudyFlags, cmd: Command) => {
      if (flags.trade === undefined) throw new CaravanError("E_USAGE", "give --trade FILE.csv (a trade matrix: exporter,importer,trade[,sector])");
      const sigma = numberOption("--sigma", flags.sigma) as number;
      if (!(sigma > 1) || !Number.isFinite(sigma)) throw new CaravanError("E_USAGE", `--sigma must be a number greater than 1 (got "${flags.sigma}")`);
      if (flags.imbalances !== "additive" && flags.imbalances !== "multiplicative") throw new CaravanError("E_USAGE", `--imbalances must be additive or multiplicative (got "${flags.imbalances}")`);
      let pctPerDay: number | undefined;
      if (flags.pctPerDay !== undefined) {
        pctPerDay = numberOption("--pct-per-day", flags.pctPerDay) as number;
        if (!(pctPerDay >= 0 && pctPerDay < 100)) throw new CaravanError("E_USAGE", `--pct-per-day must be a number in [0, 100) (got "${flags.pctPerDay}")`);
      }
      let gdpYear: number | undefined;
      if (flags.gdpYear !== undefined) {
        gdpYear = numberOption("--gdp-year", flags.gdpYear, true) as number;
        if (!Number.isInteger(gdpYear)) throw new CaravanError("E_USAGE", `--gdp-year must be a year (got "${flags.gdpYear}")`);
      }
      const [S, { openNetwork }, { RoutingContext }, { writeFileAtomic }, { mkdirSync }, { geRows, pairChangeRows }] = await Promise.all([
        import("../../studies/belt-and-road/index"),
        import("../../network/open"),
        import("../../routing/index"),
        import("../../core/atomic-write"),
        import("node:fs"),
        import("../../store/stage-tables"),
      ]);
      // read and check every input before any work or output
      const { rule: pairTimes, modeShares } = pairTimeRule(S, flags);
      let tradeYear: number | undefined;
      if (flags.tradeYear !== undefined) {
        tradeYear = numberOption("--trade-year", flags.tradeYear, true) as number;
        if (!Number.isInteger(tradeYear)) throw new CaravanError("E_USAGE", `--trade-year must be a year (got "${flags.tradeYear}")`);
      }
      const dir = (cmd.optsWithGlobals() as { data: string }).data;
      const net = openNetwork(dir);
      // the rules of passage are a setting of the comparison, not a change: switched off in every state (as scenarios do)
      const rulesOff = list(flags.rulesOff);
      if (rulesOff !== undefined) {
        const { checkRulesOff } = await import("../../routing/passage");
        checkRulesOff(net, rulesOff);
      }
      const rulesOffSorted = rulesOff === undefined ? [] : [...new Set(rulesOff)].sort();
      const trade = S.readTradeMatrix(flags.trade, flags.tradeUnit, tradeYear, new Set(net.network.places.flatMap((p) => (p.country === null ? [] : [p.country]))));
      const gdp = flags.gdp !== undefined ? S.readGdp(flags.gdp, gdpYear) : null;
      const imbalances: "additive" | "multiplicative" = flags.imbalances;
      const files = { trade: flags.trade, gdp: flags.gdp, ...(modeShares ? { modeShares: modeShares.file } : {}) };
      const ratesAsked = flags.rates !== undefined || (flags.costBasis ?? "cost").trim().toLowerCase() !== "cost";
      if (ratesAsked && pairTimes !== "mode-share") throw new CaravanError("E_USAGE", "--cost-basis rates and --rates apply to --pair-times mode-share only (fastest routes are chosen by time)");
      const ratesChoice = { costBasis: flags.costBasis ?? (flags.rates !== undefined ? "rates" : "cost"), ...(flags.rates !== undefined ? { rates: flags.rates } : {}) };
      const { ratesRequestOf } = await import("../../routing/query-choices");
      const rates = ratesAsked ? ratesRequestOf(dir, net, ratesChoice, { rates: "--rates", costBasisIs: (v) => `--cost-basis ${v}` }) : undefined;
      const parameters = { tradeUnit: flags.tradeUnit, tradeYear, gdpYear, sigma, imbalances: flags.imbalances, pctPerDay, pairTimes, ...(ratesAsked ? ratesChoice : {}), ...(rulesOffSorted.length > 0 ? { rulesOff: rulesOffSorted } : {}), json: flags.json === true };
      // a run asked to write files (--out, --report) is always computed
      await recordRun(cmd, { kind: "study", files, datasetDir: dir, parameters, reusable: flags.out === undefined && flags.report === undefined }, (run) => {
      const out = run.out;
      const ctx = new RoutingContext(net);
      const stages = 8; // trade, states, then times and GE of three variants
      let done = 0;
      const progress = process.stderr.isTTY
        ? (stage: string) => {
            done++;
            process.stderr.write(`\rstudy [${"#".repeat(done)}${" ".repeat(Math.max(0, stages - done))}] ${stage.padEnd(16)}${done >= stages ? "\n" : ""}`);
          }
        : undefined;
      const result = S.runBeltAndRoadStudy({ ctx, trade, gdp, sigma, imbalances, pairTimes, ...(modeShares ? { modeShares } : {}), ...(rates ? { rates } : {}), ...(rulesOffSorted.length > 0 ? { rulesOff: rulesOffSorted } : {}), ...(pctPerDay !== undefined ? { pctPerDay } : {}), ...(progress ? { progress } : {}) });
      const json = S.studyJson(result);
      if (flags.out !== undefined) {
        try {
          mkdirSync(flags.out, { recursive: true });
        } catch (error) {
          throw new CaravanError("E_FILE_WRITE", `cannot create ${flags.out}: ${(error as Error).message}`, { cause: error });
        }
        const csv = S.studyCsv(result);
        writeFileAtomic(join(flags.out, "economies.csv"), csv.economies);
        writeFileAtomic(join(flags.out, "groups.csv"), csv.groups);
        writeFileAtomic(join(flags.out, "pairs.csv"), csv.pairs);
        writeFileAtomic(join(flags.out, "study.json"), `${JSON.stringify(json, null, 2)}\n`);
      }
      if (flags.report !== undefined) writeFileAtomic(flags.report, S.studyHtml(result));
      if (flags.json) out(`${JSON.stringify(json, null, 2)}\n`);
      else out(S.formatStudy(result));
      // GE results of every variant (measure `VARIANT/name`), groups as metrics, pair times of the full variant
      for (const v of result.variants) {
        run.table("ge_results", geRows(v.economies, [], `${v.name}/`));
        const metrics = [];
        for (const g of v.groups) {
          for (const [k, value] of Object.entries(g)) if (typeof value === "number" || value === null) metrics.push({ key: `${v.name}/group/${g.name}/${k}`, value, text_value: null });
        }
        run.table("metrics", metrics);
      }
      const full = result.variants.find((v) => v.name === "both") ?? result.variants[result.variants.length - 1];
      if (full) run.table("pair_changes", pairChangeRows(full.times));
      run.summary({ ...(json as object), pairChangesVariant: full?.name ?? null });
      });
    });
  addStoreOptions(beltAndRoad);
}
