/**
 * `caravan calibrate [--observations FILE] [--demand FILE] [--top N] [--json]`: the model's corridor times and
 * volumes against the dataset's observed figures (data/<dataset>/observations/*.yaml), with the share inside the
 * observed ranges, MAPE of times, WAPE and GEH of volumes and the worst fits (docs/calibration.md).
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
}

/** Registers `calibrate`. */
export function register(program: Command): void {
  program
    .command("calibrate")
    .description("compare the model's corridor times and volumes with the observed figures of the dataset (share inside the observed ranges, MAPE, WAPE, GEH, worst fits)")
    .option("--observations <file>", "an observations YAML file (default: every observations/*.yaml of the --data dataset)")
    .option("--demand <file>", "demand CSV for the volume observations (default: the observations file's `demand:`, relative to the dataset)")
    .option("--top <n>", "number of worst fits listed", "5")
    .option("--json", "print the report as JSON")
    .action(async (flags: CalibrateFlags, command: Command) => {
      const out = stdoutOf(command);
      const top = numberOption("--top", flags.top, true) as number;
      if (!Number.isInteger(top) || top < 0) throw new CaravanError("E_USAGE", `--top must be a non-negative integer, got "${flags.top}"`);
      const dataDir = (command.optsWithGlobals() as { data: string }).data;
      const [{ openNetwork }, { readDatasetObservations, readObservationsFile }, { calibrate, formatCalibrationReport }, { existsSync }] = await Promise.all([
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
      const report = calibrate(net, files, { demandPath, demandLabel, top });
      out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCalibrationReport(report));
    });
}
