/**
 * The two database back ends behind one interface: Kysely for schema, migrations and queries (one query builder,
 * two dialects), and a dialect-specific fast path for bulk result rows (SQLite: cached multi-row prepared statements
 * inside BEGIN IMMEDIATE; PostgreSQL: COPY … FROM STDIN in text format through pg-copy-streams, on the transaction's
 * own pool connection).
 * The drivers are imported lazily, so the SQLite path never loads pg and vice versa.
 */
import type { Writable } from "node:stream";
import { type Compilable, type CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import { CaravanError } from "../core/errors";
import { migrationProvider } from "./migrations";
import { type ColumnType, RESULT_TABLES, type ResultRow, type ResultTableName, type StoreSchema } from "./schema";

export type Dialect = "sqlite" | "postgres";

/** What a write transaction can do. Everything it writes commits together or not at all. */
export interface Writer {
  /** Execute a Kysely query (built on `store.db`) inside the transaction. */
  run(query: Compilable | CompiledQuery): Promise<{ rows: unknown[]; affected: number }>;
  /** Append rows to a result table for a run, numbering them from `firstRowNo` (default 0). */
  insertRows(table: ResultTableName, runId: string, rows: readonly ResultRow[], firstRowNo?: number): Promise<void>;
}

export interface Backend {
  readonly dialect: Dialect;
  /** File path or the URL without password. */
  readonly location: string;
  readonly db: Kysely<StoreSchema>;
  write<T>(fn: (w: Writer) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A cell as the drivers take it: JSON columns as text, non-finite numbers as NULL. */
function cell(value: unknown, type: ColumnType): string | number | null {
  if (value === undefined || value === null) return null;
  if (type === "json") return typeof value === "string" ? value : JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as string;
}

function columnsOf(table: ResultTableName): { names: string[]; types: ColumnType[] } {
  const spec = RESULT_TABLES[table];
  if (!spec) throw new CaravanError("E_STORE_SCHEMA", `no result table "${table}"`);
  return { names: spec.columns.map((c) => c.name), types: spec.columns.map((c) => c.type) };
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

async function migrate(db: Kysely<StoreSchema>, schema?: string): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on the untyped schema
  const migrator = new Migrator({ db: db as Kysely<any>, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new CaravanError("E_STORE_MIGRATION", `migration ${failed} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}

/** SQLite through better-sqlite3: WAL, a busy timeout, and write transactions that take the write lock up front. */
export async function openSqlite(file: string, busyTimeoutMs = 15_000): Promise<Backend> {
  const { default: Database } = await import("better-sqlite3");
  let raw: import("better-sqlite3").Database;
  try {
    raw = new Database(file, { timeout: busyTimeoutMs });
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    raw.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a crash of the process never loses a commit; a power cut may lose the last ones, never consistency
    raw.pragma("synchronous = NORMAL");
  } catch (error) {
    throw new CaravanError("E_STORE_OPEN", `cannot open the store ${file}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: raw }) });
  const statements = new Map<string, import("better-sqlite3").Statement>();
  const prepare = (text: string) => {
    let stmt = statements.get(text);
    if (!stmt) {
      stmt = raw.prepare(text);
      statements.set(text, stmt);
    }
    return stmt;
  };
  let queue: Promise<unknown> = Promise.resolve();
  /**
   * Take the write lock. SQLite's own busy handler sleeps in growing steps (up to 100 ms) while another process
   * writes, which throttles several writers far below what the file can take; here the lock is tried without
   * waiting and retried after a short random pause (0.2–2 ms, growing slowly) until the busy timeout is spent.
   */
  const beginImmediate = async () => {
    const deadline = Date.now() + busyTimeoutMs;
    raw.pragma("busy_timeout = 0");
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          raw.exec("BEGIN IMMEDIATE");
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(2, 0.2 + attempt * 0.05)));
        }
      }
    } finally {
      raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  };
  const writer: Writer = {
    async run(query) {
      const compiled = "compile" in query ? query.compile() : query;
      const stmt = prepare(compiled.sql);
      if (stmt.reader) return { rows: stmt.all(...(compiled.parameters as unknown[])), affected: 0 };
      return { rows: [], affected: stmt.run(...(compiled.parameters as unknown[])).changes };
    },
    async insertRows(table, runId, rows, firstRowNo = 0) {
      if (rows.length === 0) return;
      const { names, types } = columnsOf(table);
      const width = names.length + 2;
      const perStatement = Math.max(1, Math.min(256, Math.floor(30_000 / width)));
      const head = `insert into ${quote(table)} (run_id, row_no, ${names.map(quote).join(", ")}) values `;
      const tuple = `(${new Array(width).fill("?").join(", ")})`;
      const full = prepare(head + new Array(perStatement).fill(tuple).join(", "));
      const args: (string | number | null)[] = new Array(perStatement * width);
      let i = 0;
      for (; i + perStatement <= rows.length; i += perStatement) {
        let k = 0;
        for (let r = i; r < i + perStatement; r++) {
          const row = rows[r];
          args[k++] = runId;
          args[k++] = firstRowNo + r;
          for (let c = 0; c < names.length; c++) args[k++] = cell(row[names[c]], types[c]);
        }
        full.run(args);
      }
      if (i < rows.length) {
        const rest = rows.length - i;
        const tail = prepare(head + new Array(rest).fill(tuple).join(", "));
        const restArgs: (string | number | null)[] = [];
        for (let r = i; r < rows.length; r++) {
          restArgs.push(runId, firstRowNo + r);
          for (let c = 0; c < names.length; c++) restArgs.push(cell(rows[r][names[c]], types[c]));
        }
        tail.run(restArgs);
      }
    },
  };
  const backend: Backend = {
    dialect: "sqlite",
    location: file,
    db,
    write<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
      // one write transaction at a time in this process (one connection); other processes wait on the busy timeout
      const next = queue.then(async () => {
        await beginImmediate();
        try {
          const value = await fn(writer);
          raw.exec("COMMIT");
          return value;
        } catch (error) {
          if (raw.inTransaction) raw.exec("ROLLBACK");
          throw error;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      await db.destroy();
    },
  };
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error instanceof CaravanError ? error : new CaravanError("E_STORE_OPEN", `cannot open the store ${file}: ${(error as Error).message}`, { cause: error });
  }
  return backend;
}

