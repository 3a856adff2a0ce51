/**
 * Volume-delay groups: parallel arcs that share one queueing capacity (a border crossing's gauge arcs) see the delay
 * of their summed flow, t_a = moving_a + q(x₁ + x₂), and the Beckmann objective counts ∫₀^{x₁+x₂} q once.
 *
 * The crossing (node ids in brackets), demand 10 from o to d:
 *
 *            access₁ 1 + 0.1·x          gauge 1435: moving 1
 *       ┌──────────────────▶ A1 [1] ═══════════════════════▶ B1 [3] ──┐ free
 *   o [0]                                  ║ one queue: t0 3, cap 8, α 1   ▶ d [5]
 *       └──────────────────▶ A2 [2] ═══════════════════════▶ B2 [4] ──┘ free
 *       │    access₂ 2 + 0.4·x          gauge 1520: moving 0.2
 *       └───────────────────────── bypass 8 + 1.6·y ─────────────────────▶ d
 *
 * At equilibrium with both gauges and the bypass used: access₁ + 1 = access₂ + 0.2 =: u, so x₁ = 10(u − 2) and
 * x₂ = 2.5(u − 2.2) are linear in u, and u + q(x₁ + x₂) = 8 + 1.6·(10 − x₁ − x₂). The left side rises with u and the
 * right side falls, so the oracle finds u by bisection — independent of every solver.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv } from "../../src/assignment/corridor-demand";
import { formatCorridorSummary, corridorSummary } from "../../src/assignment/corridor-report";
import { arcFlowT, arcTimeH, bottlenecks } from "../../src/assignment/results";
import { type ArcSpec, buildProblem } from "../../src/assignment/problem";
import { solve } from "../../src/assignment/solve";
import { FlowState } from "../../src/assignment/state";
import { emptyVdf, queueDerivative, queueIntegral, queueTime, VdfEvaluator } from "../../src/assignment/vdf";
import { openNetwork } from "../../src/network/index";

const Q = { timeBase: 3, capacity: 8, alpha: 1, rhoMax: 0.95 };
const DEMAND = 10;
const q = (x: number): number => queueTime(Q.timeBase, Q.capacity, Q.alpha, Q.rhoMax, x);

/** Input arcs 0..6 as drawn; `grouped` = false gives each gauge arc the whole capacity on its own flow. */
function crossing(grouped: boolean) {
  const arcs: ArcSpec[] = [
    { from: 0, to: 1, timeFree: 1, capacity: 10, bprB: 1, bprPower: 1 }, // access₁
    { from: 0, to: 2, timeFree: 2, capacity: 5, bprB: 1, bprPower: 1 }, // access₂
    { from: 1, to: 3, timeFree: 1, queue: Q, ...(grouped ? { vdfGroup: 0 } : {}) }, // gauge 1435
    { from: 2, to: 4, timeFree: 0.2, queue: Q, ...(grouped ? { vdfGroup: 0 } : {}) }, // gauge 1520
    { from: 3, to: 5, timeFree: 0 },
    { from: 4, to: 5, timeFree: 0 },
    { from: 0, to: 5, timeFree: 8, capacity: 5, bprB: 1, bprPower: 1 }, // bypass
  ];
  return buildProblem({ nodeCount: 6, arcs, demand: [{ origin: 0, destination: 5, amount: DEMAND }] });
}

/** Problem arc of input arc i. */
const arcOf = (p: ReturnType<typeof crossing>, i: number): number => p.graph.inputArc.indexOf(i);

/** The equilibrium of the drawing by bisection on u (see the header). */
function oracle(): { x1: number; x2: number; y: number } {
  const split = (u: number) => ({ x1: Math.max(0, 10 * (u - 2)), x2: Math.max(0, 2.5 * (u - 2.2)) });
  let lo = 2;
  let hi = 10;
  for (let i = 0; i < 200; i++) {
    const u = 0.5 * (lo + hi);
    const { x1, x2 } = split(u);
    if (u + q(x1 + x2) < 8 + 1.6 * (DEMAND - x1 - x2)) lo = u;
    else hi = u;
  }
  const { x1, x2 } = split(0.5 * (lo + hi));
  return { x1, x2, y: DEMAND - x1 - x2 };
}

