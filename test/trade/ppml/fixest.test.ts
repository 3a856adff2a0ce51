/**
 * Agreement with R's fixest on a seeded three-way panel (bench/gravity-panel.ts, 30 × 30 × 6 = 5,400 rows):
 * `fepois(trade ~ rta | exporter^year + importer^year + pair)` against `estimateGravity` on the same CSV file,
 * estimates to 1e-8 and standard errors to 1e-6 (relative), robust and clustered by pair, each with its default
 * small-sample rule. Runs where Rscript can load fixest (the library named by CARAVAN_R_LIBS or R_LIBS); skips with
 * a message otherwise.
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
});
