/**
 * A small columnar data frame for the trade stage: CSV in, typed columns out, factors as Int32 codes.
 *
 * - A table has `rowCount` rows and named columns. A numeric column is a `Float64Array` indexed by row, with `NaN`
 *   for a missing cell (empty, `NA`, `NaN`, `.`). A string column is a `string[]` indexed by row (`""` = missing).
 * - Column types are inferred when reading: a column is numeric when every non-missing cell is a finite number,
 *   otherwise string. `types` overrides the inference (e.g. keep `year` as a string, or force a numeric column so a
 *   stray word in it is reported with file, line and field).
 * - A factor is the encoding of one column, or of the interaction of several (`exporter^year`), into dense codes
 *   `0 .. levelCount-1` in order of first appearance. Missing cells get the code `MISSING_LEVEL`.
 *
 * The table is immutable once built; `selectRows` makes a new one.
 */
import { readFileSync } from "node:fs";
import { CsvError, parse } from "csv-parse/sync";
import { CaravanError, parseError } from "../../core/errors";
import { isPlainDecimal, MIN_NORMAL, NUMBER_FIELDS, rangeProblem } from "../../core/numbers";
import { suggest } from "../../core/suggest";
import { Declined, readTypedCsv } from "./csv-typed";

export type ColumnType = "number" | "string";

export interface NumericColumn {
  readonly kind: "number";
  readonly name: string;
  /** [row] value; NaN = missing. */
  readonly values: Float64Array;
}

export interface StringColumn {
  readonly kind: "string";
  readonly name: string;
  /** [row] value; "" = missing. */
  readonly values: readonly string[];
  /**
   * The same column as level codes, when the reader built them: `codes[row]` indexes `levels` (distinct non-missing
   * values in order of first appearance), −1 for a missing cell. Absent on derived tables (`take`, `selectRows`).
   */
  readonly dictionary?: { readonly codes: Int32Array; readonly levels: readonly string[] };
}

export type Column = NumericColumn | StringColumn;

/** Code of a row whose factor value is missing (any missing cell in an interaction). */
export const MISSING_LEVEL = -1;

export interface Factor {
  /** Column names joined by `^`, e.g. `exporter^year`. */
  readonly name: string;
  /** [row] level index 0 .. levelCount-1, or MISSING_LEVEL. */
  readonly codes: Int32Array;
  readonly levelCount: number;
  /** [level] label: the cell values joined by `^` (numbers printed as JavaScript prints them). */
  readonly levels: readonly string[];
}

export class Table {
  readonly rowCount: number;
  /** Where the table came from (a file path), used in error messages. */
  readonly source: string;
  private readonly byName: Map<string, Column>;
  readonly columnNames: readonly string[];

