/**
 * Calibration report: the model's corridor times (routing) and volumes (corridor assignment of the observations
 * file's demand) against the observed figures of the dataset (data/<dataset>/observations/*.yaml).
 *
 * Measures (docs/calibration.md § "caravan calibrate"):
 *   inside      the model value lies in the observed range low–high (high null: at or above low);
 *   reference   the midpoint of the range (low for an open range): the point errors are measured against;
 *   MAPE        mean over time observations of |model − reference| / reference;
 *   WAPE        Σ |model − reference| / Σ reference over volume observations, in tonnes (TEU × 10 t, the dataset's
 *               t-per-TEU rule); an open range counts no error when the model is at or above low;
 *   GEH         √(2 (M − C)² / (M + C)) with M, C the model and reference volumes in thousand tonnes per day
 *               (GEH is scale-dependent; this unit puts a 1 Mt/yr miss on a 27 Mt/yr flow at ≈ 0.3);
 *   miss        distance from the model value to the nearest bound of the range, relative to the reference (0 inside):
 *               the worst fits are the largest misses.
 * Every figure is computed from the data and the model; nothing is looked up.
 */
import { CARRYING_COST_SPREAD, type CorridorOptions, type CorridorProblem, corridorProblem, VOT_SPREAD_DEFAULT, votSegments } from "../assignment/corridor";
import { type DemandTable, readDemandCsv } from "../assignment/corridor-demand";
import { corridorVolumes, crossingVolumes, transitTable } from "../assignment/results";
import { solve } from "../assignment/solve";
import { existsSync } from "node:fs";
import { CaravanError, isCaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import type { Observation, ObservationsFile, ObservedDirection, ShareObservation, TimeObservation, VolumeObservation } from "../network/observations";
import { PlaceResolver } from "../network/resolve";
import { RoutingContext } from "../routing/context";
import { planRoutes } from "../routing/plan";
import type { AssignmentResult } from "../assignment/state";
import { type FlowRunInput, type FlowsFile, type FlowsReport, flowsReport } from "./flows";
import { type ShareRunReport, shareDemandPath, shareValues } from "./shares";

/** Tonnes per TEU used to put TEU volumes beside tonnes (the dataset's demand rule estimate:demand-tonnes-per-teu). */
export const TONNES_PER_TEU = 10;
const DAY_H = 24;

export interface CalibrationRow {
  readonly id: string;
  readonly metric: "time" | "volume" | "share";
  readonly description: string;
  readonly unit: string;
  readonly low: number;
  readonly high: number | null;
  readonly year: number;
  readonly independent: boolean;
  readonly source: readonly string[];
  /** The model's value in the observation's unit; null when the model has none (no route). */
  readonly model: number | null;
  /** Midpoint of the range (low for an open range). */
  readonly reference: number;
  readonly inside: boolean;
  /** |model − reference| / reference (0 for an open range the model reaches); null without a model value. */
  readonly relativeError: number | null;
  /** Distance to the nearest bound / reference, 0 inside; null without a model value. */
  readonly miss: number | null;
  /** Volumes only: GEH on thousand tonnes per day. */
  readonly geh: number | null;
  /** Shares only: the model's value with value-of-time segments (the second run; null with one segment). */
  readonly modelWithSegments?: number | null;
  /** What the model did: the route's countries and distance, or the crossings counted. */
  readonly detail: string;
}

export interface MetricSummary {
  readonly count: number;
  readonly inside: number;
  readonly shareInside: number;
}

export interface CalibrationReport {
  readonly observationsFiles: readonly string[];
  readonly demandFile: string | null;
  readonly networkYear: number | null;
  readonly all: MetricSummary;
  readonly independent: MetricSummary;
  readonly times: MetricSummary & { readonly mape: number | null; readonly noRoute: number };
  readonly volumes: MetricSummary & {
    readonly wape: number | null;
    readonly gehMean: number | null;
    readonly gehMax: number | null;
    /** Share of volume observations with GEH < 5. */
    readonly shareGehBelow5: number | null;
  };
  readonly assignment: { readonly algorithm: string; readonly relativeGap: number; readonly iterations: number } | null;
  readonly rows: readonly CalibrationRow[];
  /** Lane shares: every share observation inside its range (one value of time), and the runs they were measured on. */
  readonly shares: MetricSummary & { readonly runs: readonly ShareRunReport[] };
  /** Flows at validation points (validation/flows.yaml) for each choice model run; null without a flows file. */
  readonly flows: FlowsReport | null;
  /** Ids of the rows with the largest misses (outside their range), worst first. */
  readonly worst: readonly string[];
  readonly elapsedS: number;
}

export interface CalibrateOptions {
  /** Override of the observations file's demand file (a path). */
  readonly demandFile?: string;
  /** Number of worst fits listed. */
  readonly top?: number;
  /** Flows validation file (validation/flows.yaml), already read; null or absent: no flows section. */
  readonly flows?: FlowsFile | null;
  /**
   * Value-of-time segments of the second run of the flows section (default 5; 1: only the one-value-of-time run).
   * The volume rows above always come from the one-value-of-time run.
   */
  readonly votSegments?: number;
  /** σ of the lognormal value of time of that run (default VOT_SPREAD_DEFAULT; CARRYING_COST_SPREAD with votMedian "carrying-cost"). */
  readonly votSpread?: number;
  /**
   * Assignment options of every run of the volumes and flows sections: the basis of the classes' value of time
   * (`votMedian`, default the cargo profiles') and their money cost (`arcCostUsd`, default the cost model; e.g. the
   * market rates spread over the lanes' runs, routing/rates-arc-cost.ts). Times are routed as always.
   */
  readonly corridor?: Pick<CorridorOptions, "votMedian" | "arcCostUsd">;
}

/** Default value-of-time segments of the flows section's second run. */
export const CALIBRATE_VOT_SEGMENTS = 5;

function located(file: ObservationsFile, index: number, field: string, error: unknown): CaravanError {
  const line = file.lineOf(["observations", index, ...field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k))]);
  if (isCaravanError(error)) {
    return new CaravanError(error.code, `${file.file}:${line}: field "observations.${index}.${field}": ${error.message}`, {
      didYouMean: error.didYouMean,
      details: { file: file.file, line, field: `observations.${index}.${field}` },
    });
  }
  throw error;
}

