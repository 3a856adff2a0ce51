/**
 * API contract: an assignment job takes `rulesOff` as `caravan assign --rules-off` does. The rules of passage
 * (rules/*.yaml) apply by default; `rulesOff` (rule ids or all, a list or a comma-separated string) switches them off
 * for the job's network state (year and month, or its scenario's). The figures are those of the CLI with the same
 * options (never hard-coded); the rule must change the equilibrium, so a job that ignored the field would fail; with a
 * run store a job with the rules off is a run of its own and the same rules written another way the same run; an id
 * that is no rule of the dataset is 400 E_USAGE naming the field, with the CLI's did-you-mean.
 *
 * Fixture: the "corridors" routing fixture (helpers.ts) with, written here, one transit ban: goods from CHN may not
 * cross RUS (from 2020). Orient (CHN) → Destport (DEU) then keeps off the North corridor (KAZ > RUS > DEU); with the
 * rule off it may take it again.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { openStore, type Store } from "../../src/store/index";
import { appOver, fixtureCopyWithTransitBan, json } from "./helpers";

let data: string;
let app: FastifyInstance;
let store: Store;
beforeAll(async () => {
  data = fixtureCopyWithTransitBan();
  mkdirSync(join(data, "scenarios"));
  writeFileSync(join(data, "scenarios", "year-2024.yaml"), "name: The network of 2024\nyear: 2024\n");
  store = await openStore(join(mkdtempSync(join(tmpdir(), "caravan-job-rules-")), "runs.db"));
  app = await appOver(data, { store });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

interface Summary {
  totalTravelTime: number;
  classes?: string[];
  crossings?: unknown;
  [k: string]: unknown;
}
interface JobBody {
  id: string;
  status: string;
  result?: { summary: Summary; parameters: Record<string, unknown> };
  error?: { code: string; message: string };
  runId?: string;
}

async function post(input: Record<string, unknown>) {
  return app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment", input } });
}

async function runJob(input: Record<string, unknown>): Promise<JobBody> {
  const r = await post(input);
  expect(r.statusCode, r.body).toBe(202);
  const id = json<{ jobId: string }>(r).jobId;
  for (let i = 0; i < 2400; i++) {
    const job = json<JobBody>(await app.inject({ method: "GET", url: `/api/v1/jobs/${id}` }));
    if (job.status === "failed") throw new Error(`job failed: ${JSON.stringify(job.error)}`);
    if (job.status === "done" && job.runId !== undefined) return job;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

async function cliSummary(...args: string[]): Promise<Summary> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", data, "assign", "--no-store", "--demand", join(data, "demand", "corridors-2024.csv"), "--json", ...args], {
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  expect(code, err).toBe(0);
  return JSON.parse(out) as Summary;
}

/** A summary without what differs by path alone: the demand file as named, wall-clock seconds. */
function figures(summary: Summary): Record<string, unknown> {
  const { demandFile: _file, elapsedS: _elapsed, solveS: _solve, ...rest } = summary;
  return rest;
}

/** Tonnes of a demand class over a crossing (the summary's crossings), 0 when none. */
function crossingT(summary: Summary, crossing: string, demandClass: string): number {
  const rows = (summary.crossings ?? []) as { crossing: string; byClassT: Record<string, number> }[];
  return rows.find((r) => r.crossing === crossing)?.byClassT[demandClass] ?? 0;
}

