import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { aggregatedTradeCsv, readSectorMap, totalSectorMap } from "../../../src/trade/import/aggregate";
import { importBaci, readBaciCountries } from "../../../src/trade/import/baci";
import { readParquetTable } from "../../../src/trade/io/parquet-table";
import { readCsvTable } from "../../../src/trade/io/table";

const dir = mkdtempSync(join(tmpdir(), "caravan-baci-"));
function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const countries = file("country_codes.csv", "country_code,country_name,country_iso2,country_iso3\n398,Kazakhstan,KZ,KAZ\n156,China,CN,CHN\n276,Germany,DE,DEU\n");

/*
 * Hand-checkable flows (v in thousand USD, q in tonnes):
 *   KAZ→CHN 270900 crude oil  v=300  q=600      section V
 *   KAZ→CHN 260300 copper ore v=100  q=NA       section V: density from same-HS6? none → sector V: 300 000 USD / 600 t = 500 USD/t → 200 t
 *   CHN→DEU 847130 laptops    v=50   q=5        section XVI
 *   CHN→DEU 847130 laptops    v=10   q=NA       same HS6: 50 000 / 5 = 10 000 USD/t → 1 t
 *   CHN→DEU 851712 phones     v=20   q=0.5      section XVI
 */
const BACI = [
  "t,i,j,k,v,q",
  "2022,398,156,270900,300.000,600.000",
  '2022,398,156,"260300",100.000,         NA',
  "2022,156,276,847130,50,5",
  "2022,156,276,847130,10,NA",
  "2022,156,276,851712,    20.000,      0.500",
  "",
].join("\n");

describe("BACI import", () => {
  it("aggregates to pairs and HS sections, filling missing quantities by value density", async () => {
    const t = await importBaci(file("baci.csv", BACI), readBaciCountries(countries), { sectorMap: readSectorMap() });
    expect(aggregatedTradeCsv(t)).toBe(
      [
        "exporter,importer,sector,valueUsd,massT,massEstimatedT,flows",
        "CHN,DEU,XVI,80000,6.5,1,3",
        "KAZ,CHN,V,400000,800,200,2",
        "",
      ].join("\n"),
    );
    expect(t.inputRows).toBe(5);
    expect(t.rowsWithoutMass).toBe(2);
    expect(t.fill).toEqual({ hs6: 1, sector: 1, table: 0, all: 0, none: 0 });
  });

  it("reads gzipped files and CRLF line ends the same way", async () => {
    const path = file("baci.csv.gz", gzipSync(Buffer.from(BACI.replace(/\n/g, "\r\n"))));
    const t = await importBaci(path, readBaciCountries(countries), { sectorMap: totalSectorMap() });
    expect(Array.from(t.valueUsd)).toEqual([80000, 400000]);
    expect(t.sectors[t.sector[0]]).toBe("TOTAL");
  });

  it("gives the same totals whatever the chunk size (rows split across reads)", async () => {
    const path = file("baci2.csv", BACI);
    for (const chunkBytes of [7, 16, 64]) {
      const t = await importBaci(path, readBaciCountries(countries), { sectorMap: readSectorMap(), chunkBytes });
      expect(Array.from(t.massT)).toEqual([6.5, 800]);
    }
  });

  const malformed: [string, string, number, string][] = [
    ["a value that is not a number", "2022,398,156,270900,abc,1", 2, "v"],
    ["an unknown country code", "2022,398,999,270900,1,1", 2, "j"],
    ["a row with five fields", "2022,398,156,270900,1", 2, "q"],
    ["a negative quantity", "2022,398,156,270900,1,-2", 2, "q"],
    ["a seven-digit product code", "2022,398,156,2709001,1,1", 2, "k"],
  ];
  for (const [what, row, line, field] of malformed) {
    it(`reports ${what} as E_PARSE with file, line and field`, async () => {
      const path = file(`bad-${field}.csv`, `t,i,j,k,v,q\n${row}\n`);
      await expect(importBaci(path, readBaciCountries(countries), { sectorMap: readSectorMap() })).rejects.toMatchObject({
        code: "E_PARSE",
        details: { file: path, line, field },
      });
    });
  }

  it("rejects a file whose header is not t,i,j,k,v,q", async () => {
    const path = file("bad-header.csv", "year,exporter\n2022,1\n");
    await expect(importBaci(path, readBaciCountries(countries), { sectorMap: readSectorMap() })).rejects.toMatchObject({ code: "E_PARSE", details: { line: 1 } });
  });

  it("caravan gravity import --baci writes the aggregated table atomically", async () => {
    const out = join(dir, "out.csv");
    let text = "";
    const code = await runCli(["gravity", "import", "--baci", file("baci3.csv", BACI), "--countries", countries, "--out", out, "--json"], { out: (s) => (text += s), err: () => {} });
    expect(code).toBe(0);
    const summary = JSON.parse(text);
    expect(summary).toMatchObject({ inputRows: 5, outputRows: 2, valueUsd: 480000, massEstimatedT: 201 });
  });

  it("--out FILE.parquet writes the same table as Parquet, which gravity tables read back", async () => {
    const csvOut = join(dir, "same.csv");
    const parquetOut = join(dir, "same.parquet");
    for (const out of [csvOut, parquetOut]) {
      const code = await runCli(["gravity", "import", "--baci", file("baci4.csv", BACI), "--countries", countries, "--out", out, "--json"], { out: () => {}, err: () => {} });
      expect(code).toBe(0);
    }
    const fromCsv = readCsvTable(csvOut);
    const fromParquet = await readParquetTable(parquetOut);
    expect(fromParquet.columnNames).toEqual(fromCsv.columnNames);
    expect(fromParquet.rowCount).toBe(2);
    for (const name of fromCsv.columnNames) expect([...fromParquet.column(name).values]).toEqual([...fromCsv.column(name).values]);
  });
});

describe("sector mappings", () => {
  it("a 4-digit line refines its chapter and unknown codes go to UNMAPPED", () => {
    const map = readSectorMap(file("map.csv", "hs,sector\n84-85,machinery\n8471,computers\n"));
    expect(map.sectors[map.sectorOfHs6[847130]]).toBe("computers");
    expect(map.sectors[map.sectorOfHs6[850110]]).toBe("machinery");
    expect(map.sectors[map.sectorOfHs6[10121]]).toBe("UNMAPPED");
  });

  it("the shipped HS sections cover chapters 01–97 except the reserved 77", () => {
    const map = readSectorMap();
    for (let chapter = 1; chapter <= 97; chapter++) {
      const sector = map.sectors[map.sectorOfHs6[chapter * 10000]];
      if (chapter === 77) expect(sector).toBe("XV");
      else expect(sector).not.toBe("UNMAPPED");
    }
  });

  it("reports a malformed code with E_PARSE", () => {
    const path = file("badmap.csv", "hs,sector\n8a,x\n");
    expect(() => readSectorMap(path)).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ line: 2, field: "hs" }) }));
  });
});
