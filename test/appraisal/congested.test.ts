/**
 * Contracts of the congested with/without comparison (src/appraisal/congested.ts and its use in project.ts and
 * benefits.ts) on the hand-checkable fixture test/fixtures/appraisal, and on the real network where present.
 *
 * Fixture: a1→b3 0.5 Mt/yr of bulk crosses A Two → B One (road link a2-b1-road, median dwell 10 h from AAA, clearance
 * capacity 1 Mt/yr); every route of the pair uses that one arc, so its equilibrium flow is the pair's demand.
 * Queueing VDF (α = 1): dwell = 10 h · (1 + ρ/(1 − ρ)). Project ab-second-lane doubles the capacity (no record built):
 *   without ρ = 0.5  → 20 h;   with ρ = 0.25 → 13.333 h;   saving 6.667 h per shipment.
 * The b1→b2 demand crosses no capacity and keeps its cost.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appraiseProject, appraiseSubject, comparisonEffects, DEFAULT_PARAMETERS, effectsOf, findProject, projectSubject, readValueOfTime, scenarioFileStates } from "../../src/appraisal/index";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const dir = join(import.meta.dirname, "..", "fixtures", "appraisal");
const net = openNetwork(dir);
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
const votBulk = readValueOfTime().find((v) => v.profileId === "bulk")?.centralUsdPerTH ?? Number.NaN;
/** No growth, no ramp-up, no generated traffic: the benefit is the existing traffic's time saving alone. */
const flat = { ...DEFAULT_PARAMETERS, demandGrowthPct: 0, rampUp: [] as number[], elasticity: 0 };
/** Queueing dwell of the fixture crossing at utilisation ρ, hours. */
const dwellH = (rho: number): number => 10 * (1 + rho / (1 - rho));

