/**
 * Route reports on the rates basis: paths found on the cost model's weights are re-priced by the dataset's rate
 * layers (routing/rates.ts) and reported with, per leg, the rates that priced them and their sources.
 *
 * Route choice: where the criterion involves cost (cost, generalized), the search itself runs on the rated cost
 * (routing/rates-search.ts: the cost model's arcs plus one tariff edge per lane run with a known rate), once with
 * every lane and once without each lane; those paths and RATED_POOL meaningfully different routes of the cost
 * model's weights (the alternatives method: other corridors and modes) are priced by the rate layers and ranked by
 * the criterion with their rated charges. The matrix re-prices each pair's cost-model best path only.
 */
import { ARC_FERRY, ARC_LINK, accessNode } from "../network/compiled";
import { type AlternativeParams, type ArcPath, DEFAULT_ALTERNATIVES, RoutingContext, type WeightSet } from "./context";
import { type CostBasis, formatMonth, laneIndexes, memoLaneRate, type PathPricing, type PricingQuery, pricePath, type RatesLayer, ratesMonthOf } from "./rates";
import { buildRouteReport, type RouteReport, type SourceRef } from "./report";
import { ratedPathBetween, ratedShortestPaths } from "./rates-search";

/** What a query asks of the rate layers. */
export interface RatesRequest {
  /** rates (default) or cost (the cost model's unit costs). */
  readonly basis: CostBasis;
  /** The dataset's rate layers (null: none, so the cost model). */
  readonly layer: RatesLayer | null;
  /** "YYYY-MM"; default the latest month with data. */
  readonly month?: string;
  /** The caller asked for rates (not a default): a route the rates cannot price says why (bulk cargo). */
  readonly explicit?: boolean;
}

/** The basis a query ends up on: the pricing query, or null with the reason the cost model applies. */
export interface EffectiveBasis {
  readonly costBasis: CostBasis;
  /** "YYYY-MM" on the rates basis, else null. */
  readonly ratesMonth: string | null;
  readonly query: PricingQuery | null;
  /** Why the cost model applies although rates were asked (bulk cargo, no rate layers); null otherwise. */
  readonly note: string | null;
}

/** Decide the basis of a query under a weight set's options (E_USAGE for a malformed month). */
export function effectiveBasis(set: WeightSet, request: RatesRequest | undefined): EffectiveBasis {
  if (request === undefined || request.basis === "cost") return { costBasis: "cost", ratesMonth: null, query: null, note: null };
  if (request.layer === null) return { costBasis: "cost", ratesMonth: null, query: null, note: "the dataset has no rate layers (rates/*.yaml): the cost model prices the route" };
  const month = ratesMonthOf(request.layer, request.month);
  const basis = set.options.profile.costBasis;
  if (basis === "tonne") {
    const note = request.explicit === false ? null : "rates are container rates (FEU/TEU); bulk cargo is priced by the cost model";
    return { costBasis: "cost", ratesMonth: null, query: null, note };
  }
  const query: PricingQuery = { layer: request.layer, month, unit: basis === "teu" ? "TEU" : "FEU", closedChokepoints: set.options.closeChokepoints };
  return { costBasis: "rates", ratesMonth: formatMonth(month), query, note: null };
}

/**
 * Routes drawn (at least) to rank by rated charges when the criterion involves cost. Drawing them is most of the time
 * of a route on the rates basis, one route asked or several: RoutingContext.alternatives runs about 45 searches (40
 * penalised, the corridor branches) by GuidedQuery (routing/guided.ts), against one search on the cost basis.
 */
export const RATED_POOL = 6;

/**
 * Up to k routes for a query on `basis`: the alternatives of the cost model's weights, or — on the rates basis with
 * a cost or generalized criterion — the best k by the criterion with rated charges among the paths of the search on
 * the rated cost (with every lane, and without each lane in turn) and max(k, RATED_POOL) cost-model alternatives. A
 * path of the rated search is taken only where it shares at most the alternatives' overlap limit with every route
 * taken before it (the cost-model alternatives already differ from one another). With a via place the rated search
 * is not run (the cost-model alternatives are ranked by their rated charges).
 */
