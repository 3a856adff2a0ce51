/**
 * Shared pieces of the robustness tests: running the CLI in-process with captured output, a tiny hand-written
 * TNTP instance and a gravity table, written to temporary folders the tests may break.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli } from "../../src/cli/main";
import { ERROR_CATALOGUE } from "../../src/core/errors";

/** The hand-checkable network dataset. */
export const TESTBOT = resolve(__dirname, "../fixtures/testbot");

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** The E_CODE of the one-line error (`caravan: E_CODE: message`), or null. */
  readonly errorCode: string | null;
}

/** Commands that record their runs in a store by default: the tests run them with --no-store (nothing reused). */
const RECORDING = new Set(["assign", "estimate"]);

/** Run `caravan ARGS` in this process and capture stdout, stderr and the exit status. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const at = args.findIndex((a) => RECORDING.has(a));
  const argv = at < 0 ? [...args] : [...args.slice(0, at + 1), "--no-store", ...args.slice(at + 1)];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const e = err.join("");
  const m = /^caravan: (E_[A-Z_]+): /.exec(e);
  return { code, out: out.join(""), err: e, errorCode: m ? m[1] : null };
}

/** The exit status the catalogue gives `code`. */
export function exitOf(code: keyof typeof ERROR_CATALOGUE): number {
  return ERROR_CATALOGUE[code].exitCode;
}

export function tmp(prefix = "caravan-robust-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of the testbot dataset that a test may edit. */
export function copyTestbot(): string {
  const dir = tmp("caravan-robust-testbot-");
  cpSync(TESTBOT, dir, { recursive: true });
  return dir;
}

/**
 * A 3-node TNTP instance: zones 1 and 2, node 3 between them; links 1→3 (BPR), 3→2 (BPR), 1→2 (slow, constant).
 * Hand-checkable; the parts can be replaced to break one thing at a time.
 */
export const TINY_NET = {
  metadata: "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 3\n<END OF METADATA>\n",
  header: "~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;\n",
  links: ["1\t3\t100\t1\t1\t0.15\t4\t0\t0\t1\t;", "3\t2\t100\t1\t1\t0.15\t4\t0\t0\t1\t;", "1\t2\t1000\t5\t5\t0\t1\t0\t0\t1\t;"],
};

export const TINY_TRIPS = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 150\n<END OF METADATA>\n\nOrigin 1\n    2 :  150;\n\nOrigin 2\n    1 :  0;\n";

export function tinyNetText(parts: Partial<typeof TINY_NET> = {}): string {
  const p = { ...TINY_NET, ...parts };
  return `${p.metadata}\n${p.header}${p.links.join("\n")}\n`;
}

/** Write a TNTP folder (net and trips text, optional extra files) and return its path. */
export function tntpDir(net = tinyNetText(), trips = TINY_TRIPS, extra: Readonly<Record<string, string>> = {}): string {
  const dir = tmp("caravan-robust-tntp-");
  writeFileSync(join(dir, "Tiny_net.tntp"), net);
  writeFileSync(join(dir, "Tiny_trips.tntp"), trips);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Write a file in a fresh temporary folder and return its path. */
export function tmpFile(name: string, text: string): string {
  const dir = tmp();
  const path = join(dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A numeric value anywhere in text output that is not a number: NaN, Infinity or a JSON null in a numeric slot. */
export const NON_NUMBER = /\bNaN\b|-?\bInfinity\b/;
