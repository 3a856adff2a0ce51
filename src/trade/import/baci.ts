/**
 * CEPII BACI import: `t,i,j,k,v,q` rows (year, exporter code, importer code, HS6 product, value in thousand USD,
 * quantity in metric tonnes; quantity may be `NA`, possibly space-padded) with the country-code file of the same
 * release (`country_code,...,country_iso3` or the older `...,iso_3digit_alpha`).
 *
 * The parser is hand-written for throughput: it reads the file in large chunks (gunzipping `.gz` on the fly),
 * scans bytes without creating strings, and feeds each row straight into a `PairSectorAggregator`. Nothing per row
 * is kept except flows without a quantity (for value-density filling). See docs/trade-ge.md for the benchmark.
 */
import { createReadStream, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { CaravanError, parseError } from "../../core/errors";
import { MIN_NORMAL, NUMBER_FIELDS } from "../../core/numbers";
import { type AggregatedTrade, type DensityTable, HS6_CODES, PairSectorAggregator, type SectorMap } from "./aggregate";
import { readCsvTable } from "../io/table";

/** Largest numeric country code accepted. */
const MAX_COUNTRY_CODE = 99_999;

export interface BaciCountries {
  /** [numeric code] country id, -1 = unknown. */
  readonly idOfCode: Int32Array;
  /** [country id] ISO3 label. */
  readonly labels: readonly string[];
}

/** Read BACI's country-code file. */
export function readBaciCountries(path: string): BaciCountries {
  const table = readCsvTable(path, {});
  const codeName = ["country_code", "i", "code"].find((c) => table.has(c));
  const isoName = ["country_iso3", "iso_3digit_alpha", "iso3"].find((c) => table.has(c));
  if (!codeName || !isoName) {
    throw new CaravanError("E_DATA_INVALID", `${path}: a BACI country file needs columns country_code and country_iso3 (or iso_3digit_alpha); found ${table.columnNames.join(", ")}`, {
      details: { file: path },
    });
  }
  const codes = table.numeric(codeName);
  const isoCol = table.column(isoName);
  const iso = isoCol.kind === "string" ? isoCol.values : Array.from(isoCol.values, String);
  const idOfCode = new Int32Array(MAX_COUNTRY_CODE + 1).fill(-1);
  const labels: string[] = [];
  const idOfLabel = new Map<string, number>();
  for (let r = 0; r < table.rowCount; r++) {
    const code = codes[r];
    if (!Number.isInteger(code) || code < 0 || code > MAX_COUNTRY_CODE) throw parseError(path, r + 2, codeName, `"${code}" is not a country code`);
    const label = iso[r].trim();
    if (!/^[A-Z0-9]{3}$/.test(label)) throw parseError(path, r + 2, isoName, `"${iso[r]}" is not an ISO3 code`);
    let id = idOfLabel.get(label);
    if (id === undefined) {
      id = labels.length;
      labels.push(label);
      idOfLabel.set(label, id);
    }
    idOfCode[code] = id;
  }
  return { idOfCode, labels };
}

export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

export interface BaciImportOptions {
  readonly sectorMap: SectorMap;
  readonly densities?: DensityTable;
  /** Called about every 4 MB read. */
  readonly onProgress?: (p: ImportProgress) => void;
  /** Read chunk size in bytes (default 4 MB). */
  readonly chunkBytes?: number;
}

const COMMA = 44;
const NL = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const FIELD_NAMES = ["t", "i", "j", "k", "v", "q"] as const;
/** Largest accepted value (v, thousand USD) and quantity (q, tonnes) of a BACI row (docs/numbers.md). */
const BACI_MAX = Math.min(NUMBER_FIELDS["BACI / Comtrade import"]["v (BACI, thousand USD)"].max, NUMBER_FIELDS["BACI / Comtrade import"]["q (BACI, tonnes)"].max);

/** Stream-import a BACI file into a pair × sector table. */
export async function importBaci(path: string, countries: BaciCountries, options: BaciImportOptions): Promise<AggregatedTrade> {
  let totalBytes: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error("it is a directory, not a file"), { code: "EISDIR" });
    totalBytes = st.size;
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { details: { file: path }, cause: error });
  }
  const chunkBytes = options.chunkBytes ?? 1 << 22;
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  let bytesRead = 0;
  raw.on("data", (chunk) => {
    bytesRead += chunk.length;
  });
  const gz = path.endsWith(".gz");
  const gunzip = gz ? createGunzip({ chunkSize: 1 << 20 }) : null;
  if (gunzip) raw.on("error", (error) => gunzip.destroy(error)); // pipe() does not forward read errors
  const source: AsyncIterable<Buffer> = gunzip ? raw.pipe(gunzip) : raw;
  const agg = new PairSectorAggregator(options.sectorMap);
  const idOfCode = countries.idOfCode;

  const state: ParseState = { path, line: 0, headerDone: false, idOfCode, agg, batch: newBatch() };
  let carry: Buffer | null = null;
  let lastReport = 0;

  const chunks = (async function* () {
    try {
      for await (const chunk of source) yield chunk as Buffer;
    } catch (error) {
      throw streamReadError(path, error);
    }
  })();
  for await (const chunk of chunks) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lastNl = buf.lastIndexOf(NL);
    if (lastNl < 0) {
      carry = buf;
      continue;
    }
    parseBaciLines(buf, lastNl, state);
    carry = lastNl + 1 < buf.length ? Buffer.from(buf.subarray(lastNl + 1)) : null;
    if (options.onProgress && bytesRead - lastReport >= 1 << 22) {
      lastReport = bytesRead;
      options.onProgress({ bytesRead, totalBytes, rows: agg.rows });
    }
  }
  if (carry && carry.length > 0) parseBaciLines(carry, carry.length, state);
  if (!state.headerDone) throw parseError(path, 1, "(header)", "the file is empty; the BACI header t,i,j,k,v,q is required");
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: agg.rows });
  return agg.finish(countries.labels, options.densities);
}

