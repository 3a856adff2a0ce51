/**
 * Sample restrictions that make the Poisson maximum-likelihood estimates exist and be identified:
 *
 * - Singletons: an observation alone in a fixed-effect group is fitted perfectly by its own fixed effect and carries
 *   no information on the coefficients; it is dropped (repeatedly, since dropping may create new singletons).
 * - Fixed-effect separation: all observations of a group with y = 0 (group sum of y is 0) would push that fixed effect
 *   to −∞; they are dropped.
 * - Separation by regressors and fixed effects together, found with the iterative rectifier of Correia, Guimarães &
 *   Zylkin (2021), "Verifying the existence of maximum likelihood estimates for generalized linear models". An
 *   observation i with y_i = 0 is separated when some linear combination z = Xγ + Dα has z_i > 0, z ≥ 0 where y = 0 and
 *   z = 0 where y > 0. The rectifier regresses u (start: 1 where y = 0) on X and the fixed effects by least squares
 *   with a very large weight on the y > 0 rows (forcing the fit to 0 there), replaces u by max(fit, 0) on the y = 0
 *   rows (values below `tol` set to 0) and repeats until u is a fixed point without negative values: a certificate.
 *   The rows where the certificate exceeds max(tol, 10⁻³ × its largest value) are separated. Smaller positive values
 *   are what remains of slowly decaying iterates and are not trusted; `estimatePpml` drops the separated rows and
 *   runs the rectifier again from u = 1 until it finds none, so a truly separated row with a small value in one round
 *   is found in a later one (dropping separated rows never makes other rows separated or not).
 *
 * All arrays are indexed by observation.
 */
import { QrLeastSquares } from "./ppml-linalg";
import { FixedEffectSolver } from "./fe-solver";
import type { FixedEffect } from "./hdfe";

/** Status of an input observation after the sample restrictions. */
export const ObsStatus = {
  kept: 0,
  /** a missing or non-finite value in the response, a regressor, the offset, a fixed effect or a cluster variable */
  missing: 1,
  singleton: 2,
  /** in a fixed-effect group whose outcomes are all zero */
  separatedFe: 3,
  /** separated by regressors and fixed effects (iterative rectifier) */
  separatedRelu: 4,
} as const;
export type ObsStatusCode = (typeof ObsStatus)[keyof typeof ObsStatus];

/**
 * Repeatedly drop observations in fixed-effect groups with zero total outcome and singletons (when
 * `dropSingletons`), until nothing changes. A singleton with y = 0 is in a zero-total group: it counts as separated. `codes[k][obs]` are level codes (any negative code = missing, must already be marked);
 * `status[obs]` is updated in place for kept observations. Returns how many were dropped for each reason.
 */
export function dropSingletonsAndFeSeparation(
  y: Float64Array,
  codes: readonly Int32Array[],
  levelCounts: readonly number[],
  status: Uint8Array,
  dropSingletons = true,
): { singletons: number; separatedFe: number } {
  let singletons = 0;
  let separatedFe = 0;
  const counts = levelCounts.map((c) => new Int32Array(c));
  const sums = levelCounts.map((c) => new Float64Array(c));
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k];
      const count = counts[k];
      const sum = sums[k];
      groupCountsAndSums(y, c, status, count, sum);
      const dropped = markDropped(c, status, count, sum, dropSingletons);
      if (dropped.separatedFe + dropped.singletons > 0) {
        separatedFe += dropped.separatedFe;
        singletons += dropped.singletons;
        changed = true;
      }
    }
  }
  return { singletons, separatedFe };
}

// the observation loops of dropSingletonsAndFeSeparation as small functions (each optimized on its own, quickly)

/** Observations kept and their outcome sum per level of one fixed effect. */
function groupCountsAndSums(y: Float64Array, c: Int32Array, status: Uint8Array, count: Int32Array, sum: Float64Array): void {
  const kept = ObsStatus.kept;
  count.fill(0);
  sum.fill(0);
  for (let i = 0; i < y.length; i++) {
    if (status[i] !== kept) continue;
    const g = c[i];
    count[g]++;
    sum[g] += y[i];
  }
}

/** Marks the kept observations of all-zero groups as separated and, if asked, those of one-observation groups as singletons. */
function markDropped(c: Int32Array, status: Uint8Array, count: Int32Array, sum: Float64Array, dropSingletons: boolean): { separatedFe: number; singletons: number } {
  const kept = ObsStatus.kept;
  let separatedFe = 0;
  let singletons = 0;
  for (let i = 0; i < c.length; i++) {
    if (status[i] !== kept) continue;
    const g = c[i];
    if (sum[g] === 0) {
      status[i] = ObsStatus.separatedFe;
      separatedFe++;
    } else if (dropSingletons && count[g] === 1) {
      status[i] = ObsStatus.singleton;
      singletons++;
    }
  }
  return { separatedFe, singletons };
}

