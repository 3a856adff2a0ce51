/**
 * Flows validation (`caravan calibrate`, flows section): the out-of-sample rule computed from the demand's sources,
 * the fit measures on a hand-made case, file errors, and on data/eurasia a run of both choice models whose report
 * has the structure and sane values (not its figures, which move with the data).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv, readDemandCsv } from "../../src/assignment/corridor-demand";
import { solve } from "../../src/assignment/solve";
import { calibrate, demandProvenance, exclusionOf, flowsReport, formatCalibrationReport, readFlowsFile, ZERO_FLOW_RATIO } from "../../src/calibration/index";
import type { FlowPoint } from "../../src/calibration/index";
import { CaravanError } from "../../src/core/errors";
import { ARC_FERRY, ARC_LINK, MODE_SEA } from "../../src/network/compiled";
import { readDatasetObservations } from "../../src/network/observations";
import { openNetwork } from "../../src/network/open";
import { runCli } from "../../src/cli/main";
import { EURASIA_DIR, TESTBOT_DIR, tempFiles } from "./helpers";

const testbotDir = TESTBOT_DIR;
const eurasiaDir = EURASIA_DIR;
const { write } = tempFiles("flows");

const SOURCE = `[{ url: "https://example.org/testbot", year: 2024, title: "testbot" }]`;
const flowsYaml = (points: string) => `teuPerTrain: { teu: 100, trains: 2, year: 2024, source: ${SOURCE} }\npoints:\n${points}`;

describe("flows validation on testbot (hand-checkable)", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  // 100,000 t Portia → Gamma: uncongested, all of it by rail over gate-crossing (test/assignment/corridor.test.ts)
  const demand = parseDemandCsv("origin,destination,class,amount,source\nportia,gamma,container,100000,src:testbot-manual\n", "d.csv");
  const cp = corridorProblem(net, demand);
  const result = solve(cp.problem, "b", { gap: 1e-9 });

  it("turns tonnes into TEU and trains and measures ratios, with a reached lower bound at 1", () => {
    const file = readFlowsFile(
      write(
        "f.yaml",
        flowsYaml(`  - { id: t, description: tonnes, at: { kind: crossings, ids: [gate-crossing] }, measure: Mt, value: 0.2, year: 2024, source: ${SOURCE} }
  - { id: teu, description: boxes, at: { kind: crossings, ids: [gate-crossing] }, measure: TEU, value: 10000, year: 2025, source: ${SOURCE} }
  - { id: trains, description: trains, at: { kind: crossings, ids: [gate-crossing] }, measure: trains, value: 100, atLeast: true, year: 2023, source: ${SOURCE} }
  - { id: out, description: leaving China by rail, at: { kind: border, country: CHN, direction: out, mode: rail }, measure: Mt, value: 0.1, year: 2024, source: ${SOURCE} }
  - { id: in, description: entering China by rail, at: { kind: border, country: CHN, direction: in, mode: rail }, measure: Mt, value: 0.1, year: 2024, source: ${SOURCE} }
  - { id: half, description: half a year, at: { kind: crossings, ids: [gate-crossing], direction: "CHN→KAZ" }, measure: Mt, value: 0.05, days: 73, year: 2024, source: ${SOURCE} }
`),
      ),
    );
    expect(file.teuPerTrain).toBe(50);
    const rep = flowsReport(net, file, demand, [{ cp, result }]);
    const row = (id: string) => rep.rows.find((r) => r.id === id) ?? expect.fail(id);
    // 100,000 t by rail = 0.1 Mt; the TEU profile's 10 t per TEU → 10,000 TEU; / 50 TEU per train → 200 trains
    expect(row("t").model[0]).toBeCloseTo(0.1, 9);
    expect(row("t").ratio[0]).toBeCloseTo(0.5, 9);
    expect(rep.tonnesPerTeu).toBe(10);
    expect(row("teu").model[0]).toBeCloseTo(10000, 6);
    expect(row("teu").ratio[0]).toBeCloseTo(1, 9);
    expect(row("trains").model[0]).toBeCloseTo(200, 6);
    expect(row("trains").ratio[0]).toBe(1); // ≥ 100 reached
    // every tonne leaves China by rail at gate-crossing, none enters it
    expect(row("out").model[0]).toBeCloseTo(0.1, 9);
    expect(row("in").model[0]).toBe(0);
    // 0.05 Mt in 73 days = 0.25 Mt a year; one direction carries all 0.1 Mt
    expect(row("half").observed).toBeCloseTo(0.25, 12);
    expect(row("half").ratio[0]).toBeCloseTo(0.4, 9);
    // the year gap is the observation's year less the demand's (from src:testbot-manual)
    expect(row("teu").yearGap).toBe(rep.demand.year === null ? null : 2025 - rep.demand.year);
    // fit: ratios 0.5, 1, 1 (reached), 1, 0 (floored at ZERO_FLOW_RATIO), 0.4
    const logs = [Math.log(0.5), 0, 0, 0, Math.log(ZERO_FLOW_RATIO), Math.log(0.4)];
    expect(rep.runs[0].fit.count).toBe(6);
    expect(rep.runs[0].fit.zeroFlow).toBe(1);
    expect(rep.runs[0].fit.male).toBeCloseTo(logs.reduce((s, l) => s + Math.abs(l), 0) / logs.length, 12);
    expect(rep.runs[0].fit.bias).toBeCloseTo(Math.exp(logs.reduce((s, l) => s + l, 0) / logs.length), 12);
    expect(rep.runs[0].fit.within25).toBe(0.5);
  });

  it("a port counts its ferries and sea links, in and out", () => {
    const big = parseDemandCsv("origin,destination,class,amount,source\nportia,gamma,container,20000000,src:testbot-manual\n", "d.csv");
    const cpBig = corridorProblem(net, big);
    const r = solve(cpBig.problem, "b", { gap: 1e-9 });
    const harbor = net.network.places.findIndex((x) => x.id === "harbor");
    let seaT = 0;
    for (let a = 0; a < net.graph.arcCount; a++) {
      const k = net.arcs.kind[a];
      const touches = net.arcs.fromPlace[a] === harbor || net.arcs.toPlace[a] === harbor;
      if (touches && (k === ARC_FERRY || (k === ARC_LINK && net.arcs.mode[a] === MODE_SEA))) seaT += r.flow[cpBig.problemArcOf[a]];
    }
    expect(seaT).toBeGreaterThan(0); // congestion sends part of the 20 Mt by sea to Harbor
    const file = readFlowsFile(write("port.yaml", flowsYaml(`  - { id: h, description: harbor, at: { kind: port, place: harbor }, measure: Mt, value: 1, year: 2024, source: ${SOURCE} }\n`)));
    const rep = flowsReport(net, file, big, [{ cp: cpBig, result: r }]);
    expect(rep.rows[0].model[0]).toBeCloseTo(seaT / 1e6, 9);
  });

  it("counts a point without modelled flow at the floor ratio", () => {
    const file = readFlowsFile(
      write("z.yaml", flowsYaml(`  - { id: z, description: nothing, at: { kind: ferries, ids: [harbor-isla-ferry] }, measure: Mt, value: 1, year: 2024, source: ${SOURCE} }\n`)),
    );
    const rep = flowsReport(net, file, demand, [{ cp, result }]);
    expect(rep.rows[0].model[0]).toBe(0);
    expect(rep.runs[0].fit.zeroFlow).toBe(1);
    expect(rep.runs[0].fit.male).toBeCloseTo(-Math.log(ZERO_FLOW_RATIO), 12);
  });

  it("names file, line and field of an unknown crossing or source", () => {
    const file = readFlowsFile(
      write("bad.yaml", flowsYaml(`  - { id: z, description: x, at: { kind: crossings, ids: [gate-crosing] }, measure: Mt, value: 1, year: 2024, source: ${SOURCE} }\n`)),
    );
    try {
      flowsReport(net, file, demand, [{ cp, result }]);
      expect.fail("expected an error");
    } catch (error) {
      expect(error).toBeInstanceOf(CaravanError);
      expect((error as CaravanError).code).toBe("E_ID_UNKNOWN");
      expect((error as CaravanError).message).toMatch(/bad\.yaml:3: field "points\.0\.at\.ids\.0"/);
      expect((error as CaravanError).didYouMean).toContain("gate-crossing");
    }
    expect(() => readFlowsFile(write("bad2.yaml", flowsYaml("  - { id: z }\n")))).toThrow(/bad2\.yaml/);
  });
});

describe("the out-of-sample rule", () => {
  const demand = { sources: [{ id: "demand-a", url: "https://www.example.org/a/", year: 2024, tonnes: 1 }], year: 2024, tonnesByYear: [], yearMin: 2024, yearMax: 2024 };
  const point = (url: string, same: string[] = []): FlowPoint => ({
    id: "p",
    description: "p",
    at: { kind: "corridor", gateway: "x" },
    measure: "Mt",
    value: 1,
    atLeast: false,
    year: 2024,
    sameQuantityAs: same,
    source: [{ url, year: 2024, title: "t" }],
    notes: "",
  });

  it("excludes a point whose source page is a source of the demand (scheme, www. and trailing slash ignored)", () => {
    expect(exclusionOf(point("http://example.org/a"), demand)).toEqual({ reason: "demand input", demandSources: ["demand-a"] });
    expect(exclusionOf(point("https://example.org/b"), demand)).toBeNull();
  });

  it("excludes a point declared the same quantity as a source the demand cites, and only then", () => {
    expect(exclusionOf(point("https://example.org/b", ["demand-a"]), demand)?.reason).toBe("same quantity as a demand input");
    expect(exclusionOf(point("https://example.org/b", ["other"]), demand)).toBeNull();
  });
});

describe("flows validation on data/eurasia", () => {
  const net = openNetwork(eurasiaDir);
  const files = readDatasetObservations(eurasiaDir);
  const flowsPath = join(eurasiaDir, "validation/flows.yaml");
  const demandPath = join(eurasiaDir, "demand/corridors-2024.csv");
  const rep = calibrate(net, files, { demandPath, flows: readFlowsFile(flowsPath, "validation/flows.yaml"), votSegments: 3 });
  const flows = rep.flows ?? expect.fail("no flows section");

  it("compares every point for one value of time and for the distribution", () => {
    expect(flows.runs.map((r) => r.votSegments)).toEqual([1, 3]);
    expect(flows.runs[1].votSpread).toBeGreaterThan(0);
    for (const run of flows.runs) expect(run.relativeGap).toBeLessThan(1e-4);
    expect(flows.rows.length).toBe(readFlowsFile(flowsPath).points.length);
    for (const r of flows.rows) {
      expect(r.source.length).toBeGreaterThan(0);
      for (const s of r.source) expect(s).toMatch(/^https?:\/\/\S+ \(\d{4}\)$/);
      for (const x of r.model) {
        expect(x).not.toBeNull();
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
      }
      expect(r.yearGap).toBe(r.year - (flows.demand.year as number));
    }
    // sane bounds: a crossing cannot carry more than the whole demand
    const totalMt = readDemandCsv(demandPath).rows.reduce((s, row) => s + row.amountT, 0) / 1e6;
    for (const r of flows.rows.filter((x) => x.measure === "Mt")) for (const x of r.model) expect(x as number).toBeLessThanOrEqual(totalMt + 1e-9);
  });

  it("excludes exactly the points whose source page the demand cites or that measure a cited flow", () => {
    const table = readDemandCsv(demandPath);
    const cited = new Set(table.rows.flatMap((r) => r.source.filter((s) => s.startsWith("src:")).map((s) => s.slice(4))));
    const key = (u: string) => u.replace(/^https?:\/\/(www\.)?/, "").replace(/\/+$/, "").toLowerCase();
    const citedUrls = new Set([...cited].map((id) => net.network.sources[id]?.url).filter((u): u is string => u !== undefined).map(key));
    const points = readFlowsFile(flowsPath).points;
    for (const p of points) {
      const input = p.source.some((s) => citedUrls.has(key(s.url))) || p.sameQuantityAs.some((id) => cited.has(id));
      expect(flows.excluded.includes(p.id), p.id).toBe(input);
    }
    expect(flows.included.length).toBeGreaterThan(0);
    expect(flows.excluded.length).toBeGreaterThan(0);
    expect(demandProvenance(net, table).year).toBe(flows.demand.year);
  });

  it("reports a finite fit for each run", () => {
    for (const run of flows.runs) {
      expect(run.fit.count).toBe(flows.included.length);
      expect(run.fit.male).toBeGreaterThanOrEqual(0);
      expect(run.fit.male).toBeLessThan(-Math.log(ZERO_FLOW_RATIO) + 1e-9);
      expect(run.fit.bias).toBeGreaterThan(0);
      expect(run.fit.within25).toBeGreaterThanOrEqual(0);
      expect(run.fit.within25).toBeLessThanOrEqual(1);
    }
    const text = formatCalibrationReport(rep);
    expect(text).toMatch(/Flows at validation points/);
    expect(text).toMatch(/Excluded from the fit/);
    expect(text).toMatch(/demand year \d{4}/);
  });

  it("keeps the fit at validation points within the threshold the model met when the flows section was introduced", () => {
    // CI gate, as for the route times and volumes (test/scenarios/calibrate.test.ts): a data change that makes the
    // out-of-sample fit worse is a finding — fix the data with a source, or tighten this when the model gets better
    for (const run of flows.runs) expect(run.fit.male as number).toBeLessThanOrEqual(1.2);
  });

  it("the CLI prints the flows section and --vot-segments 1 keeps only the one-value-of-time run", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["--data", eurasiaDir, "calibrate", "--vot-segments", "1", "--json"], { out: (s: string) => out.push(s), err: (s: string) => err.push(s) });
    expect(err.join("")).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out.join(""));
    expect(json.flows.runs).toHaveLength(1);
    expect(json.flows.rows.length).toBeGreaterThan(0);
    err.length = 0;
    expect(await runCli(["--data", eurasiaDir, "calibrate", "--vot-segments", "0"], { out: () => {}, err: (s: string) => err.push(s) })).not.toBe(0);
    expect(err.join("")).toMatch(/E_USAGE.*value-of-time segments/);
  });
});
