/**
 * Capacities on the elements that carry flow (issue 11, "Assignment"): every border crossing, gauge-change terminal,
 * port and ferry with flow in the 2024 corridor assignment of data/eurasia has a capacity in the assignment (a
 * sourced figure or a documented estimate rule, sources/capacity.yaml), so its flow meets a delay and a v/c.
 *
 * The last four crossings to carry flow without one (Tobol–Kartaly, Kara-Suu–Dustlik, Termez–Hairatan road,
 * Fotehobod–Oybek) take theirs from rules capacity-line-track-unknown and capacity-road-post-regional; the records
 * that cite those rules must hold the rule's figure and fall inside its scope.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv } from "../../src/assignment/corridor-demand";
import { arcFlowT } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { ARC_FERRY, ARC_GAUGE_CHANGE, ARC_TRANSSHIPMENT, NO_INDEX } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/index";

const eurasiaDir = resolve(__dirname, "../../data/eurasia");
const demandFile = join(eurasiaDir, "demand/corridors-2024.csv");
if (!existsSync(demandFile)) console.warn(`skipping the flow-capacity check: ${demandFile} is absent`);

/** Flow below this (t/yr) is numerical noise of the equilibrium, not an element carrying flow. */
const MIN_FLOW_T = 1;

describe.skipIf(!existsSync(demandFile))("capacities on every element with flow in the 2024 corridor assignment", () => {
  const net = openNetwork(eurasiaDir);
  const cp = corridorProblem(net, readDemandCsv(demandFile));
  const r = solve(cp.problem, "b", { gap: 1e-5 });
  const { arcs, network } = net;

  /** `kind:id` of each element with flow → { flow, whether every arc with flow has a finite capacity }. */
  const elements = new Map<string, { flowT: number; missingT: number; notes: string }>();
  const add = (key: string, flowT: number, capT: number, notes: string) => {
    const e = elements.get(key) ?? { flowT: 0, missingT: 0, notes };
    e.flowT += flowT;
    if (!(capT < Number.POSITIVE_INFINITY && capT > 0)) e.missingT += flowT;
    elements.set(key, e);
  };
  for (let a = 0; a < net.graph.arcCount; a++) {
    const flowT = arcFlowT(cp, r, a);
    if (!(flowT > MIN_FLOW_T)) continue;
    const g = cp.arcGroup[a];
    const capT = g >= 0 ? cp.groups[g].capacityT : cp.capacityT[a];
    const kind = arcs.kind[a];
    const rec = arcs.record[a];
    if (arcs.crossing[a] !== NO_INDEX) {
      const x = network.crossings[arcs.crossing[a]];
      add(`crossing:${x.id}`, flowT, capT, x.notes ?? "");
    }
    if (kind === ARC_FERRY && rec !== NO_INDEX) {
      const f = network.ferries[rec];
      add(`ferry:${f.id}`, flowT, capT, f.notes ?? "");
    }
    if ((kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT) && rec !== NO_INDEX) {
      const t = network.terminals[rec];
      if (t.type === "gauge_change" || t.type === "port") add(`${t.type === "port" ? "port" : "gauge-change"}:${t.id}`, flowT, capT, t.notes ?? "");
    }
  }

  it("finds the elements (crossings, terminals and ferries carry flow)", () => {
    const kinds = new Set([...elements.keys()].map((k) => k.split(":")[0]));
    expect([...kinds].sort()).toEqual(["crossing", "ferry", "gauge-change", "port"]);
  });

  it("every crossing, gauge-change terminal, port and ferry with flow has a capacity", () => {
    const missing = [...elements.entries()]
      .filter(([, e]) => e.missingT > MIN_FLOW_T)
      .map(([key, e]) => `${key} (${(e.missingT / 1e6).toFixed(2)} Mt without capacity)`)
      .sort();
    expect(missing).toEqual([]);
  });

  it("the crossings that cite a capacity rule hold its figure and fall inside its scope", () => {
    const regional = new Set(["UZB", "KGZ", "TJK", "TKM", "AFG"]);
    const cites = (rule: string) => network.crossings.filter((x) => (x.source ?? []).includes(`estimate:${rule}`));
    const road = cites("capacity-road-post-regional");
    expect(road.map((x) => x.id).sort()).toEqual(
      [
        "alat-farap-road",
        "aqina-imamnazar",
        "fotehobod-oybek",
        "kara-suu-dustlik",
        "kyzyl-bel",
        "sariasiya-pakhtaabad-road",
        "sher-khan-bandar-panji-poyon",
        "termez-hairatan-road",
        "torghundi-serhetabat",
      ].sort(),
    );
    for (const x of road) {
      expect(x.modes, x.id).toEqual(["road"]);
      expect(x.countries.every((c) => regional.has(c)), x.id).toBe(true);
      expect(x.capacityTonnesPerYear, x.id).toBe(2_500_000);
    }
    // Every road post of scope without a figure of its own cites the rule (none is left out).
    const inScope = network.crossings.filter(
      (x) => x.modes.length === 1 && x.modes[0] === "road" && x.countries.every((c) => regional.has(c)),
    );
    for (const x of inScope) expect(x.capacityTonnesPerYear, x.id).not.toBeNull();
    const rail = cites("capacity-line-track-unknown");
    expect(rail.map((x) => x.id).sort()).toEqual(["gudogai-kena", "oasis-karakalpakiya", "tobol-kartaly"]);
    for (const x of rail) {
      expect(x.modes, x.id).toEqual(["rail"]);
      expect(x.capacityTonnesPerYear, x.id).toBe(13_200_000);
    }
    for (const id of ["crossing:tobol-kartaly", "crossing:kara-suu-dustlik", "crossing:termez-hairatan-road", "crossing:fotehobod-oybek"]) {
      expect(elements.get(id)?.flowT ?? 0, `${id} carries flow in the 2024 assignment`).toBeGreaterThan(MIN_FLOW_T);
    }
  });
});
