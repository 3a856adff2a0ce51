/**
 * The typed CSV reader (src/trade/io/csv-typed.ts) against the general parser: on every file it accepts it must give
 * the same table (column kinds, every value bit for bit, string levels), and it must decline the files it does not
 * handle the same way, so that readCsvTable / parseCsvTable behave exactly as with the general parser alone.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Declined, readTypedCsv } from "../../../src/trade/io/csv-typed";
import { encodeFactor, parseCsvTable, parseCsvTableGeneral, type Table, tableFromColumns } from "../../../src/trade/io/table";

function expectSameTable(a: Table, b: Table): void {
  expect(a.rowCount).toBe(b.rowCount);
  expect(a.columnNames).toEqual(b.columnNames);
  for (const name of a.columnNames) {
    const x = a.column(name);
    const y = b.column(name);
    expect(x.kind).toBe(y.kind);
    for (let i = 0; i < a.rowCount; i++) expect(Object.is(x.values[i], y.values[i])).toBe(true);
  }
}

const bytes = (text: string) => Buffer.from(text, "utf8");

const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e18, max: 1e18 }).map(String),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.constantFrom("", "NA", "NaN", "nan", ".", " 7 ", "1e5", "-0", "+3.25", "0.1", "123456789012345678", "0.000001234567890123456789", "1.5E-3", "2.", ".5"),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,5}$/),
  fc.constantFrom("CHN", "KAZ", "Côte d'Ivoire", "Türkiye", "a b"),
);

describe("typed CSV reader", () => {
  it("reads what the general parser reads, value for value, on unquoted files", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 0, maxLength: 12 }),
        fc.boolean(),
        (width, rows, crlf) => {
          const eol = crlf ? "\r\n" : "\n";
          const header = Array.from({ length: width }, (_, j) => `c${j}`).join(",");
          const body = rows.map((r) => r.slice(0, width).join(",")).join(eol);
          const text = `${header}${eol}${body}${rows.length > 0 ? eol : ""}`;
          const typed = readTypedCsv(bytes(text));
          const general = (() => {
            try {
              return parseCsvTableGeneral(text, "p.csv");
            } catch (error) {
              return error as Error;
            }
          })();
          if (typed instanceof Declined) {
            // declined: only where the general parser reports an error or the file has a blank-only line
            expect(general instanceof Error || /blank/.test(typed.reason)).toBe(true);
            return;
          }
          expect(general).not.toBeInstanceOf(Error);
          expectSameTable(parseCsvTable(text, "p.csv"), general as Table);
        },
      ),
      { seed: 12, numRuns: 400 },
    );
  });

  it("converts decimals exactly as Number does, beyond the fast path too", () => {
    const cells = ["0.1", "0.3", "123456789.123456789", "9007199254740993", "1e-22", "1e-23", "123e15", "0.30000000000000004", "4.9406564584124654e-300", "-2.5e-8", "17", "1.7976931348623157e17"];
    const t = parseCsvTable(`x\n${cells.join("\n")}\n`, "n.csv");
    expect(Array.from(t.numeric("x"))).toEqual(cells.map(Number));
    expect(readTypedCsv(bytes(`x\n${cells.join("\n")}\n`))).not.toBeInstanceOf(Declined);
  });

  it("declines quotes, stray carriage returns, blank lines and errors; the general parser then reports them", () => {
    expect(readTypedCsv(bytes('a,b\n"x,y",2\n'))).toBeInstanceOf(Declined);
    expect(readTypedCsv(bytes("a,b\n1\r2,3\n"))).toBeInstanceOf(Declined);
    expect(readTypedCsv(bytes("a,b\n1,2\n   \n3,4\n"))).toBeInstanceOf(Declined);
    expect(readTypedCsv(bytes("a,b\n1,2\n3\n"))).toBeInstanceOf(Declined);
    expect(readTypedCsv(bytes("a,b\n1,2\n3,1e400\n"))).toBeInstanceOf(Declined);
    expect(() => parseCsvTable("a,b\n1,2\n3\n", "r.csv")).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ line: 3 }) }));
    expect(() => parseCsvTable("a,b\n1,2\n3,1e400\n", "r.csv")).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ line: 3, field: "b" }) }));
  });

  it("string columns carry level codes that give the same factor as the general encoding", () => {
    const text = "e,i,y,v\nCHN,KAZ,2019,1\nKAZ,NA,2019,2\n,CHN,2020,3\nCHN,KAZ,2020,4\n";
    const typed = parseCsvTable(text, "f.csv");
    const general = parseCsvTableGeneral(text, "f.csv");
    const column = typed.column("e");
    expect(column.kind === "string" && column.dictionary !== undefined).toBe(true);
    for (const f of ["e", "i", "y", "e^y", "e^i^y"]) {
      const a = encodeFactor(typed, f);
      const b = encodeFactor(general, f);
      expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
      expect(a.levels).toEqual(b.levels);
    }
  });

  it("numeric factors through the lookup path keep first-appearance order and missing cells", () => {
    const t = tableFromColumns({ y: [2020, 2019, Number.NaN, 2020, -5], z: [0.5, 1, 0.5, 2, 1] });
    const f = encodeFactor(t, "y");
    expect(Array.from(f.codes)).toEqual([0, 1, -1, 0, 2]);
    expect(f.levels).toEqual(["2020", "2019", "-5"]);
    expect(encodeFactor(t, "z").levels).toEqual(["0.5", "1", "2"]);
  });
});
