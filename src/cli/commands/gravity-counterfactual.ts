import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { countryResults, GE_DEFAULT_TOLERANCE, GE_IMBALANCE_RULES, type GeEconomy, type GeImbalanceRule, pairResults, solveCounterfactual } from "../../trade/ge/ge";
import type { CostChanges, GravityColumns } from "../../trade/ge/ge-data";
import { DEFAULT_SIGMA } from "../../trade/ge/time-cost";
import { addStoreOptions, recordRun } from "../store-option";
import { numberOption, requiredNumberOption } from "../options";

interface CounterfactualOptions {
  data?: string;
  year?: string;
  columns?: string;
  baselineFormula?: string;
  coefficients?: string;
  experiment?: string;
  costChanges?: string;
  timeChanges?: string;
  timeCosts?: string;
  pctPerDay?: string;
  sectorWeights?: string;
  sigma: string;
  referenceImporter?: string;
  tolerance: string;
  pairs?: boolean;
  json?: boolean;
  imbalances: string;
}

/**
 * `--data` is also an option of the root program (the network dataset) and commander gives it to the root wherever
 * it appears: take it from there when it was typed on the command line.
 */
export function dataOption(own: string | undefined): string {
  if (own !== undefined) return own;
  throw new CaravanError("E_USAGE", "--data <file> is required (the gravity data CSV)");
}

function parseColumns(spec: string | undefined, DEFAULT_GRAVITY_COLUMNS: GravityColumns): GravityColumns {
  if (!spec) return DEFAULT_GRAVITY_COLUMNS;
  const out: Record<string, string> = { ...DEFAULT_GRAVITY_COLUMNS };
  for (const part of spec.split(",")) {
    const [key, value] = part.split("=").map((s) => s.trim());
    if (!value || !(key in DEFAULT_GRAVITY_COLUMNS)) {
      throw new CaravanError("E_USAGE", `--columns: "${part}" is not role=column with role one of ${Object.keys(DEFAULT_GRAVITY_COLUMNS).join(", ")}`, {
        didYouMean: suggest(key ?? "", Object.keys(DEFAULT_GRAVITY_COLUMNS)),
      });
    }
    out[key] = value;
  }
  return out as unknown as GravityColumns;
}

/** A numeric option under its documented range (src/core/numbers.ts). */
function positiveNumber(text: string, option: string): number {
  return requiredNumberOption(option, text);
}

const f4 = (x: number): string => (Math.abs(x) < 5e-5 ? "0.0000" : x.toFixed(4));

