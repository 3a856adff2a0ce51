/**
 * High-dimensional fixed effects: weighted demeaning (partialling out any number of fixed-effect dimensions) by
 * alternating projections accelerated with conjugate gradients, the number of fixed-effect parameters, and the
 * recovery of fixed-effect estimates from a fitted linear predictor.
 *
 * Method. Let P_k be the W-orthogonal projection on the dummies of dimension k (replace each value by its weighted
 * group mean) and Q_k = I − P_k. The method of alternating projections (MAP) iterates the symmetric sweep
 * T = Q_1 Q_2 … Q_K … Q_2 Q_1 and converges to M v, the residual of v on all dummies. Writing the fixed-effect part
 * x = v − M v, x is the solution in the span of the dummies of (I − T) x = (I − T) v, a W-symmetric positive
 * semi-definite system solved by conjugate gradients (as reghdfe / ppmlhdfe do, Correia 2017). Each CG step costs
 * one sweep; a previous fixed-effect part is a valid warm start (the IRLS loop passes the one of its last iteration).
 * One dimension needs no iteration (a single projection is exact).
 *
 * Data layout: every fixed effect is an Int32Array of dense level codes indexed by observation; weights, vectors and
 * scratch are Float64Arrays indexed by observation; per-level sums are Float64Arrays indexed by level. A demeaner
 * owns its scratch and allocates nothing per call.
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

export interface DemeanStats {
  /** Conjugate-gradient steps (sweeps) used; 0 for one dimension. */
  iterations: number;
  converged: boolean;
}

export class WeightedDemeaner {
  readonly n: number;
  readonly fixedEffects: readonly FixedEffect[];
  private weights: Float64Array; // [obs]
  /** [fe][level] sum of weights. */
  private readonly weightSum: Float64Array[];
  /** [fe][level] scratch sums. */
  private readonly levelSum: Float64Array[];
  /** [obs] CG scratch: fixed-effect part, residual of the normal equations, direction, operator image. */
  private readonly r: Float64Array;
  private readonly dir: Float64Array;
  private readonly img: Float64Array;
  /** Dimensions in the order of the symmetric sweep: 0, 1, …, K−1, …, 1, 0. */
  private readonly sequence: number[];

  constructor(fixedEffects: readonly FixedEffect[], n: number) {
    this.n = n;
    this.fixedEffects = fixedEffects;
    this.weights = new Float64Array(n).fill(1);
    this.weightSum = fixedEffects.map((fe) => new Float64Array(fe.levelCount));
    this.levelSum = fixedEffects.map((fe) => new Float64Array(fe.levelCount));
    const iterative = fixedEffects.length >= 2;
    this.sequence = [];
    for (let k = 0; k < fixedEffects.length; k++) this.sequence.push(k);
    for (let k = fixedEffects.length - 2; k >= 0; k--) this.sequence.push(k);
    this.r = new Float64Array(iterative ? n : 0);
    this.dir = new Float64Array(iterative ? n : 0);
    this.img = new Float64Array(iterative ? n : 0);
    this.setWeights(this.weights);
  }

  /** Use these weights (≥ 0, [obs]) for the following calls; the array is read, not copied. */
  setWeights(weights: Float64Array): void {
    this.weights = weights;
    for (let k = 0; k < this.fixedEffects.length; k++) {
      const codes = this.fixedEffects[k].codes;
      const sw = this.weightSum[k];
      sw.fill(0);
      for (let i = 0; i < this.n; i++) sw[codes[i]] += weights[i];
    }
  }

  /** In place: v ← Q_k v (subtract weighted group means of dimension k). */
  private project(k: number, v: Float64Array): void {
    const codes = this.fixedEffects[k].codes;
    const sw = this.weightSum[k];
    const sums = this.levelSum[k];
    const w = this.weights;
    const n = this.n;
    sums.fill(0);
    for (let i = 0; i < n; i++) sums[codes[i]] += w[i] * v[i];
    for (let g = 0; g < sums.length; g++) sums[g] = sw[g] > 0 ? sums[g] / sw[g] : 0;
    for (let i = 0; i < n; i++) v[i] -= sums[codes[i]];
  }

  /** sums[g] ← Σ w v over group g of dimension k, divided by the group weight (the weighted group means). */
  private groupMeansFinish(k: number): Float64Array {
    const sums = this.levelSum[k];
    const sw = this.weightSum[k];
    for (let g = 0; g < sums.length; g++) sums[g] = sw[g] > 0 ? sums[g] / sw[g] : 0;
    return sums;
  }

