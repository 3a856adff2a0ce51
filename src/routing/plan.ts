/**
 * planRoutes: the one entry point of the routing stage for callers (CLI, API, scenarios). Place indices in, ranked
 * route reports out; E_NO_ROUTE (naming the constraint that cut the pair off) when nothing connects them.
 */
import { CaravanError } from "../core/errors";
import type { AlternativeParams, RoutingContext } from "./context";
import { resolveRouteOptions, type RouteOptions } from "./options";
import { withPassage } from "./passage-report";
import { resolvePassage } from "./passage";
import { buildRouteReport, type RouteReport } from "./report";

export interface RouteRequest extends RouteOptions {
  /** Place indices (resolved once at the edge, e.g. with resolvePlace). */
  readonly from: number;
  readonly to: number;
  readonly via?: number | null;
  /** Number of routes wanted (1 = the best only). */
  readonly alternatives?: number;
  readonly alternativeParams?: AlternativeParams;
}

export interface RoutePlan {
  /** Place id and name of the origin / destination. */
  readonly from: { id: string; name: string };
  readonly to: { id: string; name: string };
  readonly via: { id: string; name: string } | null;
  readonly criterion: string;
  readonly cargo: string;
  readonly routes: RouteReport[];
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
  const paths = ctx.alternatives(request.from, request.to, set, k, via, request.alternativeParams);
  if (paths.length === 0) throw ctx.noRouteError(request.from, request.to, set, via, { from: place(request.from).name, to: place(request.to).name });
  return {
    from: place(request.from),
    to: place(request.to),
    via: via === null ? null : place(via),
    criterion: options.criterion,
    cargo: options.profile.id,
    routes: withPassage(ctx, base, passage, request.from, request.to, via, paths.map((arcs, i) => buildRouteReport(ctx, set, arcs, i + 1))),
    passage: { date: passage.date, rules: passage.rules.map((r) => r.id), off: passage.off },
  };
}
