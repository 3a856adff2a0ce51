/**
 * Readers for the TNTP text formats of the "Transportation Networks for Research" collection: network (`*_net`),
 * trip table (`*_trips`) and best-known link flows (`*_flow`).
 *
 * Quirks handled (all seen in the public files):
 *   - metadata tags `<NAME> value` until `<END OF METADATA>`; `<ORIGINAL HEADER>` contains `~` and is read as a
 *     tag before comments are stripped; unknown tags are kept in `metadata` and otherwise ignored;
 *   - `~` starts a comment anywhere else;
 *   - fields are separated by any run of tabs and spaces; `;` ends a record and may be glued to the last number;
 *   - numbers may be written in exponent form (`1.5e-3`);
 *   - parallel links (same from/to) are distinct links; node ids that no link uses are ordinary isolated nodes;
 *   - nodes below `<FIRST THRU NODE>` are zones: paths may start or end there but not pass through;
 *   - trip files list `destination : flow;` entries after each `Origin o` line, several per line, with explicit
 *     zeros and intrazonal entries (origin = destination; counted but never loaded on a link);
 *   - `<TOLL FACTOR>` and `<DISTANCE FACTOR>` give the generalized cost `t(x) + tollFactor·toll + distanceFactor·length`.
 *
 * Every number follows the one number rule (src/core/numbers.ts) with the ranges of NUMBER_FIELDS: sizes declared in
 * the metadata are checked against TNTP_MAX_* before anything is allocated, node ids must not exceed
 * `<NUMBER OF NODES>`, zones not `<NUMBER OF ZONES>`. Malformed input throws E_PARSE naming file, line and field.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CaravanError, parseError } from "../core/errors";
import { MIN_NORMAL, NUMBER_FIELDS, type NumberRule, numberProblem, rangeProblem } from "../core/numbers";

/** A TNTP network in input (file) order. Node k of the file is index k - 1. */
export interface TntpNetwork {
  readonly file: string;
  readonly metadata: ReadonlyMap<string, string>;
  readonly zoneCount: number;
  /** Number of nodes (the declared count, or the largest node id used if that is larger). */
  readonly nodeCount: number;
  /** 1-based id of the first node that may be passed through; nodes 1 .. firstThruNode-1 are zones only. */
  readonly firstThruNode: number;
  readonly linkCount: number;
  /** [link] 0-based tail node. */
  readonly fromNode: Uint32Array;
  /** [link] 0-based head node. */
  readonly toNode: Uint32Array;
  /** [link] capacity, flow units per period. */
  readonly capacity: Float64Array;
  /** [link] length, the file's length unit. */
  readonly length: Float64Array;
  /** [link] free-flow time, the file's time unit. */
  readonly freeFlowTime: Float64Array;
  /** [link] BPR B. */
  readonly bprB: Float64Array;
  /** [link] BPR power. */
  readonly bprPower: Float64Array;
  /** [link] speed (informative). */
  readonly speed: Float64Array;
  /** [link] toll. */
  readonly toll: Float64Array;
  /** [link] link type (informative). */
  readonly linkType: Int32Array;
  /** [link] 1-based line number in the file (for messages). */
  readonly line: Uint32Array;
  /** `<TOLL FACTOR>` (0 when absent). */
  readonly tollFactor: number;
  /** `<DISTANCE FACTOR>` (0 when absent). */
  readonly distanceFactor: number;
}

/** A TNTP trip table: dense zone × zone matrix. */
export interface TntpTrips {
  readonly file: string;
  readonly metadata: ReadonlyMap<string, string>;
  readonly zoneCount: number;
  /** [origin * zoneCount + destination] flow, 0-based zones. Includes the diagonal (intrazonal) as given. */
  readonly demand: Float64Array;
  /** Sum of all entries including intrazonal ones. */
  readonly totalDemand: number;
  /** Sum of the diagonal entries (intrazonal demand, loads no link). */
  readonly intrazonalDemand: number;
  /** `<TOTAL OD FLOW>` as declared, NaN when absent. */
  readonly declaredTotal: number;
  /** Non-fatal findings (e.g. declared total differs from the sum). */
  readonly warnings: readonly string[];
}

