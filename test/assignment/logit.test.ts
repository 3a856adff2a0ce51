/**
 * Logit stochastic assignment (Dial's STOCH loading + MSA) on networks small enough to check by hand, and against
 * explicit path enumeration on random grids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCsr, buildReverse, permuteToCsr } from "../../src/graph/csr";
import { solveAon } from "../../src/assignment/link-based";
import { solveLogit } from "../../src/assignment/logit";
import { type AssignmentProblem, buildCommodities } from "../../src/assignment/problem";
import { emptyVdf } from "../../src/assignment/vdf";

interface ArcSpec {
  from: number;
  to: number;
  /** BPR t0 · (1 + b x / cap), linear (p = 1); b = 0 gives a constant cost t0. */
  t0: number;
  b?: number;
  cap?: number;
}

function buildProblem(nodeCount: number, arcs: ArcSpec[], demand: [number, number, number][]): AssignmentProblem {
  const graph = buildCsr(
    nodeCount,
    arcs.map((a) => a.from),
    arcs.map((a) => a.to),
  );
  const vdf = emptyVdf(arcs.length);
  vdf.bprT0.set(permuteToCsr(graph, Float64Array.from(arcs, (a) => a.t0)));
  vdf.bprB.set(permuteToCsr(graph, Float64Array.from(arcs, (a) => a.b ?? 0)));
  vdf.bprCapacity.set(permuteToCsr(graph, Float64Array.from(arcs, (a) => a.cap ?? 1)));
  vdf.bprPower.fill(1);
  const { commodities, intrazonal } = buildCommodities(demand.map(([o, d, v]) => ({ classIndex: 0, origin: o, destinations: [d], demand: [v] })));
  return {
    graph,
    reverse: buildReverse(graph),
    noThrough: new Uint8Array(nodeCount),
    vdf,
    classes: [{ id: "all", fixedCost: new Float64Array(arcs.length) }],
    commodities,
    intrazonalDemand: intrazonal,
    timeUnit: "min",
    flowUnit: "veh",
  };
}

function byInput(p: AssignmentProblem, column: Float64Array): number[] {
  const out = new Array<number>(column.length);
  for (let a = 0; a < column.length; a++) out[p.graph.inputArc[a]] = column[a];
  return out;
}

// Two routes, constant costs:
//
//        ┌── 4 ──▶ (1) ── 6 ──┐         route A = 0-1-3 costs 10
//   (0) ─┤                    ├─▶ (3)   route B = 0-2-3 costs 12
//        └── 7 ──▶ (2) ── 5 ──┘         demand 100 from 0 to 3
//
// Logit share of A: 1 / (1 + exp(−θ (12 − 10))).
const twoRoutes = (): AssignmentProblem =>
  buildProblem(
    4,
    [
      { from: 0, to: 1, t0: 4 },
      { from: 1, to: 3, t0: 6 },
      { from: 0, to: 2, t0: 7 },
      { from: 2, to: 3, t0: 5 },
    ],
    [[0, 3, 100]],
  );

