/**
 * Rates as per-arc money costs, for the models that add arc costs (the corridor assignment's generalized cost): a
 * lane's flat run rate spread over the arcs of its runs (rule rates-arc-spread, data/eurasia/sources/rates.yaml).
 *
 * For each lane and direction, in the order the pricing applies lanes (through → segment → sea):
 *   - the lane's runs are its tariff edges (routing/rates-search.ts: from every node a run can start at one end to
 *     every node it can stop at the other, the cost model's cheapest run inside the lane);
 *   - with a rate R (× the shock of a closure the observation did not include), factor f = R / median over the runs
 *     of the cost the rate replaces (the moving tariff; for a through-tariff every charge of the run); without a rate,
 *     f = the lane's imbalance factor for the direction (heavy or light), on the moving tariff;
 *   - every arc on one of those runs and not taken by an earlier lane costs its replaced part × f plus the rest.
 * A run of median length then costs about R; a shorter or longer one R × its tariff over the median's — unlike the
 * route pricing (rates.ts), where a run's charge is R whatever its length. Arcs of no run keep the cost model.
 */
import type { RoutingContext } from "./context";
import type { ProfileColumns, ResolvedRouteOptions } from "./options";
import { isMoving, laneIndexes } from "./rates";
import { effectiveBasis, type RatesRequest } from "./rates-report";
import { cachedLaneEdges, runPricingOf } from "./rates-search";

/** The factor of one lane and direction, for reports. */
export interface ArcSpread {
  readonly lane: string;
  readonly direction: "westbound" | "eastbound";
  /** Rate after the shock, USD per unit; null when the imbalance factor applies. */
  readonly rateUsd: number | null;
  /** Median replaced cost of the lane's runs on the cost model, USD per unit. */
  readonly medianRunUsd: number;
  readonly factor: number;
  /** Arcs the factor applies to. */
  readonly arcs: number;
}

/**
 * The money cost of every arc on the rates basis (USD per unit of the options' cargo profile), or the cost model's
 * column when the request is the cost basis or cannot apply (bulk cargo, no rate layers).
 */
export function ratedArcCostUsd(ctx: RoutingContext, options: ResolvedRouteOptions, columns: ProfileColumns, request: RatesRequest | undefined): { costUsd: Float64Array; spreads: ArcSpread[] } {
  const set = ctx.weights({ ...options, criterion: "cost" });
  const query = effectiveBasis(set, request).query;
  if (query === null) return { costUsd: columns.costUsd, spreads: [] };
  const arcs = options.state.arcs;
  const costUsd = Float64Array.from(columns.costUsd);
  const taken = new Uint8Array(costUsd.length);
  const spreads: ArcSpread[] = [];
  for (const index of laneIndexes(ctx.net, query.layer)) {
    const lane = index.lane;
    for (const direction of ["westbound", "eastbound"] as const) {
      const pricing = runPricingOf(query, index, direction);
      if (pricing === null) continue;
      const rateUsd = pricing.rateUsd;
      const through = lane.kind === "through" && rateUsd !== null;
      const replaced = (a: number) => (through ? columns.costUsd[a] : isMoving(arcs.kind[a]) ? columns.costUsd[a] - columns.eventCostUsd[a] : 0);
      const edges = cachedLaneEdges(ctx, set, query, index, direction, pricing);
      if (edges.length === 0) continue;
      const runUsd = edges.map((e) => e.arcs.reduce((sum, a) => sum + replaced(a), 0)).sort((x, y) => x - y);
      const median = runUsd.length % 2 === 1 ? runUsd[(runUsd.length - 1) / 2] : (runUsd[runUsd.length / 2 - 1] + runUsd[runUsd.length / 2]) / 2;
      const factor = rateUsd !== null ? (median > 0 ? rateUsd / median : 1) : (pricing.factor as number);
      let count = 0;
      const mark = new Uint8Array(costUsd.length);
      for (const e of edges) for (const a of e.arcs) if (taken[a] === 0) mark[a] = 1;
      for (let a = 0; a < mark.length; a++) {
        if (mark[a] === 0) continue;
        taken[a] = 1;
        costUsd[a] = columns.costUsd[a] - replaced(a) + replaced(a) * factor;
        count++;
      }
      spreads.push({ lane: lane.id, direction, rateUsd, medianRunUsd: median, factor, arcs: count });
    }
  }
  return { costUsd, spreads };
}
