/** GET /api/v1/network/layers, /crossings, /terminals, /rules: filtered views of the start-up catalogue and dataset (nothing rebuilt). */
import { CaravanError } from "../../core/errors";
import { isRuleInForce, isValidIsoDate, type PassageRule } from "../../network/passage";
import { passageDate } from "../../routing/passage";
import { type CrossingView, type LinkFeature, resolveSources, type TerminalView } from "../catalogue";
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

export interface RulesQuery {
  date?: string;
  year?: number;
  month?: number;
  kind?: string;
  inForce?: boolean;
}

/** The rules of passage with whether each is in force on the date asked (as `caravan network rules --json`). */
export function rulesList(state: ServerState, q: RulesQuery): { date: string; rules: (Omit<PassageRule, "source"> & { inForce: boolean; sources: ReturnType<typeof resolveSources> })[] } {
  if (q.date !== undefined && (q.year !== undefined || q.month !== undefined)) throw new CaravanError("E_USAGE", "give date or year/month, not both");
  if (q.date !== undefined && !isValidIsoDate(q.date)) throw new CaravanError("E_USAGE", `date must be a calendar date YYYY-MM-DD (got "${q.date}")`);
  const date = q.date ?? passageDate(q.year ?? null, q.month ?? null);
  const network = state.net.network;
  const rules = (network.passageRules ?? [])
    .filter((r) => q.kind === undefined || r.kind === q.kind)
    .map((r) => {
      const { source, ...rest } = r;
      return { ...rest, inForce: isRuleInForce(r, date), sources: resolveSources(network, source) };
    })
    .filter((r) => !q.inForce || r.inForce);
  return { date, rules };
}
