/**
 * Agreement with R's fixest on a seeded three-way panel (bench/gravity-panel.ts, 30 × 30 × 6 = 5,400 rows):
 * `fepois(trade ~ rta | exporter^year + importer^year + pair)` against `estimateGravity` on the same CSV file,
 * estimates to 1e-8 and standard errors to 1e-6 (relative), robust and clustered by pair, each with its default
 * small-sample rule. And on fixest's own example data `trade` (38,325 rows, four fixed effects), where the variance
 * at fixest's last IRLS step differs from the one at the estimate by 4.4e-6: Caravan's default (`vcovAt` "last-irls")
 * against fixest's default to 1e-6 (robust, and clustered by Origin), and `vcovAt: "converged"` against fixest
 * converged further (glm.tol 1e-12).
 * Runs where Rscript can load fixest (the library named by CARAVAN_R_LIBS or R_LIBS); skips with a message otherwise.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gravityPanelCsv } from "../../../bench/gravity-panel";
import { estimateGravity } from "../../../src/trade/ppml/estimate";
import { readCsvTable } from "../../../src/trade/io/table";

const libs = process.env.CARAVAN_R_LIBS ?? process.env.R_LIBS;
const env = { ...process.env, ...(libs ? { R_LIBS: libs } : {}) };
const probe = spawnSync("Rscript", ["-e", "suppressPackageStartupMessages(library(fixest))"], { encoding: "utf8", env });
const present = !probe.error && probe.status === 0;
if (!present) console.warn("skipping the comparison with fixest: Rscript with fixest not found (set CARAVAN_R_LIBS to the R library holding fixest)");

const FORMULA = "trade ~ rta | exporter^year + importer^year + pair";

describe.skipIf(!present)("agreement with fixest", () => {
  it("estimates to 1e-8 and robust and pair-clustered standard errors to 1e-6", () => {
    const file = gravityPanelCsv({ exporters: 30, importers: 30, years: 6, seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), "caravan-fixest-"));
    const script = join(dir, "fit.R");
    writeFileSync(
      script,
      `suppressPackageStartupMessages({ library(fixest) })
setFixest_nthreads(1)
d <- read.csv(commandArgs(TRUE)[1])
m <- fepois(${FORMULA}, d, vcov = "hetero")
cat(sprintf("%.17g %.17g %.17g %d\\n", coef(m)[["rta"]], se(m)[["rta"]], se(summary(m, cluster = ~pair))[["rta"]], m$nobs))
`,
    );
    const r = spawnSync("Rscript", [script, file], { encoding: "utf8", env });
    expect(r.status, r.stderr).toBe(0);
    const [estimate, seHetero, seCluster, nobs] = r.stdout.trim().split(/\s+/).map(Number);
    const table = readCsvTable(file);
    const hetero = estimateGravity(table, FORMULA, { vcov: "hetero" });
    const cluster = estimateGravity(table, FORMULA, { cluster: ["pair"] });
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(hetero.observations).toBe(nobs);
    expect(rel(hetero.coefficients[0].estimate, estimate)).toBeLessThanOrEqual(1e-8);
    expect(rel(hetero.coefficients[0].se, seHetero)).toBeLessThanOrEqual(1e-6);
    expect(rel(cluster.coefficients[0].se, seCluster)).toBeLessThanOrEqual(1e-6);
  });

  it("fixest's trade data: the default variance equals fixest's default, the converged one fixest converged further", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-fixest-"));
    const csv = join(dir, "trade.csv");
    const script = join(dir, "trade.R");
    const formula = "Euros ~ log(dist_km) | Origin + Destination + Product + Year";
    writeFileSync(
      script,
      `suppressPackageStartupMessages({ library(fixest) })
setFixest_nthreads(1)
data(trade, package = "fixest")
write.csv(trade, commandArgs(TRUE)[1], row.names = FALSE)
m <- fepois(${formula}, trade, vcov = "hetero")
t <- fepois(${formula}, trade, vcov = "hetero", glm.tol = 1e-12, fixef.tol = 1e-10)
cat(sprintf("%.17g %.17g %.17g %.17g %d %.17g\\n", coef(m)[[1]], se(m)[[1]], coef(t)[[1]], se(t)[[1]], m$nobs, se(summary(m, cluster = ~Origin))[[1]]))
`,
    );
    const r = spawnSync("Rscript", [script, csv], { encoding: "utf8", env });
    expect(r.status, r.stderr).toBe(0);
    const [estimate, se, estimateTight, seTight, nobs, seCluster] = r.stdout.trim().split(/\s+/).map(Number);
    const table = readCsvTable(csv);
    const byDefault = estimateGravity(table, formula, { vcov: "hetero" });
    const converged = estimateGravity(table, formula, { vcov: "hetero", vcovAt: "converged" });
    const cluster = estimateGravity(table, formula, { cluster: ["Origin"] });
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(byDefault.observations).toBe(nobs);
    expect(byDefault.vcovAt).toBe("last-irls");
    expect(rel(byDefault.coefficients[0].estimate, estimateTight)).toBeLessThanOrEqual(1e-8);
    expect(rel(byDefault.coefficients[0].estimate, estimate)).toBeLessThanOrEqual(1e-8);
    expect(rel(byDefault.coefficients[0].se, se)).toBeLessThanOrEqual(1e-6);
    expect(rel(cluster.coefficients[0].se, seCluster)).toBeLessThanOrEqual(1e-6);
    expect(rel(converged.coefficients[0].se, seTight)).toBeLessThanOrEqual(1e-6);
    // the two references differ by more than the tolerance: the test tells the rules apart
    expect(rel(se, seTight)).toBeGreaterThan(2e-6);
  });
});
