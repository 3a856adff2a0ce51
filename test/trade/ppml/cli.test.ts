import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  // the run store is tested in test/store; here nothing is recorded (no caravan.db in the working folder)
  const code = await runCli([...args, "--no-store"], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

//  exporter A, B, C × importer X, Y, Z (diagonal dropped); trade falls with dist
const dir = mkdtempSync(join(tmpdir(), "caravan-ppml-cli-"));
const csv = join(dir, "trade.csv");
writeFileSync(
  csv,
  [
    "exporter,importer,trade,dist,rta",
    "A,X,100,1,1",
    "A,Y,40,2,0",
    "A,Z,9,4,0",
    "B,X,55,2,1",
    "B,Y,70,1,1",
    "B,Z,20,3,0",
    "C,X,8,4,0",
    "C,Y,30,2,1",
    "C,Z,60,1,0",
    "",
  ].join("\n"),
);

describe("caravan gravity estimate", () => {
  it("prints a coefficient table with estimate, std. error, z and p", async () => {
    const r = await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) + rta | exporter + importer"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Estimate\s+Std\. Error\s+z value\s+Pr\(>\|z\|\)/);
    expect(r.out).toMatch(/^log\(dist\)\s+-/m);
    expect(r.out).toMatch(/Observations: 9 of 9/);
    expect(r.out).toMatch(/Pseudo R2/);
  });

  it("--json gives coefficients, observations, dropped, iterations, logLik and pseudoR2", async () => {
    const r = await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) | exporter + importer", "--cluster", "exporter", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.coefficients[0]).toMatchObject({ name: "log(dist)" });
    expect(json.coefficients[0].estimate).toBeLessThan(0);
    expect(json.coefficients[0].se).toBeGreaterThan(0);
    expect(json).toMatchObject({ observations: 9, dropped: { separated: 0, singletons: 0 }, vcov: { type: "cluster" } });
    expect(json.iterations).toBeGreaterThan(0);
    expect(json.logLik).toBeLessThan(0);
    expect(json.pseudoR2).toBeGreaterThan(0);
  });

  it("--fixef-k nested (default, fixest's count) and exact give K 4 and 3 here; --json reports timings", async () => {
    const args = ["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) | exporter + importer", "--cluster", "exporter", "--json"];
    const nested = JSON.parse((await run(args)).out);
    const exact = JSON.parse((await run([...args, "--fixef-k", "exact"])).out);
    // nested: 1 + (3 + 3 − 1) − (3 − 1) for the exporter dimension nested in the cluster; exact: 1 + (3 − 1)
    expect(nested.parameterCount).toBe(4);
    expect(nested.vcov.fixefK).toBe("nested");
    expect(exact.parameterCount).toBe(3);
    expect(exact.vcov.fixefK).toBe("exact");
    expect(nested.coefficients[0].estimate).toBe(exact.coefficients[0].estimate);
    // (n − 1)/(n − K) with n = 9: the variances differ by (9 − 3)/(9 − 4)
    expect(nested.coefficients[0].se ** 2 / exact.coefficients[0].se ** 2).toBeCloseTo(6 / 5, 12);
    expect(nested.timings.iterations).toBe(nested.iterations);
    expect(nested.timings.readS).toBeGreaterThanOrEqual(0);
    expect(nested.timings.fitS).toBeGreaterThan(0);
    const bad = await run([...args, "--fixef-k", "full"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/E_USAGE: --fixef-k must be one of nested, exact/);
  });

  it("--vcov-at: last-irls by default (fixest's point), converged on request, same estimate; reported in --json", async () => {
    const args = ["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) | exporter + importer", "--vcov", "hetero", "--tol", "1e-4", "--json"];
    const byDefault = JSON.parse((await run(args)).out);
    const converged = JSON.parse((await run([...args, "--vcov-at", "converged"])).out);
    const stata = JSON.parse((await run([...args, "--ssc", "stata"])).out);
    expect(byDefault.vcov.at).toBe("last-irls");
    expect(converged.vcov.at).toBe("converged");
    expect(stata.vcov.at).toBe("converged");
    expect(converged.coefficients[0].estimate).toBe(byDefault.coefficients[0].estimate);
    expect(converged.coefficients[0].se).not.toBe(byDefault.coefficients[0].se);
    const bad = await run([...args, "--vcov-at", "estimate"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/E_USAGE: --vcov-at must be one of last-irls, converged/);
  });

  it("an unknown column in the formula is E_FORMULA_INVALID (exit 2) with a suggestion", async () => {
    const r = await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(distance) | exporter"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_FORMULA_INVALID/);
    expect(r.err).toMatch(/did you mean: dist/);
  });

  it("usage errors exit 2: no --data, bad --vcov, --vcov cluster without --cluster", async () => {
    expect((await run(["gravity", "estimate", "--formula", "y ~ x"])).code).toBe(2);
    expect((await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ dist", "--vcov", "robust"])).code).toBe(2);
    expect((await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ dist", "--vcov", "cluster"])).code).toBe(2);
  });

  it("a missing data file exits 1 with E_FILE_NOT_FOUND", async () => {
    const r = await run(["gravity", "estimate", "--data", join(dir, "nope.csv"), "--formula", "trade ~ dist"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/E_FILE_NOT_FOUND/);
  });
});
