/**
 * Contraction hierarchies (src/routing/ch): distances equal plain Dijkstra on random graphs (fast-check) and on the
 * shipped Eurasia network, paths unpack into graph arcs that sum to the distance, matrices equal single queries,
 * and the invariant checker names what broke.
 *
 * Rounding rule: with integer weights the comparison is exact (===). With real-valued weights a CH distance sums
 * the same arc weights as Dijkstra's path but grouped differently (shortcut weights are pre-added), so it may
 * differ from Dijkstra's by float rounding only: at most k·2^-52 relative for a path of k arcs; the tests allow
 * 1e-12 relative, nothing more.
 */
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCsr, type CsrGraph, INF_WEIGHT } from "../../src/graph/csr";
import { openNetwork } from "../../src/network/open";
import { buildContractionHierarchy, ChQuery, checkHierarchyInvariants, type ContractionHierarchy } from "../../src/routing/ch";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { resolveRouteOptions } from "../../src/routing/options";

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

interface RandomGraph {
  n: number;
  tails: number[];
  heads: number[];
  weights: number[];
  noThrough: boolean[];
}

const randomGraph = (integer: boolean) =>
  fc.integer({ min: 1, max: 30 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      arcs: fc.array(
        fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), integer ? fc.integer({ min: 0, max: 20 }) : fc.double({ min: 0, max: 100, noNaN: true })),
        { maxLength: 4 * n },
      ),
      noThrough: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    }).map(({ n, arcs, noThrough }): RandomGraph => ({ n, tails: arcs.map((a) => a[0]), heads: arcs.map((a) => a[1]), weights: arcs.map((a) => a[2]), noThrough })),
  );

function setUp(g: RandomGraph, useNoThrough: boolean) {
  const graph = buildCsr(g.n, g.tails, g.heads);
  const weight = new Float64Array(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) weight[a] = g.weights[graph.inputArc[a]];
  const noThrough = useNoThrough ? Uint8Array.from(g.noThrough, (b) => (b ? 1 : 0)) : undefined;
  // small witness limits so that limited searches (extra shortcuts) are exercised too
  const h = buildContractionHierarchy(graph, weight, { noThrough, witnessSettledLimit: 3, witnessHopLimit: 2 });
  return { graph, weight, noThrough, h };
}

function checkAllPairs(graph: CsrGraph, weight: Float64Array, noThrough: Uint8Array | undefined, h: ContractionHierarchy): void {
  expect(checkHierarchyInvariants(h, graph, weight)).toEqual([]);
  const dijkstra = new DijkstraQuery(graph, weight, { noThrough });
  const ch = new ChQuery(h);
  const all = Array.from({ length: graph.nodeCount }, (_, i) => i);
  const matrix = ch.manyToMany(all, all);
  for (let s = 0; s < graph.nodeCount; s++) {
    dijkstra.oneToAll(s);
    for (let t = 0; t < graph.nodeCount; t++) {
      const expected = dijkstra.distanceTo(t);
      const got = ch.oneToOne(s, t);
      if (!sameDistance(got, expected)) throw new Error(`oneToOne ${s}→${t}: CH ${got}, Dijkstra ${expected}`);
      const cell = matrix[s * graph.nodeCount + t];
      if (!sameDistance(cell, expected)) throw new Error(`matrix ${s}→${t}: CH ${cell}, Dijkstra ${expected}`);
      const arcs = ch.pathArcs(t);
      if (got === INF_WEIGHT || s === t) {
        expect(arcs).toEqual([]);
        continue;
      }
      let at = s;
      let sum = 0;
      for (const a of arcs) {
        if (graph.tail[a] !== at) throw new Error(`path ${s}→${t}: arc ${a} leaves ${graph.tail[a]}, expected ${at}`);
        if (noThrough && at !== s && noThrough[at] === 1) throw new Error(`path ${s}→${t} passes through no-through node ${at}`);
        sum += weight[a];
        at = graph.head[a];
      }
      expect(at).toBe(t);
      if (!sameDistance(sum, got)) throw new Error(`path ${s}→${t}: arcs sum to ${sum}, distance ${got}`);
    }
  }
}