describe("congested comparison on the fixture crossing", () => {
  it("a capacity-only project is compared by equilibrium assignment and its benefit is demand × delay saving × value of time", () => {
    const a = appraiseProject(findProject(net, "ab-second-lane"), { ctx, demand, parameters: flat });
    expect(a.network.comparison.method).toBe("congested");
    expect(a.network.projectRecords).toEqual([]);
    expect(a.network.rowsOnProject).toBe(1); // a1→b3 crosses the upgraded link
    expect(a.firstFullYear.divertedTonnes).toBe(500_000);
    const level = a.network.comparison.levels?.[0];
    expect(level?.gapWithout).toBeLessThanOrEqual(1e-4);
    expect(level?.gapWith).toBeLessThanOrEqual(1e-4);
    const savingH = dwellH(0.5) - dwellH(0.25); // 6.667 h
    const expected = 500_000 * savingH * votBulk;
    expect(a.firstFullYear.timeSavingsUsd).toBeGreaterThan(0);
    expect(Math.abs(a.firstFullYear.timeSavingsUsd - expected)).toBeLessThanOrEqual(1e-4 * expected);
    expect(a.firstFullYear.transportCostSavingsUsd).toBeCloseTo(0, 6);
    expect(a.streams.find((s) => s.year === 2030)?.benefitsUsd).toBeCloseTo(expected, 0);
  });

  it("free-flow comparison (requested) sees no change from a capacity-only project", () => {
    const a = appraiseProject(findProject(net, "ab-second-lane"), { ctx, demand, parameters: flat, congestion: "free-flow" });
    expect(a.network.comparison.method).toBe("free-flow");
    expect(a.firstFullYear.timeSavingsUsd).toBe(0);
    expect(a.network.note).toMatch(/free-flow/);
  });

  it("auto keeps free-flow routing for a project that changes no capacity (same streams as the free-flow effects)", () => {
    const inputs = { ctx, demand, parameters: { ...flat, elasticity: -0.5 } };
    const a = appraiseProject(findProject(net, "b-rail"), inputs);
    expect(a.network.comparison.method).toBe("free-flow");
    expect(a.network.comparison.reason).toMatch(/no capacity/);
    const direct = appraiseSubject(projectSubject(net, findProject(net, "b-rail")), effectsOf(ctx, demand, 2030, ["b-rail"]), inputs);
    expect(a.streams).toEqual(direct.streams);
    expect(a.result.pvBenefitsUsd).not.toBe(0);
  });

  it("two demand levels: the first full and the last operating year are each assigned; years between interpolate", () => {
    const p = { ...flat, demandGrowthPct: 1 };
    const a = appraiseProject(findProject(net, "ab-second-lane"), { ctx, demand, parameters: p });
    const levels = a.network.comparison.levels ?? [];
    expect(levels.map((l) => l.year)).toEqual([2030, 2030 + p.operationYears - 1]);
    // per-unit-demand benefit at multiplier m: flow 0.5·m Mt on capacity 1 and 2 Mt
    const perUnit = (m: number): number => 500_000 * votBulk * (dwellH(0.5 * m) - dwellH(0.25 * m));
    for (const l of levels) {
      expect(l.demandScale).toBeCloseTo(1.01 ** (l.year - 2024), 12);
      const got = a.streams.find((s) => s.year === l.year)?.benefitsUsd ?? Number.NaN;
      const want = l.demandScale * perUnit(l.demandScale);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * want);
    }
    // a middle year: linear in the demand multiplier between the two levels
    const [lo, hi] = levels;
    const mid = a.streams.find((s) => s.year === 2045);
    const m = 1.01 ** (2045 - 2024);
    const w = (m - lo.demandScale) / (hi.demandScale - lo.demandScale);
    const interp = m * (perUnit(lo.demandScale) + w * (perUnit(hi.demandScale) - perUnit(lo.demandScale)));
    expect(Math.abs((mid?.benefitsUsd ?? 0) - interp)).toBeLessThanOrEqual(1e-4 * interp);
    // the congestion relief grows with demand
    expect(perUnit(hi.demandScale)).toBeGreaterThan(perUnit(lo.demandScale));
  });

  it("the Monte Carlo reuses the per-pair changes (no assignment per draw)", () => {
    const a = appraiseProject(findProject(net, "ab-second-lane"), { ctx, demand, parameters: flat, monteCarlo: { draws: 500, seed: 7 } });
    expect(a.monteCarlo?.draws).toBe(500);
    expect(a.network.comparison.levels).toHaveLength(1);
  });

  it("caravan appraise --congestion congested|free-flow|auto and a bad value", async () => {
    const run = async (...args: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(["--data", dir, "appraise", "--project", "ab-second-lane", "--json", "--no-store", ...args], {
        out: (s: string) => {
          out += s;
        },
        err: (s: string) => {
          err += s;
        },
      });
      return { code, out, err };
    };
    const ff = await run("--congestion", "free-flow");
    expect(ff.code, ff.err).toBe(0);
    expect(JSON.parse(ff.out).network.comparison.method).toBe("free-flow");
    const auto = await run();
    expect(JSON.parse(auto.out).network.comparison.method).toBe("congested");
    const bad = await run("--congestion", "congestd");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/E_USAGE.*congested/);
  });
});

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
describe.skipIf(!existsSync(real))("congested comparison on the real network", () => {
  const run = async (...args: string[]) => {
    let out = "";
    const code = await runCli(["--data", real, "appraise", "--project", "dostyk-moyynty-second-track", "--json", "--no-store", ...args], {
      out: (s: string) => {
        out += s;
      },
      err: () => {},
    });
    expect(code).toBe(0);
    return JSON.parse(out);
  };
  it("dostyk-moyynty-second-track: the base line holds 12 train pairs/day and the project 60, both converted to tonnes when the network is compiled, so the default comparison is congested and shippers save time", async () => {
    const r = await run();
    expect(r.network.comparison.method).toBe("congested");
    expect(r.network.comparison.reason).toMatch(/changes the capacity of \d+ arcs/);
    expect(r.network.rowsOnProject).toBeGreaterThan(0);
    expect(r.firstFullYear.timeSavingsUsd).toBeGreaterThan(0);
  });
  it("doubling the Dostyk–Alashankou crossing capacity (a scenario on the real network): a positive generalized cost saving from the equilibria, none at free-flow", () => {
    const rnet = openNetwork(real);
    const rctx = new RoutingContext(rnet);
    const rdemand = resolveDemand(rnet, readDemandCsv(join(real, "demand", "corridors-2024.csv")));
    const file = join(mkdtempSync(join(tmpdir(), "caravan-congested-")), "dostyk-capacity.yaml");
    writeFileSync(file, "name: dostyk-capacity\nyear: 2027\nmodifications:\n  - { target: crossing, id: dostyk-alashankou, scale: { capacity: 2 }, assumption: \"test: capacity doubled\" }\n");
    const states = scenarioFileStates(rctx, file);
    const project = { id: "dostyk-capacity", name: "Dostyk–Alashankou capacity ×2 (test)", capitalCostUsd: 1e8, costPriceYear: null, openYear: 2027, bri: null };
    const subject = { project, capitalCostUsd: 1e8, prices: { baseYear: 2024, restated: [] }, openYear: 2027, records: [], year: 2027 };
    const p = { ...DEFAULT_PARAMETERS, rampUp: [] as number[] };
    const mask = new Uint8Array(states.ctx.net.graph.arcCount);
    const inputs = { ctx: rctx, demand: rdemand, parameters: p };
    const congested = appraiseSubject(subject, comparisonEffects(subject, states, mask, inputs), inputs);
    expect(congested.network.comparison.method).toBe("congested");
    for (const l of congested.network.comparison.levels ?? []) expect(Math.max(l.gapWithout, l.gapWith)).toBeLessThanOrEqual(1e-4);
    // less queueing at the crossing and traffic re-balanced between the crossings: whether charges or time fall
    // depends on the routes of the data; the generalized cost saving is positive
    const f = congested.firstFullYear;
    expect(f.timeSavingsUsd + f.transportCostSavingsUsd + f.reliabilityUsd + f.generatedTrafficUsd).toBeGreaterThan(0);
    expect(f.timeSavingsUsd).not.toBe(0);
    expect(congested.network.rowsOnProject).toBeGreaterThan(0);
    const freeFlow = appraiseSubject(subject, comparisonEffects(subject, states, mask, { ...inputs, congestion: "free-flow" }), inputs);
    expect(freeFlow.firstFullYear.timeSavingsUsd).toBe(0);
    expect(freeFlow.firstFullYear.transportCostSavingsUsd).toBe(0);
    // two equilibria per level, each within the gap; the streams follow them
    expect(congested.network.comparison.levels).toHaveLength(2);
    expect(congested.result.pvBenefitsUsd).not.toBe(0);
  }, 60_000);
  it("dostyk-moyynty-second-track --congestion congested: both equilibria reach the gap at both demand levels", async () => {
    const r = await run("--congestion", "congested");
    expect(r.network.comparison.method).toBe("congested");
    const levels = r.network.comparison.levels;
    expect(levels).toHaveLength(2);
    for (const l of levels) {
      expect(l.gapWithout).toBeLessThanOrEqual(1e-4);
      expect(l.gapWith).toBeLessThanOrEqual(1e-4);
      // a capacity addition on this corridor lowers the total generalized cost at both demand levels once the
      // saving is resolved (at a gap of 1e-4 alone the second level showed a spurious loss: docs/appraisal.md)
      expect(l.costWithoutUsd - l.costWithUsd, `${l.year}`).toBeGreaterThan(0);
      expect(l.gap).toBeLessThanOrEqual(1e-6);
    }
    expect(levels[1].demandScale).toBeCloseTo(1.03 ** (levels[1].year - 2024), 10);
  }, 60_000);
});

