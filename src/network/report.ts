/**
 * Summaries and exports of a loaded network: statistics, GeoJSON (places as points, links and ferries as lines)
 * and the links table as CSV.
 */
import { type Corridor, type CorridorCoverage, corridorCoverage } from "./corridors";
import type { NetworkData } from "./model";

export interface NetworkStats {
  readonly dir: string;
  readonly places: number;
  readonly nonWaypointPlaces: number;
  readonly links: number;
  readonly crossings: number;
  readonly terminals: number;
  readonly ferries: number;
  readonly projects: number;
  readonly chokepoints: number;
  readonly linksByMode: Record<string, number>;
  readonly linksByStatus: Record<string, number>;
  /** Route km by mode (links) plus "ferry". */
  readonly kmByMode: Record<string, number>;
  readonly placesByKind: Record<string, number>;
  /** ISO3 → places (waypoints under "(sea)"). */
  readonly placesByCountry: Record<string, number>;
  readonly terminalsByType: Record<string, number>;
  readonly estimatedLinks: number;
  /** Share of links whose distance is an estimate, 0..1 (0 when there are no links). */
  readonly estimatedLinkShare: number;
  /** Share of link km that is estimated, 0..1. */
  readonly estimatedKmShare: number;
  readonly compiledNodes: number;
  readonly compiledArcs: number;
  /** Coverage per country (ISO3; sea-lane waypoints under "(sea)"), largest link km first; air links left out. */
  readonly coverage: readonly CountryCoverage[];
  /** Countries with at least one place. */
  readonly economies: number;
  /**
   * Countries with a place in the largest surface-connected part of the network: places joined by open rail, road
   * and sea links and open ferries, each taken both ways (air links and links not yet open are left out).
   */
  readonly economiesReached: number;
  /** The countries with places outside that part (none reached by surface from the rest). */
  readonly economiesNotReached: readonly string[];
  /** Share of link km whose distance is cited (measured), 0..1; the complement of estimatedKmShare. */
  readonly measuredKmShare: number;
  /**
   * Measured vs estimated km of each named corridor (corridors.yaml) and, last, of all of them together (id "(all)",
   * each link once); empty without corridors.
   */
  readonly corridors: readonly CorridorCoverage[];
}

/** Places, links, crossings and measured vs estimated link km of one country. */
export interface CountryCoverage {
  readonly country: string;
  readonly places: number;
  /** Surface (rail, road, sea) links with at least one end in the country (a border link counts for both countries). */
  readonly links: number;
  /** Border crossings that name the country. */
  readonly crossings: number;
  /** Link km in the country: a link between two countries (or a country and the sea) counts half for each. */
  readonly linkKm: number;
  readonly measuredKm: number;
  readonly estimatedKm: number;
  /** measuredKm / linkKm, 0 when the country has no link km. */
  readonly measuredKmShare: number;
}

const SEA_KEY = "(sea)";

/** Per-country coverage rows, largest link km first (ties by country code). */
function countryCoverage(net: NetworkData): CountryCoverage[] {
  const countryOf = new Map(net.places.map((p) => [p.id, p.country ?? SEA_KEY]));
  const rows = new Map<string, { places: number; links: number; crossings: number; measuredKm: number; estimatedKm: number }>();
  const row = (c: string) => {
    let r = rows.get(c);
    if (!r) {
      r = { places: 0, links: 0, crossings: 0, measuredKm: 0, estimatedKm: 0 };
      rows.set(c, r);
    }
    return r;
  };
  for (const p of net.places) row(p.country ?? SEA_KEY).places++;
  for (const l of net.links) {
    if (l.mode === "air") continue;
    const a = countryOf.get(l.from) ?? SEA_KEY;
    const b = countryOf.get(l.to) ?? SEA_KEY;
    const ends = a === b ? [a] : [a, b];
    const km = l.distanceKm / ends.length;
    for (const c of ends) {
      const r = row(c);
      r.links++;
      if (l.distanceEstimated) r.estimatedKm += km;
      else r.measuredKm += km;
    }
  }
  for (const x of net.crossings) for (const c of new Set(x.countries)) row(c).crossings++;
  const out: CountryCoverage[] = [...rows].map(([country, r]) => {
    const linkKm = r.measuredKm + r.estimatedKm;
    return {
      country,
      places: r.places,
      links: r.links,
      crossings: r.crossings,
      linkKm: Math.round(linkKm),
      measuredKm: Math.round(r.measuredKm),
      estimatedKm: Math.round(r.estimatedKm),
      measuredKmShare: linkKm === 0 ? 0 : r.measuredKm / linkKm,
    };
  });
  out.sort((x, y) => y.linkKm - x.linkKm || x.country.localeCompare(y.country));
  return out;
}

