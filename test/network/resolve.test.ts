import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/network/load";
import { PlaceResolver, resolvePlace } from "../../src/network/resolve";
import { TESTBOT } from "./helpers";

const places = loadNetwork(TESTBOT).places;
const resolver = new PlaceResolver(places);
const idOf = (q: string, options = {}) => places[resolver.resolve(q, options)].id;

function codeOf(fn: () => unknown): { code?: string; didYouMean?: readonly string[]; message?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; didYouMean?: readonly string[]; message: string };
  }
  return {};
}

describe("resolvePlace", () => {
  it("finds a place by id, name, alias and UN/LOCODE", () => {
    expect(idOf("gamma")).toBe("gamma");
    expect(idOf("Gamma")).toBe("gamma");
    expect(idOf("Gama")).toBe("gamma");
    expect(idOf("KZGAM")).toBe("gamma");
    expect(idOf("Zapad")).toBe("west-gate");
    expect(idOf("East Gate")).toBe("east-gate");
  });

  it("ignores case, diacritics, spaces and punctuation", () => {
    expect(idOf("  GÄMMA ")).toBe("gamma");
    expect(idOf("gämma")).toBe("gamma");
    expect(idOf("east-gate")).toBe("east-gate");
    expect(idOf("EASTGATE")).toBe("east-gate");
    expect(idOf("kzgam")).toBe("gamma");
  });

  it("snaps lon,lat to the nearest non-waypoint place", () => {
    expect(idOf("19.9,0.1")).toBe("gamma");
    expect(idOf("21.8, 0")).toBe("harbor");
    // the sea waypoint at (10,-5) is never a snapping target
    expect(codeOf(() => resolver.resolve("10,-5")).code).toBe("E_COORDINATE_INVALID");
    expect(idOf("10,-5", { maxSnapKm: 2000 })).not.toBe("sea-narrows");
  });

  it("snaps only to places of the requested kinds", () => {
    expect(idOf("21.2,0", { kinds: ["seaport"] })).toBe("harbor");
    expect(idOf("5.05,0", { kinds: ["border_station"] })).toMatch(/gate$/);
  });

  it("rejects out-of-range or malformed coordinates with E_COORDINATE_INVALID listing the accepted forms", () => {
    const e = codeOf(() => resolver.resolve("200,10"));
    expect(e.code).toBe("E_COORDINATE_INVALID");
    expect(e.message).toMatch(/lon,lat/);
    expect(codeOf(() => resolver.resolve("12,34,56")).code).toBe("E_COORDINATE_INVALID");
    expect(codeOf(() => resolver.resolve("10,95")).code).toBe("E_COORDINATE_INVALID");
  });

  it("rejects an unknown place with E_PLACE_UNKNOWN and suggests ids", () => {
    const e = codeOf(() => resolver.resolve("Gamna"));
    expect(e.code).toBe("E_PLACE_UNKNOWN");
    expect(e.didYouMean).toContain("gamma");
    expect(codeOf(() => resolver.resolve("")).code).toBe("E_PLACE_UNKNOWN");
  });

  it("rejects a name shared by several places with E_PLACE_AMBIGUOUS listing their ids", () => {
    const e = codeOf(() => resolver.resolve("Twin"));
    expect(e.code).toBe("E_PLACE_AMBIGUOUS");
    expect([...(e.didYouMean ?? [])].sort()).toEqual(["twin-north", "twin-south"]);
    expect(idOf("twin-south")).toBe("twin-south");
  });

  it("is also available as a one-shot function", () => {
    expect(places[resolvePlace(places, "Porcia")].id).toBe("portia");
  });
});
