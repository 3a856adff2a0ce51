/**
 * The basis of the classes' value of time in the corridor assignment (option votMedian) and the deep-sea share of
 * the lanes, on testbot (test/fixtures/testbot/README.md): Portia → Gamma has a fast dear rail corridor and a slow
 * cheap sea corridor through the Narrows. "carrying-cost" takes the cargo value × 28.3 % a year per hour, far below
 * the profile's 1 % a day, and that moves the lane from rail to sea exactly when the break-even value of time lies
 * between the two.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CARRYING_COST_RATE_PER_YEAR, CARRYING_COST_SPREAD, type CorridorProblem, corridorProblem, VOT_SPREAD_DEFAULT } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { baseClass, choiceSummary, corridorSummary, formatCorridorSummary, laneSplits } from "../../src/assignment/corridor-report";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import type { AssignmentResult } from "../../src/assignment/state";
import { runCli } from "../../src/cli/main";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/index";

const root = resolve(__dirname, "../..");
const data = join(root, "test/fixtures/testbot");
const net = openNetwork(data, { cacheDir: false });
const DEMAND_T = 1000;
const csv = `origin,destination,class,amount,source\nportia,gamma,container,${DEMAND_T},src:testbot-manual\n`;
const demand = () => parseDemandCsv(csv, "d.csv");
const feu = net.network.cargo.find((c) => c.id === "feu");
const railT = (cp: CorridorProblem, r: AssignmentResult) => crossingVolumes(cp, r).find((c) => c.crossing === "gate-crossing")?.totalT ?? 0;

/** Time (h) and charge (USD per FEU) of the one path the single class uses. */
function pathOf(cp: CorridorProblem, r: AssignmentResult): { timeH: number; costUsd: number } {
  let timeH = 0;
  let costUsd = 0;
  for (let a = 0; a < net.graph.arcCount; a++) {
    const p = cp.problemArcOf[a];
    if (!(r.classFlow[0][p] > 0)) continue;
    timeH += cp.freeFlowTimeH[a];
    costUsd += cp.problem.classes[0].fixedCost[p] * cp.classValueOfTimeUsdPerH[0];
  }
  return { timeH, costUsd };
}

