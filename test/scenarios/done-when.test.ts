/**
 * The "Done when" contracts of the scenarios stage, over hand-checkable fixtures (testbot, test/fixtures/testbot/
 * README.md) and the embedded Eurasia dataset:
 *
 *   portia ==rail== alpha == east-gate =gate-crossing (leaving CHN: 30 h)= west-gate ==rail== gamma
 *     \                                                                                      //
 *      sea — narrows — sea ———————————————————————————————————————— harbor ==rail 200==
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/index";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import { applyScenario, compareViews, loadScenario, runScenario, viewOfSide } from "../../src/scenarios/index";

const root = resolve(__dirname, "../..");
const fixtures = join(root, "test/fixtures/scenarios");
const testbot = openNetwork(join(root, "test/fixtures/testbot"), { cacheDir: false });

describe("a scenario's edits on the testbot", () => {
  it("halving the dwell of one crossing lowers the time of a route through it by exactly that amount (30 h → 15 h)", () => {
    const scenario = loadScenario(join(fixtures, "testbot-half-dwell.yaml"));
    const ctx = new RoutingContext(testbot);
    const portia = testbot.network.places.findIndex((p) => p.id === "portia");
    const gamma = testbot.network.places.findIndex((p) => p.id === "gamma");
    const before = planRoutes(ctx, { from: portia, to: gamma, criterion: "time" }).routes[0];
    const { state } = applyScenario(testbot, scenario);
    const after = planRoutes(ctx, { from: portia, to: gamma, criterion: "time", state }).routes[0];
    expect(before.events.some((e) => e.type === "border" && e.ref === "gate-crossing")).toBe(true);
    expect(before.timeH - after.timeH).toBeCloseTo(15, 9);
    // the compiled network itself is untouched: a query without the state sees the old time
    expect(planRoutes(ctx, { from: portia, to: gamma, criterion: "time" }).routes[0].timeH).toBe(before.timeH);
  });

  it("closing a crossing moves its flow to the next-best corridor (the sea route through the Narrows and Harbor)", async () => {
    const run = await runScenario(testbot, join(fixtures, "testbot-close-gate.yaml"), { pairTimes: false });
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const gate = c.crossings.find((x) => x.id === "gate-crossing")!;
    expect(gate.baselineT).toBeCloseTo(1e6, 3);
    expect(gate.scenarioT).toBe(0);
    const seaFlow = (geojson: string) =>
      (JSON.parse(geojson).features as { properties: { linkId: string; flowT: number } }[])
        .filter((f) => f.properties.linkId === "link:sea-narrows-harbor-sea")
        .reduce((s, f) => s + f.properties.flowT, 0);
    expect(seaFlow(run.baseline.linkFlowsGeoJson)).toBe(0);
    expect(seaFlow(run.result.linkFlowsGeoJson)).toBe(1e6);
    const pg = c.pairs.find((p) => p.from === "portia" && p.to === "gamma")!;
    expect(pg.corridorSwitch).toBe(true);
    expect(pg.change!.timeH).toBeGreaterThan(0);
  });
});

describe("a scenario's edits on the Eurasia dataset", () => {
  const eurasia = openNetwork(join(root, "data/eurasia"));

  it("halving the dwell of one crossing lowers the time of a route through it by exactly that amount: Xi'an → Duisburg crosses Altynkol–Khorgos leaving China: the time falls by half the crossing's median dwell in the data", () => {
    const scenario = loadScenario(join(fixtures, "eurasia-khorgos-half-dwell.yaml"));
    const ctx = new RoutingContext(eurasia);
    const place = (id: string) => eurasia.network.places.findIndex((p) => p.id === id);
    const query = { from: place("xian"), to: place("duisburg"), criterion: "time" } as const;
    const before = planRoutes(ctx, query).routes[0];
    const border = before.events.filter((e) => e.type === "border" && e.ref === "altynkol-khorgos");
    expect(border.length).toBe(1);
    const dwell = eurasia.network.crossings.find((c) => c.id === "altynkol-khorgos")!.dwell.find((d) => d.fromCountry === "CHN")!;
    expect(dwell.medianH).toBeGreaterThan(0);
    const { state } = applyScenario(eurasia, scenario);
    const after = planRoutes(ctx, { ...query, state }).routes[0];
    expect(after.countries).toEqual(before.countries);
    expect(before.timeH - after.timeH).toBeCloseTo(dwell.medianH / 2, 9);
  });

  it("closing a crossing moves its flow to the next-best corridor: Dostyk–Alashankou closed under the 2024 demand, most of its flow crosses at Altynkol–Khorgos", async () => {
    const run = await runScenario(eurasia, join(fixtures, "eurasia-close-dostyk.yaml"), { pairTimes: false });
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const crossing = (id: string) => c.crossings.find((x) => x.id === id)!;
    const dostyk = crossing("dostyk-alashankou");
    expect(dostyk.baselineT).toBeGreaterThan(1e7);
    expect(dostyk.scenarioT).toBe(0);
    const khorgos = crossing("altynkol-khorgos");
    // more than half of Dostyk's flow moves to Khorgos, more than to any other crossing
    expect(khorgos.changeT).toBeGreaterThan(0.5 * dostyk.baselineT);
    for (const x of c.crossings) if (x.id !== "altynkol-khorgos") expect(x.changeT).toBeLessThan(khorgos.changeT);
  });

  it("switching on Bakhty–Ayagoz under 2030 demand on the dataset alone lowers the v/c at Dostyk–Alashankou: Bakhty takes westbound flow over the Karamay–Tacheng approach off Altynkol–Khorgos and Dostyk–Alashankou", async () => {
    const run = await runScenario(eurasia, join(fixtures, "eurasia-bakhty-2030-dataset.yaml"), { pairTimes: false });
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const bakhty = c.crossings.find((x) => x.id === "bakhty-tacheng-rail")!;
    expect(bakhty.baselineT).toBe(0);
    expect(bakhty.scenarioT).toBeGreaterThan(1e6);
    // the flow reaches Bakhty over the Chinese approach line (open since 2019), unused before the crossing opens
    const approach = (geojson: string) =>
      (JSON.parse(geojson).features as { properties: { linkId: string; flowT: number } }[])
        .filter((f) => f.properties.linkId === "link:kuytun-tacheng-rail-1435")
        .reduce((s, f) => s + f.properties.flowT, 0);
    expect(approach(run.baseline.linkFlowsGeoJson)).toBe(0);
    expect(approach(run.result.linkFlowsGeoJson)).toBeGreaterThan(1e6);
    // both older crossings are capacity-bound westbound (Altynkol–Khorgos by its 18 train pairs/day converted to
    // tonnes, Dostyk–Alashankou by its 20 Mt/yr design capacity); Bakhty relieves both
    const west = (id: string) => c.crossings.find((x) => x.id === id)!.directions.find((d) => d.direction === "CHN→KAZ")!;
    expect(west("altynkol-khorgos").baselineVc!).toBeGreaterThan(0.5);
    expect(west("altynkol-khorgos").scenarioT).toBeLessThan(west("altynkol-khorgos").baselineT - 1e6);
    const dostyk = c.crossings.find((x) => x.id === "dostyk-alashankou")!;
    expect(dostyk.scenarioT).toBeLessThan(dostyk.baselineT - 1e6);
    const directions = dostyk.directions.filter((d) => d.baselineVc !== null);
    expect(directions.length).toBe(2);
    for (const d of directions) expect(d.scenarioVc!).toBeLessThanOrEqual(d.baselineVc! + 1e-9);
    expect(west("dostyk-alashankou").scenarioVc!).toBeLessThan(west("dostyk-alashankou").baselineVc! - 0.02);
    expect(dostyk.scenarioVc!).toBeLessThan(dostyk.baselineVc! - 0.02);
  });

  it("switching on Bakhty–Ayagoz under 2030 demand with a hypothetical direct Tacheng–Ürümqi line takes flow off Dostyk–Alashankou and lowers its v/c (no direction rises)", async () => {
    const run = await runScenario(eurasia, join(fixtures, "eurasia-bakhty-2030.yaml"), { pairTimes: false });
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const bakhty = c.crossings.find((x) => x.id === "bakhty-tacheng-rail")!;
    expect(bakhty.baselineT).toBe(0);
    expect(bakhty.scenarioT).toBeGreaterThan(1e6);
    const dostyk = c.crossings.find((x) => x.id === "dostyk-alashankou")!;
    expect(dostyk.scenarioT).toBeLessThan(dostyk.baselineT);
    const directions = dostyk.directions.filter((d) => d.baselineVc !== null);
    expect(directions.length).toBe(2);
    for (const d of directions) expect(d.scenarioVc!).toBeLessThanOrEqual(d.baselineVc! + 1e-12);
    expect(directions.some((d) => d.scenarioVc! < d.baselineVc! - 1e-6)).toBe(true);
  });

  it("closing transit through Russia moves China–Europe flows to the Middle Corridor and raises Caspian ferry volumes", async () => {
    const run = await runScenario(eurasia, join(fixtures, "eurasia-no-russia.yaml"), { pairTimes: false });
    const c = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
    const transit = (iso3: string) => c.transitByCountry.find((t) => t.country === iso3) ?? { baselineT: 0, scenarioT: 0 };
    expect(transit("RUS").scenarioT).toBe(0);
    expect(transit("BLR").scenarioT).toBe(0);
    for (const middle of ["AZE", "GEO"]) expect(transit(middle).scenarioT).toBeGreaterThan(transit(middle).baselineT + 1e6);
    const caspian = (side: "baselineT" | "scenarioT") => c.ferries.filter((f) => ["aktau-alat-ferry", "kuryk-alat-ferry", "turkmenbashi-alat-ferry"].includes(f.id)).reduce((s, f) => s + f[side], 0);
    expect(caspian("scenarioT")).toBeGreaterThan(caspian("baselineT") + 1e6);
    // a China–Europe city pair now routes through Azerbaijan and Georgia
    const xianDuisburg = c.pairs.find((p) => p.from === "xian" && p.to === "duisburg")!;
    expect(xianDuisburg.baseline!.corridor).toContain("RUS");
    expect(xianDuisburg.scenario!.corridor).not.toContain("RUS");
    expect(xianDuisburg.scenario!.corridor).toMatch(/AZE|~sea~/);
  });
});
