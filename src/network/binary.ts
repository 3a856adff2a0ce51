/**
 * Binary form of a compiled network: one ArrayBuffer holding a 64-byte header and every typed array, plus a JSON
 * sidecar for strings and records (the NetworkData it was compiled from). Layout (little-endian):
 *
 *   offset  size  field
 *   0       4     magic "CRVN"
 *   4       4     format version (COMPILED_FORMAT_VERSION)
 *   8       4     nodeCount
 *   12      4     arcCount
 *   16      4     placeCount
 *   20      4     countryCount
 *   24      32    sha256 of the source files (NetworkData.sourceHash, raw bytes)
 *   56      8     total byte length of the buffer (float64)
 *   64      …     sections, each starting at a multiple of 8: firstOut u32[nodeCount+1], head u32[arcCount],
 *                 tail u32[arcCount], inputArc u32[arcCount], nodePlace u32[nodeCount], nodeLayer u8[nodeCount],
 *                 noThrough u8[nodeCount], layerNodeOf i32[placeCount·LAYER_COUNT], placeLonDeg f64[placeCount],
 *                 placeLatDeg f64[placeCount], placeCountry u16[placeCount], then the ARC_COLUMNS in order.
 *
 * `fromBuffer` revives the views without copying; a buffer of another format version or source hash fails with
 * E_GRAPH_CACHE_STALE (rebuilding is always correct).
 */
import { CaravanError } from "../core/errors";
import type { CsrGraph } from "../graph/csr";
import { ARC_COLUMNS, COMPILED_FORMAT_VERSION, type CompiledArcs, type CompiledNetwork, LAYER_COUNT } from "./compiled";
import type { NetworkData } from "./model";

const MAGIC = 0x4e565243; // "CRVN" read as little-endian u32
const HEADER_BYTES = 64;

type Kind = "u8" | "u16" | "u32" | "i32" | "f64";
const CTOR = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array } as const;
type AnyTyped = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** The parts of a compiled network before packing (arrays may be separate allocations). */
export type CompiledParts = Omit<CompiledNetwork, "formatVersion" | "buffer">;

function sectionList(nodeCount: number, arcCount: number, placeCount: number): [string, Kind, number][] {
  return [
    ["firstOut", "u32", nodeCount + 1],
    ["head", "u32", arcCount],
    ["tail", "u32", arcCount],
    ["inputArc", "u32", arcCount],
    ["nodePlace", "u32", nodeCount],
    ["nodeLayer", "u8", nodeCount],
    ["noThrough", "u8", nodeCount],
    ["layerNodeOf", "i32", placeCount * LAYER_COUNT],
    ["placeLonDeg", "f64", placeCount],
    ["placeLatDeg", "f64", placeCount],
    ["placeCountry", "u16", placeCount],
    ...ARC_COLUMNS.map(([name, kind]) => [`arc.${name}`, kind, arcCount] as [string, Kind, number]),
  ];
}

function layout(sections: [string, Kind, number][]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let at = HEADER_BYTES;
  for (const [, kind, length] of sections) {
    offsets.push(at);
    at += CTOR[kind].BYTES_PER_ELEMENT * length;
    at = Math.ceil(at / 8) * 8;
  }
  return { offsets, total: at };
}

function hashBytes(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  if (/^[0-9a-f]{64}$/.test(hex)) for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hashHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Copy the parts into one ArrayBuffer and return the network viewing it. */
export function packCompiled(parts: CompiledParts): CompiledNetwork {
  const { graph, placeCount } = parts;
  const sections = sectionList(graph.nodeCount, graph.arcCount, placeCount);
  const { offsets, total } = layout(sections);
  const buffer = new ArrayBuffer(total);
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, COMPILED_FORMAT_VERSION, true);
  view.setUint32(8, graph.nodeCount, true);
  view.setUint32(12, graph.arcCount, true);
  view.setUint32(16, placeCount, true);
  view.setUint32(20, parts.countries.length, true);
  new Uint8Array(buffer, 24, 32).set(hashBytes(parts.sourceHash));
  view.setFloat64(56, total, true);
  const source = (name: string): AnyTyped => {
    if (name.startsWith("arc.")) return parts.arcs[name.slice(4) as keyof CompiledArcs];
    if (name in graph) return graph[name as keyof CsrGraph] as AnyTyped;
    return parts[name as keyof CompiledParts] as AnyTyped;
  };
  sections.forEach(([name, kind, length], i) => {
    const src = source(name);
    if (src.length !== length) throw new RangeError(`packCompiled: ${name} has ${src.length} entries, expected ${length}`);
    new CTOR[kind](buffer, offsets[i], length).set(src);
  });
  return viewsOf(buffer, parts.sourceHash, parts.countries, parts.network);
}

