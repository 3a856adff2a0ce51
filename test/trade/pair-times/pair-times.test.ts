/**
 * Country-pair shipment times on the hand-checkable "pair-times" fixture (test/fixtures/pair-times/README.md):
 *
 *   AAA                                   :  BBB
 *   a1 ──road 2 h── a2 ══road 2 h + border══ b1 ──road 4 h (2 h bypass from 2030)── b2
 *   3   ─rail 4 h─  1     AAA→BBB +10 h      2  \── road 2 h (link b1-b3-road) ── b3
 *                         BBB→AAA  +4 h                                            1
 *   (weights in 100k inhabitants; c1 in CCC, d1/d2 in DDD, e1/e2 in EEE have no links; FFF has no city)
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { CaravanError } from "../../../src/core/errors";
import { openNetwork } from "../../../src/network/open";
import { RoutingContext } from "../../../src/routing/index";
import {
  chooseCities,
  computePairTimes,
  type CountryPairTimes,
  pairTimesCsv,
  RULE_LARGEST,
  RULE_POPULATION,
  RULE_UNWEIGHTED,
  summarizePairTimes,
} from "../../../src/trade/pair-times/pair-times";
import { readPairTimes } from "../../../src/trade/ge/time-cost";

const FIXTURE = resolve(__dirname, "../../fixtures/pair-times");
const net = openNetwork(FIXTURE, { cacheDir: false });
const ctx = new RoutingContext(net);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof CaravanError) return error.code;
    throw error;
  }
  return undefined;
}

/** Country-pair value by ISO3 codes. */
function at(r: CountryPairTimes, column: ArrayLike<number>, exporter: string, importer: string): number {
  const k = r.cities.countries.length;
  const a = r.cities.countries.indexOf(exporter);
  const b = r.cities.countries.indexOf(importer);
  if (a < 0 || b < 0) throw new Error(`no country ${a < 0 ? exporter : importer} in the result`);
  return column[a * k + b];
}

/** City-pair time by place ids. */
function cityAt(r: CountryPairTimes, column: Float64Array, from: string, to: string): number {
  const ids = Array.from(r.cities.place, (p) => net.network.places[p].id);
  const i = ids.indexOf(from);
  const j = ids.indexOf(to);
  if (i < 0 || j < 0) throw new Error(`no city ${i < 0 ? from : to} in the result`);
  return column[i * ids.length + j];
}

const ids = (r: { place: Uint32Array }): string[] => Array.from(r.place, (p) => net.network.places[p].id);

describe("chooseCities", () => {
  it("takes every populated city, weighted by population, and leaves out cities without a population", () => {
    const c = chooseCities(net);
    expect(c.countries).toEqual(["AAA", "BBB", "CCC", "DDD", "EEE"]);
    expect(ids(c)).toEqual(["a1", "a2", "b1", "b2", "b3", "c1", "d1", "d2", "e1", "e2"]);
    expect(Array.from(c.weight)).toEqual([300000, 100000, 200000, 100000, 100000, 50000, 5000, 8000, 1, 1]);
    expect(Array.from(c.firstCity)).toEqual([0, 2, 5, 6, 8, 10]);
    expect(Array.from(c.country)).toEqual([0, 0, 1, 1, 1, 2, 3, 3, 4, 4]);
    expect(c.withoutCities).toEqual(["FFF"]);
  });

  it("falls back to the largest city below the threshold, and to equal weights when no city has a population", () => {
    const c = chooseCities(net, { minPopulation: 10000 });
    expect(ids(c)).toEqual(["a1", "a2", "b1", "b2", "b3", "c1", "d2", "e1", "e2"]);
    expect(Array.from(c.rule)).toEqual([RULE_POPULATION, RULE_POPULATION, RULE_POPULATION, RULE_LARGEST, RULE_UNWEIGHTED]);
    const big = chooseCities(net, { minPopulation: 250000 });
    expect(ids(big)).toEqual(["a1", "b1", "c1", "d2", "e1", "e2"]);
  });

  it("restricts to the countries asked for and accepts other place kinds", () => {
    expect(ids(chooseCities(net, { countries: ["bbb", "AAA"] }))).toEqual(["a1", "a2", "b1", "b2", "b3"]);
    const junctions = chooseCities(net, { countries: ["FFF"], cityKinds: ["junction"] });
    expect(ids(junctions)).toEqual(["f1"]);
    expect(junctions.rule[0]).toBe(RULE_UNWEIGHTED);
  });

  it("rejects unknown countries, countries without cities and unknown kinds", () => {
    expect(codeOf(() => chooseCities(net, { countries: ["XXX"] }))).toBe("E_COUNTRY_UNKNOWN");
    expect(codeOf(() => chooseCities(net, { countries: ["FFF"] }))).toBe("E_USAGE");
    expect(codeOf(() => chooseCities(net, { cityKinds: ["town"] }))).toBe("E_USAGE");
    expect(codeOf(() => chooseCities(net, { cityKinds: ["waypoint"] }))).toBe("E_USAGE");
    expect(codeOf(() => chooseCities(net, { minPopulation: -1 }))).toBe("E_USAGE");
  });
});

