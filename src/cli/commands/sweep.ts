/**
 * `caravan sweep FILE` (run or resume a sweep: queue + remote workers, or local threads) and `caravan sweep cancel
 * ID`. The store and queue modules load only when a sweep command runs.
 */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import type { SweepResultRow } from "../../sweeps/index";
import { stdoutOf } from "../io";
import { numberOption } from "../options";

interface SweepFlags {
  store?: string;
  redis?: string;
  queue?: string;
  local?: boolean;
  threads?: string;
  wait: boolean;
  json?: boolean;
  top: string;
  metrics?: string;
}

/** Notes about where the jobs run (queue, Redis unreachable, no worker connected) go to stderr. */
const note = (text: string) => {
  process.stderr.write(text);
};

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = numberOption(name, value, true) as number;
  if (!(Number.isInteger(n) && n > 0)) throw new CaravanError("E_USAGE", `${name} must be a positive integer, not "${value}"`);
  return n;
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") {
    if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(3);
    if (Number.isInteger(v) && Math.abs(v) < 10_000) return String(v); // years, counts
    if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
    return String(Number(v.toPrecision(6)));
  }
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.join("+");
  return String(v);
}

/** The varied fields of stored jobs: the input fields whose values differ between jobs. */
function variedFields(results: readonly SweepResultRow[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of results) for (const [k, v] of Object.entries(r.input)) (values.get(k) ?? values.set(k, new Set()).get(k))?.add(JSON.stringify(v));
  return [...values].filter(([, set]) => set.size > 1).map(([k]) => k);
}

