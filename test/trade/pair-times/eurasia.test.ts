/**
 * Country-pair shipment times on the shipped dataset (data/eurasia): projects only add links, closures only remove
 * them, and the CSV of `gravity pair-times` feeds `gravity counterfactual --time-changes`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { openNetwork } from "../../../src/network/open";
import { RoutingContext } from "../../../src/routing/index";
import { computePairTimes, type CountryPairTimes } from "../../../src/trade/pair-times/pair-times";
import { adValoremChangePct, readPairTimes } from "../../../src/trade/ge/time-cost";

const EURASIA = resolve(__dirname, "../../../data/eurasia");
const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const INF = Number.POSITIVE_INFINITY;

/** Every city pair and every country pair: scenario ≤ baseline (or ≥ with direction -1); returns the strict changes. */
function expectOrdered(r: CountryPairTimes, direction: 1 | -1): { cityChanges: number; pairChanges: number } {
  let cityChanges = 0;
  for (let cell = 0; cell < r.cityBaselineTimeH.length; cell++) {
    const tb = r.cityBaselineTimeH[cell];
    const ts = r.cityScenarioTimeH[cell];
    if (direction === 1) {
      if (tb !== INF && !(ts <= tb)) throw new Error(`city pair ${cell}: scenario ${ts} h > baseline ${tb} h`);
    } else if (ts !== INF && !(ts >= tb)) throw new Error(`city pair ${cell}: scenario ${ts} h < baseline ${tb} h`);
    if (ts !== tb) cityChanges++;
  }
  let pairChanges = 0;
  for (let pair = 0; pair < r.baselineTimeH.length; pair++) {
    const tb = r.baselineTimeH[pair];
    const ts = r.scenarioTimeH[pair];
    if (Number.isNaN(tb)) continue;
    if (direction === 1) {
      expect(ts).toBeLessThanOrEqual(tb);
      expect(r.scenarioUnreachableShare[pair]).toBeLessThanOrEqual(r.baselineUnreachableShare[pair]);
    } else {
      expect(ts).toBeGreaterThanOrEqual(tb);
      expect(r.scenarioUnreachableShare[pair]).toBeGreaterThanOrEqual(r.baselineUnreachableShare[pair]);
    }
    if (ts !== tb) pairChanges++;
  }
  return { cityChanges, pairChanges };
}

describe("pair times on data/eurasia", () => {
  it("opening the 2028–2030 projects does not increase any city-pair or country-pair time, and shortens some", () => {
    const r = computePairTimes(net, { baseline: { year: 2027 }, scenario: { year: 2030 }, context: ctx });
    expect(r.cities.countries.length).toBeGreaterThan(30);
    const { cityChanges, pairChanges } = expectOrdered(r, 1);
    expect(cityChanges).toBeGreaterThan(0);
    expect(pairChanges).toBeGreaterThan(0);
  });

  it("closing Bab-el-Mandeb does not decrease any time, and lengthens Red Sea pairs", () => {
    const r = computePairTimes(net, { scenario: { closeChokepoints: ["bab-el-mandeb"] }, countries: ["CHN", "DEU", "DJI", "EGY", "SAU"], context: ctx });
    expectOrdered(r, -1);
    const k = r.cities.countries.length;
    const sau = r.cities.countries.indexOf("SAU");
    const dji = r.cities.countries.indexOf("DJI");
    expect(r.scenarioTimeH[sau * k + dji]).toBeGreaterThan(r.baselineTimeH[sau * k + dji] + 24);
  });

  it("a country pair's time does not depend on which other countries are paired", () => {
    const pool = ["CHN", "DEU", "KAZ", "KGZ", "POL", "RUS", "TUR", "UZB"];
    const full = computePairTimes(net, { scenario: { year: 2030 }, countries: pool, context: ctx });
    const fullK = full.cities.countries.length;
    fc.assert(
      fc.property(fc.subarray(pool, { minLength: 1, maxLength: 4 }), (subset) => {
        const r = computePairTimes(net, { scenario: { year: 2030 }, countries: subset, context: ctx });
        const k = r.cities.countries.length;
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            const fa = full.cities.countries.indexOf(r.cities.countries[a]);
            const fb = full.cities.countries.indexOf(r.cities.countries[b]);
            expect(r.baselineTimeH[a * k + b]).toBe(full.baselineTimeH[fa * fullK + fb]);
            expect(r.scenarioTimeH[a * k + b]).toBe(full.scenarioTimeH[fa * fullK + fb]);
          }
        }
      }),
      { numRuns: 6, seed: 20261127 },
    );
  });
});

describe("gravity pair-times → gravity counterfactual --time-changes", () => {
  const countries = ["CHN", "DEU", "KAZ", "KGZ", "RUS", "UZB"];

  /** A tiny invented gravity panel over the dataset's countries (test input only, not data): every pair incl. domestic. */
  function panel(dir: string): string {
    const lines = ["exporter,importer,trade"];
    for (let i = 0; i < countries.length; i++) {
      for (let j = 0; j < countries.length; j++) lines.push(`${countries[i]},${countries[j]},${i === j ? 50000 * (i + 1) : 1000 * (i + 1) + 100 * (j + 1)}`);
    }
    const file = join(dir, "panel.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  }

  it("the CSV written for the 2030 network feeds the counterfactual, one cost change per changed pair", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-pair-times-e2e-"));
    const timesFile = join(dir, "times.csv");
    let out = "";
    let err = "";
    const io = { out: (s: string) => (out += s), err: (s: string) => (err += s) };
    // The fastest time of a pair cannot rise when projects open (they add or speed up arcs), so every change is a
    // decrease. The default rule (expected time over the modes shippers use; least generalized cost where no share is
    // observed) may rise by minutes where a project makes a slower route cheaper, so it is not the rule checked here.
    const code = await runCli(["--data", EURASIA, "gravity", "pair-times", "--no-store", "--year", "2030", "--pair-times", "fastest", "--countries", countries.join(","), "--out", timesFile], io);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/scenario: projects open by 2030/);
    const times = readPairTimes(timesFile);
    expect(times.exporter.length).toBe(countries.length ** 2);
    expect(readFileSync(timesFile, "utf8").split("\n")[0]).toBe("exporter,importer,baselineTimeH,scenarioTimeH");

    out = "";
    const cf = await runCli(["gravity", "counterfactual", "--no-store", "--data", panel(dir), "--time-changes", timesFile, "--pct-per-day", "1.35", "--json"], io);
    expect(err).toBe("");
    expect(cf).toBe(0);
    const json = JSON.parse(out) as { pairs: { exporter: string; importer: string; tradeCostChangePct: number }[] };
    const changed = new Map<string, number>();
    for (let r = 0; r < times.exporter.length; r++) {
      const deltaH = times.scenarioTimeH[r] - times.baselineTimeH[r];
      expect(deltaH).toBeLessThanOrEqual(0);
      if (deltaH !== 0) changed.set(`${times.exporter[r]}>${times.importer[r]}`, adValoremChangePct(deltaH, 1.35));
    }
    expect(changed.size).toBeGreaterThan(0);
    expect(json.pairs.map((p) => `${p.exporter}>${p.importer}`).sort()).toEqual([...changed.keys()].sort());
    for (const p of json.pairs) {
      expect(p.tradeCostChangePct).toBeLessThan(0);
      expect(p.tradeCostChangePct).toBeCloseTo(changed.get(`${p.exporter}>${p.importer}`)!, 6);
    }
  });
});
