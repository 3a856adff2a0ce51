/**
 * Customizable contraction hierarchies (src/routing/ch/cch.ts, order.ts): one metric-independent structure, then
 * distances equal plain Dijkstra for several metrics customized on it — random graphs (fast-check), a seeded
 * 80 × 80 grid with one-way streets under two metrics, and the shipped Eurasia network under time and cost —
 * and both invariant checkers name what broke. Same rounding rule as ch.test.ts: exact (===) on integer weights,
 * 1e-12 relative on real-valued weights (a shortcut pre-adds the same arcs in another grouping).
 */
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random";
import { buildCsr, type CsrGraph, INF_WEIGHT, permuteToCsr } from "../../src/graph/csr";
import { openNetwork } from "../../src/network/open";
import {
  buildCustomizableHierarchy,
  ChQuery,
  checkCchInvariants,
  checkHierarchyInvariants,
  customize,
  customizedHierarchy,
  nestedDissectionOrder,
} from "../../src/routing/ch";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { manyToMany } from "../../src/routing/matrix";
import { resolveRouteOptions } from "../../src/routing/options";

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

/** Every pair: oneToOne, the bucket matrix and the unpacked path against Dijkstra; throws on the first difference. */
function checkAllPairs(graph: CsrGraph, weight: Float64Array, noThrough: Uint8Array | undefined, q: ChQuery): void {
  const dijkstra = new DijkstraQuery(graph, weight, { noThrough });
  const all = Array.from({ length: graph.nodeCount }, (_, i) => i);
  const matrix = q.manyToMany(all, all);
  for (let s = 0; s < graph.nodeCount; s++) {
    dijkstra.oneToAll(s);
    for (let t = 0; t < graph.nodeCount; t++) {
      const expected = dijkstra.distanceTo(t);
      const got = q.oneToOne(s, t);
      if (!sameDistance(got, expected)) throw new Error(`oneToOne ${s}→${t}: CCH ${got}, Dijkstra ${expected}`);
      const cell = matrix[s * graph.nodeCount + t];
      if (!sameDistance(cell, expected)) throw new Error(`matrix ${s}→${t}: CCH ${cell}, Dijkstra ${expected}`);
      if (got === INF_WEIGHT || s === t) continue;
      let at = s;
      let sum = 0;
      for (const a of q.pathArcs(t)) {
        if (graph.tail[a] !== at) throw new Error(`path ${s}→${t}: arc ${a} leaves ${graph.tail[a]}, expected ${at}`);
        if (noThrough && at !== s && noThrough[at] === 1) throw new Error(`path ${s}→${t} passes through no-through node ${at}`);
        sum += weight[a];
        at = graph.head[a];
      }
      if (at !== t || !sameDistance(sum, got)) throw new Error(`path ${s}→${t} ends at ${at} with length ${sum}, distance ${got}`);
    }
  }
}

const randomGraph = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    arcs: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 100, noNaN: true })), {
      maxLength: 4 * n,
    }),
    xy: fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })), { minLength: n, maxLength: n }),
    noThrough: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    useNoThrough: fc.boolean(),
  }),
);

