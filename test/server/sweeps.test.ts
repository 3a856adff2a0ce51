/**
 * API contract, sweeps: GET /sweeps, /sweeps/:id and /sweeps/:id/events read the sweeps of the run store the server
 * was given — here a temporary SQLite file in which `caravan sweep FILE --local` ran a four-job probe sweep — with
 * job counts equal to the jobs of the definition, each done job's stored result, an event stream that ends with
 * `done`, a live stream whose progress climbs while a sweep runs, a stream that stops reading the store once its
 * client is gone, 404 E_SWEEP_UNKNOWN for an unknown id and 501 E_NOT_AVAILABLE without a store.
 */
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { SWEEP_JOB_STATUSES as SCHEMA_JOB_STATUSES } from "../../src/server/schemas";
import { storeSweepReader, type SweepReader } from "../../src/server/routes/sweeps";
import { openStore } from "../../src/store/index";
import { planSweep, runJob, runSweep, SWEEP_JOB_STATUSES, sweepResults } from "../../src/sweeps/index";
import { tempDir } from "../store/helpers";
import { appOver, CORRIDORS, json } from "./helpers";

const tmp = tempDir("api-sweeps");
afterAll(() => tmp.cleanup());
const noRedis = "redis://127.0.0.1:1";

/** The events of a text/event-stream body, in order. */
function events(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split("\n\n")
    .filter((block) => block.startsWith("event: "))
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)) as Record<string, unknown> };
    });
}

interface SweepBody {
  id: string;
  name: string;
  kind: string;
  status: string;
  done: number;
  total: number;
  counts: Record<string, number>;
}
interface JobBody {
  position: number;
  jobId: string;
  input: { value: number; iterations: number };
  status: string;
  attempts: number;
  runId: string | null;
  result: { value: number; result: number } | null;
  worker: string | null;
}

