/**
 * Offline basemap: Natural Earth 1:50m countries, borders and coastline from the world-atlas package (TopoJSON, shipped
 * as a static asset of the build), converted to GeoJSON in the browser with topojson-client. The MapLibre style has
 * no tile server, glyph or sprite URL: the app needs no internet.
 */
import type { StyleSpecification } from "maplibre-gl";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countriesUrl from "world-atlas/countries-50m.json?url";
import { ISO3_BY_NUMERIC } from "./iso3";

export interface Basemap {
  /** Country polygons: the land fill and the choropleths (feature id = ISO3 where known). */
  countries: GeoJSON.FeatureCollection;
  /** Arcs shared by two countries. */
  borders: GeoJSON.MultiLineString;
  /** Arcs of one country only: the coastline. */
  coast: GeoJSON.MultiLineString;
}

export const COLORS = {
  ocean: "#d6e4ee",
  land: "#f3f0e8",
  border: "#a79f92",
  coast: "#9fb4c4",
} as const;

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/**
 * A ring that crosses ±180° (Russia's Chukotka, Fiji): shift its far-western longitudes (west of 90° W) by +360 so
 * it stays continuous. Country rings that cross the antimeridian have no points between 90° W and 0°.
 */
function unwrapRing(ring: GeoJSON.Position[]): GeoJSON.Position[] {
  let crosses = false;
  for (let i = 1; i < ring.length && !crosses; i++) crosses = Math.abs(ring[i][0] - ring[i - 1][0]) > 180;
  return crosses ? ring.map(([lon, lat]) => [lon < -90 ? lon + 360 : lon, lat]) : ring;
}

/** Lines split where they jump across ±180° (a line needs no closing, so it is cut instead of shifted). */
function splitAtAntimeridian(lines: GeoJSON.Position[][]): GeoJSON.Position[][] {
  const out: GeoJSON.Position[][] = [];
  for (const line of lines) {
    let start = 0;
    for (let i = 1; i < line.length; i++) {
      if (Math.abs(line[i][0] - line[i - 1][0]) > 180) {
        if (i - start > 1) out.push(line.slice(start, i));
        start = i;
      }
    }
    if (line.length - start > 1) out.push(line.slice(start));
  }
  return out;
}

/** Polygons of a geometry, Antarctica's (reaching below 60° S, which Mercator cannot draw) left out, rings unwrapped. */
function cleanPolygons(geometry: GeoJSON.Geometry | null): GeoJSON.MultiPolygon | null {
  if (!geometry || (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon")) return null;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const kept = polygons.filter((poly) => poly[0].every(([, lat]) => lat > -60)).map((poly) => poly.map(unwrapRing));
  return kept.length > 0 ? { type: "MultiPolygon", coordinates: kept } : null;
}

function cleanCollection(fc: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (const f of fc.features) {
    const geometry = cleanPolygons(f.geometry);
    if (geometry) features.push({ ...f, geometry });
  }
  return { type: "FeatureCollection", features };
}

export async function loadBasemap(): Promise<Basemap> {
  const response = await fetch(countriesUrl);
  if (!response.ok) throw new Error(`basemap asset missing (${response.status})`);
  // marks for the browser profiler: download and conversion of the basemap
  performance.mark("basemap-fetched");
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;
  const countries = cleanCollection(feature(topology, topology.objects.countries) as GeoJSON.FeatureCollection);
  for (const f of countries.features) {
    const numeric = String(f.id ?? "");
    f.properties = { ...(f.properties ?? {}), iso3: ISO3_BY_NUMERIC[numeric] ?? "" };
  }
  const unwrapMesh = (m: GeoJSON.MultiLineString): GeoJSON.MultiLineString => ({ type: "MultiLineString", coordinates: splitAtAntimeridian(m.coordinates) });
  const borders = unwrapMesh(mesh(topology, topology.objects.countries, (a, b) => a !== b) as GeoJSON.MultiLineString);
  // arcs of one country only, south of 60° S left out with Antarctica
  const coastAll = unwrapMesh(mesh(topology, topology.objects.countries, (a, b) => a === b) as GeoJSON.MultiLineString);
  const coast: GeoJSON.MultiLineString = { type: "MultiLineString", coordinates: coastAll.coordinates.filter((line) => line.every(([, lat]) => lat > -60)) };
  performance.mark("basemap-converted");
  return { countries, borders, coast };
}

/** The base style: ocean background, land, country fills (for choropleths) and borders; data is set once loaded. */
export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    name: "caravan-offline",
    sources: {
      // tolerance: Douglas–Peucker simplification per tile, in tile pixels (default 0.375); 1 keeps 1:50m detail
      // sharper than the screen shows at these zooms and cuts the worker's tiling time
      countries: { type: "geojson", data: EMPTY, promoteId: "iso3", tolerance: 1, buffer: 32 },
      borders: { type: "geojson", data: EMPTY, tolerance: 1, buffer: 32 },
      coast: { type: "geojson", data: EMPTY, tolerance: 1, buffer: 32 },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": COLORS.ocean } },
      {
        id: "countries-fill",
        type: "fill",
        source: "countries",
        paint: {
          // land colour, or a choropleth's colour set as feature state
          "fill-color": ["coalesce", ["feature-state", "fill"], COLORS.land],
        },
      },
      { id: "coast", type: "line", source: "coast", paint: { "line-color": COLORS.coast, "line-width": 0.6 } },
      { id: "borders", type: "line", source: "borders", paint: { "line-color": COLORS.border, "line-width": 0.8, "line-dasharray": [3, 2] } },
    ],
  };
}
