/** Worker-thread entry of runSweep: prepares the sweep's shared baseline once, then runs the variants it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { isCaravanError } from "../core/errors";
import { openNetwork } from "../network/open";
import { loadSweep, prepareSweep, runScenarioVariant, type SweepWorkerInit } from "./sweep";

const init = workerData as SweepWorkerInit;
const port = parentPort!;

async function main(): Promise<void> {
  const spec = loadSweep(init.sweepFile);
  const ctx = await prepareSweep(openNetwork(init.datasetDir), spec.scenario);
  port.on("message", (msg: { index?: number; stop?: true }) => {
    if (msg.stop) {
      port.close();
      return;
    }
    const index = msg.index!;
    runScenarioVariant(ctx, spec.variants[index]).then(
      (row) => port.postMessage({ index, row }),
      (error: unknown) => port.postMessage({ error: { code: isCaravanError(error) ? error.code : undefined, message: (error as Error).message } }),
    );
  });
  port.postMessage({ ready: true });
}

main().catch((error: unknown) => port.postMessage({ error: { code: isCaravanError(error) ? error.code : undefined, message: (error as Error).message } }));
