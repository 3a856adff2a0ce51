/**
 * The economies added to the world coverage (places/world-more.csv) and the Pacific sea lanes (links/world-more-sea.csv).
 *
 *   Oceania–East Asia by the Pacific: Sydney → Shanghai and Auckland → Busan sail through the Coral Sea and the
 *   Philippine Sea, never west of 120° E (the Indian Ocean way round Australia and through Lombok reaches 106° E),
 *   and their length is within 10 % of the MARNET shortest path (Sydney–Shanghai 8,434 km, Auckland–Busan 9,713 km
 *   on marnet_plus_50km without the Arctic passages; recomputed here when ../shared/geodata is present).
 *
 *   Added economies: each has a city with a population that reaches Rotterdam and Shanghai by surface modes; the
 *   landlocked ones go through their named crossing (South Sudan through two: Nimule/Elegu and Malaba).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const gpkg = resolve(__dirname, "../../../shared/geodata/marnet_plus_50km.gpkg");
const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const places = net.network.places;
const idx = (name: string) => resolvePlace(places, name);
const route = (from: string, to: string, modes?: ("rail" | "road" | "sea" | "ferry")[]): RouteReport =>
  planRoutes(ctx, { from: idx(from), to: idx(to), ...(modes ? { modes } : {}) }).routes[0];

/** Every coordinate of a route's legs. */
function coordinates(r: RouteReport): [number, number][] {
  return (r.geometry.features as { geometry: { coordinates: [number, number][] } }[]).flatMap((f) => f.geometry.coordinates);
}

const haveGpkg = existsSync(gpkg);
if (!haveGpkg) console.warn(`world-additions.test: ${gpkg} is absent; the MARNET length check is skipped`);

describe("Oceania–East Asia sea routes cross the Pacific", () => {
  for (const [from, to] of [
    ["Sydney", "Shanghai"],
    ["Auckland", "Busan"],
  ] as const) {
    it(`routes ${from} → ${to} by sea east of 120° E`, () => {
      const r = route(from, to, ["sea"]);
      expect(r.legs.map((l) => l.mode)).toEqual(["sea"]);
      const lons = coordinates(r).map(([lon]) => lon);
      expect(Math.min(...lons)).toBeGreaterThanOrEqual(120);
    });
  }

  it.skipIf(!haveGpkg)("keeps Sydney → Shanghai and Auckland → Busan within 10 % of the MARNET shortest path", async () => {
    const { buildLineGraph, readGpkgLines } = await import("../../scripts/geodata");
    const marnet = buildLineGraph(readGpkgLines(gpkg, ["northeast", "northwest"]));
    for (const [from, to] of [
      ["sydney", "shanghai"],
      ["auckland", "busan"],
    ]) {
      const a = places[idx(from)];
      const b = places[idx(to)];
      const s = marnet.nearest(a.lonDeg, a.latDeg);
      const t = marnet.nearest(b.lonDeg, b.latDeg, marnet.componentOf(s.vertex));
      const reference = marnet.distanceKm(s.vertex, t.vertex) + s.km + t.km;
      const modelled = route(from, to, ["sea"]).distanceKm;
      expect(modelled / reference, `${from}–${to}: ${modelled.toFixed(0)} km vs MARNET ${reference.toFixed(0)} km`).toBeGreaterThan(0.9);
      expect(modelled / reference, `${from}–${to}: ${modelled.toFixed(0)} km vs MARNET ${reference.toFixed(0)} km`).toBeLessThan(1.1);
    }
  });
});

describe("economies added to the world coverage", () => {
  const ADDED = ["VEN", "HTI", "PNG", "BOL", "TCD", "CAF", "SSD", "FJI", "WSM", "TON", "SLB", "VUT", "KIR", "MHL", "FSM", "PLW", "TUV"];

  it("give each added economy a city with a population that reaches Rotterdam and Shanghai by surface", () => {
    for (const c of ADDED) {
      const city = places.filter((p) => p.country === c && p.kinds.includes("city") && (p.population ?? 0) > 0).sort((x, y) => (y.population ?? 0) - (x.population ?? 0))[0];
      expect(city, c).toBeDefined();
      for (const to of ["rotterdam", "shanghai"]) {
        const r = planRoutes(ctx, { from: idx(city.id), to: idx(to) }).routes[0];
        expect(r, `${city.id} → ${to}`).toBeDefined();
        expect(r.legs.some((l) => l.mode === "sea"), `${city.id} → ${to}`).toBe(true);
      }
    }
  });

  it("takes each landlocked addition through its named crossings to the neighbour's port", () => {
    const borders = (r: RouteReport) => r.events.filter((e) => e.type === "border").map((e) => e.ref as string);
    expect(borders(route("Juba", "Rotterdam"))).toEqual(["nimule", "malaba"]);
    expect(borders(route("N'Djamena", "Rotterdam"))).toEqual(["ngueli"]);
    expect(borders(route("Bangui", "Rotterdam"))).toEqual(["garoua-boulai"]);
    expect(borders(route("Santa Cruz de la Sierra", "Shanghai"))).toEqual(["tambo-quemado"]);
  });
});
