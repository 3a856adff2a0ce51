/**
 * The CLI side of the run store, shared by every computing command: `addStoreOptions` adds `--store FILE|URL`,
 * `--no-store` and `--force`; `recordRun` wraps the command's computation in a recorded run (inputs hashed, run row
 * inserted as running, results and the flip to done in one transaction, failure recorded) and replays a finished
 * run with the same inputs instead of recomputing unless `--force`. Recording is on by default into ./caravan.db
 * (or CARAVAN_STORE). The store modules are imported only when a run is recorded, so `caravan --help` stays fast.
 */
import type { Command } from "commander";
import type { ResultRow, ResultTableName, ResultTables } from "../store/index";
import { stdoutOf } from "./io";

export interface StoreFlags {
  /** A path or URL; false with --no-store; undefined = CARAVAN_STORE or ./caravan.db. */
  store?: string | false;
  force?: boolean;
}

/** Add --store, --no-store and --force to a command. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option("--store <file|url>", "record the run in this store: a SQLite file or a postgres:// URL (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--no-store", "do not record the run")
    .option("--force", "recompute even when a stored run has the same inputs");
}

/** What identifies a recorded run of a command. */
export interface RecordSpec {
  /** The runs.kind column: assignment, estimation, scenario, appraisal, study, … */
  readonly kind: string;
  /** Input files by role; hashed by content, a scenario file with its extends chain and demand file (undefined entries are left out). */
  readonly files?: Readonly<Record<string, string | undefined>>;
  /** Input folders by role; every file in them hashed by content. */
  readonly dirs?: Readonly<Record<string, string | undefined>>;
  /** Other inputs (JSON). */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Every option that changes the results or the printed output. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The network dataset folder the run reads, hashed by content. */
  readonly datasetDir?: string;
  /** May a stored run with the same inputs be replayed? False when the command writes files. Default true. */
  readonly reusable?: boolean;
}

/** Handed to the computation: print through it, and give it the result rows and summary to store. */
export interface RunRecorder {
  /** Id of the recorded run, null with --no-store. */
  readonly runId: string | null;
  out(text: string): void;
  table(name: ResultTableName, rows: readonly ResultRow[]): void;
  tables(tables: ResultTables): void;
  summary(value: unknown): void;
  timing(name: string, seconds: number): void;
}

/**
 * Parts of a dataset folder outside its network source files (network/files.ts datasetFiles, the dataset hash) that
 * runs read: the rate layers (the rates cost basis), the observed corridor figures and the named corridors (the
 * assignment summary). Hashed by content into a run's inputs, so editing them is another run.
 */
const DATASET_READS = ["rates", "observations", "corridors.yaml"] as const;

/** Notes about the store (run recorded, reused, interrupted runs found) go to a terminal's stderr only, like progress. */
function noteWriter(): (text: string) => void {
  return process.stderr.isTTY === true ? (text: string) => process.stderr.write(text) : () => {};
}

/** Run `body` as a recorded run of `cmd` (see the file comment). */
export async function recordRun(cmd: Command, spec: RecordSpec, body: (run: RunRecorder) => Promise<void> | void): Promise<void> {
  const print = stdoutOf(cmd);
  const note = noteWriter();
  const flags = cmd.opts<StoreFlags>();
  const output: string[] = [];
  const tables: Record<string, ResultRow[]> = {};
  const timings: Record<string, number> = {};
  let summary: unknown;
  const recorder = (runId: string | null): RunRecorder => ({
    runId,
    out(text) {
      output.push(text);
      print(text);
    },
    table(name, rows) {
      const list = (tables[name] ??= []);
      for (const row of rows) list.push(row);
    },
    tables(all) {
      for (const [name, rows] of Object.entries(all)) if (rows) this.table(name as ResultTableName, rows);
    },
    summary(value) {
      summary = value;
    },
    timing(name, seconds) {
      timings[name] = seconds;
    },
  });
  if (flags.store === false) {
    await body(recorder(null));
    return;
  }
  const store = await import("../store/index");
  const inputs: Record<string, unknown> = { ...(spec.inputs ?? {}) };
  // a scenario file with every file it reads (extends chain, demand), so editing any of them is another run
  for (const [role, path] of Object.entries(spec.files ?? {})) if (path !== undefined) inputs[role] = store.fileInputWithReads(path);
  for (const [role, path] of Object.entries(spec.dirs ?? {})) if (path !== undefined) inputs[role] = store.dirInput(path);
  // files of the dataset folder runs read beside the network's source files (the dataset hash covers those)
  if (spec.datasetDir !== undefined) {
    const { existsSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const reads: Record<string, unknown> = {};
    for (const name of DATASET_READS) {
      const path = join(spec.datasetDir, name);
      if (existsSync(path)) reads[name] = statSync(path).isDirectory() ? store.dirInput(path).files : store.fileInput(path).sha256;
    }
    if (Object.keys(reads).length > 0) inputs.datasetReads = reads;
  }
  let datasetHash: string | null = null;
  if (spec.datasetDir !== undefined) {
    const { datasetHash: hashDataset } = await import("../network/open");
    datasetHash = hashDataset(spec.datasetDir);
  }
  const runSpec = { kind: spec.kind, inputs, parameters: spec.parameters, datasetHash };
  let db: Awaited<ReturnType<typeof store.openStore>>;
  try {
    db = await store.openStore(store.resolveStoreLocation(flags.store));
  } catch (error) {
    // a store the user named must work; the implicit ./caravan.db (e.g. in a read-only folder) must not block the run
    if (flags.store !== undefined || process.env.CARAVAN_STORE !== undefined) throw error;
    process.stderr.write(`caravan: this run is not recorded: ${(error as Error).message} (--no-store silences this)\n`);
    await body(recorder(null));
    return;
  }
  try {
    if (db.interruptedOnOpen.length > 0) note(`caravan: marked ${db.interruptedOnOpen.length} run(s) interrupted (their process ended): ${db.interruptedOnOpen.join(", ")}\n`);
    if (spec.reusable !== false && !flags.force) {
      const found = await db.findReusable(spec.kind, store.inputsHashOf(runSpec));
      if (found && found.output !== null) {
        print(found.output);
        note(`caravan: reused run ${found.id} of ${found.finishedAt} from ${db.location} (same inputs; --force recomputes)\n`);
        return;
      }
    }
    const t0 = performance.now();
    const run = await db.beginRun(runSpec);
    try {
      await body(recorder(run.id));
    } catch (error) {
      await db.failRun(run.id, (error as Error)?.message ?? String(error));
      throw error;
    }
    timings.totalS = (performance.now() - t0) / 1000;
    await db.completeRun(run.id, { tables: tables as ResultTables, summary, output: output.join(""), timings });
    note(`caravan: recorded run ${run.id} in ${db.location}\n`);
  } finally {
    await db.close();
  }
}
