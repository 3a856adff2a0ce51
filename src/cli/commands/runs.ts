/**
 * `caravan runs list | show ID | export ID | rm ID | gc`: the recorded runs of a store (SQLite file or PostgreSQL
 * URL; --store, else CARAVAN_STORE, else ./caravan.db). The store modules load only when one of these runs.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import type { Store } from "../../store/index";
import { stdoutOf } from "../io";
import { numberOption } from "../options";

const STATUSES = ["running", "done", "failed", "interrupted"];
const FORMATS = ["csv", "parquet", "geojson"];

interface StoreOnly {
  store?: string;
}

function storeOption(cmd: Command): Command {
  return cmd.option("--store <file|url>", "the store: a SQLite file or a postgres:// URL (default: $CARAVAN_STORE, else ./caravan.db)");
}

/** Open the store for reading or maintenance; a SQLite file that does not exist is not created (E_STORE_OPEN). */
async function withStore<T>(cmd: Command, fn: (store: Store) => Promise<T>): Promise<T> {
  const { isPostgresUrl, openStore, resolveStoreLocation } = await import("../../store/index");
  const location = resolveStoreLocation(cmd.opts<StoreOnly>().store);
  if (!isPostgresUrl(location) && !existsSync(location)) {
    throw new CaravanError("E_STORE_OPEN", `no store at ${resolve(location)} (runs are recorded there by assign, gravity estimate, sweeps, …; --store FILE|URL names another)`);
  }
  const store = await openStore(location);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const duration = (start: string, end: string | null): string => (end === null ? "" : `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s`);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows.map((r) => r.map((cell, k) => cell.padEnd(widths[k])).join("  ").trimEnd()).join("\n") + "\n";
}

