/**
 * Public entry of PPML estimation with high-dimensional fixed effects.
 *
 * - `estimatePpml(spec, options)` works on arrays: outcome, named regressors, fixed effects as level codes, an
 *   optional offset and cluster variables. It is what the GE counterfactuals call (GEPPML: exporter and importer
 *   fixed effects, an offset, few or no regressors; fitted values and fixed-effect estimates out).
 * - `estimateGravity(table, formula, options)` evaluates a formula (`trade ~ log(dist) + rta | exp^year + imp^year`)
 *   on a Table and calls `estimatePpml`.
 *
 * Sample: rows with a missing value are dropped, then singletons and fixed-effect separation are removed repeatedly,
 * then the iterative rectifier removes observations separated by regressors and fixed effects together (and the
 * first two steps run again). Every dropped row is counted by reason and marked in `status`.
 */
import { CaravanError } from "../../core/errors";
import { evaluateExpr, parseFormula, type Formula } from "./formula";
import { type FixedEffect, fixedEffectParameterCount, isNestedIn, recoverFixedEffects } from "./hdfe";
import { fitPpml, type VcovPoint } from "./ppml";
import { choleskyDropCollinear, choleskyInverse, logGamma, normalTwoSidedP, weightedGram } from "./ppml-linalg";
import { detectSeparationRelu, dropSingletonsAndFeSeparation, ObsStatus } from "./separation";
import { encodeFactor, type Table } from "../io/table";
import { type ClusterVariable, computeVcov, type FixefKRule, nestedFixedEffectParameterCount, type SmallSampleRule, type VcovType } from "./vcov";

export type { FixefKRule, SmallSampleRule, VcovType } from "./vcov";
export { VCOV_POINTS, type VcovPoint } from "./ppml";
export { ObsStatus } from "./separation";

export interface PpmlSpec {
  /** [obs] outcome, ≥ 0 (NaN = missing). */
  readonly y: ArrayLike<number>;
  /** Regressors, each [obs] (NaN = missing). */
  readonly regressors?: readonly { readonly name: string; readonly values: ArrayLike<number> }[];
  /** Fixed effects as [obs] level codes ≥ 0 (negative = missing); codes need not be dense. */
  readonly fixedEffects?: readonly { readonly name: string; readonly codes: Int32Array; readonly levels?: readonly string[] }[];
  /** [obs] offset added to the linear predictor with coefficient 1 (NaN = missing). */
  readonly offset?: ArrayLike<number>;
  /** Estimate an intercept; default: only when there are no fixed effects (they absorb it). */
  readonly intercept?: boolean;
  /** Cluster variables as [obs] codes ≥ 0 (negative = missing); several = multi-way clustering. */
  readonly clusters?: readonly { readonly name: string; readonly codes: Int32Array }[];
}

export interface PpmlOptions {
  /** Default: "cluster" when cluster variables are given, otherwise "hetero". */
  readonly vcov?: VcovType;
  /** Relative deviance change that ends IRLS (default 1e-8). */
  readonly tol?: number;
  readonly maxIter?: number;
  /** Final demeaning tolerance (default 1e-11). */
  readonly demeanTol?: number;
  /** Drop singleton observations of fixed-effect groups (default true). */
  readonly dropSingletons?: boolean;
  /** Which separation checks run (default both). */
  readonly separation?: { readonly fe?: boolean; readonly relu?: boolean };
  /** Small-sample correction of the variance: "fixest" (default) or "stata" (ppmlhdfe's; see src/trade/ppml/vcov.ts). */
  readonly smallSample?: SmallSampleRule;
  /** How fixed-effect parameters count in K: "nested" (default, fixest's rule) or "exact" (see src/trade/ppml/vcov.ts). */
  readonly fixefK?: FixefKRule;
  /** Recover the fixed-effect estimates after convergence (default true). */
  readonly recoverFixedEffects?: boolean;
  /**
   * Where the variance is evaluated: "last-irls" (fixest's rule: the weights and working residuals of the last
   * weighted least-squares step) or "converged" (at the estimate μ̂, scores X̃(y − μ̂); src/trade/ppml/ppml.ts).
   * Default: each small-sample rule's program — "last-irls" with "fixest", "converged" with "stata" (ppmlhdfe's
   * published results are reproduced at the estimate).
   */
  readonly vcovAt?: VcovPoint;
}

