/**
 * Tajikistan's imports by mode in the corridor assignment of the shipped demand. Tajikistan's Statistics Agency puts
 * rail at 71.8 % of the country's international cargo turnover in January–March 2025 (Trend, 23 May 2025,
 * https://en.trend.az/casia/tajikistan/4047913.html; a share of tonne-km, where the model gives tonnes crossing the
 * border, so the check is "most by rail", not the figure). Before the Dushanbe–Chanak road's toll (links/tolls.yaml:
 * 590 somoni a heavy truck, Asia-Plus 2021) every tonne went by truck through Fotehobod–Oybek; with it the rail
 * through Sariasiya–Pakhtaabad takes most of them, with one value of time and with five segments. Since Fotehobod–Oybek
 * has an estimated capacity (rule capacity-road-post-regional, 2.5 Mt/yr) its queue sends a third to rail even
 * without the toll (1.72 Mt by road, 0.86 by rail), so the check without the toll is "most by road".
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv } from "../../src/assignment/corridor-demand";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import type { CompiledNetwork } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/open";

const DATA = resolve(__dirname, "../../data/eurasia");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

/** Tonnes a year entering Tajikistan by rail and by road. */
function intoTajikistan(net: CompiledNetwork, votSegments: number): { railT: number; roadT: number } {
  const cp = corridorProblem(net, readDemandCsv(join(DATA, "demand/corridors-2024.csv")), { votSegments });
  const result = solve(cp.problem, "b", { gap: 1e-6 });
  let railT = 0;
  let roadT = 0;
  for (const c of crossingVolumes(cp, result)) {
    const modes = net.network.crossings.find((x) => x.id === c.crossing)?.modes ?? [];
    for (const [direction, t] of Object.entries(c.byDirectionT)) {
      if (!direction.endsWith("→TJK")) continue;
      if (modes.includes("rail") && !modes.includes("road")) railT += t;
      else if (modes.includes("road") && !modes.includes("rail")) roadT += t;
      else throw new Error(`crossing ${c.crossing} carries both modes`);
    }
  }
  return { railT, roadT };
}

describe.skipIf(!existsSync(DATA))("Tajikistan's imports by mode (corridor assignment of the 2024 demand)", () => {
  const net = openNetwork(DATA, { cacheDir: false });

  it("most of them cross by rail, with one value of time and with five segments", () => {
    for (const segments of [1, 5]) {
      const { railT, roadT } = intoTajikistan(net, segments);
      expect(railT + roadT).toBeGreaterThan(2e6);
      expect(railT / (railT + roadT)).toBeGreaterThan(0.5);
    }
  });

  it("without the Dushanbe–Chanak toll most tonnes go by road (the near tie the toll breaks; Fotehobod–Oybek's queue at its estimated capacity turns a third to rail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-no-toll-"));
    tmp.push(dir);
    cpSync(DATA, dir, { recursive: true });
    rmSync(join(dir, "links/tolls.yaml"));
    const { railT, roadT } = intoTajikistan(openNetwork(dir, { cacheDir: false }), 1);
    expect(roadT).toBeGreaterThan(1.5e6);
    expect(roadT).toBeGreaterThan(1.5 * railT);
  });
});
