/**
 * Route search on the rated cost (src/routing/rates-search.ts): a lane's rate enters the search as tariff edges, so
 * the cheapest route on the rates basis is found by the search, not only by re-ranking the cost model's routes.
 * Hand-checkable on the testbot fixture (a sea lane Portia → Harbor written in the test); on the shipped Eurasia data
 * a case where the search and the re-ranking of the cost model's alternatives disagree.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { resolveRouteOptions } from "../../src/routing/options";
import { planRoutes } from "../../src/routing/plan";
import { parseRatesText, ratesLayerOf, readDatasetRates } from "../../src/routing/rates";
import { effectiveBasis, pricePathOf, RATED_POOL, ratedCriterionValue } from "../../src/routing/rates-report";
import { ratedArcCostUsd } from "../../src/routing/rates-arc-cost";
import { cachedLaneEdges, ratedShortestPaths, runPricingOf } from "../../src/routing/rates-search";
import { laneIndexes } from "../../src/routing/rates";
import { TESTBOT } from "./helpers";

const SEA_LANE = (rateUsd: number) => `lanes:
  - id: testbot-sea
    name: Portia – Harbor sea lane
    kind: sea
    modes: [sea]
    east: { places: [portia] }
    west: { places: [harbor] }
    carryForwardMonths: 0
    carryForwardSource: [src:testbot-manual]
    observations:
      - { direction: westbound, period: "2024-01", asPublished: "Jan 2024", rateUsd: ${rateUsd}, unit: FEU, source: [src:testbot-manual] }
`;

describe("rated search on the testbot fixture (sea lane Portia → Harbor written in the test)", () => {
  const net = openNetwork(TESTBOT, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const [portia, harbor, isla] = ["portia", "harbor", "isla"].map((p) => resolver.resolve(p));
  const set = ctx.weights(resolveRouteOptions(net, { criterion: "cost" }));
  const queryOf = (rateUsd: number) => {
    const layer = ratesLayerOf(parseRatesText(SEA_LANE(rateUsd), "rates/testbot.yaml"));
    const q = effectiveBasis(set, { basis: "rates", layer, month: "2024-01" }).query;
    if (q === null) throw new Error("expected the rates basis");
    return q;
  };

  it("prices the 2,000 km sea run (cost model 0.2 USD/FEU-km = USD 400) at the lane's rate inside the search", () => {
    const [found] = ratedShortestPaths(ctx, set, queryOf(100), portia, harbor);
    const costModel = RoutingContext.sum(set.columns.costUsd, found.arcs);
    const seaMovingUsd = found.arcs.reduce((s, a) => s + (net.arcs.mode[a] === 2 && net.arcs.kind[a] === 0 ? set.columns.costUsd[a] - set.columns.eventCostUsd[a] : 0), 0);
    expect(seaMovingUsd).toBeCloseTo(400, 6);
    expect(found.lanes).toEqual(["testbot-sea"]);
    expect(found.runsMatch).toBe(true);
    // rated = cost model − the 400 of sea tariff + the rate of 100
    expect(found.searchValue).toBeCloseTo(costModel - 400 + 100, 6);
    expect(pricePathOf(ctx, set, found.arcs, queryOf(100)).totalUsd).toBeCloseTo(found.searchValue, 6);
  });

  it("a dear sea rate turns the search to the rail route; a cheap one keeps the sea; each value is the rated price", () => {
    for (const rate of [10, 100000]) {
      const q = queryOf(rate);
      const [found] = ratedShortestPaths(ctx, set, q, portia, isla);
      const usesSea = found.arcs.some((a) => net.arcs.mode[a] === 2 && net.arcs.kind[a] === 0);
      expect(usesSea).toBe(rate === 10);
      expect(pricePathOf(ctx, set, found.arcs, q).totalUsd).toBeCloseTo(found.searchValue, 6);
    }
  });

  it("overlapping lanes: a through run no rate covers, with a 1520 mm segment rated inside it, is valued by the search as the pricing charges it", () => {
    // through portia (CHN) → harbor by rail, no observation: the imbalance prices it (heavy westbound: × (1 + 0.5)(2 − 0.5) / 2
    // = 1.125); the 1520 mm segment west-gate → harbor (gamma, 800 km of USD 1/FEU-km) at USD 10 inside it
    const layer = ratesLayerOf(
      parseRatesText(
        `lanes:
  - id: testbot-through
    name: Portia – Harbor rail through lane
    kind: through
    modes: [rail]
    east: { countries: [CHN] }
    west: { places: [harbor] }
    carryForwardMonths: 0
    carryForwardSource: [src:testbot-manual]
    imbalance: { heavy: westbound, lightPerHeavy: 0.5, costModel: average, source: [src:testbot-manual] }
  - id: testbot-1520
    name: West Gate – Harbor 1520 mm segment
    kind: segment
    modes: [rail]
    gaugeMm: 1520
    east: { places: [west-gate] }
    west: { places: [harbor] }
    carryForwardMonths: 0
    carryForwardSource: [src:testbot-manual]
    observations:
      - { direction: westbound, period: "2024-01", asPublished: "Jan 2024", rateUsd: 10, unit: FEU, source: [src:testbot-manual] }
`,
        "rates/testbot-overlap.yaml",
      ),
    );
    const rail = ctx.weights(resolveRouteOptions(net, { criterion: "cost", modes: ["rail"] }));
    const q = effectiveBasis(rail, { basis: "rates", layer, month: "2024-01" }).query;
    if (q === null) throw new Error("expected the rates basis");
    const found = ratedShortestPaths(ctx, rail, q, portia, harbor);
    const viaThrough = found.find((f) => f.lanes.includes("testbot-through"));
    if (!viaThrough) throw new Error("expected a path over the through lane's edge");
    const pricing = pricePathOf(ctx, rail, viaThrough.arcs, q);
    const rates = pricing.legRates.flat();
    expect(rates.find((r) => r.lane === "testbot-1520")).toMatchObject({ basis: "rate", runRateUsd: 10 });
    expect(rates.find((r) => r.lane === "testbot-through")).toMatchObject({ basis: "cost-model", imbalanceFactor: 1.125 });
    // the 510 km of standard gauge × 1.125 + the segment's 10 + the border fee and the gauge change: 983.75, what the
    // search believed (the first search walked the arcs into the segment's edge and valued the route at 920)
    expect(pricing.totalUsd).toBeCloseTo(510 * 1.125 + 10 + 100 + 300, 6);
    expect(viaThrough.runsMatch).toBe(true);
    expect(viaThrough.searchValue).toBeCloseTo(pricing.totalUsd, 6);
  });

  it("spreads the rate over the run's arcs for the assignment: 100 / 400 of tariff = × 0.25 on each 1,000 km sea arc (USD 200 → 50)", () => {
    const q = queryOf(100);
    const options = resolveRouteOptions(net, { criterion: "time" });
    const columns = ctx.profile(options);
    const { costUsd, spreads } = ratedArcCostUsd(ctx, options, columns, { basis: "rates", layer: q.layer, month: "2024-01" });
    expect(spreads).toEqual([{ lane: "testbot-sea", direction: "westbound", rateUsd: 100, medianRunUsd: 400, factor: 0.25, arcs: 2 }]);
    const changed = [...costUsd.keys()].filter((a) => costUsd[a] !== columns.costUsd[a]);
    expect(changed.length).toBe(2);
    for (const a of changed) {
      expect(net.arcs.mode[a]).toBe(2); // sea
      expect(columns.costUsd[a] - columns.eventCostUsd[a]).toBeCloseTo(200, 6);
      expect(costUsd[a]).toBeCloseTo(columns.eventCostUsd[a] + 50, 6);
    }
    // the cost basis leaves the column as it is
    expect(ratedArcCostUsd(ctx, options, columns, { basis: "cost", layer: null }).costUsd).toBe(columns.costUsd);
  });
});

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("rated search on the Eurasia data (data/eurasia/rates)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const layer = readDatasetRates(DATA, net);
  const set = ctx.weights(resolveRouteOptions(net, { criterion: "cost" }));

  it("Berlin → Shanghai, cheapest in 2024-07: the search finds the backhaul from Rotterdam that no cost-model alternative takes", () => {
    const from = resolver.resolve("berlin");
    const to = resolver.resolve("shanghai");
    const q = effectiveBasis(set, { basis: "rates", layer, month: "2024-07" }).query;
    if (q === null) throw new Error("expected the rates basis");
    const reranked = Math.min(...ctx.alternatives(from, to, set, RATED_POOL, null).map((p) => pricePathOf(ctx, set, p, q).totalUsd));
    const plan = planRoutes(ctx, { from, to, criterion: "cost", rates: { basis: "rates", layer, month: "2024-07" } });
    const route = plan.routes[0];
    console.info(`berlin → shanghai 2024-07 cheapest: re-ranked cost-model alternatives USD ${reranked.toFixed(0)}, rated search USD ${route.costUsd.toFixed(0)}`);
    expect(route.costUsd).toBeLessThan(reranked - 100);
    expect(route.costUsd).toBeCloseTo(pricePathOf(ctx, set, route.arcs, q).totalUsd, 6);
    const sea = route.legs.filter((l) => l.mode === "sea");
    expect(sea.map((l) => l.from)).toEqual(["rotterdam"]);
    expect(sea[0].rates?.[0]).toMatchObject({ lane: "far-east-north-europe-sea", direction: "eastbound", basis: "cost-model" });
  });

  it("Xi'an → Duisburg over land in 2023-06: the Middle Corridor through-tariff (World Bank/EY 2023, USD 2,500–3,250) beats the northern one (USD 3,121)", () => {
    const from = resolver.resolve("xian");
    const to = resolver.resolve("duisburg");
    const modes = ["rail", "ferry", "road"];
    const route = planRoutes(ctx, { from, to, criterion: "cost", modes, rates: { basis: "rates", layer, month: "2023-06" } }).routes[0];
    console.info(`xian → duisburg over land 2023-06 cheapest: USD ${route.costUsd.toFixed(0)} via ${route.legs.map((l) => l.to).join(", ")}`);
    expect(route.costUsd).toBeCloseTo((2500 + 3250) / 2, 6);
    expect(route.countries).toEqual(expect.arrayContaining(["KAZ", "AZE", "GEO"]));
    expect(route.countries).not.toContain("RUS");
    expect(route.legs.flatMap((l) => (l.rates ?? []).map((r) => r.lane))).toContain("china-europe-middle-corridor-through");
  });

  it("generalized criterion: the rated choice's criterion value is never above the re-ranked alternatives' (2024-07)", () => {
    const gset = ctx.weights(resolveRouteOptions(net, { criterion: "generalized" }));
    const q = effectiveBasis(gset, { basis: "rates", layer, month: "2024-07" }).query;
    if (q === null) throw new Error("expected the rates basis");
    for (const [a, b] of [
      ["berlin", "shanghai"],
      ["xian", "duisburg"],
      ["busan", "warsaw"],
    ]) {
      const from = resolver.resolve(a);
      const to = resolver.resolve(b);
      const reranked = Math.min(...ctx.alternatives(from, to, gset, RATED_POOL, null).map((p) => ratedCriterionValue(ctx, gset, p, q)));
      const route = planRoutes(ctx, { from, to, criterion: "generalized", rates: { basis: "rates", layer, month: "2024-07" } }).routes[0];
      expect(route.criterionValue).toBeLessThanOrEqual(reranked + 1e-6);
      expect(route.criterionValue).toBeCloseTo(ratedCriterionValue(ctx, gset, route.arcs, q), 6);
    }
  });

  it("the rated choice is never dearer than the re-ranked cost-model alternatives (Drewry WCI months and the 2024 peak)", () => {
    const pairs = [
      ["shanghai", "rotterdam"],
      ["xian", "duisburg"],
      ["chongqing", "hamburg"],
      ["lodz", "shanghai"],
      ["busan", "warsaw"],
    ];
    for (const month of ["2024-01", "2024-07", "2025-04"]) {
      const q = effectiveBasis(set, { basis: "rates", layer, month }).query;
      if (q === null) throw new Error("expected the rates basis");
      for (const [a, b] of pairs) {
        const from = resolver.resolve(a);
        const to = resolver.resolve(b);
        const reranked = Math.min(...ctx.alternatives(from, to, set, RATED_POOL, null).map((p) => pricePathOf(ctx, set, p, q).totalUsd));
        const route = planRoutes(ctx, { from, to, criterion: "cost", rates: { basis: "rates", layer, month } }).routes[0];
        expect(route.costUsd).toBeLessThanOrEqual(reranked + 1e-6);
      }
    }
  });

  it("overlapping lanes: a northern through-tariff edge without a rate (2024-07) weighs what its arcs are priced, the ERAI rate of the 1520 mm stretch inside included", () => {
    const q = effectiveBasis(set, { basis: "rates", layer, month: "2024-07" }).query;
    if (q === null) throw new Error("expected the rates basis");
    const through = laneIndexes(net, q.layer).find((ix) => ix.lane.id === "china-europe-northern-through");
    if (!through) throw new Error("expected the northern through lane");
    const pricing = runPricingOf(q, through, "westbound");
    expect(pricing).toMatchObject({ rateUsd: null }); // no through-tariff for 2024-07: the imbalance prices it
    const edges = cachedLaneEdges(ctx, set, q, through, "westbound", pricing as NonNullable<typeof pricing>);
    const withSegment = edges.filter((e) => pricePathOf(ctx, set, e.arcs, q).legRates.flat().some((r) => r.lane === "erai-1520-segment"));
    console.info(`northern through edges 2024-07: ${edges.length}, ${withSegment.length} with an ERAI-rated 1520 mm stretch inside`);
    expect(withSegment.length).toBeGreaterThan(0);
    for (const e of edges) expect(e.weight).toBeCloseTo(ratedCriterionValue(ctx, set, e.arcs, q), 6);
  });
});
