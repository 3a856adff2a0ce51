import type { Command } from "commander";

/** Registers the `places` command (implementation in progress). */
export function register(_program: Command): void {}
