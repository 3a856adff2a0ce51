/**
 * The run store — public surface of src/store/.
 *
 * Every computing command records its run here: SQLite through better-sqlite3 (default `./caravan.db`, or
 * `--store FILE`) or PostgreSQL (`--store postgres://…` or CARAVAN_STORE); one schema and one list of migrations
 * for both dialects through Kysely. A run row is inserted as `running` with its writer's pid, host and process
 * start time; its result rows and the flip to `done` are written in one transaction; a run whose writer died is
 * marked `interrupted` the next time any process opens the store. See docs/store.md.
 *
 * How a CLI command records its runs (src/cli/store-option.ts does the work; `assign` and `gravity estimate` show it):
 *
 *   import { addStoreOptions, recordRun } from "../store-option";
 *   addStoreOptions(program.command("scenario run") …)            // adds --store FILE|URL, --no-store, --force
 *     .action(async (flags, cmd) => {
 *       await recordRun(cmd, {
 *         kind: "scenario",                                      // the runs.kind column
 *         files: { scenario: flags.file },                        // input files, hashed by content
 *         parameters: { year: flags.year, … },                    // every option that changes results
 *         datasetDir: dataDir,                                    // network dataset, hashed (or omit)
 *         reusable: flags.out === undefined,                     // false when the command writes files
 *       }, async (run) => {
 *         … compute …
 *         run.out(text);                                         // printed now, stored for reuse
 *         run.table("pair_changes", rows);                       // result rows (schema.ts RESULT_TABLES)
 *         run.summary({ … });                                    // JSON summary shown by `runs show`
 *       });
 *     });
 *
 * `appraise` writes appraisal_streams and appraisal_results, `study` its stages' tables under one run each; code
 * that is not a CLI command (the HTTP API, sweep jobs) calls openStore() and Store.beginRun / completeRun directly.
 */
export type { Backend, Dialect, Writer } from "./backend";
export { exportRun, EXPORT_FORMATS, type ExportFormat } from "./export";
export { codeVersion } from "../core/package";
export { canonicalJson, dirInput, fileInput, fileInputWithReads, scenarioReads, sha256 } from "./hash";
export { currentProcess, writerIsGone } from "./process-info";
export {
  type CellValue,
  type ColumnSpec,
  RESULT_TABLE_NAMES,
  RESULT_TABLES,
  type ResultRow,
  type ResultTableName,
  type ResultTables,
  RUN_STATUSES,
  type RunStatus,
} from "./schema";
export {
  DEFAULT_STORE_FILE,
  inputsHashOf,
  isPostgresUrl,
  openStore,
  resolveStoreLocation,
  type RunListing,
  type RunRecord,
  type RunResults,
  type RunSpec,
  Store,
} from "./store";
