import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haversineKm, loadNetwork, validateNetwork } from "../../src/network/load";
import { append, copyTestbot, edit, TESTBOT } from "./helpers";

/** Problems of a dataset copy after `mutate`, as {code, file, line, field}. */
function problemsAfter(mutate: (dir: string) => void) {
  const dir = copyTestbot();
  mutate(dir);
  return validateNetwork(dir).problems.map(({ code, file, line, field }) => ({ code, file, line, field }));
}

describe("loading the testbot dataset", () => {
  it("validates with no problems and keeps every record", () => {
    const result = validateNetwork(TESTBOT);
    expect(result.problems).toEqual([]);
    const net = result.network!;
    expect(net.places.map((p) => p.id)).toEqual(["portia", "alpha", "east-gate", "west-gate", "gamma", "harbor", "isla", "sea-narrows", "twin-north", "twin-south"]);
    expect(net.links).toHaveLength(9);
    expect(net.crossings).toHaveLength(1);
    expect(net.terminals).toHaveLength(3);
    expect(net.ferries).toHaveLength(1);
    expect(net.origins["link:gamma-harbor-road"]).toEqual({ file: "links/testbot.csv", line: 7 });
    expect(net.origins["terminal:portia-port"]).toEqual({ file: "terminals/testbot.yaml", line: 10 });
  });

  it("estimates an empty distance as great-circle × the mode's circuity and flags it", () => {
    const net = loadNetwork(TESTBOT);
    const road = net.links.find((l) => l.id === "gamma-harbor-road")!;
    // gamma (20,0) → harbor (22,0): 2 degrees of longitude on the equator = 222.39 km; road circuity 1.2
    expect(road.distanceEstimated).toBe(true);
    expect(road.distanceKm).toBeCloseTo(2 * ((Math.PI * 6371.0088) / 180) * 1.2, 6);
    expect(net.links.filter((l) => l.distanceEstimated)).toHaveLength(1);
  });

  it("haversine gives a quarter meridian from the equator to the pole", () => {
    expect(haversineKm(0, 0, 0, 90)).toBeCloseTo((Math.PI * 6371.0088) / 2, 6);
    expect(haversineKm(10, 20, 10, 20)).toBe(0);
  });

  it("changes the source hash when any source file changes", () => {
    const dir = copyTestbot();
    const before = loadNetwork(dir).sourceHash;
    edit(dir, "cargo.yaml", "value: 200,", "value: 201,");
    expect(loadNetwork(dir).sourceHash).not.toBe(before);
  });

  it("throws the code of the first problem and lists every problem in details", () => {
    const dir = copyTestbot();
    edit(dir, "places/testbot.csv", "alpha,Alpha,,CHN,4,0", "alpha,Alpha,,CHN,four,0");
    try {
      loadNetwork(dir);
      expect.unreachable();
    } catch (error) {
      // the bad row is dropped, so links to "alpha" fail too: every problem is listed, the first gives the code
      const problems = (error as { details: { problems: { code: string; file: string }[] } }).details.problems;
      expect((error as { code: string }).code).toBe(problems[0].code);
      expect(problems).toContainEqual(expect.objectContaining({ code: "E_PARSE", file: "places/testbot.csv" }));
      expect(problems).toContainEqual(expect.objectContaining({ code: "E_NETWORK_INVALID", file: "links/testbot.csv" }));
    }
  });

  it("rejects a missing dataset folder with E_FILE_NOT_FOUND", () => {
    expect(() => validateNetwork(join(TESTBOT, "does-not-exist"))).toThrow(expect.objectContaining({ code: "E_FILE_NOT_FOUND" }));
  });
});

