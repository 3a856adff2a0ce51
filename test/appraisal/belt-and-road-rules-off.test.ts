/**
 * `caravan study belt-and-road --rules-off <id,...|all>` (as `assign` and `gravity pair-times`): rules of passage not
 * to apply in any of the study's network states — its routing and pair times, and the corridor assignments of the
 * Kazakh transit figure. The option is recorded in the outputs (parameters.rulesOff); an unknown id is E_USAGE with a
 * did-you-mean.
 *
 * Fixtures (copies with one rule of passage each, in force since 2020):
 *   - the appraisal fixture (AAA … EEE, test/fixtures/appraisal) with a crossing_ban on its only border crossing
 *     (ab-crossing): in force, AAA and BBB reach no partner; switched off, the study gives exactly the figures of the
 *     fixture without the rule;
 *   - the "corridors" routing fixture (Orient → Destport by the North and Middle corridors, both through KAZ, or by
 *     sea) with its corridor demand declared by an observations file and a ban on the transit of Chinese goods
 *     through KAZ: in force, the Orient containers sail and KAZ carries no transit; switched off, they cross KAZ.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";
import { kazakhTransitOf } from "../../src/studies/belt-and-road/study";
import { studyStates } from "../../src/studies/belt-and-road/variants";
import { fixtureCopy } from "../server/helpers";

const original = join(import.meta.dirname, "..", "fixtures", "appraisal");
const tradeFile = join(original, "study", "trade.csv");
const gdpFile = join(original, "study", "gdp.csv");
const RULE = "ab-crossing-closed";

const banned = join(mkdtempSync(join(tmpdir(), "caravan-bri-rules-")), "appraisal");
cpSync(original, banned, { recursive: true });
mkdirSync(join(banned, "rules"));
writeFileSync(
  join(banned, "rules", "passage.yaml"),
  `rules:
  - id: ${RULE}
    name: A Two–B One closed (fixture)
    kind: crossing_ban
    crossings: [ab-crossing]
    from: "2020-01-01"
    what: "test rule: the only AAA–BBB crossing is closed"
    source: [src:appraisal-manual]
`,
);

async function study(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--gdp", gdpFile, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** The study's figures (variants and network), without the parameters and timings. */
function figures(json: string): unknown {
  const r = JSON.parse(json) as { variants: unknown; network: unknown };
  return { variants: r.variants, network: r.network };
}

describe("study belt-and-road --rules-off (appraisal fixture with a crossing ban)", () => {
  it("switched off (by id or all), the study gives the figures of the fixture without the rule and records the ids", async () => {
    const plain = await study(original, "--json");
    expect(plain.code, plain.err).toBe(0);
    expect(JSON.parse(plain.out).parameters.rulesOff).toEqual([]);
    for (const off of [RULE, "all"]) {
      const r = await study(banned, "--json", "--rules-off", off);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).parameters.rulesOff).toEqual([off]);
      expect(figures(r.out)).toEqual(figures(plain.out));
    }
  });

  it("in force, the closed crossing cuts AAA off from BBB: no time change for AAA", async () => {
    const plain = JSON.parse((await study(original, "--json")).out);
    const inForce = await study(banned, "--json");
    expect(inForce.code, inForce.err).toBe(0);
    const aaa = (r: { variants: { name: string; economies: { country: string; timeChangePct: number | null }[] }[] }) =>
      r.variants.find((v) => v.name === "borders")!.economies.find((e) => e.country === "AAA")!.timeChangePct;
    expect(aaa(plain)).toBeLessThan(0);
    expect(aaa(JSON.parse(inForce.out))).toBeNull();
  });

  it("the text, study.json and the HTML report name the rules switched off", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-bri-rules-out-"));
    const r = await study(banned, "--rules-off", RULE, "--out", join(tmp, "out"), "--report", join(tmp, "r.html"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`rules of passage off (in every state): ${RULE}`);
    expect(JSON.parse(readFileSync(join(tmp, "out", "study.json"), "utf8")).parameters.rulesOff).toEqual([RULE]);
    expect(readFileSync(join(tmp, "r.html"), "utf8")).toContain(`rules of passage off (in every state): ${RULE}`);
    // without the option the line is absent
    expect((await study(banned)).out).not.toContain("rules of passage off");
  });

  it("an unknown id is E_USAGE with a did-you-mean, before any work", async () => {
    const r = await study(banned, "--rules-off", "ab-crossing-close");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^caravan: E_USAGE: "ab-crossing-close" is not a rule of passage of this dataset/);
    expect(r.err).toContain(`did you mean: ${RULE}`);
    expect(r.out).toBe("");
  });
});

describe("the study's transit assignments follow --rules-off (corridors fixture with a KAZ transit ban)", () => {
  const data = fixtureCopy();
  mkdirSync(join(data, "rules"));
  writeFileSync(
    join(data, "rules", "passage.yaml"),
    `rules:
  - id: no-chinese-transit-kaz
    name: No transit of Chinese goods through Kazakhstan (fixture)
    kind: transit_ban
    goodsFrom: [CHN]
    countries: [KAZ]
    from: "2020-01-01"
    what: "test rule: goods from CHN may not cross KAZ"
    source: [src:corridors-manual]
`,
  );
  mkdirSync(join(data, "observations"));
  writeFileSync(
    join(data, "observations", "corridors.yaml"),
    `demand: demand/corridors-2024.csv
observations:
  - id: kaz-transit
    metric: volume
    unit: Mt
    volume: { kind: transit, country: KAZ }
    description: "transit through KAZ (fixture)"
    low: 0.5
    high: 1.5
    year: 2024
    source: [src:corridors-manual]
`,
  );
  const ctx = new RoutingContext(openNetwork(data, { cacheDir: false }));

  it("in force, no transit through KAZ in any state; switched off, the Orient containers cross KAZ in every state", () => {
    const inForce = kazakhTransitOf(studyStates(ctx));
    const off = kazakhTransitOf(studyStates(ctx, { rulesOff: ["no-chinese-transit-kaz"] }));
    expect(inForce).not.toBeNull();
    expect(off).not.toBeNull();
    expect(inForce!.baselineT).toBe(0);
    for (const v of inForce!.variants) expect(v.transitT).toBe(0);
    expect(off!.baselineT).toBeGreaterThan(0);
    for (const v of off!.variants) expect(v.transitT).toBeGreaterThan(0);
  });
});