describe("value-of-time basis of the corridor assignment", () => {
  it("carrying-cost: the cargo value × √(0.2 × 0.4) a year per hour; profile (default): the cargo profile's; an explicit value wins", () => {
    expect(CARRYING_COST_RATE_PER_YEAR).toBeCloseTo(0.28284, 5);
    const valueUsd = feu?.valueUsd.value ?? Number.NaN;
    const profileVot = feu?.valueOfTimeUsdPerH.value ?? Number.NaN;
    const byDefault = corridorProblem(net, demand());
    expect(byDefault.votMedian).toBe("profile");
    expect(byDefault.classValueOfTimeUsdPerH[0]).toBe(profileVot);
    const cc = corridorProblem(net, demand(), { votMedian: "carrying-cost" });
    expect(cc.votMedian).toBe("carrying-cost");
    expect(cc.classValueOfTimeUsdPerH[0]).toBeCloseTo((valueUsd * 0.2828427) / 8760, 6);
    expect(cc.classValueOfTimeUsdPerH[0]).toBeLessThan(profileVot / 5);
    // the fixed costs in hours scale with 1 / value of time
    const a = cc.problem.classes[0].fixedCost.findIndex((x, i) => Number.isFinite(x) && x > 0 && byDefault.problem.classes[0].fixedCost[i] > 0);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(cc.problem.classes[0].fixedCost[a] / byDefault.problem.classes[0].fixedCost[a]).toBeCloseTo(profileVot / cc.classValueOfTimeUsdPerH[0], 9);
    // segments spread around the carrying cost as around the profile's value; by default with the 20–40 % range's σ
    const five = corridorProblem(net, demand(), { votMedian: "carrying-cost", votSegments: 5, votSpread: 0.5 });
    expect(five.classValueOfTimeUsdPerH[2]).toBeCloseTo(cc.classValueOfTimeUsdPerH[0], 9);
    expect(five.vot.spread).toBe(0.5);
    expect(CARRYING_COST_SPREAD).toBeCloseTo(Math.log(2) / 2 / 1.2815516, 6);
    const ccFive = corridorProblem(net, demand(), { votMedian: "carrying-cost", votSegments: 5 });
    expect(ccFive.vot.spread).toBe(CARRYING_COST_SPREAD);
    // with 5 segments the 1st and the 5th take the 10th and 90th percentiles: 20 % and 40 % a year, a factor 2
    expect(ccFive.classValueOfTimeUsdPerH[4] / ccFive.classValueOfTimeUsdPerH[0]).toBeCloseTo(Math.exp(2 * CARRYING_COST_SPREAD * 1.2815516), 6);
    expect(Math.exp(2 * CARRYING_COST_SPREAD * 1.2815516)).toBeCloseTo(2, 6);
    expect(corridorProblem(net, demand(), { votSegments: 5 }).vot.spread).toBe(VOT_SPREAD_DEFAULT);
    expect(corridorProblem(net, demand(), { votMedian: "carrying-cost", valueOfTimeUsdPerH: { feu: 7 } }).classValueOfTimeUsdPerH[0]).toBe(7);
    expect(() => corridorProblem(net, demand(), { votMedian: "nonsense" as never })).toThrow(CaravanError);
    // containers only: a bulk class keeps its profile's value of time
    const mixed = corridorProblem(net, parseDemandCsv(`${csv}portia,gamma,bulk,${DEMAND_T},src:testbot-manual\n`, "m.csv"), { votMedian: "carrying-cost" });
    const bulk = net.network.cargo.find((c) => c.id === "bulk");
    expect(mixed.classIds).toEqual(["container", "bulk"]);
    expect(mixed.classValueOfTimeUsdPerH[0]).toBe(cc.classValueOfTimeUsdPerH[0]);
    expect(mixed.classValueOfTimeUsdPerH[1]).toBe(bulk?.valueOfTimeUsdPerH.value);
  });

  it("moves Portia → Gamma from rail to sea when the break-even value of time lies between the two bases", () => {
    const fastCp = corridorProblem(net, demand(), { valueOfTimeUsdPerH: { feu: 1e6 } });
    const fast = pathOf(fastCp, solve(fastCp.problem, "b", { gap: 1e-10 }));
    const slowCp = corridorProblem(net, demand(), { valueOfTimeUsdPerH: { feu: 1e-6 } });
    const slow = pathOf(slowCp, solve(slowCp.problem, "b", { gap: 1e-10 }));
    const vStar = (fast.costUsd - slow.costUsd) / (slow.timeH - fast.timeH);
    const profile = corridorProblem(net, demand());
    const cc = corridorProblem(net, demand(), { votMedian: "carrying-cost" });
    // on testbot the break-even lies between the carrying cost and the profile's value of time
    expect(cc.classValueOfTimeUsdPerH[0]).toBeLessThan(vStar);
    expect(profile.classValueOfTimeUsdPerH[0]).toBeGreaterThan(vStar);
    const rp = solve(profile.problem, "b", { gap: 1e-10 });
    const rc = solve(cc.problem, "b", { gap: 1e-10 });
    expect(railT(profile, rp)).toBeCloseTo(DEMAND_T, 6);
    expect(railT(cc, rc)).toBe(0);
    expect(laneSplits(cc, rc)?.lanes[0].seaShare).toBeCloseTo(1, 9);
    const text = formatCorridorSummary(corridorSummary(cc, rc, "d.csv", 0));
    expect(text).toMatch(/one per class \(carrying cost\); carrying cost: 28\.3 % of the cargo value a year/);
    expect(choiceSummary(cc, rc).votMedian).toBe("carrying-cost");
  });

  it("deep-sea share: the tonnes that cross the named chokepoints; none where the network has none of them", () => {
    const cp = corridorProblem(net, demand(), { votMedian: "carrying-cost" });
    const r = solve(cp.problem, "b", { gap: 1e-10 });
    // testbot has no Suez or Cape: the default finds no deep-sea chokepoint
    const byDefault = laneSplits(cp, r);
    expect(byDefault?.deepSeaChokepoints).toEqual([]);
    expect(byDefault?.lanes[0].deepSeaShare).toBe(0);
    expect(byDefault?.deepSeaShareByDemandClass.container).toBe(0);
    // the sea corridor passes the Narrows: every sailing tonne crosses it
    const narrows = laneSplits(cp, r, ["narrows", "no-such-chokepoint"]);
    expect(narrows?.deepSeaChokepoints).toEqual(["narrows"]);
    expect(narrows?.lanes[0].deepSeaShare).toBeCloseTo(1, 9);
    // on rail (the profile's value of time) no tonne crosses it
    const railCp = corridorProblem(net, demand());
    const railR = solve(railCp.problem, "b", { gap: 1e-10 });
    expect(laneSplits(railCp, railR, ["narrows"])?.deepSeaShareByDemandClass.container).toBe(0);
  });

  it("assign --vot-median carrying-cost reaches the JSON summary; another value is a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-vot-median-"));
    try {
      const file = join(dir, "d.csv");
      writeFileSync(file, csv);
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
      expect(await runCli(["--data", data, "assign", "--no-store", "--demand", file, "--vot-median", "carrying-cost", "--json"], io)).toBe(0);
      const s = JSON.parse(out.join(""));
      expect(s.choice.votMedian).toBe("carrying-cost");
      expect(s.choice.classes[0].valueOfTimeUsdPerH).toBeCloseTo(((feu?.valueUsd.value ?? Number.NaN) * CARRYING_COST_RATE_PER_YEAR) / 8760, 9);
      expect(s.lanes.lanes[0].seaShare).toBeCloseTo(1, 9);
      out.length = 0;
      expect(await runCli(["--data", data, "assign", "--no-store", "--demand", file, "--vot-median", "median"], io)).not.toBe(0);
      expect(err.join("")).toMatch(/E_USAGE.*--vot-median/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("calibrate --vot-median with a misspelt basis is a usage error naming the one meant, as assign's", async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await runCli(["--data", data, "calibrate", "--vot-median", "carying-cost"], io)).not.toBe(0);
    expect(err.join("")).toMatch(/caravan: E_USAGE: --vot-median must be profile or carrying-cost, got "carying-cost"/);
    expect(err.join("")).toMatch(/did you mean: carrying-cost\?/);
  });
});

