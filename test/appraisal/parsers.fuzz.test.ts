/**
 * Fuzz tests of the appraisal and study parsers (fast-check): any text gives either a result or a CaravanError
 * (never another exception, never NaN in a result), and ITPD-E files are read with their own columns and unit.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStreamsCsv } from "../../src/appraisal/index";
import { type CaravanError, isCaravanError } from "../../src/core/errors";
import { readGdp, readTradeMatrix } from "../../src/studies/belt-and-road/index";

const tmp = mkdtempSync(join(tmpdir(), "caravan-fuzz-"));

/** Lines built from pieces that look like the real files, so the fuzzer reaches deep into the parsers. */
const cell = fc.oneof(fc.constantFrom("", "NA", "-1", "0", "1e3", "2030", "2031", "x", "AAA", "BBB", "Aa", '"q,r"', "1.5", "1e400"), fc.string({ maxLength: 6 }));
const line = fc.array(cell, { minLength: 0, maxLength: 6 }).map((cells) => cells.join(","));
const text = (header: string) => fc.array(line, { maxLength: 8 }).map((ls) => [header, ...ls].join("\n"));

function safe(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isCaravanError(e)) throw e;
  }
}

describe("parser fuzzing", () => {
  it("streams CSV: a result with finite numbers, or a CaravanError", () => {
    fc.assert(
      fc.property(fc.oneof(text("year,capitalCostUsd,operatingCostUsd,benefitsUsd,residualValueUsd"), fc.string({ maxLength: 200 })), (t) => {
        try {
          const s = parseStreamsCsv(t, "f.csv");
          for (const a of [s.capitalCostUsd, s.operatingCostUsd, s.benefitsUsd, s.residualValueUsd]) for (const v of a) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          if (!isCaravanError(e)) throw e;
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it("trade matrix and GDP files: a result or a CaravanError", () => {
    const file = join(tmp, "t.csv");
    fc.assert(
      fc.property(fc.oneof(text("exporter,importer,trade,sector"), text("Country Name,Country Code,Year,Value"), fc.string({ maxLength: 200 })), (t) => {
        writeFileSync(file, t);
        safe(() => {
          const m = readTradeMatrix(file);
          for (const v of m.flows.values()) expect(v >= 0 && Number.isFinite(v)).toBe(true);
        });
        safe(() => readGdp(file));
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});

describe("ITPD-E", () => {
  it("reads exporter_iso3/importer_iso3/industry_id in million USD and asks for a year when there are several", () => {
    const file = join(tmp, "itpd.csv");
    writeFileSync(
      file,
      "exporter_iso3,exporter_name,importer_iso3,importer_name,year,industry_id,industry_descr,broad_sector,trade,flag_mirror,flag_zero\n" +
        "AAA,A,BBB,B,2019,1,x,Agriculture,2.5,0,p\nAAA,A,BBB,B,2019,2,y,Agriculture,1.5,0,p\nAAA,A,AAA,A,2019,1,x,Agriculture,10,0,p\nAAA,A,BBB,B,2018,1,x,Agriculture,9,0,p\n",
    );
    const m = readTradeMatrix(file, undefined, 2019);
    expect(m.flows.get("AAA\u0000BBB")).toBe(4e6);
    expect(m.flows.get("AAA\u0000AAA")).toBe(10e6);
    expect(m.sectors?.get("AAA\u0000BBB")?.get("2")).toBe(1.5e6);
    expect(() => readTradeMatrix(file)).toThrow(/several years/);
  });
});

describe("economy codes of a trade file", () => {
  it("with the network's economies, a code that is neither ISO 3166 nor the network's is an error at its line, with did you mean", () => {
    const file = join(tmp, "codes.csv");
    writeFileSync(file, "exporter,importer,trade\nCHN,DEU,100\nAAA,SUN,3\nDUE,CHN,5\n");
    const network = new Set(["AAA", "CHN"]);
    let error: CaravanError | undefined;
    try {
      readTradeMatrix(file, undefined, undefined, network);
    } catch (e) {
      error = e as CaravanError;
    }
    expect(error?.code).toBe("E_PARSE");
    expect(error?.message).toBe(`${file}:4: field "exporter": "DUE" is not an ISO 3166-1 alpha-3 code of an economy`);
    expect(error?.didYouMean).toContain("DEU");
    // ISO codes outside the network (DEU), former ISO 3166-3 codes (SUN) and the network's own codes (AAA) are read
    writeFileSync(file, "exporter,importer,trade\nCHN,DEU,100\nAAA,SUN,3\n");
    expect(readTradeMatrix(file, undefined, undefined, network).economies).toEqual(["AAA", "CHN", "DEU", "SUN"]);
  });
});