/** Check every id, country and provenance reference before any computation; errors name file, line and field. */
function checkReferences(net: CompiledNetwork, files: readonly ObservationsFile[], resolver: PlaceResolver): void {
  const { network } = net;
  const crossings = new Set(network.crossings.map((c) => c.id));
  const crossingCountries = new Map(network.crossings.map((c) => [c.id, c.countries]));
  const countries = new Set(network.places.map((p) => p.country).filter((c): c is string => c !== null));
  const chokepoints = new Set(network.chokepoints.map((c) => c.id));
  for (const file of files) {
    file.observations.forEach((o, i) => {
      const at = (field: string, code: "E_ID_UNKNOWN" | "E_COUNTRY_UNKNOWN" | "E_CHOKEPOINT_UNKNOWN" | "E_PROVENANCE_MISSING", message: string, known: Iterable<string>, value: string) =>
        located(file, i, field, new CaravanError(code, message, { didYouMean: suggest(value, [...known]) }));
      o.source.forEach((ref, k) => {
        const [scheme, id] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
        if (scheme === "src" && !(id in network.sources)) throw at(`source.${k}`, "E_PROVENANCE_MISSING", `unknown source "${ref}" (not in sources/*.yaml)`, Object.keys(network.sources), id);
        if (scheme === "estimate" && !(id in network.rules)) throw at(`source.${k}`, "E_PROVENANCE_MISSING", `unknown rule "${ref}" (not in sources/*.yaml rules)`, Object.keys(network.rules), id);
      });
      if (o.metric === "time") {
        for (const field of ["from", "to", "via"] as const) {
          const q = o.route[field];
          if (q === undefined) continue;
          try {
            resolver.resolve(q);
          } catch (error) {
            throw located(file, i, `route.${field}`, error);
          }
        }
        o.route.avoidCountries?.forEach((c, k) => {
          if (!countries.has(c)) throw at(`route.avoidCountries.${k}`, "E_COUNTRY_UNKNOWN", `no place of the network lies in "${c}"`, countries, c);
        });
        o.route.closeChokepoints?.forEach((c, k) => {
          if (!chokepoints.has(c)) throw at(`route.closeChokepoints.${k}`, "E_CHOKEPOINT_UNKNOWN", `unknown chokepoint "${c}"`, chokepoints, c);
        });
      } else if (o.metric === "volume" && o.volume.kind === "crossings") {
        o.volume.ids.forEach((id, k) => {
          if (!crossings.has(id)) throw at(`volume.ids.${k}`, "E_ID_UNKNOWN", `unknown border crossing "${id}"`, crossings, id);
        });
        const direction = o.volume.direction;
        if (direction !== undefined) {
          for (const side of ["from", "into"] as const) {
            const c = direction[side];
            if (c === undefined) continue;
            if (!countries.has(c)) throw at(`volume.direction.${side}`, "E_COUNTRY_UNKNOWN", `no place of the network lies in "${c}"`, countries, c);
            for (const id of o.volume.ids) {
              const sides = crossingCountries.get(id) as readonly string[];
              if (!sides.includes(c)) {
                throw at(`volume.direction.${side}`, "E_COUNTRY_UNKNOWN", `"${c}" is not a side of border crossing "${id}" (${sides.join("–")}): no flow crosses it ${side} ${c}`, sides, c);
              }
            }
          }
          if (direction.from !== undefined && direction.from === direction.into) {
            throw at("volume.direction.into", "E_COUNTRY_UNKNOWN", `from and into are both "${direction.into}": a crossing's flow leaves one country and enters the other`, [], direction.into);
          }
        }
      } else if (o.metric === "share") {
        for (const side of ["from", "to"] as const) {
          o.share[side].forEach((c, k) => {
            if (!countries.has(c)) throw at(`share.${side}.${k}`, "E_COUNTRY_UNKNOWN", `no place of the network lies in "${c}"`, countries, c);
          });
        }
        o.share.chokepoints.forEach((c, k) => {
          if (!chokepoints.has(c)) throw at(`share.chokepoints.${k}`, "E_CHOKEPOINT_UNKNOWN", `unknown chokepoint "${c}"`, chokepoints, c);
        });
        o.run.demand.forEach((f, k) => {
          if (!existsSync(shareDemandPath(net, f))) throw located(file, i, `run.demand.${k}`, new CaravanError("E_FILE_NOT_FOUND", `demand file not found: ${f} (relative to the dataset ${network.dir})`));
        });
      } else if (o.metric === "volume" && o.volume.kind === "transit" && !countries.has(o.volume.country)) {
        throw at("volume.country", "E_COUNTRY_UNKNOWN", `no place of the network lies in "${o.volume.country}"`, countries, o.volume.country);
      }
    });
  }
}

