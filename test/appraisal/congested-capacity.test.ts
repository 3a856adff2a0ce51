/**
 * Contracts of the congested comparison where capacities come with the project or meet its traffic
 * (src/appraisal/congested.ts, project.ts): the choice of `--congestion auto`, the traffic on the project from the
 * equilibrium flows, and the sign of the generalized cost saving of a pure capacity addition at every demand level.
 *
 * Fixture: test/fixtures/appraisal copied to a temporary directory with three changes (links and projects below);
 * road 50 km/h and 0.1 USD/t-km, bulk demand b1→b2 1 Mt/yr and a1→b3 0.5 Mt/yr.
 *
 *   a1 ──road 100 km (2 h)────────── a2 ══crossing a2-b1 (dwell 10 h, 1 Mt/yr)══ b1 ──road 100 km (2 h)── b3
 *   a1 ┄┄shortcut 50 km (1 h)┄┄┄┄┄┄┄ a2      project a-shortcut 2030: no capacity of its own, its traffic
 *                                              meets the capacitated crossing
 *                                             b1 ──road 200 km (4 h, 20 USD/t)── b2
 *                                             b1 ┄┄bypass 100 km (2 h, 10 USD/t), 0.5 Mt/yr┄┄ b2
 *                                                  project b-bypass 2030 opens it (BPR 0.15, 4);
 *                                                  project bypass-widening 2031 doubles its capacity
 *                                             b1 ──rail 150 km (3 h, 7.5 USD/t)── b2 project b-rail, moved to 2033 here
 *                                                  so that the bypass has the pair to itself before
 *
 * b1→b2 by the bypass: time 2 h · (1 + 0.15 (x / 0.5 Mt)⁴), charge 10 USD/t; by the old road: 4 h and 20 USD/t.
 * With a value of time v (USD/t-h) the bypass is used alone while 2 · 0.15 (x/c)⁴ < 2 + 10 / v, i.e. up to
 * x/c = ((2 + 10/v) / 0.3)^¼ ≈ 4.25 for bulk (v ≈ 0.104): at 1 Mt (x/c = 2) it carries all of it, 6.8 h.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  appraiseProject,
  assignmentValuesOfTime,
  comparisonStates,
  congestedEffects,
  DEFAULT_PARAMETERS,
  findProject,
  projectArcMask,
  readValueOfTime,
} from "../../src/appraisal/index";
import { solveEquilibrium } from "../../src/appraisal/congested";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const source = join(import.meta.dirname, "..", "fixtures", "appraisal");
const dir = mkdtempSync(join(tmpdir(), "caravan-congested-capacity-"));
cpSync(source, dir, { recursive: true });
{
  const links = join(dir, "links", "appraisal.csv");
  const text = readFileSync(links, "utf8").replace(
    /^b1-b2-bypass-road,.*$/m,
    "b1-b2-bypass-road,b1,b2,road,,100,src:appraisal-manual,,planned,2030,,500000,,,,,,b-bypass,src:appraisal-manual,2 h from 2030; 0.5 Mt/yr",
  );
  writeFileSync(links, `${text.replace(/^(b1-b2-rail,.*,planned,)2030,/m, (_, head: string) => `${head}2033,`).trimEnd()}\na1-a2-shortcut-road,a1,a2,road,,50,src:appraisal-manual,,planned,2030,,,,,,,,a-shortcut,src:appraisal-manual,1 h from 2030\n`);
  const projects = join(dir, "projects", "appraisal.yaml");
  const entry = (id: string, openYear: number, extra: string) =>
    `  - id: ${id}\n    name: ${id}\n    country: [AAA, BBB]\n    status: planned\n    openYear: ${openYear}\n    capitalCostUsd: 10000000\n    costPriceYear: 2024\n    bri: false\n    provenance:\n      openYear: { source: [src:appraisal-manual] }\n      lengthKm: { note: "not used" }\n      capitalCostUsd: { source: [src:appraisal-manual] }\n      capacity: { note: "test" }\n      bri: { source: [src:appraisal-manual] }\n${extra}    source: [src:appraisal-manual]\n`;
  writeFileSync(
    projects,
    `${readFileSync(projects, "utf8")
      .replace(/(- id: b-rail\n(?: {4}.*\n)*? {4}openYear: )2030/, (_, head: string) => `${head}2033`)
      .trimEnd()}\n${entry("a-shortcut", 2030, '    modificationsNote: "a new link of the dataset (a1-a2-shortcut-road)"\n')}${entry(
      "bypass-widening",
      2031,
      '    modifications:\n      - { target: link, id: b1-b2-bypass-road, scale: { capacity: 2 }, source: "src:appraisal-manual (0.5 → 1 Mt/yr)" }\n',
    )}`,
  );
}
const net = openNetwork(dir);
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
/** No growth, no ramp-up, no generated traffic. */
const flat = { ...DEFAULT_PARAMETERS, demandGrowthPct: 0, rampUp: [] as number[], elasticity: 0 };
const vBulk = readValueOfTime().find((v) => v.profileId === "bulk")?.centralUsdPerTH ?? Number.NaN;
const rowIndex = (o: string, d: string) => demand.findIndex((r) => net.network.places[r.originPlace]?.id === o && net.network.places[r.destinationPlace]?.id === d);

