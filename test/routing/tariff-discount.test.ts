/**
 * Tariff discounts (rules of passage of kind tariff_discount, src/network/passage.ts): goods from or to named
 * countries pay a share of the moving tariff on the links of named modes inside transit countries. Hand-checkable on
 * a testbot copy with Harbor in Uzbekistan, so Chinese goods to Harbor cross Kazakhstan in transit: the route, the
 * matrix and the corridor assignment charge the discount on exactly the Kazakh rail links, and nowhere else.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { computeEffects } from "../../src/appraisal/effects";
import { parseDemandCsv, readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { ARC_LINK, accessNode, type CompiledNetwork, MODE_CODES } from "../../src/network/compiled";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { resolveRouteOptions } from "../../src/routing/options";
import { matrixPassage } from "../../src/routing/passage-groups";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import { figuresMatrix } from "../../src/routing/rated-matrix";
import { effectiveBasis } from "../../src/routing/rates-report";
import { moveHarborToUzbekistan } from "../assignment/testbot-variants";

const root = resolve(__dirname, "../..");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function testbotDir(rules: string): string {
  const dir = mkdtempSync(join(tmpdir(), "caravan-discount-"));
  tmp.push(dir);
  cpSync(join(root, "test/fixtures/testbot"), dir, { recursive: true });
  moveHarborToUzbekistan(dir);
  mkdirSync(join(dir, "rules"), { recursive: true });
  writeFileSync(join(dir, "rules/tariffs.yaml"), `rules:\n${rules}`);
  return dir;
}

const discount = (id: string, extra: string) => `  - id: ${id}
    name: Half the Kazakh rail tariff for Chinese goods in transit
    kind: tariff_discount
    goodsFrom: [CHN]
    countries: [KAZ]
    modes: [rail]
    tariffFactor: 0.5
${extra}    from: "2020-01-01"
    what: "test rule"
    source: [src:testbot-manual]
`;

/** Σ over a path of the moving cost (cost minus its fixed part) of the rail links inside Kazakhstan, USD. */
function kazakhRailMovingUsd(net: CompiledNetwork, ctx: RoutingContext, request: RouteRequest, path: readonly number[]): number {
  const columns = ctx.profile(resolveRouteOptions(net, request));
  const kaz = net.countries.indexOf("KAZ");
  const rail = MODE_CODES.indexOf("rail");
  let usd = 0;
  for (const a of path) {
    if (net.arcs.kind[a] === ARC_LINK && net.arcs.mode[a] === rail && net.arcs.fromCountry[a] === kaz && net.arcs.toCountry[a] === kaz) usd += columns.costUsd[a] - columns.eventCostUsd[a];
  }
  return usd;
}

