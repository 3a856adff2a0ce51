/**
 * Variance–covariance of PPML estimates: V = c · B M B with bread B = (X̃ᵀWX̃)⁻¹ (W = diag μ, X̃ the regressors with
 * the fixed effects partialled out) and a meat M that depends on the type:
 *
 * - iid:     V = c · B, the inverse Hessian (Poisson variance = mean), c = (n − 1)/(n − K);
 * - hetero:  M = Σ_i s_i s_iᵀ with scores s_i = X̃_i (y_i − μ_i), c = n/(n − K)
 *            (= (n − 1)/(n − K) · n/(n − 1), as fixest; equal to Stata's robust N/(N − K));
 * - cluster: M = Σ_g S_g S_gᵀ with S_g the sum of scores in cluster g, c = G/(G − 1) · (n − 1)/(n − K);
 *            multi-way (Cameron, Gelbach & Miller 2011): V = Σ over non-empty subsets S of the cluster variables of
 *            (−1)^(|S|+1) · V_(intersection of S), every term with the same G = the smallest number of clusters
 *            (fixest's cluster.df = "min"); negative eigenvalues of the sum are set to 0.
 *
 * K = number of estimated coefficients + number of fixed-effect parameters, counted by one of two rules
 * (`FixefKRule`, docs/trade-estimation.md):
 *
 * - "nested" (default; fixest's ssc(fixef.K = "nested", fixef.force_exact = FALSE)): Σ levels − (Q − 1) for Q
 *   fixed-effect dimensions, i.e. one redundancy per extra dimension whatever the data; with clustering, every
 *   dimension nested in a cluster variable keeps 1 of its levels (Σ over nested dimensions of levels − 1 is taken
 *   off), all dimensions nested leave 1 parameter, and K is at least coefficients + 1 (fixest's VCOV.R rules);
 * - "exact": the redundancies found in the data (`fixedEffectParameterCount` of src/trade/ppml/hdfe.ts: connected
 *   components of the first two dimensions, one per further dimension), the levels of a dimension nested in a
 *   cluster variable not counted at all.
 */
import { CaravanError } from "../../core/errors";
import { clipNegativeEigenvalues, sandwich } from "./ppml-linalg";

export type VcovType = "iid" | "hetero" | "cluster";

/**
 * Small-sample correction rule: "fixest" (default, fixest's ssc() defaults, as above) or "stata" (Stata's
 * ppmlhdfe / poisson: iid none, hetero n/(n − 1), cluster G/(G − 1); no K).
 */
export type SmallSampleRule = "fixest" | "stata";

/** How fixed-effect parameters enter K: fixest's default "nested" count or the "exact" count of redundancies. */
export type FixefKRule = "nested" | "exact";

export const FIXEF_K_RULES: readonly FixefKRule[] = ["nested", "exact"];

/**
 * Fixed-effect parameters under fixest's default rule (fixef.K = "nested" without fixef.force_exact), given the
 * level counts of the Q dimensions and which of them are nested in a cluster variable (clustered variances only):
 * Σ L − (Q − 1); minus Σ (L_k − 1) over nested dimensions; 1 when every dimension is nested; at least 1 once any
 * dimension is nested (fixest's K ≥ coefficients + 1).
 */
export function nestedFixedEffectParameterCount(levels: readonly number[], nested: readonly boolean[]): number {
  const q = levels.length;
  if (q === 0) return 0;
  let total = 0;
  for (const l of levels) total += l;
  const full = total - (q - 1);
  const nestedCount = nested.filter(Boolean).length;
  if (nestedCount === 0) return full;
  if (nestedCount === q) return 1;
  let removed = 0;
  for (let k = 0; k < q; k++) if (nested[k] && levels[k] > 0) removed += levels[k] - 1;
  // fixest: K = max(K, coefficients + 1)
  return Math.max(full - removed, 1);
}

export interface ClusterVariable {
  readonly name: string;
  /** [obs] dense cluster code. */
  readonly codes: Int32Array;
  readonly count: number;
}

export interface VcovInput {
  /** [regressor][obs] demeaned regressors (the design the bread was computed from). */
  readonly design: readonly Float64Array[];
  /** Row-major q × q bread. */
  readonly bread: Float64Array;
  /** [obs] y − μ. */
  readonly residual: Float64Array;
  readonly n: number;
  /** Number of parameters K for the (n − 1)/(n − K) factor. */
  readonly parameterCount: number;
  readonly type: VcovType;
  readonly clusters?: readonly ClusterVariable[];
  readonly smallSample?: SmallSampleRule;
}

export interface VcovResult {
  readonly matrix: Float64Array;
  /** The scalar c applied (for the record). */
  readonly factor: number;
  /** Negative eigenvalues clipped (multi-way clustering only). */
  readonly clipped: number;
}