describe("--congestion auto: capacities the project brings or its traffic meets", () => {
  it("a project that opens a link with a capacity is compared by equilibrium assignment (the bypass queues: 6.8 h, not 2 h)", () => {
    const a = appraiseProject(findProject(net, "b-bypass"), { ctx, demand, parameters: flat });
    expect(a.network.comparison.method).toBe("congested");
    expect(a.network.comparison.reason).toMatch(/opens 2 arcs with a capacity/);
    const ff = appraiseProject(findProject(net, "b-bypass"), { ctx, demand, parameters: flat, congestion: "free-flow" });
    // free flow: 4 h → 2 h on 1 Mt; at equilibrium the 1 Mt on 0.5 Mt/yr of capacity take 2 · (1 + 0.15 · 2⁴) = 6.8 h
    expect(ff.firstFullYear.timeSavingsUsd).toBeCloseTo(1e6 * 2 * vBulk, 0);
    const want = 1e6 * (4 - 6.8) * vBulk;
    expect(Math.abs(a.firstFullYear.timeSavingsUsd - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want));
    expect(a.firstFullYear.transportCostSavingsUsd).toBeCloseTo(1e6 * 10, 0);
  });

  it("a project without capacity whose traffic crosses a capacitated crossing is compared by equilibrium assignment", () => {
    const a = appraiseProject(findProject(net, "a-shortcut"), { ctx, demand, parameters: flat });
    expect(a.network.comparison.method).toBe("congested");
    expect(a.network.comparison.reason).toMatch(/meets capacitated elements \(1 demand rows/);
  });

  it("a project whose traffic meets no capacity keeps free-flow routes", () => {
    const a = appraiseProject(findProject(net, "b-rail"), { ctx, demand, parameters: flat });
    expect(a.network.comparison.method).toBe("free-flow");
    expect(a.network.comparison.reason).toMatch(/meets none/);
  });
});

describe("traffic on the project from the equilibrium flows", () => {
  it("the tonnes on the project are the equilibrium flow on its arcs: all 1 Mt on the bypass at the base demand", () => {
    const a = appraiseProject(findProject(net, "b-bypass"), { ctx, demand, parameters: flat });
    expect(a.network.rowsOnProject).toBe(1);
    expect(a.firstFullYear.divertedTonnes).toBeCloseTo(1e6, 3);
  });

  it("where the pair splits over two routes (×8 demand), the row's share on the project, time and charge are the flow-weighted means of its equilibrium paths", () => {
    const states = comparisonStates(ctx, 2030, { on: [], off: ["b-bypass"] }, { on: ["b-bypass"], off: [] });
    const mask = projectArcMask(states.ctx.net, ["b-bypass"]);
    const vot = assignmentValuesOfTime(net, 2024, { parameters: flat }) ?? {};
    const e = congestedEffects(states.ctx, demand, states.without, states.with, mask, { demandScale: 8, gap: 1e-10, valueOfTimeUsdPerH: vot });
    const r = rowIndex("b1", "b2");
    // hand solution: both routes cost the same, 2 (1 + 0.15 (x/c)⁴) + 10/v = 4 + 20/v
    const v = vot.bulk;
    const xc = ((2 + 10 / v) / 0.3) ** 0.25;
    const x = xc * 500_000;
    const share = x / 8e6;
    expect(e.projectShare?.[r]).toBeCloseTo(share, 4);
    const tBypass = 2 * (1 + 0.15 * xc ** 4);
    expect(e.timeWithH[r]).toBeCloseTo(share * tBypass + (1 - share) * 4, 3);
    expect(e.costWithUsdPerT[r]).toBeCloseTo(share * 10 + (1 - share) * 20, 3);
    // the same figure from the arc flow of the with-project equilibrium
    const eq = solveEquilibrium(states.ctx, demand, states.with, 8, 1e-10, undefined, vot);
    let onBypass = 0;
    for (let a = 0; a < mask.length; a++) if (mask[a]) onBypass += eq.result.flow[eq.cp.problemArcOf[a]];
    expect(e.tonnes[r] * 8 * (e.projectShare?.[r] ?? 0)).toBeCloseTo(onBypass, 0);
  });
});

describe("a pure capacity addition on a network without a Braess paradox", () => {
  it("never raises the total generalized cost, at any demand level (both states solved to a resolved gap)", () => {
    // the bypass is open in both states (2031); the widening doubles its capacity and changes nothing else
    const states = comparisonStates(ctx, 2031, { on: [], off: [] }, { on: ["bypass-widening"], off: [] });
    const mask = new Uint8Array(states.ctx.net.graph.arcCount);
    const vot = assignmentValuesOfTime(net, 2024, { parameters: flat }) ?? {};
    const seen: number[] = [];
    for (const scale of [0.25, 0.5, 1, 2, 4, 8, 16]) {
      const e = congestedEffects(states.ctx, demand, states.without, states.with, mask, { demandScale: scale, valueOfTimeUsdPerH: vot });
      const run = e.run;
      const tolerance = (Math.max(run.gapWithout, run.gapWith) + 1e-12) * run.costWithoutUsd;
      expect(run.costWithUsd, `×${scale}`).toBeLessThanOrEqual(run.costWithoutUsd + tolerance);
      // the user benefit the appraisal values (time at the same value of time, plus charges) has the same sign
      let user = 0;
      for (let r = 0; r < e.rows.length; r++) user += e.tonnes[r] * scale * ((e.timeWithoutH[r] - e.timeWithH[r]) * vBulk + e.costWithoutUsdPerT[r] - e.costWithUsdPerT[r]);
      expect(user, `×${scale}`).toBeGreaterThanOrEqual(-tolerance);
      expect(Math.abs(user - (run.costWithoutUsd - run.costWithUsd))).toBeLessThanOrEqual(1e-6 * run.costWithoutUsd);
      seen.push(run.costWithoutUsd - run.costWithUsd);
    }
    // below x/c ≈ 4.25 on the old capacity nothing can be gained beyond the bypass's own delay; above it the widening saves
    expect(seen.some((s) => s > 0)).toBe(true);
  });

  it("the saving of a comparison is resolved: the gaps are tightened together until it stops moving", () => {
    const states = comparisonStates(ctx, 2031, { on: [], off: [] }, { on: ["bypass-widening"], off: [] });
    const mask = new Uint8Array(states.ctx.net.graph.arcCount);
    const e = congestedEffects(states.ctx, demand, states.without, states.with, mask, { demandScale: 8, gap: 1e-2 });
    const s = e.run.savings;
    expect(s.length).toBeGreaterThanOrEqual(2);
    expect(s[0].gap).toBe(1e-2);
    for (let i = 1; i < s.length; i++) expect(s[i].gap).toBeCloseTo(s[i - 1].gap / 100, 15);
    const last = s[s.length - 1].savingUsd;
    const before = s[s.length - 2].savingUsd;
    expect(Math.abs(last - before)).toBeLessThanOrEqual(0.01 * Math.abs(last) + 1e-9 * e.run.costWithoutUsd);
    expect(e.run.gap).toBe(s[s.length - 1].gap);
  });
});

describe("--congestion auto in a package", () => {
  it("a package whose project opens a capacitated link is assigned to equilibrium", async () => {
    const { appraisePackage } = await import("../../src/appraisal/index");
    const p = appraisePackage({ file: "pkg", projects: ["b-bypass"], budgetUsd: null }, { ctx, demand, parameters: flat });
    expect(p.comparison.method).toBe("congested");
    expect(p.comparison.reason).toMatch(/b-bypass changes or opens a capacity/);
  });

  it("a package whose project's traffic meets a capacitated crossing is assigned to equilibrium; one whose traffic meets none is not", async () => {
    const { appraisePackage } = await import("../../src/appraisal/index");
    const p = appraisePackage({ file: "pkg", projects: ["a-shortcut"], budgetUsd: null }, { ctx, demand, parameters: flat });
    expect(p.comparison.method).toBe("congested");
    expect(p.comparison.reason).toMatch(/the traffic a-shortcut attracts meets capacitated elements/);
    const q = appraisePackage({ file: "pkg", projects: ["b-rail"], budgetUsd: null }, { ctx, demand, parameters: flat });
    expect(q.comparison.method).toBe("free-flow");
  });
});
