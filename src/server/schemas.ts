/**
 * The JSON Schemas of the HTTP API: one request and one response schema per route. Fastify validates requests and
 * serialises responses with them, the OpenAPI 3.1 document (openapi.ts) embeds them verbatim, docs/api.md is
 * rendered from that document, and the contract tests validate every response against them (strict mode: no
 * unknown property, no missing one, no wrong type).
 *
 * Plain JSON Schema objects rather than zod: Fastify consumes JSON Schema directly (Ajv for requests,
 * fast-json-stringify for responses), and OpenAPI 3.1 uses JSON Schema as is, so there is no conversion step that
 * could drift or lose a keyword. The TypeScript types of the bodies live beside the code that builds them.
 */
import { EVENT_TYPES } from "../routing/report";
import { CRITERIA } from "../routing/options";
import { LINK_STATUSES, MODES, PLACE_KINDS } from "../network/schema";
import { PASSAGE_RULE_KINDS } from "../network/passage";
import type { ChoiceNames } from "../routing/query-choices";

type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const num: Schema = { type: "number" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const strN: Schema = { type: ["string", "null"] };
const numN: Schema = { type: ["number", "null"] };
const intN: Schema = { type: ["integer", "null"] };
const strings: Schema = { type: "array", items: str };

/** A closed object: every listed property required unless named in `optional`. */
function obj(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  return {
    type: "object",
    ...(description ? { description } : {}),
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}

const d = (description: string, schema: Schema): Schema => ({ ...schema, description });

// --- limits ------------------------------------------------------------------------------------------------------

export const LIMITS = {
  /** Largest JSON request body, bytes. */
  bodyBytes: 1_048_576,
  /** Largest uploaded CSV (gravity estimation), bytes. */
  uploadBytes: 20 * 1_048_576,
  /** Most route alternatives per request. */
  alternatives: 5,
  /** Most places in a matrix request (the matrix has at most this squared cells). */
  matrixPlaces: 50,
  /** Most places a search returns. */
  placesLimit: 100,
  /** Most jobs waiting in the queue (running ones not counted). */
  queueLength: 16,
  /** Finished jobs kept for GET /jobs/:id (oldest dropped first). */
  finishedJobsKept: 100,
  /** Total JSON size of the kept job results, bytes (oldest dropped first). */
  finishedResultBytes: 256 * 1_048_576,
  /** A job running longer is stopped (E_TIMEOUT), seconds. */
  jobSeconds: 300,
  /** A request whose body has not arrived by then is answered 408, ms. */
  requestTimeoutMs: 30_000,
  /** How often a sweep's event stream reads the store (GET /sweeps/:id/events?intervalMs=), ms. */
  sweepPollMs: { min: 100, max: 10_000, default: 1_000 },
} as const;

// --- shared pieces -----------------------------------------------------------------------------------------------

export const errorSchema = obj(
  {
    code: d("Stable error code from the catalogue (docs/errors.md).", str),
    message: str,
    didYouMean: d("Suggestions for a mistyped name or parameter.", strings),
    details: { type: "object", additionalProperties: true, description: "Structured context (file, line, field, query, ...)." },
  },
  ["didYouMean", "details"],
  "Every error: HTTP status from the error catalogue, never a stack trace.",
);

const errors = { "4xx": errorSchema, "5xx": errorSchema };

const sourceSchema = obj({ ref: str, title: str, url: strN, year: intN }, [], "A document (src:) or estimation rule (estimate:) behind a figure.");

const lineString: Schema = obj({
  type: { type: "string", enum: ["LineString"] },
  coordinates: { type: "array", items: { type: "array", items: num, minItems: 2, maxItems: 2 }, description: "[lonDeg, latDeg] pairs" },
});

// --- route -------------------------------------------------------------------------------------------------------

const legRateSchema = obj({
  lane: d("rate lane id (rates/*.yaml)", str),
  laneName: str,
  direction: { type: "string", enum: ["westbound", "eastbound"] },
  basis: d("rate: observed in the month; rate-carried: carried forward; cost-model: no rate for the month", { type: "string", enum: ["rate", "rate-carried", "cost-model"] }),
  runRateUsd: d("the lane rate of the whole run the leg belongs to, USD per cargo unit (after any shock); null on the cost model", numN),
  period: d("months the observation covers (YYYY-MM, YYYY or FROM/TO)", strN),
  asPublished: d("the observation's date as the source gives it", strN),
  unit: { type: "string", enum: ["FEU", "TEU"] },
  shockMultiplier: num,
  imbalanceFactor: d("factor on the cost model's moving tariff from the flow imbalance (1 = none)", num),
  emptyRepositioningUsd: d("part of the leg's charge that pays the empty return, USD", num),
  source: strings,
  note: str,
});

const legSchema = obj(
  {
    mode: d("rail | road | sea | ferry | air", str),
    operation: d("id of the operation type of the leg (operations.yaml): for a link leg the chosen one of its mode, else the mode's default (sea: the mainline service); for a leg over a sea feeder the dataset's feeder operation; null where none applies (air and ferry legs, datasets without operation types)", strN),
    from: d("place id", str),
    to: d("place id", str),
    fromName: str,
    toName: str,
    distanceKm: num,
    timeH: d("moving time, hours (dwell and waits are events)", num),
    costUsd: d("moving tariff for one cargo unit, USD", num),
    co2Kg: num,
    gaugesMm: d("track gauges used, mm, in order (rail legs)", { type: "array", items: int }),
    rates: d("on the rates basis: the rate layers that priced the leg (docs/data-format.md, Rates)", { type: "array", items: legRateSchema }),
  },
  ["gaugesMm", "rates"],
);

const eventSchema = obj({
  type: { type: "string", enum: [...EVENT_TYPES] },
  at: d("place id", str),
  atName: str,
  timeH: d("expected time of the event, hours", num),
  timeP90H: d("90th-percentile time of the event, hours (docs/routing.md, Reliability)", num),
  costUsd: num,
  ref: d("crossing, terminal or ferry id; null for a default transfer (a sea feeder's ferry_wait is listed even at 0 h, naming the feeder sailed)", strN),
});

const routeSchema = obj({
  rank: d("1 = best by the criterion", int),
  timeH: d("door-to-door expected time, hours", num),
  timeP90H: d("door-to-door P90 time, hours: moving time + every event at its P90 (docs/routing.md, Reliability)", num),
  costUsd: d("USD per cargo unit", num),
  co2Kg: d("kg CO2e per cargo unit", num),
  distanceKm: num,
  countries: d("ISO3 codes in order of traversal", strings),
  transitCountries: strings,
  legs: { type: "array", items: legSchema },
  events: { type: "array", items: eventSchema },
  estimatedDistanceShare: d("share (0–1) of km from great-circle × circuity estimates", num),
  notes: strings,
  sources: { type: "array", items: sourceSchema },
});

/** Exactly the object `caravan route --json` prints (routing/format.ts planJson). */
export const routePlanSchema = obj(
  {
    from: d("origin place id", str),
    to: d("destination place id", str),
    fromName: str,
    toName: str,
    via: strN,
    criterion: str,
    cargo: str,
    valueOfTimeUsdPerH: d("value of time of the generalized criterion, USD per cargo unit per hour", num),
    valueOfTimeBasis: d("where the value of time comes from: the cargo profile's, the carrying cost of the goods, or the number given", { type: "string", enum: ["profile", "carrying-cost", "given"] }),
    costBasis: d("what costUsd is: rates (the rate layers of ratesMonth) or cost (the cost model's unit costs)", { type: "string", enum: ["rates", "cost"] }),
    ratesMonth: d("YYYY-MM of the rates on the rates basis, else null", strN),
    routes: { type: "array", items: routeSchema },
    passage: obj(
      {
        date: d("the date the rules were taken on, YYYY-MM-DD (from year and month)", str),
        rules: d("ids of the rules of passage in force for the shipment (rules/*.yaml); the routes' notes name them and what they changed", strings),
        off: d("ids of rules that would apply but were switched off (rulesOff)", strings),
      },
      [],
      "The rules of passage taken for the shipment.",
    ),
  },
  [],
  "The route plan: exactly the object `caravan route --json` prints.",
);

/** Exactly the FeatureCollection `caravan route --geojson` prints: one LineString per leg. */
export const routeGeoJsonSchema = obj(
  {
    type: { type: "string", enum: ["FeatureCollection"] },
    features: {
      type: "array",
      items: obj({
        type: { type: "string", enum: ["Feature"] },
        geometry: lineString,
        properties: obj({ rank: int, leg: int, mode: str, from: str, to: str, distanceKm: num, timeH: num, costUsd: num, co2Kg: num }),
      }),
    },
  },
  [],
  "`caravan route --geojson`: one LineString feature per leg of every route.",
);

const routeOptionProps = {
  optimize: { type: "string", enum: [...CRITERIA], default: "generalized", description: "criterion to minimise" },
  cargo: { type: "string", default: "feu", maxLength: 40, description: "cargo profile: feu | teu | bulk" },
  year: { type: "integer", minimum: 1900, maximum: 2100, description: "include projects open by this year" },
  month: {
    anyOf: [{ type: "integer", minimum: 1, maximum: 12 }, { type: "string", enum: ["now"] }],
    description: "month of travel 1–12, or now (this month, UTC), as `--month`: seasonal closures and ferry weather waits apply",
  },
  co2Price: { type: "number", minimum: 0, default: 0, description: "USD per tonne CO2e (generalized criterion)" },
  valueOfTime: {
    anyOf: [{ type: "number", minimum: 0 }, { type: "string", maxLength: 40 }],
    description:
      "value of time of the generalized criterion, as `--value-of-time`: profile (the cargo profile's; default) | carrying-cost (containers: the cargo value × 28.3 % a year; bulk keeps the profile's) | USD per cargo unit per hour",
  },
  reliabilityRatio: {
    type: "number",
    minimum: 0,
    maximum: 10,
    default: 0,
    description: "generalized criterion: price each border, closure and ferry wait's buffer (P90 − expected time) at this multiple of the value of time",
  },
  costBasis: {
    type: "string",
    enum: ["rates", "cost"],
    description: "rates: market rates of the month (the cost model where they say nothing; the default where the dataset has rate layers) | cost: the cost model's unit costs",
  },
  rates: { type: "string", maxLength: 20, description: "month of the market rate layers, YYYY-MM (default: the latest month with data); only with costBasis=rates" },
} as const;

const listParam = (what: string): Schema => ({ type: "string", maxLength: 1000, description: `${what}, comma-separated` });
const listBody = (what: string): Schema => ({ type: "array", maxItems: 50, items: { type: "string", maxLength: 100 }, description: what });

const placeParam = (what: string): Schema => ({
  type: "string",
  minLength: 1,
  maxLength: 200,
  description: `${what}: place id, name, alias, UN/LOCODE or lon,lat`,
});

const formatParam = { type: "string", enum: ["json", "geojson"], default: "json", description: "json: the route plan; geojson: one LineString per leg" };
const alternativesParam = {
  type: "integer",
  minimum: 1,
  default: 1,
  description: `number of meaningfully different routes (at most ${LIMITS.alternatives}; more is E_LIMIT)`,
};

export const routeQuerySchema = {
  type: "object",
  additionalProperties: false,
  required: ["from", "to"],
  properties: {
    from: placeParam("origin"),
    to: placeParam("destination"),
    via: placeParam("pass through this place"),
    alternatives: alternativesParam,
    ...routeOptionProps,
    modes: listParam("allowed modes from rail,road,sea,ferry,air (default rail,road,sea,ferry)"),
    avoidCountries: listParam("ISO3 countries the route must not touch"),
    avoidCrossings: listParam("border crossings, links, ferries or terminals (ids) not to use"),
    close: listParam("sea chokepoints to close (suez, hormuz, ...)"),
    rulesOff: listParam("rules of passage (rule ids of rules/*.yaml) not to apply, or all"),
    tripEndDwell: { type: "boolean", default: true, description: "charge the dwell at both trip ends (default): a terminal of the end's mode, one door handling at a road end; false gives the line haul" },
    operations: listParam("operation types of operations.yaml, one per mode (e.g. road-team-driven)"),
    format: formatParam,
  },
};

export const routeBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["from", "to"],
  properties: {
    from: placeParam("origin"),
    to: placeParam("destination"),
    via: placeParam("pass through this place"),
    alternatives: alternativesParam,
    ...routeOptionProps,
    modes: listBody("allowed modes from rail, road, sea, ferry, air"),
    avoidCountries: listBody("ISO3 countries the route must not touch"),
    avoidCrossings: listBody("crossing, link, ferry or terminal ids not to use"),
    close: listBody("sea chokepoints to close"),
    rulesOff: listBody("rules of passage (rule ids of rules/*.yaml) not to apply, or all"),
    tripEndDwell: { type: "boolean", default: true, description: "charge the dwell at both trip ends (default): a terminal of the end's mode, one door handling at a road end; false gives the line haul" },
    operations: listBody("operation types of operations.yaml, one per mode"),
    format: formatParam,
  },
};

const routeResponse = {
  200: {
    description: "The route plan (format=json) or its GeoJSON (format=geojson).",
    content: {
      "application/json": { schema: routePlanSchema },
      "application/geo+json": { schema: routeGeoJsonSchema },
    },
  },
  ...errors,
};

// --- places ------------------------------------------------------------------------------------------------------

export const placeViewSchema = obj(
  {
    id: str,
    name: str,
    country: d("ISO3", str),
    kind: d("main kind", str),
    kinds: strings,
    lonDeg: num,
    latDeg: num,
    aliases: strings,
    locode: strN,
    population: intN,
  },
  [],
);

const placesQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    q: { type: "string", maxLength: 200, default: "", description: "text in an id, name, alias or UN/LOCODE; empty lists the most populous places" },
    limit: { type: "integer", minimum: 1, maximum: LIMITS.placesLimit, default: 20 },
    kind: { type: "string", enum: PLACE_KINDS.filter((k) => k !== "waypoint"), description: "only places of this kind" },
  },
};

