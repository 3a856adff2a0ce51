/**
 * The job queue of the server: jobs wait in a bounded FIFO (E_QUEUE_FULL beyond the cap) and run one at a time in a
 * worker thread, so a long assignment never blocks route requests. Each job has a status, progress (0..1) and,
 * when finished, a result or an error; listeners (Server-Sent Events) follow it. Finished jobs are kept up to a
 * count and dropped oldest first, so a long-running server holds bounded memory. A job running past its time limit
 * is stopped by terminating the worker (E_TIMEOUT); the next job gets a fresh worker.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CaravanError } from "../../core/errors";
import type { JobKind } from "../schemas";
import type { PreparedJob } from "./kinds";

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress: number;
  message: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result?: unknown;
  error?: { code: string; message: string; didYouMean?: string[] };
  /** Id of the run recorded in the run store (servers started with --store). */
  runId?: string;
}

/** A file a job reads: its absolute path and the path the request gave (relative to the data folders). */
export interface JobFile {
  readonly path: string;
  readonly label: string;
}

/** Records jobs as runs of the run store (src/store): begun when a job starts, completed or failed when it ends. */
export interface JobRecorder {
  /** `files`: the files the input names (or the default demand it implies) by input field: absolute path, path as requested. */
  begin(view: JobView, input: Readonly<Record<string, unknown>>, files: Readonly<Record<string, JobFile>>): Promise<string>;
  done(runId: string, view: JobView): Promise<void>;
  failed(runId: string, view: JobView): Promise<void>;
}

export type JobEvent = { type: "progress"; job: JobView } | { type: "done"; job: JobView } | { type: "failed"; job: JobView };

export interface JobQueueOptions {
  readonly dataDir: string;
  readonly cacheDir?: string | false;
  readonly maxQueued: number;
  readonly keepFinished: number;
  /** Total size of the kept results (JSON bytes) above which the oldest finished jobs are dropped. */
  readonly keepResultBytes?: number;
  readonly jobSeconds: number;
  /** Extra time after jobSeconds before the worker is terminated (the job's own time check comes first), ms. */
  readonly graceMs?: number;
  /** Records every job as a run of the run store; none = not recorded. */
  readonly recorder?: JobRecorder | null;
  /** Where unexpected worker errors are reported (with stacks; never sent to clients). */
  readonly log?: (message: string) => void;
}

interface Entry {
  view: JobView;
  /** Size of the result as JSON, bytes (0 until finished). */
  bytes: number;
  /** The run being recorded (resolves to its id; null when recording failed or is off). */
  run?: Promise<string | null>;
  prepared: Omit<PreparedJob, "id" | "maxSeconds">;
}

/**
 * The worker: the built entry `job-worker.js` beside this module (dist/cli), else the TypeScript entry loaded through
 * tsx's ESM API (source tree under tsx or vitest, or a build that does not include the worker entry).
 */
