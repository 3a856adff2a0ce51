/**
 * General-equilibrium counterfactuals for the one-sector structural gravity model (Anderson & van Wincoop 2003;
 * Anderson, Larch & Yotov 2018 "GEPPML"; Yotov, Piermartini, Monteiro & Larch 2016, "An Advanced Guide to Trade
 * Policy Analysis", ch. 2). The procedure, the equations and the tolerance are documented in docs/trade-ge.md.
 *
 * Notation (all arrays are indexed by country position `0 .. n-1`, pair arrays by `exporter * n + importer`):
 *   phi[i,j]  = t_ij^(1-σ), the trade-cost term of the gravity equation (exp(Xβ) for estimated costs)
 *   y[i]      = Y_i / ΣY, output share;  e[j] = E_j / ΣE, expenditure share
 *   omrPow[i] = Π_i^(1-σ) = Σ_j phi[i,j] e[j] / imrPow[j]      (outward multilateral resistance, power form)
 *   imrPow[j] = P_j^(1-σ) = Σ_i phi[i,j] y[i] / omrPow[i]      (inward multilateral resistance, power form)
 *   imrPow[reference importer] = 1                             (normalisation)
 *   X_ij      = ΣY · phi[i,j] y[i] e[j] / (omrPow[i] imrPow[j])  (modelled flows)
 *
 * Solving the two MR equations is the same problem as PPML with exporter and importer fixed effects and the offset
 * ln phi: the Poisson first-order conditions say that fitted flows add up to observed outputs (rows) and expenditures
 * (columns), which is exactly the MR system (ALY 2018, eqs. 2-38/2-39 of the Advanced Guide). Both are a matrix
 * scaling problem, solved here by alternating row and column scaling (iterative proportional fitting) on typed
 * arrays, with the reference importer's imrPow pinned to 1 after every sweep.
 *
 * Stages: baseline (MRs for the baseline costs), conditional (MRs for the new costs with outputs and expenditures
 * held fixed) and full endowment (factory-gate prices p_i adjust; Y'_i = p_i Y_i, with the supply equation
 * y'_i = (β_i p_i Π'_i)^(1-σ) whose β_i is calibrated in the baseline with p_i = 1).
 *
 * Trade imbalances in the full-endowment stage (`imbalances`):
 *   multiplicative  E'_j = (E_j/Y_j) Y'_j: deficit ratios held (Anderson & Yotov 2016); numeraire P_ref = 1.
 *   additive        E'_j = Y'_j + D_j with D_j = E_j − Y_j fixed in nominal terms; numeraire world output
 *                   (Σ Y' = Σ Y), as GEGravity (Baier, Yotov & Zylkin; Zylkin's ge_gravity) does by default. The MR
 *                   system fixes Π^(1-σ), P^(1-σ) only up to a factor c; the supply equation with world output fixed
 *                   pins it: Π'_true^(1-σ) = c Π'^(1-σ), P'_true^(1-σ) = P'^(1-σ)/c with c = p_i^σ Π_i^(1-σ)/Π'_i^(1-σ).
 * Welfare E'/E ÷ P̂ equals real GDP p ÷ P̂ under the multiplicative rule, not under the additive one.
 */
import { CaravanError } from "../../core/errors";

/** Default convergence tolerance: max |ln(lhs / rhs)| over every equation of the system. */
export const GE_DEFAULT_TOLERANCE = 1e-12;
/** Default iteration caps (sweeps of the MR scaling; outer price iterations of the full-endowment stage). */
export const GE_DEFAULT_MAX_MR_SWEEPS = 100_000;
export const GE_DEFAULT_MAX_PRICE_ITERATIONS = 10_000;

/** A baseline economy: countries, outputs, expenditures and trade costs. */
export interface GeEconomy {
  /** [country] label (ISO3). */
  readonly countries: readonly string[];
  /** [country] output Y_i in the data's value unit (e.g. USD million). */
  readonly outputValue: Float64Array;
  /** [country] expenditure E_j in the same value unit. */
  readonly expenditureValue: Float64Array;
  /** [exporter * n + importer] baseline t_ij^(1-σ) (> 0, or 0 for a pair that cannot trade). */
  readonly phi: Float64Array;
}

