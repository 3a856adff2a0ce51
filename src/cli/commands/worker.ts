/**
 * `caravan worker`: a queue worker for sweeps, started on any machine. It takes jobs from the Redis queue, computes
 * them on worker threads and writes their results to the store (PostgreSQL for a team). Stops cleanly on SIGINT or
 * SIGTERM (running jobs finish); a worker killed outright loses nothing: its jobs return to the queue when their
 * locks expire and its runs are marked interrupted.
 */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { stdoutOf } from "../io";
import { numberOption } from "../options";

/** Registers `caravan worker [--concurrency N] [--store …] [--redis …]`. */
export function register(program: Command): void {
  program
    .command("worker")
    .description("take sweep jobs from the Redis queue, compute them and store their results (run on any number of machines)")
    .option("--concurrency <n>", "jobs computed at once, each on its own thread (default: the number of cores)")
    .option("--store <file|url>", "where results go; must be the sweep's store (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--redis <url>", "the Redis queue (default: $CARAVAN_REDIS, else redis://127.0.0.1:6379)")
    .option("--queue <name>", "the queue's name, as given to caravan sweep", "caravan-jobs")
    .option("--lock-seconds <s>", "a job whose worker stops renewing its lock this long goes back to the queue", "30")
    .option("--max-jobs <n>", "exit after this many jobs (default: run until stopped)")
    .action(async (flags: { concurrency?: string; store?: string; redis?: string; lockSeconds: string; maxJobs?: string; queue: string }, cmd: Command) => {
      const concurrency = numberOption("--concurrency", flags.concurrency) ?? availableParallelism();
      if (!(Number.isInteger(concurrency) && concurrency > 0)) throw new CaravanError("E_USAGE", `--concurrency must be a positive integer, not "${flags.concurrency}"`);
      const lockS = numberOption("--lock-seconds", flags.lockSeconds) as number;
      if (!(lockS >= 1 && lockS <= 3600)) throw new CaravanError("E_USAGE", `--lock-seconds must be between 1 and 3600, not "${flags.lockSeconds}"`);
      const maxJobs = numberOption("--max-jobs", flags.maxJobs) ?? Number.POSITIVE_INFINITY;
      if (!(maxJobs > 0)) throw new CaravanError("E_USAGE", `--max-jobs must be a positive integer, not "${flags.maxJobs}"`);
      const [{ openStore, resolveStoreLocation }, sweeps] = await Promise.all([import("../../store/index"), import("../../sweeps/index")]);
      const redisUrl = sweeps.resolveRedisUrl(flags.redis);
      const reach = await sweeps.redisReachable(redisUrl);
      if (!reach.ok) throw new CaravanError("E_QUEUE_UNAVAILABLE", `Redis at ${redisUrl} does not answer (${reach.reason}); give --redis URL or set CARAVAN_REDIS`);
      const store = await openStore(resolveStoreLocation(flags.store));
      const out = stdoutOf(cmd);
      let handled = 0;
      let requestStop: () => void = () => {};
      const stopped = new Promise<void>((resolveStopped) => {
        requestStop = resolveStopped;
      });
      process.once("SIGINT", () => requestStop());
      process.once("SIGTERM", () => requestStop());
      let worker: Awaited<ReturnType<typeof sweeps.startQueueWorker>>;
      try {
        worker = await sweeps.startQueueWorker({
          redisUrl,
          store,
          concurrency,
          lockMs: lockS * 1000,
          queueName: flags.queue,
          onEvent: (e) => {
            out(`${new Date().toISOString()} ${e.type} ${e.jobId.slice(0, 16)}${e.message ? `: ${e.message}` : ""}\n`);
            if (++handled >= maxJobs) requestStop();
          },
        });
      } catch (error) {
        await store.close();
        throw error;
      }
      out(`worker ${worker.name}: ${concurrency} thread(s), queue ${redisUrl}, store ${store.location}\n`);
      await stopped;
      await worker.stop();
      await store.close();
    });
}
