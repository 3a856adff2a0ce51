/**
 * Fixed-effect parameter counts under fixest's default rule (fixef.K = "nested", fixef.force_exact = FALSE), on
 * hand-checkable level counts: Σ L − (Q − 1); nested dimensions keep one level; all nested leaves 1.
 */
import { describe, expect, it } from "vitest";
import { nestedFixedEffectParameterCount } from "../../../src/trade/ppml/vcov";

describe("nestedFixedEffectParameterCount (fixest's count)", () => {
  it("counts Σ levels − (Q − 1) without clustering, whatever the data", () => {
    expect(nestedFixedEffectParameterCount([], [])).toBe(0);
    expect(nestedFixedEffectParameterCount([4], [false])).toBe(4);
    expect(nestedFixedEffectParameterCount([4, 2], [false, false])).toBe(5);
    // exporter^year + importer^year + pair over 25 years: one redundancy per extra dimension, never 25
    expect(nestedFixedEffectParameterCount([5000, 5000, 40000], [false, false, false])).toBe(49998);
  });

  it("takes levels − 1 off for every dimension nested in a cluster variable", () => {
    // 4 + 2 − 1 = 5, minus (4 − 1) for the nested first dimension
    expect(nestedFixedEffectParameterCount([4, 2], [true, false])).toBe(2);
    expect(nestedFixedEffectParameterCount([175, 175, 1190], [false, false, true])).toBe(175 + 175 + 1190 - 2 - 1189);
  });

  it("leaves 1 parameter when every dimension is nested, and never fewer than 1", () => {
    expect(nestedFixedEffectParameterCount([4, 2], [true, true])).toBe(1);
    expect(nestedFixedEffectParameterCount([7], [true])).toBe(1);
    // 1 + 5 − 1 = 5, minus (5 − 1) = 1
    expect(nestedFixedEffectParameterCount([1, 5], [false, true])).toBe(1);
  });
});

describe("one fixed-effect dimension: both rules count all its levels", () => {
  it("exact and nested give K = coefficients + levels, hence the same standard errors", async () => {
    const { estimatePpml } = await import("../../../src/trade/ppml/estimate");
    // 3 exporters, 4 rows each; one regressor
    const codes = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const x = [0.1, 0.5, 0.9, 1.3, 0.2, 0.4, 0.8, 1.6, 0.3, 0.6, 0.7, 1.1];
    const y = [1, 3, 2, 6, 4, 2, 7, 9, 1, 0, 2, 5];
    const spec = { y, regressors: [{ name: "x", values: x }], fixedEffects: [{ name: "exporter", codes }] };
    const nested = estimatePpml(spec, { fixefK: "nested" });
    const exact = estimatePpml(spec, { fixefK: "exact" });
    expect(nested.fixedEffectParameters).toBe(3);
    expect(exact.fixedEffectParameters).toBe(3);
    expect(exact.parameterCount).toBe(4);
    expect(exact.coefficients[0].se).toBe(nested.coefficients[0].se);
  });
});
