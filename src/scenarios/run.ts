/**
 * A scenario run: the scenario and its baseline as two network states over one compiled network (apply.ts), and
 * for each of them
 *   - the city-pair matrix of every city (places of kind city): time, cost, CO2 and distance of the best route under
 *     the scenario's criterion and cargo, with the route's corridor (its transit countries in order, `~sea~` for a
 *     stretch through sea waypoints);
 *   - the corridor assignment of the scenario's demand (Algorithm B to the relative gap `assignmentGap`, default
 *     1e-4): crossing volumes and v/c, ferry volumes, bottlenecks, transit by country, link flows;
 *   - the country-pair shipment times of the trade stage (trade/pair-times/pair-times.ts, population-weighted, over the city
 *     pairs reachable in both states).
 * Demand rows that start or end in a closed country, or that no route connects in a state, are dropped in that
 * state and reported (tonnes and rows), rather than failing the run.
 *
 * The run folder (writeRun): manifest.json (inputs with sha256, dataset hash, code version, parameters, counts;
 * byte-identical for the same inputs), timings.json (wall-clock seconds; differs between runs), and under
 * baseline/ and scenario/ the tables as CSV and Parquet (pairs, crossings, ferries, transit, bottlenecks) plus
 * link-flows.geojson; country-pairs.csv/.parquet at the top holds both states' pair times.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type DemandTable, resolveDemand } from "../assignment/corridor-demand";
import { corridorProblem, VOT_SPREAD_DEFAULT } from "../assignment/corridor";
import { arcFlowT, type Bottleneck, bottlenecks, linkFlowsGeoJson, transitTable } from "../assignment/results";
import { solve } from "../assignment/solve";
import { CaravanError } from "../core/errors";
import { codeVersion } from "../core/package";
import { INF_WEIGHT, NO_ARC } from "../graph/csr";
import { ARC_FERRY, accessNode, type CompiledNetwork, NO_COUNTRY } from "../network/compiled";
import type { NetworkState } from "../network/state";
import { RoutingContext, RoutingIndex } from "../routing/context";
import { DijkstraQuery } from "../routing/dijkstra";
import { matrixPassage } from "../routing/passage-groups";
import { type ProfileColumns, type ResolvedRouteOptions, resolveRouteOptions } from "../routing/options";
import { ratedArcCostUsd } from "../routing/rates-arc-cost";
import { ratesRequestOf } from "../routing/query-choices";
import { type AppliedLaneRate, appliedLaneRates, effectiveBasis, pricePathOf, type RatesRequest } from "../routing/rates-report";
import { ratedCellChooser } from "../routing/rated-matrix";
import { computePairTimes } from "../trade/pair-times/pair-times";
import { type AppliedScenario, applyScenario, extendedNetwork } from "./apply";
import { scenarioDemand, type ScenarioDemandTable } from "./demand";
import { loadScenario, type Scenario } from "./load";
import { type Table, tableOf, writeFolderAtomic, writeTable } from "./tables";

/** Default relative gap of the corridor assignment in a run. */
export const DEFAULT_ASSIGNMENT_GAP = 1e-4;

export interface PairRow {
  readonly from: string;
  readonly to: string;
  readonly timeH: number;
  readonly costUsd: number;
  readonly co2Kg: number;
  readonly distanceKm: number;
  readonly corridor: string;
}

export interface CrossingRow {
  readonly crossing: string;
  readonly name: string;
  readonly countries: string;
  readonly volumeT: number;
  /** Highest v/c of its directions; null when no capacity is known. */
  readonly vc: number | null;
}

/** One direction (`FROM→TO`, ISO3) of a crossing: tonnes per year over its arcs and v/c on its capacity. */
export interface CrossingDirectionRow {
  readonly crossing: string;
  readonly direction: string;
  readonly volumeT: number;
  /** Capacity of the direction, tonnes per year (the largest of its arcs'); null when unknown. */
  readonly capacityT: number | null;
  readonly vc: number | null;
}

export interface FerryRow {
  readonly ferry: string;
  readonly name: string;
  readonly volumeT: number;
}

export interface TransitRowOut {
  readonly country: string;
  readonly transitT: number;
  readonly containerTeu: number;
}

