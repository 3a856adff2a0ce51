/**
 * Observed corridor figures of a dataset (data/<dataset>/observations/*.yaml): route times and corridor volumes as
 * published, each with its year and sources, for calibration (`caravan calibrate`) and for the observed column the
 * corridor assignment prints beside its transit table. Format: docs/calibration.md § "caravan calibrate".
 *
 * Every figure is a range low–high in its unit. A source that gives one figure is recorded as the interval its
 * rounding covers (rule obs-rounding: 9 d → 8.5–9.5 d); an open-ended figure (">32 Mt") has high: null.
 * Malformed files fail with file, line and field (E_PARSE); `src:`/`estimate:` ids are checked against the
 * dataset's sources by the caller (it knows them).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { CaravanError, parseError } from "../core/errors";
import { idSchema, iso3Schema, provenanceSchema } from "./schema";
import { readYamlDocument } from "./yaml-file";

const routeQuerySchema = z
  .object({
    from: z.string().min(1).describe("place id, name or alias"),
    to: z.string().min(1),
    via: z.string().min(1).optional(),
    modes: z.array(z.enum(["rail", "road", "sea", "ferry", "air"])).min(1).optional(),
    avoidCountries: z.array(iso3Schema).optional(),
    closeChokepoints: z.array(idSchema).optional(),
    criterion: z.enum(["time", "cost", "co2", "generalized"]).default("time"),
    cargo: z.string().min(1).default("feu"),
    /** Which part of the route's time is observed: all of it, or the sailing time of its sea legs. */
    part: z.enum(["total", "sea"]).default("total"),
  })
  .strict();
export type ObservedRouteQuery = z.infer<typeof routeQuerySchema>;

/**
 * The direction an observed crossing volume counts, as its source states it: the flow into a country (`into: IRN`),
 * out of one (`from: TKM`), or both. Absent: both directions. Each country must be a side of every crossing of the
 * observation (checked by the caller, which knows the crossings).
 */
const observedDirectionSchema = z
  .object({
    from: iso3Schema.optional().describe("count only the flow leaving this country over the crossings"),
    into: iso3Schema.optional().describe("count only the flow entering this country over the crossings"),
  })
  .strict()
  .refine((d) => d.from !== undefined || d.into !== undefined, "needs from: or into: (a country code)");
export type ObservedDirection = z.infer<typeof observedDirectionSchema>;

const volumeQuerySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("transit"), country: iso3Schema }).strict(),
  z
    .object({
      kind: z.literal("crossings"),
      ids: z.array(idSchema).min(1).describe("border crossings whose volumes add up (both directions unless `direction` names one)"),
      direction: observedDirectionSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal("corridor"), gateway: z.string().min(1).describe("a gateway label of the assignment's corridor table; every gateway set containing it counts") }).strict(),
]);
export type ObservedVolumeQuery = z.infer<typeof volumeQuerySchema>;

/**
 * A mode split observed on a lane: the share of the lane's tonnes of one demand class whose path crosses none of the
 * deep-sea chokepoints (by default Suez and the Cape of Good Hope), i.e. that cross Eurasia by land, with or without a short sea leg. The lane
 * is every demand row from a place in one of `from` to a place in one of `to` (one direction, as the source states).
 */
const shareQuerySchema = z
  .object({
    kind: z.literal("overland").describe("share of the lane's tonnes that cross no deep-sea chokepoint"),
    from: z.array(iso3Schema).min(1).describe("countries of the lane's origins"),
    to: z.array(iso3Schema).min(1).describe("countries of the lane's destinations"),
    class: z.string().min(1).describe("the demand class measured (e.g. container)"),
    chokepoints: z.array(idSchema).min(1).default(["suez", "cape"]).describe("chokepoints whose crossing makes a path deep-sea (default the Suez Canal and the Cape of Good Hope)"),
  })
  .strict();
export type ObservedShareQuery = z.infer<typeof shareQuerySchema>;

/**
 * The assignment a share is measured on, where it is not the file's `demand:` run: the demand files whose rows add up
 * to the lane's total (relative to the dataset folder), the classes' value of time and the month of the rate layers
 * (absent: the cost model). Observations with the same run share one assignment.
 */
const shareRunSchema = z
  .object({
    demand: z.array(z.string().min(1)).min(1).describe("demand files (relative to the dataset folder) assigned together"),
    votMedian: z.enum(["profile", "carrying-cost"]).default("profile"),
    rates: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month YYYY-MM").optional().describe("month of the rate layers (the rates basis); absent: the cost model"),
  })
  .strict();
export type ObservedShareRun = z.infer<typeof shareRunSchema>;

const common = {
  id: idSchema,
  description: z.string().min(1),
  low: z.number().nonnegative(),
  high: z.number().nonnegative().nullable(),
  year: z.number().int().min(1990).max(2100),
  /** false when the figure was an input of the dataset (demand construction, a fitted parameter): not an independent check. */
  independent: z.boolean().default(true),
  source: provenanceSchema,
  notes: z.string().default(""),
};

/**
 * Which trip-end dwell an observed time includes, read from the observation's own source: the dwell at the terminal
 * where the observed time starts (origin) and where it ends (destination). `caravan calibrate` routes the observation
 * with the trip-end dwell of those ends (routing/trip-ends.ts); absent = neither (line haul).
 */