describe("tariff discounts on testbot (Harbor in UZB)", () => {
  const net = openNetwork(testbotDir(discount("kz-half", "")), { cacheDir: false });
  const ctx = new RoutingContext(net);
  const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
  const request = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteRequest => ({ from: place(from), to: place(to), criterion: "cost", modes: ["rail"], year: 2025, ...extra });

  it("a Chinese rail shipment through Kazakhstan pays half the moving tariff of the Kazakh rail links, and the route says so", () => {
    const req = request("alpha", "harbor");
    const plan = planRoutes(ctx, req);
    const r = plan.routes[0];
    expect(plan.passage.rules).toContain("kz-half");
    const full = RoutingContext.sum(ctx.profile(resolveRouteOptions(net, req)).costUsd, r.arcs);
    const moving = kazakhRailMovingUsd(net, ctx, req, r.arcs);
    expect(moving).toBeGreaterThan(100);
    expect(r.costUsd).toBeCloseTo(full - 0.5 * moving, 6);
    expect(r.notes.some((n) => n.includes("[kz-half]") && n.includes("pays 50 % of the rail tariff in KAZ"))).toBe(true);
    const off = planRoutes(ctx, { ...req, rulesOff: ["kz-half"] });
    expect(off.routes[0].costUsd).toBeCloseTo(full, 6);
    expect(off.routes[0].notes.some((n) => n.startsWith("rule of passage switched off") && n.includes("kz-half"))).toBe(true);
    // before the rule's date it does not apply
    expect(planRoutes(ctx, { ...req, year: 2019 }).routes[0].costUsd).toBeCloseTo(full, 6);
  });

  it("a country that is the shipment's origin or destination is not transit: Alpha → Gamma (in KAZ) pays the whole tariff", () => {
    const req = request("alpha", "gamma");
    const plan = planRoutes(ctx, req);
    expect(plan.routes[0].costUsd).toBeCloseTo(planRoutes(ctx, { ...req, rulesOff: ["all"] }).routes[0].costUsd, 9);
    expect(plan.routes[0].notes.some((n) => n.includes("[kz-half]"))).toBe(false);
  });

  it("goods the rule does not name (Harbor → Alpha, from UZB) pay the whole tariff", () => {
    const req = request("harbor", "alpha");
    expect(planRoutes(ctx, req).passage.rules).not.toContain("kz-half");
    expect(planRoutes(ctx, req).routes[0].costUsd).toBeCloseTo(planRoutes(ctx, { ...req, rulesOff: ["all"] }).routes[0].costUsd, 9);
  });

  it("the matrix charges each cell as route does", () => {
    const ids = ["alpha", "gamma", "harbor"];
    const places = ids.map(place);
    const options = resolveRouteOptions(net, { criterion: "cost", modes: ["rail"], year: 2025 });
    const passage = matrixPassage(ctx, options, places, places);
    const query = new DijkstraQuery(net.graph, passage.sets[0].weight, { noThrough: net.noThrough });
    const m = figuresMatrix(ctx, passage.sets[0], query, places.map(accessNode), effectiveBasis(passage.sets[0], undefined), passage);
    const costIndex = 1; // sumColumns: time, cost, CO2, distance
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < ids.length; j++) {
        if (i === j) continue;
        const r = planRoutes(ctx, request(ids[i], ids[j])).routes[0];
        expect(m.sums[costIndex][i * ids.length + j]).toBeCloseTo(r.costUsd, 6);
      }
    }
  });

  it("the corridor assignment gives the concerned shipments a class of their own whose Kazakh rail links cost half the moving tariff", () => {
    const demand = parseDemandCsv("origin,destination,class,amount,source\nalpha,harbor,container,1000,src:testbot-manual\nalpha,gamma,container,1000,src:testbot-manual\n", "d.csv");
    const state = resolveNetworkState(net, { year: 2025 });
    const cp = corridorProblem(net, demand, { state, modes: ["rail"] });
    expect(cp.classIds).toEqual(["container", "container|kz-half"]);
    const [base, ruled] = cp.problem.classes;
    const columns = ctx.profile(resolveRouteOptions(net, { cargo: "feu", modes: ["rail"], year: 2025 }));
    const vot = cp.classValueOfTimeUsdPerH[0];
    const kaz = net.countries.indexOf("KAZ");
    const rail = MODE_CODES.indexOf("rail");
    let checked = 0;
    for (let a = 0; a < net.graph.arcCount; a++) {
      const p = cp.problemArcOf[a];
      if (base.fixedCost[p] === Number.POSITIVE_INFINITY) continue;
      const inside = net.arcs.kind[a] === ARC_LINK && net.arcs.mode[a] === rail && net.arcs.fromCountry[a] === kaz && net.arcs.toCountry[a] === kaz;
      const moving = columns.costUsd[a] - columns.eventCostUsd[a];
      if (inside && moving > 0) {
        expect(ruled.fixedCost[p]).toBeCloseTo(base.fixedCost[p] - (0.5 * moving) / vot, 9);
        checked++;
      } else expect(ruled.fixedCost[p]).toBe(base.fixedCost[p]);
    }
    expect(checked).toBeGreaterThan(0);
    // the appraisal's costs of a pair under its group are the class's
    const group = cp.passage!.groupOf(place("alpha"), place("harbor"));
    expect(Array.from(cp.fixedCostInGroup(0, group))).toEqual(Array.from(ruled.fixedCost));
  });
});

describe("tariff discounts in the appraisal's free-flow effects", () => {
  it("price each demand row as route does, with the rules of its pair", () => {
    const net = openNetwork(testbotDir(discount("kz-half", "")), { cacheDir: false });
    const ctx = new RoutingContext(net);
    const rows = resolveDemand(net, parseDemandCsv("origin,destination,class,amount,source\nalpha,harbor,container,1000,src:testbot-manual\n", "d.csv"));
    const massT = net.network.cargo.find((c) => c.id === rows[0].profileId)!.massT.value;
    const costPerT = (rulesOff: string[]) => {
      const state = resolveNetworkState(net, { year: 2025, rulesOff });
      return computeEffects(ctx, rows, { state }, { state }, new Uint8Array(net.graph.arcCount)).costWithUsdPerT[0];
    };
    const route = (rulesOff: string[]) =>
      planRoutes(ctx, { from: rows[0].originPlace, to: rows[0].destinationPlace, criterion: "generalized", cargo: rows[0].profileId, year: 2025, rulesOff }).routes[0].costUsd / massT;
    expect(costPerT([])).toBeCloseTo(route([]), 9);
    expect(costPerT(["all"])).toBeCloseTo(route(["all"]), 9);
    expect(costPerT([])).toBeLessThan(costPerT(["all"]));
  });
});

