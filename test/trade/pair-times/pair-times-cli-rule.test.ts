/**
 * `caravan gravity pair-times --pair-times mode-share|fastest [--mode-shares FILE]` on the hand-checkable
 * "pair-times" fixture (test/fixtures/pair-times/README.md): the command takes the rule of the Belt and Road study
 * and gives the times `computePairTimes` gives with the same mode-share table. Within AAA (weights a1 3, a2 1,
 * AAA→AAA = 6 t / 16 with t the a1↔a2 time):
 *   fastest                       road, 2 h   → 0.75 h
 *   mode-share, no lane for AAA   the mode of least generalized cost, rail 4 h → 1.50 h (the default shares file
 *                                 has lanes of real economies only)
 *   mode-share, rail 25 %, road 75 %   2.5 h  → 0.9375 h, printed 0.94
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { openNetwork } from "../../../src/network/open";
import { RoutingContext } from "../../../src/routing/index";
import { fixedGroups, readModeShares } from "../../../src/studies/belt-and-road/index";
import { computePairTimes, pairTimesCsv } from "../../../src/trade/pair-times/pair-times";

const FIXTURE = resolve(__dirname, "../../fixtures/pair-times");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["gravity", "pair-times", "--no-store", "--network", FIXTURE, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function sharesFile(body: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "caravan-pair-times-rule-")), "shares.csv");
  writeFileSync(f, `exporters,importers,mode,valueSharePct,year,source\n${body}\n`);
  return f;
}

const HEADER = "exporter,importer,baselineTimeH,scenarioTimeH";

describe("caravan gravity pair-times --pair-times", () => {
  it("defaults to mode-share: a lane without observed shares takes the mode of least generalized cost (AAA→AAA 1.50 h, fastest 0.75 h)", async () => {
    const byDefault = await run("--countries", "AAA", "--out", "-");
    expect(byDefault.err).toBe("");
    expect(byDefault.code).toBe(0);
    expect(byDefault.out).toBe(`${HEADER}\nAAA,AAA,1.50,1.50\n`);
    expect((await run("--countries", "AAA", "--pair-times", "mode-share", "--out", "-")).out).toBe(byDefault.out);
    expect((await run("--countries", "AAA", "--pair-times", "fastest", "--out", "-")).out).toBe(`${HEADER}\nAAA,AAA,0.75,0.75\n`);
  });

  it("--mode-shares FILE weights the mode times by the observed shares (rail 25 %, road 75 % → AAA→AAA 0.94 h)", async () => {
    const file = sharesFile("AAA,AAA,rail,25,2019,test\nAAA,AAA,road,75,2019,test");
    const r = await run("--countries", "AAA", "--mode-shares", file, "--out", "-");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${HEADER}\nAAA,AAA,0.94,0.94\n`);
  });

  it("writes what computePairTimes gives with the same mode-share table, and names the rule in the summary", async () => {
    const shares = sharesFile("BBB,BBB,road,100,2019,test\nAAA,BBB,road,60,2019,test\nAAA,BBB,rail,40,2019,test");
    const out = join(mkdtempSync(join(tmpdir(), "caravan-pair-times-rule-")), "times.csv");
    const r = await run("--countries", "AAA,BBB", "--year", "2030", "--mode-shares", shares, "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const net = openNetwork(FIXTURE, { cacheDir: false });
    const expected = computePairTimes(net, {
      scenario: { year: 2030 },
      countries: ["AAA", "BBB"],
      modeShares: readModeShares(shares, fixedGroups()),
      context: new RoutingContext(net),
    });
    expect(readFileSync(out, "utf8")).toBe(pairTimesCsv(expected));
    expect(readFileSync(out, "utf8")).not.toBe(pairTimesCsv(computePairTimes(net, { scenario: { year: 2030 }, countries: ["AAA", "BBB"] })));
    expect(r.out).toMatch(/^shipment times \(expected over the modes shippers use: observed value shares by lane from .*shares\.csv, other lanes the mode of least generalized cost; feu, /);
    const fastest = await run("--countries", "AAA,BBB", "--pair-times", "fastest");
    expect(fastest.out).toMatch(/^shipment times \(fastest route; feu, /);
  });

  it("refuses an unknown rule (did you mean), --mode-shares with fastest, --optimize with mode-share, and a malformed shares file", async () => {
    const typo = await run("--pair-times", "fastst");
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/^caravan: E_USAGE: --pair-times must be mode-share or fastest/);
    expect(typo.err).toMatch(/fastest/);
    const shares = sharesFile("AAA,AAA,road,100,2019,test");
    const both = await run("--pair-times", "fastest", "--mode-shares", shares);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/E_USAGE: --mode-shares is used by --pair-times mode-share only/);
    const optimize = await run("--optimize", "generalized");
    expect(optimize.code).toBe(2);
    expect(optimize.err).toMatch(/E_USAGE: --optimize is used by --pair-times fastest only/);
    const bad = await run("--mode-shares", sharesFile("AAA,AAA,ship,100,2019,test"));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/^caravan: E_\w+: .*shares\.csv.*mode/);
    expect(bad.err.split("\n").filter((l) => l !== "")).toHaveLength(1);
  });
});