const endDwellSchema = z
  .object({
    origin: z.boolean(),
    destination: z.boolean(),
    basis: z.string().min(1).describe("the source's wording the two flags are read from, quoted"),
  })
  .strict();
export type ObservedEndDwell = z.infer<typeof endDwellSchema>;

export const observationSchema = z.discriminatedUnion("metric", [
  z.object({ metric: z.literal("time"), unit: z.literal("d"), route: routeQuerySchema, endDwell: endDwellSchema.optional(), ...common }).strict(),
  z.object({ metric: z.literal("volume"), unit: z.enum(["Mt", "TEU"]), volume: volumeQuerySchema, ...common }).strict(),
  z.object({ metric: z.literal("share"), unit: z.literal("%"), share: shareQuerySchema, run: shareRunSchema, ...common }).strict(),
]);
export type Observation = z.infer<typeof observationSchema>;
export type TimeObservation = Extract<Observation, { metric: "time" }>;
export type VolumeObservation = Extract<Observation, { metric: "volume" }>;
export type ShareObservation = Extract<Observation, { metric: "share" }>;

export const observationsFileSchema = z
  .object({
    /** The demand file (relative to the dataset folder) whose assignment the volumes are compared with. */
    demand: z.string().min(1).optional(),
    /** Network year of the comparison (null = today's open network). */
    year: z.number().int().nullable().default(null),
    observations: z.array(observationSchema).min(1),
  })
  .strict();

export interface ObservationsFile {
  /** Path as given (for messages). */
  readonly file: string;
  readonly demand: string | null;
  readonly year: number | null;
  readonly observations: readonly Observation[];
  /** [observation] 1-based line of its entry. */
  readonly lines: readonly number[];
  /** 1-based line of the node at a path (["observations", 3, "route", "from"]), or of its longest existing prefix. */
  readonly lineOf: (path: readonly (string | number)[]) => number;
}

/** Read and validate one observations file; malformed → E_PARSE naming file, line and field. */
export function readObservationsFile(path: string, displayName = path): ObservationsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read observations file ${displayName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { data: file, lineOf } = readYamlDocument(text, displayName, observationsFileSchema);
  const obs = file.observations;
  const ids = new Set<string>();
  obs.forEach((o, i) => {
    if (ids.has(o.id)) throw parseError(displayName, lineOf(["observations", i, "id"]), `observations.${i}.id`, `id "${o.id}" is used twice`);
    ids.add(o.id);
    if (o.high !== null && o.high < o.low) throw parseError(displayName, lineOf(["observations", i, "high"]), `observations.${i}.high`, `high ${o.high} is below low ${o.low}`);
    if (o.metric === "share") {
      for (const bound of ["low", "high"] as const) {
        const v = o[bound];
        if (v !== null && v > 100) throw parseError(displayName, lineOf(["observations", i, bound]), `observations.${i}.${bound}`, `a share is a percentage 0–100, got ${v}`);
      }
    }
  });
  return {
    file: displayName,
    demand: file.demand ?? null,
    year: file.year,
    observations: obs,
    lines: obs.map((_, i) => lineOf(["observations", i])),
    lineOf,
  };
}

/** Every observations file of a dataset (observations/*.yaml, sorted by name); [] when the folder is absent. */
export function readDatasetObservations(dataDir: string): ObservationsFile[] {
  const dir = join(dataDir, "observations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => readObservationsFile(join(dir, f), relative(dataDir, join(dir, f))));
}

/** Observed transit of a country as the corridor assignment prints it beside the model (Mt and TEU rows merged). */
export interface ObservedTransit {
  readonly country: string;
  readonly year: number;
  readonly lowT: number;
  readonly highT: number | null;
  readonly lowTeu: number | null;
  readonly highTeu: number | null;
  /** The observations' provenance references (src:<id>, estimate:<id>). */
  readonly sources: readonly string[];
}

/** The dataset's observed transit figures by country (from observations/*.yaml), for the assignment report. */
export function observedTransitByCountry(dataDir: string): ObservedTransit[] {
  const byCountry = new Map<string, { year: number; lowT: number; highT: number | null; lowTeu: number | null; highTeu: number | null; source: string[] }>();
  for (const f of readDatasetObservations(dataDir)) {
    for (const o of f.observations) {
      if (o.metric !== "volume" || o.volume.kind !== "transit") continue;
      const row = byCountry.get(o.volume.country) ?? { year: o.year, lowT: Number.NaN, highT: null, lowTeu: null, highTeu: null, source: [] };
      if (o.unit === "Mt") {
        row.lowT = o.low * 1e6;
        row.highT = o.high === null ? null : o.high * 1e6;
        row.year = o.year;
      } else {
        row.lowTeu = o.low;
        row.highTeu = o.high;
      }
      for (const s of o.source) if (!row.source.includes(s)) row.source.push(s);
      byCountry.set(o.volume.country, row);
    }
  }
  return [...byCountry.entries()]
    .filter(([, r]) => Number.isFinite(r.lowT))
    .map(([country, r]) => ({ country, year: r.year, lowT: r.lowT, highT: r.highT, lowTeu: r.lowTeu, highTeu: r.highTeu, sources: r.source }));
}