function rangeOf(o: Observation): { reference: number; contains: (v: number) => boolean; miss: (v: number) => number } {
  const reference = o.high === null ? o.low : (o.low + o.high) / 2;
  const high = o.high ?? Number.POSITIVE_INFINITY;
  return {
    reference,
    contains: (v) => v >= o.low && v <= high,
    miss: (v) => (v < o.low ? o.low - v : v > high ? v - high : 0) / reference,
  };
}

/** The fields every row copies from its observation, and the reference of its range. */
function rowBase(o: Observation, reference: number) {
  return { id: o.id, metric: o.metric, description: o.description, unit: o.unit, low: o.low, high: o.high, year: o.year, independent: o.independent, source: o.source, reference };
}

function timeRow(ctx: RoutingContext, resolver: PlaceResolver, year: number | null, o: TimeObservation): CalibrationRow {
  const q = o.route;
  const range = rangeOf(o);
  // the trip-end dwell the observed time includes, as its source describes it (observations.ts endDwell)
  const e = o.endDwell;
  const ends = e?.origin && e.destination ? "both" : e?.origin ? "origin" : e?.destination ? "destination" : null;
  const base = { ...rowBase(o, range.reference), geh: null };
  let report: ReturnType<typeof planRoutes>["routes"][number];
  try {
    report = planRoutes(ctx, {
      from: resolver.resolve(q.from),
      to: resolver.resolve(q.to),
      via: q.via === undefined ? null : resolver.resolve(q.via),
      criterion: q.criterion,
      cargo: q.cargo,
      year,
      ...(q.modes ? { modes: q.modes } : {}),
      ...(q.avoidCountries ? { avoidCountries: q.avoidCountries } : {}),
      ...(q.closeChokepoints ? { closeChokepoints: q.closeChokepoints } : {}),
      ...(ends ? { tripEndDwell: ends } : {}),
    }).routes[0];
  } catch (error) {
    if (isCaravanError(error) && error.code === "E_NO_ROUTE") {
      return { ...base, model: null, inside: false, relativeError: null, miss: null, detail: `no route: ${error.message}` };
    }
    throw error;
  }
  const hours = q.part === "sea" ? report.legs.filter((l) => l.mode === "sea").reduce((s, l) => s + l.timeH, 0) : report.timeH;
  const model = hours / DAY_H;
  const via = report.transitCountries.length > 0 ? ` via ${report.transitCountries.join("-")}` : "";
  return {
    ...base,
    model,
    inside: range.contains(model),
    relativeError: Math.abs(model - range.reference) / range.reference,
    miss: range.miss(model),
    detail: `${Math.round(report.distanceKm).toLocaleString("en-US")} km${via}${q.part === "sea" ? " (sea legs)" : ""}${ends ? ` (end dwell: ${ends})` : ""}`,
  };
}

