/**
 * The one MapLibre map of the app (offline style from basemap.ts) and the hook views use to put their GeoJSON
 * sources and layers on it. The map is exposed as window.caravanMap so end-to-end tests can read sources and pixels.
 */
import { type ErrorEvent, type GeoJSONSource, type LayerSpecification, Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { createContext } from "preact";
import { useContext, useEffect, useRef } from "preact/hooks";
import { baseStyle, loadBasemap } from "./basemap";

// MapLibre's worker is a separate module; the build ships it as an asset next to the bundle
setWorkerUrl(workerUrl);

export const MapContext = createContext<MapLibreMap | null>(null);

export function useMap(): MapLibreMap | null {
  return useContext(MapContext);
}

declare global {
  interface Window {
    caravanMap?: MapLibreMap;
    /** set when the basemap data is on the map (first render measured by bench/web.bench.ts) */
    caravanBasemapReady?: boolean;
  }
}

/** Eurasia from the Atlantic to the Pacific, the Arabian Sea to the Arctic coast. */
export const EURASIA_BOUNDS: [[number, number], [number, number]] = [
  [-12, 4],
  [135, 62],
];

export function MapPane(props: { onMap: (map: MapLibreMap) => void; onError: (message: string) => void }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    // the basemap downloads and converts while MapLibre starts its workers
    const basemap = loadBasemap();
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(),
      bounds: EURASIA_BOUNDS,
      fitBoundsOptions: { padding: 20 },
      renderWorldCopies: false,
      attributionControl: { compact: true, customAttribution: "Natural Earth · Caravan Eurasia dataset (sources in data/eurasia/sources)" },
      // the pixels stay readable for screenshots and the end-to-end pixel check
      canvasContextAttributes: { preserveDrawingBuffer: true },
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new ScaleControl({ unit: "metric" }), "bottom-right");
    window.caravanMap = map;
    let cancelled = false;
    map.once("load", () => {
      if (cancelled) return;
      props.onMap(map);
      basemap
        .then((basemap) => {
          if (cancelled) return;
          (map.getSource("countries") as GeoJSONSource).setData(basemap.countries);
          (map.getSource("borders") as GeoJSONSource).setData(basemap.borders);
          (map.getSource("coast") as GeoJSONSource).setData(basemap.coast);
          map.once("idle", () => {
            window.caravanBasemapReady = true;
          });
        })
        .catch((error: Error) => props.onError(`basemap: ${error.message}`));
    });
    map.on("error", (event: ErrorEvent) => {
      // a layer or source error should be visible, not silent
      const message = event.error?.message;
      if (message) console.error("map:", message);
    });
    return () => {
      cancelled = true;
      map.remove();
    };
  }, []);
  return <section class="map" ref={container} aria-label="Map" />;
}

/** A GeoJSON source and its layers, inserted below `beforeId` (default: on top). */
export interface MapLayerSet {
  sourceId: string;
  data: GeoJSON.FeatureCollection | null;
  layers: LayerSpecification[];
  beforeId?: string;
}

/**
 * Put a source and its layers on the map while the component is mounted; update the data when it changes; remove
 * both on unmount. Layers are added once (their specs are taken at mount); filters and visibility are set by the view.
 */
export function useMapLayers(map: MapLibreMap | null, set: MapLayerSet): void {
  const { sourceId, data } = set;
  const specs = useRef(set);
  useEffect(() => {
    if (!map) return;
    const { layers, beforeId } = specs.current;
    if (!map.getSource(sourceId)) map.addSource(sourceId, { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    for (const layer of layers) {
      if (!map.getLayer(layer.id)) map.addLayer(layer, beforeId && map.getLayer(beforeId) ? beforeId : undefined);
    }
    return () => {
      if (!map.getStyle()) return;
      for (const layer of layers) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
      if (map.getSource(sourceId)) map.removeSource(sourceId);
    };
  }, [map, sourceId]);
  useEffect(() => {
    if (!map) return;
    const source = map.getSource(sourceId) as GeoJSONSource | undefined;
    source?.setData(data ?? { type: "FeatureCollection", features: [] });
  }, [map, sourceId, data]);
}

/** Show or hide a layer. */
export function setLayerVisible(map: MapLibreMap, layerId: string, visible: boolean): void {
  if (map.getLayer(layerId)) map.setLayoutProperty(layerId, "visibility", visible ? "visible" : "none");
}

/** Fit the map to the coordinates of a feature collection. */
export function fitToFeatures(map: MapLibreMap, fc: GeoJSON.FeatureCollection, padding = 60): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      const [x, y] = c as number[];
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    } else if (Array.isArray(c)) for (const d of c) visit(d);
  };
  for (const f of fc.features) if (f.geometry && "coordinates" in f.geometry) visit(f.geometry.coordinates);
  if (minX <= maxX) map.fitBounds([minX, minY, maxX, maxY], { padding, duration: 0, maxZoom: 7 });
}
