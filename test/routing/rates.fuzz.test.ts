/**
 * Property-based fuzz tests of the rates parser (src/routing/rates.ts): generated valid files read back exactly;
 * mutated or arbitrary text either parses into lanes whose rates are finite and positive, or fails with E_PARSE
 * naming the file, a line inside the text and a field — never another exception. Fixed seeds keep runs reproducible.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { type LoadedLane, parseRatesText, type RateReferences } from "../../src/routing/rates";

const REFS: RateReferences = { sources: new Set(["a", "b"]), rules: new Set(["r"]), places: new Set(["p", "q"]), chokepoints: new Set(["suez"]) };

const month = fc.record({ year: fc.integer({ min: 1990, max: 2100 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ year, m }) => `${year}-${String(m).padStart(2, "0")}`);
const observation = fc.record({
  direction: fc.constantFrom("westbound", "eastbound", "both"),
  period: month,
  rateUsd: fc.integer({ min: 1, max: 100_000 }),
  unit: fc.constantFrom("FEU", "TEU"),
  source: fc.constantFrom("src:a", "src:b", "estimate:r"),
});
const lane = fc.record({
  kind: fc.constantFrom("sea", "through"),
  carry: fc.integer({ min: 0, max: 24 }),
  observations: fc.array(observation, { maxLength: 5 }),
});

function render(lanes: { kind: string; carry: number; observations: { direction: string; period: string; rateUsd: number; unit: string; source: string }[] }[]): string {
  const out = ["lanes:"];
  lanes.forEach((l, i) => {
    out.push(`  - id: lane-${i}`, `    name: Lane ${i}`, `    kind: ${l.kind}`, "    modes: [sea]", "    east: { places: [p] }", "    west: { places: [q] }");
    out.push(`    carryForwardMonths: ${l.carry}`, "    carryForwardSource: [estimate:r]", `    observations:${l.observations.length === 0 ? " []" : ""}`);
    for (const o of l.observations) {
      out.push(`      - { direction: ${o.direction}, period: "${o.period}", asPublished: "x", rateUsd: ${o.rateUsd}, unit: ${o.unit}, source: [${o.source}] }`);
    }
  });
  return `${out.join("\n")}\n`;
}

/** Parse; a failure must be E_PARSE with file, a line within the text and a field. */
function parseOrFail(text: string): LoadedLane[] | undefined {
  try {
    return parseRatesText(text, "rates/fuzz.yaml", REFS);
  } catch (error) {
    if (!(error instanceof CaravanError)) throw error;
    expect(error.code).toBe("E_PARSE");
    const details = error.details as { file: string; line: number; field: string };
    expect(details.file).toBe("rates/fuzz.yaml");
    expect(details.line).toBeGreaterThanOrEqual(1);
    expect(details.line).toBeLessThanOrEqual(text.split("\n").length + 1);
    expect(details.field.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/^rates\/fuzz\.yaml:\d+: field "/);
    return undefined;
  }
}

describe("rates parser fuzz", () => {
  it("reads generated valid files back exactly", () => {
    fc.assert(
      fc.property(fc.array(lane, { minLength: 1, maxLength: 4 }), (lanes) => {
        const parsed = parseRatesText(render(lanes), "rates/fuzz.yaml", REFS);
        expect(parsed.map((l) => l.observations.map((o) => [o.direction, o.period, o.rateUsd, o.unit]))).toEqual(
          lanes.map((l) => l.observations.map((o) => [o.direction, o.period, o.rateUsd, o.unit])),
        );
        expect(parsed.map((l) => l.carryForwardMonths)).toEqual(lanes.map((l) => l.carry));
      }),
      { seed: 31, numRuns: 150 },
    );
  });

  it("mutated files parse into finite positive rates or fail with file, line and field", () => {
    const token = fc.oneof(
      fc.constantFrom("0x10", "Infinity", ".nan", "1e400", "-1", "0", "", "~", "[", "]", "{", "}", ":", "- ", "2024-13", "2024/2023", "src:zz", "estimate:", "TON", "both", "'", '"', "\t"),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(lane, { minLength: 1, maxLength: 3 }), fc.nat(), token, (lanes, position, replacement) => {
        const text = render(lanes);
        const tokens = text.split(/(\s+)/);
        const words = tokens.map((t, i) => (/\S/.test(t) ? i : -1)).filter((i) => i >= 0);
        tokens[words[position % words.length]] = replacement;
        const parsed = parseOrFail(tokens.join(""));
        for (const l of parsed ?? []) {
          for (const o of l.observations) {
            const value = o.rateUsd ?? ((o.lowUsd as number) + (o.highUsd as number)) / 2;
            expect(Number.isFinite(value) && value > 0).toBe(true);
          }
          for (const [first, last] of l.periods) expect(last).toBeGreaterThanOrEqual(first);
        }
      }),
      { seed: 32, numRuns: 400 },
    );
  });

  it("arbitrary text never throws anything but E_PARSE", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseOrFail(text);
      }),
      { seed: 33, numRuns: 300 },
    );
  });
});
