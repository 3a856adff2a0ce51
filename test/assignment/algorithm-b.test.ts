import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solveAlgorithmB } from "../../src/assignment/algorithm-b";
import { buildProblem } from "../../src/assignment/problem";
import { ShortestPathTree } from "../../src/assignment/sp-tree";
import { transitByCountry } from "../../src/assignment/transit";
import { buildCsr, INF_WEIGHT } from "../../src/graph/csr";
import { DijkstraQuery } from "../../src/routing/dijkstra";

/** Flow on the arc given in input position i. */
function flowOfInput(result: { flow: Float64Array }, graph: { inputArc: Uint32Array }, i: number): number {
  return result.flow[graph.inputArc.indexOf(i)];
}

// Braess (1968), as in the TNTP Braess-Example: demand 6 from 1 to 2.
//
//          (3)
//   10x ↗   │    ↘ 50 + x
//   (1)     │ 10 + x   (2)
//   50 + x ↘ ▼    ↗ 10x
//          (4)
//
// Equilibrium: the three paths 1-3-2, 1-4-2, 1-3-4-2 carry 2 each and cost 92;
// link flows (1→3, 1→4, 3→2, 3→4, 4→2) = (4, 2, 2, 2, 4).
const braess = () =>
  buildProblem({
    nodeCount: 4,
    arcs: [
      { from: 0, to: 2, timeFree: 1e-8, capacity: 1, bprB: 1e9, bprPower: 1 },
      { from: 0, to: 3, timeFree: 50, capacity: 1, bprB: 0.02, bprPower: 1 },
      { from: 2, to: 1, timeFree: 50, capacity: 1, bprB: 0.02, bprPower: 1 },
      { from: 2, to: 3, timeFree: 10, capacity: 1, bprB: 0.1, bprPower: 1 },
      { from: 3, to: 1, timeFree: 1e-8, capacity: 1, bprB: 1e9, bprPower: 1 },
    ],
    demand: [{ origin: 0, destination: 1, amount: 6 }],
  });