/**
 * A read error of a streamed input file as a CaravanError: a file that is not gzip data (or is truncated) is E_PARSE,
 * any other read failure E_FILE_NOT_FOUND. CaravanErrors pass unchanged.
 */
export function streamReadError(path: string, error: unknown): unknown {
  if (error instanceof CaravanError) return error;
  const e = error as NodeJS.ErrnoException;
  if (typeof e.code === "string" && (e.code.startsWith("Z_") || e.code === "ERR_ZLIB_INITIALIZATION_FAILED" || /zlib|gzip|header check|unexpected end/i.test(e.message ?? ""))) {
    return parseError(path, 0, "(file)", `not a readable gzip file: ${e.message}`);
  }
  if (typeof e.code === "string" && (e.code.startsWith("E") || e.code.startsWith("ERR_"))) {
    return new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${e.message}`, { details: { file: path }, cause: error });
  }
  return error;
}

interface ParseState {
  readonly path: string;
  /** 1-based number of the last line parsed. */
  line: number;
  headerDone: boolean;
  readonly idOfCode: Int32Array;
  readonly agg: PairSectorAggregator;
  /** Rows of the fast path not yet added to `agg`. */
  readonly batch: RowBatch;
}

function fail(state: ParseState, fieldIndex: number, problem: string): never {
  throw parseError(state.path, state.line, FIELD_NAMES[fieldIndex] ?? "(row)", problem);
}

/** Parse the complete lines in buf[0, end) (end is a newline or the end of the input). */
function parseBaciLines(buf: Uint8Array, end: number, state: ParseState): void {
  const idOfCode = state.idOfCode;
  const agg = state.agg;
  const batch = state.batch;
  let line = state.line;
  let pos = 0;
  while (pos < end) {
    line++;
    if (!state.headerDone) {
      let eol = pos;
      while (eol < end && buf[eol] !== NL) eol++;
      let stop = eol;
      if (stop > pos && buf[stop - 1] === CR) stop--;
      state.headerDone = true;
      state.line = line;
      const header = Buffer.from(buf.buffer, buf.byteOffset + pos, stop - pos)
        .toString("latin1")
        .replace(/"/g, "")
        .replace(/^\xef\xbb\xbf/, "")
        .trim();
      if (header.split(",").map((s) => s.trim()).join(",") !== "t,i,j,k,v,q") {
        throw parseError(state.path, 1, "(header)", `expected the BACI header "t,i,j,k,v,q", found "${header.slice(0, 60)}"`);
      }
      pos = eol + 1;
      continue;
    }
    const first = buf[pos];
    if (first === NL || first === CR) {
      // empty line
      pos += first === CR && buf[pos + 1] === NL ? 2 : 1;
      continue;
    }
    const fastEnd = parseFastRow(buf, pos, end, idOfCode, batch);
    if (fastEnd >= 0) {
      if (batch.size === BATCH_ROWS) flushBatch(batch, agg);
      pos = fastEnd;
      continue;
    }
    // anything else (quotes, exponents, stray text, errors): the general parser below, after the rows before it
    flushBatch(batch, agg);
    // Fields are parsed in one pass; `stop` bounds the scan (the line end is found after the last field).
    const stop = end;
    let p = pos;
    let exporter = -1;
    let importer = -1;
    let hs6 = -1;
    let value = 0;
    let mass = 0;
    for (let f = 0; f < 6; f++) {
      while (p < stop && buf[p] === SPACE) p++;
      let quoted = false;
      if (p < stop && buf[p] === QUOTE) {
        quoted = true;
        p++;
      }
      if (f < 4) {
        let n = 0;
        let digits = 0;
        while (p < stop) {
          const c = buf[p];
          if (c < ZERO || c > NINE) break;
          n = n * 10 + (c - ZERO);
          digits++;
          p++;
        }
        if (digits === 0) {
          state.line = line;
          fail(state, f, `"${fieldText(buf, p, stop)}" is not a whole number`);
        }
        if (f === 1 || f === 2) {
          const id = n <= MAX_COUNTRY_CODE ? idOfCode[n] : -1;
          if (id < 0) {
            state.line = line;
            fail(state, f, `country code ${n} is not in the country file`);
          }
          if (f === 1) exporter = id;
          else importer = id;
        } else if (f === 3) {
          if (n >= HS6_CODES) {
            state.line = line;
            fail(state, f, `"${n}" is not an HS6 product code`);
          }
          hs6 = n;
        }
      } else {
        const start = p;
        if (f === 5 && p + 1 < stop && buf[p] === 78 /* N */ && buf[p + 1] === 65 /* A */) {
          mass = Number.NaN;
          p += 2;
        } else {
          let neg = false;
          if (p < stop && buf[p] === MINUS) {
            neg = true;
            p++;
          }
          let intPart = 0;
          let digits = 0;
          while (p < stop) {
            const c = buf[p];
            if (c < ZERO || c > NINE) break;
            intPart = intPart * 10 + (c - ZERO);
            digits++;
            p++;
          }
          let x = intPart;
          if (p < stop && buf[p] === DOT) {
            p++;
            let frac = 0;
            let scale = 1;
            while (p < stop) {
              const c = buf[p];
              if (c < ZERO || c > NINE) break;
              frac = frac * 10 + (c - ZERO);
              scale *= 10;
              digits++;
              p++;
            }
            x += frac / scale;
          }
          if (p < stop && (buf[p] === 101 || buf[p] === 69)) {
            // exponent: rare, parse the whole token the slow way
            while (p < stop && buf[p] !== COMMA && buf[p] !== SPACE && buf[p] !== QUOTE) p++;
            x = Math.abs(Number(Buffer.from(buf.buffer, buf.byteOffset + start, p - start).toString("latin1")));
          }
          if (digits === 0 || Number.isNaN(x) || neg) {
            state.line = line;
            fail(state, f, neg ? `negative ${f === 4 ? "value" : "quantity"} ${fieldText(buf, start, stop)}` : `"${fieldText(buf, start, stop)}" is not a number`);
          }
          if (!(x <= BACI_MAX) || (x !== 0 && x < MIN_NORMAL)) {
            state.line = line;
            fail(state, f, `${fieldText(buf, start, stop)} is out of range; expected a number 0 … ${BACI_MAX.toExponential().replace("e+", "e")} (one number rule, docs/numbers.md)`);
          }
          if (f === 4) value = x;
          else mass = x;
        }
      }
      if (quoted) {
        if (buf[p] !== QUOTE) {
          state.line = line;
          fail(state, f, "unterminated quote");
        }
        p++;
      }
      while (p < stop && buf[p] === SPACE) p++;
      if (f < 5) {
        if (p >= stop || buf[p] !== COMMA) {
          state.line = line;
          fail(state, f + 1, p >= stop || buf[p] === NL || buf[p] === CR ? "missing (the row has fewer than 6 fields)" : `unexpected "${fieldText(buf, p, stop)}"`);
        }
        p++;
      }
    }
    if (p < end && buf[p] === CR) p++;
    if (p < end && buf[p] !== NL) {
      state.line = line;
      fail(state, 5, buf[p] === COMMA ? "the row has more than 6 fields" : `unexpected text after the quantity: "${fieldText(buf, p, stop)}"`);
    }
    agg.add(exporter, importer, hs6, value * 1000, mass);
    pos = p + 1;
  }
  flushBatch(batch, agg);
  state.line = line;
}

/** Rows parsed by the fast path, added to the aggregator in one tight loop (its table lookups then overlap). */
interface RowBatch {
  size: number;
  readonly exporter: Int32Array; // [row] country id
  readonly importer: Int32Array; // [row] country id
  readonly hs6: Int32Array; // [row] HS6 code
  readonly valueUsd: Float64Array; // [row]
  readonly massT: Float64Array; // [row] NaN = not reported
}

const BATCH_ROWS = 4096;

function newBatch(): RowBatch {
  return {
    size: 0,
    exporter: new Int32Array(BATCH_ROWS),
    importer: new Int32Array(BATCH_ROWS),
    hs6: new Int32Array(BATCH_ROWS),
    valueUsd: new Float64Array(BATCH_ROWS),
    massT: new Float64Array(BATCH_ROWS),
  };
}

function flushBatch(batch: RowBatch, agg: PairSectorAggregator): void {
  const { exporter, importer, hs6, valueUsd, massT } = batch;
  for (let r = 0; r < batch.size; r++) agg.add(exporter[r], importer[r], hs6[r], valueUsd[r], massT[r]);
  batch.size = 0;
}

/**
 * Fast path for the common row shape `t,i,j,k,v,q` with unquoted fields, whole-number codes, `v` and `q` as plain
 * decimals (spaces allowed before and after them) or `q` = `NA`, known country codes and HS6 codes. Appends the row
 * to the batch and returns the position after its line end, or −1 (nothing appended) when the row has any other
 * shape or a problem; the general parser then handles it and reports errors exactly. Numbers are computed with the
 * same arithmetic as the general parser.
 */
function parseFastRow(buf: Uint8Array, pos: number, end: number, idOfCode: Int32Array, batch: RowBatch): number {
  let p = pos;
  let c = 0;
  // t: digits
  let digits = 0;
  while (p < end) {
    c = buf[p];
    if (c < ZERO || c > NINE) break;
    digits++;
    p++;
  }
  if (digits === 0 || c !== COMMA) return -1;
  p++;
  // i, j, k: whole numbers
  let exporterCode = 0;
  digits = 0;
  while (p < end) {
    c = buf[p];
    if (c < ZERO || c > NINE) break;
    exporterCode = exporterCode * 10 + (c - ZERO);
    digits++;
    p++;
  }
  if (digits === 0 || c !== COMMA || exporterCode > MAX_COUNTRY_CODE) return -1;
  p++;
  let importerCode = 0;
  digits = 0;
  while (p < end) {
    c = buf[p];
    if (c < ZERO || c > NINE) break;
    importerCode = importerCode * 10 + (c - ZERO);
    digits++;
    p++;
  }
  if (digits === 0 || c !== COMMA || importerCode > MAX_COUNTRY_CODE) return -1;
  p++;
  let hs6 = 0;
  digits = 0;
  while (p < end) {
    c = buf[p];
    if (c < ZERO || c > NINE) break;
    hs6 = hs6 * 10 + (c - ZERO);
    digits++;
    p++;
  }
  if (digits === 0 || c !== COMMA || hs6 >= HS6_CODES) return -1;
  p++;
  const exporter = idOfCode[exporterCode];
  const importer = idOfCode[importerCode];
  if (exporter < 0 || importer < 0) return -1;
  // v
  while (p < end && buf[p] === SPACE) p++;
  let intPart = 0;
  digits = 0;
  while (p < end) {
    c = buf[p];
    if (c < ZERO || c > NINE) break;
    intPart = intPart * 10 + (c - ZERO);
    digits++;
    p++;
  }
  let value = intPart;
  if (p < end && buf[p] === DOT) {
    p++;
    let frac = 0;
    let scale = 1;
    while (p < end) {
      c = buf[p];
      if (c < ZERO || c > NINE) break;
      frac = frac * 10 + (c - ZERO);
      scale *= 10;
      digits++;
      p++;
    }
    value += frac / scale;
  }
  if (digits === 0) return -1;
  while (p < end && buf[p] === SPACE) p++;
  if (p >= end || buf[p] !== COMMA) return -1;
  p++;
  // q: a decimal or NA
  while (p < end && buf[p] === SPACE) p++;
  let mass: number;
  if (p + 1 < end && buf[p] === 78 /* N */ && buf[p + 1] === 65 /* A */) {
    mass = Number.NaN;
    p += 2;
  } else {
    intPart = 0;
    digits = 0;
    while (p < end) {
      c = buf[p];
      if (c < ZERO || c > NINE) break;
      intPart = intPart * 10 + (c - ZERO);
      digits++;
      p++;
    }
    mass = intPart;
    if (p < end && buf[p] === DOT) {
      p++;
      let frac = 0;
      let scale = 1;
      while (p < end) {
        c = buf[p];
        if (c < ZERO || c > NINE) break;
        frac = frac * 10 + (c - ZERO);
        scale *= 10;
        digits++;
        p++;
      }
      mass += frac / scale;
    }
    if (digits === 0) return -1;
  }
  while (p < end && buf[p] === SPACE) p++;
  if (p < end && buf[p] === CR) p++;
  if (p < end && buf[p] !== NL) return -1;
  const r = batch.size++;
  batch.exporter[r] = exporter;
  batch.importer[r] = importer;
  batch.hs6[r] = hs6;
  batch.valueUsd[r] = value * 1000;
  batch.massT[r] = mass;
  return p + 1;
}

function fieldText(buf: Uint8Array, from: number, stop: number): string {
  let end = from;
  while (end < stop && buf[end] !== COMMA && buf[end] !== NL && buf[end] !== CR) end++;
  return Buffer.from(buf.buffer, buf.byteOffset + from, Math.min(end, from + 40) - from).toString("latin1");
}
