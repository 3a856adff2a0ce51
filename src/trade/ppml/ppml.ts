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
 * The demeaning tolerance follows the deviance change ε of the previous iteration: 1e-5 at first, then
 * min(1e-3·ε, 0.01·ε²), no tighter than 1e-8 (or `demeanTol` if looser): errors of the demeaning lie in the span of
 * the dummies and reach β only as products of two errors; the ε² term keeps the iterates — and so the weights of the
 * last step, where fixest evaluates the variance — on the path of exactly solved steps.
 * An iteration whose deviance needed step-halving never ends the loop (as fixest): the last iteration is always a
 * full weighted least-squares step.
 *
 * Variance ingredients, by `vcovAt` (the scores s_i = X̃_i u_i and the bread (X̃ᵀ diag(v) X̃)⁻¹ of src/trade/ppml/vcov.ts):
 * - "last-irls" (default; fixest's feglm): the weights and residuals of the last weighted least-squares step, as they
 *   were before its coefficient update: v = w = μ at the start of that iteration, X̃ demeaned under w, and
 *   u_i = w_i e_i with e = z̃ − X̃β the working residual of the step. X̃ and z̃ are demeaned once more under the same
 *   w to `demeanTol` (warm-started, a few passes).
 * - "converged": at the estimate: v = μ̂, X̃ demeaned under μ̂ to `demeanTol`, u = y − μ̂ (the Poisson score).
 * The two differ by O(the last step): u_i = (y_i − μ_i) + μ_i (η_i − η̂_i) with μ, η of the start of the last iteration.
 *
 * Arrays are indexed by observation unless stated; regressors are columns (`regressors[j][obs]`).
 */
import { CaravanError } from "../../core/errors";
import { FixedEffectSolver } from "./fe-solver";
import type { FixedEffect } from "./hdfe";
import { choleskyDropCollinear, choleskyInverse, choleskySolve, weightedDot, weightedGram } from "./ppml-linalg";

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
  /** Where the variance ingredients are evaluated (default "last-irls", fixest's rule; see the module comment). */
  readonly vcovAt?: VcovPoint;
}

/** Where the variance is evaluated: the last IRLS step's weights and working residuals (fixest) or the estimate. */
export type VcovPoint = "last-irls" | "converged";

export const VCOV_POINTS: readonly VcovPoint[] = ["last-irls", "converged"];

export interface PpmlCoreFit {
  /** [regressor] estimate; NaN for a regressor dropped as collinear. */
  readonly beta: Float64Array;
  /** [regressor] false = dropped as collinear. */
  readonly kept: readonly boolean[];
  /** [obs] fitted mean and linear predictor (offset included). */
  readonly mu: Float64Array;
  readonly eta: Float64Array;
  /** [kept regressor][obs] regressors demeaned under the variance weights (`vcovAt`). */
  readonly xTilde: readonly Float64Array[];
  /** (X̃ᵀ diag(vcovWeights) X̃)⁻¹ over the kept regressors, row-major. */
  readonly bread: Float64Array;
  /** [obs] the weights of the bread: μ at the start of the last iteration ("last-irls") or μ̂ ("converged"). */
  readonly vcovWeights: Float64Array;
  /** [obs] u of the scores X̃_i u_i: w_i e_i ("last-irls") or y_i − μ̂_i ("converged"). */
  readonly scoreResidual: Float64Array;
  readonly vcovAt: VcovPoint;
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

/**
 * Demeaning tolerance of an iteration: this fraction of the previous iteration's relative deviance change ε ...
 * (The square rule keeps the iterates on the path of exactly solved IRLS steps, as fixest's are, closely enough that
 * the variance at the last IRLS step agrees with fixest's: on fixest's `trade` data the 1e-3·ε rule alone left the
 * penultimate iterate 1e-4 away from it and the standard error 5.6e-6; with the square rule 2.7e-7, and with the
 * first iterations at 1e-5 rather than 1e-4 5.6e-8.)
 */
const DEMEAN_TOL_FRACTION = 1e-3;
/** The loosest demeaning tolerance, that of the first iterations. */
const FIRST_DEMEAN_TOL = 1e-5;
/** ... and at most this multiple of its square (the next change, were convergence quadratic). */
const DEMEAN_TOL_SQUARE = 0.01;
/** Iterations demean no tighter than this (or `demeanTol` when looser); the variance ingredients are refined after. */
const ITERATION_TOL_FLOOR = 1e-8;
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
  const vcovAt = options.vcovAt ?? "last-irls";
  if (n === 0) throw new CaravanError("E_ESTIMATION_FAILED", "no observations left to estimate the model");