/** Registers `caravan gravity counterfactual`: GE effects of a trade-cost change (docs/trade-ge.md). */
export function registerCounterfactual(gravity: Command): void {
  const counterfactual = gravity.command("counterfactual")
    .description("general-equilibrium effects of a change in trade costs (baseline, conditional and full-endowment stages)")
    .option("--data <file>", "gravity data CSV: exporter,importer,trade[,Y,E,year,cost variables...], every pair incl. domestic")
    .option("--year <year>", "year to use when the data holds several")
    .option("--columns <map>", "column names, e.g. exporter=isoexp,importer=isoimp,trade=trade,output=Y,expenditure=E")
    .option("--baseline-formula <formula>", "cost function, e.g. 'trade ~ lndist + contiguity + pta | exporter + importer' (estimated by PPML unless --coefficients)")
    .option("--coefficients <spec|file>", "cost coefficients: name=value,... or a CSV variable,coefficient (name 'constant' = intercept)")
    .option("--experiment <spec>", "change cost variables: variable=value@PAIRS[;...], PAIRS as A-B (both ways), A>B, * = any (e.g. pta=1@CAN-JPN)")
    .option("--cost-changes <file>", "CSV exporter,importer,tradeCostChangePct: ad valorem changes of trade costs")
    .option("--time-changes <file>", "CSV exporter,importer,baselineTimeH,scenarioTimeH[,sector]: shipment-time changes")
    .option("--time-costs <file>", "CSV sector,adValoremPctPerDay (default data/trade/time-cost-per-day.csv)")
    .option("--pct-per-day <x>", "one ad valorem % per day of shipment time for every sector")
    .option("--sector-weights <file>", "baseline pair×sector trade (gravity import output) to combine sector cost changes")
    .option("--sigma <σ>", "elasticity of substitution (Head & Mayer 2014; Yotov et al. 2016)", String(DEFAULT_SIGMA))
    .option("--reference-importer <iso3>", "country whose inward multilateral resistance is 1 (default: largest expenditure)")
    .option("--tolerance <x>", "max |ln(lhs/rhs)| of every equation at the solution", String(GE_DEFAULT_TOLERANCE))
    .option("--imbalances <rule>", "trade imbalances: multiplicative (E/Y held) | additive (nominal deficits held, world output numeraire, as GEGravity)", "multiplicative")
    .option("--pairs", "list every pair, not only those whose costs change")
    .option("--json", "print JSON")
    .action(async (opts: CounterfactualOptions, cmd: Command) => {
      // estimation and data loading load with the command, not when the program is defined (fast --help)
      const [{ estimateGravity }, { parseFormula }, geData, { readPairTimes, readSectorWeights, readTimeCostTable, timeChangesToCostChanges }] = await Promise.all([
        import("../../trade/ppml/estimate"),
        import("../../trade/ppml/formula"),
        import("../../trade/ge/ge-data"),
        import("../../trade/ge/time-cost"),
      ]);
      const { costTerms, defaultReferenceImporter, economyOf, parseCoefficients, parseExperiment, phiCalibrated, phiForExperiment, phiFromTerms, phiWithCostChanges, readCostChanges, readGravityPanel } =
        geData;
      const dataFile = dataOption(opts.data);
      const sigma = positiveNumber(opts.sigma, "--sigma");
      if (!(sigma > 1)) throw new CaravanError("E_USAGE", `--sigma must be greater than 1 (got ${sigma})`);
      const tolerance = positiveNumber(opts.tolerance, "--tolerance");
      const shocks = [opts.experiment, opts.costChanges, opts.timeChanges].filter((x) => x !== undefined).length;
      if (shocks !== 1) throw new CaravanError("E_USAGE", "give exactly one of --experiment, --cost-changes, --time-changes");

      const panel = readGravityPanel(dataFile, parseColumns(opts.columns, geData.DEFAULT_GRAVITY_COLUMNS), opts.year);
      const formula = opts.baselineFormula ? parseFormula(opts.baselineFormula) : undefined;
      let costSource: string;
      let terms = undefined as ReturnType<typeof costTerms> | undefined;
      if (opts.coefficients) {
        terms = costTerms(parseCoefficients(opts.coefficients), formula);
        costSource = `coefficients (${terms.map((t) => `${t.label}=${t.beta}`).join(", ")})`;
      } else if (formula) {
        if (formula.fixedEffects.length === 0) {
          throw new CaravanError("E_FORMULA_INVALID", "the baseline formula needs exporter and importer fixed effects (… | exporter + importer)");
        }
        const fit = estimateGravity(panel.table, formula.text);
        const coefficients = new Map(fit.coefficients.map((c) => [c.name, c.estimate]));
        if (fit.constant) coefficients.set("constant", fit.constant.estimate);
        terms = costTerms(coefficients, formula);
        costSource = `PPML estimate of ${formula.text} (${fit.observations} obs.; ${terms.map((t) => `${t.label}=${t.beta.toPrecision(7)}`).join(", ")})`;
      } else {
        costSource = "calibrated to observed flows (baseline MRs = 1)";
      }
      const calibrated = terms === undefined;
      const phi = terms ? phiFromTerms(panel, terms) : phiCalibrated(panel);
      const economy: GeEconomy = economyOf(panel, phi, calibrated);

      let phiCf: Float64Array;
      let shockLabel: string;
      if (opts.experiment) {
        if (!terms) throw new CaravanError("E_USAGE", "--experiment changes cost variables: give --coefficients or --baseline-formula");
        phiCf = phiForExperiment(panel, terms, parseExperiment(opts.experiment));
        shockLabel = `experiment ${opts.experiment}`;
      } else {
        let changes: CostChanges;
        if (opts.costChanges) {
          changes = readCostChanges(opts.costChanges);
          shockLabel = `cost changes from ${opts.costChanges}`;
        } else {
          const times = readPairTimes(opts.timeChanges!);
          const pctPerDay = numberOption("--pct-per-day", opts.pctPerDay);
          changes = timeChangesToCostChanges(times, {
            sigma,
            pctPerDay,
            table: readTimeCostTable(opts.timeCosts),
            weights: opts.sectorWeights ? readSectorWeights(opts.sectorWeights) : undefined,
          });
          shockLabel = `shipment-time changes from ${opts.timeChanges}`;
        }
        phiCf = phiWithCostChanges(panel.countries, phi, changes, sigma, opts.costChanges ?? opts.timeChanges);
      }

      let ref: number;
      if (opts.referenceImporter) {
        ref = panel.countries.indexOf(opts.referenceImporter);
        if (ref < 0) {
          throw new CaravanError("E_COUNTRY_UNKNOWN", `reference importer ${opts.referenceImporter} is not in ${dataFile}`, { didYouMean: suggest(opts.referenceImporter, panel.countries) });
        }
      } else {
        ref = defaultReferenceImporter(economy);
      }
      const imbalances = opts.imbalances as GeImbalanceRule;
      if (!(GE_IMBALANCE_RULES as readonly string[]).includes(imbalances)) {
        throw new CaravanError("E_USAGE", `--imbalances must be ${GE_IMBALANCE_RULES.join(" or ")} (got "${opts.imbalances}")`, { didYouMean: suggest(opts.imbalances, GE_IMBALANCE_RULES) });
      }
      const { existsSync } = await import("node:fs");
      const { DEFAULT_TIME_COST_FILE } = await import("../../trade/ge/time-cost");
      const { geRows } = await import("../../store/stage-tables");
      const files = {
        data: dataFile,
        coefficients: opts.coefficients !== undefined && existsSync(opts.coefficients) ? opts.coefficients : undefined,
        costChanges: opts.costChanges,
        timeChanges: opts.timeChanges,
        timeCosts: opts.timeChanges !== undefined ? (opts.timeCosts ?? DEFAULT_TIME_COST_FILE) : undefined,
        sectorWeights: opts.sectorWeights,
      };
      const parameters = {
        year: opts.year,
        columns: opts.columns,
        baselineFormula: opts.baselineFormula,
        coefficients: files.coefficients === undefined ? opts.coefficients : undefined,
        experiment: opts.experiment,
        pctPerDay: opts.pctPerDay,
        sigma,
        referenceImporter: opts.referenceImporter,
        tolerance,
        imbalances,
        pairs: opts.pairs === true,
        json: opts.json === true,
      };
      await recordRun(cmd, { kind: "counterfactual", files, parameters }, (run) => {
      const out = run.out;
      const result = solveCounterfactual(economy, phiCf, { sigma, referenceImporter: ref, tolerance, imbalances });
      const countries = countryResults(result);
      const pairs = pairResults(result, economy, !opts.pairs);
      const d = result.diagnostics;
      run.table("ge_results", geRows(countries, pairs));
      run.summary({ data: dataFile, countries: panel.countries.length, sigma, referenceImporter: panel.countries[ref], imbalances, costs: costSource, shock: shockLabel, diagnostics: d });
      if (opts.json) {
        out(
          `${JSON.stringify(
            {
              data: dataFile,
              countries: panel.countries.length,
              sigma,
              referenceImporter: panel.countries[ref],
              imbalances,
              costs: costSource,
              shock: shockLabel,
              diagnostics: d,
              results: countries,
              pairs,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const lines: string[] = [];
      lines.push(`GE counterfactual: ${dataFile}, ${panel.countries.length} countries, σ = ${sigma}, reference importer ${panel.countries[ref]}, ${imbalances} imbalances`);
      lines.push(`baseline costs: ${costSource}`);
      lines.push(`shock: ${shockLabel}`);
      lines.push(
        `solved: baseline ${d.baselineSweeps} sweeps, conditional ${d.conditionalSweeps}, full endowment ${d.priceIterations} price iterations; ` +
          `max residual ${d.maxResidual.toExponential(1)} (tolerance ${d.tolerance})`,
      );
      lines.push("");
      lines.push("changes in % (full endowment; exports/imports exclude domestic flows; OMR/IMR are multilateral resistances)");
      const head = ["country", "exports", "imports", "OMR", "IMR", "prodPrice", "realGDP", "welfare", "baseOMR", "baseIMR"];
      const rows = countries.map((c) => [
        c.country,
        f4(c.exportsChangePct),
        f4(c.importsChangePct),
        f4(c.omrChangePct),
        f4(c.imrChangePct),
        f4(c.producerPriceChangePct),
        f4(c.realGdpChangePct),
        f4(c.welfareChangePct),
        c.omrBaseline.toPrecision(6),
        c.imrBaseline.toPrecision(6),
      ]);
      lines.push(...table([head, ...rows]));
      lines.push("");
      lines.push(opts.pairs ? "pairs (trade change in %):" : "pairs whose trade costs change (trade change in %):");
      const pairHead = ["exporter", "importer", "costChange", "t^(1-σ)", "baseTrade", "conditional", "full"];
      const pairRows = pairs.map((p) => [
        p.exporter,
        p.importer,
        f4(p.tradeCostChangePct),
        f4(p.phiChangePct),
        p.baselineFlowValue.toPrecision(6),
        f4(p.tradeConditionalChangePct),
        f4(p.tradeChangePct),
      ]);
      lines.push(...table([pairHead, ...pairRows]));
      out(`${lines.join("\n")}\n`);
      });
    });
  addStoreOptions(counterfactual);
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows.map((r) => r.map((cell, k) => (k === 0 || (k === 1 && r.length === 7) ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join("  "));
}
