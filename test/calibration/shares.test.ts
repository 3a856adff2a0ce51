/**
 * Lane shares (`metric: share`): the share of a lane's tonnes that cross land, measured on the observation's own run
 * (its demand files assigned together, its value-of-time basis and rates month). On testbot Portia (CHN) → Gamma
 * (KAZ) has a fast dear rail corridor and a slow cheap sea corridor through the Narrows: with the profile's value of
 * time the lane goes by rail (100 % overland), with the carrying cost by sea (0 %); a second demand file adds Alpha
 * (CHN) → Gamma, which has no sea path. Bad share observations fail with file, line and field. On data/eurasia the
 * China ⇄ EU container shares sit within the flows section's gate of Eurostat's 2019 rail shares.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { laneSplits } from "../../src/assignment/corridor-report";
import { solve } from "../../src/assignment/solve";
import { calibrate, formatCalibrationReport } from "../../src/calibration/index";
import { readDatasetObservations, readObservationsFile } from "../../src/network/observations";
import { openNetwork } from "../../src/network/open";
import { EURASIA_DIR, TESTBOT_DIR, tempFiles, thrown } from "./helpers";

const testbotDir = TESTBOT_DIR;
const eurasiaDir = EURASIA_DIR;
const { dir: tmp, write } = tempFiles("shares");

const HEADER = "origin,destination,class,amount,source\n";
const portia = write("portia.csv", `${HEADER}portia,gamma,container,1000,src:testbot-manual\n`);
const alpha = write("alpha.csv", `${HEADER}alpha,gamma,container,3000,src:testbot-manual\n`);

const shareObs = (run: string, extra = "") => `year: null
observations:
  - id: lane-overland
    metric: share
    unit: "%"
    description: "Portia/Alpha → Gamma containers over land"
    share: { kind: overland, from: [CHN], to: [KAZ], class: container, chokepoints: [narrows]${extra} }
    run: ${run}
    low: 10
    high: 30
    year: 2024
    source: [src:testbot-manual]
`;

describe("lane shares on testbot (hand-checkable)", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  const row = (obs: string, segments = 1) => {
    const report = calibrate(net, [readObservationsFile(write("obs.yaml", obs), "obs.yaml")], { votSegments: segments });
    return { report, row: report.rows.find((r) => r.id === "lane-overland")! };
  };

  it("profile value of time: Portia → Gamma goes by rail, 100 % overland, outside 10–30 %", () => {
    const { report, row: r } = row(shareObs(`{ demand: [${portia}], votMedian: profile }`));
    expect(r.metric).toBe("share");
    expect(r.model).toBeCloseTo(100, 9);
    expect(r.inside).toBe(false);
    expect(r.modelWithSegments).toBeNull(); // one segment: no second run
    expect(report.shares).toMatchObject({ count: 1, inside: 0 });
    expect(report.shares.runs).toHaveLength(1);
    expect(report.shares.runs[0]).toMatchObject({ demandFiles: [portia], demandT: 1000, votMedian: "profile", ratesMonth: null });
    // no volume observation: no corridor demand needed, and the volumes summary is empty
    expect(report.volumes.count).toBe(0);
    expect(formatCalibrationReport(report)).toMatch(/Lane shares[\s\S]*lane-overland\s+2024\s+10\.00–30\.00 %\s+100\.0/);
  });

  it("carrying cost: the lane sails through the Narrows, 0 % overland; with Alpha → Gamma (no sea path) added from a second file, 3000 of 4000 t", () => {
    expect(row(shareObs(`{ demand: [${portia}], votMedian: carrying-cost }`)).row.model).toBeCloseTo(0, 9);
    const both = row(shareObs(`{ demand: [${portia}, ${alpha}], votMedian: carrying-cost }`));
    // the same figure computed independently from the lanes of one assignment of the two files' rows
    const cp = corridorProblem(net, parseDemandCsv(`${HEADER}portia,gamma,container,1000,src:testbot-manual\nalpha,gamma,container,3000,src:testbot-manual\n`, "d.csv"), { votMedian: "carrying-cost" });
    const lanes = laneSplits(cp, solve(cp.problem, "b", { gap: 1e-6 }), ["narrows"])!;
    const deepT = lanes.lanes.reduce((s, l) => s + l.tonnes * l.deepSeaShare, 0);
    expect(deepT).toBeCloseTo(1000, 6);
    expect(both.row.model).toBeCloseTo((100 * (4000 - deepT)) / 4000, 6);
    expect(both.row.model).toBeCloseTo(75, 6);
    expect(both.row.inside).toBe(false);
    expect(both.report.shares.runs[0].demandT).toBe(4000);
  });

  it("a lane the run's demand does not hold has no model value, and the report says so", () => {
    const { row: r } = row(shareObs(`{ demand: [${portia}] }`).replace("from: [CHN], to: [KAZ]", "from: [KAZ], to: [CHN]"));
    expect(r.model).toBeNull();
    expect(r.detail).toMatch(/^no container KAZ → CHN rows in /);
  });

  it("observations with the same run share one assignment; with segments each row has a second model value", () => {
    const two = shareObs(`{ demand: [${portia}], votMedian: carrying-cost }`);
    const obs = `${two}${two.slice(two.indexOf("  - id:")).replace("id: lane-overland", "id: lane-overland-2")}`;
    const report = calibrate(net, [readObservationsFile(write("two.yaml", obs), "two.yaml")], { votSegments: 3 });
    expect(report.shares.runs).toHaveLength(1);
    expect(report.shares.runs[0].observations).toEqual(["lane-overland", "lane-overland-2"]);
    expect(report.shares.runs[0].solves).toHaveLength(2);
    for (const r of report.rows) expect(r.modelWithSegments).not.toBeNull();
  });
});

describe("bad share observations", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  const run = `{ demand: [${portia}] }`;

  it("an unknown country, chokepoint or demand file names file, line and field before any computation", () => {
    const country = thrown(() => calibrate(net, [readObservationsFile(write("c.yaml", shareObs(run).replace("to: [KAZ]", "to: [KAX]")), "c.yaml")], {}));
    expect(country.code).toBe("E_COUNTRY_UNKNOWN");
    expect(country.message).toMatch(/^c\.yaml:\d+: field "observations\.0\.share\.to\.0"/);
    const choke = thrown(() => calibrate(net, [readObservationsFile(write("k.yaml", shareObs(run).replace("chokepoints: [narrows]", "chokepoints: [narows]")), "k.yaml")], {}));
    expect(choke.code).toBe("E_CHOKEPOINT_UNKNOWN");
    expect(choke.didYouMean).toContain("narrows");
    const file = thrown(() => calibrate(net, [readObservationsFile(write("f.yaml", shareObs(`{ demand: [${join(tmp, "absent.csv")}] }`)), "f.yaml")], {}));
    expect(file.code).toBe("E_FILE_NOT_FOUND");
    expect(file.message).toMatch(/^f\.yaml:\d+: field "observations\.0\.run\.demand\.0"/);
  });

  it("a share above 100 %, a malformed rates month or an unknown run key is E_PARSE with its line", () => {
    const high = thrown(() => readObservationsFile(write("h.yaml", shareObs(run).replace("high: 30", "high: 130")), "h.yaml"));
    expect(high.code).toBe("E_PARSE");
    expect(high.message).toMatch(/h\.yaml:\d+.*observations\.0\.high.*percentage/);
    const month = thrown(() => readObservationsFile(write("m.yaml", shareObs(`{ demand: [${portia}], rates: "2023-13" }`)), "m.yaml"));
    expect(month.code).toBe("E_PARSE");
    expect(month.message).toMatch(/run\.rates/);
    const key = thrown(() => readObservationsFile(write("u.yaml", shareObs(`{ demand: [${portia}], votMedain: profile }`)), "u.yaml"));
    expect(key.code).toBe("E_PARSE");
    expect(key.message).toMatch(/votMedain/);
  });

  it("a class the run's demand does not hold is E_USAGE naming the observation and the class meant", () => {
    const e = thrown(() => calibrate(net, [readObservationsFile(write("cl.yaml", shareObs(run).replace("class: container", "class: containr")), "cl.yaml")], {}));
    expect(e.code).toBe("E_USAGE");
    expect(e.message).toMatch(/observation "lane-overland": share\.class "containr" is not a class of its run's demand/);
    expect(e.didYouMean).toContain("container");
  });

  it("a demand row naming an unknown place names its own file and line, not the merged run", () => {
    const bad = write("bad.csv", `${HEADER}portia,gamma,container,1000,src:testbot-manual\nportia,gamam,container,5,src:testbot-manual\n`);
    const e = thrown(() => calibrate(net, [readObservationsFile(write("b.yaml", shareObs(`{ demand: [${portia}, ${bad}] }`)), "b.yaml")], {}));
    expect(e.code).toBe("E_DEMAND_INVALID");
    expect(e.message).toContain(`${bad}:3: field "destination"`);
  });
});

describe.skipIf(!existsSync(join(eurasiaDir, "observations")))("lane shares of data/eurasia", () => {
  it("the China ⇄ EU container lane crosses land within e^1.2 of Eurostat's 2019 rail shares in both models, and the run keeps Kazakh transit within 5 %", () => {
    const net = openNetwork(eurasiaDir, { cacheDir: false });
    const files = readDatasetObservations(eurasiaDir).map((f) => ({ ...f, observations: f.observations.filter((o) => o.metric === "share") }));
    const report = calibrate(net, files, {});
    const rows = report.rows.filter((r) => r.metric === "share");
    expect(rows.map((r) => r.id).sort()).toEqual(["china-eu-rail-share", "eu-china-rail-share"]);
    for (const r of rows) {
      // the flows section's gate (mean |ln ratio| ≤ 1.2), here for each row; the default (profile) run sends ~80 %
      expect(Math.abs(Math.log((r.model as number) / r.reference))).toBeLessThanOrEqual(1.2);
      expect(Math.abs(Math.log((r.modelWithSegments as number) / r.reference))).toBeLessThanOrEqual(1.2);
    }
    const kaz = report.shares.runs[0].transitMt.find((t) => t.country === "KAZ")!;
    expect(Math.abs(kaz.mt - 27.45) / 27.45).toBeLessThanOrEqual(0.05);
  });
});
