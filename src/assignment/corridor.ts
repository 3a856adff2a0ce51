/**
 * The corridor assignment problem: annual freight demand (tonnes per year) on the compiled multimodal network.
 *
 * Graph: the compiled network's CSR graph unchanged, so problem arc ids are compiled arc ids. Access nodes (one per
 * place) are the zones: paths start and end there and never pass through one (`noThrough`).
 *
 * Classes: one per cargo profile used by the demand (`container` → the FEU profile, `bulk` → the per-tonne profile).
 * Flows are tonnes per year for every class; times are hours. A class's flow-independent cost of arc a is its charge
 * for one unit of the profile divided by the profile's value of time for one unit, in hours:
 *     fixed_c(a) = costUsd_profile(a) / valueOfTimeUsdPerH_profile
 * (the same ratio per tonne, since both are per unit); +Infinity for arcs the class may not use (modes not allowed,
 * links or terminals not open in the chosen year).
 *
 * Volume-delay functions (hours per tonne as a function of the arc's annual tonnes):
 *   - Border-crossing arcs (links tagged with a crossing), gauge-change and transshipment terminals with a capacity:
 *     moving time constant, dwell/handling through the queueing VDF of vdf.ts with t0Q = eventTimeH (the observed
 *     median dwell or handling time), capQ = the arc's annual capacity, α = 1, ρmax = 0.95.
 *   - Other links and ferries with a capacity: BPR with t0 = travelTimeH + eventTimeH, b = 0.15, p = 4.
 *   - No capacity known: constant time travelTimeH + eventTimeH (no delay is invented).
 *   Capacity = capacityTonnesPerYear; where only capacityTeuPerYear is known it is converted with the TEU profile's
 *   cargo mass (t per TEU). Both are annual, like the demand, so v/c is an annual utilisation. The capacity of an
 *   arc is taken per direction, as the compiled network gives it per arc.
 *
 * Commodities: one per (class, origin, destination country), so that transit by country is exact for every path
 * decomposition (transit.ts).
 */
import { buildReverse } from "../graph/csr";
import { CaravanError } from "../core/errors";
import { ARC_GAUGE_CHANGE, ARC_TRANSSHIPMENT, type CompiledNetwork, NO_COUNTRY, NO_INDEX } from "../network/compiled";
import { blockedArcs, DEFAULT_MODES, profileColumns, resolveRouteOptions } from "../routing/options";
import { type ResolvedDemandRow, resolveDemand, type DemandTable } from "./corridor-demand";
import { type AssignmentProblem, buildCommodities, checkProblem } from "./problem";
import { ShortestPathTree } from "./sp-tree";
import { emptyVdf } from "./vdf";

export interface CorridorOptions {
  /** Include links, ferries and terminals open by this year; null = today's open network. */
  readonly year?: number | null;
  /** Modes every class may use (default rail, road, sea, ferry). */
  readonly modes?: readonly string[];
  /** BPR b and power on capacity-limited links (default 0.15 and 4). */
  readonly bprB?: number;
  readonly bprPower?: number;
  /** Queueing α and ρmax at crossings and terminals (default 1 and 0.95). */
  readonly queueAlpha?: number;
  readonly queueRhoMax?: number;
  /** Multiply every demand amount (sensitivity runs). */
  readonly demandScale?: number;
}

/** `vdfKind` values. */
export const VDF_NONE = 0;
export const VDF_BPR = 1;
export const VDF_QUEUE = 2;

/** `capacityBasis` values. */
export const CAPACITY_NONE = 0;
export const CAPACITY_TONNES = 1;
export const CAPACITY_FROM_TEU = 2;

