/**
 * Appraisal of a project of the library (data/<dataset>/projects/*.yaml) on the network: the corridor demand routed
 * without and with the project, the yearly streams (benefits.ts), the CBA indicators (cba.ts), the sensitivity table
 * and, on request, the Monte Carlo risk analysis (monte-carlo.ts).
 *
 * Without / with: both states are the network of the project's opening year (so every other project open by then is
 * in both); "without" also avoids the project's own records (links and terminals whose `project` is its id), and
 * "with" carries the project's modifications (scenarios stage).
 *
 * Comparison method (`congestion`): "free-flow" routes every row on its least generalized cost route at free-flow
 * times (effects.ts); "congested" assigns the demand to equilibrium in both states (congested.ts, Algorithm B) at
 * two demand levels, the first full operating year's and the last operating year's, interpolated between them
 * (benefits.ts). "auto" (default) uses "congested" where the two states differ in any capacity (a second track, a
 * larger crossing or terminal), which free-flow routing cannot see, and "free-flow" otherwise.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedDemandRow } from "../assignment/corridor-demand";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import type { RoutingContext } from "../routing/index";
import { loadScenario } from "../scenarios/load";
import { appraiseStreams, type CbaResult, type SensitivityRow, sensitivityTable } from "./cba";
import { BenefitModel, type BenefitComponents, type DemandLevels } from "./benefits";
import { capacitatedArcs, capacityChangeMask, capacityDifference, CONGESTED_GAP, congestedEffects, type EquilibriumCache } from "./congested";
import { computeEffects, type ProjectEffects, projectArcMask, projectRecordIds } from "./effects";
import { type MonteCarloResult, runMonteCarlo } from "./monte-carlo";
import { type ComparisonStates, comparisonStates, scenarioFileStates } from "./states";
import { type AppraisalParameters, type Co2PricePath, type Deflator, priceFactor, readCo2Path, readDeflator, readValueOfTime, type ValueOfTime } from "./params";

/** The figures of a library project the appraisal needs (schema fields read defensively across dataset versions). */
export interface ProjectInfo {
  readonly id: string;
  readonly name: string;
  readonly capitalCostUsd: number | null;
  readonly costPriceYear: number | null;
  readonly openYear: number | null;
  readonly bri: boolean | null;
}

/** Read a project of the network's library (E_PROJECT_NOT_FOUND with suggestions). */
export function findProject(net: CompiledNetwork, id: string): ProjectInfo {
  const projects = net.network.projects as readonly Record<string, unknown>[];
  const p = projects.find((x) => x.id === id);
  if (!p) {
    throw new CaravanError("E_PROJECT_NOT_FOUND", `no project "${id}" in the project library (${projects.length} projects)`, {
      didYouMean: suggest(
        id,
        projects.map((x) => String(x.id)),
      ),
    });
  }
  const numberOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    id,
    name: String(p.name ?? id),
    // current library: capitalCostUsd + costPriceYear; earlier datasets: costUsd
    capitalCostUsd: numberOrNull(p.capitalCostUsd) ?? numberOrNull(p.costUsd),
    costPriceYear: numberOrNull(p.costPriceYear),
    openYear: numberOrNull(p.openYear),
    bri: typeof p.bri === "boolean" ? p.bri : null,
  };
}

/**
 * File and line of a project's record in the dataset's projects/*.yaml (`id: ID` in block style), for errors that
 * name file, line and field; null where it cannot be found (a flow-style record, a dataset without the folder).
 */
export function projectRecordLocation(net: CompiledNetwork, id: string): { file: string; line: number } | null {
  const dir = join(net.network.dir, "projects");
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
  } catch {
    return null;
  }
  const quoted = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^\\s*(-\\s+)?id:\\s*(${quoted}|"${quoted}"|'${quoted}')\\s*(#.*)?$`);
  for (const f of files) {
    let lines: string[];
    try {
      lines = readFileSync(join(dir, f), "utf8").split(/\r?\n/);
    } catch {
      continue;
    }
    const k = lines.findIndex((l) => pattern.test(l));
    if (k >= 0) return { file: join(dir, f), line: k + 1 };
  }
  return null;
}

