/**
 * The summary `caravan gravity pair-times` prints after its computation (loaded with the computation, not when the
 * command is defined).
 */
import { isAbsolute, relative } from "node:path";
import { packageInfo } from "../../core/package";
import { CITY_RULES, type CountryPairTimes, type PairTimeChange, type PairTimesState, type PairTimesSummary, RULE_POPULATION } from "../../trade/pair-times/pair-times";

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
  const off = state.rulesOff ?? [];
  if (off.length > 0) parts.push(`rules of passage off: ${off.join(", ")}`);
  return parts.join("; ");
}

/** A path inside the package relative to its root, any other as given. */
function shortPath(file: string): string {
  const rel = relative(packageInfo().root, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * The summary printed after the computation; `modeShares` is the file of observed mode shares under the mode-share
 * rule, null under the fastest rule.
 */
export function formatPairTimesSummary(result: CountryPairTimes, s: PairTimesSummary, baseline: PairTimesState, scenario: PairTimesState, minPopulation: number, modeShares: string | null = null): string {
  const { cities } = result;
  const lines: string[] = [];
  const rule =
    modeShares !== null
      ? `expected over the modes shippers use: observed value shares by lane from ${shortPath(modeShares)}, other lanes the mode of least generalized cost`
      : result.scenario.criterion === "time"
        ? "fastest route"
        : "route of least generalized cost";
  lines.push(`shipment times (${rule}; ${result.scenario.profile.id}, modes ${result.scenario.modes.join(",")})`);
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
