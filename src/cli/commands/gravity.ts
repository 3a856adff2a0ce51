import type { Command } from "commander";

/** Registers the `gravity` command (implementation in progress). */
export function register(_program: Command): void {}
