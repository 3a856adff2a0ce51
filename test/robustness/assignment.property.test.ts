/**
 * Extreme but individually valid numbers through every assignment algorithm: capacities, b, powers, free-flow times
 * and demands at the ends of their documented ranges (docs/numbers.md), on a 3-node network with a cycle. Each run
 * ends with finite results or with E_NUMERIC_RANGE (the combination would overflow) — never NaN/Infinity in the
 * result, an internal error, or a broken solver invariant.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers";

const capacity = fc.constantFrom("1e-6", "0.5", "1", "1e4", "1e12");
const b = fc.constantFrom("0", "1e-3", "0.15", "1e6", "1e12");
const power = fc.constantFrom("1", "2.5", "4", "16");
const fft = fc.constantFrom("0", "1e-8", "1", "1e9");
const trips = fc.constantFrom("0", "1e-300", "1e-6", "150", "1e12");
const link = fc.tuple(capacity, fft, b, power);
const algorithm = fc.constantFrom("b", "fw", "bfw", "msa", "logit", "aon");

function instance(links: readonly (readonly [string, string, string, string])[], t12: string, t21: string): string {
  const dir = mkdtempSync(join(tmpdir(), "caravan-robust-extreme-"));
  const ends = [
    [1, 3],
    [3, 2],
    [1, 2],
    [2, 1],
  ];
  const body = links.map(([c, f, bb, p], i) => `${ends[i][0]}\t${ends[i][1]}\t${c}\t1\t${f}\t${bb}\t${p}\t0\t0\t1\t;`).join("\n");
  writeFileSync(join(dir, "X_net.tntp"), `<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 4\n<END OF METADATA>\n${body}\n`);
  writeFileSync(join(dir, "X_trips.tntp"), `<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 2 : ${t12};\nOrigin 2\n 1 : ${t21};\n`);
  return dir;
}

describe("assignment with extreme valid numbers", () => {
  it("gives finite results or E_NUMERIC_RANGE / E_USAGE, for every algorithm", async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(link, link, link, link), trips, trips, algorithm, async (links, t12, t21, alg) => {
        const r = await cli(["assign", "--tntp", instance(links, t12, t21), "--algorithm", alg, "--max-iterations", "30", "--json"]);
        const where = `${alg} ${JSON.stringify(links)} trips ${t12}/${t21}: exit ${r.code} ${r.err.slice(0, 300)}`;
        expect(r.err, where).not.toMatch(/\n\s+at |internal error/);
        if (r.code === 0) expect(r.out, where).not.toMatch(/\bnull\b|\bNaN\b|\bInfinity\b/);
        // logit needs a positive mean free-flow cost for its default θ; otherwise E_USAGE asks for --theta
        else expect(["E_NUMERIC_RANGE", "E_USAGE"], where).toContain(r.errorCode);
      }),
      { seed: 31, numRuns: 150 },
    );
  });
});
