/**
 * The month of travel in the corridor assignment (`caravan assign --demand … --month M`, or a scenario file's
 * `month:`): seasonal waits (a ferry's weather closures, routing/reliability.ts seasonalExtraWaitH) lengthen the
 * arcs' free-flow time by exactly the wait the route reports add, as a constant part that congestion does not
 * scale; without a month nothing changes. On data/eurasia the Caspian ferries wait longer in December.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv } from "../../src/assignment/corridor-demand";
import { solve } from "../../src/assignment/solve";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { seasonalExtraWaitH } from "../../src/routing/reliability";

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
const demandFile = join(real, "demand", "corridors-2024.csv");
const HAS = existsSync(demandFile);
if (!HAS) console.warn("skipping the assignment month test: data/eurasia/demand/corridors-2024.csv is absent");

describe.skipIf(!HAS)("month of travel in the corridor assignment (data/eurasia)", () => {
  const net = openNetwork(real, { cacheDir: false });
  const demand = readDemandCsv(demandFile);

  it("December adds each arc's seasonal wait to its free-flow time (Caspian ferries among them); June adds what June adds; no month adds none", () => {
    const none = corridorProblem(net, demand, { year: 2024 });
    const plain = corridorProblem(net, demand, { state: resolveNetworkState(net, { year: 2024 }) });
    expect(Array.from(plain.freeFlowTimeH)).toEqual(Array.from(none.freeFlowTimeH));
    expect(none.month).toBeNull();
    for (const month of [6, 12]) {
      const cp = corridorProblem(net, demand, { state: resolveNetworkState(net, { year: 2024, month }) });
      expect(cp.month).toBe(month);
      let stretched = 0;
      for (let a = 0; a < net.graph.arcCount; a++) {
        const extra = seasonalExtraWaitH(net, net.arcs, a, month);
        expect(cp.freeFlowTimeH[a] - none.freeFlowTimeH[a]).toBeCloseTo(extra, 9);
        if (extra > 0) stretched++;
      }
      if (month === 12) expect(stretched).toBeGreaterThan(0);
    }
  });

  it("the December equilibrium costs more tonne-hours than June's; the summary and the CLI say which month", async () => {
    const june = corridorProblem(net, demand, { state: resolveNetworkState(net, { year: 2024, month: 6 }) });
    const dec = corridorProblem(net, demand, { state: resolveNetworkState(net, { year: 2024, month: 12 }) });
    const tstt = (cp: typeof june) => solve(cp.problem, "b", { gap: 1e-6 }).totalTravelTime;
    expect(tstt(dec)).toBeGreaterThan(tstt(june));
    let out = "";
    let err = "";
    const io = { out: (s: string) => (out += s), err: (s: string) => (err += s) };
    expect(await runCli(["--data", real, "assign", "--no-store", "--demand", demandFile, "--month", "12", "--json"], io), err).toBe(0);
    expect(JSON.parse(out).month).toBe(12);
    for (const [args, pattern] of [
      [["--month", "13"], /^caravan: E_USAGE: --month/],
      [["--month", "12", "--scenario", join(real, "..", "..", "test", "fixtures", "scenarios", "eurasia-bakhty-2030.yaml")], /^caravan: E_USAGE: --month with --scenario/],
    ] as const) {
      err = "";
      expect(await runCli(["--data", real, "assign", "--no-store", "--demand", demandFile, ...args], io)).not.toBe(0);
      expect(err).toMatch(pattern);
    }
  }, 120_000);
});
