/**
 * Weighted residuals on high-dimensional fixed effects, solved in the space of the fixed-effect coefficients.
 *
 * For a column v and weights w, the fixed-effect part D α (D the dummies of every dimension) solves the normal
 * equations Dᵀ W D α = Dᵀ W v. They are solved by conjugate gradients preconditioned with the diagonal of Dᵀ W D
 * (the weight of every level; block-diagonal = diagonal, since the levels of one dimension are disjoint). One CG step
 * is one pass over the observations: gather s_i = Σ_k p[level_k(i)], scatter w_i s_i to every level of i; the
 * vectors of the iteration live on the levels (Σ levels entries), so no observation-sized scratch is written while
 * iterating. The residual v − D α is written once at the end.
 *
 * Stopping rule: the preconditioned residual norm √(rᵀ M⁻¹ r), which is √(Σ_k ‖P_k ε‖²_W) for the current residual
 * ε = v − D α (P_k the weighted group means of dimension k; all are 0 at the solution), at most `tol` × ‖v‖_W.
 * An error left in D α lies in the span of the dummies, so it enters the PPML coefficients only through products of
 * two such errors (the residuals of v and of the regressors are each W-orthogonal to that span at the solution).
 *
 * Warm starts: each column slot keeps its coefficients between calls (the IRLS loop calls once per iteration with
 * new weights; the previous coefficients are a good start). Columns are solved two at a time, interleaved
 * (`[level · 2 + column]`), so one pass reads the codes and weights once for both.
 *
 * Layout: `index[obs · K + k]` = offset of dimension k + level of obs in dimension k (all levels numbered
 * consecutively), Int32; weights and columns Float64Array [obs].
 */
import type { FixedEffect } from "./hdfe";

export interface SolveStats {
  /** CG steps (passes over the observations) for the column. */
  iterations: number;
  converged: boolean;
}

export class FixedEffectSolver {
  readonly n: number;
  readonly dims: number;
  /** Σ levels over the dimensions. */
  readonly levelTotal: number;
  /** [obs · K + k] global level index. */
  private readonly index: Int32Array;
  private weights: Float64Array;
  /** [global level] sum of weights; its inverse (0 for an empty level). */
  private readonly weightSum: Float64Array;
  private readonly inverseWeight: Float64Array;
  /** [slot][global level] coefficients kept between calls (warm starts). */
  private readonly coefficients: Float64Array[] = [];
  /** Interleaved pair scratch: [global level · 2 + column]. */
  private readonly alpha: Float64Array;
  private readonly r: Float64Array;
  private readonly p: Float64Array;
  private readonly q: Float64Array;

  constructor(fixedEffects: readonly FixedEffect[], n: number) {
    this.n = n;
    this.dims = fixedEffects.length;
    const K = this.dims;
    let total = 0;
    const offsets = fixedEffects.map((fe) => {
      const o = total;
      total += fe.levelCount;
      return o;
    });
    this.levelTotal = total;
    this.index = new Int32Array(n * K);
    for (let k = 0; k < K; k++) {
      const codes = fixedEffects[k].codes;
      const o = offsets[k];
      const index = this.index;
      for (let i = 0; i < n; i++) index[i * K + k] = o + codes[i];
    }
    this.weights = new Float64Array(0);
    this.weightSum = new Float64Array(total);
    this.inverseWeight = new Float64Array(total);
    this.alpha = new Float64Array(2 * total);
    this.r = new Float64Array(2 * total);
    this.p = new Float64Array(2 * total);
    this.q = new Float64Array(2 * total);
  }

