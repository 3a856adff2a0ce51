/**
 * Reliability in route choice (src/appraisal/congested.ts, docs/appraisal.md "Reliability in the congested
 * comparison"): the equilibrium chooses routes by the generalized cost the benefits value, time + ρ × reliability
 * buffer (P90 − median border dwell) at the value of time plus charges, so the appraised user benefit is the
 * generalized cost saving of the equilibria and a project cannot attract traffic whose benefit is negative. The
 * free-flow comparison routes with the same ρ (routing option reliabilityRatio, docs/routing.md), so both
 * comparisons choose the same routes here.
 *
 * Fixture: test/fixtures/appraisal copied to a temporary directory; the a2-b1 crossing loses its capacity (no
 * volume-delay function anywhere: the equilibrium is the all-or-nothing assignment, checkable by hand), and a project
 * `north-crossing` (2028, before the fixture's other projects) opens a direct road a1–b3 over a new crossing:
 *
 *   a1 ──road 100 km (2 h)── a2 ══ab-crossing (dwell 10 h, no spread)══ b1 ──road 100 km (2 h)── b3     16 h, 30 USD/t
 *   a1 ┄┄north road 300 km (6 h), north-crossing (dwell 4 h median, 40 h P90: buffer 36 h)┄┄┄┄┄┄┄┄ b3   10 h, 30 USD/t
 *
 * Demand a1→b3 0.5 Mt/yr (bulk, value of time v). Same charges on both routes, so shippers compare
 * 16 h against 10 h + ρ · 36 h: they take the north road when ρ < 1/6.
 *   ρ = 1:   route choice by time alone would move all 0.5 Mt (time +6 h, reliability −36 h: −30 h · v per tonne);
 *            with the buffer priced (both comparisons) nobody moves and every benefit is 0.
 *   ρ = 0.1: 10 + 3.6 = 13.6 h < 16 h, all 0.5 Mt move: time +6 h · v, reliability −3.6 h · v per tonne.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appraiseProject, DEFAULT_PARAMETERS, findProject, readValueOfTime } from "../../src/appraisal/index";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const source = join(import.meta.dirname, "..", "fixtures", "appraisal");
const dir = mkdtempSync(join(tmpdir(), "caravan-congested-reliability-"));
cpSync(source, dir, { recursive: true });
{
  const links = join(dir, "links", "appraisal.csv");
  const text = readFileSync(links, "utf8").replace(/^(a2-b1-road,a2,b1,road,,100,src:appraisal-manual,,open,,,)1000000,/m, "$1,");
  writeFileSync(links, `${text.trimEnd()}\na1-b3-north-road,a1,b3,road,,300,src:appraisal-manual,,planned,2028,,,,,,north-crossing,,north-crossing,src:appraisal-manual,6 h + border dwell\n`);
  const borders = join(dir, "borders", "appraisal.yaml");
  writeFileSync(
    borders,
    `${readFileSync(borders, "utf8").trimEnd()}\n  - id: north-crossing\n    name: A One–B Three\n    countries: [AAA, BBB]\n    places: [a1, b3]\n    modes: [road]\n    dwell:\n      - { fromCountry: AAA, medianH: 4, highH: 40, feeUsdPerFeu: 0, source: [src:appraisal-manual] }\n      - { fromCountry: BBB, medianH: 4, highH: 40, feeUsdPerFeu: 0, source: [src:appraisal-manual] }\n    source: [src:appraisal-manual]\n`,
  );
  const projects = join(dir, "projects", "appraisal.yaml");
  writeFileSync(
    projects,
    `${readFileSync(projects, "utf8").trimEnd()}\n  - id: north-crossing\n    name: north-crossing\n    country: [AAA, BBB]\n    status: planned\n    openYear: 2028\n    capitalCostUsd: 10000000\n    costPriceYear: 2024\n    bri: false\n    provenance:\n      openYear: { source: [src:appraisal-manual] }\n      lengthKm: { note: "not used" }\n      capitalCostUsd: { source: [src:appraisal-manual] }\n      capacity: { note: "test" }\n      bri: { source: [src:appraisal-manual] }\n    modificationsNote: "a new link of the dataset (a1-b3-north-road)"\n    source: [src:appraisal-manual]\n`,
  );
}
const net = openNetwork(dir);
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
/** No growth, no ramp-up, no generated traffic: one demand level, the file's. */
const flat = { ...DEFAULT_PARAMETERS, demandGrowthPct: 0, rampUp: [] as number[], elasticity: 0 };
const v = readValueOfTime().find((x) => x.profileId === "bulk")?.centralUsdPerTH ?? Number.NaN;
const appraise = (reliabilityRatio: number) =>
  appraiseProject(findProject(net, "north-crossing"), { ctx, demand, parameters: { ...flat, reliabilityRatio }, congestion: "congested" });