  constructor(columns: readonly Column[], rowCount: number, source = "<table>") {
    this.rowCount = rowCount;
    this.source = source;
    this.byName = new Map();
    for (const column of columns) {
      // a reader's string column may build its values on first use: its codes give the length
      const length = column.kind === "string" && column.dictionary ? column.dictionary.codes.length : column.values.length;
      if (length !== rowCount) {
        throw new RangeError(`Table: column "${column.name}" has ${length} rows, expected ${rowCount}`);
      }
      if (this.byName.has(column.name)) throw new RangeError(`Table: duplicate column "${column.name}"`);
      this.byName.set(column.name, column);
    }
    this.columnNames = columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The column `name`; E_DATA_INVALID with suggestions when there is none. */
  column(name: string): Column {
    const column = this.byName.get(name);
    if (column === undefined) {
      throw new CaravanError("E_DATA_INVALID", `${this.source}: no column "${name}" (columns: ${this.columnNames.join(", ")})`, {
        didYouMean: suggest(name, this.columnNames),
        details: { file: this.source, column: name },
      });
    }
    return column;
  }

  /** The numeric column `name`; E_DATA_INVALID when it is missing or holds strings. */
  numeric(name: string): Float64Array {
    const column = this.column(name);
    if (column.kind !== "number") {
      const row = column.values.findIndex((v) => v !== "" && !isPlainDecimal(v));
      throw new CaravanError("E_DATA_INVALID", `${this.source}: column "${name}" is not numeric (row ${row + 1}: "${column.values[row]}")`, {
        details: { file: this.source, column: name },
      });
    }
    return column.values;
  }

  /** A new table with the rows where `keep[row]` is non-zero, in order. */
  selectRows(keep: ArrayLike<number | boolean>): Table {
    const rows: number[] = [];
    for (let i = 0; i < this.rowCount; i++) if (keep[i]) rows.push(i);
    return this.take(rows);
  }

  /** A new table made of the given rows, in the given order. */
  take(rows: ArrayLike<number>): Table {
    const n = rows.length;
    const columns: Column[] = [];
    for (const name of this.columnNames) {
      const column = this.byName.get(name)!;
      if (column.kind === "number") {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = column.values[rows[i]];
        columns.push({ kind: "number", name, values });
      } else {
        const values = new Array<string>(n);
        for (let i = 0; i < n; i++) values[i] = column.values[rows[i]];
        columns.push({ kind: "string", name, values });
      }
    }
    return new Table(columns, n, this.source);
  }

  /** A new table with `column` added (or replaced). */
  withColumn(column: Column): Table {
    const columns = this.columnNames.filter((n) => n !== column.name).map((n) => this.byName.get(n)!);
    columns.push(column);
    return new Table(columns, this.rowCount, this.source);
  }
}

/** Build a table from plain arrays: numbers (any numeric array) become numeric columns, string arrays string columns. */
export function tableFromColumns(columns: Readonly<Record<string, ArrayLike<number> | readonly string[]>>, source = "<table>"): Table {
  const list: Column[] = [];
  let rowCount = -1;
  for (const [name, values] of Object.entries(columns)) {
    if (rowCount < 0) rowCount = values.length;
    if (values.length > 0 && typeof values[0] === "string") {
      list.push({ kind: "string", name, values: Array.from(values as readonly string[]) });
    } else {
      list.push({ kind: "number", name, values: Float64Array.from(values as ArrayLike<number>) });
    }
  }
  return new Table(list, Math.max(rowCount, 0), source);
}

export interface ReadCsvOptions {
  /** Force a column's type instead of inferring it. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Read only these columns (all when absent); each must exist. */
  readonly columns?: readonly string[];
  /** Field delimiter; default ",". */
  readonly delimiter?: string;
}

const MISSING_TOKENS = new Set(["", "NA", "NaN", "nan", "."]);
/** The range of every numeric cell (the one number rule, src/core/numbers.ts). */
const CELL_RULE = NUMBER_FIELDS["gravity tables (CSV)"]["(any numeric cell)"];
/** Flag of parseNumberCell: the cell is not a plain decimal (the column is text). */
const NOT_DECIMAL = Number.POSITIVE_INFINITY;
/** Flag of parseNumberCell: the cell is a decimal whose value is out of range (overflow, subnormal, beyond CELL_RULE). */
const OUT_OF_RANGE = Number.NEGATIVE_INFINITY;

/** A cell's value: NaN for a missing value, or one of the flags NOT_DECIMAL / OUT_OF_RANGE. Allocates nothing. */
function parseNumberCell(cell: string): number {
  if (MISSING_TOKENS.has(cell)) return Number.NaN;
  if (!isPlainDecimal(cell)) return NOT_DECIMAL;
  const value = Number(cell);
  return value >= CELL_RULE.min && value <= CELL_RULE.max && (value === 0 || Math.abs(value) >= MIN_NORMAL) ? value : OUT_OF_RANGE;
}

/**
 * Read a CSV file with a header row into a Table. E_FILE_NOT_FOUND if unreadable, E_PARSE for malformed rows.
 * Files without quotes go through the typed byte reader (src/trade/io/csv-typed.ts); the others, and every file with an
 * error, through the general parser, which gives the same table and reports the error.
 */
export function readCsvTable(path: string, options: ReadCsvOptions = {}): Table {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  const typed = readTypedCsv(bytes, options);
  if (!(typed instanceof Declined)) return new Table(typed.columns, typed.rowCount, path);
  return parseCsvTableGeneral(bytes.toString("utf8"), path, options);
}

/** Parse CSV text (header row first) into a Table; `file` names the source in error messages. */
export function parseCsvTable(text: string, file: string, options: ReadCsvOptions = {}): Table {
  const typed = readTypedCsv(Buffer.from(text, "utf8"), options);
  if (!(typed instanceof Declined)) return new Table(typed.columns, typed.rowCount, file);
  return parseCsvTableGeneral(text, file, options);
}

/** `parseCsvTable` through the general parser (csv-parse) only: quoted fields, every error message. */
export function parseCsvTableGeneral(text: string, file: string, options: ReadCsvOptions = {}): Table {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, delimiter: options.delimiter ?? ",", info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as unknown as { lines?: number }).lines ?? 0;
      throw parseError(file, line, "(row)", error.message);
    }
    throw error;
  }
  if (records.length === 0) throw parseError(file, 1, "(header)", "the file is empty; a header row is required");
  const header = records[0].record;
  const seen = new Set<string>();
  for (let j = 0; j < header.length; j++) {
    if (header[j] === "") throw parseError(file, 1, `(column ${j + 1})`, "empty column name in the header");
    if (seen.has(header[j])) throw parseError(file, 1, header[j], "column name appears twice in the header");
    seen.add(header[j]);
  }
  const wanted = options.columns ?? header;
  const indices = wanted.map((name) => {
    const j = header.indexOf(name);
    if (j < 0) {
      throw new CaravanError("E_DATA_INVALID", `${file}: no column "${name}" (columns: ${header.join(", ")})`, {
        didYouMean: suggest(name, header),
        details: { file, column: name },
      });
    }
    return j;
  });
  for (const name of Object.keys(options.types ?? {})) {
    if (!header.includes(name)) {
      throw new CaravanError("E_DATA_INVALID", `${file}: no column "${name}" to type (columns: ${header.join(", ")})`, {
        didYouMean: suggest(name, header),
        details: { file, column: name },
      });
    }
  }
  const rowCount = records.length - 1;
  for (let r = 1; r <= rowCount; r++) {
    const { record, info } = records[r];
    if (record.length !== header.length) {
      throw parseError(file, info.lines, header[Math.min(record.length, header.length - 1)], `expected ${header.length} fields, found ${record.length}`);
    }
  }
  const columns: Column[] = [];
  for (let k = 0; k < wanted.length; k++) {
    const name = wanted[k];
    const j = indices[k];
    const forced = options.types?.[name];
    if (forced !== "string") {
      const values = new Float64Array(rowCount);
      let badRow = -1;
      for (let r = 0; r < rowCount; r++) {
        const v = parseNumberCell(records[r + 1].record[j]);
        if (v === NOT_DECIMAL) {
          badRow = r;
          break;
        }
        if (v === OUT_OF_RANGE) {
          const cell = records[r + 1].record[j];
          throw parseError(file, records[r + 1].info.lines, name, rangeProblem(Number(cell), CELL_RULE) ?? `"${cell}" is out of range`);
        }
        values[r] = v;
      }
      if (badRow < 0) {
        columns.push({ kind: "number", name, values });
        continue;
      }
      if (forced === "number") {
        throw parseError(file, records[badRow + 1].info.lines, name, `"${records[badRow + 1].record[j]}" is not a number`);
      }
    }
    const values = new Array<string>(rowCount);
    for (let r = 0; r < rowCount; r++) {
      const cell = records[r + 1].record[j];
      values[r] = cell === "NA" ? "" : cell;
    }
    columns.push({ kind: "string", name, values });
  }
  return new Table(columns, rowCount, file);
}

