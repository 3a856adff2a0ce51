/**
 * The top-level commands of `caravan`, in the order `caravan --help` lists them, each with the module that defines
 * it. A module is imported only when its command runs (or when every command is needed: the command list of
 * `--help`, did-you-mean for an unknown command, the generated docs), so start-up parses one command's definitions
 * and imports, not all of them.
 */
import type { Command } from "commander";

/** A command module: `register` adds its one top-level command (and that command's subcommands) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

export interface CommandEntry {
  /** The name the command registers under (test/cli/command-registry.test.ts checks each module against it). */
  readonly name: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "demo", load: () => import("./commands/demo") },
  { name: "route", load: () => import("./commands/route") },
  { name: "matrix", load: () => import("./commands/matrix") },
  { name: "places", load: () => import("./commands/places") },
  { name: "network", load: () => import("./commands/network") },
  { name: "assign", load: () => import("./commands/assign") },
  { name: "scenario", load: () => import("./commands/scenario") },
  { name: "calibrate", load: () => import("./commands/calibrate") },
  { name: "gravity", load: () => import("./commands/gravity") },
  { name: "runs", load: () => import("./commands/runs") },
  { name: "sweep", load: () => import("./commands/sweep") },
  { name: "worker", load: () => import("./commands/worker") },
  { name: "appraise", load: () => import("./commands/appraise") },
  { name: "study", load: () => import("./commands/study") },
  { name: "serve", load: () => import("./commands/serve") },
];

/** Global options of the program that take a value (given before the command: `caravan --data DIR route …`). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["--data"]);

/**
 * The commands a command line needs defined: the one it runs when its first operand (after the global options)
 * names a command; none for `--version` before any command; every command otherwise (no command, `--help`, the
 * `help` command, an unknown command or option: the listing and the suggestions need them all).
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if ([...GLOBAL_OPTIONS_WITH_VALUE].some((name) => arg.startsWith(`${name}=`))) continue;
    if (arg === "-V" || arg === "--version") return [];
    if (arg.startsWith("-")) return COMMANDS;
    const entry = COMMANDS.find((c) => c.name === arg);
    return entry ? [entry] : COMMANDS;
  }
  return COMMANDS;
}