export interface AssignmentFacts {
  readonly demandT: number;
  readonly droppedT: number;
  readonly droppedRows: number;
  readonly iterations: number;
  readonly relativeGap: number;
  readonly converged: boolean;
}

/** Everything computed for one state. */
export interface SideResult {
  readonly label: "baseline" | "scenario";
  readonly pairs: readonly PairRow[];
  /** City pairs without a route. */
  readonly unreachablePairs: number;
  readonly crossings: readonly CrossingRow[];
  readonly crossingDirections: readonly CrossingDirectionRow[];
  readonly ferries: readonly FerryRow[];
  readonly transit: readonly TransitRowOut[];
  readonly bottlenecks: readonly Bottleneck[];
  readonly linkFlowsGeoJson: string;
  readonly assignment: AssignmentFacts | null;
  /** The demand assigned in this state (after growth and dropped rows), tonnes per year by place pair and class. */
  readonly demandRows: readonly { readonly origin: string; readonly destination: string; readonly classId: string; readonly amountT: number }[];
  readonly applied: AppliedScenario;
  /** What the pairs' costUsd is: the rate layers of ratesMonth ("rates") or the cost model ("cost"). */
  readonly costBasis?: "rates" | "cost";
  readonly ratesMonth?: string | null;
  /** On the rates basis: the rate of every lane and direction in this state (a closure's shock included). */
  readonly laneRates?: readonly AppliedLaneRate[];
}

export interface CountryPairRow {
  readonly exporter: string;
  readonly importer: string;
  readonly baselineTimeH: number;
  readonly scenarioTimeH: number;
}

export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly baselineScenario: Scenario | null;
  readonly net: CompiledNetwork;
  readonly baseline: SideResult;
  readonly result: SideResult;
  readonly countryPairs: readonly CountryPairRow[];
  readonly demand: ScenarioDemandTable | null;
  readonly manifest: RunManifest;
  /** Wall-clock seconds by phase (not part of the manifest, so the manifest is byte-identical between runs). */
  readonly timings: Readonly<Record<string, number>>;
}

export interface RunOptions {
  /** Another scenario as the baseline (default: the scenario without its projects and modifications). */
  readonly baseline?: Scenario | null;
  /** Skip the corridor assignment (no demand, or only matrices wanted). */
  readonly assignment?: boolean;
  /** Skip the country-pair shipment times. */
  readonly pairTimes?: boolean;
  /** Reuse a routing index of the same network (sweeps). */
  readonly index?: RoutingIndex;
  /** Cost basis and rates month of the city pairs, over the scenario file's parameters (`--cost-basis`, `--rates`). */
  readonly costBasis?: "rates" | "cost";
  readonly rates?: string;
}

export interface RunManifest {
  readonly format: "caravan-scenario-run/1";
  readonly scenario: { readonly name: string; readonly description: string; readonly files: readonly FileRef[] };
  readonly baseline: { readonly kind: "scenario-without-edits" | "scenario"; readonly name: string; readonly files: readonly FileRef[] };
  readonly demand: (FileRef & { readonly baseYear: number; readonly year: number }) | null;
  readonly dataset: { readonly dir: string; readonly sourceHash: string };
  /** `caravan@<version>[+<commit>]` (src/core/package.ts codeVersion). */
  readonly code: string;
  readonly parameters: Record<string, unknown>;
  /** On the rates basis: the rate of every lane and direction in each state, with source and date. */
  readonly rates?: { readonly baseline: readonly AppliedLaneRate[]; readonly scenario: readonly AppliedLaneRate[] };
  readonly counts: Record<string, number>;
}

export interface FileRef {
  readonly path: string;
  readonly sha256: string;
}