/** Countries with a place in the largest surface-connected component (union–find over open surface links and ferries). */
function surfaceReach(net: NetworkData): { economies: number; reached: number; notReached: string[] } {
  const index = new Map(net.places.map((p, i) => [p.id, i]));
  const parent = new Int32Array(net.places.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const join = (a: string, b: string) => {
    const x = find(index.get(a)!);
    const y = find(index.get(b)!);
    if (x !== y) parent[x] = y;
  };
  for (const l of net.links) if (l.mode !== "air" && l.status === "open") join(l.from, l.to);
  for (const f of net.ferries) if (f.status === "open") join(f.from, f.to);
  const size = new Int32Array(net.places.length);
  let largest = -1;
  for (let i = 0; i < parent.length; i++) {
    const r = find(i);
    size[r]++;
    if (largest < 0 || size[r] > size[largest]) largest = r;
  }
  const all = new Set<string>();
  const reached = new Set<string>();
  net.places.forEach((p, i) => {
    if (p.country === null) return;
    all.add(p.country);
    if (find(i) === largest) reached.add(p.country);
  });
  return { economies: all.size, reached: reached.size, notReached: [...all].filter((c) => !reached.has(c)).sort() };
}

function count(into: Record<string, number>, key: string, by = 1): void {
  into[key] = (into[key] ?? 0) + by;
}

function sortedRecord(r: Record<string, number>, byValue = false): Record<string, number> {
  const entries = Object.entries(r);
  entries.sort(byValue ? (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]) : (a, b) => a[0].localeCompare(b[0]));
  return Object.fromEntries(entries);
}

/**
 * Counts of a network. `compiled` gives the node/arc counts of its compiled graph (0 when not given); `corridors`
 * the named corridors whose measured share is reported (loadCorridors).
 */
