/**
 * API contract, jobs: POST /jobs answers 202 with an id, the job runs in the worker thread, GET /jobs/:id shows
 * status, progress and the result or error, and /jobs/:id/events streams progress then done or failed (SSE). Over
 * the "corridors" fixture with a two-row demand (helpers.ts), hand-checkable: all 1.5 Mt reach Destport.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { appOver, fixtureCopy, json } from "./helpers";

let app: FastifyInstance;
let data: string;
beforeAll(async () => {
  data = fixtureCopy();
  // scenarios of the fixture: the Kazakhstan–Russia crossing shut (the North corridor is cut), and one that extends a file outside
  mkdirSync(join(data, "scenarios"));
  writeFileSync(
    join(data, "scenarios", "north-closed.yaml"),
    [
      "name: North corridor closed",
      "demand: { file: ../demand/corridors-2024.csv, baseYear: 2024 }",
      "modifications:",
      '  - { target: crossing, id: kz-ru, close: true, assumption: "test: the crossing is shut" }',
      "",
    ].join("\n"),
  );
  writeFileSync(join(data, "scenarios", "escape.yaml"), "name: escape\nextends: ../../../outside.yaml\n");
  app = await appOver(data);
});
afterAll(async () => {
  await app.close();
});

interface JobBody {
  id: string;
  kind: string;
  status: string;
  progress: number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

async function submit(payload: unknown): Promise<string> {
  const r = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: payload as Record<string, unknown> });
  expect(r.statusCode, r.body).toBe(202);
  return json<{ jobId: string }>(r).jobId;
}

async function waitFor(id: string): Promise<JobBody> {
  for (let i = 0; i < 2000; i++) {
    const job = json<JobBody>(await app.inject({ method: "GET", url: `/api/v1/jobs/${id}` }));
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Parse a text/event-stream body into its events. */
function events(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split("\n\n")
    .filter((block) => block.startsWith("event:"))
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)) };
    });
}

describe("assignment jobs", () => {
  it("the default demand (demand/corridors-2024.csv) is assigned: flows as GeoJSON, bottlenecks, transit by country", async () => {
    const id = await submit({ kind: "assignment", input: {} });
    const job = await waitFor(id);
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    expect(job.progress).toBe(1);
    const result = job.result as { summary: { demandT: number; demandFile: string; converged: boolean; bottlenecks: unknown[]; transitByCountry: { country: string; transitT: number }[] }; flows: { type: string; features: { properties: { flowT: number; to: string } }[] } };
    expect(result.summary.demandT).toBe(1_500_000);
    expect(result.summary.demandFile).toBe("demand/corridors-2024.csv");
    expect(result.summary.converged).toBe(true);
    expect(Array.isArray(result.summary.bottlenecks)).toBe(true);
    expect(result.flows.type).toBe("FeatureCollection");
    // everything ends at Destport: the flow into dest sums to the demand
    const intoDest = result.flows.features.filter((f) => f.properties.to === "dest").reduce((s, f) => s + f.properties.flowT, 0);
    expect(intoDest).toBeCloseTo(1_500_000, -1);
    // the 1 Mt Orient → Destport container flow crosses Kazakhstan without starting or ending there
    const kaz = result.summary.transitByCountry.find((r) => r.country === "KAZ");
    expect(kaz?.transitT).toBeGreaterThanOrEqual(1_000_000 - 1);
  });

  it("the event stream sends progress and ends with done carrying the result", async () => {
    const id = await submit({ kind: "assignment", input: { demandCsv: "origin,destination,class,amount,source\nori,dest,container,200000,src:corridors-manual\n" } });
    const r = await app.inject({ method: "GET", url: `/api/v1/jobs/${id}/events` });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/event-stream/);
    const list = events(r.body);
    expect(list[0].event).toBe("progress");
    expect(list.at(-1)!.event).toBe("done");
    expect((list.at(-1)!.data.result as { summary: { demandT: number } }).summary.demandT).toBe(200_000);
    const progress = list.filter((e) => e.event === "progress").map((e) => e.data.progress as number);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]))).toBe(true);
    // a finished job's stream is its final event at once
    const again = events((await app.inject({ method: "GET", url: `/api/v1/jobs/${id}/events` })).body);
    expect(again.map((e) => e.event)).toEqual(["done"]);
  });

  it("a demand naming an unknown place fails with E_DEMAND_INVALID (streamed as failed)", async () => {
    const id = await submit({ kind: "assignment", input: { demandCsv: "origin,destination,class,amount,source\nori,Atlantis,container,1,src:corridors-manual\n" } });
    const r = await app.inject({ method: "GET", url: `/api/v1/jobs/${id}/events` });
    const last = events(r.body).at(-1)!;
    expect(last.event).toBe("failed");
    expect((last.data.error as { code: string }).code).toBe("E_DEMAND_INVALID");
    const job = json<JobBody>(await app.inject({ method: "GET", url: `/api/v1/jobs/${id}` }));
    expect(job.status).toBe("failed");
    expect(job.error?.code).toBe("E_DEMAND_INVALID");
  });

  it("a malformed demand file fails naming it by its path in the data folder, never the server's folders", async () => {
    writeFileSync(join(data, "demand", "bad.csv"), "origin,destination,class,amount,source\nori,dest,container,lots,src:corridors-manual\n");
    const id = await submit({ kind: "assignment", input: { demand: "demand/bad.csv" } });
    const job = await waitFor(id);
    expect(job.status).toBe("failed");
    expect(job.error?.message).toMatch(/^demand\/bad\.csv:2/);
    expect(job.error?.message).not.toContain(data);
  });

  it("bad input is refused at submission: unknown kind, unknown input field, missing file", async () => {
    const kind = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "asignment" } });
    expect(kind.statusCode).toBe(400);
    expect(json(kind)).toMatchObject({ code: "E_USAGE", didYouMean: ["assignment"] });
    const field = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment", input: { algoritm: "b" } } });
    expect(field.statusCode).toBe(400);
    expect(json<{ message: string }>(field).message).toMatch(/algoritm/);
    const missing = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment", input: { demand: "demand/none.csv" } } });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).code).toBe("E_FILE_NOT_FOUND");
    const unknown = await app.inject({ method: "GET", url: "/api/v1/jobs/no-such-job" });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).code).toBe("E_JOB_UNKNOWN");
  });
});