describe("logit loading", () => {
  it("splits two routes by the closed-form logit share 1 / (1 + e^(−θ·Δcost))", () => {
    for (const theta of [0.1, 0.5, 1.3]) {
      const p = twoRoutes();
      const r = solveLogit(p, { logitTheta: theta });
      const share = 1 / (1 + Math.exp(-theta * 2));
      const flows = byInput(p, r.flow);
      expect(flows[0]).toBeCloseTo(100 * share, 9);
      expect(flows[1]).toBeCloseTo(100 * share, 9);
      expect(flows[2]).toBeCloseTo(100 * (1 - share), 9);
      expect(r.logitTheta).toBe(theta);
      // constant costs: the first loading is already the fixed point
      expect(r.iterations).toBe(0);
      expect(r.relativeGap).toBeLessThanOrEqual(1e-12);
    }
  });

  it("approaches the all-or-nothing split on distinct-cost routes as θ grows", () => {
    const p = twoRoutes();
    const aon = byInput(p, solveAon(p).flow);
    const costlier = [0.1, 1, 3, 10, 100].map((theta) => byInput(p, solveLogit(p, { logitTheta: theta }).flow)[2]);
    for (let i = 1; i < costlier.length; i++) expect(costlier[i]).toBeLessThan(costlier[i - 1]);
    const last = byInput(p, solveLogit(p, { logitTheta: 100 }).flow);
    last.forEach((x, i) => {
      expect(x).toBeCloseTo(aon[i], 9);
    });
  });

  it("splits equal-cost routes equally, whatever θ", () => {
    //        ┌─ 3 ─▶ (1) ─ 3 ─┐
    //   (0) ─┼─ 3 ─▶ (2) ─ 3 ─┼─▶ (4)     three routes of cost 6, plus a direct arc 0→4 of cost 6
    //        └─ 3 ─▶ (3) ─ 3 ─┘           (four equal routes: 25 each of 100)
    //        └──────── 6 ──────┘
    const arcs: ArcSpec[] = [1, 2, 3].flatMap((v) => [
      { from: 0, to: v, t0: 3 },
      { from: v, to: 4, t0: 3 },
    ]);
    arcs.push({ from: 0, to: 4, t0: 6 });
    for (const theta of [0.01, 1, 50]) {
      const p = buildProblem(5, arcs, [[0, 4, 100]]);
      const flows = byInput(p, solveLogit(p, { logitTheta: theta }).flow);
      flows.forEach((x) => {
        expect(x).toBeCloseTo(25, 9);
      });
    }
  });

  it("uses the default θ = 1 / (mean free-flow shortest O-D cost) when none is given", () => {
    const r = solveLogit(twoRoutes());
    expect(r.logitTheta).toBeCloseTo(1 / 10, 12);
  });

  it("rejects a non-positive θ with E_USAGE", () => {
    expect(() => solveLogit(twoRoutes(), { logitTheta: 0 })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});

// Congested two routes: A costs 10 + x_A / 10, B costs 12 + x_B / 10 (parallel arcs 0→1), demand 100.
// The SUE solves x_A = 100 / (1 + exp(−θ (c_B(100 − x_A) − c_A(x_A)))); bisection gives the oracle.
describe("logit stochastic user equilibrium", () => {
  it("converges by MSA to the closed-form fixed point of a congested two-route network", () => {
    const theta = 0.3;
    const p = buildProblem(
      2,
      [
        { from: 0, to: 1, t0: 10, b: 0.01, cap: 1 },
        { from: 0, to: 1, t0: 12, b: 1 / 120, cap: 1 },
      ],
      [[0, 1, 100]],
    );
    const residual = (xA: number): number => xA - 100 / (1 + Math.exp(-theta * (12 + (100 - xA) / 10 - (10 + xA / 10))));
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 200; i++) {
      const mid = 0.5 * (lo + hi);
      if (residual(mid) < 0) lo = mid;
      else hi = mid;
    }
    const r = solveLogit(p, { logitTheta: theta, gap: 1e-7, maxIterations: 100_000 });
    expect(r.converged).toBe(true);
    const flows = byInput(p, r.flow);
    expect(flows[0]).toBeCloseTo(lo, 4);
    expect(flows[0] + flows[1]).toBeCloseTo(100, 9);
    // the deterministic gap stays positive at an SUE: the costlier route is used
    expect(r.ueRelativeGap).toBeGreaterThan(1e-3);
    // the running minimum of the fixed-point residual falls by at least 10× per decade of iterations
    const best = (from: number, to: number): number => Math.min(...r.history.filter((h) => h.iteration >= from && h.iteration < to).map((h) => h.relativeGap));
    expect(best(10, 100)).toBeLessThan(best(0, 10));
  });
});

// Random grids with right/down arcs: Dial's loading equals the logit over efficient paths (r(i) < r(j) on every
// arc, r the free-flow shortest cost), enumerated explicitly.
//
//   (0)─▶(1)─▶(2)
//    ▼    ▼    ▼
//   (3)─▶(4)─▶(5)
//    ▼    ▼    ▼
//   (6)─▶(7)─▶(8)      demand from 0 to 8 (and from 1 to 8)
describe("Dial's loading against path enumeration", () => {
  it("gives every efficient path the share exp(−θ C_p) / Σ exp(−θ C_p')", () => {
    const costs = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(costs, fc.double({ min: 0.05, max: 2, noNaN: true }), (c, theta) => {
        const arcs: ArcSpec[] = [];
        let i = 0;
        for (let row = 0; row < 3; row++)
          for (let col = 0; col < 3; col++) {
            const v = row * 3 + col;
            if (col < 2) arcs.push({ from: v, to: v + 1, t0: c[i++] });
            if (row < 2) arcs.push({ from: v, to: v + 3, t0: c[i++] });
          }
        const demand: [number, number, number][] = [
          [0, 8, 60],
          [1, 8, 40],
        ];
        const p = buildProblem(9, arcs, demand);
        const flows = byInput(p, solveLogit(p, { logitTheta: theta }).flow);
        // oracle: shortest costs by relaxation in index order (a topological order here), then all efficient paths
        const expected = new Array<number>(arcs.length).fill(0);
        for (const [o, d, v] of demand) {
          const r = new Array<number>(9).fill(Number.POSITIVE_INFINITY);
          r[o] = 0;
          for (let u = 0; u < 9; u++) for (const a of arcs) if (a.from === u && r[u] + a.t0 < r[a.to]) r[a.to] = r[u] + a.t0;
          const paths: { arcs: number[]; cost: number }[] = [];
          const walk = (u: number, used: number[], cost: number): void => {
            if (u === d) {
              paths.push({ arcs: [...used], cost });
              return;
            }
            arcs.forEach((a, k) => {
              if (a.from === u && r[a.from] < r[a.to]) walk(a.to, [...used, k], cost + a.t0);
            });
          };
          walk(o, [], 0);
          const denominator = paths.reduce((s, q) => s + Math.exp(-theta * q.cost), 0);
          for (const q of paths) for (const k of q.arcs) expected[k] += (v * Math.exp(-theta * q.cost)) / denominator;
        }
        expected.forEach((x, k) => {
      expect(flows[k]).toBeCloseTo(x, 8);
    });
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
