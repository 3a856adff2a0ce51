/**
 * API contract, run store: GET /runs and /runs/:id read the runs of the store the server was given (a fresh SQLite
 * file here, with one run recorded through the store's own API); without a store they answer 501 E_NOT_AVAILABLE.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index";
import { appOver, CORRIDORS, json } from "./helpers";

describe("GET /api/v1/runs", () => {
  it("lists and shows the store's runs; an unknown id is 404 E_RUN_UNKNOWN", async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), "caravan-runs-")), "runs.db"));
    const { id } = await store.beginRun({ kind: "assignment", inputs: { demand: "demand/corridors-2024.csv" }, parameters: { gap: 1e-6 } });
    await store.completeRun(id, { summary: { demandT: 1500000 }, output: "done\n" });
    const app = await appOver(CORRIDORS, { store });
    try {
      const list = await app.inject({ method: "GET", url: "/api/v1/runs?kind=assignment" });
      expect(list.statusCode).toBe(200);
      expect(json<{ runs: { id: string; status: string }[] }>(list).runs).toEqual([expect.objectContaining({ id, kind: "assignment", status: "done" })]);
      const one = await app.inject({ method: "GET", url: `/api/v1/runs/${id.slice(0, 8)}` });
      expect(one.statusCode).toBe(200);
      const body = json<{ run: { id: string; summary: { demandT: number }; parameters: { gap: number } } }>(one);
      expect(body.run.id).toBe(id);
      expect(body.run.summary.demandT).toBe(1500000);
      expect(body.run.parameters.gap).toBe(1e-6);
      const unknown = await app.inject({ method: "GET", url: "/api/v1/runs/ffffffffffffffff" });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).code).toBe("E_RUN_UNKNOWN");
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("with a store, every job is recorded as a run: uploaded text as its hash, the summary, the job id", async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), "caravan-runs-")), "runs.db"));
    const app = await appOver(CORRIDORS, { store });
    try {
      const streamsCsv = "year,capitalCostUsd,operatingCostUsd,benefitsUsd\n2025,100,0,0\n2026,0,0,110\n";
      const r = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "appraisal", input: { streamsCsv, discountRatePct: 10 } } });
      const jobId = json<{ jobId: string }>(r).jobId;
      await app.inject({ method: "GET", url: `/api/v1/jobs/${jobId}/events` });
      type RunView = { id: string; status: string; inputs: { streamsCsv: { bytes: number } }; parameters: { discountRatePct: number }; summary: { enpvUsd: number } };
      let run = null as RunView | null;
      for (let i = 0; i < 100 && run?.status !== "done"; i++) {
        const runs = json<{ runs: { id: string }[] }>(await app.inject({ method: "GET", url: "/api/v1/runs?kind=appraisal" })).runs;
        if (runs.length > 0) run = json<{ run: RunView }>(await app.inject({ method: "GET", url: `/api/v1/runs/${runs[0].id}` })).run;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(run?.status).toBe("done");
      expect(run!.inputs.streamsCsv.bytes).toBe(streamsCsv.length);
      expect(run!.parameters.discountRatePct).toBe(10);
      expect(run!.summary.enpvUsd).toBeCloseTo(0, 9);
      const job = json<{ runId: string }>(await app.inject({ method: "GET", url: `/api/v1/jobs/${jobId}` }));
      expect(job.runId).toBe(run!.id);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("without a store is 501 E_NOT_AVAILABLE", async () => {
    const app = await appOver(CORRIDORS);
    try {
      const r = await app.inject({ method: "GET", url: "/api/v1/runs" });
      expect(r.statusCode).toBe(501);
      expect(json(r).code).toBe("E_NOT_AVAILABLE");
    } finally {
      await app.close();
    }
  });
});
