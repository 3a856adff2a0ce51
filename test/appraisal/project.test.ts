/**
 * Contracts of the project appraisal (src/appraisal/project.ts, benefits.ts, effects.ts, monte-carlo.ts,
 * portfolio.ts) on the hand-checkable fixture test/fixtures/appraisal (road 50 km/h and 0.1 USD/t-km, rail 50 km/h
 * and 0.05 USD/t-km; CO2 100 and 20 g/t-km):
 *
 *   b1 ──road 200 km (4 h, 20 USD/t, 20 kg/t)── b2        today
 *   b1 ──bypass road 100 km (2 h, 10 USD/t, 10 kg/t)── b2  project b-bypass, 2030, USD 50 m
 *   b1 ──rail 150 km (3 h, 7.5 USD/t, 3 kg/t)── b2         project b-rail, 2030, USD 80 m
 *
 * Demand: b1→b2 1 Mt/yr bulk (served by either project) and a1→b3 0.5 Mt/yr (untouched by both).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  appraisePackage,
  appraiseSubject,
  BenefitModel,
  comparisonStates,
  computeEffects,
  DEFAULT_PARAMETERS,
  effectsOf,
  findProject,
  projectArcMask,
  projectSubject,
  readCo2Path,
  readValueOfTime,
  runMonteCarlo,
  sample,
  subjectModel,
} from "../../src/appraisal/index";
import { seededRandom } from "../../src/core/random";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const dir = join(import.meta.dirname, "..", "fixtures", "appraisal");
const net = openNetwork(dir);
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
/** Hand-check settings: no growth, no ramp-up. */
const params = { ...DEFAULT_PARAMETERS, demandGrowthPct: 0, rampUp: [] as number[] };
const bulkVot = readValueOfTime().find((v) => v.profileId === "bulk")!.centralUsdPerTH;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe("with/without network effects", () => {
  it("the bypass halves time, charges and CO2 of b1→b2 and leaves a1→b3 alone (rail off in both states)", () => {
    const e = effectsOf(ctx, demand, 2030, ["b-bypass"], ["b-rail"]);
    expect(Array.from(e.timeWithoutH)).toEqual([4, 16]);
    expect(Array.from(e.timeWithH)).toEqual([2, 16]);
    expect(Array.from(e.costWithoutUsdPerT)).toEqual([20, 30]);
    expect(Array.from(e.costWithUsdPerT)).toEqual([10, 30]);
    expect(Array.from(e.co2WithoutKgPerT)).toEqual([20, 30]);
    expect(Array.from(e.co2WithKgPerT)).toEqual([10, 30]);
    expect(Array.from(e.usesProject)).toEqual([1, 0]);
  });

  it("with the rail open in both states, the bypass carries nothing (the shipper takes the cheaper rail)", () => {
    const e = effectsOf(ctx, demand, 2030, ["b-bypass"]);
    expect(Array.from(e.usesProject)).toEqual([0, 0]);
    expect(Array.from(e.timeWithH)).toEqual(Array.from(e.timeWithoutH));
  });

  it("routes trade time against charges at the values of time given (the appraisal's), not the profile's", () => {
    // with both projects on, b1→b2 costs 7.5 USD/t + 3 h by rail and 10 USD/t + 2 h by the bypass: the bulk profile's
    // 0.0833 USD/t-h keeps the rail; at 5 USD/t-h the hour saved is worth more than the 2.5 USD/t dearer bypass
    const states = comparisonStates(ctx, 2030, { on: ["b-rail"], off: ["b-bypass"] }, { on: ["b-rail", "b-bypass"], off: [] });
    const mask = projectArcMask(states.ctx.net, ["b-bypass"]);
    const own = computeEffects(states.ctx, demand, { state: states.without }, { state: states.with }, mask);
    expect(Array.from(own.usesProject)).toEqual([0, 0]);
    expect(own.timeWithH[0]).toBe(3);
    const given = computeEffects(states.ctx, demand, { state: states.without }, { state: states.with }, mask, undefined, { bulk: 5 });
    expect(Array.from(given.usesProject)).toEqual([1, 0]);
    expect(given.timeWithH[0]).toBe(2);
    expect(given.costWithUsdPerT[0]).toBe(10);
  });
});

