/**
 * Aggregation of product-level trade flows (HS6) to country pairs and sectors, with value-to-tonnes filling for
 * flows without a reported quantity. Used by the BACI and Comtrade importers; everything on typed arrays.
 *
 * Sectors: a mapping from HS codes to sector labels (`SectorMap`), by default the 21 HS sections
 * (data/trade/hs-sections.csv). A code the mapping does not cover goes to the sector `UNMAPPED`.
 *
 * Missing quantities: rule `estimate:in-file-value-density` (data/trade/sources.yaml): massT = valueUsd / density,
 * the density being Σvalue/Σmass over the flows of the same input that report a mass, for the same HS6 product,
 * else the same sector, else the whole input; or a user table of densities by sector.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageInfo } from "../../core/package";
import { CaravanError, parseError } from "../../core/errors";
import { readCsvTable } from "../io/table";

export const HS_SECTIONS_FILE = join(packageInfo().root, "data", "trade", "hs-sections.csv");

/** Number of HS6 codes addressable (000000 .. 999999). */
export const HS6_CODES = 1_000_000;
/** Sector index of a code no mapping covers. */
export const UNMAPPED_SECTOR = "UNMAPPED";

export interface SectorMap {
  /** [sector] label; the last one is UNMAPPED. */
  readonly sectors: readonly string[];
  /** [HS6 code as integer] sector index. */
  readonly sectorOfHs6: Int32Array;
  readonly source: string;
}

/** One sector for every code (pairs only). */
export function totalSectorMap(): SectorMap {
  return { sectors: ["TOTAL", UNMAPPED_SECTOR], sectorOfHs6: new Int32Array(HS6_CODES), source: "(all products)" };
}

/**
 * Read a mapping `hs,sector[,...]`: `hs` is a 2-, 4- or 6-digit HS code (prefix) or a range of equal-length codes
 * `01-05`. Longer codes override shorter ones (a 4-digit line refines its chapter).
 */
