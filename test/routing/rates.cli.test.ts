/**
 * `--rates` and `--cost-basis` of `caravan route` and `caravan matrix` on the shipped Eurasia dataset (its rate
 * layers in data/eurasia/rates): the JSON says which basis and month priced costUsd, per leg which rate with its
 * source; matrix cells equal route costs on the same basis; bad values are one-line usage errors.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CORRIDORS, runOn } from "./helpers";

const DATA = resolve(__dirname, "../../data/eurasia");

const run = runOn;

describe("caravan route --rates / --cost-basis", () => {
  it("route --json reports costUsd on the rates basis with costBasis, ratesMonth and each leg's rate and source", async () => {
    const { code, out } = await run(DATA, "route", "Shanghai", "Rotterdam", "--modes", "sea", "--rates", "2024-01", "--json");
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect(plan).toMatchObject({ costBasis: "rates", ratesMonth: "2024-01" });
    expect(plan.routes[0].legs[0].costUsd).toBeCloseTo(4406, 0);
    const events = plan.routes[0].events.reduce((sum: number, e: { costUsd: number }) => sum + e.costUsd, 0);
    expect(plan.routes[0].costUsd).toBeCloseTo(4406 + events, 6);
    expect(plan.routes[0].legs[0].rates[0]).toMatchObject({ lane: "far-east-north-europe-sea", basis: "rate", period: "2024-01", source: ["src:rates-drewry-wci-jan-2024", "estimate:rates-red-sea-diversion-2024"] });
  });

  it("route Shanghai Genoa --modes sea --json prices the sea leg on the Far East – Mediterranean lane (Drewry WCI Shanghai–Genoa) with its month and source", async () => {
    const plan = JSON.parse((await run(DATA, "route", "Shanghai", "Genoa", "--modes", "sea", "--cost-basis", "rates", "--rates", "2024-06", "--json")).out);
    expect(plan).toMatchObject({ costBasis: "rates", ratesMonth: "2024-06" });
    expect(plan.routes[0].legs[0].costUsd).toBeCloseTo(6664, 6);
    expect(plan.routes[0].legs[0].rates[0]).toMatchObject({ lane: "far-east-mediterranean-sea", basis: "rate", period: "2024-06", asPublished: "6 Jun 2024", source: ["src:rates-drewry-wci-genoa-jun-2024", "estimate:rates-red-sea-diversion-med-2024"] });
    const source = plan.routes[0].sources.find((s: { ref: string }) => s.ref === "src:rates-drewry-wci-genoa-jun-2024");
    expect(source.url).toBe("https://www.hellenicshippingnews.com/drewry-world-container-index-up-12-last-week-181-versus-2023/");
    // a month no observation covers or carries to: the cost model, said in the notes
    const none = JSON.parse((await run(DATA, "route", "Shanghai", "Genoa", "--modes", "sea", "--rates", "2030-01", "--json")).out);
    expect(none.routes[0].legs[0].rates[0]).toMatchObject({ lane: "far-east-mediterranean-sea", basis: "cost-model" });
    expect(none.routes[0].notes.join("\n")).toMatch(/Far East – Mediterranean sea lane .* no rate observed for 2030-01/);
  });

  it("--cost-basis cost keeps the cost model's unit costs; the text output names the basis", async () => {
    const json = JSON.parse((await run(DATA, "route", "Shanghai", "Rotterdam", "--modes", "sea", "--cost-basis", "cost", "--json")).out);
    expect(json).toMatchObject({ costBasis: "cost", ratesMonth: null });
    expect(json.routes[0].legs[0].rates).toBeUndefined();
    const text = (await run(DATA, "route", "Shanghai", "Rotterdam", "--modes", "sea", "--rates", "2024-07")).out;
    expect(text).toMatch(/costs on rates of 2024-07/);
    expect(text).toMatch(/sea +Shanghai +Rotterdam .* 7,961 /);
  });

  it("a scenario that closes the Red Sea moves the sea rate by the sourced shock (not only the distance)", async () => {
    const scenario = resolve(__dirname, "../../docs/examples/scenarios/red-sea-and-russia.yaml");
    const args = ["route", "Shanghai", "Rotterdam", "--modes", "sea", "--scenario", scenario, "--rates", "2023-03", "--json"];
    const plan = JSON.parse((await run(DATA, ...args)).out);
    const rate = plan.routes[0].legs[0].rates[0];
    expect(rate).toMatchObject({ lane: "far-east-north-europe-sea", asPublished: "30 Mar 2023", shockMultiplier: 2.98 });
    expect(plan.routes[0].legs[0].costUsd).toBeCloseTo(1479 * 2.98, 6);
    expect(plan.routes[0].notes.join("\n")).toMatch(/bab-el-mandeb closed in the query or its scenario/);
    expect(plan.routes[0].sources.map((s: { ref: string }) => s.ref)).toContain("estimate:rates-red-sea-shock");
  });

  it("the text output names each leg's rate with its sources", async () => {
    const text = (await run(DATA, "route", "Xi'an", "Duisburg", "--modes", "rail", "--rates", "2024-07")).out;
    expect(text).toMatch(/rate: leg 1 ERAI 1520 mm segment .*, westbound: USD 3,289\/FEU \(15 Jul 2024\) \[src:core-erai-2024, estimate:rates-direction-erai\]/);
    expect(text).toMatch(/rate: leg 1 China – Europe northern rail corridor .*, westbound: cost model × 1\.064/);
  });

  it("matrix costUsd equals route costUsd on the rates basis (the same path, re-priced)", async () => {
    // --optimize time: route ranks corridor alternatives by rated charges only for cost and generalized
    const { out } = await run(DATA, "matrix", "--places", "shanghai,rotterdam,xian,duisburg", "--rates", "2024-07", "--optimize", "time");
    for (const line of out.trim().split("\n").slice(1)) {
      const [from, to, , costUsd] = line.split(",");
      if (from === to) continue;
      const route = JSON.parse((await run(DATA, "route", from, to, "--optimize", "time", "--rates", "2024-07", "--no-trip-end-dwell", "--json")).out);
      expect(Number(costUsd)).toBeCloseTo(route.routes[0].costUsd, 2);
    }
  });

  it.each([
    [["--rates", "July 2024"], /--rates must be a month YYYY-MM/],
    [["--cost-basis", "rate"], /unknown cost basis "rate"/],
    [["--cost-basis", "cost", "--rates", "2024-01"], /--rates applies to --cost-basis rates only/],
  ])("%j is E_USAGE in one line, exit 2", async (args, message) => {
    const { code, err } = await run(DATA, "route", "Shanghai", "Rotterdam", ...args);
    expect(code).toBe(2);
    expect(err).toMatch(/^caravan: E_USAGE: /);
    expect(err).toMatch(message);
    // one error line (and a "did you mean" line where a close value exists), no stack trace
    expect(err.trim().split("\n").filter((l) => !/^\s+did you mean/.test(l))).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("bulk cargo stays on the cost model, named in the notes only when rates were asked for", async () => {
    const plain = JSON.parse((await run(DATA, "route", "Kostanay", "Novorossiysk", "--cargo", "bulk", "--json")).out);
    expect(plain.costBasis).toBe("cost");
    expect(plain.routes[0].notes.join("\n")).not.toMatch(/container rates/);
    const asked = JSON.parse((await run(DATA, "route", "Kostanay", "Novorossiysk", "--cargo", "bulk", "--rates", "2024-01", "--json")).out);
    expect(asked.costBasis).toBe("cost");
    expect(asked.routes[0].notes.join("\n")).toMatch(/bulk cargo is priced by the cost model/);
  });

  it("a dataset without rate layers stays on the cost model, and says so when rates are asked for", async () => {
    const plain = JSON.parse((await run(CORRIDORS, "route", "Orient", "Destport", "--json")).out);
    expect(plain.costBasis).toBe("cost");
    expect(plain.routes[0].notes.join("\n")).not.toMatch(/rate layers/);
    const asked = JSON.parse((await run(CORRIDORS, "route", "Orient", "Destport", "--cost-basis", "rates", "--json")).out);
    expect(asked.costBasis).toBe("cost");
    expect(asked.routes[0].notes.join("\n")).toMatch(/no rate layers/);
  });
});

describe("caravan matrix --optimize cost on the rates basis", () => {
  it("a cell takes the rated search's route where it is cheaper: Berlin → Shanghai 2024-07 is route's USD 1,312 with its time and distance", async () => {
    const { out } = await run(DATA, "matrix", "--places", "berlin,shanghai", "--rates", "2024-07", "--optimize", "cost");
    const row = out.trim().split("\n").find((l) => l.startsWith("berlin,shanghai,"));
    const [, , timeH, costUsd, , distanceKm] = (row ?? "").split(",").map(Number);
    const route = JSON.parse((await run(DATA, "route", "Berlin", "Shanghai", "--optimize", "cost", "--rates", "2024-07", "--no-trip-end-dwell", "--json")).out).routes[0];
    expect(costUsd).toBeCloseTo(route.costUsd, 2);
    expect(costUsd).toBeLessThan(1400);
    expect(timeH).toBeCloseTo(route.timeH, 2);
    expect(distanceKm).toBeCloseTo(route.distanceKm, 1);
  });
});

describe("scenario run and gravity pair-times: --cost-basis / --rates usage", () => {
  const scenario = resolve(__dirname, "../fixtures/scenarios/eurasia-red-sea-rates.yaml");
  it.each([
    [["scenario", "run", scenario, "--rates", "2024-13", "--no-store"], /caravan: E_USAGE: --rates must be a month YYYY-MM/],
    [["scenario", "run", scenario, "--cost-basis", "cheap", "--no-store"], /caravan: E_USAGE: unknown cost basis "cheap"/],
    [["scenario", "run", scenario, "--cost-basis", "cost", "--rates", "2024-01", "--no-store"], /caravan: E_USAGE: --rates applies to --cost-basis rates only/],
    [["gravity", "pair-times", "--pair-times", "fastest", "--rates", "2024-01", "--no-store"], /caravan: E_USAGE: --cost-basis rates and --rates apply to --pair-times mode-share only/],
    [["gravity", "pair-times", "--rates", "24-01", "--no-store"], /caravan: E_USAGE: --rates must be a month YYYY-MM/],
  ])("%j is a one-line usage error", async (args, message) => {
    const { code, err } = await run(DATA, ...args);
    expect(code).toBe(2);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toMatch(message);
  });
});