/**
 * Capital cost and opening year of a project, or the error a user can act on (the cost in its own prices). With
 * `net`, a missing cost names the project's file, line and field.
 */
export function costOf(project: ProjectInfo, overrides: { capitalCostUsd?: number; openYear?: number } = {}, net?: CompiledNetwork): { capitalCostUsd: number; openYear: number } {
  const capitalCostUsd = overrides.capitalCostUsd ?? project.capitalCostUsd;
  if (capitalCostUsd === null || !(capitalCostUsd > 0)) {
    const at = net ? projectRecordLocation(net, project.id) : null;
    throw new CaravanError(
      "E_PROJECT_COST_MISSING",
      `${at ? `${at.file}:${at.line}: field "capitalCostUsd": ` : ""}project "${project.id}" has no capital cost in the library; give one with --capital-cost USD`,
      { details: { project: project.id, ...(at ? { file: at.file, line: at.line, field: "capitalCostUsd" } : {}) } },
    );
  }
  const openYear = overrides.openYear ?? project.openYear;
  if (openYear === null) throw new CaravanError("E_USAGE", `project "${project.id}" has no opening year in the library; give one with --open-year YYYY`);
  return { capitalCostUsd, openYear };
}

/**
 * The projects an appraisal of one project, a scenario file or a package needs, checked before the run starts, so
 * that bad input (an unknown project, a project without a capital cost or an opening year, a scenario that switches
 * no project on) is one error and writes nothing, not even a failed run in the store. `capitalCostUsd` and `openYear`
 * are the command's overrides (a scenario's overriding capital cost stands for all its projects).
 */
export function checkAppraisalSubject(
  net: CompiledNetwork,
  subject: { readonly project?: string; readonly scenario?: string; readonly packageProjects?: readonly string[] },
  overrides: { capitalCostUsd?: number; openYear?: number } = {},
): void {
  if (subject.project !== undefined) costOf(findProject(net, subject.project), overrides, net);
  if (subject.scenario !== undefined) {
    const sc = loadScenario(subject.scenario);
    if (sc.projectsOn.length === 0) throw new CaravanError("E_USAGE", `${subject.scenario}: the scenario switches no project on; there is no capital cost to appraise`);
    for (const id of sc.projectsOn) costOf(findProject(net, id), overrides.capitalCostUsd !== undefined ? { capitalCostUsd: overrides.capitalCostUsd } : {}, net);
  }
  for (const id of subject.packageProjects ?? []) costOf(findProject(net, id), {}, net);
}

export interface ProjectAppraisal {
  readonly project: ProjectInfo;
  readonly capitalCostUsd: number;
  readonly openYear: number;
  /** Price base year of every figure (constant prices of that year). */
  readonly priceBaseYear: number;
  /** What was restated into the price base year, by which factor, and what has no price year. */
  readonly prices: PriceRestatement;
  readonly parameters: AppraisalParameters;
  readonly co2Path: { readonly path: string; readonly source: string };
  readonly network: {
    readonly year: number;
    readonly projectRecords: readonly string[];
    readonly demandRows: number;
    readonly routedRows: number;
    readonly rowsOnProject: number;
    readonly unroutedTonnesPerYear: number;
    readonly note?: string;
    /** How the with/without comparison was computed. */
    readonly comparison: ComparisonInfo;
  };
  readonly firstFullYear: BenefitComponents;
  readonly streams: { year: number; capitalCostUsd: number; operatingCostUsd: number; benefitsUsd: number; residualValueUsd: number }[];
  readonly result: CbaResult;
  readonly sensitivity: readonly SensitivityRow[];
  readonly monteCarlo?: MonteCarloResult;
}