function startWorker(data: unknown): Worker {
  const here = fileURLToPath(import.meta.url);
  const built = join(dirname(here), "job-worker.js");
  if (!here.endsWith(".ts") && existsSync(built)) return new Worker(built, { workerData: data });
  let source = join(dirname(here), "worker.ts");
  for (let dir = dirname(here); !existsSync(source); dir = dirname(dir)) {
    source = join(dir, "src", "server", "jobs", "worker.ts");
    if (dirname(dir) === dir) throw new CaravanError("E_NOT_AVAILABLE", "the job worker (src/server/jobs/worker.ts or job-worker.js) is missing from this installation");
  }
  const entry = pathToFileURL(source).href;
  const api = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

/** Input field of the file a job kind reads first (PreparedJob.filePath); further files are named by their field. */
const MAIN_FILE_FIELD: Readonly<Record<string, string>> = {
  assignment: "demand",
  "scenario-run": "scenario",
  "scenario-compare": "base",
  appraisal: "streams",
  "gravity-estimate": "data",
};

/** The files a prepared job reads, by input field. */
function filesOf(prepared: Omit<PreparedJob, "id" | "maxSeconds">): Record<string, JobFile> {
  const files: Record<string, JobFile> = {};
  for (const [field, path] of Object.entries(prepared.extraFiles)) files[field] = { path, label: String(prepared.input[field] ?? field) };
  const field = MAIN_FILE_FIELD[prepared.kind];
  if (prepared.filePath !== null && field !== undefined) files[field] = { path: prepared.filePath, label: prepared.fileLabel ?? String(prepared.input[field] ?? field) };
  return files;
}

export class JobQueue {
  private readonly jobs = new Map<string, Entry>();
  private readonly waiting: string[] = [];
  private readonly finished: string[] = [];
  private finishedBytes = 0;
  private readonly events = new EventEmitter();
  private worker: Worker | null = null;
  private running: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Recordings in flight (awaited by close, so the store is not closed under them). */
  private readonly recording = new Set<Promise<unknown>>();

  constructor(private readonly options: JobQueueOptions) {
    this.events.setMaxListeners(0);
  }

  /** Counts for the health route. */
  counts(): { queued: number; running: number } {
    return { queued: this.waiting.length, running: this.running === null ? 0 : 1 };
  }

  /** Queue a job; throws E_QUEUE_FULL when the queue holds its cap. */
  submit(kind: JobKind, prepared: Omit<PreparedJob, "id" | "maxSeconds">): JobView {
    if (this.closed) throw new CaravanError("E_NOT_AVAILABLE", "the server is shutting down");
    if (this.waiting.length >= this.options.maxQueued) {
      throw new CaravanError("E_QUEUE_FULL", `${this.waiting.length} jobs are waiting (the cap); retry when some have finished`, { details: { limit: this.options.maxQueued } });
    }
    const view: JobView = { id: randomUUID(), kind, status: "queued", progress: 0, message: "queued", createdAt: new Date().toISOString(), startedAt: null, finishedAt: null };
    this.jobs.set(view.id, { view, prepared, bytes: 0 });
    this.waiting.push(view.id);
    queueMicrotask(() => this.pump());
    return view;
  }

  get(id: string): JobView {
    const entry = this.jobs.get(id);
    if (!entry) throw new CaravanError("E_JOB_UNKNOWN", `no job "${id}" (jobs are kept until ${this.options.keepFinished} newer ones have finished)`);
    return entry.view;
  }

  /** Follow a job's events; returns the function that stops following. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /** Stop the worker; queued and running jobs fail with E_NOT_AVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.waiting, ...(this.running ? [this.running] : [])]) this.finish(id, { error: { code: "E_NOT_AVAILABLE", message: "the server shut down" } });
    this.waiting.length = 0;
    this.running = null;
    if (this.timer) clearTimeout(this.timer);
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    await Promise.allSettled([...this.recording]);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker({ dataDir: this.options.dataDir, cacheDir: this.options.cacheDir });
    w.on("message", (m: { type: string; id: string; progress?: number; message?: string; result?: unknown; error?: { code: string; message: string; didYouMean?: string[] }; stack?: string }) => {
      if (m.id !== this.running) return;
      if (m.type === "progress") {
        const entry = this.jobs.get(m.id)!;
        entry.view.progress = Math.min(1, Math.max(entry.view.progress, m.progress ?? 0));
        entry.view.message = m.message ?? "";
        this.events.emit(m.id, { type: "progress", job: entry.view });
      } else if (m.type === "done") this.finishRunning({ result: m.result });
      else if (m.type === "failed") {
        if (m.stack) this.options.log?.(`job ${m.id} failed: ${m.stack}`);
        this.finishRunning({ error: m.error! });
      }
    });
    w.on("error", (error) => {
      this.options.log?.(`job worker crashed: ${error.stack ?? error}`);
      this.worker = null;
      if (this.running) this.finishRunning({ error: { code: "E_INTERNAL", message: "the job worker stopped unexpectedly" } });
    });
    w.on("exit", (code) => {
      if (this.worker !== w) return; // terminated on purpose (time limit, close)
      this.worker = null;
      if (this.running) {
        this.options.log?.(`job worker exited with status ${code} during job ${this.running}`);
        this.finishRunning({ error: { code: "E_INTERNAL", message: "the job worker stopped unexpectedly" } });
      }
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.closed || this.running !== null || this.waiting.length === 0) return;
    const id = this.waiting.shift()!;
    const entry = this.jobs.get(id)!;
    this.running = id;
    entry.view.status = "running";
    entry.view.startedAt = new Date().toISOString();
    entry.view.message = "started";
    this.events.emit(id, { type: "progress", job: entry.view });
    const job: PreparedJob = { id, ...entry.prepared, maxSeconds: this.options.jobSeconds };
    const recorder = this.options.recorder;
    if (recorder) {
      const begun = recorder.begin(entry.view, entry.prepared.input, filesOf(entry.prepared));
      this.recording.add(begun);
      void begun.finally(() => this.recording.delete(begun)).catch(() => {});
      entry.run = begun.then(
        (runId) => (entry.view.runId = runId),
        (error) => {
          this.options.log?.(`job ${id}: recording the run failed: ${(error as Error)?.message ?? error}`);
          return null;
        },
      );
    }
    try {
      this.ensureWorker().postMessage(job);
    } catch (error) {
      // no worker can start (e.g. an installation without the worker entry): the job fails, the server stays up
      this.options.log?.(`job ${id}: the job worker did not start: ${(error as Error)?.stack ?? error}`);
      const code = error instanceof CaravanError ? error.code : "E_INTERNAL";
      this.finishRunning({ error: { code, message: error instanceof CaravanError ? error.message : "the job worker did not start (the server log has the details)" } });
      return;
    }
    this.timer = setTimeout(() => {
      const w = this.worker;
      this.worker = null;
      this.finishRunning({ error: { code: "E_TIMEOUT", message: `the job ran longer than ${this.options.jobSeconds} s and was stopped` } });
      void w?.terminate();
    }, this.options.jobSeconds * 1000 + (this.options.graceMs ?? 2000));
    this.timer.unref();
  }

  private finishRunning(outcome: { result?: unknown; error?: { code: string; message: string; didYouMean?: string[] } }): void {
    if (this.running === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const id = this.running;
    this.running = null;
    this.finish(id, outcome);
    this.pump();
  }

  private finish(id: string, outcome: { result?: unknown; error?: { code: string; message: string; didYouMean?: string[] } }): void {
    const entry = this.jobs.get(id);
    if (!entry || entry.view.status === "done" || entry.view.status === "failed") return;
    const view = entry.view;
    view.finishedAt = new Date().toISOString();
    if (outcome.error) {
      view.status = "failed";
      view.error = outcome.error;
      view.message = outcome.error.message;
    } else {
      view.status = "done";
      view.progress = 1;
      view.message = "done";
      view.result = outcome.result;
    }
    entry.prepared = { kind: entry.prepared.kind, input: {}, filePath: null, fileLabel: null, extraFiles: {}, dataFolders: [] };
    const recorder = this.options.recorder;
    if (recorder && entry.run) {
      const p = entry.run.then(async (runId) => {
        if (runId === null) return;
        try {
          await (view.status === "done" ? recorder.done(runId, view) : recorder.failed(runId, view));
        } catch (error) {
          this.options.log?.(`job ${id}: recording the run failed: ${(error as Error)?.message ?? error}`);
        }
      });
      this.recording.add(p);
      void p.finally(() => this.recording.delete(p));
    }
    this.events.emit(id, { type: view.status === "done" ? "done" : "failed", job: view });
    entry.bytes = view.result === undefined ? 0 : (JSON.stringify(view.result)?.length ?? 0);
    this.finished.push(id);
    this.finishedBytes += entry.bytes;
    const maxBytes = this.options.keepResultBytes ?? 256 * 1_048_576;
    // bounded memory for a long-running server: by count and by total result size (the newest job is always kept)
    while (this.finished.length > this.options.keepFinished || (this.finishedBytes > maxBytes && this.finished.length > 1)) {
      const old = this.finished.shift()!;
      this.finishedBytes -= this.jobs.get(old)?.bytes ?? 0;
      this.jobs.delete(old);
    }
  }
}