function fileRef(path: string): FileRef {
  return { path: relative(process.cwd(), path) || path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
}


/** Query settings of the city matrix from the scenario parameters. */
function matrixQuery(net: CompiledNetwork, scenario: Scenario, state: NetworkState): ResolvedRouteOptions {
  const p = scenario.parameters;
  const cargo = p.cargo ?? "feu";
  return resolveRouteOptions(net, {
    state,
    criterion: p.criterion ?? "time",
    cargo,
    co2PriceUsdPerT: p.co2PriceUsdPerT ?? 0,
    ...(p.valueOfTimeUsdPerH[cargo] !== undefined ? { valueOfTimeUsdPerH: p.valueOfTimeUsdPerH[cargo] } : {}),
  });
}

/** The corridor of a route: its transit countries in order (origin and destination countries left out). */
function corridorOf(net: CompiledNetwork, pathArcs: readonly number[], origin: number, destination: number): string {
  const { fromCountry, toCountry } = net.arcs;
  const parts: string[] = [];
  let last = -2;
  const visit = (c: number) => {
    if (c === last) return;
    last = c;
    if (c === NO_COUNTRY) parts.push("~sea~");
    else if (c !== origin && c !== destination) parts.push(net.countries[c]);
  };
  for (const a of pathArcs) {
    visit(fromCountry[a]);
    visit(toCountry[a]);
  }
  const out: string[] = [];
  for (const p of parts) if (out[out.length - 1] !== p) out.push(p);
  return out.join(">");
}

/**
 * City-pair matrix of one state (see the file comment). On the rates basis (`rates`) each pair's best path is
 * re-priced by the rate layers (routing/rates-report.ts, as `caravan matrix` does), a closure's shock included; with
 * a cost or generalized criterion a pair takes the better of that path and the rated search's (ratedCellChooser).
 */
export function cityPairs(
  ctx: RoutingContext,
  options: ResolvedRouteOptions,
  rates?: RatesRequest,
): { pairs: PairRow[]; unreachable: number; costBasis: "rates" | "cost"; ratesMonth: string | null; laneRates: AppliedLaneRate[] } {
  const net = ctx.net;
  const places = net.network.places;
  const cities = places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
  // the rules of passage of the state's date, per pair of countries (routing/passage-groups.ts): one search per
  // origin on the weights of the rules every pair takes, one more per group whose cities that path does not serve
  const passage = matrixPassage(ctx, options, cities, cities);
  const set = passage.sets[0];
  const basis = effectiveBasis(set, rates);
  const pricing = basis.query;
  // a cost or generalized criterion on the rates basis: the better of the tree's path and the rated search's
  const choosers = passage.sets.map((s) => ratedCellChooser(ctx, s, basis));
  const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
  const nodes = Uint32Array.from(cities.map(accessNode));
  const { timeH, co2Kg } = set.columns;
  const distanceKm = net.arcs.distanceKm;
  const tail = net.graph.tail;
  const pairs: PairRow[] = [];
  let unreachable = 0;
  const path: number[] = [];
  const cellGroup = new Int32Array(cities.length);
  const rowPairs: (PairRow | null)[] = new Array(cities.length).fill(null);
  const pending = new Uint8Array(cities.length);
  const targets = new Uint32Array(cities.length);
  const weight0 = set.weight;
  // the rated choosers of the row, per group, made when first needed; group 0's choice stands where a group allows it
  const rowChoosers: (ReturnType<NonNullable<(typeof choosers)[number]>> | null | undefined)[] = choosers.map(() => undefined);
  const chooserOf = (i: number, g: number) => {
    let c = rowChoosers[g];
    if (c === undefined) {
      c = choosers[g]?.(nodes[i]) ?? null;
      rowChoosers[g] = c;
    }
    return c;
  };
  /** The pair (i, j) of group g from the query's current tree (reachable). */
  const pairOf = (i: number, j: number, g: number): PairRow => {
    const groupSet = passage.sets[g];
    const costUsd = groupSet.columns.costUsd; // a group's tariff discounts lower its costs
    const t = nodes[j];
    path.length = 0;
    let time = 0;
    let cost = 0;
    let co2 = 0;
    let km = 0;
    for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
      path.push(a);
      time += timeH[a];
      cost += costUsd[a];
      co2 += co2Kg[a];
      km += distanceKm[a];
    }
    path.reverse();
    let chosen: readonly number[] = path;
    const choose0 = chooserOf(i, 0);
    if (choose0 !== null) {
      let c = choose0(t, path);
      if (!passage.stands(c.path, g)) c = (chooserOf(i, g) as NonNullable<typeof choose0>)(t, path);
      cost = c.costUsd;
      if (c.path !== path) {
        chosen = Array.from(c.path);
        [time, co2, km] = [0, 0, 0];
        for (const a of chosen) {
          time += timeH[a];
          co2 += co2Kg[a];
          km += distanceKm[a];
        }
      }
    } else if (pricing !== null) cost = pricePathOf(ctx, groupSet, path, pricing, false).totalUsd;
    return {
      from: places[cities[i]].id,
      to: places[cities[j]].id,
      timeH: time,
      costUsd: cost,
      co2Kg: co2,
      distanceKm: km,
      corridor: corridorOf(net, chosen, net.placeCountry[cities[i]], net.placeCountry[cities[j]]),
    };
  };
  for (let i = 0; i < cities.length; i++) {
    rowChoosers.fill(undefined);
    // group 0's search to every city; a city of group g takes that path where g forbids none of its arcs
    query.setWeight(weight0);
    query.oneToMany(nodes[i], nodes);
    let anyPending = false;
    for (let j = 0; j < cities.length; j++) {
      const g = passage.cellGroup(i, j);
      cellGroup[j] = g;
      pending[j] = 0;
      if (i === j) continue;
      const t = nodes[j];
      if (query.distanceTo(t) === INF_WEIGHT) {
        unreachable++;
        continue;
      }
      if (g > 0 && passage.reweighted[g]) {
        // its weights differ from group 0's: group 0's path says nothing of its own
        pending[j] = 1;
        anyPending = true;
        continue;
      }
      if (g > 0) {
        let blocked = false;
        const w = passage.sets[g].weight;
        for (let v = t, a = query.predecessorArc(v); a !== NO_ARC && !blocked; v = tail[a], a = query.predecessorArc(v)) blocked = w[a] === Number.POSITIVE_INFINITY;
        if (blocked) {
          pending[j] = 1;
          anyPending = true;
          continue;
        }
      }
      rowPairs[j] = pairOf(i, j, g);
    }
    // the cities whose group-0 path crosses what their group forbids: one search per group
    for (let g = 1; anyPending && g < passage.sets.length; g++) {
      let count = 0;
      for (let j = 0; j < cities.length; j++) if (pending[j] === 1 && cellGroup[j] === g) targets[count++] = nodes[j];
      if (count === 0) continue;
      query.setWeight(passage.sets[g].weight);
      query.oneToMany(nodes[i], targets.subarray(0, count));
      for (let j = 0; j < cities.length; j++) {
        if (pending[j] === 0 || cellGroup[j] !== g) continue;
        if (query.distanceTo(nodes[j]) === INF_WEIGHT) unreachable++;
        else rowPairs[j] = pairOf(i, j, g);
      }
    }
    // the pairs of the row in destination order
    for (let j = 0; j < cities.length; j++) {
      const row = rowPairs[j];
      if (row === null) continue;
      pairs.push(row);
      rowPairs[j] = null;
    }
  }
  return { pairs, unreachable, costBasis: basis.costBasis, ratesMonth: basis.ratesMonth, laneRates: pricing === null ? [] : appliedLaneRates(ctx, pricing) };
}

