import type { Command } from "commander";

/** Registers the `demo` command (implementation in progress). */
export function register(_program: Command): void {}
