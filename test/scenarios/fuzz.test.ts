/**
 * Fuzzing the scenario parser and the application of edits (fast-check): random YAML text and random modifications
 * either load or fail with a CaravanError (never another exception, never a hang), and every accepted edit leaves
 * finite, non-negative times, costs and capacities on the testbot.
 */
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { isCaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/index";
import { applyScenario, type Scenario } from "../../src/scenarios/index";
import { parseModification, parseScenarioText } from "../../src/scenarios/load";

const root = resolve(__dirname, "../..");
const testbot = openNetwork(join(root, "test/fixtures/testbot"), { cacheDir: false });

function onlyCaravanErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isCaravanError(error)) throw error;
  }
}

const ids = ["gate-crossing", "portia-alpha-rail-1435", "gamma-isla-rail-1520", "harbor-isla-ferry", "narrows", "west-gate-gauge-change", "KAZ", "CHN", "nope", ""];
const targets = ["link", "crossing", "terminal", "ferry", "chokepoint", "country", "road"];
const numbers = fc.oneof(fc.double({ min: -10, max: 1e7, noNaN: true }), fc.constant(0), fc.constant(0.5), fc.constant(Number.NaN), fc.constant(-1));
const edit = fc.dictionary(fc.constantFrom("dwellH", "capacity", "speedKmh", "tariff", "headwayH", "bogus"), numbers, { maxKeys: 3 });
const modification = fc.record(
  {
    target: fc.constantFrom(...targets),
    id: fc.constantFrom(...ids),
    select: fc.record({ country: fc.constantFrom("KAZ", "CHN", "XXX"), mode: fc.constantFrom("rail", "road", "sea", undefined) }, { requiredKeys: ["country"] }),
    set: edit,
    scale: edit,
    close: fc.constantFrom(true, false),
    open: fc.constant(true),
    assumption: fc.constantFrom("a", ""),
    source: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: [] },
);

/** Mostly well-formed edits (one action, id or selector, an assumption), so many reach the network. */
const wellFormed = fc
  .tuple(
    fc.constantFrom("link", "crossing", "terminal", "ferry"),
    fc.oneof(fc.record({ id: fc.constantFrom(...ids) }), fc.record({ select: fc.record({ country: fc.constantFrom("KAZ", "CHN") }) })),
    fc.oneof(fc.record({ set: edit }), fc.record({ scale: edit }), fc.record({ close: fc.constant(true) }), fc.record({ open: fc.constant(true) })),
  )
  .map(([target, who, action]) => ({ target, ...who, ...action, assumption: "fuzz" }));

describe("scenario parser fuzz", () => {
  it("random text never crashes the parser: it loads or fails with a CaravanError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        onlyCaravanErrors(() => parseScenarioText(text, "fuzz.yaml"));
      }),
      { numRuns: 400 },
    );
  });

  it("random YAML structures (nested maps, lists, anchors) load or fail with a CaravanError", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, withName) => {
        const doc = withName && value !== null && typeof value === "object" && !Array.isArray(value) ? { name: "n", ...value } : value;
        onlyCaravanErrors(() => parseScenarioText(stringify(doc), "fuzz.yaml"));
      }),
      { numRuns: 300 },
    );
    // an alias bomb is refused, not expanded
    const bomb = `a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e]\nname: x\n`;
    const t0 = performance.now();
    onlyCaravanErrors(() => parseScenarioText(bomb, "bomb.yaml"));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("random edits apply or fail with a CaravanError; accepted ones keep every time, cost and capacity finite and ≥ 0", () => {
    let applied = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(wellFormed, wellFormed, modification), { maxLength: 6 }), fc.option(fc.integer({ min: 1990, max: 2100 }), { nil: null }), (mods, year) => {
        const placed = [];
        for (const [i, m] of mods.entries()) {
          const r = parseModification(m);
          if (!r.success) return; // rejected by the schema: fine
          placed.push({ modification: r.value, file: "fuzz.yaml", line: i + 1, index: i });
        }
        const scenario: Scenario = {
          name: "fuzz",
          description: "",
          file: "fuzz.yaml",
          chain: ["fuzz.yaml"],
          year,
          projectsOn: [],
          projectsOff: [],
          modifications: placed,
          demand: null,
          parameters: { valueOfTimeUsdPerH: {} },
        };
        onlyCaravanErrors(() => {
          const { state } = applyScenario(testbot, scenario);
          applied++;
          const a = state.arcs;
          for (let arc = 0; arc < testbot.graph.arcCount; arc++) {
            for (const col of [a.travelTimeH, a.eventTimeH, a.costUsdPerFeu, a.costUsdPerTeu, a.costUsdPerTonne]) {
              expect(Number.isFinite(col[arc]) && col[arc] >= 0).toBe(true);
            }
            const cap = a.capacityTonnesPerYear[arc];
            expect(Number.isNaN(cap) || cap >= 0).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
    // the property must have reached the network often, not only the schema
    expect(applied).toBeGreaterThan(20);
  });
});
