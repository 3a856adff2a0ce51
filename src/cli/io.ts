import type { Command } from "commander";

/**
 * The standard-output writer of the program a command belongs to: what runCli configured (tests capture it), or
 * process.stdout. Every command prints through this, never through console.log.
 */
export function stdoutOf(cmd: Command): (text: string) => void {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  return root.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
}