const placesResponse = {
  200: obj(
    {
      places: { type: "array", items: placeViewSchema },
      total: d("number of matching places before the limit", int),
      didYouMean: d("place ids close to a query that matched nothing", strings),
    },
    ["didYouMean"],
  ),
  ...errors,
};

// --- matrix ------------------------------------------------------------------------------------------------------

const matrixOf = (what: string): Schema => ({
  type: "array",
  items: { type: "array", items: num },
  description: `[i][j] ${what} from places[i] to places[j]; 0 where reachable[i][j] is false`,
});

const matrixQuery = {
  type: "object",
  additionalProperties: false,
  required: ["places"],
  properties: {
    places: { type: "string", minLength: 1, maxLength: 10_000, description: `places, comma-separated (2 to ${LIMITS.matrixPlaces}; more is E_LIMIT)` },
    ...routeOptionProps,
    modes: listParam("allowed modes"),
    avoidCountries: listParam("ISO3 countries no route may touch"),
    avoidCrossings: listParam("border crossings, links, ferries or terminals (ids) not to use"),
    close: listParam("sea chokepoints to close"),
    rulesOff: listParam("rules of passage (rule ids of rules/*.yaml) not to apply, or all"),
  },
};

const matrixResponse = {
  200: obj(
    {
      places: { type: "array", items: obj({ id: str, name: str }) },
      criterion: str,
      cargo: str,
      valueOfTimeUsdPerH: d("value of time of the generalized criterion, USD per cargo unit per hour", num),
      valueOfTimeBasis: d("where the value of time comes from: the cargo profile's, the carrying cost of the goods, or the number given", { type: "string", enum: ["profile", "carrying-cost", "given"] }),
      costBasis: d("what costUsd is: rates (each cell's best path re-priced by the rate layers of ratesMonth) or cost (the cost model)", { type: "string", enum: ["rates", "cost"] }),
      ratesMonth: d("YYYY-MM of the rates on the rates basis, else null", strN),
      timeH: matrixOf("hours of the line haul (no trip-end dwell: the route's tripEndDwell=false)"),
      costUsd: matrixOf("USD per cargo unit"),
      co2Kg: matrixOf("kg CO2e per cargo unit"),
      distanceKm: matrixOf("km"),
      reachable: { type: "array", items: { type: "array", items: bool }, description: "[i][j] true when a route exists under the constraints" },
      unreachablePairs: int,
    },
    [],
    "Figures along the best route (by the criterion) of every ordered pair. An unreachable pair has reachable[i][j] = false and 0 in every figure matrix (never null).",
  ),
  ...errors,
};

