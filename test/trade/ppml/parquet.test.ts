/**
 * Parquet input of the trade tables (src/trade/io/parquet-table.ts): the same table as the CSV of the same data (column
 * kinds, values, missing cells, factor levels), the same estimates through `gravity estimate`, and clear errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main";
import { estimateGravity } from "../../../src/trade/ppml/estimate";
import { readParquetTable } from "../../../src/trade/io/parquet-table";
import { encodeFactor, readCsvTable } from "../../../src/trade/io/table";

const dir = mkdtempSync(join(tmpdir(), "caravan-parquet-"));

// exporter × importer × year with a missing trade value and a missing importer; trade falls with distance
const exporters = ["CHN", "KAZ", "RUS", "DEU"];
const importers = ["POL", "KAZ", "TUR", "IRN", "CHN"];
const rows: { exporter: string; importer: string | null; year: number; trade: number | null; dist: number; rta: number }[] = [];
let k = 0;
for (let year = 2018; year <= 2021; year++) {
  for (const e of exporters) {
    for (const i of importers) {
      if (e === i) continue;
      k++;
      const dist = 1 + ((k * 7) % 11);
      const rta = (k * 3) % 4 === 0 ? 1 : 0;
      const trade = k % 13 === 0 ? 0 : Math.round(1000 * Math.exp(-0.8 * Math.log(dist) + 0.3 * rta + ((k * 5) % 7) / 10)) / 10;
      rows.push({ exporter: e, importer: k === 17 ? null : i, year, trade: k === 23 ? null : trade, dist, rta });
    }
  }
}
const csvFile = join(dir, "trade.csv");
writeFileSync(
  csvFile,
  `exporter,importer,year,trade,dist,rta\n${rows.map((r) => `${r.exporter},${r.importer ?? "NA"},${r.year},${r.trade ?? ""},${r.dist},${r.rta}`).join("\n")}\n`,
);
const parquetFile = join(dir, "trade.parquet");
writeFileSync(
  parquetFile,
  new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "exporter", data: rows.map((r) => r.exporter), type: "STRING" },
        { name: "importer", data: rows.map((r) => r.importer), type: "STRING" },
        { name: "year", data: Int32Array.from(rows, (r) => r.year), type: "INT32" },
        { name: "trade", data: rows.map((r) => r.trade), type: "DOUBLE" },
        { name: "dist", data: rows.map((r) => BigInt(r.dist)), type: "INT64" },
        { name: "rta", data: rows.map((r) => r.rta === 1), type: "BOOLEAN" },
      ],
    }),
  ),
);
const formula = "trade ~ log(dist) + rta | exporter^year + importer^year + exporter^importer";

describe("Parquet trade tables", () => {
  it("read as the same table as the CSV of the same data", async () => {
    const p = await readParquetTable(parquetFile);
    const c = readCsvTable(csvFile);
    expect(p.rowCount).toBe(rows.length);
    expect(p.columnNames).toEqual(c.columnNames);
    for (const name of c.columnNames) {
      const a = p.column(name);
      const b = c.column(name);
      expect(a.kind).toBe(b.kind);
      for (let i = 0; i < p.rowCount; i++) expect(Object.is(a.values[i], b.values[i])).toBe(true);
    }
    for (const f of ["exporter", "importer^year"]) {
      expect(Array.from(encodeFactor(p, f).codes)).toEqual(Array.from(encodeFactor(c, f).codes));
      expect(encodeFactor(p, f).levels).toEqual(encodeFactor(c, f).levels);
    }
  });

  it("give the same estimates as the CSV, through the library and through `gravity estimate --data FILE.parquet`", async () => {
    const fromParquet = estimateGravity(await readParquetTable(parquetFile), formula);
    const fromCsv = estimateGravity(readCsvTable(csvFile), formula);
    expect(fromParquet.observations).toBe(fromCsv.observations);
    expect(fromParquet.dropped.missing).toBe(2);
    expect(fromParquet.coefficients).toEqual(fromCsv.coefficients);
    let out = "";
    const code = await runCli(["gravity", "estimate", "--data", parquetFile, "--formula", formula, "--json", "--no-store"], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    const json = JSON.parse(out) as { coefficients: { name: string; estimate: number }[]; timings: { readS: number; fitS: number; readCpuS: number; fitCpuS: number; iterations: number } };
    expect(json.coefficients.map((x) => x.estimate)).toEqual(fromCsv.coefficients.map((x) => x.estimate));
    expect(json.timings.iterations).toBe(fromCsv.iterations);
    for (const t of [json.timings.readS, json.timings.fitS, json.timings.readCpuS, json.timings.fitCpuS]) expect(t).toBeGreaterThanOrEqual(0);
  });

  it("a file that is not Parquet is E_PARSE naming it; a missing one E_FILE_NOT_FOUND", async () => {
    const bad = join(dir, "bad.parquet");
    writeFileSync(bad, "exporter,importer\nA,B\n");
    await expect(readParquetTable(bad)).rejects.toMatchObject({ code: "E_PARSE", details: { file: bad } });
    await expect(readParquetTable(join(dir, "none.parquet"))).rejects.toMatchObject({ code: "E_FILE_NOT_FOUND" });
  });

  it("a number outside the number rule is E_DATA_INVALID with row and column", async () => {
    const file = join(dir, "range.parquet");
    writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "trade", data: [1, 2e300], type: "DOUBLE" }] })));
    await expect(readParquetTable(file)).rejects.toMatchObject({ code: "E_DATA_INVALID", details: { column: "trade", row: 2 } });
  });
});