/** Best-known link flows, matched to the network's links. */
export interface TntpFlows {
  readonly file: string;
  /** [link, network input order] flow. */
  readonly flow: Float64Array;
  /** [link, network input order] cost as given in the file. */
  readonly cost: Float64Array;
}

const TAG = /^\s*<([^>]+)>(.*)$/;

const NET_RULES: Readonly<Record<string, NumberRule>> = NUMBER_FIELDS["TNTP network (*_net.tntp)"];
const TRIP_RULES: Readonly<Record<string, NumberRule>> = NUMBER_FIELDS["TNTP trips (*_trips.tntp)"];
const FLOW_RULES: Readonly<Record<string, NumberRule>> = NUMBER_FIELDS["TNTP best-known flows (*_flow.tntp)"];
/** Largest trip-table entry (the fast path checks it without the general parser). */
const MAX_TRIP_FLOW = TRIP_RULES.flow.max;
/** Smallest positive capacity of a congested link (b > 0): smaller ones make (x / capacity)^power overflow. */
const MIN_CONGESTED_CAPACITY = 1e-6;

/** A number under the one number rule and `rule`; E_PARSE naming file, line and field otherwise. */
function num(file: string, line: number, field: string, token: string | undefined, rule: NumberRule): number {
  const problem = numberProblem(token, rule);
  if (problem !== null) throw parseError(file, line, field, problem);
  return Number(token);
}

/** A whole number under `rule`, further limited to `min` … `max` (e.g. a node id up to the declared node count). */
function int(file: string, line: number, field: string, token: string | undefined, rule: NumberRule, min = rule.min, max = rule.max): number {
  const v = num(file, line, field, token, { ...rule, integer: true });
  if (v < min || v > max) throw parseError(file, line, field, `${v} is outside ${min}..${max}`);
  return v;
}

interface Metadata {
  readonly tags: Map<string, string>;
  /** Index of the first body line (0-based). */
  readonly bodyStart: number;
}

/** Read `<TAG> value` lines up to `<END OF METADATA>` (tags are read before `~` comments are stripped). */
function readMetadata(file: string, lines: readonly string[]): Metadata {
  const tags = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const m = TAG.exec(raw);
    if (m) {
      const name = m[1].trim().toUpperCase();
      if (name === "END OF METADATA") return { tags, bodyStart: i + 1 };
      tags.set(name, m[2].trim());
      continue;
    }
    const stripped = stripComment(raw).trim();
    if (stripped !== "") throw parseError(file, i + 1, "metadata", `expected a <TAG> line or <END OF METADATA>, found "${stripped.slice(0, 40)}"`);
  }
  throw parseError(file, lines.length, "<END OF METADATA>", "the metadata section never ends");
}

function stripComment(s: string): string {
  const k = s.indexOf("~");
  return k < 0 ? s : s.slice(0, k);
}

function tagInt(file: string, lines: readonly string[], tags: Map<string, string>, name: string, required: boolean, rules: Readonly<Record<string, NumberRule>>): number {
  const v = tags.get(name);
  if (v === undefined) {
    if (required) throw parseError(file, 1, `<${name}>`, "required metadata tag is missing");
    return Number.NaN;
  }
  const line = lines.findIndex((l) => l.toUpperCase().includes(`<${name}>`)) + 1;
  return int(file, line, `<${name}>`, v.split(/\s+/)[0], rules[`<${name}>`]);
}

