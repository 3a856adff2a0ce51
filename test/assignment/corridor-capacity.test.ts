/**
 * Shared capacities in corridor assignment: arcs that stand for one physical capacity see the delay of their summed
 * flow.
 *
 * Testbot's gauge-change terminal at West Gate (5 h handling, 4 Mt/yr) compiles into two arcs, one per direction:
 *
 *   west-gate@1435 ──1435→1520──▶ west-gate@1520          west-gate@1435 ──entry──▶ P ══ queue VDF, 4 Mt ══▶ Q
 *   west-gate@1435 ◀──1520→1435── west-gate@1520    ⇒    west-gate@1520 ──entry──▶ P        Q ──exit──▶ west-gate@1520
 *   (each arc had the whole 4 Mt/yr)                                                       Q ──exit──▶ west-gate@1435
 *
 * A path entering from 1435 can only leave to 1520 (leaving to 1435 would be a cycle back to its own node), so the
 * bottleneck is exact: eastbound x₁ and westbound x₂ both see t(x₁ + x₂) = 5 · (1 + ρ / (1 − ρ)), ρ = (x₁ + x₂) / 4 Mt.
 *
 * Westbound demand (Portia → Gamma) can go by rail over the border (crossing 5 Mt, terminal) or by sea via Harbor; the
 * eastbound demand (Gamma → Portia) likewise.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CorridorOptions, corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { arcFlowT, arcTimeH, bottlenecks, crossingVolumes, linkFlowsCsv, transitTable } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { queueTime } from "../../src/assignment/vdf";
import { ARC_GAUGE_CHANGE, ARC_LINK, MODE_SEA } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/index";
import { moveHarborToUzbekistan } from "./testbot-variants";

const testbotDir = resolve(__dirname, "../fixtures/testbot");
const HEADER = "origin,destination,class,amount,source";
const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of testbot with `edit(dir)` applied. */
function fixture(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "caravan-capacity-"));
  tmpDirs.push(dir);
  cpSync(testbotDir, dir, { recursive: true });
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  writeFileSync(file, text.replace(from, to));
}

const demand = (rows: [string, string, number][]) => parseDemandCsv(`${HEADER}\n${rows.map(([o, d, t]) => `${o},${d},container,${t},src:testbot-manual`).join("\n")}\n`, "d.csv");

function assign(dir: string, rows: [string, string, number][], options: CorridorOptions = {}) {
  const net = openNetwork(dir, { cacheDir: false });
  const cp = corridorProblem(net, demand(rows), options);
  const r = solve(cp.problem, "b", { gap: 1e-10 });
  const gauge = [...Array(net.graph.arcCount).keys()].filter((a) => net.arcs.kind[a] === ARC_GAUGE_CHANGE);
  let seaT = 0;
  for (let a = 0; a < net.graph.arcCount; a++) {
    if (net.arcs.kind[a] === ARC_LINK && net.arcs.mode[a] === MODE_SEA) seaT += arcFlowT(cp, r, a);
  }
  return { net, cp, r, gauge, seaT };
}