export interface RectifierResult {
  /** [obs] 1 = separated. */
  readonly separated: Uint8Array;
  readonly count: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Demeaning sweeps spent (a sweep over a block of interleaved columns counts once). */
  readonly sweeps: number;
}

/** Demeaning tolerance of the rectifier's regressions (relative; the fit must be accurate well below `tol`). */
const DEMEAN_TOL = 1e-13;

export interface RectifierOptions {
  /** Values of the fit with |fit| below this are treated as 0 (default 1e-5, as in ppmlhdfe). */
  readonly tol?: number;
  readonly maxIter?: number;
}

/**
 * Iterative rectifier on a sample without missing values: `regressors[j][obs]` (include a column of ones when the
 * model has an intercept and no fixed effects), `fixedEffects` with dense codes on the same observations.
 */
export function detectSeparationRelu(
  y: Float64Array,
  regressors: readonly Float64Array[],
  fixedEffects: readonly FixedEffect[],
  options: RectifierOptions = {},
): RectifierResult {
  const n = y.length;
  const tol = options.tol ?? 1e-5;
  // stop only at a fixed point (u reproduced by the projection): intermediate iterates can be positive on rows that
  // the limit certificate leaves at zero
  const fixTol = 0.01 * tol;
  const tolRelative = 1e-3;
  const maxIter = options.maxIter ?? 1000;
  const separated = new Uint8Array(n);
  let zeros = 0;
  for (let i = 0; i < n; i++) if (y[i] === 0) zeros++;
  if (zeros === 0) return { separated, count: 0, iterations: 0, converged: true, sweeps: 0 };

  const bigWeight = Math.ceil(zeros / (tol * tol));
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = y[i] > 0 ? bigWeight : 1;
  const solver = new FixedEffectSolver(fixedEffects, n);
  let sweeps = 0;
  solver.setWeights(w);
  // the regressors and the first u (1 where y = 0) in one call: one pass over the observations serves all columns
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = y[i] === 0 ? 1 : 0;
  const uTilde = new Float64Array(n);
  const xTilde = regressors.map(() => new Float64Array(n));
  // slot 0 = u (warm-started from one round to the next), slots 1.. = the regressors
  const uSlot = [0];
  const firstStats = solver.solve(
    [u, ...regressors],
    [uTilde, ...xTilde],
    new Array<number>(regressors.length + 1).fill(DEMEAN_TOL),
    [0, ...regressors.map((_, j) => j + 1)],
  );
  for (const st of firstStats) sweeps = Math.max(sweeps, st.iterations);
  // weighted least squares by QR on √w-scaled columns (the normal equations are too ill-conditioned with weight K)
  const sqrtW = new Float64Array(n);
  for (let i = 0; i < n; i++) sqrtW[i] = Math.sqrt(w[i]);
  const xScaled = xTilde.map((x) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x[i] * sqrtW[i];
    return out;
  });
  const qr = new QrLeastSquares(xScaled, n, 1e-9);
  const fitScaled = new Float64Array(n);
  const uScaled = new Float64Array(n);
  const fit = new Float64Array(n);
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    if (iterations > 1) sweeps += solver.solve([u], [uTilde], [DEMEAN_TOL], uSlot)[0].iterations;
    for (let i = 0; i < n; i++) uScaled[i] = uTilde[i] * sqrtW[i];
    qr.solve(uScaled, fitScaled);
    // fit = u − (ũ − X̃β): the projection of u on regressors and fixed effects, ≈ 0 where y > 0; |fit| < tol → 0
    let negative = false;
    let change = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const f = u[i] - (uTilde[i] - fitScaled[i] / sqrtW[i]);
      fit[i] = Math.abs(f) < tol ? 0 : f;
      if (y[i] === 0) {
        if (fit[i] < 0) negative = true;
        change = Math.max(change, Math.abs(fit[i] - u[i]));
        largest = Math.max(largest, fit[i]);
      }
    }
    // Stop at a fixed point (u reproduced by its projection, no negative value): a certificate of separation.
    // Entries below tolRelative × the largest are what is left of decaying iterates and are not counted.
    if (!negative && change <= fixTol) {
      const threshold = Math.max(tol, tolRelative * largest);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] === 0 && fit[i] > threshold) {
          separated[i] = 1;
          count++;
        }
      }
      return { separated, count, iterations, converged: true, sweeps };
    }
    let nonzero = false;
    for (let i = 0; i < n; i++) {
      const ui = y[i] === 0 ? Math.max(fit[i], 0) : 0;
      u[i] = ui;
      if (ui !== 0) nonzero = true;
    }
    // u = 0 is a fixed point (its projection is 0, nothing negative): a certificate that nothing is separated
    if (!nonzero) return { separated, count: 0, iterations, converged: true, sweeps };
  }
  return { separated, count: 0, iterations, converged: false, sweeps };
}
