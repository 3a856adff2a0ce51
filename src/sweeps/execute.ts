/**
 * One job, executed: skipped when its result is already stored or its sweep was cancelled; otherwise its run row is
 * inserted (running), the job computed on the pool, and its result stored exactly once. Both the BullMQ worker and
 * the local runner call this — the one code path of a job.
 */
import type { Store } from "../store/store";
import type { JobPool } from "./pool";
import { beginJob, hasResult, sweepStatus } from "./records";

export interface QueuedJob {
  readonly id: string;
  readonly kind: string;
  readonly input: Record<string, unknown>;
  readonly sweepId?: string;
}

export type JobOutcome = "stored" | "already-stored" | "cancelled";

export async function executeJob(store: Store, pool: JobPool, job: QueuedJob): Promise<JobOutcome> {
  if (await hasResult(store, job.id)) return "already-stored";
  if (job.sweepId !== undefined && (await sweepStatus(store, job.sweepId)) === "cancelled") return "cancelled";
  const attempt = await beginJob(store, job);
  const t0 = performance.now();
  let output: Awaited<ReturnType<JobPool["run"]>>;
  try {
    output = await pool.run(job.kind, job.input);
  } catch (error) {
    await attempt.fail((error as Error)?.message ?? String(error));
    throw error;
  }
  const stored = await attempt.finish(output, { computeS: (performance.now() - t0) / 1000 });
  return stored ? "stored" : "already-stored";
}
