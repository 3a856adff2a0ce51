/**
 * Country-pair shipment times from the network, as de Soyres, Mulabdic, Murray, Rocha & Ruta (World Bank PRWP 8614,
 * 2018; FRB IFDP 1274, 2020) computed them for the Belt and Road Initiative: shipment times between cities, routed on
 * the network in a baseline and a scenario, aggregated to country pairs as population-weighted means. The result is
 * the `exporter,importer,baselineTimeH,scenarioTimeH` table that `readPairTimes` (time-cost.ts) turns into trade-cost
 * changes.
 *
 * Cities of a country (`chooseCities`):
 *   1. every place of one of `cityKinds` (default: `city`) with a population ≥ `minPopulation` (and > 0), weighted
 *      by its population;
 *   2. if none qualifies but some candidate has a population, the most populous one alone ("largest");
 *   3. if no candidate has a population, every candidate with equal weight ("unweighted").
 * A country with no candidate place at all has no cities and no pairs.
 *
 * Aggregation, for exporter A and importer B (A = B included: domestic pairs matter in gravity with domestic flows):
 *
 *   T_AB = Σ_{i∈A, j∈B, reachable} w_i w_j t_ij / Σ_{i∈A, j∈B, reachable} w_i w_j
 *
 * t_ij is the time of the best route from city i to city j (its access node to j's access node); a city's pair with
 * itself has time 0 (no intra-city leg is modelled). "Reachable" means reachable in BOTH the baseline and the
 * scenario, so both means are taken over the same city pairs and their difference measures route changes only, not a
 * change of which cities count. Excluded pairs are counted and their share of the weight w_i w_j is reported. A
 * country pair without any city pair reachable in both has NaN times.
 *
 * With criterion "time" t_ij is the least time; with "generalized" it is the time of the route of least generalized
 * cost (cost + value of time × time + CO2 price × CO2), the route a shipper would choose.
 *
 * Expected shipment time over the modes shippers use (`modeShares`, docs/belt-and-road.md "Pair times"): t_ij is the
 * mean of the times of one route per main mode m (sea, rail, road, air), weighted by the shares of the modes in the
 * value of the trade between the two economies:
 *
 *   t_ij = Σ_m s_m(A,B) t^m_ij / Σ_m s_m(A,B)   over the modes m with a route for i → j (shares renormalised)
 *
 *   route of mode m  the route of least generalized cost among those with at least one leg of mode m (a search on
 *                    the network in two layers, before and after the first leg of m), over sea + ferry + road for
 *                    sea (road to and from the ports), rail + road + ferry for rail, road + ferry for road; air:
 *                    least time over air + road with an air leg (air freight buys time). A pair with no such route
 *                    has no route of mode m; only modes the side's `modes` allow are offered.
 *   shares s_m(A,B)  observed value shares of the lane of exporter A and importer B (`ModeShareTable`, e.g.
 *                    China → EU: sea 75 %, air 22 %, rail 3 % of the value in 2019); a pair without observed shares
 *                    takes the mode of least generalized cost alone (the deterministic choice of the shipper, as
 *                    criterion "generalized" but among the mode routes above).
 *
 * Both sides use the same shares, so a change of t_ij measures route changes at constant mode shares.
 */
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { buildCsr, type CsrGraph, NO_ARC } from "../../graph/csr";
import { accessNode, type CompiledNetwork, MODE_AIR, MODE_RAIL, MODE_ROAD, MODE_SEA } from "../../network/compiled";
import type { PlaceKind } from "../../network/schema";
import { PLACE_KINDS } from "../../network/schema";
import { DijkstraQuery, manyToMany, optionKey, type ResolvedRouteOptions, type RouteOptions, RoutingContext, resolveRouteOptions } from "../../routing/index";
import type { RowSubset } from "../../routing/matrix";
import { matrixPassage } from "../../routing/passage-groups";
import { effectiveBasis, pricePathOf, type RatesRequest } from "../../routing/rates-report";

/** What the shipment times minimise. */
export const PAIR_TIME_CRITERIA = ["time", "generalized"] as const;
export type PairTimeCriterion = (typeof PAIR_TIME_CRITERIA)[number];

/**
 * One side of the comparison (baseline or scenario): a network state (`state`, e.g. a scenario's overlay) and/or the
 * open/closed names applied on it, plus the query settings that may differ (modes, prices); criterion and cargo are
 * shared.
 */
export type PairTimesState = Omit<RouteOptions, "criterion" | "cargo">;

