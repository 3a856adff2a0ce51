import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCaravanError } from "../../../src/core/errors";
import { countryResults, type GeEconomy, mrLevel, mrResidual, pairResults, solveBaseline, solveCounterfactual, solveMultilateralResistances } from "../../../src/trade/ge/ge";

/**
 * N identical countries, Y_i = E_i = 1, t_ii^(1-σ) = 1, t_ij^(1-σ) = φ (i ≠ j):
 *
 *        φ
 *   A ─────── B        every pair of distinct countries has the same cost;
 *    \       /         a uniform change φ → φ' keeps the symmetry, so all prices move together.
 *   φ \     / φ
 *       C
 *
 * Baseline (P_ref = 1): P_j^(1-σ) = 1 and Π_i^(1-σ) = (1 + (N−1)φ)/N.
 * Full endowment: by symmetry p_i = c, shares unchanged, P'^(1-σ) = 1, Π'^(1-σ) = (1 + (N−1)φ')/N; the supply
 * equation p^σ = (ΣY'/ΣY) Π'^(1-σ)/Π^(1-σ) = c Π'^(1-σ)/Π^(1-σ) gives
 *   c = [(1 + (N−1)φ') / (1 + (N−1)φ)]^(1/(σ−1)),
 * which is the Arkolakis–Costinot–Rodríguez-Clare welfare formula λ̂^(1/(1−σ)) with the domestic share
 * λ = 1/(1 + (N−1)φ). Real GDP changes by c (P stays 1), foreign flows by φ̂ c^(2−σ) (X' = X φ̂ p^(1−σ) E'/P'^(1-σ)
 * with E' = cE), and in the conditional stage (Y, E fixed) by φ̂ Π^(1-σ)/Π'^(1-σ) = φ̂ c^(1−σ).
 */
function symmetric(n: number, phi: number): GeEconomy {
  const costs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) costs[i * n + j] = i === j ? 1 : phi;
  return {
    countries: Array.from({ length: n }, (_, k) => `C${k}`),
    outputValue: new Float64Array(n).fill(1),
    expenditureValue: new Float64Array(n).fill(1),
    phi: costs,
  };
}

function uniformChange(economy: GeEconomy, phiNew: number): Float64Array {
  const n = economy.countries.length;
  const out = Float64Array.from(economy.phi);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) out[i * n + j] = phiNew;
  return out;
}

describe("GE solver on N identical countries (closed form)", () => {
  const cases = [
    { n: 2, phi: 0.2, phiNew: 0.3, sigma: 5 },
    { n: 3, phi: 0.1, phiNew: 0.05, sigma: 4 },
    { n: 7, phi: 0.05, phiNew: 0.08, sigma: 8 },
  ];
  for (const { n, phi, phiNew, sigma } of cases) {
    it(`matches the closed form for N=${n}, φ ${phi}→${phiNew}, σ=${sigma}`, () => {
      const economy = symmetric(n, phi);
      const result = solveCounterfactual(economy, uniformChange(economy, phiNew), { sigma, referenceImporter: 0 });
      const c = ((1 + (n - 1) * phiNew) / (1 + (n - 1) * phi)) ** (1 / (sigma - 1));
      const hat = phiNew / phi;
      for (let k = 0; k < n; k++) {
        expect(result.baseline.imrPow[k]).toBeCloseTo(1, 12);
        expect(result.baseline.omrPow[k]).toBeCloseTo((1 + (n - 1) * phi) / n, 12);
        expect(result.full.omrPow[k]).toBeCloseTo((1 + (n - 1) * phiNew) / n, 12);
        expect(result.producerPrice[k]).toBeCloseTo(c, 11);
      }
      for (const r of countryResults(result)) {
        expect(r.realGdpChangePct).toBeCloseTo(100 * (c - 1), 9);
        expect(r.imrChangePct).toBeCloseTo(0, 9);
        expect(r.exportsChangePct).toBeCloseTo(100 * (hat * c ** (2 - sigma) - 1), 9);
        expect(r.exportsConditionalChangePct).toBeCloseTo(100 * (hat * c ** (1 - sigma) - 1), 9);
        expect(r.domesticTradeChangePct).toBeCloseTo(100 * (c ** (2 - sigma) - 1), 9);
      }
    });
  }

  it("2 countries: with φ = 0 (autarky) real GDP gains equal (1 + φ')^(1/(σ−1)) − 1", () => {
    // Autarky is an edge the solver must handle through the checks: φ = 0 leaves each country trading only with itself.
    const economy = symmetric(2, 0);
    const result = solveCounterfactual(economy, uniformChange(economy, 0.25), { sigma: 5, referenceImporter: 1 });
    for (const r of countryResults(result)) expect(r.realGdpChangePct).toBeCloseTo(100 * (1.25 ** 0.25 - 1), 9);
  });
});

