/**
 * Property-based fuzz tests of the input parsers: TNTP network and trip files, the corridor demand CSV, dataset
 * YAML/CSV loading, model formulas and gravity CSV tables. Generated valid inputs read back exactly; arbitrary or
 * mutated inputs either parse into finite numbers or fail with a CaravanError of the expected code — never another
 * exception, a hang or a non-finite number. Fixed seeds keep the runs reproducible and fast.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDemandCsv } from "../../src/assignment/corridor-demand";
import { parseTntpNetwork, parseTntpTrips } from "../../src/assignment/tntp";
import { CaravanError } from "../../src/core/errors";
import { MIN_NORMAL } from "../../src/core/numbers";
import { validateNetwork } from "../../src/network/load";
import { MAX_FORMULA_DEPTH, parseFormula } from "../../src/trade/ppml/formula";
import { parseCsvTable } from "../../src/trade/io/table";
import { copyTestbot } from "./helpers";

/** A double in [min, max] that is 0 or normal (subnormals are refused by the number rule). */
const normalDouble = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((d) => (Math.abs(d) < MIN_NORMAL ? 0 : d));

/** Run `f`; a thrown error must be a CaravanError with one of `codes`. Returns the result or undefined. */
function parsesOrFails<T>(f: () => T, codes: readonly string[]): T | undefined {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof CaravanError)) throw error;
    expect(codes).toContain(error.code);
    return undefined;
  }
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Replace token `k` (of the whitespace-separated tokens) of `text` by `token`. */
function replaceToken(text: string, k: number, token: string): string {
  let seen = 0;
  return text.replace(/[^\s]+/g, (t) => (seen++ === k ? token : t));
}

/** Tokens a hostile or broken file might hold in place of a number. */
const badToken = fc.oneof(
  fc.constantFrom("0x10", "Infinity", "NaN", "1e400", "-1e400", "1e-320", "", "~", ";", ":", "<END OF METADATA>", "Origin", "-1", "2e9", "200000", "1.5", "1e300", "+", "."),
  fc.string({ unit: fc.constantFrom(..."0123456789.eE+-:;~<> xOrigin"), maxLength: 8 }),
);

const link = fc.record({
  from: fc.integer({ min: 1, max: 6 }),
  to: fc.integer({ min: 1, max: 6 }),
  capacity: normalDouble(1, 1e5),
  length: normalDouble(0, 100),
  fft: normalDouble(0, 100),
  b: normalDouble(0, 2),
  power: fc.integer({ min: 1, max: 8 }),
});

function netText(links: readonly { from: number; to: number; capacity: number; length: number; fft: number; b: number; power: number }[]): string {
  const body = links.map((l) => `\t${l.from}\t${l.to}\t${l.capacity}\t${l.length}\t${l.fft}\t${l.b}\t${l.power}\t0\t0\t1\t;`).join("\n");
  return `<NUMBER OF ZONES> 3\n<NUMBER OF NODES> 6\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> ${links.length}\n<END OF METADATA>\n\n~ init term cap len fft b power speed toll type ;\n${body}\n`;
}

