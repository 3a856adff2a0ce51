/**
 * Shared parsing of command-line option values: every numeric option goes through `numberOption`, which applies the
 * one number rule of src/core/numbers.ts with the option's documented range and throws E_USAGE naming the option.
 * Also the argument pre-processing that keeps `lon,lat` places with a negative longitude from being read as options.
 */
import { CaravanError } from "../core/errors";
import { type NumberRule, optionRule, parseNumber } from "../core/numbers";

/**
 * Parse a numeric option (undefined when absent). The range is the option's entry in NUMBER_FIELDS
 * (docs/numbers.md), or `rule` when given; `integer` asks for a whole number when the option has no entry.
 */
export function numberOption(option: string, value: string | undefined, integer = false, rule?: NumberRule): number | undefined {
  if (value === undefined) return undefined;
  return parseNumber(value, rule ?? optionRule(option, integer), (problem) => {
    throw new CaravanError("E_USAGE", `${option}: ${problem}`, { details: { option, value } });
  });
}

/** Split a comma-separated list option. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Like numberOption for an option that has a default (never undefined). */
export function requiredNumberOption(option: string, value: string, integer = false, rule?: NumberRule): number {
  return numberOption(option, value, integer, rule) as number;
}

/** A `lon,lat` (or `lon;lat`, `lon lat`) place whose longitude is negative, e.g. `-9.14,38.72`. */
const NEGATIVE_COORDINATES = /^-\d+(?:\.\d+)?\s*[,;\s]\s*[-+]?\d+(?:\.\d+)?$/;

/**
 * Prepare argv for commander: an argument that is a `lon,lat` pair with a negative longitude is a place, not an
 * option, so it gets a leading space (commander reads `-…` as an option; the place resolver trims). Arguments after
 * `--` are left alone (commander already takes them as operands).
 */
export function protectNegativeCoordinates(argv: readonly string[]): string[] {
  const out: string[] = [];
  let operandsOnly = false;
  for (const arg of argv) {
    if (arg === "--") operandsOnly = true;
    out.push(!operandsOnly && NEGATIVE_COORDINATES.test(arg) ? ` ${arg}` : arg);
  }
  return out;
}
