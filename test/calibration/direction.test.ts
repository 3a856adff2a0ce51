/**
 * Directed crossing volumes (`volume: { kind: crossings, ids, direction: { into | from } }`): on testbot a two-way
 * flow over gate-crossing (CHN → KAZ 365,000 t, KAZ → CHN 100,000 t) counts both ways without a direction and one
 * way with one; a direction's country must be known and a side of every crossing, errors naming file, line and
 * field; and on data/eurasia instc-east-into-iran reads the assignment's flow into Iran over its two crossings.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corridorProblem } from "../../src/assignment/corridor";
import { readDemandCsv } from "../../src/assignment/corridor-demand";
import { crossingVolumes } from "../../src/assignment/results";
import { solve } from "../../src/assignment/solve";
import { calibrate } from "../../src/calibration/index";
import { readDatasetObservations, readObservationsFile } from "../../src/network/observations";
import { openNetwork } from "../../src/network/open";
import { EURASIA_DIR, TESTBOT_DIR, tempFiles, thrown } from "./helpers";

const testbotDir = TESTBOT_DIR;
const eurasiaDir = EURASIA_DIR;
const { write } = tempFiles("direction");

// alpha (CHN) ⇄ gamma (KAZ): the one sensible path crosses gate-crossing (CHN–KAZ) both ways.
const DEMAND = "origin,destination,class,amount,source\nalpha,gamma,container,365000,src:testbot-manual\ngamma,alpha,container,100000,src:testbot-manual\n";

const volume = (id: string, query: string) => `  - id: ${id}
    metric: volume
    unit: Mt
    description: "gate-crossing ${id}"
    volume: ${query}
    low: 0.1
    high: 0.5
    year: 2024
    source: [src:testbot-manual]
`;
const file = (...obs: string[]) => `demand: demand.csv\nobservations:\n${obs.join("")}`;

describe("directed crossing volumes on testbot", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  const demandPath = write("demand.csv", DEMAND);
  const obsPath = write(
    "obs.yaml",
    file(
      volume("both-ways", "{ kind: crossings, ids: [gate-crossing] }"),
      volume("into-kaz", "{ kind: crossings, ids: [gate-crossing], direction: { into: KAZ } }"),
      volume("from-kaz", "{ kind: crossings, ids: [gate-crossing], direction: { from: KAZ } }"),
      volume("chn-to-kaz", "{ kind: crossings, ids: [gate-crossing], direction: { from: CHN, into: KAZ } }"),
    ),
  );
  const report = calibrate(net, [readObservationsFile(obsPath, "obs.yaml")], { demandPath });
  const row = (id: string) => report.rows.find((r) => r.id === id)!;

  it("counts both directions without a direction (0.465 Mt) and only the named one with it", () => {
    expect(row("both-ways").model).toBeCloseTo(0.465, 6);
    expect(row("into-kaz").model).toBeCloseTo(0.365, 6);
    expect(row("from-kaz").model).toBeCloseTo(0.1, 6);
    expect(row("chn-to-kaz").model).toBeCloseTo(0.365, 6);
    expect(row("into-kaz").detail).toMatch(/^gate-crossing 0\.3[67] \(into KAZ\)$/);
    expect(row("both-ways").detail).toMatch(/^gate-crossing 0\.4[67]$/);
  });

  it("the one-way figure changes the row's fit: 0.465 Mt is inside 0.1–0.5, its error differs from 0.365 Mt's", () => {
    expect(row("both-ways").relativeError).toBeCloseTo(Math.abs(0.465 - 0.3) / 0.3, 6);
    expect(row("into-kaz").relativeError).toBeCloseTo(Math.abs(0.365 - 0.3) / 0.3, 6);
  });
});

describe("bad directions name file, line and field", () => {
  const net = openNetwork(testbotDir, { cacheDir: false });
  const demandPath = write("demand.csv", DEMAND);
  const run = (name: string, query: string) => calibrate(net, [readObservationsFile(write(name, file(volume("v", query))), name)], { demandPath });

  it("an unknown key or no country is a parse error (E_PARSE) at the direction's line", () => {
    const e = thrown(() => run("d1.yaml", "{ kind: crossings, ids: [gate-crossing], direction: { towards: KAZ } }"));
    expect(e.code).toBe("E_PARSE");
    expect(e.details).toMatchObject({ file: "d1.yaml", line: 7 });
    expect(String((e.details as { field: string }).field)).toMatch(/^observations\.0\.volume/);
    expect(thrown(() => run("d2.yaml", "{ kind: crossings, ids: [gate-crossing], direction: {} }")).code).toBe("E_PARSE");
    expect(thrown(() => run("d3.yaml", "{ kind: crossings, ids: [gate-crossing], direction: { into: kaz } }")).code).toBe("E_PARSE");
  });

  it("a direction on a transit or corridor observation is a parse error", () => {
    expect(thrown(() => run("d4.yaml", "{ kind: transit, country: KAZ, direction: { into: KAZ } }")).code).toBe("E_PARSE");
  });

  it("a country the network does not know, or that is not a side of the crossing, is E_COUNTRY_UNKNOWN at volume.direction", () => {
    const unknown = thrown(() => run("d5.yaml", "{ kind: crossings, ids: [gate-crossing], direction: { into: KAX } }"));
    expect(unknown.code).toBe("E_COUNTRY_UNKNOWN");
    expect(unknown.message).toMatch(/^d5\.yaml:7: field "observations\.0\.volume\.direction\.into"/);
    expect(unknown.didYouMean).toContain("KAZ");
    expect(unknown.details).toMatchObject({ file: "d5.yaml", line: 7, field: "observations.0.volume.direction.into" });
    const same = thrown(() => run("d6.yaml", "{ kind: crossings, ids: [gate-crossing], direction: { from: KAZ, into: KAZ } }"));
    expect(same.code).toBe("E_COUNTRY_UNKNOWN");
    expect(same.details).toMatchObject({ field: "observations.0.volume.direction.into" });
  });
});

describe("instc-east-into-iran on data/eurasia", () => {
  const net = openNetwork(eurasiaDir);
  const files = readDatasetObservations(eurasiaDir);
  const demandPath = join(eurasiaDir, "demand/corridors-2024.csv");
  const obs = files.flatMap((f) => f.observations).find((o) => o.id === "instc-east-into-iran");

  it("is observed into Iran over Inche Burun–Etrek and Sarakhs", () => {
    expect(obs?.metric === "volume" && obs.volume).toEqual({ kind: "crossings", ids: ["inche-burun-etrek", "sarakhs"], direction: { into: "IRN" } });
  });

  it("refuses a direction country that is not a side of a crossing (sarakhs lies between IRN and TKM)", () => {
    const name = "d7.yaml";
    const text = `demand: demand/corridors-2024.csv\nobservations:\n${volume("v", "{ kind: crossings, ids: [inche-burun-etrek, sarakhs], direction: { into: KAZ } }")}`.replace("src:testbot-manual", "src:demand-instc-2024");
    const e = thrown(() => calibrate(net, [readObservationsFile(write(name, text), name)], { demandPath }));
    expect(e.code).toBe("E_COUNTRY_UNKNOWN");
    expect(e.message).toMatch(/^d7\.yaml:7: field "observations\.0\.volume\.direction\.into": "KAZ" is not a side of border crossing "inche-burun-etrek"/);
  });

  it("reads the assignment's flow into Iran over its two crossings, not both directions", () => {
    const report = calibrate(net, files, { demandPath, flows: null, votSegments: 1 });
    const row = report.rows.find((r) => r.id === "instc-east-into-iran")!;
    // the same assignment computed here: the crossings' tonnes by direction, entering IRN
    const cp = corridorProblem(net, readDemandCsv(demandPath), { year: files[0].year });
    const byCrossing = new Map(crossingVolumes(cp, solve(cp.problem, "b", { gap: 1e-6 })).map((c) => [c.crossing, c]));
    let intoT = 0;
    let allT = 0;
    for (const id of ["inche-burun-etrek", "sarakhs"]) {
      const c = byCrossing.get(id);
      if (c === undefined) continue;
      allT += c.totalT;
      for (const [key, t] of Object.entries(c.byDirectionT)) if (key.endsWith("→IRN") && !key.startsWith("IRN")) intoT += t;
    }
    expect(intoT).toBeGreaterThan(0);
    expect(row.model).toBeCloseTo(intoT / 1e6, 6);
    expect(row.detail).toContain("(into IRN)");
    // today's assignment also sends bulk out of Iran northbound through Sarakhs, which the old both-ways sum counted
    expect(allT).toBeGreaterThan(intoT);
  });
});
