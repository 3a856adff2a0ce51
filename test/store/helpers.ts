/** Shared helpers of the store tests: temporary SQLite files, PostgreSQL availability and per-run schemas. */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder for a test's store files; `cleanup` removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `caravan-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a TCP port answers on 127.0.0.1 within `timeoutMs`. */
export function portAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export const PG_BASE = process.env.CARAVAN_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
export const PG_UP = await portAnswers(5432);
export const REDIS_UP = await portAnswers(6379);
if (!PG_UP) console.warn("store tests: PostgreSQL does not answer on 127.0.0.1:5432 — the PostgreSQL tests are skipped");
if (!REDIS_UP) console.warn("sweep tests: Redis does not answer on 127.0.0.1:6379 — the queue tests are skipped");

/** A PostgreSQL store URL with a schema unique to this test run. */
export function pgUrl(tag: string): string {
  return `${PG_BASE}?schema=caravan_test_${tag}_${process.pid}_${Date.now().toString(36)}`;
}

/** Drop the schema of a pgUrl (after the test). */
export async function dropPgSchema(url: string): Promise<void> {
  const schema = new URL(url).searchParams.get("schema");
  if (!schema) return;
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** The command line that runs a TypeScript file of the project in a child process. */
export function tsxArgs(file: string, ...args: string[]): string[] {
  return ["--import", "tsx", file, ...args];
}
