/**
 * The city-pair table of a result as typed columns, as compare needs it: place ids and corridors as indexes into
 * small string tables, time, cost and CO2 as Float64Arrays (the distance is not compared, so not read). compare
 * (compare.ts) works on these so that matching 2 × 400,000+ pairs, weighting them by demand and summing the changes
 * allocates nothing per pair.
 *
 * pairs.csv of a run folder is parsed straight into columns: no per-row strings for numbers (a plain decimal of at
 * most 15 digits is read as mantissa / 10^k, which is exactly Number(text): both operands are exact doubles and
 * IEEE division rounds correctly; anything else goes through Number), place ids reused from the previous row or the
 * next city in table order when the text matches, corridors interned by a hash of their characters.
 */
import { isAscii } from "node:buffer";
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { CaravanError } from "../core/errors";
import type { PairRow } from "./run";
import { readCsvTable } from "./tables";

export interface PairColumns {
  readonly length: number;
  /** Place ids; `from` and `to` index into it. */
  readonly cities: readonly string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly timeH: Float64Array;
  readonly costUsd: Float64Array;
  readonly co2Kg: Float64Array;
  /** Distinct corridors; `corridor` indexes into it. */
  readonly corridors: readonly string[];
  readonly corridor: Int32Array;
}

/** A string table: id → index, built in order of first appearance. */
class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.list.push(s);
      this.index.set(s, k);
    }
    return k;
  }
}

const cache = new WeakMap<readonly PairRow[], PairColumns>();

/** Columns of in-memory pair rows (remembered per array: a sweep compares every variant with one baseline). */
export function columnsOfRows(rows: readonly PairRow[]): PairColumns {
  const hit = cache.get(rows);
  if (hit) return hit;
  const n = rows.length;
  const cities = new Interner();
  const corridors = new Interner();
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const timeH = new Float64Array(n);
  const costUsd = new Float64Array(n);
  const co2Kg = new Float64Array(n);
  const corridor = new Int32Array(n);
  let lastFrom: string | null = null;
  let lastFromK = -1;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.from !== lastFrom) {
      lastFrom = r.from;
      lastFromK = cities.of(r.from);
    }
    from[i] = lastFromK;
    to[i] = cities.of(r.to);
    timeH[i] = r.timeH;
    costUsd[i] = r.costUsd;
    co2Kg[i] = r.co2Kg;
    corridor[i] = corridors.of(r.corridor);
  }
  const columns: PairColumns = { length: n, cities: cities.list, from, to, timeH, costUsd, co2Kg, corridors: corridors.list, corridor };
  cache.set(rows, columns);
  return columns;
}

/**
 * Distinct substrings of a text read in chunks, in order of first appearance: an open-addressing hash table over the
 * characters, so a value seen before costs no string. `text` is the current chunk.
 */
class TextInterner {
  readonly list: string[] = [];
  private slots = new Int32Array(1024).fill(-1);
  text = "";
  private static hash(text: string, a: number, b: number): number {
    let h = 0x811c9dc5;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
  }
  /** Whether text[a, b) is value k. */
  equals(k: number, a: number, b: number): boolean {
    const s = this.list[k];
    const len = s.length;
    if (b - a !== len) return false;
    const text = this.text;
    for (let i = 0; i < len; i++) if (text.charCodeAt(a + i) !== s.charCodeAt(i)) return false;
    return true;
  }
  of(a: number, b: number): number {
    const text = this.text;
    let mask = this.slots.length - 1;
    let slot = TextInterner.hash(text, a, b) & mask;
    for (;;) {
      const k = this.slots[slot];
      if (k < 0) break;
      if (this.equals(k, a, b)) return k;
      slot = (slot + 1) & mask;
    }
    const k = this.list.length;
    // a flat copy (a slice would keep the chunk and read slower)
    this.list.push(JSON.parse(JSON.stringify(text.slice(a, b))) as string);
    this.slots[slot] = k;
    if (2 * this.list.length > this.slots.length) {
      this.slots = new Int32Array(2 * this.slots.length).fill(-1);
      mask = this.slots.length - 1;
      for (let q = 0; q < this.list.length; q++) {
        const v = this.list[q];
        let t = TextInterner.hash(v, 0, v.length) & mask;
        while (this.slots[t] >= 0) t = (t + 1) & mask;
        this.slots[t] = q;
      }
    }
    return k;
  }
}

