/**
 * `caravan study belt-and-road --cost-basis rates --rates YYYY-MM` (as `gravity pair-times`): the money cost of the
 * generalized cost that picks a city pair's mode where no mode shares are observed is priced by the rate layers. The
 * JSON and the text name the basis and the month; the option needs the mode-share rule. Run on data/eurasia with a
 * small trade matrix (China, Germany, Kazakhstan, Uzbekistan; invented values).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";

const real = join(import.meta.dirname, "..", "..", "data", "eurasia");
const HAS = existsSync(join(real, "rates"));
if (!HAS) console.warn("skipping the study rates-basis test: data/eurasia/rates is absent");
const dir = mkdtempSync(join(tmpdir(), "caravan-bri-rates-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trade = join(dir, "trade.csv");
writeFileSync(
  trade,
  ["exporter,importer,trade", "CHN,CHN,9000", "CHN,DEU,300", "CHN,KAZ,80", "CHN,UZB,40", "DEU,CHN,250", "DEU,DEU,5000", "DEU,KAZ,20", "DEU,UZB,10", "KAZ,CHN,60", "KAZ,DEU,30", "KAZ,KAZ,400", "KAZ,UZB,15", "UZB,CHN,20", "UZB,DEU,5", "UZB,KAZ,12", "UZB,UZB,200", ""].join("\n"),
);

async function study(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", real, "study", "belt-and-road", "--no-store", "--trade", trade, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe.skipIf(!HAS)("study belt-and-road on the rates basis (data/eurasia)", () => {
  it("the JSON and the text name the basis and month; the default is the cost model", async () => {
    const cost = await study("--json");
    expect(cost.code, cost.err).toBe(0);
    expect(JSON.parse(cost.out).parameters).toMatchObject({ costBasis: "cost", ratesMonth: null });
    // one run on the rates basis gives both: the text on stdout and the JSON in --out's study.json (--rates alone
    // implies the basis)
    const outDir = join(dir, "rates-out");
    const text = await study("--rates", "2024-07", "--out", outDir);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/money cost on the rate layers of 2024-07/);
    expect(JSON.parse(readFileSync(join(outDir, "study.json"), "utf8")).parameters).toMatchObject({ costBasis: "rates", ratesMonth: "2024-07" });
  }, 180_000);

  it("--rates with --pair-times fastest, an unknown basis and a malformed month are E_USAGE", async () => {
    expect((await study("--pair-times", "fastest", "--cost-basis", "rates", "--rates", "2024-07")).err).toMatch(/^caravan: E_USAGE: --cost-basis rates and --rates apply to --pair-times mode-share only/);
    expect((await study("--cost-basis", "rate")).err).toMatch(/^caravan: E_USAGE: unknown cost basis "rate"/);
    expect((await study("--rates", "2024-13")).err).toMatch(/^caravan: E_USAGE: --rates must be a month YYYY-MM/);
  }, 60_000);
});