describe("a terminal's two directions share its capacity", () => {
  it("routes the gauge-change terminal through one bottleneck, keeping compiled arc ids", () => {
    const { cp, net, gauge } = assign(testbotDir, [["portia", "gamma", 1]]);
    const g = cp.groups.find((x) => x.id === "terminal:west-gate-gauge");
    expect(g?.shared).toBe(true);
    expect([...(g?.arcs ?? [])].sort()).toEqual(gauge);
    // two virtual nodes, a bottleneck and one exit per member; compiled arcs keep their ids
    expect(cp.problem.graph.nodeCount).toBe(net.graph.nodeCount + 2);
    expect(cp.problem.graph.arcCount).toBe(net.graph.arcCount + 3);
    for (let a = 0; a < net.graph.arcCount; a++) expect(cp.problemArcOf[a]).toBe(a);
  });

  it("splits flow as before when uncongested", () => {
    const rows: [string, string, number][] = [
      ["portia", "gamma", 1000],
      ["gamma", "portia", 500],
    ];
    const shared = assign(testbotDir, rows);
    const perArc = assign(testbotDir, rows, { sharedCapacity: false });
    expect(perArc.cp.groups.every((g) => !g.shared)).toBe(true);
    for (let a = 0; a < shared.net.graph.arcCount; a++) expect(arcFlowT(shared.cp, shared.r, a)).toBeCloseTo(arcFlowT(perArc.cp, perArc.r, a), 3);
    expect(shared.r.flow[shared.gauge[0]] + shared.r.flow[shared.gauge[1]]).toBeCloseTo(1500, 6);
  });

  it("gives both directions the delay of their summed flow", () => {
    const { cp, r, gauge } = assign(testbotDir, [
      ["portia", "gamma", 1.5e6],
      ["gamma", "portia", 1.2e6],
    ]);
    const [a, b] = gauge;
    const x = arcFlowT(cp, r, a) + arcFlowT(cp, r, b);
    expect(arcFlowT(cp, r, a)).toBeGreaterThan(0);
    expect(arcFlowT(cp, r, b)).toBeGreaterThan(0);
    const expected = queueTime(5, 4e6, 1, 0.95, x);
    expect(arcTimeH(cp, r, a)).toBeCloseTo(expected, 9);
    expect(arcTimeH(cp, r, b)).toBeCloseTo(expected, 9);
    // the per-arc model would charge each direction for its own flow only: less delay
    expect(expected).toBeGreaterThan(queueTime(5, 4e6, 1, 0.95, Math.max(arcFlowT(cp, r, a), arcFlowT(cp, r, b))));
    // one bottleneck row with the true v/c and delay
    const row = bottlenecks(cp, r, 20).find((x) => x.linkId === "terminal:west-gate-gauge");
    expect(row).toMatchObject({ arcs: 2, sharedInAssignment: true });
    expect(row?.vc).toBeCloseTo(x / 4e6, 9);
    expect(row?.delayH).toBeCloseTo(expected - 5, 9);
    // link flows CSV: each member row carries the shared capacity and the group's v/c
    const csv = linkFlowsCsv(cp, r)
      .split("\n")
      .filter((l) => l.startsWith("terminal:west-gate-gauge,"));
    expect(csv).toHaveLength(2);
    for (const l of csv) expect(Number(l.split(",")[6])).toBeCloseTo(x / 4e6, 4);
  });

  it("Algorithm B and bi-conjugate Frank–Wolfe agree through the bottleneck", () => {
    const { cp, r } = assign(testbotDir, [
      ["portia", "gamma", 1.5e6],
      ["gamma", "portia", 1.2e6],
    ]);
    const bfw = solve(cp.problem, "bfw", { gap: 1e-9, maxIterations: 5000 });
    for (let a = 0; a < cp.problem.graph.arcCount; a++) expect(Math.abs(bfw.flow[a] - r.flow[a])).toBeLessThan(2.7e6 * 1e-3);
  });

  it("doubling the terminal capacity reduces the delay and shifts flow back to rail", () => {
    const rows: [string, string, number][] = [
      ["portia", "gamma", 3e6],
      ["gamma", "portia", 2e6],
    ];
    const base = assign(testbotDir, rows);
    const doubled = assign(
      fixture((dir) => replaceIn(join(dir, "terminals/testbot.yaml"), "capacityTonnesPerYear: 4000000", "capacityTonnesPerYear: 8000000")),
      rows,
    );
    const delay = (x: typeof base) => arcTimeH(x.cp, x.r, x.gauge[0]) - 5;
    const gaugeT = (x: typeof base) => arcFlowT(x.cp, x.r, x.gauge[0]) + arcFlowT(x.cp, x.r, x.gauge[1]);
    expect(base.seaT).toBeGreaterThan(0);
    expect(delay(doubled)).toBeLessThan(delay(base));
    expect(gaugeT(doubled)).toBeGreaterThan(gaugeT(base));
    expect(doubled.seaT).toBeLessThan(base.seaT);
  });
});

