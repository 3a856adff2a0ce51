/**
 * The CLI over the store: a computing command records its run (inputs with content hashes, result rows), the same
 * inputs are replayed unless --force, --no-store records nothing, and `caravan runs list | show | export | rm | gc`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { tempDir } from "./helpers";

const tmp = tempDir("store-cli");
afterAll(() => tmp.cleanup());

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

// exporter A, B, C × importer X, Y, Z; trade falls with distance
const csv = join(tmp.dir, "trade.csv");
writeFileSync(csv, ["exporter,importer,trade,dist", "A,X,100,1", "A,Y,40,2", "A,Z,9,4", "B,X,55,2", "B,Y,70,1", "B,Z,20,3", "C,X,8,4", "C,Y,30,2", "C,Z,60,1", ""].join("\n"));
const db = join(tmp.dir, "runs.db");
const estimate = ["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) | exporter + importer", "--store", db];

describe("recorded runs through the CLI", () => {
  let runId = "";

  it("records gravity estimate with its input file hash and coefficient rows", async () => {
    const r = await run(estimate);
    expect(r.code).toBe(0);
    const list = JSON.parse((await run(["runs", "list", "--json", "--store", db])).out);
    expect(list.runs.length).toBe(1);
    expect(Object.keys(list.runs[0]).sort()).toEqual(["finishedAt", "id", "inputsHash", "kind", "startedAt", "status"]);
    expect(list.runs[0]).toMatchObject({ kind: "estimation", status: "done" });
    runId = list.runs[0].id;
    const show = JSON.parse((await run(["runs", "show", runId.slice(0, 8), "--json", "--store", db])).out);
    expect(show.inputs.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(show.parameters.formula).toBe("trade ~ log(dist) | exporter + importer");
    expect(show.resultTables).toEqual({ coefficients: 1 });
    const exported = await run(["runs", "export", runId, "--format", "csv", "--store", db]);
    const [header, row] = exported.out.trim().split("\n");
    expect(header).toBe("term,estimate,std_error,z_value,p_value");
    // the stored estimate is the printed one
    const printed = Number(/^log\(dist\)\s+(\S+)/m.exec(r.out)?.[1]);
    expect(Number(row.split(",")[1])).toBeCloseTo(printed, 5);
  });

  it("replays a stored run with the same inputs, recomputes with --force or changed input", async () => {
    const first = await run(estimate);
    const again = await run(estimate);
    expect(again.out).toBe(first.out);
    let list = JSON.parse((await run(["runs", "list", "--json", "--store", db])).out);
    expect(list.runs.length).toBe(1);
    await run([...estimate, "--force"]);
    list = JSON.parse((await run(["runs", "list", "--json", "--store", db])).out);
    expect(list.runs.length).toBe(2);
    // the same file name with other content is another input
    const copy = join(tmp.dir, "trade2.csv");
    writeFileSync(copy, readFileSync(csv, "utf8").replace("A,X,100,1", "A,X,101,1"));
    await run(["gravity", "estimate", "--data", copy, "--formula", "trade ~ log(dist) | exporter + importer", "--store", db]);
    list = JSON.parse((await run(["runs", "list", "--json", "--store", db])).out);
    expect(list.runs.length).toBe(3);
    expect(new Set(list.runs.map((r: { inputsHash: string }) => r.inputsHash)).size).toBe(2);
  });

  it("runs commands never create a store: a missing file is E_STORE_OPEN", async () => {
    const missing = join(tmp.dir, "missing.db");
    const r = await run(["runs", "list", "--store", missing]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^caravan: E_STORE_OPEN: no store at /);
    expect(existsSync(missing)).toBe(false);
  });

  it("--no-store records nothing", async () => {
    const other = join(tmp.dir, "none.db");
    const r = await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(dist) | exporter + importer", "--store", other, "--no-store"]);
    expect(r.code).toBe(0);
    expect(existsSync(other)).toBe(false);
  });

  it("a failing computation is recorded as failed with its error", async () => {
    const r = await run(["gravity", "estimate", "--data", csv, "--formula", "trade ~ log(distance) | exporter", "--store", db]);
    expect(r.code).toBe(2);
    const failed = JSON.parse((await run(["runs", "list", "--json", "--status", "failed", "--store", db])).out);
    expect(failed.runs.length).toBe(1);
    const show = JSON.parse((await run(["runs", "show", failed.runs[0].id, "--json", "--store", db])).out);
    expect(show.error).toMatch(/distance/);
  });

  it("rm deletes a run, gc the failed ones; unknown ids exit 2 with E_RUN_UNKNOWN", async () => {
    const rm = await run(["runs", "rm", runId, "--store", db]);
    expect(rm.code).toBe(0);
    const gone = await run(["runs", "show", runId, "--store", db]);
    expect(gone.code).toBe(2);
    expect(gone.err).toMatch(/^caravan: E_RUN_UNKNOWN: /);
    const gc = await run(["runs", "gc", "--store", db]);
    expect(gc.out).toMatch(/removed 1 failed or interrupted run/);
    const list = JSON.parse((await run(["runs", "list", "--json", "--store", db])).out);
    expect(list.runs.every((r: { status: string }) => r.status === "done")).toBe(true);
    const bad = await run(["runs", "export", list.runs[0].id, "--format", "xlsx", "--store", db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/E_USAGE/);
  });
});