describe("validation rules name code, file, line and field", () => {
  it("a non-numeric coordinate is E_PARSE at its row", () => {
    expect(problemsAfter((d) => edit(d, "places/testbot.csv", "alpha,Alpha,,CHN,4,0", "alpha,Alpha,,CHN,four,0"))).toContainEqual({
      code: "E_PARSE",
      file: "places/testbot.csv",
      line: 3,
      field: "lonDeg",
    });
  });

  it("a coordinate out of range is E_NETWORK_INVALID", () => {
    expect(problemsAfter((d) => edit(d, "places/testbot.csv", "alpha,Alpha,,CHN,4,0", "alpha,Alpha,,CHN,4,95"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "places/testbot.csv",
      line: 3,
      field: "latDeg",
    });
  });

  it("an unknown column in a CSV header is E_PARSE on line 1", () => {
    expect(problemsAfter((d) => edit(d, "places/testbot.csv", "population,", "populaton,"))).toContainEqual({
      code: "E_PARSE",
      file: "places/testbot.csv",
      line: 1,
      field: "populaton",
    });
  });

  it("a row with too many fields is E_PARSE", () => {
    expect(problemsAfter((d) => append(d, "places/testbot.csv", "extra,Extra,,KAZ,1,1,city,,,estimate:testbot-coords,,oops\n"))).toContainEqual({
      code: "E_PARSE",
      file: "places/testbot.csv",
      line: 12,
      field: "(row)",
    });
  });

  it("a link to an unknown place is E_NETWORK_INVALID on field to", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "portia-alpha-rail-1435,portia,alpha,", "portia-alpha-rail-1435,portia,alpah,"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 2,
      field: "to",
    });
  });

  it("a record without a source is E_PROVENANCE_MISSING", () => {
    expect(
      problemsAfter((d) => edit(d, "links/testbot.csv", "src:testbot-manual,\nalpha-east-gate", ",\nalpha-east-gate")),
    ).toContainEqual({ code: "E_PROVENANCE_MISSING", file: "links/testbot.csv", line: 2, field: "source" });
  });

  it("a reference to a source that sources/*.yaml does not list is E_PROVENANCE_MISSING", () => {
    expect(problemsAfter((d) => edit(d, "ferries/testbot.yaml", "source: [src:testbot-manual]", "source: [src:nowhere]"))).toContainEqual({
      code: "E_PROVENANCE_MISSING",
      file: "ferries/testbot.yaml",
      line: 12,
      field: "source.0",
    });
  });

  it("an unknown estimation rule is E_PROVENANCE_MISSING", () => {
    expect(problemsAfter((d) => edit(d, "places/testbot.csv", "isla,Isla,,KAZ,25,0,city|rail_terminal,,,estimate:testbot-coords", "isla,Isla,,KAZ,25,0,city|rail_terminal,,,estimate:guess"))).toContainEqual({
      code: "E_PROVENANCE_MISSING",
      file: "places/testbot.csv",
      line: 8,
      field: "coordSource",
    });
  });

  it("an id defined in two files is E_NETWORK_INVALID where it is defined the second time", () => {
    const problems = problemsAfter((d) =>
      writeFileSync(join(d, "places/zz-more.csv"), "id,name,aliases,country,lonDeg,latDeg,kinds,locode,population,coordSource,notes\ngamma,Gamma Two,,KAZ,1,1,city,,,estimate:testbot-coords,\n"),
    );
    expect(problems).toContainEqual({ code: "E_NETWORK_INVALID", file: "places/zz-more.csv", line: 2, field: "id" });
  });

  it("a link joining two countries without a border crossing is E_NETWORK_INVALID on field border", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "10000000,,,,gate-crossing,", "10000000,,,,,"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 4,
      field: "border",
    });
  });

  it("a border link must join the crossing's two countries", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "alpha-east-gate-rail-1435,alpha,east-gate,rail,1435,100,src:testbot-manual,,open,,,,,,,,", "alpha-east-gate-rail-1435,alpha,east-gate,rail,1435,100,src:testbot-manual,,open,,,,,,,gate-crossing,"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 3,
      field: "border",
    });
  });

  it("a planned link needs an opening year", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "planned,2030,", "planned,,"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 8,
      field: "openYear",
    });
  });

  it("an empty distance without the estimate rule is rejected", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "west-gate-gamma-rail-1520,west-gate,gamma,rail,1520,600,", "west-gate-gamma-rail-1520,west-gate,gamma,rail,1520,,"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 5,
      field: "distanceKm",
    });
  });

  it("a rail link cannot end at a sea waypoint", () => {
    expect(problemsAfter((d) => append(d, "links/testbot.csv", "bad-rail,alpha,sea-narrows,rail,1435,10,src:testbot-manual,,open,,,,,,,,,,src:testbot-manual,\n"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 11,
      field: "to",
    });
  });

  it("only sea links pass a chokepoint", () => {
    expect(problemsAfter((d) => edit(d, "links/testbot.csv", "gamma-harbor-rail-1520,gamma,harbor,rail,1520,200,src:testbot-manual,,open,,,,,,,,", "gamma-harbor-rail-1520,gamma,harbor,rail,1520,200,src:testbot-manual,,open,,,,,,,,narrows"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "links/testbot.csv",
      line: 6,
      field: "chokepoint",
    });
  });

  it("a dwell record must leave one of the crossing's countries (YAML line of the field)", () => {
    expect(problemsAfter((d) => edit(d, "borders/testbot.yaml", "fromCountry: KAZ", "fromCountry: UZB"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "borders/testbot.yaml",
      line: 9,
      field: "dwell.1.fromCountry",
    });
  });

  it("a crossing's border stations must lie in its countries, in order", () => {
    expect(problemsAfter((d) => edit(d, "borders/testbot.yaml", "places: [east-gate, west-gate]", "places: [west-gate, east-gate]"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "borders/testbot.yaml",
      line: 5,
      field: "places.0",
    });
  });

  it("a gauge-change terminal must name gauges that reach its place", () => {
    expect(problemsAfter((d) => edit(d, "terminals/testbot.yaml", "gauges: [1435, 1520]", "gauges: [1435, 1000]"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "terminals/testbot.yaml",
      line: 5,
      field: "gauges.1",
    });
  });

  it("only a port terminal may carry a per-call bulk voyage charge", () => {
    expect(problemsAfter((d) => edit(d, "terminals/testbot.yaml", "    capacityTonnesPerYear: 4000000\n", "    capacityTonnesPerYear: 4000000\n    portCallUsdPerTonne: 3\n"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "terminals/testbot.yaml",
      line: 9,
      field: "portCallUsdPerTonne",
    });
    expect(problemsAfter((d) => edit(d, "terminals/testbot.yaml", "    handlingCostUsdPerTonne: 5\n", "    handlingCostUsdPerTonne: 5\n    portCallUsdPerTonne: 3\n"))).toEqual([]);
  });

  it("a ferry that carries rail wagons needs a gauge", () => {
    expect(problemsAfter((d) => edit(d, "ferries/testbot.yaml", "    gaugeMm: 1520\n", ""))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "ferries/testbot.yaml",
      line: 2,
      field: "gaugeMm",
    });
  });

  it("a misspelt key inside a crossing's dwell row or calendar is refused, not dropped with its figure", () => {
    const crossingEdit = (from: string, to: string) => (d: string) => edit(d, "borders/testbot.yaml", from, to);
    expect(problemsAfter(crossingEdit("highH: 60, feeUsdPerFeu: 100", "highH: 60, feeUsdPerFEU: 100"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "borders/testbot.yaml",
      line: 8,
      field: "dwell.0",
    });
    expect(problemsAfter(crossingEdit("lastYear: null", "lastYaer: 2020, lastYear: null"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "borders/testbot.yaml",
      line: 11,
      field: "seasonalClosure",
    });
  });

  it("a ferry charges only the decks it carries, once each", () => {
    const deck = (lines: string) => (d: string) => edit(d, "ferries/testbot.yaml", "    costUsdPerFeu: 1000\n", `    costUsdPerFeu: 1000\n    deckCharges:\n${lines}`);
    const road = "      - { deck: road, costUsdPerFeu: 1500, returnCostUsdPerFeu: 1700, source: [src:testbot-manual] }\n";
    expect(problemsAfter(deck(road))).toEqual([]);
    expect(problemsAfter(deck(road + road))).toContainEqual({ code: "E_NETWORK_INVALID", file: "ferries/testbot.yaml", line: 14, field: "deckCharges.1.deck" });
    expect(problemsAfter(deck(road.replace("src:testbot-manual", "src:nowhere")))).toContainEqual({ code: "E_PROVENANCE_MISSING", file: "ferries/testbot.yaml", line: 13, field: "deckCharges.0.source.0" });
    // a misspelt key is refused, not dropped with its figure (the return would silently charge the outward 1500)
    expect(problemsAfter(deck(road.replace("returnCostUsdPerFeu", "returnCostUsdPerFEU")))).toContainEqual({ code: "E_NETWORK_INVALID", file: "ferries/testbot.yaml", line: 13, field: "deckCharges.0" });
    expect(
      problemsAfter((d) => {
        deck(road)(d);
        edit(d, "ferries/testbot.yaml", "carries: [rail, road]", "carries: [rail]");
      }),
    ).toContainEqual({ code: "E_NETWORK_INVALID", file: "ferries/testbot.yaml", line: 13, field: "deckCharges.0.deck" });
  });

  it("sea circuity must be exactly 1", () => {
    expect(problemsAfter((d) => edit(d, "modes.yaml", "circuityFactor: { value: 1, source: [src:testbot-manual] }\n    costUsdPerFeuKm: { value: 0.2", "circuityFactor: { value: 1.1, source: [src:testbot-manual] }\n    costUsdPerFeuKm: { value: 0.2"))).toContainEqual({
      code: "E_NETWORK_INVALID",
      file: "modes.yaml",
      line: 20,
      field: "modes.sea.circuityFactor.value",
    });
  });

  it("malformed YAML is E_PARSE with its line", () => {
    expect(problemsAfter((d) => edit(d, "projects/testbot.yaml", "country: [KAZ]", "country: [KAZ"))).toContainEqual(expect.objectContaining({ code: "E_PARSE", file: "projects/testbot.yaml" }));
  });

  it("collects every problem, not just the first", () => {
    const problems = problemsAfter((d) => {
      edit(d, "places/testbot.csv", "alpha,Alpha,,CHN,4,0", "alpha,Alpha,,CHN,four,0");
      edit(d, "ferries/testbot.yaml", "source: [src:testbot-manual]", "source: [src:nowhere]");
      edit(d, "links/testbot.csv", "planned,2030,", "planned,,");
    });
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(["places/testbot.csv", "ferries/testbot.yaml", "links/testbot.csv"]));
  });
});

describe("typos in YAML field names", () => {
  it("an unknown field of a YAML record is E_PARSE with a suggestion", () => {
    const dir = copyTestbot();
    edit(dir, "borders/testbot.yaml", "openDays:", "openDay:");
    const problems = validateNetwork(dir).problems;
    expect(problems).toContainEqual(expect.objectContaining({ code: "E_PARSE", file: "borders/testbot.yaml", line: 10, field: "openDay" }));
    expect(problems.find((p) => p.field === "openDay")?.message).toMatch(/did you mean "openDays"/);
  });
});