/** How trade imbalances carry into the counterfactual (see the file comment). */
export const GE_IMBALANCE_RULES = ["multiplicative", "additive"] as const;
export type GeImbalanceRule = (typeof GE_IMBALANCE_RULES)[number];

export interface GeOptions {
  /** Elasticity of substitution σ (> 1). */
  readonly sigma: number;
  /** Default "multiplicative" (E/Y held). */
  readonly imbalances?: GeImbalanceRule;
  /** Position of the reference importer, whose inward multilateral resistance is 1 in every stage. */
  readonly referenceImporter: number;
  /** Max |ln(lhs/rhs)| accepted for every equation; default GE_DEFAULT_TOLERANCE. */
  readonly tolerance?: number;
  readonly maxMrSweeps?: number;
  readonly maxPriceIterations?: number;
}

/** Solution of the MR system for one cost matrix and one set of output/expenditure shares. */
export interface MrSolution {
  /** [country] Π_i^(1-σ). */
  readonly omrPow: Float64Array;
  /** [country] P_j^(1-σ); 1 at the reference importer. */
  readonly imrPow: Float64Array;
  readonly sweeps: number;
  /** Largest |ln(lhs/rhs)| over both MR equations at the solution. */
  readonly maxResidual: number;
}

export interface GeStage {
  /** [country] Π_i^(1-σ). */
  readonly omrPow: Float64Array;
  /** [country] P_j^(1-σ). */
  readonly imrPow: Float64Array;
  /** [country] output in the data's value unit. */
  readonly outputValue: Float64Array;
  /** [country] expenditure in the data's value unit. */
  readonly expenditureValue: Float64Array;
  /** [exporter * n + importer] modelled flow in the data's value unit. */
  readonly flowValue: Float64Array;
}

export interface GeDiagnostics {
  readonly baselineSweeps: number;
  readonly conditionalSweeps: number;
  readonly priceIterations: number;
  /** Total MR sweeps spent inside the full-endowment stage. */
  readonly fullSweeps: number;
  /** Largest |ln(lhs/rhs)| of any equation of the full-endowment equilibrium (MRs, supply, market clearing). */
  readonly maxResidual: number;
  readonly tolerance: number;
}

export interface GeResult {
  readonly countries: readonly string[];
  readonly sigma: number;
  readonly referenceImporter: number;
  readonly imbalances: GeImbalanceRule;
  readonly baseline: GeStage;
  readonly conditional: GeStage;
  readonly full: GeStage;
  /** [country] counterfactual factory-gate price p_i (baseline 1). */
  readonly producerPrice: Float64Array;
  /** [exporter * n + importer] counterfactual t_ij^(1-σ). */
  readonly phiCounterfactual: Float64Array;
  readonly diagnostics: GeDiagnostics;
}

function checkEconomy(economy: GeEconomy, options: GeOptions): number {
  const n = economy.countries.length;
  if (n < 2) throw new CaravanError("E_DATA_INVALID", `a GE model needs at least 2 countries (got ${n})`);
  if (economy.outputValue.length !== n || economy.expenditureValue.length !== n || economy.phi.length !== n * n) {
    throw new RangeError("GeEconomy: array lengths do not match the country count");
  }
  if (!(options.sigma > 1)) throw new CaravanError("E_USAGE", `sigma must be greater than 1 (got ${options.sigma})`);
  if (!Number.isInteger(options.referenceImporter) || options.referenceImporter < 0 || options.referenceImporter >= n) {
    throw new RangeError(`GeOptions: reference importer ${options.referenceImporter} is not a country position`);
  }
  for (let i = 0; i < n; i++) {
    const label = economy.countries[i];
    if (!(economy.outputValue[i] > 0) || !Number.isFinite(economy.outputValue[i])) {
      throw new CaravanError("E_DATA_INVALID", `output of ${label} must be positive and finite (got ${economy.outputValue[i]})`, { details: { country: label } });
    }
    if (!(economy.expenditureValue[i] > 0) || !Number.isFinite(economy.expenditureValue[i])) {
      throw new CaravanError("E_DATA_INVALID", `expenditure of ${label} must be positive and finite (got ${economy.expenditureValue[i]})`, {
        details: { country: label },
      });
    }
  }
  return n;
}