describe("yearly streams", () => {
  const subject = projectSubject(net, findProject(net, "b-bypass"));
  const effects = effectsOf(ctx, demand, 2030, ["b-bypass"], ["b-rail"]);
  const model = new BenefitModel(effects, readValueOfTime(), params, readCo2Path("world-bank-2017"), subject);
  const s = model.streams();

  it("benefits = T0 ΔGC + ½ ΔT ΔGC + CO2 saved × shadow price, with ΔT from the elasticity (hand-computed)", () => {
    const dGc = 10 + bulkVot * 2; // USD per tonne: charges + value of time × hours saved
    const gc0 = 20 + bulkVot * 4;
    const generated = 1e6 * -0.5 * (-dGc / gc0); // = 250,000 t: ΔGC/GC0 is exactly ½ here
    expect(generated).toBeCloseTo(250_000, 6);
    const user = 1e6 * dGc + 0.5 * generated * dGc;
    const co2T = 1e6 * 0.01 - generated * 0.01; // 10 kg/t saved, generated tonnes emit 10 kg/t
    const k2030 = Array.from(s.year).indexOf(2030);
    expect(s.benefitsUsd[k2030]).toBeCloseTo(user + co2T * 50, 4); // World Bank low path: USD 50/t in 2030
    const k2040 = Array.from(s.year).indexOf(2040);
    expect(s.benefitsUsd[k2040]).toBeCloseTo(user + co2T * 64, 4); // 50 + (78 − 50)/2
  });

  it("capital is spread over the 4 years before opening, O&M is 1 % a year, the residual value is 20/50 of the cost", () => {
    expect(Array.from(s.year.slice(0, 5))).toEqual([2026, 2027, 2028, 2029, 2030]);
    expect(Array.from(s.capitalCostUsd.slice(0, 5))).toEqual([12.5e6, 12.5e6, 12.5e6, 12.5e6, 0]);
    expect(s.operatingCostUsd[3]).toBe(0);
    expect(s.operatingCostUsd[4]).toBe(0.5e6);
    expect(s.residualValueUsd[s.residualValueUsd.length - 1]).toBe(20e6);
    expect(s.year[s.year.length - 1]).toBe(2059);
  });

  it("the appraisal reports the components and a positive ENPV for this flow", () => {
    const a = appraiseSubject(subject, effects, { ctx, demand, parameters: params });
    expect(a.firstFullYear.timeSavingsUsd).toBeCloseTo(1e6 * 2 * bulkVot, 6);
    expect(a.firstFullYear.transportCostSavingsUsd).toBeCloseTo(10e6, 6);
    expect(a.firstFullYear.divertedTonnes).toBe(1e6);
    expect(a.result.enpvUsd).toBeGreaterThan(0);
    expect(a.result.eirrPct).not.toBeNull();
    expect(a.sensitivity[3].enpvUsd).toBeLessThan(a.sensitivity[0].enpvUsd);
  });

  it("20 % less demand lowers every benefit year by 20 %", () => {
    const d = model.demandStreams(0.8);
    const base = model.streams();
    for (let k = 4; k < base.year.length; k++) expect(d.benefitsUsd[k]).toBeCloseTo(0.8 * base.benefitsUsd[k], 6);
  });
});