describe("gravity estimation and appraisal jobs", () => {
  // y = exp(a_g + 0.5 x) exactly, so PPML recovers the slope 0.5
  const csv = ["y,x,g", ...Array.from({ length: 12 }, (_, i) => `${Math.exp((i % 2 ? 1 : 2) + 0.5 * i * 0.3)},${i * 0.3},${i % 2 ? "a" : "b"}`)].join("\n");

  it("a CSV uploaded as text/csv is estimated: slope 0.5 recovered", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/jobs?kind=gravity-estimate&formula=y%20~%20x%20%7C%20g", headers: { "content-type": "text/csv" }, payload: csv });
    expect(r.statusCode, r.body).toBe(202);
    const job = await waitFor(json<{ jobId: string }>(r).jobId);
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    const coefficients = (job.result as { coefficients: { name: string; estimate: number }[] }).coefficients;
    expect(coefficients[0].name).toBe("x");
    expect(coefficients[0].estimate).toBeCloseTo(0.5, 9);
  });

  it("a CSV uploaded as multipart/form-data (file part data, options as fields) is estimated the same", async () => {
    const boundary = "----caravan-test-boundary";
    const part = (headers: string, content: string) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
    const payload =
      part('Content-Disposition: form-data; name="kind"', "gravity-estimate") +
      part('Content-Disposition: form-data; name="formula"', "y ~ x | g") +
      part('Content-Disposition: form-data; name="data"; filename="panel.csv"\r\nContent-Type: text/csv', csv) +
      `--${boundary}--\r\n`;
    const r = await app.inject({ method: "POST", url: "/api/v1/jobs", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, payload });
    expect(r.statusCode, r.body).toBe(202);
    const job = await waitFor(json<{ jobId: string }>(r).jobId);
    expect((job.result as { coefficients: { estimate: number }[] }).coefficients[0].estimate).toBeCloseTo(0.5, 9);
    const broken = await app.inject({ method: "POST", url: "/api/v1/jobs", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, payload: "no parts here" });
    expect(broken.statusCode).toBe(400);
    expect(json(broken).code).toBe("E_USAGE");
  });

  it("the same CSV in JSON works; a text/csv body without kind is E_USAGE", async () => {
    const job = await waitFor(await submit({ kind: "gravity-estimate", input: { formula: "y ~ x | g", csv } }));
    expect((job.result as { coefficients: { estimate: number }[] }).coefficients[0].estimate).toBeCloseTo(0.5, 9);
    const r = await app.inject({ method: "POST", url: "/api/v1/jobs", headers: { "content-type": "text/csv" }, payload: csv });
    expect(r.statusCode).toBe(400);
  });

  it("appraisal: -100 now and 110 a year later at 10 % is an ENPV of 0", async () => {
    const streamsCsv = "year,capitalCostUsd,operatingCostUsd,benefitsUsd\n2025,100,0,0\n2026,0,0,110\n";
    const job = await waitFor(await submit({ kind: "appraisal", input: { streamsCsv, discountRatePct: 10 } }));
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    expect((job.result as { enpvUsd: number }).enpvUsd).toBeCloseTo(0, 9);
  });

});