export interface PairTimesOptions {
  /** The network before: default today's open network without closures ({}). */
  readonly baseline?: PairTimesState;
  /** The network after: projects up to `year`, closed chokepoints, avoided countries, ... */
  readonly scenario: PairTimesState;
  /** ISO3 codes of the countries whose cities are paired; default every country with a candidate place. */
  readonly countries?: readonly string[];
  /** Place kinds a city may have; default ["city"]. */
  readonly cityKinds?: readonly string[];
  /** Least population of a chosen city; default 0 (every candidate with a known population). */
  readonly minPopulation?: number;
  /** Default "time". */
  readonly criterion?: PairTimeCriterion;
  /** Cargo profile id (feu, teu, bulk, ...); default "feu". */
  readonly cargo?: string;
  /** A routing context over the same network to reuse (weight columns are cached on it). */
  readonly context?: RoutingContext;
  /**
   * Expected times over the modes shippers use (file comment): the observed mode shares by lane. When given, the
   * criterion is not used for the city times (each mode's route has its own rule).
   */
  readonly modeShares?: ModeShareTable;
  /**
   * The baseline's city × city times when already computed with the same cities, baseline and rule (a study compares
   * several scenarios with one baseline); length (cities)².
   */
  readonly baselineCityTimeH?: Float64Array;
  /**
   * Cost basis of the generalized cost that chooses the mode of a pair without observed shares (mode-share rule):
   * on the rates basis each mode's route is re-priced by the rate layers (routing/rates-report.ts), a closure's
   * shock included; absent = the cost model. The routes themselves are the cost model's.
   */
  readonly rates?: RatesRequest;
}

/** Main modes of the expected-time rule. */
export const MAIN_MODES = ["sea", "rail", "road", "air"] as const;
export type MainMode = (typeof MAIN_MODES)[number];

/** Observed shares of the main modes in the value of the trade of one lane (exporters → importers). */
export interface ModeShareLane {
  readonly exporters: readonly string[];
  readonly importers: readonly string[];
  /** Share of each main mode, any positive scale (renormalised over the modes with a route); absent = 0. */
  readonly shares: Readonly<Partial<Record<MainMode, number>>>;
  readonly source: string;
}

export interface ModeShareTable {
  readonly lanes: readonly ModeShareLane[];
}

/** How each main mode is routed: allowed modes, criterion, and the mode code its route must use. */
const MAIN_MODE_ROUTES: Readonly<Record<MainMode, { readonly modes: readonly string[]; readonly criterion: "time" | "generalized"; readonly code: number }>> = {
  sea: { modes: ["sea", "ferry", "road"], criterion: "generalized", code: MODE_SEA },
  rail: { modes: ["rail", "road", "ferry"], criterion: "generalized", code: MODE_RAIL },
  road: { modes: ["road", "ferry"], criterion: "generalized", code: MODE_ROAD },
  air: { modes: ["air", "road"], criterion: "time", code: MODE_AIR },
};

/** How the cities of a country were chosen. */
export const CITY_RULES = ["population", "largest", "unweighted"] as const;
export type CityRule = (typeof CITY_RULES)[number];
export const RULE_POPULATION = 0;
export const RULE_LARGEST = 1;
export const RULE_UNWEIGHTED = 2;

/** The chosen cities, grouped by country: the cities of country k are firstCity[k] .. firstCity[k+1]-1. */
export interface ChosenCities {
  /** ISO3 codes of the countries that have cities, sorted. */
  readonly countries: readonly string[];
  /** [country] first city; length countries.length + 1. */
  readonly firstCity: Uint32Array;
  /** [country] RULE_POPULATION / RULE_LARGEST / RULE_UNWEIGHTED. */
  readonly rule: Uint8Array;
  /** [city] place index. */
  readonly place: Uint32Array;
  /** [city] index into `countries`. */
  readonly country: Uint16Array;
  /** [city] weight: population, or 1 under the "unweighted" rule. */
  readonly weight: Float64Array;
  /** Countries asked for (or known to the network) that have no candidate place, sorted. */
  readonly withoutCities: readonly string[];
}

