/**
 * Market rate layers beside the cost model (data/<dataset>/rates/*.yaml, format in docs/data-format.md § Rates):
 * dated, direction-specific rates of lanes — sea lanes (Drewry WCI, SCFI), the 1520 mm rail segment (ERAI) and
 * corridor through-tariffs — and the rule by which they re-price a route on the rates basis.
 *
 * How a lane applies to a route (priceRoute):
 *  - A lane covers a *run* of the path: consecutive link/ferry arcs of the lane's modes (and gauge, for a segment),
 *    with transfers between them; the run starts at a place of one end of the lane and stops at the other. Sea: the
 *    deep-sea legs between the two port ranges; segment: the 1520 mm stretch between the two gauge breaks; through:
 *    the whole rail (and ferry) haul from the Chinese to the European terminal.
 *  - Direction: from the east end to the west end is westbound, the reverse eastbound.
 *  - A known rate replaces the moving tariff of the run's arcs (shared in proportion to their cost-model tariff);
 *    a through-tariff also replaces the fixed charges (border fees, handling) between its first and last arc. Lanes
 *    apply in the order through → segment → sea, and a run overlapping one already priced is left alone.
 *  - Month: an observation covers the months of its period; after its end it carries forward for the lane's
 *    carryForwardMonths; otherwise the month is unknown and the run keeps the cost model, which the report says.
 *    Where both apply, an observation covering the month beats one carried forward, a narrower period a wider one.
 *  - Backhaul and empty repositioning (lane `imbalance`, rule estimate:rates-imbalance-split): runs of the lane that
 *    no rate covers pay the cost model split by direction — heavy = b + (1 − r) b, light = b.
 *  - Shocks (lane `shock`): a query that closes one of the listed chokepoints multiplies the lane's rate, unless the
 *    observation was itself taken with them closed (its `closed` list).
 * Container rates do not apply to bulk (tonne-basis) cargo. Malformed files fail with file, line and field (E_PARSE).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { CaravanError, parseError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_FERRY, ARC_LINK, type CompiledArcs, type CompiledNetwork, MODE_CODES } from "../network/compiled";
import { idSchema, iso3Schema, provenanceSchema } from "../network/schema";
import { readYamlDocument } from "../network/yaml-file";
import type { LegRate, RateDirection } from "./wire";

export const COST_BASES = ["rates", "cost"] as const;
export type CostBasis = (typeof COST_BASES)[number];
export const RATE_DIRECTIONS = ["westbound", "eastbound"] as const satisfies readonly RateDirection[];
export type { LegRate, RateDirection } from "./wire";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PERIOD = /^\d{4}(?:-(?:0[1-9]|1[0-2]))?(?:\/\d{4}(?:-(?:0[1-9]|1[0-2]))?)?$/;

/** Month index y × 12 + (m − 1) of "YYYY-MM"; null when malformed. */
export function parseMonth(text: string): number | null {
  const m = MONTH.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 1900 || year > 2200) return null;
  return year * 12 + Number(m[2]) - 1;
}

