/**
 * Bulk result writes into the run store (targets: ≥ 200,000 rows/s into SQLite, ≥ 100,000 rows/s into PostgreSQL).
 * For each dialect: one run with 1,000,000 link-flow rows (13 columns) and one with 1,000,000 metric rows (5 columns)
 * written by Store.completeRun (rows and the flip to done in one transaction), beside a plain reference measured in
 * the same process — SQLite: one prepared single-row INSERT per row in one transaction (better-sqlite3's usual
 * idiom); PostgreSQL: multi-row INSERT … VALUES of 1,000 rows per statement through pg. Seeded data (bench/lib.ts).
 * PostgreSQL is skipped with a message when 127.0.0.1:5432 does not answer; it writes into a schema it drops.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type ResultRow } from "../src/store/index";
import { rng, seconds } from "./lib";

const N = 1_000_000;
const PG = process.env.CARAVAN_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test";

function linkRows(n: number): ResultRow[] {
  const r = rng(42);
  return Array.from({ length: n }, (_, i) => ({
    link_id: `L${i}`,
    from_id: `p${(r() * 5000) | 0}`,
    to_id: `p${(r() * 5000) | 0}`,
    mode: r() < 0.5 ? "rail" : "road",
    flow_t: r() * 1e6,
    capacity_t: r() < 0.3 ? null : r() * 2e6,
    vc: r(),
    from_lon: 40 + r() * 80,
    from_lat: 30 + r() * 30,
    to_lon: 40 + r() * 80,
    to_lat: 30 + r() * 30,
  }));
}

function metricRows(n: number): ResultRow[] {
  const r = rng(7);
  return Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: r(), text_value: null }));
}

async function storeRate(location: string, table: "link_flows" | "metrics", rows: ResultRow[]): Promise<number> {
  const store = await openStore(location);
  try {
    const run = await store.beginRun({ kind: "bench", inputs: {}, parameters: { table, at: Date.now() } });
    const start = process.hrtime.bigint();
    await store.completeRun(run.id, { tables: { [table]: rows } });
    return rows.length / seconds(start);
  } finally {
    await store.close();
  }
}

async function sqliteReference(file: string, rows: ResultRow[]): Promise<number> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("create table ref (run_id text not null, row_no integer not null, key text, value double precision, text_value text, primary key (run_id, row_no))");
  const stmt = db.prepare("insert into ref values (?, ?, ?, ?, ?)");
  const start = process.hrtime.bigint();
  db.transaction(() => {
    for (let i = 0; i < rows.length; i++) stmt.run("ref", i, rows[i].key as string, rows[i].value as number, null);
  })();
  const rate = rows.length / seconds(start);
  db.close();
  return rate;
}

async function pgReference(schema: string, rows: ResultRow[]): Promise<number> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: PG, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query("create table ref (run_id text not null, row_no integer not null, key text, value double precision, text_value text, primary key (run_id, row_no))");
    const start = process.hrtime.bigint();
    await client.query("begin");
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const params: unknown[] = [];
      const tuples = chunk.map((row, k) => {
        params.push("ref", i + k, row.key, row.value, null);
        const b = k * 5;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
      });
      await client.query(`insert into ref values ${tuples.join(", ")}`, params);
    }
    await client.query("commit");
    return rows.length / seconds(start);
  } finally {
    await client.end();
  }
}

async function pgUp(): Promise<boolean> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: PG, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

async function main(): Promise<void> {
  const links = linkRows(N);
  const metrics = metricRows(N);
  const dir = mkdtempSync(join(tmpdir(), "caravan-bench-store-"));
  try {
    const sqliteLinks = await storeRate(join(dir, "a.db"), "link_flows", links);
    const sqliteMetrics = await storeRate(join(dir, "b.db"), "metrics", metrics);
    const sqliteRef = await sqliteReference(join(dir, "ref.db"), metrics);
    console.log(`SQLite, ${fmt(N)} rows per run (one transaction with the flip to done):`);
    console.log(`  link_flows (13 columns): ${fmt(sqliteLinks)} rows/s   target ≥ 200,000: ${sqliteLinks >= 200_000 ? "met" : "NOT met"}`);
    console.log(`  metrics (5 columns):     ${fmt(sqliteMetrics)} rows/s`);
    console.log(`  reference, one prepared single-row INSERT per row (5 columns): ${fmt(sqliteRef)} rows/s; store ×${(sqliteMetrics / sqliteRef).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!(await pgUp())) {
    console.log("PostgreSQL: skipped (127.0.0.1:5432 does not answer)");
    return;
  }
  const schema = `caravan_bench_${process.pid}`;
  const url = `${PG}?schema=${schema}`;
  try {
    const pgLinks = await storeRate(url, "link_flows", links);
    const pgMetrics = await storeRate(url, "metrics", metrics);
    const pgRef = await pgReference(schema, metrics);
    console.log(`PostgreSQL, ${fmt(N)} rows per run (COPY FROM STDIN, text format):`);
    console.log(`  link_flows (13 columns): ${fmt(pgLinks)} rows/s   target ≥ 100,000: ${pgLinks >= 100_000 ? "met" : "NOT met"}`);
    console.log(`  metrics (5 columns):     ${fmt(pgMetrics)} rows/s`);
    console.log(`  reference, multi-row INSERT … VALUES of 1,000 rows (5 columns): ${fmt(pgRef)} rows/s; store ×${(pgMetrics / pgRef).toFixed(2)}`);
  } finally {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

await main();
