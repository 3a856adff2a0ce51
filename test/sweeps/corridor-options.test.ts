/**
 * The corridor-assignment sweep kind takes the options of `caravan assign --demand`: costBasis, rates (YYYY-MM),
 * month and value-of-time segments (votSegments, votSpread), fixed in `base` or swept in `grid`. A sweep cell gives
 * the figures `assign --demand --json` prints with the same options (both computed here); each job's run records
 * the options among its parameters; a bad value fails the file with file, line and field.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { isCaravanError } from "../../src/core/errors";
import { openStore } from "../../src/store/index";
import { readSweepFile, runSweep, sweepResults } from "../../src/sweeps/index";
import { tempDir } from "../store/helpers";

const DATA = resolve(import.meta.dirname, "../../data/eurasia");
const DEMAND = join(DATA, "demand", "corridors-2024.csv");
const tmp = tempDir("sweep-corridor-options");
afterAll(() => tmp.cleanup());
const noRedis = "redis://127.0.0.1:1";

function write(name: string, text: string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
}

function failure(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    return isCaravanError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

async function assignJson(...args: string[]): Promise<Record<string, unknown>> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", DATA, "assign", "--no-store", "--demand", DEMAND, "--json", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

describe("corridor-assignment sweep options", () => {
  it("rejects a bad rates month, month, cost basis, segment count or a rates month on the cost basis, naming file, line and field", () => {
    const head = `name: x\nkind: corridor-assignment\nbase:\n  demand: ${DEMAND}\n`;
    expect(failure(() => readSweepFile(write("rates.yaml", `${head}  rates: 2024-13\n`)))).toMatch(/^E_SWEEP_INVALID: .*rates\.yaml:5: field "rates" .*YYYY-MM/);
    expect(failure(() => readSweepFile(write("month.yaml", `${head}grid:\n  month: [6, 13]\n`)))).toMatch(/^E_SWEEP_INVALID: .*month\.yaml:6: field "month" \(job 2/);
    expect(failure(() => readSweepFile(write("basis.yaml", `${head}  costBasis: rate\n`)))).toMatch(/^E_SWEEP_INVALID: .*basis\.yaml:5: field "costBasis"/);
    expect(failure(() => readSweepFile(write("vot.yaml", `${head}grid:\n  votSegments: [1, 0]\n`)))).toMatch(/^E_SWEEP_INVALID: .*vot\.yaml:6: field "votSegments"/);
    expect(failure(() => readSweepFile(write("spread.yaml", `${head}  votSpread: -1\n`)))).toMatch(/^E_SWEEP_INVALID: .*spread\.yaml:5: field "votSpread"/);
    expect(failure(() => readSweepFile(write("both.yaml", `${head}  costBasis: cost\n  rates: 2024-07\n`)))).toMatch(/^E_SWEEP_INVALID: .*both\.yaml:\d+: field "rates" .*costBasis "rates" only/);
    // the valid options plan one job per cell, with the options in each job's input
    const ok = readSweepFile(write("ok.yaml", `${head}  rates: 2024-07\n  votSegments: 3\ngrid:\n  month: [6, 12]\n`));
    expect(ok.jobs.map((j) => [j.input.rates, j.input.votSegments, j.input.month])).toEqual([
      ["2024-07", 3, 6],
      ["2024-07", 3, 12],
    ]);
    // another rates month is another job
    const other = readSweepFile(write("other.yaml", `${head}  rates: 2024-01\n  votSegments: 3\ngrid:\n  month: [6, 12]\n`));
    expect(other.jobs[0].id).not.toBe(ok.jobs[0].id);
  });

  it.skipIf(!existsSync(DEMAND))(
    "a sweep cell with rates, month and value-of-time segments gives the figures of assign --demand --json with the same options; the run records them",
    async () => {
      const file = write("cells.yaml", `name: options\nkind: corridor-assignment\nbase:\n  demand: ${DEMAND}\n  data: ${DATA}\n  gap: 1.0e-4\n  month: 12\n  votSegments: 3\ngrid:\n  rates: ["2024-07"]\n`);
      const plan = readSweepFile(file);
      expect(plan.jobs.length).toBe(1);
      const store = await openStore(join(tmp.dir, "cells.db"));
      try {
        const report = await runSweep({ store, plan, local: true, redisUrl: noRedis, threads: 1 });
        expect(report.done).toBe(1);
        const [cell] = await sweepResults(store, plan.id);
        const cli = await assignJson("--rates", "2024-07", "--month", "12", "--vot-segments", "3", "--gap", "1e-4");
        const m = cell.metrics;
        expect(m.cost_basis).toBe(cli.costBasis);
        expect(m.rates_month).toBe(cli.ratesMonth);
        expect(cli.ratesMonth).toBe("2024-07");
        expect(m.month).toBe(cli.month);
        expect(m.vot_segments).toBe((cli.choice as { votSegments: number }).votSegments);
        expect(m.vot_spread).toBe((cli.choice as { votSpread: number }).votSpread);
        expect(m.iterations).toBe(cli.iterations);
        expect(m.relative_gap).toBe(cli.relativeGap);
        expect(m.beckmann).toBe(cli.beckmann);
        expect(m.total_travel_time_th).toBe(cli.totalTravelTime);
        expect(m.demand_t).toBe(cli.demandT);
        const transit = cli.transitByCountry as { country: string; transitT: number }[];
        expect(transit.length).toBeGreaterThan(0);
        for (const t of transit) expect(m[`transit_${t.country.toLowerCase()}_t`]).toBe(t.transitT);
        // the options change the figures: the same cell on the cost basis without month or segments differs
        const plain = await assignJson("--gap", "1e-4");
        expect(plain.beckmann).not.toBe(cli.beckmann);
        // the job's run carries the options among its parameters
        const run = await store.getRun(cell.runId);
        expect(run.parameters).toMatchObject({ rates: "2024-07", month: 12, votSegments: 3, gap: 1e-4 });
        expect(run.inputs).toMatchObject({ demand: { path: DEMAND } });
        // the dataset by every file under it, its rate layers included
        expect((run.inputs as { data?: { treeSha256?: string } }).data?.treeSha256).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        await store.close();
      }
    },
    240_000,
  );
});
