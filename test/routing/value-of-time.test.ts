/**
 * The value of time of the generalized criterion (`route --value-of-time`, API `valueOfTime`): the cargo profile's
 * (default), the carrying cost of the goods, or a number. On the "corridors" fixture (test/fixtures/routing/corridors:
 * an FEU of USD 100,000 with a value of time of USD 41.667/h; Orient → Destport by the North rail corridor, 5,530 km,
 * USD 6,380, 172.1 h, or by sea, 8,000 km, USD 1,800, 324 h) the rail saves 151.9 h for USD 4,580: worth it above USD
 * 30.15/h. The profile's value takes the rail; the carrying cost, 100,000 × √(0.2 × 0.4) / 8,760 = USD 3.229/h, the sea.
 */
import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { resolveRouteOptions } from "../../src/routing/options";
import { planRoutes } from "../../src/routing/plan";
import { CARRYING_COST_RATE_PER_YEAR, valueOfTimeChoiceOf } from "../../src/routing/value-of-time";
import { appOver, CORRIDORS } from "../server/helpers";
import { runOn } from "./helpers";

const data = resolve(__dirname, "../fixtures/routing/corridors");
const net = openNetwork(data, { cacheDir: false });
const ctx = new RoutingContext(net);
const places = new PlaceResolver(net.network.places);
const plan = (extra: Record<string, unknown>) => planRoutes(ctx, { from: places.resolve("ori"), to: places.resolve("dest"), via: null, criterion: "generalized", ...extra });
const CARRYING = (100000 * CARRYING_COST_RATE_PER_YEAR) / 8760;

const cli = (...args: string[]) => runOn(data, ...args);

describe("value of time of the generalized criterion", () => {
  it("profile (default): USD 41.667/FEU-h, the North rail corridor; carrying cost: USD 3.229/FEU-h, the sea", () => {
    const byProfile = plan({});
    expect(byProfile.valueOfTimeBasis).toBe("profile");
    expect(byProfile.valueOfTimeUsdPerH).toBeCloseTo(41.667, 9);
    expect(byProfile.routes[0].legs.map((l) => l.mode)).not.toContain("sea");
    expect(byProfile.routes[0].distanceKm).toBeCloseTo(5530, 6);
    const byCarrying = plan({ valueOfTimeBasis: "carrying-cost" });
    expect(CARRYING).toBeCloseTo(3.2288, 4);
    expect(byCarrying.valueOfTimeBasis).toBe("carrying-cost");
    expect(byCarrying.valueOfTimeUsdPerH).toBeCloseTo(CARRYING, 9);
    expect(byCarrying.routes[0].legs.map((l) => l.mode)).toEqual(["sea"]);
    expect(byCarrying.routes[0].distanceKm).toBeCloseTo(8000, 6);
  });

  it("a number given wins over either basis; the switch lies between USD 30 and 31 an hour", () => {
    const at = (v: number) => plan({ valueOfTimeUsdPerH: v });
    expect(at(30).routes[0].distanceKm).toBeCloseTo(8000, 6);
    expect(at(31).routes[0].distanceKm).toBeCloseTo(5530, 6);
    expect(at(31).valueOfTimeBasis).toBe("given");
    expect(plan({ valueOfTimeUsdPerH: 30, valueOfTimeBasis: "profile" }).valueOfTimeUsdPerH).toBe(30);
  });

  it("bulk asked on the carrying cost keeps its profile's value and says so", () => {
    const bulk = resolveRouteOptions(net, { cargo: "bulk", valueOfTimeBasis: "carrying-cost" });
    const profile = net.network.cargo.find((c) => c.id === "bulk")?.valueOfTimeUsdPerH.value;
    expect(bulk.valueOfTimeUsdPerH).toBe(profile);
    expect(bulk.valueOfTimeBasis).toBe("profile");
  });

  it("the choice parser takes a basis, a plain number or a number; anything else is E_USAGE with a suggestion", () => {
    expect(valueOfTimeChoiceOf(undefined, "--value-of-time")).toEqual({});
    expect(valueOfTimeChoiceOf(" Carrying-Cost ", "--value-of-time")).toEqual({ valueOfTimeBasis: "carrying-cost" });
    expect(valueOfTimeChoiceOf("12.5", "--value-of-time")).toEqual({ valueOfTimeUsdPerH: 12.5 });
    expect(valueOfTimeChoiceOf(0, "valueOfTime")).toEqual({ valueOfTimeUsdPerH: 0 });
    for (const bad of ["carying-cost", "-1", "1e3", "NaN", ""]) expect(() => valueOfTimeChoiceOf(bad, "--value-of-time")).toThrow(/--value-of-time must be profile, carrying-cost or a number/);
    expect(() => valueOfTimeChoiceOf(Number.NaN, "valueOfTime")).toThrow(/valueOfTime must be/);
  });
});

describe("route --value-of-time (CLI)", () => {
  it("prints the value of time taken beside the criterion, and --json carries it", async () => {
    const text = await cli("route", "ori", "dest", "--value-of-time", "carrying-cost");
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/optimised for generalized \(value of time USD 3\.23\/FEU-h, the carrying cost\)/);
    const plain = await cli("route", "ori", "dest");
    expect(plain.out).toMatch(/optimised for generalized, cargo feu/); // the profile's: the header as before
    const json = JSON.parse((await cli("route", "ori", "dest", "--value-of-time", "30", "--json")).out);
    expect(json).toMatchObject({ valueOfTimeUsdPerH: 30, valueOfTimeBasis: "given" });
    expect(json.routes[0].distanceKm).toBeCloseTo(8000, 6);
  });

  it("a misspelt basis is one error line naming the one meant, and a non-zero exit", async () => {
    const r = await cli("route", "ori", "dest", "--value-of-time", "carying-cost");
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^caravan: E_USAGE: --value-of-time must be profile, carrying-cost or a number/);
    expect(r.err).toMatch(/did you mean: carrying-cost\?/);
  });
});

describe("valueOfTime on the API's route (schema-checked responses)", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appOver(CORRIDORS);
  });
  afterAll(async () => {
    await app.close();
  });

  it("GET and POST take a basis or a number; a bad one is 400 E_USAGE", async () => {
    const get = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest&valueOfTime=carrying-cost&costBasis=cost" });
    expect(get.statusCode).toBe(200);
    const body = get.json();
    expect(body.valueOfTimeBasis).toBe("carrying-cost");
    expect(body.valueOfTimeUsdPerH).toBeCloseTo(CARRYING, 9);
    expect(body.routes[0].distanceKm).toBeCloseTo(8000, 6);
    const post = await app.inject({ method: "POST", url: "/api/v1/route", payload: { from: "ori", to: "dest", valueOfTime: 31, costBasis: "cost" } });
    expect(post.statusCode).toBe(200);
    expect(post.json()).toMatchObject({ valueOfTimeUsdPerH: 31, valueOfTimeBasis: "given" });
    const matrix = await app.inject({ method: "GET", url: "/api/v1/matrix?places=ori,dest&valueOfTime=carrying-cost&costBasis=cost" });
    expect(matrix.statusCode).toBe(200);
    expect(matrix.json()).toMatchObject({ valueOfTimeBasis: "carrying-cost" });
    expect(matrix.json().distanceKm[0][1]).toBeCloseTo(8000, 6); // the sea, as the route
    const bad = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest&valueOfTime=carying-cost" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "E_USAGE", message: expect.stringContaining("valueOfTime must be") });
  });
});
