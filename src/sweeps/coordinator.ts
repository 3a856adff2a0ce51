/**
 * `caravan sweep FILE` as a function: plan the jobs, register the sweep in the store, and get the missing jobs done —
 * on the Redis queue (workers anywhere write to the shared store; this process waits, watching the store) or, with
 * `local` or when Redis does not answer, on local worker threads. Re-running the same file resumes: jobs with a
 * stored result are skipped, failed ones retried.
 */
import { availableParallelism } from "node:os";
import { CaravanError } from "../core/errors";
import type { Store } from "../store/store";
import type { SweepPlan } from "./definition";
import { runLocally } from "./local";
import type { Progress } from "./progress";
import { countFinished, finishedJobIds, registerSweep, setSweepStatus, sweepStatus } from "./records";

export interface SweepRunOptions {
  readonly store: Store;
  readonly plan: SweepPlan;
  /** Run on local worker threads, never the queue. */
  readonly local?: boolean;
  readonly redisUrl: string;
  /** The BullMQ queue name (default caravan-jobs); workers must take jobs from the same one. */
  readonly queueName?: string;
  /** Local threads (default: available cores). */
  readonly threads?: number;
  /** Return after enqueueing instead of waiting (queue mode). */
  readonly noWait?: boolean;
  readonly progress?: Progress;
  /** Notes for the user (Redis unreachable, no worker connected, …). */
  readonly note?: (text: string) => void;
  readonly pollMs?: number;
}

export interface SweepReport {
  readonly sweepId: string;
  readonly mode: "queue" | "local";
  readonly total: number;
  /** Jobs that had a stored result before this invocation. */
  readonly alreadyDone: number;
  readonly done: number;
  readonly failures: ReadonlyMap<string, string>;
  readonly elapsedS: number;
  readonly waited: boolean;
}

export async function runSweep(options: SweepRunOptions): Promise<SweepReport> {
  const { store, plan } = options;
  const note = options.note ?? (() => {});
  const t0 = performance.now();
  await registerSweep(store, plan);
  const finished = await finishedJobIds(store, plan.id);
  const missing = plan.jobs.filter((j) => !finished.has(j.id));
  const alreadyDone = plan.jobs.length - missing.length;
  const total = plan.jobs.length;
  options.progress?.update(alreadyDone, 0);
  let mode: "queue" | "local" = options.local ? "local" : "queue";
  if (mode === "queue" && missing.length > 0) {
    const { redisReachable } = await import("./queue");
    const reach = await redisReachable(options.redisUrl);
    if (!reach.ok) {
      note(`caravan: Redis at ${options.redisUrl} does not answer (${reach.reason}); running the ${missing.length} missing job(s) on local worker threads\n`);
      mode = "local";
    }
  }
  const finish = async (failures: ReadonlyMap<string, string>, waited: boolean): Promise<SweepReport> => {
    const done = await countFinished(store, plan.id);
    options.progress?.update(done, failures.size);
    options.progress?.finish();
    if (waited) {
      const status = await sweepStatus(store, plan.id);
      if (status === "cancelled") throw new CaravanError("E_SWEEP_CANCELLED", `sweep ${plan.id} (${plan.name}) was cancelled with ${done} of ${total} jobs done; run the file again to resume`);
      await setSweepStatus(store, plan.id, done === total ? "done" : "failed");
    }
    return { sweepId: plan.id, mode, total, alreadyDone, done, failures, elapsedS: (performance.now() - t0) / 1000, waited };
  };

  if (missing.length === 0) return finish(new Map(), true);

  if (mode === "local") {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    let stored = 0;
    let failed = 0;
    const result = await runLocally(store, plan.id, missing, {
      threads,
      onSettled: (ok) => {
        if (ok) stored++;
        else failed++;
        options.progress?.update(alreadyDone + stored, failed);
      },
    });
    return finish(result.failures, true);
  }

  const { SweepQueue } = await import("./queue");
  const queue = await SweepQueue.open(options.redisUrl, options.queueName);
  try {
    const queued = await queue.enqueue(plan.id, store.location, missing);
    note(`caravan: sweep ${plan.id}: ${total} jobs, ${alreadyDone} already stored, ${queued} queued on ${options.redisUrl}\n`);
    if (options.noWait) return finish(new Map(), false);
    const ids = new Set(missing.map((j) => j.id));
    let warnedNoWorker = false;
    const poll = options.pollMs ?? 500;
    const started = Date.now();
    for (;;) {
      const done = await countFinished(store, plan.id);
      const failures = await queue.failures(ids);
      if (failures.size > 0) {
        const stored = await finishedJobIds(store, plan.id);
        for (const id of [...failures.keys()]) if (stored.has(id)) failures.delete(id); // failed once, stored by a later attempt
      }
      options.progress?.update(done, failures.size);
      if (done + failures.size >= total) return finish(failures, true);
      if ((await sweepStatus(store, plan.id)) === "cancelled") return finish(failures, true);
      if (!warnedNoWorker && Date.now() - started > 3000 && (await queue.workerCount()) === 0) {
        note(`caravan: no worker is connected to ${options.redisUrl}; start one with: caravan worker --store ${store.location} --redis ${options.redisUrl}${options.queueName ? ` --queue ${options.queueName}` : ""}\n`);
        warnedNoWorker = true;
      }
      await new Promise((r) => setTimeout(r, poll));
    }
  } finally {
    await queue.close();
  }
}
