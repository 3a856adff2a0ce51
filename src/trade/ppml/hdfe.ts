/**
 * High-dimensional fixed effects: the fixed-effect type (dense level codes per observation), the number of
 * fixed-effect parameters counted in small-sample corrections, and the recovery of fixed-effect estimates from a
 * fitted linear predictor. The weighted residuals on the fixed effects (demeaning) are computed by
 * `FixedEffectSolver` (src/trade/ppml/fe-solver.ts).
 */

export interface FixedEffect {
  /** Display name, e.g. `exporter^year`. */
  readonly name: string;
  /** [obs] level 0 .. levelCount-1 (every level has at least one observation). */
  readonly codes: Int32Array;
  readonly levelCount: number;
  /** [level] label, when known. */
  readonly levels?: readonly string[];
}

/** Number of connected components of the bipartite graph linking the levels of two fixed effects through observations. */
export function connectedComponents(a: FixedEffect, b: FixedEffect): number {
  const parent = new Int32Array(a.levelCount + b.levelCount);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  let components = parent.length;
  for (let i = 0; i < a.codes.length; i++) {
    const ra = find(a.codes[i]);
    const rb = find(a.levelCount + b.codes[i]);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  return components;
}

/** Whether every level of `fe` lies within a single cluster (the fixed effect is nested in the cluster variable). */
export function isNestedIn(fe: FixedEffect, cluster: Int32Array): boolean {
  const owner = new Int32Array(fe.levelCount).fill(-1);
  for (let i = 0; i < fe.codes.length; i++) {
    const g = fe.codes[i];
    if (owner[g] < 0) owner[g] = cluster[i];
    else if (owner[g] !== cluster[i]) return false;
  }
  return true;
}

/**
 * Number of fixed-effect parameters counted in small-sample corrections:
 * rank(D) − Σ(levels of fixed effects nested in a cluster variable), where rank(D) = Σ levels − redundancies:
 * none for a single dimension (its dummies are linearly independent, rank = levels), exact for the first two
 * dimensions (connected components of their bipartite graph) and one for each further dimension.
 */
export function fixedEffectParameterCount(fixedEffects: readonly FixedEffect[], nested: readonly boolean[] = []): number {
  const K = fixedEffects.length;
  if (K === 0) return 0;
  let total = 0;
  for (const fe of fixedEffects) total += fe.levelCount;
  let redundancies = K === 1 ? 0 : connectedComponents(fixedEffects[0], fixedEffects[1]) + (K - 2);
  let nestedLevels = 0;
  for (let k = 0; k < K; k++) if (nested[k]) nestedLevels += fixedEffects[k].levelCount;
  if (nestedLevels > 0) redundancies = Math.min(redundancies, total - nestedLevels);
  return Math.max(0, total - redundancies - nestedLevels);
}

/**
 * Fixed-effect estimates from their sum per observation (`feSum[obs]` = linear predictor − offset − Xβ): Gauss–Seidel
 * sweeps until the largest residual is below `tol` (relative to the largest |feSum|). Normalisation: the first level of
 * every dimension after the first is 0 (where dimensions are not connected the split is one of many valid ones; the
 * sums are always exact to `tol`).
 */
export function recoverFixedEffects(
  fixedEffects: readonly FixedEffect[],
  feSum: Float64Array,
  tol = 1e-10,
  maxSweeps = 100_000,
): { values: Float64Array[]; sweeps: number; maxResidual: number } {
  const n = feSum.length;
  const K = fixedEffects.length;
  const values = fixedEffects.map((fe) => new Float64Array(fe.levelCount));
  if (K === 0) return { values, sweeps: 0, maxResidual: 0 };
  const residual = Float64Array.from(feSum);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(feSum[i]));
  const counts = fixedEffects.map((fe) => {
    const c = new Float64Array(fe.levelCount);
    for (let i = 0; i < n; i++) c[fe.codes[i]]++;
    return c;
  });
  const sums = fixedEffects.map((fe) => new Float64Array(fe.levelCount));
  let sweeps = 0;
  let maxResidual = Number.POSITIVE_INFINITY;
  while (sweeps < maxSweeps) {
    for (let k = 0; k < K; k++) {
      const { codes } = fixedEffects[k];
      const s = sums[k];
      s.fill(0);
      for (let i = 0; i < n; i++) s[codes[i]] += residual[i];
      for (let g = 0; g < s.length; g++) s[g] /= counts[k][g];
      for (let g = 0; g < s.length; g++) values[k][g] += s[g];
      for (let i = 0; i < n; i++) residual[i] -= s[codes[i]];
    }
    sweeps++;
    maxResidual = 0;
    for (let i = 0; i < n; i++) maxResidual = Math.max(maxResidual, Math.abs(residual[i]));
    if (K === 1 || maxResidual <= tol * Math.max(scale, 1)) break;
  }
  for (let k = 1; k < K; k++) {
    const shift = values[k][0];
    for (let g = 0; g < values[k].length; g++) values[k][g] -= shift;
    for (let g = 0; g < values[0].length; g++) values[0][g] += shift;
  }
  return { values, sweeps, maxResidual };
}