function tagNumber(file: string, lines: readonly string[], tags: Map<string, string>, name: string, rules: Readonly<Record<string, NumberRule>>): number {
  const v = tags.get(name);
  if (v === undefined) return Number.NaN;
  const line = lines.findIndex((l) => l.toUpperCase().includes(`<${name}>`)) + 1;
  return num(file, line, `<${name}>`, v.split(/\s+/)[0], rules[`<${name}>`]);
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The BPR conditions on link `l` (line `line`) that the single field rules cannot state. */
function checkLink(file: string, line: number, cols: readonly Float64Array[], l: number): void {
  const capacity = cols[0][l];
  const b = cols[3][l];
  if (capacity === 0 && b > 0) throw parseError(file, line, "capacity", "is 0 but b > 0 (the BPR term would be infinite)");
  if (b > 0 && capacity < MIN_CONGESTED_CAPACITY) throw parseError(file, line, "capacity", `${capacity} is below ${MIN_CONGESTED_CAPACITY} with b > 0 ((flow / capacity)^power would overflow)`);
  if (b > 0 && cols[4][l] < 1) throw parseError(file, line, "power", `${cols[4][l]} with b > 0: the power of a congested link must be ≥ 1 (use b = 0 for a constant time)`);
}

/**
 * Fast path for one link line, read from the bytes `b[start .. end)` (the line without newline and comment) without
 * creating strings: 7 to 10 unsigned plain decimals (no exponent) separated by spaces or tabs, an optional `;` with
 * only blanks after it, every value within its field's rule (node ids within 1 … `nodeCount`). Writes the values
 * (missing optional fields 0) to `out` and returns the number of fields, 0 for a blank line, or -1 when the line
 * holds anything else (the general parser then reads it and reports any error). Each value is the same double as
 * Number() of its text: digits and fraction digits as one integer w with f fraction digits, w / 10^f, exact while
 * w < 2^53 and f ≤ 22 (otherwise -1).
 */
function fastLinkFields(b: Uint8Array, start: number, end: number, nodeCount: number, out: Float64Array): number {
  let i = start;
  let n = 0;
  let c = i < end ? b[i] : -1;
  for (;;) {
    while (c === 32 || c === 9 || c === 13) c = ++i < end ? b[i] : -1;
    if (i >= end || c === 59) break;
    if (n === NET_FIELDS.length) return -1;
    i = scanDecimal(b, i, end);
    c = i < end ? b[i] : -1;
    const v = DECIMAL[0];
    if (Number.isNaN(v)) return -1;
    if (!(c === 32 || c === 9 || c === 13 || c === 59 || i >= end)) return -1;
    if (rangeProblem(v, NET_RULES[NET_FIELDS[n]]) !== null) return -1;
    if (n < 2 && v > nodeCount) return -1;
    out[n++] = v;
  }
  if (c === 59) {
    c = ++i < end ? b[i] : -1;
    while (c === 32 || c === 9 || c === 13) c = ++i < end ? b[i] : -1;
    if (i < end) return -1;
  }
  if (n === 0) return c === 59 ? -1 : 0;
  if (n < 7) return -1;
  for (let k = n; k < NET_FIELDS.length; k++) out[k] = 0;
  return n;
}

const NET_FIELDS = ["init_node", "term_node", "capacity", "length", "free_flow_time", "b", "power", "speed", "toll", "link_type"] as const;

/** Parse a TNTP network file's text. `file` is used in messages only. */
export function parseTntpNetwork(text: string | Uint8Array, file: string): TntpNetwork {
  const bytes = asBytes(text);
  const bounds = lineBounds(bytes);
  const lines = headLines(bytes, bounds);
  const { tags, bodyStart } = readMetadata(file, lines);
  const zoneCount = tagInt(file, lines, tags, "NUMBER OF ZONES", true, NET_RULES);
  const declaredNodes = tagInt(file, lines, tags, "NUMBER OF NODES", true, NET_RULES);
  const firstThruNodeTag = tagInt(file, lines, tags, "FIRST THRU NODE", false, NET_RULES);
  const declaredLinks = tagInt(file, lines, tags, "NUMBER OF LINKS", true, NET_RULES);
  const tollFactor = tagNumber(file, lines, tags, "TOLL FACTOR", NET_RULES);
  const distanceFactor = tagNumber(file, lines, tags, "DISTANCE FACTOR", NET_RULES);
  if (zoneCount > declaredNodes) throw parseError(file, lines.findIndex((l) => l.toUpperCase().includes("<NUMBER OF ZONES>")) + 1, "<NUMBER OF ZONES>", `${zoneCount} zones but only ${declaredNodes} nodes`);

  // the declared count is checked against the file at the end; allocate by what the file can hold, not by the claim
  const cap = Math.max(16, Math.min(declaredLinks, bounds.count));
  let from = new Uint32Array(cap);
  let to = new Uint32Array(cap);
  let cols = NET_FIELDS.slice(2).map(() => new Float64Array(cap));
  let lineNo = new Uint32Array(cap);
  let count = 0;
  const values = new Float64Array(NET_FIELDS.length);
  let tilde = bytes.indexOf(126); // the next '~' (comment start) at or after the current line
  for (let i = bodyStart; i < bounds.count; i++) {
    const start = bounds.starts[i];
    let end = bounds.ends[i];
    if (tilde >= 0 && tilde < start) tilde = bytes.indexOf(126, start);
    if (tilde >= 0 && tilde < end) end = tilde;
    if (count < from.length) {
      const fields = fastLinkFields(bytes, start, end, declaredNodes, values);
      if (fields === 0) continue; // blank or comment line
      if (fields > 0) {
        from[count] = values[0] - 1;
        to[count] = values[1] - 1;
        for (let k = 2; k < NET_FIELDS.length; k++) cols[k - 2][count] = values[k];
        checkLink(file, i + 1, cols, count);
        lineNo[count] = i + 1;
        count++;
        continue;
      }
    }
    let body = bytes.toString("utf8", start, end);
    const semi = body.indexOf(";");
    if (semi >= 0) {
      const rest = body.slice(semi + 1).trim();
      if (rest !== "") throw parseError(file, i + 1, "link", `unexpected text after ';': "${rest.slice(0, 40)}"`);
      body = body.slice(0, semi);
    }
    const tokens = body.trim().split(/\s+/).filter((t) => t !== "");
    if (tokens.length === 0) continue;
    if (tokens.length < 7) throw parseError(file, i + 1, NET_FIELDS[tokens.length], `a link needs at least 7 fields (init_node … power), found ${tokens.length}`);
    if (tokens.length > NET_FIELDS.length) throw parseError(file, i + 1, "link", `a link has at most ${NET_FIELDS.length} fields, found ${tokens.length}`);
    if (count === from.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      from = grow(from);
      to = grow(to);
      lineNo = grow(lineNo);
      cols = cols.map(grow);
    }
    const f = int(file, i + 1, "init_node", tokens[0], NET_RULES.init_node, 1, declaredNodes);
    const t = int(file, i + 1, "term_node", tokens[1], NET_RULES.term_node, 1, declaredNodes);
    from[count] = f - 1;
    to[count] = t - 1;
    for (let k = 2; k < NET_FIELDS.length; k++) {
      const tok = tokens[k];
      const v = tok === undefined ? 0 : num(file, i + 1, NET_FIELDS[k], tok, NET_RULES[NET_FIELDS[k]]);
      cols[k - 2][count] = v;
    }
    checkLink(file, i + 1, cols, count);
    lineNo[count] = i + 1;
    count++;
  }
  if (count !== declaredLinks) {
    throw parseError(file, bounds.count, "<NUMBER OF LINKS>", `declares ${declaredLinks} links but the file has ${count}`);
  }
  const nodeCount = declaredNodes;
  const firstThruNode = Number.isNaN(firstThruNodeTag) ? 1 : Math.max(1, firstThruNodeTag);
  const [capacity, length, freeFlowTime, bprB, bprPower, speed, toll, typeF] = cols.map((c) => c.slice(0, count));
  return {
    file,
    metadata: tags,
    zoneCount,
    nodeCount,
    firstThruNode,
    linkCount: count,
    fromNode: from.slice(0, count),
    toNode: to.slice(0, count),
    capacity,
    length,
    freeFlowTime,
    bprB,
    bprPower,
    speed,
    toll,
    linkType: Int32Array.from(typeF),
    line: lineNo.slice(0, count),
    tollFactor: Number.isNaN(tollFactor) ? 0 : tollFactor,
    distanceFactor: Number.isNaN(distanceFactor) ? 0 : distanceFactor,
  };
}

const ORIGIN = /^\s*origin\s+(\S+)\s*$/i;

/** [f] 10^f, exact for f ≤ 22. */
const POW10 = Float64Array.from({ length: 23 }, (_, f) => 10 ** f);

/** Out-parameter of scanDecimal (one shared cell: the parsers allocate nothing per number). */
const DECIMAL = new Float64Array(1);

/**
 * Read an unsigned plain decimal (digits, optionally `.` and fraction digits) at byte `i` of `b` before `end` and return
 * the index after it; DECIMAL[0] gets its value, or NaN when there are no digits or it has too many to read exactly.
 * The digits form one integer w with f fraction digits: w / 10^f is the correctly rounded value (the same double as
 * Number()) while w < 2^53 and f ≤ 22, as both are then exact.
 */
function scanDecimal(b: Uint8Array, i: number, end: number): number {
  let w = 0;
  let f = 0;
  let digits = 0;
  let c = i < end ? b[i] : -1;
  while (c >= 48 && c <= 57) {
    w = w * 10 + (c - 48);
    digits++;
    c = ++i < end ? b[i] : -1;
  }
  if (c === 46) {
    c = ++i < end ? b[i] : -1;
    while (c >= 48 && c <= 57) {
      w = w * 10 + (c - 48);
      f++;
      c = ++i < end ? b[i] : -1;
    }
  }
  DECIMAL[0] = digits + f === 0 || w > Number.MAX_SAFE_INTEGER || f > 22 ? Number.NaN : f === 0 ? w : w / POW10[f];
  return i;
}

/** Length of the decimal number (grammar of NUMBER, without sign) starting at byte `i` of `b` before `end`, 0 when there is none. */
function scanUnsignedNumberBytes(b: Uint8Array, i: number, end: number): number {
  const start = i;
  let digits = 0;
  let c = i < end ? b[i] : -1;
  while (c >= 48 && c <= 57) {
    digits++;
    c = ++i < end ? b[i] : -1;
  }
  if (c === 46) {
    c = ++i < end ? b[i] : -1;
    while (c >= 48 && c <= 57) {
      digits++;
      c = ++i < end ? b[i] : -1;
    }
  }
  if (digits === 0) return 0;
  if (c === 101 || c === 69) {
    let j = i + 1;
    let e = j < end ? b[j] : -1;
    if (e === 43 || e === 45) e = ++j < end ? b[j] : -1;
    if (e >= 48 && e <= 57) {
      while (e >= 48 && e <= 57) e = ++j < end ? b[j] : -1;
      i = j;
    }
  }
  return i - start;
}

/**
 * Fast path for one trip-table line of `destination : flow ;` entries (the bulk of a trip file), read from the bytes
 * `b[start .. end)` (the line without its newline and comment) without creating strings: adds the entries to `demand`
 * and returns true, or changes nothing and returns false when the line holds anything else (the general parser then
 * reads it and reports any error). `scratch` holds the line's entries until the whole line is valid.
 */
function fastTripEntries(b: Uint8Array, start: number, end: number, origin: number, zoneCount: number, demand: Float64Array, scratch: { d: Int32Array; v: Float64Array }, sums: { total: number; intrazonal: number }): boolean {
  let i = start;
  let count = 0;
  for (;;) {
    let c = i < end ? b[i] : -1;
    while (c === 32 || c === 9 || c === 13) c = ++i < end ? b[i] : -1;
    if (i >= end) break;
    // destination: a positive integer
    let d = 0;
    const dStart = i;
    while (c >= 48 && c <= 57) {
      d = d * 10 + (c - 48);
      c = ++i < end ? b[i] : -1;
    }
    if (i === dStart || i - dStart > 9 || d < 1 || d > zoneCount) return false;
    while (c === 32 || c === 9) c = ++i < end ? b[i] : -1;
    if (c !== 58) return false; // ':'
    c = ++i < end ? b[i] : -1;
    while (c === 32 || c === 9) c = ++i < end ? b[i] : -1;
    const vStart = i;
    if (c === 43) c = ++i < end ? b[i] : -1; // a leading '+'; negative flows go to the general parser, which rejects them
    // a plain decimal exactly as Number() reads it (scanDecimal); an exponent or too many digits go through Number()
    const nStart = i;
    i = scanDecimal(b, i, end);
    c = i < end ? b[i] : -1;
    let v: number;
    if (!Number.isNaN(DECIMAL[0]) && c !== 101 && c !== 69) v = DECIMAL[0];
    else {
      const n = scanUnsignedNumberBytes(b, nStart, end);
      if (n === 0) return false;
      i = nStart + n;
      v = Number(latin1(b, vStart, i));
    }
    if (!(v <= MAX_TRIP_FLOW) || (v !== 0 && v < MIN_NORMAL)) return false; // overflow, out of range or subnormal: the general parser says which
    c = i < end ? b[i] : -1;
    while (c === 32 || c === 9 || c === 13) c = ++i < end ? b[i] : -1;
    if (c === 59) i++; // ';'
    else if (i < end) return false;
    if (count === scratch.d.length) return false;
    scratch.d[count] = d - 1;
    scratch.v[count] = v;
    count++;
  }
  for (let e = 0; e < count; e++) {
    const d = scratch.d[e];
    const v = scratch.v[e];
    demand[origin * zoneCount + d] += v;
    sums.total += v;
    if (d === origin) sums.intrazonal += v;
  }
  return true;
}

/** The bytes `b[start .. end)` (ASCII digits, signs, dots and exponents here) as a string. */
function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** A file's bytes: `text` as given (a Buffer read from disk) or encoded as UTF-8. */
function asBytes(text: string | Uint8Array): Buffer {
  if (typeof text === "string") return Buffer.from(text, "utf8");
  return Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

/**
 * Byte offsets of the lines of `b` as `splitLines` cuts its text (at `\n`, without a `\r` just before it):
 * line k is `b[starts[k] .. ends[k])`. The decoded line k equals `splitLines(b.toString("utf8"))[k]`, as UTF-8 never
 * uses the bytes of `\r` and `\n` inside a multi-byte character.
 */
function lineBounds(b: Buffer): { starts: Uint32Array; ends: Uint32Array; count: number } {
  let n = 1;
  for (let p = b.indexOf(10); p >= 0; p = b.indexOf(10, p + 1)) n++;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  let s = 0;
  let k = 0;
  for (let p = b.indexOf(10); p >= 0; p = b.indexOf(10, p + 1)) {
    starts[k] = s;
    ends[k] = p > s && b[p - 1] === 13 ? p - 1 : p;
    k++;
    s = p + 1;
  }
  starts[k] = s;
  ends[k] = b.length;
  return { starts, ends, count: n };
}

/**
 * The decoded lines of the metadata section (up to `<END OF METADATA>`, or up to the first line `readMetadata`
 * refuses, or the whole file when the section never ends), so that metadata reading and its messages see the same
 * lines, and line numbers, as for the whole text.
 */
function headLines(b: Buffer, bounds: { starts: Uint32Array; ends: Uint32Array; count: number }): string[] {
  const lines: string[] = [];
  for (let k = 0; k < bounds.count; k++) {
    const raw = b.toString("utf8", bounds.starts[k], bounds.ends[k]);
    lines.push(raw);
    const m = TAG.exec(raw);
    if (m) {
      if (m[1].trim().toUpperCase() === "END OF METADATA") break;
      continue;
    }
    if (stripComment(raw).trim() !== "") break;
  }
  return lines;
}

/**
 * Parse a TNTP trip table. Zones are 1-based in the file, 0-based in `demand`. With `networkZones` (the zone count of
 * the network the table belongs to) a different `<NUMBER OF ZONES>` is refused before the zones × zones matrix is
 * allocated.
 */
export function parseTntpTrips(text: string | Uint8Array, file: string, networkZones?: number): TntpTrips {
  const bytes = asBytes(text);
  const bounds = lineBounds(bytes);
  const lines = headLines(bytes, bounds);
  const { tags, bodyStart } = readMetadata(file, lines);
  const zoneCount = tagInt(file, lines, tags, "NUMBER OF ZONES", true, TRIP_RULES);
  if (networkZones !== undefined && zoneCount !== networkZones) {
    const line = lines.findIndex((l) => l.toUpperCase().includes("<NUMBER OF ZONES>")) + 1;
    throw parseError(file, line, "<NUMBER OF ZONES>", `${zoneCount} zones but the network has ${networkZones}`);
  }
  const declaredTotal = tagNumber(file, lines, tags, "TOTAL OD FLOW", TRIP_RULES);
  const demand = new Float64Array(zoneCount * zoneCount);
  let origin = -1;
  const sums = { total: 0, intrazonal: 0 };
  const scratch = { d: new Int32Array(64), v: new Float64Array(64) };
  let tilde = bytes.indexOf(126); // the next '~' (comment start) at or after the current line
  for (let i = bodyStart; i < bounds.count; i++) {
    const start = bounds.starts[i];
    let end = bounds.ends[i];
    if (tilde >= 0 && tilde < start) tilde = bytes.indexOf(126, start);
    if (tilde >= 0 && tilde < end) end = tilde;
    if (origin >= 0 && fastTripEntries(bytes, start, end, origin, zoneCount, demand, scratch, sums)) continue;
    const body = bytes.toString("utf8", start, end);
    if (body.trim() === "") continue;
    const om = ORIGIN.exec(body.replace(/;\s*$/, ""));
    if (om) {
      origin = int(file, i + 1, "Origin", om[1], TRIP_RULES.Origin, 1, zoneCount) - 1;
      continue;
    }
    if (/^\s*origin\b/i.test(body)) throw parseError(file, i + 1, "Origin", `expected "Origin <zone>", found "${body.trim().slice(0, 40)}"`);
    if (origin < 0) throw parseError(file, i + 1, "Origin", "destination entries before the first \"Origin\" line");
    for (const entry of body.split(";")) {
      const e = entry.trim();
      if (e === "") continue;
      const colon = e.indexOf(":");
      if (colon < 0) throw parseError(file, i + 1, "destination", `expected "destination : flow", found "${e.slice(0, 40)}"`);
      const dTok = e.slice(0, colon).trim();
      const vTok = e.slice(colon + 1).trim();
      const d = int(file, i + 1, "destination", dTok, TRIP_RULES.destination, 1, zoneCount) - 1;
      const v = num(file, i + 1, "flow", vTok, TRIP_RULES.flow);
      demand[origin * zoneCount + d] += v;
      sums.total += v;
      if (d === origin) sums.intrazonal += v;
    }
  }
  const total = sums.total;
  const intrazonal = sums.intrazonal;
  const warnings: string[] = [];
  if (!Number.isNaN(declaredTotal) && Math.abs(declaredTotal - total) > 1e-6 * Math.max(1, Math.abs(declaredTotal))) {
    warnings.push(`${file}: <TOTAL OD FLOW> declares ${declaredTotal} but the entries sum to ${total}`);
  }
  return { file, metadata: tags, zoneCount, demand, totalDemand: total, intrazonalDemand: intrazonal, declaredTotal, warnings };
}

/**
 * Parse a best-known flow file (`From To Volume Cost` per link) and match its rows to the network's links. Parallel
 * links are matched in order of appearance (the k-th row from→to goes to the k-th link from→to).
 */
export function parseTntpFlows(text: string, file: string, network: TntpNetwork): TntpFlows {
  const lines = splitLines(text);
  const flow = new Float64Array(network.linkCount).fill(Number.NaN);
  const cost = new Float64Array(network.linkCount).fill(Number.NaN);
  // links by from-node for matching, in input order
  const byPair = new Map<number, number[]>();
  for (let l = 0; l < network.linkCount; l++) {
    const key = network.fromNode[l] * network.nodeCount + network.toNode[l];
    const list = byPair.get(key);
    if (list) list.push(l);
    else byPair.set(key, [l]);
  }
  const used = new Map<number, number>();
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    let body = stripComment(lines[i]);
    const semi = body.indexOf(";");
    if (semi >= 0) body = body.slice(0, semi);
    const tokens = body.trim().split(/\s+/).filter((t) => t !== "");
    if (tokens.length === 0) continue;
    if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(tokens[0])) {
      if (rows === 0) continue; // header line (From To Volume Cost)
      throw parseError(file, i + 1, "From", `"${tokens[0]}" is not a node id`);
    }
    if (tokens.length < 3) throw parseError(file, i + 1, tokens.length < 2 ? "To" : "Volume", "missing value");
    const f = int(file, i + 1, "From", tokens[0], FLOW_RULES.From, 1, network.nodeCount) - 1;
    const t = int(file, i + 1, "To", tokens[1], FLOW_RULES.To, 1, network.nodeCount) - 1;
    const v = num(file, i + 1, "Volume", tokens[2], FLOW_RULES.Volume);
    const c = tokens.length > 3 ? num(file, i + 1, "Cost", tokens[3], FLOW_RULES.Cost) : Number.NaN;
    const key = f * network.nodeCount + t;
    const list = byPair.get(key);
    const k = used.get(key) ?? 0;
    if (!list || k >= list.length) throw parseError(file, i + 1, "From", `link ${f + 1} → ${t + 1} is not in the network ${network.file}`);
    used.set(key, k + 1);
    flow[list[k]] = v;
    cost[list[k]] = c;
    rows++;
  }
  if (rows !== network.linkCount) {
    throw parseError(file, lines.length, "From", `${rows} flow rows for ${network.linkCount} network links`);
  }
  return { file, flow, cost };
}

