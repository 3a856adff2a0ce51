/**
 * Distributed sweeps — public surface of src/sweeps/.
 *
 * A sweep file (YAML: job kind, base input, grid / combinations / Monte Carlo draws) becomes jobs whose ids are
 * content hashes of their inputs. `caravan sweep FILE` registers them in the store and puts the missing ones on a
 * Redis queue (BullMQ) for `caravan worker` processes on any machine, or runs them on local worker threads without
 * Redis; every job's result is stored exactly once (primary key on the job id). See docs/sweeps.md.
 */
export { runSweep, type SweepReport, type SweepRunOptions } from "./coordinator";
export { jobIdOf, planSweep, readSweepFile, type SweepJob, type SweepPlan, variantsOf } from "./definition";
export { executeJob, type JobOutcome, type QueuedJob } from "./execute";
export { DEFAULT_DATASET_DIR, JOB_KIND_NAMES, JOB_KINDS, type JobKind, type JobOutput, runJob } from "./jobs";
export { BACKOFF_MS, JOB_ATTEMPTS, runLocally } from "./local";
export { JobPool } from "./pool";
export { type Progress, progressBar } from "./progress";
export { DEFAULT_REDIS_URL, QUEUE_NAME, redisReachable, resolveRedisUrl, startQueueWorker, SweepQueue } from "./queue";
export {
  cancelSweep,
  countFinished,
  countJobStates,
  finishedJobIds,
  getSweep,
  listSweeps,
  registerSweep,
  type SweepListing,
  type SweepResultRow,
  SWEEP_JOB_STATUSES,
  type SweepJobState,
  type SweepJobStatus,
  sweepJobStates,
  sweepResults,
  sweepStatus,
} from "./records";