function clusterMeat(design: readonly Float64Array[], residual: Float64Array, codes: Int32Array, count: number): Float64Array {
  const q = design.length;
  const n = residual.length;
  const s = new Float64Array(count * q); // [cluster * q + regressor] score sums
  for (let j = 0; j < q; j++) {
    const x = design[j];
    for (let i = 0; i < n; i++) s[codes[i] * q + j] += x[i] * residual[i];
  }
  const m = new Float64Array(q * q);
  for (let g = 0; g < count; g++) {
    for (let a = 0; a < q; a++) {
      const sa = s[g * q + a];
      if (sa === 0) continue;
      for (let b = 0; b < q; b++) m[a * q + b] += sa * s[g * q + b];
    }
  }
  return m;
}

function heteroMeat(design: readonly Float64Array[], residual: Float64Array): Float64Array {
  const q = design.length;
  const n = residual.length;
  const m = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      const xa = design[a];
      const xb = design[b];
      for (let i = 0; i < n; i++) {
        const e = residual[i];
        s += xa[i] * xb[i] * e * e;
      }
      m[a * q + b] = s;
      m[b * q + a] = s;
    }
  }
  return m;
}

/** Dense codes of the intersection of several cluster variables (one level per observed combination). */
export function intersectClusters(vars: readonly ClusterVariable[]): ClusterVariable {
  let codes = vars[0].codes;
  let count = vars[0].count;
  for (let v = 1; v < vars.length; v++) {
    const next = new Int32Array(codes.length);
    const index = new Map<number, number>();
    const other = vars[v];
    for (let i = 0; i < codes.length; i++) {
      const key = codes[i] * other.count + other.codes[i];
      let c = index.get(key);
      if (c === undefined) {
        c = index.size;
        index.set(key, c);
      }
      next[i] = c;
    }
    codes = next;
    count = index.size;
  }
  return { name: vars.map((v) => v.name).join("^"), codes, count };
}

/**
 * The variance–covariance matrix of the coefficients. Degenerate cases are refused with E_ESTIMATION_FAILED rather
 * than reported as Infinity or NaN: no residual degrees of freedom (n ≤ K where the correction divides by n − K),
 * fewer than 2 clusters, or a matrix with a non-finite variance.
 */
export function computeVcov(input: VcovInput): VcovResult {
  const result = computeVcovUnchecked(input);
  const q = input.design.length;
  for (let j = 0; j < q; j++) {
    const v = result.matrix[j * q + j];
    if (!Number.isFinite(v)) {
      throw new CaravanError("E_ESTIMATION_FAILED", `the ${input.type} variance of coefficient ${j + 1} is not finite (${v}); standard errors are not available for this model and data`, {
        details: { vcov: input.type, n: input.n, parameters: input.parameterCount },
      });
    }
  }
  return result;
}

function computeVcovUnchecked(input: VcovInput): VcovResult {
  const { design, bread, residual, n, parameterCount, type } = input;
  const q = design.length;
  const stata = input.smallSample === "stata";
  const dividesByResidualDf = !stata || type === "cluster";
  if ((dividesByResidualDf && n <= parameterCount) || n <= 1) {
    throw new CaravanError(
      "E_ESTIMATION_FAILED",
      `no residual degrees of freedom: ${n} observations for ${parameterCount} parameters (coefficients and fixed effects); standard errors are not defined — use more data or fewer regressors / fixed effects`,
      { details: { n, parameters: parameterCount, vcov: type } },
    );
  }
  const adj = stata ? 1 : (n - 1) / (n - parameterCount);
  if (type === "iid") {
    return { matrix: bread.map((v) => v * adj), factor: adj, clipped: 0 };
  }
  if (type === "hetero") {
    const factor = stata ? n / (n - 1) : n / (n - parameterCount);
    return { matrix: sandwich(bread, heteroMeat(design, residual), q).map((v) => v * factor), factor, clipped: 0 };
  }
  const clusters = input.clusters ?? [];
  if (clusters.length === 0) throw new RangeError("computeVcov: cluster type without cluster variables");
  const gMin = Math.min(...clusters.map((c) => c.count));
  if (gMin < 2) {
    const one = clusters.find((c) => c.count === gMin);
    throw new CaravanError("E_ESTIMATION_FAILED", `cluster variable "${one?.name}" has ${gMin} cluster(s) in the estimation sample; clustered standard errors need at least 2 (use --vcov hetero)`, {
      details: { cluster: one?.name, clusters: gMin },
    });
  }
  const factor = (gMin / (gMin - 1)) * adj;
  const meat = new Float64Array(q * q);
  const m = clusters.length;
  for (let mask = 1; mask < 1 << m; mask++) {
    const members = clusters.filter((_, k) => (mask >> k) & 1);
    const sign = members.length % 2 === 1 ? 1 : -1;
    const inter = members.length === 1 ? members[0] : intersectClusters(members);
    const part = clusterMeat(design, residual, inter.codes, inter.count);
    for (let i = 0; i < q * q; i++) meat[i] += sign * part[i];
  }
  let matrix: Float64Array = sandwich(bread, meat, q).map((v) => v * factor);
  let clipped = 0;
  if (m > 1) {
    const fixed = clipNegativeEigenvalues(matrix, q);
    matrix = fixed.matrix;
    clipped = fixed.clipped;
  }
  return { matrix, factor, clipped };
}