/** "YYYY-MM" of a month index. */
export function formatMonth(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** First and last month index of a period "YYYY", "YYYY-MM" or "A/B" (each side a year or a month). */
export function periodMonths(period: string): [number, number] | null {
  if (!PERIOD.test(period)) return null;
  const [a, b = a] = period.split("/");
  const first = a.length === 4 ? parseMonth(`${a}-01`) : parseMonth(a);
  const last = b.length === 4 ? parseMonth(`${b}-12`) : parseMonth(b);
  if (first === null || last === null || last < first) return null;
  return [first, last];
}

const endSchema = z
  .object({
    countries: z.array(iso3Schema).min(1).optional(),
    places: z.array(idSchema).min(1).optional(),
  })
  .strict()
  .refine((e) => e.countries !== undefined || e.places !== undefined, "needs countries or places");

const observationSchema = z
  .object({
    /** westbound, eastbound, or both (the source names no direction). */
    direction: z.enum(["westbound", "eastbound", "both"]),
    /** Months covered: "YYYY-MM", "YYYY" (every month of the year) or "A/B" (docs/data-format.md § Rates). */
    period: z.string().refine((p) => periodMonths(p) !== null, "must be YYYY-MM, YYYY or FROM/TO of those (FROM ≤ TO)"),
    /** The date as the source gives it ("11 Jan 2024", "mid-2024"). */
    asPublished: z.string().min(1),
    rateUsd: z.number().positive().optional(),
    lowUsd: z.number().positive().optional(),
    highUsd: z.number().positive().optional(),
    unit: z.enum(["FEU", "TEU"]),
    /** Chokepoints most of the lane's traffic avoided when the rate was observed (its rate includes the detour). */
    closed: z.array(idSchema).default([]),
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .strict();

const laneSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    /** sea: deep-sea legs between two port ranges; segment: a gauge stretch; through: a whole corridor haul. */
    kind: z.enum(["sea", "segment", "through"]),
    modes: z.array(z.enum(MODE_CODES)).min(1),
    /** Track gauge of a segment's arcs, mm. */
    gaugeMm: z.number().int().positive().optional(),
    east: endSchema,
    west: endSchema,
    /** Countries a run may touch (default: any). */
    countries: z.array(iso3Schema).min(1).optional(),
    /** Countries a run must touch. */
    requireCountries: z.array(iso3Schema).default([]),
    carryForwardMonths: z.number().int().min(0).max(24),
    carryForwardSource: provenanceSchema,
    imbalance: z
      .object({
        heavy: z.enum(RATE_DIRECTIONS),
        /** Loaded boxes in the light direction per loaded box in the heavy direction. */
        lightPerHeavy: z.number().gt(0).max(1),
        /** What the cost model's tariff of the lane stands for: the average of both directions or the heavy one. */
        costModel: z.enum(["average", "heavy"]),
        source: provenanceSchema,
      })
      .strict()
      .optional(),
    shock: z
      .object({ chokepoints: z.array(idSchema).min(1), multiplier: z.number().positive(), source: provenanceSchema })
      .strict()
      .optional(),
    observations: z.array(observationSchema).default([]),
    notes: z.string().default(""),
  })
  .strict();

export const ratesFileSchema = z.object({ lanes: z.array(laneSchema).min(1) }).strict();

export type RateLane = z.infer<typeof laneSchema>;
export type RateObservation = z.infer<typeof observationSchema>;

/** A lane as loaded: the file it came from and its observations' month ranges. */
export interface LoadedLane extends RateLane {
  readonly file: string;
  /** [observation] first and last month index. */
  readonly periods: readonly (readonly [number, number])[];
}

/** The rate layers of a dataset. */
export interface RatesLayer {
  readonly lanes: readonly LoadedLane[];
  /** Latest month index any observation covers (the default --rates month); null when there is none. */
  readonly latestMonth: number | null;
}

/** What the network defines, to check references (omit to skip the checks). */
export interface RateReferences {
  readonly sources: ReadonlySet<string>;
  readonly rules: ReadonlySet<string>;
  readonly places: ReadonlySet<string>;
  readonly chokepoints: ReadonlySet<string>;
}

/** The references a network defines (for readRatesFile). */
export function referencesOf(net: CompiledNetwork): RateReferences {
  return {
    sources: new Set(Object.keys(net.network.sources)),
    rules: new Set(Object.keys(net.network.rules)),
    places: new Set(net.network.places.map((p) => p.id)),
    chokepoints: new Set(net.network.chokepoints.map((c) => c.id)),
  };
}

/** Parse and validate the text of one rates file; malformed → E_PARSE naming file, line and field. */
export function parseRatesText(text: string, displayName: string, refs?: RateReferences): LoadedLane[] {
  const { data: file, lineOf } = readYamlDocument(text, displayName, ratesFileSchema);
  const fail = (path: (string | number)[], problem: string) => parseError(displayName, lineOf(path), path.join("."), problem);
  const checkRefs = (path: (string | number)[], list: readonly string[]) => {
    if (!refs) return;
    list.forEach((ref, k) => {
      const [kind, id] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
      const known = kind === "src" ? refs.sources : kind === "estimate" ? refs.rules : null;
      if (known && !known.has(id)) {
        const hint = suggest(id, [...known]);
        throw fail([...path, k], `unknown ${kind === "src" ? "source" : "estimation rule"} "${ref}" (not in sources/*.yaml)${hint.length ? ` (did you mean "${kind}:${hint[0]}"?)` : ""}`);
      }
    });
  };
  const ids = new Set<string>();
  return file.lanes.map((lane, i) => {
    const at = (...rest: (string | number)[]) => ["lanes", i, ...rest];
    if (ids.has(lane.id)) throw fail(at("id"), `lane id "${lane.id}" is used twice`);
    ids.add(lane.id);
    if (lane.kind === "segment" && lane.gaugeMm === undefined) throw fail(at("kind"), "a segment lane needs gaugeMm");
    if (lane.kind !== "segment" && lane.gaugeMm !== undefined) throw fail(at("gaugeMm"), "gaugeMm belongs to segment lanes only");
    checkRefs(at("carryForwardSource"), lane.carryForwardSource);
    if (lane.imbalance) checkRefs(at("imbalance", "source"), lane.imbalance.source);
    if (lane.shock) {
      checkRefs(at("shock", "source"), lane.shock.source);
      lane.shock.chokepoints.forEach((c, k) => {
        if (refs && !refs.chokepoints.has(c)) throw fail(at("shock", "chokepoints", k), `unknown chokepoint "${c}"`);
      });
    }
    for (const end of ["east", "west"] as const) {
      (lane[end].places ?? []).forEach((p, k) => {
        if (refs && !refs.places.has(p)) {
          const hint = suggest(p, [...refs.places]);
          throw fail(at(end, "places", k), `unknown place "${p}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}`);
        }
      });
    }
    const periods = lane.observations.map((o, j) => {
      const field = (...rest: string[]) => at("observations", j, ...rest);
      const single = o.rateUsd !== undefined;
      const range = o.lowUsd !== undefined || o.highUsd !== undefined;
      if (single === range) throw fail(field(single ? "lowUsd" : "rateUsd"), "give either rateUsd or both lowUsd and highUsd");
      if (range && (o.lowUsd === undefined || o.highUsd === undefined)) throw fail(field(o.lowUsd === undefined ? "lowUsd" : "highUsd"), "a range needs both lowUsd and highUsd");
      if (range && (o.highUsd as number) < (o.lowUsd as number)) throw fail(field("highUsd"), `highUsd ${o.highUsd} is below lowUsd ${o.lowUsd}`);
      checkRefs(field("source"), o.source);
      o.closed.forEach((c, k) => {
        if (refs && !refs.chokepoints.has(c)) throw fail(field("closed", String(k)), `unknown chokepoint "${c}"`);
      });
      return periodMonths(o.period) as [number, number];
    });
    return { ...lane, file: displayName, periods };
  });
}

/** Read one rates file (see parseRatesText). */
export function readRatesFile(path: string, displayName = path, refs?: RateReferences): LoadedLane[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read rates file ${displayName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseRatesText(text, displayName, refs);
}

/** A layer of lanes (lane ids unique across files). */
export function ratesLayerOf(lanes: readonly LoadedLane[]): RatesLayer {
  const seen = new Map<string, string>();
  let latest: number | null = null;
  for (const lane of lanes) {
    const other = seen.get(lane.id);
    if (other !== undefined) throw parseError(lane.file, 1, "lanes.id", `lane id "${lane.id}" is also defined in ${other}`);
    seen.set(lane.id, lane.file);
    for (const [, last] of lane.periods) if (latest === null || last > latest) latest = last;
  }
  return { lanes, latestMonth: latest };
}

/** Every rates file of a dataset (rates/*.yaml, sorted), references checked against the network; null without the folder. */
export function readDatasetRates(dataDir: string, net?: CompiledNetwork): RatesLayer | null {
  const dir = join(dataDir, "rates");
  if (!existsSync(dir)) return null;
  const refs = net ? referencesOf(net) : undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("."))
    .sort();
  return ratesLayerOf(files.flatMap((f) => readRatesFile(join(dir, f), relative(dataDir, join(dir, f)), refs)));
}

// --- the rate of a lane in a month ------------------------------------------------------------------------------

export interface LaneRate {
  readonly observation: RateObservation;
  /** observed: the period covers the month; carried: carried forward from an earlier period. */
  readonly status: "observed" | "carried";
  readonly monthsCarried: number;
  /** The rate in the requested unit before any shock, USD (midpoint of a range). */
  readonly rateUsd: number;
  /** The observation was in the other unit and converted with the mode's teuCostRatio. */
  readonly converted: boolean;
}

/**
 * The rate of a lane for one direction, month and unit, or null when the month is unknown (no observation covers it
 * or carries forward to it). `teuPerFeu` converts an observation in the other unit (TEU charge = FEU × ratio); null
 * leaves observations in the other unit aside.
 */
export function laneRate(lane: LoadedLane, direction: RateDirection, month: number, unit: "FEU" | "TEU", teuPerFeu: number | null): LaneRate | null {
  let best: { k: number; status: 0 | 1; carried: number; width: number; start: number; sameUnit: boolean } | null = null;
  lane.observations.forEach((o, k) => {
    if (o.direction !== direction && o.direction !== "both") return;
    if (o.unit !== unit && teuPerFeu === null) return;
    const [first, last] = lane.periods[k];
    let status: 0 | 1;
    let carried = 0;
    if (month >= first && month <= last) status = 0;
    else if (month > last && month - last <= lane.carryForwardMonths) {
      status = 1;
      carried = month - last;
    } else return;
    const candidate = { k, status, carried, width: last - first, start: first, sameUnit: o.unit === unit };
    if (best === null || better(candidate, best)) best = candidate;
  });
  if (best === null) return null;
  const chosen = best as { k: number; status: 0 | 1; carried: number; sameUnit: boolean };
  const o = lane.observations[chosen.k];
  const value = o.rateUsd ?? ((o.lowUsd as number) + (o.highUsd as number)) / 2;
  const ratio = teuPerFeu ?? 1;
  const inUnit = chosen.sameUnit ? value : unit === "TEU" ? value * ratio : value / ratio;
  return { observation: o, status: chosen.status === 0 ? "observed" : "carried", monthsCarried: chosen.carried, rateUsd: inUnit, converted: !chosen.sameUnit };
}

type Candidate = { status: 0 | 1; carried: number; width: number; start: number; sameUnit: boolean };
/** Observed before carried; fewer months carried; narrower period; the requested unit; the later start. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.status !== b.status) return a.status < b.status;
  if (a.carried !== b.carried) return a.carried < b.carried;
  if (a.width !== b.width) return a.width < b.width;
  if (a.sameUnit !== b.sameUnit) return a.sameUnit;
  return a.start > b.start;
}

/** Heavy- and light-direction factors on the cost model's moving tariff (rule estimate:rates-imbalance-split). */
export function imbalanceFactors(imbalance: NonNullable<RateLane["imbalance"]>): { heavy: number; light: number; emptyShareOfHeavy: number } {
  const r = imbalance.lightPerHeavy;
  const emptyShareOfHeavy = (1 - r) / (2 - r);
  if (imbalance.costModel === "heavy") return { heavy: 1, light: 1 / (2 - r), emptyShareOfHeavy };
  return { heavy: ((1 + r) * (2 - r)) / 2, light: (1 + r) / 2, emptyShareOfHeavy };
}

// --- pricing a path -----------------------------------------------------------------------------------------------

/** How one lane priced (part of) one leg. */

/** A path re-priced on the rates basis. */
export interface PathPricing {
  /** [path position] moving tariff, USD (0 for transfer and access arcs). */
  readonly movingUsd: Float64Array;
  /** [path position] fixed charge (border fee, handling; all of a transfer arc), USD. */
  readonly eventUsd: Float64Array;
  /** [leg] rates applied to each leg (legs as the route report cuts them: maximal same-mode link/ferry stretches). */
  readonly legRates: LegRate[][];
  /** Lines for the route's notes. */
  readonly notes: string[];
  /** Provenance references of every rate and rule used. */
  readonly sources: string[];
  readonly totalUsd: number;
}

export interface PricingQuery {
  readonly layer: RatesLayer;
  /** Month index of the rates (parseMonth). */
  readonly month: number;
  /** "FEU" or "TEU" (bulk cargo is not priced by rates). */
  readonly unit: "FEU" | "TEU";
  /** Chokepoints closed in the query's network state. */
  readonly closedChokepoints: readonly string[];
}

export interface Run {
  readonly first: number;
  readonly last: number;
  readonly direction: RateDirection;
}

export const isMoving = (kind: number) => kind === ARC_LINK || kind === ARC_FERRY;

/** [path position] leg index as buildRouteReport cuts legs (-1 before the first leg). */
export function legIndexOfPath(arcs: CompiledArcs, path: ArrayLike<number>): Int32Array {
  const out = new Int32Array(path.length).fill(-1);
  let leg = -1;
  let mode = -1;
  let kind = -1;
  for (let i = 0; i < path.length; i++) {
    const a = path[i];
    // a new leg at a change of mode, or of arc kind (a sea feeder after a sea link)
    if (isMoving(arcs.kind[a]) && (arcs.mode[a] !== mode || arcs.kind[a] !== kind)) {
      leg++;
      mode = arcs.mode[a];
      kind = arcs.kind[a];
    }
    out[i] = leg;
  }
  return out;
}

/** A lane as per-place and per-country lookups of one network (built once per layer and network). */
export interface LaneIndex {
  readonly lane: LoadedLane;
  /** Bit (1 << mode code) set for each mode of the lane. */
  readonly modeMask: number;
  /** Gauge of a segment's arcs, mm; 0 = any. */
  readonly gaugeMm: number;
  /** [place] 0 = neither end, 1 = east end, 2 = west end. */
  readonly placeEnd: Uint8Array;
  /** [country] 1 = a run may touch it; null = any country. */
  readonly allowed: Uint8Array | null;
  /** Country indices a run must touch. */
  readonly required: readonly number[];
  /** TEU/FEU cost ratio of the lane's first mode that has one (modes.yaml); null = no unit conversion. */
  readonly teuPerFeu: number | null;
}

export const END_EAST = 1;
export const END_WEST = 2;
const laneIndexCache = new WeakMap<RatesLayer, WeakMap<CompiledNetwork, LaneIndex[]>>();

/** The lanes of a layer indexed for a network, in the order they apply (through → segment → sea). */
export function laneIndexes(net: CompiledNetwork, layer: RatesLayer): LaneIndex[] {
  let byNet = laneIndexCache.get(layer);
  if (!byNet) {
    byNet = new WeakMap();
    laneIndexCache.set(layer, byNet);
  }
  const cached = byNet.get(net);
  if (cached) return cached;
  const countryIndex = new Map(net.countries.map((c, i) => [c, i]));
  const built = [...layer.lanes]
    .sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind])
    .map((lane): LaneIndex => {
      const placeEnd = new Uint8Array(net.network.places.length);
      net.network.places.forEach((place, i) => {
        for (const [end, code] of [
          [lane.west, END_WEST],
          [lane.east, END_EAST],
        ] as const) {
          if ((end.places?.includes(place.id) ?? false) || (end.countries?.includes(place.country ?? "") ?? false)) placeEnd[i] = code;
        }
      });
      let allowed: Uint8Array | null = null;
      if (lane.countries !== undefined) {
        allowed = new Uint8Array(net.countries.length);
        for (const c of lane.countries) {
          const i = countryIndex.get(c);
          if (i !== undefined) allowed[i] = 1;
        }
      }
      // a required country the network does not know can never be touched
      const required = lane.requireCountries.map((c) => countryIndex.get(c) ?? -1);
      const mode = lane.modes.find((m) => m !== "ferry");
      return {
        lane,
        modeMask: lane.modes.reduce((mask, m) => mask | (1 << MODE_CODES.indexOf(m)), 0),
        gaugeMm: lane.gaugeMm ?? 0,
        placeEnd,
        allowed,
        required,
        teuPerFeu: mode === undefined ? null : net.network.modes.modes[mode].teuCostRatio.value,
      };
    });
  byNet.set(net, built);
  return built;
}

