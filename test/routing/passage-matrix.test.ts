/**
 * Rules of passage in the many-to-many paths (routing/passage-groups.ts): the matrix, pair times and the corridor
 * assignment apply the rules in force on the state's date as `route` does, per pair of origin and destination
 * countries. Hand-checkable on testbot copies with a tiny rules file; and on data/eurasia against `route`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { accessNode, type CompiledNetwork } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { manyToMany } from "../../src/routing/matrix";
import { resolveRouteOptions, type RouteOptions } from "../../src/routing/options";
import { matrixPassage } from "../../src/routing/passage-groups";
import { planRoutes } from "../../src/routing/plan";
import { figuresMatrix } from "../../src/routing/rated-matrix";
import { effectiveBasis } from "../../src/routing/rates-report";
import { cityTimes } from "../../src/trade/pair-times/pair-times";
import { moveHarborToUzbekistan } from "../assignment/testbot-variants";

const root = resolve(__dirname, "../..");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

/** A testbot copy (Harbor in UZB) with the rules given. */
function testbotWithRules(rules: string): CompiledNetwork {
  const dir = mkdtempSync(join(tmpdir(), "caravan-passage-"));
  tmp.push(dir);
  cpSync(join(root, "test/fixtures/testbot"), dir, { recursive: true });
  moveHarborToUzbekistan(dir);
  const rulesDir = join(dir, "rules");
  mkdirSync(rulesDir, { recursive: true });
  writeFileSync(join(rulesDir, "passage.yaml"), `rules:\n${rules}`);
  return openNetwork(dir, { cacheDir: false });
}

const TRANSIT_BAN = `  - id: no-chinese-transit
    name: No transit of Chinese goods through Kazakhstan
    kind: transit_ban
    goodsFrom: [CHN]
    countries: [KAZ]
    from: "2020-01-01"
    what: "test rule"
    source: [src:testbot-manual]
`;
const GATE_CLOSED = `  - id: gate-closed
    name: Gate crossing closed
    kind: crossing_ban
    crossings: [gate-crossing]
    from: "2020-01-01"
    to: "2021-01-01"
    what: "test rule"
    source: [src:testbot-manual]
`;

/** The matrix of `caravan matrix` (time, the cost basis) between places, [i][j] hours (NaN = unreachable). */
function timeMatrix(net: CompiledNetwork, ids: string[], options: RouteOptions): number[][] {
  const ctx = new RoutingContext(net);
  const places = ids.map((id) => net.network.places.findIndex((p) => p.id === id));
  const resolved = resolveRouteOptions(net, { criterion: "time", ...options });
  const passage = matrixPassage(ctx, resolved, places, places);
  const set = passage.sets[0];
  const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
  const m = figuresMatrix(ctx, set, query, places.map(accessNode), effectiveBasis(set, undefined), passage);
  return places.map((_, i) => places.map((__, j) => m.sums[0][i * places.length + j]));
}

describe("rules of passage in the matrix on testbot (Harbor in UZB)", () => {
  const net = testbotWithRules(TRANSIT_BAN);
  const ids = ["portia", "alpha", "gamma", "harbor"];
  const ruled = timeMatrix(net, ids, { year: 2025 });
  const off = timeMatrix(net, ids, { year: 2025, rulesOff: ["all"] });
  const before = timeMatrix(net, ids, { year: 2019 });

  it("a transit ban changes only the cells of the country pairs it concerns (Chinese goods to Uzbekistan)", () => {
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < ids.length; j++) {
        const concerned = (ids[i] === "portia" || ids[i] === "alpha") && ids[j] === "harbor";
        if (concerned) expect(ruled[i][j]).toBeGreaterThan(off[i][j]);
        else expect(ruled[i][j]).toBe(off[i][j]);
      }
    }
    // China → Harbor without Kazakhstan: by sea, as the single route finds it
    const ctx = new RoutingContext(net);
    const r = new PlaceResolver(net.network.places);
    const plan = planRoutes(ctx, { from: r.resolve("portia"), to: r.resolve("harbor"), criterion: "time", year: 2025 });
    expect(plan.routes[0].countries).not.toContain("KAZ");
    expect(ruled[0][3]).toBeCloseTo(plan.routes[0].timeH, 6);
  });

  it("rules-off and a date before the rule restore the matrix", () => {
    expect(before).toEqual(off);
  });

  it("pair times apply the rule too", () => {
    const ctx = new RoutingContext(net);
    const nodes = Uint32Array.from(["portia", "harbor"].map((id) => accessNode(net.network.places.findIndex((p) => p.id === id))));
    const t = cityTimes(ctx, resolveRouteOptions(net, { criterion: "time", year: 2025 }), nodes);
    const tOff = cityTimes(ctx, resolveRouteOptions(net, { criterion: "time", year: 2025, rulesOff: ["no-chinese-transit"] }), nodes);
    expect(t[1]).toBeCloseTo(ruled[0][3], 9);
    expect(tOff[1]).toBeCloseTo(off[0][3], 9);
    expect(t[2]).toBe(tOff[2]); // Harbor → Portia: not Chinese goods
  });
});