function cellKey(column: Column, row: number): string | undefined {
  if (column.kind === "number") {
    const v = column.values[row];
    return Number.isNaN(v) ? undefined : String(v);
  }
  const v = column.values[row];
  return v === "" ? undefined : v;
}

/** The factor of a string column from the codes its reader built (same codes and levels as the general encoding). */
function dictionaryFactor(column: StringColumn): Omit<Factor, "name"> | undefined {
  const d = column.dictionary;
  if (!d) return undefined;
  return { codes: d.codes.slice(), levelCount: d.levels.length, levels: d.levels };
}

/**
 * The factor of a numeric column of whole numbers spanning a small range, through a lookup array instead of a hash
 * map (levels in order of first appearance, labelled as String(value), NaN = missing); undefined otherwise.
 */
function integerFactor(values: Float64Array): Omit<Factor, "name"> | undefined {
  const n = values.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v) || Object.is(v, -0)) return undefined;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi - lo <= Math.max(1 << 16, 4 * n))) return hi < lo ? { codes: new Int32Array(n).fill(MISSING_LEVEL), levelCount: 0, levels: [] } : undefined;
  const lookup = new Int32Array(hi - lo + 1).fill(-1); // [value − lo] code
  const codes = new Int32Array(n);
  const levels: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      codes[i] = MISSING_LEVEL;
      continue;
    }
    let code = lookup[v - lo];
    if (code < 0) {
      code = levels.length;
      lookup[v - lo] = code;
      levels.push(String(v));
    }
    codes[i] = code;
  }
  return { codes, levelCount: levels.length, levels };
}

