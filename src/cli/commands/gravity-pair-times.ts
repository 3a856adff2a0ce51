import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { openNetwork } from "../../network/open";
import { RoutingContext } from "../../routing/index";
import {
  CITY_RULES,
  type CountryPairTimes,
  computePairTimes,
  type PairTimesState,
  PAIR_TIME_CRITERIA,
  type PairTimeChange,
  type PairTimeCriterion,
  type PairTimesSummary,
  pairTimesCsv,
  RULE_POPULATION,
  summarizePairTimes,
} from "../../trade/pair-times";
import { list, numberOption, routingSession } from "./route";
import { stdoutOf } from "../io";

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
  out?: string;
}

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${x.toFixed(2)} %`;
const hours = (x: number): string => x.toFixed(1);

function describeChange(c: PairTimeChange): string {
  return `${c.exporter}→${c.importer} ${hours(c.baselineTimeH)} → ${hours(c.scenarioTimeH)} h (${pct(c.changePct)})`;
}

function describeState(state: PairTimesState): string {
  const parts: string[] = [state.year == null ? "today's open network" : `projects open by ${state.year}`];
  if (state.closeChokepoints && state.closeChokepoints.length > 0) parts.push(`closed ${state.closeChokepoints.join(", ")}`);
  if (state.avoidCountries && state.avoidCountries.length > 0) parts.push(`avoiding ${state.avoidCountries.join(", ")}`);
  if (state.avoidIds && state.avoidIds.length > 0) parts.push(`without ${state.avoidIds.join(", ")}`);
  return parts.join("; ");
}

/** The summary printed after the computation. */
export function formatPairTimesSummary(result: CountryPairTimes, s: PairTimesSummary, baseline: PairTimesState, scenario: PairTimesState, minPopulation: number): string {
  const { cities } = result;
  const lines: string[] = [];
  lines.push(`shipment times (${result.scenario.criterion === "time" ? "fastest route" : "route of least generalized cost"}, ${result.scenario.profile.id}, modes ${result.scenario.modes.join(",")})`);
  lines.push(`baseline: ${describeState(baseline)}`);
  lines.push(`scenario: ${describeState(scenario)}`);
  const fallback: string[] = [];
  for (let k = 0; k < cities.countries.length; k++) if (cities.rule[k] !== RULE_POPULATION) fallback.push(`${cities.countries[k]} (${CITY_RULES[cities.rule[k]]})`);
  lines.push(
    `cities: ${s.cities} in ${s.countries} countries (population ≥ ${minPopulation}, weighted by population)` +
      (fallback.length > 0 ? `; by fallback: ${fallback.join(", ")}` : "") +
      (cities.withoutCities.length > 0 ? `; no city: ${cities.withoutCities.join(", ")}` : ""),
  );
  lines.push(
    `city pairs: ${s.cityPairs}, excluded as unreachable in the baseline or the scenario: ${s.excludedCityPairs} ` +
      `(${(100 * s.excludedWeightShare).toFixed(2)} % of the population weight)`,
  );
  lines.push(`country pairs: ${s.pairs} with times (domestic included), ${s.unconnectedPairs} without any connected city pair (left out)`);
  lines.push(`changed pairs: ${s.changedPairs}; mean change ${pct(s.meanChangePct)} (unweighted over pairs)`);
  lines.push(`largest decrease: ${s.largestDecrease ? describeChange(s.largestDecrease) : "none"}`);
  lines.push(`largest increase: ${s.largestIncrease ? describeChange(s.largestIncrease) : "none"}`);
  if (s.top.length > 0) {
    lines.push("");
    lines.push(`top ${s.top.length} pairs by change:`);
    const rows = [["exporter", "importer", "baselineH", "scenarioH", "changeH", "change%"]];
    for (const c of s.top) rows.push([c.exporter, c.importer, hours(c.baselineTimeH), hours(c.scenarioTimeH), c.changeH.toFixed(1), c.changePct.toFixed(2)]);
    const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
    for (const r of rows) lines.push(r.map((cell, k) => (k < 2 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join("  "));
  }
  return `${lines.join("\n")}\n`;
}

/** Registers `caravan gravity pair-times`: country-pair shipment times from the network (docs/trade-ge.md §4). */
export function registerPairTimes(gravity: Command): void {
  gravity
    .command("pair-times")
    .description("country-pair shipment times (population-weighted city pairs routed on the network) for --time-changes")
    .option("--network <dir>", "network dataset directory (default: the global --data, data/eurasia)")
    .option("--year <yyyy>", "scenario: include projects open by this year")
    .option("--close <chokepoint,...>", "scenario: close sea chokepoints (suez, bab-el-mandeb, hormuz, ...)")
    .option("--avoid-countries <iso3,...>", "scenario: countries no route may touch")
    .option("--avoid-crossings <id,...>", "scenario: border crossings, links, ferries or terminals (ids) not to use")
    .option("--baseline-year <yyyy>", "baseline: include projects open by this year (default: today's open network)")
    .option("--modes <list>", "allowed modes in both, from rail,road,sea,ferry,air (default: rail,road,sea,ferry)")
    .option("--countries <iso3,...>", "countries whose cities are paired (default: every country with a city)")
    .option("--city-kinds <list>", "place kinds that count as cities", "city")
    .option("--min-population <n>", "least population of a chosen city (fallback: the largest city of the country)", "0")
    .option("--cargo <profile>", "cargo profile from cargo.yaml: feu | teu | bulk", "feu")
    .option("--optimize <criterion>", "time (fastest route) | generalized (time of the route of least generalized cost)", "time")
    .option("--out <file>", "write the CSV exporter,importer,baselineTimeH,scenarioTimeH to FILE (atomically; '-' = standard output)")
    .action((flags: PairTimesFlags, cmd: Command) => {
      const out = stdoutOf(cmd);
      const criterion = flags.optimize as PairTimeCriterion;
      if (!(PAIR_TIME_CRITERIA as readonly string[]).includes(criterion)) {
        throw new CaravanError("E_USAGE", `--optimize must be ${PAIR_TIME_CRITERIA.join(" or ")} for shipment times (got "${flags.optimize}")`);
      }
      const minPopulation = numberOption("--min-population", flags.minPopulation)!;
      const modes = list(flags.modes);
      const baseline: PairTimesState = { year: numberOption("--baseline-year", flags.baselineYear, true) ?? null, modes };
      const scenario: PairTimesState = {
        year: numberOption("--year", flags.year, true) ?? baseline.year,
        modes,
        closeChokepoints: list(flags.close),
        avoidCountries: list(flags.avoidCountries),
        avoidIds: list(flags.avoidCrossings),
      };
      let ctx: RoutingContext;
      if (flags.network !== undefined) ctx = new RoutingContext(openNetwork(flags.network));
      else ctx = routingSession(cmd).ctx;
      const result = computePairTimes(ctx.net, {
        baseline,
        scenario,
        countries: list(flags.countries),
        cityKinds: list(flags.cityKinds),
        minPopulation,
        criterion,
        cargo: flags.cargo,
        context: ctx,
      });
      // never empty: a city's pair with itself is always reachable, so every country has its domestic pair
      const csv = pairTimesCsv(result);
      if (flags.out === "-") {
        out(csv);
        return;
      }
      if (flags.out !== undefined) writeFileAtomic(flags.out, csv);
      const summary = summarizePairTimes(result, 10);
      out(formatPairTimesSummary(result, summary, baseline, scenario, minPopulation));
      out(flags.out !== undefined ? `\nwrote ${summary.pairs} country pairs to ${flags.out}\n` : "\n(give --out FILE to write the CSV for gravity counterfactual --time-changes)\n");
    });
}