describe("computePairTimes", () => {
  const today = computePairTimes(net, { scenario: { year: 2030 }, context: ctx });
  const cut = computePairTimes(net, { scenario: { year: 2030, avoidIds: ["b1-b3-road"] }, context: ctx });

  it("routes every city pair: border dwell by direction, the 2030 bypass only in the scenario", () => {
    expect(cityAt(today, today.cityBaselineTimeH, "a1", "b1")).toBeCloseTo(14, 9);
    expect(cityAt(today, today.cityBaselineTimeH, "b1", "a1")).toBeCloseTo(8, 9);
    expect(cityAt(today, today.cityBaselineTimeH, "a2", "b2")).toBeCloseTo(16, 9);
    expect(cityAt(today, today.cityScenarioTimeH, "a2", "b2")).toBeCloseTo(14, 9);
    expect(cityAt(today, today.cityBaselineTimeH, "b2", "b3")).toBeCloseTo(6, 9);
    expect(cityAt(today, today.cityBaselineTimeH, "a1", "a1")).toBe(0);
    expect(cityAt(today, today.cityBaselineTimeH, "a1", "c1")).toBe(Number.POSITIVE_INFINITY);
  });

  it("averages city-pair times weighted by pop_i × pop_j", () => {
    // AAA→BBB today: (6·14 + 3·18 + 3·16 + 2·12 + 1·16 + 1·14) / 16
    expect(at(today, today.baselineTimeH, "AAA", "BBB")).toBeCloseTo(240 / 16, 9);
    // 2030: a→b2 saves 2 h
    expect(at(today, today.scenarioTimeH, "AAA", "BBB")).toBeCloseTo(232 / 16, 9);
    expect(at(today, today.cityPairs, "AAA", "BBB")).toBe(6);
    expect(at(today, today.excludedPairs, "AAA", "BBB")).toBe(0);
  });

  it("includes domestic pairs, a city's pair with itself at time 0", () => {
    // AAA→AAA: (9·0 + 3·2 + 3·2 + 1·0) / 16
    expect(at(today, today.baselineTimeH, "AAA", "AAA")).toBeCloseTo(0.75, 9);
    expect(at(today, today.scenarioTimeH, "AAA", "AAA")).toBeCloseTo(0.75, 9);
    // BBB→BBB today: b1↔b2 4 h (weight 2·1), b1↔b3 2 h (2·1), b2↔b3 6 h (1·1), each both ways, over 4·4 = 16
    expect(at(today, today.baselineTimeH, "BBB", "BBB")).toBeCloseTo((2 * (2 * 4) + 2 * (2 * 2) + 2 * 6) / 16, 9);
    // a country with one reachable city and nothing else has domestic time 0
    expect(at(today, today.baselineTimeH, "CCC", "CCC")).toBe(0);
  });

  it("excludes city pairs unreachable in either state from both means, counts them and reports their weight", () => {
    // b3 is cut off in the scenario: (a, b3) pairs leave both means
    expect(at(cut, cut.baselineTimeH, "AAA", "BBB")).toBeCloseTo(178 / 12, 9);
    expect(at(cut, cut.scenarioTimeH, "AAA", "BBB")).toBeCloseTo(170 / 12, 9);
    expect(at(cut, cut.excludedPairs, "AAA", "BBB")).toBe(2);
    expect(at(cut, cut.excludedWeightShare, "AAA", "BBB")).toBeCloseTo(4 / 16, 12);
    expect(at(cut, cut.baselineUnreachableShare, "AAA", "BBB")).toBe(0);
    expect(at(cut, cut.scenarioUnreachableShare, "AAA", "BBB")).toBeCloseTo(4 / 16, 12);
    expect(at(cut, cut.baselineTimeH, "BBB", "AAA")).toBeCloseTo(106 / 12, 9);
    expect(at(cut, cut.scenarioTimeH, "BBB", "AAA")).toBeCloseTo(98 / 12, 9);
    expect(at(cut, cut.baselineTimeH, "BBB", "BBB")).toBeCloseTo(16 / 10, 9);
    expect(at(cut, cut.scenarioTimeH, "BBB", "BBB")).toBeCloseTo(8 / 10, 9);
    expect(at(cut, cut.excludedPairs, "BBB", "BBB")).toBe(4);
    expect(at(cut, cut.excludedWeightShare, "BBB", "BBB")).toBeCloseTo(6 / 16, 12);
  });

  it("gives NaN to a country pair without any reachable city pair, with all its weight unreachable", () => {
    expect(at(today, today.baselineTimeH, "AAA", "CCC")).toBeNaN();
    expect(at(today, today.scenarioTimeH, "CCC", "BBB")).toBeNaN();
    expect(at(today, today.baselineUnreachableShare, "AAA", "CCC")).toBe(1);
    expect(at(today, today.excludedPairs, "CCC", "AAA")).toBe(2);
    // DDD's two unlinked cities: only their pairs with themselves are reachable
    expect(at(today, today.excludedWeightShare, "DDD", "DDD")).toBeCloseTo((2 * 5000 * 8000) / 13000 ** 2, 12);
  });

  it("computes one matrix when baseline and scenario are the same network", () => {
    const same = computePairTimes(net, { baseline: { year: 2030 }, scenario: { year: 2030 }, context: ctx });
    expect(same.cityScenarioTimeH).toBe(same.cityBaselineTimeH);
    expect(at(same, same.baselineTimeH, "AAA", "BBB")).toBeCloseTo(232 / 16, 9);
  });

  it("with the generalized criterion takes the time of the cheaper, slower route", () => {
    const g = computePairTimes(net, { scenario: {}, criterion: "generalized", context: ctx });
    expect(cityAt(g, g.cityBaselineTimeH, "a1", "a2")).toBeCloseTo(4, 9);
    expect(at(g, g.baselineTimeH, "AAA", "AAA")).toBeCloseTo(1.5, 9);
    // the fastest time is a lower bound of the time of any chosen route
    const t = computePairTimes(net, { scenario: {}, criterion: "time", context: ctx });
    for (let cell = 0; cell < t.cityBaselineTimeH.length; cell++) {
      const fast = t.cityBaselineTimeH[cell];
      const chosen = g.cityBaselineTimeH[cell];
      if (fast === Number.POSITIVE_INFINITY) expect(chosen).toBe(Number.POSITIVE_INFINITY);
      else expect(chosen).toBeGreaterThanOrEqual(fast - 1e-9);
    }
  });

  it("rejects criteria other than time and generalized, and bad route options", () => {
    expect(codeOf(() => computePairTimes(net, { scenario: {}, criterion: "cost" as "time" }))).toBe("E_USAGE");
    expect(codeOf(() => computePairTimes(net, { scenario: { closeChokepoints: ["nowhere"] } }))).toBe("E_CHOKEPOINT_UNKNOWN");
    expect(codeOf(() => computePairTimes(net, { scenario: {}, cargo: "crate" }))).toBe("E_CARGO_UNKNOWN");
  });
});

