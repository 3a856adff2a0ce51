/**
 * Typed CSV reader for the trade tables: bytes in, Float64Array columns and dictionary-encoded string columns out,
 * no object per row or per cell. It implements exactly the reading rules of `parseCsvTable` (src/trade/io/table.ts:
 * csv-parse with bom, trim, skip_empty_lines and a field-count check; numeric inference by the one number rule) for
 * the files it accepts, and declines (returns a `Declined`) whatever it does not handle byte for byte the same way, so
 * the caller falls back to the general parser, which also produces every error message:
 *
 * - a quote character anywhere, a carriage return that does not end a line, a form feed or vertical tab;
 * - a line made only of blanks, a field that begins or ends with a non-ASCII byte (it could be a Unicode space that
 *   the general parser trims);
 * - any error: a wrong number of fields, a forced numeric column with a word in it, an out-of-range number.
 *
 * Numbers: a plain decimal with at most 15 significant digits and a decimal exponent within ±22 is converted exactly
 * (one correctly rounded multiplication or division of exactly representable operands, Clinger's fast path, so the
 * value equals `Number(text)`); any other decimal goes through `Number` on its text. Strings: every distinct cell
 * is decoded once (UTF-8) and interned through an open-addressing hash of its bytes; a string column carries its
 * level codes (order of first appearance, −1 for a missing cell) for the factor encoding.
 *
 * Column types are found in one pass: a column starts numeric; at its first non-decimal cell it becomes a string
 * column and the pass restarts (at most once per column; text columns usually fail on the first row).
 */
import { MIN_NORMAL, NUMBER_FIELDS } from "../../core/numbers";
import type { Column, ColumnType, StringColumn } from "./table";

const CELL_RULE = NUMBER_FIELDS["gravity tables (CSV)"]["(any numeric cell)"];
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

/** [k] 10^k, exact for k ≤ 22. */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Outcome of parsing one numeric cell: a value (in the output slot), a missing token, or not a plain decimal. */
const Cell = { Value: 0, Missing: 1, NotDecimal: 2 } as const;
type CellOutcome = (typeof Cell)[keyof typeof Cell];

/** Why the typed reader declined a file: the caller then reads it with the general parser. */
export class Declined {
  constructor(readonly reason: string) {}
}

/** Thrown inside the pass to restart it with a column switched to string. */
class Restart {
  constructor(readonly column: number) {}
}

export interface TypedCsvOptions {
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly columns?: readonly string[];
  readonly delimiter?: string;
}

/** Dictionary of the distinct byte strings of one column. */
class Interner {
  private slots: Int32Array; // [slot] level + 1, 0 = empty
  private mask: number;
  starts: Int32Array = new Int32Array(64); // [level] byte offset of its first occurrence
  lengths: Int32Array = new Int32Array(64); // [level] byte length
  hashes: Int32Array = new Int32Array(64); // [level] hash
  count = 0;

  constructor(private readonly buf: Uint8Array) {
    this.slots = new Int32Array(256);
    this.mask = 255;
  }

  /** The last cell looked up ([lastStart, lastEnd) and its level): sorted files repeat a value row after row. */
  private lastStart = 0;
  private lastEnd = -1;
  private lastLevel = -1;

  /** Level code of bytes [s, e), added when new. */
  code(s: number, e: number): number {
    const buf = this.buf;
    const len = e - s;
    if (len === this.lastEnd - this.lastStart) {
      const t = this.lastStart;
      let k = 0;
      while (k < len && buf[t + k] === buf[s + k]) k++;
      if (k === len) return this.lastLevel;
    }
    const level = this.find(s, e);
    this.lastStart = s;
    this.lastEnd = e;
    this.lastLevel = level;
    return level;
  }

