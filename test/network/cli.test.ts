import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { copyTestbot, edit, TESTBOT } from "./helpers";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const status = await runCli(["--data", TESTBOT, ...argv], { out: (s) => (out += s), err: (s) => (err += s) });
  return { status, out, err };
}

describe("caravan places", () => {
  it("lists every non-waypoint place with id, name, country and kinds", async () => {
    const r = await run("places");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^portia\s+Portia\s+CHN\s+city\|seaport/m);
    expect(r.out).not.toMatch(/sea-narrows/);
    expect(r.out).toMatch(/9 place\(s\)/);
  });

  it("searches ids, names, aliases and locodes and prints JSON", async () => {
    const r = await run("places", "zapad", "--json");
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows.map((p: { id: string }) => p.id)).toEqual(["west-gate"]);
    expect(rows[0]).toMatchObject({ name: "West Gate", country: "KAZ", kinds: ["border_station", "rail_terminal"] });
  });

  it("exits 2 with a suggestion for an unknown place", async () => {
    const r = await run("places", "Gamna");
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/E_PLACE_UNKNOWN/);
    expect(r.err).toMatch(/did you mean: gamma/);
  });
});

describe("caravan network", () => {
  it("validate reports a valid dataset and exits 0", async () => {
    const r = await run("network", "validate");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/valid — .* 10 places, 9 links/);
  });

  it("validate lists every problem with file, line and field and exits 1", async () => {
    const dir = copyTestbot();
    edit(dir, "places/testbot.csv", "alpha,Alpha,,CHN,4,0", "alpha,Alpha,,CHN,four,0");
    edit(dir, "ferries/testbot.yaml", "source: [src:testbot-manual]", "source: [src:nowhere]");
    let out = "";
    let err = "";
    const status = await runCli(["--data", dir, "network", "validate"], { out: (s) => (out += s), err: (s) => (err += s) });
    expect(status).toBe(1);
    expect(out).toMatch(/places\/testbot\.csv:3: field "lonDeg"/);
    expect(out).toMatch(/ferries\/testbot\.yaml:12: field "source\.0"/);
    expect(err).toMatch(/problem\(s\)/);
  });

  it("stats counts links by mode and the share of estimated distances", async () => {
    const r = await run("network", "stats", "--json");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.linksByMode).toEqual({ rail: 6, road: 1, sea: 2 });
    expect(s.linksByStatus).toEqual({ open: 8, planned: 1 });
    expect(s.kmByMode.rail).toBe(1810);
    expect(s.kmByMode.ferry).toBe(300);
    expect(s.estimatedLinks).toBe(1);
    expect(s.nonWaypointPlaces).toBe(9);
    expect(s.compiledArcs).toBe(60);
    const text = await run("network", "stats");
    expect(text.out).toMatch(/estimated distances: 1 of 9 links \(11\.1 %\)/);
  });

  it("export --format geojson writes places as points and links and ferries as lines, atomically to --out", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "caravan-export-")), "net.geojson");
    const r = await run("network", "export", "--format", "geojson", "--out", out);
    expect(r.status).toBe(0);
    const fc = JSON.parse(readFileSync(out, "utf8"));
    expect(fc.type).toBe("FeatureCollection");
    const points = fc.features.filter((f: { geometry: { type: string } }) => f.geometry.type === "Point");
    const lines = fc.features.filter((f: { geometry: { type: string } }) => f.geometry.type === "LineString");
    expect(points).toHaveLength(10);
    expect(lines).toHaveLength(10); // 9 links + 1 ferry
    const border = lines.find((f: { properties: { id: string } }) => f.properties.id === "east-gate-west-gate-rail-1435");
    expect(border.properties).toMatchObject({ mode: "rail", gaugeMm: 1435, distanceKm: 10, status: "open", source: ["src:testbot-manual"] });
    expect(points[0].properties).toMatchObject({ id: "portia", name: "Portia", country: "CHN", kinds: ["city", "seaport"] });
  });

  it("export --format csv prints the links table", async () => {
    const r = await run("network", "export", "--format", "csv");
    expect(r.status).toBe(0);
    const rows = r.out.trim().split("\n");
    expect(rows[0]).toBe("id,from,to,mode,gaugeMm,distanceKm,distanceEstimated,status,openYear,oneway,border,chokepoint,project,source");
    expect(rows).toHaveLength(10);
    expect(rows).toContain("gamma-isla-rail-1520,gamma,isla,rail,1520,500,false,planned,2030,false,,,gamma-isla-line,src:testbot-manual");
  });

  it("export rejects an unknown format with exit 2", async () => {
    const r = await run("network", "export", "--format", "kml");
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/E_USAGE/);
  });

  it("fails with E_FILE_NOT_FOUND for a missing dataset", async () => {
    let err = "";
    const status = await runCli(["--data", join(TESTBOT, "nope"), "network", "stats"], { out: () => {}, err: (s) => (err += s) });
    expect(status).toBe(1);
    expect(err).toMatch(/E_FILE_NOT_FOUND/);
    expect(existsSync(join(TESTBOT, "nope"))).toBe(false);
  });
});