/** The rates request of a scenario's parameters (costBasis, rates): the cost model unless the rates basis is asked. */
export function scenarioRatesRequest(net: CompiledNetwork, scenario: Scenario): RatesRequest | undefined {
  const p = scenario.parameters;
  const costBasis = p.costBasis ?? (p.rates !== undefined ? "rates" : "cost");
  if (costBasis === "cost" && p.rates === undefined) return undefined;
  return ratesRequestOf(net.network.dir, net, { costBasis, rates: p.rates }, { rates: "rates", costBasisIs: (v) => `costBasis: ${v}` });
}

/**
 * Demand of one state: rows touching a closed country and rows no route connects (under the class's cargo profile
 * and the default modes) are dropped.
 */
function demandOfState(ctx: RoutingContext, applied: AppliedScenario, table: DemandTable): { table: DemandTable; droppedT: number; droppedRows: number } {
  const net = ctx.net;
  const resolved = resolveDemand(net, table);
  const closed = new Set(applied.closedCountries);
  const keep: boolean[] = resolved.map((r) => !closed.has(net.network.places[r.originPlace].country ?? "") && !closed.has(net.network.places[r.destinationPlace].country ?? ""));
  const byProfile = new Map<string, number[]>();
  resolved.forEach((r, i) => {
    if (!keep[i]) return;
    const list = byProfile.get(r.profileId);
    if (list) list.push(i);
    else byProfile.set(r.profileId, [i]);
  });
  for (const [profile, rows] of byProfile) {
    const set = ctx.weights(resolveRouteOptions(net, { state: applied.state, cargo: profile, criterion: "time" }));
    const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    let lastOrigin = -1;
    for (const i of [...rows].sort((x, y) => resolved[x].originPlace - resolved[y].originPlace)) {
      const r = resolved[i];
      if (r.originPlace !== lastOrigin) {
        query.oneToAll(accessNode(r.originPlace));
        lastOrigin = r.originPlace;
      }
      if (query.distanceTo(accessNode(r.destinationPlace)) === INF_WEIGHT) keep[i] = false;
    }
  }
  let droppedT = 0;
  let droppedRows = 0;
  const rows = table.rows.filter((r, i) => {
    if (!keep[i]) {
      droppedT += r.amountT;
      droppedRows++;
    }
    return keep[i];
  });
  return { table: { file: table.file, rows }, droppedT, droppedRows };
}

