import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FixedEffectSolver } from "../../../src/trade/ppml/fe-solver";
import { type FixedEffect, fixedEffectParameterCount, recoverFixedEffects } from "../../../src/trade/ppml/hdfe";
import { QrLeastSquares } from "../../../src/trade/ppml/ppml-linalg";

/** Oracle: weighted residual of v on explicit dummies, by QR on √w-scaled columns. */
function residualByDummies(v: Float64Array, w: Float64Array, fes: readonly FixedEffect[]): Float64Array {
  const n = v.length;
  const sw = w.map(Math.sqrt);
  const cols: Float64Array[] = [];
  for (const fe of fes) {
    for (let g = 0; g < fe.levelCount; g++) {
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) if (fe.codes[i] === g) c[i] = sw[i];
      cols.push(c);
    }
  }
  const fitted = new Float64Array(n);
  new QrLeastSquares(cols, n, 1e-10).solve(v.map((x, i) => x * sw[i]), fitted);
  return v.map((x, i) => x - fitted[i] / sw[i]);
}

function fe(name: string, codes: number[]): FixedEffect {
  return { name, codes: Int32Array.from(codes), levelCount: Math.max(...codes) + 1 };
}

describe("weighted demeaning (FixedEffectSolver)", () => {
  it("one dimension subtracts weighted group means", () => {
    //  group 0: rows 0,1 (w 1, 3)   group 1: row 2
    const d = new FixedEffectSolver([fe("g", [0, 0, 1])], 3);
    d.setWeights(Float64Array.from([1, 3, 2]));
    const out = new Float64Array(3);
    d.solve([Float64Array.from([4, 8, 5])], [out], [1e-14]);
    // weighted mean of group 0 = (4 + 24) / 4 = 7
    expect(out[0]).toBeCloseTo(-3, 12);
    expect(out[1]).toBeCloseTo(1, 12);
    expect(out[2]).toBeCloseTo(0, 12);
  });

  it("matches least squares on explicit dummies for random panels with 2 and 3 dimensions, one or three columns", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 0, max: 3 }),
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.double({ min: 0.1, max: 10, noNaN: true }),
            fc.double({ min: -5, max: 5, noNaN: true }),
          ),
          { minLength: 8, maxLength: 40 },
        ),
        fc.boolean(),
        (dims, rows, several) => {
          const dense = (k: number) => {
            const map = new Map<number, number>();
            return rows.map((r) => {
              const key = r[k];
              if (!map.has(key)) map.set(key, map.size);
              return map.get(key)!;
            });
          };
          const fes = [fe("a", dense(0)), fe("b", dense(1)), fe("c", dense(2))].slice(0, dims);
          const v = Float64Array.from(rows, (r) => r[3]);
          const w = Float64Array.from(rows, (r) => r[4]);
          const x = Float64Array.from(rows, (r) => r[5]);
          const vs = several ? [v, x, Float64Array.from(rows, (r) => r[3] * r[5])] : [v];
          const d = new FixedEffectSolver(fes, rows.length);
          d.setWeights(w);
          const outs = vs.map(() => new Float64Array(rows.length));
          const stats = d.solve(vs, outs, new Array<number>(vs.length).fill(1e-13));
          for (const st of stats) expect(st.converged).toBe(true);
          vs.forEach((col, c) => {
            const oracle = residualByDummies(col, w, fes);
            for (let i = 0; i < rows.length; i++) expect(outs[c][i]).toBeCloseTo(oracle[i], 7);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("columns of tiny or huge values (squares out of range) converge to the scaled solution of the same problem", () => {
    // the shrunk counterexample of the property above: a product column whose one non-zero value is 5.6e-161, whose
    // square is subnormal; CG on it used to run 10,000 passes without meeting its tolerance
    const fes = [fe("a", [0, 1, 1, 2, 0, 0, 3, 1]), fe("b", [0, 0, 1, 1, 1, 2, 0, 1])];
    const w = Float64Array.from([0.1, 6.157, 0.472, 1.757, 3.189, 0.679, 0.123, 0.669]);
    const base = Float64Array.from([0.3, 1.1, -0.7, 0.2, 0.9, -1.3, 0.5, 0.4]);
    const d = new FixedEffectSolver(fes, 8);
    d.setWeights(w);
    const ref = new Float64Array(8);
    d.solve([base], [ref], [1e-13], [0]);
    for (const scale of [2 ** -530, 1e-160, 1e155, 2 ** 520]) {
      const v = base.map((x) => x * scale);
      const one = Float64Array.from([0, 5.647199249460781e-161, 0, 0, 0, 0, 0, 0]);
      const outs = [new Float64Array(8), new Float64Array(8)];
      const stats = d.solve([v, one], outs, [1e-13, 1e-13], [1, 2]);
      expect(stats.map((s) => s.converged)).toEqual([true, true]);
      for (let i = 0; i < 8; i++) expect(outs[0][i] / scale).toBeCloseTo(ref[i], 9);
      const oracle = residualByDummies(one.map((x) => x * 2 ** 530), w, fes);
      for (let i = 0; i < 8; i++) expect(outs[1][i] * 2 ** 530).toBeCloseTo(oracle[i], 9);
    }
  });

  it("a warm start from the coefficients of a previous call gives the same residual, in fewer passes", () => {
    const fes = [fe("a", [0, 1, 2, 0, 1, 2, 0, 1]), fe("b", [0, 0, 1, 1, 2, 2, 3, 3]), fe("c", [0, 1, 1, 0, 0, 1, 1, 0])];
    const v = Float64Array.from([3, -1, 4, 1, -5, 9, 2, -6]);
    const d = new FixedEffectSolver(fes, 8);
    d.setWeights(Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1]));
    const first = new Float64Array(8);
    d.solve([v], [first], [1e-13]);
    const w = Float64Array.from([1, 2, 1, 2, 1, 2, 1, 2]);
    d.setWeights(w);
    const warm = new Float64Array(8);
    const warmStats = d.solve([v], [warm], [1e-13]);
    const cold = new FixedEffectSolver(fes, 8);
    cold.setWeights(w);
    const coldOut = new Float64Array(8);
    const coldStats = cold.solve([v], [coldOut], [1e-13]);
    const oracle = residualByDummies(v, w, fes);
    for (let i = 0; i < 8; i++) {
      expect(warm[i]).toBeCloseTo(oracle[i], 9);
      expect(coldOut[i]).toBeCloseTo(oracle[i], 9);
    }
    expect(warmStats[0].iterations).toBeLessThanOrEqual(coldStats[0].iterations);
  });
});

