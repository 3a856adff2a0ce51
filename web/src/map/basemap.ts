/**
 * Offline basemap: Natural Earth 1:50m land, countries and borders from the world-atlas package (TopoJSON, shipped
 * as a static asset of the build), converted to GeoJSON in the browser with topojson-client. The MapLibre style has
 * no tile server, glyph or sprite URL: the app needs no internet.
 */
import type { StyleSpecification } from "maplibre-gl";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countriesUrl from "world-atlas/countries-50m.json?url";
import { ISO3_BY_NUMERIC } from "./iso3";

export interface Basemap {
  countries: GeoJSON.FeatureCollection;
  borders: GeoJSON.MultiLineString;
  land: GeoJSON.FeatureCollection;
}

export const COLORS = {
  ocean: "#d6e4ee",
  land: "#f3f0e8",
  border: "#a79f92",
  coast: "#9fb4c4",
} as const;

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/** A ring or line that crosses ±180° (Russia's Chukotka, Fiji): shift its western longitudes by +360 so it stays continuous. */
function unwrapLine(line: GeoJSON.Position[]): GeoJSON.Position[] {
  let crosses = false;
  for (let i = 1; i < line.length && !crosses; i++) crosses = Math.abs(line[i][0] - line[i - 1][0]) > 180;
  return crosses ? line.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : line;
}

/** Polygons of a geometry, Antarctica's (reaching below 60° S, which Mercator cannot draw) left out, rings unwrapped. */
function cleanPolygons(geometry: GeoJSON.Geometry | null): GeoJSON.MultiPolygon | null {
  if (!geometry || (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon")) return null;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const kept = polygons.filter((poly) => poly[0].every(([, lat]) => lat > -60)).map((poly) => poly.map(unwrapLine));
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
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;
  const countries = cleanCollection(feature(topology, topology.objects.countries) as GeoJSON.FeatureCollection);
  for (const f of countries.features) {
    const numeric = String(f.id ?? "");
    f.properties = { ...(f.properties ?? {}), iso3: ISO3_BY_NUMERIC[numeric] ?? "" };
  }
  const mesh0 = mesh(topology, topology.objects.countries, (a, b) => a !== b) as GeoJSON.MultiLineString;
  const borders: GeoJSON.MultiLineString = { type: "MultiLineString", coordinates: mesh0.coordinates.map(unwrapLine) };
  const landObject = feature(topology, topology.objects.land) as unknown as GeoJSON.Feature | GeoJSON.FeatureCollection;
  const land = cleanCollection(landObject.type === "FeatureCollection" ? landObject : { type: "FeatureCollection", features: [landObject] });
  return { countries, borders, land };
}

/** The base style: ocean background, land, country fills (for choropleths) and borders; data is set once loaded. */
export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    name: "caravan-offline",
    sources: {
      land: { type: "geojson", data: EMPTY },
      countries: { type: "geojson", data: EMPTY, promoteId: "iso3" },
      borders: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": COLORS.ocean } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": COLORS.land } },
      {
        id: "countries-fill",
        type: "fill",
        source: "countries",
        paint: {
          // choropleths and avoided countries set feature state; otherwise transparent
          "fill-color": ["coalesce", ["feature-state", "fill"], "rgba(0,0,0,0)"],
          "fill-opacity": 0.75,
        },
      },
      { id: "coast", type: "line", source: "land", paint: { "line-color": COLORS.coast, "line-width": 0.6 } },
      { id: "borders", type: "line", source: "borders", paint: { "line-color": COLORS.border, "line-width": 0.8, "line-dasharray": [3, 2] } },
    ],
  };
}
