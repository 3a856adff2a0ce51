/**
 * The project library changes the network it is applied to: the base network (data/eurasia) holds the figures
 * before each project and the project's bundle the figures after, so for every capacity, speed, dwell, headway or
 * tariff edit of every project, switching that edit on changes the compiled state of the records it names. A
 * library entry whose "after" value already sits in the base network (so "project on" equals the base), or whose
 * capacity edit scales a capacity the network does not know, fails here.
 *
 * Records that no compiled arc uses (a terminal no link reaches) cannot change the state; they are listed and the
 * project must say so in its modificationsNote.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CompiledNetwork, NO_INDEX } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/index";
import type { NetworkState } from "../../src/network/state";
import { applyScenario, loadScenario } from "../../src/scenarios/index";

const DIR = resolve(__dirname, "../../data/eurasia");
const tmp = mkdtempSync(join(tmpdir(), "caravan-project-effects-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The compiled columns an edit key changes. */
const COLUMNS_OF_KEY: Record<string, readonly ("capacity" | "travelTimeH" | "eventTimeH" | "waitTimeH" | "costUsdPerFeu")[]> = {
  capacity: ["capacity"],
  speedKmh: ["travelTimeH"],
  dwellH: ["eventTimeH"],
  headwayH: ["waitTimeH"],
  tariff: ["costUsdPerFeu"],
};

/** The capacity the assignment uses, t/yr: tonnes, else TEU × t/TEU; NaN = unknown. */
function capacityT(net: CompiledNetwork, state: NetworkState, a: number): number {
  const t = state.arcs.capacityTonnesPerYear[a];
  if (t > 0) return t;
  const teu = state.arcs.capacityTeuPerYear[a];
  const massT = net.network.cargo.find((c) => c.costBasis === "teu")?.massT.value ?? Number.NaN;
  return teu > 0 ? teu * massT : Number.NaN;
}

function value(net: CompiledNetwork, state: NetworkState, column: string, a: number): number {
  return column === "capacity" ? capacityT(net, state, a) : (state.arcs as unknown as Record<string, ArrayLike<number>>)[column][a];
}

/** Arcs of the record an edit names (by id), or of the records its selector picks. */
function arcsOf(net: CompiledNetwork, m: { target: string; id?: string; select?: { country: string; mode?: string } }): number[] {
  const { arcs, network } = net;
  const out: number[] = [];
  for (let a = 0; a < net.graph.arcCount; a++) {
    const r = arcs.record[a];
    let id: string | null = null;
    if (m.target === "crossing") id = arcs.crossing[a] === NO_INDEX ? null : network.crossings[arcs.crossing[a]].id;
    else if (r === NO_INDEX) id = null;
    else if (m.target === "link" && arcs.kind[a] === 0) id = network.links[r].id;
    else if (m.target === "ferry" && arcs.kind[a] === 1) id = network.ferries[r].id;
    else if (m.target === "terminal" && (arcs.kind[a] === 2 || arcs.kind[a] === 3)) id = network.terminals[r].id;
    if (id === null) continue;
    if (m.id !== undefined ? id === m.id : true) out.push(a);
  }
  if (m.select === undefined) return out;
  const country = net.countries.indexOf(m.select.country);
  return out.filter((a) => arcs.fromCountry[a] === country || arcs.toCountry[a] === country);
}

describe("project library: every capacity, speed, dwell, headway and tariff edit changes the compiled state", () => {
  const net = openNetwork(DIR);
  const edits: { project: string; index: number; modification: Record<string, unknown> }[] = [];
  for (const p of net.network.projects) {
    (p.modifications as Record<string, unknown>[]).forEach((m, index) => {
      if ("set" in m || "scale" in m) edits.push({ project: p.id, index, modification: m });
    });
  }

  it("finds the library's edit modifications (capacity projects among them)", () => {
    expect(edits.length).toBeGreaterThanOrEqual(15);
    expect(edits.filter((e) => "capacity" in ((e.modification.set ?? e.modification.scale) as object)).length).toBeGreaterThanOrEqual(10);
  });

  it("switching each edit on changes every key it edits on the records it names (the base holds the value before)", () => {
    const unchanged: string[] = [];
    const noArcs: string[] = [];
    for (const { project, index, modification } of edits) {
      const file = join(tmp, `${project}-${index}.yaml`);
      writeFileSync(file, `name: ${project} edit ${index}\nmodifications:\n  - ${JSON.stringify(modification)}\n`);
      const scenario = loadScenario(file);
      const on = applyScenario(net, scenario).state;
      const off = applyScenario(net, scenario, { edits: false }).state;
      const arcs = arcsOf(net, modification as { target: string; id?: string });
      if (arcs.length === 0) {
        noArcs.push(`${project}: ${modification.target} ${modification.id ?? JSON.stringify(modification.select)}`);
        continue;
      }
      const keys = Object.keys((modification.set ?? modification.scale) as object);
      for (const key of keys) {
        const changed = COLUMNS_OF_KEY[key].some((column) => arcs.some((a) => !Object.is(value(net, on, column, a), value(net, off, column, a))));
        if (!changed) unchanged.push(`${project} modifications[${index}] ${key} on ${modification.target} ${modification.id ?? JSON.stringify(modification.select)}`);
      }
    }
    expect(unchanged).toEqual([]);
    // an edit of a record no arc uses is allowed only where the project says why
    for (const entry of noArcs) {
      const project = net.network.projects.find((p) => entry.startsWith(`${p.id}:`))!;
      expect(project.modificationsNote, entry).not.toBe("");
    }
  });

  it("raises (never lowers) the capacity where a capacity project scales or sets it", () => {
    const lowered: string[] = [];
    for (const { project, index, modification } of edits) {
      const edit = (modification.set ?? modification.scale) as Record<string, number>;
      if (!("capacity" in edit)) continue;
      const file = join(tmp, `${project}-${index}-cap.yaml`);
      writeFileSync(file, `name: ${project} capacity ${index}\nmodifications:\n  - ${JSON.stringify(modification)}\n`);
      const scenario = loadScenario(file);
      const on = applyScenario(net, scenario).state;
      const off = applyScenario(net, scenario, { edits: false }).state;
      for (const a of arcsOf(net, modification as { target: string; id?: string })) {
        const before = capacityT(net, off, a);
        const after = capacityT(net, on, a);
        if (Number.isFinite(before) && !(after > before)) lowered.push(`${project}: arc ${a} ${before} → ${after}`);
      }
    }
    expect(lowered).toEqual([]);
  });
});
