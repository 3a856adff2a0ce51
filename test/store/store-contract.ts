/**
 * The store's contract, run against both dialects (store.test.ts on SQLite, postgres.test.ts on PostgreSQL): run
 * lifecycle, reuse by inputs hash, atomic results, prefixes, removal and garbage collection.
 */
import { sql } from "kysely";
import { expect, it } from "vitest";
import { isCaravanError } from "../../src/core/errors";
import { RESULT_TABLES, type Store } from "../../src/store/index";

/** `open(key)`: the store named `key` (the same key reopens the same store). */
export function storeContract(open: (key: string) => Promise<Store>): void {
  it("creates every declared result table with its columns (migrations match RESULT_TABLES)", async () => {
    const store = await open("schema");
    try {
      const tables = await store.db.introspection.getTables();
      for (const spec of Object.values(RESULT_TABLES)) {
        const t = tables.find((x) => x.name === spec.name);
        expect(t, spec.name).toBeDefined();
        expect(t?.columns.map((c) => c.name).sort()).toEqual(["row_no", "run_id", ...spec.columns.map((c) => c.name)].sort());
      }
      for (const name of ["runs", "sweeps", "sweep_jobs", "job_results"]) expect(tables.some((x) => x.name === name)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("records a run as running, then done with its rows in order, and finds it for reuse by inputs hash", async () => {
    const store = await open("lifecycle");
    try {
      const spec = { kind: "assignment", inputs: { demand: { sha256: "ab" } }, parameters: { gap: 1e-4, algorithm: "b" } };
      const run = await store.beginRun(spec);
      expect((await store.getRun(run.id)).status).toBe("running");
      expect(await store.findReusable("assignment", run.inputsHash)).toBeNull();
      const rows = Array.from({ length: 1234 }, (_, i) => ({ key: `k${i}`, value: i / 4, text_value: i % 2 ? "odd" : null }));
      const awkward = 'tab\there, new\nline, back\\slash, "quoted", comma, \\N, ünïcödé';
      rows[3] = { key: "awkward", value: Number.NaN, text_value: awkward };
      await store.completeRun(run.id, { tables: { metrics: rows }, summary: { n: 1234 }, output: "printed\n" });
      const got = await store.getRun(run.id);
      expect(got.status).toBe("done");
      expect(got.summary).toEqual({ n: 1234 });
      expect(got.finishedAt).not.toBeNull();
      const back = await store.readTable(run.id, "metrics");
      expect(back.length).toBe(1234);
      expect(back[7]).toEqual({ key: "k7", value: 1.75, text_value: "odd" });
      // text survives every escape of both bulk paths; a non-finite number is stored as NULL
      expect(back[3]).toEqual({ key: "awkward", value: null, text_value: awkward });
      expect((await store.findReusable("assignment", run.inputsHash))?.id).toBe(run.id);
      // parameters in another key order hash the same; another value does not
      const same = await store.beginRun({ ...spec, parameters: { algorithm: "b", gap: 1e-4 } });
      expect(same.inputsHash).toBe(run.inputsHash);
      const other = await store.beginRun({ ...spec, parameters: { algorithm: "b", gap: 1e-6 } });
      expect(other.inputsHash).not.toBe(run.inputsHash);
    } finally {
      await store.close();
    }
  });

  it("writes no result row and stays running when the transaction fails half-way", async () => {
    const store = await open("atomic");
    try {
      const run = await store.beginRun({ kind: "t", inputs: {}, parameters: { x: Math.random() } });
      await expect(
        store.completeRun(run.id, { tables: { metrics: [{ key: "a", value: 1, text_value: null }] } }, async () => {
          throw new Error("boom after the rows");
        }),
      ).rejects.toThrow("boom");
      expect((await store.getRun(run.id)).status).toBe("running");
      expect(await store.resultCounts(run.id)).toEqual({});
      await store.failRun(run.id, "boom");
      const failed = await store.getRun(run.id);
      expect(failed.status).toBe("failed");
      expect(failed.error).toBe("boom");
      // a failed run is never reused
      expect(await store.findReusable("t", run.inputsHash)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it("finds runs by unique id prefix, and names unknown and ambiguous ids with their codes", async () => {
    const store = await open("prefix");
    try {
      const run = await store.beginRun({ kind: "t", inputs: {}, parameters: {} });
      expect((await store.getRun(run.id.slice(0, 10))).id).toBe(run.id);
      const code = async (p: Promise<unknown>) => p.then(() => "ok", (e) => (isCaravanError(e) ? e.code : String(e)));
      expect(await code(store.getRun("ffffffffffffffff0"))).toBe("E_RUN_UNKNOWN");
      expect(await code(store.getRun("not-hex"))).toBe("E_RUN_UNKNOWN");
      for (let i = 0; i < 20; i++) await store.beginRun({ kind: "t", inputs: {}, parameters: { i } });
      // 21 runs: some hex digit starts at least two ids
      const ids = (await store.listRuns()).map((r) => r.id);
      const first = ids.map((id) => id[0]).find((c, _, all) => all.filter((d) => d === c).length > 1) as string;
      expect(await code(store.getRun(first))).toBe("E_RUN_AMBIGUOUS");
    } finally {
      await store.close();
    }
  });

  it("removes a run with its rows; gc removes failed and interrupted runs and orphaned rows, keeps done ones", async () => {
    const store = await open("gc");
    try {
      const keep = await store.beginRun({ kind: "gc", inputs: {}, parameters: { k: 1 } });
      await store.completeRun(keep.id, { tables: { coefficients: [{ term: "x", estimate: 1, std_error: 0.1, z_value: 10, p_value: 0 }] } });
      const gone = await store.beginRun({ kind: "gc", inputs: {}, parameters: { k: 2 } });
      await store.completeRun(gone.id, { tables: { coefficients: [{ term: "y", estimate: 2, std_error: 0.1, z_value: 20, p_value: 0 }] } });
      await store.removeRun(gone.id);
      expect(await store.resultCounts(gone.id)).toEqual({});
      const failed = await store.beginRun({ kind: "gc", inputs: {}, parameters: { k: 3 } });
      await store.failRun(failed.id, "x");
      // an orphaned row (its run deleted by hand)
      await sql`insert into coefficients (run_id, row_no, term) values ('0000000000000000', 0, 'orphan')`.execute(store.db);
      const r = await store.gc();
      expect(r.runs).toBeGreaterThanOrEqual(1);
      expect(r.orphanRows).toBe(1);
      expect((await store.listRuns({ kind: "gc" })).map((x) => x.id)).toEqual([keep.id]);
      expect(await store.resultCounts(keep.id)).toEqual({ coefficients: 1 });
    } finally {
      await store.close();
    }
  });

  it("marks runs of a process that has ended as interrupted when the store is opened, and leaves live ones", async () => {
    const store = await open("interrupted");
    let deadId = "";
    let liveId = "";
    try {
      const { spawnSync } = await import("node:child_process");
      const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      const deadPid = Number(child.stdout);
      const dead = await store.beginRun({ kind: "t", inputs: {}, parameters: { dead: true } });
      const live = await store.beginRun({ kind: "t", inputs: {}, parameters: { live: true } });
      deadId = dead.id;
      liveId = live.id;
      await sql`update runs set pid = ${deadPid} where id = ${dead.id}`.execute(store.db);
    } finally {
      await store.close();
    }
    const again = await open("interrupted");
    try {
      expect(again.interruptedOnOpen).toContain(deadId);
      expect((await again.getRun(deadId)).status).toBe("interrupted");
      expect((await again.getRun(liveId)).status).toBe("running");
    } finally {
      await again.close();
    }
  });
}
