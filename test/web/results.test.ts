/**
 * Reading API results into what the web views show (web/src/results.ts), on small hand-checkable results shaped as
 * the server returns them: corridor assignment {summary, flows}, scenario comparison {comparison, diff, flows}, and
 * the `caravan gravity counterfactual --json` file of the trade view.
 */
import { describe, expect, it } from "vitest";
import { colorFor, NEG, POS, parseGeFile, readAssignment, readComparison, readDiff } from "../../web/src/results";

const line = (props: Record<string, unknown>) => ({
  type: "Feature" as const,
  geometry: {
  type: "LineString" as const,
    coordinates: [
      [0, 0],
      [1, 1],
    ],
  },
  properties: props,
});

describe("assignment job result", () => {
  const result = {
    summary: {
      demandT: 5e7,
      relativeGap: 1e-9,
      iterations: 3,
      bottlenecks: [{ linkId: "crossing:a", from: "x", to: "y", mode: "rail", flowT: 10, capacityT: 20, vc: 0.5, delayH: 1 }],
      crossings: [{ crossing: "a", name: "A", totalT: 10, maxVc: 0.5 }],
      transitByCountry: [{ country: "KAZ", transitT: 7 }],
    },
    flows: { type: "FeatureCollection", features: [line({ flowT: 10, vc: 0.5 })] },
  };

  it("finds flows, bottlenecks, crossings, transit and the convergence figures one level down", () => {
    const v = readAssignment(result);
    expect(v.flows?.features).toHaveLength(1);
    expect(v.bottlenecks.map((b) => b.linkId)).toEqual(["crossing:a"]);
    expect(v.crossings.map((c) => c.crossing)).toEqual(["a"]);
    expect(v.transit).toEqual([{ country: "KAZ", transitT: 7 }]);
    expect([v.demandT, v.relativeGap, v.iterations]).toEqual([5e7, 1e-9, 3]);
  });

  it("reports a missing transit table as null, not as an empty one", () => {
    const v = readAssignment({ summary: { ...result.summary, transitByCountry: null }, flows: result.flows });
    expect(v.transit).toBeNull();
  });
});

describe("scenario comparison result", () => {
  const result = {
    comparison: {
      summary: { text: "report", pairsChanged: 12, corridorSwitches: 3 },
      means: { demandWeighted: { pairs: 2, timeH: -1.5, timePct: -1, costUsd: 4, costPct: 0.3, co2Pct: 0.6 } },
      crossings: [
        { id: "a", name: "A", baselineT: 5, scenarioT: 1, changeT: -4 },
        { id: "b", name: "B", baselineT: 0, scenarioT: 0, changeT: 0 },
        { id: "c", name: "C", baselineT: 0, scenarioT: 6, changeT: 6 },
      ],
      transitByCountry: [{ country: "MNG", baselineT: 2, scenarioT: 1, changeT: -1 }],
    },
    diff: {
      type: "FeatureCollection",
      features: [
        line({ linkId: "l1", from: "p", to: "q", mode: "rail", baseFlowT: 0, scenarioFlowT: 5, changeT: 5 }),
        line({ linkId: "l2", from: "q", to: "r", mode: "rail", baseFlowT: 9, scenarioFlowT: 1 }),
        line({ linkId: "l3", note: "no flow figures" }),
      ],
    },
  };

  it("takes each link's change (changeT, else scenario − base) and sorts the table by the size of the change", () => {
    const d = readDiff(result);
    expect(d?.rows.map((r) => [r.id, r.changeT])).toEqual([
      ["l2", -8],
      ["l1", 5],
    ]);
    expect([d?.gains, d?.losses]).toEqual([1, 1]);
    expect(d?.features.features.map((f) => f.properties?.changeT)).toEqual([5, -8]);
    expect(d?.rows[0].label).toBe("q → r (rail)");
  });

  it("keeps only crossings and countries that change, largest change first", () => {
    const c = readComparison(result);
    expect(c.crossings.map((x) => x.id)).toEqual(["c", "a"]);
    expect(c.transit.map((x) => x.country)).toEqual(["MNG"]);
    expect([c.pairsChanged, c.corridorSwitches, c.summaryText]).toEqual([12, 3, "report"]);
    expect(c.demandWeighted?.timeH).toBe(-1.5);
  });

  it("returns null when the result holds no GeoJSON to map", () => {
    expect(readDiff({ comparison: {} })).toBeNull();
  });
});

describe("general-equilibrium results file", () => {
  it("reads the rows of `caravan gravity counterfactual --json`", () => {
    const f = parseGeFile(
      JSON.stringify({ shock: "experiment pta=1@CAN-JPN", results: [{ country: "CAN", exportsChangePct: 1, importsChangePct: 2, realGdpChangePct: 0.43 }] }),
    );
    expect(f.shock).toBe("experiment pta=1@CAN-JPN");
    expect(f.rows[0].realGdpChangePct).toBe(0.43);
  });

  it("refuses other files with what is missing", () => {
    expect(() => parseGeFile("{")).toThrow(/not JSON/);
    expect(() => parseGeFile("{}")).toThrow(/no "results" array/);
    expect(() => parseGeFile(JSON.stringify({ results: [{ country: "CAN", realGdpChangePct: "high" }] }))).toThrow(/results\[0\]: needs/);
  });

  it("colours changes on a diverging ramp symmetric around zero", () => {
    expect(colorFor(0, 2)).toBe("#f7f7f7");
    expect(colorFor(2, 2)).toBe(POS[3]);
    expect(colorFor(-2, 2)).toBe(NEG[0]);
    expect(colorFor(0.1, 2)).toBe(POS[0]);
    expect(colorFor(-1.2, 2)).toBe(NEG[1]);
    expect(colorFor(1, 0)).toBe("#f7f7f7");
  });
});
