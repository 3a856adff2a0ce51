/**
 * Route options and constraints on the "corridors" fixture (test/fixtures/routing/corridors/README.md):
 *
 *   North   Orient ─ China Gate ═ Kaz Gate ─ Steppe ─ KZ North Gate ═ RU Gate ─ Volga ─ RU West Gate ═ EU Gate ─ Destport
 *   Middle  … Steppe ─ Aport ~ferry~ Bport ─ AZ Gate ═ TR Gate ─ Anatolia ─ TR West Gate ═ DE East Gate ─ Destport
 *   Sea     Orient ── 4000 ── Canal ── 4000 ──► Destport   (or 6000 + 6000 round the Cape)
 */
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import { resolveRouteOptions } from "../../src/routing/options";
import { CORRIDORS, contextOf, placeIndex, TESTBOT } from "./helpers";

const ctx = contextOf(CORRIDORS);
const net = ctx.net;
const ori = placeIndex(net, "ori");
const dest = placeIndex(net, "dest");

function best(extra: Partial<RouteRequest> = {}) {
  return planRoutes(ctx, { from: ori, to: dest, ...extra }).routes[0];
}

function errorOf(fn: () => unknown): CaravanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}

describe("criteria", () => {
  it("the fastest route is the northern corridor through Kazakhstan and Russia", () => {
    const r = best({ criterion: "time" });
    expect(r.transitCountries).toEqual(["KAZ", "RUS"]);
    expect(r.distanceKm).toBe(5530);
  });

  it("the cheapest route is the sea route via the Canal (8000 km × 0.2 USD/FEU-km)", () => {
    const r = best({ criterion: "cost" });
    expect(r.legs.map((l) => l.mode)).toEqual(["sea"]);
    expect(r.costUsd).toBeCloseTo(1600, 9);
  });

  it("the lowest-CO2 route is the sea route (8000 km × 10 g/t-km × 20 t = 1600 kg)", () => {
    const r = best({ criterion: "co2" });
    expect(r.co2Kg).toBeCloseTo(1600, 9);
  });

  it("generalized cost = cost + value of time × time + CO2 price × CO2, and a high value of time favours rail", () => {
    const cheap = best({ criterion: "generalized", valueOfTimeUsdPerH: 0, co2PriceUsdPerT: 100 });
    expect(cheap.criterionValue).toBeCloseTo(cheap.costUsd + (100 * cheap.co2Kg) / 1000, 6);
    expect(cheap.legs[0].mode).toBe("sea");
    const urgent = best({ criterion: "generalized", valueOfTimeUsdPerH: 1000 });
    expect(urgent.criterionValue).toBeCloseTo(urgent.costUsd + 1000 * urgent.timeH, 6);
    expect(urgent.legs[0].mode).toBe("rail");
  });

  it("a TEU pays teuCostRatio (0.6) of the FEU charge on every arc", () => {
    expect(best({ cargo: "teu" }).costUsd).toBeCloseTo(0.6 * best({ cargo: "feu" }).costUsd, 6);
  });

  it("bulk pays per tonne × massT: 8000 km × 0.01 USD/t-km by sea", () => {
    const r = best({ cargo: "bulk", criterion: "cost" });
    expect(r.costUsd).toBeCloseTo(80, 9);
    expect(r.co2Kg).toBeCloseTo(80, 9);
  });
});

