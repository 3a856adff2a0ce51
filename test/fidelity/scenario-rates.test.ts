/**
 * Scenario runs on the rates basis (parameters.costBasis / rates, `scenario run --cost-basis --rates`): the city
 * pairs' costUsd re-priced by the rate layers, and a Red Sea closure moving the Far East – North Europe sea rate by
 * the sourced shock (estimate:rates-red-sea-shock: Drewry WCI Shanghai→Rotterdam USD 4,406 on 11 Jan 2024, after the
 * diversions, over USD 1,479 on 30 Mar 2023), not only the distance of the Cape detour. The mid-2023 observation
 * (USD 1,490–1,620, midpoint 1,555) closed by the scenario lands 5.2 % above the January 2024 Drewry figure; with the
 * scenario's cost criterion the cheapest route on the rated cost then leaves the sea lane.
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

  it("Red Sea closed on the 2023-08 rates: the sea lane's rate 1,555 → 4,634 (Drewry Jan 2024: 4,406), Shanghai → Rotterdam leaves the sea; the cost basis moves by the detour only", async () => {
    const rated = await runScenario(net, FILE, { assignment: false, pairTimes: false });
    expect(rated.manifest.parameters).toMatchObject({ costBasis: "rates", ratesMonth: "2023-08" });
    const seaRate = (side: "baseline" | "scenario") => rated.manifest.rates?.[side].find((r) => r.lane === "far-east-north-europe-sea" && r.direction === "westbound");
    expect(seaRate("scenario")).toMatchObject({ status: "observed", asPublished: "mid-2023", shockMultiplier: 2.98 });
    expect(seaRate("scenario")?.source).toContain("estimate:rates-red-sea-shock");
    expect(seaRate("scenario")?.rateUsd).toBeCloseTo(((1490 + 1620) / 2) * 2.98, 6);
    expect(seaRate("baseline")).toMatchObject({ shockMultiplier: 1, rateUsd: (1490 + 1620) / 2 });
    expect((seaRate("scenario")?.rateUsd ?? 0) / 4406).toBeGreaterThan(1);
    expect((seaRate("scenario")?.rateUsd ?? 0) / 4406).toBeLessThan(1.06);
    const before = pair(rated.baseline, "shanghai", "rotterdam");
    const after = pair(rated.result, "shanghai", "rotterdam");
    console.info(`rates 2023-08: shanghai → rotterdam USD ${before.costUsd.toFixed(0)} → ${after.costUsd.toFixed(0)} (${before.corridor} → ${after.corridor})`);
    expect(before.corridor).toBe("~sea~");
    expect(before.costUsd).toBeCloseTo((1490 + 1620) / 2, 6);
    // criterion cost: the cheapest route on the rated cost, no dearer than the shocked sea rate, leaves the sea lane
    expect(after.costUsd).toBeLessThanOrEqual(((1490 + 1620) / 2) * 2.98 + 1e-6);
    expect(after.costUsd).toBeGreaterThan(before.costUsd);
    expect(after.corridor).not.toBe("~sea~");

    const cost = await runScenario(net, FILE, { assignment: false, pairTimes: false, costBasis: "cost" });
    expect(cost.manifest.parameters).toMatchObject({ costBasis: "cost", ratesMonth: null });
    expect(cost.manifest.rates).toBeUndefined();
    const costBefore = pair(cost.baseline, "shanghai", "rotterdam");
    const costAfter = pair(cost.result, "shanghai", "rotterdam");
    console.info(`cost basis: shanghai → rotterdam USD ${costBefore.costUsd.toFixed(0)} → ${costAfter.costUsd.toFixed(0)} (${costBefore.corridor} → ${costAfter.corridor})`);
    // the cost model sees the longer Cape route only and stays at sea
    expect(costAfter.corridor).toBe("~sea~");
    expect(costAfter.costUsd / costBefore.costUsd).toBeGreaterThan(1.05);
    expect(costAfter.costUsd / costBefore.costUsd).toBeLessThan(1.6);
    expect(rated.result.pairs.map((p) => `${p.from}>${p.to}`)).toEqual(cost.result.pairs.map((p) => `${p.from}>${p.to}`));
  }, 300_000);
});