/** The files of one TNTP network directory. */
export interface TntpFiles {
  readonly dir: string;
  readonly net: string;
  readonly trips: string;
  readonly flow: string | null;
  readonly node: string | null;
}

/**
 * Find `*_net.tntp`, `*_trips.tntp` and optionally `*_flow.tntp`, `*_node.tntp` in a directory. A TNTP instance is
 * a folder: a path to a file is refused (E_USAGE naming its folder), and so is a folder with two candidates for one
 * role (E_USAGE naming both), rather than silently picking one.
 */
export function findTntpFiles(dir: string): TntpFiles {
  if (!existsSync(dir)) throw new CaravanError("E_FILE_NOT_FOUND", `TNTP directory ${dir} does not exist`, { details: { file: dir } });
  if (!statSync(dir).isDirectory()) {
    throw new CaravanError("E_USAGE", `${dir} is a file; --tntp takes the folder of a TNTP instance (here ${dirname(dir)}) holding one *_net.tntp and one *_trips.tntp`, {
      details: { file: dir },
    });
  }
  const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".tntp"));
  const pick = (suffix: string): string | null => {
    const found = files.filter((f) => f.toLowerCase().endsWith(`_${suffix}.tntp`)).sort();
    if (found.length > 1) {
      throw new CaravanError("E_USAGE", `${dir} holds ${found.length} *_${suffix}.tntp files (${found.join(", ")}); keep one instance per folder`, {
        details: { file: dir, candidates: found },
      });
    }
    return found.length > 0 ? join(dir, found[0]) : null;
  };
  const net = pick("net");
  const trips = pick("trips");
  if (net === null) throw new CaravanError("E_FILE_NOT_FOUND", `no *_net.tntp file in ${dir}`, { details: { files } });
  if (trips === null) throw new CaravanError("E_FILE_NOT_FOUND", `no *_trips.tntp file in ${dir}`, { details: { files } });
  return { dir, net, trips, flow: pick("flow"), node: pick("node") };
}

