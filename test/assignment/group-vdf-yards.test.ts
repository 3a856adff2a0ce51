/**
 * Two parallel gauge-change yards behind one shared crossing capacity (the dual-gauge Grodekovo–Suifenhe crossing:
 * trains change gauge on either side). Each route uses one gauge arc of the crossing, so moving flow between the
 * routes leaves the crossing group's summed flow, and its delay, unchanged: only the yards' delays differ.
 *
 *                yard G: 0.5 + q_Y(x)              gauge 1435 (group)
 *   o [0] ─────────────────────────────▶ G1435 [1] ═════════════════════▶ d [3]
 *     ║                                                   one queue: t0 20.6, cap 10, α 1
 *     ╚══ gauge 1520 (group) ══▶ S1520 [2] ──────────────────────────────▶ d
 *                                            yard S: q_Y(x)
 *
 * Demand 8.75 (the crossing at v/c 0.875, where its queue is steep); yards t0 1, cap 20. At equilibrium
 * 0.5 + q_Y(x_G) = q_Y(8.75 − x_G), found by bisection independently of the solver. Algorithm B's Newton step
 * must use the shift's exact second derivative, in which the group's q' cancels; summing the members' slopes
 * (q' of the steep crossing queue twice) made each step a small fraction of the needed one and took hundreds
 * of iterations.
 */
import { describe, expect, it } from "vitest";
import { type ArcSpec, buildProblem } from "../../src/assignment/problem";
import { solve } from "../../src/assignment/solve";
import { queueTime } from "../../src/assignment/vdf";

const CROSSING = { timeBase: 20.6, capacity: 10, alpha: 1, rhoMax: 0.95 };
const YARD = { timeBase: 1, capacity: 20, alpha: 1, rhoMax: 0.95 };
const DEMAND = 8.75;
const qYard = (x: number): number => queueTime(YARD.timeBase, YARD.capacity, YARD.alpha, YARD.rhoMax, x);

function dualGaugeCrossing() {
  const arcs: ArcSpec[] = [
    { from: 0, to: 1, timeFree: 0.5, queue: YARD }, // yard G
    { from: 1, to: 3, timeFree: 0, queue: CROSSING, vdfGroup: 0 }, // gauge 1435
    { from: 0, to: 2, timeFree: 0, queue: CROSSING, vdfGroup: 0 }, // gauge 1520
    { from: 2, to: 3, timeFree: 0, queue: YARD }, // yard S
  ];
  return buildProblem({ nodeCount: 4, arcs, demand: [{ origin: 0, destination: 3, amount: DEMAND }] });
}

/** Flow through yard G at equilibrium: 0.5 + q_Y(x) = q_Y(D − x), by bisection. */
function oracleYardG(): number {
  let lo = 0;
  let hi = DEMAND;
  for (let i = 0; i < 200; i++) {
    const x = 0.5 * (lo + hi);
    if (0.5 + qYard(x) < qYard(DEMAND - x)) lo = x;
    else hi = x;
  }
  return 0.5 * (lo + hi);
}

describe("volume-delay groups: two parallel queueing yards behind one crossing", () => {
  it("Algorithm B converges in a few iterations to the equilibrium split", () => {
    const p = dualGaugeCrossing();
    const r = solve(p, "b", { gap: 1e-10, maxIterations: 50 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(5);
    const xG = oracleYardG();
    expect(xG).toBeGreaterThan(1); // both yards used: the oracle is not a corner
    expect(xG).toBeLessThan(DEMAND - 1);
    const arc = (i: number): number => p.graph.inputArc.indexOf(i);
    expect(r.flow[arc(0)]).toBeCloseTo(xG, 6);
    expect(r.flow[arc(1)]).toBeCloseTo(xG, 6);
    expect(r.flow[arc(2)]).toBeCloseTo(DEMAND - xG, 6);
    expect(r.flow[arc(3)]).toBeCloseTo(DEMAND - xG, 6);
  });
});
