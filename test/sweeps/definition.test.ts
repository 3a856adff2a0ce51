/** Sweep definitions: grids multiply, combinations enumerate subsets, draws are seeded, job ids hash the inputs. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCaravanError } from "../../src/core/errors";
import { planSweep, readSweepFile } from "../../src/sweeps/index";
import { tempDir } from "../store/helpers";

const tmp = tempDir("sweep-def");
afterAll(() => tmp.cleanup());

function write(name: string, text: string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    return isCaravanError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

describe("sweep definitions", () => {
  it("a grid is the cartesian product of its lists, in file order", () => {
    const plan = planSweep({ name: "g", kind: "probe", grid: { value: [1, 2, 3], sleepMs: [0, 5] } }, join(tmp.dir, "g.yaml"));
    expect(plan.jobs.length).toBe(6);
    expect(plan.jobs.map((j) => [j.input.value, j.input.sleepMs])).toEqual([
      [1, 0],
      [1, 5],
      [2, 0],
      [2, 5],
      [3, 0],
      [3, 5],
    ]);
  });

  it("combinations enumerate every subset (or the given sizes) into one field, crossed with the grid", () => {
    const all = planSweep({ name: "c", kind: "pair-times", combinations: { field: "close", of: ["suez", "hormuz", "bab-el-mandeb"] } }, join(tmp.dir, "c.yaml"));
    expect(all.jobs.length).toBe(8);
    expect(all.jobs[0].input.close).toEqual([]);
    expect(all.jobs[7].input.close).toEqual(["suez", "hormuz", "bab-el-mandeb"]);
    const pairs = planSweep(
      { name: "c2", kind: "pair-times", grid: { year: [2025, 2030] }, combinations: { field: "close", of: ["suez", "hormuz", "bab-el-mandeb"], sizes: [2] } },
      join(tmp.dir, "c.yaml"),
    );
    expect(pairs.jobs.length).toBe(6);
    expect(pairs.jobs.every((j) => (j.input.close as string[]).length === 2)).toBe(true);
  });

  it("Monte Carlo draws are reproducible from the seed and stay within their distributions", () => {
    const def = { name: "mc", kind: "probe", draws: { count: 200, seed: 7, vary: { value: { uniform: [2, 3] }, sleepMs: { choice: [0, 1] } } } };
    const a = planSweep(def, join(tmp.dir, "mc.yaml"));
    const b = planSweep(def, join(tmp.dir, "mc.yaml"));
    expect(a.jobs.map((j) => j.id)).toEqual(b.jobs.map((j) => j.id));
    expect(a.jobs.length).toBe(200);
    const values = a.jobs.map((j) => j.input.value as number);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...values)).toBeLessThan(3);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 2.5)).toBeLessThan(0.06); // 200 uniform draws: sd of the mean ≈ 0.02
    const other = planSweep({ ...def, draws: { ...def.draws, seed: 8 } }, join(tmp.dir, "mc.yaml"));
    expect(other.jobs[0].id).not.toBe(a.jobs[0].id);
  });

  it("a job's id is the hash of its inputs: equal variants are one job, equal inputs in another sweep the same id", () => {
    const dup = planSweep({ name: "d", kind: "probe", grid: { value: [1, 1, 2] } }, join(tmp.dir, "d.yaml"));
    expect(dup.jobs.length).toBe(2);
    const other = planSweep({ name: "other", kind: "probe", base: { value: 2 } }, join(tmp.dir, "o.yaml"));
    expect(other.jobs[0].id).toBe(dup.jobs[1].id);
    expect(other.id).not.toBe(dup.id);
  });

  it("a file input is resolved against the sweep file and its content is part of the job id", () => {
    const demand = write("demand.csv", "origin,destination,class,amount\n");
    const file = join(tmp.dir, "f.yaml");
    const a = planSweep({ name: "f", kind: "corridor-assignment", base: { demand: "demand.csv" } }, file);
    expect(a.jobs[0].input.demand).toBe(demand);
    writeFileSync(demand, "origin,destination,class,amount\nA,B,container,1\n");
    const b = planSweep({ name: "f", kind: "corridor-assignment", base: { demand: "demand.csv" } }, file);
    expect(b.jobs[0].id).not.toBe(a.jobs[0].id);
  });

  it("a dataset folder counts by every file under it: editing a link file in a subfolder is another job", () => {
    const data = join(tmp.dir, "data");
    mkdirSync(join(data, "links"), { recursive: true });
    writeFileSync(join(data, "modes.yaml"), "modes: {}\n");
    writeFileSync(join(data, "links", "rail.csv"), "id,from,to,distanceKm\na-b,a,b,100\n");
    const file = join(tmp.dir, "d.yaml");
    write("demand-d.csv", "origin,destination,class,amount\n");
    const def = { name: "d", kind: "corridor-assignment", base: { data: "data", demand: "demand-d.csv" } };
    const a = planSweep(def, file);
    expect(a.jobs[0].input.data).toBe(data);
    expect(planSweep(def, file).jobs[0].id).toBe(a.jobs[0].id);
    writeFileSync(join(data, "links", "rail.csv"), "id,from,to,distanceKm\na-b,a,b,101\n");
    const b = planSweep(def, file);
    expect(b.jobs[0].id).not.toBe(a.jobs[0].id);
    mkdirSync(join(data, "rates"));
    writeFileSync(join(data, "rates", "lane.yaml"), "lanes: []\n");
    expect(planSweep(def, file).jobs[0].id).not.toBe(b.jobs[0].id);
  });

  it("malformed files name file, line and field; an unknown kind suggests the nearest", () => {
    const bad = write("bad.yaml", "name: x\nkind: probe\ngrid:\n  value: [1, 2]\n  sleepMs: [-5]\n");
    expect(codeOf(() => readSweepFile(bad))).toMatch(/^E_SWEEP_INVALID: .*bad\.yaml:5: field "sleepMs"/);
    const extra = write("extra.yaml", "name: x\nkind: probe\nbase:\n  value: 1\n  colour: red\n");
    expect(codeOf(() => readSweepFile(extra))).toMatch(/^E_SWEEP_INVALID: .*extra\.yaml:\d+: field "/);
    const kind = write("kind.yaml", "name: x\nkind: prob\n");
    let suggestion: readonly string[] | undefined;
    try {
      readSweepFile(kind);
    } catch (e) {
      expect(isCaravanError(e) && e.code).toBe("E_JOB_KIND_UNKNOWN");
      suggestion = isCaravanError(e) ? e.didYouMean : undefined;
    }
    expect(suggestion).toContain("probe");
    const yaml = write("broken.yaml", "name: x\nkind: [probe\n");
    expect(codeOf(() => readSweepFile(yaml))).toMatch(/^E_PARSE: .*broken\.yaml:\d+/);
  });
});