/** The comparison method and, for the congested one, the equilibria behind it. */
export interface ComparisonInfo {
  readonly method: "free-flow" | "congested";
  /** Why this method (auto: whether the states differ in a capacity). */
  readonly reason: string;
  /** Congested: the assignments per demand level (year, demand multiplier, relative gaps reached). */
  readonly levels?: readonly {
    year: number;
    demandScale: number;
    /** Gap both states were solved to (tightened from the requested one until the saving was resolved). */
    gap: number;
    gapWithout: number;
    gapWith: number;
    iterations: number;
    elapsedS: number;
    /** Total generalized cost (time + ρ buffer at the value of time, charges) of the demand at this level without and with, USD per year (the assignment's prices). */
    costWithoutUsd: number;
    costWithUsd: number;
    /** Saving at each gap solved. */
    savings: readonly { gap: number; savingUsd: number }[];
    /** Benefit components of this level's per-row changes at its demand (base factors, full ramp-up), USD per year. */
    components?: BenefitComponents;
  }[];
}

export type CongestionMode = "auto" | "congested" | "free-flow";

/** The restatement of an appraisal's values into its price base year (rule estimate:deflator-restatement). */
export interface PriceRestatement {
  readonly baseYear: number;
  readonly deflator: string;
  readonly restated: readonly { readonly item: string; readonly priceYear: number; readonly factor: number }[];
  readonly notRestated: readonly { readonly item: string; readonly reason: string }[];
}

/** A capital cost in its own prices. */
export interface CapitalCostItem {
  readonly id: string;
  readonly capitalCostUsd: number;
  readonly priceYear: number | null;
}

/** The price base year: the parameter, else the latest price year of the capital costs (E_PRICE_YEAR_UNKNOWN if none). */
export function priceBaseYearOf(p: AppraisalParameters, items: readonly CapitalCostItem[]): number {
  if (p.priceBaseYear !== null) return p.priceBaseYear;
  const years = items.map((i) => i.priceYear).filter((y): y is number => y !== null);
  if (years.length > 0) return Math.max(...years);
  throw new CaravanError("E_PRICE_YEAR_UNKNOWN", `the capital cost of ${items.map((i) => i.id).join(", ")} has no price year: give the price base year (--price-base-year YYYY)`);
}

/** Capital costs restated into the base year and summed (E_PRICE_YEAR_UNKNOWN for a cost without a price year). */
export function restateCapital(items: readonly CapitalCostItem[], baseYear: number, deflator: Deflator): { capitalCostUsd: number; restated: { item: string; priceYear: number; factor: number }[] } {
  let total = 0;
  const restated: { item: string; priceYear: number; factor: number }[] = [];
  for (const i of items) {
    if (i.priceYear === null) {
      throw new CaravanError("E_PRICE_YEAR_UNKNOWN", `the capital cost of ${i.id} has no price year: give it with --cost-price-year YYYY`);
    }
    const factor = priceFactor(deflator, i.priceYear, baseYear, `capital cost of ${i.id}`);
    total += i.capitalCostUsd * factor;
    restated.push({ item: `capital cost of ${i.id}`, priceYear: i.priceYear, factor });
  }
  return { capitalCostUsd: total, restated };
}

export interface ProjectAppraisalInputs {
  readonly ctx: RoutingContext;
  readonly demand: readonly ResolvedDemandRow[];
  readonly parameters: AppraisalParameters;
  readonly valuesOfTime?: readonly ValueOfTime[];
  readonly co2?: Co2PricePath;
  /** Price index for the restatement into the price base year (default data/appraisal/gdp-deflator-usa.csv). */
  readonly deflator?: Deflator;
  readonly capitalCostUsd?: number;
  /** Price year of `capitalCostUsd` (default: the price base year). */
  readonly costPriceYear?: number;
  readonly openYear?: number;
  /** Comparison method (default "auto": congested where the states differ in any capacity). */
  readonly congestion?: CongestionMode;
  /** Relative gap of each equilibrium (default 1e-4). */
  readonly congestedGap?: number;
  readonly monteCarlo?: { readonly draws: number; readonly seed: number; readonly progress?: (done: number, total: number) => void };
}

/**
 * The effects of switching `on` on in the network of `year` (scenarios stage: their links and terminals opened and
 * their modifications applied), with `alwaysOff` switched off in both states and everything else as in that year.
 */
