/**
 * Shipment time as a trade cost. A change of shipment time between two countries becomes an ad valorem change of
 * the iceberg trade cost t_ij, sector by sector, with the value of one day of time from Hummels & Schaur (2013)
 * (0.6–2.1 % ad valorem per day), as de Soyres, Mulabdic, Murray, Rocha & Ruta (2018/2020) did for the Belt and
 * Road Initiative:
 *
 *   t'_ijs / t_ijs = (1 + τ_s / 100) ^ ΔdaysIJ      τ_s = ad valorem % per day of sector s, Δdays = ΔtimeH / 24
 *
 * (compounded per day, so a large time saving never gives a non-positive cost). For a one-sector GE model the sector
 * changes are combined in CES form with the baseline sector shares w_ijs of the pair's trade:
 *
 *   t'_ij^(1-σ) / t_ij^(1-σ) = Σ_s w_ijs (t'_ijs / t_ijs)^(1-σ)
 *
 * The per-sector values shipped in data/trade/time-cost-per-day.csv and their rule are described in docs/trade-ge.md.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageInfo } from "../../core/package";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import type { CostChanges } from "./ge-data";
import { readCsvTable } from "../io/table";

/** Elasticity of substitution used when none is given: σ = 5 (Head & Mayer 2014; Yotov et al. 2016, ch. 2). */
export const DEFAULT_SIGMA = 5;

/** The shipped per-sector table (HS sections). */
export const DEFAULT_TIME_COST_FILE = join(packageInfo().root, "data", "trade", "time-cost-per-day.csv");

/** Shipment times of country pairs in a baseline and a scenario (optionally by sector). */
export interface PairTimes {
  readonly exporter: readonly string[];
  readonly importer: readonly string[];
  /** [row] sector label, or "" when the table has no sector column. */
  readonly sector: readonly string[];
  /** [row] hours. */
  readonly baselineTimeH: Float64Array;
  readonly scenarioTimeH: Float64Array;
}

const line = (row: number): number => row + 2;

/** Read `exporter,importer,baselineTimeH,scenarioTimeH[,sector]`. */
export function readPairTimes(path: string): PairTimes {
  const table = readCsvTable(path, { types: { exporter: "string", importer: "string", baselineTimeH: "number", scenarioTimeH: "number" } });
  const hasSector = table.has("sector");
  const sectorCol = hasSector ? table.column("sector") : undefined;
  const sector = sectorCol ? (sectorCol.kind === "string" ? sectorCol.values : Array.from(sectorCol.values, String)) : new Array<string>(table.rowCount).fill("");
  const baselineTimeH = table.numeric("baselineTimeH");
  const scenarioTimeH = table.numeric("scenarioTimeH");
  for (let r = 0; r < table.rowCount; r++) {
    for (const [field, v] of [
      ["baselineTimeH", baselineTimeH[r]],
      ["scenarioTimeH", scenarioTimeH[r]],
    ] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new CaravanError("E_PARSE", `${path}:${line(r)}: field "${field}": must be a non-negative number of hours (got ${v})`, { details: { file: path, line: line(r), field } });
      }
    }
    if (hasSector && sector[r] === "") {
      throw new CaravanError("E_PARSE", `${path}:${line(r)}: field "sector": empty`, { details: { file: path, line: line(r), field: "sector" } });
    }
  }
  return {
    exporter: table.column("exporter").values as readonly string[],
    importer: table.column("importer").values as readonly string[],
    sector,
    baselineTimeH,
    scenarioTimeH,
  };
}

/** Ad valorem % of one day of shipment time, by sector. */
export interface TimeCostTable {
  readonly pctPerDay: ReadonlyMap<string, number>;
  readonly source: string;
}

