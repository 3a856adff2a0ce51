/** Scenario schema: the fixed modification shape, provenance on every edit, and the published JSON Schema. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modificationSchema, scenarioFileSchema, scenarioJsonSchema } from "../../src/scenarios/index";

describe("scenario schema", () => {
  it("docs/scenario.schema.json matches the zod schema (run npm run docs:generate after changing it)", () => {
    expect(readFileSync("docs/scenario.schema.json", "utf8")).toBe(scenarioJsonSchema());
  });

  it("accepts the fixed shapes: id + scale, selector + scale, close, add with a sourced distance", () => {
    const ok = [
      { target: "crossing", id: "dostyk-alashankou", scale: { dwellH: 0.5 }, assumption: "digital queue" },
      { target: "crossing", select: { country: "KAZ" }, scale: { dwellH: 0.6 }, source: "Kazakh border reform plan 2025" },
      { target: "link", select: { country: "KAZ", mode: "rail" }, set: { speedKmh: 60 }, assumption: "x" },
      { target: "chokepoint", id: "suez", close: true, assumption: "Red Sea closure" },
      { target: "country", id: "RUS", close: true, assumption: "transit ban" },
      { add: { target: "link", id: "a-b-rail-1520", from: "a", to: "b", mode: "rail", gaugeMm: 1520, distanceKm: 120 }, source: "feasibility study 2024" },
    ];
    for (const m of ok) expect(modificationSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
  });

  it("rejects an edit without source or assumption, with two actions, with id and select, or with a key the target lacks", () => {
    const bad = [
      { target: "crossing", id: "dostyk", scale: { dwellH: 0.5 } },
      { target: "crossing", id: "dostyk", scale: { dwellH: 0.5 }, close: true, assumption: "x" },
      { target: "crossing", id: "dostyk", select: { country: "KAZ" }, close: true, assumption: "x" },
      { target: "crossing", id: "dostyk", set: { speedKmh: 50 }, assumption: "x" },
      { target: "crossing", id: "dostyk", set: { dwellH: -1 }, assumption: "x" },
      { target: "link", id: "x", set: { capacity: -5 }, assumption: "x" },
      { add: { target: "link", id: "a-b", from: "a", to: "b", mode: "rail", distanceKm: 10 }, source: "s" },
    ];
    for (const m of bad) expect(modificationSchema.safeParse(m).success, JSON.stringify(m)).toBe(false);
  });

  it("a scenario file names at least itself; unknown top-level keys are rejected", () => {
    expect(scenarioFileSchema.safeParse({ name: "base" }).success).toBe(true);
    expect(scenarioFileSchema.safeParse({ name: "base", yaer: 2030 }).success).toBe(false);
  });
});
