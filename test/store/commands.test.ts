/**
 * Every computing command records its run in the store through the same helper: `scenario run`, `appraise`,
 * `study belt-and-road`, `gravity counterfactual` and `gravity pair-times` on small fixtures, each into a SQLite store in a temporary
 * folder. For each: `runs list` shows the run as done with its kind, the result tables hold rows that are the printed
 * figures, a second identical call replays the stored output (no new run) unless --force, and --no-store records
 * nothing.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { tempDir } from "./helpers";

const tmp = tempDir("store-commands");
afterAll(() => tmp.cleanup());

const root = join(import.meta.dirname, "..", "..");
const testbotDir = join(root, "test/fixtures/testbot");
const scenarios = join(root, "test/fixtures/scenarios");
const appraisalDir = join(root, "test/fixtures/appraisal");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

interface Listed {
  id: string;
  kind: string;
  status: string;
}

async function runsOf(db: string): Promise<Listed[]> {
  const r = await run(["runs", "list", "--json", "--store", db]);
  expect(r.code).toBe(0);
  return JSON.parse(r.out).runs;
}

async function show(db: string, id: string): Promise<{ resultTables: Record<string, number>; inputs: Record<string, { sha256?: string }>; parameters: Record<string, unknown> }> {
  const r = await run(["runs", "show", id, "--json", "--store", db]);
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

/** Rows of one stored table as objects (through `runs export --format csv`; values stay text). */
async function exported(db: string, id: string, table: string): Promise<Record<string, string>[]> {
  const r = await run(["runs", "export", id, "--format", "csv", "--table", table, "--store", db]);
  expect(r.code).toBe(0);
  const [header, ...lines] = r.out.trim().split("\n");
  const names = header.split(",");
  return lines.map((line) => {
    // the tables read here have no quoted fields in the columns compared
    const cells = line.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

/** Run `args` twice and with --force: one run, replayed output, then a second run. */
async function checkReplay(db: string, args: string[], kind: string): Promise<string> {
  const first = await run([...args, "--store", db]);
  expect(first.code, first.err).toBe(0);
  let list = await runsOf(db);
  expect(list.filter((r) => r.kind === kind)).toHaveLength(1);
  expect(list[0]).toMatchObject({ kind, status: "done" });
  const again = await run([...args, "--store", db]);
  expect(again.code).toBe(0);
  expect(again.out).toBe(first.out);
  expect((await runsOf(db)).filter((r) => r.kind === kind)).toHaveLength(1);
  const forced = await run([...args, "--store", db, "--force"]);
  expect(forced.code).toBe(0);
  list = await runsOf(db);
  expect(list.filter((r) => r.kind === kind)).toHaveLength(2);
  expect(list.every((r) => r.status === "done")).toBe(true);
  return list.find((r) => r.kind === kind)!.id;
}

describe("computing commands record their runs in the store", () => {
  it("scenario run: pair changes, crossing volumes, transit by country and link flows; replayed unless --force", async () => {
    const db = join(tmp.dir, "scenario.db");
    const file = join(scenarios, "testbot-half-dwell.yaml");
    const id = await checkReplay(db, ["--data", testbotDir, "scenario", "run", file, "--json"], "scenario");
    const shown = await show(db, id);
    // the scenario file is an input hashed by content
    expect(shown.inputs.scenario0.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const t of ["pair_changes", "crossing_volumes", "link_flows", "metrics"]) expect(shown.resultTables[t], t).toBeGreaterThan(0);
    // the stored rows are the printed comparison
    const printed = JSON.parse((await run(["--data", testbotDir, "scenario", "run", file, "--json", "--no-store"])).out);
    const pairs = await exported(db, id, "pair_changes");
    const changed = printed.pairs.find((p: { change: { timeH: number } | null }) => p.change !== null && p.change.timeH < 0);
    expect(changed).toBeDefined();
    const row = pairs.find((r) => r.origin === changed.from && r.destination === changed.to);
    expect(row).toBeDefined();
    expect(Number(row!.baseline_time_h)).toBeCloseTo(changed.baseline.timeH, 6);
    expect(Number(row!.scenario_time_h)).toBeCloseTo(changed.scenario.timeH, 6);
    const crossings = await exported(db, id, "crossing_volumes");
    for (const c of printed.crossings) {
      const stored = crossings.find((r) => r.crossing_id === c.id);
      expect(stored, c.id).toBeDefined();
      expect(Number(stored!.total_t)).toBeCloseTo(c.scenarioT, 0);
    }
  });

  it("scenario run with --out is always computed (its folder is an output)", async () => {
    const db = join(tmp.dir, "scenario-out.db");
    const file = join(scenarios, "testbot-half-dwell.yaml");
    for (const n of [1, 2]) {
      const out = join(tmp.dir, `run-${n}`);
      expect((await run(["--data", testbotDir, "scenario", "run", file, "--out", out, "--store", db])).code).toBe(0);
      expect(existsSync(join(out, "manifest.json"))).toBe(true);
    }
    expect(await runsOf(db)).toHaveLength(2);
  });

  it("appraise --streams: yearly streams and indicators; the stored ENPV is the printed one", async () => {
    const db = join(tmp.dir, "appraise.db");
    const fixture = join(root, "test/appraisal/fixtures/rogers-2003-example-3-1.csv");
    const id = await checkReplay(db, ["appraise", "--streams", fixture, "--discount-rate", "8", "--json"], "appraisal");
    const printed = JSON.parse((await run(["appraise", "--streams", fixture, "--discount-rate", "8", "--json", "--no-store"])).out);
    const results = await exported(db, id, "appraisal_results");
    expect(Number(results.find((r) => r.measure === "enpv_usd")!.value)).toBeCloseTo(printed.enpvUsd, 4);
    const rows = await exported(db, id, "appraisal_streams");
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.stream))).toContain("capital_cost");
  });

  it("appraise --project on a network: streams and results; a changed option is another run", async () => {
    const db = join(tmp.dir, "appraise-project.db");
    const args = ["--data", appraisalDir, "appraise", "--project", "b-rail", "--json"];
    const id = await checkReplay(db, args, "appraisal");
    const shown = await show(db, id);
    expect(shown.resultTables.appraisal_streams).toBeGreaterThan(0);
    expect(shown.resultTables.appraisal_results).toBeGreaterThan(0);
    expect((await run([...args, "--discount-rate", "4", "--store", db])).code).toBe(0);
    expect((await runsOf(db)).filter((r) => r.kind === "appraisal")).toHaveLength(3);
  });

  it("study belt-and-road: GE results of every variant and the pair changes", async () => {
    const db = join(tmp.dir, "study.db");
    const args = ["--data", appraisalDir, "study", "belt-and-road", "--trade", join(appraisalDir, "study/trade.csv"), "--gdp", join(appraisalDir, "study/gdp.csv"), "--json"];
    const id = await checkReplay(db, args, "study");
    const shown = await show(db, id);
    expect(shown.resultTables.ge_results).toBeGreaterThan(0);
    expect(shown.resultTables.pair_changes).toBeGreaterThan(0);
    const printed = JSON.parse((await run([...args, "--no-store"])).out);
    const both = printed.variants.find((v: { name: string }) => v.name === "both");
    const e = both.economies[0];
    const ge = await exported(db, id, "ge_results");
    const stored = ge.find((r) => r.country === e.country && r.measure === "both/real_income_change_pct");
    expect(Number(stored!.value)).toBeCloseTo(e.realIncomeChangePct, 6);
  });

  it("gravity counterfactual: country and pair measures in ge_results", async () => {
    const db = join(tmp.dir, "ge.db");
    const data = join(tmp.dir, "panel.csv");
    // three economies, every pair including domestic flows; trade falls with distance
    writeFileSync(data, ["exporter,importer,trade", "A,A,500", "A,B,60", "A,C,20", "B,A,50", "B,B,400", "B,C,30", "C,A,25", "C,B,35", "C,C,300", ""].join("\n"));
    const changes = join(tmp.dir, "changes.csv");
    writeFileSync(changes, "exporter,importer,tradeCostChangePct\nA,B,-10\nB,A,-10\n");
    const args = ["gravity", "counterfactual", "--data", data, "--cost-changes", changes, "--json"];
    const id = await checkReplay(db, args, "counterfactual");
    const printed = JSON.parse((await run([...args, "--no-store"])).out);
    const ge = await exported(db, id, "ge_results");
    const a = printed.results.find((r: { country: string }) => r.country === "A");
    expect(Number(ge.find((r) => r.country === "A" && r.partner === "" && r.measure === "real_gdp_change_pct")!.value)).toBeCloseTo(a.realGdpChangePct, 8);
    const ab = printed.pairs.find((p: { exporter: string; importer: string }) => p.exporter === "A" && p.importer === "B");
    expect(Number(ge.find((r) => r.country === "A" && r.partner === "B" && r.measure === "trade_change_pct")!.value)).toBeCloseTo(ab.tradeChangePct, 8);
  });

  it("gravity pair-times: country-pair times in pair_changes; the printed CSV is the stored table", async () => {
    const db = join(tmp.dir, "pair-times.db");
    const args = ["gravity", "pair-times", "--network", join(root, "test/fixtures/pair-times"), "--year", "2030", "--out", "-"];
    const id = await checkReplay(db, args, "pair-times");
    const printed = (await run([...args, "--no-store"])).out.trim().split("\n");
    const header = printed[0].split(",");
    const stored = await exported(db, id, "pair_changes");
    expect(stored.length).toBe(printed.length - 1);
    for (const line of printed.slice(1)) {
      const cells = Object.fromEntries(line.split(",").map((v, i) => [header[i], v]));
      const row = stored.find((r) => r.origin === cells.exporter && r.destination === cells.importer);
      expect(row, line).toBeDefined();
      expect(Number(row!.scenario_time_h)).toBeCloseTo(Number(cells.scenarioTimeH), 3);
    }
    // a file asked for is an output: always computed
    const file = join(tmp.dir, "times.csv");
    expect((await run([...args.slice(0, -2), "--out", file, "--store", db])).code).toBe(0);
    expect((await runsOf(db)).filter((r) => r.kind === "pair-times")).toHaveLength(3);
  });

  it("--no-store records nothing for the newly wired commands", async () => {
    const db = join(tmp.dir, "none.db");
    const r = await run(["--data", testbotDir, "scenario", "run", join(scenarios, "testbot-half-dwell.yaml"), "--store", db, "--no-store"]);
    expect(r.code).toBe(0);
    expect(existsSync(db)).toBe(false);
  });
});