describe("customizable contraction hierarchy", () => {
  it("answers exactly Dijkstra's distances for two metrics customized on one structure (random graphs, with and without no-through nodes)", () => {
    fc.assert(
      fc.property(randomGraph, (g) => {
        const graph = buildCsr(
          g.n,
          g.arcs.map((a) => a[0]),
          g.arcs.map((a) => a[1]),
        );
        const noThrough = g.useNoThrough ? Uint8Array.from(g.noThrough, (b) => (b ? 1 : 0)) : undefined;
        const order = nestedDissectionOrder(
          graph,
          g.xy.map((p) => p[0]),
          g.xy.map((p) => p[1]),
          { noThrough, leafSize: 2 },
        );
        const cch = buildCustomizableHierarchy(graph, order, noThrough);
        expect(checkCchInvariants(cch, graph)).toEqual([]);
        for (const column of [2, 3] as const) {
          const weight = new Float64Array(graph.arcCount);
          for (let a = 0; a < graph.arcCount; a++) weight[a] = g.arcs[graph.inputArc[a]][column];
          const metric = customize(cch, weight);
          expect(checkCchInvariants(cch, graph, metric, weight)).toEqual([]);
          const h = customizedHierarchy(cch, metric);
          expect(checkHierarchyInvariants(h, graph, weight)).toEqual([]);
          checkAllPairs(graph, weight, noThrough, new ChQuery(h));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("equals Dijkstra on 4,000 seeded pairs of an 80 × 80 grid with one-way and closed streets, under a length and a random metric", () => {
    const side = 80;
    const random = seededRandom(20261205);
    const tails: number[] = [];
    const heads: number[] = [];
    const x: number[] = [];
    const y: number[] = [];
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        x.push(c + 0.3 * random());
        y.push(r + 0.3 * random());
      }
    }
    const link = (u: number, v: number) => {
      const kind = random();
      if (kind < 0.1) return; // no street
      if (kind < 0.25) {
        tails.push(u); // one-way
        heads.push(v);
        return;
      }
      tails.push(u, v);
      heads.push(v, u);
    };
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const v = r * side + c;
        if (c + 1 < side) link(v, v + 1);
        if (r + 1 < side) link(v, v + side);
        if (c + 1 < side && r + 1 < side && random() < 0.05) link(v, v + side + 1);
      }
    }
    const graph = buildCsr(side * side, tails, heads);
    const lengthKm = new Float64Array(graph.arcCount);
    const randomMetric = new Float64Array(graph.arcCount);
    for (let a = 0; a < graph.arcCount; a++) {
      const u = graph.tail[a];
      const v = graph.head[a];
      lengthKm[a] = Math.hypot(x[u] - x[v], y[u] - y[v]);
      randomMetric[a] = random() < 0.02 ? INF_WEIGHT : lengthKm[a] * (0.2 + 5 * random());
    }
    const cch = buildCustomizableHierarchy(graph, nestedDissectionOrder(graph, x, y));
    expect(checkCchInvariants(cch, graph)).toEqual([]);
    const pick = () => Math.floor(random() * graph.nodeCount);
    for (const weight of [lengthKm, randomMetric]) {
      const metric = customize(cch, weight);
      expect(checkCchInvariants(cch, graph, metric, weight)).toEqual([]);
      const h = customizedHierarchy(cch, metric);
      expect(checkHierarchyInvariants(h, graph, weight)).toEqual([]);
      const q = new ChQuery(h);
      const dijkstra = new DijkstraQuery(graph, weight);
      const mismatches: string[] = [];
      let reached = 0;
      for (let i = 0; i < 40; i++) {
        const s = pick();
        dijkstra.oneToAll(s);
        for (let j = 0; j < 100; j++) {
          const t = pick();
          const expected = dijkstra.distanceTo(t);
          const got = q.oneToOne(s, t);
          if (expected !== INF_WEIGHT) reached++;
          if (!sameDistance(got, expected)) mismatches.push(`${s}→${t}: CCH ${got}, Dijkstra ${expected}`);
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(reached).toBeGreaterThan(2000);
      // a matrix carrying a second column (the length) along each chosen path, without unpacking: equals the sums along
      // Dijkstra's paths (continuous random weights leave no ties between equally short paths)
      const rowNodes = Array.from({ length: 30 }, pick);
      const colNodes = Array.from({ length: 60 }, pick);
      const withSums = q.manyToManyColumns(rowNodes, colNodes, [lengthKm, weight]);
      const reference = manyToMany(dijkstra, rowNodes, colNodes, { sumColumns: [lengthKm] });
      for (let cell = 0; cell < reference.distance.length; cell++) {
        const expected = reference.sums[0][cell];
        const got = withSums.sums[0][cell];
        if (!(Number.isNaN(expected) ? Number.isNaN(got) : sameDistance(got, expected))) mismatches.push(`length sum, cell ${cell}: CCH ${got}, Dijkstra ${expected}`);
        if (!sameDistance(withSums.distance[cell], reference.distance[cell])) mismatches.push(`distance, cell ${cell}`);
        if (reference.distance[cell] !== INF_WEIGHT && !sameDistance(withSums.sums[1][cell], withSums.distance[cell])) mismatches.push(`own-weight sum, cell ${cell}`);
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
    }
  });

  it("orders nodes that share one position (no geometry to split by) and stays exact; refuses non-finite coordinates", () => {
    const side = 12;
    const tails: number[] = [];
    const heads: number[] = [];
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const v = r * side + c;
        if (c + 1 < side) {
          tails.push(v, v + 1);
          heads.push(v + 1, v);
        }
        if (r + 1 < side) {
          tails.push(v, v + side);
          heads.push(v + side, v);
        }
      }
    }
    const graph = buildCsr(side * side, tails, heads);
    const weight = new Float64Array(graph.arcCount);
    for (let a = 0; a < graph.arcCount; a++) weight[a] = 1 + ((a * 7) % 5);
    const zero = new Float64Array(graph.nodeCount);
    const cch = buildCustomizableHierarchy(graph, nestedDissectionOrder(graph, zero, zero));
    expect(checkCchInvariants(cch, graph)).toEqual([]);
    checkAllPairs(graph, weight, undefined, new ChQuery(customizedHierarchy(cch, customize(cch, weight))));
    const broken = zero.slice();
    broken[5] = Number.NaN;
    expect(() => nestedDissectionOrder(graph, broken, zero)).toThrow(/node 5 has coordinates/);
  });

  it("invariant checkers name a missing fill edge, an edge heavier than its arc and a violated lower triangle", () => {
    // a 4-cycle 0 - 1 - 2 - 3 - 0 both ways: eliminating node 0 first joins 1 and 3 (fill)
    const graph = buildCsr(4, [0, 1, 1, 2, 2, 3, 3, 0], [1, 0, 2, 1, 3, 2, 0, 3]);
    const weight = permuteToCsr(graph, Float64Array.from([1, 1, 2, 2, 3, 3, 4, 4]));
    const cch = buildCustomizableHierarchy(graph, Uint32Array.from([0, 1, 2, 3]));
    expect(checkCchInvariants(cch, graph)).toEqual([]);
    const metric = customize(cch, weight);
    expect(checkCchInvariants(cch, graph, metric, weight)).toEqual([]);
    const fill = Array.from(cch.upHead).findIndex((head, e) => e >= cch.firstUp[1] && e < cch.firstUp[2] && head === 3);
    expect(fill).toBeGreaterThanOrEqual(0);
    expect(metric.upMiddle[fill]).toBe(0); // 1 → 0 → 3 is the only way from 1 to 3 below them
    expect(metric.upWeight[fill]).toBe(1 + 4);
    // drop the fill edge 1–3: not chordal any more
    const upHead = Uint32Array.from(cch.upHead);
    const firstUp = Uint32Array.from(cch.firstUp);
    const without = Uint32Array.from([...upHead.slice(0, fill), ...upHead.slice(fill + 1)]);
    for (let r = 2; r < firstUp.length; r++) firstUp[r]--;
    const broken = { ...cch, upHead: without, firstUp };
    expect(checkCchInvariants(broken).some((p) => p.includes("not chordal") && p.includes("rank 0"))).toBe(true);
    // an edge heavier than its graph arc, a triangle not relaxed
    const heavy = { ...metric, upWeight: metric.upWeight.slice() };
    heavy.upWeight[fill] = 6;
    const problems = checkCchInvariants(cch, graph, heavy, weight);
    expect(problems.some((p) => p.includes("heavier than its lower triangle through rank 0"))).toBe(true);
    const arcEdge = cch.arcEdge[0]; // arc 0 → 1 (first in CSR order)
    const heavier = { ...metric, upWeight: metric.upWeight.slice() };
    heavier.upWeight[arcEdge] = 9;
    expect(checkCchInvariants(cch, graph, heavier, weight).some((p) => p.includes("heavier than the arc"))).toBe(true);
  });
});

describe("customizable contraction hierarchy on the Eurasia network", () => {
  it("equals plain Dijkstra (no-through access nodes) on 5,000 seeded pairs under time and under cost, one structure", () => {
    const net = openNetwork(resolve(__dirname, "../../data/eurasia"), { cacheDir: false });
    const ctx = new RoutingContext(net);
    const order = nestedDissectionOrder(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, { noThrough: net.noThrough });
    const cch = buildCustomizableHierarchy(net.graph, order, net.noThrough);
    expect(checkCchInvariants(cch, net.graph)).toEqual([]);
    for (const criterion of ["time", "cost"] as const) {
      const set = ctx.weights(resolveRouteOptions(net, { criterion }));
      const metric = customize(cch, set.weight);
      expect(checkCchInvariants(cch, net.graph, metric, set.weight)).toEqual([]);
      const h = customizedHierarchy(cch, metric);
      expect(checkHierarchyInvariants(h, net.graph, set.weight)).toEqual([]);
      const q = new ChQuery(h);
      const dijkstra = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
      const random = seededRandom(criterion === "time" ? 1 : 2);
      const pick = () => Math.floor(random() * net.graph.nodeCount);
      const mismatches: string[] = [];
      let reached = 0;
      for (let i = 0; i < 50; i++) {
        const s = pick();
        dijkstra.oneToAll(s);
        for (let j = 0; j < 100; j++) {
          const t = pick();
          const expected = dijkstra.distanceTo(t);
          const got = q.oneToOne(s, t);
          if (expected !== INF_WEIGHT) reached++;
          if (!sameDistance(got, expected)) mismatches.push(`${criterion} ${s}→${t}: CCH ${got}, Dijkstra ${expected}`);
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(reached).toBeGreaterThan(2500);
    }
  });
});
