/**
 * API contract, the CLI's options on jobs: an assignment job takes what `caravan assign --demand` takes (costBasis,
 * rates, month, votSegments, votSpread, theta, scenario, …) and a scenario-run job what `caravan scenario run` takes
 * (costBasis, rates; month and value-of-time segments from the file). Each is checked against the CLI run with the
 * same options on the same fixture: the figures the two paths compute must be equal (never hard-coded). Bad values
 * are 400 E_USAGE naming the field; with a run store every distinct option set is a run of its own (inputs hash),
 * the same options the same. The route answer is the object `caravan route --json` prints.
 *
 * Fixture: the "corridors" routing fixture (helpers.ts) with, written here, one rail through-tariff lane Orient →
 * Destport (rates of 2024-01 and 2024-07), a seasonal weather delay on the Aport–Bport ferry (November–December,
 * half the sailings) and a demand that crosses it (Aport → Anatolia).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { openStore, type Store } from "../../src/store/index";
import { appOver, FIXTURE_DEMAND, fixtureCopy, json } from "./helpers";

const RATES = `lanes:
  - id: orient-destport-rail
    name: Orient – Destport rail through-tariff (fixture)
    kind: through
    modes: [rail]
    east: { places: [ori] }
    west: { places: [dest] }
    carryForwardMonths: 0
    carryForwardSource: [src:corridors-manual]
    observations:
      - { direction: westbound, period: "2024-01", asPublished: "Jan 2024", rateUsd: 9000, unit: FEU, source: [src:corridors-manual] }
      - { direction: westbound, period: "2024-07", asPublished: "Jul 2024", rateUsd: 3000, unit: FEU, source: [src:corridors-manual] }
`;
const DEMAND = "demand/ferry.csv";

let data: string;
let app: FastifyInstance;
let store: Store;
beforeAll(async () => {
  data = fixtureCopy();
  mkdirSync(join(data, "rates"));
  writeFileSync(join(data, "rates", "corridors.yaml"), RATES);
  const ferries = join(data, "ferries", "corridors.yaml");
  const text = readFileSync(ferries, "utf8");
  const delayed = text.replace(/\n( {4})source: \[src:corridors-manual\]/, '\n$1seasonalDelay: { from: "11-01", to: "12-31", openShare: 0.5, source: [src:corridors-manual] }\n$1source: [src:corridors-manual]');
  expect(delayed).not.toBe(text);
  writeFileSync(ferries, delayed);
  writeFileSync(join(data, DEMAND), `${FIXTURE_DEMAND}aport,anat,container,300000,src:corridors-manual\n`);
  mkdirSync(join(data, "scenarios"));
  writeFileSync(
    join(data, "scenarios", "north-closed.yaml"),
    ["name: North corridor closed", "modifications:", '  - { target: crossing, id: kz-ru, close: true, assumption: "test: the crossing is shut" }', ""].join("\n"),
  );
  writeFileSync(join(data, "scenarios", "escape.yaml"), "name: escape\nextends: ../../../outside.yaml\n");
  writeFileSync(
    join(data, "scenarios", "winter.yaml"),
    ["name: Winter with shippers of many values of time", "demand: { file: ../demand/ferry.csv, baseYear: 2024 }", "parameters:", "  month: 12", "  votSegments: 3", "  votSpread: 0.8", ""].join("\n"),
  );
  store = await openStore(join(mkdtempSync(join(tmpdir(), "caravan-job-options-")), "runs.db"));
  app = await appOver(data, { store });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

interface JobBody {
  id: string;
  status: string;
  result?: Record<string, unknown>;
  error?: { code: string; message: string; didYouMean?: string[] };
  runId?: string;
}

async function post(kind: string, input: Record<string, unknown>) {
  return app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind, input } });
}

async function runJob(kind: string, input: Record<string, unknown>): Promise<JobBody> {
  const r = await post(kind, input);
  expect(r.statusCode, r.body).toBe(202);
  const id = json<{ jobId: string }>(r).jobId;
  for (let i = 0; i < 2400; i++) {
    const job = json<JobBody>(await app.inject({ method: "GET", url: `/api/v1/jobs/${id}` }));
    if (job.status === "failed") throw new Error(`job failed: ${JSON.stringify(job.error)}`);
    // done, and recorded: the run id appears once the store has the running row
    if (job.status === "done" && job.runId !== undefined) return job;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", data, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

async function cliJson(...args: string[]): Promise<Record<string, unknown>> {
  const r = await cli(...args);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

/** A summary without what differs by path alone: the demand file as named, wall-clock seconds. */
function figures(summary: Record<string, unknown>): Record<string, unknown> {
  const { demandFile: _file, elapsedS: _elapsed, solveS: _solve, ...rest } = summary;
  return rest;
}

