/**
 * `caravan gravity pair-times --rules-off ID,...|all` on the shipped dataset (data/eurasia): the rules of passage
 * (rules/passage.yaml) apply by default, as in route, matrix and scenario runs; the option switches them off on both
 * sides of the comparison (as a scenario file's `rules: off` does). India → Afghanistan is the pair that shows it:
 * Pakistan grants no transit to Indian goods (aptta-no-indian-transit, pakistan-india-trade-suspension-2025), so with
 * the rules their routes go round Pakistan; with the rules off they may cross it. Every expected figure is
 * computePairTimes' own with the same options; a run recorded with the rules off is never the replay of one with them.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { openNetwork } from "../../../src/network/open";
import { RoutingContext } from "../../../src/routing/index";
import { computePairTimes, type PairTimesState, pairTimesCsv } from "../../../src/trade/pair-times/pair-times";

const EURASIA = resolve(__dirname, "../../../data/eurasia");
const HAS_RULES = existsSync(join(EURASIA, "rules"));
const tmp = mkdtempSync(join(tmpdir(), "caravan-pair-times-rules-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", EURASIA, "gravity", "pair-times", ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** exporter→importer → [baselineTimeH, scenarioTimeH] of a pair-times CSV. */
function timesOf(csv: string): Map<string, [number, number]> {
  const rows = csv.trim().split("\n").slice(1);
  return new Map(rows.map((line) => {
    const [e, i, b, s] = line.split(",");
    return [`${e}→${i}`, [Number(b), Number(s)]];
  }));
}

describe.skipIf(!HAS_RULES)("gravity pair-times --rules-off (data/eurasia, India and Afghanistan)", () => {
  const COUNTRIES = ["IND", "AFG"];

  it("the CSV is what computePairTimes gives with the rules switched off on both sides; India ↔ Afghanistan is faster without the rules", async () => {
    const net = openNetwork(EURASIA, { cacheDir: false });
    const ctx = new RoutingContext(net);
    const expected = (rulesOff?: string[]) => {
      const side: PairTimesState = { year: null, ...(rulesOff ? { rulesOff } : {}) };
      return pairTimesCsv(computePairTimes(net, { baseline: side, scenario: side, countries: COUNTRIES, criterion: "time", context: ctx }));
    };
    const on = await run("--no-store", "--countries", COUNTRIES.join(","), "--pair-times", "fastest", "--out", "-");
    expect(on.code, on.err).toBe(0);
    const off = await run("--no-store", "--countries", COUNTRIES.join(","), "--pair-times", "fastest", "--rules-off", "all", "--out", "-");
    expect(off.code, off.err).toBe(0);
    expect(on.out).toBe(expected());
    expect(off.out).toBe(expected(["all"]));
    const tOn = timesOf(on.out);
    const tOff = timesOf(off.out);
    for (const pair of ["IND→AFG", "AFG→IND"]) {
      // the rules of passage are a setting of both sides: baseline and scenario move together
      expect(tOff.get(pair)![0]).toBe(tOff.get(pair)![1]);
      expect(tOff.get(pair)![0]).toBeLessThan(tOn.get(pair)![0]);
    }
    // rules by id: the two Indian transit bans alone leave the Pakistan–Afghanistan crossings closed (in force
    // since October 2025, today's network), so India → Afghanistan keeps going round Pakistan; with the closure off too
    // it may cross
    const ids = (rules: string[]) => run("--no-store", "--countries", COUNTRIES.join(","), "--pair-times", "fastest", "--rules-off", rules.join(","), "--out", "-");
    const indian = ["aptta-no-indian-transit", "pakistan-india-trade-suspension-2025"];
    const bans = await ids(indian);
    expect(bans.code, bans.err).toBe(0);
    expect(bans.out).toBe(expected(indian));
    const withClosure = [...indian, "pakistan-afghanistan-closure-2025-10"];
    const open = await ids(withClosure);
    expect(open.code, open.err).toBe(0);
    expect(open.out).toBe(expected(withClosure));
    expect(timesOf(open.out).get("IND→AFG")![0]).toBeLessThan(tOn.get("IND→AFG")![0]);
  }, 120_000);

  it("the default rule (mode-share) applies the switch too, and the summary names the rules switched off on each side", async () => {
    const on = await run("--no-store", "--countries", COUNTRIES.join(","), "--out", "-");
    const off = await run("--no-store", "--countries", COUNTRIES.join(","), "--rules-off", "all", "--out", "-");
    expect(on.code, on.err).toBe(0);
    expect(off.code, off.err).toBe(0);
    expect(timesOf(off.out).get("IND→AFG")![0]).toBeLessThan(timesOf(on.out).get("IND→AFG")![0]);
    const summary = await run("--no-store", "--countries", COUNTRIES.join(","), "--rules-off", "all");
    expect(summary.code, summary.err).toBe(0);
    expect(summary.out).toMatch(/^baseline: .*; rules of passage off: all$/m);
    expect(summary.out).toMatch(/^scenario: .*; rules of passage off: all$/m);
    const plain = await run("--no-store", "--countries", COUNTRIES.join(","));
    expect(plain.out).not.toContain("rules of passage off");
  }, 120_000);

  it("an id that is no rule of the dataset is E_USAGE with did-you-mean", async () => {
    const r = await run("--no-store", "--countries", COUNTRIES.join(","), "--rules-off", "aptta-no-indian-transi", "--out", "-");
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^caravan: E_USAGE: "aptta-no-indian-transi" is not a rule of passage/);
    expect(r.err).toContain("aptta-no-indian-transit");
  }, 60_000);

  it("with a run store, the run with the rules off is another run (never the replay of the run with them); repeating it replays it", async () => {
    const db = join(tmp, "runs.db");
    const args = ["--countries", COUNTRIES.join(","), "--pair-times", "fastest", "--out", "-", "--store", db];
    const on = await run(...args);
    expect(on.code, on.err).toBe(0);
    const off = await run(...args, "--rules-off", "all");
    expect(off.code, off.err).toBe(0);
    expect(off.out).not.toBe(on.out);
    const again = await run(...args, "--rules-off", "all");
    expect(again.out).toBe(off.out);
    let listed = "";
    expect(await runCli(["runs", "list", "--json", "--store", db], { out: (s) => (listed += s), err: () => {} })).toBe(0);
    const runs = (JSON.parse(listed) as { runs: { id: string; kind: string }[] }).runs.filter((r) => r.kind === "pair-times");
    expect(runs).toHaveLength(2);
    const shown = await Promise.all(
      runs.map(async (r) => {
        let text = "";
        expect(await runCli(["runs", "show", r.id, "--json", "--store", db], { out: (s) => (text += s), err: () => {} })).toBe(0);
        return JSON.parse(text) as { parameters: { baseline: PairTimesState; scenario: PairTimesState } };
      }),
    );
    const offRun = shown.find((s) => s.parameters.scenario.rulesOff !== undefined)!;
    expect(offRun.parameters.baseline.rulesOff).toEqual(["all"]);
    expect(offRun.parameters.scenario.rulesOff).toEqual(["all"]);
    expect(shown.filter((s) => s.parameters.scenario.rulesOff === undefined)).toHaveLength(1);
  }, 120_000);
});