export function effectsOf(ctx: RoutingContext, demand: readonly ResolvedDemandRow[], year: number, on: readonly string[], alwaysOff: readonly string[] = []): ProjectEffects {
  const states = comparisonStates(ctx, year, { on: [], off: [...on, ...alwaysOff] }, { on, off: alwaysOff });
  return computeEffects(states.ctx, demand, { state: states.without }, { state: states.with }, projectArcMask(states.ctx.net, on));
}

/** The network year of a set of projects: the latest opening year of the projects and of their records. */
export function networkYear(net: CompiledNetwork, projectIds: readonly string[], openYear: number): number {
  let year = openYear;
  const want = new Set(projectIds);
  for (const l of net.network.links) if (l.project !== null && want.has(l.project) && l.openYear !== null) year = Math.max(year, l.openYear);
  for (const t of net.network.terminals) if (t.project !== null && want.has(t.project) && t.openYear !== null) year = Math.max(year, t.openYear);
  return year;
}

/** What is appraised: one project, or the projects a scenario switches on, with the cost side. */
export interface AppraisalSubject {
  readonly project: ProjectInfo;
  /** Capital cost in prices of the price base year. */
  readonly capitalCostUsd: number;
  /** Price base year and the restatement of the capital cost into it. */
  readonly prices: { readonly baseYear: number; readonly restated: readonly { readonly item: string; readonly priceYear: number; readonly factor: number }[] };
  readonly openYear: number;
  /** Records the subject builds (for reports). */
  readonly records: readonly string[];
  /** Network year of the comparison. */
  readonly year: number;
}

/**
 * The subject of a library project, its capital cost restated into the price base year (`parameters.priceBaseYear`,
 * else the cost's own price year). An overriding capital cost is in prices of `costPriceYear`, else of the base year.
 */
export function projectSubject(
  net: CompiledNetwork,
  project: ProjectInfo,
  overrides: { capitalCostUsd?: number; openYear?: number; costPriceYear?: number } = {},
  parameters: Pick<AppraisalParameters, "priceBaseYear"> = { priceBaseYear: null },
  deflator: Deflator = readDeflator(),
): AppraisalSubject {
  const cost = costOf(project, overrides, net);
  const override = overrides.capitalCostUsd !== undefined;
  // the cost's own price year: the library's, or for an overriding cost the one given with it (else the base year's)
  const ownYear = override ? (overrides.costPriceYear ?? null) : project.costPriceYear;
  const baseYear = priceBaseYearOf(parameters as AppraisalParameters, [{ id: project.id, capitalCostUsd: cost.capitalCostUsd, priceYear: ownYear ?? (override ? project.costPriceYear : null) }]);
  const restated = restateCapital([{ id: project.id, capitalCostUsd: cost.capitalCostUsd, priceYear: override ? (ownYear ?? baseYear) : ownYear }], baseYear, deflator);
  return {
    project,
    capitalCostUsd: restated.capitalCostUsd,
    openYear: cost.openYear,
    prices: { baseYear, restated: restated.restated },
    records: projectRecordIds(net, [project.id]),
    year: networkYear(net, [project.id], cost.openYear),
  };
}

/** Values of time and the carbon path restated into the price base year, with what was and was not restated. */
export function restatedUnitValues(
  baseYear: number,
  inputs: Pick<ProjectAppraisalInputs, "parameters" | "valuesOfTime" | "co2" | "deflator">,
): { valuesOfTime: ValueOfTime[]; co2: Co2PricePath; restated: { item: string; priceYear: number; factor: number }[]; notRestated: { item: string; reason: string }[] } {
  const deflator = inputs.deflator ?? readDeflator();
  const restated: { item: string; priceYear: number; factor: number }[] = [];
  const notRestated: { item: string; reason: string }[] = [];
  const valuesOfTime = (inputs.valuesOfTime ?? readValueOfTime()).map((v) => {
    const item = `value of time (${v.profileId})`;
    if (v.priceYear === null) {
      notRestated.push({ item, reason: "the cargo value behind it has no price year" });
      return v;
    }
    const f = priceFactor(deflator, v.priceYear, baseYear, item);
    restated.push({ item, priceYear: v.priceYear, factor: f });
    return { ...v, lowUsdPerTH: v.lowUsdPerTH * f, centralUsdPerTH: v.centralUsdPerTH * f, highUsdPerTH: v.highUsdPerTH * f };
  });
  let co2 = inputs.co2 ?? readCo2Path(inputs.parameters.co2Path);
  const item = `carbon price (${co2.path})`;
  if (co2.priceYear === null) notRestated.push({ item, reason: "the path has no price year" });
  else {
    const f = priceFactor(deflator, co2.priceYear, baseYear, item);
    restated.push({ item, priceYear: co2.priceYear, factor: f });
    co2 = { ...co2, lowUsdPerT: co2.lowUsdPerT.map((x) => x * f), highUsdPerT: co2.highUsdPerT.map((x) => x * f) };
  }
  notRestated.push({ item: "transport charges (network cost model)", reason: "the unit costs of the network carry no single price year" });
  return { valuesOfTime, co2, restated, notRestated };
}