/** One field of COPY's text format: \\N for NULL; backslash, tab, newline and carriage return escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : value;
}

/** Resolves when a COPY stream has finished (the server acknowledged), rejects on its error. */
function pipelineDone(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
  });
}

/** Rows per chunk written to the COPY stream. */
const PG_COPY_CHUNK_ROWS = 5_000;

/** PostgreSQL through pg: `?schema=NAME` in the URL selects (and creates) a schema, e.g. one per test run. */
export async function openPostgres(url: string): Promise<Backend> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new CaravanError("E_USAGE", `schema "${schema}" in the store URL must be a plain identifier`);
  const pg = (await import("pg")).default;
  const { from: copyFrom } = await import("pg-copy-streams");
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 4, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // the URL without its password: shown to users and written into queued jobs so workers can check they share the store
  const shown = `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ""}${parsed.host}${parsed.pathname}${schema ? `?schema=${schema}` : ""}`;
  try {
    await pool.query("select 1");
    if (schema) await pool.query(`create schema if not exists ${quote(schema)}`).catch((e: { code?: string }) => {
      if (e.code !== "23505" && e.code !== "42P06") throw e; // a concurrent opener created it first
    });
  } catch (error) {
    await pool.end();
    throw new CaravanError("E_STORE_OPEN", `cannot open the store ${shown}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  const backend: Backend = {
    dialect: "postgres",
    location: shown,
    db,
    async write<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
      // a pool connection of its own: plain queries compiled by Kysely, result rows through COPY FROM STDIN
      const client = await pool.connect();
      const writer: Writer = {
        async run(query) {
          const compiled = "compile" in query ? query.compile() : query;
          const result = await client.query(compiled.sql, compiled.parameters as unknown[]);
          return { rows: result.rows as unknown[], affected: result.rowCount ?? 0 };
        },
        async insertRows(table, runId, rows, firstRowNo = 0) {
          if (rows.length === 0) return;
          const { names, types } = columnsOf(table);
          const stream = client.query(copyFrom(`copy ${quote(table)} (run_id, row_no, ${names.map(quote).join(", ")}) from stdin`));
          const done = pipelineDone(stream);
          const id = copyField(runId);
          for (let start = 0; start < rows.length; start += PG_COPY_CHUNK_ROWS) {
            const end = Math.min(rows.length, start + PG_COPY_CHUNK_ROWS);
            let text = "";
            for (let r = start; r < end; r++) {
              const row = rows[r];
              text += `${id}\t${firstRowNo + r}`;
              for (let c = 0; c < names.length; c++) text += `\t${copyField(cell(row[names[c]], types[c]))}`;
              text += "\n";
            }
            if (!stream.write(text)) await new Promise((resolve) => stream.once("drain", resolve));
          }
          stream.end();
          await done;
        },
      };
      try {
        await client.query("begin");
        const value = await fn(writer);
        await client.query("commit");
        client.release();
        return value;
      } catch (error) {
        try {
          await client.query("rollback");
          client.release();
        } catch {
          client.release(true); // the connection is broken: drop it from the pool
        }
        throw error;
      }
    },
    async close() {
      await db.destroy();
    },
  };
  try {
    await migrate(db, schema);
  } catch (error) {
    await db.destroy();
    throw error instanceof CaravanError ? error : new CaravanError("E_STORE_OPEN", `cannot open the store ${shown}: ${(error as Error).message}`, { cause: error });
  }
  return backend;
}