export interface Coefficient {
  readonly name: string;
  readonly estimate: number;
  readonly se: number;
  readonly z: number;
  readonly p: number;
}

export interface FixedEffectEstimates {
  readonly name: string;
  /** [level] label (the code as a string when no labels were given). */
  readonly levels: readonly string[];
  /** [level] estimate; the first level of every dimension after the first is 0. */
  readonly values: Float64Array;
}

export interface PpmlResult {
  readonly coefficients: readonly Coefficient[];
  /** Regressors dropped as collinear (with the fixed effects or with earlier regressors). */
  readonly collinear: readonly string[];
  /** Row-major variance matrix of `coefficients` (same order). */
  readonly vcov: Float64Array;
  readonly vcovType: VcovType;
  /** Where the variance was evaluated (PpmlOptions.vcovAt). */
  readonly vcovAt: VcovPoint;
  readonly smallSample: SmallSampleRule;
  /** The rule that counted the fixed-effect parameters in K. */
  readonly fixefK: FixefKRule;
  readonly clusters: readonly { readonly name: string; readonly count: number }[];
  /** Rows given. */
  readonly rows: number;
  /** Observations used in the estimation. */
  readonly observations: number;
  readonly dropped: { readonly missing: number; readonly singletons: number; readonly separated: number; readonly separatedFe: number; readonly separatedRelu: number };
  /** [row] ObsStatus code. */
  readonly status: Uint8Array;
  /** [row] fitted mean; NaN for dropped rows. */
  readonly fitted: Float64Array;
  /** [row] linear predictor including the offset; NaN for dropped rows. */
  readonly linearPredictor: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly deviance: number;
  readonly nullDeviance: number;
  readonly logLik: number;
  readonly nullLogLik: number;
  /** 1 − logLik / nullLogLik, the null model having only an intercept (and the offset). */
  readonly pseudoR2: number;
  /** Number of parameters K used in small-sample corrections (coefficients + fixed-effect parameters counted). */
  readonly parameterCount: number;
  readonly fixedEffectParameters: number;
  /** Every fixed-effect dimension with its number of levels in the estimation sample (also without `fixedEffects`). */
  readonly fixedEffectLevels: readonly { readonly name: string; readonly levels: number }[];
  /** The fixed-effect estimates; empty when `recoverFixedEffects` is false. */
  readonly fixedEffects: readonly FixedEffectEstimates[];
  /**
   * With fixed effects: the constant Stata's ppmlhdfe reports, the μ-weighted mean of the fixed-effect sum
   * (Σ μ_i d_i / Σ μ_i with d = η − offset − Xβ), and its standard error from the design [1, X̃ + x̄] (x̄ the
   * μ-weighted means of X) under the same variance type and K. Undefined without fixed effects.
   */
  readonly constant?: { readonly estimate: number; readonly se: number };
  /** Notes on dropped rows and regressors, for display. */
  readonly messages: readonly string[];
  readonly demeanSweeps: number;
  /**
   * Why standard errors could not be computed (no residual degrees of freedom, a single cluster, a non-finite
   * variance); `se`, `z`, `p` and `vcov` are then NaN and front ends must refuse to print them as numbers.
   */
  readonly standardErrorsUnavailable?: string;
}

/** computeVcov, or the reason standard errors are not defined (E_ESTIMATION_FAILED of computeVcov). */
function vcovOrReason(input: Parameters<typeof computeVcov>[0]): ReturnType<typeof computeVcov> | string {
  try {
    return computeVcov(input);
  } catch (error) {
    if (error instanceof CaravanError && error.code === "E_ESTIMATION_FAILED") return error.message;
    throw error;
  }
}

/**
 * Dense codes 0 .. levelCount-1 of `codes` restricted to `rows`, numbered in order of first appearance; `max` is the
 * largest code (from `maxCode`). `first` is [dense code] input code.
 */
