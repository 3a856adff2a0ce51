/**
 * Convergence of the link-based and logit algorithms on the public SiouxFalls and ChicagoSketch networks
 * (../shared/tntp): better directions need fewer iterations to the same gap (bfw < cfw < fw, as AequilibraE's tests
 * assert), FW/CFW/BFW decrease the Beckmann objective monotonically, MSA and logit-MSA converge slowly.
 * Skipped with a message where the reference data is absent.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { solveLinkBased } from "../../src/assignment/link-based";
import { solveLogit } from "../../src/assignment/logit";
import { type AssignmentProblem, tntpProblem } from "../../src/assignment/problem";
import type { AssignmentResult } from "../../src/assignment/state";
import { loadTntpDir } from "../../src/assignment/tntp";

const TNTP = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/tntp");
const haveSioux = existsSync(resolve(TNTP, "SiouxFalls"));
const haveChicago = existsSync(resolve(TNTP, "ChicagoSketch"));
if (!haveSioux) console.warn(`convergence tests on SiouxFalls skipped: ${resolve(TNTP, "SiouxFalls")} is absent`);
if (!haveChicago) console.warn(`convergence tests on ChicagoSketch skipped: ${resolve(TNTP, "ChicagoSketch")} is absent`);

/** Beckmann objective never rises by more than rounding (relative 1e-12). */
function expectMonotoneBeckmann(r: AssignmentResult): void {
  for (let i = 1; i < r.history.length; i++) expect(r.history[i].beckmann).toBeLessThanOrEqual(r.history[i - 1].beckmann * (1 + 1e-12));
}

/** Smallest gap among history entries with from ≤ iteration < to. */
function bestGap(r: AssignmentResult, from: number, to: number): number {
  return Math.min(...r.history.filter((h) => h.iteration >= from && h.iteration < to).map((h) => h.relativeGap));
}

describe.skipIf(!haveSioux)("SiouxFalls", () => {
  let problem: AssignmentProblem;
  const load = (): AssignmentProblem => (problem ??= tntpProblem(loadTntpDir(resolve(TNTP, "SiouxFalls"))));

  it("to a relative gap of 1e-4, bfw needs fewer iterations than cfw, and cfw fewer than fw; Beckmann falls monotonically", () => {
    const p = load();
    const runs = (["bfw", "cfw", "fw"] as const).map((m) => solveLinkBased(p, m, { gap: 1e-4, maxIterations: 5000 }));
    for (const r of runs) {
      expect(r.converged).toBe(true);
      expect(r.relativeGap).toBeLessThanOrEqual(1e-4);
      expect(r.relativeGap).toBeLessThan(r.history[0].relativeGap);
      expectMonotoneBeckmann(r);
    }
    const [bfw, cfw, fw] = runs;
    expect(bfw.iterations).toBeLessThan(cfw.iterations);
    expect(cfw.iterations).toBeLessThan(fw.iterations);
    expect(bfw.directions.bfw).toBeGreaterThan(0);
    expect(cfw.directions.cfw).toBeGreaterThan(0);
  });

  it("bfw to 1e-6 matches the best-known flows and the published Beckmann objective 4,231,335.29", () => {
    const instance = loadTntpDir(resolve(TNTP, "SiouxFalls"));
    const p = tntpProblem(instance);
    const r = solveLinkBased(p, "bfw", { gap: 1e-6, maxIterations: 5000 });
    expect(r.converged).toBe(true);
    // the Beckmann objective is within gap × TSTT of its minimum
    expect(Math.abs(r.beckmann - 4_231_335.287107) / 4_231_335.287107).toBeLessThan(1e-6);
    const best = instance.bestFlows!.flow;
    let worst = 0;
    for (let a = 0; a < r.flow.length; a++) worst = Math.max(worst, Math.abs(r.flow[a] - best[p.graph.inputArc[a]]) / best[p.graph.inputArc[a]]);
    expect(worst).toBeLessThan(1e-2);
  });

  it("msa converges slowly but converges: the best gap falls with every decade of iterations and reaches 1e-3", () => {
    const p = load();
    const fw = solveLinkBased(p, "fw", { gap: 1e-3 });
    const r = solveLinkBased(p, "msa", { gap: 1e-3, maxIterations: 20_000 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeGreaterThan(fw.iterations);
    // MSA evaluates no objective and its gap is not monotone; what holds is convergence of the averages
    expect(bestGap(r, 10, 100)).toBeLessThan(bestGap(r, 1, 10));
    if (r.iterations >= 100) expect(bestGap(r, 100, 1000)).toBeLessThan(bestGap(r, 10, 100));
  });

  it("logit (Dial + MSA) converges to its stochastic equilibrium: the fixed-point residual falls to 1e-4", () => {
    const p = load();
    const r = solveLogit(p, { gap: 1e-4, maxIterations: 5000 });
    expect(r.converged).toBe(true);
    expect(bestGap(r, 10, 100)).toBeLessThan(bestGap(r, 0, 10));
    // dispersion keeps the stochastic equilibrium away from the deterministic one
    expect(r.ueRelativeGap).toBeGreaterThan(1e-3);
    // every unit of demand is loaded and conserved: at each node, flow out − flow in = demand out − demand in
    const balance = new Float64Array(p.graph.nodeCount);
    for (let a = 0; a < p.graph.arcCount; a++) {
      balance[p.graph.tail[a]] += r.flow[a];
      balance[p.graph.head[a]] -= r.flow[a];
    }
    const k = p.commodities;
    for (let c = 0; c < k.count; c++) {
      for (let e = k.destStart[c]; e < k.destStart[c + 1]; e++) {
        balance[k.origin[c]] -= k.demand[e];
        balance[k.destNode[e]] += k.demand[e];
      }
    }
    for (const b of balance) expect(Math.abs(b)).toBeLessThan(1e-6);
  });
});

describe.skipIf(!haveChicago)("ChicagoSketch, doubled demand", () => {
  it("to a relative gap of 1e-3, bfw needs fewer iterations than cfw, and cfw fewer than fw; Beckmann falls monotonically", () => {
    const p = tntpProblem(loadTntpDir(resolve(TNTP, "ChicagoSketch")), { demandScale: 2 });
    const runs = (["bfw", "cfw", "fw"] as const).map((m) => solveLinkBased(p, m, { gap: 1e-3, maxIterations: 1000 }));
    for (const r of runs) {
      expect(r.converged).toBe(true);
      expectMonotoneBeckmann(r);
    }
    const [bfw, cfw, fw] = runs;
    expect(bfw.iterations).toBeLessThan(cfw.iterations);
    expect(cfw.iterations).toBeLessThan(fw.iterations);
  });
});
