/**
 * Termination signals around work that must not be cut in half. SIGINT and SIGTERM normally end Caravan at once
 * (Node's default: the process dies by the signal and a shell reports 130 / 143), which is right while it only
 * computes: nothing has been written yet, so nothing is left half-done. Work that leaves state behind — an atomic
 * write between creating its temporary file and renaming it, a pool of worker threads — holds the signals: while a
 * hold is open a signal is caught; JavaScript cannot run inside synchronous work, so the handler runs as soon as the
 * holder yields, runs every open hold's cleanup (remove temporary files, terminate workers) and exits with 128 +
 * the signal number (130 for SIGINT, 143 for SIGTERM).
 *
 * A process that handles a signal itself (a server's graceful shutdown) keeps its handler: a hold adds none where a
 * listener exists, and that handler then runs once the synchronous work is done.
 */
import { constants } from "node:os";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Open holds: id → cleanup to run when a signal arrives. */
const holds = new Map<number, () => void>();
let nextHoldId = 0;
/** The signals this module listens to now (only those nobody else handles). */
let listening: NodeJS.Signals[] = [];
let pendingRemoval: NodeJS.Immediate | undefined;

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of holds.values()) {
    try {
      cleanup();
    } catch {
      // cleanup is best effort: the process is ending
    }
  }
  holds.clear();
  process.exit(128 + (constants.signals[signal] ?? 0));
}

function stopListening(): void {
  pendingRemoval = undefined;
  if (holds.size > 0) return;
  for (const signal of listening) process.off(signal, onSignal);
  listening = [];
}

/**
 * Hold SIGINT/SIGTERM until the returned release function is called; `cleanup` runs if a signal arrives meanwhile
 * (and only then). Holds nest. After the last release the handler stays until the event loop has turned once, so a
 * signal that arrived during synchronous work is still handled (not dropped) before the default action returns.
 */
export function holdTerminationSignals(cleanup: () => void = () => {}): () => void {
  const id = nextHoldId++;
  holds.set(id, cleanup);
  if (pendingRemoval !== undefined) {
    clearImmediate(pendingRemoval);
    pendingRemoval = undefined;
  }
  if (listening.length === 0) {
    for (const signal of SIGNALS) {
      if (process.listenerCount(signal) > 0) continue;
      process.on(signal, onSignal);
      listening.push(signal);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds.delete(id);
    if (holds.size === 0 && listening.length > 0 && pendingRemoval === undefined) pendingRemoval = setImmediate(stopListening);
  };
}

/** Number of open holds (for tests). */
export function openSignalHolds(): number {
  return holds.size;
}