function denseCodes(codes: Int32Array, rows: Int32Array, max: number): { codes: Int32Array; levelCount: number; first: Int32Array } {
  const m = rows.length;
  const out = new Int32Array(m); // [kept obs] dense code
  if (max < 1 << 26) {
    const first = new Int32Array(Math.min(m, max + 1)); // [dense code] input code
    const lookup = new Int32Array(max + 1).fill(-1); // [input code] dense code
    let levelCount = 0;
    for (let i = 0; i < m; i++) {
      const c = codes[rows[i]];
      let d = lookup[c];
      if (d < 0) {
        d = levelCount++;
        lookup[c] = d;
        first[d] = c;
      }
      out[i] = d;
    }
    return { codes: out, levelCount, first: first.slice(0, levelCount) };
  }
  const first: number[] = [];
  const map = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const c = codes[rows[i]];
    let d = map.get(c);
    if (d === undefined) {
      d = map.size;
      map.set(c, d);
      first.push(c);
    }
    out[i] = d;
  }
  return { codes: out, levelCount: map.size, first: Int32Array.from(first) };
}

/** [kept obs] values[rows[i]], one pass without callbacks. */
function gather(values: ArrayLike<number>, rows: Int32Array): Float64Array {
  const m = rows.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = values[rows[i]];
  return out;
}

/** Integer outcomes up to this value have their log Γ(y + 1) cached. */
const LOG_FACTORIAL_CACHE = 1 << 16;

/**
 * [obs] log Γ(y + 1), computed once per row and shared by the log-likelihood and the null log-likelihood; for
 * integer y below LOG_FACTORIAL_CACHE once per distinct value (the same function, so the same bits).
 */
function logFactorials(y: Float64Array): Float64Array {
  const m = y.length;
  const out = new Float64Array(m);
  let cache: Float64Array | undefined; // [integer y] log Γ(y + 1), NaN = not yet computed
  for (let i = 0; i < m; i++) {
    const yi = y[i];
    if (yi < LOG_FACTORIAL_CACHE && Math.floor(yi) === yi) {
      cache ??= new Float64Array(LOG_FACTORIAL_CACHE).fill(Number.NaN);
      let g = cache[yi];
      if (Number.isNaN(g)) {
        g = logGamma(yi + 1);
        cache[yi] = g;
      }
      out[i] = g;
    } else {
      out[i] = logGamma(yi + 1);
    }
  }
  return out;
}

function maxCode(codes: Int32Array): number {
  let m = -1;
  for (let i = 0; i < codes.length; i++) if (codes[i] > m) m = codes[i];
  return m;
}

