/**
 * The compiled testbot network (see test/fixtures/testbot/README.md for the drawing):
 *
 *   portia ==1435 400 km== alpha ==1435 100== east-gate ==1435 10 (border)== west-gate ==1520 600== gamma ==1520 200== harbor ~~ferry 300~~ isla
 *     \\ sea 1000                                     CHN | KAZ     [gauge change]          \\ road (estimated)  //      /
 *      sea-narrows (waypoint, chokepoint "narrows") — sea 1000 —————————————————————————————————————— harbor      gamma ==1520 500 (planned 2030)== isla
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findArc } from "../../src/graph/csr";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { fromBuffer, sidecarOf } from "../../src/network/binary";
import { compileNetwork, expectedOpeningWaitH, monthMaskOfRange } from "../../src/network/build";
import { checkCompiledNetwork } from "../../src/network/check";
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_FERRY,
  ARC_GAUGE_CHANGE,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  accessNode,
  type CompiledNetwork,
  isArcAvailableInYear,
  isArcClosedInMonth,
  LAYER_RAIL_1435,
  LAYER_RAIL_1520,
  LAYER_ROAD,
  LAYER_SEA,
  layerNode,
  MODE_FERRY,
  NO_INDEX,
  STATUS_PLANNED,
} from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";
import { cacheEntryPaths, openNetwork } from "../../src/network/open";
import { append, copyTestbot, edit, TESTBOT } from "./helpers";

const net = compileNetwork(loadNetwork(TESTBOT));
const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
/** The arc from place a in layer la to place b in layer lb. */
function arc(a: string, la: number, b: string, lb: number): number {
  const u = layerNode(net, place(a), la);
  const v = layerNode(net, place(b), lb);
  expect(u).toBeGreaterThanOrEqual(0);
  expect(v).toBeGreaterThanOrEqual(0);
  const found = findArc(net.graph, u, v);
  expect(found).toBeGreaterThanOrEqual(0);
  return found;
}
function countKind(n: CompiledNetwork, kind: number): number {
  return n.arcs.kind.filter((k) => k === kind).length;
}

describe("expected waits", () => {
  it("a crossing open Monday to Friday makes a random arrival wait 24 × 2² / 14 = 6.857 h", () => {
    expect(expectedOpeningWaitH([1, 2, 3, 4, 5])).toBeCloseTo((24 * 4) / 14, 12);
  });
  it("a crossing open every day adds no wait", () => {
    expect(expectedOpeningWaitH([1, 2, 3, 4, 5, 6, 7])).toBe(0);
  });
  it("closed runs that wrap the week end are counted as one run", () => {
    // open Tue–Fri: closed Sat, Sun, Mon = one run of 3 → 24 × 9 / 14
    expect(expectedOpeningWaitH([2, 3, 4, 5])).toBeCloseTo((24 * 9) / 14, 12);
    // open Mon, Wed, Fri: closed Tue | Thu | Sat–Sun → 24 × (1 + 1 + 4) / 14
    expect(expectedOpeningWaitH([1, 3, 5])).toBeCloseTo((24 * 6) / 14, 12);
  });
  it("the opening wait equals a day-by-day oracle for every one of the 127 weekly patterns", () => {
    for (let mask = 1; mask < 128; mask++) {
      const openDays = [1, 2, 3, 4, 5, 6, 7].filter((d) => mask & (1 << (d - 1)));
      // arriving uniformly within closed day d: half a day to its end plus every closed day that follows
      let sumDays = 0;
      for (let d = 0; d < 7; d++) {
        if (openDays.includes(d + 1)) continue;
        let following = 0;
        while (!openDays.includes(((d + 1 + following) % 7) + 1)) following++;
        sumDays += 0.5 + following;
      }
      expect(expectedOpeningWaitH(openDays)).toBeCloseTo((24 * sumDays) / 7, 9);
    }
  });
  it("a seasonal closure range maps to the months it touches, across the year end too", () => {
    expect(monthMaskOfRange("01-01", "02-28")).toBe(0b11);
    expect(monthMaskOfRange("12-01", "04-01")).toBe(0b100000001111);
    expect(monthMaskOfRange("05-10", "05-20")).toBe(0b10000);
  });
});

