/**
 * Recording API jobs as runs of the run store (src/store), for servers started with `--store`: a run is begun
 * (`running`) when a job starts and completed or failed when it ends, with the job id, the dataset hash, the job's
 * input (uploaded texts replaced by their sha256 and size, files it reads by path, sha256 and size, a scenario file
 * with its extends chain and demand file under `reads`; every option a parameter, so the run's inputs hash changes
 * with any of them) and a compact summary of the result.
 */
import { createHash } from "node:crypto";
import { dirname, posix, relative, sep } from "node:path";
import { fileInputWithReads } from "../../store/hash";
import type { JobFile, JobRecorder, JobView } from "./queue";

/** What recording needs of a run store (the store's Store class satisfies it). */
export interface RunWriter {
  beginRun(spec: {
    kind: string;
    inputs: Readonly<Record<string, unknown>>;
    parameters: Readonly<Record<string, unknown>>;
    datasetHash?: string | null;
    jobId?: string | null;
  }): Promise<{ id: string }>;
  completeRun(id: string, results: { summary?: unknown; timings?: Readonly<Record<string, number>> }): Promise<void>;
  failRun(id: string, message: string): Promise<void>;
}

/** Run kinds of the store for the API's job kinds (the CLI records the same computations under these). */
const RUN_KIND: Readonly<Record<string, string>> = {
  assignment: "assignment",
  "gravity-estimate": "estimation",
  "scenario-run": "scenario",
  "scenario-compare": "scenario-compare",
  appraisal: "appraisal",
};

/** Input fields that hold uploaded texts or name files (inputs); everything else is a parameter. */
const TEXT_FIELDS = new Set(["csv", "demandCsv", "streamsCsv"]);
const FILE_FIELDS = new Set(["demand", "data", "streams", "scenario", "base", "baseline"]);

function seconds(view: JobView): number {
  return view.startedAt && view.finishedAt ? (Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000 : 0;
}

function summaryOf(view: JobView): unknown {
  const r = view.result as Record<string, unknown> | undefined;
  if (r === undefined) return null;
  if (view.kind === "assignment") return r.summary ?? null;
  if (view.kind === "scenario-run" || view.kind === "scenario-compare") return (r.comparison as { summary?: unknown } | undefined)?.summary ?? null;
  return r;
}

/**
 * A file the job reads as the CLI records its input files (store/hash.ts fileInput: content hash and size), under
 * the path the request gave (relative to the data folders), never the server's absolute path.
 */
function fileRecord(file: JobFile): unknown {
  const { sha256, bytes, reads } = fileInputWithReads(file.path);
  if (reads === undefined) return { path: file.label, sha256, bytes };
  // a scenario file's extends chain and demand file, under paths relative to the named file's label
  const labelDir = posix.dirname(file.label.split(sep).join("/"));
  const labelOf = (path: string) => posix.normalize(posix.join(labelDir, relative(dirname(file.path), path).split(sep).join("/")));
  return { path: file.label, sha256, bytes, reads: reads.map((r) => ({ ...r, path: labelOf(r.path) })) };
}

export function storeRecorder(store: RunWriter, datasetHash: string): JobRecorder {
  return {
    async begin(view, input, files) {
      // inputs by content and every other field as a parameter, so a changed file or option is another run (inputs hash)
      const inputs: Record<string, unknown> = { via: "api" };
      const parameters: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) {
        if (TEXT_FIELDS.has(k) && typeof v === "string") inputs[k] = { sha256: createHash("sha256").update(v).digest("hex"), bytes: Buffer.byteLength(v) };
        else if (FILE_FIELDS.has(k)) inputs[k] = files[k] !== undefined ? fileRecord(files[k]) : v;
        else parameters[k] = v;
      }
      // a file the job reads without the input naming it (an assignment's default demand)
      for (const [k, file] of Object.entries(files)) if (!(k in inputs)) inputs[k] = fileRecord(file);
      const { id } = await store.beginRun({ kind: RUN_KIND[view.kind] ?? view.kind, inputs, parameters, datasetHash, jobId: view.id });
      return id;
    },
    async done(runId, view) {
      await store.completeRun(runId, { summary: summaryOf(view), timings: { jobS: seconds(view) } });
    },
    async failed(runId, view) {
      await store.failRun(runId, `${view.error?.code ?? "E_INTERNAL"}: ${view.error?.message ?? "failed"}`);
    },
  };
}
