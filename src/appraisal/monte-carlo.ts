/**
 * Monte Carlo risk analysis of a project appraisal (EU Guide 2014 §2.10; ADB 2017 ch. 8): seeded draws of the risk
 * factors (capital cost, demand, value of time, delay reductions) from triangular or PERT distributions, each draw
 * appraised on the precomputed network effects (no re-routing: the draws do not change the network), giving
 * P10/P50/P90 of ENPV and EIRR and the probability of a negative ENPV.
 */
import { eirrPctFast, netFlows, presentValue } from "./cba";
import type { BenefitModel, RiskFactors } from "./benefits";
import { seededRandom } from "../core/random";


/** A distribution of a risk factor: min ≤ mode ≤ max. */
export interface Distribution {
  readonly kind: "triangular" | "pert";
  readonly min: number;
  readonly mode: number;
  readonly max: number;
}

/** Defaults (rule estimate:monte-carlo-ranges in data/appraisal/sources.yaml). */
export const DEFAULT_RISKS: Readonly<Record<keyof RiskFactors, Distribution>> = {
  capitalCost: { kind: "pert", min: 0.9, mode: 1, max: 1.45 },
  demand: { kind: "pert", min: 0.7, mode: 1, max: 1.2 },
  valueOfTime: { kind: "triangular", min: 0.6, mode: 1, max: 2.1 },
  delayReduction: { kind: "pert", min: 0.5, mode: 1, max: 1.2 },
};

/** Triangular inverse CDF at u ∈ [0, 1). */
export function triangular(d: Distribution, u: number): number {
  const { min: a, mode: c, max: b } = d;
  if (b === a) return a;
  const fc = (c - a) / (b - a);
  return u < fc ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
}

/** Standard normal by Box–Muller (one of the pair). */
function normal(rnd: () => number): number {
  let u = 0;
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape ≥ 1 here (PERT shapes are ≥ 1). */
function gamma(shape: number, rnd: () => number): number {
  if (shape < 1) return gamma(shape + 1, rnd) * rnd() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rnd);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rnd();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A draw of a factor. PERT: min + (max − min)·Beta(α, β), α = 1 + 4 (mode − min)/(max − min), β = 1 + 4 (max − mode)/(max − min). */
export function sample(d: Distribution, rnd: () => number): number {
  if (d.max === d.min) return d.min;
  if (d.kind === "triangular") return triangular(d, rnd());
  const range = d.max - d.min;
  const alpha = 1 + (4 * (d.mode - d.min)) / range;
  const beta = 1 + (4 * (d.max - d.mode)) / range;
  const x = gamma(alpha, rnd);
  const y = gamma(beta, rnd);
  return d.min + (range * x) / (x + y);
}

export interface MonteCarloResult {
  readonly draws: number;
  readonly seed: number;
  readonly enpvP10Usd: number;
  readonly enpvP50Usd: number;
  readonly enpvP90Usd: number;
  readonly enpvMeanUsd: number;
  /** EIRR percentiles over the draws that have a single rate; null when fewer than half do. */
  readonly eirrP10Pct: number | null;
  readonly eirrP50Pct: number | null;
  readonly eirrP90Pct: number | null;
  /** Draws without a unique EIRR. */
  readonly eirrUndefinedDraws: number;
  readonly probabilityEnpvNegative: number;
  readonly risks: Readonly<Record<keyof RiskFactors, Distribution>>;
}

/** Percentile (nearest-rank on a sorted array), p in [0, 100]. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k];
}

/**
 * Run `draws` seeded draws. `progress(done, total)` is called every 1 % and after the last draw (for a progress bar). Allocation per draw is
 * limited to the model's reused arrays.
 */
export function runMonteCarlo(
  model: BenefitModel,
  discountRatePct: number,
  options: { draws: number; seed: number; risks?: Readonly<Record<keyof RiskFactors, Distribution>>; progress?: (done: number, total: number) => void },
): MonteCarloResult {
  const risks = options.risks ?? DEFAULT_RISKS;
  const rnd = seededRandom(options.seed);
  const n = options.draws;
  const enpv = new Float64Array(n);
  const irr = new Float64Array(n);
  const net = new Float64Array(model.years.length);
  const every = Math.max(1, Math.floor(n / 100));
  let negative = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const f: RiskFactors = {
      capitalCost: sample(risks.capitalCost, rnd),
      demand: sample(risks.demand, rnd),
      valueOfTime: sample(risks.valueOfTime, rnd),
      delayReduction: sample(risks.delayReduction, rnd),
    };
    const s = model.streams(f);
    netFlows(s, net);
    const v = presentValue(net, discountRatePct);
    enpv[k] = v;
    sum += v;
    if (v < 0) negative++;
    irr[k] = eirrPctFast(net);
    // every 1 % and at the last draw (a bar ends with done = total whatever the number of draws)
    if (options.progress && ((k + 1) % every === 0 || k + 1 === n)) options.progress(k + 1, n);
  }
  enpv.sort();
  const defined = irr.filter((x) => !Number.isNaN(x)).sort();
  const enough = defined.length * 2 >= n && defined.length > 0;
  return {
    draws: n,
    seed: options.seed,
    enpvP10Usd: percentile(enpv, 10),
    enpvP50Usd: percentile(enpv, 50),
    enpvP90Usd: percentile(enpv, 90),
    enpvMeanUsd: sum / n,
    eirrP10Pct: enough ? percentile(defined, 10) : null,
    eirrP50Pct: enough ? percentile(defined, 50) : null,
    eirrP90Pct: enough ? percentile(defined, 90) : null,
    eirrUndefinedDraws: n - defined.length,
    probabilityEnpvNegative: negative / n,
    risks,
  };
}