describe("compiling the testbot network", () => {
  it("has one access node per place and one node per (place, layer) that has links or ferries", () => {
    expect(net.placeCount).toBe(10);
    // layer nodes: portia 1435+sea, alpha 1435, east-gate 1435, west-gate 1435+1520, gamma 1520+road,
    // harbor 1520+road+sea, isla 1520+road, sea-narrows sea = 14
    expect(net.graph.nodeCount).toBe(24);
    for (let p = 0; p < 10; p++) {
      expect(accessNode(p)).toBe(p);
      expect(net.noThrough[p]).toBe(1);
    }
    expect([...net.noThrough.slice(10)].every((x) => x === 0)).toBe(true);
    expect(layerNode(net, place("twin-north"), LAYER_ROAD)).toBe(-1);
  });

  it("counts arcs by kind: links both ways, ferry per carried layer, transfers both ways, access per layer node", () => {
    expect(countKind(net, ARC_LINK)).toBe(18);
    expect(countKind(net, ARC_FERRY)).toBe(4);
    expect(countKind(net, ARC_GAUGE_CHANGE)).toBe(2);
    // portia sea↔1435 (2), harbor sea↔1520, sea↔road, 1520↔road (6), default rail↔road at the dry port gamma (2);
    // none at isla, a plain rail terminal
    expect(countKind(net, ARC_TRANSSHIPMENT)).toBe(10);
    // 13 layer nodes outside the sea waypoint, each with depart and arrive
    expect(countKind(net, ARC_ACCESS_DEPART)).toBe(13);
    expect(countKind(net, ARC_ACCESS_ARRIVE)).toBe(13);
    expect(net.graph.arcCount).toBe(60);
  });

  it("passes its invariant checker", () => {
    expect(checkCompiledNetwork(net)).toEqual([]);
  });

  it("puts the dwell of leaving China on the arc from East Gate to West Gate, plus fee and weekday wait", () => {
    const out = arc("east-gate", LAYER_RAIL_1435, "west-gate", LAYER_RAIL_1435);
    const wait = (24 * 4) / 14;
    expect(net.arcs.eventTimeH[out]).toBeCloseTo(30 + wait, 9);
    expect(net.arcs.waitTimeH[out]).toBeCloseTo(wait, 9);
    expect(net.arcs.dwellHighH[out]).toBe(60);
    expect(net.arcs.travelTimeH[out]).toBeCloseTo(10 / 50, 12); // CHN: default rail 50 km/h
    expect(net.arcs.costUsdPerFeu[out]).toBeCloseTo(10 * 1 + 100, 9);
    expect(net.arcs.eventCostUsdPerFeu[out]).toBe(100);
    expect(net.arcs.costUsdPerTeu[out]).toBeCloseTo(110 * 0.6, 9);
    expect(net.arcs.costUsdPerTonne[out]).toBeCloseTo(10 * 0.05 + 100 / 20, 9);
    expect(net.countries[net.arcs.fromCountry[out]]).toBe("CHN");
    expect(net.countries[net.arcs.toCountry[out]]).toBe("KAZ");
    expect(net.arcs.capacityTonnesPerYear[out]).toBe(5_000_000); // min(link 10 Mt, crossing 5 Mt)
    expect(net.network.crossings[net.arcs.crossing[out]].id).toBe("gate-crossing");

    const back = arc("west-gate", LAYER_RAIL_1435, "east-gate", LAYER_RAIL_1435);
    expect(net.arcs.eventTimeH[back]).toBeCloseTo(10 + wait, 9);
    expect(Number.isNaN(net.arcs.dwellHighH[back])).toBe(true);
    expect(net.arcs.travelTimeH[back]).toBeCloseTo(10 / 40, 12); // KAZ: 40 km/h
    expect(net.arcs.costUsdPerFeu[back]).toBeCloseTo(10 + 50, 9);
  });

  it("closes the border arcs in January and February (seasonal closure) and nowhere else", () => {
    const out = arc("east-gate", LAYER_RAIL_1435, "west-gate", LAYER_RAIL_1435);
    expect(isArcClosedInMonth(net, out, 1)).toBe(true);
    expect(isArcClosedInMonth(net, out, 2)).toBe(true);
    expect(isArcClosedInMonth(net, out, 3)).toBe(false);
    const other = arc("portia", LAYER_RAIL_1435, "alpha", LAYER_RAIL_1435);
    expect(isArcClosedInMonth(net, other, 1)).toBe(false);
  });

  it("gives a ferry its crossing time as moving time and half the headway as expected wait", () => {
    const f = arc("harbor", LAYER_RAIL_1520, "isla", LAYER_RAIL_1520);
    expect(net.arcs.kind[f]).toBe(ARC_FERRY);
    expect(net.arcs.mode[f]).toBe(MODE_FERRY);
    expect(net.arcs.travelTimeH[f]).toBe(20);
    expect(net.arcs.waitTimeH[f]).toBe(24);
    expect(net.arcs.eventTimeH[f]).toBe(24);
    expect(net.arcs.costUsdPerFeu[f]).toBe(1000);
    expect(net.arcs.co2GPerTonne[f]).toBe(50 * 300);
    expect(net.arcs.gaugeMm[f]).toBe(1520);
    const road = arc("isla", LAYER_ROAD, "harbor", LAYER_ROAD);
    expect(net.arcs.kind[road]).toBe(ARC_FERRY);
    expect(net.arcs.gaugeMm[road]).toBe(0);
  });

  it("charges a deck its own tariff where the ferry gives one, each way, and the other deck the ferry's charge", () => {
    const dir = copyTestbot();
    edit(dir, "ferries/testbot.yaml", "    costUsdPerFeu: 1000\n", "    costUsdPerFeu: 1000\n    deckCharges:\n      - { deck: road, costUsdPerFeu: 1500, returnCostUsdPerFeu: 1700, source: [src:testbot-manual] }\n");
    const decked = compileNetwork(loadNetwork(dir));
    const at = (a: string, la: number, b: string, lb: number) => findArc(decked.graph, layerNode(decked, decked.network.places.findIndex((p) => p.id === a), la), layerNode(decked, decked.network.places.findIndex((p) => p.id === b), lb));
    const out = at("harbor", LAYER_ROAD, "isla", LAYER_ROAD);
    const back = at("isla", LAYER_ROAD, "harbor", LAYER_ROAD);
    expect(decked.arcs.costUsdPerFeu[out]).toBe(1500);
    expect(decked.arcs.costUsdPerFeu[back]).toBe(1700);
    expect(decked.arcs.costUsdPerTonne[back]).toBeCloseTo(1700 / (decked.network.modes.fixedChargeTonnesPerFeu?.value ?? decked.network.cargo.find((c) => c.costBasis === "feu")!.massT.value), 9);
    for (const [a, b] of [["harbor", "isla"], ["isla", "harbor"]]) expect(decked.arcs.costUsdPerFeu[at(a, LAYER_RAIL_1520, b, LAYER_RAIL_1520)]).toBe(1000);
    // before: the road deck paid the ferry's one charge
    expect(net.arcs.costUsdPerFeu[arc("isla", LAYER_ROAD, "harbor", LAYER_ROAD)]).toBe(1000);
  });

  it("joins the two gauges at the gauge-change terminal with its handling time and cost", () => {
    const g = arc("west-gate", LAYER_RAIL_1435, "west-gate", LAYER_RAIL_1520);
    expect(net.arcs.kind[g]).toBe(ARC_GAUGE_CHANGE);
    expect(net.arcs.eventTimeH[g]).toBe(5);
    expect(net.arcs.costUsdPerFeu[g]).toBe(300);
    expect(net.arcs.capacityTonnesPerYear[g]).toBe(4_000_000);
    expect(net.network.terminals[net.arcs.record[g]].id).toBe("west-gate-gauge");
  });

  it("uses the port terminal at ports and the default transfer at dry ports", () => {
    const port = arc("portia", LAYER_SEA, "portia", LAYER_RAIL_1435);
    expect(net.arcs.eventTimeH[port]).toBe(24);
    expect(net.arcs.costUsdPerTonne[port]).toBe(5);
    const dflt = arc("gamma", LAYER_RAIL_1520, "gamma", LAYER_ROAD);
    expect(net.arcs.kind[dflt]).toBe(ARC_TRANSSHIPMENT);
    expect(net.arcs.record[dflt]).toBe(NO_INDEX);
    expect(net.arcs.eventTimeH[dflt]).toBe(2);
    expect(net.arcs.costUsdPerFeu[dflt]).toBe(100);
  });

  it("adds a port's per-call bulk voyage charge to the bulk cost of sea links at that port only, not to container costs", () => {
    // portia (call 6 USD/t) ~~sea 1000~~ sea-narrows ~~sea 1000~~ harbor (no call): bulk sea rate 0.01 USD/t-km
    const dir = copyTestbot();
    edit(dir, "terminals/testbot.yaml", "    handlingCostUsdPerTonne: 5\n", "    handlingCostUsdPerTonne: 5\n    portCallUsdPerTonne: 6\n");
    const withCall = compileNetwork(loadNetwork(dir));
    const arcOf = (n: CompiledNetwork, a: string, b: string) =>
      findArc(
        n.graph,
        layerNode(n, n.network.places.findIndex((p) => p.id === a), LAYER_SEA),
        layerNode(n, n.network.places.findIndex((p) => p.id === b), LAYER_SEA),
      );
    for (const [a, b] of [
      ["portia", "sea-narrows"],
      ["sea-narrows", "portia"],
    ]) {
      const before = arcOf(net, a, b);
      const after = arcOf(withCall, a, b);
      expect(withCall.arcs.costUsdPerTonne[after]).toBeCloseTo(net.arcs.costUsdPerTonne[before] + 6, 12);
      expect(withCall.arcs.costUsdPerFeu[after]).toBe(net.arcs.costUsdPerFeu[before]);
      expect(withCall.arcs.costUsdPerTeu[after]).toBe(net.arcs.costUsdPerTeu[before]);
    }
    const far = arcOf(withCall, "sea-narrows", "harbor");
    expect(withCall.arcs.costUsdPerTonne[far]).toBeCloseTo(net.arcs.costUsdPerTonne[arcOf(net, "sea-narrows", "harbor")], 12);
    // a voyage portia → harbor now costs call 6 + 2,000 km × 0.01 + 0 USD/t
    const voyage = withCall.arcs.costUsdPerTonne[arcOf(withCall, "portia", "sea-narrows")] + withCall.arcs.costUsdPerTonne[far];
    expect(voyage).toBeCloseTo(6 + (withCall.arcs.distanceKm[far] + withCall.arcs.distanceKm[arcOf(withCall, "portia", "sea-narrows")]) * 0.01, 9);
  });

  it("allows no rail↔road transfer at a plain rail terminal without an intermodal terminal record", () => {
    const dir = copyTestbot();
    edit(dir, "places/testbot.csv", "city|rail_terminal|dry_port,KZGAM", "city|rail_terminal,KZGAM");
    const plain = compileNetwork(loadNetwork(dir));
    const g = plain.network.places.findIndex((p) => p.id === "gamma");
    expect(findArc(plain.graph, layerNode(plain, g, LAYER_RAIL_1520), layerNode(plain, g, LAYER_ROAD))).toBe(-1);
    expect(findArc(plain.graph, layerNode(plain, g, LAYER_ROAD), layerNode(plain, g, LAYER_RAIL_1520))).toBe(-1);
    append(
      dir,
      "terminals/testbot.yaml",
      "  - id: gamma-intermodal\n    place: gamma\n    type: intermodal\n    modes: [rail, road]\n    handlingTimeH: 3\n    handlingCostUsdPerFeu: 90\n    source: [src:testbot-manual]\n",
    );
    const withTerminal = compileNetwork(loadNetwork(dir));
    const t = findArc(withTerminal.graph, layerNode(withTerminal, g, LAYER_RAIL_1520), layerNode(withTerminal, g, LAYER_ROAD));
    expect(t).toBeGreaterThanOrEqual(0);
    expect(withTerminal.arcs.eventTimeH[t]).toBe(3);
    expect(withTerminal.network.terminals[withTerminal.arcs.record[t]].id).toBe("gamma-intermodal");
  });

  it("computes link columns from distance and the mode parameters", () => {
    const a = arc("west-gate", LAYER_RAIL_1520, "gamma", LAYER_RAIL_1520);
    expect(net.arcs.distanceKm[a]).toBe(600);
    expect(net.arcs.travelTimeH[a]).toBe(15); // 600 km at KAZ 40 km/h
    expect(net.arcs.eventTimeH[a]).toBe(0);
    expect(net.arcs.costUsdPerFeu[a]).toBe(600);
    expect(net.arcs.co2GPerTonne[a]).toBe(600 * 20);
    expect(net.arcs.gaugeMm[a]).toBe(1520);
    const road = arc("gamma", LAYER_ROAD, "harbor", LAYER_ROAD);
    expect(net.arcs.distanceEstimated[road]).toBe(1);
    expect(net.arcs.travelTimeH[road]).toBeCloseTo(net.arcs.distanceKm[road] / 25, 12);
    const sea = arc("sea-narrows", LAYER_SEA, "harbor", LAYER_SEA);
    expect(net.network.chokepoints[net.arcs.chokepoint[sea]].id).toBe("narrows");
  });

  it("compiles the planned link but flags it, so it is available only from its opening year", () => {
    const p = arc("gamma", LAYER_RAIL_1520, "isla", LAYER_RAIL_1520);
    expect(net.arcs.status[p]).toBe(STATUS_PLANNED);
    expect(net.arcs.openYear[p]).toBe(2030);
    expect(isArcAvailableInYear(net, p, null)).toBe(false);
    expect(isArcAvailableInYear(net, p, 2029)).toBe(false);
    expect(isArcAvailableInYear(net, p, 2030)).toBe(true);
  });

  it("lets a query start and end at access nodes without passing through another place's access node", () => {
    // time weight; planned arcs disabled
    const w = new Float64Array(net.graph.arcCount);
    for (let a = 0; a < w.length; a++) w[a] = isArcAvailableInYear(net, a, null) ? net.arcs.travelTimeH[a] + net.arcs.eventTimeH[a] : Number.POSITIVE_INFINITY;
    const q = new DijkstraQuery(net.graph, w, { noThrough: net.noThrough });
    const timeH = q.oneToOne(accessNode(place("portia")), accessNode(place("isla")));
    // rail 8 + 2 + border (0.2 + 30 + 6.857) + gauge 5 + 15 + 5 + ferry (20 + 24) = 116.057 h
    expect(timeH).toBeCloseTo(8 + 2 + 0.2 + 30 + (24 * 4) / 14 + 5 + 15 + 5 + 44, 9);
    const path = q.pathArcs(accessNode(place("isla")));
    const inner = path.slice(1).map((a) => net.graph.tail[a]);
    expect(inner.every((v) => v >= net.placeCount)).toBe(true);
    // with the planned Gamma–Isla line (2030): ... + 15 + 12.5 instead of harbor and the ferry
    for (let a = 0; a < w.length; a++) w[a] = isArcAvailableInYear(net, a, 2030) ? net.arcs.travelTimeH[a] + net.arcs.eventTimeH[a] : Number.POSITIVE_INFINITY;
    expect(q.oneToOne(accessNode(place("portia")), accessNode(place("isla")))).toBeCloseTo(8 + 2 + 0.2 + 30 + (24 * 4) / 14 + 5 + 15 + 12.5, 9);
  });
});

