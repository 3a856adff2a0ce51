/**
 * Every cell's path from the customizable hierarchy (ChQuery.manyToManyPaths through shortestPathRows and
 * pathSumsMatrix) against Dijkstra, on all pairs: the same cells are reachable; each hierarchy path is a path of the
 * graph from the source to the target that passes no noThrough node and whose weights add up to its cost; the cost
 * (weights added from the source in order, as Dijkstra adds them) is bit-identical to Dijkstra's distance on every
 * cell whose shortest path is unique, and the arcs are identical there. Where equally short paths exist the two
 * methods may choose different ones (docs/graph.md, tie-break): with integer weights the costs are then still equal
 * exactly; with real weights they may round apart in the last bits, which the test bounds and counts.
 *
 * ChQuery.manyToManyPaths over a regular (witness-search) hierarchy is checked the same way on random graphs: valid
 * paths whose weights add up to Dijkstra's distance.
 *
 * A path is unique here when every node on Dijkstra's path has exactly one tight in-arc (an arc u → v from a usable
 * u with dist(u) + w = dist(v), up to 1e-12 relative, so near-ties count as ties).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random";
import { buildCsr, buildReverse, type CsrGraph, INF_WEIGHT } from "../../src/graph/csr";
import { accessNode } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/open";
import { buildContractionHierarchy, ChQuery, customizableHierarchyOf } from "../../src/routing/ch";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { manyToMany, type PathMatrixProblem, pathSumsMatrix, shortestPathRows } from "../../src/routing/matrix";
import { resolveRouteOptions } from "../../src/routing/options";
import { applyScenario, extendedNetwork } from "../../src/scenarios/apply";
import { loadScenario } from "../../src/scenarios/load";

interface Comparison {
  cells: number;
  unique: number;
  tieCostsRoundedApart: number;
  tiePathsDiffer: number;
  /** [cell] 1 when the hierarchy's path is Dijkstra's. */
  samePath: Uint8Array;
  problems: string[];
}

/** Compare every cell of the hierarchy's path matrix with Dijkstra (see the file comment). */
function compareAllPairs(problem: PathMatrixProblem, nodes: Uint32Array): Comparison {
  const { graph, weight, noThrough } = problem;
  const n = nodes.length;
  const reverse = buildReverse(graph);
  const dijkstra = new DijkstraQuery(graph, weight, { noThrough });
  const result: Comparison = { cells: n * n, unique: 0, tieCostsRoundedApart: 0, tiePathsDiffer: 0, samePath: new Uint8Array(n * n), problems: [] };
  const problems = result.problems;
  const tight = new Uint32Array(graph.nodeCount); // [node] tight in-arcs from the current source
  shortestPathRows(problem, nodes, nodes, "cch", (i, row) => {
    const s = nodes[i];
    dijkstra.oneToAll(s);
    for (let v = 0; v < graph.nodeCount; v++) {
      tight[v] = 0;
      const dv = dijkstra.distanceTo(v);
      if (dv === INF_WEIGHT) continue;
      for (let k = reverse.firstIn[v]; k < reverse.firstIn[v + 1]; k++) {
        const a = reverse.inArc[k];
        const u = graph.tail[a];
        const du = dijkstra.distanceTo(u);
        if (du === INF_WEIGHT || weight[a] === INF_WEIGHT || (noThrough !== undefined && noThrough[u] === 1 && u !== s)) continue;
        if (du + weight[a] <= dv + 1e-12 * Math.max(1, dv)) tight[v]++;
      }
    }
    for (let j = 0; j < n; j++) {
      const t = nodes[j];
      const expected = dijkstra.distanceTo(t);
      const what = `${s} → ${t}`;
      if (expected === INF_WEIGHT) result.samePath[i * n + j] = 1;
      if (row.reachable(j) !== (expected !== INF_WEIGHT)) {
        problems.push(`${what}: reachable ${row.reachable(j)}, Dijkstra distance ${expected}`);
        continue;
      }
      if (expected === INF_WEIGHT) {
        if (row.path(j).length !== 0 || row.distance(j) !== INF_WEIGHT) problems.push(`${what}: unreachable but a path or cost is given`);
        continue;
      }
      const path = row.path(j).slice();
      const got = row.distance(j);
      // a path of the graph from s to t, through no noThrough node, whose weights add up to its cost
      let at = s;
      let sum = 0;
      for (let k = 0; k < path.length; k++) {
        const a = path[k];
        if (graph.tail[a] !== at) problems.push(`${what}: arc ${k} (${a}) leaves ${graph.tail[a]}, not ${at}`);
        if (k > 0 && noThrough !== undefined && noThrough[at] === 1) problems.push(`${what}: passes noThrough node ${at}`);
        if (weight[a] === INF_WEIGHT) problems.push(`${what}: uses closed arc ${a}`);
        sum += weight[a];
        at = graph.head[a];
      }
      if (at !== t) problems.push(`${what}: the path ends at ${at}`);
      if (sum !== got) problems.push(`${what}: cost ${got} but the arcs add up to ${sum}`);
      // unique shortest path: every node after the source has one tight in-arc
      let unique = true;
      for (let v = t; v !== s; v = graph.tail[dijkstra.predecessorArc(v)]) {
        if (tight[v] !== 1) {
          unique = false;
          break;
        }
      }
      const reference = dijkstra.pathArcs(t);
      const samePath = reference.length === path.length && reference.every((a, k) => a === path[k]);
      if (samePath) result.samePath[i * n + j] = 1;
      if (unique) {
        result.unique++;
        if (got !== expected) problems.push(`${what}: unique path, cost ${got} but Dijkstra ${expected}`);
        if (!samePath) problems.push(`${what}: unique path, arcs ${path.join(",")} but Dijkstra ${reference.join(",")}`);
      } else {
        if (!samePath) result.tiePathsDiffer++;
        if (got !== expected) {
          result.tieCostsRoundedApart++;
          // equally short in real numbers: apart by the rounding of two sums of at most this many terms
          const terms = Math.max(path.length, reference.length);
          if (!(got > expected && got - expected <= terms * 2 ** -52 * expected)) problems.push(`${what}: tied path costs ${got}, Dijkstra ${expected}`);
        }
      }
      if (problems.length > 20) return;
    }
  });
  return result;
}