/**
 * A random asymmetric economy (3–6 countries). Foreign costs stay ≥ 0.05 of domestic ones: near autarky the system
 * is ill-conditioned and residuals of 1e-12 leave larger (still small) errors in the solution.
 */
const economyArb = fc
  .integer({ min: 3, max: 6 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      y: fc.array(fc.double({ min: 0.5, max: 50, noNaN: true }), { minLength: n, maxLength: n }),
      deficit: fc.array(fc.double({ min: 0.8, max: 1.25, noNaN: true }), { minLength: n, maxLength: n }),
      phi: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }),
      shock: fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: n * n, maxLength: n * n }),
      ref: fc.integer({ min: 0, max: n - 1 }),
    }),
  )
  .map(({ n, y, deficit, phi, shock, ref }) => {
    const costs = Float64Array.from(phi);
    for (let k = 0; k < n; k++) costs[k * n + k] = 1;
    const economy: GeEconomy = {
      countries: Array.from({ length: n }, (_, k) => `C${k}`),
      outputValue: Float64Array.from(y),
      expenditureValue: Float64Array.from(y, (v, k) => v * deficit[k]),
      phi: costs,
    };
    const cf = Float64Array.from(costs, (v, p) => v * shock[p]);
    return { economy, cf, ref };
  });