describe("contraction hierarchy", () => {
  it("answers exactly Dijkstra's distances on random integer-weighted graphs (one-to-one, matrix, unpacked paths)", () => {
    fc.assert(
      fc.property(randomGraph(true), (g) => {
        const { graph, weight, noThrough, h } = setUp(g, false);
        checkAllPairs(graph, weight, noThrough, h);
      }),
      { numRuns: 150 },
    );
  });

  it("matches Dijkstra within float rounding on real-valued weights", () => {
    fc.assert(
      fc.property(randomGraph(false), (g) => {
        const { graph, weight, noThrough, h } = setUp(g, false);
        checkAllPairs(graph, weight, noThrough, h);
      }),
      { numRuns: 100 },
    );
  });

  it("never passes through a no-through node, like Dijkstra with noThrough", () => {
    fc.assert(
      fc.property(randomGraph(true), (g) => {
        const { graph, weight, noThrough, h } = setUp(g, true);
        checkAllPairs(graph, weight, noThrough, h);
      }),
      { numRuns: 150 },
    );
  });

  it("skips disabled (+Infinity) arcs, self-loops and heavier parallel arcs", () => {
    // 0 →(5) 1, 0 →(2) 1 parallel, 1 →(∞) 2 disabled, 1 →(1) 1 self-loop, 0 →(10) 2
    const graph = buildCsr(3, [0, 0, 1, 1, 0], [1, 1, 2, 1, 2]);
    const weight = new Float64Array(graph.arcCount);
    const w = [5, 2, INF_WEIGHT, 1, 10];
    for (let a = 0; a < graph.arcCount; a++) weight[a] = w[graph.inputArc[a]];
    const q = new ChQuery(buildContractionHierarchy(graph, weight));
    expect(q.oneToOne(0, 1)).toBe(2);
    expect(q.oneToOne(0, 2)).toBe(10);
    expect(q.oneToOne(1, 2)).toBe(INF_WEIGHT);
  });

  it("invariant checker names a shortcut whose weight no longer equals its halves, and a downward arc", () => {
    // a path 0 - 1 - 2 - 3 - 4 both ways: contraction adds shortcuts
    const graph = buildCsr(5, [0, 1, 1, 2, 2, 3, 3, 4], [1, 0, 2, 1, 3, 2, 4, 3]);
    const weight = Float64Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const h = buildContractionHierarchy(graph, weight);
    expect(checkHierarchyInvariants(h, graph, weight)).toEqual([]);
    expect(h.shortcutCount).toBeGreaterThan(0);
    const shortcut = Array.from(h.upMiddle).findIndex((m) => m >= 0);
    const side = shortcut >= 0 ? "forward" : "backward";
    const broken = { ...h, upWeight: h.upWeight.slice(), downWeight: h.downWeight.slice() };
    if (shortcut >= 0) broken.upWeight[shortcut] += 1;
    else broken.downWeight[Array.from(h.downMiddle).findIndex((m) => m >= 0)] += 1;
    const problems = checkHierarchyInvariants(broken, graph, weight);
    expect(problems.some((p) => p.includes(`${side} arc`) && p.includes("is a shortcut of weight") && p.includes("halves"))).toBe(true);
    const downward = { ...h, upHead: h.upHead.slice() };
    downward.upHead[0] = 0;
    expect(checkHierarchyInvariants(downward).some((p) => p.includes("does not lead upward"))).toBe(true);
  });
});

describe("contraction hierarchy on the Eurasia network", () => {
  it("equals plain Dijkstra (with no-through access nodes) on 10,000 seeded random node pairs (paths unpacked for 500) and a 40 × 40 matrix", () => {
    const net = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
    const ctx = new RoutingContext(net);
    const set = ctx.weights(resolveRouteOptions(net, { criterion: "time" }));
    const h = buildContractionHierarchy(net.graph, set.weight, { noThrough: net.noThrough });
    expect(checkHierarchyInvariants(h, net.graph, set.weight)).toEqual([]);
    const dijkstra = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    const ch = new ChQuery(h);
    let seed = 12345;
    const pick = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % net.graph.nodeCount;
    };
    let reached = 0;
    const mismatches: string[] = [];
    for (let k = 0; k < 10_000; k++) {
      const s = pick();
      const t = pick();
      const expected = dijkstra.oneToOne(s, t);
      const got = ch.oneToOne(s, t);
      if (expected !== INF_WEIGHT) reached++;
      if (!sameDistance(got, expected)) mismatches.push(`${s}→${t}: CH ${got}, Dijkstra ${expected}`);
      if (k < 500 && got !== INF_WEIGHT && s !== t) {
        // the unpacked path runs s → t over graph arcs, passes no access node and sums to the distance
        let at = s;
        let sum = 0;
        for (const a of ch.pathArcs(t)) {
          if (net.graph.tail[a] !== at || (at !== s && net.noThrough[at] === 1)) mismatches.push(`path ${s}→${t} breaks at arc ${a}`);
          sum += set.weight[a];
          at = net.graph.head[a];
        }
        if (at !== t || !sameDistance(sum, got)) mismatches.push(`path ${s}→${t} ends at ${at} with length ${sum}, distance ${got}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(reached).toBeGreaterThan(5000);
    const sources = Array.from({ length: 40 }, pick);
    const targets = Array.from({ length: 40 }, pick);
    const matrix = ch.manyToMany(sources, targets);
    for (let i = 0; i < 40; i++) {
      dijkstra.oneToAll(sources[i]);
      for (let j = 0; j < 40; j++) {
        const expected = dijkstra.distanceTo(targets[j]);
        if (!sameDistance(matrix[i * 40 + j], expected)) mismatches.push(`matrix ${sources[i]}→${targets[j]}: CH ${matrix[i * 40 + j]}, Dijkstra ${expected}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
