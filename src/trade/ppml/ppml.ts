/**
 * Poisson pseudo-maximum-likelihood (PPML) by iteratively re-weighted least squares with the fixed effects
 * partialled out at every step (Correia, Guimarães & Zylkin 2020, "Fast Poisson estimation with high-dimensional
 * fixed effects"). The caller has already removed missing values, singletons and separated observations.
 *
 * Start: μ = y + 0.1 (fixest's start for Poisson). One iteration, with μ the current fitted mean and η = log μ:
 *   weights w = μ, working response z = η − offset + (y − μ)/μ;
 *   z̃, X̃ = residuals of z and X on the fixed effects under weights w (FixedEffectSolver of src/trade/ppml/fe-solver.ts:
 *   conjugate gradients on the fixed-effect coefficients, each column warm-started from its coefficients of the
 *   previous iteration);
 *   β = (X̃ᵀWX̃)⁻¹ X̃ᵀW z̃, e = z̃ − X̃β, new η = z − e + offset.
 * Convergence: fixest's rule |D − D_prev| / (0.1 + |D|) < tol on the deviance D = 2 Σ [y log(y/μ) − (y − μ)].
 * The demeaning tolerance follows the deviance change (1e-4 at first, then 1e-3 of the last relative change, down to
 * `demeanTol`): errors of the demeaning lie in the span of the dummies and reach β only as products of two errors.
 * After convergence, X̃ is demeaned once more under the final μ to `demeanTol` for the variance.
 *
 * Arrays are indexed by observation unless stated; regressors are columns (`regressors[j][obs]`).
 */
import { CaravanError } from "../../core/errors";
import { FixedEffectSolver } from "./fe-solver";
import type { FixedEffect } from "./hdfe";
import { choleskyDropCollinear, choleskyInverse, choleskySolve } from "./ppml-linalg";

export interface PpmlCoreInput {
  readonly y: Float64Array;
  readonly regressors: readonly Float64Array[];
  readonly names: readonly string[];
  readonly fixedEffects: readonly FixedEffect[];
  readonly offset?: Float64Array;
}

export interface PpmlCoreOptions {
  /** Relative deviance change that ends the iterations (default 1e-8). */
  readonly tol?: number;
  readonly maxIter?: number;
  /** Final demeaning tolerance, relative to the norm of the demeaned vector (default 1e-11). */
  readonly demeanTol?: number;
  /** A regressor is collinear when its squared norm after partialling out the others falls below this fraction (default 1e-9). */
  readonly collinearityTol?: number;
}

export interface PpmlCoreFit {
  /** [regressor] estimate; NaN for a regressor dropped as collinear. */
  readonly beta: Float64Array;
  /** [regressor] false = dropped as collinear. */
  readonly kept: readonly boolean[];
  /** [obs] fitted mean and linear predictor (offset included). */
  readonly mu: Float64Array;
  readonly eta: Float64Array;
  /** [kept regressor][obs] regressors demeaned with the weights of the last iteration. */
  readonly xTilde: readonly Float64Array[];
  /** (X̃ᵀWX̃)⁻¹ over the kept regressors, row-major. */
  readonly bread: Float64Array;
  readonly deviance: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Total conjugate-gradient passes over the observations spent demeaning (a pass serves two columns). */
  readonly demeanSweeps: number;
}

function poissonDeviance(y: Float64Array, mu: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i];
    d += yi > 0 ? yi * Math.log(yi / mu[i]) - (yi - mu[i]) : mu[i];
  }
  return 2 * d;
}

/** Demeaning tolerance of an iteration: this fraction of the previous iteration's relative deviance change. */
const DEMEAN_TOL_FRACTION = 1e-3;
/** Regressors are demeaned at least this tightly in the first iteration, whose X̃ decides collinearity. */
const FIRST_REGRESSOR_TOL = 1e-6;