/** true when arc a is a link or ferry arc of the lane's modes (and gauge). */
export function matchesLane(arcs: CompiledArcs, a: number, index: LaneIndex): boolean {
  return isMoving(arcs.kind[a]) && ((index.modeMask >> arcs.mode[a]) & 1) === 1 && (index.gaugeMm === 0 || arcs.gaugeMm[a] === index.gaugeMm);
}

/** true when a moving arc of path[first..last] touches the country. */
function touchesCountry(arcs: CompiledArcs, path: ArrayLike<number>, first: number, last: number, country: number): boolean {
  for (let k = first; k <= last; k++) {
    const a = path[k];
    if (isMoving(arcs.kind[a]) && (arcs.fromCountry[a] === country || arcs.toCountry[a] === country)) return true;
  }
  return false;
}

const NO_RUNS: Run[] = [];

export function runsOfLane(arcs: CompiledArcs, path: ArrayLike<number>, index: LaneIndex): Run[] {
  const { placeEnd, allowed, required } = index;
  const matches = (a: number) => matchesLane(arcs, a, index);
  const touches = (first: number, last: number, country: number) => touchesCountry(arcs, path, first, last, country);
  let runs = NO_RUNS;
  let i = 0;
  while (i < path.length) {
    if (!matches(path[i])) {
      i++;
      continue;
    }
    let last = i;
    // extend over transfers while the next moving arc still matches
    for (let j = i + 1; j < path.length; j++) {
      const a = path[j];
      if (isMoving(arcs.kind[a])) {
        if (!matches(a)) break;
        last = j;
      }
    }
    const start = placeEnd[arcs.fromPlace[path[i]]];
    const end = placeEnd[arcs.toPlace[path[last]]];
    let ok = start !== 0 && end !== 0 && start !== end;
    if (ok && allowed !== null) {
      for (let k = i; k <= last && ok; k++) {
        const a = path[k];
        if (!isMoving(arcs.kind[a])) continue;
        for (const c of [arcs.fromCountry[a], arcs.toCountry[a]]) if (c < allowed.length && allowed[c] === 0) ok = false;
      }
    }
    for (let r = 0; r < required.length && ok; r++) ok = required[r] >= 0 && touches(i, last, required[r]);
    if (ok) {
      if (runs === NO_RUNS) runs = [];
      runs.push({ first: i, last, direction: start === END_EAST ? "westbound" : "eastbound" });
    }
    i = last + 1;
  }
  return runs;
}

