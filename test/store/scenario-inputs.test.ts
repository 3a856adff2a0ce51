/**
 * A run that reads a scenario file records every file it read by content: the file, the files of its `extends`
 * chain and its demand file (store/hash.ts fileInputWithReads). Editing a base scenario of the chain or the demand
 * makes the next run recompute instead of replaying the stored one — for CLI runs (store-option.ts), sweep jobs
 * (the job id) and API jobs (the recorded inputs).
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { storeRecorder } from "../../src/server/jobs/record";
import type { JobView } from "../../src/server/jobs/queue";
import { fileInput, fileInputWithReads, openStore, scenarioReads } from "../../src/store/index";
import { planSweep } from "../../src/sweeps/index";
import { tempDir } from "./helpers";

const root = resolve(import.meta.dirname, "../..");
const testbotDir = join(root, "test/fixtures/testbot");
const tmp = tempDir("scenario-inputs");
afterAll(() => tmp.cleanup());

/** A two-file chain in a fresh folder: child.yaml extends base/base.yaml, which names the demand (relative to it). */
function chain(name: string, dwellScale = 0.5): { dir: string; child: string; base: string; demand: string } {
  const dir = join(tmp.dir, name);
  const base = join(dir, "base", "base.yaml");
  const demand = join(dir, "base", "demand.csv");
  const child = join(dir, "child.yaml");
  mkdirSync(join(dir, "base"), { recursive: true });
  copyFileSync(join(root, "test/fixtures/scenarios/testbot-demand.csv"), demand);
  writeBase(base, dwellScale);
  writeFileSync(child, "name: child\nextends: base/base.yaml\n");
  return { dir, child, base, demand };
}

function writeBase(file: string, dwellScale: number): void {
  writeFileSync(
    file,
    `name: base\ndemand: { file: demand.csv, baseYear: 2024 }\nmodifications:\n  - target: crossing\n    id: gate-crossing\n    scale: { dwellH: ${dwellScale} }\n    assumption: "test: dwell scaled"\n`,
  );
}

