/**
 * `caravan assign --demand FILE --rules-off ID,...|all`: the rules of passage (rules/*.yaml) apply to the corridor
 * assignment by default, for the date of --year/--month or of the scenario; the option switches them off, and it is
 * part of the recorded run's inputs, so a run with the rules off never replays one with them (nor the reverse).
 *
 * Fixture: a copy of the "corridors" routing fixture (test/server/helpers.ts) with one transit ban written here:
 * goods from CHN may not cross RUS (from 2020). The Orient (CHN) → Destport container class then keeps off the North
 * corridor (the KZ–RU crossing); with the rule off it may take it. Expected figures come from corridorProblem and
 * solve on the same network state (never hard-coded).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { FIXTURE_DEMAND, fixtureCopyWithTransitBan } from "../server/helpers";

const data = fixtureCopyWithTransitBan();
mkdirSync(join(data, "scenarios"));
writeFileSync(join(data, "scenarios", "year-2024.yaml"), "name: The network of 2024\nyear: 2024\n");
const demand = join(data, "demand", "corridors-2024.csv");
const tmp = mkdtempSync(join(tmpdir(), "caravan-assign-rules-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function assign(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", data, "assign", "--demand", demand, "--gap", "1e-8", ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

interface Summary {
  totalTravelTime: number;
  classes: string[];
  crossings: { crossing: string; byClassT: Record<string, number>; totalT: number }[];
}

/** The equilibrium of the fixture's demand on a network state, by the library. */
function expected(rulesOff?: string[]): { totalTravelTime: number; kzRuT: number } {
  const net = openNetwork(data, { cacheDir: false });
  const state = resolveNetworkState(net, { year: null, month: null, ...(rulesOff ? { rulesOff } : {}) });
  const cp = corridorProblem(net, parseDemandCsv(FIXTURE_DEMAND, "demand.csv"), { state, year: null });
  const result = solve(cp.problem, "b", { gap: 1e-8 });
  return { totalTravelTime: result.beckmann, kzRuT: crossingVolumes(cp, result).find((c) => c.crossing === "kz-ru")?.totalT ?? 0 };
}

describe("caravan assign --rules-off", () => {
  it("switches the rules off in the equilibrium: the figures corridorProblem gives with the rules off; Chinese goods cross Russia only then", async () => {
    const on = await assign("--no-store", "--json");
    const off = await assign("--no-store", "--json", "--rules-off", "all");
    expect(on.code, on.err).toBe(0);
    expect(off.code, off.err).toBe(0);
    const sOn = JSON.parse(on.out) as Summary;
    const sOff = JSON.parse(off.out) as Summary;
    const eOn = expected();
    const eOff = expected(["all"]);
    expect(sOn.totalTravelTime).toBeCloseTo(eOn.totalTravelTime, 3);
    expect(sOff.totalTravelTime).toBeCloseTo(eOff.totalTravelTime, 3);
    expect(sOff.totalTravelTime).toBeLessThan(sOn.totalTravelTime);
    const kzRu = (s: Summary) => s.crossings.find((c) => c.crossing === "kz-ru");
    expect(kzRu(sOn)?.totalT ?? 0).toBeCloseTo(eOn.kzRuT, 3);
    expect(kzRu(sOff)?.totalT ?? 0).toBeCloseTo(eOff.kzRuT, 3);
    // with the rule the Chinese goods are a class of their own that keeps off the KZ–RU crossing
    expect(sOn.classes).toContain("container|no-chinese-transit-rus");
    expect(kzRu(sOn)?.byClassT["container|no-chinese-transit-rus"] ?? 0).toBe(0);
    expect(sOff.classes).not.toContain("container|no-chinese-transit-rus");
    expect(kzRu(sOff)?.byClassT.container ?? 0).toBeGreaterThan(0);
    // by id, the same as all here (one rule)
    const byId = await assign("--no-store", "--json", "--rules-off", "no-chinese-transit-rus");
    expect((JSON.parse(byId.out) as Summary).totalTravelTime).toBe(sOff.totalTravelTime);
  }, 60_000);

  it("on a scenario's network state too (assign --scenario FILE --rules-off)", async () => {
    const scenario = join(data, "scenarios", "year-2024.yaml");
    const on = await assign("--no-store", "--json", "--scenario", scenario);
    const off = await assign("--no-store", "--json", "--scenario", scenario, "--rules-off", "all");
    expect(on.code, on.err).toBe(0);
    expect(off.code, off.err).toBe(0);
    expect((JSON.parse(off.out) as Summary).totalTravelTime).toBeLessThan((JSON.parse(on.out) as Summary).totalTravelTime);
  }, 60_000);

  it("the text's mode choice has one row per demand class: the classes a rule splits off are counted in theirs and named below", async () => {
    const r = await assign("--no-store");
    expect(r.code, r.err).toBe(0);
    const table = r.out.slice(r.out.indexOf("\nMode choice"), r.out.indexOf("\nLanes by sea"));
    const rows = table
      .split("\n")
      .slice(3)
      .filter((line) => line.trim() !== "" && !line.startsWith("("));
    expect(rows.map((line) => line.split(/\s+/)[0])).toEqual(["container", "bulk"]);
    expect(table).toMatch(/counted above in their class: [^)]*container\|no-chinese-transit-rus/);
    // the row adds the split class's tonne-km to its class: 100 % of the class's tonne-km in its mode columns
    const shares = rows[0].match(/(\d+\.\d) %/g)?.slice(1).map((x) => Number.parseFloat(x)) ?? [];
    expect(shares.reduce((x, y) => x + y, 0)).toBeCloseTo(100, 0);
    const off = await assign("--no-store", "--rules-off", "all");
    expect(off.out).not.toContain("counted above in their class");
  });

  it("an id that is no rule of the dataset is E_USAGE with did-you-mean", async () => {
    const r = await assign("--no-store", "--rules-off", "no-chinese-transit-ru");
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^caravan: E_USAGE: "no-chinese-transit-ru" is not a rule of passage/);
    expect(r.err).toContain("no-chinese-transit-rus");
  });

  it("with a run store, the run with the rules off is another run, never the replay of the run with them; repeating either replays it", async () => {
    const db = join(tmp, "runs.db");
    const on = await assign("--json", "--store", db);
    const off = await assign("--json", "--store", db, "--rules-off", "all");
    expect(on.code, on.err).toBe(0);
    expect(off.code, off.err).toBe(0);
    const figures = (text: string) => {
      const { elapsedS: _e, solveS: _s, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(figures(off.out)).not.toEqual(figures(on.out));
    expect((await assign("--json", "--store", db, "--rules-off", "all")).out).toBe(off.out);
    expect((await assign("--json", "--store", db)).out).toBe(on.out);
    let listed = "";
    expect(await runCli(["runs", "list", "--json", "--store", db], { out: (s) => (listed += s), err: () => {} })).toBe(0);
    const runs = (JSON.parse(listed) as { runs: { kind: string }[] }).runs.filter((r) => r.kind === "assignment");
    expect(runs).toHaveLength(2);
  }, 60_000);
});