function assignState(
  ctx: RoutingContext,
  scenario: Scenario,
  applied: AppliedScenario,
  demand: ScenarioDemandTable,
): Pick<SideResult, "crossings" | "crossingDirections" | "ferries" | "transit" | "bottlenecks" | "linkFlowsGeoJson" | "assignment" | "demandRows"> {
  const net = ctx.net;
  const { table, droppedT, droppedRows } = demandOfState(ctx, applied, demand.table);
  if (table.rows.length === 0) throw new CaravanError("E_DEMAND_INVALID", `${demand.file}: no demand row is connected in scenario "${scenario.name}"`, { details: { file: demand.file } });
  // on the rates basis the classes' money costs are the rates spread over the lanes' arcs (routing/rates-arc-cost.ts)
  const rates = scenarioRatesRequest(net, scenario);
  const arcCostUsd = rates === undefined ? {} : { arcCostUsd: (o: ResolvedRouteOptions, columns: ProfileColumns) => ratedArcCostUsd(ctx, o, columns, rates).costUsd };
  const { votSegments, votSpread } = scenario.parameters;
  const segments = { ...(votSegments !== undefined ? { votSegments } : {}), ...(votSpread !== undefined ? { votSpread } : {}) };
  const cp = corridorProblem(net, table, { state: applied.state, valueOfTimeUsdPerH: scenario.parameters.valueOfTimeUsdPerH, ...segments, ...arcCostUsd });
  const result = solve(cp.problem, "b", { gap: scenario.parameters.assignmentGap ?? DEFAULT_ASSIGNMENT_GAP });
  // per crossing and direction: summed flow of its arcs over the direction's capacity (the largest of its arcs')
  const dirs = new Map<string, { crossing: string; direction: string; volumeT: number; capacityT: number }>();
  for (let a = 0; a < net.graph.arcCount; a++) {
    const x = net.arcs.crossing[a];
    if (x < 0) continue;
    const crossing = net.network.crossings[x].id;
    const direction = `${net.countries[net.arcs.fromCountry[a]]}→${net.countries[net.arcs.toCountry[a]]}`;
    const k = `${crossing} ${direction}`;
    let e = dirs.get(k);
    if (!e) {
      e = { crossing, direction, volumeT: 0, capacityT: 0 };
      dirs.set(k, e);
    }
    e.volumeT += arcFlowT(cp, result, a);
    const cap = cp.capacityT[a];
    if (cap < Number.POSITIVE_INFINITY) e.capacityT = Math.max(e.capacityT, cap);
  }
  const crossingDirections: CrossingDirectionRow[] = [...dirs.values()]
    .map((d) => ({ crossing: d.crossing, direction: d.direction, volumeT: d.volumeT, capacityT: d.capacityT > 0 ? d.capacityT : null, vc: d.capacityT > 0 ? d.volumeT / d.capacityT : null }))
    .sort((x, y) => (x.crossing < y.crossing ? -1 : x.crossing > y.crossing ? 1 : x.direction < y.direction ? -1 : 1));
  const crossings: CrossingRow[] = net.network.crossings
    .map((c) => {
      const own = crossingDirections.filter((d) => d.crossing === c.id);
      const vcs = own.flatMap((d) => (d.vc === null ? [] : [d.vc]));
      return { crossing: c.id, name: c.name, countries: c.countries.join("-"), volumeT: own.reduce((s, d) => s + d.volumeT, 0), vc: vcs.length > 0 ? Math.max(...vcs) : null };
    })
    .sort((x, y) => (x.crossing < y.crossing ? -1 : x.crossing > y.crossing ? 1 : 0));
  const ferryFlow = new Float64Array(net.network.ferries.length);
  for (let a = 0; a < net.graph.arcCount; a++) if (net.arcs.kind[a] === ARC_FERRY) ferryFlow[net.arcs.record[a]] += arcFlowT(cp, result, a);
  const ferries: FerryRow[] = net.network.ferries.map((f, i) => ({ ferry: f.id, name: f.name, volumeT: ferryFlow[i] })).sort((x, y) => (x.ferry < y.ferry ? -1 : 1));
  const transit = (transitTable(cp, result) ?? []).map((t) => ({ country: t.country, transitT: t.transitT, containerTeu: t.containerTeu }));
  transit.sort((x, y) => (x.country < y.country ? -1 : 1));
  return {
    crossings,
    crossingDirections,
    ferries,
    transit,
    bottlenecks: bottlenecks(cp, result, 20),
    linkFlowsGeoJson: linkFlowsGeoJson(cp, result),
    assignment: { demandT: cp.totalDemandT, droppedT, droppedRows, iterations: result.iterations, relativeGap: result.relativeGap, converged: result.converged },
    demandRows: cp.demand.map((r) => ({
      origin: net.network.places[r.originPlace].id,
      destination: net.network.places[r.destinationPlace].id,
      classId: r.classId,
      amountT: r.amountT,
    })),
  };
}

