/**
 * Property-based fuzzing of the command line itself: route, matrix, places, network and assign on the testbot
 * dataset with random options and hostile values (hex, overflow, empty, negative coordinates, object-key names,
 * stray dashes). Every run exits 0, or 1/2 with one line `caravan: E_CODE: message` whose code the catalogue maps to
 * that status; never a stack trace, an internal error, or NaN/Infinity in the output.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOGUE } from "../../src/core/errors";
import { cli, TESTBOT, tntpDir } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "caravan-robust-argv-"));
const demand = join(dir, "demand.csv");
const gravity = join(dir, "g.csv");
writeFileSync(gravity, "exporter,importer,trade,dist,rta\nA,B,10,1,0\nA,C,20,2,1\nB,A,12,1,0\nB,C,30,3,1\nC,A,22,2,1\nC,B,31,3,0\nA,D,5,4,0\nD,A,6,4,1\n");
const tntp = tntpDir();
writeFileSync(demand, "origin,destination,class,amount,source\nportia,gamma,container,120000,src:testbot-manual\nalpha,harbor,bulk,5000,src:testbot-manual\n");

const value = fc.oneof(
  fc.constantFrom("0", "-1", "1e308", "1e400", "0x10", "", " ", "NaN", "Infinity", "1.5", "2", "10", "99999999999", "portia", "alpha", "gamma", "-0.05,0.01", "200,100", "-200,0"),
  fc.constantFrom("feu", "bulk", "rail", "sea,air", "KAZ", "CHN", "narrows", "constructor", "__proto__", "toString", "time", "cost", "b", "fw", "logit", "-", "--json", "-x"),
  fc.constantFrom("iid", "hetero", "cluster", "exporter", "importer^exporter", "stata", "dist", "rta=1", "dist=0x10", "trade ~ 0", "trade ~ log(log(dist))", "y ~ x", "csv", "geojson"),
  fc.string({ maxLength: 6 }),
);
const option = fc.constantFrom(
  "--optimize", "--cargo", "--modes", "--avoid-countries", "--avoid-crossings", "--close", "--year", "--month", "--co2-price", "--via",
  "--alternatives", "--places", "--json", "--geojson", "--all-cities", "--demand-scale", "--gap", "--max-iterations", "--algorithm", "--top", "--theta",
  "--toll-factor", "--distance-factor", "--vcov", "--cluster", "--ssc", "--tol", "--where", "--offset", "--formula", "--format",
);
const command = fc.constantFrom(
  ["route", "portia", "alpha"],
  ["route", "-0.05,0.01", "gamma"],
  ["matrix", "--places", "portia,alpha,gamma"],
  ["places"],
  ["network", "stats"],
  ["assign", "--demand", demand, "--max-iterations", "5"],
  ["assign", "--tntp", tntp, "--max-iterations", "10"],
  ["gravity", "estimate", "--data", gravity, "--formula", "trade ~ log(dist) + rta | exporter"],
  ["network", "validate"],
  ["network", "export"],
);

describe("random command lines", () => {
  it("end with a catalogued exit status and at most one error line, never a stack trace or a non-number", async () => {
    await fc.assert(
      fc.asyncProperty(command, fc.array(fc.tuple(option, value), { maxLength: 3 }), async (cmd, opts) => {
        const args = ["--data", TESTBOT, ...cmd, ...opts.flat()];
        const r = await cli(args);
        const where = `${JSON.stringify(args)} → exit ${r.code}: ${r.err.slice(0, 300)}`;
        expect(r.err, where).not.toMatch(/\n\s+at |internal error/);
        expect([0, 1, 2], where).toContain(r.code);
        if (r.code !== 0) {
          expect(r.errorCode, where).not.toBeNull();
          expect(ERROR_CATALOGUE[r.errorCode as keyof typeof ERROR_CATALOGUE]?.exitCode, where).toBe(r.code);
        }
        expect(r.out, where).not.toMatch(/\bNaN\b|\bInfinity\b/);
      }),
      // FUZZ_SEED_OFFSET / FUZZ_SCALE deepen a local run, as in byteflip.test.ts
      { seed: 21 + (Number.parseInt(process.env.FUZZ_SEED_OFFSET ?? "0", 10) || 0), numRuns: 250 * Math.max(1, Number.parseInt(process.env.FUZZ_SCALE ?? "1", 10) || 1) },
    );
  });
});
