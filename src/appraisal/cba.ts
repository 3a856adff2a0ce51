/**
 * Cost–benefit analysis core: discounting, ENPV, EIRR, benefit–cost ratio, first-year return, payback year,
 * switching values and the standard sensitivity table, on yearly streams held in typed arrays.
 *
 * Conventions (EU Guide to Cost-Benefit Analysis of Investment Projects, 2014, §2.8 and annex; ADB Guidelines for the
 * Economic Analysis of Projects, 2017, ch. 6):
 *   - the first year of the streams is year 0 and is not discounted: factor_t = (1 + r)^-t, t = 0 .. n-1;
 *   - net flow_t = benefits_t + residual_t − capital_t − operating_t; ENPV = Σ factor_t · net_t;
 *   - B/C = PV(benefits + residual value) / PV(capital + operating costs);
 *   - EIRR: the rate r > −100 % with ENPV(r) = 0; reported only when exactly one such rate exists;
 *   - payback year: the first year in which the cumulative DISCOUNTED net flow reaches zero and stays ≥ 0;
 *   - first-year return: net benefit (benefits − operating cost) of the first year with benefits, in % of the
 *     undiscounted capital cost;
 *   - switching value of a stream: the % change of it that brings ENPV to zero (EU Guide 2014, §2.9.3).
 */
import { CaravanError } from "../core/errors";

/** Yearly streams of one project, in constant prices (USD of the price base year). */
export interface CbaStreams {
  /** [t] calendar year of row t (consecutive). */
  readonly year: Int32Array;
  readonly capitalCostUsd: Float64Array;
  readonly operatingCostUsd: Float64Array;
  /** [t] total economic benefits (all benefit columns summed). */
  readonly benefitsUsd: Float64Array;
  /** [t] residual value, usually only in the last year (zeros elsewhere). */
  readonly residualValueUsd: Float64Array;
}

export interface EirrResult {
  /** The rate in %, or null when no rate or several rates make ENPV zero. */
  readonly eirrPct: number | null;
  /** Why eirrPct is null (absent when a rate was found). */
  readonly eirrNote?: string;
  /** Every rate found (several → eirrPct null). */
  readonly rootsPct: readonly number[];
}

export interface SensitivityRow {
  readonly case: "base" | "capital cost +20%" | "benefits -20%" | "demand -20%" | "one-year delay" | "two-year delay";
  readonly enpvUsd: number;
  readonly eirrPct: number | null;
  readonly bcr: number | null;
}

export interface SwitchingValues {
  /** % change of benefits (including residual value) that gives ENPV = 0 (negative = a fall); null if PV is 0. */
  readonly benefitsPct: number | null;
  /** % change of capital cost that gives ENPV = 0. */
  readonly capitalCostPct: number | null;
  /** % change of operating cost that gives ENPV = 0. */
  readonly operatingCostPct: number | null;
}

export interface CbaResult {
  readonly discountRatePct: number;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly enpvUsd: number;
  readonly eirrPct: number | null;
  readonly eirrNote?: string;
  readonly bcr: number | null;
  readonly bcrNote?: string;
  readonly pvBenefitsUsd: number;
  readonly pvResidualValueUsd: number;
  readonly pvCapitalCostUsd: number;
  readonly pvOperatingCostUsd: number;
  readonly firstYearReturnPct: number | null;
  readonly paybackYear: number | null;
  readonly switchingValues: SwitchingValues;
}

/** Check a discount rate in %: finite and > −100 %. */
export function checkDiscountRate(ratePct: number): void {
  if (!Number.isFinite(ratePct) || ratePct <= -100) {
    throw new CaravanError("E_DISCOUNT_RATE_INVALID", `the discount rate must be a number above -100 % (got ${ratePct})`);
  }
}

/** [t] (1 + r)^-t for t = 0 .. n-1 (the first year undiscounted). */
export function discountFactors(n: number, ratePct: number, out = new Float64Array(n)): Float64Array {
  checkDiscountRate(ratePct);
  const g = 1 / (1 + ratePct / 100);
  let f = 1;
  for (let t = 0; t < n; t++) {
    out[t] = f;
    f *= g;
  }
  return out;
}

