/**
 * Pair times with the rates basis (PairTimesOptions.rates, `gravity pair-times --cost-basis rates --rates YYYY-MM`):
 * the generalized cost that picks the mode of a city pair without observed mode shares takes each mode's route at
 * its rated charges. Shanghai → Rotterdam by sea in 2024-07 is Drewry's mid-2024 peak, USD 7,961/FEU for the sea run
 * (data/eurasia/rates), where the cost model charges about a fifth of it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { accessNode } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { readDatasetRates } from "../../src/routing/rates";
import { modeCityTimes } from "../../src/trade/pair-times/pair-times";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("pair times: mode choice on the rates basis (data/eurasia)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const layer = readDatasetRates(DATA, net);
  const nodes = Uint32Array.from(["shanghai", "rotterdam"].map((p) => accessNode(resolver.resolve(p))));

  it("the sea route Shanghai → Rotterdam weighs the 2024-07 rate (USD 7,961) in its generalized cost; times stay the cost model's routes'", () => {
    const cost = modeCityTimes(ctx, {}, "feu", nodes);
    const rated = modeCityTimes(ctx, {}, "feu", nodes, { basis: "rates", layer, month: "2024-07" });
    const sea = cost.modes.indexOf("sea");
    const cell = 0 * 2 + 1; // shanghai → rotterdam
    const delta = rated.generalizedUsd[sea][cell] - cost.generalizedUsd[sea][cell];
    console.info(`shanghai → rotterdam sea: generalized USD ${cost.generalizedUsd[sea][cell].toFixed(0)} (cost model) → ${rated.generalizedUsd[sea][cell].toFixed(0)} (rates 2024-07)`);
    // the rate replaces the cost model's sea tariff of the run: the difference is 7,961 − that tariff (> 5,000)
    expect(delta).toBeGreaterThan(5000);
    expect(delta).toBeLessThan(7961);
    expect(rated.timeH[sea][cell]).toBe(cost.timeH[sea][cell]);
    // a cost basis request changes nothing
    const same = modeCityTimes(ctx, {}, "feu", nodes, { basis: "cost", layer: null });
    expect([...same.generalizedUsd[sea]]).toEqual([...cost.generalizedUsd[sea]]);
  });
});