describe("volume-delay groups: evaluation", () => {
  it("gives both gauge arcs the time moving + q(x₁ + x₂) and the group slope", () => {
    const p = crossing(true);
    const ev = new VdfEvaluator(p.vdf, p.vdfGroup ?? null);
    const [g1, g2] = [arcOf(p, 2), arcOf(p, 3)];
    const flow = new Float64Array(p.graph.arcCount);
    flow[g1] = 2.5;
    flow[g2] = 3;
    const time = new Float64Array(p.graph.arcCount);
    const slope = new Float64Array(p.graph.arcCount);
    ev.updateAll(flow, time, slope);
    expect(time[g1]).toBeCloseTo(1 + q(5.5), 12);
    expect(time[g2]).toBeCloseTo(0.2 + q(5.5), 12);
    const dq = queueDerivative(Q.timeBase, Q.capacity, Q.alpha, Q.rhoMax, 5.5);
    expect(slope[g1]).toBeCloseTo(dq, 12);
    expect(slope[g2]).toBeCloseTo(dq, 12);
    // an incremental update of one member moves the other member's time too
    ev.update(g2, 1, time, slope);
    expect(time[g1]).toBeCloseTo(1 + q(3.5), 12);
    expect(time[g2]).toBeCloseTo(0.2 + q(3.5), 12);
  });

  it("counts the group's queueing integral once in the Beckmann objective", () => {
    const p = crossing(true);
    const state = new FlowState(p);
    const [g1, g2] = [arcOf(p, 2), arcOf(p, 3)];
    state.classFlow[0][g1] = 2.5;
    state.classFlow[0][g2] = 3;
    state.refresh();
    const expected = 1 * 2.5 + 0.2 * 3 + queueIntegral(Q.timeBase, Q.capacity, Q.alpha, Q.rhoMax, 5.5);
    expect(state.beckmann()).toBeCloseTo(expected, 10);
    // per-arc evaluation (no group) counts two integrals at the members' own flows instead
    const perArc = new FlowState(crossing(false));
    perArc.classFlow[0][g1] = 2.5;
    perArc.classFlow[0][g2] = 3;
    perArc.refresh();
    const separate = 1 * 2.5 + 0.2 * 3 + queueIntegral(Q.timeBase, Q.capacity, Q.alpha, Q.rhoMax, 2.5) + queueIntegral(Q.timeBase, Q.capacity, Q.alpha, Q.rhoMax, 3);
    expect(perArc.beckmann()).toBeCloseTo(separate, 10);
  });

  it("the objective's gradient is the time: a finite difference of Beckmann along one member equals its time", () => {
    const p = crossing(true);
    const state = new FlowState(p);
    const g1 = arcOf(p, 2);
    const g2 = arcOf(p, 3);
    state.classFlow[0][g1] = 2;
    state.classFlow[0][g2] = 4;
    state.refresh();
    const h = 1e-6;
    const t = state.time[g2];
    state.classFlow[0][g2] += h;
    state.refresh();
    const up = state.beckmann();
    state.classFlow[0][g2] -= 2 * h;
    state.refresh();
    const down = state.beckmann();
    expect((up - down) / (2 * h)).toBeCloseTo(t, 5);
  });

  it("rejects a group whose members differ in their queueing parameters", () => {
    const vdf = emptyVdf(2);
    vdf.queueT0.set([3, 4]);
    vdf.queueCapacity.set([8, 8]);
    vdf.queueAlpha.set([1, 1]);
    expect(() => new VdfEvaluator(vdf, Int32Array.from([0, 0]))).toThrow(expect.objectContaining({ code: "E_GRAPH_INVARIANT" }));
  });
});

