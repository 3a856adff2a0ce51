/**
 * `caravan calibrate [--observations FILE] [--demand FILE] [--flows FILE] [--vot-segments N] [--vot-spread S]
 * [--top N] [--json]`: the model's corridor times and volumes against the dataset's observed figures
 * (data/<dataset>/observations/*.yaml), with the share inside the observed ranges, MAPE of times, WAPE and GEH of
 * volumes and the worst fits, and the flows at validation points (data/<dataset>/validation/flows.yaml) for one value
 * of time and for a value-of-time distribution (docs/calibration.md).
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { stdoutOf } from "../io";
import { numberOption } from "../options";
import type { CorridorOptions } from "../../assignment/corridor";

interface CalibrateFlags {
  observations?: string;
  demand?: string;
  top: string;
  json?: boolean;
  flows?: string;
  votSegments?: string;
  votSpread?: string;
  votMedian?: string;
  costBasis?: string;
  rates?: string;
}

/** Registers `calibrate`. */
export function register(program: Command): void {
  program
    .command("calibrate")
    .description("compare the model's corridor times and volumes with the observed figures of the dataset (share inside the observed ranges, MAPE, WAPE, GEH, worst fits)")
    .option("--observations <file>", "an observations YAML file (default: every observations/*.yaml of the --data dataset)")
    .option("--demand <file>", "demand CSV for the volume observations (default: the observations file's `demand:`, relative to the dataset)")
    .option("--top <n>", "number of worst fits listed", "5")
    .option("--flows <file>", "flows validation file (default: validation/flows.yaml of the --data dataset, when present)")
    .option("--vot-segments <n>", "value-of-time segments of the flows section's second run (1: only the one-value-of-time run)", "5")
    .option("--vot-spread <sigma>", "log-scale σ of that run's lognormal value of time (default 0.489, from Hummels & Schaur's 0.6–2.1 %/day; 0.270 with --vot-median carrying-cost)")
    .option(
      "--vot-median <basis>",
      "value of time of the assignment runs (volumes and flows): profile (the cargo profile's, default) | carrying-cost (containers: the cargo value × 28.3 % a year; bulk keeps the profile's)",
    )
    .option("--cost-basis <basis>", "money cost of the assignment runs: cost (the cost model, default) | rates (the market rates spread over their lanes' runs)")
    .option("--rates <yyyy-mm>", "month of the rate layers for the assignment runs (default: the latest with data; implies --cost-basis rates)")
    .option("--json", "print the report as JSON")
    .action(async (flags: CalibrateFlags, command: Command) => {
      const out = stdoutOf(command);
      const top = numberOption("--top", flags.top, true) as number;
      if (!Number.isInteger(top) || top < 0) throw new CaravanError("E_USAGE", `--top must be a non-negative integer, got "${flags.top}"`);
      const dataDir = (command.optsWithGlobals() as { data: string }).data;
      const [{ openNetwork }, { readDatasetObservations, readObservationsFile }, { calibrate, formatCalibrationReport, readFlowsFile }, { existsSync }] = await Promise.all([
        import("../../network/open"),
        import("../../network/observations"),
        import("../../calibration/index"),
        import("node:fs"),
      ]);
      if (flags.observations !== undefined && !existsSync(flags.observations)) throw new CaravanError("E_FILE_NOT_FOUND", `observations file not found: ${flags.observations}`);
      if (flags.demand !== undefined && !existsSync(flags.demand)) throw new CaravanError("E_FILE_NOT_FOUND", `demand file not found: ${flags.demand}`);
      const files = flags.observations !== undefined ? [readObservationsFile(flags.observations)] : readDatasetObservations(dataDir);
      // the observations' `demand:` is relative to the dataset folder
      const declared = files.map((f) => f.demand).find((d) => d !== null) ?? null;
      const demandPath = flags.demand ?? (declared === null ? null : isAbsolute(declared) ? declared : join(resolve(dataDir), declared));
      if (flags.demand === undefined && demandPath !== null && !existsSync(demandPath)) {
        throw new CaravanError("E_FILE_NOT_FOUND", `demand file of ${files[0].file} not found: ${declared} (relative to the dataset ${dataDir})`);
      }
      const net = openNetwork(dataDir);
      const demandLabel = flags.demand ?? (declared === null ? undefined : `${declared} (in ${relative(process.cwd(), resolve(dataDir)) || "."})`);
      const votSegments = numberOption("--vot-segments", flags.votSegments, true) as number;
      const votSpread = numberOption("--vot-spread", flags.votSpread, false);
      if (flags.flows !== undefined && !existsSync(flags.flows)) throw new CaravanError("E_FILE_NOT_FOUND", `flows file not found: ${flags.flows}`);
      const defaultFlows = join(dataDir, "validation", "flows.yaml");
      const flowsPath = flags.flows ?? (existsSync(defaultFlows) ? defaultFlows : null);
      const flows = flowsPath === null ? null : readFlowsFile(flowsPath, flags.flows ?? relative(resolve(dataDir), resolve(defaultFlows)));
      const votMedian = flags.votMedian === undefined ? undefined : flags.votMedian.trim().toLowerCase();
      if (votMedian !== undefined && votMedian !== "profile" && votMedian !== "carrying-cost") {
        throw new CaravanError("E_USAGE", `--vot-median must be profile or carrying-cost, got "${flags.votMedian}"`, { didYouMean: suggest(votMedian, ["profile", "carrying-cost"]) });
      }
      // on the rates basis the assignment runs' money costs are the lanes' rates spread over their runs' arcs (as in assign)
      const costBasis = flags.costBasis ?? (flags.rates !== undefined ? "rates" : "cost");
      let arcCostUsd: NonNullable<CorridorOptions["arcCostUsd"]> | undefined;
      let ratesMonth: string | null = null;
      if (costBasis !== "cost" || flags.rates !== undefined) {
        const [{ ratesRequestOf }, { RoutingContext }, { ratedArcCostUsd }, { formatMonth, ratesMonthOf }] = await Promise.all([
          import("../../routing/query-choices"),
          import("../../routing/context"),
          import("../../routing/rates-arc-cost"),
          import("../../routing/rates"),
        ]);
        const request = ratesRequestOf(dataDir, net, { costBasis, rates: flags.rates }, { rates: "--rates", costBasisIs: (v) => `--cost-basis ${v}` });
        if (request.basis === "rates" && request.layer !== null) {
          const ctx = new RoutingContext(net);
          arcCostUsd = (o, columns) => ratedArcCostUsd(ctx, o, columns, request).costUsd;
          ratesMonth = formatMonth(ratesMonthOf(request.layer, request.month));
        }
      }
      const corridor = { ...(votMedian !== undefined ? { votMedian: votMedian as "profile" | "carrying-cost" } : {}), ...(arcCostUsd !== undefined ? { arcCostUsd } : {}) };
      const report = calibrate(net, files, { demandPath, demandLabel, top, flows, votSegments, ...(votSpread !== undefined ? { votSpread } : {}), corridor });
      const basis = { votMedian: votMedian ?? "profile", costBasis: ratesMonth === null ? "cost" : "rates", ratesMonth };
      const basisLine = `assignment runs: value of time ${basis.votMedian === "profile" ? "the cargo profile's" : "the carrying cost (28.3 % of the cargo value a year)"}; money cost ${ratesMonth === null ? "the cost model" : `the rate layers of ${ratesMonth} (rule rates-arc-spread; bulk on the cost model)`}\n`;
      out(flags.json ? `${JSON.stringify({ ...report, assignmentBasis: basis }, null, 2)}\n` : `${formatCalibrationReport(report)}${basis.votMedian === "profile" && ratesMonth === null ? "" : basisLine}`);
    });
}