/** The benefit model of a subject from its effects. */
export function subjectModel(subject: AppraisalSubject, effects: ProjectEffects, inputs: Pick<ProjectAppraisalInputs, "parameters" | "valuesOfTime" | "co2" | "deflator">, levels?: DemandLevels): BenefitModel {
  const u = restatedUnitValues(subject.prices.baseYear, inputs);
  return new BenefitModel(effects, u.valuesOfTime, inputs.parameters, u.co2, { capitalCostUsd: subject.capitalCostUsd, openYear: subject.openYear }, levels);
}

/** Appraise one project of the library. */
export function appraiseProject(project: ProjectInfo, inputs: ProjectAppraisalInputs): ProjectAppraisal {
  const subject = projectSubject(
    inputs.ctx.net,
    project,
    { capitalCostUsd: inputs.capitalCostUsd, openYear: inputs.openYear, costPriceYear: inputs.costPriceYear },
    inputs.parameters,
    inputs.deflator ?? readDeflator(),
  );
  const on = [project.id];
  const states = comparisonStates(inputs.ctx, subject.year, { on: [], off: on }, { on, off: [] });
  return appraiseSubject(subject, comparisonEffects(subject, states, projectArcMask(states.ctx.net, on), inputs), inputs);
}

/**
 * Links a project's capacity modifications target that carry no capacity in tonnes or TEU per year (only trains per
 * day, or none): the corridor assignment has no volume-delay function on them, so scaling their capacity changes no
 * equilibrium time.
 */
export function capacityTargetsWithoutTonnes(net: CompiledNetwork, projectId: string): string[] {
  const p = (net.network.projects as readonly Record<string, unknown>[]).find((x) => x.id === projectId);
  const mods = (p?.modifications ?? []) as readonly { target?: string; id?: string; scale?: Record<string, unknown>; set?: Record<string, unknown> }[];
  const out: string[] = [];
  for (const m of mods) {
    if (m.target !== "link" || typeof m.id !== "string" || !(m.scale?.capacity !== undefined || m.set?.capacity !== undefined)) continue;
    const l = net.network.links.find((x) => x.id === m.id) as unknown as Record<string, unknown> | undefined;
    if (l && l.capacityTonnesPerYear == null && l.capacityTeuPerYear == null) out.push(l.capacityTrainsPerDay != null ? `${m.id} (${l.capacityTrainsPerDay} trains/day only)` : `${m.id} (no capacity)`);
  }
  return out;
}

/** Effects of a comparison of states by the chosen method (free-flow routes or congested equilibria). */
export interface SubjectEffects {
  readonly effects: ProjectEffects;
  readonly levels?: DemandLevels;
  readonly comparison: ComparisonInfo;
}

/** Demand multipliers (relative to the demand file) of the first full operating year and the last operating year. */
export function demandLevelYears(subject: Pick<AppraisalSubject, "openYear">, p: AppraisalParameters): { year: number; scale: number }[] {
  const open = subject.openYear + p.delayYears;
  let j = 0;
  while (j < p.operationYears - 1 && (j < p.rampUp.length ? p.rampUp[j] : 1) < 1) j++;
  const g = 1 + p.demandGrowthPct / 100;
  const years = [open + j, open + p.operationYears - 1];
  return years.map((year) => ({ year, scale: g ** (year - p.demandBaseYear) }));
}

