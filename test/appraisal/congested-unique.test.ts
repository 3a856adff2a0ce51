/**
 * The congested comparison's figures are functions of the equilibrium's link flows, never of which of a pair's
 * equal-cost paths a shortest-path search happens to pick (src/appraisal/congested.ts). At user equilibrium every
 * used path of a pair costs the same within the gap, so "the least-cost path" is decided by rounding: a change
 * anywhere in the network (a ferry charge on another corridor) can flip it. Path flows are not unique either; the
 * class link flows are (on capacitated arcs, whose cost rises with flow), and the traffic on the project and the
 * CO2 of the demand are sums over link flows.
 *
 * The fault this guards against (docs/appraisal.md, "The Bakhty–Ayagoz knife-edge"): rows in a transit-ban user
 * class (`<class>|<rules>`, src/assignment/corridor.ts) found no commodity in the flow decomposition and were priced
 * on one least-cost path each, whole or not at all on the project, with that path's CO2. On data/eurasia, where
 * every Chinese row is in a ban class, the Bakhty–Ayagoz scenario gave 7.55 or 0.00 Mt/yr on the line and an ENPV
 * of 0.22 or 1.64 bn with the same generalized cost saving, by the Caspian ferry charge alone.
 *
 * Fixture: the "corridors" routing fixture (Orient → Destport by the North, Middle and sea corridors) with its
 * corridor demand, a transit ban on Chinese goods through Russia (the Orient containers are a ban class: they sail),
 * and a capacity on the sea leg Orient–Canal, so that the ban class splits between the sea and the Middle corridor
 * (the AZ–TR crossing) at equilibrium. Expected figures come from corridorProblem and solve on the same state (never hard-coded).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { congestedEffects } from "../../src/appraisal/congested";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { solve } from "../../src/assignment/solve";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { RoutingContext } from "../../src/routing/index";
import { profileColumns, resolveRouteOptions } from "../../src/routing/options";
import { fixtureCopyWithTransitBan } from "../server/helpers";

/** Capacity given to the sea leg Orient–Canal, tonnes per year: below the Orient containers' 1 Mt, so they split. */
const CAPACITY_T = 800_000;

const data = fixtureCopyWithTransitBan();
const linksFile = join(data, "links", "corridors.csv");
const lines = readFileSync(linksFile, "utf8").split("\n");
const header = lines[0].split(",");
const capCol = header.indexOf("capacityTonnesPerYear");
const k = lines.findIndex((l) => l.startsWith("ori-wp-canal,"));
const cells = lines[k].split(",");
cells[capCol] = String(CAPACITY_T);
lines[k] = cells.join(",");
writeFileSync(linksFile, lines.join("\n"));

const net = openNetwork(data, { cacheDir: false });
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(data, "demand", "corridors-2024.csv")));
const state = resolveNetworkState(net, { year: null, month: null });
const azTr = net.network.crossings.findIndex((c) => c.id === "az-tr");
/** [compiled arc] 1 = an arc of the Middle corridor's AZ–TR crossing (the "project" whose traffic is counted). */
const middle = Uint8Array.from(net.arcs.crossing, (x) => (x === azTr ? 1 : 0));
const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
const oriRow = demand.findIndex((r) => r.originPlace === place("ori") && r.classId === "container");
const GAP = 1e-8;

describe("congested comparison: figures from link flows, not from a pick among equal-cost paths", () => {
  const e = congestedEffects(ctx, demand, state, state, middle, { gap: GAP });
  const cp = corridorProblem(net, { file: "demand", rows: demand }, { state });
  const result = solve(cp.problem, "b", { gap: GAP, maxIterations: 500 });

  it("the fixture: the Orient containers are a ban class of their own and split between two routes", () => {
    expect(azTr).toBeGreaterThanOrEqual(0);
    expect(k).toBeGreaterThan(0);
    expect(cp.classIds).toContain("container|no-chinese-transit-rus");
    expect(oriRow).toBeGreaterThanOrEqual(0);
    expect(e.routed[oriRow]).toBe(1);
    // a split, not a whole route: one least-cost path would count the row as 0 or 1
    const share = e.projectShare?.[oriRow] ?? Number.NaN;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.99);
  });

  it("the traffic on the project is the equilibrium flow on the project's arcs", () => {
    let flowT = 0;
    for (let a = 0; a < cp.problem.graph.arcCount; a++) {
      const ca = cp.compiledArcOf[a];
      if (ca >= 0 && middle[ca] === 1) flowT += result.flow[a];
    }
    let onProjectT = 0;
    for (let r = 0; r < demand.length; r++) onProjectT += demand[r].amountT * (e.projectShare?.[r] ?? e.usesProject[r]);
    expect(flowT).toBeGreaterThan(0);
    expect(Math.abs(onProjectT - flowT)).toBeLessThanOrEqual(1e-6 * flowT);
  });

  it("the CO2 of the demand is the CO2 of the class link flows", () => {
    let fromFlowsKg = 0;
    for (let c = 0; c < cp.classIds.length; c++) {
      const profile = resolveRouteOptions(net, { cargo: cp.classProfiles[c], state }).profile;
      const co2 = profileColumns(net, profile, state.arcs).co2Kg;
      const flow = result.classFlow[c];
      for (let a = 0; a < flow.length; a++) {
        const ca = cp.compiledArcOf[a];
        // co2Kg is per unit of the profile (an FEU, a tonne); flows are tonnes
        if (ca >= 0 && flow[a] > 0) fromFlowsKg += (flow[a] * co2[ca]) / profile.massT.value;
      }
    }
    let fromRowsKg = 0;
    for (let r = 0; r < demand.length; r++) if (e.routed[r]) fromRowsKg += demand[r].amountT * e.co2WithKgPerT[r];
    expect(fromFlowsKg).toBeGreaterThan(0);
    expect(Math.abs(fromRowsKg - fromFlowsKg)).toBeLessThanOrEqual(1e-6 * fromFlowsKg);
  });
});