/** A seeded random graph with small integer weights (many ties, zero weights), closed arcs and noThrough nodes. */
function randomProblem(seed: number): { problem: PathMatrixProblem; nodes: Uint32Array } {
  const random = seededRandom(seed);
  const nodeCount = 30 + Math.floor(random() * 50);
  const x = Float64Array.from({ length: nodeCount }, () => random());
  const y = Float64Array.from({ length: nodeCount }, () => random());
  const tails: number[] = [];
  const heads: number[] = [];
  for (let v = 0; v < nodeCount; v++) {
    for (let k = 0; k < 3; k++) {
      const u = Math.floor(random() * nodeCount);
      tails.push(v);
      heads.push(u);
      if (random() < 0.7) {
        tails.push(u);
        heads.push(v);
      }
    }
  }
  const graph: CsrGraph = buildCsr(nodeCount, tails, heads);
  const weight = Float64Array.from({ length: graph.arcCount }, () => (random() < 0.05 ? INF_WEIGHT : Math.floor(random() * 4)));
  // the first nodes are noThrough (access nodes of the network rank lowest, as nestedDissectionOrder requires)
  const noThrough = new Uint8Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) noThrough[v] = random() < 0.2 ? 1 : 0;
  const nodes = Uint32Array.from({ length: nodeCount }, (_, v) => v);
  return { problem: { graph, weight, noThrough, x, y }, nodes };
}