/**
 * Values of time per unit of each cargo profile (USD per FEU-hour, per tonne-hour, ...) from the appraisal's table
 * (central values per tonne-hour, restated into the price base year where it is known) × the profile's mass; null
 * without a base year. Profiles the table does not name keep their own value.
 */
export function assignmentValuesOfTime(net: CompiledNetwork, baseYear: number | null, inputs: Pick<ProjectAppraisalInputs, "parameters" | "valuesOfTime" | "co2" | "deflator">): Record<string, number> | null {
  if (baseYear === null) return null;
  const out: Record<string, number> = {};
  for (const v of restatedUnitValues(baseYear, inputs).valuesOfTime) {
    const profile = net.network.cargo.find((c) => c.id === v.profileId);
    if (profile && v.centralUsdPerTH > 0) out[v.profileId] = v.centralUsdPerTH * profile.massT.value;
  }
  return out;
}

/** The effects of a comparison of two states by the method `inputs.congestion` selects. */
export function comparisonEffects(
  subject: Pick<AppraisalSubject, "openYear"> & { readonly prices?: AppraisalSubject["prices"] },
  states: ComparisonStates,
  projectArcs: Uint8Array,
  inputs: ProjectAppraisalInputs,
  options: {
    /** The method decided by the caller (a portfolio decides once for all its comparisons), with its reason. */
    readonly decided?: { readonly method: "free-flow" | "congested"; readonly reason: string };
    /** Reuse of solved equilibria across comparisons that share a state (names of the two states in the cache). */
    readonly cache?: { readonly map: EquilibriumCache; readonly withoutKey: string; readonly withKey: string };
  } = {},
): SubjectEffects {
  let mask = projectArcs;
  const mode = inputs.congestion ?? "auto";
  // shippers trade time against charges at the values of time the benefits are priced with (both comparisons)
  const valueOfTimeUsdPerH = assignmentValuesOfTime(states.ctx.net, subject.prices?.baseYear ?? null, inputs);
  // free-flow routes are chosen by the generalized cost the benefits value: the buffer priced at the appraisal's ρ
  const rho = { reliabilityRatio: inputs.parameters.reliabilityRatio };
  const freeFlow = (capacitated?: Uint8Array) =>
    computeEffects(states.ctx, inputs.demand, { state: states.without, ...rho }, { state: states.with, ...rho }, mask, capacitated, valueOfTimeUsdPerH);
  let congested: boolean;
  let reason: string;
  let free: ProjectEffects | null = null;
  if (options.decided) {
    congested = options.decided.method === "congested";
    reason = options.decided.reason;
  } else if (mode !== "auto") {
    congested = mode === "congested";
    reason = `requested: ${mode}`;
  } else {
    const diff = capacityDifference(states.without, states.with);
    if (diff !== null) {
      congested = true;
      const what = [diff.changed > 0 ? `changes the capacity of ${diff.changed} arcs` : "", diff.opened > 0 ? `opens ${diff.opened} arcs with a capacity` : ""].filter((x) => x !== "");
      reason = `auto: the project ${what.join(" and ")}, so the demand is assigned to equilibrium in both states`;
    } else {
      // no capacity of its own: congested all the same where the traffic it attracts meets capacitated elements
      const ff = freeFlow(capacitatedArcs(states.with));
      congested = ff.rowsMeetingCapacity > 0;
      reason = congested
        ? `auto: the traffic the project attracts meets capacitated elements (${ff.rowsMeetingCapacity} demand rows at free flow), so the demand is assigned to equilibrium in both states`
        : "auto: the project changes or opens no capacity and its traffic meets none, so free-flow routes are compared";
      if (!congested) free = ff;
    }
  }
  if (!congested) {
    return { effects: free ?? freeFlow(), comparison: { method: "free-flow", reason } };
  }
  const gap = inputs.congestedGap ?? CONGESTED_GAP;
  // traffic on the project: arcs it builds or whose capacity it changes
  const upgraded = capacityChangeMask(states.without, states.with);
  for (let a = 0; a < upgraded.length && a < mask.length; a++) upgraded[a] |= mask[a];
  mask = upgraded;
  const [lo, hi] = demandLevelYears(subject, inputs.parameters);
  const cache = options.cache;
  // the equilibria price the reliability buffer at the appraisal's reliability ratio, as the benefits do
  const opts = { gap, reliabilityRatio: inputs.parameters.reliabilityRatio, ...(cache ? { cache } : {}), ...(valueOfTimeUsdPerH ? { valueOfTimeUsdPerH } : {}) };
  const low = congestedEffects(states.ctx, inputs.demand, states.without, states.with, mask, { demandScale: lo.scale, ...opts });
  const high = hi.scale === lo.scale ? low : congestedEffects(states.ctx, inputs.demand, states.without, states.with, mask, { demandScale: hi.scale, ...opts });
  const level = (y: number, e: typeof low) => ({
    year: y,
    demandScale: e.run.demandScale,
    gap: e.run.gap,
    gapWithout: e.run.gapWithout,
    gapWith: e.run.gapWith,
    iterations: e.run.iterationsWithout + e.run.iterationsWith,
    elapsedS: e.run.elapsedS,
    costWithoutUsd: e.run.costWithoutUsd,
    costWithUsd: e.run.costWithUsd,
    savings: e.run.savings,
  });
  return {
    effects: low,
    levels: { high, lowScale: lo.scale, highScale: hi.scale },
    comparison: { method: "congested", reason, levels: high === low ? [level(lo.year, low)] : [level(lo.year, low), level(hi.year, high)] },
  };
}

