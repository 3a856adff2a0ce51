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
export const DEFAULT_DEFLATOR_FILE = resolve(APPRAISAL_DATA_DIR, "gdp-deflator-usa.csv");

/** Value of freight time of one cargo profile, USD per tonne-hour. */
export interface ValueOfTime {
  readonly classId: string;
  readonly profileId: string;
  readonly lowUsdPerTH: number;
  readonly centralUsdPerTH: number;
  readonly highUsdPerTH: number;
  /** Year of the prices of the cargo value behind it; null = none known (not restated). */
  readonly priceYear: number | null;
  readonly source: string;
}

/** Carbon price anchors of one path. */
export interface Co2PricePath {
  readonly path: string;
  readonly years: readonly number[];
  readonly lowUsdPerT: readonly number[];
  readonly highUsdPerT: readonly number[];
  /** Year of the prices of the path's values; null = none known (not restated). */
  readonly priceYear: number | null;
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
  const py = header.indexOf("priceYear");
  return rows.map(({ line, cells }) => {
    const low = num(path, line, "lowUsdPerTonneH", cells[lo]);
    const central = num(path, line, "centralUsdPerTonneH", cells[ce]);
    const high = num(path, line, "highUsdPerTonneH", cells[hi]);
    if (!(low <= central && central <= high)) throw parseError(path, line, "centralUsdPerTonneH", "values must satisfy low ≤ central ≤ high");
    const priceYear = py < 0 || cells[py] === "" ? null : yearOf(path, line, "priceYear", cells[py]);
    return { classId: cells[c], profileId: cells[p], lowUsdPerTH: low, centralUsdPerTH: central, highUsdPerTH: high, priceYear, source: cells[s] };
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
  const pc2 = header.indexOf("priceYear");
  const sorted = mine
    .map((r) => ({
      year: num(path, r.line, "year", r.cells[yc]),
      low: num(path, r.line, "lowUsdPerT", r.cells[lc]),
      high: num(path, r.line, "highUsdPerT", r.cells[hc]),
      priceYear: pc2 < 0 || r.cells[pc2] === "" ? null : yearOf(path, r.line, "priceYear", r.cells[pc2]),
      source: r.cells[sc],
    }))
    .sort((a, b) => a.year - b.year);
  const priceYears = [...new Set(sorted.map((r) => r.priceYear))];
  if (priceYears.length > 1) throw parseError(path, mine[0].line, "priceYear", `the rows of path "${name}" give different price years`);
  return {
    path: name,
    years: sorted.map((r) => r.year),
    lowUsdPerT: sorted.map((r) => r.low),
    highUsdPerT: sorted.map((r) => r.high),
    priceYear: priceYears[0] ?? null,
    source: [...new Set(sorted.map((r) => r.source))].join(";"),
  };
}

function yearOf(path: string, line: number, field: string, text: string): number {
  const v = num(path, line, field, text);
  if (!Number.isInteger(v) || v < 1800 || v > 2200) throw parseError(path, line, field, `expected a year, got "${text}"`);
  return v;
}

/** A price index by year (the US GDP implicit price deflator of data/appraisal). */
export interface Deflator {
  readonly file: string;
  readonly years: readonly number[];
  readonly index: readonly number[];
  readonly source: string;
}

const deflators = new Map<string, Deflator>();

/** Read `year,index2017,source` (consecutive or not; each year once). */
export function readDeflator(path = DEFAULT_DEFLATOR_FILE): Deflator {
  const hit = deflators.get(path);
  if (hit) return hit;
  const { header, rows } = csvRows(path);
  const col = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw parseError(path, 1, name, "missing column");
    return k;
  };
  const [yc, ic, sc] = ["year", "index2017", "source"].map(col);
  const seen = new Set<number>();
  const parsed = rows.map(({ line, cells }) => {
    const year = yearOf(path, line, "year", cells[yc]);
    if (seen.has(year)) throw parseError(path, line, "year", `year ${year} is given twice`);
    seen.add(year);
    const index = num(path, line, "index2017", cells[ic]);
    if (!(index > 0)) throw parseError(path, line, "index2017", "expected a positive index");
    return { year, index, source: cells[sc] };
  });
  parsed.sort((a, b) => a.year - b.year);
  const d: Deflator = { file: path, years: parsed.map((r) => r.year), index: parsed.map((r) => r.index), source: [...new Set(parsed.map((r) => r.source))].join(";") };
  deflators.set(path, d);
  return d;
}

/** Index of a year, or E_PRICE_YEAR_UNKNOWN naming what needed it (no extrapolation). */
export function deflatorIndex(d: Deflator, year: number, what: string): number {
  const k = d.years.indexOf(year);
  if (k < 0) {
    throw new CaravanError(
      "E_PRICE_YEAR_UNKNOWN",
      `${what}: no price index for ${year} in ${d.file} (years ${d.years[0]}–${d.years[d.years.length - 1]}); values are not extrapolated`,
      { details: { year, first: d.years[0], last: d.years[d.years.length - 1] } },
    );
  }
  return d.index[k];
}

/** Factor that restates USD of `fromYear`'s prices into `toYear`'s: D(to) / D(from). */
export function priceFactor(d: Deflator, fromYear: number, toYear: number, what: string): number {
  return deflatorIndex(d, toYear, "price base year") / deflatorIndex(d, fromYear, what);
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
  /**
   * Price base year of the results (constant prices of that year); null = the price year of the capital cost (the
   * latest of them for several projects). Values of other years' prices are restated with the deflator.
   */
  readonly priceBaseYear: number | null;
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
  priceBaseYear: null,
};
