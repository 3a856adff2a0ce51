/**
 * Corridor assignment: demand files, the problem on the compiled network, results and transit by country.
 *
 * Testbot (test/fixtures/testbot/README.md), the two corridors from Portia to Gamma:
 *
 *   portia ==rail 400== alpha ==100== east-gate =border (cap 10 Mt link, 5 Mt crossing)= west-gate (gauge change 4 Mt) ==600== gamma
 *     \                                                                                                                  //
 *      sea 1000 km — narrows — sea 1000 km ——————————————————————————————————————————————————— harbor ==rail 200==
 *
 * A container prefers the rail corridor when it is empty; the border's queueing delay grows with the flow, so
 * beyond some demand the sea corridor takes the rest.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { parseDemandCsv, readDemandCsv } from "../../src/assignment/corridor-demand";
import { corridorSummary, formatCorridorSummary } from "../../src/assignment/corridor-report";
import { bottlenecks, crossingVolumes, linkFlowsCsv, linkFlowsGeoJson, transitTable } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { CaravanError } from "../../src/core/errors";
import { ARC_ACCESS_ARRIVE, ARC_ACCESS_DEPART, ARC_LINK, MODE_SEA } from "../../src/network/compiled";
import { openNetwork } from "../../src/network/index";
import { runCli } from "../../src/cli/main";
import { moveHarborToUzbekistan } from "./testbot-variants";

const root = resolve(__dirname, "../..");
const testbotDir = join(root, "test/fixtures/testbot");
const HEADER = "origin,destination,class,amount,source";

function codeOf(fn: () => unknown): CaravanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}

describe("demand files", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });

  it("parses rows with comments and blank lines, keeping line numbers", () => {
    const t = parseDemandCsv(`# a comment\n${HEADER}\n\nportia,gamma,container,1000,src:testbot-manual\n`, "d.csv");
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]).toMatchObject({ line: 4, origin: "portia", destination: "gamma", classId: "container", amountT: 1000 });
  });

  it("rejects a malformed amount with E_PARSE naming file, line and field", () => {
    const e = codeOf(() => parseDemandCsv(`${HEADER}\nportia,gamma,container,12x,src:testbot-manual\n`, "d.csv"));
    expect(e.code).toBe("E_PARSE");
    expect(e.details).toMatchObject({ file: "d.csv", line: 2, field: "amount" });
  });

  it("rejects a negative amount, a missing column, a missing source and a wrong field count", () => {
    expect(codeOf(() => parseDemandCsv(`${HEADER}\nportia,gamma,container,-1,src:testbot-manual\n`, "d.csv")).details).toMatchObject({ field: "amount" });
    expect(codeOf(() => parseDemandCsv("origin,destination,class,amount\n", "d.csv")).details).toMatchObject({ line: 1, field: "source" });
    expect(codeOf(() => parseDemandCsv(`${HEADER}\nportia,gamma,container,1,\n`, "d.csv")).details).toMatchObject({ line: 2, field: "source" });
    expect(codeOf(() => parseDemandCsv(`${HEADER}\nportia,gamma,container,1\n`, "d.csv")).code).toBe("E_PARSE");
  });

  it("names an unknown place with E_DEMAND_INVALID, its line and did-you-mean suggestions", () => {
    const t = parseDemandCsv(`${HEADER}\nportia,gamma,container,1,src:testbot-manual\nportiaa,gamma,container,1,src:testbot-manual\n`, "d.csv");
    const e = codeOf(() => corridorProblem(net, t));
    expect(e.code).toBe("E_DEMAND_INVALID");
    expect(e.details).toMatchObject({ file: "d.csv", line: 3, field: "origin" });
    expect(e.didYouMean?.map((s) => s.toLowerCase())).toContain("portia");
  });

  it("rejects an unknown class and an undefined source reference", () => {
    const cls = codeOf(() => corridorProblem(net, parseDemandCsv(`${HEADER}\nportia,gamma,containr,1,src:testbot-manual\n`, "d.csv")));
    expect(cls.code).toBe("E_DEMAND_INVALID");
    expect(cls.didYouMean).toContain("container");
    const src = codeOf(() => corridorProblem(net, parseDemandCsv(`${HEADER}\nportia,gamma,container,1,src:testbot-manua\n`, "d.csv")));
    expect(src.code).toBe("E_DEMAND_INVALID");
    expect(src.details).toMatchObject({ field: "source" });
  });
});

describe("corridor problem on testbot", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  const assign = (amountT: number) => {
    const cp = corridorProblem(net, parseDemandCsv(`${HEADER}\nportia,gamma,container,${amountT},src:testbot-manual\n`, "d.csv"));
    const r = solve(cp.problem, "b", { gap: 1e-9 });
    const border = crossingVolumes(cp, r).find((c) => c.crossing === "gate-crossing")?.totalT ?? 0;
    let seaT = 0;
    for (let a = 0; a < net.graph.arcCount; a++) {
      if (net.arcs.kind[a] === ARC_LINK && net.arcs.mode[a] === MODE_SEA && net.network.places[net.arcs.fromPlace[a]].id === "portia") seaT += r.flow[a];
    }
    return { cp, r, border, seaT };
  };

  it("uses free-flow time plus tariff / value of time, so an empty network sends the container by rail", () => {
    const { cp, border, seaT } = assign(1e5);
    expect(border).toBeCloseTo(1e5, 3);
    expect(seaT).toBe(0);
    // the fixed cost of an arc is its FEU charge / the FEU value of time (hours)
    const feu = net.network.cargo.find((c) => c.id === "feu");
    const a = net.arcs.kind.findIndex((k, i) => k === ARC_LINK && net.arcs.costUsdPerFeu[i] > 0);
    expect(cp.problem.classes[0].fixedCost[a]).toBeCloseTo(net.arcs.costUsdPerFeu[a] / (feu?.valueOfTimeUsdPerH.value ?? Number.NaN), 9);
  });

  it("capacity pushes flow to the sea corridor as demand grows", () => {
    const small = assign(1e5);
    const mid = assign(3e6);
    const large = assign(2e7);
    expect(mid.r.relativeGap).toBeLessThan(1e-6);
    expect(mid.seaT).toBeGreaterThan(0);
    expect(mid.border).toBeLessThan(3e6);
    expect(large.seaT / 2e7).toBeGreaterThan(mid.seaT / 3e6);
    expect(large.border).toBeGreaterThanOrEqual(small.border);
    // every tonne arrives: border flow + sea flow = demand
    expect(mid.border + mid.seaT).toBeCloseTo(3e6, 0);
    // at equilibrium both used corridors cost the same (within the gap)
    expect(mid.r.totalTravelTime / mid.r.shortestPathTravelTime - 1).toBeLessThan(1e-6);
  });

  it("lists the gauge-change terminal (4 Mt/yr) as the top bottleneck, with its queueing delay", () => {
    const { cp, r, border } = assign(3e6);
    const [top] = bottlenecks(cp, r, 3);
    expect(top.linkId).toBe("terminal:west-gate-gauge");
    expect(top.vdf).toBe("queue");
    expect(top.vc).toBeCloseTo(border / 4e6, 9);
    expect(top.delayH).toBeGreaterThan(0);
  });

  it("Algorithm B and bi-conjugate Frank–Wolfe agree on the equilibrium link flows", () => {
    const { cp, r } = assign(3e6);
    const bfw = solve(cp.problem, "bfw", { gap: 1e-9, maxIterations: 5000 });
    for (let a = 0; a < net.graph.arcCount; a++) expect(Math.abs(bfw.flow[a] - r.flow[a])).toBeLessThan(3e6 * 1e-3);
  });

  it("fails with E_NO_ROUTE naming the places when the allowed modes cut the demand off", () => {
    const t = parseDemandCsv(`${HEADER}\nportia,gamma,container,1000,src:testbot-manual\n`, "d.csv");
    const e = codeOf(() => corridorProblem(net, t, { modes: ["sea"] }));
    expect(e.code).toBe("E_NO_ROUTE");
    expect(e.details).toMatchObject({ origin: "portia", destination: "gamma", line: 2 });
  });

  it("writes link flows as CSV and GeoJSON", () => {
    const { cp, r } = assign(3e6);
    const csv = linkFlowsCsv(cp, r).trim().split("\n");
    expect(csv[0]).toBe("linkId,from,to,mode,flowT,capacityT,vc");
    const borderRow = csv.find((l) => l.startsWith("link:east-gate-west-gate-rail-1435,east-gate,west-gate"));
    // the compiled border arc carries the crossing's 5 Mt/yr (README), not the link's 10 Mt
    expect(borderRow?.split(",")[5]).toBe("5000000");
    const geo = JSON.parse(linkFlowsGeoJson(cp, r));
    expect(geo.type).toBe("FeatureCollection");
    expect(geo.features.length).toBeGreaterThan(0);
    for (const f of geo.features) expect(f.properties.flowT).toBeGreaterThan(0);
  });
});

describe("transit by country, hand-checkable", () => {
  // testbot with Harbor moved to UZB and a Gamma–Harbor border: rail only, so
  //   harbor (UZB) → alpha (CHN): 300 t through KAZ;  portia (CHN) → harbor (UZB): 200 t through KAZ;
  //   alpha (CHN) → gamma (KAZ): 50 t ends in KAZ, no transit.   KAZ transit = 500 t exactly; CHN and UZB 0.
  const dir = mkdtempSync(join(tmpdir(), "caravan-transit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(testbotDir, dir, { recursive: true });
  moveHarborToUzbekistan(dir);

  it("counts tonnes that cross Kazakhstan without starting or ending there, exactly", () => {
    const net = openNetwork(dir, { cacheDir: false });
    const t = parseDemandCsv(
      `${HEADER}\nharbor,alpha,container,300,src:testbot-manual\nportia,harbor,container,200,src:testbot-manual\nalpha,gamma,container,50,src:testbot-manual\n`,
      "d.csv",
    );
    const cp = corridorProblem(net, t, { modes: ["rail", "road"] });
    const r = solve(cp.problem, "b", { gap: 1e-10 });
    const rows = transitTable(cp, r);
    expect(rows).not.toBeNull();
    const kaz = rows?.find((x) => x.country === "KAZ");
    expect(kaz?.transitT).toBeCloseTo(500, 6);
    expect(kaz?.containerTeu).toBeCloseTo(500 / cp.tonnesPerTeu, 6);
    expect(rows?.find((x) => x.country === "CHN")).toBeUndefined();
    expect(rows?.find((x) => x.country === "UZB")).toBeUndefined();
  });

  it("reports transit as unavailable for algorithms without per-commodity flows", () => {
    const net = openNetwork(dir, { cacheDir: false });
    const cp = corridorProblem(net, parseDemandCsv(`${HEADER}\nportia,harbor,container,200,src:testbot-manual\n`, "d.csv"), { modes: ["rail", "road"] });
    const r = solve(cp.problem, "bfw", { gap: 1e-6 });
    expect(transitTable(cp, r)).toBeNull();
  });
});

const eurasiaDir = join(root, "data/eurasia");
const demandFile = join(eurasiaDir, "demand/corridors-2024.csv");
if (!existsSync(demandFile)) console.warn(`skipping the Eurasia corridor assignment tests: ${demandFile} is absent`);

describe.skipIf(!existsSync(demandFile))("corridor assignment on data/eurasia", () => {
  const net = openNetwork(eurasiaDir);
  const table = readDemandCsv(demandFile);
  const cp = corridorProblem(net, table);
  const gap = 1e-5;
  const r = solve(cp.problem, "b", { gap });

  it("every demand row cites a source defined in the network", () => {
    expect(table.rows.length).toBeGreaterThan(50);
    for (const row of cp.demand) expect(row.source.length).toBeGreaterThan(0);
  });

  it("assigns the 2024 demand to below the requested gap", () => {
    expect(r.converged).toBe(true);
    expect(r.relativeGap).toBeLessThanOrEqual(gap);
  });

  it("conserves flow: what leaves origins and reaches destinations equals the demand", () => {
    let departT = 0;
    let arriveT = 0;
    for (let a = 0; a < net.graph.arcCount; a++) {
      if (net.arcs.kind[a] === ARC_ACCESS_DEPART) departT += r.flow[a];
      if (net.arcs.kind[a] === ARC_ACCESS_ARRIVE) arriveT += r.flow[a];
    }
    const expected = cp.totalDemandT - cp.problem.intrazonalDemand;
    expect(departT / expected).toBeCloseTo(1, 9);
    expect(arriveT / expected).toBeCloseTo(1, 9);
  });

  it("finds positive transit through Kazakhstan and prints it beside the observed figure", () => {
    const summary = corridorSummary(cp, r, "corridors-2024.csv", 0);
    const kaz = summary.transitByCountry?.find((x) => x.country === "KAZ");
    expect(kaz?.transitT).toBeGreaterThan(0);
    // transit through a country cannot exceed the demand that neither starts nor ends there
    let eligible = 0;
    for (const row of cp.demand) {
      if (net.network.places[row.originPlace].country !== "KAZ" && net.network.places[row.destinationPlace].country !== "KAZ") eligible += row.amountT;
    }
    expect(kaz?.transitT).toBeLessThanOrEqual(eligible * (1 + 1e-9));
    const text = formatCorridorSummary(summary);
    expect(text).toMatch(/^KAZ\s+\d+\.\d\d/m);
    expect(text).toContain("27.40–27.50 Mt");
  });
});

describe.skipIf(!existsSync(demandFile))("caravan assign --demand", () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
  }

  it("prints convergence, crossings and transit as JSON and writes the flow files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-assign-"));
    try {
      const c = capture();
      const flows = join(dir, "flows.csv");
      const geo = join(dir, "flows.geojson");
      const code = await runCli(["--data", eurasiaDir, "assign", "--no-store", "--demand", demandFile, "--gap", "1e-4", "--flows-out", flows, "--geojson-out", geo, "--json"], c.io);
      expect(c.err.join("")).toBe("");
      expect(code).toBe(0);
      const s = JSON.parse(c.out.join(""));
      for (const key of ["algorithm", "iterations", "relativeGap", "beckmann", "totalTravelTime", "elapsedS", "transitByCountry", "crossings", "bottlenecks"]) expect(s).toHaveProperty(key);
      expect(s.relativeGap).toBeLessThanOrEqual(1e-4);
      expect(s.transitByCountry.find((x: { country: string }) => x.country === "KAZ").transitT).toBeGreaterThan(0);
      expect(readFileSync(flows, "utf8").split("\n")[0]).toBe("linkId,from,to,mode,flowT,capacityT,vc");
      expect(JSON.parse(readFileSync(geo, "utf8")).features.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits with the demand error's status and names the line of an unknown place", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-assign-"));
    try {
      const bad = join(dir, "bad.csv");
      writeFileSync(bad, `${HEADER}\nxian,duisbrug,container,1000,src:demand-crct-2024\n`);
      const c = capture();
      const code = await runCli(["--data", eurasiaDir, "assign", "--no-store", "--demand", bad], c.io);
      expect(code).toBe(1);
      expect(c.err.join("")).toMatch(/bad\.csv:2/);
      expect(c.err.join("")).toMatch(/Duisburg|duisburg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