describe("Algorithm B", () => {
  it("finds the Braess equilibrium: 2 units on each path, each costing 92", () => {
    const p = braess();
    const r = solveAlgorithmB(p, { gap: 1e-12 });
    expect(r.converged).toBe(true);
    const flows = [0, 1, 2, 3, 4].map((i) => flowOfInput(r, p.graph, i));
    for (const [got, want] of flows.map((f, i) => [f, [4, 2, 2, 2, 4][i]])) expect(got).toBeCloseTo(want, 8);
    expect(r.shortestPathTravelTime / 6).toBeCloseTo(92, 6);
    expect(r.relativeGap).toBeLessThanOrEqual(1e-12);
  });

  it("never routes through a zone that is not the origin (FIRST THRU NODE rule)", () => {
    //   0 ──10──► 1 ──10──► 2        0 and 1 are zones; 0 → 2 must take the long way 0 → 3 → 2 (cost 50)
    //   └───────25──► 3 ──25──┘
    const p = buildProblem({
      nodeCount: 4,
      arcs: [
        { from: 0, to: 1, timeFree: 10 },
        { from: 1, to: 2, timeFree: 10 },
        { from: 0, to: 3, timeFree: 25 },
        { from: 3, to: 2, timeFree: 25 },
      ],
      demand: [
        { origin: 0, destination: 2, amount: 5 },
        { origin: 0, destination: 1, amount: 1 },
      ],
      noThrough: [0, 1],
    });
    const r = solveAlgorithmB(p, { gap: 1e-10 });
    expect(flowOfInput(r, p.graph, 1)).toBe(0);
    expect(flowOfInput(r, p.graph, 2)).toBeCloseTo(5, 12);
    expect(flowOfInput(r, p.graph, 0)).toBeCloseTo(1, 12);
  });

  it("loads no arc for intrazonal demand but reports it", () => {
    const p = buildProblem({
      nodeCount: 2,
      arcs: [{ from: 0, to: 1, timeFree: 1 }],
      demand: [
        { origin: 0, destination: 0, amount: 7 },
        { origin: 0, destination: 1, amount: 3 },
      ],
    });
    const r = solveAlgorithmB(p, { gap: 1e-10 });
    expect(p.intrazonalDemand).toBe(7);
    expect(r.flow[0]).toBe(3);
  });

  it("keeps each class on its allowed arcs and splits the shared arc at equal cost", () => {
    //        rail (forbidden to "road")
    //   0 ═══════════════► 1       both classes 10 units 0 → 1
    //   0 ───────────────► 1       road: free time 1, capacity 10 (BPR), open to both
    // rail time 2 (uncongested) for class "rail" only; class "road" must take the road.
    const p = buildProblem({
      nodeCount: 2,
      classIds: ["rail", "road"],
      arcs: [
        { from: 0, to: 1, timeFree: 2, fixedCost: { road: Number.POSITIVE_INFINITY } },
        { from: 0, to: 1, timeFree: 1, capacity: 10, bprB: 1, bprPower: 1 },
      ],
      demand: [
        { origin: 0, destination: 1, amount: 10, classId: "rail" },
        { origin: 0, destination: 1, amount: 10, classId: "road" },
      ],
    });
    const r = solveAlgorithmB(p, { gap: 1e-12 });
    const rail = r.classFlow[0];
    const road = r.classFlow[1];
    const railArc = p.graph.inputArc.indexOf(0);
    const roadArc = p.graph.inputArc.indexOf(1);
    expect(road[railArc]).toBe(0);
    expect(road[roadArc]).toBeCloseTo(10, 10);
    // rail class: road time 1·(1 + X/10) equals rail time 2 at X = 10, so it keeps the rail line entirely
    expect(rail[railArc]).toBeCloseTo(10, 6);
    expect(r.time[roadArc]).toBeCloseTo(2, 6);
  });

  it("balances a class between two routes at equal generalized cost", () => {
    // 0 → 1 by A: 1·(1 + x/10) + fixed 0.5, or by B: 1·(1 + x/10); 20 units → x_A = 7.5, x_B = 12.5 (cost 2.25)
    const p = buildProblem({
      nodeCount: 2,
      arcs: [
        { from: 0, to: 1, timeFree: 1, capacity: 10, bprB: 1, bprPower: 1, fixedCost: { all: 0.5 } },
        { from: 0, to: 1, timeFree: 1, capacity: 10, bprB: 1, bprPower: 1 },
      ],
      demand: [{ origin: 0, destination: 1, amount: 20 }],
    });
    const r = solveAlgorithmB(p, { gap: 1e-12 });
    expect(flowOfInput(r, p.graph, 0)).toBeCloseTo(7.5, 8);
    expect(flowOfInput(r, p.graph, 1)).toBeCloseTo(12.5, 8);
  });

  it("keeps every commodity's flow conserved and summing to the class flows on random congested networks", () => {
    // a ring 0 → 1 → … → n-1 → 0 keeps every node reachable; random chords with BPR congestion add route choice
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.array(fc.tuple(fc.nat(8), fc.nat(8), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 20 })), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(8), fc.nat(8), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 8 }),
        (n, chords, od) => {
          const arcs = [
            ...Array.from({ length: n }, (_, v) => ({ from: v, to: (v + 1) % n, timeFree: 5, capacity: 10, bprPower: 2 })),
            ...chords.filter(([u, v]) => u % n !== v % n).map(([u, v, t, cap]) => ({ from: u % n, to: v % n, timeFree: t, capacity: cap, bprPower: 2 })),
          ];
          const p = buildProblem({ nodeCount: n, arcs, demand: od.map(([o, d, amount]) => ({ origin: o % n, destination: d % n, amount })) });
          const r = solveAlgorithmB(p, { gap: 1e-10, maxIterations: 200 });
          expect(r.relativeGap).toBeLessThanOrEqual(1e-10);
          const m = p.graph.arcCount;
          const k = p.commodities;
          const sum = new Float64Array(m);
          for (let c = 0; c < k.count; c++) {
            const balance = new Float64Array(n);
            for (let a = 0; a < m; a++) {
              const f = r.commodityFlow![c * m + a];
              expect(f).toBeGreaterThanOrEqual(0);
              sum[a] += f;
              balance[p.graph.tail[a]] += f;
              balance[p.graph.head[a]] -= f;
            }
            for (let e = k.destStart[c]; e < k.destStart[c + 1]; e++) {
              balance[k.origin[c]] -= k.demand[e];
              balance[k.destNode[e]] += k.demand[e];
            }
            for (const b of balance) expect(Math.abs(b)).toBeLessThan(1e-8);
          }
          for (let a = 0; a < m; a++) expect(sum[a]).toBeCloseTo(r.classFlow[0][a], 8);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it("throws E_NO_ROUTE when a destination cannot be reached", () => {
    const p = buildProblem({ nodeCount: 3, arcs: [{ from: 0, to: 1, timeFree: 1 }], demand: [{ origin: 0, destination: 2, amount: 1 }] });
    expect(() => solveAlgorithmB(p)).toThrow(expect.objectContaining({ code: "E_NO_ROUTE" }));
  });
});

