/**
 * API contract: every read and routing route over the "corridors" fixture (hand-checkable: the North corridor is
 * 5,530 km CHN > KAZ > RUS > DEU; Middle 5,730 km; sea 8,000 km via the Canal), with bad input answered by the right
 * code. Every response is validated against its schema (helpers.ts), so a shape drift fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { runCli } from "../../src/cli/main";
import { appOver, CORRIDORS, json } from "./helpers";

let app: FastifyInstance;
beforeAll(async () => {
  app = await appOver(CORRIDORS);
});
afterAll(async () => {
  await app.close();
});

const get = (url: string) => app.inject({ method: "GET", url });

async function cliJson(...args: string[]): Promise<unknown> {
  let out = "";
  const code = await runCli(["--data", CORRIDORS, ...args], { out: (s) => (out += s), err: () => {} });
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe("GET /api/v1/health", () => {
  it("reports ok, the version and the dataset's place and link counts", async () => {
    const r = await get("/api/v1/health");
    expect(r.statusCode).toBe(200);
    const body = json<{ status: string; version: string; dataset: { places: number; links: number } }>(r);
    expect(body.status).toBe("ok");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    // 17 non-waypoint places in places/corridors.csv; links.csv rows + ferries
    expect(body.dataset.places).toBe(17);
    expect(body.dataset.links).toBeGreaterThan(15);
  });
});

describe("Server-Timing", () => {
  it("every response says how long the server worked on it", async () => {
    const r = await get("/api/v1/route?from=ori&to=dest");
    expect(r.headers["server-timing"]).toMatch(/^app;dur=\d+\.\d{3}$/);
    expect((await get("/api/v1/nope")).headers["server-timing"]).toMatch(/^app;dur=/);
  });
});

describe("GET /api/v1/places", () => {
  it("finds a place by name, id or prefix, exact matches first", async () => {
    const body = json<{ places: { id: string; name: string; country: string; kind: string; lonDeg: number; latDeg: number }[] }>(await get("/api/v1/places?q=Orient"));
    expect(body.places[0]).toMatchObject({ id: "ori", name: "Orient", country: "CHN", kind: "city", lonDeg: 0, latDeg: 0 });
    const gates = json<{ places: { id: string }[]; total: number }>(await get("/api/v1/places?q=gate&limit=3"));
    expect(gates.places).toHaveLength(3);
    // China, Kaz, KZ North, RU, RU West, EU, AZ, TR, TR West and DE East Gate
    expect(gates.total).toBe(10);
  });

  it("an empty query lists places up to the limit; kind filters", async () => {
    const body = json<{ places: unknown[]; total: number }>(await get("/api/v1/places?limit=5"));
    expect(body.places).toHaveLength(5);
    expect(body.total).toBe(17);
    const ports = json<{ places: { id: string }[] }>(await get("/api/v1/places?kind=seaport"));
    expect(ports.places.map((p) => p.id).sort()).toEqual(["aport", "bport", "dest", "ori"]);
  });

  it("a typo returns no places and did-you-mean suggestions", async () => {
    const r = await get("/api/v1/places?q=Orientt");
    expect(r.statusCode).toBe(200);
    const body = json<{ places: unknown[]; didYouMean: string[] }>(r);
    expect(body.places).toEqual([]);
    expect(body.didYouMean).toContain("ori");
  });

  it("lon,lat resolves to the nearest place; a limit above the cap is E_USAGE", async () => {
    expect(json<{ places: { id: string }[] }>(await get("/api/v1/places?q=54.9,0.1")).places.map((p) => p.id)).toEqual(["dest"]);
    const r = await get("/api/v1/places?limit=101");
    expect(r.statusCode).toBe(400);
    expect(json(r).code).toBe("E_USAGE");
  });
});

describe("GET and POST /api/v1/route", () => {
  it("returns exactly the object of `caravan route --json`", async () => {
    const r = await get("/api/v1/route?from=ori&to=dest&alternatives=3");
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(json(r)).toEqual(await cliJson("route", "ori", "dest", "--alternatives", "3", "--json"));
  });

  it("the North corridor is the best route: 5,530 km through CHN > KAZ > RUS > DEU", async () => {
    const body = json<{ routes: { distanceKm: number; countries: string[] }[] }>(await get("/api/v1/route?from=Orient&to=Destport&optimize=time"));
    expect(body.routes).toHaveLength(1);
    expect(body.routes[0].distanceKm).toBeCloseTo(5530, 6);
    expect(body.routes[0].countries).toEqual(["CHN", "KAZ", "RUS", "DEU"]);
  });

  it("takes every option; format=geojson returns the `--geojson` FeatureCollection", async () => {
    const q = "from=ori&to=dest&avoidCountries=RUS&optimize=time&format=geojson";
    const r = await get(`/api/v1/route?${q}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/geo\+json/);
    expect(json(r)).toEqual(await cliJson("route", "ori", "dest", "--avoid-countries", "RUS", "--optimize", "time", "--geojson"));
    const sea = json<{ routes: { distanceKm: number }[] }>(await get("/api/v1/route?from=ori&to=dest&modes=sea&close=canal&optimize=cost&cargo=teu&year=2030"));
    expect(sea.routes[0].distanceKm).toBe(12000);
  });

  it("POST takes the same fields as JSON, with arrays for lists", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/route", payload: { from: "ori", to: "dest", modes: ["sea"], close: ["canal"], optimize: "cost" } });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual(await cliJson("route", "ori", "dest", "--modes", "sea", "--close", "canal", "--optimize", "cost", "--json"));
  });

  it("an unknown place is 404 E_PLACE_UNKNOWN with did-you-mean", async () => {
    const r = await get("/api/v1/route?from=Orientt&to=dest");
    expect(r.statusCode).toBe(404);
    const body = json<{ code: string; didYouMean: string[] }>(r);
    expect(body.code).toBe("E_PLACE_UNKNOWN");
    expect(body.didYouMean).toContain("ori");
  });

  it("bad options: unknown mode, country, enum value or parameter name are 400 with suggestions", async () => {
    const cases: [string, string, string][] = [
      ["modes=rial", "E_MODE_UNKNOWN", "rail"],
      ["avoidCountries=RUZ", "E_COUNTRY_UNKNOWN", "RUS"],
      ["optimize=tme", "E_USAGE", "time"],
      ["alternative=2", "E_USAGE", "alternatives"],
      ["cargo=fue", "E_CARGO_UNKNOWN", "feu"],
    ];
    for (const [q, code, suggestion] of cases) {
      const r = await get(`/api/v1/route?from=ori&to=dest&${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(json(r).code, q).toBe(code);
      expect(json<{ didYouMean: string[] }>(r).didYouMean, q).toContain(suggestion);
    }
    const missing = await get("/api/v1/route?from=ori");
    expect(missing.statusCode).toBe(400);
    expect(json(missing)).toMatchObject({ code: "E_USAGE", message: expect.stringContaining('"to"') });
    const wrongType = await get("/api/v1/route?from=ori&to=dest&year=soon");
    expect(json(wrongType).code).toBe("E_USAGE");
  });

  it("an unreachable pair is 404 E_NO_ROUTE naming the constraint", async () => {
    const r = await get("/api/v1/route?from=ori&to=dest&modes=sea&close=canal,cape");
    expect(r.statusCode).toBe(404);
    expect(json(r)).toMatchObject({ code: "E_NO_ROUTE", message: expect.stringMatching(/chokepoint/) });
  });

  it("more alternatives than the cap is 413 E_LIMIT", async () => {
    const r = await get("/api/v1/route?from=ori&to=dest&alternatives=6");
    expect(r.statusCode).toBe(413);
    expect(json(r).code).toBe("E_LIMIT");
  });
});

describe("GET /api/v1/matrix", () => {
  it("gives time, cost, CO2 and distance matrices of the best routes, zero on the diagonal", async () => {
    const r = await get("/api/v1/matrix?places=ori,steppe,dest&optimize=time");
    expect(r.statusCode).toBe(200);
    const m = json<{ places: { id: string }[]; distanceKm: number[][]; timeH: number[][]; reachable: boolean[][]; unreachablePairs: number }>(r);
    expect(m.places.map((p) => p.id)).toEqual(["ori", "steppe", "dest"]);
    expect(m.distanceKm[0][0]).toBe(0);
    expect(m.distanceKm[0][2]).toBeCloseTo(5530, 6);
    // Orient → Steppe: 1000 + 10 + 1000 km
    expect(m.distanceKm[0][1]).toBeCloseTo(2010, 6);
    expect(m.reachable.flat().every(Boolean)).toBe(true);
    expect(m.unreachablePairs).toBe(0);
    const route = json<{ routes: { timeH: number }[] }>(await get("/api/v1/route?from=ori&to=dest&optimize=time&tripEndDwell=false"));
    expect(m.timeH[0][2]).toBeCloseTo(route.routes[0].timeH, 9);
  });

  it("takes the routing constraints: avoiding the KAZ–RUS crossing makes Orient → Destport the 5,730 km Middle corridor", async () => {
    const m = json<{ distanceKm: number[][] }>(await get("/api/v1/matrix?places=ori,dest&optimize=time&avoidCrossings=kz-ru&modes=rail,road,ferry"));
    expect(m.distanceKm[0][1]).toBeCloseTo(5730, 6);
  });

  it("unreachable pairs are flagged in reachable (figures 0, never null)", async () => {
    const m = json<{ reachable: boolean[][]; timeH: number[][]; unreachablePairs: number }>(await get("/api/v1/matrix?places=ori,dest&modes=sea&close=canal,cape"));
    expect(m.reachable).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(m.timeH[0][1]).toBe(0);
    expect(m.unreachablePairs).toBe(2);
  });

  it("more than 50 places is 413 E_LIMIT; fewer than 2 is E_USAGE; a typo is E_PLACE_UNKNOWN", async () => {
    const many = Array.from({ length: 51 }, () => "ori").join(",");
    expect(json(await get(`/api/v1/matrix?places=${many}`)).code).toBe("E_LIMIT");
    expect(json(await get("/api/v1/matrix?places=ori")).code).toBe("E_USAGE");
    expect(json(await get("/api/v1/matrix?places=ori,Destprot")).code).toBe("E_PLACE_UNKNOWN");
  });
});

describe("GET /api/v1/network/layers, /crossings, /terminals", () => {
  it("layers are GeoJSON LineStrings filtered by mode, status and year", async () => {
    const r = await get("/api/v1/network/layers?mode=rail");
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/geo\+json/);
    const rail = json<{ features: { geometry: { type: string }; properties: { mode: string; gaugeMm: number; status: string } }[] }>(r);
    expect(rail.features.length).toBeGreaterThan(5);
    expect(rail.features.every((f) => f.properties.mode === "rail" && f.geometry.type === "LineString" && [1435, 1520].includes(f.properties.gaugeMm))).toBe(true);
    const ferry = json<{ features: { properties: { id: string; mode: string } }[] }>(await get("/api/v1/network/layers?mode=ferry"));
    expect(ferry.features.map((f) => f.properties.mode)).toEqual(["ferry"]);
    // the planned 1,500 km Volga bypass (2030) appears from 2030 on, not today
    const planned = json<{ features: { properties: { status: string; openYear: number } }[] }>(await get("/api/v1/network/layers?status=planned"));
    expect(planned.features.length).toBeGreaterThan(0);
    const today = json<{ features: { properties: { status: string } }[] }>(await get("/api/v1/network/layers?year=2026"));
    expect(today.features.some((f) => f.properties.status === "planned")).toBe(false);
    const later = json<{ features: { properties: { status: string } }[] }>(await get("/api/v1/network/layers?year=2030"));
    expect(later.features.length).toBe(today.features.length + planned.features.length);
  });

  it("an unknown mode is E_USAGE with a suggestion", async () => {
    const r = await get("/api/v1/network/layers?mode=rial");
    expect(r.statusCode).toBe(400);
    expect(json<{ didYouMean: string[] }>(r).didYouMean[0]).toBe("rail");
  });

  it("crossings carry dwell by direction, coordinates and resolved sources", async () => {
    const body = json<{ crossings: { id: string; countries: string[]; dwell: { medianH: number; sources: { ref: string; title: string }[] }[]; lonDeg: number; sources: unknown[] }[] }>(
      await get("/api/v1/crossings"),
    );
    const cnkz = body.crossings.find((c) => c.id === "cn-kz")!;
    expect(cnkz.countries).toEqual(["CHN", "KAZ"]);
    expect(cnkz.dwell.map((d) => d.medianH)).toEqual([20, 20]);
    expect(cnkz.lonDeg).toBeCloseTo(10.05, 9);
    expect(cnkz.dwell[0].sources[0].ref).toMatch(/^(src|estimate):/);
    const kaz = json<{ crossings: { countries: string[] }[] }>(await get("/api/v1/crossings?country=kaz"));
    expect(kaz.crossings.every((c) => c.countries.includes("KAZ"))).toBe(true);
  });

  it("terminals carry handling figures and sources; filter by type", async () => {
    const body = json<{ terminals: { type: string; handlingTimeH: number; handlingCostUsdPerFeu: number }[] }>(await get("/api/v1/terminals?type=gauge_change"));
    expect(body.terminals.length).toBe(3);
    expect(body.terminals.every((t) => t.type === "gauge_change" && t.handlingTimeH === 5 && t.handlingCostUsdPerFeu === 200)).toBe(true);
  });
});

describe("ETags of the read-only views", () => {
  it("places, layers, crossings and terminals carry an ETag; If-None-Match with it is 304 with no body", async () => {
    for (const url of ["/api/v1/network/layers?mode=rail", "/api/v1/crossings", "/api/v1/terminals", "/api/v1/places?q=ori"]) {
      const first = await get(url);
      const etag = first.headers.etag as string;
      expect(etag, url).toMatch(/^"[\w-]+"$/);
      const again = await app.inject({ method: "GET", url, headers: { "if-none-match": etag } });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe("");
    }
    expect((await get("/api/v1/network/layers?mode=road")).headers.etag).not.toBe((await get("/api/v1/network/layers?mode=rail")).headers.etag);
    expect((await get("/api/v1/route?from=ori&to=dest")).headers.etag).toBeUndefined();
  });
});

describe("unknown paths", () => {
  it("are 404 E_NOT_FOUND with the closest API path suggested", async () => {
    const r = await get("/api/v1/rout?from=ori&to=dest");
    expect(r.statusCode).toBe(404);
    expect(json(r)).toMatchObject({ code: "E_NOT_FOUND", didYouMean: expect.arrayContaining(["/api/v1/route"]) });
  });
});
