/**
 * Route options → one weight column per option set. The weight of an arc is its contribution to the optimisation
 * criterion for one unit of the chosen cargo profile; +Infinity disables it (constraint violated). Columns are built
 * once per option key and cached on the RoutingContext (routing/context.ts); queries allocate nothing per iteration.
 */
import { CaravanError } from "../core/errors";
import { profileValueOfTime, VALUE_OF_TIME_BASES, type ValueOfTimeBasis } from "./value-of-time";
import { suggest } from "../core/suggest";
import {
  ARC_FERRY,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  type CompiledArcs,
  type CompiledNetwork,
  isArcAvailableInYear,
  isArcClosedInMonth,
  LAYER_SEA,
  MODE_CODES,
  MODE_NONE,
  NO_COUNTRY,
  NO_INDEX,
} from "../network/compiled";
import type { CargoProfile, Mode } from "../network/schema";
import { resolveOperations } from "./operations";
import { feederClassBlocked } from "./feeders";
import type { PassageBlock } from "./passage";
import type { TripEnds } from "./trip-ends";
import { arcEventBufferH, seasonalExtraWaitH } from "./reliability";
import { canonicalRecordId, isArcOpenInState, type NetworkState, resolveChokepoint, deriveNetworkState, resolveNetworkState, type StateOptions } from "../network/state";

export { canonicalRecordId, resolveChokepoint };

export const CRITERIA = ["time", "cost", "co2", "generalized"] as const;
export type Criterion = (typeof CRITERIA)[number];

/** Modes used when the caller names none: every surface mode (a full container or bulk load does not fly). */
export const DEFAULT_MODES: readonly Mode[] = ["rail", "road", "sea", "ferry"];

/**
 * What the user asks for (names as typed; validated by resolveRouteOptions): a query (criterion, cargo, modes,
 * prices) of a network state. The state is `state` (e.g. a scenario's) with the open/closed fields below applied on
 * top (closures add, year and month replace), or, without `state`, the compiled network with those fields.
 */
export interface RouteOptions extends StateOptions {
  /** The network state to ask (default: the compiled network under the fields below). */
  readonly state?: NetworkState;
  /** What to minimise; default "time". */
  readonly criterion?: Criterion;
  /** Cargo profile id from cargo.yaml (feu, teu, bulk, ...); default "feu". */
  readonly cargo?: string;
  /** Modes allowed; default DEFAULT_MODES. */
  readonly modes?: readonly string[];
  /** Price of CO2 for the generalized criterion, USD per tonne CO2e; default 0. */
  readonly co2PriceUsdPerT?: number;
  /** Override of the profile's value of time for the generalized criterion, USD per unit per hour. */
  readonly valueOfTimeUsdPerH?: number;
  /**
   * Basis of the value of time when no valueOfTimeUsdPerH is given (routing/value-of-time.ts): the cargo profile's
   * (default) or the carrying cost of the goods (containers; bulk keeps its profile's).
   */
  readonly valueOfTimeBasis?: ValueOfTimeBasis;
  /**
   * Charge trip-end dwell (routing/trip-ends.ts): true or "both" at both ends, "origin" or "destination" at that end
   * only (a calibration observation whose time starts or ends where the train passes); default false.
   */
  readonly tripEndDwell?: boolean | TripEnds;
  /** Operation type ids (operations.yaml), at most one per mode; default: each mode's default (routing/operations.ts). */
  readonly operations?: readonly string[];
  /**
   * Reliability ratio ρ of the generalized criterion: each arc's weight gets ρ × its event buffer (P90 − expected
   * time of its border dwell, closure wait or ferry wait, routing/reliability.ts) × value of time; default 0.
   */
  readonly reliabilityRatio?: number;
}

