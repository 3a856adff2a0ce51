/**
 * Local execution of a sweep's jobs on worker threads (no Redis): the same executeJob as a queue worker, the same
 * retry rule (3 attempts, exponential backoff from 1 s), stopped by cancellation of the sweep in the store.
 */
import type { Store } from "../store/store";
import type { SweepJob } from "./definition";
import { executeJob, type JobOutcome } from "./execute";
import { JobPool } from "./pool";
import { sweepStatus } from "./records";

export const JOB_ATTEMPTS = 3;
export const BACKOFF_MS = 1000;

export interface LocalRunResult {
  readonly outcomes: Map<string, JobOutcome>;
  readonly failures: Map<string, string>;
  readonly cancelled: boolean;
}

export async function runLocally(
  store: Store,
  sweepId: string,
  jobs: readonly SweepJob[],
  options: { threads: number; onSettled?: (stored: boolean) => void; backoffMs?: number },
): Promise<LocalRunResult> {
  const pool = new JobPool(options.threads);
  const outcomes = new Map<string, JobOutcome>();
  const failures = new Map<string, string>();
  let next = 0;
  let cancelled = false;
  let lastCheck = 0;
  const backoff = options.backoffMs ?? BACKOFF_MS;
  const lane = async () => {
    while (next < jobs.length && !cancelled) {
      if (Date.now() - lastCheck > 500) {
        lastCheck = Date.now();
        if ((await sweepStatus(store, sweepId)) === "cancelled") cancelled = true;
        if (cancelled) return;
      }
      const job = jobs[next++];
      for (let attempt = 1; ; attempt++) {
        try {
          outcomes.set(job.id, await executeJob(store, pool, { id: job.id, kind: job.kind, input: job.input, sweepId }));
          failures.delete(job.id);
          break;
        } catch (error) {
          failures.set(job.id, (error as Error)?.message ?? String(error));
          if (attempt >= JOB_ATTEMPTS) break;
          await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
        }
      }
      options.onSettled?.(!failures.has(job.id));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.threads) }, lane));
  } finally {
    await pool.close();
  }
  return { outcomes, failures, cancelled };
}
