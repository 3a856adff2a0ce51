/**
 * Portfolio appraisal of a package of projects (`caravan appraise --package FILE`):
 *   - standalone: each project alone (the other projects of the package off) against none of them;
 *   - incremental: all the others on, with and without the project;
 *   - pairs: the interaction I_ab = ENPV(a and b) − ENPV(a) − ENPV(b) with each alone as above; I_ab > 0 means
 *     complementary (the projects serve each other's flows), < 0 competing (they serve the same flows, e.g. two
 *     crossings); the combined appraisal adds the two capital costs and opens at the later opening year;
 *   - best portfolio under a budget: the subset of largest ENPV(S) ≈ Σ standalone ENPV + Σ pair interactions within S
 *     (second order: interactions among three or more projects are left out) whose capital costs fit the budget;
 *     n ≤ 20 projects are enumerated exactly on that approximation.
 * Comparison method: as for a single project (`--congestion auto|congested|free-flow`, project.ts), decided once for
 * the whole package so that standalone, incremental and pair values are comparable: "auto" assigns every comparison
 * to equilibrium (congested.ts) when any project of the package changes a capacity on its own, and compares
 * free-flow routes otherwise. States are built once per switch set and equilibria solved once per state and demand
 * level (the "none" baseline serves every standalone comparison, "all on" every incremental one).
 * Package file (YAML): `projects: [id, ...]`, optional `budgetUsd: N`.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { NetworkState } from "../network/state";
import { CaravanError, parseError } from "../core/errors";
import { appraiseStreams } from "./cba";
import { capacitatedArcs, capacityChanges, type EquilibriumCache } from "./congested";
import { computeEffects, projectArcMask } from "./effects";
import { readDeflator } from "./params";
import { type AppraisalSubject, assignmentValuesOfTime, type ComparisonInfo, comparisonEffects, findProject, networkYear, priceBaseYearOf, type ProjectAppraisalInputs, projectSubject, type SubjectEffects, subjectModel } from "./project";
import { type ProjectSwitches, switchedState } from "./states";

export interface PackageFile {
  readonly file: string;
  readonly projects: readonly string[];
  readonly budgetUsd: number | null;
}

/** Read a package file (E_PARSE naming the field; E_PROJECT_NOT_FOUND is raised later with suggestions). */
export function readPackage(file: string): PackageFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    throw parseError(file, line, "yaml", (error as Error).message.split("\n")[0]);
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  if (!Array.isArray(d.projects) || d.projects.length === 0 || !d.projects.every((x) => typeof x === "string")) {
    throw parseError(file, 1, "projects", "expected a non-empty list of project ids");
  }
  if (new Set(d.projects).size !== d.projects.length) throw parseError(file, 1, "projects", "a project is listed twice");
  if (d.projects.length > 20) throw parseError(file, 1, "projects", `at most 20 projects in a package (got ${d.projects.length})`);
  let budget: number | null = null;
  if (d.budgetUsd !== undefined) {
    if (typeof d.budgetUsd !== "number" || !(d.budgetUsd > 0) || !Number.isFinite(d.budgetUsd)) throw parseError(file, 1, "budgetUsd", "expected a positive number of US dollars");
    budget = d.budgetUsd;
  }
  return { file, projects: d.projects as string[], budgetUsd: budget };
}

export interface PortfolioProjectRow {
  readonly id: string;
  readonly name: string;
  readonly capitalCostUsd: number;
  readonly openYear: number;
  readonly standaloneEnpvUsd: number;
  readonly standaloneBcr: number | null;
  readonly incrementalEnpvUsd: number;
  readonly incrementalBcr: number | null;
  readonly rankByEnpv: number;
  readonly rankByBcr: number;
}

export interface PortfolioPair {
  readonly a: string;
  readonly b: string;
  readonly interactionEnpvUsd: number;
  readonly relation: "complementary" | "competing" | "independent";
}

export interface PortfolioResult {
  readonly package: string;
  readonly discountRatePct: number;
  /** Price base year of every figure (capital costs and unit values restated into it). */
  readonly priceBaseYear: number;
  readonly projects: readonly PortfolioProjectRow[];
  readonly pairs: readonly PortfolioPair[];
  readonly budgetUsd: number | null;
  readonly best: { readonly projects: readonly string[]; readonly capitalCostUsd: number; readonly approxEnpvUsd: number } | null;
  readonly method: string;
  /** The with/without comparison of every appraisal of the package, and the work it took. */
  readonly comparison: {
    readonly method: ComparisonInfo["method"];
    readonly reason: string;
    /** Network states built (one per switch set). */
    readonly states: number;
    /** Equilibrium assignments solved (congested: one per state and demand level). */
    readonly equilibria: number;
    readonly comparisons: number;
  };
}

type Inputs = Omit<ProjectAppraisalInputs, "monteCarlo" | "capitalCostUsd" | "openYear">;

