/**
 * The store's migrations: one list, run by Kysely's Migrator on SQLite and PostgreSQL alike (the migrator takes a
 * lock, so two processes opening a fresh store at once migrate it once). Shipped migrations are never edited; a
 * schema change is a new entry.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";
import { type ColumnType, RESULT_TABLES } from "./schema";

type DataType = "text" | "double precision" | "integer";
const DATA_TYPE: Record<ColumnType, DataType> = { text: "text", real: "double precision", integer: "integer", json: "text" };

// biome-ignore lint/suspicious/noExplicitAny: migrations run on the untyped schema, as Kysely recommends
type AnyDb = Kysely<any>;

const m001: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("kind", "text", (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull().check(sql`status in ('running', 'done', 'failed', 'interrupted')`))
      .addColumn("started_at", "text", (col) => col.notNull())
      .addColumn("finished_at", "text")
      .addColumn("inputs_hash", "text", (col) => col.notNull())
      .addColumn("inputs", "text", (col) => col.notNull())
      .addColumn("dataset_hash", "text")
      .addColumn("code_version", "text", (col) => col.notNull())
      .addColumn("parameters", "text", (col) => col.notNull())
      .addColumn("timings", "text")
      .addColumn("summary", "text")
      .addColumn("output", "text")
      .addColumn("error", "text")
      .addColumn("pid", "integer", (col) => col.notNull())
      .addColumn("hostname", "text", (col) => col.notNull())
      .addColumn("process_started_at", "text", (col) => col.notNull())
      .addColumn("job_id", "text")
      .execute();
    await db.schema.createIndex("runs_inputs_hash").on("runs").columns(["inputs_hash", "status"]).execute();
    await db.schema.createIndex("runs_status").on("runs").column("status").execute();
    await db.schema.createIndex("runs_started_at").on("runs").column("started_at").execute();

    for (const spec of Object.values(RESULT_TABLES)) {
      let table = db.schema
        .createTable(spec.name)
        .addColumn("run_id", "text", (col) => col.notNull())
        .addColumn("row_no", "integer", (col) => col.notNull());
      for (const column of spec.columns) table = table.addColumn(column.name, DATA_TYPE[column.type]);
      await table.addPrimaryKeyConstraint(`${spec.name}_pk`, ["run_id", "row_no"]).execute();
    }

    await db.schema
      .createTable("sweeps")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("kind", "text", (col) => col.notNull())
      .addColumn("definition", "text", (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("created_at", "text", (col) => col.notNull())
      .addColumn("updated_at", "text", (col) => col.notNull())
      .addColumn("job_count", "integer", (col) => col.notNull())
      .execute();
    await db.schema
      .createTable("sweep_jobs")
      .addColumn("sweep_id", "text", (col) => col.notNull())
      .addColumn("job_id", "text", (col) => col.notNull())
      .addColumn("position", "integer", (col) => col.notNull())
      .addColumn("input", "text", (col) => col.notNull())
      .addPrimaryKeyConstraint("sweep_jobs_pk", ["sweep_id", "job_id"])
      .execute();
    // One result per job, ever: the primary key on job_id is what makes a job's result stored exactly once.
    await db.schema
      .createTable("job_results")
      .addColumn("job_id", "text", (col) => col.primaryKey())
      .addColumn("kind", "text", (col) => col.notNull())
      .addColumn("run_id", "text", (col) => col.notNull())
      .addColumn("input", "text", (col) => col.notNull())
      .addColumn("result", "text", (col) => col.notNull())
      .addColumn("worker", "text", (col) => col.notNull())
      .addColumn("finished_at", "text", (col) => col.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    for (const name of ["job_results", "sweep_jobs", "sweeps", ...Object.keys(RESULT_TABLES), "runs"]) await db.schema.dropTable(name).ifExists().execute();
  },
};

/** Migration name → migration, applied in name order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "001_initial": m001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