/** A loaded TNTP instance. */
export interface TntpInstance {
  readonly name: string;
  readonly files: TntpFiles;
  readonly network: TntpNetwork;
  readonly trips: TntpTrips;
  /** Best-known flows from `*_flow.tntp`, null without one; the file is read and checked when this is first read. */
  readonly bestFlows: TntpFlows | null;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Read a TNTP directory: network and trips now, best-known flows (when present) on first use. */
export function loadTntpDir(dir: string): TntpInstance {
  const files = findTntpFiles(dir);
  const network = parseTntpNetwork(readBytes(files.net), files.net);
  const trips = parseTntpTrips(readBytes(files.trips), files.trips, network.zoneCount);
  if (trips.zoneCount !== network.zoneCount) {
    throw parseError(files.trips, 1, "<NUMBER OF ZONES>", `${trips.zoneCount} zones but the network ${basename(files.net)} has ${network.zoneCount}`);
  }
  // solving needs no best-known flows: they are parsed only for those who read them (validation, tests)
  let bestFlows: TntpFlows | null | undefined;
  return {
    name: basename(dir),
    files,
    network,
    trips,
    get bestFlows(): TntpFlows | null {
      if (bestFlows === undefined) bestFlows = files.flow === null ? null : parseTntpFlows(readText(files.flow), files.flow, network);
      return bestFlows;
    },
  };
}