describe("pairTimesCsv", () => {
  it("writes the country pairs with times, in ISO3 order, readable by readPairTimes", () => {
    const r = computePairTimes(net, { scenario: { year: 2030, avoidIds: ["b1-b3-road"] }, countries: ["AAA", "BBB", "CCC"], context: ctx });
    const csv = pairTimesCsv(r);
    expect(csv).toBe(
      ["exporter,importer,baselineTimeH,scenarioTimeH", "AAA,AAA,0.75,0.75", "AAA,BBB,14.83,14.17", "BBB,AAA,8.83,8.17", "BBB,BBB,1.60,0.80", "CCC,CCC,0.00,0.00", ""].join("\n"),
    );
    const dir = mkdtempSync(join(tmpdir(), "caravan-pair-times-"));
    const file = join(dir, "times.csv");
    writeFileSync(file, csv);
    const back = readPairTimes(file);
    expect(back.exporter).toEqual(["AAA", "AAA", "BBB", "BBB", "CCC"]);
    expect(Array.from(back.scenarioTimeH)).toEqual([0.75, 14.17, 8.17, 0.8, 0]);
  });

  it("summarizes counts, the mean change and the largest changes", () => {
    const r = computePairTimes(net, { scenario: { year: 2030 }, countries: ["AAA", "BBB", "CCC"], context: ctx });
    const s = summarizePairTimes(r);
    expect(s.pairs).toBe(5);
    expect(s.unconnectedPairs).toBe(4);
    expect(s.cityPairs).toBe(36);
    expect(s.excludedCityPairs).toBe(10); // c1 with the 5 other cities, both ways
    // AAA→BBB 240/16 → 232/16 (−3.33 %); BBB→AAA (6·8 + 2·6 + 3·12 + 1·10 + 3·10 + 1·8)/16 = 144/16 → 136/16 (−5.56 %);
    // BBB→BBB 36/16 → (2·2·2 + 2·2·2 + 2·4)/16 = 24/16 (−33.33 %); AAA→AAA unchanged; CCC→CCC has baseline 0
    expect(s.changedPairs).toBe(3);
    expect(s.largestDecrease?.exporter).toBe("BBB");
    expect(s.largestDecrease?.importer).toBe("BBB");
    expect(s.largestDecrease?.changePct).toBeCloseTo((100 * (24 - 36)) / 36, 9);
    expect(s.largestIncrease).toBeNull();
    expect(s.top.map((c) => `${c.exporter}${c.importer}`)).toEqual(["BBBBBB", "BBBAAA", "AAABBB"]);
    const expectedMean = ((100 * (24 - 36)) / 36 + (100 * (136 - 144)) / 144 + (100 * (232 - 240)) / 240 + 0) / 4;
    expect(s.meanChangePct).toBeCloseTo(expectedMean, 9);
  });
});

