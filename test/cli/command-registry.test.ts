/**
 * The lazy command registry: every entry's module defines the command it is listed under, a command line loads only
 * the module of the command it runs (none for the command list), and what such a run prints for help and usage
 * errors is what the program with every command defined from its module prints.
 */
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS, commandsFor } from "../../src/cli/command-registry";
import { configureCliOutput } from "../../src/cli/io";
import { buildProgram, runCli } from "../../src/cli/main";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

/** Exit status and output of a command line on the program with every command defined from its module. */
async function fullProgramOutput(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const program = await buildProgram();
  const c = capture();
  configureCliOutput(program, c.io);
  let status = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    status = error.exitCode === 0 ? 0 : 2;
  }
  return { status, out: c.out.join(""), err: c.err.join("") };
}

describe("command registry", () => {
  it("each module registers exactly the one top-level command it is listed under", async () => {
    for (const entry of COMMANDS) {
      const program = new Command();
      (await entry.load()).register(program);
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
    }
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it("picks the command a line runs, after the global options", () => {
    const selected = (argv: string[]) => {
      const s = commandsFor(argv);
      return { modules: s.modules.map((c) => c.name), listing: s.listing };
    };
    expect(selected(["assign", "--tntp", "dir", "--gap", "1e-6"])).toEqual({ modules: ["assign"], listing: false });
    expect(selected(["--data", "route", "places", "x"])).toEqual({ modules: ["places"], listing: false });
    expect(selected(["--data=dir", "route", "a", "b"])).toEqual({ modules: ["route"], listing: false });
    expect(selected(["help", "route"])).toEqual({ modules: ["route"], listing: false });
    expect(selected(["--version"])).toEqual({ modules: [], listing: false });
    expect(selected(["-V"])).toEqual({ modules: [], listing: false });
    for (const argv of [[], ["--help"], ["-h", "route"], ["help"], ["help", "rout"], ["rout"], ["--data"]]) expect(selected(argv)).toEqual({ modules: [], listing: true });
    expect(selected(["--unknown", "route"])).toEqual({ modules: COMMANDS.map((c) => c.name), listing: false });
  });

  it("prints the same help for every command as the program with every command defined", async () => {
    for (const entry of COMMANDS) {
      const c = capture();
      expect(await runCli([entry.name, "--help"], c.io)).toBe(0);
      const full = await fullProgramOutput([entry.name, "--help"]);
      expect(c.out.join("")).toBe(full.out);
      expect(c.out.join("")).toMatch(new RegExp(`^Usage: caravan ${entry.name} `));
    }
  });

  it("prints the command list, and usage errors, as the program with every command defined from its module", async () => {
    for (const argv of [["--help"], ["-h", "route"], [], ["help"], ["help", "rout"], ["help", "assign"], ["rout", "a", "b"], ["--data", "d", "sweeep"], ["--unknown", "route"], ["route", "--unknown"]]) {
      const c = capture();
      const status = await runCli(argv, c.io);
      expect({ argv, status, out: c.out.join(""), err: c.err.join("") }).toEqual({ argv, ...(await fullProgramOutput(argv)) });
    }
    const help = capture();
    await runCli(["--help"], help.io);
    for (const entry of COMMANDS) expect(help.out.join("")).toMatch(new RegExp(`\\n  ${entry.name}\\b`));
    const unknown = capture();
    expect(await runCli(["rout", "a", "b"], unknown.io)).toBe(2);
    expect(unknown.err.join("")).toMatch(/^caravan: E_USAGE: unknown command 'rout' \(Did you mean route\?\)/);
  });

  it("prints the version without defining any command", async () => {
    const c = capture();
    expect(await runCli(["--version"], c.io)).toBe(0);
    expect(c.out.join("")).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
