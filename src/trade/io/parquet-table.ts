/**
 * Parquet input for the trade tables (hyparquet, loaded on first use): the same Table a CSV gives.
 *
 * - Numeric physical types (int32, int64, float, double) and booleans become numeric columns (Float64Array [row]; a
 *   null is NaN; booleans 0/1; int64 beyond ±2^53 is refused, it would lose digits). Every value passes the number
 *   rule of the CSV cells (src/core/numbers.ts, "gravity tables (CSV)"), so both inputs accept the same data.
 * - Text (UTF-8 byte arrays) becomes a string column with level codes (order of first appearance), a null, "" or
 *   "NA" being missing, as in a CSV; dates become ISO 8601 text.
 * - Other types (binary without a text annotation, nested columns) are refused with the column named.
 */
import { readFileSync } from "node:fs";
import { CaravanError } from "../../core/errors";
import { MIN_NORMAL, NUMBER_FIELDS, rangeProblem } from "../../core/numbers";
import { lazyStringColumn } from "./csv-typed";
import { type Column, Table } from "./table";

const CELL_RULE = NUMBER_FIELDS["gravity tables (CSV)"]["(any numeric cell)"];

type Cell = number | bigint | boolean | string | Date | null | undefined | object;

/** Read a Parquet file into a Table. E_FILE_NOT_FOUND if unreadable, E_PARSE if it is not Parquet, E_DATA_INVALID for a value the tables cannot hold. */
export async function readParquetTable(path: string): Promise<Table> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  const { parquetMetadata, parquetRead, parquetSchema } = await import("hyparquet");
  const file: ArrayBuffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new CaravanError("E_PARSE", `${path}: not a readable Parquet file (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
  const schema = parquetSchema(metadata);
  const names = schema.children.map((c) => c.element.name);
  for (const child of schema.children) {
    if (child.children.length > 0) {
      throw new CaravanError("E_DATA_INVALID", `${path}: column "${child.element.name}" is nested; gravity tables need flat columns`, { details: { file: path, column: child.element.name } });
    }
  }
  const rowCount = Number(metadata.num_rows);
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<Cell> }[]>(names.map((n) => [n, []]));
  try {
    await parquetRead({
      file,
      metadata,
      onChunk: (chunk) => {
        chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<Cell> });
      },
    });
  } catch (error) {
    throw new CaravanError("E_PARSE", `${path}: cannot decode the Parquet data (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
  const columns: Column[] = names.map((name) => buildColumn(path, name, chunks.get(name) ?? [], rowCount));
  return new Table(columns, rowCount, path);
}

/** The first non-missing value of a column, deciding its kind. */
function firstValue(parts: readonly { data: ArrayLike<Cell> }[]): Cell {
  for (const { data } of parts) {
    for (let i = 0; i < data.length; i++) if (data[i] !== null && data[i] !== undefined) return data[i];
  }
  return undefined;
}

function buildColumn(path: string, name: string, parts: readonly { rowStart: number; data: ArrayLike<Cell> }[], rowCount: number): Column {
  const first = firstValue(parts);
  const bad = (row: number, problem: string): CaravanError =>
    new CaravanError("E_DATA_INVALID", `${path}: row ${row + 1}, column "${name}": ${problem}`, { details: { file: path, column: name, row: row + 1 } });
  if (first === undefined || typeof first === "number" || typeof first === "bigint" || typeof first === "boolean") {
    const values = new Float64Array(rowCount).fill(Number.NaN); // [row]
    for (const { rowStart, data } of parts) {
      for (let i = 0; i < data.length; i++) {
        const row = rowStart + i;
        if (row >= rowCount) break;
        const cell = data[i];
        if (cell === null || cell === undefined) continue;
        let v: number;
        if (typeof cell === "number") v = cell;
        else if (typeof cell === "boolean") v = cell ? 1 : 0;
        else if (typeof cell === "bigint") {
          if (cell > BigInt(Number.MAX_SAFE_INTEGER) || cell < -BigInt(Number.MAX_SAFE_INTEGER)) throw bad(row, `${cell} is beyond ±2^53 and would lose digits`);
          v = Number(cell);
        } else throw bad(row, `a ${typeof cell} in a numeric column`);
        if (Number.isNaN(v)) continue;
        if (!(v >= CELL_RULE.min && v <= CELL_RULE.max && (v === 0 || Math.abs(v) >= MIN_NORMAL))) throw bad(row, rangeProblem(v, CELL_RULE) ?? `${v} is out of range`);
        values[row] = v;
      }
    }
    return { kind: "number", name, values };
  }
  if (typeof first !== "string" && !(first instanceof Date)) {
    throw new CaravanError("E_DATA_INVALID", `${path}: column "${name}" holds ${first instanceof Uint8Array ? "binary data" : `values of type ${typeof first}`}; gravity tables take numbers and text`, {
      details: { file: path, column: name },
    });
  }
  const codes = new Int32Array(rowCount).fill(-1); // [row] level, −1 = missing
  const levels: string[] = [];
  const index = new Map<string, number>();
  for (const { rowStart, data } of parts) {
    for (let i = 0; i < data.length; i++) {
      const row = rowStart + i;
      if (row >= rowCount) break;
      const cell = data[i];
      if (cell === null || cell === undefined) continue;
      const text = typeof cell === "string" ? cell.trim() : cell instanceof Date ? cell.toISOString() : undefined;
      if (text === undefined) throw bad(row, `a ${typeof cell} in a text column`);
      if (text === "" || text === "NA") continue;
      let code = index.get(text);
      if (code === undefined) {
        code = levels.length;
        index.set(text, code);
        levels.push(text);
      }
      codes[row] = code;
    }
  }
  return lazyStringColumn(name, codes, levels);
}
