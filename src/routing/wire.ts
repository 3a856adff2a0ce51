/**
 * The JSON shapes of route answers (`caravan route --json`, GET /api/v1/route): plain data types with no imports, so
 * the web client (web/src/api.ts) reads the same definitions the engine writes.
 */

/** terminal_dwell: the handling where the trip starts or ends in a mode other than road (routing/trip-ends.ts). */
export const EVENT_TYPES = ["border", "gauge_change", "transshipment", "port_handling", "ferry_wait", "closure_wait", "terminal_dwell", "sea_arrival"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Direction of a rate lane: westbound (Asia → Europe) or eastbound. */
export type RateDirection = "westbound" | "eastbound";

export interface LegRate {
  readonly lane: string;
  readonly laneName: string;
  readonly direction: RateDirection;
  /** rate: an observation covering the month; rate-carried: carried forward; cost-model: the month is unknown. */
  readonly basis: "rate" | "rate-carried" | "cost-model";
  /** The rate of the whole run (every leg it covers), USD per cargo unit, after any shock; null on the cost model. */
  readonly runRateUsd: number | null;
  /** The observation's period and date as published; null on the cost model. */
  readonly period: string | null;
  readonly asPublished: string | null;
  readonly unit: "FEU" | "TEU";
  /** Multiplier of a closure shock (1 = none). */
  readonly shockMultiplier: number;
  /** Factor on the cost model's moving tariff from the flow imbalance (1 = none). */
  readonly imbalanceFactor: number;
  /** Part of this leg's charge that pays the empty return of the heavy direction, USD. */
  readonly emptyRepositioningUsd: number;
  /** Provenance references (src:, estimate:) of the figures used. */
  readonly source: readonly string[];
  readonly note: string;
}

export interface RouteLeg {
  /** rail | road | sea | ferry | air */
  mode: string;
  /**
   * Id of the operation type of the leg (operations.yaml): for a link leg the chosen one of its mode, else the mode's
   * default; for a leg over a sea feeder the dataset's feeder operation (`feeder: true`); null where none applies (air
   * and ferry legs; datasets without operation types).
   */
  operation: string | null;
  /** Place id where the leg starts / ends. */
  from: string;
  to: string;
  fromName: string;
  toName: string;
  distanceKm: number;
  /** Moving time, hours (dwell and waits are events). */
  timeH: number;
  /** Moving tariff for one unit of the cargo profile, USD (fees and handling are events). */
  costUsd: number;
  co2Kg: number;
  /** Track gauges used, mm, in order (rail legs). */
  gaugesMm?: number[];
  /** On the rates basis: the rate layers that priced the leg, with their sources (routing/rates.ts). */
  rates?: LegRate[];
}

export interface RouteEvent {
  type: EventType;
  /** Place id where it happens. */
  at: string;
  atName: string;
  /** Expected (mean or median) time of the event, hours. */
  timeH: number;
  /** 90th-percentile time of the event, hours (routing/reliability.ts; = timeH where the data give no spread). */
  timeP90H: number;
  costUsd: number;
  /** Id of the crossing, terminal or ferry behind the event (null for a default transfer). */
  ref: string | null;
}

export interface SourceRef {
  ref: string;
  title: string;
  url: string | null;
  year: number | null;
}

export interface RouteSummary {
  rank: number;
  /** Door-to-door time, hours (moving + events). */
  timeH: number;
  /** Door-to-door P90 time, hours: moving time + Σ event timeP90H (every delay at its P90; routing/reliability.ts). */
  timeP90H: number;
  /** Charges for one unit of the cargo profile, USD. */
  costUsd: number;
  /** CO2e for one unit of the cargo profile, kg. */
  co2Kg: number;
  distanceKm: number;
  /** ISO3 codes in the order traversed. */
  countries: string[];
  /** Traversed countries other than the origin's and the destination's. */
  transitCountries: string[];
  legs: RouteLeg[];
  events: RouteEvent[];
  /** Share (0–1) of distanceKm that comes from estimated (great-circle × circuity) distances. */
  estimatedDistanceShare: number;
  /** Seasonal closures on the route that the query did not check (no month given). */
  notes: string[];
  /** Source documents and estimation rules behind the route's figures. */
  sources: SourceRef[];
}

/** The whole answer of a route query (planJson in routing/format.ts). */
export interface RoutePlanJson {
  from: string;
  to: string;
  fromName: string;
  toName: string;
  via: string | null;
  criterion: string;
  cargo: string;
  /** Value of time of the generalized criterion, USD per cargo unit per hour. */
  valueOfTimeUsdPerH: number;
  /** Where it comes from: the cargo profile's, the carrying cost of the goods, or a value given with the query. */
  valueOfTimeBasis: "profile" | "carrying-cost" | "given";
  /** rates: dated market rates where they cover a leg; cost: the unit-cost model. */
  costBasis: "rates" | "cost";
  /** Month of the rates used (YYYY-MM), null on the cost basis. */
  ratesMonth: string | null;
  routes: RouteSummary[];
  /** The rules of passage taken: the date, the ids in force for the shipment, the ids switched off. */
  passage: { date: string; rules: readonly string[]; off: readonly string[] };
}
