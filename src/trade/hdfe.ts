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
 * Data layout: every fixed effect is an Int32Array of dense level codes indexed by observation; weights and vectors
 * are Float64Arrays indexed by observation. Several columns demeaned under the same weights (the working response
 * and the regressors of one IRLS iteration) are interleaved in blocks of four (`[obs * 4 + column]`, level sums
 * `[level * 4 + column]`): a pass then reads the codes and weights once for four columns, and the kernels are
 * unrolled by hand. A CG step is 2K passes over the observations (K dimensions): the direction update rides on the
 * first projection, the update of x and r gathers the next step's first sums. A demeaner owns its scratch (allocated
 * on first use, then reused) and allocates no observation-sized array per call.
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

/** Columns interleaved in a block (`[obs * DEMEAN_BLOCK + column]`); wider requests are split into blocks of this size. */
export const DEMEAN_BLOCK = 4;

export class WeightedDemeaner {
  readonly n: number;
  readonly fixedEffects: readonly FixedEffect[];
  private weights: Float64Array; // [obs]
  /** [fe][level] sum of weights. */
  private readonly weightSum: Float64Array[];
  /** Dimensions in the order of the symmetric sweep: 0, 1, …, K−1, …, 1, 0. */
  private readonly sequence: number[];
  /** Scratch for one column (stride 1) and for blocks of DEMEAN_BLOCK columns, allocated on first use and then reused. */
  private single?: CgScratch;
  private block?: CgScratch;

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

  /**
   * Residual of `v` on all fixed effects, written to `out`; `fePart` holds on entry a warm start (any vector in the
   * span of the dummies, e.g. zeros or the fixed-effect part of a previous call) and on exit v − out.
   * Stops when one more sweep would change the residual by less than `tol` × ‖v‖ (W-norms).
   */
  demean(v: Float64Array, out: Float64Array, fePart: Float64Array, tol = 1e-10, maxIter = 10_000): DemeanStats {
    return this.demeanColumns([v], [out], [fePart], [tol], maxIter)[0];
  }

  /**
   * `demean` for several columns under the same weights: `outs[c]`, `feParts[c]` as in `demean` for `vs[c]`, column
   * c stopping at its own tolerance `tols[c]`. Columns are interleaved in blocks of four so that one pass over the
   * observations (codes, weights) serves all of them; each column follows exactly its own CG iteration, so the
   * result is the one `demean` gives it alone (up to rounding). Statistics per column; the sweeps run for a block
   * are the largest `iterations` of its columns.
   */
  demeanColumns(
    vs: readonly Float64Array[],
    outs: readonly Float64Array[],
    feParts: readonly Float64Array[],
    tols: ArrayLike<number>,
    maxIter = 10_000,
  ): DemeanStats[] {
    const m = vs.length;
    const K = this.fixedEffects.length;
    const stats: DemeanStats[] = vs.map(() => ({ iterations: 0, converged: true }));
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
    if (m === 1) {
      this.single ??= new CgScratch(this.fixedEffects, this.n, 1);
      this.solve(this.single, vs, outs, feParts, tols, 0, 1, stats, maxIter);
      return stats;
    }
    for (let from = 0; from < m; from += DEMEAN_BLOCK) {
      this.block ??= new CgScratch(this.fixedEffects, this.n, DEMEAN_BLOCK);
      this.solve(this.block, vs, outs, feParts, tols, from, Math.min(DEMEAN_BLOCK, m - from), stats, maxIter);
    }
    return stats;
  }

  /** One dimension: out ← v minus its weighted group means (exact), fePart ← v − out. */
  private projectOne(v: Float64Array, out: Float64Array, fePart: Float64Array): void {
    const n = this.n;
    const codes = this.fixedEffects[0].codes;
    const sw = this.weightSum[0];
    const w = this.weights;
    const means = new Float64Array(sw.length); // [level]
    for (let i = 0; i < n; i++) means[codes[i]] += w[i] * v[i];
    for (let g = 0; g < sw.length; g++) means[g] = sw[g] > 0 ? means[g] / sw[g] : 0;
    for (let i = 0; i < n; i++) {
      out[i] = v[i] - means[codes[i]];
      fePart[i] = v[i] - out[i];
    }
  }