export function ratedAlternatives(
  ctx: RoutingContext,
  set: WeightSet,
  basis: EffectiveBasis,
  from: number,
  to: number,
  k: number,
  via: number | null,
  params?: AlternativeParams,
): ArcPath[] {
  const criterion = set.options.criterion;
  const query = basis.query;
  if (query === null || (criterion !== "cost" && criterion !== "generalized")) return ctx.alternatives(from, to, set, k, via, params);
  const pool = ctx.alternatives(from, to, set, Math.max(k, RATED_POOL), via, params);
  const searched = via === null ? ratedSearchPaths(ctx, set, query, from, to) : [];
  const candidates = [...searched.map((path) => ({ path, searched: true })), ...pool.map((path) => ({ path, searched: false }))];
  const scored = candidates.map((c, order) => ({ ...c, order, value: ratedCriterionValue(ctx, set, c.path, query) }));
  scored.sort((x, y) => x.value - y.value || x.order - y.order);
  const overlapLimit = params?.overlapLimit ?? DEFAULT_ALTERNATIVES.overlapLimit;
  const basisColumn = params?.overlapBasis === "time" ? set.columns.timeH : ctx.net.arcs.distanceKm;
  const taken: { path: ArcPath; searched: boolean }[] = [];
  for (const c of scored) {
    if (taken.length >= k) break;
    if (taken.some((t) => sameArcs(t.path, c.path))) continue;
    if ((c.searched || taken.some((t) => t.searched)) && taken.some((t) => (t.searched || c.searched) && ctx.overlapShare(t.path, c.path, basisColumn) > overlapLimit)) continue;
    taken.push(c);
  }
  return taken.map((t) => t.path);
}

/** The distinct paths of the search on the rated cost (rates-search.ts): with every lane (also with the sea arcs its edges stand for kept), then without each lane the first path took. */
export function ratedSearchPaths(ctx: RoutingContext, set: WeightSet, query: PricingQuery, from: number, to: number): ArcPath[] {
  const first = ratedShortestPaths(ctx, set, query, from, to);
  if (first.length === 0) return [];
  const out: ArcPath[] = first.map((r) => r.arcs);
  // the sea arcs a lane's edges stand for kept in the graph: sea routes to ports no lane covers
  const open = ratedPathBetween(ctx, set, query, accessNode(from), accessNode(to), false);
  if (open && !out.some((p) => sameArcs(p, open.arcs))) out.push(open.arcs);
  for (const lane of new Set(first[0].lanes)) {
    for (const other of ratedShortestPaths(ctx, set, query, from, to, new Set([lane]))) if (!out.some((p) => sameArcs(p, other.arcs))) out.push(other.arcs);
  }
  return out;
}