export interface CountryPairTimes {
  readonly cities: ChosenCities;
  readonly baseline: ResolvedRouteOptions;
  readonly scenario: ResolvedRouteOptions;
  /** [i * cityCount + j] time of the chosen route city i → city j in the baseline, hours; +Infinity = unreachable. */
  readonly cityBaselineTimeH: Float64Array;
  /** [i * cityCount + j] the same in the scenario. */
  readonly cityScenarioTimeH: Float64Array;
  /** [exporter * countryCount + importer] population-weighted mean baseline time, hours; NaN = no pair reachable. */
  readonly baselineTimeH: Float64Array;
  /** [exporter * countryCount + importer] population-weighted mean scenario time, hours; NaN = no pair reachable. */
  readonly scenarioTimeH: Float64Array;
  /** [exporter * countryCount + importer] number of city pairs. */
  readonly cityPairs: Uint32Array;
  /** [exporter * countryCount + importer] city pairs excluded: unreachable in the baseline or in the scenario. */
  readonly excludedPairs: Uint32Array;
  /** [exporter * countryCount + importer] share (0–1) of the weight w_i·w_j on excluded city pairs. */
  readonly excludedWeightShare: Float64Array;
  /** [exporter * countryCount + importer] share (0–1) of the weight on city pairs unreachable in the baseline. */
  readonly baselineUnreachableShare: Float64Array;
  /** [exporter * countryCount + importer] share (0–1) of the weight on city pairs unreachable in the scenario. */
  readonly scenarioUnreachableShare: Float64Array;
}

/** Choose the cities of each country and their weights (rule in the file comment). */
export function chooseCities(
  net: CompiledNetwork,
  options: { readonly countries?: readonly string[]; readonly cityKinds?: readonly string[]; readonly minPopulation?: number } = {},
): ChosenCities {
  const kinds = [...new Set((options.cityKinds ?? ["city"]).map((k) => k.trim().toLowerCase()))];
  if (kinds.length === 0) throw new CaravanError("E_USAGE", "no city kind given: name at least one place kind (e.g. city)");
  for (const k of kinds) {
    if (!(PLACE_KINDS as readonly string[]).includes(k) || k === "waypoint") {
      throw new CaravanError("E_USAGE", `"${k}" is not a place kind a city can have; use ${PLACE_KINDS.filter((x) => x !== "waypoint").join(", ")}`, {
        didYouMean: suggest(k, PLACE_KINDS),
      });
    }
  }
  const minPopulation = options.minPopulation ?? 0;
  if (!(Number.isFinite(minPopulation) && minPopulation >= 0)) throw new CaravanError("E_USAGE", `minimum population must be a number ≥ 0, got ${minPopulation}`);
  let wanted: string[];
  if (options.countries !== undefined) {
    wanted = [...new Set(options.countries.map((c) => c.trim().toUpperCase()))].sort();
    if (wanted.length === 0) throw new CaravanError("E_USAGE", "the country list is empty");
    for (const c of wanted) {
      if (!net.countries.includes(c)) {
        throw new CaravanError("E_COUNTRY_UNKNOWN", `country "${c}" is not in the network (ISO 3166-1 alpha-3, e.g. KAZ)`, { didYouMean: suggest(c, net.countries) });
      }
    }
  } else {
    wanted = [...net.countries];
  }
  const places = net.network.places;
  const isCandidate = (kindsOfPlace: readonly PlaceKind[]): boolean => kindsOfPlace.some((k) => kinds.includes(k));
  // candidates by country, in place order (deterministic)
  const candidates = new Map<string, number[]>();
  for (const c of wanted) candidates.set(c, []);
  for (let p = 0; p < places.length; p++) {
    const c = places[p].country;
    if (c === null) continue;
    const list = candidates.get(c);
    if (list && isCandidate(places[p].kinds)) list.push(p);
  }
  const countries: string[] = [];
  const withoutCities: string[] = [];
  const rules: number[] = [];
  const chosenPlaces: number[] = [];
  const chosenCountry: number[] = [];
  const chosenWeight: number[] = [];
  const firstCity: number[] = [0];
  for (const c of wanted) {
    const list = candidates.get(c)!;
    if (list.length === 0) {
      withoutCities.push(c);
      continue;
    }
    const k = countries.length;
    countries.push(c);
    const qualified = list.filter((p) => {
      const pop = places[p].population;
      return pop !== null && pop > 0 && pop >= minPopulation;
    });
    let rule: number;
    if (qualified.length > 0) {
      rule = RULE_POPULATION;
      for (const p of qualified) {
        chosenPlaces.push(p);
        chosenWeight.push(places[p].population!);
      }
    } else {
      let largest = -1;
      for (const p of list) {
        const pop = places[p].population;
        if (pop !== null && pop > 0 && (largest < 0 || pop > places[largest].population!)) largest = p;
      }
      if (largest >= 0) {
        rule = RULE_LARGEST;
        chosenPlaces.push(largest);
        chosenWeight.push(places[largest].population!);
      } else {
        rule = RULE_UNWEIGHTED;
        for (const p of list) {
          chosenPlaces.push(p);
          chosenWeight.push(1);
        }
      }
    }
    rules.push(rule);
    while (chosenCountry.length < chosenPlaces.length) chosenCountry.push(k);
    firstCity.push(chosenPlaces.length);
  }
  if (options.countries !== undefined && withoutCities.length > 0) {
    throw new CaravanError("E_USAGE", `no place of kind ${kinds.join("|")} in ${withoutCities.join(", ")}: these countries have no city to pair`);
  }
  return {
    countries,
    firstCity: Uint32Array.from(firstCity),
    rule: Uint8Array.from(rules),
    place: Uint32Array.from(chosenPlaces),
    country: Uint16Array.from(chosenCountry),
    weight: Float64Array.from(chosenWeight),
    withoutCities,
  };
}