  /**
   * sums[level · S + c] ← total / (weight of the level), the weighted group means of dimension k, where total = sums,
   * or with `beta` and `dirSum` total = sums + β_c · dirSum, also stored back into dirSum (the group sums of the new
   * direction r + β d, which the next step needs as the sums of its previous direction).
   */
  private finishMeans(sums: Float64Array, k: number, S: number, beta?: Float64Array, dirSum?: Float64Array): void {
    const sw = this.weightSum[k];
    for (let g = 0; g < sw.length; g++) {
      const base = g * S;
      const s = sw[g];
      for (let c = 0; c < S; c++) {
        let total = sums[base + c];
        if (beta && dirSum) {
          total += beta[c] * dirSum[base + c];
          dirSum[base + c] = total;
        }
        sums[base + c] = s > 0 ? total / s : 0;
      }
    }
  }

  /**
   * CG on (I − T) x = (I − T) v for columns from .. from+count−1 of the request, interleaved with stride S in `cg`.
   * Every CG step is L + 1 passes over the observations (L = 2K − 1 projections): the first projection pass also
   * forms the new direction d ← r + β d (its group sums over the first dimension are those of r, gathered by the
   * previous update pass, plus β times those of the previous direction), the middle passes each subtract one
   * dimension's means and gather the next one's sums, the last forms A d and ⟨d, A d⟩, and the update pass moves x
   * and r and gathers the sums of r.
   */
  private solve(
    cg: CgScratch,
    vs: readonly Float64Array[],
    outs: readonly Float64Array[],
    feParts: readonly Float64Array[],
    tols: ArrayLike<number>,
    from: number,
    count: number,
    stats: DemeanStats[],
    maxIter: number,
  ): void {
    const n = this.n;
    const S = cg.stride;
    const w = this.weights;
    const first = this.sequence[0];
    const firstCodes = this.fixedEffects[first].codes; // the sweep also ends with this dimension
    const { x, r, d, u, alpha, beta, rr, acc, threshold, active, dirSum } = cg;
    const firstSum = cg.levelSum[first];
    const zeroNorm = new Uint8Array(S);
    // [column] input, warm start / fixed-effect part and residual arrays; padding columns read zeros, write a sink
    const col = (arrays: readonly Float64Array[], c: number, pad: Float64Array): Float64Array => (c < count ? arrays[from + c] : pad);
    const v0 = col(vs, 0, cg.zeros);
    const f0 = col(feParts, 0, cg.zeros);

    // x ← warm start, u ← v − x, group sums of u over the first dimension, ‖v‖²_W
    firstSum.fill(0);
    if (S === 1) initPass1(n, w, firstCodes, v0, f0, x, u, firstSum, acc);
    else initPass4(n, w, firstCodes, v0, col(vs, 1, cg.zeros), col(vs, 2, cg.zeros), col(vs, 3, cg.zeros), f0, col(feParts, 1, cg.zeros), col(feParts, 2, cg.zeros), col(feParts, 3, cg.zeros), x, u, firstSum, acc);
    for (let c = 0; c < S; c++) {
      const normV = Math.sqrt(acc[c]);
      threshold[c] = c < count ? tols[from + c] * normV : 0;
      zeroNorm[c] = normV === 0 ? 1 : 0;
    }
    // r = A (v − x) = (v − x) − T (v − x); the first direction is r (previous direction d = 0, β = 0)
    this.finishMeans(firstSum, first, S);
    this.projectionChain(cg, u, false);
    const lastMeans = firstSum; // the sweep ends with the dimension it starts with
    dirSum.fill(0);
    if (S === 1) residualPass1(n, w, firstCodes, lastMeans, v0, x, u, r, dirSum, acc);
    else residualPass4(n, w, firstCodes, lastMeans, v0, col(vs, 1, cg.zeros), col(vs, 2, cg.zeros), col(vs, 3, cg.zeros), x, u, r, dirSum, acc);
    firstSum.set(dirSum); // group sums of r; those of the previous direction are 0
    dirSum.fill(0);
    d.fill(0);
    let running = 0;
    for (let c = 0; c < S; c++) {
      rr[c] = acc[c];
      beta[c] = 0;
      active[c] = !zeroNorm[c] && !(Math.sqrt(rr[c]) <= threshold[c]) ? 1 : 0;
      running += active[c];
    }
    let step = 0;
    while (running > 0 && step < maxIter) {
      this.finishMeans(firstSum, first, S, beta, dirSum);
      this.projectionChain(cg, u, true);
      // u ← A d = d − T d, acc ← ⟨d, A d⟩_W
      if (S === 1) finalPass1(n, w, firstCodes, lastMeans, d, u, acc);
      else finalPass4(n, w, firstCodes, lastMeans, d, u, acc);
      for (let c = 0; c < S; c++) {
        alpha[c] = 0;
        if (!active[c]) continue;
        if (!(acc[c] > 0)) {
          active[c] = 0;
          running--;
          continue;
        }
        alpha[c] = rr[c] / acc[c];
      }
      if (running === 0) break;
      step++;
      // x += α d, r −= α A d, acc ← ‖r‖²_W, group sums of r over the first dimension
      firstSum.fill(0);
      if (S === 1) updatePass1(n, w, firstCodes, alpha, x, d, r, u, firstSum, acc);
      else updatePass4(n, w, firstCodes, alpha, x, d, r, u, firstSum, acc);
      for (let c = 0; c < S; c++) {
        beta[c] = 0;
        if (!active[c]) continue;
        stats[from + c].iterations++;
        if (Math.sqrt(acc[c]) <= threshold[c]) {
          active[c] = 0;
          running--;
          continue;
        }
        beta[c] = acc[c] / rr[c];
        rr[c] = acc[c];
      }
    }
    // fixed-effect part and residual out
    if (S === 1) finishPass1(n, v0, x, f0, col(outs, 0, cg.sink));
    else {
      finishPass4(
        n,
        [v0, col(vs, 1, cg.zeros), col(vs, 2, cg.zeros), col(vs, 3, cg.zeros)],
        x,
        [col(feParts, 0, cg.sink), col(feParts, 1, cg.sink), col(feParts, 2, cg.sink), col(feParts, 3, cg.sink)],
        [col(outs, 0, cg.sink), col(outs, 1, cg.sink), col(outs, 2, cg.sink), col(outs, 3, cg.sink)],
      );
    }
    for (let c = 0; c < count; c++) {
      stats[from + c].converged = !active[c];
      if (zeroNorm[c]) {
        // ‖v‖ = 0: nothing to remove
        outs[from + c].fill(0);
        feParts[from + c].fill(0);
      }
    }
  }

