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
 * Value-of-time distribution (option votSegments N > 1): shippers of one class do not share one value of time, so a
 * lane's tonnes split between a fast dear mode and a slow cheap one. Each demand class is split into N user classes
 * of equal tonnage, segment s with value of time v_s = v · exp(σ Φ⁻¹((s + ½)/N)) (a lognormal with median v, the
 * class's value, and log-scale σ, default VOT_SPREAD_DEFAULT), each with its own fixed cost costUsd / v_s. The
 * segments share every arc's volume-delay function, so the equilibrium is the multi-class user equilibrium of the
 * segments: each segment on its cheapest paths at the common congested times. In an uncongested network the share
 * of a lane on the dearer, faster of two paths is the share of segments with v_s above the break-even value
 * v* = (C_fast − C_slow) / (T_slow − T_fast), which tends to 1 − Φ(ln(v* ÷ v) / σ) as N grows.
 *
 * Volume-delay functions (hours per tonne as a function of the arc's annual tonnes):
 *   - Border-crossing arcs (links tagged with a crossing), gauge-change and transshipment terminals with a capacity:
 *     moving time constant, dwell/handling through the queueing VDF of vdf.ts with t0Q = eventTimeH (the observed
 *     median dwell or handling time), capQ = the arc's annual capacity, α = 1, ρmax = 0.95.
 *   - Other links and ferries with a capacity: BPR with t0 = travelTimeH + eventTimeH, b = 0.15, p = 4.
 *   - No capacity known: constant time travelTimeH + eventTimeH (no delay is invented).
 *   Capacity = capacityTonnesPerYear (a sourced tonnage, or train pairs per day converted when the network was
 *   compiled: network/capacity.ts); where only capacityTeuPerYear is known it is converted with the TEU profile's
 *   cargo mass (t per TEU). Both are annual, like the demand, so v/c is an annual utilisation.
 *
 * Shared capacities. Several compiled arcs can stand for one physical capacity:
 *   - a border crossing's arcs of one mode in one direction (one arc per gauge layer): the crossing's capacity is
 *     taken per direction, as the sources give a design capacity or a train exchange per day without a direction
 *     split (docs/assignment.md);
 *   - a terminal's transfer arcs (every layer pair, both directions): the terminal's capacity is its handling
 *     throughput, tonnes or TEU handled per year whatever the direction.
 * Such a group must see the delay of its summed flow. Where it can be done exactly with a separable objective, the
 * assignment graph routes the group through one shared bottleneck arc:
 *       tail_i ──entry_i──▶ P ══bottleneck══▶ Q ──exit_i──▶ head_i        (P, Q virtual nodes of the group)
 * entry_i keeps member i's moving time and its per-class fixed cost (+Infinity where the class may not use it), the
 * bottleneck carries the group's VDF, exits are free. A path may leave Q by any exit, so this is exact only when no
 * exit other than a member's own leads anywhere new: the group is a pair tail_0 = head_1, tail_1 = head_0 (a terminal
 * joining two layers, both directions; a "wrong" exit returns to the node it came from, a cycle no shortest path
 * uses). A crossing's gauge arcs (tail a@1435 → head b@1435, a@1520 → b@1520) would let a path enter on one gauge
 * and leave on the other without a gauge change, so no separable network form of their shared capacity exists.
 * Such groups (`SharedCapacityGroup.shared` = false) keep their arcs; when the members have one queueing VDF (the
 * crossing's dwell, capacity, α, ρmax; moving times may differ) they form a volume-delay group
 * (`AssignmentProblem.vdfGroup`, `groupVdf` = true): every member's queueing part is evaluated at the group's summed
 * flow, t_a = moving_a + q_g(Σ x), the gradient of a convex objective, so the equilibrium is exact. Any other
 * unshared group keeps one VDF per arc with the whole capacity (delay understated when several members carry flow).
 * The reports give every group's v/c on the summed flow.
 *
 * Commodities: one per (class, origin, destination country), so that transit by country is exact for every path
 * decomposition (transit.ts).
 */
import { profileValueOfTime, VALUE_OF_TIME_BASES, type ValueOfTimeBasis } from "../routing/value-of-time";
import { buildCsr, buildReverse, type CsrGraph } from "../graph/csr";
import { CaravanError } from "../core/errors";
import { ARC_GAUGE_CHANGE, ARC_TRANSSHIPMENT, type CompiledNetwork, MODE_CODES, NO_COUNTRY, NO_INDEX } from "../network/compiled";
import { crossingCapacityTonnesPerYear } from "../network/capacity";
import type { NetworkState } from "../network/state";
import { seasonalExtraWaitH } from "../routing/reliability";
import { blockedArcs, DEFAULT_MODES, type ProfileColumns, profileColumns, type ResolvedRouteOptions, resolveRouteOptions } from "../routing/options";
import { type ResolvedDemandRow, resolveDemand, type DemandTable } from "./corridor-demand";
import { type AssignmentProblem, buildCommodities, checkProblem } from "./problem";
import { PassageGroups } from "../routing/passage-groups";
import { discountedCostUsd, tariffFactors } from "../routing/passage";
import { SHIPMENT_RULE_KINDS } from "../network/passage";
import { ShortestPathTree } from "./sp-tree";
import { emptyVdf, type VdfColumns } from "./vdf";

export interface CorridorOptions {
  /**
   * The network state to assign on (a scenario's overlay: times, costs, capacities, closures); default the compiled
   * network. `year` below, when given, replaces the state's year.
   */
  readonly state?: NetworkState;
  /** Include links, ferries and terminals open by this year; null = today's open network. */
  readonly year?: number | null;
  /** Value of time by cargo profile id, USD per unit per hour (default: the profile's). */
  readonly valueOfTimeUsdPerH?: Readonly<Record<string, number>>;
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
  /** Route arcs that share one capacity through a shared bottleneck arc where exact (default true). */
  readonly sharedCapacity?: boolean;
  /**
   * Value-of-time segments per demand class (default 1: every tonne of a class at the class's value of time). With
   * N > 1 each class is split into N user classes of equal tonnage whose values of time follow a lognormal
   * distribution around the class's value (see `votSegments`).
   */
  readonly votSegments?: number;
  /**
   * σ of the lognormal value-of-time distribution (log scale; default VOT_SPREAD_DEFAULT, or CARRYING_COST_SPREAD with
   * votMedian "carrying-cost"); used when votSegments > 1.
   */
  readonly votSpread?: number;
  /**
   * What a class's value of time (the median of its segments) is: "profile" (default) the cargo profile's
   * valueOfTimeUsdPerH (1 % of the cargo value per day, Hummels & Schaur); "carrying-cost" the carrying cost of the
   * cargo's value in transit, valueUsd × CARRYING_COST_RATE_PER_YEAR / 8,760 h (see VotMedian). A
   * `valueOfTimeUsdPerH` entry for a profile wins over either.
   */
  readonly votMedian?: VotMedian;
  /**
   * The money cost of every arc for one class, USD per unit of its profile (default the cost model's
   * columns.costUsd); e.g. market rates spread over the arcs (routing/rates-arc-cost.ts).
   */
  readonly arcCostUsd?: (options: ResolvedRouteOptions, columns: ProfileColumns) => Float64Array;
}

/**
 * Default σ of the lognormal value-of-time distribution: Hummels & Schaur (2013)'s 0.6–2.1 % ad valorem per day
 * (the spread of their estimates over goods, src:core-hummels-schaur-2013) read as the 10th–90th percentiles of the
 * shipments' values of time: σ = ln(2.1 / 0.6) / (2 × 1.2816) = 0.489. An estimate (docs/calibration.md, rule
 * "value-of-time spread"); the class's own value of time stays the median.
 */
export const VOT_SPREAD_DEFAULT = Math.log(2.1 / 0.6) / (2 * 1.2815515655446004);

/**
 * Basis of a class's value of time in the corridor assignment.
 *  - "profile": the cargo profile's valueOfTimeUsdPerH (cargo.yaml: 1 % of the cargo value per day, from Hummels &
 *    Schaur 2013's 0.6–2.1 %/day, estimated from US importers' choice between air and ocean).
 *  - "carrying-cost": for containers (CARRYING_COST_BASES; bulk keeps its profile's value), the cost of holding the
 *    goods while they travel, valueUsd × r / 8,760 h with r =
 *    CARRYING_COST_RATE_PER_YEAR (inventory holding cost 20–40 % of the goods' value a year, rule
 *    "vot-carrying-cost" in data/eurasia/sources/value-of-time.yaml). For a 40-foot box of USD 109,000 that is
 *    USD 3.52 an hour (0.078 % of its value a day) against the profile's USD 45.42: the value of time of goods with
 *    no urgency beyond the capital, insurance and obsolescence they carry. An option, not the default
 *    (docs/calibration.md "Rail and sea on the China–Europe lane").
 */
export type VotMedian = ValueOfTimeBasis;
export const VOT_MEDIANS: readonly VotMedian[] = VALUE_OF_TIME_BASES;

/**
 * σ of the lognormal value of time around the carrying cost (votMedian "carrying-cost", when no votSpread is given):
 * the same 20–40 % a year read as the 10th–90th percentiles of the shipments' carrying-cost rates, as rule "value-of-time
 * spread" reads Hummels & Schaur's range: σ = ln(0.40 / 0.20) / (2 × 1.2816) = 0.270. It spreads the rate, not the
 * goods' value per box (no published dispersion of it for this trade was found), so it is a lower bound of the spread.
 */
export const CARRYING_COST_SPREAD = Math.log(0.4 / 0.2) / (2 * 1.2815515655446004);

/** The carrying-cost rule is shared with routing (`route --value-of-time carrying-cost`): routing/value-of-time.ts. */
export { CARRYING_COST_BASES, CARRYING_COST_RATE_PER_YEAR } from "../routing/value-of-time";

/** Value-of-time segments of a corridor problem (one segment: the class's single value of time). */
export interface VotSegments {
  /** Segments per demand class. */
  readonly count: number;
  /** σ of the lognormal (0 with one segment). */
  readonly spread: number;
  /** [segment] standard normal quantile z_s = Φ⁻¹((s + ½) / N): the middle of the segment's probability band. */
  readonly z: Float64Array;
  /** [segment] value of time / the class's median value of time = exp(σ z_s). */
  readonly multiplier: Float64Array;
  /** [segment] share of the class's tonnes (1 / N each). */
  readonly share: Float64Array;
}

/** Standard normal quantile Φ⁻¹(p), 0 < p < 1 (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must lie in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * N equal-tonnage segments of a lognormal value of time with median 1 and log-scale σ: segment s stands for the
 * probability band (s/N, (s+1)/N) and takes the value at its middle, exp(σ Φ⁻¹((s + ½)/N)). One segment (or σ = 0)
 * is the single value of time.
 */
export function votSegments(count: number, spread: number): VotSegments {
  if (!(Number.isInteger(count) && count >= 1 && count <= 100)) throw new CaravanError("E_USAGE", `value-of-time segments must be an integer from 1 to 100, got ${count}`);
  if (!(spread >= 0 && Number.isFinite(spread))) throw new CaravanError("E_USAGE", `value-of-time spread σ must be a finite number ≥ 0, got ${spread}`);
  const z = new Float64Array(count);
  const multiplier = new Float64Array(count);
  const share = new Float64Array(count).fill(1 / count);
  for (let s = 0; s < count; s++) {
    z[s] = count === 1 ? 0 : normalQuantile((s + 0.5) / count);
    multiplier[s] = Math.exp(spread * z[s]);
  }
  return { count, spread: count === 1 ? 0 : spread, z, multiplier, share };
}

/** Compiled arcs that stand for one physical capacity (a crossing in one direction and mode, or a terminal). */
export interface SharedCapacityGroup {
  /** `crossing:<id>:<FROM>→<TO>:<mode>` or `terminal:<id>`. */
  readonly id: string;
  readonly kind: "crossing" | "terminal";
  /** Compiled arc ids of the members (two or more). */
  readonly arcs: readonly number[];
  /** The shared capacity, tonnes per year (the largest member capacity). */
  readonly capacityT: number;
  /** True: the assignment routes the members through one bottleneck arc (exact); false: one VDF per arc. */
  readonly shared: boolean;
  /**
   * True for a group that is not shared through a bottleneck but whose members' queueing part is evaluated at the
   * group's summed flow (AssignmentProblem.vdfGroup; exact). False when shared, or when neither form applies.
   */
  readonly groupVdf: boolean;
  /** Problem arc of the shared bottleneck; -1 when not shared. */
  readonly bottleneckArc: number;
  /** Why the group is not shared in the assignment, null when it is. */
  readonly reason: string | null;
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
  /** The assignment problem: the compiled graph plus, for every shared group, two virtual nodes and its bottleneck and exit arcs. */
  readonly problem: AssignmentProblem;
  /** [compiled arc] problem arc carrying the arc's flow (its entry arc when the arc is in a shared group). */
  readonly problemArcOf: Int32Array;
  /** [problem arc] compiled arc, -1 for a virtual bottleneck or exit arc. */
  readonly compiledArcOf: Int32Array;
  /** Groups of compiled arcs sharing one capacity. */
  readonly groups: readonly SharedCapacityGroup[];
  /** [compiled arc] index into `groups`, -1 for an arc with a capacity of its own. */
  readonly arcGroup: Int32Array;
  readonly demand: readonly ResolvedDemandRow[];
  /**
   * Class ids in problem order: the demand's class names, or with value-of-time segments `<class>@vot<s>` (s from 1,
   * lowest value of time first), the segments of one class consecutive.
   */
  readonly classIds: readonly string[];
  /** [class] cargo profile id. */
  readonly classProfiles: readonly string[];
  /** The demand's class names in order of first appearance. */
  readonly demandClassIds: readonly string[];
  /** [class] index into demandClassIds of the class (or segment). */
  readonly classDemandClass: Int32Array;
  /** [class] value-of-time segment (0 without segments). */
  readonly classSegment: Int32Array;
  /** [class] value of time of the class (or segment), USD per profile unit per hour. */
  readonly classValueOfTimeUsdPerH: Float64Array;
  /** The value-of-time segments every demand class is split into. */
  readonly vot: VotSegments;
  /** Basis of the classes' (median) values of time. */
  readonly votMedian: VotMedian;
  /** [arc] capacity the VDF uses, tonnes per year; Infinity where unknown. */
  readonly capacityT: Float64Array;
  /** [arc] CAPACITY_NONE / CAPACITY_TONNES / CAPACITY_FROM_TEU. */
  readonly capacityBasis: Uint8Array;
  /** [arc] VDF_NONE / VDF_BPR / VDF_QUEUE. */
  readonly vdfKind: Uint8Array;
  /** [arc] free-flow time, hours (travelTimeH + eventTimeH + the seasonal wait of the state's month). */
  readonly freeFlowTimeH: Float64Array;
  /** [problem node] country index of the node's place, -1 for sea waypoints (transit.ts NO_COUNTRY_INDEX); a group's virtual nodes take its place's country. */
  readonly nodeCountry: Int32Array;
  /** [commodity] destination country index (-1 = none). */
  readonly commodityDestCountry: Int32Array;
  /** Total demand, tonnes per year (including intrazonal). */
  readonly totalDemandT: number;
  /** Tonnes per TEU used to convert TEU capacities. */
  readonly tonnesPerTeu: number;
  readonly year: number | null;
  /** Month of travel of the network state (seasonal closures and ferry delays), null = none. */
  readonly month: number | null;
  /** The groups of shipments the rules of passage treat alike (routing/passage-groups.ts); null without rules. */
  readonly passage: PassageGroups | null;
  /**
   * [problem arc] the fixed cost, hours, of user class `cls` (one of the first demandClassIds.length × vot.count
   * classes) for a shipment of passage group `group` (of `passage`): what its transit bans forbid is +Infinity and its
   * tariff discounts are charged. A new array unless `group` is 0.
   */
  fixedCostInGroup(cls: number, group: number): Float64Array;
}

/** Build the assignment problem of a resolved demand table on the compiled network. */
export function corridorProblem(net: CompiledNetwork, demandTable: DemandTable, options: CorridorOptions = {}): CorridorProblem {
  const demand = resolveDemand(net, demandTable);
  if (demand.length === 0) throw new CaravanError("E_DEMAND_INVALID", `${demandTable.file}: no demand rows`, { details: { file: demandTable.file } });
  const { graph } = net;
  if (options.state !== undefined && options.state.net !== net) throw new RangeError("corridorProblem: the network state belongs to another network");
  const arcs = options.state?.arcs ?? net.arcs;
  const m = graph.arcCount;
  const n = graph.nodeCount;
  const year = options.year !== undefined ? options.year : (options.state?.year ?? null);
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
  // value-of-time segments: every demand class becomes `segments.count` user classes sharing the capacities
  const votMedian = options.votMedian ?? "profile";
  if (!VOT_MEDIANS.includes(votMedian)) throw new CaravanError("E_USAGE", `unknown value-of-time basis "${votMedian}"; use one of ${VOT_MEDIANS.join(", ")}`);
  const segments = votSegments(options.votSegments ?? 1, options.votSpread ?? (votMedian === "carrying-cost" ? CARRYING_COST_SPREAD : VOT_SPREAD_DEFAULT));
  const S = segments.count;
  const classes: { id: string; fixedCost: Float64Array; vot: number; profile: string; demandClass: number; segment: number }[] = [];
  // rules of passage of the state's date (routing/passage-groups.ts): the rules that concern every shipment in each
  // class's costs; transit bans by user classes of their own (below)
  let passage: PassageGroups | null = null;
  const classCost: { costUsd: Float64Array; eventCostUsd: Float64Array }[] = []; // [demand class] USD per arc (tariff discounts apply to it)
  classIds.forEach((id, c) => {
    const unruled = resolveRouteOptions(net, { cargo: classProfiles[c], modes: options.modes ?? DEFAULT_MODES, year, ...(options.state ? { state: options.state } : {}) });
    passage ??= new PassageGroups(unruled.state);
    const resolved = { ...unruled, passage: passage.blocks[0] };
    const columns = profileColumns(net, resolved.profile, arcs);
    const costUsd = options.arcCostUsd?.(resolved, columns) ?? columns.costUsd;
    classCost.push({ costUsd, eventCostUsd: columns.eventCostUsd });
    const blocked = blockedArcs(net, resolved);
    const vot = options.valueOfTimeUsdPerH?.[resolved.profile.id] ?? profileValueOfTime(resolved.profile, votMedian).usdPerH;
    if (!(vot > 0)) throw new CaravanError("E_NETWORK_INVALID", `cargo profile "${resolved.profile.id}" has no positive value of time; corridor assignment needs one`);
    for (let s = 0; s < S; s++) {
      const votS = vot * segments.multiplier[s];
      const fixedCost = new Float64Array(m); // [arc] hours
      for (let a = 0; a < m; a++) fixedCost[a] = blocked[a] !== 0 ? Number.POSITIVE_INFINITY : costUsd[a] / votS;
      classes.push({ id: S === 1 ? id : `${id}@vot${s + 1}`, fixedCost, vot: votS, profile: classProfiles[c], demandClass: c, segment: s });
    }
  });

  // capacities and VDFs
  const teu = net.network.cargo.find((c) => c.costBasis === "teu");
  const tonnesPerTeu = teu?.massT.value ?? Number.NaN;
  const vdf = emptyVdf(m);
  const capacityT = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const capacityBasis = new Uint8Array(m);
  const vdfKind = new Uint8Array(m);
  const freeFlowTimeH = new Float64Array(m);
  // the month of travel stretches seasonal waits (a ferry's weather closures): an uncongested part of the arc's time
  const month = options.state?.month ?? null;
  for (let a = 0; a < m; a++) {
    const extraH = month === null ? 0 : seasonalExtraWaitH(net, arcs, a, month);
    const t0 = arcs.travelTimeH[a] + arcs.eventTimeH[a] + extraH;
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
      vdf.bprT0[a] = arcs.travelTimeH[a] + extraH;
      vdf.queueT0[a] = arcs.eventTimeH[a];
      vdf.queueCapacity[a] = cap;
      vdf.queueAlpha[a] = alpha;
      vdf.queueRhoMax[a] = rhoMax;
      vdfKind[a] = VDF_QUEUE;
    } else {
      if (extraH > 0) {
        // the seasonal wait stays constant under load: a queueing part without capacity
        vdf.bprT0[a] = t0 - extraH;
        vdf.queueT0[a] = extraH;
      }
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
  const shared = sharedCapacityGroups(net, arcs, capacityT, vdfKind, vdf, options.sharedCapacity ?? true);
  const noThrough = new Uint8Array(shared.graph.nodeCount);
  noThrough.set(net.noThrough);
  const problemNodeCountry = new Int32Array(shared.graph.nodeCount);
  problemNodeCountry.set(nodeCountry);
  for (const g of shared.groups) {
    if (!g.shared) continue;
    const c = nodeCountry[graph.tail[g.arcs[0]]];
    problemNodeCountry[shared.graph.tail[g.bottleneckArc]] = c;
    problemNodeCountry[shared.graph.head[g.bottleneckArc]] = c;
  }
  const problemClasses = classes.map((cl) => {
    const fixedCost = new Float64Array(shared.graph.arcCount); // [problem arc] hours; virtual arcs 0
    fixedCost.set(cl.fixedCost);
    return { id: cl.id, fixedCost };
  });

  // the transit bans and tariff discounts of a shipment depend on its origin and destination countries: the demand
  // of a class whose (origin, destination) countries fall in passage group g > 0 is a user class of its own (the
  // class's segments), whose costs forbid the group's arcs too and charge its discounted tariffs; it shares every
  // arc's volume-delay function with the others
  const groupClass = new Map<string, number>(); // `${group}:${demand class}` → its first user class
  const rules = passage as PassageGroups | null;
  /** [compiled arc] the fixed cost, hours, of user class `cls` (< classIds.length × S) under passage group `group`. */
  const costInGroup = (cls: number, group: number): Float64Array => {
    const base = classes[cls];
    if (group === 0 || rules === null) return base.fixedCost;
    const block = rules.blocks[group];
    const forbidden = block.blocked;
    const own = classCost[base.demandClass];
    const factor = tariffFactors(arcs, net, block, base.profile);
    const costUsd = discountedCostUsd(own.costUsd, own.eventCostUsd, factor);
    const fixedCost = Float64Array.from(base.fixedCost);
    for (let a = 0; a < m; a++) {
      if (forbidden !== null && forbidden[a] === 1) fixedCost[a] = Number.POSITIVE_INFINITY;
      else if (costUsd !== own.costUsd && fixedCost[a] !== Number.POSITIVE_INFINITY) fixedCost[a] = costUsd[a] / base.vot;
    }
    return fixedCost;
  };
  const userClassOf = (demandClass: number, group: number): number => {
    if (group === 0 || rules === null) return demandClass * S;
    const key = `${group}:${demandClass}`;
    let first = groupClass.get(key);
    if (first !== undefined) return first;
    const block = rules.blocks[group];
    // a group whose rules neither forbid an arc nor discount this class's cargo costs as the class does
    if (block.blocked === null && tariffFactors(arcs, net, block, classProfiles[demandClass]) === null) {
      groupClass.set(key, demandClass * S);
      return demandClass * S;
    }
    first = problemClasses.length;
    groupClass.set(key, first);
    const suffix = `|${block.rules.filter((r) => SHIPMENT_RULE_KINDS.includes(r.kind)).map((r) => r.id).join(",")}`;
    for (let s = 0; s < S; s++) {
      const base = classes[demandClass * S + s];
      const fixedCost = costInGroup(demandClass * S + s, group);
      classes.push({ ...base, id: `${base.id}${suffix}`, fixedCost });
      const problemCost = new Float64Array(shared.graph.arcCount);
      problemCost.set(fixedCost);
      problemClasses.push({ id: `${base.id}${suffix}`, fixedCost: problemCost });
    }
    return first;
  };

  // commodities: (class, origin, destination country) → destinations
  const byKey = new Map<string, { classIndex: number; origin: number; destCountry: number; dest: Map<number, number> }>();
  let totalDemandT = 0;
  for (const row of demand) {
    const amount = row.amountT * scale;
    totalDemandT += amount;
    const destCountry = nodeCountry[row.destinationPlace];
    const firstClass = userClassOf(classIds.indexOf(row.classId), rules === null ? 0 : rules.groupOf(row.originPlace, row.destinationPlace));
    for (let s = 0; s < S; s++) {
      const classIndex = firstClass + s;
      const key = `${classIndex}:${row.originPlace}:${destCountry}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = { classIndex, origin: row.originPlace, destCountry, dest: new Map() };
        byKey.set(key, entry);
      }
      entry.dest.set(row.destinationPlace, (entry.dest.get(row.destinationPlace) ?? 0) + amount * segments.share[s]);
    }
  }
  const list = [...byKey.values()].map((e) => ({ classIndex: e.classIndex, origin: e.origin, destinations: [...e.dest.keys()], demand: [...e.dest.values()] }));
  const { commodities, intrazonal } = buildCommodities(list);
  const commodityDestCountry = new Int32Array(commodities.count);
  for (let k = 0; k < commodities.count; k++) commodityDestCountry[k] = nodeCountry[commodities.destNode[commodities.destStart[k]]];
  const problemArcOf = new Int32Array(m); // [compiled arc] problem arc
  const compiledArcOf = new Int32Array(shared.graph.arcCount).fill(-1); // [problem arc] compiled arc, -1 = virtual
  for (let p = 0; p < shared.graph.arcCount; p++) {
    // the compiled graph's own inputArc refers to the network build's edge list: without groups the ids are the same
    const i = shared.graph === graph ? p : shared.graph.inputArc[p];
    if (i < m) {
      compiledArcOf[p] = i;
      problemArcOf[i] = p;
    }
  }

  const problem: AssignmentProblem = {
    graph: shared.graph,
    reverse: buildReverse(shared.graph),
    noThrough,
    vdf: shared.vdf,
    ...(shared.vdfGroup ? { vdfGroup: shared.vdfGroup } : {}),
    classes: problemClasses,
    commodities,
    intrazonalDemand: intrazonal,
    timeUnit: "h",
    flowUnit: "t/yr",
  };
  checkProblem(problem);
  checkCorridorReachable(net, problem, classes.map((cl) => classIds[cl.demandClass]), demandTable.file, demand, S);
  return {
    net,
    problem,
    problemArcOf,
    compiledArcOf,
    groups: shared.groups,
    arcGroup: shared.arcGroup,
    demand,
    classIds: classes.map((cl) => cl.id),
    classProfiles: classes.map((cl) => cl.profile),
    demandClassIds: classIds,
    classDemandClass: Int32Array.from(classes, (cl) => cl.demandClass),
    classSegment: Int32Array.from(classes, (cl) => cl.segment),
    classValueOfTimeUsdPerH: Float64Array.from(classes, (cl) => cl.vot),
    vot: segments,
    votMedian,
    capacityT,
    capacityBasis,
    vdfKind,
    freeFlowTimeH,
    nodeCountry: problemNodeCountry,
    commodityDestCountry,
    totalDemandT,
    tonnesPerTeu,
    year,
    month: options.state?.month ?? null,
    passage: rules,
    fixedCostInGroup: (cls, group) => {
      if (group === 0) return problemClasses[cls].fixedCost;
      const out = new Float64Array(shared.graph.arcCount);
      out.set(costInGroup(cls, group));
      return out;
    },
  };
}

const VDF_COLUMN_NAMES = ["bprT0", "bprCapacity", "bprB", "bprPower", "queueT0", "queueCapacity", "queueAlpha", "queueRhoMax"] as const;
const QUEUE_COLUMN_NAMES = ["queueT0", "queueCapacity", "queueAlpha", "queueRhoMax"] as const;

/**
 * Find the groups of compiled arcs that share one capacity and build the assignment graph: the compiled graph with,
 * for every group that can be shared exactly, two virtual nodes P, Q, the bottleneck arc P→Q and one exit Q→head per
 * member; each member's head becomes P. Virtual arcs have tails ≥ the compiled node count, so the stable CSR build
 * keeps every compiled arc at its own id and appends the virtual arcs after them.
 */
function sharedCapacityGroups(
  net: CompiledNetwork,
  arcs: CompiledNetwork["arcs"],
  capacityT: Float64Array,
  vdfKind: Uint8Array,
  vdf0: VdfColumns,
  enabled: boolean,
): { graph: CsrGraph; vdf: VdfColumns; groups: SharedCapacityGroup[]; arcGroup: Int32Array; vdfGroup: Int32Array | null } {
  const { graph, network, countries } = net;
  const m = graph.arcCount;
  const n = graph.nodeCount;
  const tonnesPerTrainPair = network.modes.railCapacityTonnesPerYearPerTrainPair?.value ?? Number.NaN;
  const index = new Map<string, number>();
  const drafts: { id: string; kind: "crossing" | "terminal"; arcs: number[] }[] = [];
  for (let a = 0; a < m; a++) {
    if (!(capacityT[a] < Number.POSITIVE_INFINITY) || vdfKind[a] === VDF_NONE) continue;
    const x = arcs.crossing[a];
    const kind = arcs.kind[a];
    let id: string | null = null;
    let groupKind: "crossing" | "terminal" = "crossing";
    if (x !== NO_INDEX) {
      const c = network.crossings[x];
      // link capacities of their own are not shared; a crossing's own (tonnes, or train pairs converted) is
      if (!(crossingCapacityTonnesPerYear(c, MODE_CODES[arcs.mode[a]] ?? "other", tonnesPerTrainPair) > 0)) continue;
      id = `crossing:${c.id}:${countries[arcs.fromCountry[a]]}→${countries[arcs.toCountry[a]]}:${MODE_CODES[arcs.mode[a]] ?? "other"}`;
    } else if ((kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT) && arcs.record[a] !== NO_INDEX) {
      id = `terminal:${network.terminals[arcs.record[a]].id}`;
      groupKind = "terminal";
    }
    if (id === null) continue;
    let g = index.get(id);
    if (g === undefined) {
      g = drafts.length;
      index.set(id, g);
      drafts.push({ id, kind: groupKind, arcs: [] });
    }
    drafts[g].arcs.push(a);
  }
  const { tail, head } = graph;
  const sameVdf = (a: number, b: number): boolean => vdfKind[a] === vdfKind[b] && VDF_COLUMN_NAMES.every((k) => vdf0[k][a] === vdf0[k][b]);
  /** Queueing VDFs with one set of queueing parameters (moving times may differ): a volume-delay group can share them. */
  const sameQueue = (a: number, b: number): boolean => vdfKind[a] === VDF_QUEUE && vdfKind[b] === VDF_QUEUE && QUEUE_COLUMN_NAMES.every((k) => vdf0[k][a] === vdf0[k][b]);
  let vdfGroupCount = 0;
  const vdfGroupOf = new Int32Array(m).fill(-1); // [compiled arc] volume-delay group, -1 = none
  const groups: SharedCapacityGroup[] = [];
  const arcGroup = new Int32Array(m).fill(-1); // [compiled arc] group index
  const sharedList: number[] = []; // indices into groups of the shared ones
  for (const d of drafts) {
    if (d.arcs.length < 2) continue;
    let reason: string | null = null;
    const [a0, a1] = d.arcs;
    if (!enabled) reason = "shared capacities disabled";
    else if (!d.arcs.every((a) => sameVdf(a, a0))) reason = "members differ in their volume-delay parameters";
    else if (d.arcs.length !== 2 || tail[a0] !== head[a1] || tail[a1] !== head[a0]) {
      reason = "members join different node pairs: one bottleneck would let a path leave on another layer without the transfer";
    }
    const gi = groups.length;
    for (const a of d.arcs) arcGroup[a] = gi;
    // no exact bottleneck form: evaluate the members' common queueing VDF at their summed flow instead
    const groupVdf = enabled && reason !== null && d.arcs.every((a) => sameQueue(a, a0));
    if (groupVdf) {
      for (const a of d.arcs) vdfGroupOf[a] = vdfGroupCount;
      vdfGroupCount++;
    }
    groups.push({ id: d.id, kind: d.kind, arcs: d.arcs, capacityT: Math.max(...d.arcs.map((a) => capacityT[a])), shared: reason === null, groupVdf, bottleneckArc: -1, reason });
    if (reason === null) sharedList.push(gi);
  }
  if (sharedList.length === 0) return { graph, vdf: vdf0, groups, arcGroup, vdfGroup: vdfGroupCount > 0 ? vdfGroupOf : null };

  // edge list: compiled arcs (members re-headed to their group's P), then per shared group the bottleneck and exits
  const tails: number[] = Array.from(tail);
  const heads: number[] = Array.from(head);
  const virtualInput: { group: number; member: number }[] = []; // input index - m → (group, -1 = bottleneck | member arc)
  sharedList.forEach((gi, s) => {
    const pNode = n + 2 * s;
    const qNode = pNode + 1;
    tails.push(pNode);
    heads.push(qNode);
    virtualInput.push({ group: gi, member: -1 });
    for (const a of groups[gi].arcs) {
      heads[a] = pNode;
      tails.push(qNode);
      heads.push(head[a]);
      virtualInput.push({ group: gi, member: a });
    }
  });
  const g2 = buildCsr(n + 2 * sharedList.length, tails, heads);
  const vdf = emptyVdf(g2.arcCount);
  const bottleneckOf = new Int32Array(groups.length).fill(-1);
  for (let p = 0; p < g2.arcCount; p++) {
    const i = g2.inputArc[p];
    if (i < m) {
      for (const k of VDF_COLUMN_NAMES) vdf[k][p] = vdf0[k][i];
      if (arcGroup[i] >= 0 && groups[arcGroup[i]].shared) {
        // entry arc: the member's moving time only; the group's VDF sits on the bottleneck
        vdf.bprT0[p] = vdfKind[i] === VDF_QUEUE ? vdf0.bprT0[i] : 0;
        vdf.bprCapacity[p] = Number.POSITIVE_INFINITY;
        vdf.queueT0[p] = 0;
        vdf.queueCapacity[p] = Number.POSITIVE_INFINITY;
        vdf.queueAlpha[p] = 0;
      }
      continue;
    }
    const v = virtualInput[i - m];
    if (v.member !== -1) continue; // exit: free (emptyVdf)
    const a0 = groups[v.group].arcs[0];
    for (const k of VDF_COLUMN_NAMES) vdf[k][p] = vdf0[k][a0];
    if (vdfKind[a0] === VDF_QUEUE) vdf.bprT0[p] = 0;
    bottleneckOf[v.group] = p;
  }
  const done = groups.map((g, gi) => (g.shared ? { ...g, bottleneckArc: bottleneckOf[gi] } : g));
  let vdfGroup: Int32Array | null = null;
  if (vdfGroupCount > 0) {
    vdfGroup = new Int32Array(g2.arcCount).fill(-1); // [problem arc]
    for (let p = 0; p < g2.arcCount; p++) {
      const i = g2.inputArc[p];
      if (i < m) vdfGroup[p] = vdfGroupOf[i];
    }
  }
  return { graph: g2, vdf, groups: done, arcGroup, vdfGroup };
}

/** E_NO_ROUTE naming the places, the class and the demand line when some demand cannot reach its destination. */
function checkCorridorReachable(net: CompiledNetwork, problem: AssignmentProblem, classIds: readonly string[], file: string, demand: readonly ResolvedDemandRow[], segments: number): void {
  const tree = new ShortestPathTree(problem.graph, problem.noThrough);
  const time = problem.vdf.bprT0.map((t, a) => t + problem.vdf.queueT0[a]);
  const { commodities } = problem;
  let lastClass = -1;
  let lastOrigin = -1;
  for (let k = 0; k < commodities.count; k++) {
    const c = commodities.classOf[k];
    // the segments of a class forbid the same arcs (only their finite costs differ): check the first one
    if (c % segments !== 0) continue;
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