/** Validated options: names turned into indices exactly once. */
export interface ResolvedRouteOptions {
  /** The network state the query asks (the fields year … closeChokepoints below mirror it). */
  readonly state: NetworkState;
  readonly criterion: Criterion;
  readonly profile: CargoProfile;
  /** Allowed modes, sorted. */
  readonly modes: readonly Mode[];
  /** ISO3 codes, sorted. */
  readonly avoidCountries: readonly string[];
  /** Canonical ids of avoided records (`crossing:<id>`, `link:<id>`, `ferry:<id>`, `terminal:<id>`), sorted. */
  readonly avoidIds: readonly string[];
  /** Chokepoint ids, sorted. */
  readonly closeChokepoints: readonly string[];
  readonly year: number | null;
  readonly month: number | null;
  readonly co2PriceUsdPerT: number;
  readonly valueOfTimeUsdPerH: number;
  /** Where valueOfTimeUsdPerH comes from: the profile's, the carrying cost, or a value given. */
  readonly valueOfTimeBasis: ValueOfTimeBasis | "given";
  /** Rules of passage of one shipment (routing/passage.ts, set by planRoutes); absent = none applied. */
  readonly passage?: PassageBlock | null;
  /** Trip ends whose dwell is charged (routing/trip-ends.ts); false = none. */
  readonly tripEndDwell: false | TripEnds;
  /** Chosen non-default operation ids, sorted (routing/operations.ts). */
  readonly operations: readonly string[];
  /** Reliability ratio ρ of the generalized criterion (0 = the buffer is not priced). */
  readonly reliabilityRatio: number;
}

/** Per-arc figures of one cargo unit, derived once per profile. */
export interface ProfileColumns {
  /** [arc] time, hours (travelTimeH + eventTimeH). */
  readonly timeH: Float64Array;
  /** [arc] charge for one unit of the profile, USD. */
  readonly costUsd: Float64Array;
  /** [arc] the fixed part of costUsd (border fee, handling), USD; the rest is the moving tariff. */
  readonly eventCostUsd: Float64Array;
  /** [arc] CO2e emitted for one unit of the profile, kg. */
  readonly co2Kg: Float64Array;
}

function ensureFiniteNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new CaravanError("E_USAGE", `${name} must be a finite number ≥ 0, got ${value}`);
  }
}

/** Validate options against the network; throws CaravanError with did-you-mean suggestions. */
export function resolveRouteOptions(net: CompiledNetwork, options: RouteOptions = {}): ResolvedRouteOptions {
  const criterion = options.criterion ?? "time";
  if (!(CRITERIA as readonly string[]).includes(criterion)) {
    throw new CaravanError("E_USAGE", `unknown criterion "${criterion}"; use one of ${CRITERIA.join(", ")}`, { didYouMean: suggest(criterion, CRITERIA) });
  }
  const cargoId = (options.cargo ?? "feu").toLowerCase();
  const profile = net.network.cargo.find((c) => c.id === cargoId);
  if (!profile) {
    const ids = net.network.cargo.map((c) => c.id);
    throw new CaravanError("E_CARGO_UNKNOWN", `unknown cargo profile "${options.cargo}"; the network defines ${ids.join(", ") || "none"}`, { didYouMean: suggest(cargoId, ids) });
  }
  const modes = [...new Set((options.modes ?? DEFAULT_MODES).map((m) => m.trim().toLowerCase()))].sort() as Mode[];
  for (const m of modes) {
    if (!(MODE_CODES as readonly string[]).includes(m)) {
      throw new CaravanError("E_MODE_UNKNOWN", `unknown mode "${m}"; use rail, road, sea, ferry, air`, { didYouMean: suggest(m, MODE_CODES) });
    }
  }
  if (modes.length === 0) throw new CaravanError("E_USAGE", "no mode allowed: name at least one of rail, road, sea, ferry, air");
  const state = stateOfOptions(net, options);
  ensureFiniteNonNegative("co2 price", options.co2PriceUsdPerT);
  ensureFiniteNonNegative("value of time", options.valueOfTimeUsdPerH);
  if (options.valueOfTimeBasis !== undefined && !VALUE_OF_TIME_BASES.includes(options.valueOfTimeBasis)) {
    throw new CaravanError("E_USAGE", `unknown value-of-time basis "${options.valueOfTimeBasis}"; use ${VALUE_OF_TIME_BASES.join(" or ")}`, { didYouMean: suggest(options.valueOfTimeBasis, VALUE_OF_TIME_BASES) });
  }
  ensureFiniteNonNegative("reliability ratio", options.reliabilityRatio);
  const vot = profileValueOfTime(profile, options.valueOfTimeBasis ?? "profile");
  return {
    state,
    criterion,
    profile,
    modes,
    avoidCountries: state.avoidCountries,
    avoidIds: state.avoidIds,
    closeChokepoints: state.closeChokepoints,
    year: state.year,
    month: state.month,
    co2PriceUsdPerT: options.co2PriceUsdPerT ?? 0,
    valueOfTimeUsdPerH: options.valueOfTimeUsdPerH ?? vot.usdPerH,
    valueOfTimeBasis: options.valueOfTimeUsdPerH !== undefined ? "given" : vot.basis,
    tripEndDwell: options.tripEndDwell === true ? "both" : (options.tripEndDwell ?? false),
    operations: resolveOperations(net, options.operations),
    reliabilityRatio: options.reliabilityRatio ?? 0,
  };
}

