import type { Command } from "commander";
import { ERROR_CATALOGUE } from "./errors";

/** docs/errors.md, generated from ERROR_CATALOGUE so the documented list cannot drift. */
export function renderErrorDocs(): string {
  const lines = [
    "# Error catalogue",
    "",
    "Generated from `src/core/errors.ts` by `npm run docs:generate`; a test fails when this file is stale.",
    "",
    "Every user-caused error has a stable code. The CLI prints `caravan: CODE: message` (plus `did you mean: …` where",
    "it applies) and exits with the status below, without a stack trace; the HTTP API answers with the HTTP status and",
    "the body `{code, message, didYouMean?, details?}`.",
    "",
    "| code | exit | HTTP | meaning |",
    "|---|---|---|---|",
  ];
  for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
    lines.push(`| \`${code}\` | ${spec.exitCode} | ${spec.httpStatus} | ${spec.summary} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** docs/cli.md, generated from the commander definitions (every command's --help). */
export function renderCliDocs(program: Command): string {
  const out: string[] = [
    "# `caravan` command reference",
    "",
    "Generated from the command definitions by `npm run docs:generate`; a test fails when this file is stale.",
    "Run any command with `--help` for the same text. Global option: `--data <dir>` (dataset folder, default `data/eurasia`).",
    "",
  ];
  const visit = (cmd: Command, path: string[]): void => {
    const name = [...path, cmd.name()].join(" ");
    out.push(`## \`${name}\``, "", "```", cmd.helpInformation().trimEnd(), "```", "");
    for (const sub of cmd.commands) visit(sub as Command, [...path, cmd.name()]);
  };
  visit(program, []);
  return `${out.join("\n")}`;
}