function checkPhi(phi: Float64Array, countries: readonly string[], what: string): void {
  const n = countries.length;
  const rowPositive = new Uint8Array(n);
  const colPositive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = phi[i * n + j];
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new CaravanError("E_DATA_INVALID", `${what} trade cost t^(1-σ) for ${countries[i]}→${countries[j]} is not a finite non-negative number (${v})`, {
          details: { exporter: countries[i], importer: countries[j] },
        });
      }
      if (v > 0) {
        rowPositive[i] = 1;
        colPositive[j] = 1;
      }
    }
  }
  for (let k = 0; k < n; k++) {
    if (!rowPositive[k] || !colPositive[k]) {
      throw new CaravanError("E_DATA_INVALID", `${what} trade costs leave ${countries[k]} unable to ${rowPositive[k] ? "import" : "export"} at all`, {
        details: { country: countries[k] },
      });
    }
  }
}

/**
 * Solve the MR system (see the file comment) by alternating scaling. `warmStart` (an earlier solution) speeds up
 * repeated solves. Throws E_NOT_CONVERGED when `maxSweeps` pass without reaching `tolerance`.
 */
export function solveMultilateralResistances(
  phi: Float64Array, // [exporter * n + importer]
  outputShare: Float64Array, // [country], sums to 1
  expenditureShare: Float64Array, // [country], sums to 1
  referenceImporter: number,
  tolerance = GE_DEFAULT_TOLERANCE,
  maxSweeps = GE_DEFAULT_MAX_MR_SWEEPS,
  warmStart?: MrSolution,
): MrSolution {
  const n = outputShare.length;
  const omrPow = new Float64Array(n);
  const imrPow = warmStart ? Float64Array.from(warmStart.imrPow) : new Float64Array(n).fill(1);
  const invImr = new Float64Array(n); // [country] e_j / P_j^(1-σ)
  const invOmr = new Float64Array(n); // [country] y_i / Π_i^(1-σ)
  const nextImr = new Float64Array(n);
  let residual = Number.POSITIVE_INFINITY;
  let sweep = 0;
  for (; sweep < maxSweeps; sweep++) {
    for (let j = 0; j < n; j++) invImr[j] = expenditureShare[j] / imrPow[j];
    // Row update Π_i = Σ_j phi e_j / P_j, and column accumulation P_j = Σ_i phi y_i / Π_i in the same row scan.
    nextImr.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += phi[row + j] * invImr[j];
      omrPow[i] = s;
      const w = outputShare[i] / s;
      invOmr[i] = w;
      for (let j = 0; j < n; j++) nextImr[j] += phi[row + j] * w;
    }
    // Residual of the P equation at the previous P (the Π equation holds exactly after the row update).
    residual = 0;
    for (let j = 0; j < n; j++) {
      const r = Math.abs(Math.log(nextImr[j] / imrPow[j]));
      if (r > residual || Number.isNaN(r)) residual = r;
    }
    // Normalise: P_ref = 1 (scale P by 1/c and Π by c keeps both equations).
    const c = nextImr[referenceImporter];
    for (let j = 0; j < n; j++) imrPow[j] = nextImr[j] / c;
    for (let i = 0; i < n; i++) omrPow[i] *= c;
    if (residual <= tolerance) {
      sweep++;
      break;
    }
    if (Number.isNaN(residual)) break;
  }
  if (!(residual <= tolerance)) {
    throw new CaravanError("E_NOT_CONVERGED", `multilateral resistances did not converge in ${sweep} sweeps (residual ${residual.toExponential(3)} > ${tolerance})`, {
      details: { sweeps: sweep, residual, tolerance },
    });
  }
  // Final residual over both equations at the returned (normalised) point.
  const maxResidual = mrResidual(phi, outputShare, expenditureShare, omrPow, imrPow);
  return { omrPow, imrPow, sweeps: sweep, maxResidual };
}

