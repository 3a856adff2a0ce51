/**
 * Inputs of the Belt and Road study: the user's trade matrix and GDP file, turned into a square matrix of flows with
 * domestic flows and a rest of the world.
 *
 * Trade file (CSV, one header line, `#` comments): `exporter,importer,trade[,sector][,year]` (value in USD unless
 * `tradeUnit` says otherwise), the output of `caravan gravity import` (`exporter,importer,sector,valueUsd,...`), or
 * USITC ITPD-E (`exporter_iso3,importer_iso3,year,industry_id,...,trade`, trade in million USD, domestic flows
 * included; `industry_id` is the sector). A file with several years needs `year` to choose one.
 * Codes are ISO 3166-1 alpha-3 (three capital letters); rows of the same pair (several sectors) are summed; a row with
 * exporter = importer is a domestic flow. Negative, missing or non-numeric values and malformed codes are E_PARSE with
 * file, line and field.
 *
 * Domestic flows (rule, docs/belt-and-road.md): from the trade file where it has them; otherwise
 *   X_ii = max(GDP_i − Σ_{j≠i} X_ij, 0.1 · GDP_i)
 * (GDP as the proxy of gross output sold at home or abroad; the floor keeps entrepôt economies whose re-exports
 * exceed GDP in the model). GDP: World Bank WDI layout `Country Name,Country Code,Year,Value` (USD).
 *
 * Rest of the world: economies of the trade file without a GDP value (and without a domestic flow in the file) are
 * merged into one economy "ROW" whose GDP is WLD minus the GDP of the included economies (the WLD row of the GDP
 * file); without a WLD row their flows are dropped and counted.
 */
import { readFileSync } from "node:fs";
import { CaravanError, parseError } from "../../core/errors";
import { isEconomyCode, suggestEconomyCodes } from "../../core/country-codes";