describe("assignment jobs take rulesOff as `caravan assign --rules-off`", () => {
  const results = new Map<string, JobBody>();
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["the rules (default)", {}, []],
    ["rulesOff [all]", { rulesOff: ["all"] }, ["--rules-off", "all"]],
    ["rulesOff by id", { rulesOff: ["no-chinese-transit-rus"] }, ["--rules-off", "no-chinese-transit-rus"]],
    ["a scenario's state with rulesOff", { scenario: "scenarios/year-2024.yaml", rulesOff: "all" }, ["--scenario", "@scenarios/year-2024.yaml", "--rules-off", "all"]],
    ["a scenario's state with the rules", { scenario: "scenarios/year-2024.yaml" }, ["--scenario", "@scenarios/year-2024.yaml"]],
    ["month with rulesOff", { month: 6, rulesOff: ["all"] }, ["--month", "6", "--rules-off", "all"]],
  ];

  it.each(cases)("%s: the job's summary is the CLI's, figure for figure", async (name, input, args) => {
    const job = await runJob({ gap: 1e-6, ...input });
    const cliArgs = args.map((a) => (a.startsWith("@") ? join(data, a.slice(1)) : a));
    expect(figures(job.result!.summary)).toEqual(figures(await cliSummary("--gap", "1e-6", ...cliArgs)));
    results.set(name, job);
  }, 120_000);

  it("the rule reached the computation: with it Chinese goods keep off Russia, with it off they cross it; the parameters name the rules off", () => {
    const on = results.get("the rules (default)")!;
    const off = results.get("rulesOff [all]")!;
    expect(on.id).not.toBe(off.id);
    expect(off.result!.summary.totalTravelTime).not.toBe(on.result!.summary.totalTravelTime);
    expect(off.result!.summary.totalTravelTime).toBeLessThan(on.result!.summary.totalTravelTime);
    expect(figures(results.get("rulesOff by id")!.result!.summary)).toEqual(figures(off.result!.summary));
    expect(results.get("a scenario's state with rulesOff")!.result!.summary.totalTravelTime).toBeLessThan(results.get("a scenario's state with the rules")!.result!.summary.totalTravelTime);
    expect(on.result!.parameters.rulesOff).toEqual([]);
    expect(off.result!.parameters.rulesOff).toEqual(["all"]);
    expect(results.get("a scenario's state with rulesOff")!.result!.parameters.rulesOff).toEqual(["all"]);
  });

  it("the flows show it: with the rule the Chinese goods are a class of their own and none crosses into Russia; with it off they take the North corridor", () => {
    const on = results.get("the rules (default)")!.result!.summary;
    const off = results.get("rulesOff [all]")!.result!.summary;
    expect(on.classes).toContain("container|no-chinese-transit-rus");
    expect(off.classes).not.toContain("container|no-chinese-transit-rus");
    expect(crossingT(on, "kz-ru", "container")).toBe(0);
    expect(crossingT(on, "kz-ru", "container|no-chinese-transit-rus")).toBe(0);
    expect(crossingT(off, "kz-ru", "container")).toBeGreaterThan(0);
  });
});

describe("the run store: rulesOff is part of the run's inputs", () => {
  interface RunView {
    id: string;
    inputsHash: string;
    parameters: Record<string, unknown>;
  }
  const runOf = async (input: Record<string, unknown>): Promise<RunView> => {
    const job = await runJob({ gap: 1e-4, ...input });
    const r = await app.inject({ method: "GET", url: `/api/v1/runs/${job.runId}` });
    expect(r.statusCode, r.body).toBe(200);
    return json<{ run: RunView }>(r).run;
  };

  it("with and without the rules are two runs; the same rules written as a list, a string or in capitals are one", async () => {
    const on = await runOf({});
    const off = await runOf({ rulesOff: ["all"] });
    expect(off.inputsHash).not.toBe(on.inputsHash);
    expect(off.parameters.rulesOff).toEqual(["all"]);
    expect(on.parameters.rulesOff).toBeUndefined();
    const asString = await runOf({ rulesOff: "all" });
    const repeated = await runOf({ rulesOff: [" ALL", "all"] });
    expect(asString.inputsHash).toBe(off.inputsHash);
    expect(repeated.inputsHash).toBe(off.inputsHash);
    expect(asString.id).not.toBe(off.id);
    // an empty list switches nothing off: the run of the rules
    expect((await runOf({ rulesOff: [] })).inputsHash).toBe(on.inputsHash);
    const byId = await runOf({ rulesOff: "no-chinese-transit-rus" });
    expect(new Set([on.inputsHash, off.inputsHash, byId.inputsHash]).size).toBe(3);
  }, 120_000);
});

describe("a bad rulesOff is refused at submission", () => {
  it("an id that is no rule of the dataset is 400 E_USAGE naming the field, with the CLI's did-you-mean", async () => {
    const r = await post({ rulesOff: ["no-chinese-transit-ru"] });
    expect(r.statusCode).toBe(400);
    const body = json<{ code: string; message: string; didYouMean?: string[]; details?: { field?: string } }>(r);
    expect(body).toMatchObject({ code: "E_USAGE", didYouMean: ["no-chinese-transit-rus"], details: { field: "rulesOff" } });
    expect(body.message).toMatch(/^input\.rulesOff: "no-chinese-transit-ru" is not a rule of passage/);
    let err = "";
    const code = await runCli(["--data", data, "assign", "--no-store", "--demand", join(data, "demand", "corridors-2024.csv"), "--rules-off", "no-chinese-transit-ru"], { out: () => {}, err: (s) => (err += s) });
    expect(code).not.toBe(0);
    expect(err).toContain(body.message.replace(/^input\.rulesOff: /, ""));
  });

  it("a value that is neither a list of ids nor a string is 400 E_USAGE naming the field", async () => {
    const r = await post({ rulesOff: 3 });
    expect(r.statusCode).toBe(400);
    expect(json(r)).toMatchObject({ code: "E_USAGE", details: { field: "rulesOff" } });
  });
});