  /** Use these weights (> 0, [obs]) for the following calls; the array is read, not copied. */
  setWeights(weights: Float64Array): void {
    this.weights = weights;
    const { index, weightSum, inverseWeight, n, dims: K } = this;
    weightSum.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = weights[i];
      const o = i * K;
      for (let k = 0; k < K; k++) weightSum[index[o + k]] += wi;
    }
    for (let g = 0; g < weightSum.length; g++) inverseWeight[g] = weightSum[g] > 0 ? 1 / weightSum[g] : 0;
  }

  /** Forget the warm starts (coefficients of every slot back to 0). */
  reset(): void {
    for (const c of this.coefficients) c.fill(0);
  }

  /** The coefficients of a slot ([global level]; dimensions one after the other). */
  slotCoefficients(slot: number): Float64Array {
    while (this.coefficients.length <= slot) this.coefficients.push(new Float64Array(this.levelTotal));
    return this.coefficients[slot];
  }

  /**
   * Residuals of `vs[c]` on the fixed effects under the current weights, written to `outs[c]`, each column stopping
   * at its own tolerance `tols[c]` (relative, see the module comment) and warm-started from the coefficients kept in
   * slot `slots[c]` (default c), which hold the new coefficients on return.
   */
  solve(vs: readonly Float64Array[], outs: readonly Float64Array[], tols: ArrayLike<number>, slots?: readonly number[], maxIter = 10_000): SolveStats[] {
    const m = vs.length;
    const stats: SolveStats[] = vs.map(() => ({ iterations: 0, converged: true }));
    if (this.dims === 0) {
      for (let c = 0; c < m; c++) outs[c].set(vs[c]);
      return stats;
    }
    for (let from = 0; from < m; from += 2) {
      const count = Math.min(2, m - from);
      const slotA = slots ? slots[from] : from;
      const slotB = count === 2 ? (slots ? slots[from + 1] : from + 1) : -1;
      this.solvePair(
        vs[from],
        count === 2 ? vs[from + 1] : undefined,
        outs[from],
        count === 2 ? outs[from + 1] : undefined,
        tols[from],
        count === 2 ? tols[from + 1] : 0,
        this.slotCoefficients(slotA),
        slotB >= 0 ? this.slotCoefficients(slotB) : undefined,
        stats[from],
        count === 2 ? stats[from + 1] : undefined,
        maxIter,
      );
    }
    return stats;
  }

  /**
   * solvePair on columns scaled by powers of two into [1, 2) at their largest magnitude, for columns whose squared
   * norm would underflow or overflow (CG works on squares: a column of values near 1e-160 has squares in the
   * subnormal range, so its inner products lose their digits and CG never meets its relative tolerance). Scaling by a
   * power of two is exact, the problem is linear in the column and the tolerance is relative, so the residuals and
   * coefficients are the scaled-back solution of the same problem. Only such columns pay for the copies.
   */
  private solvePairScaled(
    v0: Float64Array,
    v1: Float64Array | undefined,
    out0: Float64Array,
    out1: Float64Array | undefined,
    tol0: number,
    tol1: number,
    coef0: Float64Array,
    coef1: Float64Array | undefined,
    stat0: SolveStats,
    stat1: SolveStats | undefined,
    maxIter: number,
  ): void {
    const s0 = powerOfTwoScale(v0);
    const s1 = v1 ? powerOfTwoScale(v1) : 1;
    const w0 = v0.map((x) => x * s0);
    const w1 = v1?.map((x) => x * s1);
    for (let g = 0; g < coef0.length; g++) coef0[g] *= s0;
    if (coef1) for (let g = 0; g < coef1.length; g++) coef1[g] *= s1;
    this.solvePair(w0, w1, out0, out1, tol0, tol1, coef0, coef1, stat0, stat1, maxIter);
    const u0 = 1 / s0;
    const u1 = 1 / s1;
    for (let i = 0; i < out0.length; i++) out0[i] *= u0;
    if (out1) for (let i = 0; i < out1.length; i++) out1[i] *= u1;
    for (let g = 0; g < coef0.length; g++) coef0[g] *= u0;
    if (coef1) for (let g = 0; g < coef1.length; g++) coef1[g] *= u1;
  }

  /** Jacobi-preconditioned CG for one or two columns (the second absent: its lanes stay 0). */
  private solvePair(
    v0: Float64Array,
    v1: Float64Array | undefined,
    out0: Float64Array,
    out1: Float64Array | undefined,
    tol0: number,
    tol1: number,
    coef0: Float64Array,
    coef1: Float64Array | undefined,
    stat0: SolveStats,
    stat1: SolveStats | undefined,
    maxIter: number,
  ): void {
    const { n, dims: K, index, weights: w, inverseWeight: inv, alpha, r, p, q } = this;
    const L = this.levelTotal;
    const vB = v1 ?? v0; // read for the empty lane, its results discarded
    for (let g = 0; g < L; g++) {
      alpha[2 * g] = coef0[g];
      alpha[2 * g + 1] = coef1 ? coef1[g] : 0;
    }
    // r = Dᵀ W (v − D α), ‖v‖²_W
    r.fill(0);
    const norms = K === 3 ? residualPass3(n, index, w, v0, vB, alpha, r) : residualPass(n, K, index, w, v0, vB, alpha, r);
    if (!coef1) for (let g = 0; g < L; g++) r[2 * g + 1] = 0;
    if (outOfSquareRange(norms[0]) || (coef1 !== undefined && outOfSquareRange(norms[1]))) {
      this.solvePairScaled(v0, v1, out0, out1, tol0, tol1, coef0, coef1, stat0, stat1, maxIter);
      return;
    }
    const threshold0 = tol0 * Math.sqrt(norms[0]);
    const threshold1 = coef1 ? tol1 * Math.sqrt(norms[1]) : 0;
    // z = M⁻¹ r, p = z, rz = rᵀ z
    let rz0 = 0;
    let rz1 = 0;
    for (let g = 0; g < L; g++) {
      const ig = inv[g];
      const z0 = r[2 * g] * ig;
      const z1 = r[2 * g + 1] * ig;
      p[2 * g] = z0;
      p[2 * g + 1] = z1;
      rz0 += r[2 * g] * z0;
      rz1 += r[2 * g + 1] * z1;
    }
    let active0 = norms[0] > 0 && Math.sqrt(rz0) > threshold0;
    let active1 = coef1 !== undefined && norms[1] > 0 && Math.sqrt(rz1) > threshold1;
    let step = 0;
    const pAp = new Float64Array(2);
    while ((active0 || active1) && step < maxIter) {
      step++;
      // q = A p, pAp = pᵀ A p = ‖D p‖²_W
      q.fill(0);
      if (K === 3) applyPass3(n, index, w, p, q, pAp);
      else applyPass(n, K, index, w, p, q, pAp);
      const a0 = active0 && pAp[0] > 0 ? rz0 / pAp[0] : 0;
      const a1 = active1 && pAp[1] > 0 ? rz1 / pAp[1] : 0;
      if (active0 && !(pAp[0] > 0)) active0 = false;
      if (active1 && !(pAp[1] > 0)) active1 = false;
      let next0 = 0;
      let next1 = 0;
      for (let g = 0; g < L; g++) {
        const j = 2 * g;
        alpha[j] += a0 * p[j];
        alpha[j + 1] += a1 * p[j + 1];
        const r0 = r[j] - a0 * q[j];
        const r1 = r[j + 1] - a1 * q[j + 1];
        r[j] = r0;
        r[j + 1] = r1;
        const ig = inv[g];
        next0 += r0 * r0 * ig;
        next1 += r1 * r1 * ig;
      }
      if (active0) stat0.iterations++;
      if (active1 && stat1) stat1.iterations++;
      const b0 = active0 ? next0 / rz0 : 0;
      const b1 = active1 ? next1 / rz1 : 0;
      if (active0) rz0 = next0;
      if (active1) rz1 = next1;
      if (active0 && Math.sqrt(rz0) <= threshold0) active0 = false;
      if (active1 && Math.sqrt(rz1) <= threshold1) active1 = false;
      if (!active0 && !active1) break;
      for (let g = 0; g < L; g++) {
        const j = 2 * g;
        const ig = inv[g];
        p[j] = active0 ? r[j] * ig + b0 * p[j] : 0;
        p[j + 1] = active1 ? r[j + 1] * ig + b1 * p[j + 1] : 0;
      }
    }
    stat0.converged = !active0;
    if (stat1) stat1.converged = !active1;
    for (let g = 0; g < L; g++) {
      coef0[g] = alpha[2 * g];
      if (coef1) coef1[g] = alpha[2 * g + 1];
    }
    // out = v − D α
    if (K === 3) outputPass3(n, index, alpha, v0, vB, out0, out1 ?? out0, out1 !== undefined);
    else outputPass(n, K, index, alpha, v0, vB, out0, out1);
    if (norms[0] === 0) out0.fill(0);
    if (out1 && norms[1] === 0) out1.fill(0);
  }
}