describe("paths of every cell from the customizable hierarchy", () => {
  it("equal Dijkstra's costs exactly on random graphs with integer weights and ties, and its arcs where the path is unique", () => {
    let unique = 0;
    let tiePathsDiffer = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { problem, nodes } = randomProblem(seed);
      const c = compareAllPairs(problem, nodes);
      expect(c.problems.slice(0, 5), `seed ${seed}`).toEqual([]);
      expect(c.tieCostsRoundedApart, `seed ${seed}: integer sums never round`).toBe(0);
      unique += c.unique;
      tiePathsDiffer += c.tiePathsDiffer;
    }
    // both kinds of cell occur, so both rules were exercised
    expect(unique).toBeGreaterThan(1000);
    expect(tiePathsDiffer).toBeGreaterThan(0);
  });

  it("equal Dijkstra's costs and arcs on every unique all-city path of the Eurasia network (time and generalized cost), on one structure for a scenario's states", () => {
    const net0 = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
    const scenario = loadScenario(resolve(__dirname, "../fixtures/scenarios/eurasia-bakhty-2030.yaml"));
    const net = extendedNetwork(net0, [scenario]);
    const ctx = new RoutingContext(net);
    const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    const nodes = Uint32Array.from(cities.map(accessNode));
    const structure = customizableHierarchyOf(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, net.noThrough);
    const cases = [
      ["baseline, time", applyScenario(net, scenario, { edits: false }).state, "time"],
      ["scenario, generalized cost", applyScenario(net, scenario).state, "generalized"],
    ] as const;
    for (const [label, state, criterion] of cases) {
      const set = ctx.weights(resolveRouteOptions(net, { state, criterion, cargo: "feu" }));
      const problem = { graph: net.graph, weight: set.weight, noThrough: net.noThrough, x: ctx.nodeLonDeg, y: ctx.nodeLatDeg };
      const c = compareAllPairs(problem, nodes);
      expect(c.problems.slice(0, 5), label).toEqual([]);
      // most cells have a unique path, and on those everything above is exact; ties are a minority
      expect(c.unique, label).toBeGreaterThan(0.5 * c.cells);
      expect(c.tieCostsRoundedApart, label).toBeLessThan(0.01 * c.cells);
      // the overlay needed only a customization: the structure is the one built for the graph
      expect(customizableHierarchyOf(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, net.noThrough)).toBe(structure);
      // pathSumsMatrix adds columns in Dijkstra's order: bit-identical figures wherever both choose the same path (other
      // cells: equally short paths whose other columns may differ, e.g. equally fast routes at different costs)
      const sumColumns = [set.columns.timeH, set.columns.costUsd];
      const reference = manyToMany(new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough }), nodes, nodes, { sumColumns });
      const viaDijkstra = pathSumsMatrix(problem, nodes, nodes, sumColumns, "dijkstra");
      const viaHierarchy = pathSumsMatrix(problem, nodes, nodes, sumColumns, "cch");
      const differ: string[] = [];
      let sameCells = 0;
      for (let cell = 0; cell < c.cells; cell++) {
        const same = [viaDijkstra, ...(c.samePath[cell] === 1 ? [viaHierarchy] : [])].every(
          (m) => Object.is(m.distance[cell], reference.distance[cell]) && sumColumns.every((_, k) => Object.is(m.sums[k][cell], reference.sums[k][cell])),
        );
        if (!same) differ.push(`${label} cell ${cell}`);
        if (c.samePath[cell] === 1) sameCells++;
      }
      expect(differ.slice(0, 5)).toEqual([]);
      expect(sameCells).toBeGreaterThan(0.5 * c.cells);
    }
  }, 180_000);

  it("also come from a regular contraction hierarchy: valid paths whose costs equal Dijkstra's (integer weights)", () => {
    for (let seed = 41; seed <= 60; seed++) {
      const { problem, nodes } = randomProblem(seed);
      const { graph, weight, noThrough } = problem;
      const query = new ChQuery(buildContractionHierarchy(graph, weight, { noThrough }));
      const dijkstra = new DijkstraQuery(graph, weight, { noThrough });
      const problems: string[] = [];
      query.manyToManyPaths(nodes, nodes, (i, row) => {
        dijkstra.oneToAll(nodes[i]);
        for (let j = 0; j < nodes.length; j++) {
          const expected = dijkstra.distanceTo(nodes[j]);
          if (row.distance(j) !== expected) problems.push(`seed ${seed} ${i} → ${j}: ${row.distance(j)} vs ${expected}`);
          if (expected === INF_WEIGHT) continue;
          let at = nodes[i];
          let sum = 0;
          for (const a of row.path(j)) {
            if (graph.tail[a] !== at) problems.push(`seed ${seed} ${i} → ${j}: arc ${a} does not continue the path`);
            sum += weight[a];
            at = graph.head[a];
          }
          if (at !== nodes[j] || sum !== expected) problems.push(`seed ${seed} ${i} → ${j}: ends at ${at}, weighs ${sum}, expected ${expected}`);
        }
      });
      expect(problems.slice(0, 5)).toEqual([]);
    }
  });

  it("chooses the same paths on every run (deterministic tie-break)", () => {
    const { problem, nodes } = randomProblem(7);
    const runs: string[][] = [];
    for (let k = 0; k < 2; k++) {
      const paths: string[] = [];
      // a fresh graph object each time, so the structure is built again
      const copy = { ...problem, graph: { ...problem.graph } };
      shortestPathRows(copy, nodes, nodes, "cch", (_, row) => {
        for (let j = 0; j < nodes.length; j++) paths.push(row.path(j).join(","));
      });
      runs.push(paths);
    }
    expect(runs[1]).toEqual(runs[0]);
  });
});
