/**
 * The route choices every front end offers (CLI `route`/`matrix`, HTTP API `/route`, `/matrix`) turned into the
 * routing stage's request fields in one place: the cost basis and rates month (`--cost-basis`/`costBasis`,
 * `--rates`/`rates`), the rules of passage switched off, the trip-end dwell and the operation types. Each front end
 * passes the names it gives these choices, so an error names the flag or parameter its user typed.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import { COST_BASES, parseMonth, type RatesLayer, readDatasetRates } from "./rates";
import type { RatesRequest } from "./rates-report";

/** How a front end spells the choices (in error messages). */
export interface ChoiceNames {
  /** The rates month choice, e.g. "--rates" or "rates". */
  readonly rates: string;
  /** The cost-basis choice with a value, e.g. (v) => `--cost-basis ${v}` or `costBasis=${v}`. */
  readonly costBasisIs: (value: string) => string;
}

/** The choices as given: strings (a command line, a query string) or lists (a JSON body). */
export interface RouteChoices {
  /** "YYYY-MM" of the rate layers; default the latest month with data. */
  readonly rates?: string;
  /** "rates" or "cost"; default rates where the dataset has rate layers. */
  readonly costBasis?: string;
  /** Rule-of-passage ids not to apply, or "all". */
  readonly rulesOff?: string | readonly string[];
  readonly tripEndDwell?: boolean;
  /** Operation type ids (operations.yaml). */
  readonly operations?: string | readonly string[];
}

/** Split a comma-separated list (or trim a given list); blanks dropped; undefined stays undefined. */
export function listOf(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (typeof value === "string" ? value.split(",") : value).map((s) => s.trim()).filter((s) => s !== "");
}

const rateLayers = new Map<string, RatesLayer | null>();

/** The dataset's rate layers, read once per folder and network (null when it has none). */
function datasetRates(dataDir: string, net: CompiledNetwork): RatesLayer | null {
  const key = `${dataDir}\n${net.sourceHash}`;
  if (!rateLayers.has(key)) rateLayers.set(key, readDatasetRates(dataDir, net));
  return rateLayers.get(key) ?? null;
}

/**
 * The rates request of the cost-basis and rates-month choices (E_USAGE for an unknown basis, a month that is not
 * YYYY-MM, or a month asked on the cost basis). A dataset without rate layers is priced by the cost model; the
 * route says so only when rates were asked for.
 */
export function ratesRequestOf(dataDir: string, net: CompiledNetwork, choices: Pick<RouteChoices, "rates" | "costBasis">, names: ChoiceNames): RatesRequest {
  const basis = (choices.costBasis ?? "rates").trim().toLowerCase();
  if (!(COST_BASES as readonly string[]).includes(basis)) {
    throw new CaravanError("E_USAGE", `unknown cost basis "${choices.costBasis}"; use rates or cost`, { didYouMean: suggest(basis, COST_BASES) });
  }
  if (basis === "cost") {
    if (choices.rates !== undefined) throw new CaravanError("E_USAGE", `${names.rates} applies to ${names.costBasisIs("rates")} only`);
    return { basis: "cost", layer: null };
  }
  if (choices.rates !== undefined && parseMonth(choices.rates) === null) {
    throw new CaravanError("E_USAGE", `${names.rates} must be a month YYYY-MM (e.g. 2024-01), got "${choices.rates}"`, { details: { field: names.rates } });
  }
  const layer = datasetRates(dataDir, net);
  if (layer === null && choices.costBasis === undefined && choices.rates === undefined) return { basis: "cost", layer: null };
  const explicit = choices.costBasis !== undefined || choices.rates !== undefined;
  return { basis: "rates", layer, explicit, ...(choices.rates !== undefined ? { month: choices.rates.trim() } : {}) };
}

/** The rules-of-passage, trip-end and operation choices as route request fields (absent when not given). */
export function passageChoicesOf(choices: Pick<RouteChoices, "rulesOff" | "tripEndDwell" | "operations">): {
  rulesOff?: string[];
  tripEndDwell?: boolean;
  operations?: string[];
} {
  return {
    ...(choices.rulesOff !== undefined ? { rulesOff: listOf(choices.rulesOff) } : {}),
    ...(choices.tripEndDwell ? { tripEndDwell: true } : {}),
    ...(choices.operations !== undefined ? { operations: listOf(choices.operations) } : {}),
  };
}
