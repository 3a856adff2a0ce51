/**
 * The searches of RoutingContext.alternatives by GuidedQuery (src/routing/guided.ts): a path only where it is the one
 * shortest path (so the reference search, bidirectional Dijkstra, returns it too), "ambiguous" where another ties
 * with it. Checked on random graphs with rising penalised columns against BidirectionalDijkstraQuery, on a
 * hand-made tie, and on the routing fixtures and the shipped data: the alternatives, and the routes ranked by their
 * rated charges, are the same with and without it (RoutingContext.guidedAlternatives false = every search by findPath).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCsr, buildReverse, INF_WEIGHT } from "../../src/graph/csr";
import { openNetwork } from "../../src/network/open";
import { BidirectionalDijkstraQuery } from "../../src/routing/bidirectional";
import { RoutingContext } from "../../src/routing/context";
import { planJson } from "../../src/routing/format";
import { buildChainIndex, GuidedQuery } from "../../src/routing/guided";
import { resolveRouteOptions } from "../../src/routing/options";
import { planRoutes } from "../../src/routing/plan";
import { ratesRequestOf } from "../../src/routing/query-choices";
import { contextOf, CORRIDORS, TESTBOT } from "./helpers";

const NAMES = { rates: "rates", costBasisIs: (v: string) => `costBasis=${v}` };

/**
 * Oracle: the number of shortest paths (as arc sequences) from node 0 to node n − 1, where the two ends are the only
 * noThrough nodes and every weight is ≥ 1 (so the arcs on shortest paths form a DAG); Bellman–Ford distances.
 */
function shortestPathCount(n: number, tails: Uint32Array, heads: Uint32Array, weight: Float64Array): number {
  const d = new Array<number>(n).fill(INF_WEIGHT);
  d[0] = 0;
  for (let round = 0; round < n; round++) {
    for (let a = 0; a < weight.length; a++) {
      if (weight[a] === INF_WEIGHT || (tails[a] === n - 1 && n - 1 !== 0) || d[tails[a]] === INF_WEIGHT) continue;
      if (d[tails[a]] + weight[a] < d[heads[a]]) d[heads[a]] = d[tails[a]] + weight[a];
    }
  }
  const order = [...Array(n).keys()].filter((v) => d[v] < INF_WEIGHT).sort((x, y) => d[x] - d[y]);
  const count = new Array<number>(n).fill(0);
  count[0] = 1;
  for (const v of order) {
    if (v === 0) continue;
    for (let a = 0; a < weight.length; a++) {
      if (heads[a] !== v || tails[a] === n - 1 || weight[a] === INF_WEIGHT || d[tails[a]] === INF_WEIGHT) continue;
      if (d[tails[a]] + weight[a] === d[v]) count[v] += count[tails[a]];
    }
  }
  return count[n - 1];
}

