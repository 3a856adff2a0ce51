/**
 * Validation against the published best-known solutions of the "Transportation Networks for Research" collection
 * (../shared/tntp, see SOURCES.md there): Algorithm B to a relative gap of 1e-10 must reproduce the Beckmann
 * objective to at least 8 significant digits and the best-known link flows closely.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { solveAlgorithmB } from "../../src/assignment/algorithm-b";
import { tntpProblem } from "../../src/assignment/problem";
import { solve } from "../../src/assignment/solve";
import { loadTntpDir } from "../../src/assignment/tntp";

const here = dirname(fileURLToPath(import.meta.url));
const tntpDir = resolve(here, "../../../shared/tntp");
const present = existsSync(tntpDir);
if (!present) console.warn(`skipping TNTP validation: ${tntpDir} is absent (the public test networks live beside the project as ../shared/tntp)`);

/** Published Beckmann objectives at the best-known flows (SOURCES.md). */
const CASES = [
  { name: "SiouxFalls", beckmann: 4231335.287107, options: {}, flowTol: 1e-3 },
  { name: "Anaheim", beckmann: 1286032.171096, options: {}, flowTol: 1e-2 },
  // ChicagoSketch: generalized cost t(x) + 0.02·toll + 0.04·length (SOURCES.md; the file carries no factor tags)
  { name: "ChicagoSketch", beckmann: 17313018.7387477, options: { tollFactor: 0.02, distanceFactor: 0.04 }, flowTol: 0.05 },
] as const;

describe.skipIf(!present)("TNTP best-known solutions", () => {
  for (const c of CASES) {
    it(`Algorithm B reproduces ${c.name}: Beckmann to 8+ significant digits and the best-known link flows`, () => {
      const inst = loadTntpDir(resolve(tntpDir, c.name));
      const p = tntpProblem(inst, c.options);
      const r = solveAlgorithmB(p, { gap: 1e-10, maxIterations: 200 });
      expect(r.relativeGap).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(r.beckmann - c.beckmann) / c.beckmann).toBeLessThan(5e-9);
      const best = inst.bestFlows!;
      let maxDiff = 0;
      for (let a = 0; a < p.graph.arcCount; a++) maxDiff = Math.max(maxDiff, Math.abs(r.flow[a] - best.flow[p.graph.inputArc[a]]));
      expect(maxDiff).toBeLessThan(c.flowTol);
    }, 60_000);
  }

  it("Braess-Example from its files: each path 2 units, link flows (4, 2, 2, 2, 4)", () => {
    const inst = loadTntpDir(resolve(tntpDir, "Braess-Example"));
    const p = tntpProblem(inst);
    const r = solveAlgorithmB(p, { gap: 1e-12 });
    const byInput = new Float64Array(p.graph.arcCount);
    for (let a = 0; a < p.graph.arcCount; a++) byInput[p.graph.inputArc[a]] = r.flow[a];
    expect(Array.from(byInput, (x) => Math.round(x * 1e6) / 1e6)).toEqual([4, 2, 2, 2, 4]);
  });

  it("better link-based algorithms need fewer iterations to a fixed gap (bfw < cfw < fw) on SiouxFalls", () => {
    const p = tntpProblem(loadTntpDir(resolve(tntpDir, "SiouxFalls")));
    const its = (alg: string) => solve(p, alg, { gap: 1e-4, maxIterations: 5000 }).iterations;
    const fw = its("fw");
    const cfw = its("cfw");
    const bfw = its("bfw");
    expect(bfw).toBeLessThan(cfw);
    expect(cfw).toBeLessThan(fw);
  }, 60_000);

  it("every algorithm lowers the gap: FW-type monotone in Beckmann, Algorithm B to 1e-10, MSA on average", () => {
    const p = tntpProblem(loadTntpDir(resolve(tntpDir, "SiouxFalls")));
    for (const alg of ["fw", "cfw", "bfw"]) {
      const r = solve(p, alg, { gap: 1e-3, maxIterations: 2000 });
      const b = r.history.map((h) => h.beckmann);
      for (let i = 2; i < b.length; i++) expect(b[i]).toBeLessThanOrEqual(b[i - 1] * (1 + 1e-12));
      expect(r.relativeGap).toBeLessThan(r.history[1].relativeGap);
    }
    const msa = solve(p, "msa", { gap: 0, maxIterations: 200 });
    const g = msa.history.map((h) => h.relativeGap);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(g.slice(150))).toBeLessThan(mean(g.slice(1, 50)));
    const b = solveAlgorithmB(p, { gap: 1e-10 });
    expect(b.history[b.history.length - 1].relativeGap).toBeLessThan(b.history[1].relativeGap);
  }, 60_000);
});