describe("scenario jobs", () => {
  it("scenario-run: closing the KAZ–RUS crossing moves the Orient → Destport flow off Russia", async () => {
    const job = await waitFor(await submit({ kind: "scenario-run", input: { scenario: "scenarios/north-closed.yaml", pairTimes: false } }));
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    const result = job.result as {
      comparison: { scenario: { name: string; origin: string }; transitByCountry: { country: string; baselineT: number; scenarioT: number }[] };
      flows: { baseline: { features: unknown[] }; scenario: { features: unknown[] } };
    };
    expect(result.comparison.scenario.name).toBe("North corridor closed");
    expect(result.comparison.scenario.origin).not.toMatch(/^scenario:\//);
    const rus = result.comparison.transitByCountry.find((r) => r.country === "RUS");
    expect(rus?.baselineT).toBeGreaterThan(0);
    expect(rus?.scenarioT ?? 0).toBe(0);
    expect(result.flows.scenario.features.length).toBeGreaterThan(0);
  });

  it("GET /scenarios lists the dataset's scenario files with their names; one that does not parse carries its problem", async () => {
    const r = await app.inject({ method: "GET", url: "/api/v1/scenarios" });
    expect(r.statusCode).toBe(200);
    const list = json<{ scenarios: { id: string; name: string; problem: string | null }[] }>(r).scenarios;
    expect(list.map((s) => s.id)).toEqual(["scenarios/escape.yaml", "scenarios/north-closed.yaml"]);
    expect(list[1]).toMatchObject({ name: "North corridor closed", problem: null });
  });

  it("scenario-compare: the same file on both sides changes nothing; base `baseline` gives the diff of the closure", async () => {
    const same = await waitFor(await submit({ kind: "scenario-compare", input: { base: "scenarios/north-closed.yaml", scenario: "scenarios/north-closed.yaml" } }));
    expect(same.status, JSON.stringify(same.error)).toBe("done");
    const sameDiff = (same.result as { diff: { features: { properties: { changeT: number } }[] } }).diff;
    expect(sameDiff.features.every((f) => f.properties.changeT === 0)).toBe(true);
    const job = await waitFor(await submit({ kind: "scenario-compare", input: { base: "baseline", scenario: "scenarios/north-closed.yaml" } }));
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    const diff = (job.result as { diff: { features: { properties: { linkId: string; baseFlowT: number; scenarioFlowT: number; changeT: number } }[] } }).diff;
    // the KAZ–RUS border link loses all its flow; its changeT is scenario − base
    const border = diff.features.find((f) => f.properties.linkId.includes("kzrgate-rugate"))!;
    expect(border.properties.baseFlowT).toBeGreaterThan(0);
    expect(border.properties.scenarioFlowT).toBe(0);
    expect(border.properties.changeT).toBe(-border.properties.baseFlowT);
    expect(diff.features.some((f) => f.properties.changeT > 0)).toBe(true);
  });

  it("a scenario extending a file outside the data folders is 403 and nothing runs", async () => {
    const outside = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "scenario-run", input: { scenario: "scenarios/escape.yaml" } } });
    expect(outside.statusCode).toBe(403);
    expect(json(outside).code).toBe("E_PATH_FORBIDDEN");
    const missing = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "scenario-run", input: {} } });
    expect(missing.statusCode).toBe(400);
  });
});

describe("queue cap, time limit and finished-job history", () => {
  it("a job past its time limit fails with E_TIMEOUT (its worker is stopped) and the queue goes on with the next job", async () => {
    const small = await appOver(fixtureCopy(), { jobs: { jobSeconds: 0.001, graceMs: 0 } });
    try {
      const submitTo = async () => json<{ jobId: string }>(await small.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment" } })).jobId;
      const first = events((await small.inject({ method: "GET", url: `/api/v1/jobs/${await submitTo()}/events` })).body).at(-1)!;
      expect(first.event).toBe("failed");
      expect((first.data.error as { code: string }).code).toBe("E_TIMEOUT");
      const second = events((await small.inject({ method: "GET", url: `/api/v1/jobs/${await submitTo()}/events` })).body).at(-1)!;
      expect((second.data.error as { code: string }).code).toBe("E_TIMEOUT");
    } finally {
      await small.close();
    }
  });

  it("finished jobs beyond the kept count are dropped oldest first (E_JOB_UNKNOWN)", async () => {
    const small = await appOver(fixtureCopy(), { jobs: { keepFinished: 1 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await small.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "appraisal", input: { streamsCsv: "year,capitalCostUsd,operatingCostUsd,benefitsUsd\n2025,1,0,2\n" } } });
        ids.push(json<{ jobId: string }>(r).jobId);
        await small.inject({ method: "GET", url: `/api/v1/jobs/${ids[i]}/events` });
      }
      expect((await small.inject({ method: "GET", url: `/api/v1/jobs/${ids[0]}` })).statusCode).toBe(404);
      expect(json<JobBody>(await small.inject({ method: "GET", url: `/api/v1/jobs/${ids[1]}` })).status).toBe("done");
    } finally {
      await small.close();
    }
  });

  it("beyond the cap of waiting jobs a submission is 429 E_QUEUE_FULL", async () => {
    const small = await appOver(fixtureCopy(), { jobs: { maxQueued: 1 } });
    try {
      const responses = await Promise.all(Array.from({ length: 4 }, () => small.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment" } })));
      const codes = responses.map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 202).length).toBeGreaterThanOrEqual(1);
      expect(codes.filter((c) => c === 202).length).toBeLessThanOrEqual(2);
      const full = responses.find((r) => r.statusCode === 429)!;
      expect(json(full).code).toBe("E_QUEUE_FULL");
    } finally {
      await small.close();
    }
  });
});