/** Estimate a PPML model with high-dimensional fixed effects from arrays. */
export function estimatePpml(spec: PpmlSpec, options: PpmlOptions = {}): PpmlResult {
  const n = spec.y.length;
  const regs = spec.regressors ?? [];
  const fes = spec.fixedEffects ?? [];
  const clusterSpecs = spec.clusters ?? [];
  const intercept = spec.intercept ?? fes.length === 0;
  const vcovType: VcovType = options.vcov ?? (clusterSpecs.length > 0 ? "cluster" : "hetero");
  if (vcovType === "cluster" && clusterSpecs.length === 0) {
    throw new CaravanError("E_USAGE", "clustered standard errors need at least one cluster variable");
  }
  const lengthCheck = (what: string, len: number): void => {
    if (len !== n) throw new CaravanError("E_DATA_INVALID", `${what} has ${len} rows, the outcome ${n}`);
  };
  for (const r of regs) lengthCheck(`regressor "${r.name}"`, r.values.length);
  for (const f of fes) lengthCheck(`fixed effect "${f.name}"`, f.codes.length);
  for (const c of clusterSpecs) lengthCheck(`cluster variable "${c.name}"`, c.codes.length);
  if (spec.offset) lengthCheck("offset", spec.offset.length);

  const y = Float64Array.from(spec.y);
  const status = new Uint8Array(n);
  let missing = 0;
  // one pass per column; the outcome first, so the first negative outcome is reported as before
  const missingCode = ObsStatus.missing;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi)) status[i] = missingCode;
    else if (yi < 0) {
      throw new CaravanError("E_DATA_INVALID", `the outcome must be ≥ 0 for Poisson estimation; row ${i + 1} has ${yi}`, { details: { row: i + 1 } });
    }
  }
  const markNonFinite = (values: ArrayLike<number>): void => {
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) status[i] = missingCode;
  };
  const markNegative = (codes: Int32Array): void => {
    for (let i = 0; i < n; i++) if (codes[i] < 0) status[i] = missingCode;
  };
  for (const r of regs) markNonFinite(r.values);
  if (spec.offset) markNonFinite(spec.offset);
  for (const f of fes) markNegative(f.codes);
  for (const c of clusterSpecs) markNegative(c.codes);
  for (let i = 0; i < n; i++) if (status[i] === missingCode) missing++;

  const rawCodes = fes.map((f) => f.codes);
  const rawLevelCounts = fes.map((f) => maxCode(f.codes) + 1);
  const dropSingletons = options.dropSingletons ?? true;
  const feSeparation = options.separation?.fe ?? true;
  const reluSeparation = options.separation?.relu ?? true;
  let singletons = 0;
  let separatedFe = 0;
  let separatedRelu = 0;
  const messages: string[] = [];

  const keptRows = (): Int32Array => {
    const kept = ObsStatus.kept;
    const rows = new Int32Array(n); // [kept obs] row, trimmed below
    let count = 0;
    for (let i = 0; i < n; i++) if (status[i] === kept) rows[count++] = i;
    return count === n ? rows : rows.slice(0, count);
  };
  const restrictFe = (): void => {
    if (fes.length === 0) return;
    // with FE separation disabled, only singletons are dropped: use a y that never sums to 0
    const yForCheck = feSeparation ? y : new Float64Array(n).fill(1);
    const r = dropSingletonsAndFeSeparation(yForCheck, rawCodes, rawLevelCounts, status, dropSingletons);
    singletons += r.singletons;
    separatedFe += r.separatedFe;
  };
  const buildFixedEffects = (rows: Int32Array): FixedEffect[] =>
    fes.map((f, k) => {
      const d = denseCodes(f.codes, rows, rawLevelCounts[k] - 1);
      const levels = new Array<string>(d.levelCount); // [level] label
      for (let l = 0; l < d.levelCount; l++) levels[l] = f.levels ? f.levels[d.first[l]] : String(d.first[l]);
      return { name: f.name, codes: d.codes, levelCount: d.levelCount, levels };
    });
  const buildRegressors = (rows: Int32Array): Float64Array[] => {
    const cols: Float64Array[] = [];
    if (intercept) cols.push(new Float64Array(rows.length).fill(1));
    for (const r of regs) cols.push(gather(r.values, rows));
    return cols;
  };
  // the sample as built for the separation check, reused for the fit when no row was dropped after it (the check
  // reads its inputs without changing them)
  let built: { rows: Int32Array; yk: Float64Array; regressors: Float64Array[]; fixedEffects: FixedEffect[] } | undefined;
  const build = (rows: Int32Array) => {
    if (built?.rows !== rows) built = { rows, yk: gather(y, rows), regressors: buildRegressors(rows), fixedEffects: buildFixedEffects(rows) };
    return built;
  };

  restrictFe();
  let rows = keptRows();
  if (reluSeparation) {
    for (let round = 0; round < 100; round++) {
      const b = build(rows);
      const relu = detectSeparationRelu(b.yk, b.regressors, b.fixedEffects);
      if (!relu.converged) {
        messages.push(`the separation check (iterative rectifier) did not converge after ${relu.iterations} iterations; no observation was dropped by it`);
        break;
      }
      if (relu.count === 0) break;
      for (let i = 0; i < rows.length; i++) {
        if (relu.separated[i]) status[rows[i]] = ObsStatus.separatedRelu;
      }
      separatedRelu += relu.count;
      restrictFe();
      rows = keptRows();
    }
  }
  if (missing > 0) messages.push(`${missing} observation${missing === 1 ? "" : "s"} dropped for missing values`);
  if (singletons > 0) messages.push(`${singletons} singleton observation${singletons === 1 ? "" : "s"} dropped`);
  if (separatedFe + separatedRelu > 0) {
    messages.push(
      `${separatedFe + separatedRelu} separated observation${separatedFe + separatedRelu === 1 ? "" : "s"} dropped (${separatedFe} by fixed effects alone, ${separatedRelu} by the iterative rectifier)`,
    );
  }
  if (rows.length === 0) throw new CaravanError("E_ESTIMATION_FAILED", "no observations left after dropping missing values, singletons and separated observations");

  const m = rows.length;
  const { yk, fixedEffects, regressors } = build(rows);
  const names = [...(intercept ? ["(Intercept)"] : []), ...regs.map((r) => r.name)];
  const offset = spec.offset ? gather(spec.offset, rows) : undefined;

  const fit = fitPpml({ y: yk, regressors, names, fixedEffects, offset }, {
    tol: options.tol,
    maxIter: options.maxIter,
    demeanTol: options.demeanTol,
    vcovAt: options.vcovAt ?? (options.smallSample === "stata" ? "converged" : "last-irls"),
  });
  if (!fit.converged) {
    throw new CaravanError("E_NOT_CONVERGED", `PPML did not converge in ${fit.iterations} iterations (deviance ${fit.deviance})`);
  }
  const collinear = names.filter((_, j) => !fit.kept[j]);
  if (collinear.length > 0) messages.push(`collinear regressor${collinear.length === 1 ? "" : "s"} dropped: ${collinear.join(", ")}`);
  const keptIdx = names.map((_, j) => j).filter((j) => fit.kept[j]);

  // clusters, nested fixed effects and the parameter count
  const clusters: ClusterVariable[] = clusterSpecs.map((c) => {
    const d = denseCodes(c.codes, rows, maxCode(c.codes));
    return { name: c.name, codes: d.codes, count: d.levelCount };
  });
  const nested = fixedEffects.map((fe) => vcovType === "cluster" && clusters.some((c) => isNestedIn(fe, c.codes)));
  const fixefK = options.fixefK ?? "nested";
  const fixedEffectParameters =
    fixefK === "exact"
      ? fixedEffectParameterCount(fixedEffects, nested)
      : nestedFixedEffectParameterCount(
          fixedEffects.map((fe) => fe.levelCount),
          nested,
        );
  const parameterCount = keptIdx.length + fixedEffectParameters;
  // the factor u of the scores X̃_i u_i: y − μ̂ at the estimate, or the last IRLS step's w·e (fitPpml)
  const residual = fit.scoreResidual;
  const smallSample = options.smallSample ?? "fixest";
  const vOrReason = vcovOrReason({ design: fit.xTilde, bread: fit.bread, residual, n: m, parameterCount, type: vcovType, clusters, smallSample });
  const seReason = typeof vOrReason === "string" ? vOrReason : undefined;
  const v = typeof vOrReason === "string" ? { matrix: new Float64Array(fit.xTilde.length ** 2).fill(Number.NaN), clipped: 0 } : vOrReason;
  if (v.clipped > 0) messages.push(`the multi-way clustered variance matrix had ${v.clipped} negative eigenvalue(s), set to 0`);
  const q = keptIdx.length;
  const coefficients: Coefficient[] = keptIdx.map((j, a) => {
    const estimate = fit.beta[j];
    const se = Math.sqrt(v.matrix[a * q + a]);
    const z = estimate / se;
    return { name: names[j], estimate, se, z, p: normalTwoSidedP(z) };
  });

  // fit statistics
  const mu = fit.mu;
  const logFact = logFactorials(yk); // [kept obs] log Γ(y + 1)
  const logLik = poissonLogLik(yk, mu, logFact);
  const ySum = sumOf(yk);
  const { nullLogLik, nullDeviance } = nullModelFit(yk, offset, ySum, logFact);

  // fixed-effect sum per observation, estimates and the Stata-style constant
  let fixedEffectEstimates: FixedEffectEstimates[] = [];
  let constant: { estimate: number; se: number } | undefined;
  if (fixedEffects.length > 0) {
    // column by column; every element gets the same operations in the same order as a row-wise sum
    const feSum = new Float64Array(m); // [kept obs] η − offset − Xβ
    const eta = fit.eta;
    if (offset) for (let i = 0; i < m; i++) feSum[i] = eta[i] - offset[i];
    else feSum.set(eta);
    for (const j of keptIdx) subtractScaled(feSum, regressors[j], fit.beta[j]);
    if (options.recoverFixedEffects ?? true) {
      const rec = recoverFixedEffects(fixedEffects, feSum);
      fixedEffectEstimates = fixedEffects.map((fe, k) => ({ name: fe.name, levels: fe.levels ?? [], values: rec.values[k] }));
    }
    constant = stataConstant(seReason !== undefined, fit.mu, fit.vcovWeights, feSum, keptIdx.map((j) => regressors[j]), fit.xTilde, residual, parameterCount, vcovType, clusters, smallSample);
  }

  const fitted = new Float64Array(n).fill(Number.NaN);
  const linearPredictor = new Float64Array(n).fill(Number.NaN);
  scatterRows(fit.mu, rows, fitted);
  scatterRows(fit.eta, rows, linearPredictor);
  return {
    coefficients,
    collinear,
    vcov: v.matrix,
    vcovType,
    vcovAt: fit.vcovAt,
    smallSample,
    fixefK,
    clusters: clusters.map((c) => ({ name: c.name, count: c.count })),
    rows: n,
    observations: m,
    dropped: { missing, singletons, separated: separatedFe + separatedRelu, separatedFe, separatedRelu },
    status,
    fitted,
    linearPredictor,
    iterations: fit.iterations,
    converged: fit.converged,
    deviance: fit.deviance,
    nullDeviance,
    logLik,
    nullLogLik,
    pseudoR2: 1 - logLik / nullLogLik,
    parameterCount,
    fixedEffectParameters,
    fixedEffectLevels: fixedEffects.map((fe) => ({ name: fe.name, levels: fe.levelCount })),
    fixedEffects: fixedEffectEstimates,
    constant,
    messages,
    demeanSweeps: fit.demeanSweeps,
    ...(seReason === undefined ? {} : { standardErrorsUnavailable: seReason }),
  };
}