// --- network -----------------------------------------------------------------------------------------------------

export const linkFeatureSchema = obj({
  type: { type: "string", enum: ["Feature"] },
  geometry: lineString,
  properties: obj({
    id: str,
    name: d("ferry service name; null for links", strN),
    mode: str,
    from: str,
    to: str,
    gaugeMm: intN,
    status: { type: "string", enum: [...LINK_STATUSES] },
    openYear: intN,
    distanceKm: num,
    distanceEstimated: bool,
    countries: strings,
    border: d("border crossing id", strN),
    chokepoint: strN,
    project: strN,
    capacityTonnesPerYear: numN,
    sources: d("provenance references (src:, estimate:)", strings),
    seasonalClosure: d("a link's seasonal closure (links/*.yaml closed: true): closed in every month the MM-DD range touches; lastYear the last year it applied (null = still applies); null for ferries", {
      anyOf: [{ type: "null" }, obj({ from: str, to: str, lastYear: intN, notes: str, sources: { type: "array", items: sourceSchema } })],
    }),
    seasonalDelay: d(
      "a seasonal delay in the months of the MM-DD range, applied by month as a crossing's season: on a link, delayH hours on average and delayP90H at the 90th percentile (links/*.yaml); on a ferry, openShare of the sailings run (weather), so the wait is 1 / openShare times the usual",
      {
        anyOf: [
          { type: "null" },
          obj({ from: str, to: str, delayH: numN, delayP90H: numN, openShare: numN, notes: str, sources: { type: "array", items: sourceSchema } }),
        ],
      },
    ),
    toll: d("a road toll (links/*.yaml tolls:): USD one truck pays per passage of the link, each way, by the tariff of year; in the link's moving cost; null for none and for ferries", {
      anyOf: [{ type: "null" }, obj({ tollUsdPerTruck: num, year: int, notes: str, sources: { type: "array", items: sourceSchema } })],
    }),
  }),
});

const layersQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    mode: { type: "string", enum: [...MODES], description: "only links of this mode (ferry = ferry services)" },
    status: { type: "string", enum: [...LINK_STATUSES], description: "only links with this status" },
    year: { type: "integer", minimum: 1900, maximum: 2100, description: "the network of this year: open links plus projects opening by then" },
  },
};

const layersResponse = {
  200: {
    description: "Links (and ferries) as GeoJSON LineStrings.",
    content: { "application/geo+json": { schema: obj({ type: { type: "string", enum: ["FeatureCollection"] }, features: { type: "array", items: linkFeatureSchema } }) } },
  },
  ...errors,
};

const crossingSchema = obj({
  id: str,
  name: str,
  countries: strings,
  places: d("the two border stations, in the order of countries", strings),
  modes: strings,
  lonDeg: d("midpoint of the two stations", num),
  latDeg: num,
  dwell: {
    type: "array",
    items: obj({
      fromCountry: str,
      medianH: d("median time to clear the crossing leaving fromCountry, hours", num),
      highH: d("high percentile (p90 or top of range), hours; null where sources give no spread", numN),
      feeUsdPerFeu: num,
      sources: { type: "array", items: sourceSchema },
    }),
  },
  openDays: d("ISO weekdays the crossing works (1 = Monday)", { type: "array", items: int }),
  seasonalClosure: { anyOf: [{ type: "null" }, obj({ from: str, to: str, lastYear: intN })] },
  seasonalDisruption: d("closed at times in these months (MM-DD range), frequency unknown: named on routes, not timed", {
    anyOf: [{ type: "null" }, obj({ from: str, to: str, what: str, sources: { type: "array", items: sourceSchema } })],
  }),
  capacityTonnesPerYear: numN,
  capacityTrainsPerDay: numN,
  capacityVehiclesPerDay: numN,
  notes: str,
  sources: { type: "array", items: sourceSchema },
});

const terminalSchema = obj({
  id: str,
  place: str,
  placeName: str,
  country: strN,
  type: str,
  lonDeg: num,
  latDeg: num,
  gauges: { type: "array", items: int },
  modes: strings,
  handlingTimeH: num,
  handlingCostUsdPerFeu: num,
  handlingCostUsdPerTonne: numN,
  capacityTeuPerYear: numN,
  capacityTonnesPerYear: numN,
  capacityTrainsPerDay: numN,
  status: str,
  openYear: intN,
  project: strN,
  notes: str,
  sources: { type: "array", items: sourceSchema },
});

const listQuery = (extra: Record<string, Schema>) => ({ type: "object", additionalProperties: false, properties: extra });

/** One rule of passage (rules/*.yaml, src/network/passage.ts) with whether it is in force on the date asked. */
const ruleSchema = obj(
  {
    id: str,
    name: str,
    kind: { type: "string", enum: [...PASSAGE_RULE_KINDS] },
    goodsFrom: strings,
    goodsTo: strings,
    bothDirections: bool,
    countries: strings,
    crossings: strings,
    ferries: strings,
    departing: strings,
    modes: strings,
    cargo: d("tariff_discount: cargo profile ids ([] = every profile)", strings),
    tariffFactor: d("tariff_discount: the share of the moving tariff charged", numN),
    from: d("in force from (inclusive); null = before any date asked", strN),
    to: d("in force until (exclusive); null = no end known", strN),
    what: str,
    notes: str,
    inForce: bool,
    sources: { type: "array", items: sourceSchema },
  },
  [],
  "A dated, sourced rule of passage.",
);

// --- jobs --------------------------------------------------------------------------------------------------------

