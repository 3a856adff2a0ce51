/**
 * The sweep tables of the store: a sweep and its job list (registered idempotently, so re-running a sweep file
 * resumes it), job results stored exactly once (primary key on the job id, written in the same transaction as the
 * job's run and its result rows), progress counts and cancellation.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import { CaravanError } from "../core/errors";
import { canonicalJson, fileInputWithReads, treeHash } from "../store/hash";
import type { Store } from "../store/store";
import { DEFAULT_DATASET_DIR, JOB_KINDS, type JobOutput } from "./jobs";
import type { SweepJob, SweepPlan } from "./definition";

export type SweepStatus = "running" | "done" | "cancelled" | "failed";

const now = (): string => new Date().toISOString();

/** Insert the sweep and its jobs where missing; a cancelled or finished sweep run again goes back to running. */
export async function registerSweep(store: Store, plan: SweepPlan): Promise<void> {
  const db = store.db;
  await store.write(async (w) => {
    await w.run(
      db
        .insertInto("sweeps")
        .values({ id: plan.id, name: plan.name, kind: plan.kind, definition: canonicalJson(plan.definition), status: "running", created_at: now(), updated_at: now(), job_count: plan.jobs.length })
        .onConflict((oc) => oc.column("id").doUpdateSet({ status: "running", updated_at: now() })),
    );
    for (let i = 0; i < plan.jobs.length; i += 200) {
      const chunk = plan.jobs.slice(i, i + 200);
      await w.run(
        db
          .insertInto("sweep_jobs")
          .values(chunk.map((j) => ({ sweep_id: plan.id, job_id: j.id, position: j.position, input: canonicalJson(j.input) })))
          .onConflict((oc) => oc.columns(["sweep_id", "job_id"]).doNothing()),
      );
    }
  });
}

/** Ids of the sweep's jobs that have a stored result. */
export async function finishedJobIds(store: Store, sweepId: string): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom("sweep_jobs")
    .innerJoin("job_results", "job_results.job_id", "sweep_jobs.job_id")
    .select("sweep_jobs.job_id")
    .where("sweep_jobs.sweep_id", "=", sweepId)
    .execute();
  return new Set(rows.map((r) => r.job_id));
}

