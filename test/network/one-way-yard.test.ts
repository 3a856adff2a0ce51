/**
 * A gauge-change yard that reloads in one direction only (`reloadsFromGaugeMm`): the testbot's west-gate yard joins
 * 1435 and 1520 mm; made one-way from 1520 it keeps only the 1520 → 1435 transfer, so a westbound 1435 train cannot
 * change gauge there (as at the Chinese border yards, which reload inbound trains arriving in 1520 mm wagons).
 */
import { describe, expect, it } from "vitest";
import { findArc, NO_ARC } from "../../src/graph/csr";
import { compileNetwork } from "../../src/network/build";
import { LAYER_RAIL_1435, LAYER_RAIL_1520, layerNode } from "../../src/network/compiled";
import { loadNetwork, validateNetwork } from "../../src/network/load";
import type { NetworkData } from "../../src/network/model";
import { copyTestbot, edit, TESTBOT } from "./helpers";

function withYard(reloadsFromGaugeMm: number | null) {
  const data: NetworkData = loadNetwork(TESTBOT);
  const terminals = data.terminals.map((t) => (t.id === "west-gate-gauge" ? { ...t, reloadsFromGaugeMm } : t));
  return compileNetwork({ ...data, terminals });
}

describe("one-way gauge-change yards (reloadsFromGaugeMm)", () => {
  it("keeps both transfers when the yard works both ways", () => {
    const net = withYard(null);
    const west = net.network.places.findIndex((p) => p.id === "west-gate");
    expect(findArc(net.graph, layerNode(net, west, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1520))).not.toBe(NO_ARC);
    expect(findArc(net.graph, layerNode(net, west, LAYER_RAIL_1520), layerNode(net, west, LAYER_RAIL_1435))).not.toBe(NO_ARC);
  });

  it("keeps only the transfer leaving the named gauge", () => {
    const net = withYard(1520);
    const west = net.network.places.findIndex((p) => p.id === "west-gate");
    const from1435 = findArc(net.graph, layerNode(net, west, LAYER_RAIL_1435), layerNode(net, west, LAYER_RAIL_1520));
    const from1520 = findArc(net.graph, layerNode(net, west, LAYER_RAIL_1520), layerNode(net, west, LAYER_RAIL_1435));
    expect(from1435).toBe(NO_ARC);
    expect(from1520).not.toBe(NO_ARC);
    expect(net.arcs.eventTimeH[from1520]).toBe(5);
  });

  it("rejects a gauge the yard does not join, naming the field", () => {
    const dir = copyTestbot();
    edit(dir, "terminals/testbot.yaml", "    gauges: [1435, 1520]\n    handlingTimeH: 5", "    gauges: [1435, 1520]\n    reloadsFromGaugeMm: 1000\n    handlingTimeH: 5");
    const problems = validateNetwork(dir).problems;
    expect(problems.map((p) => p.field)).toContain("reloadsFromGaugeMm");
  });
});
