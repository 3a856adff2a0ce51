/**
 * Scenario runs on the rates basis (parameters.costBasis / rates, `scenario run --cost-basis --rates`): the city
 * pairs' costUsd re-priced by the rate layers, and a Red Sea closure moving the Far East – North Europe sea rate by
 * the sourced shock (estimate:rates-red-sea-shock: Drewry WCI Shanghai→Rotterdam USD 4,406 on 11 Jan 2024, after the
 * diversions, over USD 1,479 on 30 Mar 2023), not only the distance of the Cape detour. The mid-2023 observation
 * (USD 1,490–1,620, midpoint 1,555) closed by the scenario lands 5.2 % above the January 2024 Drewry figure.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { runScenario, type SideResult } from "../../src/scenarios/run";

const DATA = resolve(__dirname, "../../data/eurasia");
const FILE = resolve(__dirname, "../fixtures/scenarios/eurasia-red-sea-rates.yaml");

describe.skipIf(!existsSync(DATA))("scenario run on the rates basis: a Red Sea closure moves sea rates (data/eurasia)", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const pair = (side: SideResult, from: string, to: string) => {
    const row = side.pairs.find((p) => p.from === from && p.to === to);
    if (!row) throw new Error(`no pair ${from} → ${to}`);
    return row;
  };

  it("Shanghai → Rotterdam: USD 1,555 (mid-2023 WCI) → 4,634 with Bab-el-Mandeb closed, near Drewry's 4,406 of Jan 2024; the cost basis moves by the detour only", async () => {
    const rated = await runScenario(net, FILE, { assignment: false, pairTimes: false });
    expect(rated.manifest.parameters).toMatchObject({ costBasis: "rates", ratesMonth: "2023-08" });
    const sea = rated.manifest.rates?.scenario.find((r) => r.lane === "far-east-north-europe-sea" && r.direction === "westbound");
    expect(sea).toMatchObject({ status: "observed", asPublished: "mid-2023", shockMultiplier: 2.98 });
    expect(sea?.source).toContain("estimate:rates-red-sea-shock");
    expect(rated.manifest.rates?.baseline.find((r) => r.lane === "far-east-north-europe-sea" && r.direction === "westbound")?.shockMultiplier).toBe(1);
    const before = pair(rated.baseline, "shanghai", "rotterdam");
    const after = pair(rated.result, "shanghai", "rotterdam");
    console.info(`rates 2023-08: shanghai → rotterdam USD ${before.costUsd.toFixed(0)} → ${after.costUsd.toFixed(0)} (${before.corridor} → ${after.corridor})`);
    expect(before.corridor).toBe("~sea~");
    expect(before.costUsd).toBeCloseTo((1490 + 1620) / 2, 6);
    expect(after.costUsd).toBeCloseTo(((1490 + 1620) / 2) * 2.98, 6);
    expect(after.costUsd / 4406).toBeGreaterThan(1);
    expect(after.costUsd / 4406).toBeLessThan(1.06);

    const cost = await runScenario(net, FILE, { assignment: false, pairTimes: false, costBasis: "cost" });
    expect(cost.manifest.parameters).toMatchObject({ costBasis: "cost", ratesMonth: null });
    expect(cost.manifest.rates).toBeUndefined();
    const costBefore = pair(cost.baseline, "shanghai", "rotterdam");
    const costAfter = pair(cost.result, "shanghai", "rotterdam");
    console.info(`cost basis: shanghai → rotterdam USD ${costBefore.costUsd.toFixed(0)} → ${costAfter.costUsd.toFixed(0)}`);
    // the cost model sees the longer Cape route only: far less than the rates' × 2.98
    expect(costAfter.costUsd / costBefore.costUsd).toBeGreaterThan(1.05);
    expect(costAfter.costUsd / costBefore.costUsd).toBeLessThan(1.6);
    // the same paths: the rates basis re-prices, it does not re-route
    expect(cost.result.pairs.map((p) => p.corridor)).toEqual(rated.result.pairs.map((p) => p.corridor));
  }, 120_000);
});