/**
 * One state of a run: the city matrix (under the query of `scenario`'s parameters) and the corridor assignment of
 * the demand (with the value of time of `owner`'s parameters, the scenario the state belongs to).
 */
export function runSide(
  ctx: RoutingContext,
  scenario: Scenario,
  applied: AppliedScenario,
  demand: ScenarioDemandTable | null,
  label: "baseline" | "scenario",
  owner: Scenario = scenario,
  lap: (name: string) => void = () => {},
): SideResult {
  const { pairs, unreachable, costBasis, ratesMonth, laneRates } = cityPairs(ctx, matrixQuery(ctx.net, scenario, applied.state), scenarioRatesRequest(ctx.net, scenario));
  lap(`${label}MatrixS`);
  const assigned = demand
    ? assignState(ctx, owner, applied, demand)
    : { crossings: [], crossingDirections: [], ferries: [], transit: [], bottlenecks: [], linkFlowsGeoJson: `${JSON.stringify({ type: "FeatureCollection", features: [] })}\n`, assignment: null, demandRows: [] };
  lap(`${label}AssignmentS`);
  return { label, pairs, unreachablePairs: unreachable, ...assigned, applied, costBasis, ratesMonth, laneRates };
}

/** Run a scenario (a file path or a loaded scenario): see the file comment. */
export async function runScenario(net0: CompiledNetwork, input: string | Scenario, options: RunOptions = {}): Promise<ScenarioRun> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t) / 1000;
    t = now;
  };
  const loaded = typeof input === "string" ? loadScenario(input) : input;
  // --cost-basis / --rates over the file's parameters (--cost-basis cost drops the file's rates month)
  let scenario = loaded;
  if (options.costBasis !== undefined || options.rates !== undefined) {
    const { rates: fileRates, ...rest } = loaded.parameters;
    const rates = options.rates ?? (options.costBasis === "cost" ? undefined : fileRates);
    scenario = { ...loaded, parameters: { ...rest, ...(options.costBasis !== undefined ? { costBasis: options.costBasis } : {}), ...(rates !== undefined ? { rates } : {}) } };
  }
  const baselineScenario = options.baseline ?? null;
  const net = extendedNetwork(net0, baselineScenario ? [scenario, baselineScenario] : [scenario]);
  const demand = options.assignment === false ? null : scenarioDemand(net, scenario);
  const scenApplied = applyScenario(net, scenario);
  const baseApplied = baselineScenario ? applyScenario(net, baselineScenario) : applyScenario(net, scenario, { edits: false });
  lap("loadAndApplyS");
  const index = options.index && options.index.net === net ? options.index : new RoutingIndex(net);
  const ctx = new RoutingContext(index);
  const sides: SideResult[] = [];
  for (const [label, applied] of [
    ["baseline", baseApplied],
    ["scenario", scenApplied],
  ] as const) {
    const owner = label === "baseline" && baselineScenario ? baselineScenario : scenario;
    sides.push(runSide(ctx, scenario, applied, demand, label, owner, lap));
  }
  let countryPairs: CountryPairRow[] = [];
  if (options.pairTimes !== false) {
    const p = scenario.parameters;
    const pt = computePairTimes(net, {
      baseline: { state: baseApplied.state },
      scenario: { state: scenApplied.state },
      criterion: p.criterion === "generalized" ? "generalized" : "time",
      cargo: p.cargo ?? "feu",
      context: ctx,
    });
    const k = pt.cities.countries.length;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const tb = pt.baselineTimeH[a * k + b];
        const ts = pt.scenarioTimeH[a * k + b];
        if (Number.isNaN(tb) || Number.isNaN(ts)) continue;
        countryPairs.push({ exporter: pt.cities.countries[a], importer: pt.cities.countries[b], baselineTimeH: tb, scenarioTimeH: ts });
      }
    }
    lap("pairTimesS");
  } else countryPairs = [];
  const [baseline, result] = sides;
  const manifest = buildManifest(net0, scenario, baselineScenario, demand, baseline, result, countryPairs.length);
  return { scenario, baselineScenario, net, baseline, result, countryPairs, demand, manifest, timings };
}

