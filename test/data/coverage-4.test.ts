/**
 * The fourth coverage pass of data/eurasia (issue 10; the `coverage-4` files, docs/data-format.md § Coverage: fourth
 * pass).
 *
 *   West Bank and Gaza (PSE): its cities resolve by name; the West Bank reaches Amman across the Allenby / King
 *   Hussein Bridge and the sea through an Israeli commercial crossing (Tarqumiya or Jalameh) and an Israeli port; Gaza
 *   reaches the sea only through Kerem Shalom, which the dated rule kerem-shalom-closure-2023-10 closes from
 *   7 October 2023: a route dated 2022 crosses it, one dated after the closure has none and says the rules of passage
 *   cut it off.
 *   Belarus–Latvia: Minsk → Riga by rail crosses Indra–Bigosovo, by road Paternieki–Grigorovshchina and names the EU
 *   road-haulage ban there; both crossings carry a capacity.
 *   Rail at crossings that were road only: Kolkata → Birgunj by rail alone crosses Raxaul–Birgunj; Kolkata → Benapole
 *   by rail crosses Petrapole–Benapole, and Benapole → Kolkata by rail has no route (the rail exchange is one-way);
 *   Haiphong → Kunming by rail crosses Hekou–Lao Cai and changes gauge (1000 → 1435 mm) at Hekou North.
 *   Rail-only study cities: Datong, Shangqiu, Dazhou, Ankang, Jiamusi, Erfurt and Hamm reach Shanghai or Berlin by
 *   road alone.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const net = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
const ctx = new RoutingContext(net);
const places = net.network.places;
const idx = (name: string) => resolvePlace(places, name);

function best(from: string, to: string, extra: { year?: number; month?: number; modes?: string[] } = {}): RouteReport {
  return planRoutes(ctx, { from: idx(from), to: idx(to), ...extra }).routes[0];
}
const bordersOf = (r: RouteReport) => r.events.filter((e) => e.type === "border").map((e) => e.ref as string);

describe("West Bank and Gaza (PSE)", () => {
  it("resolves Ramallah, Hebron, Nablus and Gaza to cities of PSE with a GeoNames population", () => {
    for (const name of ["Ramallah", "Hebron", "Nablus", "Gaza"]) {
      const p = places[idx(name)];
      expect(p.country, name).toBe("PSE");
      expect(p.kinds, name).toContain("city");
      expect(p.population ?? 0, name).toBeGreaterThan(0);
    }
  });

  it("takes Ramallah to Amman across the Allenby / King Hussein Bridge", () => {
    const r = best("Ramallah", "Amman");
    expect(bordersOf(r)).toEqual(["allenby-king-hussein"]);
    expect(r.countries).toEqual(["PSE", "JOR"]);
  });

  it("takes Hebron to Rotterdam through an Israeli commercial crossing and by sea", () => {
    const r = best("Hebron", "Rotterdam", { year: 2025 });
    expect(bordersOf(r).some((b) => b === "tarqumiya" || b === "jalameh"), bordersOf(r).join(",")).toBe(true);
    expect(r.legs.some((l) => l.mode === "sea")).toBe(true);
  });

  it("takes Gaza out through Kerem Shalom before October 2023 and finds no route after the closure", () => {
    const before = best("Gaza", "Rotterdam", { year: 2022 });
    expect(bordersOf(before)).toContain("kerem-shalom");
    expect(() => best("Gaza", "Rotterdam", { year: 2024, month: 6 })).toThrow(/rules of passage/);
    expect(() => best("Rotterdam", "Gaza", { year: 2023, month: 11 })).toThrow(/rules of passage/);
  });
});

describe("Belarus–Latvia crossings", () => {
  const crossing = (id: string) => net.network.crossings.find((c) => c.id === id);

  it("has Paternieki–Grigorovshchina (road) and Indra–Bigosovo (rail) with a capacity each", () => {
    expect(crossing("paternieki-grigorovshchina")).toMatchObject({ countries: ["LVA", "BLR"], modes: ["road"], capacityVehiclesPerDay: 1000 });
    expect(crossing("indra-bigosovo")).toMatchObject({ countries: ["LVA", "BLR"], modes: ["rail"], capacityTrainsPerDay: 32 });
  });

  it("takes Minsk to Riga by rail across Indra–Bigosovo and by road across Paternieki, naming the EU haulage ban", () => {
    const rail = best("Minsk", "Riga", { modes: ["rail"] });
    expect(bordersOf(rail)).toEqual(["indra-bigosovo"]);
    const road = best("Minsk", "Riga", { modes: ["road"], year: 2025 });
    expect(bordersOf(road)).toEqual(["paternieki-grigorovshchina"]);
    expect(road.notes.some((n) => n.includes("[eu-road-haulage-ban-blr-lva]"))).toBe(true);
  });
});

describe("rail at the Raxaul, Petrapole and Hekou crossings", () => {
  it("takes Kolkata to Birgunj by rail alone across Raxaul–Birgunj", () => {
    const r = best("Kolkata", "Birgunj", { modes: ["rail"] });
    expect(bordersOf(r)).toEqual(["raxaul-birgunj-rail"]);
    expect(r.legs.every((l) => l.mode === "rail")).toBe(true);
  });

  it("takes Kolkata to Benapole by rail across Petrapole–Benapole, and not back (the exchange is one-way)", () => {
    expect(bordersOf(best("Kolkata", "Benapole", { modes: ["rail"] }))).toEqual(["petrapole-benapole-rail"]);
    expect(() => best("Benapole", "Kolkata", { modes: ["rail"] })).toThrow(/no route/);
  });

  it("takes Haiphong to Kunming by rail across Hekou–Lao Cai, changing gauge at Hekou North", () => {
    const r = best("Haiphong", "Kunming", { modes: ["rail"] });
    expect(bordersOf(r)).toEqual(["hekou-lao-cai-rail"]);
    expect(r.events.some((e) => e.type === "gauge_change" && e.ref === "hekou-north-gauge-change")).toBe(true);
  });
});

describe("study cities that were reached by rail alone", () => {
  it.each([
    ["Datong", "Shanghai"],
    ["Shangqiu", "Shanghai"],
    ["Dazhou", "Shanghai"],
    ["Ankang", "Shanghai"],
    ["Jiamusi", "Shanghai"],
    ["Erfurt", "Berlin"],
    ["Hamm", "Berlin"],
  ])("reaches %s → %s and back by road alone", (city, hub) => {
    for (const [a, b] of [[city, hub], [hub, city]]) {
      const r = best(a, b, { modes: ["road"] });
      expect(r.legs.length, `${a} → ${b}`).toBeGreaterThan(0);
      expect(r.legs.every((l) => l.mode === "road"), `${a} → ${b}`).toBe(true);
    }
  });
});
