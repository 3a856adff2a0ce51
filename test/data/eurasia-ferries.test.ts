/**
 * Ferry invariants of the shipped dataset data/eurasia (docs/calibration.md, "Middle Corridor, southern routes and
 * INSTC"): rail ferries carry wagons between two rail networks of their gauge, and their waits come from sailing
 * counts rather than traveller reports.
 *
 *   rail 1520 ──► Aktau ══ rail ferry (wagons stay on their wheels) ══► Alat ──► rail 1520
 *   Poti ~~ container feeder (ferry record carrying [sea], test/fidelity/feeder.test.ts) ~~ Constanța
 *   Poti ══ ro-ro ferry (trucks only) ══ Constanța
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileNetwork } from "../../src/network/build";
import { ARC_FERRY, isRailLayer, LAYER_GAUGE_MM, LAYER_ROAD } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";

const DIR = resolve(__dirname, "../../data/eurasia");
const data = loadNetwork(DIR);
const net = compileNetwork(data);

describe("data/eurasia ferries", () => {
  it("lands every rail ferry at places its gauge reaches by an open rail link", () => {
    const railGaugesAt = new Map<string, Set<number>>();
    for (const l of data.links) {
      if (l.mode !== "rail" || l.status !== "open" || l.gaugeMm === null) continue;
      for (const p of [l.from, l.to]) {
        if (!railGaugesAt.has(p)) railGaugesAt.set(p, new Set());
        railGaugesAt.get(p)!.add(l.gaugeMm);
      }
    }
    const stranded: string[] = [];
    for (const f of data.ferries) {
      if (!f.carries.includes("rail")) continue;
      for (const end of [f.from, f.to]) {
        if (!railGaugesAt.get(end)?.has(f.gaugeMm ?? -1)) stranded.push(`${f.id} at ${end}`);
      }
    }
    expect(stranded).toEqual([]);
  });

  it("moves wagons across the water on their own gauge and trucks on the road layer, never switching layers", () => {
    let ferryArcs = 0;
    for (let u = 0; u < net.graph.nodeCount; u++) {
      for (let a = net.graph.firstOut[u]; a < net.graph.firstOut[u + 1]; a++) {
        if (net.arcs.kind[a] !== ARC_FERRY) continue;
        // sea feeders carry boxes, not vehicles: test/fidelity/feeder.test.ts
        if (data.ferries[net.arcs.record[a]].carries.includes("sea")) continue;
        ferryArcs++;
        const lu = net.nodeLayer[u];
        const lv = net.nodeLayer[net.graph.head[a]];
        expect(lv).toBe(lu);
        if (isRailLayer(lu)) expect(LAYER_GAUGE_MM[lu]).toBe(net.arcs.gaugeMm[a]);
        else expect(lu).toBe(LAYER_ROAD);
      }
    }
    expect(ferryArcs).toBeGreaterThan(0);
  });

  it("derives every Caspian ferry's headway from a sailing count, with an expected wait of half of it", () => {
    const caspian = data.ferries.filter((f) => f.to === "alat");
    expect(caspian.length).toBeGreaterThan(0);
    for (const f of caspian) {
      expect(f.source.some((s) => s.startsWith("estimate:qa2-caspian-ferry-headway-")), f.id).toBe(true);
      expect(f.source).not.toContain("estimate:west-caspian-ferry-headway");
      const fi = data.ferries.indexOf(f);
      for (let a = 0; a < net.arcs.kind.length; a++) {
        if (net.arcs.kind[a] === ARC_FERRY && net.arcs.record[a] === fi) expect(net.arcs.waitTimeH[a]).toBeCloseTo(f.headwayH / 2, 9);
      }
    }
  });
});