  private find(s: number, e: number): number {
    const buf = this.buf;
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const len = e - s;
    let slot = h & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) break;
      const level = entry - 1;
      if (this.hashes[level] === h && this.lengths[level] === len) {
        const t = this.starts[level];
        let same = true;
        for (let k = 0; k < len; k++) {
          if (buf[t + k] !== buf[s + k]) {
            same = false;
            break;
          }
        }
        if (same) return level;
      }
      slot = (slot + 1) & this.mask;
    }
    const level = this.count++;
    if (level === this.starts.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.hashes = grow(this.hashes);
    }
    this.starts[level] = s;
    this.lengths[level] = len;
    this.hashes[level] = h;
    this.slots[slot] = level + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return level;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let level = 0; level < this.count; level++) {
      let slot = this.hashes[level] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = level + 1;
    }
  }

  levels(): string[] {
    const out = new Array<string>(this.count);
    const text = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    for (let l = 0; l < this.count; l++) out[l] = text.toString("utf8", this.starts[l], this.starts[l] + this.lengths[l]);
    return out;
  }
}

/**
 * A string column whose `values` array ([row] string, "" = missing) is built from its codes on first access: a
 * model that only encodes factors never builds it.
 */
export function lazyStringColumn(name: string, codes: Int32Array, levels: readonly string[]): StringColumn {
  const column = { kind: "string", name, dictionary: { codes, levels } } as StringColumn;
  Object.defineProperty(column, "values", {
    enumerable: true,
    configurable: true,
    get(): readonly string[] {
      const values = new Array<string>(codes.length);
      for (let r = 0; r < codes.length; r++) {
        const code = codes[r];
        values[r] = code < 0 ? "" : levels[code];
      }
      Object.defineProperty(column, "values", { value: values, enumerable: true });
      return values;
    },
  });
  return column;
}

/** Whether bytes [s, e) are a missing-value token: "", NA, NaN, nan, ".". */
function isMissingToken(buf: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len === 0) return true;
  if (len === 1) return buf[s] === 46;
  if (len === 2) return buf[s] === 78 && buf[s + 1] === 65;
  if (len === 3) return (buf[s] === 78 || buf[s] === 110) && buf[s + 1] === 97 && buf[s + 2] === (buf[s] === 78 ? 78 : 110);
  return false;
}

/** Whether bytes [s, e) are exactly "NA" (a missing string cell). */
function isNA(buf: Uint8Array, s: number, e: number): boolean {
  return e - s === 2 && buf[s] === 78 && buf[s + 1] === 65;
}

/**
 * Fast path of a numeric field that starts at `i`: digits with an optional sign and decimal point, at most 15
 * significant digits and 22 decimals, no exponent, directly followed by the delimiter, a line feed or the end of the
 * bytes. Returns the index of that ending byte with the value in `out[0]`, or −1 when the field needs the general
 * path (blanks, an exponent, a missing token, a word, more digits).
 */
function scanNumber(bytes: Uint8Array, start: number, n: number, sep: number, out: Float64Array): number {
  let i = start;
  let c = i < n ? bytes[i] : LF;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
    c = i < n ? bytes[i] : LF;
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (c >= 48 && c <= 57) {
    if (significant === 15) return -1;
    mantissa = mantissa * 10 + (c - 48);
    if (mantissa !== 0) significant++;
    digits++;
    i++;
    c = i < n ? bytes[i] : LF;
  }
  if (c === 46) {
    i++;
    c = i < n ? bytes[i] : LF;
    while (c >= 48 && c <= 57) {
      if (significant === 15 || scale === -22) return -1;
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa !== 0) significant++;
      scale--;
      digits++;
      i++;
      c = i < n ? bytes[i] : LF;
    }
  }
  if (digits === 0 || (c !== sep && c !== LF)) return -1;
  const value = scale === 0 ? mantissa : mantissa / POW10[-scale];
  out[0] = negative ? -value : value;
  return i;
}

/**
 * Parse bytes [s, e) as a plain decimal into `out[0]`. Returns Cell.Missing for a missing token, Cell.NotDecimal when
 * the text is not a plain decimal.
 */