interface Assigned {
  summary: Record<string, unknown> & { totalTravelTime: number; costBasis: string; ratesMonth: string | null; month: number | null; choice: { votSegments: number; votSpread: number } };
  parameters: Record<string, unknown>;
}

describe("assignment jobs take the options of `caravan assign --demand`", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["no option", {}, []],
    ["rates 2024-01", { rates: "2024-01" }, ["--rates", "2024-01"]],
    ["rates 2024-07 on the rates basis named", { costBasis: "rates", rates: "2024-07" }, ["--cost-basis", "rates", "--rates", "2024-07"]],
    ["costBasis rates (the latest month)", { costBasis: "rates" }, ["--cost-basis", "rates"]],
    ["costBasis cost", { costBasis: "cost" }, ["--cost-basis", "cost"]],
    ["a well-formed month no rate covers", { rates: "1990-01" }, ["--rates", "1990-01"]],
    ["month 12 (the ferry's weather waits)", { month: 12 }, ["--month", "12"]],
    ["month 6", { month: 6 }, ["--month", "6"]],
    ["votSegments 3", { votSegments: 3 }, ["--vot-segments", "3"]],
    ["votSegments 3, votSpread 1.2", { votSegments: 3, votSpread: 1.2 }, ["--vot-segments", "3", "--vot-spread", "1.2"]],
    ["year, month, rates and segments together", { year: 2024, month: 11, rates: "2024-01", votSegments: 2, gap: 1e-8, top: 3 }, ["--year", "2024", "--month", "11", "--rates", "2024-01", "--vot-segments", "2", "--gap", "1e-8", "--top", "3"]],
    ["maxSeconds with maxIterations", { maxSeconds: 600, maxIterations: 3 }, ["--max-seconds", "600", "--max-iterations", "3"]],
    ["logit with theta", { algorithm: "logit", theta: 0.002, maxIterations: 200 }, ["--algorithm", "logit", "--theta", "0.002", "--max-iterations", "200"]],
    ["a scenario's network state (the North corridor closed)", { scenario: "scenarios/north-closed.yaml" }, ["--scenario", "@scenarios/north-closed.yaml"]],
    ["a scenario's month with rates", { scenario: "scenarios/winter.yaml", rates: "2024-01" }, ["--scenario", "@scenarios/winter.yaml", "--rates", "2024-01"]],
  ];
  const results = new Map<string, Assigned>();

  it.each(cases)("%s: the job's summary is the CLI's, figure for figure; parameters name the options", async (name, input, args) => {
    const job = await runJob("assignment", { demand: DEMAND, ...input });
    const result = job.result as unknown as Assigned;
    // "@path": a file of the fixture copy, named to the CLI by its full path
    const cliArgs = args.map((a) => (a.startsWith("@") ? join(data, a.slice(1)) : a));
    const cliSummary = await cliJson("assign", "--no-store", "--demand", join(data, DEMAND), "--json", ...cliArgs);
    expect(figures(result.summary)).toEqual(figures(cliSummary));
    expect(result.summary.demandFile).toBe(DEMAND);
    expect(result.parameters).toMatchObject({
      costBasis: result.summary.costBasis,
      ratesMonth: result.summary.ratesMonth,
      month: result.summary.month,
      votSegments: result.summary.choice.votSegments,
      votSpread: result.summary.choice.votSpread,
      year: result.summary.year,
    });
    results.set(name, result);
  }, 120_000);

  it("each option reached the computation: it changes the equilibrium against no option", () => {
    const base = results.get("no option")!.summary;
    expect(base).toMatchObject({ costBasis: "cost", ratesMonth: null, month: null, choice: { votSegments: 1 } });
    const changed = (name: string) => results.get(name)!.summary;
    expect(changed("rates 2024-01")).toMatchObject({ costBasis: "rates", ratesMonth: "2024-01" });
    expect(changed("costBasis rates (the latest month)").ratesMonth).toBe("2024-07");
    expect(changed("rates 2024-01").totalTravelTime).not.toBe(base.totalTravelTime);
    expect(changed("rates 2024-01").totalTravelTime).not.toBe(changed("rates 2024-07 on the rates basis named").totalTravelTime);
    expect(changed("costBasis cost").totalTravelTime).toBe(base.totalTravelTime);
    expect(changed("month 12 (the ferry's weather waits)").month).toBe(12);
    expect(changed("month 12 (the ferry's weather waits)").totalTravelTime).toBeGreaterThan(base.totalTravelTime);
    expect(changed("month 6").totalTravelTime).toBe(base.totalTravelTime);
    expect(changed("votSegments 3").choice.votSegments).toBe(3);
    expect(changed("votSegments 3").totalTravelTime).not.toBe(base.totalTravelTime);
    expect(changed("votSegments 3, votSpread 1.2").choice.votSpread).toBe(1.2);
    expect(changed("votSegments 3, votSpread 1.2").totalTravelTime).not.toBe(changed("votSegments 3").totalTravelTime);
    expect(results.get("logit with theta")!.parameters.theta).toBe(0.002);
    expect(changed("a scenario's network state (the North corridor closed)").totalTravelTime).toBeGreaterThan(base.totalTravelTime);
    expect(changed("a scenario's month with rates")).toMatchObject({ month: 12, costBasis: "rates", ratesMonth: "2024-01" });
  });

  it("month now is this month (UTC), as `--month now`, and recorded as its number", async () => {
    const job = await runJob("assignment", { demand: DEMAND, month: "now" });
    const result = job.result as unknown as Assigned;
    const cliSummary = await cliJson("assign", "--no-store", "--demand", join(data, DEMAND), "--json", "--month", "now");
    expect(result.summary.month).toBe(cliSummary.month);
    expect(figures(result.summary)).toEqual(figures(cliSummary));
    const run = json<{ run: { parameters: { month: unknown } } }>(await app.inject({ method: "GET", url: `/api/v1/runs/${job.runId}` })).run;
    expect(run.parameters.month).toBe(cliSummary.month);
  }, 60_000);
});

