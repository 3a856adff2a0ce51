/**
 * Output helpers of the CLI: the standard-output writer every command prints through, and the guard that ends the
 * process quietly when the reader of standard output goes away (`caravan matrix --all-cities | head -1`).
 */
import type { Command } from "commander";

let pipeGuarded = false;

/**
 * Make a closed standard output (EPIPE: the reading end of a pipe was closed) end the process quietly with exit 0
 * instead of an unhandled 'error' event and a stack trace. Any other stdout error is reported on one line with
 * E_FILE_WRITE's exit status. Idempotent.
 */
export function guardStdoutPipe(stream: NodeJS.WriteStream = process.stdout): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") process.exit(0);
    process.stderr.write(`caravan: E_FILE_WRITE: cannot write to standard output: ${error.message}\n`);
    process.exit(1);
  });
}

guardStdoutPipe();

/**
 * Route the output of the program and of every subcommand through `io` (commander copies output settings to a
 * subcommand only when it is created, so setting them on the root alone would leave subcommands printing to the
 * process), and print commander's own usage errors (unknown option, missing argument, …) in the one-line form of
 * every user error: `caravan: E_USAGE: message (run with --help for usage)`.
 */
export function configureCliOutput(program: Command, io: { out: (s: string) => void; err: (s: string) => void }): void {
  const visit = (cmd: Command): void => {
    cmd.configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (text, write) => write(`caravan: E_USAGE: ${text.replace(/^error: /, "").replace(/\s+/g, " ").trim()} (run with --help for usage)\n`),
    });
    cmd.showHelpAfterError(false);
    for (const sub of cmd.commands) visit(sub as Command);
  };
  visit(program);
}

/**
 * The standard-output writer of the program a command belongs to: what runCli configured (tests capture it), or
 * process.stdout. Every command prints through this, never through console.log.
 */
export function stdoutOf(cmd: Command): (text: string) => void {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  return root.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
}
