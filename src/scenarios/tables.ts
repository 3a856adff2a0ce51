/**
 * Result tables of scenario runs: typed columns written as CSV and Parquet, read back from CSV, and a folder written
 * atomically (everything goes to a hidden temporary sibling, renamed into place at the end; a failed or killed run
 * leaves no half-written folder under the target name).
 *
 * Numbers in tables are written with at most 6 decimals (rounded once, here), so the same inputs give the same bytes;
 * an unknown number is an empty CSV field and a null Parquet value.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TEMP_MARKER } from "../core/atomic-write";
import { CaravanError } from "../core/errors";
import { holdTerminationSignals } from "../core/signals";

export type ColumnType = "STRING" | "DOUBLE" | "INT32" | "BOOLEAN";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly values: (string | number | boolean | null)[];
}

export interface Table {
  /** File stem, e.g. "pairs" → pairs.csv, pairs.parquet. */
  readonly name: string;
  readonly columns: readonly Column[];
}

/** A number rounded to 6 decimals (−0 → 0); NaN and ±Infinity → null. */
export function roundValue(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

/** Build a table from rows and a column spec. */
export function tableOf<R>(name: string, rows: readonly R[], spec: readonly [string, ColumnType, (r: R) => string | number | boolean | null][]): Table {
  return {
    name,
    columns: spec.map(([col, type, get]) => ({
      name: col,
      type,
      values: rows.map((r) => {
        const v = get(r);
        return type === "DOUBLE" && typeof v === "number" ? roundValue(v) : v;
      }),
    })),
  };
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function rowCount(t: Table): number {
  return t.columns.length === 0 ? 0 : t.columns[0].values.length;
}

export function tableCsv(t: Table): string {
  const lines = [t.columns.map((c) => c.name).join(",")];
  const n = rowCount(t);
  for (let i = 0; i < n; i++) lines.push(t.columns.map((c) => csvField(c.values[i])).join(","));
  return `${lines.join("\n")}\n`;
}

/** Parquet bytes of a table (hyparquet-writer, loaded on first use). */
export async function tableParquet(t: Table): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const buffer = parquetWriteBuffer({
    columnData: t.columns.map((c) => ({ name: c.name, data: c.values, type: c.type })),
  });
  return new Uint8Array(buffer);
}

/** Parse a CSV written by tableCsv into its header and rows of fields (E_RUN_INVALID when malformed). */
export function readCsvTable(file: string): { header: string[]; rows: string[][]; column: (name: string) => number } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CaravanError("E_RUN_INVALID", `${file} is missing or unreadable`, { details: { file } });
  }
  const records = parseCsv(text);
  if (records.length === 0) throw new CaravanError("E_RUN_INVALID", `${file}: no header`, { details: { file } });
  const header = records[0];
  const rows = records.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new CaravanError("E_RUN_INVALID", `${file}:${i + 2}: ${r.length} fields for ${header.length} columns`, { details: { file, line: i + 2 } });
  });
  const column = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new CaravanError("E_RUN_INVALID", `${file}: no column "${name}"`, { details: { file, field: name } });
    return k;
  };
  return { header, rows, column };
}

/** Parse a CSV written by tableCsv back into rows of strings keyed by column (E_RUN_INVALID when malformed). */
export function readCsvRows(file: string): Record<string, string>[] {
  const { header, rows } = readCsvTable(file);
  return rows.map((r) => {
    const row: Record<string, string> = {};
    header.forEach((h, k) => {
      row[h] = r[k];
    });
    return row;
  });
}

/** RFC 4180 CSV (quoted fields with doubled quotes); lines without a quote take a split fast path. */
function parseCsv(text: string): string[][] {
  if (!text.includes('"')) {
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l).split(","));
  }
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      out.push(row);
      row = [];
      field = "";
    } else if (ch !== "\r") field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

/**
 * Write a folder atomically: `fill(tmp)` writes into a temporary sibling directory (`.<name>.caravan-tmp-<pid>-…`),
 * which then replaces `dir` (an existing folder is moved aside and removed only after the rename succeeded). On any
 * failure, or SIGINT/SIGTERM meanwhile, the temporary folder is removed (E_FILE_WRITE on failure); `dir` keeps its
 * previous content. Only SIGKILL can leave the hidden temporary folder behind, never a half-written `dir`.
 */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const parent = dirname(dir);
  const tag = `${process.pid}-${randomBytes(6).toString("hex")}`;
  const tmp = join(parent, `.${basename(dir)}${TEMP_MARKER}${tag}`);
  const old = join(parent, `.${basename(dir)}${TEMP_MARKER}${tag}-old`);
  // SIGINT/SIGTERM while the folder is being written remove the temporary folder before the process ends
  const release = holdTerminationSignals(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    await writeFolderUnderHold(dir, tmp, old, fill);
  } finally {
    release();
  }
}

async function writeFolderUnderHold(dir: string, tmp: string, old: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const parent = dirname(dir);
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(tmp);
    await fill(tmp);
    // a signal that came during the last synchronous writes is handled here, before the rename
    await turnEventLoop();
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (error instanceof CaravanError) throw error;
    throw new CaravanError("E_FILE_WRITE", `cannot write ${dir}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw new CaravanError("E_FILE_WRITE", `cannot write ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Let the event loop turn once. Writing a folder is synchronous work between awaits that settle at once (the
 * Parquet writer is loaded after the first table), so a SIGINT/SIGTERM held by writeFolderAtomic would wait for the
 * whole folder — and be lost if the command then exits — unless the loop turns between tables.
 */
export function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Write a table as CSV and Parquet into a folder (after letting the event loop turn: see turnEventLoop). */
export async function writeTable(dir: string, t: Table): Promise<void> {
  await turnEventLoop();
  writeFileSync(join(dir, `${t.name}.csv`), tableCsv(t));
  writeFileSync(join(dir, `${t.name}.parquet`), await tableParquet(t));
}
