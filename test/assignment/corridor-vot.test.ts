/**
 * Value-of-time segments in the corridor assignment, hand-checkable on testbot (test/fixtures/testbot/README.md):
 * Portia → Gamma has a fast dear rail corridor and a slow cheap sea corridor. With a few tonnes nothing is congested,
 * so a segment with value of time v takes rail exactly when v > v* = (C_rail − C_sea) / (T_sea − T_rail). With the
 * lognormal's median set to v* · exp(0.3 σ), a segment takes rail when its quantile z_s > −0.3: 3 of 5 segments
 * (z = −1.28, −0.52, 0, 0.52, 1.28), and 1 − Φ(−0.3) = 0.6179 of the tonnes in the limit of many segments.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type CorridorProblem, corridorProblem, normalQuantile, VOT_SPREAD_DEFAULT, votSegments } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { choiceSummary, corridorSummary, formatCorridorSummary, laneSplits } from "../../src/assignment/corridor-report";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import type { AssignmentResult } from "../../src/assignment/state";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/index";
import { runCli } from "../../src/cli/main";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const root = resolve(__dirname, "../..");
const net = openNetwork(join(root, "test/fixtures/testbot"), { cacheDir: false });
const DEMAND_T = 1000;
const demand = () => parseDemandCsv(`origin,destination,class,amount,source\nportia,gamma,container,${DEMAND_T},src:testbot-manual\n`, "d.csv");

/** Time (h) and charge (USD per FEU) of the one path class 0 uses, from the problem's own arrays. */
function pathOf(cp: CorridorProblem, r: AssignmentResult): { timeH: number; costUsd: number } {
  let timeH = 0;
  let costUsd = 0;
  for (let a = 0; a < net.graph.arcCount; a++) {
    const p = cp.problemArcOf[a];
    const f = r.classFlow[0][p];
    if (!(f > 0)) continue;
    expect(f).toBeCloseTo(DEMAND_T, 6); // one path carries everything
    timeH += cp.freeFlowTimeH[a];
    costUsd += cp.problem.classes[0].fixedCost[p] * cp.classValueOfTimeUsdPerH[0];
  }
  return { timeH, costUsd };
}

const railT = (cp: CorridorProblem, r: AssignmentResult) => crossingVolumes(cp, r).find((c) => c.crossing === "gate-crossing")?.totalT ?? 0;

