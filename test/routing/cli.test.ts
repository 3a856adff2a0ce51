/**
 * `caravan route` and `caravan matrix` through runCli on the "corridors" fixture
 * (test/fixtures/routing/corridors/README.md): exit statuses, error codes, JSON/GeoJSON/CSV shapes.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORRIDORS, runOn } from "./helpers";

const run = (...args: string[]) => runOn(CORRIDORS, ...args);

describe("caravan route", () => {
  it("prints a readable table with a summary line, legs, events and countries", async () => {
    const { code, out } = await run("route", "Orient", "Destport", "--no-trip-end-dwell");
    expect(code).toBe(0);
    expect(out).toMatch(/Orient → Destport: 1 route/);
    expect(out).toMatch(/#1 .* 5,530 km/);
    expect(out).toMatch(/#1 .*\(168\.2 h, P90 7\.0 d\)/);
    expect(out).not.toMatch(/terminal_dwell/);
    // by default a route includes the dwell at both trip ends, listed as events: 2 h at each terminal here
    const dflt = await run("route", "Orient", "Destport");
    expect(dflt.out).toMatch(/#1 .*\(172\.1 h, P90 7\.2 d\)/);
    expect(dflt.out).toMatch(/terminal_dwell\s+Orient\s+2\.0\s+2\.0\s+100/);
    expect(dflt.out).toMatch(/terminal_dwell\s+Destport\s+2\.0\s+2\.0\s+100/);
    // event columns: h, P90 h (the median where a crossing has no high dwell figure), USD, ref
    expect(out).toMatch(/border\s+China Gate\s+20\.0\s+20\.0\s+100\s+cn-kz/);
    expect(out).toMatch(/countries: CHN > KAZ > RUS > DEU/);
  });

  it("--month now is the current month (UTC); another word is E_USAGE", async () => {
    const month = String(new Date().getUTCMonth() + 1);
    const now = await run("route", "ori", "dest", "--month", "now", "--json");
    const named = await run("route", "ori", "dest", "--month", month, "--json");
    expect(now.code).toBe(0);
    expect(now.out).toBe(named.out);
    const bad = await run("route", "ori", "dest", "--month", "soon");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/E_USAGE/);
  });

  it("--json prints exactly the documented shape", async () => {
    const { code, out } = await run("route", "ori", "dest", "--alternatives", "3", "--json");
    expect(code).toBe(0);
    const body = JSON.parse(out);
    expect(body.from).toBe("ori");
    expect(body.to).toBe("dest");
    expect(body.routes).toHaveLength(3);
    const r = body.routes[0];
    for (const key of ["rank", "timeH", "timeP90H", "costUsd", "co2Kg", "distanceKm", "countries", "transitCountries", "legs", "events"]) expect(r).toHaveProperty(key);
    expect(Object.keys(r.legs[0])).toEqual(expect.arrayContaining(["mode", "from", "to", "distanceKm", "timeH", "costUsd", "co2Kg"]));
    expect(Object.keys(r.events[0])).toEqual(expect.arrayContaining(["type", "at", "timeH", "timeP90H", "costUsd"]));
  });

  it("--geojson prints a FeatureCollection of LineStrings", async () => {
    const { code, out } = await run("route", "ori", "dest", "--avoid-countries", "RUS", "--optimize", "time", "--geojson");
    expect(code).toBe(0);
    const body = JSON.parse(out);
    expect(body.type).toBe("FeatureCollection");
    expect(body.features.map((f: { properties: { mode: string } }) => f.properties.mode)).toEqual(["rail", "ferry", "rail"]);
    expect(body.features[0].geometry.type).toBe("LineString");
  });

  it("takes every constraint option", async () => {
    const { code, out } = await run("route", "ori", "dest", "--modes", "sea", "--close", "canal", "--optimize", "cost", "--cargo", "teu", "--year", "2030", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(out).routes[0].distanceKm).toBe(12000);
  });

  it("an unknown place exits 2 with E_PLACE_UNKNOWN and a suggestion", async () => {
    const { code, err } = await run("route", "Orientt", "dest");
    expect(code).toBe(2);
    expect(err).toMatch(/E_PLACE_UNKNOWN/);
    expect(err).toMatch(/did you mean: .*ori/);
  });

  it("an unreachable pair exits 1 with E_NO_ROUTE naming the constraint, without a stack trace", async () => {
    const { code, err } = await run("route", "ori", "dest", "--modes", "sea", "--close", "canal,cape");
    expect(code).toBe(1);
    expect(err).toMatch(/E_NO_ROUTE/);
    expect(err).toMatch(/closed chokepoints/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["--close", "canel"], 2, "E_CHOKEPOINT_UNKNOWN"],
    [["--modes", "tram"], 2, "E_MODE_UNKNOWN"],
    [["--cargo", "reefer"], 2, "E_CARGO_UNKNOWN"],
    [["--year", "soon"], 2, "E_USAGE"],
    [["--alternatives", "0"], 2, "E_USAGE"],
    [["--avoid-countries", "XXX"], 2, "E_COUNTRY_UNKNOWN"],
  ])("rejects %j with exit %i and %s", async (args, exit, code) => {
    const result = await run("route", "ori", "dest", ...args);
    expect(result.code).toBe(exit);
    expect(result.err).toContain(code);
  });
});

describe("caravan matrix", () => {
  it("prints a CSV with one row per ordered pair and empty cells for unreachable pairs", async () => {
    const { code, out } = await run("matrix", "--places", "ori,dest,aport", "--modes", "sea");
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("from,to,timeH,costUsd,co2Kg,distanceKm");
    expect(lines).toHaveLength(1 + 9);
    expect(lines).toContain("ori,dest,320.00,1600.00,1600.00,8000.0");
    expect(lines).toContain("ori,aport,,,,");
    expect(lines).toContain("ori,ori,0.00,0.00,0.00,0.0");
  });

  it("agrees with `route` on every pair", async () => {
    const { out } = await run("matrix", "--places", "ori,dest,anat", "--optimize", "cost");
    for (const line of out.trim().split("\n").slice(1)) {
      const [from, to, , costUsd] = line.split(",");
      if (from === to) continue;
      // the matrix reports the line haul (no trip-end dwell), as route does with --no-trip-end-dwell
      const route = JSON.parse((await run("route", from, to, "--optimize", "cost", "--no-trip-end-dwell", "--json")).out);
      expect(Number(costUsd)).toBeCloseTo(route.routes[0].costUsd, 2);
    }
  });

  it("--out writes the file atomically and --all-cities takes every city", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "caravan-matrix-")), "od.csv");
    const { code } = await run("matrix", "--all-cities", "--out", file);
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
    // cities of the fixture: ori, steppe, volga, dest, aport, bport, anat
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1 + 7 * 7);
  });
});