function buildManifest(
  net: CompiledNetwork,
  scenario: Scenario,
  baselineScenario: Scenario | null,
  demand: ScenarioDemandTable | null,
  baseline: SideResult,
  result: SideResult,
  countryPairs: number,
): RunManifest {
  const p = scenario.parameters;
  const sideCounts = (s: SideResult): Record<string, number> => ({
    [`${s.label}Pairs`]: s.pairs.length,
    [`${s.label}UnreachablePairs`]: s.unreachablePairs,
    [`${s.label}DemandT`]: Math.round(s.assignment?.demandT ?? 0),
    [`${s.label}DroppedDemandT`]: Math.round(s.assignment?.droppedT ?? 0),
    [`${s.label}DroppedDemandRows`]: s.assignment?.droppedRows ?? 0,
    [`${s.label}AssignmentIterations`]: s.assignment?.iterations ?? 0,
    [`${s.label}EditCount`]: s.applied.editCount,
    [`${s.label}TouchedArcs`]: s.applied.touchedArcs,
  });
  return {
    format: "caravan-scenario-run/1",
    scenario: { name: scenario.name, description: scenario.description, files: scenario.chain.map(fileRef) },
    baseline: baselineScenario
      ? { kind: "scenario", name: baselineScenario.name, files: baselineScenario.chain.map(fileRef) }
      : { kind: "scenario-without-edits", name: `${scenario.name} (baseline)`, files: [] },
    demand: demand ? { ...fileRef(demand.file), baseYear: demand.baseYear, year: demand.year } : null,
    dataset: { dir: relative(process.cwd(), net.network.dir) || net.network.dir, sourceHash: net.sourceHash },
    code: codeVersion(),
    parameters: {
      year: scenario.year,
      month: p.month ?? null,
      projectsOn: scenario.projectsOn,
      projectsOff: scenario.projectsOff,
      criterion: p.criterion ?? "time",
      cargo: p.cargo ?? "feu",
      co2PriceUsdPerT: p.co2PriceUsdPerT ?? 0,
      valueOfTimeUsdPerH: p.valueOfTimeUsdPerH,
      tradeElasticity: p.tradeElasticity ?? null,
      assignmentGap: p.assignmentGap ?? DEFAULT_ASSIGNMENT_GAP,
      assignmentAlgorithm: "b",
      votSegments: p.votSegments ?? 1,
      votSpread: (p.votSegments ?? 1) > 1 ? (p.votSpread ?? VOT_SPREAD_DEFAULT) : 0,
      costBasis: result.costBasis ?? "cost",
      ratesMonth: result.ratesMonth ?? null,
    },
    ...(result.costBasis === "rates" ? { rates: { baseline: baseline.laneRates ?? [], scenario: result.laneRates ?? [] } } : {}),
    counts: { ...sideCounts(baseline), ...sideCounts(result), countryPairs },
  };
}