/** Read `sector,adValoremPctPerDay[,source]` (default: the shipped HS-section table). */
export function readTimeCostTable(path = DEFAULT_TIME_COST_FILE): TimeCostTable {
  if (!existsSync(path)) throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}`, { details: { file: path } });
  const table = readCsvTable(path, { types: { sector: "string", adValoremPctPerDay: "number" } });
  const sectors = table.column("sector").values as readonly string[];
  const pct = table.numeric("adValoremPctPerDay");
  const out = new Map<string, number>();
  for (let r = 0; r < table.rowCount; r++) {
    if (!(pct[r] >= 0) || !(pct[r] < 100)) {
      throw new CaravanError("E_PARSE", `${path}:${line(r)}: field "adValoremPctPerDay": must be in [0, 100) (got ${pct[r]})`, { details: { file: path, line: line(r), field: "adValoremPctPerDay" } });
    }
    if (out.has(sectors[r])) throw new CaravanError("E_PARSE", `${path}:${line(r)}: field "sector": ${sectors[r]} is listed twice`, { details: { file: path, line: line(r), field: "sector" } });
    out.set(sectors[r], pct[r]);
  }
  return { pctPerDay: out, source: path };
}

/** Ad valorem change of t in % for a change of shipment time: 100·((1 + pctPerDay/100)^(ΔtimeH/24) − 1). */
export function adValoremChangePct(deltaTimeH: number, pctPerDay: number): number {
  return 100 * ((1 + pctPerDay / 100) ** (deltaTimeH / 24) - 1);
}

/** Baseline trade values by pair and sector, used as CES weights. */
export interface SectorWeights {
  /** key `exporter\u0000importer` → sector → value (any unit). */
  readonly byPair: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Read weights from an aggregated trade table (`exporter,importer,sector,valueUsd`, as written by `gravity import`). */
export function readSectorWeights(path: string, valueColumn = "valueUsd"): SectorWeights {
  const table = readCsvTable(path, { types: { exporter: "string", importer: "string", sector: "string" } });
  const exp = table.column("exporter").values as readonly string[];
  const imp = table.column("importer").values as readonly string[];
  const sec = table.column("sector").values as readonly string[];
  const value = table.numeric(valueColumn);
  const byPair = new Map<string, Map<string, number>>();
  for (let r = 0; r < table.rowCount; r++) {
    const key = `${exp[r]}\u0000${imp[r]}`;
    let m = byPair.get(key);
    if (!m) {
      m = new Map();
      byPair.set(key, m);
    }
    m.set(sec[r], (m.get(sec[r]) ?? 0) + (Number.isNaN(value[r]) ? 0 : value[r]));
  }
  return { byPair };
}

export interface TimeToCostOptions {
  readonly sigma: number;
  /** Per-sector values; used when the times carry a sector, or with `weights`. */
  readonly table?: TimeCostTable;
  /** One value for every sector (overrides `table` for times without a sector and without weights). */
  readonly pctPerDay?: number;
  /** CES weights for combining sectors into one pair-level change (times without a sector column). */
  readonly weights?: SectorWeights;
}

/**
 * Pair-level ad valorem cost changes from shipment-time changes.
 * - times with a sector column: each row is converted with its sector's value, then the rows of a pair are
 *   combined in CES form with `weights` (required when a pair has several sectors);
 * - times without sectors and with `weights`: every sector of the pair's baseline trade gets the same time change,
 *   converted with its own value, then combined;
 * - otherwise one value per day (`pctPerDay`) applies.
 */
export function timeChangesToCostChanges(times: PairTimes, options: TimeToCostOptions): CostChanges {
  const sigma = options.sigma;
  const table = options.table;
  const rowsByPair = new Map<string, number[]>();
  for (let r = 0; r < times.exporter.length; r++) {
    const key = `${times.exporter[r]}\u0000${times.importer[r]}`;
    const list = rowsByPair.get(key);
    if (list) list.push(r);
    else rowsByPair.set(key, [r]);
  }
  const lookup = (sector: string, row: number): number => {
    const v = table?.pctPerDay.get(sector);
    if (v === undefined) {
      throw new CaravanError("E_DATA_INVALID", `time table line ${line(row)}: sector "${sector}" has no value per day${table ? ` in ${table.source}` : ""}`, {
        didYouMean: table ? suggest(sector, [...table.pctPerDay.keys()]) : [],
      });
    }
    return v;
  };
  const exporter: string[] = [];
  const importer: string[] = [];
  const pct: number[] = [];
  for (const [key, rows] of rowsByPair) {
    const [a, b] = key.split("\u0000");
    const weightsOfPair = options.weights?.byPair.get(key);
    let phiRatio: number;
    if (times.sector[rows[0]] !== "") {
      if (rows.length === 1) {
        const r = rows[0];
        phiRatio = (1 + adValoremChangePct(times.scenarioTimeH[r] - times.baselineTimeH[r], lookup(times.sector[r], r)) / 100) ** (1 - sigma);
      } else {
        if (!weightsOfPair) {
          throw new CaravanError("E_DATA_INVALID", `pair ${a}→${b} has times for ${rows.length} sectors but no baseline trade weights (give --sector-weights)`);
        }
        let wSum = 0;
        let acc = 0;
        for (const r of rows) {
          const w = weightsOfPair.get(times.sector[r]) ?? 0;
          const ratio = (1 + adValoremChangePct(times.scenarioTimeH[r] - times.baselineTimeH[r], lookup(times.sector[r], r)) / 100) ** (1 - sigma);
          wSum += w;
          acc += w * ratio;
        }
        if (!(wSum > 0)) throw new CaravanError("E_DATA_INVALID", `pair ${a}→${b}: the baseline trade weights of its sectors are all zero`);
        phiRatio = acc / wSum;
      }
    } else {
      if (rows.length > 1) throw new CaravanError("E_DATA_INVALID", `time table line ${line(rows[1])}: pair ${a}→${b} is listed twice`);
      const r = rows[0];
      const deltaH = times.scenarioTimeH[r] - times.baselineTimeH[r];
      if (options.pctPerDay === undefined && weightsOfPair && table) {
        let wSum = 0;
        let acc = 0;
        for (const [sector, w] of weightsOfPair) {
          if (!(w > 0)) continue;
          wSum += w;
          acc += w * (1 + adValoremChangePct(deltaH, lookup(sector, r)) / 100) ** (1 - sigma);
        }
        phiRatio = wSum > 0 ? acc / wSum : 1;
      } else {
        if (options.pctPerDay === undefined) {
          throw new CaravanError("E_USAGE", "times without a sector need either one value per day (--pct-per-day) or baseline sector weights (--sector-weights)");
        }
        phiRatio = (1 + adValoremChangePct(deltaH, options.pctPerDay) / 100) ** (1 - sigma);
      }
    }
    exporter.push(a);
    importer.push(b);
    pct.push(100 * (phiRatio ** (1 / (1 - sigma)) - 1));
  }
  return { exporter, importer, tradeCostChangePct: Float64Array.from(pct) };
}
