import type { Command } from "commander";

/** Registers `caravan gravity counterfactual` (implementation in progress). */
export function registerCounterfactual(_gravity: Command): void {}
