/**
 * Flows validation: the corridor assignment's volumes at border crossings, Caspian ferries and corridors against
 * observed flows (data/<dataset>/validation/flows.yaml) that the demand was not built from.
 *
 * Out-of-sample rule, computed from the run's inputs (nothing is declared as "independent" in the file):
 *   - the demand's sources are the `src:` references of the demand rows assigned; their URLs are read from the
 *     dataset's sources/*.yaml;
 *   - a point whose source URL is one of them measured an input of the demand: excluded from the fit ("demand input");
 *   - a point whose `sameQuantityAs` names a source the demand cites measures the same flow as an input (another
 *     report of the same boxes or tonnes): excluded too ("same quantity as a demand input").
 * Excluded points are still listed with the model's value.
 *
 * Model values:
 *   Mt      tonnes per year over the point's crossings (both directions, or the one `direction`), ferries (both
 *           directions), port (its ferries and sea links, in and out), border (every crossing of a country by one
 *           mode, leaving or entering it) or corridor (flows using the gateway; Algorithm B), all classes;
 *   TEU     the same over the container classes (cargo profiles feu and teu) ÷ the TEU profile's tonnes per TEU;
 *   trains  TEU ÷ the file's TEU per train (teu / trains of its source).
 * The observed value is put on a year (× 365 / days when the figure covers `days` days).
 *
 * Fit over the included points (docs/calibration.md § "Flows: validation against observations"):
 *   ratio      model / observed; for a lower bound (`atLeast`) reaching the bound counts as ratio 1;
 *   log error  |ln ratio|; a point with no modelled flow counts as ratio 0.01 (stated in the report);
 *   MALE       mean absolute log error; exp(MALE) is the typical factor between model and observation;
 *   bias       exp(mean ln ratio): the geometric mean ratio (below 1: the model is low);
 *   within25   share of points with 0.8 ≤ ratio ≤ 1.25.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { CorridorProblem } from "../assignment/corridor";
import { corridorVolumes, crossingVolumes } from "../assignment/results";
import type { AssignmentResult } from "../assignment/state";
import { CaravanError, parseError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_FERRY, ARC_LINK, type CompiledNetwork, MODE_CODES, MODE_SEA, NO_INDEX } from "../network/compiled";
import { idSchema } from "../network/schema";
import { readYamlDocument } from "../network/yaml-file";
import type { DemandTable } from "../assignment/corridor-demand";

/** A model value of zero is floored at this fraction of the observation in the log error. */
export const ZERO_FLOW_RATIO = 0.01;

const sourceSchema = z
  .object({
    url: z.string().url(),
    year: z.number().int().min(1990).max(2100),
    title: z.string().min(1),
  })
  .strict();

const atSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("crossings"), ids: z.array(idSchema).min(1), direction: z.string().regex(/^[A-Z]{3}→[A-Z]{3}$/).optional() }).strict(),
  z.object({ kind: z.literal("ferries"), ids: z.array(idSchema).min(1) }).strict(),
  z.object({ kind: z.literal("port"), place: idSchema.describe("place id of the port: its ferries and sea links, both directions") }).strict(),
  z
    .object({
      kind: z.literal("border"),
      country: z.string().regex(/^[A-Z]{3}$/),
      direction: z.enum(["out", "in"]),
      mode: z.enum(["rail", "road"]),
    })
    .strict()
    .describe("every border crossing of the country by the mode, leaving (out) or entering (in) it"),
  z.object({ kind: z.literal("corridor"), gateway: z.string().min(1) }).strict(),
]);

const pointSchema = z
  .object({
    id: idSchema,
    description: z.string().min(1),
    at: atSchema,
    measure: z.enum(["Mt", "TEU", "trains"]),
    value: z.number().positive(),
    atLeast: z.boolean().default(false),
    days: z.number().int().min(1).max(366).optional(),
    year: z.number().int().min(1990).max(2100),
    sameQuantityAs: z.array(idSchema).default([]),
    source: z.array(sourceSchema).min(1),
    notes: z.string().default(""),
  })
  .strict();
