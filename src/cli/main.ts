/**
 * `caravan` — the command-line shell over the pipeline. It only parses arguments, calls the core and prints;
 * every command lives in src/cli/commands/ and registers itself here; a run loads only the module of the command
 * it runs (src/cli/command-registry.ts).
 */
import { Command, CommanderError, Option } from "commander";
import { isCaravanError } from "../core/errors";
import { embeddedDatasetDir, packageInfo } from "../core/package";
import { COMMANDS, type CommandEntry, commandsFor } from "./command-registry";
import { configureCliOutput, guardStdoutPipe } from "./io";
import { protectNegativeCoordinates } from "./options";

/**
 * The program with the given commands defined (default: all of them, as `caravan --help` and the generated docs
 * show it); each command's module is imported here, in the registry's order.
 */
export async function buildProgram(commands: readonly CommandEntry[] = COMMANDS): Promise<Command> {
  const modules = await Promise.all(commands.map((c) => c.load()));
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
  for (const m of modules) m.register(program);
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