function sameArcs(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The criterion value of a path with its charges on the rates basis (cost and generalized criteria). */
export function ratedCriterionValue(ctx: RoutingContext, set: WeightSet, path: ArrayLike<number>, query: PricingQuery): number {
  let rest = 0;
  for (let k = 0; k < path.length; k++) rest += set.weight[path[k]] - set.columns.costUsd[path[k]];
  return rest + pricePathOf(ctx, set, path, query, false).totalUsd;
}

/** Re-price a path on the rates basis (charges only without `detail`; see pricePath). */
export function pricePathOf(ctx: RoutingContext, set: WeightSet, path: ArrayLike<number>, query: PricingQuery, detail = true): PathPricing {
  return pricePath(ctx.net, set.options.state.arcs, set.columns.costUsd, set.columns.eventCostUsd, path, query, detail);
}

const pricedScratch = new WeakMap<RoutingContext, { costUsd: Float64Array; eventCostUsd: Float64Array }>();

/**
 * The cost columns of a weight set copied into the context's scratch, for one report's priced arcs (a report keeps
 * no column: the next report's copy overwrites them).
 */
function pricedColumns(ctx: RoutingContext, set: WeightSet): { costUsd: Float64Array; eventCostUsd: Float64Array } {
  let scratch = pricedScratch.get(ctx);
  if (!scratch || scratch.costUsd.length !== set.columns.costUsd.length) {
    scratch = { costUsd: new Float64Array(set.columns.costUsd.length), eventCostUsd: new Float64Array(set.columns.eventCostUsd.length) };
    pricedScratch.set(ctx, scratch);
  }
  scratch.costUsd.set(set.columns.costUsd);
  scratch.eventCostUsd.set(set.columns.eventCostUsd);
  return scratch;
}

/** The route report of a path on the rates basis (Σ legs + Σ events = costUsd still holds). */
export function pricedRouteReport(ctx: RoutingContext, set: WeightSet, path: ArcPath, rank: number, query: PricingQuery): RouteReport {
  const pricing = pricePathOf(ctx, set, path, query);
  const arcs = set.options.state.arcs;
  const { costUsd, eventCostUsd } = pricedColumns(ctx, set);
  path.forEach((a, i) => {
    const moving = arcs.kind[a] === ARC_LINK || arcs.kind[a] === ARC_FERRY;
    costUsd[a] = pricing.movingUsd[i] + pricing.eventUsd[i];
    if (moving) eventCostUsd[a] = pricing.eventUsd[i];
  });
  const report = buildRouteReport(ctx, { ...set, columns: { ...set.columns, costUsd, eventCostUsd } }, path, rank);
  const criterion = set.options.criterion;
  if (criterion === "cost" || criterion === "generalized") report.criterionValue += pricing.totalUsd - RoutingContext.sum(set.columns.costUsd, path);
  report.legs.forEach((leg, k) => {
    leg.rates = pricing.legRates[k] ?? [];
  });
  report.notes.push(...pricing.notes);
  const known = new Set(report.sources.map((s) => s.ref));
  for (const ref of pricing.sources) if (!known.has(ref)) report.sources.push(sourceRef(ctx, ref));
  report.sources.sort((x, y) => x.ref.localeCompare(y.ref));
  return report;
}

function sourceRef(ctx: RoutingContext, ref: string): SourceRef {
  const kind = ref.slice(0, ref.indexOf(":"));
  const id = ref.slice(ref.indexOf(":") + 1);
  if (kind === "src") {
    const s = ctx.net.network.sources[id];
    return { ref, title: s?.title ?? "(unknown source)", url: s?.url ?? null, year: s?.year ?? null };
  }
  if (kind === "estimate") return { ref, title: ctx.net.network.rules[id]?.description ?? "estimate", url: null, year: null };
  return { ref, title: ref, url: null, year: null };
}

/** The rate of one lane and direction a query applies (for run manifests and reports). */
export interface AppliedLaneRate {
  readonly lane: string;
  readonly direction: "westbound" | "eastbound";
  /** observed, carried (forward from an earlier period), or unknown (the cost model, split by the imbalance rule where the lane has one). */
  readonly status: "observed" | "carried" | "unknown";
  /** Rate in the query's unit after the shock, USD; null when unknown. */
  readonly rateUsd: number | null;
  readonly unit: "FEU" | "TEU";
  readonly period: string | null;
  readonly asPublished: string | null;
  /** The shock multiplier of a closure the observation did not include (1 = none). */
  readonly shockMultiplier: number;
  readonly source: readonly string[];
}

/** Every lane and direction of a pricing query with the rate it applies (see pricePath). */
export function appliedLaneRates(ctx: RoutingContext, query: PricingQuery): AppliedLaneRate[] {
  const out: AppliedLaneRate[] = [];
  for (const index of laneIndexes(ctx.net, query.layer)) {
    const lane = index.lane;
    for (const direction of ["westbound", "eastbound"] as const) {
      const rate = memoLaneRate(query, index, direction);
      if (rate === null) {
        out.push({ lane: lane.id, direction, status: "unknown", rateUsd: null, unit: query.unit, period: null, asPublished: null, shockMultiplier: 1, source: [...lane.carryForwardSource, ...(lane.imbalance?.source ?? [])] });
        continue;
      }
      const shocked = lane.shock?.chokepoints.some((c) => query.closedChokepoints.includes(c) && !rate.observation.closed.includes(c)) ?? false;
      const shock = shocked && lane.shock ? lane.shock.multiplier : 1;
      out.push({
        lane: lane.id,
        direction,
        status: rate.status,
        rateUsd: rate.rateUsd * shock,
        unit: query.unit,
        period: rate.observation.period,
        asPublished: rate.observation.asPublished,
        shockMultiplier: shock,
        source: [...rate.observation.source, ...(rate.status === "carried" ? lane.carryForwardSource : []), ...(shock !== 1 && lane.shock ? lane.shock.source : [])],
      });
    }
  }
  return out;
}