  /**
   * The projections of the sweep but the last subtraction: on entry the means of the first dimension are in its
   * level sums; the input is u, or with `build` the new direction d ← r + β d (written back to d). On exit u holds
   * the input minus the means of every dimension but the last, whose means are in its level sums.
   */
  private projectionChain(cg: CgScratch, u: Float64Array, build: boolean): void {
    const n = this.n;
    const S = cg.stride;
    const w = this.weights;
    const seq = this.sequence;
    for (let s = 1; s < seq.length; s++) {
      const codes = this.fixedEffects[seq[s - 1]].codes;
      const means = cg.levelSum[seq[s - 1]];
      const nextCodes = this.fixedEffects[seq[s]].codes;
      const next = cg.levelSum[seq[s]];
      next.fill(0);
      if (s === 1 && build) {
        if (S === 1) buildPass1(n, w, codes, means, nextCodes, next, cg.beta, cg.r, cg.d, u);
        else buildPass4(n, w, codes, means, nextCodes, next, cg.beta, cg.r, cg.d, u);
      } else if (S === 1) chainPass1(n, w, codes, means, nextCodes, next, u);
      else chainPass4(n, w, codes, means, nextCodes, next, u);
      this.finishMeans(next, seq[s], S);
    }
  }
}

/** Per-request CG state for columns interleaved with a given stride: [obs · stride + column], [level · stride + column]. */
class CgScratch {
  readonly stride: number;
  /** [fe][level · stride + column] group sums, turned into weighted means in place. */
  readonly levelSum: Float64Array[];
  /** [level · stride + column] group sums of the previous direction over the first swept dimension. */
  readonly dirSum: Float64Array;
  /** [obs · stride + column] fixed-effect part, residual of the normal equations, direction, work / A d. */
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly d: Float64Array;
  readonly u: Float64Array;
  /** [column] */
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly rr: Float64Array;
  readonly acc: Float64Array;
  readonly threshold: Float64Array;
  readonly active: Uint8Array;
  /** [obs] zeros read for the padding columns of a block, and where their (zero) results are written. */
  readonly zeros: Float64Array;
  readonly sink: Float64Array;

