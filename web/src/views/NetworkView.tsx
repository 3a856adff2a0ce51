/**
 * Network view: the curated Eurasia network from /api/v1/network/layers, /crossings and /terminals, with layer
 * toggles, a year slider for projects and details (with sources) for the feature clicked.
 */
import { type MapMouseEvent, Popup } from "maplibre-gl";
import { useEffect, useMemo, useState } from "preact/hooks";
import { apiGet } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { fmt1, fmtInt } from "../format";
import { EURASIA_BOUNDS, setLayerVisible, useMap, useMapLayers } from "../map/MapPane";
import { type AppState, NETWORK_LAYERS, type NetworkLayer, YEAR_MAX, YEAR_MIN } from "../url-state";
import { CROSSING_LAYERS, LAYER_GROUPS, linkLayers, openByYear, TERMINAL_LAYERS } from "./network-layers";

interface DwellView {
  fromCountry: string;
  medianH: number;
  highH: number | null;
  feeUsdPerFeu: number;
}

interface CrossingView {
  id: string;
  name: string;
  countries: string[];
  modes: string[];
  lonDeg: number;
  latDeg: number;
  dwell: DwellView[];
  capacityTonnesPerYear: number | null;
  notes?: string;
  sources?: { ref: string; title: string; url: string | null; year: number | null }[];
}

interface TerminalView {
  id: string;
  placeName: string;
  country: string | null;
  type: string;
  lonDeg: number;
  latDeg: number;
  handlingTimeH: number;
  handlingCostUsdPerFeu: number;
  capacityTeuPerYear: number | null;
  status: string;
  openYear: number | null;
}