describe("GET /api/v1/sweeps", () => {
  it("lists, shows and streams a sweep that `caravan sweep --local` ran into the store; an unknown id is 404 E_SWEEP_UNKNOWN", async () => {
    const file = join(tmp.dir, "probe.yaml");
    writeFileSync(file, "name: api-probe\nkind: probe\nbase:\n  iterations: 2000\ngrid:\n  value: [3, 1, 2, 5]\n");
    const db = join(tmp.dir, "done.db");
    let err = "";
    const code = await runCli(["sweep", file, "--local", "--threads", "1", "--store", db], { out: () => {}, err: (t) => (err += t) });
    expect(code, err).toBe(0);
    const store = await openStore(db);
    const app = await appOver(CORRIDORS, { store });
    try {
      const list = await app.inject({ method: "GET", url: "/api/v1/sweeps" });
      expect(list.statusCode).toBe(200);
      const sweeps = json<{ sweeps: SweepBody[] }>(list).sweeps;
      expect(sweeps).toEqual([
        expect.objectContaining({ name: "api-probe", kind: "probe", status: "done", done: 4, total: 4, counts: { pending: 0, running: 0, done: 4, failed: 0, interrupted: 0 } }),
      ]);
      const id = sweeps[0].id;
      expect(json<{ sweeps: SweepBody[] }>(await app.inject({ method: "GET", url: "/api/v1/sweeps?status=cancelled" })).sweeps).toEqual([]);

      const one = await app.inject({ method: "GET", url: `/api/v1/sweeps/${id.slice(0, 8)}` });
      expect(one.statusCode).toBe(200);
      const body = json<{ sweep: SweepBody & { definition: { grid: { value: number[] } } }; jobs: JobBody[] }>(one);
      expect(body.sweep.id).toBe(id);
      expect(body.sweep.definition.grid.value).toEqual([3, 1, 2, 5]);
      expect(body.jobs.map((j) => [j.position, j.input.value, j.status, j.attempts])).toEqual([
        [0, 3, "done", 1],
        [1, 1, "done", 1],
        [2, 2, "done", 1],
        [3, 5, "done", 1],
      ]);
      // each result is what the store holds for the job, and that is the job's own computation
      const stored = await sweepResults(store, id);
      for (const [i, job] of body.jobs.entries()) {
        expect(job.jobId).toBe(stored[i].jobId);
        expect(job.runId).toBe(stored[i].runId);
        expect(job.result).toEqual(stored[i].metrics);
        expect(job.result!.result).toBe((await runJob("probe", job.input)).metrics.result);
      }

      // the production serialiser (no response validation) sends the same bodies
      const plain = await appOver(CORRIDORS, { store, validateResponses: false });
      try {
        expect(json(await plain.inject({ method: "GET", url: `/api/v1/sweeps/${id}` }))).toEqual(body);
        expect(json(await plain.inject({ method: "GET", url: "/api/v1/sweeps" }))).toEqual(json(list));
      } finally {
        await plain.close();
      }

      const stream = await app.inject({ method: "GET", url: `/api/v1/sweeps/${id}/events?intervalMs=100` });
      expect(stream.statusCode).toBe(200);
      expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
      const seen = events(stream.body);
      expect(seen[0]).toEqual({ event: "progress", data: { done: 4, failed: 0, total: 4 } });
      expect(seen.at(-1)).toEqual({ event: "done", data: { status: "done", done: 4, failed: 0, total: 4 } });

      for (const url of ["/api/v1/sweeps/ffffffff", "/api/v1/sweeps/not-an-id", "/api/v1/sweeps/ffffffff/events"]) {
        const unknown = await app.inject({ method: "GET", url });
        expect(unknown.statusCode, url).toBe(404);
        expect(json(unknown).code, url).toBe("E_SWEEP_UNKNOWN");
      }
      const badInterval = await app.inject({ method: "GET", url: `/api/v1/sweeps/${id}/events?intervalMs=5` });
      expect(badInterval.statusCode).toBe(400);
      expect(json(badInterval).code).toBe("E_USAGE");
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("a stream opened while a sweep runs sends climbing progress and ends with done when the last job is stored", async () => {
    const store = await openStore(join(tmp.dir, "live.db"));
    const app = await appOver(CORRIDORS, { store });
    try {
      const plan = planSweep({ name: "live", kind: "probe", base: { sleepMs: 150 }, grid: { value: [1, 2, 3, 4, 5, 6] } }, join(tmp.dir, "live.yaml"));
      const running = runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 1 });
      for (let i = 0; i < 200 && json<{ sweeps: unknown[] }>(await app.inject({ method: "GET", url: "/api/v1/sweeps" })).sweeps.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const stream = await app.inject({ method: "GET", url: `/api/v1/sweeps/${plan.id}/events?intervalMs=100` });
      await running;
      const seen = events(stream.body);
      const progress = seen.filter((e) => e.event === "progress").map((e) => e.data.done as number);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);
      expect(progress.at(-1)).toBe(6);
      expect(seen.at(-1)).toEqual({ event: "done", data: { status: "done", done: 6, failed: 0, total: 6 } });
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("a pending sweep shows every job pending; its stream stops reading the store when the client disconnects", async () => {
    const store = await openStore(join(tmp.dir, "pending.db"));
    const { registerSweep } = await import("../../src/sweeps/records");
    const plan = planSweep({ name: "waiting", kind: "probe", base: { iterations: 10 }, grid: { value: [1, 2, 3] } }, join(tmp.dir, "w.yaml"));
    await registerSweep(store, plan);
    let reads = 0;
    const inner = storeSweepReader(store);
    const counting: SweepReader = {
      ...inner,
      jobStates: (id) => {
        reads++;
        return inner.jobStates(id);
      },
    };
    const app = await appOver(CORRIDORS, { store, sweeps: counting });
    try {
      const shown = json<{ sweep: SweepBody; jobs: JobBody[] }>(await app.inject({ method: "GET", url: `/api/v1/sweeps/${plan.id}` }));
      expect(shown.sweep.counts).toEqual({ pending: 3, running: 0, done: 0, failed: 0, interrupted: 0 });
      expect(shown.jobs.map((j) => [j.status, j.runId, j.result, j.attempts])).toEqual(Array.from({ length: 3 }, () => ["pending", null, null, 0]));

      await app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = app.server.address() as AddressInfo;
      const first = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path: `/api/v1/sweeps/${plan.id}/events?intervalMs=100` }, (res) => {
          res.setEncoding("utf8");
          res.once("data", (chunk: string) => {
            req.destroy();
            resolve(chunk);
          });
        });
        req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
      expect(events(first)[0]).toEqual({ event: "progress", data: { done: 0, failed: 0, total: 3 } });
      await new Promise((r) => setTimeout(r, 300));
      const afterDisconnect = reads;
      await new Promise((r) => setTimeout(r, 500));
      expect(reads).toBe(afterDisconnect);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("without a store is 501 E_NOT_AVAILABLE, as /runs", async () => {
    const app = await appOver(CORRIDORS);
    try {
      for (const url of ["/api/v1/sweeps", "/api/v1/sweeps/abc", "/api/v1/sweeps/abc/events", "/api/v1/runs"]) {
        const r = await app.inject({ method: "GET", url });
        expect(r.statusCode, url).toBe(501);
        expect(json(r).code, url).toBe("E_NOT_AVAILABLE");
      }
    } finally {
      await app.close();
    }
  });

  it("the schema's job states are the store's", () => {
    expect([...SCHEMA_JOB_STATUSES]).toEqual([...SWEEP_JOB_STATUSES]);
  });
});