/** A border crossing's assigned tonnes: in all and by direction ("TKM→IRN", the crossing arcs' countries). */
interface CrossingFlowT {
  readonly totalT: number;
  readonly byDirectionT: Readonly<Record<string, number>>;
}

/**
 * Tonnes over a crossing in the observed direction: all of them without one; with one, the directions leaving
 * `from` and/or entering `into` (a direction key is "FROM→TO", the countries of the crossing arc's two ends).
 */
export function directedCrossingT(flow: CrossingFlowT | undefined, direction: ObservedDirection | undefined): number {
  if (flow === undefined) return 0;
  if (direction === undefined) return flow.totalT;
  let t = 0;
  for (const [key, tonnes] of Object.entries(flow.byDirectionT)) {
    const [a, b] = key.split("→");
    if (a === b) continue; // an arc within one country crosses no border in either direction
    if (direction.from !== undefined && a !== direction.from) continue;
    if (direction.into !== undefined && b !== direction.into) continue;
    t += tonnes;
  }
  return t;
}

/** Volumes of the assignment the volume observations ask for. */
interface AssignedVolumes {
  readonly crossingT: ReadonlyMap<string, CrossingFlowT>;
  readonly corridors: ReturnType<typeof corridorVolumes>;
  readonly transit: ReturnType<typeof transitTable>;
}