/** The state of route options: `options.state` with the open/closed fields applied, or the compiled network's. */
function stateOfOptions(net: CompiledNetwork, options: RouteOptions): NetworkState {
  const fields: StateOptions = {
    ...(options.year !== undefined ? { year: options.year } : {}),
    ...(options.month !== undefined ? { month: options.month } : {}),
    ...(options.closeChokepoints !== undefined ? { closeChokepoints: options.closeChokepoints } : {}),
    ...(options.avoidCountries !== undefined ? { avoidCountries: options.avoidCountries } : {}),
    ...(options.avoidIds !== undefined ? { avoidIds: options.avoidIds } : {}),
    ...(options.rulesOff !== undefined ? { rulesOff: options.rulesOff } : {}),
  };
  if (options.state === undefined) return resolveNetworkState(net, fields);
  if (options.state.net !== net) throw new RangeError("resolveRouteOptions: the network state belongs to another network");
  return Object.keys(fields).length === 0 ? options.state : deriveNetworkState(options.state, fields);
}

/** A stable key of the options that shape the weight column (cache key). */
export function optionKey(o: ResolvedRouteOptions): string {
  return JSON.stringify([o.criterion, o.profile.id, o.modes, o.state.key, o.co2PriceUsdPerT, o.valueOfTimeUsdPerH, o.passage?.key ?? "", o.tripEndDwell, o.operations, o.reliabilityRatio]);
}

/** Tariff per tonne-km of the arc's mode (to split a bulk charge into its moving and fixed parts). */
/**
 * Tonnes of bulk that bear one per-FEU fixed charge: the same rule as the compiler (modes.yaml
 * fixedChargeTonnesPerFeu, else the FEU profile's mass), so a link's fixed part is its border fee spread per tonne.
 */
function bulkTonnesPerFeu(net: CompiledNetwork): number {
  const feu = net.network.cargo.find((c) => c.costBasis === "feu");
  return net.network.modes.fixedChargeTonnesPerFeu?.value ?? feu?.massT.value ?? Number.NaN;
}

/**
 * Per-arc time, cost, fixed cost and CO2 for one unit of a cargo profile (time in `month` when given: a ferry's
 * seasonal delay stretches its wait, routing/reliability.ts):
 *   costBasis feu → costUsdPerFeu; teu → costUsdPerTeu; tonne → costUsdPerTonne × massT.
 *   co2Kg = co2GPerTonne × massT / 1000.
 * The fixed part of a cost (eventCostUsd) is the compiled eventCostUsdPerFeu scaled like the whole charge for TEU;
 * for bulk it is the link's per-FEU fee spread over the tonnes that bear one FEU charge (link arcs), nothing (ferry
 * arcs, whose tariff is all freight) or the whole charge (transfer arcs).
 */