/** The comparisons of one package: states and equilibria built once and reused. */
class PackageComparisons {
  private readonly states = new Map<string, NetworkState>();
  private readonly effects = new Map<string, SubjectEffects>();
  readonly equilibria: EquilibriumCache = new Map();
  comparisons = 0;
  decided: { method: "free-flow" | "congested"; reason: string } = { method: "free-flow", reason: "" };

  constructor(
    private readonly inputs: Inputs,
    private readonly year: number,
    private readonly reuse: boolean,
  ) {}

  state(switches: ProjectSwitches): { key: string; state: NetworkState } {
    const key = `on:${[...switches.on].sort().join(",")};off:${[...switches.off].sort().join(",")}`;
    let st = this.states.get(key);
    if (!st) {
      st = switchedState(this.inputs.ctx, this.year, switches).state;
      this.states.set(key, st);
    }
    return { key, state: st };
  }

  get stateCount(): number {
    return this.states.size;
  }

  /** Decide the method once: "auto" is congested when any project alone changes a capacity. */
  decide(ids: readonly string[], baseYear: number | null): void {
    const mode = this.inputs.congestion ?? "auto";
    if (mode !== "auto") {
      this.decided = { method: mode, reason: `requested: ${mode} (every comparison of the package)` };
      return;
    }
    const none = this.state({ on: [], off: ids }).state;
    const alone = (id: string) => this.state({ on: [id], off: ids.filter((x) => x !== id) }).state;
    const changing = ids.filter((id) => capacityChanges(none, alone(id)));
    if (changing.length > 0) {
      this.decided = {
        method: "congested",
        reason: `auto: ${changing.join(", ")} change${changing.length === 1 ? "s" : ""} or open${changing.length === 1 ? "s" : ""} a capacity, so every comparison of the package is assigned to equilibrium`,
      };
      return;
    }
    // no capacity of their own: congested all the same where the traffic a project attracts meets capacitated elements
    const ctx = this.inputs.ctx;
    const vot = assignmentValuesOfTime(ctx.net, baseYear, this.inputs);
    const meeting = ids.filter((id) => {
      const st = alone(id);
      const rho = { reliabilityRatio: this.inputs.parameters.reliabilityRatio };
      return computeEffects(ctx, this.inputs.demand, { state: none, ...rho }, { state: st, ...rho }, projectArcMask(ctx.net, [id]), capacitatedArcs(st), vot).rowsMeetingCapacity > 0;
    });
    this.decided =
      meeting.length > 0
        ? { method: "congested", reason: `auto: the traffic ${meeting.join(", ")} attract${meeting.length === 1 ? "s" : ""} meets capacitated elements, so every comparison of the package is assigned to equilibrium` }
        : { method: "free-flow", reason: "auto: no project of the package changes or opens a capacity, nor does its traffic meet one, so free-flow routes are compared" };
  }

  /** ENPV and B/C of `subject` switching `switched` on from the `without` switches. */
  appraise(subject: AppraisalSubject, without: ProjectSwitches, switched: readonly string[]): { enpv: number; bcr: number | null } {
    const a = this.state(without);
    const withSw = { on: [...without.on, ...switched], off: without.off.filter((x) => !switched.includes(x)) };
    const b = this.state(withSw);
    this.comparisons++;
    // free-flow effects do not depend on the opening year; congested ones do (the demand levels of its years)
    const key = `${a.key}→${b.key}${this.decided.method === "congested" ? `|open=${subject.openYear}` : ""}`;
    let se = this.reuse ? this.effects.get(key) : undefined;
    if (!se) {
      const ctx = this.inputs.ctx;
      se = comparisonEffects(subject, { ctx, without: a.state, with: b.state }, projectArcMask(ctx.net, switched), this.inputs, {
        decided: this.decided,
        ...(this.reuse ? { cache: { map: this.equilibria, withoutKey: a.key, withKey: b.key } } : {}),
      });
      if (this.reuse) this.effects.set(key, se);
    }
    const r = appraiseStreams(subjectModel(subject, se.effects, this.inputs, se.levels).streams(), this.inputs.parameters.discountRatePct);
    return { enpv: r.enpvUsd, bcr: r.bcr };
  }
}

