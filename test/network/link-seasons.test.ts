/**
 * Seasonal calendars of links (links/*.yaml, schema.ts linkSeasonSchema) on a copy of the testbot fixture
 * (test/fixtures/testbot/README.md): the road Gamma → Harbor (266.87 km estimated, 25 km/h → 10.675 h) gets a winter
 * delay, the rail Gamma → Harbor (200 km at 40 km/h in KAZ → 5 h) a winter closure. Before link seasons existed the
 * loader ignored links/*.yaml, so every figure below equalled the summer one.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import { arcEventBufferH, seasonalExtraWaitH } from "../../src/routing/reliability";
import { monthMaskOfRange } from "../../src/network/build";
import { copyTestbot } from "./helpers";

const SEASONS = `seasons:
  - link: gamma-harbor-road
    from: "12-15"
    to: "02-10"
    delayH: 10
    delayP90H: 30
    source: [src:testbot-manual]
  - link: gamma-harbor-rail-1520
    from: "01-01"
    to: "01-31"
    closed: true
    source: [src:testbot-manual]
`;

function datasetWith(seasons: string): string {
  const dir = copyTestbot();
  writeFileSync(join(dir, "links", "seasons.yaml"), seasons);
  return dir;
}

const dir = datasetWith(SEASONS);
const ctx = new RoutingContext(openNetwork(dir, { cacheDir: false }));
const place = (id: string) => ctx.net.network.places.findIndex((p) => p.id === id);
const gamma = place("gamma");
const harbor = place("harbor");
const route = (modes: ("road" | "rail")[], month: number | null) =>
  planRoutes(ctx, { from: gamma, to: harbor, modes, month: month ?? undefined, criterion: "time" }).routes[0];

function errorOf(fn: () => unknown): CaravanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}

describe("link seasons by month", () => {
  it("a delay adds delayH to timeH and delayP90H to timeP90H in the months its day range touches", () => {
    const summer = route(["road"], 6);
    const none = route(["road"], null);
    for (const month of [12, 1, 2]) {
      const winter = route(["road"], month);
      expect(winter.timeH - summer.timeH).toBeCloseTo(10, 9);
      expect(winter.timeP90H - summer.timeP90H).toBeCloseTo(30, 9);
      const wait = winter.events.find((e) => e.type === "closure_wait" && e.ref === "gamma-harbor-road");
      expect(wait).toMatchObject({ timeH: 10, timeP90H: 30 });
    }
    for (const month of [3, 6, 11]) expect(route(["road"], month).timeH).toBeCloseTo(summer.timeH, 9);
    // without a month the delay is not timed but named
    expect(none.timeH).toBeCloseTo(summer.timeH, 9);
    expect(none.notes.join(" ")).toMatch(/gamma-harbor-road has a seasonal delay \(Jan, Feb, Dec, 10\.0 h, P90 30\.0 h\); give a month/);
  });

  it("the delay is in the arc columns every consumer reads (route, matrix, pair times, assignment)", () => {
    const arcs = ctx.net.arcs;
    const roadArcs = [...arcs.kind.keys()].filter((a) => arcs.record[a] !== 0xffffffff && ctx.net.network.links[arcs.record[a]]?.id === "gamma-harbor-road" && arcs.kind[a] === 0);
    expect(roadArcs.length).toBeGreaterThan(0);
    for (const a of roadArcs) {
      expect(seasonalExtraWaitH(ctx.net, arcs, a, 1)).toBe(10);
      expect(seasonalExtraWaitH(ctx.net, arcs, a, 7)).toBe(0);
      expect(arcEventBufferH(ctx.net, arcs, 1)[a]).toBe(20);
      expect(arcEventBufferH(ctx.net, arcs, 7)[a]).toBe(0);
    }
  });

  it("a closed season blocks the link in its months, as a crossing's seasonal closure", () => {
    expect(route(["rail"], 6).legs.map((l) => l.mode)).toEqual(["rail"]);
    const error = errorOf(() => route(["rail"], 1));
    expect(error.code).toBe("E_NO_ROUTE");
    expect(error.details?.constraints).toContain("the seasonal closures of the chosen month");
    expect(route(["rail"], null).notes.join(" ")).toMatch(/gamma-harbor-rail-1520 is closed seasonally \(Jan\); give a month to check/);
  });
});

describe("link season validation", () => {
  const problemsOf = (seasons: string) =>
    validateNetwork(datasetWith(seasons)).problems.map(({ code, file, line, field }) => ({ code, file, line, field }));
  const row = (fields: string) => `seasons:\n  - link: gamma-harbor-road\n    source: [src:testbot-manual]\n${fields}`;

  it.each([
    ["an unknown link", `seasons:\n  - link: gamma-harbour-road\n    from: "01-01"\n    to: "01-31"\n    delayH: 1\n    source: [src:testbot-manual]\n`, 2, "link"],
    ["a month that is no month", row(`    from: "13-01"\n    to: "01-31"\n    delayH: 1\n`), 4, "from"],
    ["a date that is no MM-DD", row(`    from: "1-1"\n    to: "01-31"\n    delayH: 1\n`), 4, "from"],
    ["neither closed nor a delay", row(`    from: "01-01"\n    to: "01-31"\n`), 2, "delayH"],
    ["a closure with a delay", row(`    from: "01-01"\n    to: "01-31"\n    closed: true\n    delayH: 1\n`), 7, "delayH"],
    ["a P90 below the mean", row(`    from: "01-01"\n    to: "01-31"\n    delayH: 5\n    delayP90H: 2\n`), 7, "delayP90H"],
    ["a negative delay", row(`    from: "01-01"\n    to: "01-31"\n    delayH: -1\n`), 6, "delayH"],
    ["an unknown field", row(`    from: "01-01"\n    to: "01-31"\n    delayHours: 1\n`), 6, "delayHours"],
    ["an unknown source", `seasons:\n  - link: gamma-harbor-road\n    from: "01-01"\n    to: "01-31"\n    delayH: 1\n    source: [src:nowhere]\n`, 6, "source.0"],
  ])("%s fails with file, line and field", (_what, seasons, line, field) => {
    const problems = problemsOf(seasons);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toContainEqual(expect.objectContaining({ file: "links/seasons.yaml", line, field }));
  });

  it("a second season for one link and a closure on a crossing that has its own are refused", () => {
    const twice = `${SEASONS}  - link: gamma-harbor-road\n    from: "07-01"\n    to: "07-31"\n    delayH: 1\n    source: [src:testbot-manual]\n`;
    expect(problemsOf(twice)).toContainEqual({ code: "E_NETWORK_INVALID", file: "links/seasons.yaml", line: 13, field: "link" });
    const onCrossing = `seasons:\n  - link: east-gate-west-gate-rail-1435\n    from: "06-01"\n    to: "06-30"\n    closed: true\n    source: [src:testbot-manual]\n`;
    expect(problemsOf(onCrossing)).toContainEqual({ code: "E_NETWORK_INVALID", file: "links/seasons.yaml", line: 5, field: "closed" });
  });

  it("the season file keys the compiled cache", () => {
    expect(validateNetwork(datasetWith(SEASONS)).network?.sourceHash).not.toBe(validateNetwork(copyTestbot()).network?.sourceHash);
  });
});

describe("link season parser (property)", () => {
  const fuzzDir = copyTestbot();
  const file = join(fuzzDir, "links", "seasons.yaml");
  const value = fc.oneof(
    fc.string({ maxLength: 8 }).map((t) => JSON.stringify(t)),
    fc.integer({ min: -50, max: 50 }).map(String),
    fc.double({ noNaN: true, min: -1e3, max: 1e3 }).map(String),
    fc.constantFrom("true", "false", "null", "[]", "{}", '"01-01"', '"12-31"', '"00-10"', "gamma-harbor-road", "[src:testbot-manual]"),
  );
  const key = fc.constantFrom("link", "from", "to", "closed", "lastYear", "delayH", "delayP90H", "source", "notes", "other");

  it("any season rows either load or fail with problems naming the file, a line and a field, never a throw", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(key, value), { maxLength: 8 }), { maxLength: 4 }), (rows) => {
        const text = `seasons:\n${rows.map((fields) => `  - ${fields.length ? fields.map(([k, v]) => `${k}: ${v}`).join("\n    ") : "{}"}`).join("\n")}\n`;
        writeFileSync(file, text);
        const result = validateNetwork(fuzzDir);
        for (const p of result.problems) {
          expect(p.file).toBe("links/seasons.yaml");
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.field.length).toBeGreaterThan(0);
        }
        if (result.problems.length === 0) expect(result.network?.linkSeasons?.length).toBe(rows.length);
      }),
      { numRuns: 60 },
    );
  });

  it("a valid delay row applies in exactly the months its day range touches", () => {
    const mmdd = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([m, d]) => `${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(mmdd, mmdd, fc.integer({ min: 1, max: 100 }), (from, to, delayH) => {
        writeFileSync(file, `seasons:\n  - { link: gamma-harbor-road, from: "${from}", to: "${to}", delayH: ${delayH}, source: [src:testbot-manual] }\n`);
        const net = openNetwork(fuzzDir, { cacheDir: false });
        const a = [...net.arcs.kind.keys()].find((i) => net.arcs.kind[i] === 0 && net.network.links[net.arcs.record[i]]?.id === "gamma-harbor-road") as number;
        const mask = monthMaskOfRange(from, to);
        for (let m = 1; m <= 12; m++) expect(seasonalExtraWaitH(net, net.arcs, a, m)).toBe((mask & (1 << (m - 1))) !== 0 ? delayH : 0);
      }),
      { numRuns: 20 },
    );
  });
});
