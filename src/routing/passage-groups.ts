/**
 * Rules of passage in many-to-many searches (matrix, pair times, corridor assignment) with the semantics of one
 * route (routing/passage.ts, resolvePassage): a shipment between two places takes the rules in force on the state's
 * date that concern its origin and destination countries.
 *
 * The rules that concern every shipment (crossing_ban, service_ban) forbid the same arcs for every pair: group 0.
 * A transit_ban or a tariff_discount concerns some (origin country, destination country) pairs, and the arcs it
 * forbids (discounts) depend on the pair only through the rules concerned and which of the two countries is one of
 * the rules' countries (origin and destination are never transit). The pairs of countries are classified once into
 * groups of identical forbidden arcs and discounts; a search per origin then runs once per distinct group among its
 * destinations (usually one, two where a transit ban concerns some of them), each on the weight column of its group.
 */
import { NO_COUNTRY } from "../network/compiled";
import type { NetworkState } from "../network/state";
import type { RoutingContext, WeightSet } from "./context";
import type { ResolvedRouteOptions } from "./options";
import { isRuleInForce, type PassageRule, SHIPMENT_RULE_KINDS } from "../network/passage";
import { concernsShipment, discountKey, type PassageBlock, passageDate, passageOfCountries, passageRules, tariffFactors } from "./passage";

/** The groups of shipments of one network state that the rules of passage treat alike. */
export class PassageGroups {
  readonly state: NetworkState;
  /** The date the rules are taken at, YYYY-MM-DD. */
  readonly date: string;
  /** [group] the rules of passage of the group's shipments; 0 = the rules that concern every shipment. */
  readonly blocks: PassageBlock[] = [];
  /** Number of countries of the network (index `countryCount` stands for a place without a country). */
  private readonly countryCount: number;
  /** [origin country × (countryCount + 1) + destination country] group, -1 = not classified yet. */
  private readonly table: Int32Array;
  private readonly byRules = new Map<string, number>();
  private readonly byArcs = new Map<string, number>();
  private readonly transitRules: readonly PassageRule[];
  private readonly transitCountries: ReadonlySet<string>;

  constructor(state: NetworkState, today: Date = new Date()) {
    this.state = state;
    const net = state.net;
    this.date = passageDate(state.year, state.month, today);
    this.countryCount = net.countries.length;
    this.table = new Int32Array((this.countryCount + 1) * (this.countryCount + 1)).fill(-1);
    // a shipment without origin or destination country is concerned by no transit_ban: the common rules
    const common = passageOfCountries(state, null, null, today);
    this.blocks.push(common);
    this.byArcs.set(`${arcsKey(common.blocked)}#`, 0);
    const allOff = state.rulesOff.includes("all");
    this.transitRules = passageRules(net).filter((r) => SHIPMENT_RULE_KINDS.includes(r.kind) && isRuleInForce(r, this.date) && !allOff && !state.rulesOff.includes(r.id));
    this.transitCountries = new Set(this.transitRules.flatMap((r) => r.countries));
    // [country] bit r set when transit rule r's goodsFrom (goodsTo) admits the country (an empty list admits any)
    const C = this.countryCount + 1;
    this.fromMask = new Uint32Array(C);
    this.toMask = new Uint32Array(C);
    this.transitRules.slice(0, 32).forEach((r, k) => {
      const bit = 1 << k;
      if (r.bothDirections) this.bothMask |= bit;
      for (let c = 0; c < C; c++) {
        const iso = c < this.countryCount ? net.countries[c] : null;
        if (r.goodsFrom.length === 0 || (iso !== null && r.goodsFrom.includes(iso))) this.fromMask[c] |= bit;
        if (r.goodsTo.length === 0 || (iso !== null && r.goodsTo.includes(iso))) this.toMask[c] |= bit;
      }
    });
  }

  private readonly fromMask: Uint32Array;
  private readonly toMask: Uint32Array;
  private bothMask = 0;

  /** Number of groups classified so far. */
  get count(): number {
    return this.blocks.length;
  }

  /** Country index of a place (countryCount for none). */
  countryOf(place: number): number {
    const c = this.state.net.placeCountry[place];
    return c === NO_COUNTRY ? this.countryCount : c;
  }

  /** The group of a shipment from a place in country index `origin` to one in `destination` (countryOf). */
  groupOfCountries(origin: number, destination: number): number {
    const cell = origin * (this.countryCount + 1) + destination;
    const known = this.table[cell];
    if (known >= 0) return known;
    const group = this.classify(origin, destination);
    this.table[cell] = group;
    return group;
  }