export function readSectorMap(path = HS_SECTIONS_FILE): SectorMap {
  if (!existsSync(path)) throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}`, { details: { file: path } });
  const table = readCsvTable(path, { types: { hs: "string", sector: "string" } });
  const hs = table.column("hs").values as readonly string[];
  const sectorCol = table.column("sector").values as readonly string[];
  const sectors: string[] = [];
  const sectorIndex = new Map<string, number>();
  const rules: { from: number; to: number; digits: number; sector: number }[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    const lineNo = r + 2;
    const m = /^(\d{2}|\d{4}|\d{6})(?:-(\d{2}|\d{4}|\d{6}))?$/.exec(hs[r]);
    if (!m || (m[2] !== undefined && m[2].length !== m[1].length)) {
      throw parseError(path, lineNo, "hs", `"${hs[r]}" is not a 2-, 4- or 6-digit HS code or a range like 01-05`);
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw parseError(path, lineNo, "hs", `range "${hs[r]}" ends before it starts`);
    const label = sectorCol[r];
    if (label === "") throw parseError(path, lineNo, "sector", "empty");
    let s = sectorIndex.get(label);
    if (s === undefined) {
      s = sectors.length;
      sectors.push(label);
      sectorIndex.set(label, s);
    }
    rules.push({ from, to, digits: m[1].length, sector: s });
  }
  const unmapped = sectors.length;
  sectors.push(UNMAPPED_SECTOR);
  const sectorOfHs6 = new Int32Array(HS6_CODES).fill(unmapped);
  rules.sort((a, b) => a.digits - b.digits);
  for (const rule of rules) {
    const span = 10 ** (6 - rule.digits);
    const end = Math.min(HS6_CODES, (rule.to + 1) * span);
    sectorOfHs6.fill(rule.sector, rule.from * span, end);
  }
  return { sectors, sectorOfHs6, source: path };
}

/** Value densities by sector label, USD per tonne. */
export type DensityTable = ReadonlyMap<string, number>;

/** Read `sector,usdPerT[,source]`. */
export function readDensityTable(path: string): DensityTable {
  const table = readCsvTable(path, { types: { sector: "string", usdPerT: "number" } });
  const sector = table.column("sector").values as readonly string[];
  const usdPerT = table.numeric("usdPerT");
  const out = new Map<string, number>();
  for (let r = 0; r < table.rowCount; r++) {
    if (!(usdPerT[r] > 0)) throw parseError(path, r + 2, "usdPerT", `must be a positive number (got ${usdPerT[r]})`);
    out.set(sector[r], usdPerT[r]);
  }
  return out;
}

const EMPTY = -1;
/** Largest number of distinct countries an aggregator accepts. */
export const MAX_COUNTRIES = 1024;
/** With at most this many sectors, cells of a pair are one dense block; above it, a hash table finds them. */
const DENSE_SECTOR_LIMIT = 64;
/** Doubles per cell in `cells`: value USD, reported mass t, number of flows. */
const STRIDE = 3;

/**
 * Accumulates flows into (exporter, importer, sector) cells. Country ids are small non-negative integers chosen by
 * the caller (below MAX_COUNTRIES; labels are given at `finish`).
 *
 * Layout (chosen for memory locality, one cache line per cell): a dense [exporter * MAX_COUNTRIES + importer] table
 * gives a pair index in order of first appearance; the cell key is pairIndex * sectorCount + sector; with few
 * sectors that key is the cell itself, otherwise an open-addressing hash table maps it to a cell. Per-cell sums are
 * interleaved in one Float64Array.
 */
export class PairSectorAggregator {
  readonly sectorMap: SectorMap;
  private readonly sectorCount: number;
  private readonly dense: boolean;
  private readonly pairOf = new Int32Array(MAX_COUNTRIES * MAX_COUNTRIES).fill(EMPTY); // [exporter * MAX + importer] pair
  private pairCount = 0;
  private pairCode = new Int32Array(1 << 12); // [pair] exporter * MAX + importer
  // Hash (sparse sectors only): key → cell.
  private capacity = 1 << 16;
  private keys = new Int32Array(this.capacity).fill(EMPTY); // [slot] cell key, EMPTY = free
  private cellOfSlot = new Int32Array(this.capacity); // [slot] cell
  private cellCount = 0;
  private cellKey = new Int32Array(1 << 12); // [cell] key (sparse) — dense cells are their own key
  private cells = new Float64Array(STRIDE << 12); // [cell * STRIDE + {0: valueUsd, 1: reported massT, 2: flows}]
  private readonly hs6Sums = new Float64Array(2 * HS6_CODES); // [2 * HS6 + {0: value USD, 1: mass t}] of flows with a mass
  // Flows without a mass, kept for filling at the end (few in BACI).
  private missingCount = 0;
  private missingCell = new Int32Array(1 << 10); // [missing row] cell
  private missingHs6 = new Int32Array(1 << 10); // [missing row] HS6
  private missingValue = new Float64Array(1 << 10); // [missing row] USD
  rows = 0;

  constructor(sectorMap: SectorMap) {
    this.sectorMap = sectorMap;
    this.sectorCount = sectorMap.sectors.length;
    this.dense = this.sectorCount <= DENSE_SECTOR_LIMIT;
  }

  /** Add one flow. `massT` NaN = not reported. */
  add(exporter: number, importer: number, hs6: number, valueUsd: number, massT: number): void {
    const code = exporter * MAX_COUNTRIES + importer;
    let pair = this.pairOf[code];
    if (pair === EMPTY) pair = this.newPair(code, exporter, importer);
    const key = pair * this.sectorCount + this.sectorMap.sectorOfHs6[hs6];
    const cell = this.dense ? key : this.cellFor(key);
    const base = cell * STRIDE;
    const cells = this.cells;
    this.rows++;
    cells[base] += valueUsd;
    cells[base + 2] += 1;
    if (!Number.isNaN(massT)) {
      cells[base + 1] += massT;
      this.hs6Sums[2 * hs6] += valueUsd;
      this.hs6Sums[2 * hs6 + 1] += massT;
    } else {
      if (this.missingCount === this.missingCell.length) this.growMissing();
      const k = this.missingCount++;
      this.missingCell[k] = cell;
      this.missingHs6[k] = hs6;
      this.missingValue[k] = valueUsd;
    }
  }

  private newPair(code: number, exporter: number, importer: number): number {
    if (!(exporter >= 0 && exporter < MAX_COUNTRIES && importer >= 0 && importer < MAX_COUNTRIES)) {
      throw new RangeError(`PairSectorAggregator: country id out of range (${exporter}, ${importer})`);
    }
    const pair = this.pairCount++;
    if (pair === this.pairCode.length) {
      const grown = new Int32Array(this.pairCode.length * 2);
      grown.set(this.pairCode);
      this.pairCode = grown;
    }
    this.pairCode[pair] = code;
    this.pairOf[code] = pair;
    if (this.dense) {
      const needed = this.pairCount * this.sectorCount * STRIDE;
      if (needed > this.cells.length) this.growCells(needed);
      this.cellCount = this.pairCount * this.sectorCount;
    }
    return pair;
  }

  private slotOf(key: number, mask: number): number {
    let h = Math.imul(key, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h & mask;
  }

  private cellFor(key: number): number {
    let mask = this.capacity - 1;
    let slot = this.slotOf(key, mask);
    for (;;) {
      const k = this.keys[slot];
      if (k === key) return this.cellOfSlot[slot];
      if (k === EMPTY) break;
      slot = (slot + 1) & mask;
    }
    if ((this.cellCount + 1) * 2 > this.capacity) {
      this.rehash();
      mask = this.capacity - 1;
      slot = this.slotOf(key, mask);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
    }
    const cell = this.cellCount++;
    if (cell === this.cellKey.length) {
      const grown = new Int32Array(this.cellKey.length * 2);
      grown.set(this.cellKey);
      this.cellKey = grown;
    }
    if ((cell + 1) * STRIDE > this.cells.length) this.growCells((cell + 1) * STRIDE);
    this.keys[slot] = key;
    this.cellOfSlot[slot] = cell;
    this.cellKey[cell] = key;
    return cell;
  }

  private rehash(): void {
    this.capacity *= 2;
    const mask = this.capacity - 1;
    this.keys = new Int32Array(this.capacity).fill(EMPTY);
    this.cellOfSlot = new Int32Array(this.capacity);
    for (let cell = 0; cell < this.cellCount; cell++) {
      const key = this.cellKey[cell];
      let slot = this.slotOf(key, mask);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.cellOfSlot[slot] = cell;
    }
  }

  private growCells(needed: number): void {
    let size = this.cells.length;
    while (size < needed) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.cells);
    this.cells = grown;
  }

  private growMissing(): void {
    const n = this.missingCell.length * 2;
    const c = new Int32Array(n);
    c.set(this.missingCell);
    this.missingCell = c;
    const h = new Int32Array(n);
    h.set(this.missingHs6);
    this.missingHs6 = h;
    const v = new Float64Array(n);
    v.set(this.missingValue);
    this.missingValue = v;
  }

  /** Fill missing masses and return the aggregated table, sorted by exporter, importer, sector. */
  finish(countryLabels: readonly string[], densities?: DensityTable): AggregatedTrade {
    const nCells = this.cellCount;
    const sectors = this.sectorMap.sectors;
    const sectorCount = this.sectorCount;
    const estimatedT = new Float64Array(nCells); // [cell]
    // Densities by sector and for the whole input, from flows that report a mass.
    const sectorValue = new Float64Array(sectors.length);
    const sectorMass = new Float64Array(sectors.length);
    let allValue = 0;
    let allMass = 0;
    const sectorOf = this.sectorMap.sectorOfHs6;
    const hs6 = this.hs6Sums;
    for (let h = 0; h < HS6_CODES; h++) {
      const m = hs6[2 * h + 1];
      if (m > 0) {
        sectorValue[sectorOf[h]] += hs6[2 * h];
        sectorMass[sectorOf[h]] += m;
        allValue += hs6[2 * h];
        allMass += m;
      }
    }
    let unfilledValueUsd = 0;
    const methodCounts = { hs6: 0, sector: 0, table: 0, all: 0, none: 0 };
    for (let k = 0; k < this.missingCount; k++) {
      const h = this.missingHs6[k];
      const s = sectorOf[h];
      const v = this.missingValue[k];
      let density: number;
      if (hs6[2 * h + 1] > 0) {
        density = hs6[2 * h] / hs6[2 * h + 1];
        methodCounts.hs6++;
      } else if (densities?.has(sectors[s])) {
        density = densities.get(sectors[s])!;
        methodCounts.table++;
      } else if (sectorMass[s] > 0) {
        density = sectorValue[s] / sectorMass[s];
        methodCounts.sector++;
      } else if (allMass > 0) {
        density = allValue / allMass;
        methodCounts.all++;
      } else {
        unfilledValueUsd += v;
        methodCounts.none++;
        continue;
      }
      estimatedT[this.missingCell[k]] += v / density;
    }
    // Cells in order: pairs by (exporter, importer) label, sectors by index; empty dense cells are skipped.
    const cellOfKey = new Int32Array(this.pairCount * sectorCount).fill(EMPTY);
    if (this.dense) for (let c = 0; c < nCells; c++) cellOfKey[c] = c;
    else for (let c = 0; c < nCells; c++) cellOfKey[this.cellKey[c]] = c;
    const pairOrder = new Int32Array(this.pairCount);
    for (let p = 0; p < this.pairCount; p++) pairOrder[p] = p;
    const pairCode = this.pairCode;
    // Order by exporter label, then importer label (ids are in order of appearance, labels are what people read).
    const rank = countryRank(countryLabels);
    const sortKey = (p: number): number => rank[Math.floor(pairCode[p] / MAX_COUNTRIES)] * MAX_COUNTRIES + rank[pairCode[p] % MAX_COUNTRIES];
    pairOrder.sort((a, b) => sortKey(a) - sortKey(b));
    let rows = 0;
    for (let c = 0; c < nCells; c++) if (this.cells[c * STRIDE + 2] > 0) rows++;
    const exporter = new Int32Array(rows);
    const importer = new Int32Array(rows);
    const sector = new Int32Array(rows);
    const valueUsd = new Float64Array(rows);
    const massT = new Float64Array(rows);
    const massEstimatedT = new Float64Array(rows);
    const flows = new Float64Array(rows);
    let r = 0;
    for (const p of pairOrder) {
      const code = pairCode[p];
      for (let s = 0; s < sectorCount; s++) {
        const c = cellOfKey[p * sectorCount + s];
        if (c === EMPTY || !(this.cells[c * STRIDE + 2] > 0)) continue;
        exporter[r] = Math.floor(code / MAX_COUNTRIES);
        importer[r] = code % MAX_COUNTRIES;
        sector[r] = s;
        valueUsd[r] = this.cells[c * STRIDE];
        massT[r] = this.cells[c * STRIDE + 1] + estimatedT[c];
        massEstimatedT[r] = estimatedT[c];
        flows[r] = this.cells[c * STRIDE + 2];
        r++;
      }
    }
    return {
      countryLabels,
      sectors,
      exporter,
      importer,
      sector,
      valueUsd,
      massT,
      massEstimatedT,
      flows,
      inputRows: this.rows,
      rowsWithoutMass: this.missingCount,
      fill: methodCounts,
      unfilledValueUsd,
    };
  }
}

/** [country id] position of the id's label in sorted order. */
function countryRank(labels: readonly string[]): Int32Array {
  const ids = labels.map((_, k) => k).sort((a, b) => (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : a - b));
  const rank = new Int32Array(labels.length);
  ids.forEach((id, position) => {
    rank[id] = position;
  });
  return rank;
}

/** An aggregated pair × sector trade table. */
export interface AggregatedTrade {
  /** [country id] label (ISO3). */
  readonly countryLabels: readonly string[];
  /** [sector index] label. */
  readonly sectors: readonly string[];
  /** [row] country id / sector index. */
  readonly exporter: Int32Array;
  readonly importer: Int32Array;
  readonly sector: Int32Array;
  /** [row] value in USD. */
  readonly valueUsd: Float64Array;
  /** [row] mass in tonnes: reported plus estimated. */
  readonly massT: Float64Array;
  /** [row] the part of massT estimated from value densities. */
  readonly massEstimatedT: Float64Array;
  /** [row] number of input flows (HS6 lines). */
  readonly flows: Float64Array;
  readonly inputRows: number;
  readonly rowsWithoutMass: number;
  /** How many flows without a mass were filled with each density: same HS6, table, sector, whole input, none. */
  readonly fill: { readonly hs6: number; readonly sector: number; readonly table: number; readonly all: number; readonly none: number };
  /** Value of flows whose mass could not be estimated (no density at all). */
  readonly unfilledValueUsd: number;
  /** Input rows left out by the importer's rules (other flow direction, breakdown rows, ...). */
  readonly skippedRows?: number;
}

function fmt(x: number): string {
  if (x === 0) return "0";
  const r = Math.round(x * 1000) / 1000;
  return String(r);
}

/** CSV text `exporter,importer,sector,valueUsd,massT,massEstimatedT,flows`. */
export function aggregatedTradeCsv(t: AggregatedTrade): string {
  const lines = ["exporter,importer,sector,valueUsd,massT,massEstimatedT,flows"];
  for (let r = 0; r < t.exporter.length; r++) {
    lines.push(
      `${t.countryLabels[t.exporter[r]]},${t.countryLabels[t.importer[r]]},${t.sectors[t.sector[r]]},${fmt(t.valueUsd[r])},${fmt(t.massT[r])},${fmt(t.massEstimatedT[r])},${t.flows[r]}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The same table as `aggregatedTradeCsv`, as Parquet bytes (hyparquet-writer, loaded on first use): text columns
 * exporter, importer, sector; double columns with the values the CSV prints (rounded to 0.001).
 */
export async function aggregatedTradeParquet(t: AggregatedTrade): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const rounded = (values: Float64Array): number[] => Array.from(values, (x) => (x === 0 ? 0 : Math.round(x * 1000) / 1000));
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "exporter", data: Array.from(t.exporter, (c) => t.countryLabels[c]), type: "STRING" },
      { name: "importer", data: Array.from(t.importer, (c) => t.countryLabels[c]), type: "STRING" },
      { name: "sector", data: Array.from(t.sector, (c) => t.sectors[c]), type: "STRING" },
      { name: "valueUsd", data: rounded(t.valueUsd), type: "DOUBLE" },
      { name: "massT", data: rounded(t.massT), type: "DOUBLE" },
      { name: "massEstimatedT", data: rounded(t.massEstimatedT), type: "DOUBLE" },
      { name: "flows", data: Array.from(t.flows), type: "DOUBLE" },
    ],
  });
  return new Uint8Array(buffer);
}
