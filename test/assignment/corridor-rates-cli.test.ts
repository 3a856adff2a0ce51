/**
 * `caravan assign --demand … --cost-basis rates --rates YYYY-MM`: the corridor assignment with the classes' money
 * costs on the rates basis (each lane's rate spread over its runs' arcs, rule rates-arc-spread, as scenario runs on
 * the rates basis do). The summary names the basis and month; the cost basis stays the default; bad choices are one
 * E_USAGE line with a suggestion.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
const demandFile = join(real, "demand", "corridors-2024.csv");
const HAS = existsSync(demandFile) && existsSync(join(real, "rates"));
if (!HAS) console.warn("skipping the assign rates-basis test: data/eurasia demand or rates are absent");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", real, "assign", "--no-store", "--demand", demandFile, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe.skipIf(!HAS)("assign --demand on the rates basis (data/eurasia)", () => {
  it("default cost basis; --rates 2024-07 assigns with the rated arc costs, says so, and the equilibrium differs", async () => {
    const cost = await run("--json");
    expect(cost.code, cost.err).toBe(0);
    const c = JSON.parse(cost.out);
    expect(c.costBasis).toBe("cost");
    expect(c.ratesMonth).toBeNull();
    const rates = await run("--json", "--rates", "2024-07");
    expect(rates.code, rates.err).toBe(0);
    const r = JSON.parse(rates.out);
    expect(r.costBasis).toBe("rates");
    expect(r.ratesMonth).toBe("2024-07");
    expect(r.demandT).toBe(c.demandT);
    expect(r.totalTravelTime).not.toBe(c.totalTravelTime);
    const text = await run("--cost-basis", "rates", "--rates", "2024-07");
    expect(text.out).toMatch(/money cost on the rates basis: the rate layers of 2024-07/);
  }, 120_000);

  it("an unknown basis, --rates with the cost basis and a malformed month are E_USAGE; TNTP runs refuse them", async () => {
    expect((await run("--cost-basis", "rate")).err).toMatch(/^caravan: E_USAGE: unknown cost basis "rate"/);
    expect((await run("--cost-basis", "cost", "--rates", "2024-01")).err).toMatch(/^caravan: E_USAGE: --rates applies to --cost-basis rates only/);
    expect((await run("--rates", "2024-13")).err).toMatch(/^caravan: E_USAGE: --rates must be a month YYYY-MM/);
    let err = "";
    const code = await runCli(["assign", "--no-store", "--tntp", join(import.meta.dirname, "..", "fixtures"), "--rates", "2024-01"], { out: () => {}, err: (s) => (err += s) });
    expect(code).not.toBe(0);
    expect(err).toMatch(/E_USAGE: --geojson-out, --year, --month, --cost-basis and --rates apply to corridor demand/);
  }, 60_000);
});
