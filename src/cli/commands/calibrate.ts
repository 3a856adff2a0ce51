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
import { stdoutOf } from "../io";
import { numberOption } from "../options";

interface CalibrateFlags {
  observations?: string;
  demand?: string;
  top: string;
  json?: boolean;
  flows?: string;
  votSegments?: string;
  votSpread?: string;
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
    .option("--vot-spread <sigma>", "log-scale σ of that run's lognormal value of time (default 0.489, from Hummels & Schaur's 0.6–2.1 %/day)")
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
      const report = calibrate(net, files, { demandPath, demandLabel, top, flows, votSegments, ...(votSpread !== undefined ? { votSpread } : {}) });
      out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCalibrationReport(report));
    });
}