/** Present value Σ (1+r)^-t x_t (first element undiscounted). */
export function presentValue(values: Float64Array, ratePct: number): number {
  checkDiscountRate(ratePct);
  const g = 1 / (1 + ratePct / 100);
  // Horner from the end: x0 + g(x1 + g(x2 + ...)) — accurate and allocation-free.
  let s = 0;
  for (let t = values.length - 1; t >= 0; t--) s = values[t] + g * s;
  return s;
}

/** [t] net flow = benefits + residual − capital − operating. */
export function netFlows(s: CbaStreams, out = new Float64Array(s.year.length)): Float64Array {
  for (let t = 0; t < out.length; t++) out[t] = s.benefitsUsd[t] + s.residualValueUsd[t] - s.capitalCostUsd[t] - s.operatingCostUsd[t];
  return out;
}

function countSignChanges(net: Float64Array): number {
  let last = 0;
  let changes = 0;
  for (let t = 0; t < net.length; t++) {
    const s = Math.sign(net[t]);
    if (s === 0) continue;
    if (last !== 0 && s !== last) changes++;
    last = s;
  }
  return changes;
}

/** ENPV at growth factor g = 1/(1+r). */
function npvAtG(net: Float64Array, g: number): number {
  let s = 0;
  for (let t = net.length - 1; t >= 0; t--) s = net[t] + g * s;
  return s;
}