describe("GuidedQuery against bidirectional Dijkstra", () => {
  it("returns the tied paths' case as ambiguous and a unique shortest path as it is", () => {
    // 0 → 1 → 3 and 0 → 2 → 3, both of length 2
    const graph = buildCsr(4, [0, 0, 1, 2], [1, 2, 3, 3]);
    const reverse = buildReverse(graph);
    const weight = Float64Array.from([1, 1, 1, 1]);
    const guided = new GuidedQuery(graph, reverse);
    guided.prepare(0, 3, weight);
    expect(guided.shortest(weight)).toBe("ambiguous");
    const raised = Float64Array.from([1, 1.5, 1, 1]);
    expect(guided.shortest(raised, true)).toEqual([0, 2]);
    const blocked = Float64Array.from([INF_WEIGHT, 1, 1, 1]);
    expect(guided.shortest(blocked)).toEqual([1, 3]);
  });

  it("gives the reference's path wherever it gives one, over rising penalised columns (random graphs)", () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 14 }),
        fc.array(fc.tuple(fc.nat(13), fc.nat(13), fc.integer({ min: 0, max: 5 })), { minLength: 4, maxLength: 50 }),
        fc.array(fc.nat(49), { minLength: 1, maxLength: 8 }),
        (n, raw, penalised) => {
          const arcs = raw.map(([t, h, w]) => [t % n, h % n, w] as const).filter(([t, h]) => t !== h);
          if (arcs.length === 0) return;
          const graph = buildCsr(n, arcs.map((a) => a[0]), arcs.map((a) => a[1]));
          const reverse = buildReverse(graph);
          // weights in CSR order: the arc (tail, head) found by position among the tail's out-arcs
          const weight = new Float64Array(graph.arcCount);
          const used = new Set<number>();
          for (const [t, h, w] of arcs) {
            for (let a = graph.firstOut[t]; a < graph.firstOut[t + 1]; a++) {
              if (graph.head[a] === h && !used.has(a)) {
                used.add(a);
                weight[a] = w + 1;
                break;
              }
            }
          }
          const noThrough = new Uint8Array(n);
          noThrough[0] = 1;
          noThrough[n - 1] = 1;
          const reference = new BidirectionalDijkstraQuery(graph, reverse, weight, { noThrough });
          const guided = new GuidedQuery(graph, reverse, { noThrough });
          guided.prepare(0, n - 1, weight);
          const column = Float64Array.from(weight);
          for (const p of [-1, ...penalised]) {
            if (p >= 0) column[p % graph.arcCount] *= 1.25;
            reference.setWeight(column);
            const value = reference.oneToOne(0, n - 1);
            const found = guided.shortest(column, p >= 0);
            if (value === INF_WEIGHT) expect(found).toBeNull();
            else if (found !== "ambiguous") {
              // a path only where it is the one shortest path, and then the reference's
              expect(shortestPathCount(n, graph.tail, graph.head, column)).toBe(1);
              expect(found).toEqual(reference.pathArcs(n - 1));
              answered++;
            }
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
    // the comparison is not vacuous: most searches have one shortest path
    expect(answered).toBeGreaterThan(100);
  });

  it("walks chains and skips dead-end trees: the reference's path from and to nodes inside them, over rising penalised columns (random subdivided graphs with trees)", () => {
    let answered = 0;
    let interiorNodes = 0;
    let deadNodes = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 60, maxLength: 60 }),
        fc.tuple(fc.nat(200), fc.nat(200)),
        fc.array(fc.nat(199), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(99), { maxLength: 8 }),
        (coreCount, edges, weights, [fromPick, toPick], penalised, hanging) => {
          // core nodes 0..coreCount-1; each edge a two-way chain through `inner` new nodes; then one noThrough access
          // node (with arcs both ways) for the origin and one for the destination, attached anywhere (also inside a chain)
          const tails: number[] = [];
          const heads: number[] = [];
          const w: number[] = [];
          let next = coreCount;
          let k = 0;
          const arc = (t: number, h: number) => {
            tails.push(t);
            heads.push(h);
            w.push(weights[k++ % weights.length]);
          };
          for (const [x, y, inner] of edges) {
            const a = x % coreCount;
            const b = y % coreCount;
            if (a === b && inner === 0) continue;
            const nodes = [a, ...Array.from({ length: inner }, () => next++), b];
            for (let i = 0; i + 1 < nodes.length; i++) {
              arc(nodes[i], nodes[i + 1]);
              arc(nodes[i + 1], nodes[i]);
            }
          }
          // trees hanging off: each new node joined both ways to one node before it
          for (const at of hanging) {
            const v = next++;
            arc(at % v, v);
            arc(v, at % v);
          }
          const layerCount = next;
          const origin = next++;
          const destination = next++;
          const n = next;
          const from = fromPick % layerCount;
          const to = toPick % layerCount;
          arc(origin, from);
          arc(from, origin);
          arc(destination, to);
          arc(to, destination);
          const graph = buildCsr(n, tails, heads);
          const reverse = buildReverse(graph);
          const weight = new Float64Array(graph.arcCount);
          for (let a = 0; a < graph.arcCount; a++) weight[a] = w[graph.inputArc[a]];
          const noThrough = new Uint8Array(n);
          noThrough[origin] = 1;
          noThrough[destination] = 1;
          const chains = buildChainIndex(graph, reverse, noThrough);
          for (let v = 0; v < n; v++) {
            interiorNodes += chains.interior[v];
            deadNodes += chains.dead[v];
          }
          const reference = new BidirectionalDijkstraQuery(graph, reverse, weight, { noThrough });
          const guided = new GuidedQuery(graph, reverse, { noThrough, chains });
          guided.prepare(origin, destination, weight);
          const column = Float64Array.from(weight);
          for (const p of [-1, ...penalised]) {
            if (p >= 0) column[p % graph.arcCount] *= 1.25;
            reference.setWeight(column);
            const value = reference.oneToOne(origin, destination);
            const found = guided.shortest(column, p >= 0);
            if (value === INF_WEIGHT) expect(found).toBeNull();
            else if (found !== "ambiguous") {
              expect(found).toEqual(reference.pathArcs(destination));
              answered++;
            }
          }
        },
      ),
      { numRuns: 400, seed: 11 },
    );
    expect(interiorNodes).toBeGreaterThan(500);
    expect(deadNodes).toBeGreaterThan(500);
    expect(answered).toBeGreaterThan(500);
  });

  it("keeps one node of a cycle of interior nodes as a core node", () => {
    // a ring 0 → 1 → 2 → 3 → 0 and back: every node has two neighbours, one arc to and from each
    const tails = [0, 1, 1, 2, 2, 3, 3, 0];
    const heads = [1, 0, 2, 1, 3, 2, 0, 3];
    const graph = buildCsr(4, tails, heads);
    const reverse = buildReverse(graph);
    const chains = buildChainIndex(graph, reverse);
    expect([...chains.interior]).toEqual([0, 1, 1, 1]);
    expect([...chains.coreNodes]).toEqual([0]);
    // forward round the ring 1, back 2 (input order; CSR order through inputArc)
    const input = [1, 2, 1, 2, 1, 2, 1, 2];
    const weight = Float64Array.from(graph.inputArc, (i) => input[i]);
    const guided = new GuidedQuery(graph, reverse, { chains });
    guided.prepare(1, 3, weight);
    const path = guided.shortest(weight);
    expect(path).not.toBe("ambiguous");
    expect((path as number[]).map((a) => `${graph.tail[a]}>${graph.head[a]}`)).toEqual(["1>2", "2>3"]);
  });
});

