/**
 * Entry of the job worker thread: opens the dataset once (from the compiled cache) and runs the jobs the main thread
 * sends, one at a time, posting progress, the result or the error back. Heavy work stays off the HTTP event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isCaravanError } from "../../core/errors";
import type { CompiledNetwork } from "../../network/compiled";
import { openNetwork } from "../../network/open";
import { type PreparedJob, relativeOrigin, runJob } from "./kinds";

const { dataDir, cacheDir } = workerData as { dataDir: string; cacheDir: string | false | undefined };
let net: CompiledNetwork | null = null;

parentPort!.on("message", async (job: PreparedJob) => {
  let last = 0;
  const env = {
    net: () => (net ??= openNetwork(dataDir, cacheDir === undefined ? {} : { cacheDir })),
    progress: (fraction: number, message: string) => {
      // at most ~20 messages per second
      const now = Date.now();
      if (now - last < 50 && fraction < 1) return;
      last = now;
      parentPort!.postMessage({ type: "progress", id: job.id, progress: fraction, message });
    },
  };
  try {
    const result = await runJob(job, env);
    parentPort!.postMessage({ type: "done", id: job.id, result });
  } catch (error) {
    if (isCaravanError(error)) {
      // the code, message and suggestions the CLI prints for the same problem (never the server's folders)
      const didYouMean = error.didYouMean && error.didYouMean.length > 0 ? { didYouMean: [...error.didYouMean] } : {};
      parentPort!.postMessage({ type: "failed", id: job.id, error: { code: error.code, message: relativeOrigin(job, error.message), ...didYouMean } });
    }
    else parentPort!.postMessage({ type: "failed", id: job.id, error: { code: "E_INTERNAL", message: "internal error in the job (the server log has the details)" }, stack: String((error as Error)?.stack ?? error) });
  }
});
