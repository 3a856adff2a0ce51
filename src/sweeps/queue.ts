/**
 * The Redis-backed job queue (BullMQ): enqueueing a sweep's missing jobs under their content-hash ids (re-adding an
 * existing job is a no-op), workers that take jobs on any machine and write results to the shared store, retries
 * with exponential backoff, stalled-job recovery (a killed worker's job goes back to the queue when its lock
 * expires), and removal of a cancelled sweep's waiting jobs. bullmq and ioredis load only here.
 */
import { hostname } from "node:os";
import { CaravanError } from "../core/errors";
import type { Store } from "../store/store";
import type { SweepJob } from "./definition";
import { executeJob, type QueuedJob } from "./execute";
import { BACKOFF_MS, JOB_ATTEMPTS } from "./local";
import { JobPool } from "./pool";

export const QUEUE_NAME = "caravan-jobs";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Job data on the queue. `store` names the store the results must go to (a worker writing elsewhere refuses). */
export interface QueueJobData extends QueuedJob {
  readonly sweepId: string;
  readonly store: string;
}

export function resolveRedisUrl(option?: string): string {
  return option ?? process.env.CARAVAN_REDIS ?? DEFAULT_REDIS_URL;
}

function connectionOf(url: string): Record<string, unknown> {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new CaravanError("E_USAGE", `--redis must be a redis:// URL, not "${url}"`);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Whether Redis answers PING within `timeoutMs`; the reason when it does not. */
export async function redisReachable(url: string, timeoutMs = 1500): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { Redis } = await import("ioredis");
  const client = new Redis({ ...connectionOf(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: string | undefined;
  client.on("error", (error: Error) => {
    cause ??= error.message; // the socket's own error (ECONNREFUSED …), clearer than "Connection is closed."
  });
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: cause ?? (error as Error)?.message ?? String(error) };
  } finally {
    client.disconnect();
  }
}

/** An open queue handle for the coordinator. */
export class SweepQueue {
  private constructor(private readonly queue: import("bullmq").Queue) {}

  static async open(url: string, queueName = QUEUE_NAME): Promise<SweepQueue> {
    const { Queue } = await import("bullmq");
    const queue = new Queue(queueName, { connection: connectionOf(url) as never });
    queue.on("error", () => {});
    return new SweepQueue(queue);
  }

  /** Add the jobs not yet on the queue; jobs that failed earlier are retried. Returns how many were (re)queued. */
  async enqueue(sweepId: string, store: string, jobs: readonly SweepJob[]): Promise<number> {
    let queued = 0;
    const fresh: SweepJob[] = [];
    for (const job of jobs) {
      const existing = await this.queue.getJob(job.id);
      if (!existing) {
        fresh.push(job);
        continue;
      }
      const state = await existing.getState();
      if (state === "failed") {
        await existing.retry("failed");
        queued++;
      } else if (state === "completed" || state === "unknown") {
        await existing.remove().catch(() => undefined);
        fresh.push(job);
      }
    }
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      await this.queue.addBulk(
        chunk.map((j) => ({
          name: j.kind,
          data: { id: j.id, kind: j.kind, input: j.input, sweepId, store } satisfies QueueJobData,
          opts: { jobId: j.id, attempts: JOB_ATTEMPTS, backoff: { type: "exponential", delay: BACKOFF_MS }, removeOnComplete: true, removeOnFail: false },
        })),
      );
      queued += chunk.length;
    }
    return queued;
  }

  /** Errors of the given jobs that failed for good (attempts exhausted). */
  async failures(jobIds: ReadonlySet<string>): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    for (const job of await this.queue.getJobs(["failed"], 0, -1)) {
      if (job.id && jobIds.has(job.id)) failed.set(job.id, job.failedReason ?? "failed");
    }
    return failed;
  }

  async workerCount(): Promise<number> {
    return (await this.queue.getWorkers()).length;
  }

  /** Remove the sweep's waiting and delayed jobs (active ones finish; workers skip jobs of a cancelled sweep). */
  async removeSweep(sweepId: string): Promise<number> {
    let removed = 0;
    for (const job of await this.queue.getJobs(["waiting", "delayed", "prioritized", "failed"], 0, -1)) {
      if ((job.data as QueueJobData | undefined)?.sweepId === sweepId) {
        await job.remove().then(
          () => removed++,
          () => undefined,
        );
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface WorkerOptions {
  readonly redisUrl: string;
  readonly store: Store;
  readonly concurrency: number;
  /** How long a job's lock lives without renewal before the job counts as stalled (default 30 s). */
  readonly lockMs?: number;
  readonly queueName?: string;
  readonly onEvent?: (event: { type: "stored" | "already-stored" | "cancelled" | "failed"; jobId: string; message?: string }) => void;
}

/** Start a queue worker: takes jobs, computes them on `concurrency` threads, stores results. Resolves to a stop function. */
export async function startQueueWorker(options: WorkerOptions): Promise<{ stop: () => Promise<void>; name: string }> {
  const { Worker, UnrecoverableError } = await import("bullmq");
  const pool = new JobPool(options.concurrency);
  const name = `${hostname()}:${process.pid}`;
  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker<QueueJobData>(
    options.queueName ?? QUEUE_NAME,
    async (job) => {
      const data = job.data;
      if (data.store !== options.store.location) {
        throw new UnrecoverableError(`job belongs to the store ${data.store}; this worker writes to ${options.store.location}`);
      }
      try {
        const outcome = await executeJob(options.store, pool, data);
        options.onEvent?.({ type: outcome, jobId: data.id });
        return outcome;
      } catch (error) {
        options.onEvent?.({ type: "failed", jobId: data.id, message: (error as Error)?.message });
        throw error;
      }
    },
    { connection: connectionOf(options.redisUrl) as never, concurrency: options.concurrency, lockDuration: lockMs, stalledInterval: Math.max(1000, Math.floor(lockMs / 2)), maxStalledCount: 3, name },
  );
  worker.on("error", () => {});
  await worker.waitUntilReady();
  return {
    name,
    stop: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