function listOf<T>(payload: unknown, key: string): T[] {
  if (Array.isArray(payload)) return payload as T[];
  const inner = (payload as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

function point(lon: number, lat: number, properties: Record<string, unknown>): GeoJSON.Feature {
  return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties };
}

export interface NetworkData {
  links: GeoJSON.FeatureCollection;
  crossings: GeoJSON.FeatureCollection;
  terminals: GeoJSON.FeatureCollection;
}

/** Fetch the three network layers once; the result is shared by later visits to the view. */
let cached: Promise<NetworkData> | null = null;
export function loadNetwork(): Promise<NetworkData> {
  cached ??= Promise.all([apiGet<GeoJSON.FeatureCollection>("network/layers"), apiGet<unknown>("crossings"), apiGet<unknown>("terminals")]).then(
    ([links, crossingsPayload, terminalsPayload]) => {
      const crossings = listOf<CrossingView>(crossingsPayload, "crossings").map((c) =>
        point(c.lonDeg, c.latDeg, {
          id: c.id,
          name: c.name,
          countries: c.countries.join("–"),
          modes: c.modes.join(", "),
          // the larger median dwell of the two directions sizes the symbol
          dwellH: Math.max(0, ...c.dwell.map((d) => d.medianH)),
          dwell: JSON.stringify(c.dwell.map((d) => ({ fromCountry: d.fromCountry, medianH: d.medianH, feeUsdPerFeu: d.feeUsdPerFeu }))),
          capacityTonnesPerYear: c.capacityTonnesPerYear,
          sources: JSON.stringify((c.sources ?? []).map((src) => ({ title: src.title, url: src.url, year: src.year }))),
        }),
      );
      const terminals = listOf<TerminalView>(terminalsPayload, "terminals").map((t) =>
        point(t.lonDeg, t.latDeg, {
          id: t.id,
          name: t.placeName,
          type: t.type,
          country: t.country,
          handlingTimeH: t.handlingTimeH,
          handlingCostUsdPerFeu: t.handlingCostUsdPerFeu,
          capacityTeuPerYear: t.capacityTeuPerYear,
          status: t.status,
          openYear: t.openYear,
        }),
      );
      return { links, crossings: { type: "FeatureCollection", features: crossings }, terminals: { type: "FeatureCollection", features: terminals } };
    },
  );
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function describe(props: Record<string, unknown>, layerId: string): string {
  const rows: string[] = [];
  const row = (k: string, v: unknown) => {
    if (v !== null && v !== undefined && v !== "") rows.push(`<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`);
  };
  if (layerId === "net-crossings") {
    const dwell = JSON.parse(String(props.dwell ?? "[]")) as DwellView[];
    row("crossing", props.name);
    row("countries", props.countries);
    row("modes", props.modes);
    for (const d of dwell) row(`dwell leaving ${d.fromCountry}`, `${fmt1(d.medianH)} h median, fee USD ${fmtInt(d.feeUsdPerFeu)}/FEU`);
    if (typeof props.capacityTonnesPerYear === "number") row("capacity", `${fmt1(props.capacityTonnesPerYear / 1e6)} Mt/yr`);
    const sources = JSON.parse(String(props.sources ?? "[]")) as { title: string; url: string | null; year: number | null }[];
    if (sources.length > 0) {
      const items = sources.map((src) => {
        const text = escapeHtml(`${src.title}${src.year ? ` (${src.year})` : ""}`);
        return src.url && /^https?:\/\//.test(src.url) ? `<li><a href="${escapeHtml(src.url)}" target="_blank" rel="noreferrer">${text}</a></li>` : `<li>${text}</li>`;
      });
      rows.push(`<tr><th>sources</th><td><ul class="popup-sources">${items.join("")}</ul></td></tr>`);
    }
  } else if (layerId === "net-ports" || layerId === "net-terminals") {
    row(props.type === "port" ? "port" : "terminal", props.name);
    row("type", props.type);
    row("handling", `${fmt1(Number(props.handlingTimeH))} h, USD ${fmtInt(Number(props.handlingCostUsdPerFeu))}/FEU`);
    if (typeof props.capacityTeuPerYear === "number") row("capacity", `${fmtInt(props.capacityTeuPerYear)} TEU/yr`);
    if (props.status !== "open") row("status", `${props.status}${props.openYear ? ` (${props.openYear})` : ""}`);
  } else {
    row("link", props.name ?? props.id);
    row("mode", props.gaugeMm ? `${props.mode}, ${props.gaugeMm} mm` : props.mode);
    row("length", `${fmtInt(Number(props.distanceKm))} km${props.distanceEstimated ? " (estimate)" : ""}`);
    if (props.status !== "open") row("status", `${props.status}${props.openYear ? `, opens ${props.openYear}` : ""}`);
    row("project", props.project);
    row("chokepoint", props.chokepoint);
    row("sources", Array.isArray(props.sources) ? props.sources.join(", ") : props.sources);
  }
  return `<table class="popup-table">${rows.join("")}</table>`;
}

const CLICKABLE = ["net-crossings", "net-ports", "net-terminals", "net-projects-built", "net-projects-later", "net-rail-1520", "net-rail-1435", "net-road", "net-sea", "net-ferry"];

export function NetworkView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state, update } = props;
  const map = useMap();
  const [data, setData] = useState<NetworkData | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    loadNetwork()
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, []);

  const initialLinkLayers = useMemo(() => linkLayers(state.year), []);
  useMapLayers(map, { sourceId: "net-links", data: data?.links ?? null, layers: initialLinkLayers });
  useMapLayers(map, { sourceId: "net-terminals", data: data?.terminals ?? null, layers: TERMINAL_LAYERS });
  useMapLayers(map, { sourceId: "net-crossings", data: data?.crossings ?? null, layers: CROSSING_LAYERS });

  // the network view is the overview: it shows the whole region whatever the previous view zoomed to
  useEffect(() => {
    map?.fitBounds(EURASIA_BOUNDS, { padding: 20, duration: 0 });
  }, [map]);

  // visibility follows the toggles
  useEffect(() => {
    if (!map) return;
    for (const key of NETWORK_LAYERS) for (const id of LAYER_GROUPS[key].layers) setLayerVisible(map, id, state.layers.includes(key));
  }, [map, state.layers, data]);

  // the year slider moves projects between "open by then" and "later"
  useEffect(() => {
    if (!map?.getLayer("net-projects-built")) return;
    map.setFilter("net-projects-built", ["all", ["!=", ["get", "status"], "open"], openByYear(state.year)]);
    map.setFilter("net-projects-later", ["all", ["!=", ["get", "status"], "open"], ["!", openByYear(state.year)]]);
  }, [map, state.year, data]);

  // click for details
  useEffect(() => {
    if (!map) return;
    const popup = new Popup({ closeButton: true, maxWidth: "340px" });
    // one handler for all layers: points before lines (CLICKABLE order), within a few pixels of the click
    const onClick = (e: MapMouseEvent) => {
      const layers = CLICKABLE.filter((id) => map.getLayer(id));
      const near = map.queryRenderedFeatures(
        [
          [e.point.x - 4, e.point.y - 4],
          [e.point.x + 4, e.point.y + 4],
        ],
        { layers },
      );
      const f = layers.map((id) => near.find((g) => g.layer.id === id)).find((g) => g !== undefined);
      if (!f) return;
      popup.setLngLat(e.lngLat).setHTML(describe(f.properties as Record<string, unknown>, f.layer.id)).addTo(map);
    };
    const onEnter = () => {
      map.getCanvas().style.cursor = "pointer";
    };
    const onLeave = () => {
      map.getCanvas().style.cursor = "";
    };
    map.on("click", onClick);
    for (const id of CLICKABLE) {
      map.on("mouseenter", id, onEnter);
      map.on("mouseleave", id, onLeave);
    }
    return () => {
      popup.remove();
      map.off("click", onClick);
      for (const id of CLICKABLE) {
        map.off("mouseenter", id, onEnter);
        map.off("mouseleave", id, onLeave);
      }
    };
  }, [map]);

  const counts = useMemo(() => {
    if (!data) return null;
    const projects = data.links.features.filter((f) => f.properties?.status !== "open");
    const byYear = projects.filter((f) => state.year !== null && typeof f.properties?.openYear === "number" && f.properties.openYear <= state.year);
    return { links: data.links.features.length, crossings: data.crossings.features.length, terminals: data.terminals.features.length, projects: projects.length, openByYear: byYear.length };
  }, [data, state.year]);

  const toggle = (key: NetworkLayer, on: boolean) => {
    const next = on ? [...state.layers, key] : state.layers.filter((l) => l !== key);
    update({ layers: NETWORK_LAYERS.filter((l) => next.includes(l)) });
  };

  return (
    <section class="panel-section" aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <ErrorBox error={error} />
      {!data && !error ? <p class="muted">Loading the network…</p> : null}
      {counts ? (
        <p class="muted" data-testid="network-counts">
          {fmtInt(counts.links)} links and ferries, {counts.crossings} border crossings, {counts.terminals} terminals
        </p>
      ) : null}
      <fieldset>
        <legend>Layers</legend>
        {NETWORK_LAYERS.map((key) => (
          <label key={key} class="check">
            <input type="checkbox" name={`layer-${key}`} checked={state.layers.includes(key)} onChange={(e) => toggle(key, e.currentTarget.checked)} />
            <span class="swatch" style={{ background: LAYER_GROUPS[key].color }} aria-hidden="true" />
            {LAYER_GROUPS[key].label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Projects by year</legend>
        <label class="check">
          <input type="checkbox" name="use-year" checked={state.year !== null} onChange={(e) => update({ year: e.currentTarget.checked ? 2030 : null })} />
          Show the network of a future year
        </label>
        <label class="slider">
          Year <output>{state.year ?? "today"}</output>
          <input
            type="range"
            name="year"
            min={YEAR_MIN}
            max={YEAR_MAX}
            step={1}
            value={state.year ?? YEAR_MIN}
            disabled={state.year === null}
            onInput={(e) => update({ year: Number(e.currentTarget.value) })}
            aria-valuetext={state.year === null ? "today" : String(state.year)}
          />
        </label>
        {counts ? (
          <p class="muted">
            {counts.projects} project links under construction or planned
            {state.year !== null ? `; ${counts.openByYear} open by ${state.year} (solid), the rest later (dashed)` : " (dashed)"}.
          </p>
        ) : null}
        <p class="legend-row">
          <span class="swatch" style={{ background: "#e08a00" }} aria-hidden="true" /> construction <span class="swatch" style={{ background: "#d7301f" }} aria-hidden="true" /> planned
        </p>
      </fieldset>
      <p class="muted small">Click a line or symbol for its figures and sources.</p>
    </section>
  );
}