describe("constraints", () => {
  it("avoiding Russia sends the fastest route through the Middle Corridor (Caspian ferry)", () => {
    const r = best({ avoidCountries: ["RUS"] });
    expect(r.transitCountries).toEqual(["KAZ", "AZE", "TUR"]);
    expect(r.legs.map((l) => l.mode)).toContain("ferry");
  });

  it("avoiding a border crossing by id has the same effect as avoiding its country here", () => {
    expect(best({ avoidIds: ["kz-ru"] }).transitCountries).toEqual(["KAZ", "AZE", "TUR"]);
  });

  it("allowing only rail and ferry keeps the sea route out even when optimising cost", () => {
    const r = best({ criterion: "cost", modes: ["rail", "ferry"] });
    expect(r.legs.every((l) => l.mode === "rail" || l.mode === "ferry")).toBe(true);
  });

  it("closing the Canal sends sea traffic round the Cape (12,000 km); aliases work", () => {
    expect(best({ modes: ["sea"] }).distanceKm).toBe(8000);
    expect(best({ modes: ["sea"], closeChokepoints: ["canal"] }).distanceKm).toBe(12000);
    expect(best({ modes: ["sea"], closeChokepoints: ["Short-Cut"] }).distanceKm).toBe(12000);
  });

  it("a planned link is used only from its opening year on", () => {
    expect(best({ year: 2029 }).distanceKm).toBe(5530);
    expect(best({ year: 2030 }).distanceKm).toBe(5530 - 2000 + 1500);
  });

  it("a month inside a seasonal closure makes the crossing unusable; without a month it is reported as a note", () => {
    const tb = contextOf(TESTBOT);
    const from = placeIndex(tb.net, "portia");
    const to = placeIndex(tb.net, "gamma");
    const open = planRoutes(tb, { from, to, modes: ["rail"] }).routes[0];
    expect(open.notes.join(" ")).toMatch(/seasonal/);
    expect(planRoutes(tb, { from, to, modes: ["rail"], month: 6 }).routes[0].notes).toEqual([]);
    const error = errorOf(() => planRoutes(tb, { from, to, modes: ["rail"], month: 1 }));
    expect(error.code).toBe("E_NO_ROUTE");
    // by sea to Harbor and on by rail would also do: the mode restriction is named too
    expect(error.details?.constraints).toEqual(["the allowed modes (--modes)", "the seasonal closures of the chosen month"]);
  });
});

describe("no route", () => {
  it("E_NO_ROUTE names every constraint whose removal alone restores a route", () => {
    const error = errorOf(() => planRoutes(ctx, { from: ori, to: dest, modes: ["rail"], avoidCountries: ["RUS"] }));
    expect(error.code).toBe("E_NO_ROUTE");
    expect(error.details?.constraints).toEqual(["the allowed modes (--modes)", "the avoided countries (--avoid-countries)"]);
  });

  it("E_NO_ROUTE says so when no single constraint is to blame", () => {
    // every corridor is blocked twice: North by RUS and kz-ru, Middle by AZE and az-tr, Sea by the modes and both chokepoints
    const error = errorOf(() =>
      planRoutes(ctx, { from: ori, to: dest, modes: ["rail", "ferry"], avoidCountries: ["RUS", "AZE"], avoidIds: ["kz-ru", "az-tr"], closeChokepoints: ["canal", "cape"] }),
    );
    expect(error.code).toBe("E_NO_ROUTE");
    expect(error.details?.constraints).toEqual([]);
    expect(error.message).toMatch(/together/);
  });

  it("avoiding the origin's own country cuts every route off", () => {
    const error = errorOf(() => planRoutes(ctx, { from: ori, to: dest, avoidCountries: ["CHN"] }));
    expect(error.code).toBe("E_NO_ROUTE");
    expect(error.details?.constraints).toEqual(["the avoided countries (--avoid-countries)"]);
  });
});

describe("option validation", () => {
  it.each([
    [{ closeChokepoints: ["canel"] }, "E_CHOKEPOINT_UNKNOWN"],
    [{ avoidCountries: ["XYZ"] }, "E_COUNTRY_UNKNOWN"],
    [{ modes: ["rail", "tram"] }, "E_MODE_UNKNOWN"],
    [{ cargo: "reefer" }, "E_CARGO_UNKNOWN"],
    [{ avoidIds: ["no-such-link"] }, "E_USAGE"],
    [{ month: 13 }, "E_USAGE"],
    [{ co2PriceUsdPerT: -5 }, "E_USAGE"],
  ])("rejects %j with %s", (options, code) => {
    expect(errorOf(() => resolveRouteOptions(net, options)).code).toBe(code);
  });

  it("suggests the chokepoint meant", () => {
    expect(errorOf(() => resolveRouteOptions(net, { closeChokepoints: ["canel"] })).didYouMean).toContain("canal");
  });

  it("builds one weight column per option set and reuses it", () => {
    const a = ctx.weights(resolveRouteOptions(net, { criterion: "cost", avoidCountries: ["rus"] }));
    const b = ctx.weights(resolveRouteOptions(net, { avoidCountries: ["RUS"], criterion: "cost" }));
    expect(b.weight).toBe(a.weight);
    expect(ctx.weights(resolveRouteOptions(net, { criterion: "time" })).weight).not.toBe(a.weight);
  });
});
