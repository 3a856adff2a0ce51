import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { estimatePpml } from "../../../src/trade/ppml/estimate";
import { countryResults, mrLevel, pairResults, solveBaseline, solveCounterfactual } from "../../../src/trade/ge/ge";
import { costTerms, economyOf, parseCoefficients, parseExperiment, phiForExperiment, phiFromTerms, readGravityPanel } from "../../../src/trade/ge/ge-data";
import { encodeFactor } from "../../../src/trade/io/table";

const dir = resolve(__dirname, "../../../../shared/gravity");
const file = resolve(dir, "gegravity_sample_data_set.csv");
const present = existsSync(file);
if (!present) console.warn(`skipping the gegravity validation: ${file} is absent (reference data lives beside the project in ../shared/gravity)`);

// Published PPML estimates of the gegravity example (../shared/gravity/SOURCES.md).
const PUBLISHED = "lndist=-0.3898623,contiguity=0.891577,common_language=0.0326249,pta=0.4711383,international=-3.412584,constant=16.32434";

describe.skipIf(!present)("gegravity sample (30 countries, 2006, σ = 5, reference importer DEU)", () => {
  const panel = present ? readGravityPanel(file) : (undefined as never);
  const terms = present ? costTerms(parseCoefficients(PUBLISHED)) : [];

  it("reproduces the published baseline OMR of the reference importer, 0.050346", () => {
    const economy = economyOf(panel, phiFromTerms(panel, terms), false);
    const base = solveBaseline(economy, { sigma: 5, referenceImporter: panel.countries.indexOf("DEU") });
    const deu = panel.countries.indexOf("DEU");
    expect(base.imrPow[deu]).toBe(1);
    expect(mrLevel(base.omrPow[deu], 5)).toBeCloseTo(0.050346, 6);
  });

  it("the CAN–JPN PTA changes t^(1-σ) on CAN→JPN by the published +60.181650 % (= e^0.4711383 − 1)", () => {
    const economy = economyOf(panel, phiFromTerms(panel, terms), false);
    const phiCf = phiForExperiment(panel, terms, parseExperiment("pta=1@CAN-JPN"));
    const result = solveCounterfactual(economy, phiCf, { sigma: 5, referenceImporter: panel.countries.indexOf("DEU") });
    const changed = pairResults(result, economy, true);
    expect(changed.map((p) => `${p.exporter}>${p.importer}`).sort()).toEqual(["CAN>JPN", "JPN>CAN"]);
    for (const p of changed) expect(p.phiChangePct).toBeCloseTo(60.18165, 5);
    // The partners gain market share from each other: bilateral trade up, and CAN's real GDP rises.
    for (const p of changed) expect(p.tradeChangePct).toBeGreaterThan(0);
    const can = countryResults(result).find((c) => c.country === "CAN")!;
    expect(can.realGdpChangePct).toBeGreaterThan(0);
    expect(result.diagnostics.maxResidual).toBeLessThan(1e-12);
  });

  it("GEPPML: PPML with exporter and importer fixed effects and offset ln t^(1-σ) fits the same flows as the MR solver", () => {
    // With outputs and expenditures equal to the sums of observed flows, the Poisson first-order conditions are the
    // MR equations, so the fitted values equal the solver's modelled baseline flows.
    const phi = phiFromTerms(panel, terms);
    const n = panel.countries.length;
    const y = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        y[i] += panel.tradeValue[i * n + j];
        e[j] += panel.tradeValue[i * n + j];
      }
    }
    const base = solveBaseline({ countries: panel.countries, outputValue: y, expenditureValue: e, phi }, { sigma: 5, referenceImporter: 0 });
    const rows = panel.table.rowCount;
    const offset = new Float64Array(rows);
    const yObs = new Float64Array(rows);
    for (let p = 0; p < n * n; p++) {
      offset[panel.rowOfPair[p]] = Math.log(phi[p]);
      yObs[panel.rowOfPair[p]] = panel.tradeValue[p];
    }
    const fit = estimatePpml(
      {
        y: yObs,
        offset,
        fixedEffects: [
          { name: "exporter", codes: encodeFactor(panel.table, "exporter").codes },
          { name: "importer", codes: encodeFactor(panel.table, "importer").codes },
        ],
      },
      { tol: 1e-12, recoverFixedEffects: false },
    );
    let worst = 0;
    for (let p = 0; p < n * n; p++) worst = Math.max(worst, Math.abs(fit.fitted[panel.rowOfPair[p]] / base.flowValue[p] - 1));
    expect(worst).toBeLessThan(1e-6);
  });

  it("caravan gravity counterfactual prints the experiment as JSON", async () => {
    let text = "";
    const code = await runCli(
      ["gravity", "counterfactual", "--no-store", "--data", file, "--coefficients", PUBLISHED, "--experiment", "pta=1@CAN-JPN", "--reference-importer", "DEU", "--json"],
      { out: (s) => (text += s), err: () => {} },
    );
    expect(code).toBe(0);
    const json = JSON.parse(text);
    expect(json.referenceImporter).toBe("DEU");
    expect(json.results).toHaveLength(30);
    const deu = json.results.find((r: { country: string }) => r.country === "DEU");
    expect(deu.omrBaseline).toBeCloseTo(0.050346, 6);
    expect(json.pairs).toHaveLength(2);
  });
});
