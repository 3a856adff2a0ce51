/**
 * The congested comparison tightens its gap 100-fold at a time until the saving is resolved (congested.ts). Each
 * state's Algorithm B run is taken on from gap to gap (algorithm-b.ts startAlgorithmB) instead of solved afresh for
 * every gap: the results must be the ones a fresh solve to each gap gives, to the bit, and a result given before the
 * run went on must keep its figures.
 *
 * Problems: SiouxFalls from ../shared/tntp (many iterations between gaps; skipped when absent) and the corridor
 * demand of data/eurasia at 2.5 times its 2024 level in the state without darbaza-maktaaral (a dozen iterations).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type EquilibriumCache, solveEquilibrium } from "../../src/appraisal/congested";
import { assignmentValuesOfTime, comparisonStates, DEFAULT_PARAMETERS, findProject, projectSubject, readDeflator } from "../../src/appraisal/index";
import { solveAlgorithmB, startAlgorithmB } from "../../src/assignment/algorithm-b";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { tntpProblem } from "../../src/assignment/problem";
import type { AssignmentResult } from "../../src/assignment/state";
import { loadTntpDir } from "../../src/assignment/tntp";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const here = dirname(fileURLToPath(import.meta.url));
const siouxFalls = resolve(here, "../../../shared/tntp/SiouxFalls");
const hasSiouxFalls = existsSync(siouxFalls);
if (!hasSiouxFalls) console.warn(`skipping the SiouxFalls part: ${siouxFalls} is absent (the public test networks live beside the project as ../shared/tntp)`);

/** The figures of a result, copied (arrays as plain lists, so that toEqual compares every value exactly). */
function figures(r: AssignmentResult): Record<string, unknown> {
  return {
    iterations: r.iterations,
    relativeGap: r.relativeGap,
    beckmann: r.beckmann,
    totalTravelTime: r.totalTravelTime,
    shortestPathTravelTime: r.shortestPathTravelTime,
    stopReason: r.stopReason,
    flow: Array.from(r.flow),
    time: Array.from(r.time),
    classFlow: r.classFlow.map((f) => Array.from(f)),
    gaps: r.history.map((h) => h.relativeGap),
  };
}

describe.skipIf(!hasSiouxFalls)("Algorithm B taken on from gap to gap (SiouxFalls)", () => {
  // read when the tests run, not when they are collected (a skipped suite's body is still collected)
  let p: ReturnType<typeof tntpProblem>;
  beforeAll(() => {
    p = tntpProblem(loadTntpDir(siouxFalls));
  });
  const gaps = [1e-3, 1e-5, 1e-7, 1e-9];

  it("gives at each gap exactly the result of a fresh solve to that gap, and earlier results keep their figures", () => {
    const fresh = gaps.map((gap) => solveAlgorithmB(p, { gap, maxIterations: 500 }));
    // the gaps are far enough apart for the run to iterate between each two
    for (let i = 1; i < gaps.length; i++) expect(fresh[i].iterations).toBeGreaterThan(fresh[i - 1].iterations);
    const run = startAlgorithmB(p, { maxIterations: 500 });
    const given = gaps.map((gap) => run.advance(gap));
    const atOnce = gaps.map((_, i) => figures(given[i])); // read before the run went on, and again after it
    for (let i = 0; i < gaps.length; i++) {
      expect(figures(given[i])).toEqual(figures(fresh[i]));
      expect(figures(given[i])).toEqual(atOnce[i]);
      // per-commodity flows first read after the run went on: the ones of that iterate
      expect(Array.from(given[i].commodityFlow ?? [])).toEqual(Array.from(fresh[i].commodityFlow ?? []));
    }
    // a gap the current iterate meets: no further iteration
    expect(run.advance(1e-3).iterations).toBe(given[gaps.length - 1].iterations);
  }, 60_000);

  it("counts the iteration budget over the whole run", () => {
    const run = startAlgorithmB(p, { maxIterations: 6 });
    const first = run.advance(1e-2);
    const last = run.advance(1e-12);
    expect(first.iterations).toBeLessThan(6);
    expect(last.iterations).toBe(6);
    expect(last.stopReason).toBe("iterations");
    expect(figures(last)).toEqual(figures(solveAlgorithmB(p, { gap: 1e-12, maxIterations: 6 })));
  });
});

describe("equilibria of the congested comparison from one run per state and demand level (data/eurasia)", () => {
  const dir = join(here, "..", "..", "data", "eurasia");
  const net = openNetwork(dir);
  const ctx = new RoutingContext(net);
  const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
  const project = findProject(net, "darbaza-maktaaral");
  const subject = projectSubject(net, project, {}, DEFAULT_PARAMETERS, readDeflator());
  const states = comparisonStates(ctx, subject.year, { on: [], off: [project.id] }, { on: [project.id], off: [] });
  const vot = assignmentValuesOfTime(states.ctx.net, subject.prices.baseYear, { parameters: DEFAULT_PARAMETERS }) ?? {};
  const rho = DEFAULT_PARAMETERS.reliabilityRatio;
  /** The demand of the project's last operating year, where the equilibrium takes a dozen iterations. */
  const scale = 2.5;
  const solveAt = (gap: number, cache?: { map: EquilibriumCache; key: string }) => solveEquilibrium(states.ctx, demand, states.without, scale, gap, cache, vot, rho);

  it("a cached state tightened gap by gap gives the fresh equilibrium of every gap, also when a looser gap is asked after a tighter one", () => {
    const gaps = [1e-3, 1e-8];
    const fresh = gaps.map((gap) => solveAt(gap));
    expect(fresh[1].result.iterations).toBeGreaterThan(fresh[0].result.iterations);
    const cache = { map: new Map(), key: "without" };
    const cached = gaps.map((gap) => solveAt(gap, cache));
    for (let i = 0; i < gaps.length; i++) {
      expect(figures(cached[i].result)).toEqual(figures(fresh[i].result));
      expect(Array.from(cached[i].result.commodityFlow ?? [])).toEqual(Array.from(fresh[i].result.commodityFlow ?? []));
      expect(cached[i].chargeH.map((c) => Array.from(c))).toEqual(fresh[i].chargeH.map((c) => Array.from(c)));
    }
    // from the cache when asked again
    expect(solveAt(1e-3, cache)).toBe(cached[0]);
    // tightest first, then the loosest (an iterate the run passed without giving it): the fresh one of each gap
    const other = { map: new Map(), key: "without" };
    expect(figures(solveAt(1e-8, other).result)).toEqual(figures(fresh[1].result));
    expect(figures(solveAt(1e-3, other).result)).toEqual(figures(fresh[0].result));
  }, 120_000);
});
