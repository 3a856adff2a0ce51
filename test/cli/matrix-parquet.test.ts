/**
 * `caravan matrix --out FILE.parquet` on the "corridors" fixture (test/fixtures/routing/corridors/README.md): the
 * Parquet file read back with hyparquet holds the columns, types and values of the CSV (an empty CSV cell, an
 * unreachable pair, is a null), and is written atomically (no temporary file is left, an unwritable target keeps
 * nothing).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { CORRIDORS } from "../routing/helpers";

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", CORRIDORS, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function arrayBufferOf(file: string): ArrayBuffer {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe("caravan matrix --out FILE.parquet", () => {
  it("writes the CSV's columns, types and values as Parquet (empty cell = null)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-matrix-parquet-"));
    const csvFile = join(dir, "od.csv");
    const parquetFile = join(dir, "od.parquet");
    const args = ["matrix", "--places", "ori,dest,aport", "--modes", "sea"];
    const csvRun = await run(...args, "--out", csvFile);
    const pqRun = await run(...args, "--out", parquetFile);
    expect(csvRun.code).toBe(0);
    expect(pqRun.code).toBe(0);
    expect(pqRun.err).toBe("");
    expect(pqRun.out).toBe(`wrote 3 × 3 matrix to ${parquetFile} (Parquet)\n`);
    expect(readdirSync(dir).sort()).toEqual(["od.csv", "od.parquet"]);

    const [header, ...lines] = readFileSync(csvFile, "utf8").trim().split("\n");
    const names = header.split(",");
    expect(names).toEqual(["from", "to", "timeH", "costUsd", "co2Kg", "distanceKm"]);

    const file = arrayBufferOf(parquetFile);
    const metadata = parquetMetadata(file);
    const schema = parquetSchema(metadata);
    expect(schema.children.map((c) => c.element.name)).toEqual(names);
    expect(schema.children.map((c) => c.element.type)).toEqual(["BYTE_ARRAY", "BYTE_ARRAY", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"]);
    const rows = (await parquetReadObjects({ file })) as Record<string, string | number | null>[];
    expect(rows).toHaveLength(lines.length);
    expect(lines).toHaveLength(9);

    let empty = 0;
    lines.forEach((line, r) => {
      const cells = line.split(",");
      expect(rows[r].from).toBe(cells[0]);
      expect(rows[r].to).toBe(cells[1]);
      for (let k = 2; k < names.length; k++) {
        const v = rows[r][names[k]];
        if (cells[k] === "") {
          empty++;
          expect(v).toBeNull();
        } else {
          expect(typeof v).toBe("number");
          // same value, printed the CSV way
          expect((v as number).toFixed(names[k] === "distanceKm" ? 1 : 2)).toBe(cells[k]);
          expect(v).toBe(Number(cells[k]));
        }
      }
    });
    // by sea alone ori → dest is 8000 km in 320 h and ori → aport has no route (test/routing/cli.test.ts)
    const oriDest = rows.find((row) => row.from === "ori" && row.to === "dest");
    expect(oriDest).toEqual({ from: "ori", to: "dest", timeH: 320, costUsd: 1600, co2Kg: 1600, distanceKm: 8000 });
    expect(rows.find((row) => row.from === "ori" && row.to === "aport")).toEqual({ from: "ori", to: "aport", timeH: null, costUsd: null, co2Kg: null, distanceKm: null });
    expect(empty).toBeGreaterThan(0);
  });

  it("an unwritable target fails with E_FILE_WRITE and leaves nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-matrix-parquet-"));
    const { code, err } = await run("matrix", "--places", "ori,dest", "--out", join(dir, "missing", "od.parquet"));
    expect(code).not.toBe(0);
    expect(err).toMatch(/^caravan: E_FILE_WRITE: /);
    expect(readdirSync(dir)).toEqual([]);
  });
});
