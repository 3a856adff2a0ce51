/**
 * Kazakh bulk to Poti: the Caspian ferry against rail through Russia and Novorossiysk (docs/calibration.md, "The
 * Caspian volume: where the TITR tonnes go", sub-section of 2026-12-06). Novorossiysk's bulk handling is the port's own
 * grain-handling tariff, RUB 600 per tonne after the July 2012 cut (src:tr-reuters-novorossiysk-grain-tariff-2012), at
 * RUB 92.1 per USD (February 2024, src:tr-agriniser-rub-usd-2024; rule tr-novorossiysk-grain-handling), no longer the
 * Chinese port tariff proxy of USD 1.5 per tonne that every port without a figure takes. With the proxy, Astana → Poti
 * and Kostanay → Poti went by rail to Novorossiysk and sea (USD 0.1 and 0.7 per tonne cheaper in generalized cost).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";

const DATA = resolve(__dirname, "../../data/eurasia");
const RUB_PER_TONNE_2012 = 600;
const RUB_PER_USD_2024 = 92.1;

describe.skipIf(!existsSync(DATA))("Kazakh bulk to Poti: Novorossiysk's grain tariff against the Caspian ferry", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const best = (from: string, to: string, avoidCountries: string[] = []) =>
    planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), cargo: "bulk", criterion: "generalized", tripEndDwell: false, avoidCountries }).routes[0];

  it("a tonne loaded at Novorossiysk pays the port's grain tariff, not the USD 1.5 proxy", () => {
    const viaRussia = best("astana", "poti", ["AZE"]);
    expect(viaRussia.transitCountries).toEqual(["RUS"]);
    const handling = viaRussia.events.filter((e) => e.type === "port_handling" && e.at === "novorossiysk");
    expect(handling).toHaveLength(1);
    expect(handling[0].costUsd).toBeCloseTo(Math.round((RUB_PER_TONNE_2012 / RUB_PER_USD_2024) * 10) / 10, 6);
  });

  it("Astana → Poti and Kostanay → Poti cross the Caspian (Aktau or Kuryk → Alat) on the generalized criterion", () => {
    for (const from of ["astana", "kostanay", "karaganda"]) {
      const r = best(from, "poti");
      expect(r.transitCountries, from).toEqual(["AZE"]);
      expect(r.legs.some((l) => l.mode === "ferry" && l.to === "alat"), from).toBe(true);
    }
  });
});