/** Σ [y log μ − μ − log Γ(y + 1)]. */
function poissonLogLik(y: Float64Array, mu: Float64Array, logFact: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i];
    s += (yi > 0 ? yi * Math.log(mu[i]) : 0) - mu[i] - logFact[i];
  }
  return s;
}

/** Log-likelihood and deviance of the null model: an intercept (and the offset), μ0_i ∝ exp(offset_i), Σ μ0 = Σ y. */
function nullModelFit(y: Float64Array, offset: Float64Array | undefined, ySum: number, logFact: Float64Array): { nullLogLik: number; nullDeviance: number } {
  const m = y.length;
  const expOffset = offset ? new Float64Array(m) : undefined; // [kept obs] exp(offset)
  let expOffSum = 0;
  if (offset && expOffset) {
    for (let i = 0; i < m; i++) {
      expOffset[i] = Math.exp(offset[i]);
      expOffSum += expOffset[i];
    }
  } else {
    for (let i = 0; i < m; i++) expOffSum += 1;
  }
  let nullLogLik = 0;
  let nullDeviance = 0;
  for (let i = 0; i < m; i++) {
    const yi = y[i];
    const mu0 = ((expOffset ? expOffset[i] : 1) * ySum) / expOffSum;
    nullLogLik += (yi > 0 ? yi * Math.log(mu0) : 0) - mu0 - logFact[i];
    nullDeviance += 2 * (yi > 0 ? yi * Math.log(yi / mu0) - (yi - mu0) : mu0);
  }
  return { nullLogLik, nullDeviance };
}