describe("bad option values are 400 E_USAGE naming the field, worded as the CLI words them", () => {
  const refused = async (input: Record<string, unknown>, field: string) => {
    const r = await post("assignment", input);
    expect(r.statusCode, r.body).toBe(400);
    const body = json<{ code: string; message: string; didYouMean?: string[]; details?: { field?: string } }>(r);
    expect(body.code).toBe("E_USAGE");
    expect(body.details?.field).toBe(field);
    expect(body.message).toContain(`input.${field}`);
    return body;
  };

  it.each([
    [{ month: 13 }, "month"],
    [{ month: 0 }, "month"],
    [{ month: "june" }, "month"],
    [{ month: 6.5 }, "month"],
    [{ votSegments: 0 }, "votSegments"],
    [{ votSegments: 101 }, "votSegments"],
    [{ votSegments: 2.5 }, "votSegments"],
    [{ votSpread: -0.1 }, "votSpread"],
    [{ votSpread: "wide" }, "votSpread"],
    [{ theta: 0 }, "theta"],
    [{ maxSeconds: 0 }, "maxSeconds"],
    [{ year: 1800 }, "year"],
    [{ demandScale: -1 }, "demandScale"],
  ])("%j", async (input, field) => {
    await refused(input, field);
  });

  it("a rates month that is not YYYY-MM: the CLI's message under the field's name", async () => {
    for (const month of ["2024-13", "2024-1", "July 2024"]) {
      const body = await refused({ rates: month }, "rates");
      const c = await cli("assign", "--no-store", "--demand", join(data, DEMAND), "--rates", month);
      expect(c.code).not.toBe(0);
      const cliMessage = /^caravan: E_USAGE: --rates (.*)$/m.exec(c.err)?.[1];
      expect(cliMessage, c.err).toBeDefined();
      expect(body.message.startsWith(`input.rates ${cliMessage}`)).toBe(true);
    }
  });

  it("an unknown cost basis: the CLI's did-you-mean; a rates month on the cost basis is refused as the CLI refuses it", async () => {
    const body = await refused({ costBasis: "rate" }, "costBasis");
    const c = await cli("assign", "--no-store", "--demand", join(data, DEMAND), "--cost-basis", "rate");
    expect(c.err).toMatch(/^caravan: E_USAGE: unknown cost basis "rate"/);
    expect(body.didYouMean).toEqual(["rates"]);
    expect(c.err).toContain("rates");
    const both = await refused({ costBasis: "cost", rates: "2024-01" }, "rates");
    const cb = await cli("assign", "--no-store", "--demand", join(data, DEMAND), "--cost-basis", "cost", "--rates", "2024-01");
    expect(cb.err).toMatch(/^caravan: E_USAGE: --rates applies to --cost-basis rates only/);
    expect(both.message).toBe('input.rates applies to input.costBasis "rates" only');
    // and on the scenario run
    const r = await post("scenario-run", { scenario: "scenarios/winter.yaml", costBasis: "cost", rates: "2024-01" });
    expect(r.statusCode).toBe(400);
    expect(json<{ details: { field: string } }>(r).details.field).toBe("rates");
  });

  it("a scenario with a month is refused as the CLI refuses --month with --scenario; a scenario leading outside the data folders is 403", async () => {
    const body = await refused({ scenario: "scenarios/winter.yaml", month: 6 }, "month");
    const c = await cli("assign", "--no-store", "--demand", join(data, DEMAND), "--scenario", join(data, "scenarios", "winter.yaml"), "--month", "6");
    expect(c.err).toMatch(/^caravan: E_USAGE: --month with --scenario: set month: in the scenario file/);
    expect(body.message).toBe("input.month with input.scenario: set month: in the scenario file");
    const outside = await post("assignment", { scenario: "scenarios/escape.yaml" });
    expect(outside.statusCode).toBe(403);
    expect(json(outside).code).toBe("E_PATH_FORBIDDEN");
  });

  it("a job that fails on its data carries the CLI's code, message and did-you-mean", async () => {
    const csv = "origin,destination,class,amount,source\nori,destt,container,1,src:corridors-manual\n";
    writeFileSync(join(data, "demand", "typo.csv"), csv);
    const r = await post("assignment", { demand: "demand/typo.csv" });
    expect(r.statusCode).toBe(202);
    const id = json<{ jobId: string }>(r).jobId;
    let job = { status: "queued" } as JobBody;
    for (let i = 0; i < 400 && (job.status === "queued" || job.status === "running"); i++) {
      await new Promise((res) => setTimeout(res, 25));
      job = json<JobBody>(await app.inject({ method: "GET", url: `/api/v1/jobs/${id}` }));
    }
    expect(job.status).toBe("failed");
    const c = await cli("assign", "--no-store", "--demand", join(data, "demand", "typo.csv"));
    const cliLine = /^caravan: (E_[A-Z_]+): (.*)$/m.exec(c.err)!;
    const cliSuggestions = /did you mean: (.*)\?/.exec(c.err)![1].split(", ");
    expect(job.error?.code).toBe(cliLine[1]);
    expect(job.error?.message).toBe(cliLine[2].replace(`${data}/`, ""));
    expect(job.error?.didYouMean).toEqual(cliSuggestions);
  });

  it("an unknown field names the field and suggests the known one", async () => {
    const r = await post("assignment", { votSegment: 3 });
    expect(r.statusCode).toBe(400);
    expect(json(r)).toMatchObject({ code: "E_USAGE", didYouMean: ["votSegments"], details: { field: "votSegment" } });
  });
});