function volumeRow(v: AssignedVolumes, o: VolumeObservation): CalibrationRow {
  const range = rangeOf(o);
  const q = o.volume;
  let tonnes: number | null = null;
  let teu: number | null = null;
  let detail = "";
  if (q.kind === "crossings") {
    const parts = q.ids.map((id) => [id, directedCrossingT(v.crossingT.get(id), q.direction)] as const);
    tonnes = parts.reduce((s, [, t]) => s + t, 0);
    const way = q.direction === undefined ? "" : ` (${[q.direction.from === undefined ? "" : `from ${q.direction.from}`, q.direction.into === undefined ? "" : `into ${q.direction.into}`].filter((w) => w !== "").join(" ")})`;
    detail = parts.map(([id, t]) => `${id} ${(t / 1e6).toFixed(2)}`).join(" + ") + way;
  } else if (q.kind === "corridor") {
    if (v.corridors === null) throw new CaravanError("E_USAGE", "corridor volumes need per-commodity flows (Algorithm B)");
    const sets = v.corridors.filter((c) => c.gateways.includes(q.gateway));
    tonnes = sets.reduce((s, c) => s + c.totalT, 0);
    detail = sets.length === 0 ? `no flow uses ${q.gateway}` : sets.map((c) => `${c.corridor} ${(c.totalT / 1e6).toFixed(2)}`).join("; ");
  } else {
    if (v.transit === null) throw new CaravanError("E_USAGE", "transit by country needs per-commodity flows (Algorithm B)");
    const row = v.transit.find((r) => r.country === q.country);
    tonnes = row?.transitT ?? 0;
    teu = row?.containerTeu ?? 0;
    detail = row ? `transit ${(row.transitT / 1e6).toFixed(2)} Mt, containers ${Math.round(row.containerTeu).toLocaleString("en-US")} TEU` : `no transit through ${q.country}`;
  }
  const model = o.unit === "Mt" ? tonnes / 1e6 : (teu ?? tonnes / TONNES_PER_TEU);
  const toKtPerDay = (x: number) => (o.unit === "Mt" ? x * 1e6 : x * TONNES_PER_TEU) / 1000 / 365;
  const openAndReached = o.high === null && model >= o.low;
  const m = toKtPerDay(model);
  const c = toKtPerDay(range.reference);
  const geh = openAndReached ? 0 : m + c > 0 ? Math.sqrt((2 * (m - c) ** 2) / (m + c)) : 0;
  return {
    ...rowBase(o, range.reference),
    model,
    inside: range.contains(model),
    relativeError: openAndReached ? 0 : Math.abs(model - range.reference) / range.reference,
    miss: range.miss(model),
    geh,
    detail,
  };
}

function shareRow(o: ShareObservation, value: { model: number | null; modelWithSegments: number | null; detail: string } | undefined): CalibrationRow {
  const range = rangeOf(o);
  const model = value?.model ?? null;
  return {
    ...rowBase(o, range.reference),
    model,
    modelWithSegments: value?.modelWithSegments ?? null,
    inside: model !== null && range.contains(model),
    relativeError: model === null ? null : Math.abs(model - range.reference) / range.reference,
    miss: model === null ? null : range.miss(model),
    geh: null,
    detail: value?.detail ?? "not measured",
  };
}

function summary(rows: readonly CalibrationRow[]): MetricSummary {
  const inside = rows.filter((r) => r.inside).length;
  return { count: rows.length, inside, shareInside: rows.length === 0 ? 0 : inside / rows.length };
}