/** The job table printed after a sweep and by `sweep show`: job, varied fields, metrics, run, worker. */
function resultTable(results: readonly SweepResultRow[], variantOf: (r: SweepResultRow) => Record<string, unknown>, metrics: string | undefined, top: number): string[] {
  const shown = results.slice(0, top);
  if (shown.length === 0) return [];
  const variantKeys = [...new Set(shown.flatMap((r) => Object.keys(variantOf(r))))];
  const available = [...new Set(shown.flatMap((r) => Object.keys(r.metrics)))];
  const wanted = metrics
    ?.split(",")
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
  for (const m of wanted ?? []) {
    if (!available.includes(m)) throw new CaravanError("E_USAGE", `--metrics: no metric "${m}" in this sweep's results`, { didYouMean: suggest(m, available) });
  }
  const metricKeys = wanted ?? available.slice(0, 6);
  const rows = [["job", ...variantKeys, ...metricKeys, "run", "worker"]];
  for (const r of shown) {
    const v = variantOf(r);
    rows.push([String(r.position + 1), ...variantKeys.map((k) => formatCell(v[k])), ...metricKeys.map((k) => formatCell(r.metrics[k])), r.runId, r.worker]);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  const lines = ["", ...rows.map((row) => row.map((c, k) => (k === 0 || k > variantKeys.length + metricKeys.length ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  ").trimEnd())];
  if (results.length > shown.length) lines.push(`… ${results.length - shown.length} more (--top N, --json, or SQL on the job_results table)`);
  return lines;
}

/** Registers `caravan sweep FILE`, `sweep list`, `sweep show ID` and `sweep cancel ID`. */
export function register(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("run a sweep of jobs (grid, combinations, Monte Carlo draws) on a Redis queue with workers anywhere, or on local threads; resumes when run again")
    .argument("[file]", "the sweep definition (YAML)")
    .option("--store <file|url>", "where results go: a SQLite file or a postgres:// URL shared by the workers (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--redis <url>", "the Redis queue (default: $CARAVAN_REDIS, else redis://127.0.0.1:6379)")
    .option("--queue <name>", "the queue's name, shared with the workers", "caravan-jobs")
    .option("--local", "run the jobs on local worker threads instead of the queue")
    .option("--threads <n>", "local worker threads (default: the number of cores)")
    .option("--no-wait", "queue the jobs and return without waiting for them")
    .option("--top <n>", "job results listed after the sweep", "20")
    .option("--metrics <names>", "comma-separated metrics to list (default: the first six of the job kind)")
    .option("--json", "print the sweep report and every job's result as JSON")
    .action(async (file: string | undefined, flags: SweepFlags, cmd: Command) => {
      if (file === undefined) throw new CaravanError("E_USAGE", "give a sweep file (caravan sweep FILE) or a subcommand (caravan sweep cancel ID)");
      const threads = positiveInt("--threads", flags.threads);
      const top = flags.top === "0" ? 0 : (positiveInt("--top", flags.top) ?? 20);
      const [{ openStore, resolveStoreLocation }, sweeps] = await Promise.all([import("../../store/index"), import("../../sweeps/index")]);
      const plan = sweeps.readSweepFile(file);
      const redisUrl = sweeps.resolveRedisUrl(flags.redis);
      const store = await openStore(resolveStoreLocation(flags.store));
      try {
        const report = await sweeps.runSweep({
          store,
          plan,
          local: flags.local === true,
          redisUrl,
          queueName: flags.queue,
          threads: threads ?? availableParallelism(),
          noWait: flags.wait === false,
          progress: sweeps.progressBar(plan.jobs.length, `sweep ${plan.id}`),
          note,
        });
        const results = await sweeps.sweepResults(store, plan.id);
        const out = stdoutOf(cmd);
        if (flags.json) {
          out(`${JSON.stringify({ ...report, failures: Object.fromEntries(report.failures), name: plan.name, kind: plan.kind, results }, null, 2)}\n`);
        } else {
          const lines = [
            `sweep ${plan.id} (${plan.name}): ${plan.jobs.length} ${plan.kind} jobs, ${report.done} with stored results ` +
              `(${report.alreadyDone} from before, ${report.done - report.alreadyDone} now), ${report.failures.size} failed; ` +
              `${report.mode === "local" ? "local threads" : `queue ${redisUrl}`}; ${report.elapsedS.toFixed(1)} s; store ${store.location}`,
          ];
          if (!report.waited) lines.push("jobs queued; not waiting (--no-wait). Run the same command again to wait for them or resume.");
          const byJob = new Map(plan.jobs.map((j) => [j.id, j.variant]));
          lines.push(...resultTable(results, (r) => byJob.get(r.jobId) ?? {}, flags.metrics, top));
          for (const [id, message] of report.failures) lines.push(`failed: job ${id.slice(0, 16)}: ${message}`);
          out(`${lines.join("\n")}\n`);
        }
        if (report.waited && report.failures.size > 0) {
          throw new CaravanError("E_SWEEP_FAILED", `${report.failures.size} of ${plan.jobs.length} jobs failed after every retry; run the file again to retry them`);
        }
      } finally {
        await store.close();
      }
    });

  sweep
    .command("list")
    .description("stored sweeps, newest first: status and jobs done")
    .option("--store <file|url>", "the store (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--json", "print {sweeps: [{id, name, kind, status, createdAt, updatedAt, jobs, done}]}")
    .action(async (flags: { store?: string; json?: boolean }, cmd: Command) => {
      const [{ openStore, resolveStoreLocation }, sweeps] = await Promise.all([import("../../store/index"), import("../../sweeps/index")]);
      const store = await openStore(resolveStoreLocation(flags.store));
      try {
        const list = await sweeps.listSweeps(store);
        const out = stdoutOf(cmd);
        if (flags.json) return out(`${JSON.stringify({ sweeps: list }, null, 2)}\n`);
        if (list.length === 0) return out("no sweeps\n");
        const rows = [["id", "name", "kind", "status", "done", "created"], ...list.map((s) => [s.id, s.name, s.kind, s.status, `${s.done}/${s.jobs}`, s.createdAt])];
        const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
        out(`${rows.map((r) => r.map((c, k) => c.padEnd(widths[k])).join("  ").trimEnd()).join("\n")}\n`);
      } finally {
        await store.close();
      }
    });

  sweep
    .command("show")
    .description("a stored sweep's progress and its jobs' results")
    .argument("<id>", "sweep id (or a unique prefix)")
    .option("--store <file|url>", "the store (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--top <n>", "job results listed", "20")
    .option("--metrics <names>", "comma-separated metrics to list (default: the first six)")
    .option("--json", "print the sweep and every job's result as JSON")
    .action(async (id: string, flags: { store?: string; top: string; metrics?: string; json?: boolean }, cmd: Command) => {
      const top = flags.top === "0" ? 0 : (positiveInt("--top", flags.top) ?? 20);
      const [{ openStore, resolveStoreLocation }, sweeps] = await Promise.all([import("../../store/index"), import("../../sweeps/index")]);
      const store = await openStore(resolveStoreLocation(flags.store));
      try {
        const found = await sweeps.listSweeps(store, id);
        if (found.length !== 1) {
          const all = (await sweeps.listSweeps(store)).map((s) => s.id);
          throw new CaravanError("E_SWEEP_UNKNOWN", found.length === 0 ? `no sweep "${id}" in ${store.location}` : `sweep id prefix "${id}" matches several sweeps`, {
            didYouMean: suggest(id, all),
          });
        }
        const s = found[0];
        const results = await sweeps.sweepResults(store, s.id);
        const out = stdoutOf(cmd);
        if (flags.json) return out(`${JSON.stringify({ ...s, results }, null, 2)}\n`);
        const varied = variedFields(results);
        const lines = [`sweep ${s.id} (${s.name}): ${s.jobs} ${s.kind} jobs, ${s.done} with stored results; ${s.status}; created ${s.createdAt}`];
        lines.push(...resultTable(results, (r) => Object.fromEntries(varied.map((k) => [k, r.input[k]])), flags.metrics, top));
        out(`${lines.join("\n")}\n`);
      } finally {
        await store.close();
      }
    });

  sweep
    .command("cancel")
    .description("cancel a sweep: its waiting jobs leave the queue, workers skip the rest; running jobs finish")
    .argument("<id>", "sweep id (or a unique prefix)")
    .option("--store <file|url>", "the store of the sweep (default: $CARAVAN_STORE, else ./caravan.db)")
    .option("--redis <url>", "the Redis queue (default: $CARAVAN_REDIS, else redis://127.0.0.1:6379)")
    .option("--queue <name>", "the queue's name", "caravan-jobs")
    .action(async (id: string, flags: { store?: string; redis?: string; queue: string }, cmd: Command) => {
      const [{ openStore, resolveStoreLocation }, sweeps] = await Promise.all([import("../../store/index"), import("../../sweeps/index")]);
      const store = await openStore(resolveStoreLocation(flags.store));
      try {
        const c = await sweeps.cancelSweep(store, id);
        if (c.wasDone) {
          stdoutOf(cmd)(`sweep ${c.id} (${c.name}) has finished (${c.finished} of ${c.total} jobs done); nothing to cancel\n`);
          return;
        }
        let removed = 0;
        const redisUrl = sweeps.resolveRedisUrl(flags.redis);
        const reach = await sweeps.redisReachable(redisUrl);
        if (reach.ok) {
          const queue = await sweeps.SweepQueue.open(redisUrl, flags.queue);
          try {
            removed = await queue.removeSweep(c.id);
          } finally {
            await queue.close();
          }
        }
        stdoutOf(cmd)(
          `cancelled sweep ${c.id} (${c.name}): ${c.finished} of ${c.total} jobs done; ` +
            (reach.ok ? `${removed} queued job(s) removed from ${redisUrl}` : `queue ${redisUrl} not reachable (${reach.reason}); workers skip the sweep's jobs`) +
            "\n",
        );
      } finally {
        await store.close();
      }
    });
}
