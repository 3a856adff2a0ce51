import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { adValoremChangePct, readPairTimes, readTimeCostTable, timeChangesToCostChanges } from "../../../src/trade/ge/time-cost";

const dir = mkdtempSync(join(tmpdir(), "caravan-time-cost-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("shipment time as an ad valorem trade cost", () => {
  it("one day saved at 1 % per day lowers t by 1/1.01 − 1", () => {
    expect(adValoremChangePct(-24, 1)).toBeCloseTo(100 * (1 / 1.01 - 1), 12);
    expect(adValoremChangePct(48, 2.1)).toBeCloseTo(100 * (1.021 ** 2 - 1), 12);
    expect(adValoremChangePct(0, 2)).toBe(0);
  });

  it("converts pair times with one value per day", () => {
    // KAZ→DEU: 18 days → 12 days by rail, at 1.5 % per day: t' / t = 1.015^-6.
    const times = readPairTimes(file("t1.csv", "exporter,importer,baselineTimeH,scenarioTimeH\nKAZ,DEU,432,288\nCHN,KAZ,100,100\n"));
    const changes = timeChangesToCostChanges(times, { sigma: 5, pctPerDay: 1.5 });
    expect(changes.exporter).toEqual(["KAZ", "CHN"]);
    expect(changes.tradeCostChangePct[0]).toBeCloseTo(100 * (1.015 ** -6 - 1), 10);
    expect(changes.tradeCostChangePct[1]).toBeCloseTo(0, 12);
  });

  it("combines sector changes in CES form with baseline trade weights", () => {
    // Two sectors of CHN→DEU trade, weights 3:1; 2 days saved; I at 0.6 %/day, XVI at 2.1 %/day (shipped table).
    const times = readPairTimes(file("t2.csv", "exporter,importer,baselineTimeH,scenarioTimeH\nCHN,DEU,480,432\n"));
    const weights = { byPair: new Map([["CHN\u0000DEU", new Map([["I", 3], ["XVI", 1]])]]) };
    const changes = timeChangesToCostChanges(times, { sigma: 5, table: readTimeCostTable(), weights });
    const phiHat = (3 * 1.006 ** (-2 * -4) + 1 * 1.021 ** (-2 * -4)) / 4; // Σ w (t'/t)^(1-σ), t'/t = (1+τ)^-2
    expect(changes.tradeCostChangePct[0]).toBeCloseTo(100 * (phiHat ** (-1 / 4) - 1), 10);
  });

  it("rejects a negative time with E_PARSE naming line and field", () => {
    const path = file("t3.csv", "exporter,importer,baselineTimeH,scenarioTimeH\nKAZ,DEU,10,-1\n");
    expect(() => readPairTimes(path)).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ line: 2, field: "scenarioTimeH" }) }));
  });

  it("the shipped per-day table covers the 21 HS sections within Hummels & Schaur's 0.6–2.1 % range", () => {
    const table = readTimeCostTable();
    expect(table.pctPerDay.size).toBe(21);
    for (const v of table.pctPerDay.values()) {
      expect(v).toBeGreaterThanOrEqual(0.6);
      expect(v).toBeLessThanOrEqual(2.1);
    }
  });
});
