/**
 * China → Poti sea lane (data/eurasia/rates/black-sea.yaml): the COSCO agent's quotes for shipping a container from
 * China to Poti, USD 3,000 in October 2020 and USD 10,000 in January 2021 (Commersant.ge, 20 Jan 2021; read as per FEU
 * by rule rates-bs-poti-reading). The sea freight of Shanghai → Poti (mainline to a Mediterranean hub and the feeder
 * to Poti) is the quote in those months, the quote carried forward two months after, and the cost model in months
 * no quote covers (the default month among them). A figure outside its range is a finding about the layer.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import { readDatasetRates } from "../../src/routing/rates";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("China → Poti sea lane against the COSCO agent's quotes", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const layer = readDatasetRates(DATA, net);
  const route = (month: string | undefined, basis: "rates" | "cost" = "rates") =>
    planRoutes(ctx, {
      from: resolver.resolve("shanghai"),
      to: resolver.resolve("poti"),
      modes: ["sea"],
      rates: { basis, layer, ...(month ? { month } : {}) },
    });
  const seaFreight = (month: string | undefined, basis: "rates" | "cost" = "rates") => {
    const r = route(month, basis).routes[0];
    return r.legs.filter((l) => l.mode === "sea").reduce((sum, l) => sum + l.costUsd, 0);
  };
  const lanesOf = (month: string | undefined) => route(month).routes[0].legs.flatMap((l) => (l.rates ?? []).map((x) => `${x.lane}:${x.basis}`));

  it("the sea legs cost the quote in October 2020 and January 2021 (±1 %), far from the cost model's freight", () => {
    const costModel = seaFreight("2021-01", "cost");
    for (const [month, quote] of [["2020-10", 3000], ["2021-01", 10000]] as const) {
      const freight = seaFreight(month);
      expect(freight).toBeGreaterThan(quote * 0.99);
      expect(freight).toBeLessThan(quote * 1.01);
      expect(lanesOf(month).every((x) => x === "china-poti-sea:rate")).toBe(true);
    }
    expect(seaFreight("2021-01")).toBeGreaterThan(3 * costModel);
  });

  it("carries October's quote to December, and prices months no quote covers on the cost model", () => {
    expect(lanesOf("2020-12").every((x) => x === "china-poti-sea:rate-carried")).toBe(true);
    expect(seaFreight("2020-12")).toBeCloseTo(seaFreight("2020-10"), 6);
    for (const month of ["2021-04", undefined]) {
      expect(lanesOf(month).every((x) => x === "china-poti-sea:cost-model")).toBe(true);
      expect(seaFreight(month)).toBeCloseTo(seaFreight(month, "cost"), 6);
    }
  });
});
