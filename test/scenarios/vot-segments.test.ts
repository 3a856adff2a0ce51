/**
 * Value-of-time segments in scenario runs (`parameters: { votSegments, votSpread }`, as `assign --vot-segments
 * --vot-spread`): the scenario's corridor assignment splits every demand class into lognormal value-of-time segments
 * sharing the capacities (assignment/corridor.ts), and the manifest records the choice. On data/eurasia the bulk lanes
 * split between modes, so crossing volumes move while the demand assigned stays the same.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { VOT_SPREAD_DEFAULT } from "../../src/assignment/corridor";
import { openNetwork } from "../../src/network/index";
import { loadScenario, runScenario } from "../../src/scenarios/index";

const root = resolve(__dirname, "../..");
const eurasia = openNetwork(join(root, "data/eurasia"), { cacheDir: false });
const dir = mkdtempSync(join(tmpdir(), "caravan-vot-scenario-"));
const file = (name: string, parameters: string) => {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `name: ${name}\nyear: 2024\nparameters: ${parameters}\n`);
  return f;
};

describe("value-of-time segments in a scenario run (data/eurasia)", () => {
  it("votSegments 5 moves crossing volumes against one value of time; the manifest names segments and σ", async () => {
    const one = await runScenario(eurasia, file("one", "{ votSegments: 1 }"), { pairTimes: false });
    const five = await runScenario(eurasia, file("five", "{ votSegments: 5 }"), { pairTimes: false });
    const params = (r: typeof one) => (r.manifest as unknown as { parameters: { votSegments: number; votSpread: number } }).parameters;
    expect(params(one)).toMatchObject({ votSegments: 1, votSpread: 0 });
    expect(params(five)).toMatchObject({ votSegments: 5, votSpread: VOT_SPREAD_DEFAULT });
    const volumes = (r: typeof one) => new Map(r.result.crossings.map((c) => [c.crossing, c.volumeT]));
    const a = volumes(one);
    const b = volumes(five);
    let moved = 0;
    for (const [id, v] of a) if (Math.abs((b.get(id) ?? 0) - v) > 1e3) moved++;
    expect(moved).toBeGreaterThan(0);
    const total = (r: typeof one) => r.result.demandRows.reduce((s, d) => s + d.amountT, 0);
    expect(total(five)).toBeCloseTo(total(one), 3);
  }, 120_000);

  it("a segment count outside 1–100 or a negative spread is a parse error naming the field", () => {
    expect(() => loadScenario(file("bad-count", "{ votSegments: 0 }"))).toThrow(/votSegments/);
    expect(() => loadScenario(file("bad-spread", "{ votSegments: 3, votSpread: -1 }"))).toThrow(/votSpread/);
  });
});
