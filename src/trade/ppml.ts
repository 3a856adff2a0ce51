/**
 * Poisson pseudo-maximum-likelihood (PPML) by iteratively re-weighted least squares with the fixed effects
 * partialled out at every step (Correia, Guimarães & Zylkin 2020, "Fast Poisson estimation with high-dimensional
 * fixed effects"). The caller has already removed missing values, singletons and separated observations.
 *
 * One iteration, with μ the current fitted mean and η = log μ:
 *   weights w = μ, working response z = η − offset + (y − μ)/μ;
 *   z̃, X̃ = residuals of z and X on the fixed effects under weights w (WeightedDemeaner, warm-started, all columns
 *   in one call);
 *   β = (X̃ᵀWX̃)⁻¹ X̃ᵀW z̃, e = z̃ − X̃β, new η = z − e + offset.
 * Convergence: |D − D_prev| / max(min(D, D_prev), 0.1) < tol on the deviance D = 2 Σ [y log(y/μ) − (y − μ)].
 * The demeaning tolerance follows the deviance change (loose early, tight at the end); the last iteration always
 * runs at the tight tolerance.
 *
 * Arrays are indexed by observation unless stated; regressors are columns (`regressors[j][obs]`).
 */
import { CaravanError } from "../core/errors";
import { DEMEAN_BLOCK, type FixedEffect, WeightedDemeaner } from "./hdfe";
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
  /** Total conjugate-gradient sweeps spent demeaning (a sweep over a block of interleaved columns counts once). */
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

  let ySum = 0;
  for (let i = 0; i < n; i++) ySum += y[i];
  const yMean = ySum / n;
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i] + yMean) / 2;
    eta[i] = Math.log(mu[i]);
  }
  const w = new Float64Array(n); // [obs] IRLS weight = μ
  const z = new Float64Array(n); // [obs] working response without offset
  const zTilde = new Float64Array(n);
  const zFe = new Float64Array(n); // [obs] fixed-effect part of z (warm start)
  const xTilde = regressors.map(() => new Float64Array(n));
  const xFe = regressors.map(() => new Float64Array(n));
  const etaOld = new Float64Array(n);
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  const demeaner = new WeightedDemeaner(fixedEffects, n);

  let kept: boolean[] = new Array<boolean>(p).fill(true);
  let beta: Float64Array = new Float64Array(p);
  let deviance = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let converged = false;
  let demeanSweeps = 0;
  let demeanTol = 1e-4; // loose while far from the optimum (as ppmlhdfe starts), then 1% of the deviance change
  let finalPass = false;

  while (iterations < maxIter) {
    iterations++;
    const tight = finalPass || iterations === 1;
    const tolNow = finalPass ? finalDemeanTol : Math.max(finalDemeanTol, Math.min(demeanTol, 1e-4));
    for (let i = 0; i < n; i++) {
      w[i] = mu[i];
      z[i] = eta[i] - (offset ? offset[i] : 0) + (y[i] - mu[i]) / mu[i];
    }
    demeaner.setWeights(w);
    // z and the kept regressors in one call: one pass over the observations serves every column
    const vs: Float64Array[] = [z];
    const outs: Float64Array[] = [zTilde];
    const parts: Float64Array[] = [zFe];
    const tols = [tolNow];
    for (let j = 0; j < p; j++) {
      if (!kept[j]) continue;
      vs.push(regressors[j]);
      outs.push(xTilde[j]);
      parts.push(xFe[j]);
      tols.push(tight ? Math.min(tolNow, 1e-8) : tolNow);
    }
    const stats = demeaner.demeanColumns(vs, outs, parts, tols);
    // sweeps run: the most any column of a block of interleaved columns needed
    for (let b = 0; b < stats.length; b += DEMEAN_BLOCK) {
      let most = 0;
      for (let c = b; c < Math.min(stats.length, b + DEMEAN_BLOCK); c++) most = Math.max(most, stats[c].iterations);
      demeanSweeps += most;
    }
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

    etaOld.set(eta);
    for (let i = 0; i < n; i++) {
      let e = zTilde[i];
      for (let j = 0; j < p; j++) if (kept[j]) e -= xTilde[j][i] * beta[j];
      eta[i] = z[i] - e + (offset ? offset[i] : 0);
      mu[i] = Math.exp(eta[i]);
    }
    let newDeviance = poissonDeviance(y, mu);
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
    const eps = Number.isFinite(deviance) ? Math.abs(newDeviance - deviance) / Math.max(Math.min(newDeviance, deviance), 0.1) : Number.POSITIVE_INFINITY;
    deviance = newDeviance;
    if (finalPass) {
      converged = true;
      break;
    }
    if (eps < tol) {
      if (tolNow <= finalDemeanTol) {
        converged = true;
        break;
      }
      finalPass = true;
    }
    demeanTol = Math.max(finalDemeanTol, 0.01 * eps);
  }

  // variance ingredients from the last iteration (run at the tight demeaning tolerance): X̃ under its weights w,
  // which differ from the final μ by the last step only (relative change below the convergence tolerance)
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