/**
 * City × city shipment times under one option set ([i * n + j], hours, +Infinity = unreachable), with the routing
 * engine's many-to-many (one Dijkstra query object reused for every row).
 */
export function cityTimes(ctx: RoutingContext, options: ResolvedRouteOptions, nodes: Uint32Array): Float64Array {
  // the rules of passage of the state's date, per pair of countries (routing/passage-groups.ts)
  const places = placesOf(ctx, nodes);
  const passage = matrixPassage(ctx, options, places, places);
  const set = passage.sets[0];
  const query = new DijkstraQuery(ctx.net.graph, set.weight, { noThrough: ctx.net.noThrough });
  if (options.criterion === "time") return manyToMany(query, nodes, nodes, { groups: passage }).distance;
  const m = manyToMany(query, nodes, nodes, { sumColumns: [set.columns.timeH], groups: passage });
  const timeH = m.sums[0];
  for (let cell = 0; cell < timeH.length; cell++) if (m.distance[cell] === Number.POSITIVE_INFINITY) timeH[cell] = Number.POSITIVE_INFINITY;
  return timeH;
}

/** [i] place of access node nodes[i]. */
function placesOf(ctx: RoutingContext, nodes: Uint32Array): Uint32Array {
  return Uint32Array.from(nodes, (v) => ctx.net.nodePlace[v]);
}

/** Times and generalized costs of each main mode's route for every city pair ([mode][i * n + j]; +Infinity = no route). */
export interface ModeCityTimes {
  readonly modes: readonly MainMode[];
  readonly timeH: readonly Float64Array[];
  readonly generalizedUsd: readonly Float64Array[];
}

/**
 * The network in two layers for routes that must use mode `code`: layer 0 = no leg of the mode yet, layer 1 = at
 * least one. An arc of the mode leads from layer 0 to layer 1 (and stays in layer 1); every other arc stays in its
 * layer. A path from a node in layer 0 to a node in layer 1 is a route of the network with at least one leg of the
 * mode. `arc[a']` = the network's arc of layered arc a'.
 */
interface LayeredGraph {
  readonly graph: CsrGraph;
  readonly arc: Uint32Array;
  readonly noThrough: Uint8Array;
}

const layered = new WeakMap<CompiledNetwork, Map<number, LayeredGraph>>();

function layeredGraph(net: CompiledNetwork, code: number): LayeredGraph {
  let byMode = layered.get(net);
  if (!byMode) {
    byMode = new Map();
    layered.set(net, byMode);
  }
  const hit = byMode.get(code);
  if (hit) return hit;
  const g = net.graph;
  const n = g.nodeCount;
  const m = g.arcCount;
  const tails = new Uint32Array(2 * m);
  const heads = new Uint32Array(2 * m);
  const orig = new Uint32Array(2 * m);
  const mode = net.arcs.mode;
  for (let a = 0; a < m; a++) {
    tails[a] = g.tail[a];
    heads[a] = mode[a] === code ? g.head[a] + n : g.head[a];
    orig[a] = a;
    tails[m + a] = g.tail[a] + n;
    heads[m + a] = g.head[a] + n;
    orig[m + a] = a;
  }
  const graph = buildCsr(2 * n, tails, heads);
  const arc = new Uint32Array(graph.arcCount);
  for (let a = 0; a < graph.arcCount; a++) arc[a] = orig[graph.inputArc[a]];
  const noThrough = new Uint8Array(2 * n);
  if (net.noThrough) for (let v = 0; v < n; v++) noThrough[v] = noThrough[v + n] = net.noThrough[v];
  const out = { graph, arc, noThrough };
  byMode.set(code, out);
  return out;
}

