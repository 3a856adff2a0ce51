/**
 * Capacities on the elements that carry flow (issue 11, "Assignment"): every border crossing, gauge-change terminal,
 * port and ferry with flow in the 2024 corridor assignment of data/eurasia has a capacity in the assignment (a
 * sourced figure or a documented estimate rule, sources/capacity.yaml), so its flow meets a delay and a v/c.
 *
 * An element may stay without capacity only when it is listed in UNKNOWN_ALLOWED with the reason neither a source
 * nor a rule applies; its record must then say "Capacity unknown (null)" in its notes, and an allowed element that
 * no longer carries flow without capacity fails the test (the list cannot go stale).
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

/**
 * Elements allowed to carry flow without a capacity, `kind:id` → why neither a published figure nor a documented
 * rule gives one.
 */
const UNKNOWN_ALLOWED: Readonly<Record<string, string>> = {
  "crossing:tobol-kartaly":
    "no published figure for the crossing and no source found on the number of main tracks of the Kartaly–Tobol line (searched again: station track counts and trains through stations whose line is not named), so rule capacity-line-tracks has nothing to apply to; the rule takes the single-track figure only where a source gives the tracks, not where none does",
  "crossing:fotehobod-oybek":
    "a road crossing with no published tonnage, truck count or throughput (searched again: only other crossings' truck figures; searched a third time: one truck count for the whole Uzbek–Tajik border in February 2014, 10–12 → 90–110 trucks a day, no crossing named and no tonnage, src:cap-knews-uzb-tjk-trucks-2014), and the dataset has no rule that gives a road crossing a capacity from another crossing's or from a truck count; it carries the part of block C's containers to Dushanbe that Kulma–Karasu's capacity turns away",
  "crossing:termez-hairatan-road":
    "the road over the Friendship Bridge: no published capacity, annual tonnage or daily vehicle count of the road crossing (the bridge's single-track railway has its own capacity); it carries block C's containers to Mazar-i-Sharif by truck since they travel as containers (rule demand-ca-containers)",
  "crossing:kara-suu-dustlik":
    "a road crossing whose published figures count people, not goods or trucks (and a share: the Uchkurgan post opened in 2024 was to take 30–40 % of its traffic); no tonnage or truck count for rule capacity-demonstrated-throughput",
};

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
      .filter(([key, e]) => e.missingT > MIN_FLOW_T && !(key in UNKNOWN_ALLOWED))
      .map(([key, e]) => `${key} (${(e.missingT / 1e6).toFixed(2)} Mt without capacity)`)
      .sort();
    expect(missing).toEqual([]);
  });

  it("an element allowed without capacity carries flow without one and says so in its notes", () => {
    for (const [key, why] of Object.entries(UNKNOWN_ALLOWED)) {
      expect(why.length, key).toBeGreaterThan(20);
      const e = elements.get(key);
      expect((e?.missingT ?? 0) > MIN_FLOW_T, `${key} no longer carries flow without capacity: drop it from UNKNOWN_ALLOWED`).toBe(true);
      expect(e?.notes, key).toMatch(/Capacity unknown \(null\)/);
    }
  });
});
