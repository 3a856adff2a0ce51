import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import type { FixefKRule, SmallSampleRule, VcovPoint, VcovType } from "../../trade/ppml/estimate";
import type { Table } from "../../trade/io/table";
import { addStoreOptions, recordRun } from "../store-option";
import { requiredNumberOption } from "../options";

const VCOV_TYPES: readonly VcovType[] = ["iid", "hetero", "cluster"];
const SSC_RULES: readonly SmallSampleRule[] = ["fixest", "stata"];
const FIXEF_K_RULES: readonly FixefKRule[] = ["nested", "exact"];
const VCOV_POINTS: readonly VcovPoint[] = ["last-irls", "converged"];

interface EstimateOptions {
  data?: string;
  formula?: string;
  cluster?: string;
  vcov?: string;
  ssc: string;
  fixefK: string;
  vcovAt?: string;
  offset?: string;
  tol: string;
  where?: string;
  json?: boolean;
}

/** Keep the rows where every `column=value` condition holds (values compared as text; numbers as numbers). */
function filterRows(table: Table, where: string): Table {
  const conditions = where.split(",").map((c) => {
    const eq = c.indexOf("=");
    if (eq <= 0) throw new CaravanError("E_USAGE", `--where expects column=value[,column=value…], got "${c}"`);
    return { column: table.column(c.slice(0, eq).trim()), value: c.slice(eq + 1).trim() };
  });
  const keep = new Uint8Array(table.rowCount).fill(1);
  for (const { column, value } of conditions) {
    if (column.kind === "number") {
      const v = requiredNumberOption(`--where ${column.name}`, value, false, { min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
      for (let i = 0; i < table.rowCount; i++) if (column.values[i] !== v) keep[i] = 0;
    } else {
      for (let i = 0; i < table.rowCount; i++) if (column.values[i] !== value) keep[i] = 0;
    }
  }
  return table.selectRows(keep);
}

/** User + system seconds of a process.cpuUsage() difference. */
function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/** Registers `caravan gravity estimate`: PPML with high-dimensional fixed effects on a CSV or Parquet file. */
export function registerEstimate(gravity: Command): void {
  const estimate = gravity.command("estimate");
  estimate
    .description("PPML with high-dimensional fixed effects (formula: y ~ x1 + log(x2) | fe1 + fe2^fe3)")
    .option("--data <file>", "trade data: a CSV file with a header row, or a Parquet file (.parquet)")
    .option("--formula <formula>", 'model formula, e.g. "trade ~ log(dist) + rta | exporter^year + importer^year + pair"')
    .option("--cluster <vars>", "cluster variable(s): a column or an interaction a^b; comma-separated for multi-way")
    .option("--vcov <type>", "iid | hetero | cluster (default: cluster with --cluster, else hetero)")
    .option("--ssc <rule>", "small-sample correction: fixest | stata", "fixest")
    .option("--fixef-k <rule>", "fixed-effect parameters in K: nested (fixest's count: one redundancy per extra dimension) | exact (redundancies found in the data)", "nested")
    .option("--vcov-at <point>", "where the variance is evaluated: last-irls (fixest's rule: weights and working residuals of the last IRLS step) | converged (at the estimate); default: last-irls with --ssc fixest, converged with --ssc stata")
    .option("--offset <column>", "column added to the linear predictor with coefficient 1")
    .option("--tol <x>", "convergence tolerance on the relative deviance change", "1e-8")
    .option("--where <col=value>", "use only the rows where column = value (comma-separated conditions, all must hold)")
    .option("--json", "print the result as JSON")
    .action(async (_opts: EstimateOptions, command: Command) => {
      const [{ estimateGravity }, { formatPpmlReport, ppmlResultJson }, { readCsvTable }, { readParquetTable }, { coefficientRows }] = await Promise.all([
        import("../../trade/ppml/estimate"),
        import("../../trade/ppml/ppml-report"),
        import("../../trade/io/table"),
        import("../../trade/io/parquet-table"),
        import("../../store/stage-tables"),
      ]);
      const opts = command.optsWithGlobals<EstimateOptions>();
      // the subcommand's own --data (the root's --data is the network dataset directory)
      const data = command.getOptionValue("data") as string | undefined;
      if (!data) {
        throw new CaravanError("E_USAGE", "--data FILE is required (a CSV with a header row, or a .parquet file)");
      }
      if (!opts.formula) throw new CaravanError("E_USAGE", '--formula is required, e.g. "trade ~ log(dist) | exporter + importer"');
      if (opts.vcov !== undefined && !VCOV_TYPES.includes(opts.vcov as VcovType)) {
        throw new CaravanError("E_USAGE", `--vcov must be one of ${VCOV_TYPES.join(", ")}, not "${opts.vcov}"`);
      }
      if (!SSC_RULES.includes(opts.ssc as SmallSampleRule)) {
        throw new CaravanError("E_USAGE", `--ssc must be one of ${SSC_RULES.join(", ")}, not "${opts.ssc}"`);
      }
      if (!FIXEF_K_RULES.includes(opts.fixefK as FixefKRule)) {
        throw new CaravanError("E_USAGE", `--fixef-k must be one of ${FIXEF_K_RULES.join(", ")}, not "${opts.fixefK}"`);
      }
      if (opts.vcovAt !== undefined && !VCOV_POINTS.includes(opts.vcovAt as VcovPoint)) {
        throw new CaravanError("E_USAGE", `--vcov-at must be one of ${VCOV_POINTS.join(", ")}, not "${opts.vcovAt}"`);
      }
      const tol = requiredNumberOption("--tol", opts.tol);
      const cluster = opts.cluster
        ?.split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (opts.vcov === "cluster" && (cluster === undefined || cluster.length === 0)) {
        throw new CaravanError("E_USAGE", "--vcov cluster needs --cluster VAR");
      }
      const formula = opts.formula;
      const parameters = { formula: opts.formula, cluster: opts.cluster, vcov: opts.vcov, ssc: opts.ssc, fixefK: opts.fixefK, vcovAt: opts.vcovAt, offset: opts.offset, tol, where: opts.where, json: opts.json === true };
      await recordRun(command, { kind: "estimation", files: { data }, parameters }, async (run) => {
      const readStart = performance.now();
      const readCpu = process.cpuUsage();
      const read = /\.parquet$/i.test(data) ? await readParquetTable(data) : readCsvTable(data);
      const table = opts.where ? filterRows(read, opts.where) : read;
      const readS = (performance.now() - readStart) / 1e3;
      const readCpuS = cpuSeconds(process.cpuUsage(readCpu));
      const fitStart = performance.now();
      const fitCpu = process.cpuUsage();
      const result = estimateGravity(table, formula, {
        vcov: opts.vcov as VcovType | undefined,
        cluster: opts.vcov === "iid" || opts.vcov === "hetero" ? undefined : cluster,
        smallSample: opts.ssc as SmallSampleRule,
        fixefK: opts.fixefK as FixefKRule,
        vcovAt: opts.vcovAt as VcovPoint | undefined,
        offset: opts.offset,
        tol,
        // the report names the fixed effects and counts their levels; their estimates are not printed
        recoverFixedEffects: false,
      });
      const fitS = (performance.now() - fitStart) / 1e3;
      const fitCpuS = cpuSeconds(process.cpuUsage(fitCpu));
      if (result.standardErrorsUnavailable !== undefined) throw new CaravanError("E_ESTIMATION_FAILED", result.standardErrorsUnavailable);
      const json = ppmlResultJson(result);
      // seconds of this run, wall clock and CPU (user + system): reading (file parse + --where) and estimating
      // (sample rules, IRLS, variance)
      const timed = { ...json, timings: { readS, fitS, readCpuS, fitCpuS, iterations: result.iterations } };
      run.out(opts.json ? `${JSON.stringify(timed, null, 2)}\n` : formatPpmlReport(result));
      run.table("coefficients", coefficientRows(result.coefficients));
      run.summary(json);
      });
    });
  addStoreOptions(estimate);
}
