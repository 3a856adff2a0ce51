/**
 * Small dense linear algebra for the PPML estimator: p × p symmetric matrices stored row-major in a Float64Array
 * (`a[i * p + j]`), p = number of regressors (tens at most). Not for large systems.
 */

/**
 * Cholesky factorisation A = L Lᵀ that skips (drops) columns which are linear combinations of earlier ones: column j
 * is dropped when its pivot falls below `tolRel` × its diagonal in A (or A_jj ≤ 0). Returns the factor of the kept
 * columns (rows/columns of dropped ones are zero) and which columns were kept. Columns are considered in order, so
 * the later of two collinear columns is the one dropped.
 */
export function choleskyDropCollinear(a: Float64Array, p: number, tolRel = 1e-10): { l: Float64Array; kept: boolean[] } {
  const l = new Float64Array(p * p);
  const kept = new Array<boolean>(p).fill(false);
  for (let j = 0; j < p; j++) {
    const ajj = a[j * p + j];
    let d = ajj;
    for (let k = 0; k < j; k++) if (kept[k]) d -= l[j * p + k] * l[j * p + k];
    if (!(ajj > 0) || !(d > tolRel * ajj)) continue;
    kept[j] = true;
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) if (kept[k]) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / ljj;
    }
  }
  return { l, kept };
}

/** Solve A x = b with the factor from choleskyDropCollinear; dropped columns get x = 0. */
export function choleskySolve(l: Float64Array, kept: readonly boolean[], p: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (!kept[i]) continue;
    let s = b[i];
    for (let k = 0; k < i; k++) if (kept[k]) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (!kept[i]) continue;
    let s = y[i];
    for (let k = i + 1; k < p; k++) if (kept[k]) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Inverse of A restricted to the kept columns (zero rows/columns for dropped ones). */
export function choleskyInverse(l: Float64Array, kept: readonly boolean[], p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (!kept[j]) continue;
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, kept, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i];
  }
  // symmetrise against round-off
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const v = 0.5 * (inv[i * p + j] + inv[j * p + i]);
      inv[i * p + j] = v;
      inv[j * p + i] = v;
    }
  }
  return inv;
}

/** C = A B Aᵀ for p × p matrices (the sandwich). */
export function sandwich(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const ab = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k];
      if (aik === 0) continue;
      for (let j = 0; j < p; j++) ab[i * p + j] += aik * b[k * p + j];
    }
  }
  const c = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += ab[i * p + k] * a[j * p + k];
      c[i * p + j] = s;
    }
  }
  return c;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: values and vectors (columns, row-major). */
export function symmetricEigen(a: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += m[i * p + j] * m[i * p + j];
    if (off < 1e-30) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = m[i * p + j];
        if (aij === 0) continue;
        const theta = (m[j * p + j] - m[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const mki = m[k * p + i];
          const mkj = m[k * p + j];
          m[k * p + i] = c * mki - s * mkj;
          m[k * p + j] = s * mki + c * mkj;
        }
        for (let k = 0; k < p; k++) {
          const mik = m[i * p + k];
          const mjk = m[j * p + k];
          m[i * p + k] = c * mik - s * mjk;
          m[j * p + k] = s * mik + c * mjk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i];
          const vkj = v[k * p + j];
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = m[i * p + i];
  return { values, vectors: v };
}

/** Set negative eigenvalues of a symmetric matrix to zero (used when a multi-way clustered VCOV is not PSD). */
export function clipNegativeEigenvalues(a: Float64Array, p: number): { matrix: Float64Array; clipped: number } {
  const { values, vectors } = symmetricEigen(a, p);
  let clipped = 0;
  for (let i = 0; i < p; i++) {
    if (values[i] < 0) {
      values[i] = 0;
      clipped++;
    }
  }
  if (clipped === 0) return { matrix: a, clipped };
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += vectors[i * p + k] * values[k] * vectors[j * p + k];
      out[i * p + j] = s;
    }
  }
  return { matrix: out, clipped };
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error below 1e-14). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
    -0.13857109526572012, 9.984369578019572e-06, 1.5056327351493116e-07,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Complementary error function (W. J. Cody's rational approximations; relative error below 1e-15). */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 0.5) {
    const t = x * x;
    const top = (((0.18577770618460315 * t + 3.1611237438705655) * t + 113.86415415105016) * t + 377.485237685302) * t + 3209.3775891384694;
    const bot = (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.236833439171;
    return 1 - (x * top) / bot;
  }
  if (ax < 4) {
    const top =
      (((((((2.1531153547440383e-08 * ax + 0.5641884969886701) * ax + 8.883149794388377) * ax + 66.11919063714163) * ax + 298.6351381974001) * ax +
        881.952221241769) *
        ax +
        1712.0476126340707) *
        ax +
        2051.0783778260716) *
        ax +
      1230.3393547979972;
    const bot =
      (((((((ax + 15.744926110709835) * ax + 117.6939508913125) * ax + 537.1811018620099) * ax + 1621.3895745666903) * ax + 3290.7992357334597) * ax +
        4362.619090143247) *
        ax +
        3439.3676741437216) *
        ax +
      1230.3393548037495;
    r = (Math.exp(-ax * ax) * top) / bot;
  } else {
    const z = 1 / (ax * ax);
    const top = ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z + 0.12578172611122926) * z + 0.016083785148742275) * z + 0.0006587491615298378;
    const bot = ((((z + 2.568520192289822) * z + 1.8729528499234673) * z + 0.5279051029514285) * z + 0.06051834131244132) * z + 0.0023352049762686918;
    r = (Math.exp(-ax * ax) / ax) * (1 / Math.sqrt(Math.PI) - (z * top) / bot);
  }
  return x < 0 ? 2 - r : r;
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Least squares min ‖b − A x‖ by Householder QR of a tall matrix given as columns (`cols[j][row]`, p small), better
 * conditioned than the normal equations. Factor once, then `solve` any number of right-hand sides in O(n p).
 * A column whose remaining norm falls below `tolRel` × its original norm is treated as collinear (coefficient 0).
 */
