/**
 * Acceptance test of the shipped dataset data/eurasia: it validates, is large enough, covers the required
 * countries, and every place and link carries provenance.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileNetwork } from "../../src/network/build";
import { formatProblem, validateNetwork } from "../../src/network/load";

const DIR = resolve(__dirname, "../../data/eurasia");
const REQUIRED_COUNTRIES = ["CHN", "IND", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB", "BLR", "MNG", "TKM", "AZE", "GEO", "TUR", "POL", "DEU", "NLD", "ROU", "GRC", "ARE"];

describe("data/eurasia", () => {
  const result = validateNetwork(DIR);

  it("validates without problems", () => {
    expect(result.problems.slice(0, 30).map(formatProblem)).toEqual([]);
    expect(result.network).not.toBeNull();
  });

  it("has at least 250 places that are not sea waypoints and at least 600 links", () => {
    const net = result.network!;
    expect(net.places.filter((p) => !p.kinds.includes("waypoint")).length).toBeGreaterThanOrEqual(250);
    expect(net.links.length).toBeGreaterThanOrEqual(600);
  });

  it("covers every required country", () => {
    const countries = new Set(result.network!.places.map((p) => p.country));
    expect(REQUIRED_COUNTRIES.filter((c) => !countries.has(c))).toEqual([]);
  });

  it("gives every place and link provenance", () => {
    const net = result.network!;
    expect(net.places.filter((p) => p.coordSource.length === 0).map((p) => p.id)).toEqual([]);
    expect(net.links.filter((l) => l.source.length === 0 || l.distanceSource.length === 0).map((l) => l.id)).toEqual([]);
  });

  it("compiles into a sound graph", () => {
    expect(compileNetwork(result.network!).graph.arcCount).toBeGreaterThan(0);
  });
});
