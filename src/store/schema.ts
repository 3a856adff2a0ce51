/**
 * The store's tables: the run table, the sweep tables and the relational result tables every stage writes.
 *
 * Result tables are declared once here (`RESULT_TABLES`: column names with units, types) and created by the
 * migrations in migrations.ts; the bulk writer, `caravan runs export` and the schema test read the same declaration.
 * Every result table has the key (run_id, row_no): rows of one run keep their order, and deleting a run's rows or
 * exporting them uses the key's prefix. Changing a table later means a new migration plus an edit here, never an
 * edit of a shipped migration.
 */

/** Column types portable over SQLite and PostgreSQL. `json` is stored as text. */
export type ColumnType = "text" | "real" | "integer" | "json";

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** One line shown in docs/store.md. */
  readonly note: string;
}

export interface ResultTableSpec {
  readonly name: string;
  readonly note: string;
  readonly columns: readonly ColumnSpec[];
}

const c = (name: string, type: ColumnType, note: string): ColumnSpec => ({ name, type, note });

/** The result tables of schema version 1 (migration 001). */
export const RESULT_TABLES = {
  link_flows: {
    name: "link_flows",
    note: "flow on each network link or ferry arc after an assignment",
    columns: [
      c("link_id", "text", "link, ferry or arc label (TNTP: link number)"),
      c("from_id", "text", "from place id (TNTP: node number)"),
      c("to_id", "text", "to place id (TNTP: node number)"),
      c("mode", "text", "rail, road, sea, ferry, … (TNTP: null)"),
      c("flow_t", "real", "flow, tonnes per year (TNTP: the network's flow unit)"),
      c("capacity_t", "real", "capacity in the same unit; null where unlimited"),
      c("vc", "real", "volume/capacity; null where unlimited"),
      c("from_lon", "real", "from place longitude, degrees (null for TNTP)"),
      c("from_lat", "real", "from place latitude, degrees"),
      c("to_lon", "real", "to place longitude, degrees"),
      c("to_lat", "real", "to place latitude, degrees"),
    ],
  },
  crossing_volumes: {
    name: "crossing_volumes",
    note: "tonnes per year over each border crossing",
    columns: [
      c("crossing_id", "text", "crossing id"),
      c("name", "text", "crossing name"),
      c("countries", "text", "the two ISO3 codes, '-'-joined"),
      c("total_t", "real", "tonnes per year, both directions"),
      c("max_vc", "real", "highest volume/capacity of its arcs; null without capacity"),
      c("by_direction_t", "json", "tonnes per year by direction FROM→TO"),
    ],
  },
  transit_by_country: {
    name: "transit_by_country",
    note: "tonnes crossing a country without starting or ending there",
    columns: [
      c("country", "text", "ISO3"),
      c("transit_t", "real", "tonnes per year, all classes"),
      c("container_teu", "real", "container-class transit in TEU"),
      c("by_class_t", "json", "tonnes per year by demand class"),
    ],
  },
  pair_changes: {
    name: "pair_changes",
    note: "city-pair or country-pair shipment-time changes between a baseline and a scenario",
    columns: [
      c("origin", "text", "exporter / origin (ISO3 or place id)"),
      c("destination", "text", "importer / destination"),
      c("baseline_time_h", "real", "baseline shipment time, hours"),
      c("scenario_time_h", "real", "scenario shipment time, hours"),
      c("change_pct", "real", "relative change, percent"),
    ],
  },
  coefficients: {
    name: "coefficients",
    note: "estimated coefficients of a model (gravity PPML, …)",
    columns: [
      c("term", "text", "regressor name"),
      c("estimate", "real", "point estimate"),
      c("std_error", "real", "standard error"),
      c("z_value", "real", "estimate / standard error"),
      c("p_value", "real", "two-sided p-value"),
    ],
  },
  ge_results: {
    name: "ge_results",
    note: "general-equilibrium counterfactual results, one row per country (or pair) and measure",
    columns: [
      c("country", "text", "ISO3 (or exporter for pair measures)"),
      c("partner", "text", "importer for pair measures, else null"),
      c("measure", "text", "e.g. real_gdp_change_pct, exports_change_pct"),
      c("value", "real", "the figure in the unit the measure name states"),
    ],
  },
  appraisal_streams: {
    name: "appraisal_streams",
    note: "appraisal cost and benefit streams by year",
    columns: [
      c("year", "integer", "calendar year"),
      c("stream", "text", "stream name (capex, opex, time_savings, …)"),
      c("value_usd", "real", "undiscounted value, US dollars of the price base"),
    ],
  },
  appraisal_results: {
    name: "appraisal_results",
    note: "appraisal indicators (NPV, BCR, IRR, …)",
    columns: [
      c("measure", "text", "indicator name with unit (npv_usd, bcr, irr_pct, …)"),
      c("value", "real", "the figure"),
    ],
  },
  metrics: {
    name: "metrics",
    note: "named scalar results of any stage (summary figures, sweep job outputs)",
    columns: [
      c("key", "text", "metric name with unit (relative_gap, transit_kaz_t, …)"),
      c("value", "real", "the figure; null when not defined"),
      c("text_value", "text", "a textual value where the metric is not a number"),
    ],
  },
} as const satisfies Record<string, ResultTableSpec>;

export type ResultTableName = keyof typeof RESULT_TABLES;
export const RESULT_TABLE_NAMES = Object.keys(RESULT_TABLES) as ResultTableName[];

export type CellValue = string | number | null;
/** One result row, keyed by column name (run_id and row_no are added by the writer). */
export type ResultRow = Readonly<Record<string, CellValue | object>>;
/** Result tables of one run: table name → rows. */
export type ResultTables = Partial<Record<ResultTableName, readonly ResultRow[]>>;

export const RUN_STATUSES = ["running", "done", "failed", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Kysely's view of the fixed tables (result tables are reached through RESULT_TABLES and `sql`). */
export interface RunsTable {
  id: string;
  kind: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  inputs_hash: string;
  inputs: string;
  dataset_hash: string | null;
  code_version: string;
  parameters: string;
  timings: string | null;
  summary: string | null;
  output: string | null;
  error: string | null;
  pid: number;
  hostname: string;
  process_started_at: string;
  job_id: string | null;
}

export interface SweepsTable {
  id: string;
  name: string;
  kind: string;
  definition: string;
  status: "running" | "done" | "cancelled" | "failed";
  created_at: string;
  updated_at: string;
  job_count: number;
}

export interface SweepJobsTable {
  sweep_id: string;
  job_id: string;
  position: number;
  input: string;
}

export interface JobResultsTable {
  job_id: string;
  kind: string;
  run_id: string;
  input: string;
  result: string;
  worker: string;
  finished_at: string;
}

export interface StoreSchema {
  runs: RunsTable;
  sweeps: SweepsTable;
  sweep_jobs: SweepJobsTable;
  job_results: JobResultsTable;
}
