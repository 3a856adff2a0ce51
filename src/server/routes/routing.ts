/**
 * GET/POST /api/v1/route and GET /api/v1/matrix: the routing stage behind the API. The route body is built by the
 * same library functions as `caravan route --json` / `--geojson` (planRoutes, planJson, planGeoJson); the cost basis,
 * rates month, rules of passage, trip-end dwell and operation choices resolve through routing/query-choices.ts as the
 * CLI's do, and the matrix prices its cells with routing/rated-matrix.ts as `caravan matrix` does.
 */
import { valueOfTimeChoiceOf } from "../../routing/value-of-time";
import { CaravanError } from "../../core/errors";
import { accessNode } from "../../network/compiled";
import { planGeoJson, planJson } from "../../routing/format";
import { type Criterion, type RouteOptions, resolveRouteOptions } from "../../routing/options";
import { planRoutes } from "../../routing/plan";
import { figuresMatrix } from "../../routing/rated-matrix";
import { matrixPassage } from "../../routing/passage-groups";
import { effectiveBasis } from "../../routing/rates-report";
import { type ChoiceNames, listOf, passageChoicesOf, type RouteChoices, ratesRequestOf } from "../../routing/query-choices";
import { LIMITS } from "../schemas";
import type { ServerState } from "../state";

/** Route options as they arrive: comma-separated strings (GET) or arrays (POST). */
export interface RouteInput {
  from: string;
  to: string;
  via?: string;
  alternatives?: number;
  optimize?: string;
  cargo?: string;
  modes?: string | string[];
  avoidCountries?: string | string[];
  avoidCrossings?: string | string[];
  close?: string | string[];
  year?: number;
  /** 1–12, or "now" (this month, UTC, as the CLI's `--month now`). */
  month?: number | "now";
  co2Price?: number;
  /** profile | carrying-cost | USD per cargo unit per hour (routing/value-of-time.ts). */
  valueOfTime?: string | number;
  /** Multiple of the value of time at which the generalized criterion prices the dwell buffer (P90 − expected). */
  reliabilityRatio?: number;
  /** Rates month "YYYY-MM" (default: the latest with data); only with costBasis rates. */
  rates?: string;
  costBasis?: string;
  /** Rule-of-passage ids not to apply, or "all". */
  rulesOff?: string | string[];
  tripEndDwell?: boolean;
  operations?: string | string[];
  format?: "json" | "geojson";
}

/** The API's names of the shared route choices (routing/query-choices.ts), for its error messages. */
export const API_CHOICE_NAMES: ChoiceNames = { rates: "rates", costBasisIs: (v) => `costBasis=${v}` };

/** The rates request of a request's rates and costBasis (E_USAGE for an unknown basis or a malformed month). */
function ratesOf(state: ServerState, input: Pick<RouteChoices, "rates" | "costBasis">) {
  return ratesRequestOf(state.dataDir, state.net, input, API_CHOICE_NAMES);
}

const list = listOf;

/** The routing options of a request, in the form resolveRouteOptions takes. */
export function routeOptionsOf(input: Omit<RouteInput, "from" | "to">): RouteOptions {
  return {
    criterion: (input.optimize ?? "generalized") as Criterion,
    cargo: input.cargo ?? "feu",
    modes: list(input.modes),
    avoidCountries: list(input.avoidCountries),
    avoidIds: list(input.avoidCrossings),
    closeChokepoints: list(input.close),
    year: input.year ?? null,
    month: input.month === "now" ? new Date().getUTCMonth() + 1 : (input.month ?? null),
    co2PriceUsdPerT: input.co2Price ?? 0,
    reliabilityRatio: input.reliabilityRatio ?? 0,
    ...valueOfTimeChoiceOf(input.valueOfTime, "valueOfTime"),
  };
}

