/**
 * Calibration invariants of the shipped dataset data/eurasia (docs/calibration.md): where containers may change
 * between train and truck, and block-train border dwell kept apart from the all-shipment averages.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileNetwork } from "../../src/network/build";
import { ARC_TRANSSHIPMENT, isRailLayer, LAYER_ROAD, NO_INDEX } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";

const DIR = resolve(__dirname, "../../data/eurasia");
const net = compileNetwork(loadNetwork(DIR));

describe("data/eurasia transfers and border dwell", () => {
  it("changes rail↔road without a terminal record only at dry ports and seaports", () => {
    const offenders: string[] = [];
    for (let u = 0; u < net.graph.nodeCount; u++) {
      for (let a = net.graph.firstOut[u]; a < net.graph.firstOut[u + 1]; a++) {
        if (net.arcs.kind[a] !== ARC_TRANSSHIPMENT || net.arcs.record[a] !== NO_INDEX) continue;
        const lu = net.nodeLayer[u];
        const lv = net.nodeLayer[net.graph.head[a]];
        const railRoad = (isRailLayer(lu) && lv === LAYER_ROAD) || (lu === LAYER_ROAD && isRailLayer(lv));
        if (!railRoad) continue;
        const place = net.network.places[net.arcs.fromPlace[a]];
        if (!place.kinds.includes("dry_port") && !place.kinds.includes("seaport")) offenders.push(place.id);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("offers no default rail↔road transfer at the border stations Alashankou and Brest", () => {
    for (const id of ["alashankou", "brest"]) {
      const p = net.network.places.findIndex((x) => x.id === id);
      const transfers = net.arcs.kind.filter((k, a) => k === ARC_TRANSSHIPMENT && net.arcs.fromPlace[a] === p);
      expect(transfers.length, id).toBe(0);
    }
  });

  it("keeps each block-train border median at or below the all-shipment high of its crossing", () => {
    for (const id of ["dostyk-alashankou", "altynkol-khorgos", "brest-terespol", "bruzgi-kuznica"]) {
      const c = net.network.crossings.find((x) => x.id === id)!;
      for (const d of c.dwell) {
        expect(d.highH, `${id} ${d.fromCountry}`).not.toBeNull();
        expect(d.medianH).toBeLessThanOrEqual(d.highH!);
        expect(d.source.some((s) => s.startsWith("estimate:qa-block-train-"))).toBe(true);
      }
    }
  });
});