  const devConstant = devianceConstant(y);
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  startingValues(y, mu, eta);
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
  let lastHalving = 0; // step-halvings of the last iteration
  let demeanTol = FIRST_DEMEAN_TOL; // loose while far from the optimum, then a small fraction of the deviance change
  const iterationTolFloor = Math.max(finalDemeanTol, ITERATION_TOL_FLOOR);

  while (iterations < maxIter) {
    iterations++;
    const tolNow = Math.max(iterationTolFloor, Math.min(demeanTol, FIRST_DEMEAN_TOL));
    workingResponse(y, mu, eta, offset, w, z);
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
      xtwz[a] = weightedDot(w, xa, zTilde);
      for (let b = 0; b <= a; b++) {
        if (!kept[b]) continue;
        const s = weightedDot(w, xa, xTilde[b]);
        xtwx[a * p + b] = s;
        xtwx[b * p + a] = s;
      }
    }
    if (iterations === 1) {
      // collinearity: absorbed by the fixed effects, or a combination of earlier regressors
      const absorbed = new Array<boolean>(p).fill(false);
      for (let j = 0; j < p; j++) {
        const raw = weightedDot(w, regressors[j], regressors[j]);
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
    // step-halving when the step overflows or the deviance explodes (rare for Poisson once separation is removed);
    // never for a change within the tolerance (fixest's rule; a perfect fit's deviance is 0 up to rounding)
    const settled = (d: number): boolean => Math.abs(d - deviance) < tol || Math.abs(d - deviance) / (0.1 + Math.abs(d)) < tol;
    let halving = 0;
    for (; (!Number.isFinite(newDeviance) || (newDeviance > 1e3 * deviance && !settled(newDeviance))) && halving < 30; halving++) {
      halveStep(eta, etaOld, mu);
      newDeviance = poissonDeviance(y, mu);
    }
    if (!Number.isFinite(newDeviance)) {
      throw new CaravanError("E_ESTIMATION_FAILED", `the deviance became non-finite at iteration ${iterations}`);
    }
    // fixest's rule: |ΔD| / (0.1 + |D|)
    const eps = Number.isFinite(deviance) ? Math.abs(newDeviance - deviance) / (0.1 + Math.abs(newDeviance)) : Number.POSITIVE_INFINITY;
    deviance = newDeviance;
    lastHalving = halving;
    if (eps < tol && halving === 0) {
      converged = true;
      break;
    }
    demeanTol = Math.min(DEMEAN_TOL_FRACTION * eps, DEMEAN_TOL_SQUARE * eps * eps);
  }

  // The last step polished: z̃ and X̃ demeaned under its weights w to the final tolerance, warm-started (a few
  // passes), and η, μ recomputed from them with the step's β (whose own error is a product of two demeaning errors;
  // those of z̃ and X̃β reach η directly); the iterations themselves demean no tighter than ITERATION_TOL_FLOOR.
  // Then the variance ingredients (module comment); the score factor u is written over z̃.
  const lastIrls = vcovAt === "last-irls";
  const keptSlots: number[] = [];
  for (let j = 0; j < p; j++) if (kept[j]) keptSlots.push(j);
  const refine = (withZ: boolean, withX: boolean): void => {
    const vs: Float64Array[] = withZ ? [z] : [];
    const outs: Float64Array[] = withZ ? [zTilde] : [];
    const slots: number[] = withZ ? [0] : [];
    if (withX) {
      for (const j of keptSlots) {
        vs.push(regressors[j]);
        outs.push(xTilde[j]);
        slots.push(1 + j);
      }
    }
    if (vs.length === 0) return;
    const stats = solver.solve(vs, outs, new Array<number>(vs.length).fill(finalDemeanTol), slots);
    for (let b = 0; b < stats.length; b += 2) demeanSweeps += Math.max(stats[b].iterations, b + 1 < stats.length ? stats[b + 1].iterations : 0);
  };
  const polish = lastHalving === 0 && iterations > 0;
  refine(polish, polish || lastIrls);
  const scoreResidual = zTilde;
  if (polish || lastIrls) {
    // e = z̃ − X̃β
    for (const j of keptSlots) subtractScaled(scoreResidual, xTilde[j], beta[j]);
  }
  if (polish) predictorFromResidual(z, scoreResidual, offset, eta, mu);
  if (lastIrls) {
    multiplyInPlace(scoreResidual, w); // u = w e
  } else {
    w.set(mu);
    solver.setWeights(w);
    refine(false, true);
    difference(y, mu, scoreResidual);
  }

  if (converged) deviance = poissonDeviance(y, mu);
  return finishFit(p, kept, beta, mu, eta, xTilde, w, scoreResidual, vcovAt, deviance, iterations, converged, demeanSweeps);
}

// Observation loops as small functions: each is optimized on its own, quickly, instead of inside one large
// on-stack replacement of the IRLS loop (which took V8 ~150 ms to compile, the loops running unoptimized meanwhile).

/** fixest's start for Poisson: μ ← y + 0.1, η ← log μ. */
function startingValues(y: Float64Array, mu: Float64Array, eta: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    mu[i] = y[i] + 0.1;
    eta[i] = Math.log(mu[i]);
  }
}