export function fitPpml(input: PpmlCoreInput, options: PpmlCoreOptions = {}): PpmlCoreFit {
  const { y, regressors, fixedEffects } = input;
  const n = y.length;
  const p = regressors.length;
  const tol = options.tol ?? 1e-8;
  const maxIter = options.maxIter ?? 1000;
  const finalDemeanTol = options.demeanTol ?? 1e-11;
  const collinearityTol = options.collinearityTol ?? 1e-9;
  const offset = input.offset;
  if (n === 0) throw new CaravanError("E_ESTIMATION_FAILED", "no observations left to estimate the model");

  const devConstant = devianceConstant(y);
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = y[i] + 0.1;
    eta[i] = Math.log(mu[i]);
  }
  const w = new Float64Array(n); // [obs] IRLS weight = μ at the start of the iteration
  const etaOld = new Float64Array(n); // [obs] η at the start of the iteration (step-halving)
  const z = new Float64Array(n); // [obs] working response without offset
  const zTilde = new Float64Array(n);
  const xTilde = regressors.map(() => new Float64Array(n));
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  const solver = new FixedEffectSolver(fixedEffects, n);

  let kept: boolean[] = new Array<boolean>(p).fill(true);
  let beta: Float64Array = new Float64Array(p);
  let deviance = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let converged = false;
  let demeanSweeps = 0;
  let demeanTol = 1e-4; // loose while far from the optimum, then a small fraction of the deviance change

  while (iterations < maxIter) {
    iterations++;
    const tolNow = Math.max(finalDemeanTol, Math.min(demeanTol, 1e-4));
    for (let i = 0; i < n; i++) {
      const m = mu[i];
      w[i] = m;
      z[i] = eta[i] - (offset ? offset[i] : 0) + (y[i] - m) / m;
    }
    solver.setWeights(w);
    // z and the kept regressors in one call; slot 0 = z, slot 1 + j = regressor j (their warm starts)
    const vs: Float64Array[] = [z];
    const outs: Float64Array[] = [zTilde];
    const slots: number[] = [0];
    const tols = [tolNow];
    for (let j = 0; j < p; j++) {
      if (!kept[j]) continue;
      vs.push(regressors[j]);
      outs.push(xTilde[j]);
      slots.push(1 + j);
      tols.push(iterations === 1 ? Math.min(tolNow, FIRST_REGRESSOR_TOL) : tolNow);
    }
    const stats = solver.solve(vs, outs, tols, slots);
    // passes run: the most either column of a pair needed
    for (let b = 0; b < stats.length; b += 2) demeanSweeps += Math.max(stats[b].iterations, b + 1 < stats.length ? stats[b + 1].iterations : 0);
    for (let a = 0; a < p; a++) {
      if (!kept[a]) continue;
      const xa = xTilde[a];
      let sz = 0;
      for (let i = 0; i < n; i++) sz += w[i] * xa[i] * zTilde[i];
      xtwz[a] = sz;
      for (let b = 0; b <= a; b++) {
        if (!kept[b]) continue;
        const xb = xTilde[b];
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i] * xa[i] * xb[i];
        xtwx[a * p + b] = s;
        xtwx[b * p + a] = s;
      }
    }
    if (iterations === 1) {
      // collinearity: absorbed by the fixed effects, or a combination of earlier regressors
      const absorbed = new Array<boolean>(p).fill(false);
      for (let j = 0; j < p; j++) {
        const x = regressors[j];
        let raw = 0;
        for (let i = 0; i < n; i++) raw += w[i] * x[i] * x[i];
        if (!(xtwx[j * p + j] > collinearityTol * raw)) absorbed[j] = true;
      }
      for (let j = 0; j < p; j++) if (absorbed[j]) xtwx[j * p + j] = 0;
      kept = choleskyDropCollinear(xtwx, p, collinearityTol).kept;
    }
    const { l, kept: keptNow } = choleskyDropCollinear(maskMatrix(xtwx, kept, p), p, 1e-14);
    beta = choleskySolve(l, keptNow, p, maskVector(xtwz, kept));

    // new η = z − (z̃ − X̃β) + offset, μ = exp η and the deviance in one pass (the previous η kept for step-halving)
    const keptCols: Float64Array[] = [];
    const keptBeta: number[] = [];
    for (let j = 0; j < p; j++) {
      if (!kept[j]) continue;
      keptCols.push(xTilde[j]);
      keptBeta.push(beta[j]);
    }
    let newDeviance = linearPredictorPass(n, z, zTilde, keptCols, keptBeta, offset, y, devConstant, eta, etaOld, mu);
    // step-halving when the step overflows or the deviance explodes (rare for Poisson once separation is removed)
    for (let halving = 0; (!Number.isFinite(newDeviance) || newDeviance > 1e3 * deviance) && halving < 30; halving++) {
      for (let i = 0; i < n; i++) {
        eta[i] = 0.5 * (eta[i] + etaOld[i]);
        mu[i] = Math.exp(eta[i]);
      }
      newDeviance = poissonDeviance(y, mu);
    }
    if (!Number.isFinite(newDeviance)) {
      throw new CaravanError("E_ESTIMATION_FAILED", `the deviance became non-finite at iteration ${iterations}`);
    }
    // fixest's rule: |ΔD| / (0.1 + |D|)
    const eps = Number.isFinite(deviance) ? Math.abs(newDeviance - deviance) / (0.1 + Math.abs(newDeviance)) : Number.POSITIVE_INFINITY;
    deviance = newDeviance;
    if (eps < tol) {
      converged = true;
      break;
    }
    demeanTol = Math.max(finalDemeanTol, DEMEAN_TOL_FRACTION * eps);
  }

  // Variance ingredients at the estimate: X̃ demeaned under the final weights μ, to the final tolerance
  // (warm-started from the last iteration, a few passes). The coefficients and μ are those of the last iteration.
  w.set(mu);
  solver.setWeights(w);
  const vs: Float64Array[] = [];
  const outs: Float64Array[] = [];
  const slots: number[] = [];
  for (let j = 0; j < p; j++) {
    if (!kept[j]) continue;
    vs.push(regressors[j]);
    outs.push(xTilde[j]);
    slots.push(1 + j);
  }
  const stats = solver.solve(vs, outs, new Array<number>(vs.length).fill(finalDemeanTol), slots);
  for (let b = 0; b < stats.length; b += 2) demeanSweeps += Math.max(stats[b].iterations, b + 1 < stats.length ? stats[b + 1].iterations : 0);

  if (converged) deviance = poissonDeviance(y, mu);
  return finishFit(n, p, kept, beta, mu, eta, xTilde, w, deviance, iterations, converged, demeanSweeps);
}