/** Appraise a scenario file: its projects switched on against its baseline; the cost is the sum of theirs. */
export function appraiseScenarioFile(file: string, inputs: ProjectAppraisalInputs): ProjectAppraisal {
  const states = scenarioFileStates(inputs.ctx, file);
  const sc = states.scenario;
  if (sc.projectsOn.length === 0) throw new CaravanError("E_USAGE", `${file}: the scenario switches no project on; there is no capital cost to appraise`);
  const net = states.ctx.net;
  const items: CapitalCostItem[] = [];
  let open = sc.year ?? 0;
  const override = inputs.capitalCostUsd !== undefined;
  for (const id of sc.projectsOn) {
    const info = findProject(net, id);
    // an overriding capital cost stands for the whole scenario: a project without a cost of its own is then fine
    const c = costOf(info, override ? { capitalCostUsd: inputs.capitalCostUsd } : {}, net);
    items.push({ id, capitalCostUsd: c.capitalCostUsd, priceYear: info.costPriceYear });
    open = Math.max(open, c.openYear);
  }
  const deflator = inputs.deflator ?? readDeflator();
  // base year: the parameter, else the overriding cost's price year, else the latest price year of the projects' costs
  const baseYear = priceBaseYearOf(inputs.parameters, override && inputs.costPriceYear !== undefined ? [{ id: sc.name, capitalCostUsd: inputs.capitalCostUsd!, priceYear: inputs.costPriceYear }] : items);
  const cost = override
    ? restateCapital([{ id: sc.name, capitalCostUsd: inputs.capitalCostUsd!, priceYear: inputs.costPriceYear ?? baseYear }], baseYear, deflator)
    : restateCapital(items, baseYear, deflator);
  const project: ProjectInfo = { id: sc.name, name: `scenario ${sc.name} (${sc.projectsOn.join(", ")})`, capitalCostUsd: cost.capitalCostUsd, costPriceYear: baseYear, openYear: open, bri: null };
  const subject: AppraisalSubject = {
    project,
    capitalCostUsd: cost.capitalCostUsd,
    prices: { baseYear, restated: cost.restated },
    openYear: inputs.openYear ?? open,
    records: projectRecordIds(net, sc.projectsOn),
    year: sc.year ?? open,
  };
  return appraiseSubject(subject, comparisonEffects(subject, states, projectArcMask(net, sc.projectsOn), inputs), inputs);
}