describe("congested comparison: the equilibrium routes by the generalized cost the benefits value", () => {
  const freeFlow = (reliabilityRatio: number) =>
    appraiseProject(findProject(net, "north-crossing"), { ctx, demand, parameters: { ...flat, reliabilityRatio }, congestion: "free-flow" });

  it("free-flow comparison, ρ = 1: the route choice prices the 36 h buffer too, so nobody moves and every benefit is 0 (routing by time alone gave −30 h · v per tonne)", () => {
    const ff = freeFlow(1);
    expect(ff.network.comparison.method).toBe("free-flow");
    expect(ff.firstFullYear.divertedTonnes).toBeCloseTo(0, 0);
    expect(ff.firstFullYear.timeSavingsUsd).toBeCloseTo(0, 0);
    expect(ff.firstFullYear.reliabilityUsd).toBeCloseTo(0, 0);
    for (const s of ff.streams) expect(s.benefitsUsd).toBeCloseTo(0, 0);
  });

  it("free-flow comparison, ρ = 0: the buffer is neither priced nor valued; all 0.5 Mt take the north road, time +6 h · v per tonne", () => {
    const ff = freeFlow(0);
    expect(ff.firstFullYear.timeSavingsUsd).toBeCloseTo(0.5e6 * 6 * v, 0);
    expect(ff.firstFullYear.reliabilityUsd).toBeCloseTo(0, 0);
  });

  it("free-flow and congested comparisons agree at ρ = 0.1 and ρ = 1 (no volume-delay function: the equilibrium is all or nothing)", () => {
    for (const rho of [0.1, 1]) {
      const ff = freeFlow(rho).firstFullYear;
      const eq = appraise(rho).firstFullYear;
      expect(ff.timeSavingsUsd).toBeCloseTo(eq.timeSavingsUsd, 0);
      expect(ff.reliabilityUsd).toBeCloseTo(eq.reliabilityUsd, 0);
      expect(ff.transportCostSavingsUsd).toBeCloseTo(eq.transportCostSavingsUsd, 0);
    }
    // ρ = 0.1 in free flow: 10 + 3.6 = 13.6 h < 16 h, all move
    expect(freeFlow(0.1).firstFullYear.reliabilityUsd).toBeCloseTo(-0.5e6 * 3.6 * v, 0);
  });

  it("ρ = 1: the buffer of 36 h outweighs the 6 h saved, no tonne moves and every benefit is 0", () => {
    const a = appraise(1);
    expect(a.network.comparison.method).toBe("congested");
    const level = a.network.comparison.levels?.[0];
    expect(level?.costWithoutUsd).toBeCloseTo(level?.costWithUsd ?? Number.NaN, 0);
    expect(a.firstFullYear.divertedTonnes).toBeCloseTo(0, 0);
    expect(a.firstFullYear.timeSavingsUsd).toBeCloseTo(0, 0);
    expect(a.firstFullYear.reliabilityUsd).toBeCloseTo(0, 0);
    for (const s of a.streams) expect(s.benefitsUsd).toBeCloseTo(0, 0);
  });

  it("ρ = 0.1: all 0.5 Mt move; time +6 h · v, reliability −3.6 h · v per tonne, and their sum is the equilibria's generalized cost saving", () => {
    const a = appraise(0.1);
    const c = a.firstFullYear;
    expect(c.divertedTonnes).toBeCloseTo(0.5e6, 0);
    expect(c.timeSavingsUsd).toBeCloseTo(0.5e6 * 6 * v, 0);
    expect(c.reliabilityUsd).toBeCloseTo(-0.5e6 * 3.6 * v, 0);
    const level = a.network.comparison.levels?.[0];
    expect(level).toBeDefined();
    const saving = (level?.costWithoutUsd ?? 0) - (level?.costWithUsd ?? 0);
    expect(saving).toBeCloseTo(0.5e6 * 2.4 * v, 0);
    expect(c.timeSavingsUsd + c.reliabilityUsd + c.transportCostSavingsUsd).toBeCloseTo(saving, 0);
    // the level's own components are reported with it
    expect(level?.components?.timeSavingsUsd).toBeCloseTo(c.timeSavingsUsd, 0);
    expect(level?.components?.reliabilityUsd).toBeCloseTo(c.reliabilityUsd, 0);
  });
});
