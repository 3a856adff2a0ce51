/**
 * Reference PPML by the textbook route: a Poisson GLM with one dummy column per fixed-effect level, fitted by IRLS
 * with a QR least-squares step (collinear dummies are dropped by the QR). O(n × columns²) per iteration: only for
 * small data. It is the oracle the fast estimator is tested against and the baseline of bench/gravity.bench.ts.
 */
import type { FixedEffect } from "./hdfe";
import { QrLeastSquares } from "./ppml-linalg";

export interface DummyPpmlFit {
  /** [regressor] estimates of the given regressors (dummies omitted). */
  readonly beta: Float64Array;
  /** [obs] fitted mean. */
  readonly mu: Float64Array;
  readonly iterations: number;
  readonly deviance: number;
}

export function fitPpmlDummies(y: Float64Array, regressors: readonly Float64Array[], fixedEffects: readonly FixedEffect[], tol = 1e-10, maxIter = 200): DummyPpmlFit {
  const n = y.length;
  const columns: Float64Array[] = [...regressors];
  for (const fe of fixedEffects) {
    for (let g = 0; g < fe.levelCount; g++) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) if (fe.codes[i] === g) d[i] = 1;
      columns.push(d);
    }
  }
  if (fixedEffects.length === 0 && regressors.length === 0) columns.push(new Float64Array(n).fill(1));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i] + mean) / 2;
    eta[i] = Math.log(mu[i]);
  }
  const scaled = columns.map(() => new Float64Array(n));
  const z = new Float64Array(n);
  const fitted = new Float64Array(n);
  let deviance = Number.POSITIVE_INFINITY;
  let beta: Float64Array = new Float64Array(columns.length);
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt(mu[i]);
      z[i] = (eta[i] + (y[i] - mu[i]) / mu[i]) * s;
      for (let j = 0; j < columns.length; j++) scaled[j][i] = columns[j][i] * s;
    }
    const qr = new QrLeastSquares(scaled, n, 1e-10);
    beta = qr.solve(z, fitted);
    let dev = 0;
    for (let i = 0; i < n; i++) {
      eta[i] = fitted[i] / Math.sqrt(mu[i]);
      mu[i] = Math.exp(eta[i]);
    }
    for (let i = 0; i < n; i++) dev += 2 * (y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) - (y[i] - mu[i]) : mu[i]);
    const eps = Math.abs(dev - deviance) / Math.max(Math.min(dev, deviance), 0.1);
    deviance = dev;
    if (eps < tol) break;
  }
  return { beta: beta.slice(0, regressors.length), mu, iterations, deviance };
}