export async function countFinished(store: Store, sweepId: string): Promise<number> {
  const row = await store.db
    .selectFrom("sweep_jobs")
    .innerJoin("job_results", "job_results.job_id", "sweep_jobs.job_id")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("sweep_jobs.sweep_id", "=", sweepId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function sweepStatus(store: Store, sweepId: string): Promise<SweepStatus | null> {
  const row = await store.db.selectFrom("sweeps").select("status").where("id", "=", sweepId).executeTakeFirst();
  return (row?.status as SweepStatus | undefined) ?? null;
}

export async function setSweepStatus(store: Store, sweepId: string, status: SweepStatus): Promise<void> {
  await store.write(async (w) => {
    await w.run(store.db.updateTable("sweeps").set({ status, updated_at: now() }).where("id", "=", sweepId));
  });
}

/** Mark a sweep cancelled; E_SWEEP_UNKNOWN (with suggestions) for an unknown id. Returns the sweep's name. */
export async function cancelSweep(store: Store, sweepId: string): Promise<{ id: string; name: string; finished: number; total: number; wasDone: boolean }> {
  const sweep = await getSweep(store, sweepId);
  const wasDone = sweep.status === "done" && sweep.done === sweep.jobs;
  if (!wasDone) await setSweepStatus(store, sweep.id, "cancelled");
  return { id: sweep.id, name: sweep.name, finished: sweep.done, total: sweep.jobs, wasDone };
}

export async function hasResult(store: Store, jobId: string): Promise<boolean> {
  const row = await store.db.selectFrom("job_results").select("job_id").where("job_id", "=", jobId).executeTakeFirst();
  return row !== undefined;
}

/** The job-execution record of one attempt: begin (run row, running) and finish (results exactly once). */
export interface JobAttempt {
  readonly runId: string;
  /** Store the output; false when another attempt stored this job's result first (then this run is removed). */
  finish(output: JobOutput, timings: Record<string, number>): Promise<boolean>;
  fail(message: string): Promise<void>;
}

/**
 * The run record of a job's inputs: the input with its files replaced by their content hashes (a scenario file with
 * the files it reads), the dataset's hash (jobs reading the network), and as the run's parameters every input field
 * that is not a file or folder (the options the job ran with: demand scale, year, month, cost basis, rates month,
 * value-of-time segments…).
 */
async function jobInputs(job: Pick<SweepJob, "kind" | "input">): Promise<{ inputs: Record<string, unknown>; parameters: Record<string, unknown>; datasetHash: string | null }> {
  const spec = JOB_KINDS[job.kind];
  const inputs: Record<string, unknown> = { ...job.input };
  const parameters: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(job.input)) if (!spec?.fileFields.includes(k) && !spec?.dirFields.includes(k)) parameters[k] = v;
  for (const f of spec?.fileFields ?? []) if (typeof inputs[f] === "string") inputs[f] = fileInputWithReads(inputs[f] as string);
  // a dataset folder by the content of every file under it (rates/, observations/ and demand/ included), as in the job id
  for (const f of spec?.dirFields ?? []) {
    const dir = typeof inputs[f] === "string" ? (inputs[f] as string) : f === "data" ? DEFAULT_DATASET_DIR : null;
    if (dir !== null) inputs[f] = { path: resolve(dir), treeSha256: treeHash(dir) };
  }
  // further files the job reads (a scenario sweep's scenario file and its chain), as hashed into the job id
  if (spec?.dependencies) inputs.dependencies = spec.dependencies(job.input);
  let datasetHash: string | null = null;
  if (spec?.dirFields.includes("data")) {
    const { datasetHash: hashDataset } = await import("../network/open");
    datasetHash = hashDataset(typeof job.input.data === "string" ? job.input.data : DEFAULT_DATASET_DIR);
  }
  return { inputs, parameters, datasetHash };
}

export async function beginJob(store: Store, job: Pick<SweepJob, "id" | "kind" | "input">, workerName = `${hostname()}:${process.pid}`): Promise<JobAttempt> {
  const { inputs, parameters, datasetHash } = await jobInputs(job);
  const run = await store.beginRun({ kind: job.kind, inputs, parameters, datasetHash, jobId: job.id });
  return {
    runId: run.id,
    async finish(output, timings) {
      const duplicate = new Error("job result already stored");
      try {
        await store.write(async (w) => {
          const inserted = await w.run(
            store.db
              .insertInto("job_results")
              .values({ job_id: job.id, kind: job.kind, run_id: run.id, input: canonicalJson(job.input), result: JSON.stringify(output.metrics), worker: workerName, finished_at: now() })
              .onConflict((oc) => oc.column("job_id").doNothing()),
          );
          if (inserted.affected !== 1) throw duplicate; // rolls back: this attempt's rows never land
          const metricRows = Object.entries(output.metrics).map(([key, v]) => ({ key, value: typeof v === "number" ? v : null, text_value: typeof v === "string" ? v : null }));
          const tables = { ...(output.tables ?? {}) };
          tables.metrics = [...metricRows, ...(tables.metrics ?? [])];
          await store.writeResults(w, run.id, { tables, summary: output.metrics, timings });
        });
        return true;
      } catch (error) {
        if (error !== duplicate) throw error;
        await store.removeRun(run.id);
        return false;
      }
    },
    async fail(message) {
      await store.failRun(run.id, message);
    },
  };
}

/** One stored job result of a sweep, in sweep order. */
export interface SweepResultRow {
  readonly position: number;
  readonly jobId: string;
  readonly runId: string;
  readonly input: Record<string, unknown>;
  readonly metrics: Record<string, number | string | null>;
  readonly worker: string;
}

export async function sweepResults(store: Store, sweepId: string): Promise<SweepResultRow[]> {
  const rows = await store.db
    .selectFrom("sweep_jobs")
    .innerJoin("job_results", "job_results.job_id", "sweep_jobs.job_id")
    .select(["sweep_jobs.position", "sweep_jobs.job_id", "job_results.run_id", "sweep_jobs.input", "job_results.result", "job_results.worker"])
    .where("sweep_jobs.sweep_id", "=", sweepId)
    .orderBy("sweep_jobs.position")
    .execute();
  return rows.map((r) => ({
    position: Number(r.position),
    jobId: r.job_id,
    runId: r.run_id,
    input: JSON.parse(r.input) as Record<string, unknown>,
    metrics: JSON.parse(r.result) as Record<string, number | string | null>,
    worker: r.worker,
  }));
}

/** A stored sweep with its progress. */
export interface SweepListing {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: SweepStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly jobs: number;
  readonly done: number;
}

/** Stored sweeps, newest first (with a prefix: those whose id starts with it). */
export async function listSweeps(store: Store, idPrefix = ""): Promise<SweepListing[]> {
  const rows = await store.db
    .selectFrom("sweeps")
    .select(["id", "name", "kind", "status", "created_at", "updated_at", "job_count"])
    .where("id", "like", `${idPrefix}%`)
    .orderBy("created_at", "desc")
    .execute();
  const out: SweepListing[] = [];
  for (const r of rows) {
    out.push({ id: r.id, name: r.name, kind: r.kind, status: r.status as SweepStatus, createdAt: r.created_at, updatedAt: r.updated_at, jobs: Number(r.job_count), done: await countFinished(store, r.id) });
  }
  return out;
}

/** A stored sweep by id or unique id prefix; E_SWEEP_UNKNOWN (with suggestions) otherwise. */
export async function getSweep(store: Store, idOrPrefix: string): Promise<SweepListing & { readonly definition: unknown }> {
  const unknown = async (message: string) => {
    const recent = await store.db.selectFrom("sweeps").select("id").orderBy("created_at", "desc").limit(100).execute();
    const { suggest } = await import("../core/suggest");
    return new CaravanError("E_SWEEP_UNKNOWN", message, { didYouMean: suggest(idOrPrefix, recent.map((r) => r.id)) });
  };
  if (!/^[0-9a-f]{1,64}$/i.test(idOrPrefix)) throw await unknown(`"${idOrPrefix}" is not a sweep id (hex digits, or a unique prefix)`);
  const rows = await store.db.selectFrom("sweeps").select(["id", "definition"]).where("id", "like", `${idOrPrefix.toLowerCase()}%`).limit(2).execute();
  if (rows.length !== 1) throw await unknown(rows.length === 0 ? `no sweep "${idOrPrefix}" in ${store.location}` : `sweep id prefix "${idOrPrefix}" matches several sweeps`);
  const [listing] = await listSweeps(store, rows[0].id);
  return { ...listing, definition: JSON.parse(rows[0].definition) as unknown };
}

/**
 * Where a job of a sweep stands: `done` once its result is stored (exactly once), else the state of its latest
 * attempt (a run with its job id): `running`, `failed` (that attempt failed; a retry may follow) or `interrupted`
 * (its process died); `pending` before any attempt.
 */
export type SweepJobStatus = "pending" | "running" | "done" | "failed" | "interrupted";
export const SWEEP_JOB_STATUSES: readonly SweepJobStatus[] = ["pending", "running", "done", "failed", "interrupted"];

export interface SweepJobState {
  readonly position: number;
  readonly jobId: string;
  readonly input: Record<string, unknown>;
  readonly status: SweepJobStatus;
  /** Attempts recorded as runs (a retry adds one; a duplicate attempt's run is removed). */
  readonly attempts: number;
  /** The stored result's run, else the latest attempt's; null before any attempt. */
  readonly runId: string | null;
  /** The stored result (the job's metrics), null until done. */
  readonly result: Record<string, number | string | null> | null;
  readonly worker: string | null;
  readonly finishedAt: string | null;
  /** The latest failed attempt's error while the job has no result. */
  readonly error: string | null;
}

/** Every job of a sweep with its status and, for done jobs, the stored result; in sweep order. */
export async function sweepJobStates(store: Store, sweepId: string): Promise<SweepJobState[]> {
  const jobs = await store.db
    .selectFrom("sweep_jobs")
    .leftJoin("job_results", "job_results.job_id", "sweep_jobs.job_id")
    .select(["sweep_jobs.position", "sweep_jobs.job_id", "sweep_jobs.input", "job_results.run_id", "job_results.result", "job_results.worker", "job_results.finished_at"])
    .where("sweep_jobs.sweep_id", "=", sweepId)
    .orderBy("sweep_jobs.position")
    .execute();
  const attempts = await store.db
    .selectFrom("runs")
    .innerJoin("sweep_jobs", "sweep_jobs.job_id", "runs.job_id")
    .select(["runs.id", "runs.job_id", "runs.status", "runs.started_at", "runs.finished_at", "runs.error"])
    .where("sweep_jobs.sweep_id", "=", sweepId)
    .orderBy("runs.started_at")
    .orderBy("runs.id")
    .execute();
  const latest = new Map<string, { id: string; status: string; finishedAt: string | null; error: string | null; count: number }>();
  for (const a of attempts) {
    const jobId = a.job_id as string;
    latest.set(jobId, { id: a.id, status: a.status, finishedAt: a.finished_at, error: a.error, count: (latest.get(jobId)?.count ?? 0) + 1 });
  }
  return jobs.map((j) => {
    const last = latest.get(j.job_id);
    const done = j.result !== null && j.result !== undefined;
    const status: SweepJobStatus = done ? "done" : last === undefined ? "pending" : last.status === "done" ? "running" : (last.status as SweepJobStatus);
    return {
      position: Number(j.position),
      jobId: j.job_id,
      input: JSON.parse(j.input) as Record<string, unknown>,
      status,
      attempts: last?.count ?? 0,
      runId: done ? (j.run_id as string) : (last?.id ?? null),
      result: done ? (JSON.parse(j.result as string) as Record<string, number | string | null>) : null,
      worker: done ? (j.worker as string) : null,
      finishedAt: done ? (j.finished_at as string) : (last?.finishedAt ?? null),
      error: done || last?.status !== "failed" ? null : last.error,
    };
  });
}

/** Job counts of a sweep by status (every status present, zero where none). */
export function countJobStates(jobs: readonly Pick<SweepJobState, "status">[]): Record<SweepJobStatus, number> {
  const counts = Object.fromEntries(SWEEP_JOB_STATUSES.map((s) => [s, 0])) as Record<SweepJobStatus, number>;
  for (const j of jobs) counts[j.status]++;
  return counts;
}