  constructor(fixedEffects: readonly FixedEffect[], n: number, stride: number) {
    this.stride = stride;
    this.levelSum = fixedEffects.map((fe) => new Float64Array(fe.levelCount * stride));
    this.dirSum = new Float64Array(fixedEffects[0].levelCount * stride);
    this.x = new Float64Array(n * stride);
    this.r = new Float64Array(n * stride);
    this.d = new Float64Array(n * stride);
    this.u = new Float64Array(n * stride);
    this.alpha = new Float64Array(stride);
    this.beta = new Float64Array(stride);
    this.rr = new Float64Array(stride);
    this.acc = new Float64Array(stride);
    this.threshold = new Float64Array(stride);
    this.active = new Uint8Array(stride);
    this.zeros = new Float64Array(stride > 1 ? n : 0);
    this.sink = new Float64Array(stride > 1 ? n : 0);
  }
}

// Pass kernels, one column (…1) and four interleaved columns (…4, unrolled: a loop over the columns inside the loop
// over observations costs about half the speed). `codes` [obs] level of the dimension whose means are subtracted,
// `nextCodes` [obs] level of the dimension whose sums are gathered.

/** u ← u − means[codes], next[nextCodes] += w u. */
function chainPass1(n: number, w: Float64Array, codes: Int32Array, means: Float64Array, nextCodes: Int32Array, next: Float64Array, u: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const t = u[i] - means[codes[i]];
    u[i] = t;
    next[nextCodes[i]] += w[i] * t;
  }
}

function chainPass4(n: number, w: Float64Array, codes: Int32Array, means: Float64Array, nextCodes: Int32Array, next: Float64Array, u: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const h = nextCodes[i] << 2;
    const o = i << 2;
    const t0 = u[o] - means[g];
    const t1 = u[o + 1] - means[g + 1];
    const t2 = u[o + 2] - means[g + 2];
    const t3 = u[o + 3] - means[g + 3];
    u[o] = t0;
    u[o + 1] = t1;
    u[o + 2] = t2;
    u[o + 3] = t3;
    next[h] += wi * t0;
    next[h + 1] += wi * t1;
    next[h + 2] += wi * t2;
    next[h + 3] += wi * t3;
  }
}

/** d ← r + β d, u ← d − means[codes], next[nextCodes] += w u. */
function buildPass1(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  means: Float64Array,
  nextCodes: Int32Array,
  next: Float64Array,
  beta: Float64Array,
  r: Float64Array,
  d: Float64Array,
  u: Float64Array,
): void {
  const b = beta[0];
  for (let i = 0; i < n; i++) {
    const di = r[i] + b * d[i];
    d[i] = di;
    const t = di - means[codes[i]];
    u[i] = t;
    next[nextCodes[i]] += w[i] * t;
  }
}

function buildPass4(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  means: Float64Array,
  nextCodes: Int32Array,
  next: Float64Array,
  beta: Float64Array,
  r: Float64Array,
  d: Float64Array,
  u: Float64Array,
): void {
  const b0 = beta[0];
  const b1 = beta[1];
  const b2 = beta[2];
  const b3 = beta[3];
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const h = nextCodes[i] << 2;
    const o = i << 2;
    const d0 = r[o] + b0 * d[o];
    const d1 = r[o + 1] + b1 * d[o + 1];
    const d2 = r[o + 2] + b2 * d[o + 2];
    const d3 = r[o + 3] + b3 * d[o + 3];
    d[o] = d0;
    d[o + 1] = d1;
    d[o + 2] = d2;
    d[o + 3] = d3;
    const t0 = d0 - means[g];
    const t1 = d1 - means[g + 1];
    const t2 = d2 - means[g + 2];
    const t3 = d3 - means[g + 3];
    u[o] = t0;
    u[o + 1] = t1;
    u[o + 2] = t2;
    u[o + 3] = t3;
    next[h] += wi * t0;
    next[h + 1] += wi * t1;
    next[h + 2] += wi * t2;
    next[h + 3] += wi * t3;
  }
}

