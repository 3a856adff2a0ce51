/**
 * Transit bans in the congested comparison (src/appraisal/congested.ts): the corridor assignment puts the demand a
 * transit ban concerns in a user class of its own, `<class>|<rule ids>` (src/assignment/corridor.ts), whose costs
 * forbid what the ban forbids. Each demand row must be priced on the equilibrium paths of its own class, so a row
 * the ban concerns keeps to the routes the ban allows.
 *
 * Fixture: the "corridors" routing fixture (test/fixtures/routing/corridors/README.md: Orient → Destport by the
 * North, Middle and sea corridors) with its corridor demand (Orient → Destport 1 Mt of containers, Steppe →
 * Destport 0.5 Mt of bulk) and one rule written here: goods from CHN may not cross RUS. The Orient containers then
 * keep off the North corridor's KZ–RU crossing, which they take with the rule switched off; the Steppe bulk (goods
 * from KAZ) is not concerned. Expected figures come from corridorProblem, solve and a shortest-path search on the
 * same state (never hard-coded).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { congestedEffects } from "../../src/appraisal/congested";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { solve } from "../../src/assignment/solve";
import { ShortestPathTree } from "../../src/assignment/sp-tree";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { RoutingContext } from "../../src/routing/index";
import { fixtureCopyWithTransitBan } from "../server/helpers";

const data = fixtureCopyWithTransitBan();
const net = openNetwork(data, { cacheDir: false });
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(data, "demand", "corridors-2024.csv")));
const stateOf = (rulesOff?: string[]) => resolveNetworkState(net, { year: null, month: null, ...(rulesOff ? { rulesOff } : {}) });
const kzRu = net.network.crossings.findIndex((c) => c.id === "kz-ru");
/** [compiled arc] 1 = an arc of the KZ–RU crossing. */
const kzRuArcs = Uint8Array.from(net.arcs.crossing, (x) => (x === kzRu ? 1 : 0));
const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
const row = (origin: string, classId: string) => demand.findIndex((r) => r.originPlace === place(origin) && r.classId === classId);
const GAP = 1e-8;

describe("congested comparison with a transit ban", () => {
  const ruled = stateOf();
  const off = stateOf(["all"]);
  const withRule = congestedEffects(ctx, demand, ruled, ruled, kzRuArcs, { gap: GAP });
  const withoutRule = congestedEffects(ctx, demand, off, off, kzRuArcs, { gap: GAP });
  const oriRow = row("ori", "container");
  const steppeRow = row("steppe", "bulk");

  it("the fixture: the ban is a user class of its own, and without it the containers take the KZ–RU crossing", () => {
    const cp = corridorProblem(net, { file: "demand", rows: demand }, { state: ruled });
    expect(cp.classIds).toContain("container|no-chinese-transit-rus");
    expect(kzRu).toBeGreaterThanOrEqual(0);
    expect(oriRow).toBeGreaterThanOrEqual(0);
    expect(withoutRule.routed[oriRow]).toBe(1);
    expect(withoutRule.projectShare?.[oriRow] ?? 0).toBeGreaterThan(0);
  });

  it("a row the ban concerns is priced on the routes its rules allow: none of its tonnes cross KZ–RU", () => {
    expect(withRule.routed[oriRow]).toBe(1);
    expect(withRule.projectShare?.[oriRow]).toBe(0);
    expect(withRule.usesProject[oriRow]).toBe(0);
  });

  it("its generalized cost is the least cost of its own class at the equilibrium times, dearer than without the ban", () => {
    const cp = corridorProblem(net, { file: "demand", rows: demand }, { state: ruled });
    const result = solve(cp.problem, "b", { gap: GAP, maxIterations: 500 });
    const c = cp.classIds.indexOf("container|no-chinese-transit-rus");
    const tree = new ShortestPathTree(cp.problem.graph, cp.problem.noThrough);
    tree.run(place("ori"), result.time, cp.problem.classes[c].fixedCost);
    const leastH = tree.dist[place("dest")];
    const vot = cp.classValueOfTimeUsdPerH[c];
    const mass = net.network.cargo.find((x) => x.id === cp.classProfiles[c])?.massT.value ?? Number.NaN;
    // per unit of the profile: time + charges / value of time, hours (the class's cost in the assignment)
    const rowH = (e: typeof withRule) => e.timeWithH[oriRow] + (e.costWithUsdPerT[oriRow] * mass) / vot;
    expect(Number.isFinite(leastH)).toBe(true);
    expect(Math.abs(rowH(withRule) - leastH)).toBeLessThanOrEqual(1e-6 * leastH);
    expect(rowH(withRule)).toBeGreaterThan(rowH(withoutRule));
  });

  it("a row the ban does not concern (goods from KAZ) is priced alike with and without the rule", () => {
    expect(steppeRow).toBeGreaterThanOrEqual(0);
    expect(withRule.routed[steppeRow]).toBe(1);
    expect(withRule.timeWithH[steppeRow]).toBeCloseTo(withoutRule.timeWithH[steppeRow], 6);
    expect(withRule.costWithUsdPerT[steppeRow]).toBeCloseTo(withoutRule.costWithUsdPerT[steppeRow], 6);
  });

  it("a row without demand in the ban's class (no flow to decompose) takes its least-cost path under the ban too", () => {
    const zero = demand.map((r, k) => (k === oriRow ? { ...r, amountT: 0 } : r));
    const e = congestedEffects(ctx, zero, ruled, ruled, kzRuArcs, { gap: GAP });
    expect(e.routed[oriRow]).toBe(1);
    expect(e.usesProject[oriRow]).toBe(0);
    const eOff = congestedEffects(ctx, zero, off, off, kzRuArcs, { gap: GAP });
    expect(eOff.usesProject[oriRow]).toBe(1);
  });
});