const PAIR_COLUMNS = "from,to,timeH,costUsd,co2Kg,distanceKm,corridor";
const DOT = 46;
const MINUS = 45;
const ZERO = 48;
const POW10 = new Float64Array(23).map((_, k) => 10 ** k);

/**
 * Store the number in text[a, b) at out[i]: "" → NaN, otherwise exactly Number(text.slice(a, b)) (stored, not
 * returned, so that no number is boxed on the way).
 */
function readNumber(text: string, a: number, b: number, out: Float64Array, i: number): void {
  let p = a;
  const negative = a < b && text.charCodeAt(p) === MINUS;
  if (negative) p++;
  const start = p;
  let m = 0;
  for (; p < b; p++) {
    const d = text.charCodeAt(p) - ZERO;
    if (d === DOT - ZERO) break;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
  }
  const intDigits = p - start;
  let k = 0;
  let plain = intDigits > 0 && (p === b || text.charCodeAt(p) === DOT);
  if (plain && p < b) {
    for (p++; p < b; p++) {
      const d = text.charCodeAt(p) - ZERO;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      k++;
    }
    plain = p === b && k > 0;
  }
  // at most 15 digits: the mantissa is exact, and so is 10^k
  if (plain && intDigits + k <= 15) {
    const x = k > 0 ? m / POW10[k] : m;
    out[i] = negative ? -x : x;
  } else out[i] = a === b ? Number.NaN : Number(text.slice(a, b));
}

/** Bytes read at a time: small enough that each chunk's text is an ordinary young string, not external memory. */
const CHUNK_BYTES = 1 << 16;

/** The general CSV reader's columns of pairs.csv (quoted fields, carriage returns, another header). */
function readPairsCsvGeneral(file: string): PairColumns {
  const t = readCsvTable(file);
  const num = (s: string | undefined): number => (s === undefined || s === "" ? Number.NaN : Number(s));
  const [f, to, timeH, costUsd, co2Kg, distanceKm, corridor] = PAIR_COLUMNS.split(",").map(t.column);
  return columnsOfRows(t.rows.map((r) => ({ from: r[f], to: r[to], timeH: num(r[timeH]), costUsd: num(r[costUsd]), co2Kg: num(r[co2Kg]), distanceKm: num(r[distanceKm]), corridor: r[corridor] })));
}

/** Whether a file has a quote or a carriage return (then it is read by the general CSV reader). */
function needsGeneralReader(file: string): boolean {
  const bytes = readFileSync(file);
  return bytes.includes(34) || bytes.includes(13);
}

/**
 * pairs.csv of a run folder as columns (E_RUN_INVALID when missing or not 7 columns a line). A file with quotes,
 * carriage returns or another header takes the general CSV reader.
 *
 * The file is read in chunks of whole lines, each decoded to a short string: the whole text at once (and the file's
 * bytes) would be external memory of 2 × 30 MB, and V8 answers external memory growth with full collections of
 * the heap, which cost more than the parse in a process holding a large heap (a server, the benchmark).
 */
export function readPairsCsvColumns(file: string): PairColumns {
  let fd: number;
  let size: number;
  try {
    fd = openSync(file, "r");
    size = fstatSync(fd).size;
  } catch {
    throw new CaravanError("E_RUN_INVALID", `${file} is missing or unreadable`, { details: { file } });
  }
  try {
    return parsePairs(fd, size, file) ?? readPairsCsvGeneral(file);
  } finally {
    closeSync(fd);
  }
}