describe("fixed-effect parameters and recovery", () => {
  it("counts levels minus connected components for two dimensions and one per further dimension", () => {
    // a: 4 levels, b: 2 levels; rows link a0,a1 with b0 and a2,a3 with b1: two components
    const a = fe("a", [0, 1, 2, 3]);
    const b = fe("b", [0, 0, 1, 1]);
    expect(fixedEffectParameterCount([a, b])).toBe(4);
    // one dimension: its dummies are linearly independent, rank = levels (nothing redundant)
    expect(fixedEffectParameterCount([a])).toBe(4);
    expect(fixedEffectParameterCount([b])).toBe(2);
    expect(fixedEffectParameterCount([a], [true])).toBe(0);
    expect(fixedEffectParameterCount([a, b, fe("c", [0, 1, 0, 1])])).toBe(4 + 2 - 1);
    // a nested in a cluster: its 4 levels are not counted
    expect(fixedEffectParameterCount([a, b], [true, false])).toBe(0);
  });

  it("recovers fixed effects whose sums reproduce the input, first level of later dimensions at 0", () => {
    const a = fe("a", [0, 1, 2, 0, 1, 2]);
    const b = fe("b", [0, 0, 0, 1, 1, 1]);
    const alpha = [1, 2, 3];
    const gamma = [0.5, -1];
    const sum = Float64Array.from({ length: 6 }, (_, i) => alpha[a.codes[i]] + gamma[b.codes[i]]);
    const rec = recoverFixedEffects([a, b], sum);
    expect(rec.values[1][0]).toBe(0);
    for (let i = 0; i < 6; i++) expect(rec.values[0][a.codes[i]] + rec.values[1][b.codes[i]]).toBeCloseTo(sum[i], 10);
    expect(rec.values[0][0]).toBeCloseTo(1.5, 10);
    expect(rec.values[1][1]).toBeCloseTo(-1.5, 10);
  });
});
