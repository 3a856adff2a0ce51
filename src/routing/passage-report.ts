/**
 * Route reports with their rules of passage: the notes that name the rules in force for the shipment (and what a
 * forbidding rule changed: the best route without it) and the rules' sources (routing/passage.ts).
 */
import type { RoutingContext } from "./context";
import type { ResolvedRouteOptions } from "./options";
import { type PassageBlock, passageNotes } from "./passage";
import type { RouteReport, SourceRef } from "./report";

/**
 * Add the passage notes and sources to each report. `unrestricted` options are the query without the rules: the
 * best path under them shows what a forbidding rule changed (one extra search, only when a rule forbids anything).
 */
export function withPassage(
  ctx: RoutingContext,
  unrestricted: ResolvedRouteOptions,
  passage: PassageBlock,
  from: number,
  to: number,
  via: number | null,
  reports: RouteReport[],
): RouteReport[] {
  if (passage.rules.length === 0 && passage.off.length === 0) return reports;
  let free: number[] | null = null;
  if (passage.blocked !== null) {
    const set = ctx.weights(unrestricted);
    free = ctx.findPath(from, to, set.weight, set.weightPerKm, via);
  }
  const net = ctx.net;
  return reports.map((r) => {
    const notes = passageNotes(unrestricted.state, passage, r.arcs, free, from, to, unrestricted.profile.id);
    if (notes.length === 0) return r;
    const have = new Set(r.sources.map((s) => s.ref));
    const added: SourceRef[] = [];
    for (const ref of notes.flatMap((n) => n.rule.source)) {
      if (have.has(ref)) continue;
      have.add(ref);
      const id = ref.slice(ref.indexOf(":") + 1);
      const s = ref.startsWith("src:") ? net.network.sources[id] : undefined;
      added.push({ ref, title: s?.title ?? net.network.rules[id]?.description ?? ref, url: s?.url ?? null, year: s?.year ?? null });
    }
    const sources = [...r.sources, ...added].sort((x, y) => x.ref.localeCompare(y.ref));
    return { ...r, notes: [...r.notes, ...notes.map((n) => n.text)], sources };
  });
}
