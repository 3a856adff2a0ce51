/**
 * Yearly CBA streams of a project from its network effects (effects.ts) and the appraisal parameters (params.ts).
 *
 * Per demand row r (tonnes T0 in the base year, per-tonne generalized cost GC = charges + VoT (time + ρ buffer)):
 *   ΔGC_r = Δcharges + VoT·f_vot·f_delay·(Δtime + ρ Δbuffer)            saving per tonne (f_* are risk factors, 1 = base)
 *   existing traffic    T0·Δtime·VoT (time), T0·ρ·Δbuffer·VoT (reliability), T0·Δcharges (transport cost)
 *   generated traffic   T1 − T0 = T0·ε·(−ΔGC/GC_without) (constant elasticity, ε ≤ 0), valued at ½ (T1 − T0) ΔGC
 *   CO2                 (T0·ΔCO2/t − (T1 − T0)·CO2_with/t) × shadow price(year)
 * Year y of operation k: demand multiplier (1 + g)^(y − base year) × f_demand, ramp-up share of k.
 * All row terms are linear in T0 once the factors are fixed, so one pass over the rows per draw gives two sums (user
 * benefits and CO2 tonnes per unit of demand) and the years only multiply them: a Monte Carlo draw costs O(rows +
 * years) and never re-routes.
 *
 * Congested comparison (congested.ts): the per-row changes come from equilibrium assignments at two demand levels
 * (`DemandLevels`: the first full operating year's and the last operating year's); the per-unit-demand sums are
 * interpolated linearly in the year's demand multiplier between the two (held constant outside them). Draws of the
 * Monte Carlo and the demand sensitivity scale the demand without re-assigning: the per-pair changes are those of
 * the base demand path.
 */
import type { CbaStreams } from "./cba";
import type { ProjectEffects } from "./effects";
import { type AppraisalParameters, type Co2PricePath, co2PriceUsdPerT, type ValueOfTime } from "./params";

/** Risk factors of one draw (1 = the base case). */
export interface RiskFactors {
  readonly capitalCost: number;
  readonly demand: number;
  readonly valueOfTime: number;
  /** Scales the time and reliability savings (the "delay reductions" of the project). */
  readonly delayReduction: number;
}

/** Effects at a second (higher) demand level and the demand multipliers of both levels (congested comparison). */
export interface DemandLevels {
  readonly high: ProjectEffects;
  /** Demand multiplier (relative to the demand file) of the model's own effects. */
  readonly lowScale: number;
  /** Demand multiplier of `high`. */
  readonly highScale: number;
}

export const BASE_FACTORS: RiskFactors = { capitalCost: 1, demand: 1, valueOfTime: 1, delayReduction: 1 };

/** The project's cost side. */
export interface ProjectCost {
  readonly capitalCostUsd: number;
  readonly openYear: number;
}

/** Base-case benefit components of the first full operating year, USD (for reports). */
export interface BenefitComponents {
  readonly year: number;
  readonly timeSavingsUsd: number;
  readonly reliabilityUsd: number;
  readonly transportCostSavingsUsd: number;
  readonly generatedTrafficUsd: number;
  readonly co2SavingsUsd: number;
  readonly co2SavedT: number;
  readonly divertedTonnes: number;
  readonly generatedTonnes: number;
}

/** Precomputed per-row terms and the year grid; `streams()` fills reusable arrays. */
export class BenefitModel {
  readonly params: AppraisalParameters;
  readonly cost: ProjectCost;
  /** Calendar years of the evaluation period (construction start … last operating year). */
  readonly years: Int32Array;
  /** Index of the opening year in `years`. */
  readonly openIndex: number;
  private readonly rows: number;
  private readonly t0: Float64Array;
  private readonly vot: Float64Array;
  private readonly dCharge: Float64Array;
  private readonly dTimeH: Float64Array;
  private readonly dBufferH: Float64Array;
  private readonly gcFixed: Float64Array; // charges without
  private readonly timeWithoutH: Float64Array; // time + ρ buffer without
  private readonly dCo2T: Float64Array;
  private readonly co2WithT: Float64Array;
  /** [row] share of the row's tonnes on the project. */
  private readonly uses: Float64Array;
  /** [year] shadow price of carbon, USD per t. */
  private readonly co2Price: Float64Array;
  /** [year] demand multiplier without the risk factor. */
  private readonly demandGrowth: Float64Array;
  /** [year] ramp-up share (0 before opening). */
  private readonly ramp: Float64Array;
  private readonly out: { capital: Float64Array; operating: Float64Array; benefits: Float64Array; residual: Float64Array };

  /** The model of the higher demand level, with the multipliers (congested comparison), or null. */
  private readonly levels: { readonly model: BenefitModel; readonly lowScale: number; readonly highScale: number } | null;