export type FlowPoint = z.infer<typeof pointSchema>;

const flowsFileSchema = z
  .object({
    teuPerTrain: z
      .object({ teu: z.number().positive(), trains: z.number().positive(), year: z.number().int(), source: z.array(sourceSchema).min(1), notes: z.string().default("") })
      .strict(),
    points: z.array(pointSchema).min(1),
  })
  .strict();

export interface FlowsFile {
  readonly file: string;
  readonly teuPerTrain: number;
  readonly teuPerTrainSource: readonly string[];
  readonly points: readonly FlowPoint[];
  readonly lineOf: (path: readonly (string | number)[]) => number;
}

/** Read and validate a flows file; malformed → E_PARSE naming file, line and field. */
export function readFlowsFile(path: string, displayName = path): FlowsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read flows file ${displayName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { data, lineOf } = readYamlDocument(text, displayName, flowsFileSchema);
  const ids = new Set<string>();
  data.points.forEach((p, i) => {
    if (ids.has(p.id)) throw parseError(displayName, lineOf(["points", i, "id"]), `points.${i}.id`, `id "${p.id}" is used twice`);
    ids.add(p.id);
  });
  return {
    file: displayName,
    teuPerTrain: data.teuPerTrain.teu / data.teuPerTrain.trains,
    teuPerTrainSource: data.teuPerTrain.source.map((s) => `${s.url} (${s.year})`),
    points: data.points,
    lineOf,
  };
}

/** Why a point is left out of the fit; null when it is an out-of-sample check. */
export interface Exclusion {
  readonly reason: "demand input" | "same quantity as a demand input";
  /** The demand's sources (sources/*.yaml ids) that caused it. */
  readonly demandSources: readonly string[];
}

/** The demand's own sources: ids, URLs and years, from the rows assigned. */
export interface DemandProvenance {
  /** src: ids cited by the demand rows, with the tonnes that cite each. */
  readonly sources: readonly { readonly id: string; readonly url: string | null; readonly year: number | null; readonly tonnes: number }[];
  /**
   * The year most of the demand's tonnes refer to, and the range of its sources' years. A row's year is the earliest
   * year of its sources: the demand applies no growth, so a row built from a 2019 total and a 2023 share is at the
   * 2019 level.
   */
  readonly year: number | null;
  /** Tonnes of demand by row year, latest year first. */
  readonly tonnesByYear: readonly { readonly year: number; readonly tonnes: number }[];
  readonly yearMin: number | null;
  readonly yearMax: number | null;
}