/** r[level] += w (v − D α) for both lanes; returns ‖v‖²_W per lane. */
function residualPass(n: number, K: number, index: Int32Array, w: Float64Array, v0: Float64Array, v1: Float64Array, alpha: Float64Array, r: Float64Array): [number, number] {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let f0 = 0;
    let f1 = 0;
    for (let k = 0; k < K; k++) {
      const g = index[o + k] << 1;
      f0 += alpha[g];
      f1 += alpha[g + 1];
    }
    const wi = w[i];
    const a = v0[i];
    const b = v1[i];
    s0 += wi * a * a;
    s1 += wi * b * b;
    const e0 = wi * (a - f0);
    const e1 = wi * (b - f1);
    for (let k = 0; k < K; k++) {
      const g = index[o + k] << 1;
      r[g] += e0;
      r[g + 1] += e1;
    }
  }
  return [s0, s1];
}

/** residualPass unrolled for three dimensions. */
function residualPass3(n: number, index: Int32Array, w: Float64Array, v0: Float64Array, v1: Float64Array, alpha: Float64Array, r: Float64Array): [number, number] {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * 3;
    const a = index[o] << 1;
    const b = index[o + 1] << 1;
    const c = index[o + 2] << 1;
    const wi = w[i];
    const x0 = v0[i];
    const x1 = v1[i];
    s0 += wi * x0 * x0;
    s1 += wi * x1 * x1;
    const e0 = wi * (x0 - (alpha[a] + alpha[b] + alpha[c]));
    const e1 = wi * (x1 - (alpha[a + 1] + alpha[b + 1] + alpha[c + 1]));
    r[a] += e0;
    r[a + 1] += e1;
    r[b] += e0;
    r[b + 1] += e1;
    r[c] += e0;
    r[c + 1] += e1;
  }
  return [s0, s1];
}