  constructor(effects: ProjectEffects, valuesOfTime: readonly ValueOfTime[], params: AppraisalParameters, co2: Co2PricePath, cost: ProjectCost, levels?: DemandLevels) {
    this.params = params;
    this.levels = levels ? { model: new BenefitModel(levels.high, valuesOfTime, params, co2, cost), lowScale: levels.lowScale, highScale: levels.highScale } : null;
    this.cost = cost;
    const n = effects.rows.length;
    this.rows = n;
    const votOf = new Map(valuesOfTime.map((v) => [v.profileId, v.centralUsdPerTH]));
    this.t0 = new Float64Array(n);
    this.vot = new Float64Array(n);
    this.dCharge = new Float64Array(n);
    this.dTimeH = new Float64Array(n);
    this.dBufferH = new Float64Array(n);
    this.gcFixed = new Float64Array(n);
    this.timeWithoutH = new Float64Array(n);
    this.dCo2T = new Float64Array(n);
    this.co2WithT = new Float64Array(n);
    this.uses = effects.projectShare ?? Float64Array.from(effects.usesProject);
    for (let r = 0; r < n; r++) {
      if (!effects.routed[r]) continue;
      const profileId = effects.profiles[effects.profile[r]];
      const v = votOf.get(profileId);
      if (v === undefined) throw new RangeError(`no value of time for cargo profile ${profileId}`);
      this.t0[r] = effects.tonnes[r];
      this.vot[r] = v;
      this.dCharge[r] = effects.costWithoutUsdPerT[r] - effects.costWithUsdPerT[r];
      this.dTimeH[r] = effects.timeWithoutH[r] - effects.timeWithH[r];
      this.dBufferH[r] = effects.bufferWithoutH[r] - effects.bufferWithH[r];
      this.gcFixed[r] = effects.costWithoutUsdPerT[r];
      this.timeWithoutH[r] = effects.timeWithoutH[r] + params.reliabilityRatio * effects.bufferWithoutH[r];
      this.dCo2T[r] = (effects.co2WithoutKgPerT[r] - effects.co2WithKgPerT[r]) / 1000;
      this.co2WithT[r] = effects.co2WithKgPerT[r] / 1000;
    }
    // year grid: construction (with delay) then operation
    const build = params.constructionYears + params.delayYears;
    const open = cost.openYear + params.delayYears;
    const first = open - build;
    const count = build + params.operationYears;
    this.years = Int32Array.from({ length: count }, (_, k) => first + k);
    this.openIndex = build;
    this.co2Price = new Float64Array(count);
    this.demandGrowth = new Float64Array(count);
    this.ramp = new Float64Array(count);
    const g = 1 + params.demandGrowthPct / 100;
    for (let k = 0; k < count; k++) {
      const y = this.years[k];
      this.co2Price[k] = co2PriceUsdPerT(co2, y, params.co2Level);
      this.demandGrowth[k] = g ** (y - params.demandBaseYear);
      const op = k - build;
      this.ramp[k] = op < 0 ? 0 : op < params.rampUp.length ? params.rampUp[op] : 1;
    }
    this.out = { capital: new Float64Array(count), operating: new Float64Array(count), benefits: new Float64Array(count), residual: new Float64Array(count) };
  }

  /** Σ over rows of (user benefit, CO2 tonnes saved) per unit of the demand multiplier, under the factors. */
  private rowSums(f: RiskFactors): { user: number; co2T: number } {
    const rho = this.params.reliabilityRatio;
    const eps = this.params.elasticity;
    const kv = f.valueOfTime;
    const kd = f.delayReduction;
    let user = 0;
    let co2T = 0;
    for (let r = 0; r < this.rows; r++) {
      const t0 = this.t0[r];
      if (t0 === 0) continue;
      const vot = this.vot[r] * kv;
      const dGc = this.dCharge[r] + vot * kd * (this.dTimeH[r] + rho * this.dBufferH[r]);
      if (dGc === 0 && this.dCo2T[r] === 0) continue;
      const gc0 = this.gcFixed[r] + vot * this.timeWithoutH[r];
      let generated = gc0 > 0 ? t0 * eps * (-dGc / gc0) : 0;
      if (t0 + generated < 0) generated = -t0;
      user += t0 * dGc + 0.5 * generated * dGc;
      co2T += t0 * this.dCo2T[r] - generated * this.co2WithT[r];
    }
    return { user, co2T };
  }