describe("congested comparison in a package", () => {
  it("a capacity-only project in a package gets the congested standalone value of its single appraisal; states and equilibria are reused", async () => {
    const { appraisePackage } = await import("../../src/appraisal/index");
    const inputs = { ctx, demand, parameters: flat };
    const p = appraisePackage({ file: "pkg", projects: ["ab-second-lane", "b-bypass"], budgetUsd: null }, inputs);
    expect(p.comparison.method).toBe("congested");
    expect(p.comparison.reason).toMatch(/ab-second-lane/);
    const single = appraiseProject(findProject(net, "ab-second-lane"), inputs);
    const lane = p.projects.find((r) => r.id === "ab-second-lane");
    expect(single.result.pvBenefitsUsd).toBeGreaterThan(0);
    expect(Math.abs((lane?.standaloneEnpvUsd ?? Number.NaN) - single.result.enpvUsd)).toBeLessThanOrEqual(1e-6 * Math.abs(single.result.enpvUsd) + 1);
    // the lane and the bypass serve different flows: neither changes the other's value
    expect(p.pairs[0].relation).toBe("independent");
    expect(Math.abs((lane?.incrementalEnpvUsd ?? Number.NaN) - (lane?.standaloneEnpvUsd ?? 0))).toBeLessThanOrEqual(1);
    // states: none, each alone, both (= all on) → 4; one demand level (no growth), each state solved at the requested
    // gap and once 100 times tighter (the saving is resolved at once: one route per pair): 8 equilibria for 7 comparisons
    expect(p.comparison.states).toBe(4);
    expect(p.comparison.equilibria).toBe(8);
    expect(p.comparison.comparisons).toBe(7);
  });

  it("free-flow requested: the capacity-only project shows no benefit in the package (its capital cost alone)", async () => {
    const { appraisePackage } = await import("../../src/appraisal/index");
    const p = appraisePackage({ file: "pkg", projects: ["ab-second-lane", "b-bypass"], budgetUsd: null }, { ctx, demand, parameters: flat, congestion: "free-flow" });
    expect(p.comparison.method).toBe("free-flow");
    expect(p.comparison.equilibria).toBe(0);
    const lane = p.projects.find((r) => r.id === "ab-second-lane");
    expect(lane?.standaloneEnpvUsd).toBeLessThan(0);
  });
});