describe("ShortestPathTree", () => {
  it("agrees with DijkstraQuery on random graphs, including the no-through rule", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(fc.nat(11), fc.nat(11), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(11), { maxLength: 3 }),
        (n, edges, zones) => {
          const es = edges.map(([u, v, w]) => [u % n, v % n, w] as const);
          const g = buildCsr(
            n,
            es.map((e) => e[0]),
            es.map((e) => e[1]),
          );
          const w = new Float64Array(g.arcCount);
          for (let a = 0; a < g.arcCount; a++) w[a] = es[g.inputArc[a]][2];
          const noThrough = new Uint8Array(n);
          for (const z of zones) noThrough[z % n] = 1;
          const tree = new ShortestPathTree(g, noThrough);
          const q = new DijkstraQuery(g, w, { noThrough });
          const zero = new Float64Array(g.arcCount);
          for (let s = 0; s < n; s++) {
            tree.run(s, w, zero);
            q.oneToAll(s);
            for (let v = 0; v < n; v++) {
              const want = q.distanceTo(v);
              expect(tree.dist[v]).toBe(want === INF_WEIGHT ? Number.POSITIVE_INFINITY : want);
            }
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it("runTo stops early with the full run's distances and all-or-nothing loads for its targets, and leaves the tree reusable", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(fc.nat(11), fc.nat(11), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(11), { minLength: 1, maxLength: 4 }),
        (n, edges, targetList) => {
          const es = edges.map(([u, v, w]) => [u % n, v % n, w] as const);
          const g = buildCsr(
            n,
            es.map((e) => e[0]),
            es.map((e) => e[1]),
          );
          const w = new Float64Array(g.arcCount);
          for (let a = 0; a < g.arcCount; a++) w[a] = es[g.inputArc[a]][2];
          const full = new ShortestPathTree(g, new Uint8Array(n));
          const early = new ShortestPathTree(g, new Uint8Array(n));
          const zero = new Float64Array(g.arcCount);
          const targets = Uint32Array.from(targetList, (t) => t % n);
          for (let s = 0; s < n; s++) {
            full.run(s, w, zero);
            early.runTo(s, w, zero, targets, 0, targets.length);
            expect(early.settledCount).toBeLessThanOrEqual(full.settledCount);
            for (const t of targets) expect(early.dist[t]).toBe(full.dist[t]);
            // only settled nodes keep a distance; the rest read as unreached
            const settled = new Set(Array.from(early.order.subarray(0, early.settledCount)));
            for (let v = 0; v < n; v++) if (!settled.has(v)) expect(early.dist[v]).toBe(Number.POSITIVE_INFINITY);
            const reachable = targets.filter((t) => full.dist[t] < Number.POSITIVE_INFINITY);
            const ones = new Float64Array(reachable.length).fill(1);
            const flowFull = new Float64Array(g.arcCount);
            const flowEarly = new Float64Array(g.arcCount);
            full.load(reachable, ones, 0, reachable.length, flowFull, new Float64Array(n));
            early.load(reachable, ones, 0, reachable.length, flowEarly, new Float64Array(n));
            expect(Array.from(flowEarly)).toEqual(Array.from(flowFull));
          }
          // a full run after early ones sees no leftovers
          const again = new ShortestPathTree(g, new Uint8Array(n));
          for (let s = 0; s < n; s++) {
            again.run(s, w, zero);
            early.run(s, w, zero);
            expect(Array.from(early.dist)).toEqual(Array.from(again.dist));
          }
        },
      ),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe("transitByCountry", () => {
  //   A ──► B ──► C        countries: node 0 in AAA, node 1 in BBB, node 2 in CCC, node 3 in BBB
  //               ▲
  //   A ──────────┘ (direct arc 0 → 2, congested so that flow splits)
  // Demand 0 → 2 (AAA → CCC) 10 units, 0 → 3 (AAA → BBB) 4 units (ends in BBB: never transit through BBB).
  it("counts flow through a country it neither starts nor ends in", () => {
    const p = buildProblem({
      nodeCount: 4,
      arcs: [
        { from: 0, to: 1, timeFree: 1 },
        { from: 1, to: 2, timeFree: 1 },
        { from: 0, to: 2, timeFree: 1, capacity: 5, bprB: 1, bprPower: 1 },
        { from: 1, to: 3, timeFree: 1 },
      ],
      demand: [
        { origin: 0, destination: 2, amount: 10 },
        { origin: 0, destination: 3, amount: 4 },
      ],
    });
    const r = solveAlgorithmB(p, { gap: 1e-12 });
    // direct: 1·(1 + x/5) = 2 ⇒ x = 5 direct, 5 via B
    expect(flowOfInput(r, p.graph, 2)).toBeCloseTo(5, 8);
    const t = transitByCountry(p, r.commodityFlow!, Int32Array.from([0, 1, 2, 1]), 3);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(5, 8);
    expect(t[2]).toBe(0);
  });
});
