/**
 * Reader of yearly CBA streams: `year,capitalCostUsd,operatingCostUsd,benefitsUsd[,more benefit columns...]
 * [,residualValueUsd]`. Every column that is not year, capitalCostUsd, operatingCostUsd or residualValueUsd is a
 * benefit column and the benefits of a row are their sum. Lines starting with `#` and blank lines are skipped.
 *
 * Rules (each violation is E_PARSE naming file, line and field): every row has one value per header column; values
 * are plain decimal numbers ≥ 0 (benefit columns may be negative: a disbenefit); years are integers, consecutive and
 * increasing.
 *
 * Prices: without a `priceYear` column the values are taken as constant prices (as given). With one, each row's values
 * are in prices of its `priceYear` (e.g. nominal streams: priceYear = year) and are restated into the price base year
 * (`priceBaseYear`, default the first row's price year) with the US GDP implicit price deflator (params.ts,
 * rule estimate:deflator-restatement); a year without a deflator value is E_PRICE_YEAR_UNKNOWN.
 */
import { readFileSync } from "node:fs";
import { CaravanError, parseError } from "../core/errors";
import type { CbaStreams } from "./cba";
import { type Deflator, priceFactor, readDeflator } from "./params";

const REQUIRED = ["year", "capitalCostUsd", "operatingCostUsd", "benefitsUsd"] as const;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface ParsedStreams extends CbaStreams {
  /** Names of the benefit columns summed into benefitsUsd. */
  readonly benefitColumns: readonly string[];
  /** With a priceYear column: the price base year and the factor of each price year; null = values as given. */
  readonly prices: { readonly baseYear: number; readonly restated: readonly { readonly priceYear: number; readonly factor: number }[] } | null;
}

export interface StreamsPriceOptions {
  /** Price base year to restate a priceYear column into (default: the first row's price year). */
  readonly priceBaseYear?: number | null;
  readonly deflator?: Deflator;
}

/** Parse streams from CSV text; `file` names the source in errors. */
export function parseStreamsCsv(text: string, file: string, options: StreamsPriceOptions = {}): ParsedStreams {
  const lines = text.split(/\r?\n/);
  let headerLine = -1;
  let header: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k].trim();
    if (l === "" || l.startsWith("#")) continue;
    headerLine = k;
    header = l.split(",").map((h) => h.trim());
    break;
  }
  if (headerLine < 0) throw parseError(file, 1, "header", "the file is empty; expected the header year,capitalCostUsd,operatingCostUsd,benefitsUsd");
  for (const r of REQUIRED) {
    if (!header.includes(r)) throw parseError(file, headerLine + 1, r, `missing column (header must include ${REQUIRED.join(",")})`);
  }
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "") throw parseError(file, headerLine + 1, "header", "empty column name");
    if (seen.has(h)) throw parseError(file, headerLine + 1, h, "column given twice");
    seen.add(h);
  }
  const yearCol = header.indexOf("year");
  const capCol = header.indexOf("capitalCostUsd");
  const opCol = header.indexOf("operatingCostUsd");
  const resCol = header.indexOf("residualValueUsd");
  const priceCol = header.indexOf("priceYear");
  const benefitCols: number[] = [];
  for (let c = 0; c < header.length; c++) if (c !== yearCol && c !== capCol && c !== opCol && c !== resCol && c !== priceCol) benefitCols.push(c);
  if (priceCol < 0 && options.priceBaseYear !== undefined && options.priceBaseYear !== null) {
    throw new CaravanError("E_USAGE", `${file} has no priceYear column: its values are taken as constant prices; add a priceYear column (the prices of each row) to restate them into ${options.priceBaseYear}`);
  }
  const priceYears: number[] = [];
  const rowLines: number[] = [];
  const years: number[] = [];
  const cap: number[] = [];
  const op: number[] = [];
  const ben: number[] = [];
  const res: number[] = [];
  for (let k = headerLine + 1; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const line = k + 1;
    const cells = raw.split(",").map((c) => c.trim());
    if (cells.length !== header.length) {
      // a short row names the first column without a value, a long one the first value without a column
      const field = cells.length < header.length ? header[cells.length] : `column ${header.length + 1} (no header)`;
      throw parseError(file, line, field, `${cells.length} values for ${header.length} columns (streams of different lengths)`);
    }
    const value = (c: number, allowNegative: boolean): number => {
      const cell = cells[c];
      if (cell === "" || cell.toUpperCase() === "NA") throw parseError(file, line, header[c], "missing value");
      if (!NUMBER.test(cell)) throw parseError(file, line, header[c], `"${cell}" is not a number`);
      const v = Number(cell);
      if (!Number.isFinite(v)) throw parseError(file, line, header[c], `"${cell}" is not a finite number`);
      if (!allowNegative && v < 0) throw parseError(file, line, header[c], `negative value ${cell} (costs and residual values are ≥ 0; a saving is a benefit)`);
      return v;
    };
    const y = value(yearCol, true);
    if (!Number.isInteger(y)) throw parseError(file, line, "year", `"${cells[yearCol]}" is not a whole year`);
    if (years.length > 0 && y !== years[years.length - 1] + 1) {
      throw parseError(file, line, "year", `year ${y} does not follow ${years[years.length - 1]} (years must be consecutive and increasing)`);
    }
    years.push(y);
    cap.push(value(capCol, false));
    op.push(value(opCol, false));
    let b = 0;
    for (const c of benefitCols) b += value(c, true);
    ben.push(b);
    res.push(resCol >= 0 ? value(resCol, false) : 0);
    if (priceCol >= 0) {
      const py = value(priceCol, false);
      if (!Number.isInteger(py)) throw parseError(file, line, "priceYear", `"${cells[priceCol]}" is not a whole year`);
      priceYears.push(py);
    }
    rowLines.push(line);
  }
  if (years.length === 0) throw parseError(file, headerLine + 2, "year", "no data rows after the header");
  let prices: ParsedStreams["prices"] = null;
  if (priceCol >= 0) {
    const baseYear = options.priceBaseYear ?? priceYears[0];
    const deflator = options.deflator ?? readDeflator();
    const factors = new Map<number, number>();
    for (let t = 0; t < years.length; t++) {
      const py = priceYears[t];
      let f = factors.get(py);
      if (f === undefined) {
        f = priceFactor(deflator, py, baseYear, `${file}, line ${rowLines[t]}, field "priceYear"`);
        factors.set(py, f);
      }
      cap[t] *= f;
      op[t] *= f;
      ben[t] *= f;
      res[t] *= f;
    }
    prices = { baseYear, restated: [...factors].sort((a, b) => a[0] - b[0]).map(([priceYear, factor]) => ({ priceYear, factor })) };
  }
  return {
    year: Int32Array.from(years),
    capitalCostUsd: Float64Array.from(cap),
    operatingCostUsd: Float64Array.from(op),
    benefitsUsd: Float64Array.from(ben),
    residualValueUsd: Float64Array.from(res),
    benefitColumns: benefitCols.map((c) => header[c]),
    prices,
  };
}

/** Read a streams CSV file (E_FILE_NOT_FOUND when it cannot be read). */
export function readStreamsCsv(path: string, options: StreamsPriceOptions = {}): ParsedStreams {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseStreamsCsv(text, path, options);
}