describe("Monte Carlo", () => {
  const subject = projectSubject(net, findProject(net, "b-bypass"));
  const effects = effectsOf(ctx, demand, 2030, ["b-bypass"], ["b-rail"]);
  // the appraisal's own model: unit values restated into the subject's price base year
  const model = subjectModel(subject, effects, { parameters: params });

  it("is reproducible with a seed and orders its percentiles", () => {
    const a = runMonteCarlo(model, 6, { draws: 2000, seed: 7 });
    const b = runMonteCarlo(model, 6, { draws: 2000, seed: 7 });
    expect(a.enpvP50Usd).toBe(b.enpvP50Usd);
    expect(a.enpvP10Usd).toBeLessThanOrEqual(a.enpvP50Usd);
    expect(a.enpvP50Usd).toBeLessThanOrEqual(a.enpvP90Usd);
    expect(a.eirrP10Pct!).toBeLessThanOrEqual(a.eirrP90Pct!);
    const c = runMonteCarlo(model, 6, { draws: 2000, seed: 8 });
    expect(c.enpvP50Usd).not.toBe(a.enpvP50Usd);
  });

  it("reports progress every 1 % and ends the bar at the last draw whatever the number of draws", () => {
    // 201 draws: a report every 2 draws, and one at draw 201 (without it the bar stopped at 200/201, unterminated)
    const calls: [number, number][] = [];
    runMonteCarlo(model, 6, { draws: 201, seed: 1, progress: (done, total) => calls.push([done, total]) });
    expect(calls[calls.length - 1]).toEqual([201, 201]);
    expect(calls.filter(([done]) => done === 201)).toHaveLength(1);
    expect(calls.every(([done], k) => k === 0 || done > calls[k - 1][0])).toBe(true);
  });

  it("degenerate distributions give the base-case ENPV in every draw", () => {
    const one = { kind: "pert" as const, min: 1, mode: 1, max: 1 };
    const r = runMonteCarlo(model, 6, { draws: 50, seed: 1, risks: { capitalCost: one, demand: one, valueOfTime: one, delayReduction: one } });
    const base = appraiseSubject(subject, effects, { ctx, demand, parameters: params }).result.enpvUsd;
    expect(r.enpvP10Usd).toBeCloseTo(base, 4);
    expect(r.enpvP90Usd).toBeCloseTo(base, 4);
  });

  it("PERT and triangular samplers have their textbook means", () => {
    const rnd = seededRandom(3);
    const pert = { kind: "pert" as const, min: 0.7, mode: 1, max: 1.6 };
    const tri = { kind: "triangular" as const, min: 0.6, mode: 1, max: 2.1 };
    let sp = 0;
    let st = 0;
    const n = 40_000;
    for (let k = 0; k < n; k++) {
      sp += sample(pert, rnd);
      st += sample(tri, rnd);
    }
    expect(sp / n).toBeCloseTo((0.7 + 4 + 1.6) / 6, 2);
    expect(st / n).toBeCloseTo((0.6 + 1 + 2.1) / 3, 2);
  });
});

describe("portfolio", () => {
  it("ranks projects, finds the two B One–B Two projects competing, and keeps the best within the budget", () => {
    const p = appraisePackage({ file: "pkg", projects: ["b-bypass", "b-rail"], budgetUsd: 100e6 }, { ctx, demand, parameters: params });
    expect(p.pairs).toHaveLength(1);
    expect(p.pairs[0].relation).toBe("competing");
    expect(p.pairs[0].interactionEnpvUsd).toBeLessThan(0);
    // with the other on, each adds less than alone
    for (const r of p.projects) expect(r.incrementalEnpvUsd).toBeLessThan(r.standaloneEnpvUsd);
    expect(p.best!.projects).toHaveLength(1); // both together exceed the budget (USD 130 m)
    const bestAlone = p.projects.reduce((x, y) => (y.standaloneEnpvUsd > x.standaloneEnpvUsd ? y : x));
    expect(p.best!.projects[0]).toBe(bestAlone.id);
    expect(p.projects.map((r) => r.rankByEnpv).sort()).toEqual([1, 2]);
  });
});

describe("caravan appraise --scenario", () => {
  it("appraises the projects a scenario switches on against its baseline (same streams as the project with the rail off)", async () => {
    const c = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--scenario", join(dir, "scenario-bypass.yaml"), "--demand-growth", "0", "--ramp-up", "", "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    const subject = projectSubject(net, findProject(net, "b-bypass"));
    const direct = appraiseSubject(subject, effectsOf(ctx, demand, 2030, ["b-bypass"], ["b-rail"]), { ctx, demand, parameters: params });
    expect(j.capitalCostUsd).toBe(50e6);
    expect(j.enpvUsd).toBeCloseTo(direct.result.enpvUsd, 3);
  });
});

