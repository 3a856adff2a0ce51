/**
 * `caravan appraise`: cost–benefit analysis of yearly streams (--streams) or of a project of the library
 * (--project), docs/appraisal.md.
 */
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { appraiseStreams, formatCba, readStreamsCsv, sensitivityTable } from "../../appraisal/index";
import { stdoutOf } from "../io";

interface AppraiseFlags {
  streams?: string;
  project?: string;
  scenario?: string;
  package?: string;
  discountRate: string;
  json?: boolean;
  report?: string;
}

function rateOption(text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v)) throw new CaravanError("E_DISCOUNT_RATE_INVALID", `--discount-rate must be a number in % (got "${text}")`);
  if (v <= -100) throw new CaravanError("E_DISCOUNT_RATE_INVALID", `--discount-rate must be above -100 % (got ${v})`);
  return v;
}

export function register(program: Command): void {
  program
    .command("appraise")
    .description("cost–benefit analysis: ENPV, EIRR, B/C, payback, switching values, sensitivity (docs/appraisal.md)")
    .option("--streams <file.csv>", "yearly streams year,capitalCostUsd,operatingCostUsd,benefitsUsd[,...][,residualValueUsd]")
    .option("--discount-rate <pct>", "real discount rate in % (first year undiscounted)", "6")
    .option("--json", "print the result as JSON")
    .action((flags: AppraiseFlags, cmd: Command) => {
      const out = stdoutOf(cmd);
      const rate = rateOption(flags.discountRate);
      if (flags.streams === undefined) throw new CaravanError("E_USAGE", "give --streams FILE.csv (yearly streams to appraise)");
      const streams = readStreamsCsv(flags.streams);
      const result = appraiseStreams(streams, rate);
      const sensitivity = sensitivityTable(streams, rate);
      if (flags.json) {
        out(`${JSON.stringify({ source: flags.streams, benefitColumns: streams.benefitColumns, ...result, sensitivity }, null, 2)}\n`);
        return;
      }
      out(`appraisal of ${flags.streams} (benefit columns: ${streams.benefitColumns.join(", ")})\n`);
      out(formatCba(result, sensitivity));
    });
}
