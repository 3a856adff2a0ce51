/**
 * The reliability term of the generalized criterion (RouteOptions.reliabilityRatio, docs/routing.md "Reliability in
 * route choice"): each arc's weight gets ρ × (event P90 − event time) × value of time.
 *
 * Fixture: test/fixtures/appraisal copied to a temporary directory with an open direct road a1–b3 over a new
 * crossing whose dwell is 4 h median, 40 h P90 (buffer 36 h):
 *
 *   a1 ──road 100 km (2 h)── a2 ══ab-crossing (dwell 10 h, no spread)══ b1 ──road 100 km (2 h)── b3     16 h, P90 16 h
 *   a1 ┄┄north road 300 km (6 h) + north-crossing (4 h, P90 40 h)┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄ b3       10 h, P90 46 h
 *
 * The same charges on both routes (bulk), so the generalized criterion compares 16 h with 10 h + ρ · 36 h: the north
 * road below ρ = 1/6, the south road above it.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { optionKey, resolveRouteOptions } from "../../src/routing/options";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import { appOver, json } from "../server/helpers";

const dir = mkdtempSync(join(tmpdir(), "caravan-reliability-choice-"));
cpSync(resolve(__dirname, "../fixtures/appraisal"), dir, { recursive: true });
{
  const links = join(dir, "links", "appraisal.csv");
  writeFileSync(links, `${readFileSync(links, "utf8").trimEnd()}\na1-b3-north-road,a1,b3,road,,300,src:appraisal-manual,,open,,,,,,,north-crossing,,,src:appraisal-manual,6 h + border dwell\n`);
  const borders = join(dir, "borders", "appraisal.yaml");
  writeFileSync(
    borders,
    `${readFileSync(borders, "utf8").trimEnd()}\n  - id: north-crossing\n    name: A One–B Three\n    countries: [AAA, BBB]\n    places: [a1, b3]\n    modes: [road]\n    dwell:\n      - { fromCountry: AAA, medianH: 4, highH: 40, feeUsdPerFeu: 0, source: [src:appraisal-manual] }\n      - { fromCountry: BBB, medianH: 4, highH: 40, feeUsdPerFeu: 0, source: [src:appraisal-manual] }\n    source: [src:appraisal-manual]\n`,
  );
}
const net = openNetwork(dir, { cacheDir: false });
const ctx = new RoutingContext(net);
const resolver = new PlaceResolver(net.network.places);
const route = (extra: Partial<RouteRequest>) =>
  planRoutes(ctx, { from: resolver.resolve("a1"), to: resolver.resolve("b3"), criterion: "generalized", cargo: "bulk", ...extra }).routes[0];
const crossings = (r: ReturnType<typeof route>) => r.events.filter((e) => e.type === "border").map((e) => e.ref);

describe("reliability ratio in the generalized criterion", () => {
  it("the fixture is what the header says: the north road is 10 h with a P90 of 46 h, the south road 16 h with no spread, same charges", () => {
    const north = route({ avoidIds: ["ab-crossing"] });
    const south = route({ avoidIds: ["north-crossing"] });
    expect(crossings(north)).toEqual(["north-crossing"]);
    expect(north.timeH).toBeCloseTo(10, 9);
    expect(north.timeP90H).toBeCloseTo(46, 9);
    expect(crossings(south)).toEqual(["ab-crossing"]);
    expect(south.timeH).toBeCloseTo(16, 9);
    expect(south.timeP90H).toBeCloseTo(16, 9);
    expect(north.costUsd).toBeCloseTo(south.costUsd, 9);
  });

  it("ρ = 0 (the default) and ρ = 0.1 take the north road (10 + 3.6 = 13.6 h < 16 h); ρ = 0.2 and 1 the south road (10 + 7.2 h > 16 h)", () => {
    expect(crossings(route({}))).toEqual(["north-crossing"]);
    expect(crossings(route({ reliabilityRatio: 0 }))).toEqual(["north-crossing"]);
    expect(crossings(route({ reliabilityRatio: 0.1 }))).toEqual(["north-crossing"]);
    expect(crossings(route({ reliabilityRatio: 0.2 }))).toEqual(["ab-crossing"]);
    expect(crossings(route({ reliabilityRatio: 1 }))).toEqual(["ab-crossing"]);
  });

  it("the weight of a path is charges + value of time × (time + ρ × (P90 − time)) on the generalized criterion; time, cost and CO2 criteria ignore ρ", () => {
    const rho = 0.5;
    const o = resolveRouteOptions(net, { criterion: "generalized", cargo: "bulk", reliabilityRatio: rho, avoidIds: ["ab-crossing"] });
    const set = ctx.weights(o);
    const [path] = ctx.alternatives(resolver.resolve("a1"), resolver.resolve("b3"), set, 1);
    const weight = path.reduce((s, a) => s + set.weight[a], 0);
    const north = route({ avoidIds: ["ab-crossing"] });
    expect(weight).toBeCloseTo(north.costUsd + o.valueOfTimeUsdPerH * (10 + rho * 36), 9);
    for (const criterion of ["time", "cost", "co2"] as const) {
      const plain = ctx.weights(resolveRouteOptions(net, { criterion, cargo: "bulk" })).weight;
      const withRho = ctx.weights(resolveRouteOptions(net, { criterion, cargo: "bulk", reliabilityRatio: 1 })).weight;
      expect(Array.from(withRho)).toEqual(Array.from(plain));
    }
  });

  it("ρ is part of the weight-set cache key: different ratios get different sets, the same ratio the cached one", () => {
    const o = (reliabilityRatio?: number) => resolveRouteOptions(net, { criterion: "generalized", cargo: "bulk", ...(reliabilityRatio !== undefined ? { reliabilityRatio } : {}) });
    expect(optionKey(o(0.2))).not.toBe(optionKey(o(0)));
    expect(optionKey(o())).toBe(optionKey(o(0)));
    const a = ctx.weights(o(0.2));
    expect(ctx.weights(o(0.2))).toBe(a);
    expect(ctx.weights(o(0))).not.toBe(a);
    expect(ctx.weights(o(0)).weight).not.toEqual(a.weight);
  });

  it("a negative or non-finite ratio is refused", () => {
    expect(() => resolveRouteOptions(net, { criterion: "generalized", reliabilityRatio: -1 })).toThrow(/reliability ratio must be a finite number ≥ 0/);
    expect(() => resolveRouteOptions(net, { criterion: "generalized", reliabilityRatio: Number.NaN })).toThrow(/reliability ratio/);
  });

  it("the API takes reliabilityRatio on GET and POST /route (0–10, default 0) and answers as the routing call does", async () => {
    const app = await appOver(dir);
    try {
      const get = async (q: string) => app.inject({ method: "GET", url: `/api/v1/route?from=a1&to=b3&cargo=bulk${q}` });
      const via = async (q: string) => json<{ routes: { events: { type: string; ref: string }[] }[] }>(await get(q)).routes[0].events.filter((e) => e.type === "border").map((e) => e.ref);
      expect(await via("")).toEqual(["north-crossing"]);
      expect(await via("&reliabilityRatio=0.1")).toEqual(["north-crossing"]);
      expect(await via("&reliabilityRatio=0.2")).toEqual(["ab-crossing"]);
      const posted = await app.inject({ method: "POST", url: "/api/v1/route", payload: { from: "a1", to: "b3", cargo: "bulk", reliabilityRatio: 1 } });
      expect(posted.statusCode, posted.body).toBe(200);
      expect(json<{ routes: { events: { type: string; ref: string }[] }[] }>(posted).routes[0].events.filter((e) => e.type === "border").map((e) => e.ref)).toEqual(["ab-crossing"]);
      for (const bad of ["-1", "11", "x"]) {
        const r = await get(`&reliabilityRatio=${bad}`);
        expect(r.statusCode, bad).toBe(400);
      }
    } finally {
      await app.close();
    }
  });
});