/** a ← a − c·x. */
function subtractScaled(a: Float64Array, x: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] -= x[i] * c;
}

/** out[rows[i]] ← values[i]. */
function scatterRows(values: Float64Array, rows: Int32Array, out: Float64Array): void {
  for (let i = 0; i < rows.length; i++) out[rows[i]] = values[i];
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** out ← a + c. */
function addConstant(a: Float64Array, c: number, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + c;
}

/**
 * The constant as Stata's ppmlhdfe reports it: the μ̂-weighted mean of the fixed-effect sum, its standard error from
 * the design [1, X̃ + weighted mean of X] under the variance weights `weights` with the score factor `residual`.
 */
function stataConstant(
  skipSe: boolean,
  mu: Float64Array,
  weights: Float64Array,
  feSum: Float64Array,
  xRaw: readonly Float64Array[],
  xTilde: readonly Float64Array[],
  residual: Float64Array,
  parameterCount: number,
  type: VcovType,
  clusters: readonly ClusterVariable[],
  smallSample: SmallSampleRule,
): { estimate: number; se: number } {
  const m = mu.length;
  const sw = sumOf(mu);
  const c = dot(mu, feSum);
  const swv = sumOf(weights);
  const design: Float64Array[] = [new Float64Array(m).fill(1)];
  for (let j = 0; j < xRaw.length; j++) {
    const mean = dot(weights, xRaw[j]) / swv;
    const col = new Float64Array(m);
    addConstant(xTilde[j], mean, col);
    design.push(col);
  }
  const q = design.length;
  // H = Σ weights_i d_i d_iᵀ, entry by entry (small functions, optimized quickly), terms in observation order
  const h = weightedGram(weights, design);
  const hc = choleskyDropCollinear(h, q, 1e-14);
  const bread = choleskyInverse(hc.l, hc.kept, q);
  if (skipSe) return { estimate: c / sw, se: Number.NaN };
  const v = vcovOrReason({ design, bread, residual, n: m, parameterCount, type, clusters, smallSample });
  return { estimate: c / sw, se: typeof v === "string" ? Number.NaN : Math.sqrt(v.matrix[0]) };
}

export interface GravityOptions extends PpmlOptions {
  /** Cluster variables: column names or interactions (`exporter^importer`). */
  readonly cluster?: readonly string[];
  /** Column holding an offset (added with coefficient 1). */
  readonly offset?: string;
}

export interface GravityResult extends PpmlResult {
  readonly formula: Formula;
  readonly source: string;
}

/** Estimate `formula` on `table` (see src/trade/ppml/formula.ts for the syntax). */
export function estimateGravity(table: Table, formulaText: string, options: GravityOptions = {}): GravityResult {
  const formula = parseFormula(formulaText);
  const checkColumn = (name: string): void => {
    if (!table.has(name)) table.column(name); // throws E_DATA_INVALID with suggestions
  };
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (error) {
      if (error instanceof CaravanError && error.code === "E_DATA_INVALID" && (error.details as { column?: string } | undefined)?.column !== undefined) {
        throw new CaravanError("E_FORMULA_INVALID", `formula "${formulaText}": ${error.message}`, { didYouMean: error.didYouMean, details: error.details, cause: error });
      }
      throw error;
    }
  };
  const y = wrap(() => evaluateExpr(formula.response.expr, table));
  const regressors = wrap(() => formula.regressors.map((r) => ({ name: r.label, values: evaluateExpr(r.expr, table) })));
  const fixedEffects = wrap(() =>
    formula.fixedEffects.map((parts) => {
      for (const p of parts) checkColumn(p);
      const f = encodeFactor(table, parts);
      return { name: f.name, codes: f.codes, levels: f.levels };
    }),
  );
  const clusters = (options.cluster ?? []).map((c) => {
    const parts = c.split("^").map((s) => s.trim());
    for (const p of parts) {
      if (!table.has(p)) table.column(p);
    }
    const f = encodeFactor(table, parts);
    return { name: f.name, codes: f.codes };
  });
  const offset = options.offset !== undefined ? table.numeric(options.offset) : undefined;
  const result = estimatePpml({ y, regressors, fixedEffects, offset, intercept: formula.intercept, clusters }, options);
  return { ...result, formula, source: table.source };
}