export const JOB_KINDS = ["assignment", "scenario-run", "scenario-compare", "gravity-estimate", "appraisal"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;

/** The cost-basis and rates-month fields of the jobs that take them (as `assign` and `scenario run`). */
const COST_BASIS_INPUT = { type: "string", enum: ["cost", "rates"] } as const;
/** A month YYYY-MM; the job route words a mismatch as the CLI does ("must be a month YYYY-MM (e.g. 2024-01)"). */
export const RATES_MONTH_PATTERN = "^\\d{4}-(0[1-9]|1[0-2])$";
const RATES_MONTH_INPUT = { type: "string", maxLength: 20, pattern: RATES_MONTH_PATTERN } as const;

/** The job inputs' names of the shared cost-basis and rates-month choices (routing/query-choices.ts), for their errors. */
export const JOB_CHOICE_NAMES: ChoiceNames = { rates: "input.rates", costBasisIs: (v) => `input.costBasis "${v}"` };

/** Input of each job kind (validated when the job is submitted). */
export const JOB_INPUT_SCHEMAS: Record<JobKind, Schema> = {
  assignment: {
    type: "object",
    additionalProperties: false,
    description:
      "Corridor assignment (`caravan assign --demand`, the same options under the same names). `demand` names a CSV inside the data folders (default demand/corridors-2024.csv of the dataset); `demandCsv` gives the CSV text instead. Result: {summary (the object `caravan assign --demand --json` prints with the same options, costBasis, ratesMonth, month and choice.votSegments/votSpread among it), parameters (the options the run used, defaults filled in: algorithm, gap, maxIterations, maxSeconds, theta, year, month, costBasis, ratesMonth, votSegments, votSpread, demandScale, top, rulesOff), flows (link flows as GeoJSON)}. A bad option is 400 E_USAGE naming the field; with a run store every distinct option set is a run of its own.",
    properties: {
      demand: { type: "string", maxLength: 500, description: "path relative to the dataset folder (no '..')" },
      demandCsv: { type: "string", maxLength: LIMITS.bodyBytes, description: "demand CSV text: origin,destination,class,amount,source" },
      scenario: {
        type: "string",
        minLength: 1,
        maxLength: 500,
        description: "assign on the network state of this scenario file (its year, month, projects, modifications, closures), path relative to the dataset folder, as `--scenario`; its extends chain must lie inside the data folders; not with month",
      },
      algorithm: { type: "string", enum: ["aon", "msa", "fw", "cfw", "bfw", "b", "logit"], default: "b" },
      gap: { type: "number", exclusiveMinimum: 0, default: 1e-6 },
      maxIterations: { type: "integer", minimum: 1, maximum: 100_000 },
      maxSeconds: { type: "number", exclusiveMinimum: 0, maximum: 1e7, description: `stop solving after this many seconds (\`--max-seconds\`); the job's time limit (${LIMITS.jobSeconds} s by default) applies first` },
      theta: { type: "number", exclusiveMinimum: 0, maximum: 1e6, description: "algorithm logit: dispersion per unit of cost (`--theta`; default 10 / mean free-flow O-D cost)" },
      year: { type: "integer", minimum: 1900, maximum: 2100, description: "links, ferries and terminals open by this year (`--year`; default: today's open network)" },
      month: {
        anyOf: [{ type: "integer", minimum: 1, maximum: 12 }, { type: "string", enum: ["now"] }],
        description: "month of travel 1–12, or `now` (this month, UTC; recorded as its number): seasonal closures and ferry weather waits apply (`--month`; default none)",
      },
      costBasis: { ...COST_BASIS_INPUT, description: "the classes' money cost (`--cost-basis`): cost (the cost model's unit costs) | rates (each lane's market rate spread over its runs' arcs, rule rates-arc-spread; bulk stays on the cost model). Default cost, rates when `rates` is given" },
      rates: { ...RATES_MONTH_INPUT, description: "month of the rate layers on the rates basis, YYYY-MM (`--rates`; default: the latest month with data; implies costBasis rates)" },
      votSegments: { type: "integer", minimum: 1, maximum: 100, description: "split every demand class into N value-of-time segments, lognormal around the class's value of time (`--vot-segments`; default 1 = one value of time)" },
      votSpread: { type: "number", minimum: 0, description: "log-scale σ of the value-of-time distribution with votSegments > 1 (`--vot-spread`; default 0.489)" },
      demandScale: { type: "number", minimum: 0, maximum: 1e6, description: "multiply every demand entry (`--demand-scale`)" },
      top: { type: "integer", minimum: 1, maximum: 1000, default: 10, description: "number of bottlenecks to list (`--top`)" },
      rulesOff: {
        anyOf: [
          { type: "array", maxItems: 50, items: { type: "string", minLength: 1, maxLength: 100 } },
          { type: "string", maxLength: 1000 },
        ],
        description:
          "rules of passage (rule ids of rules/*.yaml, or all) not to apply, a list or a comma-separated string (`--rules-off`; default: the rules in force on the date of year/month, or of the scenario, apply); recorded as the sorted list of ids, so the same rules are the same run",
      },
    },
  },
  "gravity-estimate": {
    type: "object",
    additionalProperties: false,
    required: ["formula"],
    description: "PPML with high-dimensional fixed effects (`caravan gravity estimate`) on an uploaded CSV: `csv` in JSON, or POST the file as text/csv with kind and formula in the query.",
    properties: {
      formula: { type: "string", minLength: 3, maxLength: 2000 },
      csv: { type: "string", description: "the CSV text (header row first)" },
      data: { type: "string", maxLength: 500, description: "or: path of a CSV inside the data folders (no '..')" },
      vcov: { type: "string", enum: ["iid", "hetero", "cluster"] },
      cluster: { type: "array", items: { type: "string" }, maxItems: 4 },
      ssc: { type: "string", enum: ["fixest", "stata"], default: "fixest" },
      tol: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 1e-8 },
    },
  },
  "scenario-run": {
    type: "object",
    additionalProperties: false,
    required: ["scenario"],
    description:
      "A scenario file run against its baseline (`caravan scenario run --json`): all-city matrix, corridor assignment of its demand, country-pair shipment times. Result: {comparison (the CLI's JSON), parameters (the run's parameters as its manifest records them: year, month, votSegments, votSpread, costBasis, ratesMonth, …), diff (link-flow changes as GeoJSON: baseFlowT, scenarioFlowT, changeT), flows: {baseline, scenario} link-flow GeoJSON, timings}. The month of travel and the value-of-time segments come from the scenario file (month, votSegments, votSpread), as for the CLI. The scenario, its extends chain and its demand file must lie inside the data folders.",
    properties: {
      scenario: { type: "string", minLength: 1, maxLength: 500, description: "scenario YAML, path relative to the dataset folder (no '..')" },
      baseline: { type: "string", minLength: 1, maxLength: 500, description: "another scenario as the baseline (default: the scenario without its projects and modifications)" },
      pairTimes: { type: "boolean", default: true, description: "also compute the country-pair shipment times" },
      costBasis: { ...COST_BASIS_INPUT, description: "what the city pairs' costUsd is (`scenario run --cost-basis`), over the file's parameters.costBasis: rates (the rate layers, a closure's shock included) | cost (the cost model); default the file's, else cost; rates when `rates` is given" },
      rates: { ...RATES_MONTH_INPUT, description: "month of the rate layers on the rates basis, YYYY-MM (`scenario run --rates`; default the file's, else the latest month with data; implies costBasis rates)" },
    },
  },
  "scenario-compare": {
    type: "object",
    additionalProperties: false,
    required: ["base", "scenario"],
    description:
      "Two scenario files run and compared (`caravan scenario compare BASE SCENARIO --json`); base `baseline` compares the scenario with its own baseline. Result: {comparison, diff, flows: {baseline, scenario}}; diff is GeoJSON of every link arc with flow on either side (baseFlowT, scenarioFlowT, changeT in t/yr). Files as for scenario-run.",
    properties: {
      base: { type: "string", minLength: 1, maxLength: 500, description: "the base scenario file, or `baseline` (the scenario's own baseline)" },
      scenario: { type: "string", minLength: 1, maxLength: 500, description: "the scenario file compared with it" },
    },
  },
  appraisal: {
    type: "object",
    additionalProperties: false,
    description:
      "Cost–benefit analysis of yearly streams (`caravan appraise --streams`): ENPV, EIRR, B/C, payback, switching values, sensitivity. Result: the object `caravan appraise --json` prints.",
    properties: {
      streamsCsv: { type: "string", maxLength: LIMITS.bodyBytes, description: "CSV text: year,capitalCostUsd,operatingCostUsd,benefitsUsd[,...][,residualValueUsd]" },
      streams: { type: "string", maxLength: 500, description: "or: path of such a CSV inside the data folders (no '..')" },
      discountRatePct: { type: "number", exclusiveMinimum: -100, maximum: 100, default: 6, description: "real discount rate, %" },
    },
  },
};

