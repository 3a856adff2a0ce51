/**
 * Route reports with their rules of passage: the notes that name the rules in force for the shipment (and what a
 * forbidding rule changed: the best route without it) and the rules' sources (routing/passage.ts).
 */
import type { RoutingContext } from "./context";
import type { ResolvedRouteOptions } from "./options";
import { forbiddingSubset, isForbidding, type PassageBlock, passageNotes, pathUses } from "./passage";
import type { RouteReport, SourceRef } from "./report";

/**
 * Add the passage notes and sources to each report. `unrestricted` options are the query without the rules: the
 * best path under them shows what a forbidding rule changed. Rules that path breaks are named with what it would use;
 * the search is repeated with those rules in force, and so on until the path breaks none, so a rule that binds only
 * once another has closed the way (Delhi → Urumqi: without the rules by Pakistan, without the Pakistan rules by Nepal,
 * without the Nepal rule over the border-trade passes) is named too, and a rule that concerns the shipment's goods
 * but not its way is not. One extra search, and one more per round of rules named; none when no rule forbids anything.
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
  const net = ctx.net;
  const avoidedBy = new Map<string, readonly string[]>();
  if (passage.blocked !== null) {
    const state = unrestricted.state;
    const origin = net.network.places[from]?.country ?? null;
    const destination = net.network.places[to]?.country ?? null;
    const forbidding = passage.rules.filter(isForbidding);
    const inForce = new Set<string>();
    let options: ResolvedRouteOptions = unrestricted;
    for (let round = 0; round <= forbidding.length; round++) {
      const set = ctx.weights(options);
      const path = ctx.findPath(from, to, set.weight, set.weightPerKm, via);
      if (path === null) break;
      let broken = 0;
      for (const rule of forbidding) {
        if (inForce.has(rule.id)) continue;
        const used = pathUses(net, state, rule, path, origin, destination);
        if (used.length === 0) continue;
        avoidedBy.set(rule.id, used);
        inForce.add(rule.id);
        broken++;
      }
      if (broken === 0) break;
      options = { ...unrestricted, passage: forbiddingSubset(state, passage, inForce) };
    }
  }
  return reports.map((r) => {
    const notes = passageNotes(unrestricted.state, passage, r.arcs, avoidedBy, from, to, unrestricted.profile.id);
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