/**
 * On the rates basis (null on the cost basis): a manyToMany row callback that re-prices the path to every reachable
 * target by the rate layers while the row's tree is at hand, into costUsd ([i × targets + j]). `arcOf` maps the
 * query graph's arcs to the network's (the two-layer graph of a mode), null when they are the network's.
 */
function ratedRows(
  ctx: RoutingContext,
  sets: readonly ReturnType<RoutingContext["weights"]>[],
  query: DijkstraQuery,
  sources: Uint32Array,
  targets: Uint32Array,
  arcOf: Uint32Array | null,
  rates: RatesRequest | undefined,
): { onRow: (i: number, subset?: RowSubset) => void; costUsd: Float64Array } | null {
  const pricing = effectiveBasis(sets[0], rates).query;
  if (pricing === null) return null;
  const costUsd = new Float64Array(sources.length * targets.length);
  const tail = query.graph.tail;
  const path: number[] = [];
  const onRow = (i: number, subset?: RowSubset) => {
    const set = sets[subset?.group ?? 0];
    const count = subset?.count ?? targets.length;
    for (let k = 0; k < count; k++) {
      const j = subset ? subset.index[k] : k;
      if (query.distanceTo(targets[j]) === Number.POSITIVE_INFINITY) {
        costUsd[i * targets.length + j] = Number.NaN;
        continue;
      }
      path.length = 0;
      for (let v = targets[j], a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) path.push(arcOf ? arcOf[a] : a);
      path.reverse();
      costUsd[i * targets.length + j] = pricePathOf(ctx, set, path, pricing, false).totalUsd;
    }
  };
  return { onRow, costUsd };
}

/** The route of each main mode the state allows, for every city pair (rules in the file comment). */
export function modeCityTimes(ctx: RoutingContext, state: PairTimesState, cargo: string, nodes: Uint32Array, rates?: RatesRequest): ModeCityTimes {
  const allowed = new Set((state.modes ?? ["rail", "road", "sea", "ferry"]).map((m) => m.trim().toLowerCase()));
  const modes: MainMode[] = [];
  const timeH: Float64Array[] = [];
  const generalizedUsd: Float64Array[] = [];
  const n = ctx.net.graph.nodeCount;
  const targets = Uint32Array.from(nodes, (v) => v + n);
  const places = placesOf(ctx, nodes);
  for (const m of MAIN_MODES) {
    const route = MAIN_MODE_ROUTES[m];
    if (!allowed.has(m)) continue;
    const options = resolveRouteOptions(ctx.net, { ...state, modes: route.modes.filter((x) => allowed.has(x)), criterion: route.criterion, cargo });
    // the rules of passage of the state's date, per pair of countries (routing/passage-groups.ts)
    const passage = matrixPassage(ctx, options, places, places);
    const set = passage.sets[0];
    let mm: ReturnType<typeof manyToMany>;
    if (m === "road") {
      // road over road + ferry: every route but a ferry-only one has a road leg, so the plain network is searched
      // and a route without a road leg (ferry only) counts as none
      const onRoad = new Float64Array(ctx.net.graph.arcCount);
      const arcMode = ctx.net.arcs.mode;
      for (let a = 0; a < onRoad.length; a++) if (arcMode[a] === MODE_ROAD) onRoad[a] = 1;
      const query = new DijkstraQuery(ctx.net.graph, set.weight, { noThrough: ctx.net.noThrough });
      const rated = ratedRows(ctx, passage.sets, query, nodes, nodes, null, rates);
      mm = manyToMany(query, nodes, nodes, {
        sumColumns: [set.columns.timeH, set.columns.costUsd, set.columns.co2Kg, onRoad],
        onRow: rated?.onRow,
        groups: { ...passage, sumColumns: passage.sets.map((s) => [s.columns.timeH, s.columns.costUsd, s.columns.co2Kg, onRoad]) },
      });
      if (rated) mm.sums[1].set(rated.costUsd);
      const legs = mm.sums[3];
      for (let cell = 0; cell < legs.length; cell++) if (!(legs[cell] > 0)) mm.distance[cell] = Number.POSITIVE_INFINITY;
    } else {
      const lg = layeredGraph(ctx.net, route.code);
      const lift = (column: Float64Array): Float64Array => {
        const out = new Float64Array(lg.arc.length);
        for (let a = 0; a < out.length; a++) out[a] = column[lg.arc[a]];
        return out;
      };
      const weights = passage.weights.map(lift);
      const query = new DijkstraQuery(lg.graph, weights[0], { noThrough: lg.noThrough });
      const rated = ratedRows(ctx, passage.sets, query, nodes, targets, lg.arc, rates);
      mm = manyToMany(query, nodes, targets, {
        sumColumns: [lift(set.columns.timeH), lift(set.columns.costUsd), lift(set.columns.co2Kg)],
        onRow: rated?.onRow,
        groups: { weights, cellGroup: passage.cellGroup, reweighted: passage.reweighted, sumColumns: passage.sets.map((s) => [lift(s.columns.timeH), lift(s.columns.costUsd), lift(s.columns.co2Kg)]) },
      });
      if (rated) mm.sums[1].set(rated.costUsd);
    }
    const [t, c, co2] = mm.sums;
    const gc = new Float64Array(t.length);
    const vot = options.valueOfTimeUsdPerH;
    const co2Price = options.co2PriceUsdPerT;
    for (let cell = 0; cell < t.length; cell++) {
      if (mm.distance[cell] === Number.POSITIVE_INFINITY) {
        t[cell] = Number.POSITIVE_INFINITY;
        gc[cell] = Number.POSITIVE_INFINITY;
      } else gc[cell] = c[cell] + vot * t[cell] + (co2Price * co2[cell]) / 1000;
    }
    modes.push(m);
    timeH.push(t);
    generalizedUsd.push(gc);
  }
  return { modes, timeH, generalizedUsd };
}

