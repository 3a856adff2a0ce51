/**
 * The top-level commands of `caravan`, in the order `caravan --help` lists them, each with its line in that list and
 * the module that defines it. A module is imported only when its command runs, so start-up parses one command's
 * definitions and imports, not all of them; the command list (`caravan`, `caravan --help`, an unknown command with
 * its did-you-mean) is printed from the lines here, which test/cli/command-registry.test.ts holds equal to what the
 * modules define. The generated docs define every command from its module.
 */
import type { Command } from "commander";

/** A command module: `register` adds its one top-level command (and that command's subcommands) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

export interface CommandEntry {
  /** The name the command registers under (test/cli/command-registry.test.ts checks each module against it). */
  readonly name: string;
  /** Its line in the command list of `caravan --help`: the term (name, options, arguments) and the description. */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "demo",
    term: "demo",
    description: "routes between well-known corridor pairs (Xi'an→Duisburg with 3 alternatives, grain, INSTC, sea vs Suez closed, ...)",
    load: () => import("./commands/demo"),
  },
  {
    name: "route",
    term: "route [options] <from> <to>",
    description: "best route(s) between two places: time, cost, CO2, legs, border and transfer events, countries",
    load: () => import("./commands/route"),
  },
  {
    name: "matrix",
    term: "matrix [options]",
    description: "origin–destination matrix CSV (from,to,timeH,costUsd,co2Kg,distanceKm) of the best route of every pair (costUsd on --cost-basis)",
    load: () => import("./commands/matrix"),
  },
  {
    name: "places",
    term: "places [options] [query]",
    description: "list places, or those whose id, name, alias or UN/LOCODE contains QUERY (or the place QUERY resolves to)",
    load: () => import("./commands/places"),
  },
  {
    name: "network",
    term: "network",
    description: "inspect, validate and export the network dataset",
    load: () => import("./commands/network"),
  },
  {
    name: "assign",
    term: "assign [options]",
    description: "equilibrium flow assignment: a TNTP test network (--tntp DIR) or corridor demand on the network (--demand FILE)",
    load: () => import("./commands/assign"),
  },
  {
    name: "scenario",
    term: "scenario",
    description: "what-if scenarios: run a scenario file against its baseline, compare runs, sweep variants",
    load: () => import("./commands/scenario"),
  },
  {
    name: "calibrate",
    term: "calibrate [options]",
    description: "compare the model's corridor times and volumes with the observed figures of the dataset (share inside the observed ranges, MAPE, WAPE, GEH, worst fits)",
    load: () => import("./commands/calibrate"),
  },
  {
    name: "gravity",
    term: "gravity",
    description: "structural gravity: PPML-HDFE estimation, GE counterfactuals, trade data import, shipment times from the network",
    load: () => import("./commands/gravity"),
  },
  {
    name: "runs",
    term: "runs",
    description: "recorded runs in the store: list, show, export, remove, garbage-collect",
    load: () => import("./commands/runs"),
  },
  {
    name: "sweep",
    term: "sweep [options] [file]",
    description: "run a sweep of jobs (grid, combinations, Monte Carlo draws) on a Redis queue with workers anywhere, or on local threads; resumes when run again",
    load: () => import("./commands/sweep"),
  },
  {
    name: "worker",
    term: "worker [options]",
    description: "take sweep jobs from the Redis queue, compute them and store their results (run on any number of machines)",
    load: () => import("./commands/worker"),
  },
  {
    name: "appraise",
    term: "appraise [options]",
    description: "cost–benefit analysis: ENPV, EIRR, B/C, payback, switching values, sensitivity, Monte Carlo, portfolios (docs/appraisal.md)",
    load: () => import("./commands/appraise"),
  },
  {
    name: "study",
    term: "study",
    description: "end-to-end studies built on the whole pipeline (docs/belt-and-road.md)",
    load: () => import("./commands/study"),
  },
  {
    name: "serve",
    term: "serve [options]",
    description: "start the HTTP API and web app (http://127.0.0.1:8080/ by default; prints the URL; Ctrl+C stops it)",
    load: () => import("./commands/serve"),
  },
];

/** Global options of the program that take a value (given before the command: `caravan --data DIR route …`). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["--data"]);

/** What a command line needs defined: the modules to load, and whether the command list stands in for the others. */
export interface CommandSelection {
  readonly modules: readonly CommandEntry[];
  /** Define every other command by its line of the command list only (name, term, description). */
  readonly listing: boolean;
}

/**
 * What a command line needs defined: the module of the command it runs when its first operand (after the global
 * options) names one (`help NAME` too); nothing for `--version` before any command; the command list for no command,
 * `--help` and an unknown command (the list and the suggestions need the names only); every module otherwise (an
 * unknown option before the command: commander hands it to the command, whose options its message suggests).
 */
export function commandsFor(argv: readonly string[]): CommandSelection {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if ([...GLOBAL_OPTIONS_WITH_VALUE].some((name) => arg.startsWith(`${name}=`))) continue;
    if (arg === "-V" || arg === "--version") return { modules: [], listing: false };
    if (arg === "-h" || arg === "--help") return { modules: [], listing: true };
    if (arg.startsWith("-")) return { modules: COMMANDS, listing: false };
    const name = arg === "help" && i + 1 < argv.length ? argv[i + 1] : arg;
    const entry = COMMANDS.find((c) => c.name === name);
    return entry ? { modules: [entry], listing: false } : { modules: [], listing: true };
  }
  return { modules: [], listing: true };
}