  /**
   * out ← (I − T) src with T the symmetric sweep Q_s1 … Q_sm (s = 0, 1, …, K−1, …, 1, 0); returns ⟨dir, out⟩_W
   * when `dir` is given. The gather of one projection and the scatter of the next share a pass over the data.
   */
  private applyA(src: Float64Array, out: Float64Array, dir?: Float64Array): number {
    const n = this.n;
    const w = this.weights;
    const seq = this.sequence;
    let codes = this.fixedEffects[seq[0]].codes;
    let sums = this.levelSum[seq[0]];
    sums.fill(0);
    for (let i = 0; i < n; i++) sums[codes[i]] += w[i] * src[i];
    let means = this.groupMeansFinish(seq[0]);
    let input = src;
    for (let s = 1; s < seq.length; s++) {
      const nextCodes = this.fixedEffects[seq[s]].codes;
      const nextSums = this.levelSum[seq[s]];
      nextSums.fill(0);
      for (let i = 0; i < n; i++) {
        const t = input[i] - means[codes[i]];
        out[i] = t;
        nextSums[nextCodes[i]] += w[i] * t;
      }
      input = out;
      codes = nextCodes;
      sums = nextSums;
      means = this.groupMeansFinish(seq[s]);
    }
    let dot = 0;
    if (dir) {
      for (let i = 0; i < n; i++) {
        const a = src[i] - (input[i] - means[codes[i]]);
        out[i] = a;
        dot += w[i] * dir[i] * a;
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = src[i] - (input[i] - means[codes[i]]);
    }
    return dot;
  }

  private dotW(a: Float64Array, b: Float64Array): number {
    const w = this.weights;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += w[i] * a[i] * b[i];
    return s;
  }

  /**
   * Residual of `v` on all fixed effects, written to `out`; `fePart` holds on entry a warm start (any vector in the
   * span of the dummies, e.g. zeros or the fixed-effect part of a previous call) and on exit v − out.
   * Stops when one more sweep would change the residual by less than `tol` × ‖v‖ (W-norms).
   */
  demean(v: Float64Array, out: Float64Array, fePart: Float64Array, tol = 1e-10, maxIter = 10_000): DemeanStats {
    const n = this.n;
    const K = this.fixedEffects.length;
    if (K === 0) {
      out.set(v);
      fePart.fill(0);
      return { iterations: 0, converged: true };
    }
    if (K === 1) {
      out.set(v);
      this.project(0, out);
      for (let i = 0; i < n; i++) fePart[i] = v[i] - out[i];
      return { iterations: 0, converged: true };
    }
    const { r, dir, img } = this;
    const normV = Math.sqrt(this.dotW(v, v));
    if (normV === 0) {
      out.fill(0);
      fePart.fill(0);
      return { iterations: 0, converged: true };
    }
    const threshold = tol * normV;
    // r = A (v − x0)
    for (let i = 0; i < n; i++) out[i] = v[i] - fePart[i];
    this.applyA(out, r);
    let rr = this.dotW(r, r);
    let iterations = 0;
    let converged = Math.sqrt(rr) <= threshold;
    dir.set(r);
    while (!converged && iterations < maxIter) {
      const pAp = this.applyA(dir, img, dir);
      if (!(pAp > 0)) {
        converged = true;
        break;
      }
      const alpha = rr / pAp;
      const w = this.weights;
      let rrNew = 0;
      for (let i = 0; i < n; i++) {
        fePart[i] += alpha * dir[i];
        const ri = r[i] - alpha * img[i];
        r[i] = ri;
        rrNew += w[i] * ri * ri;
      }
      iterations++;
      if (Math.sqrt(rrNew) <= threshold) {
        converged = true;
        break;
      }
      const beta = rrNew / rr;
      rr = rrNew;
      for (let i = 0; i < n; i++) dir[i] = r[i] + beta * dir[i];
    }
    for (let i = 0; i < n; i++) out[i] = v[i] - fePart[i];
    return { iterations, converged };
  }
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
 * rank(D) − Σ(levels of fixed effects nested in a cluster variable), where rank(D) = Σ levels − redundancies,
 * redundancies exact for the first two dimensions (connected components of their bipartite graph) and one for each
 * further dimension (the rule fixest and reghdfe use unless asked for an exact count).
 */
export function fixedEffectParameterCount(fixedEffects: readonly FixedEffect[], nested: readonly boolean[] = []): number {
  const K = fixedEffects.length;
  if (K === 0) return 0;
  let total = 0;
  for (const fe of fixedEffects) total += fe.levelCount;
  let redundancies = K === 1 ? 1 : connectedComponents(fixedEffects[0], fixedEffects[1]) + (K - 2);
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