const KIND_ORDER = { through: 0, segment: 1, sea: 2 } as const;

/**
 * Re-price a path on the rates basis. `costUsd` and `eventCostUsd` are the cost model's per-arc columns of the
 * query's cargo profile (ProfileColumns). Without `detail` only the charges are computed (no leg rates, notes or
 * sources: the matrix's many cells).
 */
export function pricePath(
  net: CompiledNetwork,
  arcs: CompiledArcs,
  costUsd: Float64Array,
  eventCostUsd: Float64Array,
  path: ArrayLike<number>,
  query: PricingQuery,
  detail = true,
): PathPricing {
  const n = path.length;
  // without detail the per-position arrays are shared scratch (valid until the next call), so a matrix allocates
  // nothing per cell but its runs
  const shared = detail ? null : scratch(n);
  const movingUsd = shared?.movingUsd ?? new Float64Array(n);
  const eventUsd = shared?.eventUsd ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = path[i];
    const moving = isMoving(arcs.kind[a]);
    eventUsd[i] = moving ? eventCostUsd[a] : costUsd[a];
    movingUsd[i] = moving ? costUsd[a] - eventCostUsd[a] : 0;
  }
  const legOf = detail ? legIndexOfPath(arcs, path) : NO_LEGS;
  const legCount = detail && n > 0 ? legOf[n - 1] + 1 : 0;
  const legRates: LegRate[][] = detail ? Array.from({ length: legCount }, () => []) : NO_LEG_RATES;
  /** [position] 1 = priced by a rate, 2 = split by an imbalance, 0 = the cost model as it is. */
  const claimed = shared?.claimed.fill(0) ?? new Uint8Array(n);
  /** Runs no rate covers, of lanes with an imbalance: split by direction once every lane has claimed its runs. */
  const pending: { run: Run; lane: LoadedLane }[] = [];
  /** Runs no rate covers, of lanes without an imbalance (reported on the legs another lane leaves to the cost model). */
  const unpriced: { run: Run; lane: LoadedLane }[] = [];
  const notes: string[] = [];
  const sources = new Set<string>();
  const month = detail ? formatMonth(query.month) : "";
  const legsOf = (run: Run): number[] => {
    const legs: number[] = [];
    for (let k = run.first; k <= run.last; k++) if (isMoving(arcs.kind[path[k]]) && legOf[k] >= 0 && !legs.includes(legOf[k])) legs.push(legOf[k]);
    return legs;
  };
  for (const index of laneIndexes(net, query.layer)) {
    const lane = index.lane;
    for (const run of runsOfLane(arcs, path, index)) {
      let overlaps = false;
      for (let k = run.first; k <= run.last; k++) if (claimed[k] === 1) overlaps = true;
      if (overlaps) continue;
      const rate = memoLaneRate(query, index, run.direction);
      if (rate === null) {
        if (lane.imbalance) pending.push({ run, lane });
        else if (detail) unpriced.push({ run, lane });
        if (detail) {
          notes.push(`${lane.name}, ${run.direction}: no rate observed for ${month} or carried forward (up to ${lane.carryForwardMonths} month(s)); the parts no other rate covers keep the cost model${lane.imbalance ? " split by the imbalance rule" : ""}`);
          for (const s of lane.carryForwardSource) sources.add(s);
        }
        continue;
      }
      // the shock: a closure the observation did not already include
      const shocked = lane.shock?.chokepoints.some((c) => query.closedChokepoints.includes(c) && !rate.observation.closed.includes(c)) ?? false;
      const shock = shocked && lane.shock ? lane.shock.multiplier : 1;
      const runUsd = rate.rateUsd * shock;
      let replaced = 0;
      let km = 0;
      for (let k = run.first; k <= run.last; k++) {
        replaced += movingUsd[k];
        km += arcs.distanceKm[path[k]];
      }
      for (let k = run.first; k <= run.last; k++) {
        const share = replaced > 0 ? movingUsd[k] / replaced : km > 0 ? arcs.distanceKm[path[k]] / km : 0;
        movingUsd[k] = runUsd * share;
        if (lane.kind === "through") eventUsd[k] = 0;
        claimed[k] = 1;
      }
      if (!detail) continue;
      if (shocked && lane.shock) {
        for (const s of lane.shock.source) sources.add(s);
        notes.push(`${lane.name}: ${lane.shock.chokepoints.filter((c) => query.closedChokepoints.includes(c)).join(", ")} closed in the query or its scenario; the ${rate.observation.asPublished} rate is multiplied by ${shock}`);
      } else if (rate.observation.closed.length > 0) {
        notes.push(`${lane.name}: the ${rate.observation.asPublished} rate was observed with ${rate.observation.closed.join(", ")} avoided by most ships; it includes that detour`);
      }
      for (const s of rate.observation.source) sources.add(s);
      if (rate.status === "carried") for (const s of lane.carryForwardSource) sources.add(s);
      const what = lane.kind === "through" ? "the through-tariff replaces the moving tariff and the charges between" : "replaces the moving tariff";
      const note = `${rate.status === "carried" ? `carried forward ${rate.monthsCarried} month(s) from` : "observed"} ${rate.observation.asPublished}${rate.converted ? ` (converted from ${rate.observation.unit})` : ""}; ${what}`;
      for (const leg of legsOf(run)) {
        legRates[leg].push({
          lane: lane.id,
          laneName: lane.name,
          direction: run.direction,
          basis: rate.status === "observed" ? "rate" : "rate-carried",
          runRateUsd: runUsd,
          period: rate.observation.period,
          asPublished: rate.observation.asPublished,
          unit: query.unit,
          shockMultiplier: shock,
          imbalanceFactor: 1,
          emptyRepositioningUsd: 0,
          source: [...rate.observation.source],
          note,
        });
      }
    }
  }
  // runs no rate covers: the cost model split by the lane's imbalance (positions another lane priced excepted)
  for (const { run, lane } of pending) {
    const imbalance = lane.imbalance as NonNullable<RateLane["imbalance"]>;
    const f = imbalanceFactors(imbalance);
    const heavy = run.direction === imbalance.heavy;
    const factor = heavy ? f.heavy : f.light;
    const emptyByLeg = new Map<number, number>();
    for (let k = run.first; k <= run.last; k++) {
      if (claimed[k] !== 0) continue;
      claimed[k] = 2; // split once, whatever other lane's run also lies here
      movingUsd[k] *= factor;
      if (detail && legOf[k] >= 0 && isMoving(arcs.kind[path[k]])) emptyByLeg.set(legOf[k], (emptyByLeg.get(legOf[k]) ?? 0) + (heavy ? movingUsd[k] * f.emptyShareOfHeavy : 0));
    }
    if (!detail) continue;
    for (const s of imbalance.source) sources.add(s);
    for (const [leg, emptyUsd] of emptyByLeg) {
      const note = `no rate for ${month}: cost model × ${factor.toFixed(3)} (${heavy ? "heavy direction, pays the empty return" : "light direction (backhaul)"}; ${imbalance.lightPerHeavy} loaded boxes back per box out)`;
      legRates[leg].push(costModelRate(lane, run.direction, query.unit, factor, emptyUsd, note, imbalance.source));
    }
  }
  for (const { run, lane } of unpriced) {
    const legs: number[] = [];
    for (let k = run.first; k <= run.last; k++) if (claimed[k] === 0 && isMoving(arcs.kind[path[k]]) && legOf[k] >= 0 && !legs.includes(legOf[k])) legs.push(legOf[k]);
    for (const leg of legs) legRates[leg].push(costModelRate(lane, run.direction, query.unit, 1, 0, `no ${lane.name} rate for ${run.direction} within ${lane.carryForwardMonths} month(s) of ${month}: cost model`));
  }
  let totalUsd = 0;
  for (let k = 0; k < n; k++) totalUsd += movingUsd[k] + eventUsd[k];
  if (!detail) return { movingUsd, eventUsd, legRates, notes, sources: [], totalUsd };
  return { movingUsd, eventUsd, legRates, notes: [...new Set(notes)], sources: [...sources].sort(), totalUsd };
}