export interface CorridorProblem {
  readonly net: CompiledNetwork;
  readonly problem: AssignmentProblem;
  readonly demand: readonly ResolvedDemandRow[];
  /** Class ids in problem order (the demand's class names). */
  readonly classIds: readonly string[];
  /** [class] cargo profile id. */
  readonly classProfiles: readonly string[];
  /** [arc] capacity the VDF uses, tonnes per year; Infinity where unknown. */
  readonly capacityT: Float64Array;
  /** [arc] CAPACITY_NONE / CAPACITY_TONNES / CAPACITY_FROM_TEU. */
  readonly capacityBasis: Uint8Array;
  /** [arc] VDF_NONE / VDF_BPR / VDF_QUEUE. */
  readonly vdfKind: Uint8Array;
  /** [arc] free-flow time, hours (travelTimeH + eventTimeH). */
  readonly freeFlowTimeH: Float64Array;
  /** [node] country index of the node's place, -1 for sea waypoints (transit.ts NO_COUNTRY_INDEX). */
  readonly nodeCountry: Int32Array;
  /** [commodity] destination country index (-1 = none). */
  readonly commodityDestCountry: Int32Array;
  /** Total demand, tonnes per year (including intrazonal). */
  readonly totalDemandT: number;
  /** Tonnes per TEU used to convert TEU capacities. */
  readonly tonnesPerTeu: number;
  readonly year: number | null;
}