/** outputPass unrolled for three dimensions (`second` false: only the first lane is written). */
function outputPass3(n: number, index: Int32Array, alpha: Float64Array, v0: Float64Array, v1: Float64Array, out0: Float64Array, out1: Float64Array, second: boolean): void {
  for (let i = 0; i < n; i++) {
    const o = i * 3;
    const a = index[o] << 1;
    const b = index[o + 1] << 1;
    const c = index[o + 2] << 1;
    out0[i] = v0[i] - (alpha[a] + alpha[b] + alpha[c]);
    if (second) out1[i] = v1[i] - (alpha[a + 1] + alpha[b + 1] + alpha[c + 1]);
  }
}

/** q += Dᵀ W D p (both lanes), pAp ← pᵀ A p. */
function applyPass(n: number, K: number, index: Int32Array, w: Float64Array, p: Float64Array, q: Float64Array, pAp: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let f0 = 0;
    let f1 = 0;
    for (let k = 0; k < K; k++) {
      const g = index[o + k] << 1;
      f0 += p[g];
      f1 += p[g + 1];
    }
    const wi = w[i];
    const e0 = wi * f0;
    const e1 = wi * f1;
    s0 += e0 * f0;
    s1 += e1 * f1;
    for (let k = 0; k < K; k++) {
      const g = index[o + k] << 1;
      q[g] += e0;
      q[g + 1] += e1;
    }
  }
  pAp[0] = s0;
  pAp[1] = s1;
}

/** applyPass unrolled for three dimensions. */
function applyPass3(n: number, index: Int32Array, w: Float64Array, p: Float64Array, q: Float64Array, pAp: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const o = i * 3;
    const a = index[o] << 1;
    const b = index[o + 1] << 1;
    const c = index[o + 2] << 1;
    const f0 = p[a] + p[b] + p[c];
    const f1 = p[a + 1] + p[b + 1] + p[c + 1];
    const wi = w[i];
    const e0 = wi * f0;
    const e1 = wi * f1;
    s0 += e0 * f0;
    s1 += e1 * f1;
    q[a] += e0;
    q[a + 1] += e1;
    q[b] += e0;
    q[b + 1] += e1;
    q[c] += e0;
    q[c + 1] += e1;
  }
  pAp[0] = s0;
  pAp[1] = s1;
}

/** out = v − D α for both lanes (the second output optional). */
function outputPass(n: number, K: number, index: Int32Array, alpha: Float64Array, v0: Float64Array, v1: Float64Array, out0: Float64Array, out1: Float64Array | undefined): void {
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let f0 = 0;
    let f1 = 0;
    for (let k = 0; k < K; k++) {
      const g = index[o + k] << 1;
      f0 += alpha[g];
      f1 += alpha[g + 1];
    }
    out0[i] = v0[i] - f0;
    if (out1) out1[i] = v1[i] - f1;
  }
}

/** true when a squared weighted norm is so small or large that CG's inner products lose digits (see solvePairScaled). */
function outOfSquareRange(normSquared: number): boolean {
  return normSquared > 0 && (normSquared < 1e-200 || normSquared > 1e200);
}

/** 2^−e for the exponent e of the column's largest magnitude (exact in binary floating point); 1 for a zero column. */
function powerOfTwoScale(v: Float64Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > max) max = a;
  }
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  return 2 ** -Math.floor(Math.log2(max));
}