/** Sources and reference year of a demand table (computed from its rows' `src:` references). */
export function demandProvenance(net: CompiledNetwork, table: DemandTable): DemandProvenance {
  const { sources } = net.network;
  const byId = new Map<string, number>();
  const tonnesByYear = new Map<number, number>();
  for (const row of table.rows) {
    let rowYear: number | null = null;
    for (const ref of row.source) {
      if (!ref.startsWith("src:")) continue;
      const id = ref.slice(4);
      byId.set(id, (byId.get(id) ?? 0) + row.amountT);
      const y = sources[id]?.year;
      if (typeof y === "number") rowYear = rowYear === null ? y : Math.min(rowYear, y);
    }
    if (rowYear !== null) tonnesByYear.set(rowYear, (tonnesByYear.get(rowYear) ?? 0) + row.amountT);
  }
  const years = [...tonnesByYear.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const allYears = [...byId.keys()].map((id) => sources[id]?.year).filter((y): y is number => typeof y === "number");
  return {
    sources: [...byId.entries()].map(([id, tonnes]) => ({ id, url: sources[id]?.url ?? null, year: sources[id]?.year ?? null, tonnes })).sort((a, b) => a.id.localeCompare(b.id)),
    year: years.length === 0 ? null : years[0][0],
    tonnesByYear: [...tonnesByYear.entries()].sort((a, b) => b[0] - a[0]).map(([year, tonnes]) => ({ year, tonnes })),
    yearMin: allYears.length === 0 ? null : Math.min(...allYears),
    yearMax: allYears.length === 0 ? null : Math.max(...allYears),
  };
}

/** Normalised URL for comparison (scheme, www. and a trailing slash ignored). */
function urlKey(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/^www\./i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}

/** The exclusion of a point given the demand's provenance (null: an out-of-sample check). */
export function exclusionOf(point: FlowPoint, demand: DemandProvenance): Exclusion | null {
  const urls = new Map<string, string[]>();
  for (const s of demand.sources) {
    if (s.url === null) continue;
    const k = urlKey(s.url);
    urls.set(k, [...(urls.get(k) ?? []), s.id]);
  }
  const direct = point.source.flatMap((s) => urls.get(urlKey(s.url)) ?? []);
  if (direct.length > 0) return { reason: "demand input", demandSources: [...new Set(direct)] };
  const cited = new Set(demand.sources.map((s) => s.id));
  const same = point.sameQuantityAs.filter((id) => cited.has(id));
  if (same.length > 0) return { reason: "same quantity as a demand input", demandSources: same };
  return null;
}

/** Check the ids a flows file names against the network (crossings, ferries, sources). */
export function checkFlowsReferences(net: CompiledNetwork, file: FlowsFile): void {
  const { network } = net;
  const crossings = new Set(network.crossings.map((c) => c.id));
  const ferries = new Set(network.ferries.map((f) => f.id));
  const places = new Set(network.places.map((x) => x.id));
  const countries = new Set(net.countries);
  const fail = (i: number, field: string, code: "E_ID_UNKNOWN" | "E_PROVENANCE_MISSING" | "E_COUNTRY_UNKNOWN", message: string, known: Iterable<string>, value: string): never => {
    const line = file.lineOf(["points", i, ...field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k))]);
    throw new CaravanError(code, `${file.file}:${line}: field "points.${i}.${field}": ${message}`, {
      didYouMean: suggest(value, [...known]),
      details: { file: file.file, line, field: `points.${i}.${field}` },
    });
  };
  file.points.forEach((p, i) => {
    if (p.at.kind === "crossings") {
      p.at.ids.forEach((id, k) => {
        if (!crossings.has(id)) fail(i, `at.ids.${k}`, "E_ID_UNKNOWN", `unknown border crossing "${id}"`, crossings, id);
      });
      if (p.at.direction !== undefined) {
        for (const c of p.at.direction.split("→")) if (!countries.has(c)) fail(i, "at.direction", "E_COUNTRY_UNKNOWN", `no place of the network lies in "${c}"`, countries, c);
      }
    } else if (p.at.kind === "ferries") {
      p.at.ids.forEach((id, k) => {
        if (!ferries.has(id)) fail(i, `at.ids.${k}`, "E_ID_UNKNOWN", `unknown ferry "${id}"`, ferries, id);
      });
    } else if (p.at.kind === "port" && !places.has(p.at.place)) {
      fail(i, "at.place", "E_ID_UNKNOWN", `unknown place "${p.at.place}"`, places, p.at.place);
    } else if (p.at.kind === "border" && !countries.has(p.at.country)) {
      fail(i, "at.country", "E_COUNTRY_UNKNOWN", `no place of the network lies in "${p.at.country}"`, countries, p.at.country);
    }
    p.sameQuantityAs.forEach((id, k) => {
      if (!(id in network.sources)) fail(i, `sameQuantityAs.${k}`, "E_PROVENANCE_MISSING", `unknown source "${id}" (not in sources/*.yaml)`, Object.keys(network.sources), id);
    });
  });
}

