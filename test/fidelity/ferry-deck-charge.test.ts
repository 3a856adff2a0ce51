/**
 * Caspian ferries charge by deck (data/eurasia/ferries/west.yaml, deckCharges): a wagon on the rail deck pays ASCO's
 * loaded-wagon tariff for a 15 m wagon (USD 48/m Kuryk–Alat: 720; rule ct-asco-ferry-unit-charge), a truck on the
 * road deck ASCO's truck tariff for a 16.5 m truck (USD 54.5/m Kuryk → Alat: 899, 73/m back: 1,205; rule
 * ct-asco-truck-charge; sources ct-asco-wagon-tariff, ct-asco-vehicle-tariff). Before decks had their own charges, a
 * truck paid the wagon's 720 both ways.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("Caspian ferry charges by deck (ASCO's wagon and truck tariffs)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const ferryLeg = (from: string, to: string, modes: string[]) => {
    const r = planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), modes }).routes[0];
    const legs = r.legs.filter((l) => l.mode === "ferry");
    expect(legs).toHaveLength(1);
    return legs[0];
  };

  it("a wagon and a truck sailing Aktau → Alat pay their own tariffs, and the truck's return its own", () => {
    const wagon = ferryLeg("aktau", "alat", ["rail", "ferry"]);
    const truck = ferryLeg("atyrau", "baku", ["road", "ferry"]);
    const truckBack = ferryLeg("baku", "atyrau", ["road", "ferry"]);
    // the same crossing: both legs join Aktau and Alat
    for (const leg of [wagon, truck]) expect([leg.from, leg.to]).toEqual(["aktau", "alat"]);
    expect([truckBack.from, truckBack.to]).toEqual(["alat", "aktau"]);
    expect(wagon.costUsd).toBeCloseTo(720, 6);
    expect(truck.costUsd).toBeCloseTo(899, 6);
    expect(truckBack.costUsd).toBeCloseTo(1205, 6);
  });

  it("a ferry without deck charges keeps one charge for every deck (Turkmenbashi–Alat's road deck has its own, the Black Sea ro-ro its one)", () => {
    const byId = new Map(net.network.ferries.map((f) => [f.id, f]));
    expect(byId.get("turkmenbashi-alat-ferry")?.deckCharges.map((d) => [d.deck, d.costUsdPerFeu, d.returnCostUsdPerFeu])).toEqual([["road", 998, 998]]);
    expect(byId.get("poti-constanta-ferry")?.deckCharges).toEqual([]);
    expect(ferryLeg("turkmenbashi", "alat", ["rail", "ferry"]).costUsd).toBeCloseTo(645, 6);
  });
});
