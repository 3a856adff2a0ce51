/**
 * Route reports and alternatives on the "corridors" fixture (test/fixtures/routing/corridors/README.md) and the
 * testbot fixture (test/fixtures/testbot/README.md).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoutingContext } from "../../src/routing/context";
import { resolveRouteOptions } from "../../src/routing/options";
import { planRoutes } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";
import { CORRIDORS, contextOf, placeIndex, TESTBOT } from "./helpers";

const ctx = contextOf(CORRIDORS);
const net = ctx.net;
const ori = placeIndex(net, "ori");
const dest = placeIndex(net, "dest");

/** Totals = Σ over arcs, Σ legs + Σ events = totals, and timeP90H = Σ legs + Σ event P90s ≥ timeH. */
function expectConsistent(r: RouteReport, columns: { timeH: Float64Array; costUsd: Float64Array; co2Kg: Float64Array }, distanceKm: Float64Array = net.arcs.distanceKm): void {
  expect(r.timeH).toBeCloseTo(RoutingContext.sum(columns.timeH, r.arcs), 6);
  expect(r.costUsd).toBeCloseTo(RoutingContext.sum(columns.costUsd, r.arcs), 6);
  expect(r.co2Kg).toBeCloseTo(RoutingContext.sum(columns.co2Kg, r.arcs), 6);
  expect(r.distanceKm).toBeCloseTo(RoutingContext.sum(distanceKm, r.arcs), 6);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  expect(sum(r.legs.map((l) => l.timeH)) + sum(r.events.map((e) => e.timeH))).toBeCloseTo(r.timeH, 6);
  expect(sum(r.legs.map((l) => l.costUsd)) + sum(r.events.map((e) => e.costUsd))).toBeCloseTo(r.costUsd, 6);
  expect(sum(r.legs.map((l) => l.co2Kg))).toBeCloseTo(r.co2Kg, 6);
  expect(sum(r.legs.map((l) => l.distanceKm))).toBeCloseTo(r.distanceKm, 6);
  // P90 (docs/routing.md § Reliability): moving time + Σ event P90s, each P90 at least its expected time
  expect(sum(r.legs.map((l) => l.timeH)) + sum(r.events.map((e) => e.timeP90H))).toBeCloseTo(r.timeP90H, 6);
  for (const e of r.events) expect(e.timeP90H).toBeGreaterThanOrEqual(e.timeH - 1e-9);
}