describe("TNTP network files", () => {
  it("generated networks read back exactly", () => {
    fc.assert(
      fc.property(fc.array(link, { minLength: 1, maxLength: 12 }), (links) => {
        const net = parseTntpNetwork(netText(links), "gen_net.tntp");
        expect(net.linkCount).toBe(links.length);
        links.forEach((l, i) => {
          expect([net.fromNode[i] + 1, net.toNode[i] + 1]).toEqual([l.from, l.to]);
          expect([net.capacity[i], net.length[i], net.freeFlowTime[i], net.bprB[i], net.bprPower[i]]).toEqual([l.capacity, l.length, l.fft, l.b, l.power]);
        });
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it("a network with any one token replaced parses into finite numbers or fails with E_PARSE", () => {
    const base = netText([
      { from: 1, to: 4, capacity: 100, length: 1, fft: 1, b: 0.15, power: 4 },
      { from: 4, to: 2, capacity: 100, length: 1, fft: 1, b: 0.15, power: 4 },
      { from: 2, to: 3, capacity: 50, length: 2, fft: 2, b: 0.15, power: 4 },
    ]);
    const tokenCount = base.split(/\s+/).filter((t) => t !== "").length;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: tokenCount - 1 }), badToken, (k, token) => {
        const net = parsesOrFails(() => parseTntpNetwork(replaceToken(base, k, token), "fuzz_net.tntp"), ["E_PARSE"]);
        if (net) {
          for (const col of [net.capacity, net.length, net.freeFlowTime, net.bprB, net.bprPower, net.toll]) expect(allFinite(col)).toBe(true);
          for (let i = 0; i < net.linkCount; i++) expect(Math.max(net.fromNode[i], net.toNode[i])).toBeLessThan(net.nodeCount);
        }
      }),
      { seed: 12, numRuns: 400 },
    );
  });
});

describe("TNTP trip files", () => {
  it("generated trip tables read back exactly, and any replaced token gives finite demand or E_PARSE", () => {
    const entry = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), normalDouble(0, 1e6));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.nat(), badToken, (entries, k, token) => {
        const dense = new Float64Array(16);
        const byOrigin = new Map<number, string[]>();
        for (const [o, d, v] of entries) {
          dense[(o - 1) * 4 + (d - 1)] += v;
          byOrigin.set(o, [...(byOrigin.get(o) ?? []), `${d} : ${v};`]);
        }
        const text = `<NUMBER OF ZONES> 4\n<END OF METADATA>\n${[...byOrigin].map(([o, list]) => `Origin ${o}\n  ${list.join("  ")}`).join("\n")}\n`;
        const trips = parseTntpTrips(text, "gen_trips.tntp");
        for (let i = 0; i < 16; i++) expect(trips.demand[i]).toBeCloseTo(dense[i], 6);
        const tokens = text.split(/\s+/).filter((t) => t !== "").length;
        const broken = parsesOrFails(() => parseTntpTrips(replaceToken(text, k % tokens, token), "fuzz_trips.tntp"), ["E_PARSE"]);
        if (broken) {
          expect(allFinite(broken.demand)).toBe(true);
          expect(Number.isFinite(broken.totalDemand)).toBe(true);
        }
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});

describe("corridor demand CSV", () => {
  it("valid rows read back; any cell replaced gives a finite amount ≥ 0 or E_PARSE", () => {
    const cell = fc.oneof(badToken, fc.constantFrom("xian", "duisburg", "container", "bulk", "src:a", "estimate:b", "src:constructor", "a,b", '"q"', "#"));
    fc.assert(
      fc.property(normalDouble(0, 1e9), fc.integer({ min: 0, max: 4 }), cell, (amount, column, replacement) => {
        const row = ["xian", "duisburg", "container", String(amount), "src:demand-x"];
        const good = parseDemandCsv(`origin,destination,class,amount,source\n${row.join(",")}\n`, "d.csv");
        expect(good.rows[0].amountT === amount).toBe(true);
        row[column] = replacement;
        const table = parsesOrFails(() => parseDemandCsv(`origin,destination,class,amount,source\n${row.join(",")}\n`, "d.csv"), ["E_PARSE"]);
        for (const r of table?.rows ?? []) expect(Number.isFinite(r.amountT) && r.amountT >= 0).toBe(true);
      }),
      { seed: 14, numRuns: 400 },
    );
  });
});

describe("model formulas", () => {
  it("any string of formula characters parses or fails with E_FORMULA_INVALID", () => {
    const text = fc.string({ unit: fc.constantFrom(..."trade~+-|^:()01 logexp dist"), maxLength: 40 });
    fc.assert(
      fc.property(text, (t) => {
        const f = parsesOrFails(() => parseFormula(t), ["E_FORMULA_INVALID"]);
        if (f) expect(f.regressors.length > 0 || f.intercept || f.fixedEffects.length > 0).toBe(true);
      }),
      { seed: 15, numRuns: 800 },
    );
  });

  it("nesting is accepted up to the depth limit and refused beyond it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * MAX_FORMULA_DEPTH }), (depth) => {
        const t = `trade ~ ${"log(".repeat(depth)}dist${")".repeat(depth)}`;
        if (depth <= MAX_FORMULA_DEPTH) expect(parseFormula(t).regressors).toHaveLength(1);
        else expect(() => parseFormula(t)).toThrowError(expect.objectContaining({ code: "E_FORMULA_INVALID" }));
      }),
      { seed: 16, numRuns: 60 },
    );
  });
});

describe("gravity CSV tables", () => {
  it("any cell gives a finite numeric column, a text column, or E_PARSE", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(badToken, fc.double({ noNaN: true }).map(String)), { minLength: 1, maxLength: 6 }), (cells) => {
        const text = `a,b\n${cells.map((c, i) => `${c.replace(/[,"\n\r]/g, "")},${i}`).join("\n")}\n`;
        const t = parsesOrFails(() => parseCsvTable(text, "g.csv"), ["E_PARSE"]);
        if (t) {
          const col = t.column("a");
          if (col.kind === "number") for (const v of col.values) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
        }
      }),
      { seed: 17, numRuns: 400 },
    );
  });
});

describe("dataset loading (YAML and CSV)", () => {
  it("a dataset file with one value replaced loads or reports problems with file, line and code — never throws", () => {
    const dir = copyTestbot();
    const files = ["places/testbot.csv", "links/testbot.csv", "cargo.yaml", "modes.yaml", "borders/testbot.yaml", "terminals/testbot.yaml", "sources/testbot.yaml"];
    const originals = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    const value = fc.oneof(badToken, fc.constantFrom("*a", "&a x", "{", "[", "- ", "constructor", "__proto__", "src:toString", "!!js/function", "? x"));
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.nat(), value, (file, k, replacement) => {
        const original = originals.get(file)!;
        const tokens = original.split(/[\s,]+/).filter((t) => t !== "").length;
        let seen = 0;
        const target = k % tokens;
        writeFileSync(join(dir, file), original.replace(/[^\s,]+/g, (t) => (seen++ === target ? replacement : t)));
        try {
          const result = validateNetwork(dir);
          for (const p of result.problems) {
            expect(["E_PARSE", "E_NETWORK_INVALID", "E_PROVENANCE_MISSING"]).toContain(p.code);
            expect(p.file.length).toBeGreaterThan(0);
          }
          if (result.network) for (const place of result.network.places) expect(Number.isFinite(place.lonDeg) && Number.isFinite(place.latDeg)).toBe(true);
        } finally {
          writeFileSync(join(dir, file), original);
        }
      }),
      { seed: 18, numRuns: 60 },
    );
  });
});