const jobErrorSchema = obj({ code: str, message: str, didYouMean: d("suggestions for a mistyped name or value", strings) }, ["didYouMean"], "why the job failed");

export const jobViewSchema = obj(
  {
    id: str,
    kind: { type: "string", enum: [...JOB_KINDS] },
    status: { type: "string", enum: [...JOB_STATUSES] },
    progress: d("0..1", num),
    message: d("last progress message", str),
    createdAt: d("ISO 8601", str),
    startedAt: strN,
    finishedAt: strN,
    result: { type: "object", additionalProperties: true, description: "the result (status done); shape by kind, see the job kinds" },
    error: jobErrorSchema,
    runId: d("the run recorded in the run store (servers started with --store)", str),
  },
  ["result", "error", "runId"],
);

const jobsBody = {
  type: "object",
  additionalProperties: false,
  required: ["kind"],
  properties: {
    kind: { type: "string", enum: [...JOB_KINDS] },
    input: { type: "object", additionalProperties: true, default: {}, description: "kind-specific input (components.schemas.<Kind>Input)" },
  },
};

const jobsQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    kind: { type: "string", enum: [...JOB_KINDS], description: "with a text/csv body: the job kind (gravity-estimate)" },
    formula: { type: "string", maxLength: 2000, description: "with a text/csv body: the model formula" },
    vcov: { type: "string", enum: ["iid", "hetero", "cluster"] },
    cluster: { type: "string", maxLength: 200, description: "comma-separated cluster variables" },
    ssc: { type: "string", enum: ["fixest", "stata"] },
  },
};

// --- route table -------------------------------------------------------------------------------------------------

export type Access = "open" | "compute";

export interface RouteSpec {
  readonly method: "GET" | "POST";
  /** Fastify path (`:id` params). */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** "compute": needs the token when one is configured (compute and write routes). */
  readonly access: Access;
  /** The response is a function of the dataset and the URL alone: served with an ETag (304 when unchanged). */
  readonly cacheable?: boolean;
  readonly schema: {
    readonly querystring?: Schema;
    readonly params?: Schema;
    readonly body?: Schema;
    readonly response: Record<string, unknown>;
  };
}

const RUN_LISTING = obj({ id: str, kind: str, status: { type: "string", enum: ["running", "done", "failed", "interrupted"] }, startedAt: str, finishedAt: strN, inputsHash: str });

/** Sweep and sweep-job states (src/sweeps/records.ts; the sweeps test checks they agree). */
export const SWEEP_STATUSES = ["running", "done", "cancelled", "failed"] as const;
export const SWEEP_JOB_STATUSES = ["pending", "running", "done", "failed", "interrupted"] as const;