/** w ← μ, z ← η − offset + (y − μ)/μ. */
function workingResponse(y: Float64Array, mu: Float64Array, eta: Float64Array, offset: Float64Array | undefined, w: Float64Array, z: Float64Array): void {
  const n = y.length;
  if (offset) {
    for (let i = 0; i < n; i++) {
      const m = mu[i];
      w[i] = m;
      z[i] = eta[i] - offset[i] + (y[i] - m) / m;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const m = mu[i];
      w[i] = m;
      z[i] = eta[i] + (y[i] - m) / m;
    }
  }
}

/** η ← (η + η_old)/2, μ ← exp η. */
function halveStep(eta: Float64Array, etaOld: Float64Array, mu: Float64Array): void {
  for (let i = 0; i < eta.length; i++) {
    eta[i] = 0.5 * (eta[i] + etaOld[i]);
    mu[i] = Math.exp(eta[i]);
  }
}

/** a ← a − c·x. */
function subtractScaled(a: Float64Array, x: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] -= x[i] * c;
}

/** η ← z − e + offset, μ ← exp η. */
function predictorFromResidual(z: Float64Array, e: Float64Array, offset: Float64Array | undefined, eta: Float64Array, mu: Float64Array): void {
  for (let i = 0; i < z.length; i++) {
    const et = z[i] - e[i] + (offset ? offset[i] : 0);
    eta[i] = et;
    mu[i] = Math.exp(et);
  }
}

/** a ← a·b elementwise. */
function multiplyInPlace(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] *= b[i];
}

/** out ← a − b. */
function difference(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
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

/** The fit's result, with the bread from X̃ and the variance weights w. */
function finishFit(
  p: number,
  kept: readonly boolean[],
  beta: Float64Array,
  mu: Float64Array,
  eta: Float64Array,
  xTilde: readonly Float64Array[],
  w: Float64Array,
  scoreResidual: Float64Array,
  vcovAt: VcovPoint,
  deviance: number,
  iterations: number,
  converged: boolean,
  demeanSweeps: number,
): PpmlCoreFit {
  // bread (X̃ᵀWX̃)⁻¹ with X̃ demeaned under the variance weights w
  const keptIdx: number[] = [];
  for (let j = 0; j < p; j++) if (kept[j]) keptIdx.push(j);
  const xFinal = keptIdx.map((j) => xTilde[j]);
  const q = keptIdx.length;
  const h = weightedGram(w, xFinal);
  const hc = choleskyDropCollinear(h, q, 1e-14);
  const bread = choleskyInverse(hc.l, hc.kept, q);
  const betaOut = new Float64Array(p).fill(Number.NaN);
  for (let j = 0; j < p; j++) if (kept[j]) betaOut[j] = beta[j];
  return { beta: betaOut, kept, mu, eta, xTilde: xFinal, bread, vcovWeights: w, scoreResidual, vcovAt, deviance, iterations, converged, demeanSweeps };
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
