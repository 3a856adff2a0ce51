/**
 * Price base year (src/appraisal/params.ts deflator, project.ts restatement): values of other years' prices are
 * restated with the US GDP implicit price deflator, USD(base) = USD(year) × D(base) / D(year); years without a
 * deflator value are refused (E_PRICE_YEAR_UNKNOWN), never extrapolated. Fixture test/fixtures/appraisal: b-bypass
 * costs USD 50 m in 2024 prices; its demand is bulk (whose value of time has no price year).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appraisePackage, appraiseSubject, co2PriceUsdPerT, DEFAULT_PARAMETERS, effectsOf, findProject, parseStreamsCsv, projectSubject, readCo2Path } from "../../src/appraisal/index";
import { deflatorIndex, priceFactor, readDeflator } from "../../src/appraisal/params";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { runCli } from "../../src/cli/main";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";

const dir = join(import.meta.dirname, "..", "fixtures", "appraisal");
const net = openNetwork(dir);
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(dir, "demand", "corridors-2024.csv")));
const params = { ...DEFAULT_PARAMETERS, demandGrowthPct: 0, rampUp: [] as number[] };
const d = readDeflator();
const D = (y: number): number => deflatorIndex(d, y, "test");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe("deflator", () => {
  it("is the BEA series with 2017 = 100 and restates by the ratio of the indices", () => {
    expect(D(2017)).toBe(100);
    expect(d.years[0]).toBeLessThanOrEqual(2000);
    expect(priceFactor(d, 2016, 2024, "x")).toBeCloseTo(D(2024) / D(2016), 15);
    for (let k = 1; k < d.years.length; k++) expect(d.years[k]).toBe(d.years[k - 1] + 1);
  });

  it("a year outside the table is E_PRICE_YEAR_UNKNOWN naming the year, not an extrapolation", () => {
    let error: unknown;
    try {
      priceFactor(d, 1950, 2024, "capital cost of x");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaravanError);
    expect((error as CaravanError).code).toBe("E_PRICE_YEAR_UNKNOWN");
    expect((error as CaravanError).message).toMatch(/capital cost of x: no price index for 1950/);
  });
});

describe("restatement into the price base year", () => {
  it("default base year = the capital cost's price year (2024): capital unchanged, carbon path restated from 2017 USD", () => {
    const inputs = { ctx, demand, parameters: params };
    const a = appraiseSubject(projectSubject(net, findProject(net, "b-bypass")), effectsOf(ctx, demand, 2030, ["b-bypass"], ["b-rail"]), inputs);
    expect(a.priceBaseYear).toBe(2024);
    expect(a.capitalCostUsd).toBe(50e6);
    const co2 = a.prices.restated.find((r) => r.item.startsWith("carbon price"));
    expect(co2).toMatchObject({ priceYear: 2017 });
    expect(co2?.factor).toBeCloseTo(D(2024) / D(2017), 12);
    const c = a.firstFullYear;
    expect(c.co2SavedT).toBeGreaterThan(0);
    expect(c.co2SavingsUsd / c.co2SavedT).toBeCloseTo((co2PriceUsdPerT(readCo2Path("world-bank-2017"), c.year, 0) * D(2024)) / D(2017), 8);
    expect(a.prices.notRestated.map((r) => r.item)).toEqual(["value of time (bulk)", "transport charges (network cost model)"]);
  });

  it("--price-base-year 2020 restates the 2024 capital cost by D(2020)/D(2024), and the JSON says so", async () => {
    const c = capture();
    const code = await runCli(["--data", dir, "appraise", "--no-store", "--project", "b-bypass", "--price-base-year", "2020", "--json"], c.io);
    expect(code).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.priceBaseYear).toBe(2020);
    expect(j.capitalCostUsd).toBeCloseTo((50e6 * D(2020)) / D(2024), 4);
    expect(j.prices.restated[0]).toMatchObject({ item: "capital cost of b-bypass", priceYear: 2024 });
    // the value of time of containers (2020 prices) is restated by 1 in 2020
    expect(j.prices.restated.find((r: { item: string }) => r.item === "value of time (feu)").factor).toBe(1);
  });

  it("--capital-cost with --cost-price-year is restated from that year; an unknown base year is one E_PRICE_YEAR_UNKNOWN line", async () => {
    const c = capture();
    const args = ["--data", dir, "appraise", "--no-store", "--project", "b-bypass", "--capital-cost", "40000000", "--cost-price-year", "2016", "--json"];
    expect(await runCli(args, c.io)).toBe(0);
    expect(JSON.parse(c.out.join(""))).toMatchObject({ priceBaseYear: 2016, capitalCostUsd: 40e6 }); // default base: the cost's own year
    c.out.length = 0;
    expect(await runCli([...args, "--price-base-year", "2024"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.priceBaseYear).toBe(2024);
    expect(j.capitalCostUsd).toBeCloseTo((40e6 * D(2024)) / D(2016), 4);
    const b = capture();
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--project", "b-bypass", "--price-base-year", "1900"], b.io)).not.toBe(0);
    expect(b.err.join("")).toMatch(/^caravan: E_PRICE_YEAR_UNKNOWN: price base year: no price index for 1900/);
    expect(b.out.join("")).toBe("");
  });

  it("a package is in one price base year", () => {
    const p = appraisePackage({ file: "pkg", projects: ["b-bypass", "b-rail"], budgetUsd: null }, { ctx, demand, parameters: { ...params, priceBaseYear: 2019 } });
    expect(p.priceBaseYear).toBe(2019);
    const bypass = p.projects.find((r) => r.id === "b-bypass");
    expect(bypass?.capitalCostUsd).toBeCloseTo((50e6 * D(2019)) / D(2024), 4);
  });

  it("a deflator file with a repeated year is E_PARSE with line and field", () => {
    const f = join(mkdtempSync(join(tmpdir(), "caravan-deflator-")), "d.csv");
    writeFileSync(f, "year,index2017,source\n2017,100,src:x\n2017,101,src:x\n");
    let details: unknown;
    try {
      readDeflator(f);
    } catch (e) {
      details = (e as CaravanError).details;
    }
    expect(details).toMatchObject({ line: 3, field: "year" });
  });
});

describe("streams with a priceYear column", () => {
  const csv = "year,capitalCostUsd,operatingCostUsd,benefitsUsd,priceYear\n2019,100,0,0,2019\n2020,0,5,30,2020\n2021,0,5,30,2021\n";

  it("each row is restated from its price year into the base year (default: the first row's); the column is no benefit", () => {
    const s = parseStreamsCsv(csv, "nominal.csv");
    expect(s.benefitColumns).toEqual(["benefitsUsd"]);
    expect(s.prices?.baseYear).toBe(2019);
    expect(s.benefitsUsd[1]).toBeCloseTo((30 * D(2019)) / D(2020), 12);
    expect(s.operatingCostUsd[2]).toBeCloseTo((5 * D(2019)) / D(2021), 12);
    expect(s.capitalCostUsd[0]).toBe(100);
    const b = parseStreamsCsv(csv, "nominal.csv", { priceBaseYear: 2021 });
    expect(b.capitalCostUsd[0]).toBeCloseTo((100 * D(2021)) / D(2019), 12);
    expect(b.benefitsUsd[2]).toBe(30);
  });

  it("a price year without a deflator value names file, line and field; --price-base-year on streams without the column is E_USAGE", async () => {
    let error: unknown;
    try {
      parseStreamsCsv(csv.replace("2021,0,5,30,2021", "2021,0,5,30,1950"), "nominal.csv");
    } catch (e) {
      error = e;
    }
    expect((error as CaravanError).code).toBe("E_PRICE_YEAR_UNKNOWN");
    expect((error as CaravanError).message).toMatch(/nominal\.csv, line 4, field "priceYear": no price index for 1950/);
    const c = capture();
    expect(await runCli(["appraise", "--no-store", "--streams", join(import.meta.dirname, "fixtures", "rogers-2003-example-3-1.csv"), "--price-base-year", "2019"], c.io)).not.toBe(0);
    expect(c.err.join("")).toMatch(/E_USAGE: .*no priceYear column/);
  });
});

describe("a scenario's capital costs", () => {
  it("are restated each from its own price year into the base year before they are added", async () => {
    const c = capture();
    const file = join(dir, "scenario-bypass.yaml");
    expect(await runCli(["--data", dir, "appraise", "--no-store", "--scenario", file, "--price-base-year", "2021", "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.priceBaseYear).toBe(2021);
    expect(j.capitalCostUsd).toBeCloseTo((50e6 * D(2021)) / D(2024), 4);
    expect(j.prices.restated[0]).toMatchObject({ item: "capital cost of b-bypass", priceYear: 2024 });
  });
});
