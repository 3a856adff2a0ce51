/**
 * Sweeps on local worker threads (no Redis): every job's result stored once, a second run resumes (nothing
 * recomputed), cancellation stops a sweep and running the file again finishes it; network job kinds compute the
 * same figures as the CLI commands they stand for.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { isCaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/index";
import { loadSweep, runSweep as runScenarioSweep } from "../../src/scenarios/index";
import { openStore } from "../../src/store/index";
import { cancelSweep, planSweep, runJob, runSweep, sweepResults } from "../../src/sweeps/index";
import { tempDir } from "../store/helpers";

const tmp = tempDir("sweep-local");
afterAll(() => tmp.cleanup());
const noRedis = "redis://127.0.0.1:1"; // never answers: the sweep must say so and run locally

describe("local sweeps", () => {
  it("runs every job once on threads, and a second run finds them all stored", async () => {
    const store = await openStore(join(tmp.dir, "local.db"));
    const notes: string[] = [];
    try {
      const plan = planSweep({ name: "probe", kind: "probe", base: { iterations: 20_000 }, grid: { value: [1, 2, 3, 4, 5, 6, 7, 8] } }, join(tmp.dir, "s.yaml"));
      const report = await runSweep({ store, plan, redisUrl: noRedis, threads: 2, note: (t) => notes.push(t) });
      expect(report.mode).toBe("local");
      expect(notes.join("")).toMatch(/does not answer.*local worker threads/);
      expect(report.done).toBe(8);
      const results = await sweepResults(store, plan.id);
      expect(results.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // each result is the job's own computation
      for (const r of results) {
        const direct = await runJob("probe", r.input);
        expect(r.metrics.result).toBe(direct.metrics.result);
      }
      const again = await runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 2 });
      expect(again.alreadyDone).toBe(8);
      expect(again.done).toBe(8);
      const runs = await store.listRuns({ kind: "probe" });
      expect(runs.length).toBe(8);
    } finally {
      await store.close();
    }
  });

  it("a cancelled sweep stops with E_SWEEP_CANCELLED and finishes when run again", async () => {
    const file = join(tmp.dir, "cancel.db");
    const store = await openStore(file);
    try {
      const plan = planSweep({ name: "slow", kind: "probe", base: { sleepMs: 60 }, grid: { value: Array.from({ length: 40 }, (_, i) => i) } }, join(tmp.dir, "c.yaml"));
      const running = runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 2 });
      await new Promise((r) => setTimeout(r, 400));
      const other = await openStore(file);
      await cancelSweep(other, plan.id.slice(0, 8));
      await other.close();
      const error = await running.then(
        () => null,
        (e) => e,
      );
      expect(isCaravanError(error) && error.code).toBe("E_SWEEP_CANCELLED");
      const partial = (await sweepResults(store, plan.id)).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(40);
      const resumed = await runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 2 });
      expect(resumed.alreadyDone).toBe(partial);
      expect(resumed.done).toBe(40);
    } finally {
      await store.close();
    }
  });

  it("a job that keeps failing is retried, then reported with its error; its attempts are failed runs", async () => {
    const store = await openStore(join(tmp.dir, "fail.db"));
    try {
      const demand = join(import.meta.dirname, "..", "..", "data", "eurasia", "demand", "corridors-2024.csv");
      const plan = planSweep({ name: "bad", kind: "corridor-assignment", base: { demand, algorithm: "no-such-solver" } }, join(tmp.dir, "bad.yaml"));
      const report = await runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 1 });
      expect(report.done).toBe(0);
      expect([...report.failures.values()]).toEqual([expect.stringMatching(/unknown assignment algorithm "no-such-solver"/)]);
      const failed = await store.listRuns({ kind: "corridor-assignment", status: "failed" });
      expect(failed.length).toBe(3); // JOB_ATTEMPTS
    } finally {
      await store.close();
    }
  });

  it("the CLI runs a sweep file locally, then lists it, shows its results and refuses to cancel it once done", async () => {
    const file = join(tmp.dir, "cli.yaml");
    writeFileSync(file, "name: cli-probe\nkind: probe\nbase:\n  iterations: 1000\ngrid:\n  value: [3, 1, 2]\n");
    const db = join(tmp.dir, "cli.db");
    const cli = async (args: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };
    const ran = await cli(["sweep", file, "--local", "--threads", "1", "--store", db]);
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/: 3 probe jobs, 3 with stored results \(0 from before, 3 now\), 0 failed; local threads/);
    const list = JSON.parse((await cli(["sweep", "list", "--json", "--store", db])).out);
    expect(list.sweeps).toEqual([expect.objectContaining({ name: "cli-probe", kind: "probe", status: "done", jobs: 3, done: 3 })]);
    const id = list.sweeps[0].id as string;
    const shown = JSON.parse((await cli(["sweep", "show", id.slice(0, 6), "--json", "--store", db])).out);
    expect(shown.results.map((r: { input: { value: number } }) => r.input.value)).toEqual([3, 1, 2]);
    const text = (await cli(["sweep", "show", id, "--store", db])).out;
    expect(text).toMatch(/^job\s+value\s+value\s+result/m);
    expect((await cli(["sweep", "cancel", id, "--store", db, "--redis", noRedis])).out).toMatch(/has finished \(3 of 3 jobs done\); nothing to cancel/);
    const unknown = await cli(["sweep", "show", "ffff", "--store", db]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/E_SWEEP_UNKNOWN/);
  });

  it("a corridor-assignment job computes the transit the assign command records for the same inputs", async () => {
    const demand = join(import.meta.dirname, "..", "..", "data", "eurasia", "demand", "corridors-2024.csv");
    const db = join(tmp.dir, "assign.db");
    const code = await runCli(["assign", "--demand", demand, "--demand-scale", "0.5", "--gap", "1e-4", "--store", db], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const job = await runJob("corridor-assignment", { demand, demandScale: 0.5, gap: 1e-4 });
    const store = await openStore(db);
    try {
      const [run] = await store.listRuns({ kind: "assignment" });
      const transit = await store.readTable(run.id, "transit_by_country");
      expect(transit.length).toBeGreaterThan(0);
      for (const t of transit) expect(job.metrics[`transit_${String(t.country).toLowerCase()}_t`]).toBeCloseTo(Number(t.transit_t), 0);
      expect(job.tables?.link_flows?.length).toBe((await store.resultCounts(run.id)).link_flows);
    } finally {
      await store.close();
    }
  });

  it("scenario-variant jobs expand a scenario sweep file into one job per variant and give the scenarios stage's rows", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const testbotDir = join(root, "test/fixtures/testbot");
    const scenarioSweep = join(tmp.dir, "scenario-sweep.yaml");
    writeFileSync(
      scenarioSweep,
      `scenario: ${join(root, "test/fixtures/scenarios/testbot-half-dwell.yaml")}
grid:
  - name: dwell
    values: [1, 0]
    modification: { target: crossing, id: gate-crossing, scale: { dwellH: $value }, assumption: "sweep axis" }
`,
    );
    const plan = planSweep({ name: "variants", kind: "scenario-variant", base: { sweep: scenarioSweep, data: testbotDir } }, join(tmp.dir, "v.yaml"));
    expect(plan.jobs.map((j) => j.input.variant)).toEqual(["dwell=1", "dwell=0"]);
    const store = await openStore(join(tmp.dir, "variants.db"));
    try {
      const report = await runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 2 });
      expect(report.done).toBe(2);
      const results = await sweepResults(store, plan.id);
      const reference = await runScenarioSweep(openNetwork(testbotDir, { cacheDir: false }), loadSweep(scenarioSweep), { workers: 1 });
      for (const [i, row] of reference.rows.entries()) {
        expect(results[i].metrics.mean_time_change_h).toBeCloseTo(row.meanTimeChangeH, 9);
        expect(results[i].metrics.transit_kaz_t).toBeCloseTo(row.transitKazT, 6);
        expect(results[i].metrics.max_vc).toBe(row.maxVc);
      }
    } finally {
      await store.close();
    }
  });
});