describe("the binary form", () => {
  it("keeps every typed array in one ArrayBuffer", () => {
    expect(net.graph.firstOut.buffer).toBe(net.buffer);
    expect(net.arcs.costUsdPerFeu.buffer).toBe(net.buffer);
    expect(net.layerNodeOf.buffer).toBe(net.buffer);
  });

  it("round-trips through buffer and sidecar unchanged", () => {
    const copy = fromBuffer(new Uint8Array(net.buffer).slice(), sidecarOf(net), net.sourceHash);
    expect(copy.graph.arcCount).toBe(net.graph.arcCount);
    expect([...copy.arcs.eventTimeH]).toEqual([...net.arcs.eventTimeH]);
    expect([...copy.graph.head]).toEqual([...net.graph.head]);
    expect(copy.network.places.map((p) => p.id)).toEqual(net.network.places.map((p) => p.id));
    expect(checkCompiledNetwork(copy)).toEqual([]);
  });

  it("fails with E_GRAPH_CACHE_STALE for another source hash, another format version or a damaged buffer", () => {
    const bytes = new Uint8Array(net.buffer).slice();
    expect(() => fromBuffer(bytes, sidecarOf(net), "0".repeat(64))).toThrow(expect.objectContaining({ code: "E_GRAPH_CACHE_STALE" }));
    const older = bytes.slice();
    new DataView(older.buffer).setUint32(4, 999, true);
    expect(() => fromBuffer(older, sidecarOf(net))).toThrow(expect.objectContaining({ code: "E_GRAPH_CACHE_STALE" }));
    expect(() => fromBuffer(bytes.slice(0, 100), sidecarOf(net))).toThrow(expect.objectContaining({ code: "E_GRAPH_CACHE_STALE" }));
    expect(() => fromBuffer(bytes, "{not json")).toThrow(expect.objectContaining({ code: "E_GRAPH_CACHE_STALE" }));
  });
});

describe("openNetwork and its cache", () => {
  it("writes a cache entry, revives it, and rebuilds after a source file changes", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "caravan-cache-"));
    const dir = copyTestbot();
    const first = openNetwork(dir, { cacheDir });
    const revived = openNetwork(dir, { cacheDir });
    expect(revived.sourceHash).toBe(first.sourceHash);
    expect(revived.buffer).not.toBe(first.buffer); // read from disk
    expect([...revived.arcs.travelTimeH]).toEqual([...first.arcs.travelTimeH]);
    edit(dir, "ferries/testbot.yaml", "headwayH: 48", "headwayH: 24");
    const rebuilt = openNetwork(dir, { cacheDir });
    expect(rebuilt.sourceHash).not.toBe(first.sourceHash);
    expect(Math.max(...rebuilt.arcs.waitTimeH)).toBe(12);
  });

  it("rebuilds a damaged cache entry instead of failing", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "caravan-cache-"));
    const dir = copyTestbot();
    const first = openNetwork(dir, { cacheDir });
    writeFileSync(cacheEntryPaths(cacheDir, first.sourceHash).bin, "garbage");
    expect(openNetwork(dir, { cacheDir }).graph.arcCount).toBe(60);
  });
});