const NO_LEGS = new Int32Array(0);
const NO_LEG_RATES: LegRate[][] = [];
let scratchBuffers = { movingUsd: new Float64Array(0), eventUsd: new Float64Array(0), claimed: new Uint8Array(0) };

/** Views of n positions of the shared scratch arrays, grown as needed. */
function scratch(n: number): { movingUsd: Float64Array; eventUsd: Float64Array; claimed: Uint8Array } {
  if (scratchBuffers.movingUsd.length < n) {
    const size = Math.max(n, 2 * scratchBuffers.movingUsd.length, 256);
    scratchBuffers = { movingUsd: new Float64Array(size), eventUsd: new Float64Array(size), claimed: new Uint8Array(size) };
  }
  return { movingUsd: scratchBuffers.movingUsd.subarray(0, n), eventUsd: scratchBuffers.eventUsd.subarray(0, n), claimed: scratchBuffers.claimed.subarray(0, n) };
}
const rateMemo = new WeakMap<PricingQuery, Map<string, LaneRate | null>>();

/** laneRate of a query, resolved once per lane and direction. */
export function memoLaneRate(query: PricingQuery, index: LaneIndex, direction: RateDirection): LaneRate | null {
  let memo = rateMemo.get(query);
  if (!memo) {
    memo = new Map();
    rateMemo.set(query, memo);
  }
  const key = `${index.lane.id}|${direction}`;
  if (memo.has(key)) return memo.get(key) ?? null;
  const rate = laneRate(index.lane, direction, query.month, query.unit, index.teuPerFeu);
  memo.set(key, rate);
  return rate;
}

function costModelRate(lane: LoadedLane, direction: RateDirection, unit: "FEU" | "TEU", factor: number, emptyUsd: number, note: string, source: readonly string[] = []): LegRate {
  return {
    lane: lane.id,
    laneName: lane.name,
    direction,
    basis: "cost-model",
    runRateUsd: null,
    period: null,
    asPublished: null,
    unit,
    shockMultiplier: 1,
    imbalanceFactor: factor,
    emptyRepositioningUsd: emptyUsd,
    source: [...source],
    note,
  };
}

/**
 * The rates month of a query: `requested` ("YYYY-MM") or the layer's latest month. E_USAGE for a malformed month or
 * a layer without observations.
 */
export function ratesMonthOf(layer: RatesLayer, requested: string | undefined): number {
  if (requested !== undefined) {
    const m = parseMonth(requested);
    if (m === null) throw new CaravanError("E_USAGE", `--rates must be a month YYYY-MM (e.g. 2024-01), got "${requested}"`);
    return m;
  }
  if (layer.latestMonth === null) throw new CaravanError("E_USAGE", "the dataset's rate layers have no observations; use --cost-basis cost");
  return layer.latestMonth;
}
