/**
 * The all-city matrix of the Eurasia network from a customizable contraction hierarchy equals the current matrix
 * (manyToMany over one Dijkstra query): one metric-independent structure on the network extended by a library
 * scenario's added link, customized for the baseline state (added link closed) and for the scenario state (link open,
 * projects applied) — the overlay changes weights only, so no new preprocessing. Cells agree exactly or within the
 * float rounding of pre-added shortcut weights (1e-12 relative, the rule of test/graph/ch.test.ts), unreachable cells
 * agree exactly, and the three entry points (ChQuery.manyToMany, manyToMany over a ChQuery, manyToManyParallel with
 * `customizable`) give the same matrix.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { INF_WEIGHT } from "../../src/graph/csr";
import { accessNode } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/open";
import { buildCustomizableHierarchy, ChQuery, customizeHierarchy, nestedDissectionOrder } from "../../src/routing/ch";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { manyToMany } from "../../src/routing/matrix";
import { resolveRouteOptions } from "../../src/routing/options";
import { manyToManyParallel } from "../../src/routing/parallel-matrix";
import { applyScenario, extendedNetwork } from "../../src/scenarios/apply";
import { loadScenario } from "../../src/scenarios/load";

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe("all-city matrix from a customizable contraction hierarchy on the Eurasia network", () => {
  it("equals the Dijkstra matrix for a scenario's baseline and scenario states, customized on one structure", async () => {
    const net0 = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
    const scenario = loadScenario(resolve(__dirname, "../fixtures/scenarios/eurasia-bakhty-2030.yaml"));
    const net = extendedNetwork(net0, [scenario]);
    expect(net.graph.arcCount).toBeGreaterThan(net0.graph.arcCount); // the scenario adds a link
    const ctx = new RoutingContext(net);
    const cch = buildCustomizableHierarchy(net.graph, nestedDissectionOrder(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, { noThrough: net.noThrough }), net.noThrough);
    const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    expect(cities.length).toBeGreaterThan(500);
    const nodes = Uint32Array.from(cities.map(accessNode));
    const n = nodes.length;
    const states = [
      ["baseline", applyScenario(net, scenario, { edits: false }).state],
      ["scenario", applyScenario(net, scenario).state],
    ] as const;
    const matrices: Float64Array[] = [];
    for (const [label, state] of states) {
      const set = ctx.weights(resolveRouteOptions(net, { state, criterion: "time", cargo: "feu" }));
      const current = manyToMany(new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough }), nodes, nodes).distance;
      const query = new ChQuery(customizeHierarchy(cch, set.weight));
      const buckets = query.manyToMany(nodes, nodes);
      const viaMatrix = manyToMany(query, nodes, nodes).distance;
      const viaParallel = (await manyToManyParallel({ graph: net.graph, weight: set.weight, noThrough: net.noThrough }, nodes, nodes, { customizable: cch })).distance;
      const mismatches: string[] = [];
      let exact = 0;
      let unreachable = 0;
      for (let cell = 0; cell < n * n; cell++) {
        const expected = current[cell];
        if (expected === INF_WEIGHT) unreachable++;
        if (buckets[cell] === expected) exact++;
        else if (!sameDistance(buckets[cell], expected) || expected === INF_WEIGHT || buckets[cell] === INF_WEIGHT) {
          mismatches.push(`${label} ${net.network.places[cities[Math.floor(cell / n)]].id} → ${net.network.places[cities[cell % n]].id}: CCH ${buckets[cell]} h, Dijkstra ${expected} h`);
        }
        if (viaMatrix[cell] !== buckets[cell] || viaParallel[cell] !== buckets[cell]) mismatches.push(`${label} cell ${cell}: the entry points disagree`);
      }
      // sums carried through the buckets follow the chosen paths: the weight column itself sums to the distance
      const carried = manyToMany(query, nodes, nodes, { sumColumns: [set.weight, set.columns.timeH] });
      for (let cell = 0; cell < n * n; cell++) {
        if (carried.distance[cell] !== buckets[cell]) mismatches.push(`${label} cell ${cell}: distance with sums ${carried.distance[cell]}, without ${buckets[cell]}`);
        const own = carried.sums[0][cell];
        if (buckets[cell] === INF_WEIGHT ? !Number.isNaN(own) : !sameDistance(own, buckets[cell])) mismatches.push(`${label} cell ${cell}: weight sum ${own}, distance ${buckets[cell]}`);
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      // exact counts bit-identical cells (≈ 44 % here): the rest differ in the last bits only, because a CH distance
      // adds the same arc weights grouped by shortcuts
      expect(exact).toBeGreaterThan(0);
      expect(unreachable).toBeLessThan(n * n);
      matrices.push(buckets);
    }
    // the overlay matters: the scenario's new link shortens some city pairs
    let shorter = 0;
    for (let cell = 0; cell < n * n; cell++) if (matrices[1][cell] < matrices[0][cell] - 1e-9) shorter++;
    expect(shorter).toBeGreaterThan(0);
  });

  it("refuses a hierarchy built for another no-through mask", async () => {
    const net = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
    const ctx = new RoutingContext(net);
    const cch = buildCustomizableHierarchy(net.graph, nestedDissectionOrder(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg));
    const set = ctx.weights(resolveRouteOptions(net, { criterion: "time" }));
    await expect(manyToManyParallel({ graph: net.graph, weight: set.weight, noThrough: net.noThrough }, [0], [1], { customizable: cch })).rejects.toThrow(/noThrough/);
  });
});