/** u ← d − (u − means[codes]) = A d, acc ← ⟨d, A d⟩_W. */
function finalPass1(n: number, w: Float64Array, codes: Int32Array, means: Float64Array, d: Float64Array, u: Float64Array, acc: Float64Array): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const di = d[i];
    const a = di - (u[i] - means[codes[i]]);
    u[i] = a;
    s += w[i] * di * a;
  }
  acc[0] = s;
}

function finalPass4(n: number, w: Float64Array, codes: Int32Array, means: Float64Array, d: Float64Array, u: Float64Array, acc: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const o = i << 2;
    const d0 = d[o];
    const d1 = d[o + 1];
    const d2 = d[o + 2];
    const d3 = d[o + 3];
    const a0 = d0 - (u[o] - means[g]);
    const a1 = d1 - (u[o + 1] - means[g + 1]);
    const a2 = d2 - (u[o + 2] - means[g + 2]);
    const a3 = d3 - (u[o + 3] - means[g + 3]);
    u[o] = a0;
    u[o + 1] = a1;
    u[o + 2] = a2;
    u[o + 3] = a3;
    s0 += wi * d0 * a0;
    s1 += wi * d1 * a1;
    s2 += wi * d2 * a2;
    s3 += wi * d3 * a3;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/** x += α d, r −= α u (u = A d), acc ← ‖r‖²_W, rSum[codes] += w r. */
function updatePass1(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  alpha: Float64Array,
  x: Float64Array,
  d: Float64Array,
  r: Float64Array,
  u: Float64Array,
  rSum: Float64Array,
  acc: Float64Array,
): void {
  const a = alpha[0];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    x[i] += a * d[i];
    const ri = r[i] - a * u[i];
    r[i] = ri;
    s += wi * ri * ri;
    rSum[codes[i]] += wi * ri;
  }
  acc[0] = s;
}

function updatePass4(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  alpha: Float64Array,
  x: Float64Array,
  d: Float64Array,
  r: Float64Array,
  u: Float64Array,
  rSum: Float64Array,
  acc: Float64Array,
): void {
  const a0 = alpha[0];
  const a1 = alpha[1];
  const a2 = alpha[2];
  const a3 = alpha[3];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const o = i << 2;
    x[o] += a0 * d[o];
    x[o + 1] += a1 * d[o + 1];
    x[o + 2] += a2 * d[o + 2];
    x[o + 3] += a3 * d[o + 3];
    const r0 = r[o] - a0 * u[o];
    const r1 = r[o + 1] - a1 * u[o + 1];
    const r2 = r[o + 2] - a2 * u[o + 2];
    const r3 = r[o + 3] - a3 * u[o + 3];
    r[o] = r0;
    r[o + 1] = r1;
    r[o + 2] = r2;
    r[o + 3] = r3;
    s0 += wi * r0 * r0;
    s1 += wi * r1 * r1;
    s2 += wi * r2 * r2;
    s3 += wi * r3 * r3;
    rSum[g] += wi * r0;
    rSum[g + 1] += wi * r1;
    rSum[g + 2] += wi * r2;
    rSum[g + 3] += wi * r3;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/** x ← warm start f, u ← v − f, sums[codes] += w u, acc ← ‖v‖²_W. */
function initPass1(n: number, w: Float64Array, codes: Int32Array, v: Float64Array, f: Float64Array, x: Float64Array, u: Float64Array, sums: Float64Array, acc: Float64Array): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const vi = v[i];
    const xi = f[i];
    x[i] = xi;
    const t = vi - xi;
    u[i] = t;
    sums[codes[i]] += wi * t;
    s += wi * vi * vi;
  }
  acc[0] = s;
}