/** The tables of one side. */
export function sideTables(s: SideResult): Table[] {
  return [
    tableOf("pairs", s.pairs, [
      ["from", "STRING", (r) => r.from],
      ["to", "STRING", (r) => r.to],
      ["timeH", "DOUBLE", (r) => r.timeH],
      ["costUsd", "DOUBLE", (r) => r.costUsd],
      ["co2Kg", "DOUBLE", (r) => r.co2Kg],
      ["distanceKm", "DOUBLE", (r) => r.distanceKm],
      ["corridor", "STRING", (r) => r.corridor],
    ]),
    tableOf("crossings", s.crossings, [
      ["crossing", "STRING", (r) => r.crossing],
      ["name", "STRING", (r) => r.name],
      ["countries", "STRING", (r) => r.countries],
      ["volumeT", "DOUBLE", (r) => r.volumeT],
      ["vc", "DOUBLE", (r) => r.vc],
    ]),
    tableOf("crossing-directions", s.crossingDirections, [
      ["crossing", "STRING", (r) => r.crossing],
      ["direction", "STRING", (r) => r.direction],
      ["volumeT", "DOUBLE", (r) => r.volumeT],
      ["capacityT", "DOUBLE", (r) => r.capacityT],
      ["vc", "DOUBLE", (r) => r.vc],
    ]),
    tableOf("ferries", s.ferries, [
      ["ferry", "STRING", (r) => r.ferry],
      ["name", "STRING", (r) => r.name],
      ["volumeT", "DOUBLE", (r) => r.volumeT],
    ]),
    tableOf("transit", s.transit, [
      ["country", "STRING", (r) => r.country],
      ["transitT", "DOUBLE", (r) => r.transitT],
      ["containerTeu", "DOUBLE", (r) => r.containerTeu],
    ]),
    tableOf("demand", s.demandRows, [
      ["origin", "STRING", (r) => r.origin],
      ["destination", "STRING", (r) => r.destination],
      ["class", "STRING", (r) => r.classId],
      ["amountT", "DOUBLE", (r) => r.amountT],
    ]),
    tableOf("bottlenecks", s.bottlenecks, [
      ["id", "STRING", (r) => r.linkId],
      ["from", "STRING", (r) => r.from],
      ["to", "STRING", (r) => r.to],
      ["mode", "STRING", (r) => r.mode],
      ["crossing", "STRING", (r) => r.crossing],
      ["flowT", "DOUBLE", (r) => r.flowT],
      ["capacityT", "DOUBLE", (r) => r.capacityT],
      ["vc", "DOUBLE", (r) => r.vc],
      ["delayH", "DOUBLE", (r) => r.delayH],
    ]),
  ];
}

export function countryPairsTable(rows: readonly CountryPairRow[]): Table {
  return tableOf("country-pairs", rows, [
    ["exporter", "STRING", (r) => r.exporter],
    ["importer", "STRING", (r) => r.importer],
    ["baselineTimeH", "DOUBLE", (r) => r.baselineTimeH],
    ["scenarioTimeH", "DOUBLE", (r) => r.scenarioTimeH],
  ]);
}

/** Write a run folder atomically (see the file comment). */
export async function writeRun(run: ScenarioRun, dir: string): Promise<void> {
  await writeFolderAtomic(dir, async (tmp) => {
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(run.manifest, null, 2)}\n`);
    writeFileSync(join(tmp, "timings.json"), `${JSON.stringify(run.timings, null, 2)}\n`);
    await writeTable(tmp, countryPairsTable(run.countryPairs));
    for (const side of [run.baseline, run.result]) {
      const sub = join(tmp, side.label);
      mkdirSync(sub);
      for (const t of sideTables(side)) await writeTable(sub, t);
      writeFileSync(join(sub, "link-flows.geojson"), side.linkFlowsGeoJson);
    }
  });
}