  /**
   * The yearly streams under the factors. The arrays are reused between calls (copy them to keep them); capital is
   * spread evenly over the construction years.
   */
  streams(f: RiskFactors = BASE_FACTORS): CbaStreams {
    const { capital, operating, benefits, residual } = this.out;
    const p = this.params;
    const count = this.years.length;
    const build = this.openIndex;
    const capitalUsd = this.cost.capitalCostUsd * f.capitalCost;
    const low = this.rowSums(f);
    const high = this.levels ? this.levels.model.rowSums(f) : low;
    const lv = this.levels;
    const om = (capitalUsd * p.omPct) / 100;
    for (let k = 0; k < count; k++) {
      capital[k] = k < build ? capitalUsd / build : 0;
      operating[k] = k < build ? 0 : om;
      const scale = this.ramp[k] * this.demandGrowth[k] * f.demand;
      let w = 0;
      if (lv !== null && lv.highScale !== lv.lowScale) w = Math.min(1, Math.max(0, (this.demandGrowth[k] - lv.lowScale) / (lv.highScale - lv.lowScale)));
      const user = low.user + w * (high.user - low.user);
      const co2T = low.co2T + w * (high.co2T - low.co2T);
      benefits[k] = scale * (user + co2T * this.co2Price[k]);
      residual[k] = 0;
    }
    residual[count - 1] = (capitalUsd * Math.max(0, p.serviceLifeYears - p.operationYears)) / p.serviceLifeYears;
    return { year: this.years, capitalCostUsd: capital, operatingCostUsd: operating, benefitsUsd: benefits, residualValueUsd: residual };
  }

  /** Streams under 20 % less demand (the sensitivity case; generated traffic and CO2 follow the demand). */
  demandStreams(share = 0.8): CbaStreams {
    const s = this.streams({ ...BASE_FACTORS, demand: share });
    return { year: s.year, capitalCostUsd: s.capitalCostUsd.slice(), operatingCostUsd: s.operatingCostUsd.slice(), benefitsUsd: s.benefitsUsd.slice(), residualValueUsd: s.residualValueUsd.slice() };
  }

  /** Index in `years` of the first operating year with full ramp-up. */
  firstFullIndex(): number {
    let k = this.openIndex;
    while (k < this.years.length - 1 && this.ramp[k] < 1) k++;
    return k;
  }

  /** Demand multiplier (relative to the demand file, base factors) of year index k. */
  demandMultiplier(k: number): number {
    return this.demandGrowth[k];
  }

  /** Benefit components in the first operating year with full ramp-up (base factors; the model's own effects). */
  components(): BenefitComponents {
    const k = this.firstFullIndex();
    return this.componentsAt(k, this.demandGrowth[k]);
  }

  /**
   * Benefit components of each equilibrium level of the congested comparison (base factors, no ramp-up): the per-row
   * changes of that level at its own demand multiplier, in its year; empty without levels.
   */
  levelComponents(): BenefitComponents[] {
    const lv = this.levels;
    if (lv === null) return [];
    const yearOf = (scale: number) => {
      let k = this.openIndex;
      while (k < this.years.length - 1 && this.demandGrowth[k] < scale * (1 - 1e-12)) k++;
      return k;
    };
    const low = this.componentsAt(yearOf(lv.lowScale), lv.lowScale);
    return lv.highScale === lv.lowScale ? [low] : [low, lv.model.componentsAt(yearOf(lv.highScale), lv.highScale)];
  }

  /** Benefit components of this model's per-row changes with the demand multiplier `scale`, priced in year index k. */
  private componentsAt(k: number, scale: number): BenefitComponents {
    const p = this.params;
    let time = 0;
    let rel = 0;
    let charges = 0;
    let gen = 0;
    let co2T = 0;
    let diverted = 0;
    let generatedT = 0;
    for (let r = 0; r < this.rows; r++) {
      const t0 = this.t0[r] * scale;
      if (t0 === 0) continue;
      const vot = this.vot[r];
      const dGc = this.dCharge[r] + vot * (this.dTimeH[r] + p.reliabilityRatio * this.dBufferH[r]);
      const gc0 = this.gcFixed[r] + vot * this.timeWithoutH[r];
      let generated = gc0 > 0 ? t0 * p.elasticity * (-dGc / gc0) : 0;
      if (t0 + generated < 0) generated = -t0;
      time += t0 * vot * this.dTimeH[r];
      rel += t0 * vot * p.reliabilityRatio * this.dBufferH[r];
      charges += t0 * this.dCharge[r];
      gen += 0.5 * generated * dGc;
      co2T += t0 * this.dCo2T[r] - generated * this.co2WithT[r];
      diverted += t0 * this.uses[r];
      generatedT += generated;
    }
    return {
      year: this.years[k],
      timeSavingsUsd: time,
      reliabilityUsd: rel,
      transportCostSavingsUsd: charges,
      generatedTrafficUsd: gen,
      co2SavingsUsd: co2T * this.co2Price[k],
      co2SavedT: co2T,
      divertedTonnes: diverted,
      generatedTonnes: generatedT,
    };
  }
}
