/**
 * planRoutes: the one entry point of the routing stage for callers (CLI, API, scenarios). Place indices in, ranked
 * route reports out; E_NO_ROUTE (naming the constraint that cut the pair off) when nothing connects them.
 */
import { CaravanError } from "../core/errors";
import type { AlternativeParams, RoutingContext } from "./context";
import { resolveRouteOptions, type RouteOptions } from "./options";
import { withOperations } from "./operations";
import { withPassage } from "./passage-report";
import { resolvePassage } from "./passage";
import { buildRouteReport, type RouteReport } from "./report";
import { effectiveBasis, pricedRouteReport, type RatesRequest, ratedAlternatives } from "./rates-report";

export interface RouteRequest extends RouteOptions {
  /** Place indices (resolved once at the edge, e.g. with resolvePlace). */
  readonly from: number;
  readonly to: number;
  readonly via?: number | null;
  /** Number of routes wanted (1 = the best only). */
  readonly alternatives?: number;
  readonly alternativeParams?: AlternativeParams;
  /** Cost basis and rates month (routing/rates-report.ts); absent = the cost model. */
  readonly rates?: RatesRequest;
}

export interface RoutePlan {
  /** Place id and name of the origin / destination. */
  readonly from: { id: string; name: string };
  readonly to: { id: string; name: string };
  readonly via: { id: string; name: string } | null;
  readonly criterion: string;
  readonly cargo: string;
  /** Value of time of the generalized criterion, USD per cargo unit per hour, and where it comes from. */
  readonly valueOfTimeUsdPerH: number;
  readonly valueOfTimeBasis: "profile" | "carrying-cost" | "given";
  readonly routes: RouteReport[];
  /** What costUsd is: "rates" (the rate layers of ratesMonth, the cost model where they say nothing) or "cost" (the cost model). */
  readonly costBasis: "rates" | "cost";
  /** "YYYY-MM" of the rates on the rates basis, else null. */
  readonly ratesMonth: string | null;
  /** The rules of passage taken (routing/passage.ts): the date, the ids in force for the shipment, the ids switched off. */
  readonly passage: { readonly date: string; readonly rules: readonly string[]; readonly off: readonly string[] };
}

export function planRoutes(ctx: RoutingContext, request: RouteRequest): RoutePlan {
  const net = ctx.net;
  const base = resolveRouteOptions(net, request);
  const passage = resolvePassage(base.state, request.from, request.to);
  const options = { ...base, passage };
  const k = request.alternatives ?? 1;
  if (!(Number.isInteger(k) && k >= 1 && k <= 10)) throw new CaravanError("E_USAGE", `alternatives must be an integer 1–10, got ${k}`);
  const place = (p: number) => ({ id: net.network.places[p].id, name: net.network.places[p].name });
  const via = request.via ?? null;
  const set = ctx.weights(options);
  const basis = effectiveBasis(set, request.rates);
  const paths = ratedAlternatives(ctx, set, basis, request.from, request.to, k, via, request.alternativeParams);
  const report = (arcs: number[], i: number): RouteReport => {
    const r = basis.query ? pricedRouteReport(ctx, set, arcs, i + 1, basis.query) : buildRouteReport(ctx, set, arcs, i + 1);
    if (basis.note) r.notes.push(basis.note);
    return r;
  };
  if (paths.length === 0) throw ctx.noRouteError(request.from, request.to, set, via, { from: place(request.from).name, to: place(request.to).name });
  return {
    from: place(request.from),
    to: place(request.to),
    via: via === null ? null : place(via),
    criterion: options.criterion,
    cargo: options.profile.id,
    valueOfTimeUsdPerH: options.valueOfTimeUsdPerH,
    valueOfTimeBasis: options.valueOfTimeBasis,
    costBasis: basis.costBasis,
    ratesMonth: basis.ratesMonth,
    routes: withOperations(net, options.operations, withPassage(ctx, base, passage, request.from, request.to, via, paths.map(report)), options.profile.id),
    passage: { date: passage.date, rules: passage.rules.map((r) => r.id), off: passage.off },
  };
}
