/**
 * Crash safety and concurrent writers, for real: child processes write runs and are killed with SIGKILL at several
 * points of a large write; afterwards the store is consistent and every run is either done with all its rows or
 * interrupted with none. Two processes writing at once both finish with all their rows. SQLite always; PostgreSQL
 * when it answers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index";
import { dropPgSchema, PG_UP, pgUrl, tempDir, tsxArgs } from "./helpers";

const writer = join(import.meta.dirname, "fixtures", "writer.ts");
const tmp = tempDir("crash");
const pgUrls: string[] = [];
afterAll(async () => {
  tmp.cleanup();
  for (const url of pgUrls) await dropPgSchema(url);
});

function start(...args: string[]): { child: ChildProcess; lines: string[]; waitFor: (prefix: string) => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, tsxArgs(writer, ...args), { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  child.stdout?.on("data", (d) => {
    buffer += d;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) if (line.startsWith(w.prefix)) w.resolve(line);
      else waiters.push(w);
      nl = buffer.indexOf("\n");
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor: (prefix) =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => l.startsWith(prefix));
        if (found) return resolve(found);
        waiters.push({ prefix, resolve });
        exited.then((code) => reject(new Error(`writer exited (${code}) before "${prefix}": ${stderr}`)));
      }),
  };
}

const ROWS = 400_000;

for (const dialect of ["sqlite", "postgres"] as const) {
  describe.skipIf(dialect === "postgres" && !PG_UP)(`crash safety and concurrent writers on ${dialect}`, () => {
    const location = (name: string) => {
      if (dialect === "sqlite") return join(tmp.dir, `${name}.db`);
      const url = pgUrl(name);
      pgUrls.push(url);
      return url;
    };

    it("a run killed with SIGKILL during its write is interrupted with no rows, never done with some", async () => {
      const store = location("kill");
      const outcomes: string[] = [];
      for (const delayMs of [0, 40, 150, 400]) {
        const w = start(store, "big", String(ROWS));
        const begun = await w.waitFor("begun ");
        await new Promise((r) => setTimeout(r, delayMs));
        w.child.kill("SIGKILL");
        await w.exited;
        const id = begun.slice(6);
        const s = await openStore(store);
        try {
          const run = await s.getRun(id);
          const counts = await s.resultCounts(id);
          if (run.status === "done") expect(counts).toEqual({ metrics: ROWS });
          else {
            expect(run.status).toBe("interrupted");
            expect(counts).toEqual({});
            expect(s.interruptedOnOpen).toContain(id);
          }
          outcomes.push(run.status);
        } finally {
          await s.close();
        }
      }
      // the kill right after the run began always lands before the commit of 400,000 rows
      expect(outcomes[0]).toBe("interrupted");
      const s = await openStore(store);
      try {
        if (dialect === "sqlite") {
          const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(s.db);
          expect(check.rows[0].integrity_check).toBe("ok");
        }
        // nothing half-written anywhere: every row belongs to a done run with all its rows
        const orphans = await sql<{ n: number | string }>`select count(*) as n from metrics where run_id not in (select id from runs where status = 'done')`.execute(s.db);
        expect(Number(orphans.rows[0].n)).toBe(0);
        expect((await s.listRuns({ status: "running" })).length).toBe(0);
      } finally {
        await s.close();
      }
    });

    it("two processes writing runs at once both finish with every row", async () => {
      const store = location("two");
      // create the schema first, so both writers find it migrated (concurrent first opens are covered by the migrator's lock)
      await (await openStore(store)).close();
      const a = start(store, "many", "12", "5000");
      const b = start(store, "many", "12", "5000");
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
      const s = await openStore(store);
      try {
        const runs = await s.listRuns({ kind: "concurrent" });
        expect(runs.length).toBe(24);
        expect(runs.every((r) => r.status === "done")).toBe(true);
        for (const r of runs) expect(await s.resultCounts(r.id)).toEqual({ metrics: 5000 });
      } finally {
        await s.close();
      }
    });
  });
}