/**
 * η ← z − (z̃ − Σ_j X̃_j β_j) + offset (the previous η saved in etaOld), μ ← exp η; returns the deviance of μ as
 * 2 (`constant` − Σ y η + Σ μ) with `constant` = Σ_{y>0} y log y − Σ y (computed once): no logarithm per observation
 * and iteration. The sums cancel to about 1e-13 relative, far below the convergence tolerance; the deviance reported
 * by the fit is recomputed term by term at the end.
 */
function linearPredictorPass(
  n: number,
  z: Float64Array,
  zTilde: Float64Array,
  xTilde: readonly Float64Array[],
  beta: readonly number[],
  offset: Float64Array | undefined,
  y: Float64Array,
  constant: number,
  eta: Float64Array,
  etaOld: Float64Array,
  mu: Float64Array,
): number {
  const q = xTilde.length;
  const x0 = q > 0 ? xTilde[0] : zTilde;
  const b0 = q > 0 ? beta[0] : 0;
  let yEta = 0;
  let muSum = 0;
  for (let i = 0; i < n; i++) {
    let e = zTilde[i];
    if (q === 1) e -= x0[i] * b0;
    else for (let j = 0; j < q; j++) e -= xTilde[j][i] * beta[j];
    etaOld[i] = eta[i];
    const et = z[i] - e + (offset ? offset[i] : 0);
    eta[i] = et;
    const m = Math.exp(et);
    mu[i] = m;
    yEta += y[i] * et;
    muSum += m;
  }
  return 2 * (constant - yEta + muSum);
}

/** Σ_{y>0} y log y − Σ y, the part of the Poisson deviance that does not depend on μ. */
function devianceConstant(y: Float64Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i];
    c += yi > 0 ? yi * Math.log(yi) - yi : 0;
  }
  return c;
}

/** The fit's result, with the variance ingredients from X̃ and the weights w of the estimate. */
function finishFit(
  n: number,
  p: number,
  kept: readonly boolean[],
  beta: Float64Array,
  mu: Float64Array,
  eta: Float64Array,
  xTilde: readonly Float64Array[],
  w: Float64Array,
  deviance: number,
  iterations: number,
  converged: boolean,
  demeanSweeps: number,
): PpmlCoreFit {
  // bread (X̃ᵀWX̃)⁻¹ with X̃ demeaned under the final weights w = μ
  const keptIdx: number[] = [];
  for (let j = 0; j < p; j++) if (kept[j]) keptIdx.push(j);
  const xFinal = keptIdx.map((j) => xTilde[j]);
  const q = keptIdx.length;
  const h = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      const xa = xFinal[a];
      const xb = xFinal[b];
      for (let i = 0; i < n; i++) s += w[i] * xa[i] * xb[i];
      h[a * q + b] = s;
      h[b * q + a] = s;
    }
  }
  const hc = choleskyDropCollinear(h, q, 1e-14);
  const bread = choleskyInverse(hc.l, hc.kept, q);
  const betaOut = new Float64Array(p).fill(Number.NaN);
  for (let j = 0; j < p; j++) if (kept[j]) betaOut[j] = beta[j];
  return { beta: betaOut, kept, mu, eta, xTilde: xFinal, bread, deviance, iterations, converged, demeanSweeps };
}

function maskMatrix(a: Float64Array, kept: readonly boolean[], p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    if (!kept[i]) continue;
    for (let j = 0; j < p; j++) if (kept[j]) out[i * p + j] = a[i * p + j];
  }
  return out;
}

function maskVector(v: Float64Array, kept: readonly boolean[]): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) if (kept[i]) out[i] = v[i];
  return out;
}