describe("scenario-run jobs take the options of `caravan scenario run`", () => {
  const comparisonOf = (c: Record<string, unknown>) => {
    // the scenario's origin is its path as named (relative to the data folder for the API)
    const side = (s: Record<string, unknown>) => ({ ...s, origin: undefined });
    return { ...c, baseline: side(c.baseline as Record<string, unknown>), scenario: side(c.scenario as Record<string, unknown>) };
  };
  it.each([
    ["the file's parameters", {}, []],
    ["rates 2024-01", { rates: "2024-01" }, ["--rates", "2024-01"]],
    ["costBasis rates", { costBasis: "rates" }, ["--cost-basis", "rates"]],
    ["costBasis cost", { costBasis: "cost" }, ["--cost-basis", "cost"]],
  ] as [string, Record<string, unknown>, string[]][])("%s: the comparison is the CLI's; parameters carry month, segments, basis and month of rates", async (_name, input, args) => {
    const job = await runJob("scenario-run", { scenario: "scenarios/winter.yaml", ...input });
    const result = job.result as { comparison: Record<string, unknown>; parameters: Record<string, unknown> };
    const cliComparison = await cliJson("scenario", "run", join(data, "scenarios", "winter.yaml"), "--no-store", "--json", ...args);
    expect(comparisonOf(result.comparison)).toEqual(comparisonOf(cliComparison));
    expect(result.parameters).toMatchObject({ month: 12, votSegments: 3, votSpread: 0.8 });
    const summary = cliComparison.summary as { costBasis?: string; ratesMonth?: string | null } | undefined;
    const expected = input.costBasis === "cost" || Object.keys(input).length === 0 ? { costBasis: "cost", ratesMonth: null } : { costBasis: "rates", ratesMonth: input.rates ?? "2024-07" };
    expect(result.parameters).toMatchObject(expected);
    if (summary?.costBasis !== undefined) expect({ costBasis: summary.costBasis, ratesMonth: summary.ratesMonth }).toEqual(expected);
  }, 180_000);
});

