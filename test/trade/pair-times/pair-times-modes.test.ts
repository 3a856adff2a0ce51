/**
 * Expected shipment times over the modes shippers use (src/trade/pair-times/pair-times.ts, `modeShares`) on the hand-checkable
 * "pair-times" fixture (test/fixtures/pair-times/README.md). Within AAA, a1 → a2 has two mode routes:
 *   road: 100 km road, 2 h (generalized cost 200 + 2 · 41.667 = 283.3 USD);
 *   rail: 100 km rail, 4 h (100 + 4 · 41.667 = 266.7 USD, the least generalized cost);
 * no sea and no air route (their routes would be all road, which is no sea or air route). Weights a1 3, a2 1, so
 *   AAA→AAA = (3·1·t(a1→a2) + 1·3·t(a2→a1)) / 16 = 6 t / 16.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../../src/core/errors";
import { openNetwork } from "../../../src/network/open";
import { RoutingContext } from "../../../src/routing/index";
import { readModeShares } from "../../../src/studies/belt-and-road/mode-shares";
import { chooseCities, computePairTimes, type ModeShareTable, modeCityTimes } from "../../../src/trade/pair-times/pair-times";
import { accessNode } from "../../../src/network/compiled";

const FIXTURE = resolve(__dirname, "../../fixtures/pair-times");
const net = openNetwork(FIXTURE, { cacheDir: false });
const ctx = new RoutingContext(net);

function aaa(table: ModeShareTable, modes?: string[]): number {
  const side = modes ? { modes } : {};
  const r = computePairTimes(net, { countries: ["AAA", "BBB"], baseline: side, scenario: side, modeShares: table, context: ctx });
  return r.baselineTimeH[0];
}

describe("mode routes of a city pair", () => {
  it("road 2 h and rail 4 h from a1 to a2; no sea or air route (an all-road route is neither)", () => {
    const cities = chooseCities(net, { countries: ["AAA"] });
    const nodes = Uint32Array.from(cities.place, (p) => accessNode(p));
    const per = modeCityTimes(ctx, { modes: ["rail", "road", "sea", "ferry", "air"] }, "feu", nodes);
    const ids = Array.from(cities.place, (p) => net.network.places[p].id);
    const cell = ids.indexOf("a1") * ids.length + ids.indexOf("a2");
    const t = Object.fromEntries(per.modes.map((m, q) => [m, per.timeH[q][cell]]));
    expect(t).toEqual({ sea: Number.POSITIVE_INFINITY, rail: 4, road: 2, air: Number.POSITIVE_INFINITY });
    const gRail = per.generalizedUsd[per.modes.indexOf("rail")][cell];
    const gRoad = per.generalizedUsd[per.modes.indexOf("road")][cell];
    const vot = net.network.cargo.find((c) => c.id === "feu")?.valueOfTimeUsdPerH.value ?? Number.NaN; // 41.667
    expect(gRail).toBeCloseTo(100 + 4 * vot, 6);
    expect(gRoad).toBeCloseTo(200 + 2 * vot, 6);
    expect(gRail).toBeLessThan(gRoad);
  });
});

describe("expected times", () => {
  it("observed shares weight the mode times: rail 25 %, road 75 % → a1→a2 2.5 h, AAA→AAA 6 · 2.5 / 16", () => {
    expect(aaa({ lanes: [{ exporters: ["AAA"], importers: ["AAA"], shares: { rail: 25, road: 75 }, source: "test" }] })).toBeCloseTo((6 * 2.5) / 16, 12);
  });

  it("a lane without observed shares takes the mode of least generalized cost (rail, 4 h): AAA→AAA 1.5 h", () => {
    expect(aaa({ lanes: [] })).toBeCloseTo(1.5, 12);
  });

  it("shares of modes without a route are renormalised away (air 50 %, road 50 % → road alone, 0.75 h)", () => {
    expect(aaa({ lanes: [{ exporters: ["AAA"], importers: ["AAA"], shares: { air: 50, road: 50 }, source: "test" }] })).toBeCloseTo(0.75, 12);
  });

  it("only modes the side allows are offered (road only: the rail share has no route)", () => {
    expect(aaa({ lanes: [{ exporters: ["AAA"], importers: ["AAA"], shares: { rail: 25, road: 75 }, source: "test" }] }, ["road"])).toBeCloseTo(0.75, 12);
  });

  it("both sides use the same shares: opening the bypass changes BBB times, not the rule", () => {
    const table = { lanes: [{ exporters: ["BBB"], importers: ["BBB"], shares: { road: 100 }, source: "test" }] };
    const r = computePairTimes(net, { countries: ["AAA", "BBB"], scenario: { year: 2030 }, modeShares: table, context: ctx });
    const k = 2;
    expect(r.scenarioTimeH[1 * k + 1]).toBeLessThan(r.baselineTimeH[1 * k + 1]);
  });
});

describe("mode-share files", () => {
  const groups = new Map([["grp", ["AAA", "BBB"]]]);
  const file = (body: string): string => {
    const f = join(mkdtempSync(join(tmpdir(), "caravan-shares-")), "s.csv");
    writeFileSync(f, `exporters,importers,mode,valueSharePct,year,source\n${body}\n`);
    return f;
  };
  const detailsOf = (f: string): unknown => {
    try {
      readModeShares(f, groups);
    } catch (e) {
      expect(e).toBeInstanceOf(CaravanError);
      return (e as CaravanError).details;
    }
    return null;
  };

  it("reads lanes with groups expanded", () => {
    const t = readModeShares(file("AAA,grp,sea,70,2019,src:x\nAAA,grp,rail,30,2019,src:y"), groups);
    expect(t.lanes).toEqual([{ exporters: ["AAA"], importers: ["AAA", "BBB"], shares: { sea: 70, rail: 30 }, source: "src:x;src:y" }]);
  });

  it("an unknown group, an unknown mode, a share out of range, a missing source and a repeated mode are E_PARSE with line and field", () => {
    expect(detailsOf(file("AAA,grpp,sea,70,2019,src:x"))).toMatchObject({ line: 2, field: "importers" });
    expect(detailsOf(file("AAA,BBB,ship,70,2019,src:x"))).toMatchObject({ line: 2, field: "mode" });
    expect(detailsOf(file("AAA,BBB,sea,170,2019,src:x"))).toMatchObject({ line: 2, field: "valueSharePct" });
    expect(detailsOf(file("AAA,BBB,sea,70,2019,"))).toMatchObject({ line: 2, field: "source" });
    expect(detailsOf(file("AAA,BBB,sea,70,2019,src:x\nAAA,BBB,sea,20,2019,src:x"))).toMatchObject({ line: 3, field: "mode" });
  });
});

describe("China → Germany on data/eurasia", () => {
  it("the expected time over the observed China → EU shares lies between the mode times, well above the fastest land-and-sea route", async () => {
    const { fixedGroups, readModeShares, DEFAULT_MODE_SHARES_FILE } = await import("../../../src/studies/belt-and-road/index");
    const real = openNetwork(resolve(__dirname, "../../../data/eurasia"));
    const rctx = new RoutingContext(real);
    const side = { modes: ["rail", "road", "sea", "ferry", "air"] };
    const table = readModeShares(DEFAULT_MODE_SHARES_FILE, fixedGroups());
    const countries = ["CHN", "DEU"];
    const expected = computePairTimes(real, { countries, baseline: side, scenario: side, modeShares: table, context: rctx });
    const landSea = computePairTimes(real, { countries, context: rctx, scenario: {} });
    const cities = chooseCities(real, { countries });
    const nodes = Uint32Array.from(cities.place, (p) => accessNode(p));
    const per = modeCityTimes(rctx, side, "feu", nodes);
    // population-weighted mean of each mode's time, CHN → DEU
    const n = nodes.length;
    const mean = (q: number): number => {
      let w = 0;
      let s = 0;
      for (let i = cities.firstCity[0]; i < cities.firstCity[1]; i++) {
        for (let j = cities.firstCity[1]; j < cities.firstCity[2]; j++) {
          const t = per.timeH[q][i * n + j];
          if (t === Number.POSITIVE_INFINITY) continue;
          w += cities.weight[i] * cities.weight[j];
          s += cities.weight[i] * cities.weight[j] * t;
        }
      }
      return s / w;
    };
    const byMode = Object.fromEntries(per.modes.map((m, q) => [m, mean(q)]));
    const t = expected.baselineTimeH[1]; // CHN → DEU ([0 * 2 + 1])
    // air < rail < expected < sea: 75 % of the value goes by sea, 22 % by air, 3 % by rail
    expect(byMode.air).toBeLessThan(byMode.rail);
    expect(byMode.rail).toBeLessThan(t);
    expect(t).toBeLessThan(byMode.sea);
    expect(t).toBeGreaterThan(1.5 * landSea.baselineTimeH[1]);
    // close to the share-weighted mean of the mode means (city pairs without a sea route are renormalised)
    expect(Math.abs(t - (0.75 * byMode.sea + 0.22 * byMode.air + 0.03 * byMode.rail))).toBeLessThan(0.05 * t);
  }, 60_000);
});
