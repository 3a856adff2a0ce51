/** Worker-thread entry of the job pool: computes each job it is sent with the job registry and replies. */
import { parentPort } from "node:worker_threads";
import { runJob } from "./jobs";
import type { ThreadReply } from "./pool";

const port = parentPort;
if (port) {
  port.on("message", (message: { id: number; kind: string; input: Record<string, unknown> }) => {
    runJob(message.kind, message.input).then(
      (output) => port.postMessage({ id: message.id, ok: true, output } satisfies ThreadReply),
      (error: unknown) => port.postMessage({ id: message.id, ok: false, message: (error as Error)?.message ?? String(error) } satisfies ThreadReply),
    );
  });
}