describe("GE solver properties (random economies)", () => {
  it("the full-endowment solution satisfies the MR system, the supply equation and market clearing", () => {
    fc.assert(
      fc.property(economyArb, ({ economy, cf, ref }) => {
        const result = solveCounterfactual(economy, cf, { sigma: 5, referenceImporter: ref });
        const n = economy.countries.length;
        const f = result.full;
        const y = f.outputValue.map((v) => v / f.outputValue.reduce((a, b) => a + b, 0));
        const e = f.expenditureValue.map((v) => v / f.expenditureValue.reduce((a, b) => a + b, 0));
        // Oracle: the MR equations evaluated directly.
        expect(mrResidual(cf, y, e, f.omrPow, f.imrPow)).toBeLessThan(1e-10);
        expect(f.imrPow[ref]).toBeCloseTo(1, 12);
        // Market clearing: modelled shipments equal output.
        for (let i = 0; i < n; i++) {
          let row = 0;
          for (let j = 0; j < n; j++) row += f.flowValue[i * n + j];
          expect(Math.abs(row / f.outputValue[i] - 1)).toBeLessThan(1e-10);
        }
        // Supply: y'_i = (y_i / Π_i^(1-σ)) p_i^(1-σ) Π'_i^(1-σ).
        const b = result.baseline;
        const y0 = b.outputValue.map((v) => v / b.outputValue.reduce((a, c) => a + c, 0));
        for (let i = 0; i < n; i++) {
          const rhs = (y0[i] / b.omrPow[i]) * result.producerPrice[i] ** -4 * f.omrPow[i];
          expect(Math.abs(y[i] / rhs - 1)).toBeLessThan(1e-10);
        }
        expect(result.diagnostics.maxResidual).toBeLessThan(1e-10);
      }),
      { numRuns: 40 },
    );
  });

  it("real GDP changes do not depend on the reference importer", () => {
    fc.assert(
      fc.property(economyArb, ({ economy, cf, ref }) => {
        const other = (ref + 1) % economy.countries.length;
        const a = countryResults(solveCounterfactual(economy, cf, { sigma: 5, referenceImporter: ref }));
        const b = countryResults(solveCounterfactual(economy, cf, { sigma: 5, referenceImporter: other }));
        // Real quantities are numeraire-free (nominal ones such as export values are not: they scale with the
        // price level the normalisation picks). Equal up to the solver tolerance.
        for (let k = 0; k < a.length; k++) {
          expect(Math.abs(a[k].realGdpChangePct - b[k].realGdpChangePct)).toBeLessThan(1e-7 * (1 + Math.abs(a[k].realGdpChangePct)));
        }
      }),
      { numRuns: 25 },
    );
  });

  it("no change of costs changes nothing", () => {
    fc.assert(
      fc.property(economyArb, ({ economy, ref }) => {
        const result = solveCounterfactual(economy, Float64Array.from(economy.phi), { sigma: 5, referenceImporter: ref });
        for (const r of countryResults(result)) {
          expect(Math.abs(r.realGdpChangePct)).toBeLessThan(1e-8);
          expect(Math.abs(r.exportsChangePct)).toBeLessThan(1e-8);
          expect(Math.abs(r.omrChangePct)).toBeLessThan(1e-8);
        }
        expect(pairResults(result, economy, true)).toHaveLength(0);
      }),
      { numRuns: 20 },
    );
  });

  it("results are invariant to the unit of value (scaling all Y and E)", () => {
    fc.assert(
      fc.property(economyArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), ({ economy, cf, ref }, scale) => {
        const scaled: GeEconomy = { ...economy, outputValue: economy.outputValue.map((v) => v * scale), expenditureValue: economy.expenditureValue.map((v) => v * scale) };
        const a = countryResults(solveCounterfactual(economy, cf, { sigma: 5, referenceImporter: ref }));
        const b = countryResults(solveCounterfactual(scaled, cf, { sigma: 5, referenceImporter: ref }));
        for (let k = 0; k < a.length; k++) expect(Math.abs(a[k].realGdpChangePct - b[k].realGdpChangePct)).toBeLessThan(1e-7 * (1 + Math.abs(a[k].realGdpChangePct)));
      }),
      { numRuns: 15 },
    );
  });
});

describe("GE solver errors", () => {
  it("reports E_NOT_CONVERGED when the sweep cap is too low for the tolerance", () => {
    const economy = symmetric(3, 0.3);
    economy.phi[1] = 0.9;
    try {
      solveBaseline(economy, { sigma: 5, referenceImporter: 0, maxMrSweeps: 1 });
      expect.unreachable();
    } catch (error) {
      expect(isCaravanError(error) && error.code).toBe("E_NOT_CONVERGED");
    }
  });

  it("rejects a country that cannot export at all (E_DATA_INVALID)", () => {
    const economy = symmetric(3, 0.3);
    for (let j = 0; j < 3; j++) economy.phi[2 * 3 + j] = 0;
    expect(() => solveBaseline(economy, { sigma: 5, referenceImporter: 0 })).toThrow(expect.objectContaining({ code: "E_DATA_INVALID" }));
  });

  it("rejects σ ≤ 1 (E_USAGE)", () => {
    expect(() => solveBaseline(symmetric(2, 0.5), { sigma: 1, referenceImporter: 0 })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("baseline MR levels follow the power form: Π = (Π^(1-σ))^(1/(1-σ))", () => {
    const mr = solveMultilateralResistances(Float64Array.from([1, 0.5, 0.5, 1]), Float64Array.from([0.5, 0.5]), Float64Array.from([0.5, 0.5]), 0);
    // Symmetric 2-country case: P^(1-σ) = 1, Π^(1-σ) = (1 + 0.5)/2 = 0.75.
    expect(mr.omrPow[0]).toBeCloseTo(0.75, 13);
    expect(mrLevel(mr.omrPow[0], 5)).toBeCloseTo(0.75 ** (-1 / 4), 13);
  });
});
