/**
 * The run store: opening (SQLite file or PostgreSQL URL), the life of a recorded run (inserted as running with its
 * writer's identity; results and the flip to done in one transaction; failed with its error), recovery of runs whose
 * writer died (marked interrupted on the next open), reuse of a finished run with the same inputs hash, and the
 * queries behind `caravan runs`.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { sql } from "kysely";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { type Backend, type Dialect, openPostgres, openSqlite, type Writer } from "./backend";
import { codeIdentity, codeVersion } from "../core/package";
import { canonicalJson, sha256 } from "./hash";
import { currentProcess, writerIsGone } from "./process-info";
import { RESULT_TABLE_NAMES, RESULT_TABLES, type ResultTableName, type ResultTables, type RunStatus, type RunsTable } from "./schema";

export const DEFAULT_STORE_FILE = "caravan.db";

/** What identifies a run's inputs: everything that can change its results. */
export interface RunSpec {
  readonly kind: string;
  /** Input files ({path, sha256, bytes} from fileInput) and other inputs, as JSON. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Options that change the results (algorithm, tolerances, scales, …). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** sha256 of the network dataset's source files, where the run reads it. */
  readonly datasetHash?: string | null;
  readonly jobId?: string | null;
}

/** A run as listed by `caravan runs list --json`. */
export interface RunListing {
  readonly id: string;
  readonly kind: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly inputsHash: string;
}

/** A run with everything recorded about it. */
export interface RunRecord extends RunListing {
  readonly inputs: unknown;
  readonly datasetHash: string | null;
  readonly codeVersion: string;
  readonly parameters: unknown;
  readonly timings: unknown;
  readonly summary: unknown;
  readonly output: string | null;
  readonly error: string | null;
  readonly pid: number;
  readonly hostname: string;
  readonly jobId: string | null;
}

/** What a finished run writes, all in the transaction that marks it done. */
export interface RunResults {
  readonly tables?: ResultTables;
  readonly summary?: unknown;
  /** The text the command printed, replayed when the run is reused. */
  readonly output?: string;
  readonly timings?: Readonly<Record<string, number>>;
}

/**
 * The inputs hash of a run spec: SHA-256 over canonical JSON of kind, inputs, parameters, dataset and the code
 * (codeIdentity: version, commit and the stamp of the sources, so an edited but uncommitted build is other code).
 */
export function inputsHashOf(spec: RunSpec): string {
  return sha256(canonicalJson({ kind: spec.kind, inputs: spec.inputs, parameters: spec.parameters, dataset: spec.datasetHash ?? null, code: codeIdentity() }));
}

/** The store location: the --store value, else CARAVAN_STORE, else ./caravan.db. */
export function resolveStoreLocation(option?: string): string {
  const value = option ?? process.env.CARAVAN_STORE ?? DEFAULT_STORE_FILE;
  return value;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

const now = (): string => new Date().toISOString();
const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function record(row: RunsTable): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    inputsHash: row.inputs_hash,
    inputs: parseJson(row.inputs),
    datasetHash: row.dataset_hash,
    codeVersion: row.code_version,
    parameters: parseJson(row.parameters),
    timings: parseJson(row.timings),
    summary: parseJson(row.summary),
    output: row.output,
    error: row.error,
    pid: Number(row.pid),
    hostname: row.hostname,
    jobId: row.job_id,
  };
}

export class Store {
  /** Runs found running whose writer was gone, marked interrupted when this store was opened. */
  interruptedOnOpen: readonly string[] = [];

  constructor(private readonly backend: Backend) {}

  get dialect(): Dialect {
    return this.backend.dialect;
  }
  get location(): string {
    return this.backend.location;
  }
  /** The Kysely instance (typed on the fixed tables) for queries. */
  get db() {
    return this.backend.db;
  }