export function profileColumns(net: CompiledNetwork, profile: CargoProfile, arcs: CompiledArcs = net.arcs, month: number | null = null): ProfileColumns {
  const { graph } = net;
  const n = graph.arcCount;
  const timeH = new Float64Array(n);
  const costUsd = new Float64Array(n);
  const eventCostUsd = new Float64Array(n);
  const co2Kg = new Float64Array(n);
  const massT = profile.massT.value;
  const tonnesPerFeu = bulkTonnesPerFeu(net);
  for (let a = 0; a < n; a++) {
    timeH[a] = arcs.travelTimeH[a] + arcs.eventTimeH[a] + seasonalExtraWaitH(net, arcs, a, month);
    co2Kg[a] = (arcs.co2GPerTonne[a] * massT) / 1000;
    const feu = arcs.costUsdPerFeu[a];
    const eventFeu = arcs.eventCostUsdPerFeu[a];
    if (profile.costBasis === "feu") {
      costUsd[a] = feu;
      eventCostUsd[a] = eventFeu;
    } else if (profile.costBasis === "teu") {
      costUsd[a] = arcs.costUsdPerTeu[a];
      eventCostUsd[a] = feu > 0 ? (arcs.costUsdPerTeu[a] * eventFeu) / feu : 0;
    } else {
      const perTonne = arcs.costUsdPerTonne[a];
      costUsd[a] = perTonne * massT;
      const kind = arcs.kind[a];
      let eventPerTonne = 0;
      if (kind === ARC_LINK) eventPerTonne = eventFeu === 0 ? 0 : Math.min(perTonne, eventFeu / tonnesPerFeu);
      else if (kind !== ARC_FERRY) eventPerTonne = perTonne;
      eventCostUsd[a] = eventPerTonne * massT;
    }
  }
  return { timeH, costUsd, eventCostUsd, co2Kg };
}

/** Why an arc is unusable under the options (bit flags), 0 = usable. Used by the E_NO_ROUTE diagnosis. */
export const BLOCK_MODE = 1;
export const BLOCK_COUNTRY = 2;
export const BLOCK_AVOIDED_ID = 4;
export const BLOCK_CHOKEPOINT = 8;
export const BLOCK_YEAR = 16;
export const BLOCK_SEASON = 32;
export const BLOCK_SCENARIO = 64;
export const BLOCK_RULE = 128;

/**
 * Constraint flags per arc ([arc] bit set of BLOCK_*). An arc blocked by anything is disabled; the separate bits
 * let the no-route diagnosis re-run without one constraint at a time.
 */