export function networkStats(net: NetworkData, compiled?: { nodeCount: number; arcCount: number }, corridors: readonly Corridor[] = []): NetworkStats {
  const linksByMode: Record<string, number> = {};
  const linksByStatus: Record<string, number> = {};
  const kmByMode: Record<string, number> = {};
  const placesByKind: Record<string, number> = {};
  const placesByCountry: Record<string, number> = {};
  const terminalsByType: Record<string, number> = {};
  let estimatedLinks = 0;
  let estimatedKm = 0;
  let totalKm = 0;
  for (const l of net.links) {
    count(linksByMode, l.mode);
    count(linksByStatus, l.status);
    count(kmByMode, l.mode, l.distanceKm);
    totalKm += l.distanceKm;
    if (l.distanceEstimated) {
      estimatedLinks++;
      estimatedKm += l.distanceKm;
    }
  }
  for (const f of net.ferries) count(kmByMode, "ferry", f.distanceKm);
  for (const p of net.places) {
    for (const k of p.kinds) count(placesByKind, k);
    count(placesByCountry, p.country ?? "(sea)");
  }
  for (const t of net.terminals) count(terminalsByType, t.type);
  for (const k of Object.keys(kmByMode)) kmByMode[k] = Math.round(kmByMode[k]);
  const reach = surfaceReach(net);
  return {
    dir: net.dir,
    places: net.places.length,
    nonWaypointPlaces: net.places.filter((p) => !p.kinds.includes("waypoint")).length,
    links: net.links.length,
    crossings: net.crossings.length,
    terminals: net.terminals.length,
    ferries: net.ferries.length,
    projects: net.projects.length,
    chokepoints: net.chokepoints.length,
    linksByMode: sortedRecord(linksByMode),
    linksByStatus: sortedRecord(linksByStatus),
    kmByMode: sortedRecord(kmByMode),
    placesByKind: sortedRecord(placesByKind),
    placesByCountry: sortedRecord(placesByCountry, true),
    terminalsByType: sortedRecord(terminalsByType),
    estimatedLinks,
    estimatedLinkShare: net.links.length === 0 ? 0 : estimatedLinks / net.links.length,
    estimatedKmShare: totalKm === 0 ? 0 : estimatedKm / totalKm,
    compiledNodes: compiled?.nodeCount ?? 0,
    compiledArcs: compiled?.arcCount ?? 0,
    coverage: countryCoverage(net),
    economies: reach.economies,
    economiesReached: reach.reached,
    economiesNotReached: reach.notReached,
    measuredKmShare: totalKm === 0 ? 0 : (totalKm - estimatedKm) / totalKm,
    corridors: corridorCoverage(net, corridors),
  };
}

type Feature = { type: "Feature"; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };

/** Places as Point features; links and ferries as LineString features (straight between their end places). */
export function networkGeoJson(net: NetworkData): { type: "FeatureCollection"; features: Feature[] } {
  const byId = new Map(net.places.map((p) => [p.id, p]));
  const features: Feature[] = [];
  for (const p of net.places) {
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: [p.lonDeg, p.latDeg] },
      properties: { featureType: "place", id: p.id, name: p.name, country: p.country, kinds: p.kinds, locode: p.locode, source: p.coordSource },
    });
  }
  for (const l of net.links) {
    const a = byId.get(l.from)!;
    const b = byId.get(l.to)!;
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: [[a.lonDeg, a.latDeg], [b.lonDeg, b.latDeg]] },
      properties: {
        featureType: "link",
        id: l.id,
        from: l.from,
        to: l.to,
        mode: l.mode,
        gaugeMm: l.gaugeMm,
        distanceKm: round3(l.distanceKm),
        distanceEstimated: l.distanceEstimated,
        status: l.status,
        openYear: l.openYear,
        oneway: l.oneway,
        border: l.border,
        chokepoint: l.chokepoint,
        project: l.project,
        source: l.source,
        distanceSource: l.distanceSource,
      },
    });
  }
  for (const f of net.ferries) {
    const a = byId.get(f.from)!;
    const b = byId.get(f.to)!;
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: [[a.lonDeg, a.latDeg], [b.lonDeg, b.latDeg]] },
      properties: {
        featureType: "ferry",
        id: f.id,
        name: f.name,
        from: f.from,
        to: f.to,
        mode: "ferry",
        carries: f.carries,
        gaugeMm: f.gaugeMm,
        distanceKm: f.distanceKm,
        status: f.status,
        openYear: f.openYear,
        source: f.source,
      },
    });
  }
  return { type: "FeatureCollection", features };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

const CSV_COLUMNS = [
  "id",
  "from",
  "to",
  "mode",
  "gaugeMm",
  "distanceKm",
  "distanceEstimated",
  "status",
  "openYear",
  "oneway",
  "border",
  "chokepoint",
  "project",
  "source",
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = Array.isArray(v) ? v.join("|") : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The links table as CSV (one row per link; distances include estimates, flagged in distanceEstimated). */
export function networkCsv(net: NetworkData): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const l of net.links) {
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = { ...l, distanceKm: round3(l.distanceKm) };
    rows.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(","));
  }
  return `${rows.join("\n")}\n`;
}
