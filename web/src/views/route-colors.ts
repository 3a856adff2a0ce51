/** Distinct colours for route alternatives (ColorBrewer Set1, colour-blind-safer first three) and event types. */
export const ROUTE_COLORS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00"] as const;

export function routeColor(rank: number): string {
  return ROUTE_COLORS[(rank - 1) % ROUTE_COLORS.length];
}

export const MODE_COLORS: Record<string, string> = {
  rail: "#6a51a3",
  road: "#d9822b",
  sea: "#3182bd",
  ferry: "#17a2a2",
  air: "#969696",
};

export const EVENT_COLORS: Record<string, string> = {
  border: "#b2182b",
  gauge_change: "#e7298a",
  transshipment: "#66a61e",
  port_handling: "#1b9e77",
  ferry_wait: "#17becf",
  closure_wait: "#7f7f7f",
  sea_arrival: "#2c7fb8",
};

export const EVENT_LABELS: Record<string, string> = {
  border: "border",
  gauge_change: "gauge change",
  transshipment: "transshipment",
  port_handling: "port handling",
  ferry_wait: "ferry wait",
  closure_wait: "waiting for opening days",
  sea_arrival: "liner arrival delay (in P90 only)",
};
