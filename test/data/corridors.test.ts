/**
 * Named corridors (data/eurasia/corridors.yaml) and their measured distances.
 *
 *   - the file loads against the links, and a corridor naming an unknown link fails with file, line and a
 *     "did you mean";
 *   - every link of a corridor is an open surface link, and every measured distance on a corridor is plausible
 *     against its two places: at least 0.95 × the great circle and at most 2.2 × + 5 km (a cited length is a route length; border posts can share coordinates);
 *   - the coverage rows of `network stats` are recomputed here from the CSV files: measured km = links with a
 *     distanceKm, split km = those whose distanceSource also names an estimate: rule.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { corridorCoverage, loadCorridors } from "../../src/network/corridors";
import { haversineKm } from "../../src/network/geo";
import { loadNetwork } from "../../src/network/load";
import { networkStats } from "../../src/network/report";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const net = loadNetwork(EURASIA);
const named = loadCorridors(EURASIA, net);
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe("named corridors", () => {
  it("load without problems and name the six corridors of the coverage work", () => {
    expect(named.problems).toEqual([]);
    expect(named.corridors.map((c) => c.id).sort()).toEqual(
      ["china-central-asia", "china-europe-northern", "cpec", "instc", "middle-corridor", "russia-china-gateways"].sort(),
    );
  });

  it("hold only open surface links, and every measured corridor distance is plausible against its places", () => {
    const links = new Map(net.links.map((l) => [l.id, l]));
    const places = new Map(net.places.map((p) => [p.id, p]));
    const bad: string[] = [];
    for (const c of named.corridors) {
      for (const id of c.links) {
        const l = links.get(id)!;
        if (l.mode === "air" || l.status !== "open") bad.push(`${c.id}: ${id} is ${l.mode}/${l.status}`);
        if (l.distanceEstimated) continue;
        const a = places.get(l.from)!;
        const b = places.get(l.to)!;
        const gc = haversineKm(a.lonDeg, a.latDeg, b.lonDeg, b.latDeg);
        if (l.distanceKm < 0.95 * gc || l.distanceKm > 2.2 * gc + 5) bad.push(`${id}: ${l.distanceKm} km against ${gc.toFixed(1)} km great circle`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("report the measured share per corridor as recomputed from the link files", () => {
    const rows = new Map<string, Record<string, string>>();
    for (const f of readdirSync(join(EURASIA, "links")).filter((x) => x.endsWith(".csv"))) {
      for (const r of parse(readFileSync(join(EURASIA, "links", f), "utf8"), { columns: true }) as Record<string, string>[]) rows.set(r.id, r);
    }
    const loaded = new Map(net.links.map((l) => [l.id, l]));
    const stats = networkStats(net, undefined, named.corridors);
    expect(stats.corridors.map((c) => c.id)).toEqual([...named.corridors.map((c) => c.id), "(all)"]);
    for (const c of named.corridors) {
      let measured = 0;
      let split = 0;
      let total = 0;
      for (const id of c.links) {
        const r = rows.get(id)!;
        const km = r.distanceKm === "" ? loaded.get(id)!.distanceKm : Number(r.distanceKm);
        total += km;
        if (r.distanceKm !== "") {
          measured += km;
          if (r.distanceSource.includes("estimate:")) split += km;
        }
      }
      const row = stats.corridors.find((x) => x.id === c.id)!;
      expect(row.links).toBe(c.links.length);
      expect(row.linkKm).toBe(Math.round(total));
      expect(row.measuredKm).toBe(Math.round(measured));
      expect(row.splitKm).toBe(Math.round(split));
      expect(row.measuredKmShare).toBeCloseTo(measured / total, 9);
    }
    const all = corridorCoverage(net, named.corridors).at(-1)!;
    expect(all.links).toBe(new Set(named.corridors.flatMap((c) => c.links)).size);
  });

  it("measure at least 60 % of the named corridors' link km from published lengths or real geometry", () => {
    const all = corridorCoverage(net, named.corridors).at(-1)!;
    expect(all.id).toBe("(all)");
    expect(all.measuredKmShare).toBeGreaterThanOrEqual(0.6);
  });

  it("refuse an unknown link with file, line and a did-you-mean", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-corridors-"));
    tmp.push(dir);
    cpSync(EURASIA, dir, { recursive: true });
    const text = readFileSync(join(dir, "corridors.yaml"), "utf8").replace("      - dostyk-aktogay-rail-1520\n", "      - dostyk-aktogai-rail-1520\n");
    writeFileSync(join(dir, "corridors.yaml"), text);
    const line = text.split("\n").findIndex((l) => l.includes("dostyk-aktogai")) + 1;
    const { problems } = loadCorridors(dir, loadNetwork(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "E_NETWORK_INVALID", file: "corridors.yaml", line });
    expect(problems[0].message).toContain('did you mean "dostyk-aktogay-rail-1520"');
  });
});
