/**
 * The value of time a route is weighed with under the generalized criterion (cost + value of time × time + CO2 price ×
 * CO2), per unit of the cargo profile and hour: the profile's own (cargo.yaml, 1 % of the cargo value a day) or the
 * carrying cost of the goods in transit (their value × CARRYING_COST_RATE_PER_YEAR / 8,760 h), the basis that
 * reproduces how shippers divide the China–Europe lane between rail and sea (docs/calibration.md "Rail and sea on the
 * China–Europe lane"). Shared by routing (route, matrix, the API) and the corridor assignment (`--vot-median`).
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CargoProfile } from "../network/schema";

/** Basis of a value of time: the cargo profile's, or the carrying cost of the goods. */
export type ValueOfTimeBasis = "profile" | "carrying-cost";
export const VALUE_OF_TIME_BASES: readonly ValueOfTimeBasis[] = ["profile", "carrying-cost"];

/**
 * Carrying cost of goods in transit, share of their value a year: √(0.20 × 0.40) = 28.3 %, the geometric middle of the
 * 20–40 % a year inventory holding cost (rule "vot-carrying-cost" in data/eurasia/sources/value-of-time.yaml).
 */
export const CARRYING_COST_RATE_PER_YEAR = Math.sqrt(0.2 * 0.4);

/**
 * Cargo profiles (by costBasis) whose value of time becomes the carrying cost on that basis: the containers. Bulk keeps its
 * profile's value (the corridor demand's bulk rows have no sea side; docs/calibration.md).
 */
export const CARRYING_COST_BASES: readonly string[] = ["feu", "teu"];

/** Hours in a year (365 days), for a carrying cost per year as a value of time per hour. */
export const HOURS_PER_YEAR = 8760;

/**
 * The value of time of a cargo profile asked on a basis, USD per unit of the profile per hour, and the basis it was
 * taken on: the carrying cost applies to containers only, so bulk asked on it keeps its profile's ("profile").
 */
export function profileValueOfTime(profile: CargoProfile, basis: ValueOfTimeBasis): { usdPerH: number; basis: ValueOfTimeBasis } {
  if (basis === "carrying-cost" && CARRYING_COST_BASES.includes(profile.costBasis)) {
    return { usdPerH: (profile.valueUsd.value * CARRYING_COST_RATE_PER_YEAR) / HOURS_PER_YEAR, basis };
  }
  return { usdPerH: profile.valueOfTimeUsdPerH.value, basis: "profile" };
}

/**
 * The value-of-time choice (`--value-of-time` / `valueOfTime`): a basis, profile (the cargo profile's) or carrying-cost
 * (the carrying cost of the goods), or a number, USD per cargo unit per hour. E_USAGE names the flag or parameter.
 */
export function valueOfTimeChoiceOf(value: string | number | undefined, name: string): { valueOfTimeUsdPerH?: number; valueOfTimeBasis?: ValueOfTimeBasis } {
  if (value === undefined) return {};
  if (typeof value === "number") {
    if (!(Number.isFinite(value) && value >= 0)) throw new CaravanError("E_USAGE", `${name} must be profile, carrying-cost or a number ≥ 0 (USD per cargo unit per hour), got ${value}`);
    return { valueOfTimeUsdPerH: value };
  }
  const text = value.trim().toLowerCase();
  if ((VALUE_OF_TIME_BASES as readonly string[]).includes(text)) return { valueOfTimeBasis: text as ValueOfTimeBasis };
  if (/^\d+(\.\d+)?$/.test(text)) return valueOfTimeChoiceOf(Number(text), name);
  throw new CaravanError("E_USAGE", `${name} must be profile, carrying-cost or a number ≥ 0 (USD per cargo unit per hour), got "${value}"`, { didYouMean: suggest(text, VALUE_OF_TIME_BASES) });
}
