/**
 * Rules of passage in routing: which of the dataset's rules (src/network/passage.ts, data/<dataset>/rules) are in
 * force for one shipment on the date asked, the arcs they forbid ([arc] flags that options.ts turns into
 * BLOCK_RULE), and the sentences a route report names them with.
 *
 * The date asked: the 15th of `month` of `year` when a year is given (1 July without a month: the middle of the
 * year); today (UTC) when neither is given, the 15th of `month` of this year when only a month is given.
 *
 * A shipment is concerned by a transit_ban when its origin country is in `goodsFrom` (or goodsFrom is empty) and its
 * destination country in `goodsTo` (or goodsTo is empty), or, with `bothDirections`, the same the other way round.
 * Its `countries` other than the shipment's origin and destination countries are then forbidden: every arc that
 * touches one of them (of the rule's modes; transfers count with every mode). A crossing_ban forbids the border arcs
 * of its crossings (of its modes) for every shipment. A permit forbids nothing; it is named on routes that use one
 * of its crossings or enter one of its countries by one of its modes. A service_ban forbids the arcs of its ferries on
 * the decks of its modes (rail: the rail-wagon deck; road: the truck deck; sea: a container feeder), leaving its
 * `departing` places when it names any.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_FERRY, ARC_LINK, type CompiledArcs, type CompiledNetwork, MODE_CODES, MODE_NONE, MODE_SEA, NO_COUNTRY, NO_INDEX } from "../network/compiled";
import { isRuleInForce, type PassageRule } from "../network/passage";
import type { NetworkState } from "../network/state";

/** The rules of passage that concern one shipment on one date. */
export interface PassageBlock {
  /** The date the rules were taken at, YYYY-MM-DD. */
  readonly date: string;
  /** Rules in force on the date that concern the shipment and are not switched off, in dataset order. */
  readonly rules: readonly PassageRule[];
  /** Rules that would concern the shipment on the date but are switched off (ids). */
  readonly off: readonly string[];
  /** [arc] 1 = forbidden by a rule in `rules`; null when no rule forbids anything. */
  readonly blocked: Uint8Array | null;
  /** Stable key of the forbidden arcs: the forbidding rules and the trip-end countries they name (weight-set cache key). */
  readonly key: string;
  /** The tariff_discount rules of `rules` (applied by tariffFactors to the cargo profiles they name). */
  readonly discounts: readonly PassageRule[];
  /** The shipment's origin and destination countries (ISO3; null = none known): never transit for a discount. */
  readonly tripEnds: readonly [string | null, string | null];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The date the rules are taken at for a year and month (module comment); `today` for tests. */
export function passageDate(year: number | null, month: number | null, today: Date = new Date()): string {
  if (year === null && month === null) return today.toISOString().slice(0, 10);
  const y = year ?? today.getUTCFullYear();
  return month === null ? `${y}-07-01` : `${y}-${pad(month)}-15`;
}

/** The dataset's rules of passage ([] for a dataset without rules/). */
export function passageRules(net: CompiledNetwork): readonly PassageRule[] {
  return net.network.passageRules ?? [];
}

/** Check the ids a state switches off: rule ids or "all"; E_USAGE with did-you-mean otherwise. */
export function checkRulesOff(net: CompiledNetwork, rulesOff: readonly string[]): void {
  const ids = passageRules(net).map((r) => r.id);
  for (const id of rulesOff) {
    if (id === "all" || ids.includes(id)) continue;
    throw new CaravanError("E_USAGE", `"${id}" is not a rule of passage of this dataset (rules/*.yaml); use a rule id or all${ids.length ? `: ${ids.join(", ")}` : ""}`, {
      didYouMean: suggest(id, [...ids, "all"]),
    });
  }
}

/** true when the rule concerns a shipment from country `origin` to `destination` (every rule but a transit_ban does). */
export function concernsShipment(rule: PassageRule, origin: string | null, destination: string | null): boolean {
  if (rule.kind !== "transit_ban" && rule.kind !== "tariff_discount") return true;
  const matches = (from: string | null, to: string | null) =>
    (rule.goodsFrom.length === 0 || (from !== null && rule.goodsFrom.includes(from))) && (rule.goodsTo.length === 0 || (to !== null && rule.goodsTo.includes(to)));
  return matches(origin, destination) || (rule.bothDirections && matches(destination, origin));
}

/**
 * The rules of passage for a shipment from `originPlace` to `destinationPlace` in a network state (its year, month
 * and switched-off rules).
 */
export function resolvePassage(state: NetworkState, originPlace: number, destinationPlace: number, today: Date = new Date()): PassageBlock {
  const net = state.net;
  const origin = net.network.places[originPlace]?.country ?? null;
  const destination = net.network.places[destinationPlace]?.country ?? null;
  return passageOfCountries(state, origin, destination, today);
}

/**
 * The rules of passage for a shipment from country `origin` to country `destination` (ISO3; null = none known) in a
 * network state: what resolvePassage gives for any pair of places in those countries.
 */
export function passageOfCountries(state: NetworkState, origin: string | null, destination: string | null, today: Date = new Date()): PassageBlock {
  const net = state.net;
  checkRulesOff(net, state.rulesOff);
  const date = passageDate(state.year, state.month, today);
  const allOff = state.rulesOff.includes("all");
  const rules: PassageRule[] = [];
  const off: string[] = [];
  for (const rule of passageRules(net)) {
    if (!isRuleInForce(rule, date) || !concernsShipment(rule, origin, destination)) continue;
    if (allOff || state.rulesOff.includes(rule.id)) off.push(rule.id);
    else rules.push(rule);
  }
  const forbidding = rules.filter(isForbidding);
  const discounts = rules.filter((r) => r.kind === "tariff_discount");
  const { blocked, ruleKey } = forbiddenOf(state, forbidding, origin, destination);
  const key = [blocked === null ? "" : ruleKey, discountKey(discounts, origin, destination)].filter((k) => k !== "").join("#");
  return { date, rules, off, blocked, key, discounts, tripEnds: [origin, destination] };
}

/** true for the rules that forbid something (transit bans and closures), not permits or tariff discounts. */
export function isForbidding(rule: PassageRule): boolean {
  return rule.kind !== "permit" && rule.kind !== "tariff_discount";
}

/**
 * The arcs `forbidding` rules close to a shipment between two countries, and their key. They depend on the rules and,
 * through a transit ban, on which of its countries are the shipment's origin or destination (never transit for it):
 * shipments alike in both share the key, and with it the forbidden arcs (built once per arc columns and key: they
 * read nothing else of the state), the weight set and what is cached on it (the state is keyed apart).
 */
function forbiddenOf(state: NetworkState, forbidding: readonly PassageRule[], origin: string | null, destination: string | null): { blocked: Uint8Array | null; ruleKey: string } {
  const tripEnd = (c: string | null) => (c !== null && forbidding.some((r) => r.kind === "transit_ban" && r.countries.includes(c)) ? c : "");
  const ruleKey = `${forbidding.map((r) => r.id).join(",")}|${tripEnd(origin)}>${tripEnd(destination)}`;
  let byKey = forbiddenCache.get(state.arcs);
  if (!byKey) {
    byKey = new Map();
    forbiddenCache.set(state.arcs, byKey);
  }
  let blocked = byKey.get(ruleKey);
  if (blocked === undefined) {
    blocked = forbidding.length > 0 ? forbiddenArcs(state.net, state, forbidding, origin, destination) : null;
    if (blocked !== null && !blocked.includes(1)) blocked = null;
    byKey.set(ruleKey, blocked);
  }
  return { blocked, ruleKey };
}

/**
 * The block with only the forbidding rules of `block` named in `ids` (no permits, no discounts): the state of a
 * counterfactual search that keeps some of the shipment's bans and lifts the others.
 */
export function forbiddingSubset(state: NetworkState, block: PassageBlock, ids: ReadonlySet<string>): PassageBlock {
  const rules = block.rules.filter((r) => isForbidding(r) && ids.has(r.id));
  const [origin, destination] = block.tripEnds;
  const { blocked, ruleKey } = forbiddenOf(state, rules, origin, destination);
  return { date: block.date, rules, off: [], blocked, key: blocked === null ? "" : ruleKey, discounts: [], tripEnds: block.tripEnds };
}

/**
 * A stable key of what tariff discounts do to a shipment: their ids and which of their countries are the shipment's
 * trip ends (never transit); "" for none. Shipments alike in both pay the same factors.
 */
export function discountKey(discounts: readonly PassageRule[], origin: string | null, destination: string | null): string {
  // a discount all of whose countries are the shipment's trip ends lowers nothing for it
  const effective = discounts.filter((r) => r.countries.some((c) => c !== origin && c !== destination));
  if (effective.length === 0) return "";
  const end = (c: string | null) => (c !== null && effective.some((r) => r.countries.includes(c)) ? c : "");
  return `${effective.map((r) => r.id).join(",")}|${end(origin)}>${end(destination)}`;
}

/**
 * [arc] the share of the moving tariff a shipment of cargo profile `profileId` pays under the block's tariff
 * discounts (1 = the whole tariff), or null when none concerns the profile: a discount's factor on the link arcs of its
 * modes whose both ends lie in one of its countries other than the shipment's origin and destination countries; the
 * lowest factor where two concern one arc. Cached by arc columns, rules, trip ends and profile; never written.
 */
export function tariffFactors(arcs: CompiledArcs, net: CompiledNetwork, block: PassageBlock, profileId: string): Float64Array | null {
  const rules = block.discounts.filter((r) => r.cargo.length === 0 || r.cargo.includes(profileId));
  if (rules.length === 0) return null;
  const [origin, destination] = block.tripEnds;
  const key = discountKey(rules, origin, destination);
  let byKey = factorCache.get(arcs);
  if (!byKey) {
    byKey = new Map();
    factorCache.set(arcs, byKey);
  }
  const cached = byKey.get(key);
  if (cached !== undefined) return cached;
  const n = net.graph.arcCount;
  const factor = new Float64Array(n).fill(1);
  let any = false;
  for (const rule of rules) {
    const f = rule.tariffFactor ?? 1;
    const modeOk = new Uint8Array(256);
    if (rule.modes.length === 0) modeOk.fill(1);
    else for (const m of rule.modes) modeOk[MODE_CODES.indexOf(m)] = 1;
    modeOk[MODE_NONE] = 0;
    const inCountry = new Uint8Array(0x10000);
    for (const c of rule.countries) {
      const i = net.countries.indexOf(c);
      if (i >= 0 && c !== origin && c !== destination) inCountry[i] = 1;
    }
    for (let a = 0; a < n; a++) {
      if (arcs.kind[a] !== ARC_LINK || modeOk[arcs.mode[a]] === 0) continue;
      const fc = arcs.fromCountry[a];
      if (fc === NO_COUNTRY || fc !== arcs.toCountry[a] || inCountry[fc] === 0) continue;
      if (f < factor[a]) {
        factor[a] = f;
        any = true;
      }
    }
  }
  const out = any ? factor : null;
  byKey.set(key, out);
  return out;
}

/** The tariff factors by a state's arc columns and key (tariffFactors); shared, never written. */
const factorCache = new WeakMap<CompiledArcs, Map<string, Float64Array | null>>();

/**
 * Cost columns with a block's tariff discounts applied: the moving part of each discounted arc's cost (costUsd minus
 * its fixed part eventCostUsd) times the arc's factor. Returns `costUsd` itself when `factor` is null.
 */
export function discountedCostUsd(costUsd: Float64Array, eventCostUsd: Float64Array, factor: Float64Array | null): Float64Array {
  if (factor === null) return costUsd;
  const out = Float64Array.from(costUsd);
  for (let a = 0; a < out.length; a++) {
    const f = factor[a];
    if (f === 1) continue;
    const moving = costUsd[a] - eventCostUsd[a];
    if (moving > 0) out[a] = costUsd[a] - (1 - f) * moving;
  }
  return out;
}

/** The forbidden arcs by a state's arc columns and rule key (passageOfCountries); shared, never written. */
const forbiddenCache = new WeakMap<CompiledArcs, Map<string, Uint8Array | null>>();

/** [arc] 1 where a transit_ban or crossing_ban forbids the arc for this shipment. */
function forbiddenArcs(net: CompiledNetwork, state: NetworkState, rules: readonly PassageRule[], origin: string | null, destination: string | null): Uint8Array {
  const arcs = state.arcs;
  const n = net.graph.arcCount;
  const out = new Uint8Array(n);
  for (const rule of rules) {
    const modeOk = new Uint8Array(256);
    if (rule.modes.length === 0) modeOk.fill(1);
    else for (const m of rule.modes) modeOk[MODE_CODES.indexOf(m)] = 1;
    modeOk[MODE_NONE] = 1;
    if (rule.kind === "transit_ban") {
      const banned = new Uint8Array(0x10000);
      for (const c of rule.countries) {
        const i = net.countries.indexOf(c);
        if (i >= 0 && c !== origin && c !== destination) banned[i] = 1;
      }
      for (let a = 0; a < n; a++) {
        if (modeOk[arcs.mode[a]] === 0) continue;
        const fc = arcs.fromCountry[a];
        const tc = arcs.toCountry[a];
        if ((fc !== NO_COUNTRY && banned[fc] === 1) || (tc !== NO_COUNTRY && banned[tc] === 1)) out[a] = 1;
      }
    } else if (rule.kind === "service_ban") {
      const ferries = new Set(rule.ferries.map((id) => net.network.ferries.findIndex((f) => f.id === id)));
      const departing = new Set(rule.departing.map((id) => net.network.places.findIndex((p) => p.id === id)));
      for (let a = 0; a < n; a++) {
        if (arcs.kind[a] !== ARC_FERRY || !ferries.has(arcs.record[a])) continue;
        if (departing.size > 0 && !departing.has(arcs.fromPlace[a])) continue;
        if (rule.modes.length === 0 || rule.modes.includes(ferryDeck(state, a))) out[a] = 1;
      }
    } else {
      const crossings = new Set(rule.crossings.map((id) => net.network.crossings.findIndex((c) => c.id === id)));
      for (let a = 0; a < n; a++) {
        const ci = arcs.crossing[a];
        if (ci !== NO_INDEX && crossings.has(ci) && modeOk[arcs.mode[a]] === 1) out[a] = 1;
      }
    }
  }
  return out;
}

/** The deck a ferry arc carries: a sea feeder, rail wagons (a gauge) or road trucks. */
function ferryDeck(state: NetworkState, a: number): "rail" | "road" | "sea" {
  const arcs = state.arcs;
  if (arcs.mode[a] === MODE_SEA) return "sea";
  return arcs.gaugeMm[a] > 0 ? "rail" : "road";
}

/** true when the path uses an arc the rule concerns: a permit's crossing or country (by its modes), a ban's arcs. */
function pathConcerns(net: CompiledNetwork, state: NetworkState, rule: PassageRule, path: readonly number[]): boolean {
  const arcs = state.arcs;
  const modes = rule.modes.map((m) => MODE_CODES.indexOf(m));
  const countryIdx = new Set(rule.countries.map((c) => net.countries.indexOf(c)));
  const crossingIdx = new Set(rule.crossings.map((id) => net.network.crossings.findIndex((c) => c.id === id)));
  for (const a of path) {
    if (modes.length > 0 && !modes.includes(arcs.mode[a])) continue;
    if (arcs.crossing[a] !== NO_INDEX && crossingIdx.has(arcs.crossing[a])) return true;
    if (countryIdx.has(arcs.toCountry[a]) && arcs.mode[a] !== MODE_NONE) return true;
  }
  return false;
}

/** Countries and crossings of a path that a forbidding rule names (to say how a rule changed the route). */
export function pathUses(net: CompiledNetwork, state: NetworkState, rule: PassageRule, path: readonly number[], origin: string | null, destination: string | null): string[] {
  const arcs = state.arcs;
  const used = new Set<string>();
  const modes = rule.modes.map((m) => MODE_CODES.indexOf(m));
  for (const a of path) {
    if (rule.kind === "tariff_discount") {
      const c = arcs.fromCountry[a];
      if (arcs.kind[a] !== ARC_LINK || c === NO_COUNTRY || c !== arcs.toCountry[a] || (modes.length > 0 && !modes.includes(arcs.mode[a]))) continue;
      const iso = net.countries[c];
      if (iso !== origin && iso !== destination && rule.countries.includes(iso)) used.add(iso);
    } else if (rule.kind === "transit_ban") {
      for (const c of [arcs.fromCountry[a], arcs.toCountry[a]]) {
        const iso = c === NO_COUNTRY ? null : net.countries[c];
        if (iso !== null && iso !== origin && iso !== destination && rule.countries.includes(iso)) used.add(iso);
      }
    } else if (rule.kind === "service_ban") {
      if (arcs.kind[a] !== ARC_FERRY || arcs.record[a] === NO_INDEX) continue;
      const f = net.network.ferries[arcs.record[a]];
      const leaves = net.network.places[arcs.fromPlace[a]]?.id;
      if (rule.ferries.includes(f.id) && (rule.departing.length === 0 || rule.departing.includes(leaves)) && (rule.modes.length === 0 || rule.modes.includes(ferryDeck(state, a)))) used.add(f.id);
    } else if (arcs.crossing[a] !== NO_INDEX) {
      const id = net.network.crossings[arcs.crossing[a]].id;
      if (rule.crossings.includes(id)) used.add(id);
    }
  }
  return [...used];
}

/**
 * The notes a route report names the rules of passage with: each forbidding rule (transit ban or closure) the route
 * had to avoid, with what the best path without it would have used (`avoidedBy`: rule id → the countries, crossings
 * or ferries it forbids that such a path used; routing/passage-report.ts); each tariff discount the route pays; each permit
 * whose crossings or countries the route uses, and the rules switched off that the route would otherwise break.
 */
export function passageNotes(
  state: NetworkState,
  passage: PassageBlock,
  path: readonly number[],
  avoidedBy: ReadonlyMap<string, readonly string[]>,
  originPlace: number,
  destinationPlace: number,
  profileId: string | null = null,
): { text: string; rule: PassageRule }[] {
  const net = state.net;
  const origin = net.network.places[originPlace]?.country ?? null;
  const destination = net.network.places[destinationPlace]?.country ?? null;
  const notes: { text: string; rule: PassageRule }[] = [];
  // a tariff discount for other cargo than the shipment's says nothing about its route
  const concernsCargo = (rule: PassageRule) => rule.kind !== "tariff_discount" || rule.cargo.length === 0 || profileId === null || rule.cargo.includes(profileId);
  for (const rule of passage.rules) {
    if (!concernsCargo(rule)) continue;
    if (rule.kind === "permit") {
      if (pathConcerns(net, state, rule, path)) notes.push({ text: `rule of passage in force on ${passage.date}: ${rule.name} [${rule.id}]: ${rule.what}`, rule });
      continue;
    }
    if (rule.kind === "tariff_discount") {
      // named on the routes that pay it: those crossing one of its countries by one of its modes in transit
      const used = pathUses(net, state, rule, path, origin, destination);
      const pct = Math.round((1 - (rule.tariffFactor ?? 1)) * 100);
      if (used.length > 0) notes.push({ text: `rule of passage in force on ${passage.date}: ${rule.name} [${rule.id}]: ${rule.what}; this route pays ${100 - pct} % of the ${rule.modes.join("/") || "moving"} tariff in ${used.join(", ")} (${pct} % off)`, rule });
      continue;
    }
    // a forbidding rule (transit_ban, crossing_ban, service_ban) is named only on the routes it shaped (`avoidedBy`,
    // routing/passage-report.ts): a ban on transit across Nepal says nothing about a route from China to Germany,
    // although it concerns the shipment's goods
    const avoided = avoidedBy.get(rule.id) ?? [];
    if (avoided.length === 0) continue;
    notes.push({ text: `rule of passage in force on ${passage.date}: ${rule.name} [${rule.id}]: ${rule.what}; without it the best route would use ${avoided.join(", ")}`, rule });
  }
  for (const id of passage.off) {
    const rule = passageRules(net).find((r) => r.id === id)!;
    if (!concernsCargo(rule)) continue;
    const used = rule.kind === "permit" ? (pathConcerns(net, state, rule, path) ? ["its crossings"] : []) : pathUses(net, state, rule, path, origin, destination);
    if (used.length > 0) notes.push({ text: `rule of passage switched off: ${rule.name} [${rule.id}] would apply on ${passage.date}; this route uses ${used.join(", ")}`, rule });
  }
  return notes;
}
