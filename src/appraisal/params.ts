/**
 * Appraisal parameters with provenance: the value of freight time per cargo class and the shadow price of carbon by
 * year (data/appraisal/, sources in data/appraisal/sources.yaml), and the defaults of a project appraisal.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CaravanError, parseError } from "../core/errors";
import { numberProblem } from "../core/numbers";
import { packageInfo } from "../core/package";
import { suggest } from "../core/suggest";

// from the package root, not this module's folder: the build bundles this module into dist/cli (another depth)
export const APPRAISAL_DATA_DIR = join(packageInfo().root, "data", "appraisal");
export const DEFAULT_VOT_FILE = resolve(APPRAISAL_DATA_DIR, "value-of-freight-time.csv");
export const DEFAULT_CO2_FILE = resolve(APPRAISAL_DATA_DIR, "co2-shadow-price.csv");

/** Value of freight time of one cargo profile, USD per tonne-hour. */
export interface ValueOfTime {
  readonly classId: string;
  readonly profileId: string;
  readonly lowUsdPerTH: number;
  readonly centralUsdPerTH: number;
  readonly highUsdPerTH: number;
  readonly source: string;
}

/** Carbon price anchors of one path. */
export interface Co2PricePath {
  readonly path: string;
  readonly years: readonly number[];
  readonly lowUsdPerT: readonly number[];
  readonly highUsdPerT: readonly number[];
  readonly source: string;
}

function csvRows(path: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  const rows: { line: number; cells: string[] }[] = [];
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k].trim();
    if (l === "" || l.startsWith("#")) continue;
    const cells = l.split(",").map((c) => c.trim());
    if (header === null) header = cells;
    else {
      if (cells.length !== header.length) throw parseError(path, k + 1, header[Math.min(cells.length, header.length - 1)], `${cells.length} values for ${header.length} columns`);
      rows.push({ line: k + 1, cells });
    }
  }
  if (header === null) throw parseError(path, 1, "header", "empty file");
  return { header, rows };
}

function num(path: string, line: number, field: string, text: string, min = 0): number {
  const problem = numberProblem(text, { min, max: 1e15 });
  if (problem !== null) throw parseError(path, line, field, problem);
  const v = Number(text);
  return v;
}

/** Read `class,profile,...,lowUsdPerTonneH,centralUsdPerTonneH,highUsdPerTonneH,source`. */
export function readValueOfTime(path = DEFAULT_VOT_FILE): ValueOfTime[] {
  const { header, rows } = csvRows(path);
  const col = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw parseError(path, 1, name, "missing column");
    return k;
  };
  const [c, p, lo, ce, hi, s] = ["class", "profile", "lowUsdPerTonneH", "centralUsdPerTonneH", "highUsdPerTonneH", "source"].map(col);
  return rows.map(({ line, cells }) => {
    const low = num(path, line, "lowUsdPerTonneH", cells[lo]);
    const central = num(path, line, "centralUsdPerTonneH", cells[ce]);
    const high = num(path, line, "highUsdPerTonneH", cells[hi]);
    if (!(low <= central && central <= high)) throw parseError(path, line, "centralUsdPerTonneH", "values must satisfy low ≤ central ≤ high");
    return { classId: cells[c], profileId: cells[p], lowUsdPerTH: low, centralUsdPerTH: central, highUsdPerTH: high, source: cells[s] };
  });
}

/** Read `path,year,lowUsdPerT,highUsdPerT,source` and return the named path. */
export function readCo2Path(name: string, path = DEFAULT_CO2_FILE): Co2PricePath {
  const { header, rows } = csvRows(path);
  const idx = (n: string): number => {
    const k = header.indexOf(n);
    if (k < 0) throw parseError(path, 1, n, "missing column");
    return k;
  };
  const [pc, yc, lc, hc, sc] = ["path", "year", "lowUsdPerT", "highUsdPerT", "source"].map(idx);
  const names = [...new Set(rows.map((r) => r.cells[pc]))];
  const mine = rows.filter((r) => r.cells[pc] === name);
  if (mine.length === 0) throw new CaravanError("E_USAGE", `no carbon price path "${name}" in ${path} (paths: ${names.join(", ")})`, { didYouMean: suggest(name, names) });
  const sorted = mine
    .map((r) => ({ year: num(path, r.line, "year", r.cells[yc]), low: num(path, r.line, "lowUsdPerT", r.cells[lc]), high: num(path, r.line, "highUsdPerT", r.cells[hc]), source: r.cells[sc] }))
    .sort((a, b) => a.year - b.year);
  return {
    path: name,
    years: sorted.map((r) => r.year),
    lowUsdPerT: sorted.map((r) => r.low),
    highUsdPerT: sorted.map((r) => r.high),
    source: [...new Set(sorted.map((r) => r.source))].join(";"),
  };
}

/** Carbon price in a year (rule estimate:carbon-interpolation), `level` 0 = low, 1 = high, 0.5 = midpoint. */
export function co2PriceUsdPerT(p: Co2PricePath, year: number, level: number): number {
  const at = (k: number): number => p.lowUsdPerT[k] + level * (p.highUsdPerT[k] - p.lowUsdPerT[k]);
  if (year <= p.years[0]) return at(0);
  const last = p.years.length - 1;
  if (year >= p.years[last]) return at(last);
  let k = 0;
  while (p.years[k + 1] < year) k++;
  const f = (year - p.years[k]) / (p.years[k + 1] - p.years[k]);
  return at(k) + f * (at(k + 1) - at(k));
}

/** Defaults of a project appraisal (rules in data/appraisal/sources.yaml). */
export interface AppraisalParameters {
  /** Real discount rate, %. */
  readonly discountRatePct: number;
  /** Years of operation after opening (EU guide 2014: railways 30). */
  readonly operationYears: number;
  /** Construction years before opening where the project gives none. */
  readonly constructionYears: number;
  /** Construction delay, years (opening later, capital spread over more years). */
  readonly delayYears: number;
  /** O&M per year, % of the capital cost. */
  readonly omPct: number;
  /** Service life of the works for the residual value, years. */
  readonly serviceLifeYears: number;
  /** Benefit shares of the first operating years, then 1. */
  readonly rampUp: readonly number[];
  /** Demand growth per year from the 2024 base, %. */
  readonly demandGrowthPct: number;
  /** Base year of the demand file. */
  readonly demandBaseYear: number;
  /** Elasticity of tonnes with respect to the generalized cost (≤ 0). */
  readonly elasticity: number;
  /** Value of reliability per hour of buffer, as a multiple of the value of time. */
  readonly reliabilityRatio: number;
  /** Carbon price path name and level (0 low, 1 high). */
  readonly co2Path: string;
  readonly co2Level: number;
}

export const DEFAULT_PARAMETERS: AppraisalParameters = {
  discountRatePct: 6,
  operationYears: 30,
  constructionYears: 4,
  delayYears: 0,
  omPct: 1,
  serviceLifeYears: 50,
  rampUp: [0.5, 0.75],
  demandGrowthPct: 3,
  demandBaseYear: 2024,
  elasticity: -0.5,
  reliabilityRatio: 1,
  co2Path: "world-bank-2017",
  co2Level: 0,
};
