import type { Command } from "commander";

/** Registers the `matrix` command (implementation in progress). */
export function register(_program: Command): void {}
