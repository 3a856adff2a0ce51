/**
 * Map layers of the network view: rail by gauge, road, sea lanes, ferries, projects by status (with the year
 * slider: a project link open by the chosen year is drawn solid, later ones dashed), border crossings sized by their
 * median dwell, ports and other terminals.
 */
import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import type { NetworkLayer } from "../url-state";

export const NETWORK_COLORS = {
  rail1520: "#7b3294",
  rail1435: "#1f6fb2",
  road: "#c47a35",
  sea: "#4f8fbf",
  ferry: "#0f8b8d",
  construction: "#e08a00",
  planned: "#d7301f",
  crossing: "#b2182b",
  port: "#173f5f",
  terminal: "#4d4d4d",
} as const;

/** Project statuses drawn by the projects layer (links whose status is not open). */
export const PROJECT_STATUSES = ["construction", "planned"] as const;

const isOpen: ExpressionSpecification = ["==", ["get", "status"], "open"];

/** Each toggle of the layer list and the map layers it shows or hides. */
export const LAYER_GROUPS: Record<NetworkLayer, { label: string; color: string; layers: string[] }> = {
  rail1520: { label: "Rail, 1520 mm gauge", color: NETWORK_COLORS.rail1520, layers: ["net-rail-1520"] },
  rail1435: { label: "Rail, 1435 mm gauge", color: NETWORK_COLORS.rail1435, layers: ["net-rail-1435"] },
  road: { label: "Road", color: NETWORK_COLORS.road, layers: ["net-road"] },
  sea: { label: "Sea lanes", color: NETWORK_COLORS.sea, layers: ["net-sea"] },
  ferry: { label: "Ferries", color: NETWORK_COLORS.ferry, layers: ["net-ferry"] },
  projects: { label: "Projects (construction, planned)", color: NETWORK_COLORS.construction, layers: ["net-projects-built", "net-projects-later"] },
  crossings: { label: "Border crossings (size = median dwell)", color: NETWORK_COLORS.crossing, layers: ["net-crossings"] },
  ports: { label: "Ports", color: NETWORK_COLORS.port, layers: ["net-ports"] },
  terminals: { label: "Gauge-change and inland terminals", color: NETWORK_COLORS.terminal, layers: ["net-terminals"] },
};

/** The year at or before which a project counts as open (null: today's network, no project open). */
export function openByYear(year: number | null): ExpressionSpecification {
  if (year === null) return ["literal", false];
  return ["all", ["!=", ["get", "openYear"], null], ["<=", ["to-number", ["get", "openYear"], 9999], year]];
}

export function linkLayers(year: number | null): LayerSpecification[] {
  const width = (w: number): ExpressionSpecification => ["interpolate", ["linear"], ["zoom"], 2, w, 6, w * 2.5];
  return [
    {
      id: "net-sea",
      type: "line",
      source: "net-links",
      filter: ["all", isOpen, ["==", ["get", "mode"], "sea"]],
      paint: { "line-color": NETWORK_COLORS.sea, "line-width": width(0.8), "line-opacity": 0.7, "line-dasharray": [2, 2] },
    },
    {
      id: "net-road",
      type: "line",
      source: "net-links",
      filter: ["all", isOpen, ["==", ["get", "mode"], "road"]],
      paint: { "line-color": NETWORK_COLORS.road, "line-width": width(0.8), "line-opacity": 0.8 },
    },
    {
      id: "net-rail-1435",
      type: "line",
      source: "net-links",
      filter: ["all", isOpen, ["==", ["get", "mode"], "rail"], ["==", ["get", "gaugeMm"], 1435]],
      paint: { "line-color": NETWORK_COLORS.rail1435, "line-width": width(1.4) },
    },
    {
      id: "net-rail-1520",
      type: "line",
      source: "net-links",
      filter: ["all", isOpen, ["==", ["get", "mode"], "rail"], ["==", ["get", "gaugeMm"], 1520]],
      paint: { "line-color": NETWORK_COLORS.rail1520, "line-width": width(1.4) },
    },
    {
      id: "net-ferry",
      type: "line",
      source: "net-links",
      filter: ["all", isOpen, ["==", ["get", "mode"], "ferry"]],
      paint: { "line-color": NETWORK_COLORS.ferry, "line-width": width(1.6), "line-dasharray": [1, 1] },
    },
    {
      id: "net-projects-later",
      type: "line",
      source: "net-links",
      filter: ["all", ["!", isOpen], ["!", openByYear(year)]],
      paint: {
        "line-color": ["match", ["get", "status"], "construction", NETWORK_COLORS.construction, NETWORK_COLORS.planned],
        "line-width": width(2),
        "line-dasharray": [1.5, 1],
        "line-opacity": 0.9,
      },
    },
    {
      id: "net-projects-built",
      type: "line",
      source: "net-links",
      filter: ["all", ["!", isOpen], openByYear(year)],
      paint: {
        "line-color": ["match", ["get", "status"], "construction", NETWORK_COLORS.construction, NETWORK_COLORS.planned],
        "line-width": width(2.6),
      },
    },
  ];
}

export const CROSSING_LAYERS: LayerSpecification[] = [
  {
    id: "net-crossings",
    type: "circle",
    source: "net-crossings",
    paint: {
      // area ∝ dwell: radius ∝ √(median dwell in hours)
      "circle-radius": ["*", 1.6, ["sqrt", ["max", ["get", "dwellH"], 0.5]]],
      "circle-color": NETWORK_COLORS.crossing,
      "circle-opacity": 0.55,
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1,
    },
  },
];

export const TERMINAL_LAYERS: LayerSpecification[] = [
  {
    id: "net-ports",
    type: "circle",
    source: "net-terminals",
    filter: ["==", ["get", "type"], "port"],
    paint: { "circle-radius": 3.2, "circle-color": NETWORK_COLORS.port, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 },
  },
  {
    id: "net-terminals",
    type: "circle",
    source: "net-terminals",
    filter: ["match", ["get", "type"], ["gauge_change", "intermodal"], true, false],
    paint: { "circle-radius": 3, "circle-color": "#ffffff", "circle-stroke-color": NETWORK_COLORS.terminal, "circle-stroke-width": 2 },
  },
];