describe("caravan gravity pair-times", () => {
  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    // the run store is tested in test/store; nothing is recorded in the working folder here
    const code = await runCli([...args, "--no-store"], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  }

  it("writes the CSV atomically and prints a summary with the top pairs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-pair-times-cli-"));
    const file = join(dir, "times.csv");
    const { code, out, err } = await run(
      "gravity",
      "pair-times",
      "--network",
      FIXTURE,
      "--year",
      "2030",
      "--avoid-crossings",
      "b1-b3-road",
      "--countries",
      "AAA,BBB,CCC",
      "--pair-times",
      "fastest",
      "--out",
      file,
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(pairTimesCsv(computePairTimes(net, { scenario: { year: 2030, avoidIds: ["b1-b3-road"] }, countries: ["AAA", "BBB", "CCC"] })));
    expect(out).toMatch(/cities: 6 in 3 countries/);
    expect(out).toMatch(/excluded as unreachable in the baseline or the scenario: 18 /);
    expect(out).toMatch(/largest decrease: BBB→BBB 1\.6 → 0\.8 h \(-50\.00 %\)/);
    expect(out).toMatch(/top 3 pairs by change/);
    expect(out).toMatch(/wrote 5 country pairs/);
  });

  it("takes the network from the global --data and prints the CSV with --out -", async () => {
    const { code, out } = await run("--data", FIXTURE, "gravity", "pair-times", "--pair-times", "fastest", "--countries", "AAA,BBB", "--year", "2030", "--out", "-");
    expect(code).toBe(0);
    expect(out).toBe(["exporter,importer,baselineTimeH,scenarioTimeH", "AAA,AAA,0.75,0.75", "AAA,BBB,15.00,14.50", "BBB,AAA,9.00,8.50", "BBB,BBB,2.25,1.50", ""].join("\n"));
  });

  it("applies --baseline-year to both states and --optimize generalized to both", async () => {
    const same = await run("gravity", "pair-times", "--network", FIXTURE, "--countries", "BBB", "--baseline-year", "2030", "--pair-times", "fastest", "--out", "-");
    expect(same.out).toBe("exporter,importer,baselineTimeH,scenarioTimeH\nBBB,BBB,1.50,1.50\n");
    const g = await run("gravity", "pair-times", "--network", FIXTURE, "--countries", "AAA", "--pair-times", "fastest", "--optimize", "generalized", "--out", "-");
    expect(g.out).toBe("exporter,importer,baselineTimeH,scenarioTimeH\nAAA,AAA,1.50,1.50\n");
  });

  it("names the countries whose cities were chosen by a fallback rule", async () => {
    const { code, out } = await run("gravity", "pair-times", "--network", FIXTURE, "--countries", "AAA,DDD,EEE", "--min-population", "10000");
    expect(code).toBe(0);
    expect(out).toMatch(/cities: 5 in 3 countries \(population ≥ 10000, weighted by population\); by fallback: DDD \(largest\), EEE \(unweighted\)/);
    expect(out).toMatch(/give --out FILE/);
  });

  it("exits 2 on a criterion other than time or generalized, or an unknown country", async () => {
    const bad = await run("gravity", "pair-times", "--network", FIXTURE, "--pair-times", "fastest", "--optimize", "cost");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/E_USAGE/);
    const unknown = await run("gravity", "pair-times", "--network", FIXTURE, "--countries", "AAB");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/E_COUNTRY_UNKNOWN/);
  });

  it("keeps a country whose cities are cut off at its domestic self-pairs, unchanged, instead of inventing a saving", async () => {
    // avoiding AAA cuts a1↔a2 in the scenario: the pair leaves both means, so AAA→AAA is 0 → 0, not 0.75 → 0
    const { code, out } = await run("gravity", "pair-times", "--network", FIXTURE, "--countries", "AAA", "--avoid-countries", "AAA", "--out", "-");
    expect(code).toBe(0);
    expect(out).toBe("exporter,importer,baselineTimeH,scenarioTimeH\nAAA,AAA,0.00,0.00\n");
  });
});