export class QrLeastSquares {
  readonly n: number;
  readonly p: number;
  /** [column] false = collinear with earlier columns. */
  readonly kept: boolean[];
  private readonly cols: readonly Float64Array[];
  /** Householder vectors, one per kept column; [k][row], zero above row k. */
  private readonly reflectors: Float64Array[] = [];
  private readonly reflectorNorm2: number[] = [];
  private readonly pivots: number[] = [];
  /** R stored by kept column: r[c][row] for row ≤ c. */
  private readonly r: Float64Array[] = [];
  private readonly scratch: Float64Array;

  constructor(cols: readonly Float64Array[], n: number, tolRel = 1e-9) {
    const p = cols.length;
    this.n = n;
    this.p = p;
    this.cols = cols;
    this.kept = new Array<boolean>(p).fill(false);
    this.scratch = new Float64Array(n);
    const a = cols.map((c) => Float64Array.from(c));
    const norms = cols.map((c) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += c[i] * c[i];
      return Math.sqrt(s);
    });
    let k = 0;
    for (let j = 0; j < p; j++) {
      const col = a[j];
      let s = 0;
      for (let i = k; i < n; i++) s += col[i] * col[i];
      const norm = Math.sqrt(s);
      if (!(norm > tolRel * norms[j]) || k >= n) continue;
      this.kept[j] = true;
      const alpha = col[k] > 0 ? -norm : norm;
      const v = new Float64Array(n);
      for (let i = k; i < n; i++) v[i] = col[i];
      v[k] -= alpha;
      let vv = 0;
      for (let i = k; i < n; i++) vv += v[i] * v[i];
      this.reflectors.push(v);
      this.reflectorNorm2.push(vv);
      this.pivots.push(j);
      for (let jj = j; jj < p; jj++) this.reflect(k, a[jj]);
      k++;
    }
    for (let c = 0; c < this.pivots.length; c++) this.r.push(a[this.pivots[c]].slice(0, this.pivots.length));
  }

  private reflect(k: number, x: Float64Array): void {
    const v = this.reflectors[k];
    let d = 0;
    for (let i = k; i < this.n; i++) d += v[i] * x[i];
    const f = (2 * d) / this.reflectorNorm2[k];
    for (let i = k; i < this.n; i++) x[i] -= f * v[i];
  }

  /** Coefficients (0 for collinear columns) and, when `fitted` is given, A x written into it. */
  solve(b: Float64Array, fitted?: Float64Array): Float64Array {
    const q = this.pivots.length;
    const rhs = this.scratch;
    rhs.set(b);
    for (let k = 0; k < q; k++) this.reflect(k, rhs);
    const coef = new Float64Array(q);
    for (let row = q - 1; row >= 0; row--) {
      let s = rhs[row];
      for (let c = row + 1; c < q; c++) s -= this.r[c][row] * coef[c];
      coef[row] = s / this.r[row][row];
    }
    const x = new Float64Array(this.p);
    for (let c = 0; c < q; c++) x[this.pivots[c]] = coef[c];
    if (fitted) {
      fitted.fill(0);
      for (let c = 0; c < q; c++) {
        const col = this.cols[this.pivots[c]];
        const xc = coef[c];
        for (let i = 0; i < this.n; i++) fitted[i] += col[i] * xc;
      }
    }
    return x;
  }
}

/** Σ w_i a_i b_i, in observation order. */
export function weightedDot(w: Float64Array, a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * a[i] * b[i];
  return s;
}

/** Σ_i w_i x_i x_iᵀ of the columns `cols` (q × q, row-major), entry by entry in observation order. */
export function weightedGram(w: Float64Array, cols: readonly Float64Array[]): Float64Array {
  const q = cols.length;
  const h = new Float64Array(q * q); // [a * q + b]
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const v = weightedDot(w, cols[a], cols[b]);
      h[a * q + b] = v;
      h[b * q + a] = v;
    }
  }
  return h;
}
