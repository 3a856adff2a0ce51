/**
 * Additive trade imbalances in the GE solver (src/trade/ge/ge.ts, `imbalances: "additive"`): checked against a direct,
 * independent solve of the same model in exact hat algebra — the fixed-point iteration of Zylkin's ge_gravity
 * (Baier, Yotov & Zylkin; R port VKudlay/GEGravity, R/ge_gravity.R: E' = Y ŵ + D, Σ Y ŵ = Σ Y, welfare
 * (Y ŵ + D)/(Y + D) / P̂) — on random unbalanced economies with calibrated costs, and against the multiplicative
 * rule where both must agree (balanced trade).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countryResults, type GeEconomy, solveCounterfactual } from "../../../src/trade/ge/ge";

/** Random flow matrix X (n × n, domestic flows large), seeded. */
function flows(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) x[i * n + j] = i === j ? 50 + 100 * rnd() : 1 + 20 * rnd();
  return x;
}

/** Calibrated economy: Y, E row and column sums, φ_ij = X_ij / (ΣY y_i e_j). */
function calibrated(x: Float64Array, n: number): GeEconomy {
  const y = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    y[i] += x[i * n + j];
    e[j] += x[i * n + j];
  }
  let w = 0;
  for (let i = 0; i < n; i++) w += y[i];
  const phi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) phi[i * n + j] = x[i * n + j] / (w * (y[i] / w) * (e[j] / w));
  return { countries: Array.from({ length: n }, (_, k) => `C${k}`), outputValue: y, expenditureValue: e, phi };
}

/** The ge_gravity fixed point, written out directly (θ = σ − 1, B = φ'/φ). Returns welfare, real wage and new flows. */
function directSolve(x: Float64Array, b: Float64Array, n: number, theta: number, mult: boolean) {
  const Y = new Float64Array(n);
  let E = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    Y[i] += x[i * n + j];
    E[j] += x[i * n + j];
  }
  const D = E.map((v, k) => v - Y[k]);
  const Pi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Pi[i * n + j] = x[i * n + j] / E[j];
  let w = new Float64Array(n).fill(1);
  let P = new Float64Array(n).fill(1);
  let X = Float64Array.from(x);
  const sumY = Y.reduce((s, v) => s + v, 0);
  for (let it = 0; it < 100000; it++) {
    const last = X;
    const wn = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (Pi[i * n + j] * b[i * n + j] * E[j]) / P[j];
      wn[i] = (s / Y[i]) ** (1 / (1 + theta));
    }
    const norm = sumY / wn.reduce((s, v, k) => s + v * Y[k], 0);
    w = wn.map((v) => v * norm);
    const Pn = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) Pn[j] += Pi[i * n + j] * b[i * n + j] * w[i] ** -theta;
    P = Pn;
    E = mult ? E.map((_, k) => (Y[k] + D[k]) * w[k]) : E.map((_, k) => Y[k] * w[k] + D[k]);
    X = new Float64Array(n * n);
    let crit = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      X[i * n + j] = ((Pi[i * n + j] * b[i * n + j] * w[i] ** -theta) / P[j]) * E[j];
      crit = Math.max(crit, Math.abs(Math.log(X[i * n + j] / last[i * n + j])));
    }
    if (crit <= 1e-14) break;
  }
  const priceIndex = P.map((v) => v ** (-1 / theta));
  const realWage = w.map((v, k) => v / priceIndex[k]);
  const welfare = mult ? realWage : w.map((v, k) => (Y[k] * v + D[k]) / (Y[k] + D[k]) / priceIndex[k]);
  return { welfare, realWage, X };
}

function shock(n: number, seed: number): Float64Array {
  const b = new Float64Array(n * n).fill(1);
  // lower the costs between the first three countries (as a trade agreement would), raise one pair
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) b[i * n + j] = 1.4 + (seed % 7) / 10;
  b[(n - 1) * n + 0] = 0.7;
  return b;
}