export const ROW = "ROW";
const ISO3 = /^[A-Z]{3}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Split one CSV line with double-quoted fields ("Korea, Rep."). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quoted) {
      if (ch === '"') {
        if (line[k + 1] === '"') {
          cur += '"';
          k++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

export interface TradeMatrixInput {
  readonly file: string;
  /** Pair key `exporter\u0000importer` → summed value (USD). */
  readonly flows: ReadonlyMap<string, number>;
  /** Pair key → sector → value (USD), when the file has sectors. */
  readonly sectors: ReadonlyMap<string, ReadonlyMap<string, number>> | null;
  readonly economies: readonly string[];
  readonly rows: number;
}

export const TRADE_UNITS: Readonly<Record<string, number>> = { usd: 1, "thousand-usd": 1e3, "million-usd": 1e6 };

/**
 * Read a trade matrix file (see the file comment); `unit` defaults to USD (million USD for ITPD-E). With
 * `networkEconomies`, every code must name an economy: an ISO 3166 alpha-3 code (core/country-codes.ts) or an economy
 * of the network, so a typo is an error with "did you mean" rather than a silent part of the rest of the world.
 */
export function readTradeMatrix(file: string, unit?: string, year?: number, networkEconomies?: ReadonlySet<string>): TradeMatrixInput {
  if (unit !== undefined && TRADE_UNITS[unit] === undefined) throw new CaravanError("E_USAGE", `trade unit must be one of ${Object.keys(TRADE_UNITS).join(", ")} (got "${unit}")`);
  let factor = TRADE_UNITS[unit ?? "usd"];
  let iy = -1;
  const years = new Set<string>();
  const lines = readText(file).split(/\r?\n/);
  let header: string[] | null = null;
  let ie = -1;
  let ii = -1;
  let iv = -1;
  let is = -1;
  let valueName = "";
  let scale = factor;
  const flows = new Map<string, number>();
  const sectors = new Map<string, Map<string, number>>();
  const economies = new Set<string>();
  let rows = 0;
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    const line = k + 1;
    if (header === null) {
      header = cells;
      const itpd = header.includes("exporter_iso3") && header.includes("importer_iso3");
      if (itpd && unit === undefined) factor = TRADE_UNITS["million-usd"];
      scale = factor;
      ie = header.indexOf(itpd ? "exporter_iso3" : "exporter");
      ii = header.indexOf(itpd ? "importer_iso3" : "importer");
      is = header.indexOf(itpd ? "industry_id" : "sector");
      iy = header.indexOf("year");
      iv = header.indexOf("trade");
      valueName = "trade";
      if (iv < 0) {
        iv = header.indexOf("valueUsd");
        valueName = "valueUsd";
        scale = 1; // gravity import output is in USD
      }
      if (ie < 0) throw parseError(file, line, "exporter", "missing column (expected exporter,importer,trade[,sector] or a gravity import output)");
      if (ii < 0) throw parseError(file, line, "importer", "missing column");
      if (iv < 0) throw parseError(file, line, "trade", "missing column (trade, or valueUsd of a gravity import output)");
      continue;
    }
    if (cells.length < header.length) throw parseError(file, line, header[cells.length], `${cells.length} values for ${header.length} columns`);
    if (iy >= 0) {
      years.add(cells[iy]);
      if (year !== undefined && Number(cells[iy]) !== year) continue;
    }
    const a = cells[ie];
    const b = cells[ii];
    if (!ISO3.test(a)) throw parseError(file, line, "exporter", `"${a}" is not an ISO 3166-1 alpha-3 code (three capital letters)`);
    if (!ISO3.test(b)) throw parseError(file, line, "importer", `"${b}" is not an ISO 3166-1 alpha-3 code (three capital letters)`);
    for (const [field, code] of [["exporter", a], ["importer", b]] as const) {
      if (networkEconomies && !networkEconomies.has(code) && !isEconomyCode(code)) {
        throw new CaravanError("E_PARSE", `${file}:${line}: field "${field}": "${code}" is not an ISO 3166-1 alpha-3 code of an economy`, {
          details: { file, line, field },
          didYouMean: suggestEconomyCodes(code),
        });
      }
    }
    const text = cells[iv];
    if (text === "" || text.toUpperCase() === "NA") throw parseError(file, line, valueName, "missing value");
    if (!NUMBER.test(text)) throw parseError(file, line, valueName, `"${text}" is not a number`);
    const v = Number(text) * scale;
    if (!Number.isFinite(v)) throw parseError(file, line, valueName, `"${text}" is not a finite number`);
    if (v < 0) throw parseError(file, line, valueName, `negative trade value ${text}`);
    rows++;
    economies.add(a);
    economies.add(b);
    const key = `${a}\u0000${b}`;
    flows.set(key, (flows.get(key) ?? 0) + v);
    if (is >= 0) {
      const sector = cells[is];
      if (sector === "") throw parseError(file, line, "sector", "empty sector");
      let m = sectors.get(key);
      if (!m) {
        m = new Map();
        sectors.set(key, m);
      }
      m.set(sector, (m.get(sector) ?? 0) + v);
    }
  }
  if (header === null) throw parseError(file, 1, "header", "empty file");
  if (year === undefined && years.size > 1) {
    throw new CaravanError("E_USAGE", `${file} holds several years (${[...years].sort().slice(0, 8).join(", ")}${years.size > 8 ? ", …" : ""}); choose one with --trade-year`);
  }
  if (rows === 0) throw parseError(file, 2, "exporter", year !== undefined ? `no data rows for year ${year}` : "no data rows");
  return { file, flows, sectors: is >= 0 ? sectors : null, economies: [...economies].sort(), rows };
}

export interface GdpInput {
  readonly file: string;
  readonly year: number;
  /** ISO3 (and WLD) → GDP, USD. */
  readonly gdpUsd: ReadonlyMap<string, number>;
}

/** Read WDI GDP (`Country Name,Country Code,Year,Value`) for `year` (default: the latest year in the file). */
export function readGdp(file: string, year?: number): GdpInput {
  const lines = readText(file).split(/\r?\n/);
  let header: string[] | null = null;
  let ic = -1;
  let iy = -1;
  let iv = -1;
  const byYear = new Map<number, Map<string, number>>();
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    const line = k + 1;
    if (header === null) {
      header = cells;
      ic = header.indexOf("Country Code");
      iy = header.indexOf("Year");
      iv = header.indexOf("Value");
      if (ic < 0 || iy < 0 || iv < 0) throw parseError(file, line, ic < 0 ? "Country Code" : iy < 0 ? "Year" : "Value", "missing column (World Bank WDI layout: Country Name,Country Code,Year,Value)");
      continue;
    }
    if (cells.length < header.length) throw parseError(file, line, header[cells.length], `${cells.length} values for ${header.length} columns`);
    const y = Number(cells[iy]);
    if (!Number.isInteger(y)) throw parseError(file, line, "Year", `"${cells[iy]}" is not a year`);
    const text = cells[iv];
    if (text === "") continue; // WDI leaves unknown years empty
    if (!NUMBER.test(text)) throw parseError(file, line, "Value", `"${text}" is not a number`);
    const v = Number(text);
    if (!(v > 0) || !Number.isFinite(v)) throw parseError(file, line, "Value", `GDP must be positive (got ${text})`);
    let m = byYear.get(y);
    if (!m) {
      m = new Map();
      byYear.set(y, m);
    }
    m.set(cells[ic], v);
  }
  if (byYear.size === 0) throw parseError(file, 2, "Value", "no GDP values");
  const chosen = year ?? Math.max(...byYear.keys());
  const gdp = byYear.get(chosen);
  if (!gdp) throw new CaravanError("E_USAGE", `${file} has no GDP for ${chosen} (years ${Math.min(...byYear.keys())}–${Math.max(...byYear.keys())})`);
  return { file, year: chosen, gdpUsd: gdp };
}

export interface FlowMatrix {
  /** Economies (ISO3, and ROW last when present). */
  readonly economies: readonly string[];
  /** [exporter * n + importer] flow, USD. */
  readonly flowUsd: Float64Array;
  /** How each domestic flow was obtained. */
  readonly domesticRule: readonly ("data" | "gdp" | "gdp-floor")[];
  /** Economies merged into ROW. */
  readonly restOfWorld: readonly string[];
  /** Flows dropped (USD) because neither side could be placed (no WLD row for ROW). */
  readonly droppedUsd: number;
  /** Pair key → sector weights (USD), when the trade file has sectors (ROW pairs merged). */
  readonly sectors: ReadonlyMap<string, ReadonlyMap<string, number>> | null;
}

/** Build the square flow matrix with domestic flows and ROW (see the file comment). */
export function buildFlowMatrix(trade: TradeMatrixInput, gdp: GdpInput | null): FlowMatrix {
  const hasDomestic = new Set<string>();
  for (const key of trade.flows.keys()) {
    const [a, b] = key.split("\u0000");
    if (a === b) hasDomestic.add(a);
  }
  const included: string[] = [];
  const rest: string[] = [];
  for (const c of trade.economies) {
    if (hasDomestic.has(c) || gdp?.gdpUsd.has(c)) included.push(c);
    else rest.push(c);
  }
  if (gdp === null && rest.length > 0) {
    throw new CaravanError("E_DATA_INVALID", `${trade.file}: ${rest.length} economies (${rest.slice(0, 5).join(", ")}${rest.length > 5 ? ", …" : ""}) have no domestic flow; give --gdp FILE to derive them`);
  }
  let rowGdp = 0;
  if (rest.length > 0 && gdp !== null) {
    const world = gdp.gdpUsd.get("WLD");
    let inc = 0;
    for (const c of included) inc += gdp.gdpUsd.get(c) ?? 0;
    if (world !== undefined && world > inc) rowGdp = world - inc;
  }
  const withRow = rest.length > 0 && rowGdp > 0;
  const economies = withRow ? [...included, ROW] : included;
  const n = economies.length;
  if (n < 2) throw new CaravanError("E_DATA_INVALID", `${trade.file}: fewer than two economies to model`);
  const index = new Map(economies.map((c, k) => [c, k]));
  const rowIndex = withRow ? n - 1 : -1;
  const at = (c: string): number => index.get(c) ?? rowIndex;
  const flowUsd = new Float64Array(n * n);
  let droppedUsd = 0;
  const sectors = trade.sectors ? new Map<string, Map<string, number>>() : null;
  for (const [key, v] of trade.flows) {
    const [a, b] = key.split("\u0000");
    const i = at(a);
    const j = at(b);
    if (i < 0 || j < 0) {
      droppedUsd += v;
      continue;
    }
    if (i === j && (i === rowIndex || a !== b)) continue; // flows inside ROW: its domestic flow comes from its GDP
    flowUsd[i * n + j] += v;
    if (sectors && trade.sectors) {
      const k2 = `${economies[i]}\u0000${economies[j]}`;
      let m = sectors.get(k2);
      if (!m) {
        m = new Map();
        sectors.set(k2, m);
      }
      for (const [s, w] of trade.sectors.get(key) ?? []) m.set(s, (m.get(s) ?? 0) + w);
    }
  }
  const rule: ("data" | "gdp" | "gdp-floor")[] = [];
  for (let k = 0; k < n; k++) {
    const c = economies[k];
    if (c !== ROW && hasDomestic.has(c)) {
      rule.push("data");
      continue;
    }
    const g = c === ROW ? rowGdp : gdp!.gdpUsd.get(c)!;
    let exports = 0;
    for (let j = 0; j < n; j++) if (j !== k) exports += flowUsd[k * n + j];
    const d = g - exports;
    if (d >= 0.1 * g) {
      flowUsd[k * n + k] = d;
      rule.push("gdp");
    } else {
      flowUsd[k * n + k] = 0.1 * g;
      rule.push("gdp-floor");
    }
  }
  return { economies, flowUsd, domesticRule: rule, restOfWorld: withRow ? rest : [], droppedUsd, sectors };
}
