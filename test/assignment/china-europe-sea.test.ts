/**
 * The China⇄Europe sea container block (data/eurasia/demand/china-europe-sea-2023.csv, block K) beside the 2024
 * corridor demand: the block adds up to its sourced totals, and the assignment of the whole lane (rail rows of block A
 * plus the sea rows) decomposes into per-commodity flows that transit by country and the lane splits can order.
 * Before Algorithm B left rounding residue out of the per-commodity flows, this demand stopped with E_GRAPH_INVARIANT
 * ("commodity … has a cycle"): an arc kept ~1e-10 t after the arc feeding it had been clamped to 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { type DemandTable, readDemandCsv } from "../../src/assignment/corridor-demand";
import { laneSplits } from "../../src/assignment/corridor-report";
import { transitTable } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { openNetwork } from "../../src/network/open";

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
const baseFile = join(real, "demand", "corridors-2024.csv");
const seaFile = join(real, "demand", "china-europe-sea-2023.csv");
const HAS = existsSync(baseFile) && existsSync(seaFile);
if (!HAS) console.warn("skipping the China–Europe sea demand test: data/eurasia/demand files are absent");

const CN_PORTS = ["shanghai", "ningbo", "shenzhen", "qingdao", "tianjin", "guangzhou"];

describe.skipIf(!HAS)("China⇄Europe containers by sea beside the corridor demand (data/eurasia)", () => {
  const sea = readDemandCsv(seaFile);

  it("block K adds up to CTS 2023 × 10 t per TEU: China→Europe 12.5 m TEU, Europe→China 3.2 m TEU, each Chinese port a sixth", () => {
    const west = sea.rows.filter((r) => CN_PORTS.includes(r.origin));
    const east = sea.rows.filter((r) => CN_PORTS.includes(r.destination));
    expect(west.length + east.length).toBe(sea.rows.length);
    const sum = (rows: typeof west): number => rows.reduce((s, r) => s + r.amountT, 0);
    expect(Math.abs(sum(west) - 12_500_000 * 10)).toBeLessThan(west.length);
    expect(Math.abs(sum(east) - 3_200_000 * 10)).toBeLessThan(east.length);
    for (const port of CN_PORTS) expect(sum(west.filter((r) => r.origin === port)) / sum(west)).toBeCloseTo(1 / 6, 5);
    for (const r of sea.rows) {
      expect(r.classId).toBe("container");
      expect(r.source).toContain("src:demand-jiffa-cts-asia-europe-2023");
    }
  });

  it("the lane's total demand assigns with per-commodity flows that reach no node without flow into it (transit and lane splits computed)", () => {
    const net = openNetwork(real, { cacheDir: false });
    const base = readDemandCsv(baseFile);
    const total: DemandTable = { file: "corridors-2024.csv + china-europe-sea-2023.csv", rows: [...base.rows, ...sea.rows] };
    const cp = corridorProblem(net, total, { year: null });
    const result = solve(cp.problem, "b", { gap: 1e-6 });
    const cf = result.commodityFlow;
    expect(cf).not.toBeNull();
    const { graph, commodities, reverse } = cp.problem;
    const m = graph.arcCount;
    let orphans = 0;
    for (let k = 0; k < commodities.count; k++) {
      const base = k * m;
      for (let a = 0; a < m; a++) {
        if (!(cf![base + a] > 0)) continue;
        const u = graph.tail[a];
        if (u === commodities.origin[k]) continue;
        let inflow = 0;
        for (let q = reverse.firstIn[u]; q < reverse.firstIn[u + 1]; q++) inflow += Math.max(0, cf![base + reverse.inArc[q]]);
        if (inflow === 0) orphans++;
      }
    }
    expect(orphans).toBe(0);
    const transit = transitTable(cp, result);
    expect(transit).not.toBeNull();
    const kaz = transit!.find((r) => r.country === "KAZ");
    expect(kaz).toBeDefined();
    const lanes = laneSplits(cp, result);
    expect(lanes).not.toBeNull();
    // most of the sea block sails: the ports' containers have the sea at their door
    expect(lanes!.seaShareByDemandClass.container).toBeGreaterThan(0.5);
    // but most of them do not sail the whole way: with the profile's value of time (1 % of the cargo value a day) the
    // land bridges (rail to St Petersburg, a ship to the Russian Far East and the Trans-Siberian) take most of the
    // lane, so fewer container tonnes pass Suez or the Cape than touch the sea (docs/calibration.md)
    expect(lanes!.deepSeaChokepoints).toEqual(["suez", "cape"]);
    expect(lanes!.deepSeaShareByDemandClass.container).toBeLessThan(0.5);
    expect(lanes!.deepSeaShareByDemandClass.container).toBeLessThan(lanes!.seaShareByDemandClass.container - 0.25);
  }, 120_000);
});
