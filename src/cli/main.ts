/**
 * `caravan` — the command-line shell over the pipeline. It only parses arguments, calls the core and prints;
 * every command lives in src/cli/commands/ and registers itself here; a run loads only the module of the command
 * it runs (src/cli/command-registry.ts).
 */
import { Command, CommanderError, Help, Option } from "commander";
import { isCaravanError } from "../core/errors";
import { embeddedDatasetDir, packageInfo } from "../core/package";
import { COMMANDS, type CommandSelection, commandsFor } from "./command-registry";
import { configureCliOutput, guardStdoutPipe } from "./io";
import { protectNegativeCoordinates } from "./options";

/**
 * The program with the selected commands defined (default: every command from its module, as the generated docs
 * show them); with `listing`, every other command is defined by its line of the command list only. Commands are
 * defined in the registry's order.
 */
export async function buildProgram(selection: CommandSelection = { modules: COMMANDS, listing: false }): Promise<Command> {
  const modules = new Map(await Promise.all(selection.modules.map(async (c) => [c.name, await c.load()] as const)));
  const program = new Command();
  program
    .name("caravan")
    .description("Eurasian freight corridors: network, routing, flow assignment, trade impact")
    .version(packageInfo().version, "-V, --version", "print the version")
    .addOption(
      new Option("--data <dir>", "network dataset directory, relative to the current folder (give it before the command: caravan --data DIR route ...)").default(
        embeddedDatasetDir(),
        "the embedded Eurasia dataset, data/eurasia of the package",
      ),
    )
    // Global options are read only before the subcommand, so a subcommand may have its own --data (gravity estimate).
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const listed = new Map<Command, string>();
  for (const entry of COMMANDS) {
    const module = modules.get(entry.name);
    if (module !== undefined) module.register(program);
    else if (selection.listing) listed.set(program.command(entry.name).description(entry.description), entry.term);
  }
  if (listed.size > 0) {
    program.configureHelp({
      subcommandTerm(cmd: Command): string {
        return listed.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  }
  return program;
}

/** Run the CLI; returns the exit status. User errors print one line (no stack trace). */
export async function runCli(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void } = defaultIo): Promise<number> {
  const args = protectNegativeCoordinates(argv);
  try {
    const program = await buildProgram(commandsFor(args));
    configureCliOutput(program, io);
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with 0; usage errors were already printed by commander
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isCaravanError(error)) {
      let line = `caravan: ${error.code}: ${error.message}`;
      if (error.didYouMean && error.didYouMean.length > 0) line += `\n  did you mean: ${error.didYouMean.join(", ")}?`;
      io.err(`${line}\n`);
      return error.exitCode;
    }
    io.err(`caravan: internal error (please report): ${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

const defaultIo = {
  out: (s: string) => process.stdout.write(s),
  err: (s: string) => process.stderr.write(s),
};

/**
 * The program as a process (bin/caravan.js calls this in the built dist/cli/main.js): guards standard output, runs
 * the command and sets the exit status. SIGINT and SIGTERM keep their immediate effect (the shell sees 130/143)
 * except inside an atomic write or a worker pool, which hold them until the work is safe to drop
 * (src/core/signals.ts): a stopped run leaves no temporary file, no half-written output and no thread behind.
 */
export async function main(argv: readonly string[]): Promise<void> {
  guardStdoutPipe();
  process.exitCode = await runCli(argv);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/src/cli/main.ts")) {
  void main(process.argv.slice(2));
}