function initPass4(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  v0: Float64Array,
  v1: Float64Array,
  v2: Float64Array,
  v3: Float64Array,
  f0: Float64Array,
  f1: Float64Array,
  f2: Float64Array,
  f3: Float64Array,
  x: Float64Array,
  u: Float64Array,
  sums: Float64Array,
  acc: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const o = i << 2;
    const a0 = v0[i];
    const a1 = v1[i];
    const a2 = v2[i];
    const a3 = v3[i];
    const x0 = f0[i];
    const x1 = f1[i];
    const x2 = f2[i];
    const x3 = f3[i];
    x[o] = x0;
    x[o + 1] = x1;
    x[o + 2] = x2;
    x[o + 3] = x3;
    const t0 = a0 - x0;
    const t1 = a1 - x1;
    const t2 = a2 - x2;
    const t3 = a3 - x3;
    u[o] = t0;
    u[o + 1] = t1;
    u[o + 2] = t2;
    u[o + 3] = t3;
    sums[g] += wi * t0;
    sums[g + 1] += wi * t1;
    sums[g + 2] += wi * t2;
    sums[g + 3] += wi * t3;
    s0 += wi * a0 * a0;
    s1 += wi * a1 * a1;
    s2 += wi * a2 * a2;
    s3 += wi * a3 * a3;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/** r ← (v − x) − (u − means[codes]) = A (v − x), sums[codes] += w r, acc ← ‖r‖²_W. */
function residualPass1(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  means: Float64Array,
  v: Float64Array,
  x: Float64Array,
  u: Float64Array,
  r: Float64Array,
  sums: Float64Array,
  acc: Float64Array,
): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i];
    const ri = v[i] - x[i] - (u[i] - means[g]);
    r[i] = ri;
    sums[g] += wi * ri;
    s += wi * ri * ri;
  }
  acc[0] = s;
}

function residualPass4(
  n: number,
  w: Float64Array,
  codes: Int32Array,
  means: Float64Array,
  v0: Float64Array,
  v1: Float64Array,
  v2: Float64Array,
  v3: Float64Array,
  x: Float64Array,
  u: Float64Array,
  r: Float64Array,
  sums: Float64Array,
  acc: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const g = codes[i] << 2;
    const o = i << 2;
    const r0 = v0[i] - x[o] - (u[o] - means[g]);
    const r1 = v1[i] - x[o + 1] - (u[o + 1] - means[g + 1]);
    const r2 = v2[i] - x[o + 2] - (u[o + 2] - means[g + 2]);
    const r3 = v3[i] - x[o + 3] - (u[o + 3] - means[g + 3]);
    r[o] = r0;
    r[o + 1] = r1;
    r[o + 2] = r2;
    r[o + 3] = r3;
    sums[g] += wi * r0;
    sums[g + 1] += wi * r1;
    sums[g + 2] += wi * r2;
    sums[g + 3] += wi * r3;
    s0 += wi * r0 * r0;
    s1 += wi * r1 * r1;
    s2 += wi * r2 * r2;
    s3 += wi * r3 * r3;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/** fePart ← x, out ← v − x. */
function finishPass1(n: number, v: Float64Array, x: Float64Array, fePart: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    fePart[i] = xi;
    out[i] = v[i] - xi;
  }
}

/** The same for four interleaved columns (`v`, `fePart`, `out`: four arrays each). */
function finishPass4(n: number, v: readonly Float64Array[], x: Float64Array, fePart: readonly Float64Array[], out: readonly Float64Array[]): void {
  const [v0, v1, v2, v3] = v;
  const [f0, f1, f2, f3] = fePart;
  const [o0, o1, o2, o3] = out;
  for (let i = 0; i < n; i++) {
    const o = i << 2;
    const x0 = x[o];
    const x1 = x[o + 1];
    const x2 = x[o + 2];
    const x3 = x[o + 3];
    f0[i] = x0;
    f1[i] = x1;
    f2[i] = x2;
    f3[i] = x3;
    o0[i] = v0[i] - x0;
    o1[i] = v1[i] - x1;
    o2[i] = v2[i] - x2;
    o3[i] = v3[i] - x3;
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
