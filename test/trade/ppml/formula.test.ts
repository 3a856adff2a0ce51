import { describe, expect, it } from "vitest";
import { evaluateExpr, parseFormula } from "../../../src/trade/ppml/formula";
import { tableFromColumns } from "../../../src/trade/io/table";

describe("formula parser", () => {
  it("reads regressors, functions and fixed-effect interactions", () => {
    const f = parseFormula("trade ~ log(dist) + rta | exporter^year + importer^year + pair");
    expect(f.response.label).toBe("trade");
    expect(f.regressors.map((r) => r.label)).toEqual(["log(dist)", "rta"]);
    expect(f.fixedEffects).toEqual([["exporter", "year"], ["importer", "year"], ["pair"]]);
    expect(f.intercept).toBe(false);
  });

  it("keeps an intercept without fixed effects unless 0 or -1 removes it", () => {
    expect(parseFormula("y ~ x").intercept).toBe(true);
    expect(parseFormula("y ~ x - 1").intercept).toBe(false);
    expect(parseFormula("y ~ 0 + x").intercept).toBe(false);
    expect(parseFormula("y ~ 1 | fe").regressors).toEqual([]);
  });

  it("a:b multiplies columns", () => {
    const f = parseFormula("y ~ a:b");
    const t = tableFromColumns({ y: [1, 2], a: [2, 3], b: [5, 7] });
    expect(Array.from(evaluateExpr(f.regressors[0].expr, t))).toEqual([10, 21]);
  });

  it("log of zero is missing (NaN), not -Infinity", () => {
    const t = tableFromColumns({ d: [Math.E, 0] });
    const v = evaluateExpr(parseFormula("y ~ log(d)").regressors[0].expr, t);
    expect(v[0]).toBeCloseTo(1, 15);
    expect(Number.isNaN(v[1])).toBe(true);
  });

  it.each([
    ["y x", "no tilde"],
    ["y ~ x +", "dangling plus"],
    ["y ~ foo(x)", "unknown function"],
    ["y ~ x | a^", "dangling ^"],
    ["y ~ x + x", "duplicate term"],
    ["y ~ x | a + a", "duplicate fixed effect"],
    ["y ~ x - z", "removing a regressor"],
    ["y ~ x # z", "bad character"],
  ])("rejects %s (%s) with E_FORMULA_INVALID", (text) => {
    expect(() => parseFormula(text)).toThrow(expect.objectContaining({ code: "E_FORMULA_INVALID" }));
  });
});
