/**
 * Scenario files: extends chains and their merge, and one clear error (code, file, line, field) for every kind of
 * bad input; the CLI writes nothing when a scenario is bad.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/index";
import { applyScenario, extendedNetwork, loadScenario, parseScenarioText, scenarioDemand } from "../../src/scenarios/index";

const root = resolve(__dirname, "../..");
const fixtures = join(root, "test/fixtures/scenarios");
const testbotDir = join(root, "test/fixtures/testbot");
const testbot = openNetwork(testbotDir, { cacheDir: false });
const tmp = mkdtempSync(join(tmpdir(), "caravan-scenarios-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(fn: () => unknown): CaravanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}

let n = 0;
function file(text: string): string {
  const path = join(tmp, `s${n++}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe("extends chains", () => {
  it("apply the parent first: later edits after earlier ones, child's project switch and parameters on top", () => {
    const s = loadScenario(join(fixtures, "child/child.yaml"));
    expect(s.name).toBe("child");
    expect(s.chain.map((f) => f.replace(`${fixtures}/`, ""))).toEqual(["parent.yaml", "child/child.yaml"]);
    expect(s.year).toBe(2025);
    expect(s.projectsOn).toEqual([]);
    expect(s.projectsOff).toEqual(["gamma-isla-line"]);
    expect(s.parameters).toMatchObject({ co2PriceUsdPerT: 50, valueOfTimeUsdPerH: { feu: 10, bulk: 2 } });
    expect(s.modifications.map((m) => m.modification.assumption)).toEqual(["parent edit", "child edit"]);
    // two halvings compose: 30 h leaving CHN becomes 7.5 h
    const { state } = applyScenario(testbot, s);
    const arc = Array.from(testbot.arcs.crossing).findIndex((x, a) => x >= 0 && testbot.countries[testbot.arcs.fromCountry[a]] === "CHN");
    expect(state.arcs.eventTimeH[arc] - state.arcs.waitTimeH[arc]).toBeCloseTo(7.5, 12);
    expect(testbot.arcs.eventTimeH[arc] - testbot.arcs.waitTimeH[arc]).toBeCloseTo(30, 12);
  });

  it("a cycle is E_SCENARIO_CYCLE naming the chain, and the file, line and field of the extends that closes it", () => {
    const e = errorOf(() => loadScenario(join(fixtures, "cycle-a.yaml")));
    expect(e.code).toBe("E_SCENARIO_CYCLE");
    expect(e.message).toMatch(/cycle-a\.yaml → .*cycle-b\.yaml → .*cycle-a\.yaml/);
    expect(e.message.startsWith(`${join(fixtures, "cycle-b.yaml")}:2: field "extends": `)).toBe(true);
    expect(e.details).toMatchObject({ file: join(fixtures, "cycle-b.yaml"), line: 2, field: "extends" });
  });

  it("a missing parent is E_FILE_NOT_FOUND at the file, line and field of the extends that names it", () => {
    const child = file("name: x\ndescription: y\nextends: nowhere.yaml\n");
    const e = errorOf(() => loadScenario(child));
    expect(e.code).toBe("E_FILE_NOT_FOUND");
    expect(e.message).toContain("nowhere.yaml");
    expect(e.message.startsWith(`${child}:3: field "extends": `)).toBe(true);
  });
});

describe("bad input: one error with code, file, line and field", () => {
  it("YAML syntax errors name the line", () => {
    const e = errorOf(() => parseScenarioText("name: x\nmodifications: [\n  {target: link\n", "bad.yaml"));
    expect(e.code).toBe("E_SCENARIO_INVALID");
    expect(e.message).toMatch(/^bad\.yaml:\d+: field "\(yaml\)"/);
  });

  it("an unknown key names its line and suggests the right one", () => {
    const e = errorOf(() => parseScenarioText("name: x\nyaer: 2030\n", "s.yaml"));
    expect(e.code).toBe("E_SCENARIO_INVALID");
    expect(e.details).toMatchObject({ line: 2, field: "yaer" });
    expect(e.didYouMean).toContain("year");
  });

  it("negative dwell and negative capacity are rejected at their line", () => {
    const text = (key: string) => `name: x\nmodifications:\n  - target: crossing\n    id: gate-crossing\n    set:\n      ${key}: -4\n    assumption: a\n`;
    for (const key of ["dwellH", "capacity"]) {
      const e = errorOf(() => parseScenarioText(text(key), "s.yaml"));
      expect(e.code).toBe("E_SCENARIO_INVALID");
      expect(e.details).toMatchObject({ line: 6, field: `modifications[0].set.${key}` });
    }
  });

  it("an edit without source or assumption is rejected", () => {
    const e = errorOf(() => parseScenarioText("name: x\nmodifications:\n  - { target: crossing, id: gate-crossing, close: true }\n", "s.yaml"));
    expect(e.code).toBe("E_SCENARIO_INVALID");
    expect(e.message).toContain("source");
  });

  it("unknown ids are E_ID_UNKNOWN with did-you-mean: records, selector countries, chokepoints, projects, added-link places", () => {
    const cases: [string, string][] = [
      ["modifications:\n  - { target: crossing, id: gate-crosing, close: true, assumption: a }\n", "gate-crossing"],
      ["modifications:\n  - { target: crossing, select: { country: KAX }, close: true, assumption: a }\n", "KAZ"],
      ["modifications:\n  - { target: chokepoint, id: narows, close: true, assumption: a }\n", "narrows"],
      ["projects: [gamma-isla-lin]\n", "gamma-isla-line"],
      ["modifications:\n  - add: { target: link, id: new-one, from: portai, to: gamma, mode: road, distanceKm: 10 }\n    assumption: a\n", "portia"],
    ];
    for (const [body, suggestion] of cases) {
      const s = loadScenario(file(`name: x\n${body}`));
      const e = errorOf(() => applyScenario(extendedNetwork(testbot, [s]), s));
      expect(e.code, body).toBe("E_ID_UNKNOWN");
      expect(e.didYouMean, body).toContain(suggestion);
      expect(e.details, body).toMatchObject({ line: expect.any(Number) });
      expect((e.details as { line: number }).line, body).toBeGreaterThan(1);
    }
  });

  it("two edits that contradict each other are E_SCENARIO_CONFLICT naming both lines", () => {
    const closeOpen = loadScenario(
      file("name: x\nmodifications:\n  - { target: link, id: gamma-isla-rail-1520, open: true, assumption: a }\n  - { target: link, id: gamma-isla-rail-1520, close: true, assumption: b }\n"),
    );
    const e1 = errorOf(() => applyScenario(testbot, closeOpen));
    expect(e1.code).toBe("E_SCENARIO_CONFLICT");
    expect(e1.details).toMatchObject({ line: 4 });
    const twoSets = loadScenario(
      file("name: x\nmodifications:\n  - { target: crossing, id: gate-crossing, set: { dwellH: 5 }, assumption: a }\n  - { target: crossing, id: gate-crossing, set: { dwellH: 8 }, assumption: b }\n"),
    );
    const e2 = errorOf(() => applyScenario(testbot, twoSets));
    expect(e2.code).toBe("E_SCENARIO_CONFLICT");
    expect(e2.message).toMatch(/:3/);
    // a project switched on whose link the scenario closes
    const projectClosed = loadScenario(file("name: x\nprojects: [gamma-isla-line]\nmodifications:\n  - { target: link, id: gamma-isla-rail-1520, close: true, assumption: a }\n"));
    expect(errorOf(() => applyScenario(testbot, projectClosed)).code).toBe("E_SCENARIO_CONFLICT");
  });

  it("a demand file with an unknown place is E_DEMAND_INVALID naming file, line and field", () => {
    const demand = join(tmp, "bad-demand.csv");
    writeFileSync(demand, "origin,destination,class,amount,source\nportia,atlantis,container,5,src:testbot-manual\n");
    const s = loadScenario(file(`name: x\ndemand: { file: ${demand} }\n`));
    const e = errorOf(() => scenarioDemand(testbot, s));
    expect(e.code).toBe("E_DEMAND_INVALID");
    expect(e.details).toMatchObject({ line: 2, field: "destination" });
    expect(e.message).toContain("bad-demand.csv:2");
  });

  it("the CLI prints one line, exits non-zero and writes nothing for a bad scenario", async () => {
    const bad = file("name: x\nmodifications:\n  - { target: crossing, id: gate-crosing, close: true, assumption: a }\n");
    const out = join(tmp, "never-written");
    let err = "";
    const code = await runCli(["--data", testbotDir, "scenario", "run", bad, "--no-store", "--out", out], { out: () => {}, err: (s) => (err += s) });
    expect(code).toBe(1);
    expect(err).toMatch(/^caravan: E_ID_UNKNOWN: .*:3: field "modifications\[0\]\.id"/);
    expect(err).toContain("did you mean: gate-crossing");
    expect(existsSync(out)).toBe(false);
  });
});