function parseDecimal(buf: Uint8Array, s: number, e: number, text: Buffer, out: Float64Array): CellOutcome {
  let i = s;
  let c = i < e ? buf[i] : -1;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = ++i < e ? buf[i] : -1;
  }
  let mantissa = 0;
  let significant = 0; // significant digits taken into the mantissa (leading zeros not counted)
  let digits = 0;
  let scale = 0; // decimal exponent adjustment from fraction digits and digits beyond the 15th
  let exact = true;
  while (c >= 48 && c <= 57) {
    digits++;
    if (significant < 15) {
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa !== 0) significant++;
    } else {
      exact = false;
    }
    c = ++i < e ? buf[i] : -1;
  }
  if (c === 46) {
    c = ++i < e ? buf[i] : -1;
    while (c >= 48 && c <= 57) {
      digits++;
      if (significant < 15) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa !== 0) significant++;
        scale--;
      } else if (c !== 48) {
        exact = false;
      }
      c = ++i < e ? buf[i] : -1;
    }
  }
  if (digits === 0) return isMissingToken(buf, s, e) ? Cell.Missing : Cell.NotDecimal;
  if (c === 101 || c === 69) {
    c = ++i < e ? buf[i] : -1;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = ++i < e ? buf[i] : -1;
    }
    let expDigits = 0;
    let exponent = 0;
    while (c >= 48 && c <= 57) {
      expDigits++;
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      c = ++i < e ? buf[i] : -1;
    }
    if (expDigits === 0) return Cell.NotDecimal;
    scale += expNegative ? -exponent : exponent;
  }
  if (i !== e) return isMissingToken(buf, s, e) ? Cell.Missing : Cell.NotDecimal;
  let value: number;
  if (exact && mantissa === 0) value = 0;
  else if (exact && scale >= -22 && scale <= 22) value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
  else value = Math.abs(Number(text.toString("latin1", s, e)));
  out[0] = negative ? -value : value;
  return Cell.Value;
}

/**
 * Read CSV bytes into columns, or a `Declined` when the file needs the general parser (see the module comment).
 */
export function readTypedCsv(bytes: Uint8Array, options: TypedCsvOptions = {}): { columns: Column[]; rowCount: number } | Declined {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 128) return new Declined("delimiter");
  const sep = delimiter.charCodeAt(0);
  if (sep === QUOTE || sep === LF || sep === CR || sep === SPACE || sep === TAB) return new Declined("delimiter");
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (text.indexOf(QUOTE) >= 0) return new Declined("quotes");
  if (text.indexOf(12) >= 0 || text.indexOf(11) >= 0) return new Declined("form feed or vertical tab");
  const n = bytes.length;
  let crlf = false;
  const firstCr = text.indexOf(CR);
  if (firstCr >= 0) {
    // every line must end with CR LF, and no CR may stand elsewhere
    let lf = 0;
    let cr = 0;
    for (let i = firstCr; i < n; i++) {
      const b = bytes[i];
      if (b === CR) {
        if (bytes[i + 1] !== LF) return new Declined("carriage return inside a line");
        cr++;
      } else if (b === LF) lf++;
    }
    const before = text.indexOf(LF);
    if (before >= 0 && before < firstCr) return new Declined("mixed line ends");
    if (lf !== cr) return new Declined("mixed line ends");
    crlf = true;
  }
  let pos = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;

  // header: the first non-empty line
  while (pos < n && bytes[pos] === LF) pos++;
  const headerFields: string[] = [];
  {
    let lineEnd = text.indexOf(LF, pos);
    if (lineEnd < 0) lineEnd = n;
    const contentEnd = crlf && lineEnd > pos && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    let s = pos;
    for (let i = pos; i <= contentEnd; i++) {
      if (i === contentEnd || bytes[i] === sep) {
        let a = s;
        let b = i;
        while (a < b && (bytes[a] === SPACE || bytes[a] === TAB)) a++;
        while (b > a && (bytes[b - 1] === SPACE || bytes[b - 1] === TAB)) b--;
        if (a < b && (bytes[a] >= 128 || bytes[b - 1] >= 128)) return new Declined("non-ASCII at a field edge");
        headerFields.push(text.toString("utf8", a, b));
        s = i + 1;
      }
    }
    if (contentEnd === pos) return new Declined("empty file");
    pos = lineEnd + 1;
  }
  const width = headerFields.length;
  const seen = new Set<string>();
  for (const h of headerFields) {
    if (h === "" || seen.has(h)) return new Declined("header");
    seen.add(h);
  }
  const wanted = options.columns ?? headerFields;
  const targetOf = new Int32Array(width).fill(-1); // [field] index in `wanted`, −1 = not read
  for (let k = 0; k < wanted.length; k++) {
    const j = headerFields.indexOf(wanted[k]);
    if (j < 0) return new Declined("unknown column");
    targetOf[j] = k;
  }
  for (const name of Object.keys(options.types ?? {})) if (!headerFields.includes(name)) return new Declined("unknown typed column");
  const bodyStart = pos;

  // rows: count lines with content (an upper bound on the records; blank-only lines decline below)
  // capacity guess from the first data line (arrays grow when the guess is short)
  let firstLine = text.indexOf(LF, bodyStart);
  if (firstLine < 0) firstLine = n;
  const rowBound = Math.ceil(((n - bodyStart) / Math.max(1, firstLine - bodyStart + 1)) * 1.1) + 16;

  const isString = wanted.map((name) => options.types?.[name] === "string");
  const numberCache: (Float64Array | undefined)[] = []; // [column] value array, reused when a pass restarts
  const forcedNumber = wanted.map((name) => options.types?.[name] === "number");
  for (;;) {
    try {
      return pass(bytes, text, bodyStart, crlf, sep, width, targetOf, wanted, isString, forcedNumber, rowBound, numberCache);
    } catch (signal) {
      if (signal instanceof Restart) {
        isString[signal.column] = true;
        continue;
      }
      if (signal instanceof Declined) return signal;
      throw signal;
    }
  }
}