export function blockedArcs(net: CompiledNetwork, o: ResolvedRouteOptions): Uint8Array {
  const { arcs, graph } = net;
  const state = o.state;
  const patch = state.patch;
  const n = graph.arcCount;
  const blocked = new Uint8Array(n);
  const allowedMode = new Uint8Array(256);
  allowedMode[MODE_NONE] = 1;
  for (const m of o.modes) allowedMode[MODE_CODES.indexOf(m)] = 1;
  const avoidCountry = new Uint8Array(0x10000);
  for (const c of o.avoidCountries) {
    const i = net.countries.indexOf(c);
    if (i >= 0) avoidCountry[i] = 1;
  }
  const closedChokepoint = new Set(o.closeChokepoints.map((id) => net.network.chokepoints.findIndex((c) => c.id === id)));
  const avoided = new Set(o.avoidIds);
  const crossingIds = net.network.crossings.map((c) => `crossing:${c.id}`);
  // the services a cargo class does not use count as modes it may not take (routing/feeders.ts)
  const classBlocked = feederClassBlocked(net, o.profile);
  const recordKey = (a: number): string | null => {
    const r = arcs.record[a];
    if (r === NO_INDEX) return null;
    const kind = arcs.kind[a];
    if (kind === ARC_LINK) return `link:${net.network.links[r].id}`;
    if (kind === ARC_FERRY) return `ferry:${net.network.ferries[r].id}`;
    return `terminal:${net.network.terminals[r].id}`;
  };
  for (let a = 0; a < n; a++) {
    let b = 0;
    if (allowedMode[arcs.mode[a]] === 0 || (classBlocked !== null && classBlocked[a] === 1)) b |= BLOCK_MODE;
    const fc = arcs.fromCountry[a];
    const tc = arcs.toCountry[a];
    if ((fc !== NO_COUNTRY && avoidCountry[fc] === 1) || (tc !== NO_COUNTRY && avoidCountry[tc] === 1)) b |= BLOCK_COUNTRY;
    if (avoided.size > 0) {
      const key = recordKey(a);
      if ((key !== null && avoided.has(key)) || (arcs.crossing[a] !== NO_INDEX && avoided.has(crossingIds[arcs.crossing[a]]))) b |= BLOCK_AVOIDED_ID;
    }
    if (arcs.chokepoint[a] !== NO_INDEX && closedChokepoint.has(arcs.chokepoint[a])) b |= BLOCK_CHOKEPOINT;
    if (patch !== null && patch.closed[a] === 1) b |= BLOCK_SCENARIO;
    else if (!isArcOpenInState(state, a, isArcAvailableInYear(net, a, o.year))) b |= BLOCK_YEAR;
    if (o.month !== null && isArcClosedInMonth(net, a, o.month, o.year)) b |= BLOCK_SEASON;
    if (o.passage?.blocked && o.passage.blocked[a] === 1) b |= BLOCK_RULE;
    blocked[a] = b;
  }
  return blocked;
}

/** The weight column of the criterion ([arc]); arcs with any bit of `blocked & mask` set get +Infinity. */
export function criterionWeights(columns: ProfileColumns, o: ResolvedRouteOptions, blocked: Uint8Array, mask = 0xff): Float64Array {
  const n = blocked.length;
  const weight = new Float64Array(n);
  const vot = o.valueOfTimeUsdPerH;
  const co2Usd = o.co2PriceUsdPerT / 1000; // USD per kg
  // ρ × event buffer, hours per arc (generalized criterion only; none when ρ = 0)
  const rhoBuffer = o.criterion === "generalized" && o.reliabilityRatio > 0 ? arcEventBufferH(o.state.net, o.state.arcs, o.state.month, o.profile.id) : null;
  const rho = o.reliabilityRatio;
  for (let a = 0; a < n; a++) {
    if ((blocked[a] & mask) !== 0) {
      weight[a] = Number.POSITIVE_INFINITY;
      continue;
    }
    switch (o.criterion) {
      case "time":
        weight[a] = columns.timeH[a];
        break;
      case "cost":
        weight[a] = columns.costUsd[a];
        break;
      case "co2":
        weight[a] = columns.co2Kg[a];
        break;
      case "generalized":
        weight[a] = columns.costUsd[a] + vot * (rhoBuffer === null ? columns.timeH[a] : columns.timeH[a] + rho * rhoBuffer[a]) + co2Usd * columns.co2Kg[a];
        break;
    }
  }
  return weight;
}

/** true when the transfer arc is a port handling (one end in the sea layer). */
export function isPortHandling(net: CompiledNetwork, arc: number): boolean {
  if (net.arcs.kind[arc] !== ARC_TRANSSHIPMENT) return false;
  const { tail, head } = net.graph;
  return net.nodeLayer[tail[arc]] === LAYER_SEA || net.nodeLayer[head[arc]] === LAYER_SEA;
}
