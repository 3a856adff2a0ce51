/**
 * The Belt and Road study end to end on the appraisal fixture (test/fixtures/appraisal; invented economies AAA … EEE)
 * with a tiny trade matrix (test/fixtures/appraisal/study). Hand-checkable times (population weights a1 3, a2 1,
 * b1 2, b2 1, b3 1; city times from the fixture's README rules):
 *   AAA→BBB baseline 240/16 = 15.0 h; with the bypass (b1↔b2 4 → 2 h) 232/16 = 14.5 h; with the AAA→BBB border dwell
 *   halved (10 → 5 h) 10.0 h; both 9.5 h.
 *   BBB→AAA baseline 144/16 = 9.0 h; bypass 136/16 = 8.5 h; dwell leaving BBB halved (4 → 2 h) 7.0 h; both 6.5 h.
 * The GE result is checked against the existing GE solver on the same economy and against a direct solve of the
 * ge_gravity fixed point (additive imbalances).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/index";
import { buildFlowMatrix, readGdp, readTradeMatrix, runBeltAndRoadStudy, studyStates, variantTimes } from "../../src/studies/belt-and-road/index";
import { countryResults, solveCounterfactual } from "../../src/trade/ge/ge";

const dir = join(import.meta.dirname, "..", "fixtures", "appraisal");
const tradeFile = join(dir, "study", "trade.csv");
const gdpFile = join(dir, "study", "gdp.csv");
const net = openNetwork(dir);
const ctx = new RoutingContext(net);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe("network states and shipment times", () => {
  const states = studyStates(ctx);
  const pick = (variant: "projects" | "borders" | "both") => {
    const t = variantTimes(states, variant).all;
    const c = t.cities.countries;
    const k = c.length;
    const at = (a: string, b: string) => [t.baselineTimeH[c.indexOf(a) * k + c.indexOf(b)], t.scenarioTimeH[c.indexOf(a) * k + c.indexOf(b)]];
    return { ab: at("AAA", "BBB"), ba: at("BBB", "AAA") };
  };

  it("switches on exactly the library's Belt and Road projects", () => {
    expect(states.projects).toEqual(["b-bypass"]);
  });

  it("gives the hand-computed population-weighted times in every variant", () => {
    expect(pick("projects")).toEqual({ ab: [15, 14.5], ba: [9, 8.5] });
    expect(pick("borders")).toEqual({ ab: [15, 10], ba: [9, 7] });
    expect(pick("both")).toEqual({ ab: [15, 9.5], ba: [9, 6.5] });
  });
});

describe("trade inputs", () => {
  it("derives domestic flows from GDP (GDP − exports) and puts economies without GDP into ROW", () => {
    const m = buildFlowMatrix(readTradeMatrix(tradeFile), readGdp(gdpFile));
    expect(m.economies).toEqual(["AAA", "BBB", "CCC", "DDD", "ROW"]);
    expect(m.restOfWorld).toEqual(["EEE"]);
    const n = 5;
    expect(m.flowUsd[0]).toBe(1000 - (100 + 20 + 10)); // AAA: GDP 1000 − exports to BBB, CCC, EEE
    expect(m.flowUsd[4 * n + 4]).toBe(2600 - 2300 - 10); // ROW: WLD − included GDP − ROW exports
    expect(m.domesticRule).toEqual(["gdp", "gdp", "gdp", "gdp", "gdp"]);
  });

  it("negative values, missing values and malformed codes are E_PARSE with file, line and field", () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-bri-"));
    const bad = (body: string) => {
      const f = join(tmp, "t.csv");
      writeFileSync(f, `exporter,importer,trade\n${body}\n`);
      try {
        readTradeMatrix(f);
      } catch (e) {
        return (e as { code: string; details: unknown }).details;
      }
      return null;
    };
    expect(bad("AAA,BBB,-1")).toMatchObject({ line: 2, field: "trade" });
    expect(bad("AAA,BBB,")).toMatchObject({ line: 2, field: "trade" });
    expect(bad("AAA,Bb1,5")).toMatchObject({ line: 2, field: "importer" });
  });
});

describe("the study end to end", () => {
  // the hand-checked times of the header are the fastest routes' (the fixture has no observed mode shares)
  const result = runBeltAndRoadStudy({ ctx, trade: readTradeMatrix(tradeFile), gdp: readGdp(gdpFile), pairTimes: "fastest" });
  const projects = result.variants.find((v) => v.name === "projects")!;

  it("reports economy time changes as trade-weighted means over exports and imports", () => {
    const aaa = projects.economies.find((e) => e.country === "AAA")!;
    // exports to BBB (100, −3.333 %) and imports from BBB (50, −5.556 %); CCC, DDD and ROW have no times
    expect(aaa.timeChangePct!).toBeCloseTo((100 * (-0.5 / 15) + 50 * (-0.5 / 9)) * (100 / 150), 10);
    expect(projects.economies.find((e) => e.country === "CCC")!.timeChangePct).toBeNull();
  });

  it("matches the GE solver and a direct ge_gravity solve on the same economy and cost changes", () => {
    const m = buildFlowMatrix(readTradeMatrix(tradeFile), readGdp(gdpFile));
    const n = m.economies.length;
    const X = m.flowUsd;
    const Y = new Float64Array(n);
    const E = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      Y[i] += X[i * n + j];
      E[j] += X[i * n + j];
    }
    const W = Y.reduce((s, v) => s + v, 0);
    const phi = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) phi[i * n + j] = (X[i * n + j] * W) / (Y[i] * E[j]);
    // cost changes: 1.35 %/day on the hand-computed time changes (AAA→BBB −0.5 h, BBB→AAA −0.5 h, BBB→BBB changes too)
    const times = variantTimes(studyStates(ctx), "projects").all;
    const c = times.cities.countries;
    const k = c.length;
    const B = new Float64Array(n * n).fill(1);
    for (const a of ["AAA", "BBB"]) {
      for (const b of ["AAA", "BBB"]) {
        const p = c.indexOf(a) * k + c.indexOf(b);
        const dH = times.scenarioTimeH[p] - times.baselineTimeH[p];
        B[m.economies.indexOf(a) * n + m.economies.indexOf(b)] = 1.0135 ** ((dH / 24) * (1 - 5));
      }
    }
    const ge = countryResults(solveCounterfactual({ countries: m.economies, outputValue: Y, expenditureValue: E, phi }, phi.map((v, q) => v * B[q]), { sigma: 5, referenceImporter: 0, imbalances: "additive" }));
    // direct ge_gravity iteration (θ = 4), additive imbalances, welfare (Y ŵ + D)/(Y + D)/P̂
    const Pi = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Pi[i * n + j] = X[i * n + j] / E[j];
    const D = E.map((v, q) => v - Y[q]);
    let w = new Float64Array(n).fill(1);
    let P = new Float64Array(n).fill(1);
    let Ec = Float64Array.from(E);
    for (let it = 0; it < 20000; it++) {
      const wn = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += (Pi[i * n + j] * B[i * n + j] * Ec[j]) / P[j];
        wn[i] = (s / Y[i]) ** (1 / 5);
      }
      const norm = W / wn.reduce((s, v, q) => s + v * Y[q], 0);
      w = wn.map((v) => v * norm);
      const Pn = new Float64Array(n);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) Pn[j] += Pi[i * n + j] * B[i * n + j] * w[i] ** -4;
      P = Pn;
      Ec = Ec.map((_, q) => Y[q] * w[q] + D[q]);
    }
    for (let q = 0; q < n; q++) {
      const direct = 100 * ((Y[q] * w[q] + D[q]) / (Y[q] + D[q]) / P[q] ** (-1 / 4) - 1);
      const study = projects.economies[q].realIncomeChangePct;
      expect(study).toBeCloseTo(ge[q].welfareChangePct, 10);
      expect(study).toBeCloseTo(direct, 8);
    }
    // lower costs between AAA and BBB raise their real incomes
    expect(projects.economies[1].realIncomeChangePct).toBeGreaterThan(0);
  });

  it("times pairs over the modes shippers use by default; --pair-times fastest keeps the fastest route; a bad rule is E_USAGE", async () => {
    const c = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--gdp", gdpFile, "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.parameters.pairTimes).toBe("mode-share");
    expect(j.parameters.modeShares).toMatch(/mode-shares\.csv$/);
    const f = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--gdp", gdpFile, "--json", "--pair-times", "fastest"], f.io)).toBe(0);
    const jf = JSON.parse(f.out.join(""));
    expect(jf.parameters.pairTimes).toBe("fastest");
    expect(jf.parameters.modeShares).toBeNull();
    const b = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--pair-times", "fastets"], b.io)).not.toBe(0);
    expect(b.err.join("")).toMatch(/E_USAGE.*--pair-times/);
  });

  it("has the issue's JSON shape for groups and economies, with the published ranges beside", async () => {
    const c = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--gdp", gdpFile, "--json"], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(""));
    expect(j.variants.map((v: { name: string }) => v.name)).toEqual(["projects", "borders", "both"]);
    const g = j.variants[0].groups.map((x: { name: string }) => x.name);
    expect(g).toEqual(["world", "bri", "corridor", "sco"]);
    for (const key of ["timeChangePct", "tradeCostChangePct", "tradeChangePct", "realIncomeChangePct"]) expect(j.variants[0].groups[0]).toHaveProperty(key);
    for (const key of ["country", "timeChangePct", "tradeCostChangePct", "exportsChangePct", "importsChangePct", "realIncomeChangePct"]) expect(j.variants[0].economies[0]).toHaveProperty(key);
    expect(j.variants[0].groups[0].published.length).toBeGreaterThan(0);
  });

  it("writes CSV, JSON and an offline HTML report; a bad trade file writes nothing", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "caravan-bri-"));
    const c = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", tradeFile, "--gdp", gdpFile, "--out", join(tmp, "out"), "--report", join(tmp, "r.html")], c.io)).toBe(0);
    expect(readdirSync(join(tmp, "out")).sort()).toEqual(["economies.csv", "groups.csv", "pairs.csv", "study.json"]);
    // per-pair times of every variant and mode set: the hand-computed AAA→BBB and BBB→AAA times of the header
    const pairs = readFileSync(join(tmp, "out", "pairs.csv"), "utf8").trim().split("\n");
    expect(pairs[0]).toBe("variant,modes,exporter,importer,baselineTimeH,variantTimeH,timeChangePct");
    const row = (variant: string, modes: string, a: string, b: string) => pairs.find((l) => l.startsWith(`${variant},${modes},${a},${b},`))?.split(",").slice(4).map(Number);
    expect(row("projects", "all", "AAA", "BBB")).toEqual([15, 14.5, (100 * -0.5) / 15]);
    expect(row("borders", "land-sea", "BBB", "AAA")).toEqual([9, 7, (100 * -2) / 9]);
    expect(row("both", "all", "AAA", "BBB")).toEqual([15, 9.5, (100 * -5.5) / 15]);
    const html = readFileSync(join(tmp, "r.html"), "utf8");
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/<script|<link /);
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "exporter,importer,trade\nAAA,BBB,-3\n");
    const d = capture();
    expect(await runCli(["--data", dir, "study", "belt-and-road", "--no-store", "--trade", bad, "--gdp", gdpFile, "--out", join(tmp, "out2"), "--report", join(tmp, "r2.html")], d.io)).toBe(1);
    expect(d.err.join("")).toMatch(/^caravan: E_PARSE: .*bad\.csv:2: field "trade"/);
    expect(readdirSync(tmp).sort()).toEqual(["bad.csv", "out", "r.html"]);
  });
});
