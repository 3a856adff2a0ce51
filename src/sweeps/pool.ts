/**
 * A pool of worker threads that compute jobs (jobs.ts runJob), so CPU-bound jobs never block the event loop of the
 * process that talks to Redis and the store (BullMQ must keep renewing its job locks). A thread that dies fails its
 * job and is replaced. Where there is no thread entry (a build without it) jobs run in this thread and `threaded`
 * says so.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type JobOutput, runJob } from "./jobs";

interface Task {
  readonly id: number;
  readonly kind: string;
  readonly input: Record<string, unknown>;
  resolve(output: JobOutput): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

/** Messages: main → thread {id, kind, input}; thread → main {id, ok: true, output} | {id, ok: false, message}. */
export type ThreadReply = { id: number; ok: true; output: JobOutput } | { id: number; ok: false; message: string };

/**
 * The thread entry: the built bundle's `sweep-thread.js` beside this chunk (scripts/build-cli.mjs entry
 * "sweep-thread": src/sweeps/thread.ts), or thread.ts through tsx's ESM API from the sources. Null when the bundle
 * has no such entry: jobs then run in this thread.
 */
function threadEntry(): URL | null {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new URL("./thread.ts", here);
  const built = new URL("./sweep-thread.js", here);
  return existsSync(fileURLToPath(built)) ? built : null;
}

function startThread(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./sweep-thread.js", here));
  const entry = new URL("./thread.ts", here).href;
  const api = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(bootstrap, { eval: true });
}

export class JobPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;
  readonly threaded: boolean;

  /** `size` threads (0 = compute inline in this thread; so are builds without the thread entry). */
  constructor(readonly size: number) {
    this.threaded = size > 0 && threadEntry() !== null;
  }

  run(kind: string, input: Record<string, unknown>): Promise<JobOutput> {
    if (this.closed) return Promise.reject(new Error("the job pool is closed"));
    if (!this.threaded) return runJob(kind, input);
    return new Promise<JobOutput>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, kind, input, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, kind: task.kind, input: task.input });
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startThread(), task: null };
    slot.worker.on("message", (reply: ThreadReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = null;
      if (reply.ok) task.resolve(reply.output);
      else task.reject(new Error(reply.message));
      this.dispatch();
    });
    const die = (error: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.task) slot.task.reject(error);
      slot.task = null;
      if (!this.closed) this.dispatch();
    };
    slot.worker.on("error", die);
    slot.worker.on("exit", (code) => die(new Error(`job thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error("the job pool is closed"));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