function pass(
  bytes: Uint8Array,
  text: Buffer,
  start: number,
  crlf: boolean,
  sep: number,
  width: number,
  targetOf: Int32Array,
  wanted: readonly string[],
  isString: readonly boolean[],
  forcedNumber: readonly boolean[],
  rowBound: number,
  numberCache: (Float64Array | undefined)[],
): { columns: Column[]; rowCount: number } {
  const n = bytes.length;
  const m = wanted.length;
  const numbers: (Float64Array | undefined)[] = wanted.map((_, k) => {
    if (isString[k]) return undefined;
    if (numberCache[k]?.length !== rowBound) numberCache[k] = new Float64Array(rowBound);
    return numberCache[k];
  });
  const codes: (Int32Array | undefined)[] = wanted.map((_, k) => (isString[k] ? new Int32Array(rowBound) : undefined));
  const interners: (Interner | undefined)[] = wanted.map((_, k) => (isString[k] ? new Interner(bytes) : undefined));
  const kind = new Uint8Array(width); // [field] 0 skip, 1 number, 2 string
  const numberOf: (Float64Array | undefined)[] = new Array(width);
  const codeOf: (Int32Array | undefined)[] = new Array(width);
  const internerOf: (Interner | undefined)[] = new Array(width);
  for (let j = 0; j < width; j++) {
    const k = targetOf[j];
    if (k < 0) continue;
    kind[j] = isString[k] ? 2 : 1;
    numberOf[j] = numbers[k];
    codeOf[j] = codes[k];
    internerOf[j] = interners[k];
  }
  const scratch = new Float64Array(1);
  const min = CELL_RULE.min;
  const max = CELL_RULE.max;
  let capacity = rowBound;
  let row = 0;
  let i = start;
  while (i < n) {
    let c = bytes[i];
    if (c === LF) {
      i++; // empty line: skipped
      continue;
    }
    if (c === CR && crlf) {
      i += 2; // empty CR LF line (a CR is always followed by LF here)
      continue;
    }
    let field = 0;
    let blank = true;
    for (;;) {
      if (field < width && kind[field] === 1) {
        // a plain number ending at the delimiter or line feed: parsed while scanning
        const end = scanNumber(bytes, i, n, sep, scratch);
        if (end >= 0) {
          const v = scratch[0];
          if (!(v >= min && v <= max && (v === 0 || Math.abs(v) >= MIN_NORMAL))) throw new Declined("number out of range");
          (numberOf[field] as Float64Array)[row] = v;
          blank = false;
          field++;
          i = end + 1;
          if (end >= n || bytes[end] === LF) break;
          continue;
        }
      }
      // field bytes [s, e): up to the delimiter or the line end
      const s0 = i;
      while (i < n) {
        c = bytes[i];
        if (c === sep || c === LF) break;
        i++;
      }
      if (i >= n) c = LF;
      const atEnd = c === LF;
      let e = i;
      let s = s0;
      if (s < e) {
        const first = bytes[s];
        const last = bytes[e - 1];
        // blanks, a CR or a non-ASCII byte at an edge: the careful path (most fields skip it)
        if (first <= SPACE || last <= SPACE || first >= 128 || last >= 128) {
          if (atEnd && crlf && last === CR) e--;
          while (s < e && (bytes[s] === SPACE || bytes[s] === TAB)) s++;
          while (e > s && (bytes[e - 1] === SPACE || bytes[e - 1] === TAB)) e--;
          if (s < e && (bytes[s] >= 128 || bytes[e - 1] >= 128)) throw new Declined("non-ASCII at a field edge");
        }
        if (s < e) blank = false;
      }
      if (!atEnd) blank = false; // a delimiter: the line has fields
      if (field >= width) throw new Declined("too many fields");
      const k = kind[field];
      if (k === 1) {
        const outcome = parseDecimal(bytes, s, e, text, scratch);
        const target = numberOf[field] as Float64Array;
        if (outcome === Cell.Value) {
          const v = scratch[0];
          if (!(v >= min && v <= max && (v === 0 || Math.abs(v) >= MIN_NORMAL))) throw new Declined("number out of range");
          target[row] = v;
        } else if (outcome === Cell.Missing) {
          target[row] = Number.NaN;
        } else {
          const column = targetOf[field];
          if (forcedNumber[column]) throw new Declined("word in a numeric column");
          throw new Restart(column);
        }
      } else if (k === 2) {
        (codeOf[field] as Int32Array)[row] = s === e || isNA(bytes, s, e) ? -1 : (internerOf[field] as Interner).code(s, e);
      }
      field++;
      i++; // past the delimiter or the line feed
      if (atEnd) break;
    }
    if (blank) throw new Declined("blank line");
    if (field !== width) throw new Declined("field count");
    row++;
    if (row === capacity) {
      capacity = Math.ceil(capacity * 1.5) + 16;
      for (let k = 0; k < m; k++) {
        const num = numbers[k];
        if (num) {
          const grown = new Float64Array(capacity);
          grown.set(num);
          numbers[k] = grown;
          numberCache[k] = grown;
        }
        const code = codes[k];
        if (code) {
          const grown = new Int32Array(capacity);
          grown.set(code);
          codes[k] = grown;
        }
      }
      for (let j = 0; j < width; j++) {
        const k = targetOf[j];
        if (k < 0) continue;
        numberOf[j] = numbers[k];
        codeOf[j] = codes[k];
      }
    }
  }
  const columns: Column[] = [];
  for (let k = 0; k < m; k++) {
    const name = wanted[k];
    const num = numbers[k];
    if (num) {
      columns.push({ kind: "number", name, values: row === num.length ? num : num.subarray(0, row) });
      continue;
    }
    const all = codes[k] as Int32Array;
    const c = row === all.length ? all : all.subarray(0, row);
    const levels = (interners[k] as Interner).levels();
    columns.push(lazyStringColumn(name, c, levels));
  }
  return { columns, rowCount: row };
}