/** The model's value at every point of a flows file for one assignment, in each point's measure (null: not available). */
export function modelFlows(cp: CorridorProblem, result: AssignmentResult, file: FlowsFile): (number | null)[] {
  const { arcs, network } = cp.net;
  const container = cp.classProfiles.map((p) => p === "feu" || p === "teu");
  const containerIds = new Set(cp.classIds.filter((_, c) => container[c]));
  const crossings = new Map(crossingVolumes(cp, result).map((c) => [c.crossing, c]));
  const corridors = corridorVolumes(cp, result);
  const ferryIndex = new Map(network.ferries.map((f, i) => [f.id, i]));
  const placeIndex = new Map(network.places.map((x, i) => [x.id, i]));
  const m = cp.net.graph.arcCount;
  const C = cp.classIds.length;
  const tonnesPerTeu = cp.tonnesPerTeu;
  return file.points.map((p) => {
    let allT = 0;
    let containerT = 0;
    if (p.at.kind === "crossings") {
      for (const id of p.at.ids) {
        const v = crossings.get(id);
        if (v === undefined) continue;
        if (p.at.direction !== undefined) {
          allT += v.byDirectionT[p.at.direction] ?? 0;
          if (p.measure !== "Mt") throw new CaravanError("E_USAGE", `${file.file}: point "${p.id}": a direction is supported for Mt only`);
        } else {
          allT += v.totalT;
          for (const [id2, t] of Object.entries(v.byClassT)) if (containerIds.has(id2)) containerT += t;
        }
      }
    } else if (p.at.kind === "border") {
      const country = cp.net.countries.indexOf(p.at.country);
      const mode = MODE_CODES.indexOf(p.at.mode);
      const out = p.at.direction === "out";
      for (let a = 0; a < m; a++) {
        if (arcs.crossing[a] === NO_INDEX || arcs.mode[a] !== mode) continue;
        const from = arcs.fromCountry[a];
        const to = arcs.toCountry[a];
        if (from === to || (out ? from !== country : to !== country)) continue;
        const q = cp.problemArcOf[a];
        allT += result.flow[q];
        for (let c = 0; c < C; c++) if (container[c]) containerT += result.classFlow[c][q];
      }
    } else if (p.at.kind === "ferries" || p.at.kind === "port") {
      const wanted = p.at.kind === "ferries" ? new Set(p.at.ids.map((id) => ferryIndex.get(id))) : null;
      const place = p.at.kind === "port" ? placeIndex.get(p.at.place) : undefined;
      for (let a = 0; a < m; a++) {
        const kind = arcs.kind[a];
        if (wanted !== null) {
          if (kind !== ARC_FERRY || arcs.record[a] === NO_INDEX || !wanted.has(arcs.record[a])) continue;
        } else if (!((kind === ARC_FERRY || (kind === ARC_LINK && arcs.mode[a] === MODE_SEA)) && (arcs.fromPlace[a] === place || arcs.toPlace[a] === place))) continue;
        const q = cp.problemArcOf[a];
        allT += result.flow[q];
        for (let c = 0; c < C; c++) if (container[c]) containerT += result.classFlow[c][q];
      }
    } else {
      if (corridors === null) return null;
      const gateway = p.at.gateway;
      for (const v of corridors) {
        if (!v.gateways.includes(gateway)) continue;
        allT += v.totalT;
        for (const [id2, t] of Object.entries(v.byClassT)) if (containerIds.has(id2)) containerT += t;
      }
    }
    if (p.measure === "Mt") return allT / 1e6;
    if (!(tonnesPerTeu > 0)) return null;
    const teu = containerT / tonnesPerTeu;
    return p.measure === "TEU" ? teu : teu / file.teuPerTrain;
  });
}

export interface FlowRow {
  readonly id: string;
  readonly description: string;
  readonly measure: "Mt" | "TEU" | "trains";
  /** The observed figure as published. */
  readonly value: number;
  readonly atLeast: boolean;
  /** Observed per year: value × 365 / days, or value. */
  readonly observed: number;
  readonly year: number;
  /** Observation year − the demand's year (null without a demand year). */
  readonly yearGap: number | null;
  readonly source: readonly string[];
  readonly exclusion: Exclusion | null;
  /** The model's value per run (same order as FlowsReport.runs); null when the run has none. */
  readonly model: readonly (number | null)[];
  /** model / observed per run (1 for a reached lower bound); null without a model value. */
  readonly ratio: readonly (number | null)[];
  readonly notes: string;
}