  /** The group of a shipment between two places. */
  groupOf(originPlace: number, destinationPlace: number): number {
    return this.groupOfCountries(this.countryOf(originPlace), this.countryOf(destinationPlace));
  }

  private classify(origin: number, destination: number): number {
    if (this.transitRules.length === 0) return 0;
    // no transit rule concerns the pair (bit masks; concernsShipment below decides where more than 32 rules are in force)
    if (this.transitRules.length <= 32) {
      const mask = (this.fromMask[origin] & this.toMask[destination]) | (this.bothMask & this.fromMask[destination] & this.toMask[origin]);
      if (mask === 0) return 0;
    }
    const countries = this.state.net.countries;
    const o = origin < this.countryCount ? countries[origin] : null;
    const d = destination < this.countryCount ? countries[destination] : null;
    const concerned = this.transitRules.filter((r) => concernsShipment(r, o, d));
    if (concerned.length === 0) return 0;
    // what the bans forbid depends on the rules and on which trip-end countries they name
    const exempt = [o, d].map((c) => (c !== null && this.transitCountries.has(c) ? c : ""));
    const rulesKey = `${concerned.map((r) => r.id).join(",")}|${exempt.join(">")}`;
    const seen = this.byRules.get(rulesKey);
    if (seen !== undefined) return seen;
    const block = passageOfCountries(this.state, o, d);
    const key = `${arcsKey(block.blocked)}#${discountKey(block.discounts, o, d)}`;
    let group = this.byArcs.get(key);
    if (group === undefined) {
      group = this.blocks.length;
      this.blocks.push({ ...block, key: `group:${key}` });
      this.byArcs.set(key, group);
    }
    this.byRules.set(rulesKey, group);
    return group;
  }
}

/** A content key of a forbidden-arc column (the count and an FNV-1a hash of the forbidden arc ids). */
function arcsKey(blocked: Uint8Array | null): string {
  if (blocked === null) return "0";
  let count = 0;
  let h = 0x811c9dc5;
  for (let a = 0; a < blocked.length; a++) {
    if (blocked[a] === 0) continue;
    count++;
    h = Math.imul(h ^ a, 0x01000193) >>> 0;
  }
  return count === 0 ? "0" : `${count}:${h.toString(16)}`;
}

/**
 * The rules of passage of a many-to-many computation between row places and column places: the group of each cell
 * and the weight set of each group (ctx.weights of the options with the group's rules).
 */
export interface MatrixPassage {
  readonly groups: PassageGroups;
  /** [group] the weight set of the group's shipments. */
  readonly sets: readonly WeightSet[];
  /** [group] sets[g].weight. */
  readonly weights: readonly Float64Array[];
  /** The group of cell (row i, column j). */
  cellGroup(i: number, j: number): number;
  /** [group] true when the group's tariff discounts lower its costs: group 0's paths say nothing of its own. */
  readonly reweighted: readonly boolean[];
  /** true when group 0's path `path` is group g's too: g forbids no arc of it and discounts nothing. */
  stands(path: ArrayLike<number>, g: number): boolean;
}

/** true when a path uses no arc the weights forbid (an infinite weight: what a group's rules of passage block). */
export function pathAllowed(path: ArrayLike<number>, weight: Float64Array): boolean {
  for (let q = 0; q < path.length; q++) if (weight[path[q]] === Number.POSITIVE_INFINITY) return false;
  return true;
}

/** Classify every cell of rows × columns (place indices) and build the weight set of each group. */
export function matrixPassage(ctx: RoutingContext, options: ResolvedRouteOptions, rowPlaces: ArrayLike<number>, columnPlaces: ArrayLike<number>, groups: PassageGroups = new PassageGroups(options.state)): MatrixPassage {
  const rowCountry = Uint32Array.from(rowPlaces as ArrayLike<number>, (p) => groups.countryOf(p));
  const columnCountry = Uint32Array.from(columnPlaces as ArrayLike<number>, (p) => groups.countryOf(p));
  const columns = [...new Set(columnCountry)];
  for (const o of new Set(rowCountry)) for (const d of columns) groups.groupOfCountries(o, d);
  const sets = groups.blocks.map((passage) => ctx.weights({ ...options, passage }));
  const reweighted = groups.blocks.map((block, g) => g > 0 && tariffFactors(options.state.arcs, ctx.net, block, options.profile.id) !== null);
  return {
    groups,
    sets,
    weights: sets.map((s) => s.weight),
    cellGroup: (i, j) => groups.groupOfCountries(rowCountry[i], columnCountry[j]),
    reweighted,
    stands: (path, g) => g === 0 || (!reweighted[g] && pathAllowed(path, sets[g].weight)),
  };
}
