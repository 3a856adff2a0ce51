import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import type { RoutingContext } from "../../routing/index";
import type { PairTimeCriterion, PairTimesState } from "../../trade/pair-times/pair-times";
import { list, numberOption } from "../options";
import { pairTimeRule } from "../pair-time-rule";
import { routingSession } from "../route-session";
import { addStoreOptions, recordRun } from "../store-option";

interface PairTimesFlags {
  network?: string;
  year?: string;
  baselineYear?: string;
  close?: string;
  avoidCountries?: string;
  avoidCrossings?: string;
  modes?: string;
  countries?: string;
  cityKinds: string;
  minPopulation: string;
  cargo: string;
  optimize: string;
  pairTimes: string;
  modeShares?: string;
  out?: string;
  costBasis?: string;
  rates?: string;
  rulesOff?: string;
}

/** Registers `caravan gravity pair-times`: country-pair shipment times from the network (docs/trade-ge.md §4). */
export function registerPairTimes(gravity: Command): void {
  const pairTimes = gravity.command("pair-times")
    .description("country-pair shipment times (population-weighted city pairs routed on the network) for --time-changes")
    .option("--network <dir>", "network dataset directory (default: the global --data, data/eurasia)")
    .option("--year <yyyy>", "scenario: include projects open by this year")
    .option("--close <chokepoint,...>", "scenario: close sea chokepoints (suez, bab-el-mandeb, hormuz, ...)")
    .option("--avoid-countries <iso3,...>", "scenario: countries no route may touch")
    .option("--avoid-crossings <id,...>", "scenario: border crossings, links, ferries or terminals (ids) not to use")
    .option("--baseline-year <yyyy>", "baseline: include projects open by this year (default: today's open network)")
    .option("--modes <list>", "allowed modes in both, from rail,road,sea,ferry,air (default: rail,road,sea,ferry)")
    .option("--rules-off <id,...|all>", "rules of passage (transit bans, closures, tariff discounts in rules/*.yaml) not to apply in both, as a scenario's rules: off; all = none (default: the rules in force on the date of each side's year)")
    .option("--countries <iso3,...>", "countries whose cities are paired (default: every country with a city)")
    .option("--city-kinds <list>", "place kinds that count as cities", "city")
    .option("--min-population <n>", "least population of a chosen city (fallback: the largest city of the country)", "0")
    .option("--cargo <profile>", "cargo profile from cargo.yaml: feu | teu | bulk", "feu")
    .option("--pair-times <rule>", "shipment time of a city pair: mode-share (expected over the modes shippers use, observed value shares by lane, as the Belt and Road study) | fastest (one route by --optimize)", "mode-share")
    .option("--mode-shares <file.csv>", "observed mode shares by lane for --pair-times mode-share (default: data/appraisal/mode-shares.csv)")
    .option("--optimize <criterion>", "with --pair-times fastest: time (fastest route) | generalized (time of the route of least generalized cost)", "time")
    .option("--out <file>", "write the CSV exporter,importer,baselineTimeH,scenarioTimeH to FILE (atomically; '-' = standard output)")
    .option("--cost-basis <basis>", "with --pair-times mode-share: the money cost of the generalized cost that picks the mode of a pair without observed shares, rates (the rate layers, a closure's shock included) or cost (the cost model; default)")
    .option("--rates <YYYY-MM>", "month of the rate layers (default the latest month with data); implies --cost-basis rates")
    .action(async (flags: PairTimesFlags, cmd: Command) => {
      const [{ PAIR_TIME_CRITERIA, computePairTimes, pairTimesCsv, summarizePairTimes }, { formatPairTimesSummary }, S] = await Promise.all([
        import("../../trade/pair-times/pair-times"),
        import("./gravity-pair-times-report"),
        import("../../studies/belt-and-road/index"),
      ]);
      // the rule of the Belt and Road study (src/studies/belt-and-road: the same rules, mode-share file and groups)
      const { rule, modeShares } = pairTimeRule(S, flags);
      if (rule === "mode-share" && cmd.getOptionValueSource("optimize") === "cli") {
        throw new CaravanError("E_USAGE", "--optimize is used by --pair-times fastest only (mode-share routes each mode by its own rule)");
      }
      const criterion = flags.optimize as PairTimeCriterion;
      if (!(PAIR_TIME_CRITERIA as readonly string[]).includes(criterion)) {
        throw new CaravanError("E_USAGE", `--optimize must be ${PAIR_TIME_CRITERIA.join(" or ")} for shipment times (got "${flags.optimize}")`);
      }
      const ratesAsked = flags.rates !== undefined || (flags.costBasis ?? "cost").trim().toLowerCase() !== "cost";
      if (ratesAsked && rule !== "mode-share") throw new CaravanError("E_USAGE", "--cost-basis rates and --rates apply to --pair-times mode-share only (fastest routes by time or the cost model's generalized cost)");
      const minPopulation = numberOption("--min-population", flags.minPopulation)!;
      const modes = list(flags.modes);
      // the rules of passage are a setting of the comparison, not a change: switched off on both sides (as scenarios do)
      const rulesOff = list(flags.rulesOff);
      const rules = rulesOff !== undefined ? { rulesOff } : {};
      const baseline: PairTimesState = { year: numberOption("--baseline-year", flags.baselineYear, true) ?? null, modes, ...rules };
      const scenario: PairTimesState = {
        year: numberOption("--year", flags.year, true) ?? baseline.year,
        modes,
        ...rules,
        closeChokepoints: list(flags.close),
        avoidCountries: list(flags.avoidCountries),
        avoidIds: list(flags.avoidCrossings),
      };
      const dataDir = flags.network ?? (cmd.optsWithGlobals() as { data: string }).data;
      const ratesChoice = { costBasis: flags.costBasis ?? (flags.rates !== undefined ? "rates" : "cost"), ...(flags.rates !== undefined ? { rates: flags.rates } : {}) };
      const parameters = { baseline, scenario, countries: flags.countries, cityKinds: flags.cityKinds, minPopulation, criterion, pairTimes: rule, cargo: flags.cargo, csv: flags.out === "-", ...(ratesAsked ? ratesChoice : {}) };
      const files = modeShares ? { modeShares: modeShares.file } : {};
      const { pairChangeRows } = await import("../../store/stage-tables");
      // a run asked to write a file is always computed; printing the CSV ('-') may be replayed
      await recordRun(cmd, { kind: "pair-times", files, datasetDir: dataDir, parameters, reusable: flags.out === undefined || flags.out === "-" }, async (run) => {
      const out = run.out;
      let ctx: RoutingContext;
      if (flags.network !== undefined) {
        const [{ openNetwork }, { RoutingContext }] = await Promise.all([import("../../network/open"), import("../../routing/context")]);
        ctx = new RoutingContext(openNetwork(flags.network));
      } else ctx = (await routingSession(cmd)).ctx;
      const { ratesRequestOf } = await import("../../routing/query-choices");
      const rates = ratesAsked ? ratesRequestOf(dataDir, ctx.net, ratesChoice, { rates: "--rates", costBasisIs: (v) => `--cost-basis ${v}` }) : undefined;
      const result = computePairTimes(ctx.net, {
        baseline,
        scenario,
        countries: list(flags.countries),
        cityKinds: list(flags.cityKinds),
        minPopulation,
        criterion,
        cargo: flags.cargo,
        context: ctx,
        ...(modeShares ? { modeShares } : {}),
        ...(rates ? { rates } : {}),
      });
      // never empty: a city's pair with itself is always reachable, so every country has its domestic pair
      const csv = pairTimesCsv(result);
      run.table("pair_changes", pairChangeRows(result));
      if (flags.out === "-") {
        out(csv);
        return;
      }
      if (flags.out !== undefined) writeFileAtomic(flags.out, csv);
      const summary = summarizePairTimes(result, 10);
      out(formatPairTimesSummary(result, summary, baseline, scenario, minPopulation, modeShares ? modeShares.file : null));
      out(flags.out !== undefined ? `\nwrote ${summary.pairs} country pairs to ${flags.out}\n` : "\n(give --out FILE to write the CSV for gravity counterfactual --time-changes)\n");
      run.summary(summary);
      });
    });
  addStoreOptions(pairTimes);
}