export interface FlowFit {
  /** Included points with a model value. */
  readonly count: number;
  /** Mean |ln ratio|. */
  readonly male: number | null;
  /** exp(mean ln ratio). */
  readonly bias: number | null;
  /** Share of points with 0.8 ≤ ratio ≤ 1.25. */
  readonly within25: number | null;
  /** Points without modelled flow (counted at ratio ZERO_FLOW_RATIO). */
  readonly zeroFlow: number;
}

export interface FlowRun {
  /** "one value of time" or "N value-of-time segments, σ …". */
  readonly label: string;
  readonly votSegments: number;
  readonly votSpread: number;
  readonly algorithm: string;
  readonly relativeGap: number;
  readonly iterations: number;
  readonly fit: FlowFit;
}

export interface FlowsReport {
  readonly file: string;
  readonly teuPerTrain: number;
  readonly teuPerTrainSource: readonly string[];
  readonly tonnesPerTeu: number;
  readonly demand: DemandProvenance;
  readonly runs: readonly FlowRun[];
  readonly rows: readonly FlowRow[];
  /** Ids of the included points and of the excluded ones. */
  readonly included: readonly string[];
  readonly excluded: readonly string[];
}

function fitOf(rows: readonly FlowRow[], run: number): FlowFit {
  const logs: number[] = [];
  let zero = 0;
  for (const r of rows) {
    if (r.exclusion !== null) continue;
    const q = r.ratio[run];
    if (q === null) continue;
    if (q <= 0) zero++;
    logs.push(Math.log(Math.max(q, ZERO_FLOW_RATIO)));
  }
  if (logs.length === 0) return { count: 0, male: null, bias: null, within25: null, zeroFlow: zero };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    count: logs.length,
    male: mean(logs.map(Math.abs)),
    bias: Math.exp(mean(logs)),
    within25: logs.filter((l) => Math.exp(l) >= 0.8 && Math.exp(l) <= 1.25).length / logs.length,
    zeroFlow: zero,
  };
}

/** One assignment to compare: its problem, result and how it chose (for the labels). */
export interface FlowRunInput {
  readonly cp: CorridorProblem;
  readonly result: AssignmentResult;
}

/** The flows section of `caravan calibrate`: every point beside each run's model value, and each run's fit. */
export function flowsReport(net: CompiledNetwork, file: FlowsFile, demandTable: DemandTable, runs: readonly FlowRunInput[]): FlowsReport {
  if (runs.length === 0) throw new Error("flowsReport: no runs; this is a bug");
  checkFlowsReferences(net, file);
  const demand = demandProvenance(net, demandTable);
  const values = runs.map((r) => modelFlows(r.cp, r.result, file));
  const rows: FlowRow[] = file.points.map((p, i) => {
    const observed = p.days === undefined ? p.value : (p.value * 365) / p.days;
    const model = values.map((v) => v[i]);
    return {
      id: p.id,
      description: p.description,
      measure: p.measure,
      value: p.value,
      atLeast: p.atLeast,
      observed,
      year: p.year,
      yearGap: demand.year === null ? null : p.year - demand.year,
      source: p.source.map((s) => `${s.url} (${s.year})`),
      exclusion: exclusionOf(p, demand),
      model,
      ratio: model.map((x) => (x === null ? null : p.atLeast && x >= observed ? 1 : x / observed)),
      notes: p.notes,
    };
  });
  return {
    file: file.file,
    teuPerTrain: file.teuPerTrain,
    teuPerTrainSource: file.teuPerTrainSource,
    tonnesPerTeu: runs[0].cp.tonnesPerTeu,
    demand,
    runs: runs.map((r, k) => ({
      label: r.cp.vot.count === 1 ? "one value of time" : `${r.cp.vot.count} value-of-time segments, σ ${r.cp.vot.spread.toFixed(3)}`,
      votSegments: r.cp.vot.count,
      votSpread: r.cp.vot.spread,
      algorithm: r.result.algorithm,
      relativeGap: r.result.relativeGap,
      iterations: r.result.iterations,
      fit: fitOf(rows, k),
    })),
    rows,
    included: rows.filter((r) => r.exclusion === null).map((r) => r.id),
    excluded: rows.filter((r) => r.exclusion !== null).map((r) => r.id),
  };
}