describe("the transformation leaves totals unchanged", () => {
  // Harbor moved to UZB with a Gamma–Harbor border (rail and road only): every tonne crosses the West Gate terminal
  //   harbor (UZB) → alpha (CHN) 300 t and portia (CHN) → harbor (UZB) 200 t: 500 t through KAZ.
  const dir = fixture(moveHarborToUzbekistan);

  it("keeps crossing volumes and transit by country with and without the shared bottleneck", () => {
    const rows: [string, string, number][] = [
      ["harbor", "alpha", 300],
      ["portia", "harbor", 200],
    ];
    const shared = assign(dir, rows, { modes: ["rail", "road"] });
    const perArc = assign(dir, rows, { modes: ["rail", "road"], sharedCapacity: false });
    expect(shared.cp.groups.find((g) => g.id === "terminal:west-gate-gauge")?.shared).toBe(true);
    const totals = (x: typeof shared) => Object.fromEntries(crossingVolumes(x.cp, x.r).map((c) => [c.crossing, c.totalT]));
    expect(totals(shared)).toEqual(totals(perArc));
    expect(totals(shared)["gate-crossing"]).toBeCloseTo(500, 6);
    const kaz = (x: typeof shared) => transitTable(x.cp, x.r)?.find((t) => t.country === "KAZ")?.transitT;
    expect(kaz(shared)).toBeCloseTo(500, 6);
    expect(kaz(perArc)).toBeCloseTo(500, 6);
  });
});

describe("a crossing's parallel gauge arcs", () => {
  // East Gate gets a 1520 track into West Gate and its own gauge change:
  //   east-gate@1435 ══1435══▶ west-gate@1435        both tagged gate-crossing (5 Mt/yr, per direction)
  //   east-gate@1520 ══1520══▶ west-gate@1520
  // One bottleneck P→Q for both would let a path enter on 1435 and leave on 1520 without any gauge change, so the
  // group is kept per arc and only reported on its summed flow.
  const dir = fixture((d) => {
    const links = join(d, "links/testbot.csv");
    writeFileSync(links, `${readFileSync(links, "utf8").trimEnd()}\neast-gate-west-gate-rail-1520,east-gate,west-gate,rail,1520,10,src:testbot-manual,,open,,,,,,,gate-crossing,,,src:testbot-manual,\n`);
    const terminals = join(d, "terminals/testbot.yaml");
    writeFileSync(
      terminals,
      readFileSync(terminals, "utf8").replace(
        "terminals:\n",
        "terminals:\n  - id: east-gate-gauge\n    place: east-gate\n    type: gauge_change\n    gauges: [1435, 1520]\n    handlingTimeH: 5\n    handlingCostUsdPerFeu: 300\n    source: [src:testbot-manual]\n",
      ),
    );
  });

  it("are not merged (no free gauge change) but report v/c on their summed flow", () => {
    const { cp, r, net } = assign(dir, [["portia", "gamma", 3e6]], { modes: ["rail"] });
    const g = cp.groups.find((x) => x.id === "crossing:gate-crossing:CHN→KAZ:rail");
    expect(g?.shared).toBe(false);
    expect(g?.arcs).toHaveLength(2);
    expect(cp.problem.graph.arcCount).toBe(net.graph.arcCount + 3); // only the West Gate terminal's bottleneck
    const sum = (g?.arcs ?? []).reduce((s, a) => s + arcFlowT(cp, r, a), 0);
    expect(sum).toBeCloseTo(3e6, 0);
    const row = bottlenecks(cp, r, 20).find((x) => x.linkId === g?.id);
    expect(row).toMatchObject({ arcs: 2, sharedInAssignment: false });
    expect(row?.vc).toBeCloseTo(sum / 5e6, 9);
    expect(crossingVolumes(cp, r).find((c) => c.crossing === "gate-crossing")?.maxVc).toBeCloseTo(sum / 5e6, 9);
    // every tonne still changes gauge once, at East Gate or at West Gate
    let gaugeT = 0;
    for (let a = 0; a < net.graph.arcCount; a++) if (net.arcs.kind[a] === ARC_GAUGE_CHANGE) gaugeT += arcFlowT(cp, r, a);
    expect(gaugeT).toBeCloseTo(3e6, 0);
  });
});