describe("rules of passage in the corridor assignment on testbot", () => {
  const net = testbotWithRules(GATE_CLOSED + TRANSIT_BAN);
  const demand = parseDemandCsv("origin,destination,class,amount,source\nportia,gamma,container,1000000,src:testbot-manual\nalpha,harbor,container,1000000,src:testbot-manual\n", "d.csv");
  const gateT = (state: ReturnType<typeof resolveNetworkState>) => {
    const cp = corridorProblem(net, demand, { state });
    const result = solve(cp.problem, "b", { gap: 1e-8 });
    // tonnes × arcs of each class on arcs that touch Kazakhstan
    const kaz = net.countries.indexOf("KAZ");
    const onKaz = cp.classIds.map((_, c) => {
      let t = 0;
      for (let a = 0; a < net.graph.arcCount; a++) if (net.arcs.fromCountry[a] === kaz || net.arcs.toCountry[a] === kaz) t += result.classFlow[c][cp.problemArcOf[a]];
      return t;
    });
    return { gate: crossingVolumes(cp, result).find((c) => c.crossing === "gate-crossing")?.totalT ?? 0, classes: cp.classIds, onKaz };
  };

  it("a crossing ban in force moves the flow off its crossing; rules off or another date restores it", () => {
    const closed = gateT(resolveNetworkState(net, { year: 2020 }));
    expect(closed.gate).toBe(0);
    const open = gateT(resolveNetworkState(net, { year: 2020, rulesOff: ["gate-closed"] }));
    // Portia → Gamma (Kazakh destination) takes the gate; Alpha → Harbor (UZB) may not transit KAZ
    expect(open.gate).toBeCloseTo(1e6, 0);
    expect(open.classes).toEqual(["container", "container|no-chinese-transit"]);
    // the class of Chinese goods to Uzbekistan keeps off Kazakhstan; the Kazakh-bound class does not
    expect(open.onKaz[1]).toBe(0);
    expect(open.onKaz[0]).toBeGreaterThan(0);
    const all = gateT(resolveNetworkState(net, { year: 2020, rulesOff: ["all"] }));
    // with no rule part of Alpha → Harbor takes the gate (the rest by sea, as the gate congests)
    expect(all.gate).toBeGreaterThan(1e6 + 1e4);
    expect(all.classes).toEqual(["container"]);
    expect(gateT(resolveNetworkState(net, { year: 2022 })).gate).toBeCloseTo(1e6, 0);
  });
});

const DATA = resolve(root, "data/eurasia");
describe.skipIf(!existsSync(DATA))("rules of passage in the matrix on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const r = new PlaceResolver(net.network.places);

  const cells = (year: number) => {
    const places = ["Karachi", "Delhi", "Kabul"].map((p) => r.resolve(p));
    const options = resolveRouteOptions(net, { year });
    const passage = matrixPassage(ctx, options, places, places);
    const set = passage.sets[0];
    const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    const m = figuresMatrix(ctx, set, query, places.map(accessNode), effectiveBasis(set, undefined), passage);
    return { places, m };
  };

  it("Karachi, Delhi → Kabul: the matrix gives the times of route (2026)", () => {
    const { places, m } = cells(2026);
    for (const i of [0, 1]) {
      const plan = planRoutes(ctx, { from: places[i], to: places[2], year: 2026 });
      expect(m.sums[0][i * 3 + 2]).toBeCloseTo(plan.routes[0].timeH, 6);
      if (i === 1) expect(plan.routes[0].countries).not.toContain("PAK");
    }
  });

  it("every cell of the all-city matrix is its group's shortest distance (group 0's search answers a cell only where its group allows the path)", () => {
    const cities = net.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    const options = resolveRouteOptions(net, { year: 2026, criterion: "time" });
    const passage = matrixPassage(ctx, options, cities, cities);
    expect(passage.sets.length).toBeGreaterThan(1); // Indian goods and goods to India: Pakistan is no transit
    const nodes = Uint32Array.from(cities, accessNode);
    const grouped = manyToMany(new DijkstraQuery(net.graph, passage.weights[0], { noThrough: net.noThrough }), nodes, nodes, { groups: passage }).distance;
    const plain = passage.weights.map((w) => new DijkstraQuery(net.graph, w, { noThrough: net.noThrough }));
    let changed = 0;
    for (let i = 0; i < cities.length; i += 7) {
      for (const q of plain) q.oneToAll(nodes[i]);
      for (let j = 0; j < cities.length; j++) {
        const g = passage.cellGroup(i, j);
        expect(grouped[i * cities.length + j]).toBe(plain[g].distanceTo(nodes[j]));
        if (plain[g].distanceTo(nodes[j]) !== plain[0].distanceTo(nodes[j])) changed++;
      }
    }
    expect(changed).toBeGreaterThan(0); // some cells do take another path under their transit ban
  });

  it("in 2024 Karachi → Kabul crosses at Torkham or Chaman (the closure is from October 2025)", () => {
    const y2024 = cells(2024);
    const y2026 = cells(2026);
    expect(y2024.m.sums[0][2]).toBeLessThan(y2026.m.sums[0][2]);
    const plan = planRoutes(ctx, { from: y2024.places[0], to: y2024.places[2], year: 2024 });
    expect(plan.routes[0].events.map((e) => e.ref)).toEqual(expect.arrayContaining([expect.stringMatching(/^(torkham|chaman-spin-boldak)$/)]));
    expect(y2024.m.sums[0][2]).toBeCloseTo(plan.routes[0].timeH, 6);
  });
});