  /** Run `fn` in one write transaction: all its writes commit together, or none does. */
  write<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
    return this.backend.write(fn);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  /** Mark runs `running` whose writing process is gone (same host, pid dead or reused) as interrupted. */
  async recoverInterrupted(): Promise<string[]> {
    const running = await this.db.selectFrom("runs").select(["id", "pid", "hostname", "process_started_at"]).where("status", "=", "running").execute();
    const gone = running.filter((r) => writerIsGone({ pid: Number(r.pid), hostname: r.hostname, process_started_at: r.process_started_at }));
    if (gone.length === 0) return [];
    const ids = gone.map((r) => r.id);
    await this.write(async (w) => {
      await w.run(
        this.db
          .updateTable("runs")
          .set({ status: "interrupted", finished_at: now(), error: "the process writing this run ended before it finished (killed or crashed)" })
          .where("id", "in", ids)
          .where("status", "=", "running"),
      );
    });
    return ids;
  }

  /** The latest finished run with this kind and inputs hash, or null. */
  async findReusable(kind: string, inputsHash: string): Promise<RunRecord | null> {
    const row = await this.db
      .selectFrom("runs")
      .selectAll()
      .where("kind", "=", kind)
      .where("inputs_hash", "=", inputsHash)
      .where("status", "=", "done")
      .orderBy("finished_at", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? record(row as RunsTable) : null;
  }

  /** Insert the run row as `running` (committed at once, so a killed run is visible and can be marked interrupted). */
  async beginRun(spec: RunSpec): Promise<{ id: string; inputsHash: string }> {
    const id = randomBytes(8).toString("hex");
    const inputsHash = inputsHashOf(spec);
    const me = currentProcess();
    await this.write(async (w) => {
      // the running row need not wait for the disk: lost in a database-server crash it only loses a run that never
      // finished (PostgreSQL; the results commit stays synchronous)
      if (this.dialect === "postgres") await w.run(sql`set local synchronous_commit = off`.compile(this.db));
      await w.run(
        this.db.insertInto("runs").values({
          id,
          kind: spec.kind,
          status: "running",
          started_at: now(),
          finished_at: null,
          inputs_hash: inputsHash,
          inputs: canonicalJson(spec.inputs),
          dataset_hash: spec.datasetHash ?? null,
          code_version: codeVersion(),
          parameters: canonicalJson(spec.parameters),
          timings: null,
          summary: null,
          output: null,
          error: null,
          pid: me.pid,
          hostname: me.hostname,
          process_started_at: me.startedAt,
          job_id: spec.jobId ?? null,
        }),
      );
    });
    return { id, inputsHash };
  }

  /**
   * Write a run's results and flip it to done in one transaction (`extra` adds writes to the same transaction).
   * A crash before the commit leaves no result rows and the run `running`, to be marked interrupted.
   */
  async completeRun(id: string, results: RunResults, extra?: (w: Writer) => Promise<void>): Promise<void> {
    await this.write(async (w) => {
      await this.writeResults(w, id, results);
      if (extra) await extra(w);
    });
  }

  /** The writes of completeRun, for callers that compose them into a larger transaction. */
  async writeResults(w: Writer, id: string, results: RunResults): Promise<void> {
    for (const name of RESULT_TABLE_NAMES) {
      const rows = results.tables?.[name];
      if (rows && rows.length > 0) await w.insertRows(name, id, rows);
    }
    const flipped = await w.run(
      this.db
        .updateTable("runs")
        .set({
          status: "done",
          finished_at: now(),
          summary: results.summary === undefined ? null : JSON.stringify(results.summary),
          output: results.output ?? null,
          timings: results.timings ? JSON.stringify(results.timings) : null,
        })
        .where("id", "=", id)
        .where("status", "=", "running"),
    );
    if (flipped.affected !== 1) throw new CaravanError("E_RUN_STATE", `run ${id} is no longer running (was it removed or marked interrupted?)`);
  }

  async failRun(id: string, message: string): Promise<void> {
    await this.write(async (w) => {
      await w.run(this.db.updateTable("runs").set({ status: "failed", finished_at: now(), error: message }).where("id", "=", id).where("status", "=", "running"));
    });
  }

  async listRuns(options: { limit?: number; kind?: string; status?: RunStatus } = {}): Promise<RunListing[]> {
    let q = this.db.selectFrom("runs").select(["id", "kind", "status", "started_at", "finished_at", "inputs_hash"]).orderBy("started_at", "desc").orderBy("id");
    if (options.kind) q = q.where("kind", "=", options.kind);
    if (options.status) q = q.where("status", "=", options.status);
    if (options.limit) q = q.limit(options.limit);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, inputsHash: r.inputs_hash }));
  }

  /** A run by id or unique id prefix; E_RUN_UNKNOWN (with suggestions) or E_RUN_AMBIGUOUS otherwise. */
  async getRun(idOrPrefix: string): Promise<RunRecord> {
    if (!/^[0-9a-f]{1,32}$/i.test(idOrPrefix)) throw new CaravanError("E_RUN_UNKNOWN", `"${idOrPrefix}" is not a run id (16 hex digits, or a unique prefix)`);
    const rows = await this.db
      .selectFrom("runs")
      .selectAll()
      .where("id", "like", `${idOrPrefix.toLowerCase()}%`)
      .limit(10)
      .execute();
    if (rows.length === 1) return record(rows[0] as RunsTable);
    if (rows.length > 1) throw new CaravanError("E_RUN_AMBIGUOUS", `run id prefix "${idOrPrefix}" matches several runs: ${rows.map((r) => r.id).join(", ")}`);
    const recent = await this.db.selectFrom("runs").select("id").orderBy("started_at", "desc").limit(200).execute();
    throw new CaravanError("E_RUN_UNKNOWN", `no run "${idOrPrefix}" in ${this.location}`, { didYouMean: suggest(idOrPrefix, recent.map((r) => r.id)) });
  }

  /** Row counts of a run's result tables (tables without rows left out). */
  async resultCounts(id: string): Promise<Partial<Record<ResultTableName, number>>> {
    const counts: Partial<Record<ResultTableName, number>> = {};
    for (const name of RESULT_TABLE_NAMES) {
      const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)} where run_id = ${id}`.execute(this.db);
      const n = Number(row.rows[0]?.n ?? 0);
      if (n > 0) counts[name] = n;
    }
    return counts;
  }

  /** The rows of one result table of a run, in the order written (run_id and row_no left out). */
  async readTable(id: string, table: ResultTableName): Promise<Record<string, unknown>[]> {
    const columns = RESULT_TABLES[table].columns.map((c) => sql.ref(c.name));
    const result = await sql<Record<string, unknown>>`select ${sql.join(columns)} from ${sql.table(table)} where run_id = ${id} order by row_no`.execute(this.db);
    return result.rows;
  }

  /** Delete a run and its result rows (one transaction). */
  async removeRun(id: string): Promise<void> {
    await this.write(async (w) => {
      await this.deleteRunRows(w, [id]);
    });
  }

  private async deleteRunRows(w: Writer, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const name of RESULT_TABLE_NAMES) await w.run(sql`delete from ${sql.table(name)} where run_id in (${sql.join(ids)})`.compile(this.db));
    await w.run(this.db.deleteFrom("runs").where("id", "in", ids));
  }

  /**
   * Garbage collection: marks dead writers' runs interrupted, then deletes failed and interrupted runs and every
   * result row whose run no longer exists. Returns what it removed.
   */
  async gc(): Promise<{ runs: number; orphanRows: number }> {
    await this.recoverInterrupted();
    const dead = await this.db.selectFrom("runs").select("id").where("status", "in", ["failed", "interrupted"]).execute();
    let orphanRows = 0;
    await this.write(async (w) => {
      for (let i = 0; i < dead.length; i += 500) await this.deleteRunRows(w, dead.slice(i, i + 500).map((r) => r.id));
      for (const name of RESULT_TABLE_NAMES) {
        const r = await w.run(sql`delete from ${sql.table(name)} where not exists (select 1 from runs where runs.id = ${sql.table(name)}.run_id)`.compile(this.db));
        orphanRows += r.affected;
      }
    });
    return { runs: dead.length, orphanRows };
  }
}

/**
 * Open (creating and migrating where needed) the store at a location: a postgres:// URL or a SQLite file path.
 * Runs whose writer died are marked interrupted on the way (`store.interruptedOnOpen`).
 */
export async function openStore(location: string = resolveStoreLocation()): Promise<Store> {
  const backend = isPostgresUrl(location) ? await openPostgres(location) : await openSqlite(resolve(location));
  const store = new Store(backend);
  try {
    store.interruptedOnOpen = await store.recoverInterrupted();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
