/**
 * Where the variance is evaluated (`vcovAt`): at the last IRLS step (fixest's rule, the default) or at the estimate.
 *
 * Hand-checkable case: an intercept-only Poisson model on y = (1, 2, 3, 6), ȳ = 3. From μ₀ = y + 0.1, the first
 * weighted least-squares step gives a common mean μ₁ = exp β₁ with β₁ = Σ (μ₀ log μ₀ + y − μ₀) / Σ μ₀; after that
 * every step is Newton's on the log scale, β_{k+1} = β_k + (ȳ − μ_k)/μ_k with μ_k = exp β_k. The iterations stop when
 * |D_k − D_{k−1}| / (0.1 + |D_k|) < tol. With N iterations and c = μ_{N−1}, the weights of the last step:
 *
 * - at the estimate: bread 1/(n μ_N), scores y − μ_N;
 * - at the last IRLS step: bread 1/(n c), scores u = c · (working residual) = (y − c) + c (β_{N−1} − β_N) = y − ȳ;
 *
 * so the IID standard errors differ by the factor √(μ_N / μ_{N−1}) = exp((β_N − β_{N−1}) / 2), and the robust ones
 * are √(Σ (y − ȳ)² / (n − 1)) / (√n c) and √(Σ (y − μ_N)² / (n − 1)) / (√n μ_N) (fixest's factor n/(n − K), K = 1).
 */
import { describe, expect, it } from "vitest";
import { estimatePpml } from "../../../src/trade/ppml/estimate";

const y = [1, 2, 3, 6];
const n = y.length;
const yBar = 3;

function deviance(mu: number): number {
  return 2 * y.reduce((s, yi) => s + (yi > 0 ? yi * Math.log(yi / mu) : 0) - (yi - mu), 0);
}

/** The intercept of every iteration, by the formulas above, until the deviance rule stops them. */
function irlsByHand(tol: number): number[] {
  const mu0 = y.map((v) => v + 0.1);
  const sw = mu0.reduce((s, m) => s + m, 0);
  const betas = [mu0.reduce((s, m, i) => s + m * Math.log(m) + y[i] - m, 0) / sw];
  let dPrev = deviance(Math.exp(betas[0]));
  for (let k = 0; k < 50; k++) {
    const b = betas[betas.length - 1];
    const next = b + (yBar - Math.exp(b)) / Math.exp(b);
    betas.push(next);
    const d = deviance(Math.exp(next));
    if (Math.abs(d - dPrev) / (0.1 + Math.abs(d)) < tol) break;
    dPrev = d;
  }
  return betas;
}

describe("variance at the last IRLS step vs at the estimate", () => {
  for (const tol of [1e-3, 1e-8]) {
    it(`intercept-only Poisson, tol ${tol}: the two rules differ as the hand computation says`, () => {
      const betas = irlsByHand(tol);
      const N = betas.length;
      const bN = betas[N - 1];
      const c = Math.exp(betas[N - 2]);
      const muN = Math.exp(bN);

      const iidLast = estimatePpml({ y }, { vcov: "iid", tol });
      const iidConv = estimatePpml({ y }, { vcov: "iid", tol, vcovAt: "converged" });
      const hetLast = estimatePpml({ y }, { vcov: "hetero", tol });
      const hetConv = estimatePpml({ y }, { vcov: "hetero", tol, vcovAt: "converged" });
      expect(iidLast.vcovAt).toBe("last-irls");
      expect(iidConv.vcovAt).toBe("converged");
      expect(iidLast.iterations).toBe(N);
      expect(iidLast.coefficients[0].estimate).toBeCloseTo(bN, 12);
      expect(iidConv.coefficients[0].estimate).toBe(iidLast.coefficients[0].estimate);

      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      // IID: √(1/(n c)) and √(1/(n μ_N)); their ratio exp((β_N − β_{N−1})/2)
      expect(rel(iidLast.coefficients[0].se, Math.sqrt(1 / (n * c)))).toBeLessThan(1e-12);
      expect(rel(iidConv.coefficients[0].se, Math.sqrt(1 / (n * muN)))).toBeLessThan(1e-12);
      expect(rel(iidLast.coefficients[0].se / iidConv.coefficients[0].se, Math.exp((bN - betas[N - 2]) / 2))).toBeLessThan(1e-12);
      // robust
      const ss = (m: number) => y.reduce((s, v) => s + (v - m) ** 2, 0);
      expect(rel(hetLast.coefficients[0].se, Math.sqrt(ss(yBar) / (n - 1) / n) / c)).toBeLessThan(1e-12);
      expect(rel(hetConv.coefficients[0].se, Math.sqrt(ss(muN) / (n - 1) / n) / muN)).toBeLessThan(1e-12);
      // the difference is the last step's: visible at a loose tolerance, tiny at a tight one
      const gap = rel(iidLast.coefficients[0].se, iidConv.coefficients[0].se);
      if (tol === 1e-3) expect(gap).toBeGreaterThan(1e-3);
      else expect(gap).toBeLessThan(1e-8);
    });
  }
});
