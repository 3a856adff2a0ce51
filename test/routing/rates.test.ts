/**
 * Rate layers (src/routing/rates.ts): the file format with file, line and field for every malformed entry, the month
 * rule (covering period, carry forward, unknown), unit conversion and the imbalance split. Fixtures are written in
 * the test so each expected number can be checked by hand.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/open";
import {
  formatMonth,
  imbalanceFactors,
  laneRate,
  parseMonth,
  parseRatesText,
  periodMonths,
  type RateReferences,
  ratesLayerOf,
  ratesMonthOf,
  readDatasetRates,
} from "../../src/routing/rates";

const REFS: RateReferences = {
  sources: new Set(["wci", "erai"]),
  rules: new Set(["carry"]),
  places: new Set(["shanghai", "rotterdam"]),
  chokepoints: new Set(["suez"]),
};

const LANE = `lanes:
  - id: test-lane
    name: Test lane
    kind: sea
    modes: [sea]
    east: { places: [shanghai] }
    west: { places: [rotterdam] }
    carryForwardMonths: 2
    carryForwardSource: [estimate:carry]
    observations:
      - { direction: westbound, period: "2024-01", asPublished: "11 Jan 2024", rateUsd: 4000, unit: FEU, source: [src:wci] }
      - { direction: westbound, period: "2024", asPublished: "2024", rateUsd: 3000, unit: FEU, source: [src:wci] }
      - { direction: eastbound, period: "2023-06/2023-08", asPublished: "mid-2023", lowUsd: 900, highUsd: 1100, unit: TEU, source: [src:wci] }
`;

function parseError(text: string): CaravanError {
  try {
    parseRatesText(text, "rates/test.yaml", REFS);
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a parse error");
}

describe("rates file format", () => {
  it("reads lanes with their observations' month ranges", () => {
    const [lane] = parseRatesText(LANE, "rates/test.yaml", REFS);
    expect(lane.id).toBe("test-lane");
    expect(lane.periods.map(([a, b]) => [formatMonth(a), formatMonth(b)])).toEqual([
      ["2024-01", "2024-01"],
      ["2024-01", "2024-12"],
      ["2023-06", "2023-08"],
    ]);
    expect(ratesLayerOf([lane]).latestMonth).toBe(parseMonth("2024-12"));
  });

  it.each([
    ["a malformed period", LANE.replace('period: "2024-01"', 'period: "2024-13"'), 11, "lanes.0.observations.0.period"],
    ["a period that ends before it starts", LANE.replace('period: "2024-01"', 'period: "2024-05/2024-02"'), 11, "lanes.0.observations.0.period"],
    ["both a rate and a range", LANE.replace("rateUsd: 4000,", "rateUsd: 4000, lowUsd: 1, highUsd: 2,"), 11, "lanes.0.observations.0.lowUsd"],
    ["a range upside down", LANE.replace("lowUsd: 900, highUsd: 1100", "lowUsd: 1100, highUsd: 900"), 13, "lanes.0.observations.2.highUsd"],
    ["an unknown source", LANE.replace("rateUsd: 3000, unit: FEU, source: [src:wci]", "rateUsd: 3000, unit: FEU, source: [src:wcj]"), 12, "lanes.0.observations.1.source.0"],
    ["an unknown place", LANE.replace("places: [rotterdam]", "places: [roterdam]"), 7, "lanes.0.west.places.0"],
    ["an unknown unit", LANE.replace("unit: FEU, source: [src:wci] }\n      - { direction: westbound", "unit: TON, source: [src:wci] }\n      - { direction: westbound"), 11, "lanes.0.observations.0.unit"],
    ["a negative rate", LANE.replace("rateUsd: 4000", "rateUsd: -4000"), 11, "lanes.0.observations.0.rateUsd"],
    ["a hexadecimal number", LANE.replace("rateUsd: 4000", "rateUsd: 0xFA0"), 11, "(number)"],
    ["a segment without a gauge", LANE.replace("kind: sea", "kind: segment"), 4, "lanes.0.kind"],
    ["an unknown field", LANE.replace("    modes: [sea]", "    modes: [sea]\n    colour: blue"), 2, "lanes.0"],
  ])("refuses %s with file, line and field", (_what, text, line, field) => {
    const error = parseError(text);
    expect(error.code).toBe("E_PARSE");
    expect(error.details).toMatchObject({ file: "rates/test.yaml", line, field });
  });

  it("refuses a lane id used twice, in one file and across files", () => {
    const twice = `${LANE}${LANE.replace("lanes:\n", "")}`;
    expect(parseError(twice).details).toMatchObject({ field: "lanes.1.id", line: 14 });
    const lanes = parseRatesText(LANE, "rates/a.yaml", REFS);
    expect(() => ratesLayerOf([...lanes, ...parseRatesText(LANE, "rates/b.yaml", REFS)])).toThrow(/also defined in rates\/a.yaml/);
  });

  it("reads the shipped layers, every reference known to the network", () => {
    const dir = resolve(__dirname, "../../data/eurasia");
    const layer = readDatasetRates(dir, openNetwork(dir, { cacheDir: false }));
    expect(layer?.lanes.map((l) => l.id)).toEqual(expect.arrayContaining(["far-east-north-europe-sea", "erai-1520-segment", "china-europe-northern-through"]));
    expect(layer?.latestMonth).not.toBeNull();
  });
});

describe("months", () => {
  it("parses YYYY-MM and periods of a month, a year or a range", () => {
    expect(parseMonth("2024-01")).toBe(2024 * 12);
    expect(parseMonth("2024-1")).toBeNull();
    expect(parseMonth("2024-00")).toBeNull();
    expect(periodMonths("2023")).toEqual([2023 * 12, 2023 * 12 + 11]);
    expect(periodMonths("2016-01/2018-09")).toEqual([2016 * 12, 2018 * 12 + 8]);
    expect(periodMonths("2018/2016")).toBeNull();
  });

  it("--rates takes a month or the latest month with data; a malformed month is E_USAGE", () => {
    const layer = ratesLayerOf(parseRatesText(LANE, "rates/test.yaml", REFS));
    expect(formatMonth(ratesMonthOf(layer, undefined))).toBe("2024-12");
    expect(formatMonth(ratesMonthOf(layer, "2021-05"))).toBe("2021-05");
    expect(() => ratesMonthOf(layer, "May 2021")).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});

describe("the rate of a lane in a month", () => {
  const [lane] = parseRatesText(LANE, "rates/test.yaml", REFS);
  const at = (direction: "westbound" | "eastbound", month: string, unit: "FEU" | "TEU" = "FEU") => laneRate(lane, direction, parseMonth(month) as number, unit, 0.625);

  it("takes the narrowest observation covering the month", () => {
    expect(at("westbound", "2024-01")).toMatchObject({ status: "observed", rateUsd: 4000 });
    expect(at("westbound", "2024-02")).toMatchObject({ status: "observed", rateUsd: 3000 });
  });

  it("carries the last observation forward carryForwardMonths, then the month is unknown", () => {
    expect(at("westbound", "2025-02")).toMatchObject({ status: "carried", monthsCarried: 2, rateUsd: 3000 });
    expect(at("westbound", "2025-03")).toBeNull();
    expect(at("westbound", "2023-12")).toBeNull();
  });

  it("keeps directions apart and uses a range's midpoint, converting TEU to FEU by the TEU/FEU ratio", () => {
    expect(at("eastbound", "2024-01")).toBeNull();
    expect(at("eastbound", "2023-07", "TEU")).toMatchObject({ rateUsd: 1000, converted: false });
    expect(at("eastbound", "2023-07", "FEU")).toMatchObject({ rateUsd: 1600, converted: true });
    // without a TEU/FEU ratio an observation in the other unit is left aside
    expect(laneRate(lane, "eastbound", parseMonth("2023-07") as number, "FEU", null)).toBeNull();
  });
});

describe("imbalance split (rule rates-imbalance-split)", () => {
  it("heavy = b + (1 − r) b and light = b; an average-calibrated cost model keeps its mean over loaded boxes", () => {
    for (const r of [0.15, 0.41, 1]) {
      const avg = imbalanceFactors({ heavy: "westbound", lightPerHeavy: r, costModel: "average", source: ["src:x"] });
      expect(avg.heavy / avg.light).toBeCloseTo(2 - r, 12);
      // H boxes out at heavy, rH back at light: mean charge per loaded box = the cost model's c
      expect((avg.heavy + r * avg.light) / (1 + r)).toBeCloseTo(1, 12);
      const heavy = imbalanceFactors({ heavy: "westbound", lightPerHeavy: r, costModel: "heavy", source: ["src:x"] });
      expect(heavy.heavy).toBe(1);
      expect(heavy.light).toBeCloseTo(1 / (2 - r), 12);
    }
  });
});
