/**
 * Summaries and exports of a loaded network: statistics, GeoJSON (places as points, links and ferries as lines)
 * and the links table as CSV.
 */
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
}

function count(into: Record<string, number>, key: string, by = 1): void {
  into[key] = (into[key] ?? 0) + by;
}

function sortedRecord(r: Record<string, number>, byValue = false): Record<string, number> {
  const entries = Object.entries(r);
  entries.sort(byValue ? (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]) : (a, b) => a[0].localeCompare(b[0]));
  return Object.fromEntries(entries);
}

/** Counts of a network. `compiled` gives the node/arc counts of its compiled graph (0 when not given). */
export function networkStats(net: NetworkData, compiled?: { nodeCount: number; arcCount: number }): NetworkStats {
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