describe("the run store: a changed option is another run, the same options the same", () => {
  interface RunView {
    id: string;
    inputsHash: string;
    inputs: Record<string, unknown>;
    parameters: Record<string, unknown>;
  }
  const runOf = async (input: Record<string, unknown>): Promise<RunView> => {
    const job = await runJob("assignment", input);
    const r = await app.inject({ method: "GET", url: `/api/v1/runs/${job.runId}` });
    expect(r.statusCode, r.body).toBe(200);
    return json<{ run: RunView }>(r).run;
  };

  it("each option changes the inputs hash; repeating a job keeps it; the recorded parameters name the options", async () => {
    const base = { demand: DEMAND, gap: 1e-4 };
    const variants: Record<string, unknown>[] = [
      {},
      { rates: "2024-01" },
      { rates: "2024-07" },
      { costBasis: "rates" },
      { month: 12 },
      { month: 11 },
      { votSegments: 3 },
      { votSegments: 3, votSpread: 1.2 },
      { year: 2024 },
      { scenario: "scenarios/north-closed.yaml" },
    ];
    const runs: RunView[] = [];
    for (const v of variants) runs.push(await runOf({ ...base, ...v }));
    const hashes = runs.map((r) => r.inputsHash);
    expect(new Set(hashes).size).toBe(variants.length);
    const again = await runOf({ ...base, month: 12 });
    expect(again.id).not.toBe(runs[4].id);
    expect(again.inputsHash).toBe(runs[4].inputsHash);
    expect(runs[1].parameters).toMatchObject({ rates: "2024-01", costBasis: "rates" });
    expect(runs[4].parameters).toMatchObject({ month: 12, costBasis: "cost" });
    expect(runs[7].parameters).toMatchObject({ votSegments: 3, votSpread: 1.2 });
    // the demand file by content, under the path the request gave
    expect(runs[0].inputs.demand).toMatchObject({ path: DEMAND, bytes: readFileSync(join(data, DEMAND)).length });
    expect(runs[9].inputs.scenario).toMatchObject({ path: "scenarios/north-closed.yaml", bytes: readFileSync(join(data, "scenarios", "north-closed.yaml")).length });
  }, 120_000);

  it("the default demand is recorded by content too, so a changed default demand file is another run", async () => {
    const file = join(data, "demand", "corridors-2024.csv");
    const first = await runOf({ gap: 1e-4 });
    expect(first.inputs.demand).toMatchObject({ path: "demand/corridors-2024.csv", bytes: readFileSync(file).length });
    const before = readFileSync(file, "utf8");
    try {
      writeFileSync(file, before.replace("ori,dest,container,1000000", "ori,dest,container,1100000"));
      const second = await runOf({ gap: 1e-4 });
      expect(second.inputsHash).not.toBe(first.inputsHash);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);
});

describe("the route answer is `caravan route --json`", () => {
  it.each([
    ["rates=2024-01", ["--rates", "2024-01"]],
    ["costBasis=cost", ["--cost-basis", "cost"]],
    ["month=12&modes=rail,ferry", ["--month", "12", "--modes", "rail,ferry"]],
    ["alternatives=3", ["--alternatives", "3"]],
    ["month=now&modes=rail,ferry", ["--month", "now", "--modes", "rail,ferry"]],
  ] as [string, string[]][])("%s: the same fields and figures (costUsd on the basis, costBasis, ratesMonth, timeP90H, legs)", async (query, args) => {
    const r = await app.inject({ method: "GET", url: `/api/v1/route?from=ori&to=dest&${query}` });
    expect(r.statusCode, r.body).toBe(200);
    const api = json<{ costBasis: string; ratesMonth: string | null; routes: { timeP90H: number; costUsd: number; legs: Record<string, unknown>[] }[] }>(r);
    const c = await cliJson("route", "ori", "dest", "--json", ...args);
    expect(api).toEqual(c);
    expect(api.routes.length).toBeGreaterThan(0);
    expect(Object.keys(api)).toEqual(expect.arrayContaining(["costBasis", "ratesMonth"]));
    for (const route of api.routes) expect(typeof route.timeP90H).toBe("number");
  });

  it("a month outside 1–12 (or not now) is 400 E_USAGE naming the parameter", async () => {
    for (const month of ["13", "0", "june"]) {
      const r = await app.inject({ method: "GET", url: `/api/v1/route?from=ori&to=dest&month=${month}` });
      expect(r.statusCode, r.body).toBe(400);
      expect(json(r)).toMatchObject({ code: "E_USAGE", details: { field: "month" } });
    }
  });
});
