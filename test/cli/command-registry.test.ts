/**
 * The lazy command registry: every entry's module defines the command it is listed under, a command line loads only
 * the module of the command it runs, and what such a run prints for help and usage errors is what the program with
 * every command defined prints.
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

/** Output of a command line on the program with every command defined (as before lazy loading). */
async function fullProgramOutput(argv: string[]): Promise<{ out: string; err: string }> {
  const program = await buildProgram();
  const c = capture();
  configureCliOutput(program, c.io);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return { out: c.out.join(""), err: c.err.join("") };
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
    const names = (argv: string[]) => commandsFor(argv).map((c) => c.name);
    expect(names(["assign", "--tntp", "dir", "--gap", "1e-6"])).toEqual(["assign"]);
    expect(names(["--data", "route", "places", "x"])).toEqual(["places"]);
    expect(names(["--data=dir", "route", "a", "b"])).toEqual(["route"]);
    expect(names(["--version"])).toEqual([]);
    expect(names(["-V"])).toEqual([]);
    const all = COMMANDS.map((c) => c.name);
    for (const argv of [[], ["--help"], ["-h", "route"], ["help", "route"], ["rout"], ["--data"], ["--unknown", "route"]]) expect(names(argv)).toEqual(all);
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

  it("lists every command in --help and suggests the nearest for an unknown one", async () => {
    const help = capture();
    expect(await runCli(["--help"], help.io)).toBe(0);
    expect(help.out.join("")).toBe((await fullProgramOutput(["--help"])).out);
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