/** Largest |ln(lhs/rhs)| of the two MR equations at (omrPow, imrPow). */
export function mrResidual(phi: Float64Array, outputShare: Float64Array, expenditureShare: Float64Array, omrPow: Float64Array, imrPow: Float64Array): number {
  const n = outputShare.length;
  let worst = 0;
  const colSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const w = outputShare[i] / omrPow[i];
    for (let j = 0; j < n; j++) {
      s += (phi[i * n + j] * expenditureShare[j]) / imrPow[j];
      colSum[j] += phi[i * n + j] * w;
    }
    worst = Math.max(worst, Math.abs(Math.log(s / omrPow[i])));
  }
  for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(Math.log(colSum[j] / imrPow[j])));
  return worst;
}

function shares(values: Float64Array): Float64Array {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k];
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[k] / total;
  return out;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k];
  return total;
}

function stage(phi: Float64Array, outputValue: Float64Array, expenditureValue: Float64Array, mr: MrSolution): GeStage {
  const n = outputValue.length;
  const y = shares(outputValue);
  const e = shares(expenditureValue);
  const world = sum(outputValue);
  const flowValue = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = (world * y[i]) / mr.omrPow[i];
    for (let j = 0; j < n; j++) flowValue[i * n + j] = (a * phi[i * n + j] * e[j]) / mr.imrPow[j];
  }
  return { omrPow: mr.omrPow, imrPow: mr.imrPow, outputValue, expenditureValue, flowValue };
}

/** Baseline stage only: MRs and modelled flows for the baseline costs. */
export function solveBaseline(economy: GeEconomy, options: GeOptions): GeStage & { readonly sweeps: number; readonly maxResidual: number } {
  checkEconomy(economy, options);
  checkPhi(economy.phi, economy.countries, "baseline");
  const mr = solveMultilateralResistances(
    economy.phi,
    shares(economy.outputValue),
    shares(economy.expenditureValue),
    options.referenceImporter,
    options.tolerance ?? GE_DEFAULT_TOLERANCE,
    options.maxMrSweeps ?? GE_DEFAULT_MAX_MR_SWEEPS,
  );
  return { ...stage(economy.phi, economy.outputValue, economy.expenditureValue, mr), sweeps: mr.sweeps, maxResidual: mr.maxResidual };
}

/**
 * Run the three stages for a change of trade costs from `economy.phi` to `phiCounterfactual`
 * ([exporter * n + importer] t'_ij^(1-σ)).
 */
