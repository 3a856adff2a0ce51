/**
 * Who is writing a run: process id, host name and the process's start time, stored in the run row so a later
 * process can tell whether the writer still lives (same host, pid alive, same start time: a reused pid is not
 * mistaken for the writer).
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the process started (seconds precision on Linux, from /proc). */
  readonly startedAt: string;
}

let bootTimeS: number | null | undefined;

function linuxBootTimeS(): number | null {
  if (bootTimeS !== undefined) return bootTimeS;
  try {
    const line = readFileSync("/proc/stat", "utf8")
      .split("\n")
      .find((l) => l.startsWith("btime "));
    bootTimeS = line ? Number(line.slice(6)) : null;
  } catch {
    bootTimeS = null;
  }
  return bootTimeS;
}

/** Start time of a process in ms since the epoch from /proc (Linux), or null where unavailable. */
export function processStartMs(pid: number): number | null {
  const boot = linuxBootTimeS();
  if (boot === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name (which may hold spaces) start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const startTicks = Number(fields[19]); // field 22 of the full line
    const hz = 100; // USER_HZ: 100 on every Linux architecture Node supports
    return Number.isFinite(startTicks) ? (boot + startTicks / hz) * 1000 : null;
  } catch {
    return null;
  }
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  if (self) return self;
  const ms = processStartMs(process.pid) ?? Date.now() - process.uptime() * 1000;
  self = { pid: process.pid, hostname: hostname(), startedAt: new Date(Math.floor(ms / 1000) * 1000).toISOString() };
  return self;
}

/**
 * Whether the process that wrote a run row is certainly gone: same host and its pid is dead, or the pid now belongs
 * to a process started at another time. Rows from other hosts are never judged (returns false).
 */
export function writerIsGone(row: { pid: number; hostname: string; process_started_at: string }): boolean {
  if (row.hostname !== hostname()) return false;
  try {
    process.kill(row.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  const started = processStartMs(row.pid);
  if (started === null) return false;
  return Math.abs(started - Date.parse(row.process_started_at)) > 2000;
}
