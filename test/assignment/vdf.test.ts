import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bprIntegral, bprTime, queueDerivative, queueIntegral, queueTime, VdfEvaluator, emptyVdf } from "../../src/assignment/vdf";

// Border crossing: median dwell 10 h, capacity 100 (units/period), α = 1, ρmax = 0.9.
const T0 = 10;
const CAP = 100;
const ALPHA = 1;
const RHO_MAX = 0.9;
const q = (x: number) => queueTime(T0, CAP, ALPHA, RHO_MAX, x);

describe("queueing VDF t0·(1 + α·ρ/(1−ρ)) with a linear extension beyond ρmax", () => {
  it("equals the base dwell at zero flow and doubles at ρ = 0.5 with α = 1", () => {
    expect(q(0)).toBe(10);
    expect(q(50)).toBeCloseTo(20, 12);
  });

  it("is continuous and has a continuous slope at ρmax, and stays finite at and beyond capacity", () => {
    const xm = RHO_MAX * CAP;
    expect(q(xm + 1e-7)).toBeCloseTo(q(xm - 1e-7), 5);
    expect(queueDerivative(T0, CAP, ALPHA, RHO_MAX, xm + 1e-9)).toBeCloseTo(queueDerivative(T0, CAP, ALPHA, RHO_MAX, xm - 1e-9), 6);
    expect(Number.isFinite(q(CAP))).toBe(true);
    expect(Number.isFinite(q(10 * CAP))).toBe(true);
  });

  it("is non-decreasing and convex on [0, ∞)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, b) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        expect(q(hi)).toBeGreaterThanOrEqual(q(lo) - 1e-9);
        expect(q((lo + hi) / 2)).toBeLessThanOrEqual((q(lo) + q(hi)) / 2 + 1e-9 * (1 + q(hi)));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it("has an integral that matches numerical quadrature, below and beyond ρmax", () => {
    for (const x of [30, 89, 95, 140]) {
      const steps = 200_000;
      let s = 0;
      for (let i = 0; i < steps; i++) s += q(((i + 0.5) * x) / steps);
      s *= x / steps;
      expect(queueIntegral(T0, CAP, ALPHA, RHO_MAX, x)).toBeCloseTo(s, 4);
    }
  });
});

describe("BPR VDF", () => {
  it("has the closed-form integral t0·x·(1 + b/(p+1)·(x/c)^p)", () => {
    expect(bprTime(6, 10, 0.15, 4, 20)).toBeCloseTo(6 * (1 + 0.15 * 16), 12);
    expect(bprIntegral(6, 10, 0.15, 4, 20)).toBeCloseTo(6 * 20 * (1 + 0.03 * 16), 10);
  });

  it("the evaluator's fast path agrees with the reference formulas", () => {
    const v = emptyVdf(2);
    v.bprT0.set([6, 3]);
    v.bprCapacity.set([10, 50]);
    v.bprB.set([0.15, 1]);
    v.bprPower.set([4, 2.5]);
    v.queueT0[1] = 4;
    v.queueCapacity[1] = 80;
    v.queueAlpha[1] = 0.5;
    const e = new VdfEvaluator(v);
    const time = new Float64Array(2);
    const slope = new Float64Array(2);
    e.update(0, 20, time, slope);
    e.update(1, 70, time, slope);
    expect(time[0]).toBeCloseTo(bprTime(6, 10, 0.15, 4, 20), 12);
    expect(time[1]).toBeCloseTo(bprTime(3, 50, 1, 2.5, 70) + queueTime(4, 80, 0.5, 0.95, 70), 12);
    const h = 1e-6;
    expect(slope[1]).toBeCloseTo((e.time(1, 70 + h) - e.time(1, 70 - h)) / (2 * h), 5);
  });
});
