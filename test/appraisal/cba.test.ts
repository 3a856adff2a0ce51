/**
 * Contracts of the CBA core (src/appraisal/cba.ts) and the streams reader: published worked cases reproduced to their
 * printed digits, closed forms, and edge cases (no sign change, several rates, zero benefits, bad rates, bad files).
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appraiseStreams, type CbaStreams, delayStreams, eirr, parseStreamsCsv, presentValue, readStreamsCsv, sensitivityTable } from "../../src/appraisal/index";
import { runCli } from "../../src/cli/main";
import { isCaravanError } from "../../src/core/errors";

const fixture = (name: string): string => join(import.meta.dirname, "fixtures", name);

function streams(capital: number[], operating: number[], benefits: number[], residual?: number[], firstYear = 2025): CbaStreams {
  const n = capital.length;
  return {
    year: Int32Array.from({ length: n }, (_, t) => firstYear + t),
    capitalCostUsd: Float64Array.from(capital),
    operatingCostUsd: Float64Array.from(operating),
    benefitsUsd: Float64Array.from(benefits),
    residualValueUsd: Float64Array.from(residual ?? new Array(n).fill(0)),
  };
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isCaravanError(e)) return e.code;
    throw e;
  }
  return "no error";
}

describe("published worked cases", () => {
  it("Rogers (2003) Highway Engineering Example 3.1, option A: present worth 22.09 at 8 % over 20 years", () => {
    const s = readStreamsCsv(fixture("rogers-2003-example-3-1.csv"));
    const r = appraiseStreams(s, 8);
    expect(r.enpvUsd.toFixed(2)).toBe("22.09");
    // the printed series present worth factor (P/A, 8 %, 20) = 9.818
    expect((r.pvBenefitsUsd / 5).toFixed(3)).toBe("9.818");
    // first-year return 5/27 = 18.5 % is the inverse of the printed simple payback of 5.4 years
    expect((100 / r.firstYearReturnPct!).toFixed(1)).toBe("5.4");
  });

  it("Wikibooks Fundamentals of Transportation, guide-wire solution: PV benefit 3,720,469.57 and PV cost 4,009,195.33 at 3 %", () => {
    const s = readStreamsCsv(fixture("wikibooks-guide-wire.csv"));
    const r = appraiseStreams(s, 3);
    expect(r.pvBenefitsUsd.toFixed(2)).toBe("3720469.57");
    expect(r.pvCapitalCostUsd.toFixed(2)).toBe("4009195.33");
    expect(r.enpvUsd).toBeLessThan(0);
    expect(r.bcr!).toBeLessThan(1);
    expect(s.benefitColumns).toEqual(["benefitsUsd", "fuelSavingsUsd"]);
  });
});

describe("discounting and indicators", () => {
  it("the first year is undiscounted and a level annuity has the closed-form present value", () => {
    const x = Float64Array.from({ length: 30 }, () => 100);
    // Σ_{t=0}^{29} 100 / 1.06^t = 100 (1 − 1.06^-30) / (1 − 1/1.06)
    const closed = (100 * (1 - 1.06 ** -30)) / (1 - 1 / 1.06);
    expect(presentValue(x, 6)).toBeCloseTo(closed, 9);
    expect(presentValue(Float64Array.of(7), 6)).toBe(7);
  });

  it("a two-flow project has EIRR (B/C)^(1/t) − 1 and ENPV zero at that rate", () => {
    const s = streams([1000, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1500]);
    const r = appraiseStreams(s, 6);
    expect(r.eirrPct!).toBeCloseTo(100 * (1.5 ** 0.25 - 1), 10);
    expect(Math.abs(appraiseStreams(s, r.eirrPct!).enpvUsd)).toBeLessThan(1e-9);
  });

  it("ENPV, B/C and switching values are consistent: benefits falling by the switching value give ENPV 0", () => {
    const s = streams([100, 100, 0, 0, 0, 0, 0], [0, 0, 5, 5, 5, 5, 5], [0, 0, 40, 45, 50, 55, 60], [0, 0, 0, 0, 0, 0, 30]);
    const r = appraiseStreams(s, 6);
    expect(r.enpvUsd).toBeCloseTo(r.pvBenefitsUsd + r.pvResidualValueUsd - r.pvCapitalCostUsd - r.pvOperatingCostUsd, 9);
    expect(r.bcr!).toBeCloseTo((r.pvBenefitsUsd + r.pvResidualValueUsd) / (r.pvCapitalCostUsd + r.pvOperatingCostUsd), 12);
    const k = 1 + r.switchingValues.benefitsPct! / 100;
    const shifted = { ...s, benefitsUsd: s.benefitsUsd.map((b) => b * k), residualValueUsd: s.residualValueUsd.map((b) => b * k) };
    expect(Math.abs(appraiseStreams(shifted, 6).enpvUsd)).toBeLessThan(1e-9);
    const kc = 1 + r.switchingValues.capitalCostPct! / 100;
    expect(Math.abs(appraiseStreams({ ...s, capitalCostUsd: s.capitalCostUsd.map((c) => c * kc) }, 6).enpvUsd)).toBeLessThan(1e-9);
  });

  it("the payback year is the first year from which the discounted cumulative net flow stays non-negative", () => {
    // net: -100, 60, 60 → cumulative at 0 %: -100, -40, 20 → payback in the third year
    expect(appraiseStreams(streams([100, 0, 0], [0, 0, 0], [0, 60, 60]), 0).paybackYear).toBe(2027);
    // a later dip (reinvestment) pushes payback back
    expect(appraiseStreams(streams([100, 0, 80, 0], [0, 0, 0, 0], [0, 110, 0, 100]), 0).paybackYear).toBe(2028);
    expect(appraiseStreams(streams([100, 0], [0, 0], [0, 10]), 6).paybackYear).toBeNull();
  });

  it("the sensitivity table lowers ENPV in every stress case of a normal project", () => {
    const s = streams([100, 100, 0, 0, 0, 0, 0, 0], [0, 0, 5, 5, 5, 5, 5, 5], [0, 0, 60, 60, 60, 60, 60, 60]);
    const table = sensitivityTable(s, 6);
    expect(table.map((r) => r.case)).toEqual(["base", "capital cost +20%", "benefits -20%", "demand -20%", "one-year delay", "two-year delay"]);
    for (const row of table.slice(1)) expect(row.enpvUsd).toBeLessThan(table[0].enpvUsd);
    expect(table[5].enpvUsd).toBeLessThan(table[4].enpvUsd);
  });

  it("a delay keeps the capital total and moves benefits later", () => {
    const s = streams([100, 50, 0, 0, 0], [0, 0, 5, 5, 5], [0, 0, 60, 60, 60]);
    const d = delayStreams(s, 1);
    expect(d.capitalCostUsd.reduce((a, b) => a + b, 0)).toBeCloseTo(150, 12);
    expect(Array.from(d.benefitsUsd)).toEqual([0, 0, 0, 60, 60]);
  });
});

describe("EIRR edge cases", () => {
  it("no sign change: null with a reason", () => {
    const r = appraiseStreams(streams([100, 0], [0, 5], [0, 0]), 6);
    expect(r.eirrPct).toBeNull();
    expect(r.eirrNote).toMatch(/never change sign/);
  });

  it("zero benefits: ENPV = −PV(costs), B/C 0, no EIRR", () => {
    const r = appraiseStreams(streams([100, 0, 0], [0, 5, 5], [0, 0, 0]), 6);
    expect(r.bcr).toBe(0);
    expect(r.enpvUsd).toBeCloseTo(-(100 + 5 / 1.06 + 5 / 1.06 ** 2), 9);
    expect(r.eirrPct).toBeNull();
    expect(r.firstYearReturnPct).toBeNull();
  });

  it("several rates: −1, +5, −6 has roots 100 % and 200 % (g = 1/2, 1/3) and EIRR is null", () => {
    const r = eirr(Float64Array.of(-1, 5, -6));
    expect(r.eirrPct).toBeNull();
    expect(r.rootsPct).toHaveLength(2);
    expect(r.rootsPct[0]).toBeCloseTo(100, 8);
    expect(r.rootsPct[1]).toBeCloseTo(200, 8);
    expect(r.eirrNote).toMatch(/several rates/);
  });

  it("several sign changes with one root still give the rate", () => {
    // -100, +230, -132 → roots g: -100 + 230 g - 132 g² = 0 → g = (230 ± sqrt(52900-52800))/264 = (230 ± 10)/264
    // r = 1/g − 1 → 10 % and 20 %: two rates; flip to a one-root case: -100, 50, -1, 80
    const one = eirr(Float64Array.of(-100, 50, -1, 80));
    expect(one.eirrPct).not.toBeNull();
    expect(Math.abs(presentValue(Float64Array.of(-100, 50, -1, 80), one.eirrPct!))).toBeLessThan(1e-9);
    const two = eirr(Float64Array.of(-100, 230, -132));
    expect(two.rootsPct.map((x) => x.toFixed(6))).toEqual(["10.000000", "20.000000"]);
  });

  it("a discount rate ≤ −100 % is E_DISCOUNT_RATE_INVALID", () => {
    expect(errorCode(() => appraiseStreams(streams([1], [0], [2]), -100))).toBe("E_DISCOUNT_RATE_INVALID");
    expect(errorCode(() => appraiseStreams(streams([1], [0], [2]), Number.NaN))).toBe("E_DISCOUNT_RATE_INVALID");
  });
});

describe("streams CSV", () => {
  const header = "year,capitalCostUsd,operatingCostUsd,benefitsUsd";
  const parse = (body: string) => parseStreamsCsv(`${header}\n${body}\n`, "s.csv");
  const detail = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      if (isCaravanError(e)) return { code: e.code, ...e.details };
      throw e;
    }
    return null;
  };

  it("sums extra benefit columns and reads the residual value", () => {
    const s = parseStreamsCsv("year,capitalCostUsd,operatingCostUsd,benefitsUsd,co2Usd,residualValueUsd\n2030,10,0,0,0,0\n2031,0,1,3,2,4\n", "s.csv");
    expect(Array.from(s.benefitsUsd)).toEqual([0, 5]);
    expect(Array.from(s.residualValueUsd)).toEqual([0, 4]);
  });

  it("negative costs, missing values, short rows and gaps in years are E_PARSE with file, line and field", () => {
    expect(detail(() => parse("2030,-1,0,0"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 2, field: "capitalCostUsd" });
    expect(detail(() => parse("2030,1,,0"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 2, field: "operatingCostUsd" });
    expect(detail(() => parse("2030,1,0,0\n2031,0,1"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 3, field: "benefitsUsd" });
    expect(detail(() => parse("2030,1,0,0\n2031,0,1,5,7"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 3, field: "column 5 (no header)" });
    expect(detail(() => parse("2030,1,0,0\n2032,0,1,5"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 3, field: "year" });
    expect(detail(() => parse("2030,1,0,x"))).toEqual({ code: "E_PARSE", file: "s.csv", line: 2, field: "benefitsUsd" });
    expect(detail(() => parseStreamsCsv("year,capitalCostUsd,benefitsUsd\n2030,1,2\n", "s.csv"))).toMatchObject({ code: "E_PARSE", field: "operatingCostUsd" });
  });
});

describe("caravan appraise --streams", () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
  };

  it("prints {enpvUsd, eirrPct, bcr, paybackYear} and the rest as JSON", async () => {
    const c = capture();
    expect(await runCli(["appraise", "--no-store", "--streams", fixture("rogers-2003-example-3-1.csv"), "--discount-rate", "8", "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.enpvUsd.toFixed(2)).toBe("22.09");
    expect(j.eirrPct).toBeGreaterThan(8);
    expect(j.bcr).toBeGreaterThan(1);
    expect(j.paybackYear).toBeGreaterThan(0);
    expect(j.sensitivity).toHaveLength(6);
  });

  it("a bad file gives one error line, exit 1, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const file = join(dir, "bad.csv");
    writeFileSync(file, "year,capitalCostUsd,operatingCostUsd,benefitsUsd\n2030,1,0,0\n2031,0,1\n");
    const c = capture();
    expect(await runCli(["appraise", "--no-store", "--streams", file], c.io)).toBe(1);
    expect(c.err.join("")).toMatch(/^caravan: E_PARSE: .*bad\.csv:3: field "benefitsUsd"/);
    expect(c.out.join("")).toBe("");
    expect(readdirSync(dir)).toEqual(["bad.csv"]);
  });

  it("a discount rate of −100 % is refused with exit 2", async () => {
    const c = capture();
    expect(await runCli(["appraise", "--no-store", "--streams", fixture("rogers-2003-example-3-1.csv"), "--discount-rate", "-100"], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/E_DISCOUNT_RATE_INVALID/);
  });
});
