import type { Command } from "commander";

/** Registers the `route` command (implementation in progress). */
export function register(_program: Command): void {}