/** pairs.csv read by chunks, or null when the general CSV reader must read it. */
function parsePairs(fd: number, size: number, file: string): PairColumns | null {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0; // bytes in buffer: the carried part of a line, then what was read
  let offset = 0; // file position
  let capacity = 0;
  let from = new Int32Array(0);
  let to = new Int32Array(0);
  let timeH = new Float64Array(0);
  let costUsd = new Float64Array(0);
  let co2Kg = new Float64Array(0);
  let corridor = new Int32Array(0);
  const cities = new TextInterner();
  const corridors = new TextInterner();
  const cityList = cities.list;
  let lastFrom = -1;
  let lastTo = -1;
  let n = 0;
  let line = 1;
  let header = true;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, filled, CHUNK_BYTES - filled, offset);
    } catch {
      throw new CaravanError("E_RUN_INVALID", `${file} is missing or unreadable`, { details: { file } });
    }
    offset += read;
    filled += read;
    const atEnd = read === 0 || offset >= size;
    // whole lines: up to the last newline, or everything at the end of the file
    let usable = atEnd ? filled : buffer.lastIndexOf(10, filled - 1) + 1;
    if (usable <= 0) {
      if (filled === CHUNK_BYTES) return null; // a line longer than a chunk: not a pairs table this reader knows
      if (!atEnd) continue;
      usable = filled;
    }
    if (usable === 0) break;
    const bytes = buffer.subarray(0, usable);
    if (bytes.includes(34) || bytes.includes(13)) return null;
    // ASCII (as run folders are) decodes as Latin-1 to the same text, without UTF-8 decoding
    const text = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
    cities.text = text;
    corridors.text = text;
    const size_ = text.length;
    let pos = 0;
    if (header) {
      const firstEnd = text.indexOf("\n");
      if (firstEnd < 0 || text.slice(0, firstEnd) !== PAIR_COLUMNS) return null;
      header = false;
      pos = firstEnd + 1;
      line = 2;
      // rows: one per line; room for 15 % more lines than this chunk's mean line length gives, grown when short
      let lines = 0;
      for (let p = text.indexOf("\n", pos); p >= 0; p = text.indexOf("\n", p + 1)) lines++;
      capacity = Math.ceil((1.15 * (size - firstEnd - 1) * Math.max(lines, 1)) / Math.max(size_ - pos, 1)) + 16;
      from = new Int32Array(capacity);
      to = new Int32Array(capacity);
      timeH = new Float64Array(capacity);
      costUsd = new Float64Array(capacity);
      co2Kg = new Float64Array(capacity);
      corridor = new Int32Array(capacity);
    }
    while (pos < size_) {
      if (n === capacity) {
        capacity = Math.ceil(1.25 * capacity) + 16;
        const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
          b.set(a);
          return b;
        };
        from = grow(from, new Int32Array(capacity));
        to = grow(to, new Int32Array(capacity));
        timeH = grow(timeH, new Float64Array(capacity));
        costUsd = grow(costUsd, new Float64Array(capacity));
        co2Kg = grow(co2Kg, new Float64Array(capacity));
        corridor = grow(corridor, new Int32Array(capacity));
      }
      let end = text.indexOf("\n", pos);
      if (end < 0) end = size_;
      const c1 = text.indexOf(",", pos);
      const c2 = text.indexOf(",", c1 + 1);
      const c3 = text.indexOf(",", c2 + 1);
      const c4 = text.indexOf(",", c3 + 1);
      const c5 = text.indexOf(",", c4 + 1);
      const c6 = text.indexOf(",", c5 + 1);
      const c7 = text.indexOf(",", c6 + 1);
      if (c1 < 0 || c1 >= end || c6 < 0 || c6 >= end || (c7 !== -1 && c7 < end)) {
        // a file with quotes or carriage returns further on is the general reader's (as it would have been)
        if (needsGeneralReader(file)) return null;
        throw new CaravanError("E_RUN_INVALID", `${file}:${line}: expected the 7 columns ${PAIR_COLUMNS}`, { details: { file, line } });
      }
      if (lastFrom < 0 || !cities.equals(lastFrom, pos, c1)) {
        lastFrom = cities.of(pos, c1);
        lastTo = -1;
      }
      // the next city in table order, skipping the origin, is the usual destination
      let guess = lastTo + 1;
      if (guess === lastFrom) guess++;
      lastTo = guess < cityList.length && cities.equals(guess, c1 + 1, c2) ? guess : cities.of(c1 + 1, c2);
      from[n] = lastFrom;
      to[n] = lastTo;
      readNumber(text, c2 + 1, c3, timeH, n);
      readNumber(text, c3 + 1, c4, costUsd, n);
      readNumber(text, c4 + 1, c5, co2Kg, n);
      corridor[n] = corridors.of(c6 + 1, end);
      n++;
      pos = end + 1;
      line++;
    }
    if (atEnd) break;
    // carry the rest (part of a line) to the front
    buffer.copy(buffer, 0, usable, filled);
    filled -= usable;
  }
  if (header) return null; // empty file or no header line
  return {
    length: n,
    cities: cityList,
    from: from.subarray(0, n),
    to: to.subarray(0, n),
    timeH: timeH.subarray(0, n),
    costUsd: costUsd.subarray(0, n),
    co2Kg: co2Kg.subarray(0, n),
    corridors: corridors.list,
    corridor: corridor.subarray(0, n),
  };
}
