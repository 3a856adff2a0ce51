/**
 * Property tests: compileNetwork on random small networks (built directly as NetworkData, with the testbot's mode
 * parameters) always passes its invariant checker, has the arc counts the rules predict, and survives the binary
 * round trip unchanged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBuffer, sidecarOf } from "../../src/network/binary";
import { compileNetwork } from "../../src/network/build";
import { checkCompiledNetwork } from "../../src/network/check";
import { ARC_ACCESS_DEPART, ARC_FERRY, ARC_LINK, LAYER_COUNT } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";
import type { LoadedLink, NetworkData } from "../../src/network/model";
import type { Place } from "../../src/network/schema";
import { TESTBOT } from "./helpers";

const base = loadNetwork(TESTBOT);
const SRC = ["src:testbot-manual"];

const arbNetwork = fc
  .record({
    placeCount: fc.integer({ min: 2, max: 8 }),
    links: fc.array(
      fc.record({
        from: fc.nat(),
        to: fc.nat(),
        kind: fc.constantFrom("rail1435", "rail1520", "road", "sea"),
        distanceKm: fc.integer({ min: 1, max: 2000 }),
        oneway: fc.boolean(),
        planned: fc.boolean(),
      }),
      { maxLength: 20 },
    ),
    ferries: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), road: fc.boolean(), oneway: fc.boolean() }), { maxLength: 3 }),
  })
  .map(({ placeCount, links, ferries }): NetworkData => {
    const places: Place[] = Array.from({ length: placeCount }, (_, i) => ({
      id: `p${i}`,
      name: `P${i}`,
      aliases: [],
      country: i % 2 === 0 ? "CHN" : "KAZ",
      lonDeg: i,
      latDeg: 0,
      kinds: i % 3 === 0 ? ["city", "seaport", "rail_terminal"] : ["city", "rail_terminal"],
      locode: null,
      population: null,
      coordSource: SRC,
      notes: "",
    }));
    const loaded: LoadedLink[] = links
      .map((l, k) => ({ ...l, from: l.from % placeCount, to: l.to % placeCount, k }))
      .filter((l) => l.from !== l.to)
      .map((l) => ({
        id: `l${l.k}`,
        from: `p${l.from}`,
        to: `p${l.to}`,
        mode: l.kind.startsWith("rail") ? "rail" : (l.kind as "road" | "sea"),
        gaugeMm: l.kind === "rail1435" ? 1435 : l.kind === "rail1520" ? 1520 : null,
        distanceKm: l.distanceKm,
        distanceEstimated: false,
        distanceSource: SRC,
        speedKmh: null,
        status: l.planned ? "planned" : "open",
        openYear: l.planned ? 2030 : null,
        oneway: l.oneway,
        capacityTonnesPerYear: null,
        capacityTeuPerYear: null,
        capacityTrainsPerDay: null,
        costUsdPerFeuKm: null,
        border: null,
        chokepoint: null,
        project: null,
        source: SRC,
        notes: "",
      }));
    const ferryRecords = ferries
      .map((f, k) => ({ ...f, from: f.from % placeCount, to: f.to % placeCount, k }))
      .filter((f) => f.from !== f.to)
      .map((f) => ({
        id: `f${f.k}`,
        name: `F${f.k}`,
        from: `p${f.from}`,
        to: `p${f.to}`,
        carries: f.road ? (["road"] as ("rail" | "road")[]) : (["rail"] as ("rail" | "road")[]),
        gaugeMm: f.road ? null : 1520,
        distanceKm: 100,
        crossingTimeH: 10,
        headwayH: 24,
        costUsdPerFeu: 500,
        deckCharges: [],
        capacityTonnesPerYear: null,
        seasonalDelay: null,
        status: "open" as const,
        openYear: null,
        oneway: f.oneway,
        source: SRC,
        notes: "",
      }));
    return { ...base, places, links: loaded, ferries: ferryRecords, crossings: [], terminals: [], projects: [], chokepoints: [], origins: {} };
  });

describe("compileNetwork on random networks", () => {
  it("always passes the invariant checker, has the predicted arc counts and round-trips through its buffer", () => {
    fc.assert(
      fc.property(arbNetwork, (data) => {
        const net = compileNetwork(data);
        expect(checkCompiledNetwork(net)).toEqual([]);
        const count = (kind: number) => net.arcs.kind.filter((k) => k === kind).length;
        expect(count(ARC_LINK)).toBe(data.links.reduce((n, l) => n + (l.oneway ? 1 : 2), 0));
        expect(count(ARC_FERRY)).toBe(data.ferries.reduce((n, f) => n + (f.oneway ? 1 : 2), 0));
        const layerNodes = net.layerNodeOf.filter((v) => v >= 0).length;
        expect(net.graph.nodeCount).toBe(data.places.length + layerNodes);
        expect(count(ARC_ACCESS_DEPART)).toBe(layerNodes);
        expect(net.layerNodeOf.length).toBe(data.places.length * LAYER_COUNT);
        const copy = fromBuffer(new Uint8Array(net.buffer).slice(), sidecarOf(net));
        expect([...copy.arcs.costUsdPerFeu]).toEqual([...net.arcs.costUsdPerFeu]);
        expect([...copy.graph.firstOut]).toEqual([...net.graph.firstOut]);
      }),
      { numRuns: 200, seed: 20261127 },
    );
  });
});