describe("calibrate with the carrying-cost value of time (testbot)", () => {
  it("the volume rows come from the assignment with the chosen basis: Portia → Gamma's tonnes leave the rail crossing", async () => {
    const { calibrate } = await import("../../src/calibration/index");
    const { readObservationsFile } = await import("../../src/network/observations");
    const dir = mkdtempSync(join(tmpdir(), "caravan-vot-median-cal-"));
    try {
      const demandPath = join(dir, "d.csv");
      writeFileSync(demandPath, csv);
      const obsPath = join(dir, "obs.yaml");
      writeFileSync(
        obsPath,
        `demand: ${demandPath}
year: null
observations:
  - id: gate-volume
    metric: volume
    unit: Mt
    description: "Portia → Gamma's tonnes over the gate crossing"
    volume: { kind: crossings, ids: [gate-crossing] }
    low: 0.0009
    high: 0.0011
    year: 2024
    source: [src:testbot-manual]
`,
      );
      const files = [readObservationsFile(obsPath)];
      const volume = (rep: ReturnType<typeof calibrate>) => rep.rows.find((r) => r.id === "gate-volume")?.model ?? Number.NaN;
      const byProfile = calibrate(net, files, { demandPath, votSegments: 1 });
      expect(volume(byProfile)).toBeCloseTo(DEMAND_T / 1e6, 9); // all by rail: inside the range
      const byCarryingCost = calibrate(net, files, { demandPath, votSegments: 1, corridor: { votMedian: "carrying-cost" } });
      expect(volume(byCarryingCost)).toBe(0); // all by sea
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("transit report by demand class", () => {
  it("a user class of transit bans counts with its demand class (the text report's container and bulk columns)", () => {
    expect(baseClass("container")).toBe("container");
    expect(baseClass("container@vot2")).toBe("container");
    expect(baseClass("bulk|pakistan-transit-india")).toBe("bulk");
    expect(baseClass("bulk@vot5|ban-a,ban-b")).toBe("bulk");
  });
});