/** Build the assignment problem of a resolved demand table on the compiled network. */
export function corridorProblem(net: CompiledNetwork, demandTable: DemandTable, options: CorridorOptions = {}): CorridorProblem {
  const demand = resolveDemand(net, demandTable);
  if (demand.length === 0) throw new CaravanError("E_DEMAND_INVALID", `${demandTable.file}: no demand rows`, { details: { file: demandTable.file } });
  const { graph, arcs } = net;
  const m = graph.arcCount;
  const n = graph.nodeCount;
  const year = options.year ?? null;
  const scale = options.demandScale ?? 1;
  if (!(scale >= 0 && Number.isFinite(scale))) throw new CaravanError("E_USAGE", `demand scale must be a finite number ≥ 0, got ${scale}`);
  const bprB = options.bprB ?? 0.15;
  const bprPower = options.bprPower ?? 4;
  const alpha = options.queueAlpha ?? 1;
  const rhoMax = options.queueRhoMax ?? 0.95;

  // classes: one per class name, in order of first appearance
  const classIds: string[] = [];
  const classProfiles: string[] = [];
  for (const row of demand) {
    if (!classIds.includes(row.classId)) {
      classIds.push(row.classId);
      classProfiles.push(row.profileId);
    }
  }
  const classes = classIds.map((id, c) => {
    const resolved = resolveRouteOptions(net, { cargo: classProfiles[c], modes: options.modes ?? DEFAULT_MODES, year });
    const columns = profileColumns(net, resolved.profile);
    const blocked = blockedArcs(net, resolved);
    const vot = resolved.profile.valueOfTimeUsdPerH.value;
    if (!(vot > 0)) throw new CaravanError("E_NETWORK_INVALID", `cargo profile "${resolved.profile.id}" has no positive value of time; corridor assignment needs one`);
    const fixedCost = new Float64Array(m); // [arc] hours
    for (let a = 0; a < m; a++) fixedCost[a] = blocked[a] !== 0 ? Number.POSITIVE_INFINITY : columns.costUsd[a] / vot;
    return { id, fixedCost };
  });

  // capacities and VDFs
  const teu = net.network.cargo.find((c) => c.costBasis === "teu");
  const tonnesPerTeu = teu?.massT.value ?? Number.NaN;
  const vdf = emptyVdf(m);
  const capacityT = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const capacityBasis = new Uint8Array(m);
  const vdfKind = new Uint8Array(m);
  const freeFlowTimeH = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const t0 = arcs.travelTimeH[a] + arcs.eventTimeH[a];
    freeFlowTimeH[a] = t0;
    vdf.bprT0[a] = t0;
    const capT = arcs.capacityTonnesPerYear[a];
    const capTeu = arcs.capacityTeuPerYear[a];
    let cap = Number.POSITIVE_INFINITY;
    if (capT > 0) {
      cap = capT;
      capacityBasis[a] = CAPACITY_TONNES;
    } else if (capTeu > 0 && tonnesPerTeu > 0) {
      cap = capTeu * tonnesPerTeu;
      capacityBasis[a] = CAPACITY_FROM_TEU;
    }
    capacityT[a] = cap;
    if (cap === Number.POSITIVE_INFINITY) continue;
    const kind = arcs.kind[a];
    const queued = arcs.crossing[a] !== NO_INDEX || kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT;
    if (queued && arcs.eventTimeH[a] > 0) {
      vdf.bprT0[a] = arcs.travelTimeH[a];
      vdf.queueT0[a] = arcs.eventTimeH[a];
      vdf.queueCapacity[a] = cap;
      vdf.queueAlpha[a] = alpha;
      vdf.queueRhoMax[a] = rhoMax;
      vdfKind[a] = VDF_QUEUE;
    } else {
      vdf.bprCapacity[a] = cap;
      vdf.bprB[a] = bprB;
      vdf.bprPower[a] = bprPower;
      vdfKind[a] = VDF_BPR;
    }
  }

  // nodes
  const nodeCountry = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const c = net.placeCountry[net.nodePlace[v]];
    nodeCountry[v] = c === NO_COUNTRY ? -1 : c;
  }
  const noThrough = new Uint8Array(net.noThrough);

  // commodities: (class, origin, destination country) → destinations
  const byKey = new Map<string, { classIndex: number; origin: number; destCountry: number; dest: Map<number, number> }>();
  let totalDemandT = 0;
  for (const row of demand) {
    const amount = row.amountT * scale;
    totalDemandT += amount;
    const classIndex = classIds.indexOf(row.classId);
    const destCountry = nodeCountry[row.destinationPlace];
    const key = `${classIndex}:${row.originPlace}:${destCountry}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { classIndex, origin: row.originPlace, destCountry, dest: new Map() };
      byKey.set(key, entry);
    }
    entry.dest.set(row.destinationPlace, (entry.dest.get(row.destinationPlace) ?? 0) + amount);
  }
  const list = [...byKey.values()].map((e) => ({ classIndex: e.classIndex, origin: e.origin, destinations: [...e.dest.keys()], demand: [...e.dest.values()] }));
  const { commodities, intrazonal } = buildCommodities(list);
  const commodityDestCountry = new Int32Array(commodities.count);
  for (let k = 0; k < commodities.count; k++) commodityDestCountry[k] = nodeCountry[commodities.destNode[commodities.destStart[k]]];

  const problem: AssignmentProblem = {
    graph,
    reverse: buildReverse(graph),
    noThrough,
    vdf,
    classes,
    commodities,
    intrazonalDemand: intrazonal,
    timeUnit: "h",
    flowUnit: "t/yr",
  };
  checkProblem(problem);
  checkCorridorReachable(net, problem, classIds, demandTable.file, demand);
  return {
    net,
    problem,
    demand,
    classIds,
    classProfiles,
    capacityT,
    capacityBasis,
    vdfKind,
    freeFlowTimeH,
    nodeCountry,
    commodityDestCountry,
    totalDemandT,
    tonnesPerTeu,
    year,
  };
}

/** E_NO_ROUTE naming the places, the class and the demand line when some demand cannot reach its destination. */
function checkCorridorReachable(net: CompiledNetwork, problem: AssignmentProblem, classIds: readonly string[], file: string, demand: readonly ResolvedDemandRow[]): void {
  const tree = new ShortestPathTree(problem.graph, problem.noThrough);
  const time = problem.vdf.bprT0.map((t, a) => t + problem.vdf.queueT0[a]);
  const { commodities } = problem;
  let lastClass = -1;
  let lastOrigin = -1;
  for (let k = 0; k < commodities.count; k++) {
    const c = commodities.classOf[k];
    const o = commodities.origin[k];
    if (c !== lastClass || o !== lastOrigin) {
      tree.run(o, time, problem.classes[c].fixedCost);
      lastClass = c;
      lastOrigin = o;
    }
    for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
      const d = commodities.destNode[e];
      if (tree.dist[d] < Number.POSITIVE_INFINITY) continue;
      const places = net.network.places;
      const row = demand.find((r) => r.originPlace === o && r.destinationPlace === d && r.classId === classIds[c]);
      throw new CaravanError(
        "E_NO_ROUTE",
        `${file}:${row?.line ?? "?"}: class "${classIds[c]}" has demand from ${places[o].id} to ${places[d].id} but no route connects them under the allowed modes and year`,
        { details: { file, line: row?.line, classId: classIds[c], origin: places[o].id, destination: places[d].id } },
      );
    }
  }
}