/** The response body of the route endpoints and its content type. */
export function routeResponse(state: ServerState, input: RouteInput): { type: string; body: unknown } {
  const alternatives = input.alternatives ?? 1;
  if (alternatives > LIMITS.alternatives) {
    throw new CaravanError("E_LIMIT", `alternatives is capped at ${LIMITS.alternatives} per request, got ${alternatives}`, { details: { limit: LIMITS.alternatives } });
  }
  const { resolver, ctx } = state;
  const plan = planRoutes(ctx, {
    from: resolver.resolve(input.from),
    to: resolver.resolve(input.to),
    via: input.via === undefined ? null : resolver.resolve(input.via),
    alternatives,
    ...routeOptionsOf(input),
    rates: ratesOf(state, input),
    ...passageChoicesOf(input),
  });
  return input.format === "geojson" ? { type: "application/geo+json", body: planGeoJson(plan) } : { type: "application/json", body: planJson(plan) };
}

export interface MatrixInput extends Omit<RouteInput, "from" | "to" | "via" | "alternatives" | "format" | "tripEndDwell" | "operations"> {
  places: string;
}

export interface MatrixBody {
  places: { id: string; name: string }[];
  criterion: string;
  cargo: string;
  /** Value of time of the generalized criterion, USD per cargo unit per hour, and where it comes from. */
  valueOfTimeUsdPerH: number;
  valueOfTimeBasis: "profile" | "carrying-cost" | "given";
  /** What costUsd is: rates (the rate layers of ratesMonth, the cost model where they say nothing) or cost. */
  costBasis: "rates" | "cost";
  ratesMonth: string | null;
  timeH: number[][];
  costUsd: number[][];
  co2Kg: number[][];
  distanceKm: number[][];
  reachable: boolean[][];
  unreachablePairs: number;
}

/** Figures along the best route of every ordered pair (one Dijkstra per origin, stopping when all are settled). */
export function matrixResponse(state: ServerState, input: MatrixInput): MatrixBody {
  const names = list(input.places) ?? [];
  if (names.length > LIMITS.matrixPlaces) {
    throw new CaravanError("E_LIMIT", `a matrix takes at most ${LIMITS.matrixPlaces} places, got ${names.length}`, { details: { limit: LIMITS.matrixPlaces } });
  }
  if (names.length < 2) throw new CaravanError("E_USAGE", `a matrix needs at least 2 places, got ${names.length}`);
  const { net, ctx, resolver } = state;
  const chosen = names.map((p) => resolver.resolve(p));
  const rulesOff = input.rulesOff === undefined ? undefined : list(input.rulesOff);
  const options = resolveRouteOptions(net, { ...routeOptionsOf(input), ...(rulesOff !== undefined ? { rulesOff } : {}) });
  // the rules of passage of the state's date, per pair of countries, as in caravan matrix (routing/passage-groups.ts)
  const passage = matrixPassage(ctx, options, chosen, chosen);
  const set = passage.sets[0];
  const nodes = chosen.map(accessNode);
  const query = state.matrixQuery;
  query.setWeight(set.weight);
  const basis = effectiveBasis(set, ratesOf(state, input));
  const m = figuresMatrix(ctx, set, query, nodes, basis, passage);
  const n = chosen.length;
  const figure = (s: number) =>
    Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        const v = m.sums[s][i * n + j];
        return Number.isFinite(v) ? v : 0;
      }),
    );
  const reachable = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Number.isFinite(m.sums[0][i * n + j])));
  const places = net.network.places;
  return {
    places: chosen.map((p) => ({ id: places[p].id, name: places[p].name })),
    criterion: options.criterion,
    cargo: options.profile.id,
    valueOfTimeUsdPerH: options.valueOfTimeUsdPerH,
    valueOfTimeBasis: options.valueOfTimeBasis,
    costBasis: basis.costBasis,
    ratesMonth: basis.ratesMonth,
    timeH: figure(0),
    costUsd: figure(1),
    co2Kg: figure(2),
    distanceKm: figure(3),
    reachable,
    unreachablePairs: reachable.flat().filter((r) => !r).length,
  };
}
