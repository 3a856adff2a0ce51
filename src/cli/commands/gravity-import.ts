import type { Command } from "commander";

/** Registers `caravan gravity import` (implementation in progress). */
export function registerImport(_gravity: Command): void {}