describe("caravan appraise --project", () => {
  it("prints the appraisal as JSON with Monte Carlo and writes an offline HTML report", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const report = join(tmp, "r.html");
    const c = capture();
    const code = await runCli(["--data", dir, "appraise", "--no-store", "--project", "b-rail", "--draws", "500", "--seed", "2", "--json", "--report", report], c.io);
    expect(c.err.join("")).toBe("");
    expect(code).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(typeof j.enpvUsd).toBe("number");
    expect(j.monteCarlo.draws).toBe(500);
    expect(j.network.rowsOnProject).toBe(1);
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script|https?:\/\/[^"]*\.(js|css)/);
  });

  it("a project without cost is E_PROJECT_COST_MISSING; an unknown one E_PROJECT_NOT_FOUND with a suggestion; nothing written", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const c = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--project", "b-upgrade", "--report", join(tmp, "r.html")], c.io)).toBe(1);
    expect(c.err.join("")).toMatch(/^caravan: E_PROJECT_COST_MISSING: /);
    expect(readdirSync(tmp)).toEqual([]);
    const d = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--project", "b-bypas"], d.io)).toBe(2);
    expect(d.err.join("")).toMatch(/E_PROJECT_NOT_FOUND[\s\S]*did you mean: b-bypass/);
  });

  it("a project without cost is refused with its file, line and field before the run is recorded: no store file, no failed run", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const store = join(tmp, "caravan.db");
    const library = join(dir, "projects", "appraisal.yaml");
    const line = readFileSync(library, "utf8").split("\n").findIndex((l) => l.trim() === "- id: b-upgrade") + 1;
    expect(line).toBeGreaterThan(0);
    const scenario = join(tmp, "upgrade.yaml");
    writeFileSync(scenario, "name: upgrade\nyear: 2031\nprojects: [b-upgrade]\n");
    const pkg = join(tmp, "p.yaml");
    writeFileSync(pkg, "projects: [b-bypass, b-upgrade]\n");
    for (const args of [["--project", "b-upgrade"], ["--scenario", scenario], ["--package", pkg]]) {
      const c = capture();
      expect(await runCli(["--data", dir, "appraise", "--store", store, ...args], c.io)).toBe(1);
      expect(c.err.join("")).toBe(`caravan: E_PROJECT_COST_MISSING: ${library}:${line}: field "capitalCostUsd": project "b-upgrade" has no capital cost in the library; give one with --capital-cost USD\n`);
      expect(c.out.join("")).toBe("");
    }
    const d = capture();
    expect(await runCli(["--data", dir, "appraise", "--store", store, "--project", "b-bypas"], d.io)).toBe(2);
    expect(readdirSync(tmp).sort()).toEqual(["p.yaml", "upgrade.yaml"]);
  });

  it("--capital-cost stands for the whole scenario: a scenario of a project without a cost of its own is appraised", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const scenario = join(tmp, "upgrade.yaml");
    writeFileSync(scenario, "name: upgrade\nyear: 2031\nprojects: [b-upgrade]\n");
    const c = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--scenario", scenario, "--capital-cost", "10000000", "--cost-price-year", "2024", "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.capitalCostUsd).toBe(10e6);
    expect(j.prices.baseYear).toBe(2024);
  });

  it("--package --report writes an offline HTML page with the rankings, the pairs and the best portfolio", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const pkg = join(tmp, "p.yaml");
    writeFileSync(pkg, "projects: [b-bypass, b-rail]\nbudgetUsd: 100000000\n");
    const report = join(tmp, "p.html");
    const c = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--package", pkg, "--demand-growth", "0", "--report", report], c.io)).toBe(0);
    expect(c.out.join("")).toContain(`wrote ${report}`);
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/<svg/);
    expect(html).toContain("competing");
    expect(html).toMatch(/b-bypass[\s\S]*b-rail/);
    expect(html).not.toMatch(/<script|<link |https?:\/\/[^"]*\.(js|css)/);
    const s = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--streams", join(import.meta.dirname, "fixtures", "rogers-2003-example-3-1.csv"), "--report", join(tmp, "s.html")], s.io)).toBe(2);
    expect(readdirSync(tmp).sort()).toEqual(["p.html", "p.yaml"]);
  });

  it("a package file with a bad field is E_PARSE naming the field", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-appraise-"));
    const file = join(tmp, "p.yaml");
    writeFileSync(file, "projects: [b-bypass]\nbudgetUsd: -5\n");
    const c = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--package", file], c.io)).toBe(1);
    expect(c.err.join("")).toMatch(/E_PARSE: .*field "budgetUsd"/);
  });
});
