import type { Command } from "commander";

/** Registers the `network` command (implementation in progress). */
export function register(_program: Command): void {}