function viewsOf(buffer: ArrayBuffer, sourceHash: string, countries: readonly string[], network: NetworkData): CompiledNetwork {
  const view = new DataView(buffer);
  const nodeCount = view.getUint32(8, true);
  const arcCount = view.getUint32(12, true);
  const placeCount = view.getUint32(16, true);
  const sections = sectionList(nodeCount, arcCount, placeCount);
  const { offsets } = layout(sections);
  const arrays: Record<string, AnyTyped> = {};
  sections.forEach(([name, kind, length], i) => {
    arrays[name] = new CTOR[kind](buffer, offsets[i], length);
  });
  const arcs = {} as Record<string, AnyTyped>;
  for (const [name] of ARC_COLUMNS) arcs[name] = arrays[`arc.${name}`];
  const graph: CsrGraph = {
    nodeCount,
    arcCount,
    firstOut: arrays.firstOut as Uint32Array,
    head: arrays.head as Uint32Array,
    tail: arrays.tail as Uint32Array,
    inputArc: arrays.inputArc as Uint32Array,
  };
  return {
    formatVersion: COMPILED_FORMAT_VERSION,
    sourceHash,
    graph,
    placeCount,
    nodePlace: arrays.nodePlace as Uint32Array,
    nodeLayer: arrays.nodeLayer as Uint8Array,
    noThrough: arrays.noThrough as Uint8Array,
    layerNodeOf: arrays.layerNodeOf as Int32Array,
    placeLonDeg: arrays.placeLonDeg as Float64Array,
    placeLatDeg: arrays.placeLatDeg as Float64Array,
    placeCountry: arrays.placeCountry as Uint16Array,
    countries,
    arcs: arcs as unknown as CompiledArcs,
    network,
    buffer,
  };
}

/** The JSON sidecar of a compiled network (strings and records). */
export function sidecarOf(net: CompiledNetwork): string {
  return JSON.stringify({ formatVersion: COMPILED_FORMAT_VERSION, sourceHash: net.sourceHash, countries: net.countries, network: net.network });
}

/**
 * Revive a compiled network from its buffer and JSON sidecar. `expectedSourceHash` (the hash of the current
 * source files) guards against a stale cache. Throws E_GRAPH_CACHE_STALE when the magic, format version, length or
 * source hash do not match.
 */
export function fromBuffer(data: ArrayBuffer | Uint8Array, sidecarJson: string, expectedSourceHash?: string): CompiledNetwork {
  let buffer: ArrayBuffer;
  if (data instanceof Uint8Array) {
    // views need 8-byte alignment: copy unless the bytes already are a whole, aligned ArrayBuffer
    buffer =
      data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
        ? data.buffer
        : (data.slice().buffer as ArrayBuffer);
  } else buffer = data;
  const stale = (why: string) => new CaravanError("E_GRAPH_CACHE_STALE", `compiled network cache is stale or not a Caravan network: ${why}; rebuild it`, { details: { why } });
  if (buffer.byteLength < HEADER_BYTES) throw stale(`only ${buffer.byteLength} bytes`);
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) throw stale("bad magic number");
  const version = view.getUint32(4, true);
  if (version !== COMPILED_FORMAT_VERSION) throw stale(`format version ${version}, this build reads ${COMPILED_FORMAT_VERSION}`);
  if (view.getFloat64(56, true) !== buffer.byteLength) throw stale(`length ${buffer.byteLength} bytes, header says ${view.getFloat64(56, true)}`);
  const hash = hashHex(new Uint8Array(buffer, 24, 32));
  let sidecar: { formatVersion: number; sourceHash: string; countries: string[]; network: NetworkData };
  try {
    sidecar = JSON.parse(sidecarJson);
  } catch (error) {
    throw stale(`sidecar is not JSON (${(error as Error).message})`);
  }
  if (sidecar.formatVersion !== COMPILED_FORMAT_VERSION) throw stale(`sidecar format version ${sidecar.formatVersion}`);
  if (sidecar.sourceHash !== hash) throw stale("sidecar and buffer come from different sources");
  if (expectedSourceHash !== undefined && expectedSourceHash !== hash) throw stale(`source files changed (cache ${hash.slice(0, 12)}…, sources ${expectedSourceHash.slice(0, 12)}…)`);
  if (sidecar.countries.length !== view.getUint32(20, true)) throw stale("country count differs between sidecar and buffer");
  // id-keyed records are null-prototype objects, as loadNetwork makes them: "constructor" or "toString" is never found
  const network = sidecar.network as { -readonly [K in keyof NetworkData]: NetworkData[K] };
  network.sources = Object.assign(Object.create(null), network.sources);
  network.rules = Object.assign(Object.create(null), network.rules);
  network.origins = Object.assign(Object.create(null), network.origins);
  return viewsOf(buffer, hash, sidecar.countries, network);
}