describe("GE counterfactual with additive trade imbalances", () => {
  it("matches the direct ge_gravity fixed point on an unbalanced 8-country economy (welfare, real GDP, flows)", () => {
    const n = 8;
    const x = flows(n, 42);
    const economy = calibrated(x, n);
    const b = shock(n, 42);
    const phi1 = economy.phi.map((v, k) => v * b[k]);
    const sigma = 5;
    const result = solveCounterfactual(economy, phi1, { sigma, referenceImporter: 0, imbalances: "additive" });
    const rows = countryResults(result);
    const direct = directSolve(x, b, n, sigma - 1, false);
    for (let k = 0; k < n; k++) {
      expect(rows[k].welfareChangePct).toBeCloseTo(100 * (direct.welfare[k] - 1), 8);
      expect(rows[k].realGdpChangePct).toBeCloseTo(100 * (direct.realWage[k] - 1), 8);
    }
    for (let p = 0; p < n * n; p++) expect(result.full.flowValue[p] / direct.X[p]).toBeCloseTo(1, 9);
    // world output is the numeraire: Σ Y' = Σ Y
    const y0 = economy.outputValue.reduce((s, v) => s + v, 0);
    const y1 = result.full.outputValue.reduce((s, v) => s + v, 0);
    expect(y1 / y0).toBeCloseTo(1, 12);
    // nominal deficits held
    for (let k = 0; k < n; k++) {
      expect(result.full.expenditureValue[k] - result.full.outputValue[k]).toBeCloseTo(economy.expenditureValue[k] - economy.outputValue[k], 8);
    }
    // with imbalances, welfare and real GDP differ for some country
    expect(Math.max(...rows.map((r) => Math.abs(r.welfareChangePct - r.realGdpChangePct)))).toBeGreaterThan(1e-4);
  });

  it("the multiplicative rule matches the direct solve with mult, and welfare equals real GDP there", () => {
    const n = 6;
    const x = flows(n, 7);
    const economy = calibrated(x, n);
    const b = shock(n, 7);
    const result = solveCounterfactual(economy, economy.phi.map((v, k) => v * b[k]), { sigma: 5, referenceImporter: 2 });
    const direct = directSolve(x, b, n, 4, true);
    for (const [k, r] of countryResults(result).entries()) {
      expect(r.welfareChangePct).toBeCloseTo(r.realGdpChangePct, 10);
      expect(r.welfareChangePct).toBeCloseTo(100 * (direct.welfare[k] - 1), 8);
    }
  });

  it("under balanced trade both rules give the same equilibrium (property, random economies)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 1, max: 10_000 }), (n, seed) => {
        const x = flows(n, seed);
        // symmetrise the matrix: X + Xᵀ is balanced (row sums = column sums)
        const s = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = x[i * n + j] + x[j * n + i];
        const economy = calibrated(s, n);
        const phi1 = economy.phi.map((v, k) => v * shock(n, seed)[k]);
        const ra = solveCounterfactual(economy, phi1, { sigma: 4, referenceImporter: 0, imbalances: "additive" });
        const rm = solveCounterfactual(economy, phi1, { sigma: 4, referenceImporter: 0, imbalances: "multiplicative" });
        const a = countryResults(ra);
        const m = countryResults(rm);
        for (let k = 0; k < n; k++) {
          expect(a[k].welfareChangePct).toBeCloseTo(m[k].welfareChangePct, 7);
          expect(a[k].realGdpChangePct).toBeCloseTo(m[k].realGdpChangePct, 7);
        }
        // nominal values differ only by the numeraire: flows relative to world output agree
        const wa = ra.full.outputValue.reduce((t, v) => t + v, 0);
        const wm = rm.full.outputValue.reduce((t, v) => t + v, 0);
        for (let p = 0; p < n * n; p++) expect(ra.full.flowValue[p] / wa).toBeCloseTo(rm.full.flowValue[p] / wm, 9);
      }),
      { numRuns: 20, seed: 1 },
    );
  });

  it("no shock, no change under the additive rule", () => {
    const n = 5;
    const economy = calibrated(flows(n, 3), n);
    const rows = countryResults(solveCounterfactual(economy, Float64Array.from(economy.phi), { sigma: 5, referenceImporter: 1, imbalances: "additive" }));
    for (const r of rows) {
      expect(Math.abs(r.welfareChangePct)).toBeLessThan(1e-9);
      expect(Math.abs(r.realGdpChangePct)).toBeLessThan(1e-9);
    }
  });
});