/** Root of f on [a, b] with f(a), f(b) of opposite signs (bisection with secant steps, Illinois variant). */
function illinois(net: Float64Array, a: number, b: number): number {
  let fa = npvAtG(net, a);
  let fb = npvAtG(net, b);
  let side = 0;
  for (let k = 0; k < 200; k++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = npvAtG(net, c);
    if (fc === 0 || Math.abs(b - a) <= 1e-15 * Math.max(1, Math.abs(c))) return c;
    if (Math.sign(fc) === Math.sign(fb)) {
      b = c;
      fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}

/**
 * Economic internal rate of return. ENPV is a polynomial in g = 1/(1+r); rates r ∈ (−100 %, ∞) map to g ∈ (0, ∞)
 * and r ≥ 0 to g ∈ (0, 1]. The roots are bracketed on a fine logarithmic grid of g (from r = +10,000 % to r = −99 %)
 * and refined; Descartes' rule of signs bounds their number by the sign changes of the net flows.
 */
export function eirr(net: Float64Array): EirrResult {
  const changes = countSignChanges(net);
  if (changes === 0) {
    const allZero = net.every((x) => x === 0);
    return {
      eirrPct: null,
      eirrNote: allZero
        ? "no rate: every net flow is zero"
        : `no rate: the net flows never change sign (all ${net.some((x) => x > 0) ? "≥ 0" : "≤ 0"}), so ENPV is never zero`,
      rootsPct: [],
    };
  }
  const roots: number[] = [];
  // g from 1/(1+100) (r = 10,000 %) to 1/(1-0.99) = 100 (r = -99 %), 4,000 log steps.
  const gMin = 1 / 101;
  const gMax = 100;
  const steps = 4000;
  const ratio = (gMax / gMin) ** (1 / steps);
  let g0 = gMin;
  let f0 = npvAtG(net, g0);
  for (let k = 1; k <= steps; k++) {
    const g1 = k === steps ? gMax : g0 * ratio;
    const f1 = npvAtG(net, g1);
    if (f0 === 0) roots.push(g0);
    else if (f1 !== 0 && Math.sign(f0) !== Math.sign(f1)) roots.push(illinois(net, g0, g1));
    g0 = g1;
    f0 = f1;
  }
  const rootsPct = roots.map((g) => 100 * (1 / g - 1)).sort((x, y) => x - y);
  if (rootsPct.length === 1) return { eirrPct: rootsPct[0], rootsPct };
  if (rootsPct.length === 0) {
    return { eirrPct: null, eirrNote: `no rate between -99 % and 10,000 %: the net flows change sign ${changes} times but ENPV does not cross zero`, rootsPct };
  }
  return {
    eirrPct: null,
    eirrNote: `several rates make ENPV zero (${rootsPct.map((r) => `${r.toFixed(2)} %`).join(", ")}): the net flows change sign ${changes} times; use ENPV`,
    rootsPct,
  };
}

/**
 * EIRR for repeated use (Monte Carlo): with exactly one sign change of the net flows the rate is unique (Descartes)
 * and found by bracketing on g ∈ [1/101, 100] without a grid; otherwise the full search of `eirr`. NaN = no rate
 * or several rates.
 */
export function eirrPctFast(net: Float64Array): number {
  if (countSignChanges(net) !== 1) {
    const r = eirr(net);
    return r.eirrPct ?? Number.NaN;
  }
  const lo = 1 / 101;
  const hi = 100;
  const flo = npvAtG(net, lo);
  const fhi = npvAtG(net, hi);
  if (flo === 0) return 100 * (1 / lo - 1);
  if (fhi === 0) return 100 * (1 / hi - 1);
  if (Math.sign(flo) === Math.sign(fhi)) return Number.NaN;
  // bisection on ln g: the polynomial spans many orders of magnitude over [1/101, 100], where secant steps stall
  let a = Math.log(lo);
  let b = Math.log(hi);
  const sa = Math.sign(flo);
  for (let k = 0; k < 80 && b - a > 1e-15; k++) {
    const m = 0.5 * (a + b);
    const fm = npvAtG(net, Math.exp(m));
    if (fm === 0) return 100 * (Math.exp(-m) - 1);
    if (Math.sign(fm) === sa) a = m;
    else b = m;
  }
  return 100 * (Math.exp(-0.5 * (a + b)) - 1);
}

/** Appraise yearly streams at a discount rate (in %). */
export function appraiseStreams(s: CbaStreams, discountRatePct: number): CbaResult {
  checkDiscountRate(discountRatePct);
  const n = s.year.length;
  if (n === 0) throw new CaravanError("E_USAGE", "no yearly rows to appraise");
  const pvB = presentValue(s.benefitsUsd, discountRatePct);
  const pvR = presentValue(s.residualValueUsd, discountRatePct);
  const pvK = presentValue(s.capitalCostUsd, discountRatePct);
  const pvO = presentValue(s.operatingCostUsd, discountRatePct);
  const enpv = pvB + pvR - pvK - pvO;
  const net = netFlows(s);
  const irr = eirr(net);
  const costs = pvK + pvO;
  const bcr = costs > 0 ? (pvB + pvR) / costs : null;
  // first-year return
  let capital = 0;
  for (let t = 0; t < n; t++) capital += s.capitalCostUsd[t];
  let firstYearReturnPct: number | null = null;
  for (let t = 0; t < n; t++) {
    if (s.benefitsUsd[t] > 0) {
      firstYearReturnPct = capital > 0 ? (100 * (s.benefitsUsd[t] - s.operatingCostUsd[t])) / capital : null;
      break;
    }
  }
  // discounted payback: first year from which the cumulative discounted net flow stays ≥ 0
  const factors = discountFactors(n, discountRatePct);
  let cumulative = 0;
  let paybackYear: number | null = null;
  for (let t = 0; t < n; t++) {
    cumulative += factors[t] * net[t];
    if (cumulative >= 0) {
      if (paybackYear === null) paybackYear = s.year[t];
    } else paybackYear = null;
  }
  const switching = (pv: number, sign: number): number | null => (pv > 0 ? (sign * 100 * enpv) / pv : null);
  return {
    discountRatePct,
    firstYear: s.year[0],
    lastYear: s.year[n - 1],
    enpvUsd: enpv,
    eirrPct: irr.eirrPct,
    ...(irr.eirrNote ? { eirrNote: irr.eirrNote } : {}),
    bcr,
    ...(bcr === null ? { bcrNote: "no costs: the benefit–cost ratio is undefined" } : {}),
    pvBenefitsUsd: pvB,
    pvResidualValueUsd: pvR,
    pvCapitalCostUsd: pvK,
    pvOperatingCostUsd: pvO,
    firstYearReturnPct,
    paybackYear,
    switchingValues: {
      benefitsPct: switching(pvB + pvR, -1),
      capitalCostPct: switching(pvK, 1),
      operatingCostPct: switching(pvO, 1),
    },
  };
}

/** Streams with each array scaled (capital, operating, benefits), sharing the year and residual arrays. */
export function scaleStreams(s: CbaStreams, capital: number, operating: number, benefits: number): CbaStreams {
  const scale = (a: Float64Array, k: number): Float64Array => (k === 1 ? a : a.map((x) => x * k));
  return { ...s, capitalCostUsd: scale(s.capitalCostUsd, capital), operatingCostUsd: scale(s.operatingCostUsd, operating), benefitsUsd: scale(s.benefitsUsd, benefits) };
}

/**
 * The streams with the project delayed by `years`: capital spending is spread over `years` more years (the same
 * total, the last construction year repeated), operating costs and benefits move `years` later and fall off the
 * end of the evaluation period, which stays fixed; the residual value stays in the last year.
 */
export function delayStreams(s: CbaStreams, years: number): CbaStreams {
  const n = s.year.length;
  const shift = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let t = years; t < n; t++) out[t] = a[t - years];
    return out;
  };
  // capital: the construction years are the years up to the last one with capital spending; stretch them.
  let lastBuild = -1;
  for (let t = 0; t < n; t++) if (s.capitalCostUsd[t] > 0) lastBuild = t;
  const capital = new Float64Array(n);
  if (lastBuild >= 0) {
    const span = lastBuild + 1;
    const stretched = span + years;
    // resample the construction profile onto `stretched` years, preserving the total
    for (let t = 0; t < Math.min(stretched, n); t++) {
      const from = (t * span) / stretched;
      const to = ((t + 1) * span) / stretched;
      let v = 0;
      for (let k = Math.floor(from); k < Math.ceil(to) && k < span; k++) {
        const lo = Math.max(from, k);
        const hi = Math.min(to, k + 1);
        if (hi > lo) v += s.capitalCostUsd[k] * (hi - lo);
      }
      capital[t] = v;
    }
  }
  // spending outside the construction period (replacements) moves with operations
  for (let t = lastBuild + 1; t < n; t++) if (t + years < n) capital[t + years] += s.capitalCostUsd[t];
  return { year: s.year, capitalCostUsd: capital, operatingCostUsd: shift(s.operatingCostUsd), benefitsUsd: shift(s.benefitsUsd), residualValueUsd: s.residualValueUsd };
}

/**
 * The standard sensitivity table. `demandStreams`, when given, are the streams under 20 % less demand (from the
 * traffic model); without it demand −20 % scales benefits by 0.8 (benefits proportional to traffic).
 */
export function sensitivityTable(s: CbaStreams, discountRatePct: number, demandStreams?: CbaStreams): SensitivityRow[] {
  const row = (name: SensitivityRow["case"], x: CbaStreams): SensitivityRow => {
    const r = appraiseStreams(x, discountRatePct);
    return { case: name, enpvUsd: r.enpvUsd, eirrPct: r.eirrPct, bcr: r.bcr };
  };
  return [
    row("base", s),
    row("capital cost +20%", scaleStreams(s, 1.2, 1, 1)),
    row("benefits -20%", scaleStreams(s, 1, 1, 0.8)),
    row("demand -20%", demandStreams ?? scaleStreams(s, 1, 1, 0.8)),
    row("one-year delay", delayStreams(s, 1)),
    row("two-year delay", delayStreams(s, 2)),
  ];
}