export function solveCounterfactual(economy: GeEconomy, phiCounterfactual: Float64Array, options: GeOptions): GeResult {
  const n = checkEconomy(economy, options);
  if (phiCounterfactual.length !== n * n) throw new RangeError("solveCounterfactual: counterfactual cost matrix has the wrong size");
  checkPhi(economy.phi, economy.countries, "baseline");
  checkPhi(phiCounterfactual, economy.countries, "counterfactual");
  const tolerance = options.tolerance ?? GE_DEFAULT_TOLERANCE;
  const maxSweeps = options.maxMrSweeps ?? GE_DEFAULT_MAX_MR_SWEEPS;
  const maxPriceIterations = options.maxPriceIterations ?? GE_DEFAULT_MAX_PRICE_ITERATIONS;
  const ref = options.referenceImporter;
  const sigma = options.sigma;

  const y0 = shares(economy.outputValue);
  const e0 = shares(economy.expenditureValue);
  const world0 = sum(economy.outputValue);

  // 1. Baseline.
  const base = solveMultilateralResistances(economy.phi, y0, e0, ref, tolerance, maxSweeps);
  // 2. Conditional: new costs, outputs and expenditures unchanged.
  const cond = solveMultilateralResistances(phiCounterfactual, y0, e0, ref, tolerance, maxSweeps, base);

  // 3. Full endowment: iterate factory-gate prices p_i^σ = (ΣY'/ΣY) Π'_i^(1-σ) / Π_i^(1-σ) (from the supply
  //    equation with β calibrated at p = 1), re-solving the MRs for the implied output and expenditure shares.
  const additive = (options.imbalances ?? "multiplicative") === "additive";
  const deficitRatio = new Float64Array(n); // [country] E_j / Y_j, held constant (multiplicative)
  const deficit = new Float64Array(n); // [country] D_j = E_j − Y_j, held constant (additive)
  for (let k = 0; k < n; k++) {
    deficitRatio[k] = economy.expenditureValue[k] / economy.outputValue[k];
    deficit[k] = economy.expenditureValue[k] - economy.outputValue[k];
  }
  const setValues = (): void => {
    for (let k = 0; k < n; k++) {
      outputValue[k] = price[k] * economy.outputValue[k];
      expenditureValue[k] = additive ? outputValue[k] + deficit[k] : deficitRatio[k] * outputValue[k];
      if (!(expenditureValue[k] > 0)) {
        throw new CaravanError("E_NOT_CONVERGED", `additive imbalances: the expenditure of ${economy.countries[k]} (output + fixed deficit) fell to ${expenditureValue[k]}; use --imbalances multiplicative`, {
          details: { country: economy.countries[k] },
        });
      }
    }
  };
  const price = new Float64Array(n).fill(1);
  const outputValue = new Float64Array(n);
  const expenditureValue = new Float64Array(n);
  let mr = cond;
  let iterations = 0;
  let fullSweeps = 0;
  let change = Number.POSITIVE_INFINITY;
  let previousChange = Number.POSITIVE_INFINITY;
  let errorEstimate = Number.POSITIVE_INFINITY;
  const invSigma = 1 / sigma;
  while (iterations < maxPriceIterations) {
    setValues();
    mr = solveMultilateralResistances(phiCounterfactual, shares(outputValue), shares(expenditureValue), ref, tolerance * 0.1, maxSweeps, mr);
    fullSweeps += mr.sweeps;
    iterations++;
    const worldRatio = sum(outputValue) / world0;
    change = 0;
    // additive: the MR scale is free (see the file comment), so p_i ∝ (Π'_i/Π_i)^(1/σ) rescaled to Σ p Y = Σ Y
    let scale = 1;
    if (additive) {
      let world = 0;
      for (let k = 0; k < n; k++) world += ((mr.omrPow[k] / base.omrPow[k]) ** invSigma) * economy.outputValue[k];
      scale = world0 / world;
    }
    for (let k = 0; k < n; k++) {
      const next = additive ? scale * (mr.omrPow[k] / base.omrPow[k]) ** invSigma : ((worldRatio * mr.omrPow[k]) / base.omrPow[k]) ** invSigma;
      const d = Math.abs(Math.log(next / price[k]));
      if (d > change || Number.isNaN(d)) change = d;
      price[k] = next;
    }
    if (Number.isNaN(change)) break;
    // σ·change is the residual of the supply equation; the distance to the fixed point is about change/(1 − rate)
    // for a linear rate of convergence, so both must be within tolerance (slow contraction near autarky).
    const rate = change / previousChange;
    errorEstimate = sigma * change * (rate < 1 ? Math.max(1, 1 / (1 - rate)) : Number.POSITIVE_INFINITY);
    previousChange = change;
    if (sigma * change <= tolerance && (errorEstimate <= tolerance || change === 0)) break;
  }
  if (!(sigma * change <= tolerance && (errorEstimate <= tolerance || change === 0))) {
    throw new CaravanError("E_NOT_CONVERGED", `full-endowment prices did not converge in ${iterations} iterations (change ${change.toExponential(3)})`, {
      details: { iterations, change, tolerance },
    });
  }
  // Final MR solve at the converged prices so that every reported quantity is mutually consistent.
  setValues();
  mr = solveMultilateralResistances(phiCounterfactual, shares(outputValue), shares(expenditureValue), ref, tolerance * 0.1, maxSweeps, mr);
  fullSweeps += mr.sweeps;
  if (additive) {
    // the MR scale consistent with the supply equation at world-output numeraire: c = p_i^σ Π_i / Π'_i (geometric
    // mean over countries; equal for all i at the fixed point)
    let logC = 0;
    for (let k = 0; k < n; k++) logC += Math.log((price[k] ** sigma * base.omrPow[k]) / mr.omrPow[k]);
    const c = Math.exp(logC / n);
    const omrPow = mr.omrPow.map((x) => x * c);
    const imrPow = mr.imrPow.map((x) => x / c);
    mr = { ...mr, omrPow, imrPow };
  }

  const baseline = stage(economy.phi, Float64Array.from(economy.outputValue), Float64Array.from(economy.expenditureValue), base);
  const conditional = stage(phiCounterfactual, Float64Array.from(economy.outputValue), Float64Array.from(economy.expenditureValue), cond);
  const full = stage(phiCounterfactual, Float64Array.from(outputValue), Float64Array.from(expenditureValue), mr);
  const maxResidual = Math.max(mr.maxResidual, supplyResidual(base, mr, price, economy.outputValue, outputValue, sigma), marketClearingResidual(full));
  return {
    countries: economy.countries,
    sigma,
    referenceImporter: ref,
    imbalances: additive ? "additive" : "multiplicative",
    baseline,
    conditional,
    full,
    producerPrice: price,
    phiCounterfactual,
    diagnostics: {
      baselineSweeps: base.sweeps,
      conditionalSweeps: cond.sweeps,
      priceIterations: iterations,
      fullSweeps,
      maxResidual,
      tolerance,
    },
  };
}