describe("value-of-time segments", () => {
  it("normal quantiles and segment multipliers", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.281552, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    const s = votSegments(5, 0.5);
    expect([...s.z].map((z) => Number(z.toFixed(4)))).toEqual([-1.2816, -0.5244, 0, 0.5244, 1.2816]);
    expect(s.multiplier[2]).toBe(1); // the median segment keeps the class's value of time
    expect(s.multiplier[0] * s.multiplier[4]).toBeCloseTo(1, 12); // symmetric on the log scale
    expect([...s.share].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(votSegments(1, 0.5).spread).toBe(0);
    expect(VOT_SPREAD_DEFAULT).toBeCloseTo(Math.log(3.5) / 2 / 1.2815516, 6);
    expect(() => votSegments(0, 0.5)).toThrow(CaravanError);
    expect(() => votSegments(3, -1)).toThrow(CaravanError);
  });

  it("keeps one class per demand class by default", () => {
    const cp = corridorProblem(net, demand());
    expect(cp.classIds).toEqual(["container"]);
    expect(cp.vot.count).toBe(1);
  });

  it("splits a lane between rail and sea as the share of segments above the break-even value of time", () => {
    // the two paths, read from the model at extreme values of time
    const fastCp = corridorProblem(net, demand(), { valueOfTimeUsdPerH: { feu: 1e6 } });
    const fast = pathOf(fastCp, solve(fastCp.problem, "b", { gap: 1e-10 }));
    const slowCp = corridorProblem(net, demand(), { valueOfTimeUsdPerH: { feu: 1e-6 } });
    const slowR = solve(slowCp.problem, "b", { gap: 1e-10 });
    const slow = pathOf(slowCp, slowR);
    expect(railT(slowCp, slowR)).toBe(0); // the cheap path is the sea corridor
    expect(slow.timeH).toBeGreaterThan(fast.timeH);
    expect(fast.costUsd).toBeGreaterThan(slow.costUsd);
    const vStar = (fast.costUsd - slow.costUsd) / (slow.timeH - fast.timeH);

    const sigma = 0.5;
    const median = vStar * Math.exp(0.3 * sigma);
    const run = (segments: number) => {
      const cp = corridorProblem(net, demand(), { valueOfTimeUsdPerH: { feu: median }, votSegments: segments, votSpread: sigma });
      const r = solve(cp.problem, "b", { gap: 1e-10 });
      return { cp, r, share: railT(cp, r) / DEMAND_T };
    };
    const five = run(5);
    expect(five.cp.classIds).toEqual(["container@vot1", "container@vot2", "container@vot3", "container@vot4", "container@vot5"]);
    expect(five.share).toBeCloseTo(3 / 5, 6);
    // the two lowest segments sail, the three highest take the train
    const byClass = crossingVolumes(five.cp, five.r).find((c) => c.crossing === "gate-crossing")?.byClassT ?? {};
    expect(Object.keys(byClass).sort()).toEqual(["container@vot3", "container@vot4", "container@vot5"]);
    // the lane report: one lane, 2/5 of its tonnes by sea
    const lanes = laneSplits(five.cp, five.r);
    expect(lanes?.lanes).toHaveLength(1);
    expect(lanes?.lanes[0]).toMatchObject({ demandClass: "container", origin: "portia", destination: "gamma" });
    expect(lanes?.lanes[0].seaShare).toBeCloseTo(2 / 5, 6);
    expect(lanes?.splitLanes).toBe(1);
    expect(lanes?.seaShareByDemandClass.container).toBeCloseTo(2 / 5, 6);
    // many segments approach the lognormal's share 1 − Φ(−0.3) = Φ(0.3)
    const many = run(100);
    expect(Math.abs(many.share - 0.6179114)).toBeLessThanOrEqual(1 / 100);
    // one segment at the median: all rail (median > v*)
    expect(run(1).share).toBeCloseTo(1, 9);
  });

  it("reports the segments and their mode mix in the summary", () => {
    const cp = corridorProblem(net, demand(), { votSegments: 3, votSpread: 1 });
    const r = solve(cp.problem, "b", { gap: 1e-8 });
    const choice = choiceSummary(cp, r);
    expect(choice.votSegments).toBe(3);
    expect(choice.votSpread).toBe(1);
    expect(choice.classes.map((c) => c.demandClass)).toEqual(["container", "container", "container"]);
    const feuVot = net.network.cargo.find((c) => c.id === "feu")?.valueOfTimeUsdPerH.value ?? Number.NaN;
    expect(choice.classes[1].valueOfTimeUsdPerH).toBeCloseTo(feuVot, 9);
    const shares = Object.values(choice.modeShareByDemandClass.container);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const text = formatCorridorSummary(corridorSummary(cp, r, "d.csv", 0));
    expect(text).toMatch(/3 lognormal segments per class, σ 1\.000/);
    expect(text).toMatch(/container@vot3/);
  });

  it("notes where lanes split between land and sea at the profile's value of time, not at the carrying cost", () => {
    const note = /note: these lanes choose between land and sea at the cargo profile's value of time/;
    const cp = corridorProblem(net, demand(), { votSegments: 3, votSpread: 1 });
    const r = solve(cp.problem, "b", { gap: 1e-8 });
    expect(laneSplits(cp, r)?.splitLanes).toBeGreaterThan(0);
    expect(formatCorridorSummary(corridorSummary(cp, r, "d.csv", 0))).toMatch(note);
    // one segment: the lane is not split, nothing to note
    const one = corridorProblem(net, demand());
    const oneR = solve(one.problem, "b", { gap: 1e-8 });
    expect(laneSplits(one, oneR)?.splitLanes).toBe(0);
    expect(formatCorridorSummary(corridorSummary(one, oneR, "d.csv", 0))).not.toMatch(note);
    // at the carrying cost the split is the basis the note points to
    const carrying = corridorProblem(net, demand(), { votSegments: 3, votSpread: 1, votMedian: "carrying-cost" });
    const carryingR = solve(carrying.problem, "b", { gap: 1e-8 });
    expect(formatCorridorSummary(corridorSummary(carrying, carryingR, "d.csv", 0))).not.toMatch(note);
  });

  it("assign --vot-segments and --vot-spread reach the JSON summary; a bad count is a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-vot-"));
    try {
      const file = join(dir, "d.csv");
      writeFileSync(file, `origin,destination,class,amount,source\nportia,gamma,container,${DEMAND_T},src:testbot-manual\n`);
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
      const data = join(root, "test/fixtures/testbot");
      expect(await runCli(["--data", data, "assign", "--no-store", "--demand", file, "--vot-segments", "4", "--vot-spread", "0.7", "--json"], io)).toBe(0);
      const s = JSON.parse(out.join(""));
      expect(s.choice.votSegments).toBe(4);
      expect(s.choice.votSpread).toBe(0.7);
      expect(s.classes).toHaveLength(4);
      out.length = 0;
      expect(await runCli(["--data", data, "assign", "--no-store", "--demand", file, "--vot-segments", "0"], io)).not.toBe(0);
      expect(err.join("")).toMatch(/E_USAGE.*value-of-time segments/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