describe("a tariff discount for other cargo", () => {
  it("leaves the profiles it does not name alone", () => {
    const net = openNetwork(testbotDir(discount("kz-bulk-only", "    cargo: [bulk]\n")), { cacheDir: false });
    const ctx = new RoutingContext(net);
    const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
    const req: RouteRequest = { from: place("alpha"), to: place("harbor"), criterion: "cost", modes: ["rail"], year: 2025 };
    const feu = planRoutes(ctx, req).routes[0];
    expect(feu.costUsd).toBeCloseTo(planRoutes(ctx, { ...req, rulesOff: ["all"] }).routes[0].costUsd, 9);
    expect(feu.notes.some((n) => n.includes("kz-bulk-only"))).toBe(false);
    const bulk = planRoutes(ctx, { ...req, cargo: "bulk" }).routes[0];
    expect(bulk.costUsd).toBeLessThan(planRoutes(ctx, { ...req, cargo: "bulk", rulesOff: ["all"] }).routes[0].costUsd);
  });
});

describe("malformed tariff discounts", () => {
  it("are reported with file, line and field", () => {
    const dir = testbotDir(
      [
        "  - id: no-factor",
        "    name: a discount without its factor",
        "    kind: tariff_discount",
        "    goodsFrom: [CHN]",
        "    countries: [KAZ]",
        '    from: "2020-01-01"',
        "    what: nothing",
        "    source: [src:testbot-manual]",
        "  - id: factor-on-a-ban",
        "    name: a ban with a factor",
        "    kind: transit_ban",
        "    goodsFrom: [CHN]",
        "    countries: [KAZ]",
        "    tariffFactor: 0.5",
        '    from: "2020-01-01"',
        "    what: nothing",
        "    source: [src:testbot-manual]",
        "  - id: bad-cargo",
        "    name: a discount for an unknown profile",
        "    kind: tariff_discount",
        "    goodsFrom: [CHN]",
        "    countries: [KAZ]",
        "    cargo: [bulks]",
        "    tariffFactor: 0.5",
        '    from: "2020-01-01"',
        "    what: nothing",
        "    source: [src:testbot-manual]",
        "  - id: factor-too-high",
        "    name: a discount that raises the tariff",
        "    kind: tariff_discount",
        "    goodsFrom: [CHN]",
        "    countries: [KAZ]",
        "    tariffFactor: 1.5",
        '    from: "2020-01-01"',
        "    what: nothing",
        "    source: [src:testbot-manual]",
        "",
      ].join("\n"),
    );
    const result = validateNetwork(dir);
    const text = result.problems.map((p) => `${p.file}:${p.line ?? "?"} ${p.field ?? ""} ${p.message}`).join("\n");
    expect(text).toMatch(/tariffs\.yaml:2 tariffFactor .*tariff_discount gives the share/);
    expect(text).toMatch(/tariffs\.yaml:15 tariffFactor .*belongs to tariff_discount, not transit_ban/);
    expect(text).toMatch(/tariffs\.yaml:\d+ tariffFactor .*<1 \(got 1\.5\)/);
    expect(text).toMatch(/tariffs\.yaml:\d+ cargo\.0 unknown cargo profile "bulks" \(did you mean "bulk"\?\)/);
  });
});

const DATA = resolve(root, "data/eurasia");
describe.skipIf(!existsSync(DATA))("tariff discounts on data/eurasia (rules/tariffs.yaml)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
  const RULE = "trk-north-south-transit-discount-2023"; // RZD release of 31 March 2023 (trans.ru; TASS)

  it("Chelyabinsk → Bandar Abbas bulk in June 2023 pays Turkmenistan's discounted transit tariff, and not in 2025", () => {
    const req: RouteRequest = { from: place("chelyabinsk"), to: place("bandar-abbas"), cargo: "bulk", year: 2023, month: 6 };
    const ruled = planRoutes(ctx, req);
    const off = planRoutes(ctx, { ...req, rulesOff: [RULE] });
    expect(ruled.passage.rules).toContain(RULE);
    expect(ruled.routes[0].countries).toContain("TKM");
    expect(ruled.routes[0].notes.some((n) => n.includes(`[${RULE}]`) && n.includes("of the rail tariff in TKM"))).toBe(true);
    expect(ruled.routes[0].costUsd).toBeLessThan(off.routes[0].costUsd - 1);
    expect(planRoutes(ctx, { ...req, year: 2025 }).passage.rules).not.toContain(RULE);
  });

  it("in the 2023 assignment the INSTC east row leaves the sea for Turkmen rail into Iran at Sarakhs; without the discount it sails", () => {
    const demand = readDemandCsv(join(DATA, "demand/corridors-2024.csv"));
    const sarakhsIntoIran = (rulesOff: string[]) => {
      const cp = corridorProblem(net, demand, { state: resolveNetworkState(net, { year: 2023, rulesOff }) });
      const result = solve(cp.problem, "b", { gap: 1e-6 });
      return crossingVolumes(cp, result).find((c) => c.crossing === "sarakhs")?.byDirectionT["TKM→IRN"] ?? 0;
    };
    // Chelyabinsk → Bandar Abbas is 1.0 Mt a year (block F of the demand)
    expect(sarakhsIntoIran([])).toBeGreaterThan(0.5e6);
    expect(sarakhsIntoIran([RULE, "ktz-north-south-transit-discount-2023"])).toBeLessThan(0.05e6);
  });
});
