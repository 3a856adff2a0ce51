/**
 * Distributed sweeps on this machine (Redis on 127.0.0.1:6379; results into a SQLite file, or with
 * CARAVAN_BENCH_STORE=postgres into PostgreSQL on 127.0.0.1:5432 as a team would):
 *   - queue overhead per job: 1,000 trivial probe jobs (no work) through one `caravan worker --concurrency 1`
 *     process, end to end (enqueue, BullMQ hand-over, run row, result transaction, completion seen in the store),
 *     beside the same jobs on one local worker thread (no queue);
 *   - throughput of a 1,000-variant sweep of CPU-bound probe jobs (~10 ms each, calibrated here) with 1 and
 *     2 worker processes (one thread each): jobs/s and the scaling ratio (2 cores; the coordinator, Redis and the
 *     store share them).
 * Worker start-up is not timed. Skipped with a message when Redis does not answer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, type Store } from "../src/store/index";
import { planSweep, runJob, runSweep } from "../src/sweeps/index";
import { seconds } from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "src", "cli", "main.ts");
const redisUrl = process.env.CARAVAN_REDIS ?? "redis://127.0.0.1:6379";
const queueName = `caravan-bench-${process.pid}`;
const JOBS = 1000;

function redisUp(): Promise<boolean> {
  const u = new URL(redisUrl);
  return portAnswers(Number(u.port || 6379), u.hostname);
}

function portAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => resolve(false));
  });
}

function startWorkers(db: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", cli, "worker", "--store", db, "--redis", redisUrl, "--queue", queueName, "--concurrency", "1"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      return new Promise<ChildProcess>((resolve, reject) => {
        let out = "";
        const onData = (d: Buffer) => {
          out += d;
          if (out.includes("worker ")) {
            child.stdout?.off("data", onData);
            child.stdout?.resume(); // keep draining its job log
            resolve(child);
          }
        };
        child.stdout?.on("data", onData);
        child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          c.once("exit", resolve);
          c.kill("SIGTERM");
        }),
    ),
  );
}

let phase = 0;

/** A sweep of JOBS probe jobs with values of their own (new job ids), timed from planning to the last stored result. */
async function timedSweep(store: Store, name: string, base: Record<string, unknown>, local: boolean): Promise<number> {
  const offset = JOBS * phase++;
  const plan = planSweep({ name, kind: "probe", base, grid: { value: Array.from({ length: JOBS }, (_, i) => offset + i) } }, join(here, `${name}.yaml`));
  const start = process.hrtime.bigint();
  const report = await runSweep({ store, plan, redisUrl, queueName, local, threads: 1, pollMs: 50 });
  const s = seconds(start);
  if (report.done !== JOBS || report.alreadyDone !== 0) throw new Error(`sweep ${name}: ${report.done} done, ${report.alreadyDone} from before`);
  return s;
}

async function main(): Promise<void> {
  if (!(await redisUp())) {
    console.log(`sweeps: skipped (Redis at ${redisUrl} does not answer)`);
    return;
  }
  // calibrate ~10 ms of deterministic CPU work per job: warm up, then the median time per iteration of 5 runs
  for (let i = 0; i < 3; i++) await runJob("probe", { value: i, iterations: 200_000 });
  const perIteration: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await runJob("probe", { value: i, iterations: 400_000 });
    perIteration.push(seconds(start) / 400_000);
  }
  perIteration.sort((a, b) => a - b);
  const iterations = Math.round(0.01 / perIteration[2]);
  console.log(`load average before the run: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (figures are noisy when other work shares the machine)`);
  const dir = mkdtempSync(join(tmpdir(), "caravan-bench-sweeps-"));
  // a SQLite file, or with CARAVAN_BENCH_STORE=postgres the team setup's PostgreSQL (a schema dropped after)
  const pgSchema = `caravan_bench_sweeps_${process.pid}`;
  const usePg = process.env.CARAVAN_BENCH_STORE === "postgres" && (await portAnswers(5432));
  const db = usePg ? `postgres://postgres@127.0.0.1:5432/test?schema=${pgSchema}` : join(dir, "sweeps.db");
  console.log(`store: ${usePg ? "PostgreSQL (127.0.0.1:5432)" : "SQLite file"}`);
  const store = await openStore(db);
  let workers: ChildProcess[] = [];
  try {
    const tag = Date.now().toString(36);
    const localTrivialS = await timedSweep(store, `local-trivial-${tag}`, {}, true);
    workers = await startWorkers(db, 1);
    const queueTrivialS = await timedSweep(store, `queue-trivial-${tag}`, {}, false);
    const oneS = await timedSweep(store, `cpu-1-${tag}`, { iterations }, false);
    await stopWorkers(workers);
    workers = await startWorkers(db, 2);
    const twoS = await timedSweep(store, `cpu-2-${tag}`, { iterations }, false);
    console.log(`queue overhead, ${JOBS} trivial jobs, 1 worker: ${((1000 * queueTrivialS) / JOBS).toFixed(2)} ms per job (${(JOBS / queueTrivialS).toFixed(0)} jobs/s)`);
    console.log(`  same jobs on 1 local worker thread (no queue): ${((1000 * localTrivialS) / JOBS).toFixed(2)} ms per job; queue adds ${((1000 * (queueTrivialS - localTrivialS)) / JOBS).toFixed(2)} ms`);
    console.log(`${JOBS}-variant sweep, ~10 ms CPU per job (${iterations} iterations):`);
    console.log(`  1 worker:  ${oneS.toFixed(1)} s, ${(JOBS / oneS).toFixed(1)} jobs/s`);
    console.log(`  2 workers: ${twoS.toFixed(1)} s, ${(JOBS / twoS).toFixed(1)} jobs/s; scaling ×${(oneS / twoS).toFixed(2)} (ideal ×2 on 2 cores shared with coordinator, Redis and store)`);
  } finally {
    await stopWorkers(workers);
    await store.close();
    const { Queue } = await import("bullmq");
    const u = new URL(redisUrl);
    const q = new Queue(queueName, { connection: { host: u.hostname, port: Number(u.port || 6379) } });
    await q.obliterate({ force: true });
    await q.close();
    rmSync(dir, { recursive: true, force: true });
    if (usePg) {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
      await client.connect();
      await client.query(`drop schema if exists ${pgSchema} cascade`);
      await client.end();
    }
  }
}

await main();
