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
