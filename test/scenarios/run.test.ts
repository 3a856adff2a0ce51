/**
 * Scenario runs on the testbot: the run folder (contents, byte-identical for the same inputs, written atomically),
 * compare from folders equal to compare in memory, the compare JSON contract, the CLI commands, and sweeps on
 * worker threads giving the same rows as in this thread.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/index";
import { compareViews, loadSweep, parseTradeWeights, type ResultView, runScenario, runSweep, viewOfRunFolder, viewOfSide, writeRun } from "../../src/scenarios/index";

const root = resolve(__dirname, "../..");
const fixtures = join(root, "test/fixtures/scenarios");
const testbotDir = join(root, "test/fixtures/testbot");
const testbot = openNetwork(testbotDir, { cacheDir: false });
const tmp = mkdtempSync(join(tmpdir(), "caravan-runs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  visit(dir);
  return out;
}

describe("scenario run folders", () => {
  it("hold the manifest, timings and per-side CSV, Parquet and GeoJSON tables; the same inputs give the same bytes (timings.json aside)", async () => {
    const a = join(tmp, "a");
    const b = join(tmp, "b");
    await writeRun(await runScenario(testbot, join(fixtures, "testbot-half-dwell.yaml")), a);
    await writeRun(await runScenario(testbot, join(fixtures, "testbot-half-dwell.yaml")), b);
    const fa = filesOf(a);
    const fb = filesOf(b);
    for (const side of ["baseline", "scenario"]) {
      for (const t of ["pairs", "crossings", "crossing-directions", "ferries", "transit", "demand", "bottlenecks"]) {
        expect(fa.has(`${side}/${t}.csv`), `${side}/${t}.csv`).toBe(true);
        expect(fa.has(`${side}/${t}.parquet`), `${side}/${t}.parquet`).toBe(true);
      }
      expect(fa.has(`${side}/link-flows.geojson`)).toBe(true);
    }
    expect(fa.has("manifest.json") && fa.has("timings.json") && fa.has("country-pairs.csv")).toBe(true);
    fa.delete("timings.json");
    fb.delete("timings.json");
    expect(fb).toEqual(fa);
    const manifest = JSON.parse(readFileSync(join(a, "manifest.json"), "utf8"));
    expect(manifest.scenario.files[0].sha256).toBe(createHash("sha256").update(readFileSync(join(fixtures, "testbot-half-dwell.yaml"))).digest("hex"));
    expect(manifest.demand.sha256).toBe(createHash("sha256").update(readFileSync(join(fixtures, "testbot-demand.csv"))).digest("hex"));
    expect(manifest.dataset.sourceHash).toBe(testbot.sourceHash);
    expect(manifest.code).toMatch(/^caravan@\d+\.\d+\.\d+/);
    // no leftovers of the atomic write beside the folder
    expect(readdirSync(tmp).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("a failed write leaves the previous folder untouched and no temporary folder", async () => {
    const dir = join(tmp, "kept");
    const run = await runScenario(testbot, join(fixtures, "testbot-half-dwell.yaml"), { pairTimes: false });
    await writeRun(run, dir);
    const before = filesOf(dir);
    const broken = { ...run, result: { ...run.result, linkFlowsGeoJson: undefined as unknown as string } };
    await expect(writeRun(broken, dir)).rejects.toThrow();
    expect(filesOf(dir)).toEqual(before);
    expect(readdirSync(tmp).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("compare of two run folders equals compare in memory; the JSON has the documented contract", async () => {
    const run = await runScenario(testbot, join(fixtures, "testbot-close-gate.yaml"), { pairTimes: false });
    const dir = join(tmp, "close");
    await writeRun(run, dir);
    const memory = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const folders = compareViews(viewOfRunFolder(dir, "baseline"), viewOfRunFolder(dir, "scenario"));
    const strip = (c: typeof memory) => JSON.parse(JSON.stringify({ ...c, baseline: null, scenario: null, summary: { ...c.summary, text: null } }));
    // the folder keeps 6 decimals
    const round = (x: unknown): unknown =>
      typeof x === "number" ? Math.round(x * 1e3) / 1e3 : Array.isArray(x) ? x.map(round) : x && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)])) : x;
    expect(round(strip(folders))).toEqual(round(strip(memory)));
    let out = "";
    const code = await runCli(["--data", testbotDir, "scenario", "compare", dir, "--json"], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const pair = json.pairs.find((p: { from: string; to: string }) => p.from === "portia" && p.to === "gamma");
    expect(Object.keys(pair.baseline).sort()).toEqual(["co2Kg", "corridor", "costUsd", "timeH"]);
    expect(Object.keys(pair.scenario).sort()).toEqual(["co2Kg", "corridor", "costUsd", "timeH"]);
    expect(json.transitByCountry.every((t: object) => "country" in t && "baselineT" in t && "scenarioT" in t)).toBe(true);
    const gate = json.crossings.find((x: { id: string }) => x.id === "gate-crossing");
    expect(Object.keys(gate)).toEqual(expect.arrayContaining(["id", "baselineT", "scenarioT", "baselineVc", "scenarioVc"]));
    expect(gate.baselineVc).toBeCloseTo(0.2, 6); // 1 Mt over the 5 Mt crossing
    expect(typeof json.summary.text).toBe("string");
  });

  it("the summary ranks changes equal to a folder's 6 decimals by name, so a run and the compare of its folder print the same largest changes", () => {
    const view = (name: string, pairs: [string, string, number][]): ResultView => ({
      name,
      origin: `test:${name}`,
      pairs: pairs.map(([from, to, timeH]) => ({ from, to, timeH, costUsd: 100, co2Kg: 10, distanceKm: 1000, corridor: "" })),
      crossings: [],
      crossingDirections: [],
      ferries: [],
      transit: [],
      bottlenecks: [],
      demand: [],
      countryPairs: [],
    });
    const base = view("base", [["a", "b", 10], ["c", "d", 20], ["e", "f", 30]]);
    // the same detour added to three pairs: in memory the last digits differ (c → d largest), in a folder they do not
    const memory = compareViews(base, view("scen", [["a", "b", 110.0000004], ["c", "d", 120.0000009], ["e", "f", 130.0000001]]));
    const folder = compareViews(base, view("scen", [["a", "b", 110], ["c", "d", 120.000001], ["e", "f", 130]]));
    const largest = (text: string) => text.split("\n").filter((l) => l.includes("largest increase"));
    expect(largest(memory.summary.text)).toEqual(["  largest increase: a → b 10.0 → 110.0 h", "  largest increase: c → d 20.0 → 120.0 h", "  largest increase: e → f 30.0 → 130.0 h"]);
    expect(largest(folder.summary.text)).toEqual(largest(memory.summary.text));
  });

  it("caravan scenario run prints the summary and writes the folder; check validates without running", async () => {
    const dir = join(tmp, "cli-run");
    let out = "";
    const code = await runCli(["--data", testbotDir, "scenario", "run", join(fixtures, "testbot-half-dwell.yaml"), "--no-store", "--out", dir], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    expect(out).toContain("Gate crossing dwell halved vs");
    expect(existsSync(join(dir, "manifest.json"))).toBe(true);
    out = "";
    expect(await runCli(["--data", testbotDir, "scenario", "check", join(fixtures, "testbot-half-dwell.yaml")], { out: (s) => (out += s), err: () => {} })).toBe(0);
    expect(out).toMatch(/valid — 1 file\(s\).*1 edit\(s\) on 2 arc\(s\)/);
  });
});

describe("trade-weighted means", () => {
  it("weight the country-pair shipment-time changes by trade; a malformed trade file is E_PARSE at its line", async () => {
    const run = await runScenario(testbot, join(fixtures, "testbot-half-dwell.yaml"));
    const chnKaz = run.countryPairs.find((c) => c.exporter === "CHN" && c.importer === "KAZ")!;
    const kazChn = run.countryPairs.find((c) => c.exporter === "KAZ" && c.importer === "CHN")!;
    expect(chnKaz.scenarioTimeH).toBeLessThan(chnKaz.baselineTimeH);
    // 3 parts CHN→KAZ, 1 part KAZ→CHN
    const trade = parseTradeWeights("exporter,importer,trade\nCHN,KAZ,30\nKAZ,CHN,10\n", "trade.csv");
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"), { trade });
    const expected = (3 * (chnKaz.scenarioTimeH - chnKaz.baselineTimeH) + (kazChn.scenarioTimeH - kazChn.baselineTimeH)) / 4;
    expect(c.means.tradeWeighted!.countryPairs).toBe(2);
    expect(c.means.tradeWeighted!.timeH).toBeCloseTo(expected, 9);
    expect(c.summary.text).toContain("trade-weighted");
    let error: unknown;
    try {
      parseTradeWeights("exporter,importer,trade\nCHN,KAZ,30\nCHINA,KAZ,1\n", "trade.csv");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "E_PARSE", details: { file: "trade.csv", line: 3, field: "exporter" } });
  });
});

describe("--scenario on single queries", () => {
  it("matrix --scenario asks the scenario's state: Portia → Gamma 15 h faster with the gate dwell halved, the reverse 5 h", async () => {
    const matrix = async (extra: string[]) => {
      let out = "";
      const code = await runCli(["--data", testbotDir, "matrix", "--places", "portia,gamma", "--optimize", "time", ...extra], { out: (s) => (out += s), err: () => {} });
      expect(code).toBe(0);
      const rows = out.trim().split("\n").slice(1).map((l) => l.split(","));
      return (from: string, to: string) => Number(rows.find((r) => r[0] === from && r[1] === to)![2]);
    };
    const plain = await matrix([]);
    const withScenario = await matrix(["--scenario", join(fixtures, "testbot-half-dwell.yaml")]);
    expect(plain("portia", "gamma") - withScenario("portia", "gamma")).toBeCloseTo(15, 6);
    expect(plain("gamma", "portia") - withScenario("gamma", "portia")).toBeCloseTo(5, 6);
  });

  it("route --scenario with a closed crossing takes the sea; assign --scenario moves the flow off the crossing", async () => {
    let out = "";
    expect(await runCli(["--data", testbotDir, "route", "portia", "gamma", "--json", "--scenario", join(fixtures, "testbot-close-gate.yaml")], { out: (s) => (out += s), err: () => {} })).toBe(0);
    const plan = JSON.parse(out);
    expect(JSON.stringify(plan)).not.toContain("gate-crossing");
    out = "";
    const demand = join(fixtures, "testbot-demand.csv");
    expect(await runCli(["--data", testbotDir, "assign", "--no-store", "--demand", demand, "--json", "--scenario", join(fixtures, "testbot-close-gate.yaml")], { out: (s) => (out += s), err: () => {} })).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.crossings.find((c: { crossing: string }) => c.crossing === "gate-crossing")).toBeUndefined();
  });
});

describe("sweeps", () => {
  it("run every grid combination; worker threads give the same rows as this thread", async () => {
    const sweepFile = join(tmp, "sweep.yaml");
    writeFileSync(
      sweepFile,
      `scenario: ${join(fixtures, "testbot-half-dwell.yaml")}
grid:
  - name: dwell
    values: [1, 0.5, 0]
    modification: { target: crossing, id: gate-crossing, scale: { dwellH: $value }, assumption: "sweep axis" }
  - name: capacity
    values: [5000000, 500000]
    modification: { target: crossing, id: gate-crossing, set: { capacity: $value }, assumption: "sweep axis" }
`,
    );
    const spec = loadSweep(sweepFile);
    expect(spec.variants.map((v) => v.name)).toEqual([
      "dwell=1,capacity=5000000",
      "dwell=1,capacity=500000",
      "dwell=0.5,capacity=5000000",
      "dwell=0.5,capacity=500000",
      "dwell=0,capacity=5000000",
      "dwell=0,capacity=500000",
    ]);
    const local = await runSweep(testbot, spec, { workers: 1 });
    const threaded = await runSweep(testbot, spec, { workers: 2 });
    expect(threaded.workers).toBe(2);
    expect(threaded.rows).toEqual(local.rows);
    // less dwell never makes the mean time worse
    const byName = new Map(local.rows.map((r) => [r.variant, r]));
    expect(byName.get("dwell=0,capacity=5000000")!.meanTimeChangeH).toBeLessThan(byName.get("dwell=1,capacity=5000000")!.meanTimeChangeH);
    // a tenth of the capacity raises the crossing's v/c tenfold (1 Mt over 0.5 Mt while rail still carries all)
    expect(byName.get("dwell=1,capacity=500000")!.maxVc!).toBeGreaterThan(byName.get("dwell=1,capacity=5000000")!.maxVc!);
  });
});