/** [a * k + b][mode] observed share of the lane of countries a → b, NaN where no lane applies (the last lane wins). */
function laneShares(countries: readonly string[], table: ModeShareTable): Float64Array {
  const k = countries.length;
  const out = new Float64Array(k * k * MAIN_MODES.length).fill(Number.NaN);
  const idx = new Map(countries.map((c, i) => [c, i]));
  for (const lane of table.lanes) {
    for (const e of lane.exporters) {
      const a = idx.get(e);
      if (a === undefined) continue;
      for (const im of lane.importers) {
        const b = idx.get(im);
        if (b === undefined) continue;
        for (let m = 0; m < MAIN_MODES.length; m++) out[(a * k + b) * MAIN_MODES.length + m] = lane.shares[MAIN_MODES[m]] ?? 0;
      }
    }
  }
  return out;
}

/**
 * Expected city × city times over the modes shippers use ([i * n + j], hours, +Infinity = no mode has a route): the
 * lane's observed value shares over the modes with a route, else the mode of least generalized cost.
 */
export function expectedCityTimes(ctx: RoutingContext, state: PairTimesState, cargo: string, cities: ChosenCities, nodes: Uint32Array, table: ModeShareTable, rates?: RatesRequest): Float64Array {
  const per = modeCityTimes(ctx, state, cargo, nodes, rates);
  const n = nodes.length;
  const k = cities.countries.length;
  const shares = laneShares(cities.countries, table);
  const modeIndex = per.modes.map((m) => MAIN_MODES.indexOf(m));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const cell = i * n + j;
      if (i === j) continue; // a city's pair with itself: 0
      const lane = (cities.country[i] * k + cities.country[j]) * MAIN_MODES.length;
      let sw = 0;
      let st = 0;
      if (!Number.isNaN(shares[lane])) {
        for (let q = 0; q < per.modes.length; q++) {
          const t = per.timeH[q][cell];
          const s = shares[lane + modeIndex[q]];
          if (t === Number.POSITIVE_INFINITY || !(s > 0)) continue;
          sw += s;
          st += s * t;
        }
      }
      if (sw > 0) {
        out[cell] = st / sw;
        continue;
      }
      // no observed share with a route: the mode of least generalized cost
      let best = Number.POSITIVE_INFINITY;
      let time = Number.POSITIVE_INFINITY;
      for (let q = 0; q < per.modes.length; q++) {
        const g = per.generalizedUsd[q][cell];
        if (g < best) {
          best = g;
          time = per.timeH[q][cell];
        }
      }
      out[cell] = time;
    }
  }
  return out;
}

/** Resolve one network state with the shared criterion and cargo. */
function resolveState(net: CompiledNetwork, state: PairTimesState, criterion: PairTimeCriterion, cargo: string): ResolvedRouteOptions {
  return resolveRouteOptions(net, { ...state, criterion, cargo });
}

/**
 * Country-pair shipment times in a baseline and a scenario: choose cities, route every city pair in both, aggregate
 * to population-weighted means over the city pairs reachable in both (see the file comment).
 */