/** The appraisal of a subject from its effects. */
export function appraiseSubject(subject: AppraisalSubject, source: ProjectEffects | SubjectEffects, inputs: ProjectAppraisalInputs): ProjectAppraisal {
  const p = inputs.parameters;
  const se: SubjectEffects = "comparison" in source ? source : { effects: source, comparison: { method: "free-flow", reason: "effects given by the caller" } };
  const effects = se.effects;
  const model = subjectModel(subject, effects, inputs, se.levels);
  const unit = restatedUnitValues(subject.prices.baseYear, inputs);
  const co2 = unit.co2;
  const s = model.streams();
  const streams = Array.from(s.year, (y, k) => ({
    year: y,
    capitalCostUsd: s.capitalCostUsd[k],
    operatingCostUsd: s.operatingCostUsd[k],
    benefitsUsd: s.benefitsUsd[k],
    residualValueUsd: s.residualValueUsd[k],
  }));
  const base = { year: s.year, capitalCostUsd: s.capitalCostUsd.slice(), operatingCostUsd: s.operatingCostUsd.slice(), benefitsUsd: s.benefitsUsd.slice(), residualValueUsd: s.residualValueUsd.slice() };
  const result = appraiseStreams(base, p.discountRatePct);
  const sensitivity = sensitivityTable(base, p.discountRatePct, model.demandStreams(0.8));
  let routedRows = 0;
  let rowsOnProject = 0;
  for (let r = 0; r < effects.rows.length; r++) {
    routedRows += effects.routed[r];
    rowsOnProject += effects.usesProject[r];
  }
  const firstFullYear = model.components();
  const levelComponents = model.levelComponents();
  const comparison: ComparisonInfo = se.comparison.levels
    ? { ...se.comparison, levels: se.comparison.levels.map((l, i) => (levelComponents[i] ? { ...l, components: levelComponents[i] } : l)) }
    : se.comparison;
  const changed = firstFullYear.timeSavingsUsd !== 0 || firstFullYear.transportCostSavingsUsd !== 0 || firstFullYear.reliabilityUsd !== 0 || firstFullYear.co2SavedT !== 0;
  const untonned = changed ? [] : capacityTargetsWithoutTonnes(inputs.ctx.net, subject.project.id);
  const why = untonned.length > 0 ? `; its capacity modifications target links with no capacity in tonnes or TEU per year, which the corridor assignment needs for a volume-delay function: ${untonned.join(", ")}` : "";
  const note = changed
    ? undefined
    : subject.records.length === 0
      ? se.comparison.method === "congested"
        ? `the project builds no link or terminal of its own and its modifications change no equilibrium time, charge, dwell or CO2 of the corridor demand${why}: benefits 0`
        : `the project builds no link or terminal of its own (it changes existing records through its modifications) and no route of the corridor demand changes time, charges, dwell or CO2 in free-flow routing${why}: benefits 0`
      : "no route of the corridor demand changes with the project in the network of its opening year: benefits 0";
  const monteCarlo = inputs.monteCarlo ? runMonteCarlo(model, p.discountRatePct, inputs.monteCarlo) : undefined;
  return {
    project: subject.project,
    capitalCostUsd: subject.capitalCostUsd,
    openYear: subject.openYear,
    priceBaseYear: subject.prices.baseYear,
    prices: {
      baseYear: subject.prices.baseYear,
      deflator: `US GDP implicit price deflator, ${(inputs.deflator ?? readDeflator()).source}`,
      restated: [...subject.prices.restated, ...unit.restated],
      notRestated: unit.notRestated,
    },
    parameters: p,
    co2Path: { path: co2.path, source: co2.source },
    network: {
      year: subject.year,
      projectRecords: subject.records,
      demandRows: effects.rows.length,
      routedRows,
      rowsOnProject,
      unroutedTonnesPerYear: effects.unroutedTonnes,
      ...(note ? { note } : {}),
      comparison,
    },
    firstFullYear,
    streams,
    result,
    sensitivity,
    ...(monteCarlo ? { monteCarlo } : {}),
  };
}
