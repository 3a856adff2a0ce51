/**
 * Rates fidelity: routes on the shipped data/eurasia network, priced on the rates basis (data/eurasia/rates), against
 * the published figures the rate layers come from (sources/rates.yaml, core.yaml):
 *  - Drewry WCI Shanghai→Rotterdam USD 4,406/FEU on 11 Jan 2024 and about 7,961 at the mid-2024 peak;
 *  - backhaul lanes a fraction of headhaul (no eastbound sea rate is cited: the cost model's light-direction price);
 *  - ERAI USD 3,289/FEU on the 1520 mm segment alone (Jul 2024): a door-to-door Xi'an → Duisburg costs at least that;
 *  - World Bank/EY 2023: northern rail USD 3,121 westbound, 2,599 eastbound — westbound dearer;
 *  - a Red Sea closure moves the sea rate (× the WCI jump after the 2024 diversions), not only the distance;
 *  - Drewry WCI Shanghai→Genoa (USD 5,213/FEU on 11 Jan 2024, 3,071 on 10 Apr 2025, …) on the Far East –
 *    Mediterranean lane; no Genoa→Shanghai quote exists, so the backhaul is the cost model's light direction.
 * A figure outside its range is a finding about the rate layers or their rules; these tests are not loosened.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RoutePlan, type RouteRequest } from "../../src/routing/plan";
import { resolveRouteOptions } from "../../src/routing/options";
import { readDatasetRates } from "../../src/routing/rates";
import { effectiveBasis, pricePathOf } from "../../src/routing/rates-report";
import type { RouteReport } from "../../src/routing/report";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("rates basis against published rates (data/eurasia/rates)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const layer = readDatasetRates(DATA, net);
  const plan = (from: string, to: string, month: string | undefined, extra: Partial<RouteRequest> = {}): RoutePlan =>
    planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), rates: { basis: "rates", layer, ...(month ? { month } : {}) }, ...extra });
  const cost = (from: string, to: string, month: string | undefined, extra: Partial<RouteRequest> = {}) => {
    const p = plan(from, to, month, extra);
    const r = p.routes[0];
    console.info(`${from} → ${to} ${extra.modes?.join(",") ?? ""} ${p.ratesMonth ?? p.costBasis}${extra.closeChokepoints ? ` closed ${extra.closeChokepoints}` : ""}: USD ${r.costUsd.toFixed(0)}/FEU`);
    return r.costUsd;
  };
  /** The sea freight of a route: its sea legs (port handling at the ends is an event, charged apart). */
  const seaUsd = (from: string, to: string, month: string | undefined, extra: Partial<RouteRequest> = {}) => {
    const r = plan(from, to, month, { ...sea, ...extra }).routes[0];
    return r.legs.filter((l) => l.mode === "sea").reduce((sum, l) => sum + l.costUsd, 0);
  };
  const sea = { modes: ["sea"] };
  /** Charges at the trip ends (port or terminal handling and dwell where the route starts and ends), USD. */
  const tripEndsUsd = (r: RouteReport) => {
    const ends = new Set([r.legs[0].from, r.legs[r.legs.length - 1].to]);
    return r.events.filter((e) => ends.has(e.at) && e.type !== "border" && e.type !== "gauge_change").reduce((sum, e) => sum + e.costUsd, 0);
  };
  const rail = { modes: ["rail"] };

  it("Shanghai → Rotterdam by sea in 2024-01 is Drewry's USD 4,406/FEU (±5 %) port to port, the cost model's 1,501 on the cost basis", () => {
    const p = plan("shanghai", "rotterdam", "2024-01", sea);
    expect(p.costBasis).toBe("rates");
    expect(p.ratesMonth).toBe("2024-01");
    const r = p.routes[0];
    const freight = seaUsd("shanghai", "rotterdam", "2024-01");
    expect(freight).toBeGreaterThan(4406 * 0.95);
    expect(freight).toBeLessThan(4406 * 1.05);
    // door to door adds only the handling at the two ports, priced as before
    expect(r.costUsd).toBeCloseTo(freight + tripEndsUsd(r), 6);
    const rate = r.legs.find((l) => l.mode === "sea")?.rates?.[0];
    expect(rate).toMatchObject({ lane: "far-east-north-europe-sea", direction: "westbound", basis: "rate", asPublished: "11 Jan 2024" });
    expect(rate?.source).toContain("src:rates-drewry-wci-jan-2024");
    expect(r.sources.find((s) => s.ref === "src:rates-drewry-wci-jan-2024")?.url).toMatch(/^https:\/\//);
    const costBasis = planRoutes(ctx, { from: resolver.resolve("shanghai"), to: resolver.resolve("rotterdam"), modes: ["sea"], rates: { basis: "cost", layer } });
    expect(costBasis.costBasis).toBe("cost");
    expect(costBasis.routes[0].legs[0].costUsd).toBeLessThan(2000);
  });

  it("the mid-2024 peak month prices Shanghai → Rotterdam near USD 7,961/FEU (±5 %) port to port", () => {
    const usd = seaUsd("shanghai", "rotterdam", "2024-07");
    expect(usd).toBeGreaterThan(7961 * 0.95);
    expect(usd).toBeLessThan(7961 * 1.05);
  });

  it("Shanghai → Rotterdam in June 2023 is the WCI of 1 and 15 June (USD 1,349–1,543), not the vaguer mid-2023 range, which July keeps", () => {
    const june = plan("shanghai", "rotterdam", "2023-06", sea).routes[0].legs.find((l) => l.mode === "sea")?.rates?.[0];
    expect(june).toMatchObject({ direction: "westbound", basis: "rate", runRateUsd: 1446 });
    expect(june?.source).toContain("src:rates-drewry-wci-1-jun-2023");
    const july = plan("shanghai", "rotterdam", "2023-07", sea).routes[0].legs.find((l) => l.mode === "sea")?.rates?.[0];
    expect(july).toMatchObject({ direction: "westbound", basis: "rate", runRateUsd: 1555 });
    expect(july?.source).toContain("src:rates-drewry-wci-mid-2023");
  });

  it("Rotterdam → Shanghai (backhaul) is a fraction of the headhaul: Drewry's own Rotterdam–Shanghai figure where a report gives it, else the cost model's light direction", () => {
    for (const month of ["2024-01", "2024-07", "2023-03", "2025-04"]) {
      const back = plan("rotterdam", "shanghai", month, sea).routes[0];
      expect(back.costUsd).toBeLessThan(cost("shanghai", "rotterdam", month, sea));
      expect(seaUsd("rotterdam", "shanghai", month)).toBeLessThan(seaUsd("shanghai", "rotterdam", month));
    }
    // WCI Rotterdam → Shanghai: USD 975 (18 Jan 2024), USD 475 (10 Apr 2025), USD 570–579 (1 and 15 Jun 2023: the midpoint)
    for (const [month, usd, source] of [
      ["2024-01", 975, "src:rates-drewry-wci-18-jan-2024"],
      ["2025-04", 475, "src:rates-drewry-wci-apr-2025"],
      ["2023-06", 574.5, "src:rates-drewry-wci-15-jun-2023"],
    ] as const) {
      const rate = plan("rotterdam", "shanghai", month, sea).routes[0].legs.find((l) => l.mode === "sea")?.rates?.[0];
      expect(rate).toMatchObject({ direction: "eastbound", basis: "rate", runRateUsd: usd });
      expect(rate?.source).toContain(source);
    }
    // months without an eastbound report (2023-03; 2024-07 beyond the carry-forward of January) keep the cost model's light direction
    for (const month of ["2024-07", "2023-03"]) {
      const rate = plan("rotterdam", "shanghai", month, sea).routes[0].legs.find((l) => l.mode === "sea")?.rates?.[0];
      expect(rate).toMatchObject({ direction: "eastbound", basis: "cost-model" });
      expect(rate?.imbalanceFactor).toBeLessThan(1);
    }
    expect(seaUsd("rotterdam", "shanghai", "2024-01") / seaUsd("shanghai", "rotterdam", "2024-01")).toBeLessThan(0.5);
  });

  it("Xi'an → Duisburg by rail in the default month is on the 2025 through-tariff (ERAI and forwarders, March 2025: USD 5,250–6,100), above ERAI's 1520 mm segment", () => {
    const p = plan("xian", "duisburg", undefined, rail);
    const rate = p.routes[0].legs.find((l) => l.mode === "rail")?.rates?.[0];
    expect(rate).toMatchObject({ lane: "china-europe-northern-through", direction: "westbound", basis: "rate-carried", period: "2025-03", runRateUsd: 5675 });
    expect(rate?.source).toContain("src:rates-erai-h1-2025");
    expect(p.routes[0].costUsd).toBeGreaterThan(3250);
    // the 1520 mm segment alone (Dostyk → Brest) is ERAI's first-half 2025 average
    const segment = plan("dostyk", "brest", undefined, rail).routes[0].legs.find((l) => l.mode === "rail")?.rates?.[0];
    expect(segment).toMatchObject({ lane: "erai-1520-segment", direction: "westbound", basis: "rate", runRateUsd: 3250 });
    expect(segment?.source).toContain("src:rates-erai-h1-2025");
  });

  it("Xi'an → Duisburg by rail in 2024-07 costs at least ERAI's USD 3,289/FEU for the 1520 mm segment alone", () => {
    const r = plan("xian", "duisburg", "2024-07", rail).routes[0];
    expect(r.costUsd).toBeGreaterThanOrEqual(3289);
    const rates = r.legs.flatMap((l) => l.rates ?? []);
    const erai = rates.find((x) => x.lane === "erai-1520-segment");
    expect(erai).toMatchObject({ direction: "westbound", basis: "rate", runRateUsd: 3289 });
    expect(erai?.source).toContain("src:core-erai-2024");
    // the Chinese and European standard-gauge parts keep the cost model, the heavy direction paying the empty return
    const rest = rates.find((x) => x.lane === "china-europe-northern-through");
    expect(rest).toMatchObject({ basis: "cost-model" });
    expect(rest?.emptyRepositioningUsd).toBeGreaterThan(0);
  });

  it("westbound rail is dearer than eastbound, as World Bank/EY 2023 (3,121 vs 2,599) and ERAI U-West/U-East say", () => {
    // the through-tariff covers the haul between the terminals; handling at the two terminals is charged apart
    const west2023 = plan("xian", "duisburg", "2023-06", rail).routes[0];
    const east2023 = plan("duisburg", "xian", "2023-06", rail).routes[0];
    expect(west2023.costUsd - tripEndsUsd(west2023)).toBeCloseTo(3121, 0);
    expect(east2023.costUsd - tripEndsUsd(east2023)).toBeCloseTo(2599, 0);
    expect(west2023.costUsd).toBeGreaterThan(east2023.costUsd);
    for (const month of ["2017-06", "2024-07", undefined]) expect(cost("xian", "duisburg", month, rail)).toBeGreaterThan(cost("duisburg", "xian", month, rail));
  });

  it("a Red Sea closure moves the sea rate by the WCI jump after the 2024 diversions, unless the month's rate already includes it", () => {
    const open = seaUsd("shanghai", "rotterdam", "2023-03");
    const closed = seaUsd("shanghai", "rotterdam", "2023-03", { closeChokepoints: ["bab-el-mandeb"] });
    expect(closed / open).toBeCloseTo(2.98, 2);
    // January 2024 was observed with the ships already going round the Cape
    expect(seaUsd("shanghai", "rotterdam", "2024-01", { closeChokepoints: ["suez"] })).toBeCloseTo(seaUsd("shanghai", "rotterdam", "2024-01"), 6);
  });

  it("--optimize cost on the rates basis ranks the corridor alternatives by their rated charges (Xi'an → Rotterdam at the 2024 sea peak)", () => {
    const request = { from: resolver.resolve("xian"), to: resolver.resolve("rotterdam"), criterion: "cost" as const };
    const costModelBest = planRoutes(ctx, { ...request, rates: { basis: "cost", layer } }).routes[0];
    const rated = plan("xian", "rotterdam", "2024-07", { criterion: "cost" }).routes[0];
    const set = ctx.weights(resolveRouteOptions(net, { criterion: "cost" }));
    const query = effectiveBasis(set, { basis: "rates", layer, month: "2024-07" }).query;
    if (query === null) throw new Error("expected the rates basis");
    const costModelBestRated = pricePathOf(ctx, set, costModelBest.arcs, query).totalUsd;
    console.info(`xian → rotterdam 2024-07, cheapest: cost-model choice rated USD ${costModelBestRated.toFixed(0)}, rated choice USD ${rated.costUsd.toFixed(0)}`);
    expect(rated.costUsd).toBeLessThanOrEqual(costModelBestRated);
    expect(rated.criterionValue).toBeCloseTo(rated.costUsd, 6);
  });

  it("a month beyond every observation and its carry-forward is unknown: the cost model prices it and the route says so", () => {
    const p = plan("shanghai", "rotterdam", "2030-01", sea);
    const r = p.routes[0];
    expect(r.legs[0].rates?.[0]).toMatchObject({ basis: "cost-model" });
    expect(r.notes.join("\n")).toMatch(/no rate observed for 2030-01/);
  });

  it("without --rates the latest month with data applies (June 2025: the end of ERAI's first-half 2025 average)", () => {
    const p = plan("shanghai", "rotterdam", undefined, sea);
    expect(p.ratesMonth).toBe("2025-06");
    // the WCI of 10 Apr 2025 carried forward two months
    expect(p.routes[0].legs[0].rates?.[0]).toMatchObject({ basis: "rate-carried", period: "2025-04", runRateUsd: 2392 });
  });

  it("bulk cargo stays on the cost model (container rates), and says so", () => {
    const p = plan("kostanay", "novorossiysk", "2024-01", { cargo: "bulk" });
    expect(p.costBasis).toBe("cost");
    expect(p.routes[0].notes.join("\n")).toMatch(/bulk cargo is priced by the cost model/);
  });

  it("Σ legs + Σ events = costUsd on the rates basis, and the legs the rates describe are the report's legs", () => {
    for (const [from, to, modes] of [
      ["xian", "duisburg", rail],
      ["duisburg", "xian", rail],
      ["shanghai", "rotterdam", sea],
      ["xian", "rotterdam", {}],
    ] as const) {
      for (const month of ["2023-06", "2024-07"]) {
        const r = plan(from, to, month, modes).routes[0];
        const sum = r.legs.reduce((s, l) => s + l.costUsd, 0) + r.events.reduce((s, e) => s + e.costUsd, 0);
        expect(sum).toBeCloseTo(r.costUsd, 6);
        for (const leg of r.legs) for (const x of leg.rates ?? []) expect(x.lane.length).toBeGreaterThan(0);
        // the matrix's charges-only pricing (shared scratch, here dirtied by a longer path first) gives the same total
        const set = ctx.weights(resolveRouteOptions(net, { ...modes }));
        const query = effectiveBasis(set, { basis: "rates", layer, month }).query;
        if (query === null) throw new Error("expected the rates basis");
        const full = pricePathOf(ctx, set, r.arcs, query).totalUsd;
        pricePathOf(ctx, set, [...r.arcs, ...r.arcs].reverse(), query, false);
        expect(pricePathOf(ctx, set, r.arcs, query, false).totalUsd).toBeCloseTo(full, 9);
        expect(full).toBeCloseTo(r.costUsd, 6);
      }
    }
  });

  it("Shanghai → Genoa by sea in 2024-01 is Drewry's Shanghai–Genoa USD 5,213/FEU from the Far East – Mediterranean lane, with its source and month", () => {
    const p = plan("shanghai", "genoa", "2024-01", sea);
    expect(p.ratesMonth).toBe("2024-01");
    const r = p.routes[0];
    const freight = seaUsd("shanghai", "genoa", "2024-01");
    expect(freight).toBeCloseTo(5213, 6);
    expect(r.costUsd).toBeCloseTo(freight + tripEndsUsd(r), 6);
    const rate = r.legs.find((l) => l.mode === "sea")?.rates?.[0];
    expect(rate).toMatchObject({ lane: "far-east-mediterranean-sea", direction: "westbound", basis: "rate", period: "2024-01", asPublished: "11 Jan 2024", runRateUsd: 5213 });
    expect(rate?.source).toContain("src:rates-drewry-wci-genoa-jan-2024");
    expect(r.sources.find((s) => s.ref === "src:rates-drewry-wci-genoa-jan-2024")?.url).toMatch(/^https:\/\//);
    // the lane's western end is a port range (rule rates-med-range): Valencia pays the Genoa quote, Piraeus does not
    expect(plan("shanghai", "valencia", "2024-01", sea).routes[0].legs.flatMap((l) => l.rates ?? []).map((x) => x.lane)).toContain("far-east-mediterranean-sea");
    expect(plan("shanghai", "piraeus", "2024-01", sea).routes[0].legs.flatMap((l) => l.rates ?? []).map((x) => x.lane)).not.toContain("far-east-mediterranean-sea");
  });

  it("Shanghai → Genoa reproduces each month's WCI figure, carries it forward 2 months, then keeps the cost model (heavy direction) and says so; no --rates takes 2025-04", () => {
    for (const [month, usd] of [
      ["2019-06", 1537],
      ["2021-07", 12626],
      ["2023-03", 2285],
      ["2024-06", 6664],
      ["2025-02", 3333],
      ["2025-04", 3071],
    ] as const) {
      expect(seaUsd("shanghai", "genoa", month)).toBeCloseTo(usd, 6);
    }
    const carried = plan("shanghai", "genoa", "2024-08", sea).routes[0].legs[0].rates?.[0];
    expect(carried).toMatchObject({ lane: "far-east-mediterranean-sea", basis: "rate-carried", period: "2024-06", runRateUsd: 6664 });
    const unknown = plan("shanghai", "genoa", "2024-11", sea).routes[0];
    expect(unknown.legs[0].rates?.[0]).toMatchObject({ lane: "far-east-mediterranean-sea", basis: "cost-model", imbalanceFactor: 1 });
    expect(unknown.notes.join("\n")).toMatch(/Far East – Mediterranean sea lane .*, westbound: no rate observed for 2024-11/);
    const costBasis = planRoutes(ctx, { from: resolver.resolve("shanghai"), to: resolver.resolve("genoa"), modes: ["sea"], rates: { basis: "cost", layer } }).routes[0];
    expect(unknown.costUsd).toBeCloseTo(costBasis.costUsd, 6);
    const latest = plan("shanghai", "genoa", undefined, sea);
    expect(latest.ratesMonth).toBe("2025-06");
    expect(latest.routes[0].legs[0].rates?.[0]).toMatchObject({ lane: "far-east-mediterranean-sea", basis: "rate-carried", asPublished: "10 Apr 2025", runRateUsd: 3071 });
  });

  it("Genoa → Shanghai has no WCI quote: the backhaul is the cost model's light direction, a fraction of the headhaul", () => {
    for (const month of ["2024-01", "2025-04"]) {
      const rate = plan("genoa", "shanghai", month, sea).routes[0].legs.find((l) => l.mode === "sea")?.rates?.[0];
      expect(rate).toMatchObject({ lane: "far-east-mediterranean-sea", direction: "eastbound", basis: "cost-model" });
      expect(rate?.imbalanceFactor).toBeLessThan(1);
      expect(seaUsd("genoa", "shanghai", month)).toBeLessThan(seaUsd("shanghai", "genoa", month) / 2);
    }
  });

  it("a Red Sea closure moves the Genoa rate by its own WCI jump (5,213 / 2,285), unless the month's rate already includes it", () => {
    const open = seaUsd("shanghai", "genoa", "2023-03");
    expect(seaUsd("shanghai", "genoa", "2023-03", { closeChokepoints: ["suez"] }) / open).toBeCloseTo(2.28, 2);
    expect(seaUsd("shanghai", "genoa", "2024-06", { closeChokepoints: ["bab-el-mandeb"] })).toBeCloseTo(6664, 6);
  });
});
