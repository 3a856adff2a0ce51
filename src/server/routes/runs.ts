/**
 * GET /api/v1/runs and /runs/:id: the runs recorded in the run store (src/store), read-only. The server reads the
 * store through the small RunReader interface (the store's Store class satisfies it), given at start-up
 * (`caravan serve --store FILE|URL`); without one these routes answer E_NOT_AVAILABLE. This is also the extension
 * point for recording API jobs as runs: a writer beside the reader, called by the job queue when a job finishes.
 */
import { CaravanError } from "../../core/errors";

export interface RunListingView {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly inputsHash: string;
}

/** What the server reads from a run store. */
export interface RunReader {
  listRuns(options: { limit?: number; kind?: string; status?: "running" | "done" | "failed" | "interrupted" }): Promise<readonly RunListingView[]>;
  /** The run with everything recorded about it (RunRecord of src/store). */
  getRun(idOrPrefix: string): Promise<RunListingView>;
  resultCounts(id: string): Promise<Partial<Record<string, number>>>;
}

/** The answer of the store routes (runs, sweeps) on a server started without a store. */
export function noStoreError(): CaravanError {
  return new CaravanError("E_NOT_AVAILABLE", "this server has no run store: start it with `caravan serve --store FILE|URL` to list recorded runs and sweeps");
}

function storeOf(store: RunReader | null | undefined): RunReader {
  if (!store) throw noStoreError();
  return store;
}

export async function listRuns(store: RunReader | null | undefined, q: { kind?: string; status?: "running" | "done" | "failed" | "interrupted"; limit?: number }) {
  return { runs: await storeOf(store).listRuns({ limit: q.limit ?? 50, kind: q.kind, status: q.status }) };
}

export async function getRun(store: RunReader | null | undefined, id: string) {
  const s = storeOf(store);
  const run = (await s.getRun(id)) as RunListingView & Record<string, unknown>;
  const { id: runId, kind, status, startedAt, finishedAt, inputsHash, inputs, datasetHash, codeVersion, parameters, timings, summary, output, error } = run;
  return {
    run: { id: runId, kind, status, startedAt, finishedAt, inputsHash, inputs, datasetHash, codeVersion, parameters, timings, summary, output, error },
    resultCounts: await s.resultCounts(runId),
  };
}
