import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregatedTradeCsv, readSectorMap } from "../../../src/trade/import/aggregate";
import { importComtrade } from "../../../src/trade/import/comtrade";

const dir = mkdtempSync(join(tmpdir(), "caravan-comtrade-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/*
 * Comtrade+ layout, imports reported by DEU and KAZ:
 *   DEU imports from CHN 847130  value 1 000 000  netWgt 2 000 kg        → CHN→DEU XVI
 *   DEU imports from CHN 847130  by mode of transport 2100 (a breakdown)  → skipped
 *   DEU imports from World       847130                                  → skipped
 *   DEU exports to CHN 870323                                            → skipped (flow X)
 *   KAZ imports from CHN 851712  value 300 000   netWgt empty            → density of the same HS6? none; section XVI:
 *                                                                          1 000 000 USD / 2 t → 0.6 t
 *   KAZ imports from CHN 85      (2-digit total)                         → skipped (not 6 digits)
 */
const COMTRADE = [
  "typeCode,freqCode,refYear,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,partner2Code,cmdCode,cmdDesc,customsCode,motCode,netWgt,primaryValue",
  'C,A,2022,276,DEU,M,156,CHN,0,847130,"Laptops, portable",C00,0,2000,1000000',
  'C,A,2022,276,DEU,M,156,CHN,0,847130,"Laptops, portable",C00,2100,1500,700000',
  "C,A,2022,276,DEU,M,0,W00,0,847130,Laptops,C00,0,9000,5000000",
  "C,A,2022,276,DEU,X,156,CHN,0,870323,Cars,C00,0,50000,9000000",
  "C,A,2022,398,KAZ,M,156,CHN,0,851712,Phones,C00,0,,300000",
  "C,A,2022,398,KAZ,M,156,CHN,0,85,Electrical,C00,0,100,400000",
  "",
].join("\n");

describe("Comtrade import", () => {
  it("keeps one flow direction and 6-digit codes, skips breakdown and World rows, fills missing weights", async () => {
    const t = await importComtrade(file("ct.csv", COMTRADE), { sectorMap: readSectorMap() });
    expect(aggregatedTradeCsv(t)).toBe(
      ["exporter,importer,sector,valueUsd,massT,massEstimatedT,flows", "CHN,DEU,XVI,1000000,2,0,1", "CHN,KAZ,XVI,300000,0.6,0.6,1", ""].join("\n"),
    );
    expect(t.skippedRows).toBe(4);
  });

  it("reads tab-separated legacy bulk files (export flows)", async () => {
    const legacy = [
      ["Classification", "Year", "Trade Flow Code", "Reporter ISO", "Partner ISO", "Commodity Code", "Netweight (kg)", "Trade Value (US$)"].join("\t"),
      ["H5", "2019", "2", "KAZ", "CHN", "260300", "1000000", "2500000"].join("\t"),
      ["H5", "2019", "1", "KAZ", "CHN", "847130", "10", "100000"].join("\t"),
      "",
    ].join("\n");
    const t = await importComtrade(file("legacy.tsv", legacy), { sectorMap: readSectorMap(), flow: "X" });
    expect(aggregatedTradeCsv(t)).toBe(["exporter,importer,sector,valueUsd,massT,massEstimatedT,flows", "KAZ,CHN,V,2500000,1000,0,1", ""].join("\n"));
  });

  it("reports a malformed value as E_PARSE with file, line and field", async () => {
    const path = file("bad.csv", `${COMTRADE.split("\n")[0]}\nC,A,2022,276,DEU,M,156,CHN,0,847130,x,C00,0,2000,lots\n`);
    await expect(importComtrade(path, { sectorMap: readSectorMap() })).rejects.toMatchObject({ code: "E_PARSE", details: { file: path, line: 2, field: "primaryValue" } });
  });

  it("rejects a file without the Comtrade columns (E_DATA_INVALID)", async () => {
    await expect(importComtrade(file("nope.csv", "a,b\n1,2\n"), { sectorMap: readSectorMap() })).rejects.toMatchObject({ code: "E_DATA_INVALID" });
  });
});