export function computePairTimes(net: CompiledNetwork, options: PairTimesOptions): CountryPairTimes {
  const criterion = options.criterion ?? "time";
  if (!(PAIR_TIME_CRITERIA as readonly string[]).includes(criterion)) {
    throw new CaravanError("E_USAGE", `shipment times can be optimised for ${PAIR_TIME_CRITERIA.join(" or ")}, not "${criterion}"`, {
      didYouMean: suggest(criterion, PAIR_TIME_CRITERIA),
    });
  }
  const cargo = options.cargo ?? "feu";
  const baseline = resolveState(net, options.baseline ?? {}, criterion, cargo);
  const scenario = resolveState(net, options.scenario, criterion, cargo);
  const cities = chooseCities(net, options);
  const ctx = options.context ?? new RoutingContext(net);
  if (ctx.net !== net) throw new RangeError("computePairTimes: the routing context belongs to another network");

  const n = cities.place.length;
  const nodes = new Uint32Array(n); // [city] access node
  for (let i = 0; i < n; i++) nodes[i] = accessNode(cities.place[i]);
  const table = options.modeShares;
  const times = (side: PairTimesState, resolved: ResolvedRouteOptions): Float64Array => (table ? expectedCityTimes(ctx, side, cargo, cities, nodes, table, options.rates) : cityTimes(ctx, resolved, nodes));
  if (options.baselineCityTimeH !== undefined && options.baselineCityTimeH.length !== n * n) throw new RangeError("computePairTimes: baselineCityTimeH is not of these cities");
  const cityBaselineTimeH = options.baselineCityTimeH ?? times(options.baseline ?? {}, baseline);
  const cityScenarioTimeH = optionKey(scenario) === optionKey(baseline) ? cityBaselineTimeH : times(options.scenario, scenario);

  const k = cities.countries.length;
  const baselineTimeH = new Float64Array(k * k);
  const scenarioTimeH = new Float64Array(k * k);
  const cityPairs = new Uint32Array(k * k);
  const excludedPairs = new Uint32Array(k * k);
  const excludedWeightShare = new Float64Array(k * k);
  const baselineUnreachableShare = new Float64Array(k * k);
  const scenarioUnreachableShare = new Float64Array(k * k);
  const { firstCity, weight } = cities;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let total = 0;
      let kept = 0;
      let baseSum = 0;
      let scenSum = 0;
      let lostBase = 0;
      let lostScen = 0;
      let excluded = 0;
      for (let i = firstCity[a]; i < firstCity[a + 1]; i++) {
        const row = i * n;
        for (let j = firstCity[b]; j < firstCity[b + 1]; j++) {
          const w = weight[i] * weight[j];
          total += w;
          const tb = cityBaselineTimeH[row + j];
          const ts = cityScenarioTimeH[row + j];
          const okBase = tb !== Number.POSITIVE_INFINITY;
          const okScen = ts !== Number.POSITIVE_INFINITY;
          if (!okBase) lostBase += w;
          if (!okScen) lostScen += w;
          if (okBase && okScen) {
            kept += w;
            baseSum += w * tb;
            scenSum += w * ts;
          } else excluded++;
        }
      }
      const pair = a * k + b;
      cityPairs[pair] = (firstCity[a + 1] - firstCity[a]) * (firstCity[b + 1] - firstCity[b]);
      excludedPairs[pair] = excluded;
      excludedWeightShare[pair] = total > 0 ? (total - kept) / total : 0;
      baselineUnreachableShare[pair] = total > 0 ? lostBase / total : 0;
      scenarioUnreachableShare[pair] = total > 0 ? lostScen / total : 0;
      baselineTimeH[pair] = kept > 0 ? baseSum / kept : Number.NaN;
      scenarioTimeH[pair] = kept > 0 ? scenSum / kept : Number.NaN;
    }
  }
  return {
    cities,
    baseline,
    scenario,
    cityBaselineTimeH,
    cityScenarioTimeH,
    baselineTimeH,
    scenarioTimeH,
    cityPairs,
    excludedPairs,
    excludedWeightShare,
    baselineUnreachableShare,
    scenarioUnreachableShare,
  };
}

/** Number of decimals of the hours written to the CSV (0.01 h = 36 s, finer than any input of the network). */
export const PAIR_TIME_DECIMALS = 2;

/**
 * The CSV `exporter,importer,baselineTimeH,scenarioTimeH` that `gravity counterfactual --time-changes` reads: every
 * country pair (domestic included) with a city pair reachable in both states, exporters and importers in ISO3 order.
 */
