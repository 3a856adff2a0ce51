/**
 * Sweeps on the Redis queue with real worker processes: a 50-job sweep with two workers, one killed with SIGKILL in
 * the middle of a job — the sweep completes and every job's result is stored exactly once; the killed worker's run
 * is marked interrupted. Skipped when Redis does not answer on 127.0.0.1:6379.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index";
import { planSweep, runSweep, startQueueWorker, sweepResults } from "../../src/sweeps/index";
import { REDIS_UP, tempDir, tsxArgs } from "../store/helpers";

const tmp = tempDir("sweep-queue");
const cli = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const queueName = `caravan-test-${process.pid}-${Date.now().toString(36)}`;
const redisUrl = "redis://127.0.0.1:6379";
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (REDIS_UP) {
    const { Queue } = await import("bullmq");
    const q = new Queue(queueName, { connection: { host: "127.0.0.1", port: 6379 } });
    await q.obliterate({ force: true });
    await q.close();
  }
  tmp.cleanup();
});

function startWorker(db: string): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, tsxArgs(cli, "worker", "--store", db, "--redis", redisUrl, "--queue", queueName, "--concurrency", "2", "--lock-seconds", "2"), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("worker ")) resolve();
    });
    child.stderr?.on("data", (d) => (out += d));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
  return { child, ready, output: () => out };
}

describe.skipIf(!REDIS_UP)("sweeps on the Redis queue (127.0.0.1:6379)", () => {
  it("50 jobs over two workers, one killed with SIGKILL mid-job: all done, each result stored exactly once", async () => {
    const db = join(tmp.dir, "queue.db");
    await (await openStore(db)).close();
    const a = startWorker(db);
    const b = startWorker(db);
    await Promise.all([a.ready, b.ready]);
    const store = await openStore(db);
    try {
      const plan = planSweep({ name: "fifty", kind: "probe", base: { sleepMs: 150, iterations: 1000 }, grid: { value: Array.from({ length: 50 }, (_, i) => i) } }, join(tmp.dir, "q.yaml"));
      const sweep = runSweep({ store, plan, redisUrl, queueName, pollMs: 100 });
      // kill worker A while a job of it is running (its run row says so)
      const pidA = a.child.pid as number;
      let killedRun = "";
      for (let i = 0; i < 500 && !killedRun; i++) {
        const row = await store.db.selectFrom("runs").select("id").where("pid", "=", pidA).where("status", "=", "running").executeTakeFirst();
        if (row) {
          a.child.kill("SIGKILL");
          killedRun = row.id;
        } else await new Promise((r) => setTimeout(r, 10));
      }
      expect(killedRun).not.toBe("");
      const report = await sweep;
      expect(report.mode).toBe("queue");
      expect(report.failures.size).toBe(0);
      expect(report.done).toBe(50);
      const results = await sweepResults(store, plan.id);
      expect(results.length).toBe(50);
      expect(new Set(results.map((r) => r.jobId)).size).toBe(50);
      expect(results.map((r) => r.metrics.value)).toEqual(plan.jobs.map((j) => j.input.value));
      // exactly one done run per job, and its rows are the only rows of the job
      const perJob = await sql<{ job_id: string; n: number }>`select job_id, count(*) as n from runs where status = 'done' and job_id is not null group by job_id`.execute(store.db);
      expect(perJob.rows.length).toBe(50);
      expect(perJob.rows.every((r) => Number(r.n) === 1)).toBe(true);
      const stray = await sql<{ n: number }>`select count(*) as n from metrics where run_id not in (select id from runs where status = 'done')`.execute(store.db);
      expect(Number(stray.rows[0].n)).toBe(0);
      // the job the killed worker was running was finished by worker B
      const killedJob = (await store.db.selectFrom("runs").select("job_id").where("id", "=", killedRun).executeTakeFirst())?.job_id as string;
      expect(results.find((r) => r.jobId === killedJob)?.worker).toBe(`${(await import("node:os")).hostname()}:${b.child.pid}`);
    } finally {
      await store.close();
    }
    // the next open marks the killed worker's run interrupted
    const again = await openStore(db);
    try {
      const interrupted = await again.listRuns({ status: "interrupted" });
      expect(interrupted.length).toBeGreaterThanOrEqual(1);
    } finally {
      await again.close();
    }
    b.child.kill("SIGTERM");
  });

  it("a worker writing to another store refuses the sweep's jobs at once; the sweep reports them failed", async () => {
    const mine = await openStore(join(tmp.dir, "mine.db"));
    const other = await openStore(join(tmp.dir, "other.db"));
    const worker = await startQueueWorker({ redisUrl, store: other, concurrency: 1, queueName: `${queueName}-mismatch`, lockMs: 2000 });
    try {
      const plan = planSweep({ name: "elsewhere", kind: "probe", grid: { value: [1, 2] } }, join(tmp.dir, "m.yaml"));
      const report = await runSweep({ store: mine, plan, redisUrl, queueName: `${queueName}-mismatch`, pollMs: 100 });
      expect(report.done).toBe(0);
      expect(report.failures.size).toBe(2);
      for (const message of report.failures.values()) expect(message).toMatch(/belongs to the store .*mine\.db; this worker writes to .*other\.db/);
      expect(await other.listRuns()).toEqual([]);
    } finally {
      await worker.stop();
      await mine.close();
      await other.close();
      const { Queue } = await import("bullmq");
      const q = new Queue(`${queueName}-mismatch`, { connection: { host: "127.0.0.1", port: 6379 } });
      await q.obliterate({ force: true });
      await q.close();
    }
  });
});
