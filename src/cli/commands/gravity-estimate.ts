import type { Command } from "commander";

/** Registers `caravan gravity estimate` (implementation in progress). */
export function registerEstimate(_gravity: Command): void {}
