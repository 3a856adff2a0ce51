/**
 * GET /api/v1/sweeps, /sweeps/:id and /sweeps/:id/events: the distributed sweeps recorded in the run store, read-only.
 * The server reads them through the small SweepReader interface; over src/store's Store it is the sweeps module's
 * record functions (src/sweeps/records.ts, loaded on first use). Without a store these routes answer as /runs does
 * (E_NOT_AVAILABLE). The events route polls the store at a bounded interval and sends Server-Sent Events: `progress`
 * {done, failed, total} whenever the counts change, then one `done` {status, done, failed, total} once every job has
 * a result or the sweep was cancelled or ended failed; it stops when the client disconnects or the server closes.
 */
import type { ServerResponse } from "node:http";
import { isCaravanError } from "../../core/errors";
import type { Store } from "../../store/store";
import type { SweepJobState, SweepListing } from "../../sweeps/records";
import { noStoreError } from "./runs";

/** What the server reads about sweeps. */
export interface SweepReader {
  listSweeps(): Promise<readonly SweepListing[]>;
  /** A sweep by id or unique id prefix (E_SWEEP_UNKNOWN with suggestions otherwise), with its definition. */
  getSweep(idOrPrefix: string): Promise<SweepListing & { readonly definition: unknown }>;
  /** Every job of a sweep with its status and, for done jobs, the stored result; in sweep order. */
  jobStates(sweepId: string): Promise<readonly SweepJobState[]>;
}

const records = () => import("../../sweeps/records");

/** The sweep reader over a run store. */
export function storeSweepReader(store: Store): SweepReader {
  return {
    listSweeps: async () => (await records()).listSweeps(store),
    getSweep: async (id) => (await records()).getSweep(store, id),
    jobStates: async (id) => (await records()).sweepJobStates(store, id),
  };
}

function readerOf(reader: SweepReader | null | undefined): SweepReader {
  if (!reader) throw noStoreError();
  return reader;
}

/** A sweep as the API shows it: its row, job counts by status, done/total. */
async function sweepView(sweep: SweepListing, jobs: readonly SweepJobState[]) {
  const counts = (await records()).countJobStates(jobs);
  return { id: sweep.id, name: sweep.name, kind: sweep.kind, status: sweep.status, createdAt: sweep.createdAt, updatedAt: sweep.updatedAt, done: counts.done, total: sweep.jobs, counts };
}

export async function listSweepsView(reader: SweepReader | null | undefined, q: { status?: string; limit?: number }) {
  const r = readerOf(reader);
  const all = (await r.listSweeps()).filter((s) => q.status === undefined || s.status === q.status).slice(0, q.limit ?? 50);
  const sweeps = [];
  for (const s of all) sweeps.push(await sweepView(s, await r.jobStates(s.id)));
  return { sweeps };
}

export async function getSweepView(reader: SweepReader | null | undefined, id: string) {
  const r = readerOf(reader);
  const sweep = await r.getSweep(id);
  const jobs = await r.jobStates(sweep.id);
  return { sweep: { ...(await sweepView(sweep, jobs)), definition: sweep.definition }, jobs };
}

/** Keep-alive comment interval of an idle event stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Stream a sweep's progress as Server-Sent Events on `res` (the sweep is resolved first, so an unknown id is a plain
 * error response). Returns a function that stops the stream (for server shutdown); a client disconnect stops it too.
 */
export async function streamSweepEvents(
  reader: SweepReader | null | undefined,
  id: string,
  intervalMs: number,
  io: {
    res: ServerResponse;
    headers: Record<string, string>;
    log: (line: string) => void;
    /** Called once the sweep is found, before the stream starts (the framework hands the response over). */
    beforeStream: () => void;
    /** Registers the stop function (server shutdown); returns its unregistering. */
    onStop: (stop: () => void) => () => void;
  },
): Promise<void> {
  const r = readerOf(reader);
  const sweepId = (await r.getSweep(id)).id;
  const { res } = io;
  io.beforeStream();
  res.writeHead(200, { ...io.headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
  let lastWrite = Date.now();
  const send = (event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    lastWrite = Date.now();
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let last = "";
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    forget();
    if (!res.writableEnded) res.end();
  };
  const forget = io.onStop(stop);
  res.on("close", stop);
  const tick = async () => {
    if (stopped) return;
    try {
      const sweep = await r.getSweep(sweepId);
      const jobs = await r.jobStates(sweepId);
      if (stopped) return;
      const counts = (await records()).countJobStates(jobs);
      const progress: { done: number; failed: number; total: number } = { done: counts.done, failed: counts.failed, total: jobs.length };
      const key = JSON.stringify(progress);
      if (key !== last) {
        send("progress", progress);
        last = key;
      } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(": keep-alive\n\n");
        lastWrite = Date.now();
      }
      if (counts.done === jobs.length || sweep.status === "cancelled" || sweep.status === "failed") {
        send("done", { status: counts.done === jobs.length ? "done" : sweep.status, ...progress });
        stop();
        return;
      }
    } catch (error) {
      if (stopped) return;
      if (!isCaravanError(error)) io.log(`caravan server: reading sweep ${sweepId} failed: ${(error as Error)?.stack ?? String(error)}`);
      send("error", isCaravanError(error) ? { code: error.code, message: error.message } : { code: "E_INTERNAL", message: "internal error (the server log has the details)" });
      stop();
      return;
    }
    timer = setTimeout(tick, intervalMs);
  };
  await tick();
}
