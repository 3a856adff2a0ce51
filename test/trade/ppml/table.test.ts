import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeFactor, MISSING_LEVEL, parseCsvTable, readCsvTable, tableFromColumns } from "../../../src/trade/io/table";

const csv = `exporter,importer,year,trade,note
CHN,KAZ,2019,10.5,"a, quoted"
KAZ,CHN,2019,NA,
CHN,KAZ,2020,12,x
KAZ,CHN,2020,0,
`;

describe("CSV table", () => {
  it("infers numeric and string columns and reads missing cells as NaN / empty", () => {
    const t = parseCsvTable(csv, "t.csv");
    expect(t.rowCount).toBe(4);
    expect(t.columnNames).toEqual(["exporter", "importer", "year", "trade", "note"]);
    expect(t.column("exporter").kind).toBe("string");
    expect(Array.from(t.numeric("year"))).toEqual([2019, 2019, 2020, 2020]);
    const trade = t.numeric("trade");
    expect(trade[0]).toBe(10.5);
    expect(Number.isNaN(trade[1])).toBe(true);
    expect(t.column("note").values[0]).toBe("a, quoted");
  });

  it("forced types: a string year, and a word in a forced numeric column names file, line and field", () => {
    expect(parseCsvTable(csv, "t.csv", { types: { year: "string" } }).column("year").kind).toBe("string");
    const bad = "a,b\n1,2\n3,x\n";
    try {
      parseCsvTable(bad, "bad.csv", { types: { b: "number" } });
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe("E_PARSE");
      expect((error as { details: unknown }).details).toEqual({ file: "bad.csv", line: 3, field: "b" });
    }
  });

  it("a row with the wrong number of fields is an E_PARSE naming its line", () => {
    expect(() => parseCsvTable("a,b\n1,2\n3\n", "r.csv")).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ line: 3 }) }));
  });

  it("an unknown column is E_DATA_INVALID with a suggestion", () => {
    const t = parseCsvTable(csv, "t.csv");
    expect(() => t.column("exportr")).toThrow(expect.objectContaining({ code: "E_DATA_INVALID", didYouMean: expect.arrayContaining(["exporter"]) }));
    expect(() => t.numeric("exporter")).toThrow(expect.objectContaining({ code: "E_DATA_INVALID" }));
  });

  it("a missing file is E_FILE_NOT_FOUND; a file on disk reads like text", () => {
    expect(() => readCsvTable("/nonexistent/x.csv")).toThrow(expect.objectContaining({ code: "E_FILE_NOT_FOUND" }));
    const dir = mkdtempSync(join(tmpdir(), "caravan-table-"));
    writeFileSync(join(dir, "a.csv"), csv);
    expect(readCsvTable(join(dir, "a.csv"), { columns: ["trade", "year"] }).columnNames).toEqual(["trade", "year"]);
  });
});

describe("factor encoding", () => {
  it("codes levels densely in order of first appearance", () => {
    const f = encodeFactor(parseCsvTable(csv, "t.csv"), "exporter");
    expect(Array.from(f.codes)).toEqual([0, 1, 0, 1]);
    expect(f.levels).toEqual(["CHN", "KAZ"]);
  });

  it("interactions a^b get one level per distinct combination, labelled with ^", () => {
    const t = parseCsvTable(csv, "t.csv");
    const f = encodeFactor(t, "exporter^year");
    expect(Array.from(f.codes)).toEqual([0, 1, 2, 3]);
    expect(f.levels).toEqual(["CHN^2019", "KAZ^2019", "CHN^2020", "KAZ^2020"]);
    const g = encodeFactor(t, ["exporter", "importer"]);
    expect(g.levelCount).toBe(2);
  });

  it("missing cells get MISSING_LEVEL, in a part of an interaction too", () => {
    const t = tableFromColumns({ a: ["x", "", "y"], b: [1, 2, Number.NaN] });
    expect(Array.from(encodeFactor(t, "a").codes)).toEqual([0, MISSING_LEVEL, 1]);
    expect(Array.from(encodeFactor(t, "a^b").codes)).toEqual([0, MISSING_LEVEL, MISSING_LEVEL]);
  });

  it("selectRows keeps the chosen rows in order", () => {
    const t = parseCsvTable(csv, "t.csv").selectRows([1, 0, 0, 1]);
    expect(t.rowCount).toBe(2);
    expect(Array.from(t.numeric("year"))).toEqual([2019, 2020]);
  });
});
