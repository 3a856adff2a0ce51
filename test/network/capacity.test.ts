/**
 * Train pairs per day → tonnes per year (src/network/capacity.ts), the one conversion the compile step applies, and
 * what the compiled testbot arcs carry after it. Rate in these tests: 1,000,000 t/yr per daily train pair, so every
 * expected figure is checkable by eye.
 */
import { describe, expect, it } from "vitest";
import { findArc } from "../../src/graph/csr";
import { compileNetwork } from "../../src/network/build";
import {
  crossingCapacityTonnesPerYear,
  linkCapacityTonnesPerYear,
  railCapacityTonnesPerYear,
  terminalCapacityTonnesPerYear,
  trainPairsToTonnesPerYear,
} from "../../src/network/capacity";
import { LAYER_RAIL_1435, LAYER_RAIL_1520, layerNode } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";
import type { NetworkData } from "../../src/network/model";
import { TESTBOT } from "./helpers";

const RATE = 1_000_000;

describe("train pairs per day → tonnes per year", () => {
  it("multiplies the train pairs a day by the rate, per direction", () => {
    expect(trainPairsToTonnesPerYear(18, RATE)).toBe(18_000_000);
    expect(trainPairsToTonnesPerYear(0.5, RATE)).toBe(500_000);
  });

  it("leaves a capacity unknown (NaN) when the train count or the rate is missing, zero or negative", () => {
    expect(trainPairsToTonnesPerYear(null, RATE)).toBeNaN();
    expect(trainPairsToTonnesPerYear(0, RATE)).toBeNaN();
    expect(trainPairsToTonnesPerYear(12, Number.NaN)).toBeNaN();
    expect(trainPairsToTonnesPerYear(12, 0)).toBeNaN();
    expect(trainPairsToTonnesPerYear(-3, RATE)).toBeNaN();
  });

  it("prefers a sourced tonnage to converted train pairs", () => {
    expect(railCapacityTonnesPerYear({ capacityTonnesPerYear: 20_000_000, capacityTrainsPerDay: 14 }, RATE)).toBe(20_000_000);
    expect(railCapacityTonnesPerYear({ capacityTonnesPerYear: null, capacityTrainsPerDay: 14 }, RATE)).toBe(14_000_000);
    expect(railCapacityTonnesPerYear({ capacityTonnesPerYear: null, capacityTrainsPerDay: null }, RATE)).toBeNaN();
  });

  it("converts train pairs on rail links and rail crossing arcs only (no train count on roads)", () => {
    expect(linkCapacityTonnesPerYear({ mode: "rail", capacityTonnesPerYear: null, capacityTrainsPerDay: 12 }, RATE)).toBe(12_000_000);
    expect(linkCapacityTonnesPerYear({ mode: "road", capacityTonnesPerYear: null, capacityTrainsPerDay: 12 }, RATE)).toBeNaN();
    expect(linkCapacityTonnesPerYear({ mode: "road", capacityTonnesPerYear: 3_000_000, capacityTrainsPerDay: null }, RATE)).toBe(3_000_000);
    const crossing = { capacityTonnesPerYear: null, capacityTrainsPerDay: 18 };
    expect(crossingCapacityTonnesPerYear(crossing, "rail", RATE)).toBe(18_000_000);
    expect(crossingCapacityTonnesPerYear(crossing, "road", RATE)).toBeNaN();
  });

  it("counts a terminal's train pairs both ways (its capacity serves both directions)", () => {
    expect(terminalCapacityTonnesPerYear({ capacityTonnesPerYear: null, capacityTrainsPerDay: 14 }, RATE)).toBe(28_000_000);
    expect(terminalCapacityTonnesPerYear({ capacityTonnesPerYear: 4_000_000, capacityTrainsPerDay: 14 }, RATE)).toBe(4_000_000);
    expect(terminalCapacityTonnesPerYear({ capacityTonnesPerYear: null, capacityTrainsPerDay: null }, RATE)).toBeNaN();
  });
});

describe("the compile step converts train pairs (testbot)", () => {
  /**
   * The testbot with a rate, 4 train pairs/day on gate-crossing (its link has 10 Mt/yr of its own; the smaller
   * applies) and 6 at the west-gate gauge change.
   */
  function compiled(rate: number | null): ReturnType<typeof compileNetwork> {
    const data: NetworkData = loadNetwork(TESTBOT);
    const modes = rate === null ? data.modes : { ...data.modes, railCapacityTonnesPerYearPerTrainPair: { value: rate, source: ["estimate:testbot-rule"], notes: "" } };
    const crossings = data.crossings.map((c) => (c.id === "gate-crossing" ? { ...c, capacityTonnesPerYear: null, capacityTrainsPerDay: 4 } : c));
    const terminals = data.terminals.map((t) => (t.type === "gauge_change" ? { ...t, capacityTonnesPerYear: null, capacityTeuPerYear: null, capacityTrainsPerDay: 6 } : t));
    return compileNetwork({ ...data, modes, crossings, terminals });
  }
  const place = (net: ReturnType<typeof compileNetwork>, id: string) => net.network.places.findIndex((p) => p.id === id);

  it("gives the border arcs pairs × rate in each direction (4 Mt/yr, below the link's 10) and the gauge change 2 × pairs × rate", () => {
    const net = compiled(RATE);
    const east = place(net, "east-gate");
    const west = place(net, "west-gate");
    const border = findArc(net.graph, layerNode(net, east, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1435));
    const back = findArc(net.graph, layerNode(net, west, LAYER_RAIL_1435), layerNode(net, east, LAYER_RAIL_1435));
    expect(net.arcs.capacityTonnesPerYear[border]).toBe(4_000_000);
    expect(net.arcs.capacityTonnesPerYear[back]).toBe(4_000_000);
    const change = findArc(net.graph, layerNode(net, west, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1520));
    expect(net.arcs.capacityTonnesPerYear[change]).toBe(12_000_000);
  });

  it("leaves train-pair capacities unused when the dataset has no rate: the link's own 10 Mt/yr stands, the gauge change has none", () => {
    const net = compiled(null);
    const east = place(net, "east-gate");
    const west = place(net, "west-gate");
    const border = findArc(net.graph, layerNode(net, east, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1435));
    expect(net.arcs.capacityTonnesPerYear[border]).toBe(10_000_000);
    const change = findArc(net.graph, layerNode(net, west, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1520));
    expect(net.arcs.capacityTonnesPerYear[change]).toBeNaN();
  });
});
