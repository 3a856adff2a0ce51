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
  /** Dimensions in the order of the symmetric sweep: 0, 1, …, K−1, …, 1, 0. */
  private readonly sequence: number[];
  /** Number of columns the block scratch below is sized for (grown on demand, then reused). */
  private capacity = 0;
  /** [fe][level * m + column] level sums, turned into weighted means in place. */
  private levelSum: Float64Array[] = [];
  /** [level * m + column] sums of the previous direction over the levels of the first swept dimension. */
  private dirSum = new Float64Array(0);
  /** [obs * m + column] CG state of a block of m columns: fixed-effect part, residual of the normal equations, direction, work. */
  private xBlock = new Float64Array(0);
  private rBlock = new Float64Array(0);
  private dBlock = new Float64Array(0);
  private uBlock = new Float64Array(0);
  /** [column] CG scalars and state. */
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  private rr = new Float64Array(0);
  private acc = new Float64Array(0);
  private threshold = new Float64Array(0);
  private active = new Uint8Array(0);

  constructor(fixedEffects: readonly FixedEffect[], n: number) {
    this.n = n;
    this.fixedEffects = fixedEffects;
    this.weights = new Float64Array(n).fill(1);
    this.weightSum = fixedEffects.map((fe) => new Float64Array(fe.levelCount));
    this.sequence = [];
    for (let k = 0; k < fixedEffects.length; k++) this.sequence.push(k);
    for (let k = fixedEffects.length - 2; k >= 0; k--) this.sequence.push(k);
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

  /** Size the block scratch for m columns (allocates only when m exceeds every earlier block). */
  private reserve(m: number): void {
    if (m <= this.capacity) return;
    const size = this.n * m;
    this.levelSum = this.fixedEffects.map((fe) => new Float64Array(fe.levelCount * m));
    this.dirSum = new Float64Array(this.fixedEffects[0].levelCount * m);
    this.xBlock = new Float64Array(size);
    this.rBlock = new Float64Array(size);
    this.dBlock = new Float64Array(size);
    this.uBlock = new Float64Array(size);
    this.alpha = new Float64Array(m);
    this.beta = new Float64Array(m);
    this.rr = new Float64Array(m);
    this.acc = new Float64Array(m);
    this.threshold = new Float64Array(m);
    this.active = new Uint8Array(m);
    this.capacity = m;
  }

  /** sums[level * m + c] ← sums / (weight of the level): the weighted group means of dimension k. */
  private finishMeans(k: number, m: number): Float64Array {
    const sums = this.levelSum[k];
    const sw = this.weightSum[k];
    for (let g = 0; g < sw.length; g++) {
      const s = sw[g];
      const base = g * m;
      if (s > 0) for (let c = 0; c < m; c++) sums[base + c] /= s;
      else for (let c = 0; c < m; c++) sums[base + c] = 0;
    }
    return sums;
  }

  /**
   * The inner projections of the symmetric sweep on the block u (in place): on entry the sums of the first swept
   * dimension are in levelSum; each pass subtracts the means of one dimension and gathers the sums of the next; on
   * exit u holds Q_s(m−2) … Q_s1 Q_s0 applied to the input except the last subtraction, whose means are returned.
   * With `fromDirection`, the first pass builds the direction d ← r + β d and reads it as its input.
   */
  private innerSweep(m: number, fromDirection: boolean): Float64Array {
    const n = this.n;
    const w = this.weights;
    const seq = this.sequence;
    const u = this.uBlock;
    let codes = this.fixedEffects[seq[0]].codes;
    let means = this.finishMeans(seq[0], m);
    for (let s = 1; s < seq.length; s++) {
      const nextCodes = this.fixedEffects[seq[s]].codes;
      const next = this.levelSum[seq[s]];
      next.fill(0, 0, this.fixedEffects[seq[s]].levelCount * m);
      if (s === 1 && fromDirection) {
        const r = this.rBlock;
        const d = this.dBlock;
        const beta = this.beta;
        for (let i = 0; i < n; i++) {
          const wi = w[i];
          const g = codes[i] * m;
          const h = nextCodes[i] * m;
          const o = i * m;
          for (let c = 0; c < m; c++) {
            const di = r[o + c] + beta[c] * d[o + c];
            d[o + c] = di;
            const t = di - means[g + c];
            u[o + c] = t;
            next[h + c] += wi * t;
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const wi = w[i];
          const g = codes[i] * m;
          const h = nextCodes[i] * m;
          const o = i * m;
          for (let c = 0; c < m; c++) {
            const t = u[o + c] - means[g + c];
            u[o + c] = t;
            next[h + c] += wi * t;
          }
        }
      }
      codes = nextCodes;
      means = this.finishMeans(seq[s], m);
    }
    return means;
  }

  /**
   * Residual of `v` on all fixed effects, written to `out`; `fePart` holds on entry a warm start (any vector in the
   * span of the dummies, e.g. zeros or the fixed-effect part of a previous call) and on exit v − out.
   * Stops when one more sweep would change the residual by less than `tol` × ‖v‖ (W-norms).
   */
  demean(v: Float64Array, out: Float64Array, fePart: Float64Array, tol = 1e-10, maxIter = 10_000): DemeanStats {
    return this.demeanColumns([v], [out], [fePart], [tol], maxIter)[0];
  }

  /**
   * `demean` for several columns at once (same weights): one pass over the observations serves every column, the
   * columns being interleaved in the scratch. Column c stops at its own tolerance `tols[c]`; the result of every
   * column is the one `demean` would give it alone (up to rounding). Statistics per column; the sweeps actually run
   * are the largest `iterations`.
   */
  demeanColumns(
    vs: readonly Float64Array[],
    outs: readonly Float64Array[],
    feParts: readonly Float64Array[],
    tols: ArrayLike<number>,
    maxIter = 10_000,
  ): DemeanStats[] {
    const n = this.n;
    const m = vs.length;
    const K = this.fixedEffects.length;
    const stats: DemeanStats[] = vs.map(() => ({ iterations: 0, converged: true }));
    if (m === 0) return stats;
    if (K === 0) {
      for (let c = 0; c < m; c++) {
        outs[c].set(vs[c]);
        feParts[c].fill(0);
      }
      return stats;
    }
    if (K === 1) {
      for (let c = 0; c < m; c++) this.projectOne(vs[c], outs[c], feParts[c]);
      return stats;
    }
    this.reserve(m);
    const w = this.weights;
    const { xBlock: x, rBlock: r, dBlock: d, uBlock: u, alpha, beta, rr, acc, threshold, active } = this;
    const seq = this.sequence;
    const first = seq[0];
    const firstCodes = this.fixedEffects[first].codes;
    const firstLevels = this.fixedEffects[first].levelCount;
    const lastCodes = firstCodes; // the sweep is symmetric: it ends with the dimension it starts with

    // x ← warm start, u ← v − x, sums of the first dimension, ‖v‖²
    let firstSum = this.levelSum[first];
    firstSum.fill(0, 0, firstLevels * m);
    acc.fill(0, 0, m);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      const g = firstCodes[i] * m;
      const o = i * m;
      for (let c = 0; c < m; c++) {
        const vi = vs[c][i];
        const xi = feParts[c][i];
        x[o + c] = xi;
        const t = vi - xi;
        u[o + c] = t;
        firstSum[g + c] += wi * t;
        acc[c] += wi * vi * vi;
      }
    }
    const zeroNorm: boolean[] = [];
    for (let c = 0; c < m; c++) {
      const normV = Math.sqrt(acc[c]);
      threshold[c] = tols[c] * normV;
      zeroNorm.push(normV === 0);
      active[c] = normV === 0 ? 0 : 1;
    }
    // r = A (v − x0) = (v − x0) − T (v − x0); d = r
    let means = this.innerSweep(m, false);
    acc.fill(0, 0, m);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      const g = lastCodes[i] * m;
      const o = i * m;
      for (let c = 0; c < m; c++) {
        const ri = vs[c][i] - x[o + c] - (u[o + c] - means[g + c]);
        r[o + c] = ri;
        d[o + c] = ri;
        acc[c] += wi * ri * ri;
      }
    }
    let running = 0;
    for (let c = 0; c < m; c++) {
      rr[c] = acc[c];
      if (active[c] && Math.sqrt(rr[c]) <= threshold[c]) active[c] = 0;
      if (active[c]) running++;
      beta[c] = 0;
    }
    const dirSum = this.dirSum;
    let step = 0;
    let directionBuilt = true; // d is up to date (first step) or still to be formed as r + β d in the first pass
    while (running > 0 && step < maxIter) {
      // img = A d (in u), pAp = ⟨d, A d⟩
      if (directionBuilt) {
        firstSum = this.levelSum[first];
        firstSum.fill(0, 0, firstLevels * m);
        for (let i = 0; i < n; i++) {
          const wi = w[i];
          const g = firstCodes[i] * m;
          const o = i * m;
          for (let c = 0; c < m; c++) firstSum[g + c] += wi * d[o + c];
        }
      }
      means = this.innerSweep(m, !directionBuilt);
      directionBuilt = false;
      acc.fill(0, 0, m);
      for (let i = 0; i < n; i++) {
        const wi = w[i];
        const g = lastCodes[i] * m;
        const o = i * m;
        for (let c = 0; c < m; c++) {
          const di = d[o + c];
          const img = di - (u[o + c] - means[g + c]);
          u[o + c] = img;
          acc[c] += wi * di * img;
        }
      }
      for (let c = 0; c < m; c++) {
        alpha[c] = 0;
        if (!active[c]) continue;
        const pAp = acc[c];
        if (!(pAp > 0)) {
          active[c] = 0;
          running--;
          continue;
        }
        alpha[c] = rr[c] / pAp;
      }
      if (running === 0) break;
      step++;
      // x += α d, r −= α A d, ‖r‖²; sums of r and of d over the first dimension for the next direction r + β d
      firstSum = this.levelSum[first];
      firstSum.fill(0, 0, firstLevels * m);
      dirSum.fill(0, 0, firstLevels * m);
      acc.fill(0, 0, m);
      for (let i = 0; i < n; i++) {
        const wi = w[i];
        const g = firstCodes[i] * m;
        const o = i * m;
        for (let c = 0; c < m; c++) {
          const a = alpha[c];
          const di = d[o + c];
          x[o + c] += a * di;
          const ri = r[o + c] - a * u[o + c];
          r[o + c] = ri;
          acc[c] += wi * ri * ri;
          firstSum[g + c] += wi * ri;
          dirSum[g + c] += wi * di;
        }
      }
      for (let c = 0; c < m; c++) {
        beta[c] = 0;
        if (!active[c]) continue;
        stats[c].iterations++;
        const rrNew = acc[c];
        if (Math.sqrt(rrNew) <= threshold[c]) {
          active[c] = 0;
          running--;
          continue;
        }
        beta[c] = rrNew / rr[c];
        rr[c] = rrNew;
      }
      if (running === 0) break;
      for (let g = 0; g < firstLevels; g++) {
        const base = g * m;
        for (let c = 0; c < m; c++) firstSum[base + c] += beta[c] * dirSum[base + c];
      }
    }
    for (let i = 0; i < n; i++) {
      const o = i * m;
      for (let c = 0; c < m; c++) {
        const xi = x[o + c];
        feParts[c][i] = xi;
        outs[c][i] = vs[c][i] - xi;
      }
    }
    for (let c = 0; c < m; c++) {
      stats[c].converged = !active[c];
      if (zeroNorm[c]) {
        // ‖v‖ = 0: nothing to remove
        outs[c].fill(0);
        feParts[c].fill(0);
      }
    }
    return stats;
  }

  /** One dimension: out ← v minus its weighted group means (exact), fePart ← v − out. */
  private projectOne(v: Float64Array, out: Float64Array, fePart: Float64Array): void {
    const n = this.n;
    const codes = this.fixedEffects[0].codes;
    const sw = this.weightSum[0];
    const w = this.weights;
    this.reserve(1);
    const sums = this.levelSum[0];
    sums.fill(0, 0, sw.length);
    for (let i = 0; i < n; i++) sums[codes[i]] += w[i] * v[i];
    for (let g = 0; g < sw.length; g++) sums[g] = sw[g] > 0 ? sums[g] / sw[g] : 0;
    for (let i = 0; i < n; i++) {
      out[i] = v[i] - sums[codes[i]];
      fePart[i] = v[i] - out[i];
    }
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