export function pairTimesCsv(result: CountryPairTimes): string {
  const { countries } = result.cities;
  const k = countries.length;
  const lines = ["exporter,importer,baselineTimeH,scenarioTimeH"];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const pair = a * k + b;
      const tb = result.baselineTimeH[pair];
      const ts = result.scenarioTimeH[pair];
      if (Number.isNaN(tb) || Number.isNaN(ts)) continue;
      lines.push(`${countries[a]},${countries[b]},${tb.toFixed(PAIR_TIME_DECIMALS)},${ts.toFixed(PAIR_TIME_DECIMALS)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** One country pair's change, for summaries. */
export interface PairTimeChange {
  readonly exporter: string;
  readonly importer: string;
  readonly baselineTimeH: number;
  readonly scenarioTimeH: number;
  /** scenario − baseline, hours. */
  readonly changeH: number;
  /** 100 · (scenario − baseline) / baseline; 0 when both are 0. */
  readonly changePct: number;
}

/** Summary figures of a result: counts, mean change, the pairs with the largest changes. */
export interface PairTimesSummary {
  readonly countries: number;
  readonly cities: number;
  /** Country pairs with times (rows of the CSV). */
  readonly pairs: number;
  /** Country pairs without any city pair reachable in both states (left out of the CSV). */
  readonly unconnectedPairs: number;
  /** Country pairs whose time changes by more than 0.005 h. */
  readonly changedPairs: number;
  readonly cityPairs: number;
  readonly excludedCityPairs: number;
  /** Share (0–1) of the total weight Σ w_i w_j over all city pairs on excluded pairs. */
  readonly excludedWeightShare: number;
  /** Unweighted mean over the country pairs with a positive baseline time of changePct. */
  readonly meanChangePct: number;
  /** The pair with the most negative changePct (largest saving), null if no pair. */
  readonly largestDecrease: PairTimeChange | null;
  /** The pair with the most positive changePct, null if no pair. */
  readonly largestIncrease: PairTimeChange | null;
  /** Up to `top` pairs by |changePct|, largest first (ties by exporter, importer). */
  readonly top: readonly PairTimeChange[];
}

export function summarizePairTimes(result: CountryPairTimes, top = 10): PairTimesSummary {
  const { countries, place } = result.cities;
  const k = countries.length;
  const changes: PairTimeChange[] = [];
  let unconnected = 0;
  let cityPairs = 0;
  let excludedCityPairs = 0;
  let totalWeight = 0;
  let excludedWeight = 0;
  const { firstCity, weight } = result.cities;
  const countryWeight = new Float64Array(k); // [country] Σ w_i
  for (let a = 0; a < k; a++) for (let i = firstCity[a]; i < firstCity[a + 1]; i++) countryWeight[a] += weight[i];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const pair = a * k + b;
      cityPairs += result.cityPairs[pair];
      excludedCityPairs += result.excludedPairs[pair];
      const w = countryWeight[a] * countryWeight[b];
      totalWeight += w;
      excludedWeight += w * result.excludedWeightShare[pair];
      const tb = result.baselineTimeH[pair];
      const ts = result.scenarioTimeH[pair];
      if (Number.isNaN(tb) || Number.isNaN(ts)) {
        unconnected++;
        continue;
      }
      const changeH = ts - tb;
      changes.push({ exporter: countries[a], importer: countries[b], baselineTimeH: tb, scenarioTimeH: ts, changeH, changePct: tb > 0 ? (100 * changeH) / tb : 0 });
    }
  }
  const positive = changes.filter((c) => c.baselineTimeH > 0);
  const meanChangePct = positive.length > 0 ? positive.reduce((s, c) => s + c.changePct, 0) / positive.length : 0;
  let largestDecrease: PairTimeChange | null = null;
  let largestIncrease: PairTimeChange | null = null;
  for (const c of changes) {
    if (c.changePct < 0 && (largestDecrease === null || c.changePct < largestDecrease.changePct)) largestDecrease = c;
    if (c.changePct > 0 && (largestIncrease === null || c.changePct > largestIncrease.changePct)) largestIncrease = c;
  }
  const ranked = changes
    .filter((c) => Math.abs(c.changeH) > 0.005)
    .sort((x, y) => Math.abs(y.changePct) - Math.abs(x.changePct) || x.exporter.localeCompare(y.exporter) || x.importer.localeCompare(y.importer));
  return {
    countries: k,
    cities: place.length,
    pairs: changes.length,
    unconnectedPairs: unconnected,
    changedPairs: ranked.length,
    cityPairs,
    excludedCityPairs,
    excludedWeightShare: totalWeight > 0 ? excludedWeight / totalWeight : 0,
    meanChangePct,
    largestDecrease,
    largestIncrease,
    top: ranked.slice(0, top),
  };
}