const SWEEP_VIEW_PROPERTIES: Record<string, Schema> = {
  id: str,
  name: d("the name given in the sweep file", str),
  kind: d("the job kind", str),
  status: d("running, done (every job has a result), cancelled, or failed (some jobs failed after every retry)", { type: "string", enum: [...SWEEP_STATUSES] }),
  createdAt: str,
  updatedAt: str,
  done: d("jobs with a stored result", int),
  total: d("jobs in the sweep", int),
  counts: d("jobs by status", obj(Object.fromEntries(SWEEP_JOB_STATUSES.map((s) => [s, int])))),
};
const SWEEP_VIEW = obj(SWEEP_VIEW_PROPERTIES);

const idParams = { type: "object", additionalProperties: false, required: ["id"], properties: { id: { type: "string", maxLength: 64 } } };

export const API_PREFIX = "/api/v1";

export const ROUTES: readonly RouteSpec[] = [
  {
    method: "GET",
    url: `${API_PREFIX}/health`,
    operationId: "health",
    summary: "Server status, version and dataset size",
    tag: "meta",
    access: "open",
    schema: {
      response: {
        200: obj({
          status: { type: "string", enum: ["ok"] },
          version: str,
          dataset: obj({ dir: str, places: int, links: d("links plus ferry services", int), crossings: int, terminals: int, sourceHash: str }),
          jobs: obj({ queued: int, running: int }),
        }),
        ...errors,
      },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/places`,
    operationId: "searchPlaces",
    summary: "Search places by id, name, alias or UN/LOCODE (did-you-mean on a typo)",
    description:
      "Exact matches first, then prefix, then substring matches, each by population. An empty q lists the most populous places. A query that matches nothing returns no places and didYouMean.",
    tag: "places",
    access: "open",
    cacheable: true,
    schema: { querystring: placesQuery, response: placesResponse },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/route`,
    operationId: "route",
    summary: "Best route(s) between two places",
    description: "The response is exactly the object of `caravan route --json` (or `--geojson` with format=geojson).",
    tag: "routing",
    access: "compute",
    schema: { querystring: routeQuerySchema, response: routeResponse },
  },
  {
    method: "POST",
    url: `${API_PREFIX}/route`,
    operationId: "routePost",
    summary: "Best route(s) between two places (options as JSON; lists as arrays)",
    tag: "routing",
    access: "compute",
    schema: { body: routeBodySchema, response: routeResponse },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/matrix`,
    operationId: "matrix",
    summary: `Time, cost, CO2 and distance matrix between up to ${LIMITS.matrixPlaces} places`,
    tag: "routing",
    access: "compute",
    schema: { querystring: matrixQuery, response: matrixResponse },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/network/layers`,
    operationId: "networkLayers",
    summary: "Links and ferries as GeoJSON, by mode, status and year",
    tag: "network",
    access: "open",
    cacheable: true,
    schema: { querystring: layersQuery, response: layersResponse },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/crossings`,
    operationId: "crossings",
    summary: "Border crossings with dwell (median, high), fees, opening days, capacities and sources",
    tag: "network",
    access: "open",
    cacheable: true,
    schema: {
      querystring: listQuery({ country: { type: "string", pattern: "^[A-Za-z]{3}$", description: "only crossings of this ISO3 country" } }),
      response: { 200: obj({ crossings: { type: "array", items: crossingSchema } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/rules`,
    operationId: "rules",
    summary: "Rules of passage (transit bans, closures, permits, tariff discounts) and which are in force on a date",
    description:
      "The rules of `caravan network rules --json`, with their sources resolved to titles and URLs (`sources`) in place of the references (`source`). The date is `date`, else the one route takes for `year`/`month` (1 July, or the 15th of the month), else today (UTC). Giving `date` with `year` or `month` is a 400.",
    tag: "network",
    access: "open",
    cacheable: true,
    schema: {
      querystring: listQuery({
        date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD" },
        year: { type: "integer", minimum: 1900, maximum: 2200 },
        month: { type: "integer", minimum: 1, maximum: 12 },
        kind: { type: "string", enum: [...PASSAGE_RULE_KINDS], description: "only rules of this kind" },
        inForce: { type: "boolean", description: "only the rules in force on the date" },
      }),
      response: { 200: obj({ date: str, rules: { type: "array", items: ruleSchema } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/terminals`,
    operationId: "terminals",
    summary: "Gauge-change, intermodal, port and airport terminals with handling figures, capacities and sources",
    tag: "network",
    access: "open",
    cacheable: true,
    schema: {
      querystring: listQuery({ type: { type: "string", enum: ["gauge_change", "intermodal", "port", "airport"] }, country: { type: "string", pattern: "^[A-Za-z]{3}$" } }),
      response: { 200: obj({ terminals: { type: "array", items: terminalSchema } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/scenarios`,
    operationId: "scenarios",
    summary: "Scenario files that scenario jobs can run (dataset scenarios/ folder and the extra data folders)",
    tag: "jobs",
    access: "open",
    schema: {
      response: {
        200: obj({
          scenarios: {
            type: "array",
            items: obj({
              id: d("path relative to its data folder: the value scenario jobs take", str),
              name: str,
              description: str,
              year: intN,
              problem: d("why the file does not parse as a scenario; null when it does", strN),
            }),
          },
        }),
        ...errors,
      },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/runs`,
    operationId: "runs",
    summary: "Runs recorded in the run store, newest first (server started with --store)",
    tag: "runs",
    access: "compute",
    schema: {
      querystring: listQuery({
        kind: { type: "string", maxLength: 40, description: "only runs of this kind (assignment, estimation, scenario, …)" },
        status: { type: "string", enum: ["running", "done", "failed", "interrupted"] },
        limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
      }),
      response: { 200: obj({ runs: { type: "array", items: RUN_LISTING } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/runs/:id`,
    operationId: "getRun",
    summary: "One recorded run: inputs with content hashes, dataset and code version, parameters, timings, summary, result table sizes",
    tag: "runs",
    access: "compute",
    schema: {
      params: idParams,
      response: {
        200: obj({
          run: obj({
            id: str,
            kind: str,
            status: str,
            startedAt: str,
            finishedAt: strN,
            inputsHash: str,
            inputs: d("input files {path, sha256, bytes} and other inputs", {}),
            datasetHash: strN,
            codeVersion: str,
            parameters: {},
            timings: {},
            summary: {},
            output: strN,
            error: strN,
          }),
          resultCounts: { type: "object", additionalProperties: { type: "integer" }, description: "rows per result table" },
        }),
        ...errors,
      },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/sweeps`,
    operationId: "sweeps",
    summary: "Distributed sweeps recorded in the run store, newest first: job counts by status, done/total (server started with --store)",
    tag: "sweeps",
    access: "compute",
    schema: {
      querystring: listQuery({
        status: { type: "string", enum: [...SWEEP_STATUSES], description: "only sweeps in this state" },
        limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
      }),
      response: { 200: obj({ sweeps: { type: "array", items: SWEEP_VIEW } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/sweeps/:id`,
    operationId: "getSweep",
    summary: "One sweep (id or unique id prefix): its definition, counts and every job's status, with the stored result of each done job",
    tag: "sweeps",
    access: "compute",
    schema: {
      params: idParams,
      response: {
        200: obj({
          sweep: obj({ ...SWEEP_VIEW_PROPERTIES, definition: d("the sweep definition as stored (kind, base input, grid / combinations / draws)", {}) }),
          jobs: {
            type: "array",
            items: obj({
              position: d("the job's place in the sweep, from 0", int),
              jobId: d("hash of the job's inputs", str),
              input: d("the job's full input", { type: "object", additionalProperties: true }),
              status: d("done once its result is stored; else its latest attempt's state (failed: that attempt failed, a retry may follow); pending before any attempt", {
                type: "string",
                enum: [...SWEEP_JOB_STATUSES],
              }),
              attempts: d("attempts recorded as runs", int),
              runId: d("the run holding the stored result, else the latest attempt's run; null before any attempt", strN),
              result: d("the stored result (the job's metrics) of a done job, else null", { type: ["object", "null"], additionalProperties: { type: ["number", "string", "null"] } }),
              worker: d("host:pid of the worker that stored the result; null until done", strN),
              finishedAt: strN,
              error: d("the latest failed attempt's error while the job has no result", strN),
            }),
          },
        }),
        ...errors,
      },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/sweeps/:id/events`,
    operationId: "sweepEvents",
    summary: "Server-Sent Events of a sweep's progress: progress whenever the counts change, then done",
    description: `text/event-stream. The store is polled every intervalMs (${LIMITS.sweepPollMs.min}–${LIMITS.sweepPollMs.max} ms). Events: \`progress\` (data: {done, failed, total}) first and whenever the counts change; \`done\` (data: {status, done, failed, total}) once every job has a result (status done) or the sweep was cancelled or ended failed, after which the stream ends; \`error\` (data: {code, message}) if the store cannot be read. Otherwise the stream lasts until the client disconnects (a keep-alive comment every 15 s).`,
    tag: "sweeps",
    access: "compute",
    schema: {
      params: idParams,
      querystring: listQuery({
        intervalMs: { type: "integer", minimum: LIMITS.sweepPollMs.min, maximum: LIMITS.sweepPollMs.max, default: LIMITS.sweepPollMs.default, description: "how often the store is read, ms" },
      }),
      response: { 200: { description: "event stream", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors },
    },
  },
  {
    method: "POST",
    url: `${API_PREFIX}/jobs`,
    operationId: "submitJob",
    summary: "Submit a job (assignment, scenario run/compare, gravity estimation, appraisal); 202 with its id",
    description: `JSON body {kind, input}; or, for gravity-estimate, the CSV as a text/csv body (kind and formula in the query) or as a multipart/form-data upload (file part data, the options as fields). At most ${LIMITS.queueLength} jobs wait (429 E_QUEUE_FULL beyond); jobs run one at a time in a worker thread and stop after ${LIMITS.jobSeconds} s (E_TIMEOUT).`,
    tag: "jobs",
    access: "compute",
    schema: {
      querystring: jobsQuery,
      body: {
        content: {
          "application/json": { schema: jobsBody },
          "text/csv": { schema: { type: "string", description: `CSV upload, at most ${LIMITS.uploadBytes} bytes` } },
          "multipart/form-data": {
            schema: {
              type: "object",
              description: `an upload form (gravity-estimate): fields kind, formula, vcov, ssc, cluster and the CSV as the file part data; at most ${LIMITS.uploadBytes} bytes`,
            },
          },
        },
      },
      response: { 202: obj({ jobId: str, status: { type: "string", enum: [...JOB_STATUSES] } }), ...errors },
    },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/jobs/:id`,
    operationId: "getJob",
    summary: "A job's status, progress and result or error",
    tag: "jobs",
    access: "compute",
    schema: { params: idParams, response: { 200: jobViewSchema, ...errors } },
  },
  {
    method: "GET",
    url: `${API_PREFIX}/jobs/:id/events`,
    operationId: "jobEvents",
    summary: "Server-Sent Events of a job: progress, then done or failed",
    description:
      "text/event-stream. Events: `progress` (data: {progress, message}), `done` (data: the job view with its result), `failed` (data: the job view with its error). The stream starts with the current state and ends after done or failed.",
    tag: "jobs",
    access: "compute",
    schema: {
      params: idParams,
      response: { 200: { description: "event stream", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors },
    },
  },
];
