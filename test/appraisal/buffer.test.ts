/**
 * The appraisal's reliability buffer is the routing stage's (routing/reliability.ts arcEventBufferH): over a route it
 * equals the route report's timeP90H − timeH, border dwell, closure waits and ferry waits alike, so route choice
 * (ρ × buffer in the generalized cost) and the reliability benefit count the same spread. Checked on data/eurasia for
 * the corridor demand's rows, among them rows whose route takes a Caspian ferry.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeEffects } from "../../src/appraisal/index";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { planRoutes, RoutingContext } from "../../src/routing/index";

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
const HAS = existsSync(join(real, "demand", "corridors-2024.csv"));
if (!HAS) console.warn("skipping the appraisal buffer test: data/eurasia/demand/corridors-2024.csv is absent");

describe.skipIf(!HAS)("reliability buffer of the appraisal = the route report's P90 − expected time", () => {
  it("for every demand row routed in December (ferry waits stretched by the season), ferry rows included", () => {
    const net = openNetwork(real, { cacheDir: false });
    const ctx = new RoutingContext(net);
    const demand = resolveDemand(net, readDemandCsv(join(real, "demand", "corridors-2024.csv")));
    const state = resolveNetworkState(net, { year: 2024, month: 12 });
    const e = computeEffects(ctx, demand, { state }, { state }, new Uint8Array(net.graph.arcCount));
    let ferries = 0;
    let spread = 0;
    for (let r = 0; r < demand.length; r++) {
      if (!e.routed[r]) continue;
      const row = demand[r];
      const report = planRoutes(ctx, { from: row.originPlace, to: row.destinationPlace, criterion: "generalized", cargo: row.profileId, year: 2024, month: 12 }).routes[0];
      expect(report.timeH).toBeCloseTo(e.timeWithH[r], 6);
      expect(e.bufferWithH[r]).toBeCloseTo(report.timeP90H - report.timeH, 6);
      expect(e.bufferWithoutH[r]).toBe(e.bufferWithH[r]);
      if (report.events.some((ev) => ev.type === "ferry_wait")) ferries++;
      if (e.bufferWithH[r] > 0) spread++;
    }
    expect(ferries).toBeGreaterThan(0);
    expect(spread).toBeGreaterThan(0);
  }, 120_000);
});