/** Registers `caravan runs` and its subcommands. */
export function register(program: Command): void {
  const runs = program.command("runs").description("recorded runs in the store: list, show, export, remove, garbage-collect");

  storeOption(runs.command("list"))
    .description("list recorded runs, newest first")
    .option("--kind <kind>", "only runs of this kind (assignment, estimation, scenario, …)")
    .option("--status <status>", `only runs with this status: ${STATUSES.join(", ")}`)
    .option("--limit <n>", "at most N runs")
    .option("--json", "print {runs: [{id, kind, status, startedAt, finishedAt, inputsHash}]}")
    .action(async (flags: StoreOnly & { kind?: string; status?: string; limit?: string; json?: boolean }, cmd: Command) => {
      if (flags.status !== undefined && !STATUSES.includes(flags.status)) {
        throw new CaravanError("E_USAGE", `--status must be one of ${STATUSES.join(", ")}, not "${flags.status}"`, { didYouMean: suggest(flags.status, STATUSES) });
      }
      const limit = numberOption("--limit", flags.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new CaravanError("E_USAGE", `--limit must be a positive integer, not "${flags.limit}"`);
      const out = stdoutOf(cmd);
      const list = await withStore(cmd, (store) => store.listRuns({ kind: flags.kind, status: flags.status as never, limit }));
      if (flags.json) {
        out(`${JSON.stringify({ runs: list }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        out("no recorded runs\n");
        return;
      }
      const rows = [["id", "kind", "status", "started", "took", "inputs hash"]];
      for (const r of list) rows.push([r.id, r.kind, r.status, r.startedAt, duration(r.startedAt, r.finishedAt), r.inputsHash.slice(0, 16)]);
      out(table(rows));
    });

  storeOption(runs.command("show"))
    .description("everything recorded about a run: inputs with content hashes, dataset and code version, parameters, timings, result tables")
    .argument("<id>", "run id or a unique prefix of it")
    .option("--json", "print the run record as JSON")
    .action(async (id: string, flags: StoreOnly & { json?: boolean }, cmd: Command) => {
      const out = stdoutOf(cmd);
      const { run, counts } = await withStore(cmd, async (store) => {
        const run = await store.getRun(id);
        return { run, counts: await store.resultCounts(run.id) };
      });
      if (flags.json) {
        out(`${JSON.stringify({ ...run, resultTables: counts }, null, 2)}\n`);
        return;
      }
      const rows: [string, string][] = [
        ["id", run.id],
        ["kind", run.kind],
        ["status", run.status + (run.error ? ` (${run.error})` : "")],
        ["started", run.startedAt],
        ["finished", run.finishedAt ?? "—"],
        ["took", duration(run.startedAt, run.finishedAt) || "—"],
        ["inputs hash", run.inputsHash],
        ["code version", run.codeVersion],
        ["dataset hash", run.datasetHash ?? "—"],
        ["process", `pid ${run.pid} on ${run.hostname}`],
        ...(run.jobId ? [["sweep job", run.jobId] as [string, string]] : []),
      ];
      const width = Math.max(...rows.map((r) => r[0].length));
      let text = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
      text += `\ninputs:\n${JSON.stringify(run.inputs, null, 2)}\n\nparameters:\n${JSON.stringify(run.parameters, null, 2)}\n`;
      if (run.timings) text += `\ntimings (s):\n${JSON.stringify(run.timings, null, 2)}\n`;
      const tables = Object.entries(counts);
      text += `\nresult tables:${tables.length === 0 ? " none" : ""}\n`;
      for (const [name, n] of tables) text += `  ${name.padEnd(20)} ${n} rows\n`;
      out(text);
    });

  storeOption(runs.command("export"))
    .description("export a result table of a run as CSV, Parquet or GeoJSON (link flows)")
    .argument("<id>", "run id or a unique prefix of it")
    .requiredOption("--format <format>", FORMATS.join(" | "))
    .option("--table <name>", "the result table (default: the run's only table; geojson: link_flows)")
    .option("--out <file>", "write to FILE atomically (default: standard output; Parquet needs --out)")
    .action(async (id: string, flags: StoreOnly & { format: string; table?: string; out?: string }, cmd: Command) => {
      if (!FORMATS.includes(flags.format)) throw new CaravanError("E_USAGE", `--format must be one of ${FORMATS.join(", ")}, not "${flags.format}"`, { didYouMean: suggest(flags.format, FORMATS) });
      if (flags.format === "parquet" && flags.out === undefined) throw new CaravanError("E_USAGE", "Parquet is binary: give --out FILE");
      const { exportRun } = await import("../../store/index");
      const result = await withStore(cmd, async (store) => {
        const run = await store.getRun(id);
        return { run, ...(await exportRun(store, run.id, flags.format as "csv", flags.table)) };
      });
      if (flags.out === undefined) {
        stdoutOf(cmd)(result.data as string);
        return;
      }
      writeFileAtomic(flags.out, result.data);
      stdoutOf(cmd)(`wrote ${result.rows} rows of ${result.table} (run ${result.run.id}) to ${flags.out}\n`);
    });

  storeOption(runs.command("rm"))
    .description("delete a run and its result rows")
    .argument("<id>", "run id or a unique prefix of it")
    .action(async (id: string, _flags: StoreOnly, cmd: Command) => {
      const removed = await withStore(cmd, async (store) => {
        const run = await store.getRun(id);
        if (run.status === "running") throw new CaravanError("E_RUN_STATE", `run ${run.id} is still running (pid ${run.pid} on ${run.hostname}); stop it first`);
        await store.removeRun(run.id);
        return run.id;
      });
      stdoutOf(cmd)(`removed run ${removed}\n`);
    });

  storeOption(runs.command("gc"))
    .description("mark runs whose process ended as interrupted, delete failed and interrupted runs and orphaned result rows")
    .action(async (_flags: StoreOnly, cmd: Command) => {
      const r = await withStore(cmd, (store) => store.gc());
      stdoutOf(cmd)(`removed ${r.runs} failed or interrupted run(s) and ${r.orphanRows} orphaned result row(s)\n`);
    });
}