describe("volume-delay groups: equilibrium", () => {
  const expected = oracle();

  it("the oracle's point uses both gauges and the bypass (the case under test)", () => {
    expect(expected.x1).toBeGreaterThan(0.5);
    expect(expected.x2).toBeGreaterThan(0.5);
    expect(expected.y).toBeGreaterThan(0.5);
  });

  for (const algorithm of ["b", "bfw", "cfw", "fw"] as const) {
    it(`${algorithm} reaches the group equilibrium (gap ≤ 1e-8) and matches the bisection oracle`, () => {
      const p = crossing(true);
      const r = solve(p, algorithm, { gap: 1e-8, maxIterations: 200_000 });
      expect(r.relativeGap).toBeLessThanOrEqual(1e-8);
      expect(r.flow[arcOf(p, 2)]).toBeCloseTo(expected.x1, 4);
      expect(r.flow[arcOf(p, 3)]).toBeCloseTo(expected.x2, 4);
      expect(r.flow[arcOf(p, 6)]).toBeCloseTo(expected.y, 4);
      // both gauge arcs carry the delay of the summed flow
      const sum = r.flow[arcOf(p, 2)] + r.flow[arcOf(p, 3)];
      expect(r.time[arcOf(p, 2)] - 1).toBeCloseTo(q(sum), 10);
      expect(r.time[arcOf(p, 3)] - 0.2).toBeCloseTo(q(sum), 10);
    });
  }

  it("b, bfw and fw agree on the Beckmann objective; the per-arc problem has a different equilibrium", () => {
    const values = (["b", "bfw", "fw"] as const).map((a) => solve(crossing(true), a, { gap: 1e-8, maxIterations: 200_000 }).beckmann);
    for (const v of values) expect(v / values[0]).toBeCloseTo(1, 8);
    const p = crossing(false);
    const perArc = solve(p, "b", { gap: 1e-10 });
    // each arc with the whole capacity on its own flow sees less delay, so more flow crosses than the group allows
    expect(perArc.flow[arcOf(p, 2)] + perArc.flow[arcOf(p, 3)]).toBeGreaterThan(expected.x1 + expected.x2 + 0.1);
  });
});

const root = resolve(__dirname, "../..");
const eurasiaDir = join(root, "data/eurasia");
const demandFile = join(eurasiaDir, "demand/corridors-2024.csv");
if (!existsSync(demandFile)) console.warn(`skipping the Dostyk volume-delay group test: ${demandFile} is absent`);

describe.skipIf(!existsSync(demandFile))("volume-delay groups on data/eurasia", () => {
  it("gives Dostyk CHN→KAZ the delay of the queueing function at the summed flow of its gauge arcs", () => {
    const net = openNetwork(eurasiaDir);
    const cp = corridorProblem(net, readDemandCsv(demandFile));
    const r = solve(cp.problem, "b", { gap: 1e-8 });
    const g = cp.groups.find((x) => x.id === "crossing:dostyk-alashankou:CHN→KAZ:rail");
    expect(g?.shared).toBe(false);
    expect(g?.groupVdf).toBe(true);
    const members = g?.arcs ?? [];
    expect(members.length).toBe(2);
    const sumT = members.reduce((s, a) => s + arcFlowT(cp, r, a), 0);
    expect(sumT).toBeGreaterThan(1e6);
    const v = cp.problem.vdf;
    for (const a of members) {
      const p = cp.problemArcOf[a];
      const queueH = queueTime(v.queueT0[p], v.queueCapacity[p], v.queueAlpha[p], v.queueRhoMax[p], sumT);
      expect(arcTimeH(cp, r, a) - v.bprT0[p]).toBeCloseTo(queueH, 8);
    }
    const row = bottlenecks(cp, r, 100).find((x) => x.linkId === g?.id);
    const p0 = cp.problemArcOf[members[0]];
    const delayH = queueTime(v.queueT0[p0], v.queueCapacity[p0], v.queueAlpha[p0], v.queueRhoMax[p0], sumT) - v.queueT0[p0];
    expect(row).toMatchObject({ sharedInAssignment: false, delayExact: true });
    expect(row?.delayH).toBeCloseTo(delayH, 8);
    // every bottleneck listed: the group's rank by v/c moves with the data (11th once Irkeshtam had its capacity)
    expect(formatCorridorSummary(corridorSummary(cp, r, "corridors-2024.csv", 0, 100))).toContain(`${g?.id} (2 arcs) `);
  });
});
