/**
 * The web app's URL state: every field survives a round trip through the query string, defaults are left out of
 * links, malformed values fall back to defaults, and the chokepoint list matches data/eurasia/chokepoints.yaml.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHOKEPOINTS, DEFAULT_STATE, parseState, serializeState } from "../../web/src/url-state";

describe("web URL state", () => {
  it("round-trips a full route query with options, year and layers", () => {
    const state = {
      ...DEFAULT_STATE,
      view: "route" as const,
      from: "Xi'an",
      to: "Duisburg",
      alternatives: 2,
      optimize: "cost",
      cargo: "bulk",
      modes: ["rail", "sea"],
      avoidCountries: ["RUS", "BLR"],
      close: ["suez"],
      year: 2030,
      costBasis: "rates",
      rates: "2024-07",
      rulesOff: ["aptta-no-indian-transit", "eu-road-haulage-ban-rus-blr"],
      vot: "carrying-cost",
      layers: ["rail1520" as const, "crossings" as const],
      base: "baseline",
      scenario: "middle-corridor",
    };
    const search = serializeState(state);
    expect(search).toContain("from=Xi%27an");
    expect(search).toContain("avoidCountries=RUS,BLR");
    expect(search).toContain("costBasis=rates&rates=2024-07&rulesOff=aptta-no-indian-transit,eu-road-haulage-ban-rus-blr&vot=carrying-cost");
    expect(parseState(search)).toEqual(state);
  });

  it("round-trips an opened stored run with the runs list filters", () => {
    const state = { ...DEFAULT_STATE, view: "runs" as const, run: "441990f0964f254c", runKind: "assignment", runStatus: "done" };
    const search = serializeState(state);
    expect(search).toBe("?view=runs&run=441990f0964f254c&runKind=assignment&runStatus=done");
    expect(parseState(search)).toEqual(state);
    expect(parseState("?view=runs&runStatus=finished").runStatus).toBe("");
  });

  it("leaves defaults out of the link", () => {
    expect(serializeState({ ...DEFAULT_STATE, view: "network" })).toBe("?view=network");
  });

  it("falls back to defaults for unknown or malformed values", () => {
    const s = parseState("?view=nowhere&alternatives=99&optimize=speed&cargo=box&year=abc&modes=rail,teleport&layers=road,bogus");
    expect(s.view).toBe("network");
    expect(s.alternatives).toBe(DEFAULT_STATE.alternatives);
    expect(s.optimize).toBe("generalized");
    expect(s.cargo).toBe("feu");
    expect(s.year).toBeNull();
    expect(s.modes).toEqual(["rail"]);
    expect(s.layers).toEqual(["road"]);
    const rates = parseState("?costBasis=market&rates=2024-13");
    expect(rates.costBasis).toBe("");
    expect(rates.rates).toBe("");
    expect(parseState("?vot=carying-cost").vot).toBe("");
  });

  it("offers exactly the chokepoints of the dataset", () => {
    const yaml = parse(readFileSync(new URL("../../data/eurasia/chokepoints.yaml", import.meta.url), "utf8")) as { chokepoints: { id: string; name: string }[] };
    expect(CHOKEPOINTS.map((c) => c.id)).toEqual(yaml.chokepoints.map((c) => c.id));
    expect(CHOKEPOINTS.map((c) => c.name)).toEqual(yaml.chokepoints.map((c) => c.name));
  });
});
