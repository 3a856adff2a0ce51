/**
 * ONE shortest-path spec suite, run unchanged over every ShortestPathQuery implementation, plus fast-check property
 * tests on random graphs against a Floyd–Warshall oracle. A new technique (e.g. contraction hierarchies) is tested
 * by adding one entry to IMPLEMENTATIONS.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCsr, buildReverse, type CsrGraph, INF_WEIGHT, type NodeIndex } from "../../src/graph/csr";
import { AStarQuery, type LowerBound, ZERO_LOWER_BOUND } from "../../src/routing/astar";
import { BidirectionalDijkstraQuery } from "../../src/routing/bidirectional";
import { DijkstraQuery, type ShortestPathQuery } from "../../src/routing/dijkstra";
import { buildCoreGraph } from "../../src/routing/core-graph";
import { manyToMany } from "../../src/routing/matrix";

// ---------------------------------------------------------------------------------------------------------------
// Oracle: Floyd–Warshall where a noThrough node may only be a path's first or last node.

function floydWarshall(n: number, tails: number[], heads: number[], weights: number[], noThrough: Uint8Array): number[][] {
  const d: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : INF_WEIGHT)));
  for (let a = 0; a < tails.length; a++) {
    const w = weights[a];
    if (tails[a] !== heads[a] && w < d[tails[a]][heads[a]]) d[tails[a]][heads[a]] = w;
  }
  for (let k = 0; k < n; k++) {
    if (noThrough[k] === 1) continue;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (d[i][k] + d[k][j] < d[i][j]) d[i][j] = d[i][k] + d[k][j];
  }
  return d;
}

/** A consistent bound for tests: a fraction of the exact remaining distance (consistent for any fraction in [0,1]). */
class ExactFractionBound implements LowerBound {
  private target = 0;
  constructor(
    private readonly exact: number[][],
    private readonly fraction: number,
  ) {}
  setTarget(target: NodeIndex): void {
    this.target = target;
  }
  bound(node: NodeIndex): number {
    const d = this.exact[node][this.target];
    return d === INF_WEIGHT ? INF_WEIGHT : d * this.fraction;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Implementations under test.

interface Fixture {
  graph: CsrGraph;
  weight: Float64Array; // [arc] in CSR order
  noThrough: Uint8Array; // [node]
  exact: number[][]; // oracle, for bounds only
}

interface Implementation {
  name: string;
  make(f: Fixture): ShortestPathQuery;
}

const IMPLEMENTATIONS: Implementation[] = [
  { name: "Dijkstra", make: (f) => new DijkstraQuery(f.graph, f.weight, { noThrough: f.noThrough }) },
  { name: "bidirectional Dijkstra", make: (f) => new BidirectionalDijkstraQuery(f.graph, buildReverse(f.graph), f.weight, { noThrough: f.noThrough }) },
  { name: "A* (zero bound)", make: (f) => new AStarQuery(f.graph, f.weight, ZERO_LOWER_BOUND, { noThrough: f.noThrough }) },
  {
    name: "A* (exact bound)",
    make: (f) => new AStarQuery(f.graph, f.weight, new ExactFractionBound(f.exact, 1), { noThrough: f.noThrough }),
  },
  {
    name: "A* (half bound)",
    make: (f) => new AStarQuery(f.graph, f.weight, new ExactFractionBound(f.exact, 0.5), { noThrough: f.noThrough }),
  },
];

/** Build a fixture from an input-order arc list `[tail, head, weight]`. */
function fixture(n: number, arcs: readonly (readonly [number, number, number])[], noThroughNodes: readonly number[] = []): Fixture & { tails: number[]; heads: number[]; weights: number[] } {
  const tails = arcs.map((a) => a[0]);
  const heads = arcs.map((a) => a[1]);
  const weights = arcs.map((a) => a[2]);
  const graph = buildCsr(n, tails, heads);
  const weight = new Float64Array(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) weight[a] = weights[graph.inputArc[a]];
  const noThrough = new Uint8Array(n);
  for (const v of noThroughNodes) noThrough[v] = 1;
  return { graph, weight, noThrough, exact: floydWarshall(n, tails, heads, weights, noThrough), tails, heads, weights };
}

/** Check that arcs form a usable source→target path whose weights add up to `distance`. */
function expectValidPath(f: Fixture, arcs: number[], source: number, target: number, distance: number): void {
  if (source === target || distance === INF_WEIGHT) {
    expect(arcs).toEqual([]);
    return;
  }
  expect(arcs.length).toBeGreaterThan(0);
  let v = source;
  let total = 0;
  for (let i = 0; i < arcs.length; i++) {
    const a = arcs[i];
    expect(f.graph.tail[a]).toBe(v);
    if (i > 0) expect(f.noThrough[v]).toBe(0);
    expect(f.weight[a]).not.toBe(INF_WEIGHT);
    total += f.weight[a];
    v = f.graph.head[a];
  }
  expect(v).toBe(target);
  expect(total).toBeCloseTo(distance, 9);
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-drawn graphs.

//        4         1
//   0 ───────► 1 ─────► 3        0→2→1→3 = 1 + 1 + 1 = 3 beats 0→1→3 = 5
//   │          ▲
//   │1         │1
//   ▼          │
//   2 ─────────┘         4 (isolated: unreachable)
const DIAMOND = fixture(5, [
  [0, 1, 4],
  [1, 3, 1],
  [0, 2, 1],
  [2, 1, 1],
]);

//   0 ══► 1 ──► 2     two parallel arcs 0→1 (weights 5 and 2), a self-loop 1→1 (0), 1→2 (3)
//         ↺
const PARALLEL = fixture(3, [
  [0, 1, 5],
  [0, 1, 2],
  [1, 1, 0],
  [1, 2, 3],
]);

//   0 ──0──► 1 ──0──► 2 ──0──► 3     zero-weight chain; 0 → 3 costs 0
const ZERO = fixture(4, [
  [0, 1, 0],
  [1, 2, 0],
  [2, 3, 0],
  [3, 0, 7],
]);

//   0 ──1──► 1 ──∞──► 3        the direct way is closed (+Infinity), the detour via 2 costs 1 + 10 + 10
//            │        ▲
//            10       10
//            ▼        │
//            2 ───────┘
const CLOSED = fixture(4, [
  [0, 1, 1],
  [1, 3, INF_WEIGHT],
  [1, 2, 10],
  [2, 3, 10],
]);

//   0 ──1──► A ──1──► 3        A (node 1) is an access node (noThrough): 0 → 3 must take the long way via 2;
//   │                 ▲        A itself can still be a source or a target.
//   └──5──► 2 ───5────┘
const NO_THROUGH = fixture(
  4,
  [
    [0, 1, 1],
    [1, 3, 1],
    [0, 2, 5],
    [2, 3, 5],
  ],
  [1],
);

//   0 ──∞──► 1      the only arc is disabled: 1 is unreachable
const ONLY_CLOSED = fixture(2, [[0, 1, INF_WEIGHT]]);

describe.each(IMPLEMENTATIONS)("shortest-path spec: $name", (impl) => {
  it("finds the cheaper two-hop path over a direct arc", () => {
    const q = impl.make(DIAMOND);
    expect(q.oneToOne(0, 3)).toBe(3);
    expectValidPath(DIAMOND, q.pathArcs(3), 0, 3, 3);
  });

  it("returns +Infinity and an empty path for an unreachable target", () => {
    const q = impl.make(DIAMOND);
    expect(q.oneToOne(0, 4)).toBe(INF_WEIGHT);
    expect(q.pathArcs(4)).toEqual([]);
    expect(q.oneToOne(3, 0)).toBe(INF_WEIGHT);
  });

  it("returns 0 and an empty path when source equals target", () => {
    const q = impl.make(DIAMOND);
    expect(q.oneToOne(2, 2)).toBe(0);
    expect(q.pathArcs(2)).toEqual([]);
  });

  it("takes the lighter of two parallel arcs and ignores a self-loop", () => {
    const q = impl.make(PARALLEL);
    expect(q.oneToOne(0, 2)).toBe(5);
    const arcs = q.pathArcs(2);
    expectValidPath(PARALLEL, arcs, 0, 2, 5);
    expect(arcs.length).toBe(2);
  });

  it("handles zero-weight arcs (distance 0 over three arcs)", () => {
    const q = impl.make(ZERO);
    expect(q.oneToOne(0, 3)).toBe(0);
    expectValidPath(ZERO, q.pathArcs(3), 0, 3, 0);
    expect(q.oneToOne(3, 2)).toBe(7);
  });

  it("never uses a disabled (+Infinity) arc", () => {
    const q = impl.make(CLOSED);
    expect(q.oneToOne(0, 3)).toBe(21);
    expectValidPath(CLOSED, q.pathArcs(3), 0, 3, 21);
    expect(impl.make(ONLY_CLOSED).oneToOne(0, 1)).toBe(INF_WEIGHT);
  });

  it("does not pass through a noThrough node but may start or end there", () => {
    const q = impl.make(NO_THROUGH);
    expect(q.oneToOne(0, 3)).toBe(10);
    expectValidPath(NO_THROUGH, q.pathArcs(3), 0, 3, 10);
    expect(q.oneToOne(1, 3)).toBe(1);
    expect(q.oneToOne(0, 1)).toBe(1);
  });

  it("gives the same answers when one query object is reused for many pairs", () => {
    const q = impl.make(DIAMOND);
    const first = [q.oneToOne(0, 3), q.oneToOne(0, 4), q.oneToOne(2, 3), q.oneToOne(0, 1)];
    const again = [q.oneToOne(0, 3), q.oneToOne(0, 4), q.oneToOne(2, 3), q.oneToOne(0, 1)];
    expect(first).toEqual([3, INF_WEIGHT, 2, 2]);
    expect(again).toEqual(first);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests on random graphs.

const WEIGHTS = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 1, arbitrary: fc.constant(INF_WEIGHT) },
  { weight: 1, arbitrary: fc.constant(0) },
);

const RANDOM_GRAPH = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    arcs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), WEIGHTS), { maxLength: 45 }),
    noThrough: fc.array(fc.nat(n - 1), { maxLength: 3 }),
  }),
);