describe("route report", () => {
  const plan = planRoutes(ctx, { from: ori, to: dest });
  const north = plan.routes[0];

  it("adds up: totals equal the sum over arcs, and legs plus events equal the totals", () => {
    expectConsistent(north, ctx.profile(resolveRouteOptions(net, {})));
  });

  it("lists the borders and gauge changes of the northern corridor in order, with dwell and fees", () => {
    expect(north.events.map((e) => [e.type, e.at, e.timeH, e.costUsd])).toEqual([
      ["border", "cgate", 20, 100],
      ["gauge_change", "kgate", 5, 200],
      ["border", "kzrgate", 5, 50],
      ["border", "rueu", 15, 100],
      ["gauge_change", "eugate", 5, 200],
    ]);
  });

  it("merges same-mode stretches into one leg and names its ends", () => {
    expect(north.legs).toHaveLength(1);
    expect(north.legs[0]).toMatchObject({ mode: "rail", from: "ori", to: "dest", distanceKm: 5530, gaugesMm: [1435, 1520, 1435] });
    // moving time: 1010 km at 50 + 1510 km at 40 (KAZ) + 2010 km at 50 (RUS) + 1000 at 50
    expect(north.legs[0].timeH).toBeCloseTo(1010 / 50 + 1510 / 40 + 2010 / 50 + 1000 / 50, 9);
  });

  it("lists the countries in order and the transit countries without origin and destination", () => {
    expect(north.countries).toEqual(["CHN", "KAZ", "RUS", "DEU"]);
    expect(north.transitCountries).toEqual(["KAZ", "RUS"]);
  });

  it("splits the Middle Corridor into rail, ferry and rail legs with the ferry wait as an event", () => {
    const middle = planRoutes(ctx, { from: ori, to: dest, avoidCountries: ["RUS"] }).routes[0];
    expect(middle.legs.map((l) => [l.mode, l.from, l.to])).toEqual([
      ["rail", "ori", "aport"],
      ["ferry", "aport", "bport"],
      ["rail", "bport", "dest"],
    ]);
    expect(middle.legs[1]).toMatchObject({ distanceKm: 400, timeH: 20, costUsd: 800 });
    expect(middle.events.find((e) => e.type === "ferry_wait")).toMatchObject({ at: "aport", timeH: 24, costUsd: 0 });
    expectConsistent(middle, ctx.profile(resolveRouteOptions(net, {})));
  });

  it("gives one LineString per leg from the origin's to the destination's coordinates", () => {
    const features = north.geometry.features;
    expect(features).toHaveLength(north.legs.length);
    const coords = features[0].geometry.coordinates;
    expect(coords[0]).toEqual([0, 0]);
    expect(coords[coords.length - 1]).toEqual([55, 0]);
  });

  it("names the sources of its figures and the share of estimated distance", () => {
    expect(north.sources.map((s) => s.ref)).toContain("src:corridors-manual");
    expect(north.sources[0].title).toMatch(/corridors fixture/);
    expect(north.estimatedDistanceShare).toBe(0);
  });

  it("reports an opening-days wait as closure_wait and counts an estimated distance", () => {
    const tb = contextOf(TESTBOT);
    const r = planRoutes(tb, { from: placeIndex(tb.net, "portia"), to: placeIndex(tb.net, "harbor"), modes: ["rail", "road"], criterion: "cost", avoidIds: ["gamma-harbor-rail-1520"] }).routes[0];
    const wait = r.events.find((e) => e.type === "closure_wait");
    // weekdays only: one closed run of 2 days → 24 · 4 / 14 h
    expect(wait?.timeH).toBeCloseTo((24 * 4) / 14, 9);
    expectConsistent(r, tb.profile(resolveRouteOptions(tb.net, { criterion: "cost" })), tb.net.arcs.distanceKm);
    // Gamma–Harbor by road has an estimated distance: 2° of longitude on the equator × circuity 1.2
    const roadKm = 2 * ((Math.PI * 6371.0088) / 180) * 1.2;
    expect(r.legs.map((l) => l.mode)).toEqual(["rail", "road"]);
    expect(r.events.map((e) => e.type)).toContain("transshipment");
    expect(r.estimatedDistanceShare).toBeCloseTo(roadKm / (1110 + roadKm), 3);
  });

  it("stays consistent for every option set and pair (property)", () => {
    const ids = net.network.places.filter((p) => !p.kinds.includes("waypoint")).map((p) => p.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom(...ids),
        fc.constantFrom("time", "cost", "co2", "generalized" as const),
        fc.constantFrom("feu", "teu", "bulk"),
        fc.subarray(["RUS", "AZE", "TUR", "KAZ"]),
        (a, b, criterion, cargo, avoidCountries) => {
          const options = { criterion, cargo, avoidCountries };
          let plan: ReturnType<typeof planRoutes>;
          try {
            plan = planRoutes(ctx, { from: placeIndex(net, a), to: placeIndex(net, b), alternatives: 2, ...options });
          } catch (error) {
            expect((error as { code?: string }).code).toBe("E_NO_ROUTE");
            return;
          }
          for (const r of plan.routes) expectConsistent(r, ctx.profile(resolveRouteOptions(net, options)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("alternatives (penalty method)", () => {
  it("gives the northern corridor, the Middle Corridor and the sea route as three distinct options", () => {
    const routes = planRoutes(ctx, { from: ori, to: dest, alternatives: 3 }).routes;
    expect(routes.map((r) => r.transitCountries)).toEqual([["KAZ", "RUS"], ["KAZ", "AZE", "TUR"], []]);
    expect(routes[2].legs.map((l) => l.mode)).toEqual(["sea"]);
    expect(routes.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it("keeps the overlap between any two alternatives below the limit and ranks them by the criterion", () => {
    const routes = planRoutes(ctx, { from: ori, to: dest, alternatives: 3 }).routes;
    for (let i = 0; i < routes.length; i++) {
      for (let j = i + 1; j < routes.length; j++) expect(ctx.overlapShare(routes[i].arcs, routes[j].arcs, net.arcs.distanceKm)).toBeLessThanOrEqual(0.5);
      if (i > 0) expect(routes[i].criterionValue).toBeGreaterThanOrEqual(routes[i - 1].criterionValue);
    }
    // North and Middle share Orient–Steppe: 2010 km of the shorter 5530 km
    expect(ctx.overlapShare(routes[0].arcs, routes[1].arcs, net.arcs.distanceKm)).toBeCloseTo(2010 / 5530, 9);
  });

  it("a tighter overlap limit drops the Middle Corridor; a tighter stretch limit drops the slower routes", () => {
    const strict = planRoutes(ctx, { from: ori, to: dest, alternatives: 3, alternativeParams: { overlapLimit: 0.3 } }).routes;
    expect(strict.map((r) => r.transitCountries)).toEqual([["KAZ", "RUS"], []]);
    const near = planRoutes(ctx, { from: ori, to: dest, alternatives: 3, alternativeParams: { stretchLimit: 1.1 } }).routes;
    expect(near).toHaveLength(1);
  });

  it("a route's corridor signature is its transit countries carrying at least the dominant share of its distance", () => {
    const [north, middle, sea] = planRoutes(ctx, { from: ori, to: dest, alternatives: 3 }).routes;
    const names = (s: Set<number>) => [...s].map((c) => net.countries[c]).sort();
    expect(names(ctx.dominantTransitCountries(north.arcs, 0.1))).toEqual(["KAZ", "RUS"]);
    expect(names(ctx.dominantTransitCountries(middle.arcs, 0.1))).toContain("AZE");
    expect(names(ctx.dominantTransitCountries(sea.arcs, 0.1))).toEqual([]);
    // a share above every country's share leaves an empty signature
    expect(names(ctx.dominantTransitCountries(north.arcs, 0.99))).toEqual([]);
  });

  it("corridor branching finds the other corridors even without penalised searches", () => {
    const routes = planRoutes(ctx, { from: ori, to: dest, alternatives: 3, alternativeParams: { maxIterations: 0 } }).routes;
    expect(routes.map((r) => r.transitCountries)).toEqual([["KAZ", "RUS"], ["KAZ", "AZE", "TUR"], []]);
    const none = planRoutes(ctx, { from: ori, to: dest, alternatives: 3, alternativeParams: { maxIterations: 0, maxBranchSearches: 0 } }).routes;
    expect(none).toHaveLength(1);
  });

  it("counts rail and road between the same two places as the same physical hop when measuring overlap", () => {
    const tb = contextOf(TESTBOT);
    const [from, to] = [placeIndex(tb.net, "gamma"), placeIndex(tb.net, "harbor")];
    const rail = planRoutes(tb, { from, to, modes: ["rail"] }).routes[0];
    const road = planRoutes(tb, { from, to, modes: ["road"] }).routes[0];
    expect(rail.arcs.some((a) => road.arcs.includes(a))).toBe(false);
    expect(tb.overlapShare(rail.arcs, road.arcs, tb.net.arcs.distanceKm)).toBe(1);
  });

  it("every set of alternatives respects the overlap, country and stretch limits and is ranked (property)", () => {
    const ids = net.network.places.filter((p) => !p.kinds.includes("waypoint")).map((p) => p.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom(...ids),
        fc.constantFrom("time", "cost", "generalized" as const),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.double({ min: 1.05, max: 4, noNaN: true }),
        (a, b, criterion, overlapLimit, stretchLimit) => {
          const routes = planRoutes(ctx, { from: placeIndex(net, a), to: placeIndex(net, b), criterion, alternatives: 4, alternativeParams: { overlapLimit, stretchLimit } }).routes;
          const best = routes[0].criterionValue;
          for (let i = 0; i < routes.length; i++) {
            expect(routes[i].criterionValue).toBeLessThanOrEqual(stretchLimit * best + 1e-9);
            if (i > 0) expect(routes[i].criterionValue).toBeGreaterThanOrEqual(routes[i - 1].criterionValue);
            for (let j = 0; j < i; j++) {
              expect(ctx.overlapShare(routes[i].arcs, routes[j].arcs, net.arcs.distanceKm)).toBeLessThanOrEqual(overlapLimit);
              const x = new Set(routes[i].transitCountries);
              const y = new Set(routes[j].transitCountries);
              const shared = [...x].filter((c) => y.has(c)).length;
              const union = x.size + y.size - shared;
              expect(union === 0 ? 0 : shared / union).toBeLessThanOrEqual(0.5);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the first alternative is the single best route", () => {
    const one = planRoutes(ctx, { from: ori, to: dest }).routes[0];
    const three = planRoutes(ctx, { from: ori, to: dest, alternatives: 3 }).routes[0];
    expect(three.arcs).toEqual(one.arcs);
  });

  it("--via concatenates two searches through the via place", () => {
    const r = planRoutes(ctx, { from: ori, to: dest, via: placeIndex(net, "anat") }).routes[0];
    expect(r.transitCountries).toEqual(["KAZ", "AZE", "TUR"]);
    expect(r.legs.some((l) => l.to === "anat" || l.from === "anat" || l.mode === "rail")).toBe(true);
    const visited = r.arcs.map((a) => net.network.places[net.arcs.toPlace[a]].id);
    expect(visited).toContain("anat");
  });

  it("a via that is the origin changes nothing", () => {
    expect(planRoutes(ctx, { from: ori, to: dest, via: ori }).routes[0].arcs).toEqual(planRoutes(ctx, { from: ori, to: dest }).routes[0].arcs);
  });

  it("a trip from a place to itself is an empty route of zero time and cost", () => {
    const r = planRoutes(ctx, { from: ori, to: ori }).routes[0];
    expect([r.timeH, r.costUsd, r.distanceKm, r.legs.length]).toEqual([0, 0, 0, 0]);
  });
});

describe("routing context", () => {
  it("gives the same routes with A* (great-circle bound) as with bidirectional Dijkstra", () => {
    const astar = new RoutingContext(net, "astar");
    const ids = ["ori", "steppe", "aport", "anat", "dest", "volga"];
    for (const a of ids) {
      for (const b of ids) {
        for (const criterion of ["time", "cost", "co2", "generalized"] as const) {
          const request = { from: placeIndex(net, a), to: placeIndex(net, b), criterion };
          expect(planRoutes(astar, request).routes[0].criterionValue).toBeCloseTo(planRoutes(ctx, request).routes[0].criterionValue, 9);
        }
      }
    }
  });
});