/** Compare the model with every observation of `files` (all read from the dataset of `net`). */
export function calibrate(
  net: CompiledNetwork,
  files: readonly ObservationsFile[],
  options: CalibrateOptions & { readonly demandPath?: string | null; readonly demandLabel?: string } = {},
): CalibrationReport {
  const t0 = performance.now();
  if (files.length === 0 || files.every((f) => f.observations.length === 0)) {
    throw new CaravanError("E_USAGE", `no observations: ${net.network.dir}/observations/*.yaml is absent or empty; give --observations FILE`);
  }
  const resolver = new PlaceResolver(net.network.places);
  checkReferences(net, files, resolver);
  const years = new Set(files.map((f) => f.year));
  if (years.size > 1) throw new CaravanError("E_USAGE", `observations files ask for different network years (${[...years].join(", ")}); compare them one at a time`);
  const year = files[0].year;

  const ctx = new RoutingContext(net);
  const observations = files.flatMap((f) => f.observations);
  const volumeObs = observations.filter((o): o is VolumeObservation => o.metric === "volume");
  const demandPath = options.demandPath ?? null;
  const flowsFile = options.flows ?? null;
  const segments = options.votSegments ?? CALIBRATE_VOT_SEGMENTS;
  const corridor = options.corridor ?? {};
  const spread = options.votSpread ?? (corridor.votMedian === "carrying-cost" ? CARRYING_COST_SPREAD : VOT_SPREAD_DEFAULT);
  votSegments(segments, spread); // E_USAGE before any computation when either is out of range
  let volumes: AssignedVolumes | null = null;
  let assignment: CalibrationReport["assignment"] = null;
  let flows: FlowsReport | null = null;
  if (volumeObs.length > 0 || flowsFile !== null) {
    if (demandPath === null) throw new CaravanError("E_USAGE", "volume observations and flows need a demand file: give `demand:` in the observations file or --demand FILE");
    const table: DemandTable = readDemandCsv(demandPath);
    const cp = corridorProblem(net, table, { year, ...corridor });
    const result = solve(cp.problem, "b", { gap: 1e-6 });
    if (flowsFile !== null) {
      const runs: FlowRunInput[] = [{ cp, result }];
      if (segments > 1) {
        const cpV: CorridorProblem = corridorProblem(net, table, { year, ...corridor, votSegments: segments, votSpread: spread });
        const resultV: AssignmentResult = solve(cpV.problem, "b", { gap: 1e-6 });
        runs.push({ cp: cpV, result: resultV });
      }
      flows = flowsReport(net, flowsFile, table, runs);
    }
    volumes = {
      crossingT: new Map(crossingVolumes(cp, result).map((c) => [c.crossing, { totalT: c.totalT, byDirectionT: c.byDirectionT }])),
      corridors: corridorVolumes(cp, result),
      transit: transitTable(cp, result),
    };
    assignment = { algorithm: result.algorithm, relativeGap: result.relativeGap, iterations: result.iterations };
  }
  const shareObs = observations.filter((o): o is ShareObservation => o.metric === "share");
  const shares = shareObs.length === 0 ? null : shareValues(net, shareObs, year, segments, options.votSpread);
  const rows = observations.map((o) =>
    o.metric === "time" ? timeRow(ctx, resolver, year, o) : o.metric === "share" ? shareRow(o, shares?.values.get(o.id)) : volumeRow(volumes as AssignedVolumes, o),
  );

  const timeRows = rows.filter((r) => r.metric === "time");
  const shareRowsOf = rows.filter((r) => r.metric === "share");
  const volumeRows = rows.filter((r) => r.metric === "volume");
  const timeErrors = timeRows.map((r) => r.relativeError).filter((e): e is number => e !== null);
  const tonnes = (r: CalibrationRow, x: number) => (r.unit === "Mt" ? x * 1e6 : x * TONNES_PER_TEU);
  const wapeDen = volumeRows.reduce((s, r) => s + tonnes(r, r.reference), 0);
  const wapeNum = volumeRows.reduce((s, r) => s + tonnes(r, (r.relativeError ?? 0) * r.reference), 0);
  const gehs = volumeRows.map((r) => r.geh).filter((g): g is number => g !== null);
  const top = options.top ?? 5;
  const worst = rows
    .filter((r) => !r.inside)
    .sort((a, b) => (b.miss ?? Number.POSITIVE_INFINITY) - (a.miss ?? Number.POSITIVE_INFINITY) || a.id.localeCompare(b.id))
    .slice(0, top)
    .map((r) => r.id);
  return {
    observationsFiles: files.map((f) => f.file),
    demandFile: demandPath === null ? null : (options.demandLabel ?? demandPath),
    networkYear: year,
    all: summary(rows),
    independent: summary(rows.filter((r) => r.independent)),
    times: { ...summary(timeRows), mape: timeErrors.length === 0 ? null : timeErrors.reduce((s, e) => s + e, 0) / timeErrors.length, noRoute: timeRows.filter((r) => r.model === null).length },
    volumes: {
      ...summary(volumeRows),
      wape: wapeDen > 0 ? wapeNum / wapeDen : null,
      gehMean: gehs.length === 0 ? null : gehs.reduce((s, g) => s + g, 0) / gehs.length,
      gehMax: gehs.length === 0 ? null : Math.max(...gehs),
      shareGehBelow5: gehs.length === 0 ? null : gehs.filter((g) => g < 5).length / gehs.length,
    },
    assignment,
    shares: { ...summary(shareRowsOf), runs: shares?.runs ?? [] },
    rows,
    flows,
    worst,
    elapsedS: (performance.now() - t0) / 1000,
  };
}
