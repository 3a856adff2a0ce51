/** GET /api/v1/network/layers, /crossings, /terminals: filtered views of the start-up catalogue (nothing rebuilt). */
import type { CrossingView, LinkFeature, TerminalView } from "../catalogue";
import type { ServerState } from "../state";

export interface LayersQuery {
  mode?: string;
  status?: string;
  year?: number;
}

/** Links and ferries of one mode / status, or the network of a year (open plus projects opening by then). */
export function networkLayers(state: ServerState, q: LayersQuery): { type: "FeatureCollection"; features: LinkFeature[] } {
  const features = state.catalogue.links.filter((f) => {
    const p = f.properties;
    if (q.mode !== undefined && p.mode !== q.mode) return false;
    if (q.status !== undefined && p.status !== q.status) return false;
    if (q.year !== undefined && p.status !== "open" && !(p.openYear !== null && p.openYear <= q.year)) return false;
    return true;
  });
  return { type: "FeatureCollection", features };
}

export function crossingsList(state: ServerState, q: { country?: string }): { crossings: readonly CrossingView[] } {
  const c = q.country?.toUpperCase();
  return { crossings: c === undefined ? state.catalogue.crossings : state.catalogue.crossings.filter((x) => x.countries.includes(c)) };
}

export function terminalsList(state: ServerState, q: { type?: string; country?: string }): { terminals: readonly TerminalView[] } {
  const c = q.country?.toUpperCase();
  return {
    terminals: state.catalogue.terminals.filter((t) => (q.type === undefined || t.type === q.type) && (c === undefined || t.country === c)),
  };
}
