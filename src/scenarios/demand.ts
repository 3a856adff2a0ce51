/**
 * The demand of a scenario: its demand file (corridor demand CSV, tonnes per year in the base year) grown to the
 * scenario year. A row's amount is multiplied by (1 + ratePerYear)^(year − baseYear) for every growth rule that
 * matches it (class, origin country, destination country; an absent field matches any), so rules compose. Rows are
 * checked against the network when the scenario is loaded (unknown places: E_DEMAND_INVALID with file, line, field).
 *
 * Without a `demand:` entry the dataset's demand/corridors-2024.csv is used (base year 2024), when it exists.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type DemandRow, type DemandTable, readDemandCsv, resolveDemand } from "../assignment/corridor-demand";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import { DEFAULT_DEMAND_BASE_YEAR, type Scenario, type ScenarioDemand } from "./load";

/** Demand of the scenario (grown), with the file it came from and the rows dropped for closed countries. */
export interface ScenarioDemandTable {
  readonly table: DemandTable;
  /** Absolute path of the demand file. */
  readonly file: string;
  readonly baseYear: number;
  readonly year: number;
}

/** The demand spec of a scenario, or the dataset's default demand file; null when neither exists. */
export function demandSpecOf(net: CompiledNetwork, scenario: Scenario): ScenarioDemand | null {
  if (scenario.demand !== null) return scenario.demand;
  const fallback = join(net.network.dir, "demand", "corridors-2024.csv");
  return existsSync(fallback) ? { file: fallback, baseYear: DEFAULT_DEMAND_BASE_YEAR, growth: [] } : null;
}

/** Read, check and grow the demand of a scenario. */
export function scenarioDemand(net: CompiledNetwork, scenario: Scenario): ScenarioDemandTable | null {
  const spec = demandSpecOf(net, scenario);
  if (spec === null) return null;
  if (!existsSync(spec.file)) {
    throw new CaravanError("E_FILE_NOT_FOUND", `${scenario.file}: field "demand.file": ${spec.file} does not exist`, { details: { file: scenario.file, field: "demand.file" } });
  }
  const table = readDemandCsv(spec.file);
  const resolved = resolveDemand(net, table);
  const year = scenario.year ?? spec.baseYear;
  const years = year - spec.baseYear;
  const classes = [...new Set(resolved.map((r) => r.classId))];
  for (const [i, g] of spec.growth.entries()) {
    if (g.class !== undefined && !classes.includes(g.class)) {
      throw new CaravanError("E_SCENARIO_INVALID", `${scenario.file}: field "demand.growth[${i}].class": the demand file has no class "${g.class}" (it has ${classes.join(", ")})`, {
        didYouMean: suggest(g.class, classes),
        details: { file: scenario.file, field: `demand.growth[${i}].class` },
      });
    }
    for (const end of ["from", "to"] as const) {
      const c = g[end];
      if (c !== undefined && !net.countries.includes(c)) {
        throw new CaravanError("E_ID_UNKNOWN", `${scenario.file}: field "demand.growth[${i}].${end}": no country "${c}" in the network`, {
          didYouMean: suggest(c, net.countries),
          details: { file: scenario.file, field: `demand.growth[${i}].${end}` },
        });
      }
    }
  }
  const places = net.network.places;
  const rows: DemandRow[] = resolved.map((r) => {
    let factor = 1;
    const from = places[r.originPlace].country;
    const to = places[r.destinationPlace].country;
    for (const g of spec.growth) {
      if ((g.class === undefined || g.class === r.classId) && (g.from === undefined || g.from === from) && (g.to === undefined || g.to === to)) {
        factor *= (1 + g.ratePerYear) ** years;
      }
    }
    return { line: r.line, origin: r.origin, destination: r.destination, classId: r.classId, amountT: r.amountT * factor, source: r.source };
  });
  return { table: { file: table.file, rows }, file: spec.file, baseYear: spec.baseYear, year };
}