/** Largest |ln| deviation of the supply equation y'_i = β_i p_i^(1-σ) Π'_i^(1-σ), β_i = y_i / Π_i^(1-σ). */
function supplyResidual(base: MrSolution, cf: MrSolution, price: Float64Array, output0: Float64Array, output1: Float64Array, sigma: number): number {
  const y0 = shares(output0);
  const y1 = shares(output1);
  // with world output as numeraire (additive rule) Σ Y' = Σ Y and y'_i = p_i Y_i / Σ Y' holds in the same form
  let worst = 0;
  for (let k = 0; k < price.length; k++) {
    const rhs = (y0[k] / base.omrPow[k]) * price[k] ** (1 - sigma) * cf.omrPow[k];
    worst = Math.max(worst, Math.abs(Math.log(y1[k] / rhs)));
  }
  return worst;
}

/** Largest |ln| deviation between a stage's outputs and the row sums of its modelled flows. */
function marketClearingResidual(s: GeStage): number {
  const n = s.outputValue.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += s.flowValue[i * n + j];
    worst = Math.max(worst, Math.abs(Math.log(row / s.outputValue[i])));
  }
  return worst;
}

/** Multilateral resistance level from its power form: Π = (Π^(1-σ))^(1/(1-σ)). */
export function mrLevel(pow: number, sigma: number): number {
  return pow ** (1 / (1 - sigma));
}

/** Per-country results of a counterfactual, as percentage changes from the baseline. */
export interface GeCountryResult {
  readonly country: string;
  /** Foreign exports Σ_{j≠i} X_ij: full-endowment and conditional change, %. */
  readonly exportsChangePct: number;
  readonly exportsConditionalChangePct: number;
  /** Foreign imports Σ_{i≠j} X_ij: full-endowment and conditional change, %. */
  readonly importsChangePct: number;
  readonly importsConditionalChangePct: number;
  /** Domestic (intranational) trade X_ii, full-endowment change, %. */
  readonly domesticTradeChangePct: number;
  /** Outward multilateral resistance Π_i (level): baseline, full and conditional change %. */
  readonly omrBaseline: number;
  readonly omrChangePct: number;
  readonly omrConditionalChangePct: number;
  /** Inward multilateral resistance P_i (level, 1 at the reference importer). */
  readonly imrBaseline: number;
  readonly imrChangePct: number;
  readonly imrConditionalChangePct: number;
  /** Factory-gate (producer) price p_i, %. */
  readonly producerPriceChangePct: number;
  /** Real GDP Y_i / P_i, %. */
  readonly realGdpChangePct: number;
  /** Welfare (real expenditure) (E'_i/E_i) / P̂_i − 1, %; equal to realGdpChangePct under multiplicative imbalances. */
  readonly welfareChangePct: number;
}

