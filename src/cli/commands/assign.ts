import type { Command } from "commander";

/** Registers the `assign` command (implementation in progress). */
export function register(_program: Command): void {}