describe("scenario files recorded with the files they read", () => {
  it("scenarioReads lists the extends chain (nearest first) and the merged demand; other files read nothing more", () => {
    const c = chain("reads");
    expect(scenarioReads(c.child)).toEqual([c.base, c.demand]);
    expect(scenarioReads(c.base)).toEqual([c.demand]);
    // the nearest file naming a demand wins, as the loader merges
    writeFileSync(join(c.dir, "own.csv"), "origin,destination,class,amount\n");
    writeFileSync(c.child, "name: child\nextends: base/base.yaml\ndemand: { file: own.csv }\n");
    expect(scenarioReads(c.child)).toEqual([c.base, join(c.dir, "own.csv")]);
    expect(fileInputWithReads(c.demand)).toEqual(fileInput(c.demand));
    const recorded = fileInputWithReads(c.child);
    expect(recorded.reads?.map((r) => r.sha256)).toEqual([fileInput(c.base).sha256, fileInput(join(c.dir, "own.csv")).sha256]);
  });

  it("assign --scenario: editing the base scenario of the chain recomputes; an unchanged chain replays", async () => {
    const c = chain("assign");
    const db = join(tmp.dir, "assign.db");
    const run = async () => {
      let out = "";
      const code = await runCli(["--data", testbotDir, "assign", "--demand", c.demand, "--scenario", c.child, "--json", "--store", db], { out: (t) => (out += t), err: () => {} });
      expect(code).toBe(0);
      return out;
    };
    const runs = async () => {
      const store = await openStore(db);
      try {
        return (await store.listRuns({ kind: "assignment" })).length;
      } finally {
        await store.close();
      }
    };
    const first = await run();
    expect(await runs()).toBe(1);
    expect(await run()).toBe(first); // replayed: same inputs
    expect(await runs()).toBe(1);
    writeBase(c.base, 3); // the base of the chain: the crossing's dwell tripled instead of halved
    const edited = await run();
    expect(await runs()).toBe(2);
    const gate = (text: string) => (JSON.parse(text).crossings as { crossing: string; flowT?: number }[]).find((x) => x.crossing === "gate-crossing");
    expect(JSON.stringify(gate(edited))).not.toBe(JSON.stringify(gate(first)));
    const store = await openStore(db);
    try {
      const [latest] = await store.listRuns({ kind: "assignment" });
      const rec = (await store.getRun(latest.id)).inputs as { scenario: { reads: { path: string; sha256: string }[] } };
      expect(rec.scenario.reads.map((r) => r.path)).toEqual([c.base, c.demand]);
      expect(rec.scenario.reads[0].sha256).toBe(fileInput(c.base).sha256);
    } finally {
      await store.close();
    }
  });

  it("the dataset's rate layers, observations and corridors (outside the network hash) are recorded: editing them recomputes", async () => {
    const data = join(tmp.dir, "dataset");
    cpSync(testbotDir, data, { recursive: true });
    mkdirSync(join(data, "rates"), { recursive: true });
    writeFileSync(join(data, "rates", "lanes.yaml"), "# no lanes yet\n");
    const db = join(tmp.dir, "dataset.db");
    const demand = join(root, "test/fixtures/scenarios/testbot-demand.csv");
    const run = async () => {
      const code = await runCli(["--data", data, "assign", "--demand", demand, "--json", "--store", db], { out: () => {}, err: () => {} });
      expect(code).toBe(0);
      const store = await openStore(db);
      try {
        const runs = await store.listRuns({ kind: "assignment" });
        return { count: runs.length, inputs: (await store.getRun(runs[0].id)).inputs as { datasetReads?: { rates?: { name: string; sha256: string }[] } } };
      } finally {
        await store.close();
      }
    };
    const first = await run();
    expect(first.count).toBe(1);
    expect(first.inputs.datasetReads?.rates?.map((f) => f.name)).toEqual(["lanes.yaml"]);
    expect((await run()).count).toBe(1);
    writeFileSync(join(data, "rates", "lanes.yaml"), "# still no lanes\n");
    expect((await run()).count).toBe(2);
  });

  it("a scenario-variant sweep job is another job when the scenario's base or demand changes", () => {
    const c = chain("sweep");
    const sweepFile = join(c.dir, "variants.yaml");
    writeFileSync(sweepFile, `scenario: child.yaml\ngrid:\n  - name: dwell\n    values: [1]\n    modification: { target: crossing, id: gate-crossing, scale: { dwellH: $value }, assumption: "axis" }\n`);
    const plan = () => planSweep({ name: "v", kind: "scenario-variant", base: { sweep: sweepFile, data: testbotDir } }, join(c.dir, "s.yaml")).jobs[0].id;
    const before = plan();
    expect(plan()).toBe(before);
    writeBase(c.base, 2);
    const afterBase = plan();
    expect(afterBase).not.toBe(before);
    writeFileSync(c.demand, `${readFileSync(c.demand, "utf8")}\n`);
    expect(plan()).not.toBe(afterBase);
  });

  it("an API job's recorded scenario file carries its chain and demand by content, under paths relative to the request's", async () => {
    const c = chain("api");
    let begun: { inputs: Record<string, unknown> } | null = null;
    const recorder = storeRecorder(
      {
        async beginRun(spec) {
          begun = spec;
          return { id: "r1" };
        },
        async completeRun() {},
        async failRun() {},
      },
      "dataset",
    );
    const view = { id: "j1", kind: "scenario-run", status: "running" } as unknown as JobView;
    await recorder.begin(view, { scenario: "scenarios/child.yaml" }, { scenario: { path: c.child, label: "scenarios/child.yaml" } });
    const scenario = (begun as unknown as { inputs: { scenario: { path: string; reads: { path: string; sha256: string }[] } } }).inputs.scenario;
    expect(scenario.path).toBe("scenarios/child.yaml");
    expect(scenario.reads).toEqual([
      { path: "scenarios/base/base.yaml", sha256: fileInput(c.base).sha256, bytes: fileInput(c.base).bytes },
      { path: "scenarios/base/demand.csv", sha256: fileInput(c.demand).sha256, bytes: fileInput(c.demand).bytes },
    ]);
    expect(JSON.stringify(scenario)).not.toContain(tmp.dir);
  });
});