describe.each(IMPLEMENTATIONS)("shortest-path properties: $name", (impl) => {
  it("agrees with Floyd–Warshall on every pair of random graphs, and its paths add up", () => {
    fc.assert(
      fc.property(RANDOM_GRAPH, ({ n, arcs, noThrough }) => {
        const f = fixture(n, arcs, noThrough);
        const q = impl.make(f);
        for (let s = 0; s < n; s++) {
          for (let t = 0; t < n; t++) {
            const d = q.oneToOne(s, t);
            expect(d).toBe(f.exact[s][t]);
            expectValidPath(f, q.pathArcs(t), s, t, d);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("manyToMany", () => {
  it("fills the matrix like Floyd–Warshall with a one-to-all query and with a one-to-one query", () => {
    fc.assert(
      fc.property(RANDOM_GRAPH, fc.array(fc.nat(11), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(11), { minLength: 1, maxLength: 4 }), ({ n, arcs, noThrough }, ss, ts) => {
        const f = fixture(n, arcs, noThrough);
        const sources = ss.map((s) => s % n);
        const targets = ts.map((t) => t % n);
        const ones = new Float64Array(f.graph.arcCount).fill(1);
        for (const query of [new DijkstraQuery(f.graph, f.weight, { noThrough: f.noThrough }), new BidirectionalDijkstraQuery(f.graph, buildReverse(f.graph), f.weight, { noThrough: f.noThrough })]) {
          const m = manyToMany(query, sources, targets, { sumColumns: [f.weight, ones] });
          for (let i = 0; i < sources.length; i++) {
            for (let j = 0; j < targets.length; j++) {
              const [s, t] = [sources[i], targets[j]];
              const cell = i * targets.length + j;
              expect(m.distance[cell]).toBe(f.exact[s][t]);
              // the summed weight column along the chosen path equals the distance
              if (f.exact[s][t] === INF_WEIGHT) expect(m.sums[0][cell]).toBeNaN();
              else expect(m.sums[0][cell]).toBe(f.exact[s][t]);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("returns an empty matrix for no sources", () => {
    const m = manyToMany(new DijkstraQuery(DIAMOND.graph, DIAMOND.weight), [], [0, 1]);
    expect(m.distance.length).toBe(0);
  });
});

describe("manyToManyParallel", () => {
  it("gives the same matrix as the single-threaded helper, with 1 or 2 workers", async () => {
    const { manyToManyParallel } = await import("../../src/routing/parallel-matrix");
    const f = fixture(6, [
      [0, 1, 4],
      [1, 2, 1],
      [0, 2, 7],
      [2, 3, 2],
      [3, 4, INF_WEIGHT],
      [4, 5, 1],
      [3, 0, 3],
    ], [2]);
    const nodes = [0, 1, 2, 3, 4, 5];
    const expected = manyToMany(new DijkstraQuery(f.graph, f.weight, { noThrough: f.noThrough }), nodes, nodes).distance;
    for (const workers of [1, 2]) {
      const result = await manyToManyParallel({ graph: f.graph, weight: f.weight, noThrough: f.noThrough }, nodes, nodes, { workers });
      expect(Array.from(result.distance)).toEqual(Array.from(expected));
    }
  });
});

describe("buildCoreGraph", () => {
  //   t0 ── 1 ── 2 ── 3 ── t4        chain 1-2-3 (both ways, weights 1) contracts to one arc per direction;
  //               │                  5 hangs off 2 as a dead end and is pruned;
  //               5                  so the core is {t0, t4} plus nothing else.
  it("prunes dead ends and contracts chains, keeping the distances between kept nodes", () => {
    const both = (u: number, v: number, w: number) => [[u, v, w] as const, [v, u, w] as const];
    const f = fixture(6, [...both(0, 1, 1), ...both(1, 2, 2), ...both(2, 3, 3), ...both(3, 4, 4), ...both(2, 5, 1)]);
    const core = buildCoreGraph(f.graph, f.weight, [0, 4]);
    expect(core.graph.nodeCount).toBe(2);
    expect(core.graph.arcCount).toBe(2);
    expect(Array.from(core.weight)).toEqual([10, 10]);
    expect(core.coreOf[5]).toBe(-1);
  });

  it("keeps one-way chains one-way", () => {
    const f = fixture(3, [
      [0, 1, 1],
      [1, 2, 1],
    ]);
    const core = buildCoreGraph(f.graph, f.weight, [0, 2]);
    const q = new DijkstraQuery(core.graph, core.weight);
    expect(q.oneToOne(core.coreOf[0], core.coreOf[2])).toBe(2);
    expect(q.oneToOne(core.coreOf[2], core.coreOf[0])).toBe(INF_WEIGHT);
  });

  it("gives the same distances between kept nodes as Floyd–Warshall on the full graph (property)", () => {
    fc.assert(
      fc.property(RANDOM_GRAPH, fc.array(fc.nat(11), { minLength: 1, maxLength: 4 }), ({ n, arcs, noThrough }, keepRaw) => {
        const f = fixture(n, arcs, noThrough);
        const keep = [...new Set(keepRaw.map((k) => k % n))];
        const core = buildCoreGraph(f.graph, f.weight, keep, f.noThrough);
        expect(core.graph.nodeCount).toBeLessThanOrEqual(n);
        const q = new DijkstraQuery(core.graph, core.weight, { noThrough: core.noThrough });
        for (const s of keep) for (const t of keep) expect(q.oneToOne(core.coreOf[s], core.coreOf[t])).toBe(f.exact[s][t]);
      }),
      { numRuns: 300 },
    );
  });
});
