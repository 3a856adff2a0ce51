import type { Command } from "commander";
import { registerCounterfactual } from "./gravity-counterfactual";
import { registerEstimate } from "./gravity-estimate";
import { registerImport } from "./gravity-import";
import { registerPairTimes } from "./gravity-pair-times";

/** Registers `caravan gravity` and its subcommands (estimate, counterfactual, import, pair-times). */
export function register(program: Command): void {
  const gravity = program.command("gravity").description("structural gravity: PPML-HDFE estimation, GE counterfactuals, trade data import, shipment times from the network");
  registerEstimate(gravity);
  registerCounterfactual(gravity);
  registerImport(gravity);
  registerPairTimes(gravity);
}