export interface GePairResult {
  readonly exporter: string;
  readonly importer: string;
  /** Ad valorem change in t_ij, %. */
  readonly tradeCostChangePct: number;
  /** Change in the gravity cost term t_ij^(1-σ), % (what a PTA coefficient β moves by e^β − 1). */
  readonly phiChangePct: number;
  /** Modelled baseline flow in the data's value unit. */
  readonly baselineFlowValue: number;
  readonly tradeChangePct: number;
  readonly tradeConditionalChangePct: number;
}

const pct = (after: number, before: number): number => 100 * (after / before - 1);

export function countryResults(result: GeResult): GeCountryResult[] {
  const n = result.countries.length;
  const { baseline: b, conditional: c, full: f, sigma } = result;
  const out: GeCountryResult[] = [];
  for (let k = 0; k < n; k++) {
    let xb = 0;
    let xc = 0;
    let xf = 0;
    let mb = 0;
    let mc = 0;
    let mf = 0;
    for (let o = 0; o < n; o++) {
      if (o === k) continue;
      xb += b.flowValue[k * n + o];
      xc += c.flowValue[k * n + o];
      xf += f.flowValue[k * n + o];
      mb += b.flowValue[o * n + k];
      mc += c.flowValue[o * n + k];
      mf += f.flowValue[o * n + k];
    }
    const omrB = mrLevel(b.omrPow[k], sigma);
    const imrB = mrLevel(b.imrPow[k], sigma);
    const imrF = mrLevel(f.imrPow[k], sigma);
    out.push({
      country: result.countries[k],
      exportsChangePct: pct(xf, xb),
      exportsConditionalChangePct: pct(xc, xb),
      importsChangePct: pct(mf, mb),
      importsConditionalChangePct: pct(mc, mb),
      domesticTradeChangePct: pct(f.flowValue[k * n + k], b.flowValue[k * n + k]),
      omrBaseline: omrB,
      omrChangePct: pct(mrLevel(f.omrPow[k], sigma), omrB),
      omrConditionalChangePct: pct(mrLevel(c.omrPow[k], sigma), omrB),
      imrBaseline: imrB,
      imrChangePct: pct(imrF, imrB),
      imrConditionalChangePct: pct(mrLevel(c.imrPow[k], sigma), imrB),
      producerPriceChangePct: 100 * (result.producerPrice[k] - 1),
      realGdpChangePct: pct(result.producerPrice[k] / imrF, 1 / imrB),
      welfareChangePct: pct(f.expenditureValue[k] / b.expenditureValue[k] / imrF, 1 / imrB),
    });
  }
  return out;
}

/** Per-pair results; `onlyChanged` keeps the pairs whose trade cost changed. */
export function pairResults(result: GeResult, economy: GeEconomy, onlyChanged = false): GePairResult[] {
  const n = result.countries.length;
  const out: GePairResult[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = i * n + j;
      const phiRatio = result.phiCounterfactual[p] / economy.phi[p];
      if (onlyChanged && (phiRatio === 1 || Number.isNaN(phiRatio))) continue;
      out.push({
        exporter: result.countries[i],
        importer: result.countries[j],
        tradeCostChangePct: 100 * (phiRatio ** (1 / (1 - result.sigma)) - 1),
        phiChangePct: 100 * (phiRatio - 1),
        baselineFlowValue: result.baseline.flowValue[p],
        tradeChangePct: pct(result.full.flowValue[p], result.baseline.flowValue[p]),
        tradeConditionalChangePct: pct(result.conditional.flowValue[p], result.baseline.flowValue[p]),
      });
    }
  }
  return out;
}