/** Appraise a package (see the file comment). */
export function appraisePackage(pkg: PackageFile, inputs: Inputs, options: { /** Reuse states' equilibria and effects across comparisons (default true; false only for the benchmark's reference). */ readonly reuse?: boolean } = {}): PortfolioResult {
  const net = inputs.ctx.net;
  const infos = pkg.projects.map((id) => findProject(net, id));
  // one price base year for the package: the parameter, else the latest price year of its capital costs
  const deflator = inputs.deflator ?? readDeflator();
  const baseYear = priceBaseYearOf(
    inputs.parameters,
    infos.map((p) => ({ id: p.id, capitalCostUsd: p.capitalCostUsd ?? 0, priceYear: p.costPriceYear })),
  );
  const subjects = infos.map((p) => projectSubject(net, p, {}, { priceBaseYear: baseYear }, deflator));
  const ids = pkg.projects;
  const n = ids.length;
  // one network year for the package: the latest opening, so every project can be on
  const year = Math.max(...subjects.map((s) => networkYear(net, [s.project.id], s.openYear)));
  const cmp = new PackageComparisons(inputs, year, options.reuse ?? true);
  cmp.decide(ids, baseYear);
  const others = (k: number): string[] => ids.filter((_, j) => j !== k);
  const standalone: { enpv: number; bcr: number | null }[] = [];
  const incremental: { enpv: number; bcr: number | null }[] = [];
  for (let k = 0; k < n; k++) {
    const subject = { ...subjects[k], year };
    // standalone: the others off in both states; incremental: the others on in both states
    standalone.push(cmp.appraise(subject, { on: [], off: ids }, [ids[k]]));
    incremental.push(cmp.appraise(subject, { on: others(k), off: [ids[k]] }, [ids[k]]));
  }
  const pairs: PortfolioPair[] = [];
  const interaction = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const both: AppraisalSubject = {
        project: { id: `${ids[a]}+${ids[b]}`, name: "", capitalCostUsd: null, costPriceYear: null, openYear: null, bri: null },
        capitalCostUsd: subjects[a].capitalCostUsd + subjects[b].capitalCostUsd,
        prices: { baseYear, restated: [...subjects[a].prices.restated, ...subjects[b].prices.restated] },
        openYear: Math.max(subjects[a].openYear, subjects[b].openYear),
        records: [],
        year,
      };
      const none = { on: [], off: ids };
      const joint = cmp.appraise(both, none, [ids[a], ids[b]]).enpv;
      // the stand-alone values re-timed to the joint opening, so that the interaction measures flows, not timing
      const ea = cmp.appraise({ ...subjects[a], openYear: both.openYear, year }, none, [ids[a]]).enpv;
      const eb = cmp.appraise({ ...subjects[b], openYear: both.openYear, year }, none, [ids[b]]).enpv;
      const i = joint - ea - eb;
      interaction[a * n + b] = i;
      interaction[b * n + a] = i;
      const scale = Math.max(Math.abs(joint), Math.abs(ea), Math.abs(eb), 1);
      pairs.push({ a: ids[a], b: ids[b], interactionEnpvUsd: i, relation: i > 1e-6 * scale ? "complementary" : i < -1e-6 * scale ? "competing" : "independent" });
    }
  }
  const rank = (values: (number | null)[]): number[] => {
    const order = values.map((v, k) => ({ v: v ?? Number.NEGATIVE_INFINITY, k })).sort((x, y) => y.v - x.v || x.k - y.k);
    const out = new Array<number>(values.length);
    order.forEach((o, r) => {
      out[o.k] = r + 1;
    });
    return out;
  };
  const byEnpv = rank(standalone.map((s) => s.enpv));
  const byBcr = rank(standalone.map((s) => s.bcr));
  const projects = infos.map((p, k) => ({
    id: p.id,
    name: p.name,
    capitalCostUsd: subjects[k].capitalCostUsd,
    openYear: subjects[k].openYear,
    standaloneEnpvUsd: standalone[k].enpv,
    standaloneBcr: standalone[k].bcr,
    incrementalEnpvUsd: incremental[k].enpv,
    incrementalBcr: incremental[k].bcr,
    rankByEnpv: byEnpv[k],
    rankByBcr: byBcr[k],
  }));
  let best: PortfolioResult["best"] = null;
  const budget = pkg.budgetUsd ?? Number.POSITIVE_INFINITY;
  let bestValue = 0;
  let bestMask = 0;
  let bestCost = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    let cost = 0;
    let value = 0;
    for (let k = 0; k < n; k++) {
      if (!(mask & (1 << k))) continue;
      cost += subjects[k].capitalCostUsd;
      value += standalone[k].enpv;
      for (let j = k + 1; j < n; j++) if (mask & (1 << j)) value += interaction[k * n + j];
    }
    if (cost <= budget && value > bestValue) {
      bestValue = value;
      bestMask = mask;
      bestCost = cost;
    }
  }
  if (bestMask !== 0) best = { projects: ids.filter((_, k) => bestMask & (1 << k)), capitalCostUsd: bestCost, approxEnpvUsd: bestValue };
  return {
    package: pkg.file,
    discountRatePct: inputs.parameters.discountRatePct,
    priceBaseYear: baseYear,
    projects,
    pairs,
    budgetUsd: pkg.budgetUsd,
    best,
    comparison: { method: cmp.decided.method, reason: cmp.decided.reason, states: cmp.stateCount, equilibria: cmp.equilibria.size, comparisons: cmp.comparisons },
    method: "standalone: the project alone vs none of the package; incremental: all others on, with vs without it; pair interaction ENPV(a+b) − ENPV(a) − ENPV(b) at the later opening year; best portfolio: largest Σ standalone ENPV + Σ pair interactions with positive value within the budget (interactions of three or more projects left out)",
  };
}