/**
 * Encode one column or the interaction of several into dense Int32 codes (levels in order of first appearance).
 * `columns` may also be given as one string `a^b^c`.
 */
export function encodeFactor(table: Table, columns: string | readonly string[]): Factor {
  const names = typeof columns === "string" ? columns.split("^").map((s) => s.trim()) : columns;
  if (names.length === 0) throw new RangeError("encodeFactor: no columns");
  const cols = names.map((n) => table.column(n));
  const n = table.rowCount;
  const codes = new Int32Array(n);
  const levels: string[] = [];

  if (cols.length === 1) {
    const column = cols[0];
    const quick = column.kind === "string" ? dictionaryFactor(column) : integerFactor(column.values);
    if (quick) return { name: names.join("^"), ...quick };
    const index = new Map<string | number, number>();
    for (let i = 0; i < n; i++) {
      const key: string | number | undefined = column.kind === "number" ? (Number.isNaN(column.values[i]) ? undefined : column.values[i]) : cellKey(column, i);
      if (key === undefined) {
        codes[i] = MISSING_LEVEL;
        continue;
      }
      let code = index.get(key);
      if (code === undefined) {
        code = levels.length;
        index.set(key, code);
        levels.push(String(key));
      }
      codes[i] = code;
    }
    return { name: names.join("^"), codes, levelCount: levels.length, levels };
  }

  // Interaction: encode each part, then combine codes pairwise into dense codes (no string keys per row).
  const parts = names.map((name) => encodeFactor(table, name));
  let combined = parts[0].codes;
  let combinedCount = parts[0].levelCount;
  for (let p = 1; p < parts.length; p++) {
    const next = new Int32Array(n);
    const part = parts[p];
    const index = new Map<number, number>();
    let count = 0;
    const cells = combinedCount * part.levelCount;
    if (cells <= Math.max(1 << 16, 4 * n)) {
      // dense lookup of the (a, b) cell: no hashing
      const lookup = new Int32Array(cells).fill(-1); // [a · levels(b) + b] combined code
      for (let i = 0; i < n; i++) {
        const a = combined[i];
        const b = part.codes[i];
        if (a === MISSING_LEVEL || b === MISSING_LEVEL) {
          next[i] = MISSING_LEVEL;
          continue;
        }
        const key = a * part.levelCount + b;
        let code = lookup[key];
        if (code < 0) {
          code = count++;
          lookup[key] = code;
        }
        next[i] = code;
      }
      combined = next;
      combinedCount = count;
      continue;
    }
    for (let i = 0; i < n; i++) {
      const a = combined[i];
      const b = part.codes[i];
      if (a === MISSING_LEVEL || b === MISSING_LEVEL) {
        next[i] = MISSING_LEVEL;
        continue;
      }
      const key = a * part.levelCount + b; // < 2^53 for any realistic level counts
      let code = index.get(key);
      if (code === undefined) {
        code = count++;
        index.set(key, code);
      }
      next[i] = code;
    }
    combined = next;
    combinedCount = count;
  }
  const label = new Array<string | undefined>(combinedCount);
  for (let i = 0; i < n; i++) {
    const c = combined[i];
    if (c !== MISSING_LEVEL && label[c] === undefined) label[c] = parts.map((f) => f.levels[f.codes[i]]).join("^");
  }
  for (let c = 0; c < combinedCount; c++) levels.push(label[c]!);
  return { name: names.join("^"), codes: combined, levelCount: combinedCount, levels };
}