describe("alternatives with and without GuidedQuery (routing fixtures)", () => {
  for (const [name, dir] of [
    ["corridors", CORRIDORS],
    ["testbot", TESTBOT],
  ] as const) {
    it(`${name}: every ordered pair of places, three criteria, 5 alternatives: the same routes`, () => {
      const ctx = contextOf(dir);
      const reference = new RoutingContext(ctx.index);
      reference.guidedAlternatives = false;
      const places = ctx.net.network.places.length;
      let routes = 0;
      for (const criterion of ["time", "cost", "generalized"] as const) {
        const set = ctx.weights(resolveRouteOptions(ctx.net, { criterion }));
        const refSet = reference.weights(resolveRouteOptions(ctx.net, { criterion }));
        for (let from = 0; from < places; from++) {
          for (let to = 0; to < places; to++) {
            if (from === to) continue;
            const got = ctx.alternatives(from, to, set, 5);
            expect(got).toEqual(reference.alternatives(from, to, refSet, 5));
            routes += got.length;
          }
        }
      }
      expect(routes).toBeGreaterThan(places);
    });
  }
});

const EURASIA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(resolve(EURASIA, "rates")))("routes on the rates basis with and without GuidedQuery (shipped data)", () => {
  it("40 seeded city pairs, generalized and cost, latest month and 2024-01: byte-identical answers", () => {
    const net = openNetwork(EURASIA);
    const ctx = new RoutingContext(net);
    const reference = new RoutingContext(ctx.index);
    reference.guidedAlternatives = false;
    const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    let seed = 99;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return cities[Math.floor((seed / 2147483648) * cities.length)];
    };
    let compared = 0;
    for (let i = 0; i < 40; i++) {
      const from = next();
      const to = next();
      if (from === to) continue;
      const criterion = i % 2 === 0 ? "generalized" : "cost";
      const rates = ratesRequestOf(EURASIA, net, i % 3 === 0 ? { rates: "2024-01" } : {}, NAMES);
      const answer = (c: RoutingContext) => {
        try {
          return JSON.stringify(planJson(planRoutes(c, { from, to, criterion, cargo: "feu", alternatives: 1 + (i % 3), rates })));
        } catch (error) {
          return `error: ${(error as Error).message}`;
        }
      };
      const got = answer(ctx);
      expect(got).toBe(answer(reference));
      if (!got.startsWith("error")) compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
