/**
 * Results of a corridor assignment: link flows (CSV, GeoJSON), bottlenecks by volume/capacity, volumes by border
 * crossing, volumes by corridor (the set of gateway crossings a tonne uses) and transit by country.
 *
 * Transit by country and corridor volumes need per-commodity acyclic flows (Algorithm B, `commodityFlow`); for the
 * link-based algorithms they are reported as unavailable rather than approximated.
 *
 * Corridor volumes decompose each commodity's flow proportionally at every node (the same decomposition as
 * transit.ts): the share of the flow reaching node v that has used each set S of gateway groups is the
 * inflow-weighted mean over v's in-arcs of the tail's shares, with the arc's group added to S. A destination's
 * demand times its shares gives tonnes per gateway set.
 *
 * Arcs that share one capacity (corridor.ts `SharedCapacityGroup`) are reported with the capacity they share: their
 * v/c is the group's summed flow over that capacity, and the bottleneck list has one row per group. Flows and times
 * are read back from the assignment graph onto the compiled arcs (a member's time is its entry arc's plus the
 * group's bottleneck's).
 */
import { ARC_ACCESS_ARRIVE, ARC_ACCESS_DEPART, ARC_FERRY, ARC_GAUGE_CHANGE, ARC_KINDS, ARC_LINK, MODE_CODES, NO_INDEX } from "../network/compiled";
import { CAPACITY_FROM_TEU, type CorridorProblem, VDF_BPR, VDF_QUEUE } from "./corridor";
import type { AssignmentResult } from "./state";
import { transitByCountry } from "./transit";

/** A printable id of an arc: `link:<id>`, `ferry:<id>`, `terminal:<id>`, or `<kind>@<place>`. */
export function arcLabel(cp: CorridorProblem, a: number): string {
  const { arcs, network } = cp.net;
  const r = arcs.record[a];
  const kind = arcs.kind[a];
  if (r !== NO_INDEX) {
    if (kind === ARC_LINK) return `link:${network.links[r].id}`;
    if (kind === ARC_FERRY) return `ferry:${network.ferries[r].id}`;
    return `terminal:${network.terminals[r].id}`;
  }
  return `${ARC_KINDS[kind]}@${network.places[arcs.fromPlace[a]].id}`;
}

function modeName(cp: CorridorProblem, a: number): string {
  const mode = cp.net.arcs.mode[a];
  if (mode < MODE_CODES.length) return MODE_CODES[mode];
  return cp.net.arcs.kind[a] === ARC_GAUGE_CHANGE ? "gauge_change" : "transfer";
}

function isAccess(cp: CorridorProblem, a: number): boolean {
  const k = cp.net.arcs.kind[a];
  return k === ARC_ACCESS_DEPART || k === ARC_ACCESS_ARRIVE;
}

/** [compiled arc] flow, tonnes per year. */
export function arcFlowT(cp: CorridorProblem, result: AssignmentResult, a: number): number {
  return result.flow[cp.problemArcOf[a]];
}

/** [compiled arc] time at the equilibrium flow, hours (for a member of a shared group: entry + bottleneck). */
export function arcTimeH(cp: CorridorProblem, result: AssignmentResult, a: number): number {
  const g = cp.arcGroup[a];
  const t = result.time[cp.problemArcOf[a]];
  return g >= 0 && cp.groups[g].shared ? t + result.time[cp.groups[g].bottleneckArc] : t;
}

/** [group] summed flow of the members of each shared-capacity group, tonnes per year. */
export function groupFlowT(cp: CorridorProblem, result: AssignmentResult): Float64Array {
  const out = new Float64Array(cp.groups.length);
  cp.groups.forEach((g, i) => {
    for (const a of g.arcs) out[i] += arcFlowT(cp, result, a);
  });
  return out;
}

/** Capacity an arc uses (its group's when it shares one) and the flow loading it, tonnes per year. */
function loadOf(cp: CorridorProblem, result: AssignmentResult, groupFlow: Float64Array, a: number): { capT: number; loadT: number } {
  const g = cp.arcGroup[a];
  if (g >= 0) return { capT: cp.groups[g].capacityT, loadT: groupFlow[g] };
  return { capT: cp.capacityT[a], loadT: arcFlowT(cp, result, a) };
}

/**
 * CSV `linkId,from,to,mode,flowT,capacityT,vc` of every compiled arc except access arcs, in compiled arc order
 * (capacity and v/c empty if unknown; for an arc sharing a capacity, the shared capacity and the group's v/c).
 */
export function linkFlowsCsv(cp: CorridorProblem, result: AssignmentResult): string {
  const { arcs, network } = cp.net;
  const lines = ["linkId,from,to,mode,flowT,capacityT,vc"];
  const groupFlow = groupFlowT(cp, result);
  for (let a = 0; a < cp.net.graph.arcCount; a++) {
    if (isAccess(cp, a)) continue;
    const { capT, loadT } = loadOf(cp, result, groupFlow, a);
    const finite = capT < Number.POSITIVE_INFINITY;
    const flow = arcFlowT(cp, result, a);
    lines.push(
      [arcLabel(cp, a), network.places[arcs.fromPlace[a]].id, network.places[arcs.toPlace[a]].id, modeName(cp, a), flow.toFixed(1), finite ? capT.toFixed(0) : "", finite ? (loadT / capT).toFixed(4) : ""].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** GeoJSON FeatureCollection: one LineString per link or ferry arc with flow, between its places' coordinates. */
export function linkFlowsGeoJson(cp: CorridorProblem, result: AssignmentResult): string {
  const { arcs, network, placeLonDeg, placeLatDeg } = cp.net;
  const features: unknown[] = [];
  const groupFlow = groupFlowT(cp, result);
  for (let a = 0; a < cp.net.graph.arcCount; a++) {
    const kind = arcs.kind[a];
    const flow = arcFlowT(cp, result, a);
    if ((kind !== ARC_LINK && kind !== ARC_FERRY) || !(flow > 0)) continue;
    const p = arcs.fromPlace[a];
    const q = arcs.toPlace[a];
    const { capT: cap, loadT } = loadOf(cp, result, groupFlow, a);
    features.push({
      type: "Feature",
      geometry: {
        type: "LineString",
        coordinates: [
          [placeLonDeg[p], placeLatDeg[p]],
          [placeLonDeg[q], placeLatDeg[q]],
        ],
      },
      properties: {
        linkId: arcLabel(cp, a),
        from: network.places[p].id,
        to: network.places[q].id,
        mode: modeName(cp, a),
        flowT: Math.round(flow),
        capacityT: cap < Number.POSITIVE_INFINITY ? cap : null,
        vc: cap < Number.POSITIVE_INFINITY ? loadT / cap : null,
      },
    });
  }
  return `${JSON.stringify({ type: "FeatureCollection", features })}\n`;
}

export interface Bottleneck {
  /** Arc label, or the group id (`crossing:<id>:<FROM>→<TO>:<mode>`, `terminal:<id>`) for arcs sharing a capacity. */
  readonly linkId: string;
  readonly from: string;
  readonly to: string;
  readonly mode: string;
  /** "queue" (crossing/terminal) or "bpr" (link). */
  readonly vdf: "queue" | "bpr";
  readonly crossing: string | null;
  readonly flowT: number;
  readonly capacityT: number;
  /** True when the capacity is a TEU capacity converted to tonnes. */
  readonly capacityFromTeu: boolean;
  readonly vc: number;
  /** Congestion delay at the equilibrium flow, hours: t(x) − t(0) (a group: the flow-weighted mean over its members). */
  readonly delayH: number;
  /** Number of compiled arcs behind the row (2 or more for a shared capacity). */
  readonly arcs: number;
  /**
   * False for a group the assignment does not route through one shared bottleneck arc (a crossing's gauge arcs);
   * see `delayExact` for whether its delay is still that of the summed flow.
   */
  readonly sharedInAssignment: boolean;
  /**
   * True when the delay is that of the summed flow on the capacity: a single arc, a shared bottleneck, or a
   * volume-delay group (queueing part at the group's summed flow). False for a group assigned per arc with the
   * whole capacity each (its v/c is on the summed flow, its delay understated).
   */
  readonly delayExact: boolean;
}

/** Arcs and shared-capacity groups with a capacity, by volume/capacity ratio descending (ties by flow), the first `top`. */
export function bottlenecks(cp: CorridorProblem, result: AssignmentResult, top = 10): Bottleneck[] {
  const { arcs, network } = cp.net;
  const list: Bottleneck[] = [];
  const groupFlow = groupFlowT(cp, result);
  cp.groups.forEach((g, i) => {
    const a0 = g.arcs[0];
    let weighted = 0;
    for (const a of g.arcs) weighted += arcFlowT(cp, result, a) * (arcTimeH(cp, result, a) - cp.freeFlowTimeH[a]);
    const flow = groupFlow[i];
    list.push({
      linkId: g.id,
      from: network.places[arcs.fromPlace[a0]].id,
      to: network.places[arcs.toPlace[a0]].id,
      mode: modeName(cp, a0),
      vdf: cp.vdfKind[a0] === VDF_QUEUE ? "queue" : "bpr",
      crossing: arcs.crossing[a0] === NO_INDEX ? null : network.crossings[arcs.crossing[a0]].id,
      flowT: flow,
      capacityT: g.capacityT,
      capacityFromTeu: cp.capacityBasis[a0] === CAPACITY_FROM_TEU,
      vc: flow / g.capacityT,
      delayH: flow > 0 ? weighted / flow : arcTimeH(cp, result, a0) - cp.freeFlowTimeH[a0],
      arcs: g.arcs.length,
      sharedInAssignment: g.shared,
      delayExact: g.shared || g.groupVdf,
    });
  });
  for (let a = 0; a < cp.net.graph.arcCount; a++) {
    const cap = cp.capacityT[a];
    if (cp.arcGroup[a] >= 0 || !(cap < Number.POSITIVE_INFINITY) || (cp.vdfKind[a] !== VDF_BPR && cp.vdfKind[a] !== VDF_QUEUE)) continue;
    const flow = arcFlowT(cp, result, a);
    list.push({
      linkId: arcLabel(cp, a),
      from: network.places[arcs.fromPlace[a]].id,
      to: network.places[arcs.toPlace[a]].id,
      mode: modeName(cp, a),
      vdf: cp.vdfKind[a] === VDF_QUEUE ? "queue" : "bpr",
      crossing: arcs.crossing[a] === NO_INDEX ? null : network.crossings[arcs.crossing[a]].id,
      flowT: flow,
      capacityT: cap,
      capacityFromTeu: cp.capacityBasis[a] === CAPACITY_FROM_TEU,
      vc: flow / cap,
      delayH: arcTimeH(cp, result, a) - cp.freeFlowTimeH[a],
      arcs: 1,
      sharedInAssignment: true,
      delayExact: true,
    });
  }
  list.sort((p, q) => q.vc - p.vc || q.flowT - p.flowT);
  return list.slice(0, top);
}

export interface CrossingVolume {
  readonly crossing: string;
  readonly name: string;
  readonly countries: readonly string[];
  /** Tonnes per year by direction `FROM→TO` (ISO3). */
  readonly byDirectionT: Readonly<Record<string, number>>;
  /** Tonnes per year by class id. */
  readonly byClassT: Readonly<Record<string, number>>;
  readonly totalT: number;
  /** Highest v/c of the crossing's arcs (of its direction groups where arcs share the capacity), null when no capacity is known. */
  readonly maxVc: number | null;
}

/** Volumes over every border crossing with flow, by direction and class, largest first. */
export function crossingVolumes(cp: CorridorProblem, result: AssignmentResult): CrossingVolume[] {
  const { arcs, network, countries } = cp.net;
  const acc = new Map<number, { dir: Record<string, number>; cls: Record<string, number>; total: number; maxVc: number | null }>();
  const groupFlow = groupFlowT(cp, result);
  for (let a = 0; a < cp.net.graph.arcCount; a++) {
    const x = arcs.crossing[a];
    const flow = arcFlowT(cp, result, a);
    if (x === NO_INDEX || !(flow > 0)) continue;
    let e = acc.get(x);
    if (!e) {
      e = { dir: {}, cls: {}, total: 0, maxVc: null };
      acc.set(x, e);
    }
    const dir = `${countries[arcs.fromCountry[a]]}→${countries[arcs.toCountry[a]]}`;
    e.dir[dir] = (e.dir[dir] ?? 0) + flow;
    cp.classIds.forEach((id, c) => {
      const f = result.classFlow[c][cp.problemArcOf[a]];
      if (f > 0) e.cls[id] = (e.cls[id] ?? 0) + f;
    });
    e.total += flow;
    const { capT, loadT } = loadOf(cp, result, groupFlow, a);
    if (capT < Number.POSITIVE_INFINITY) e.maxVc = Math.max(e.maxVc ?? 0, loadT / capT);
  }
  return [...acc.entries()]
    .map(([x, e]) => ({
      crossing: network.crossings[x].id,
      name: network.crossings[x].name,
      countries: network.crossings[x].countries,
      byDirectionT: e.dir,
      byClassT: e.cls,
      totalT: e.total,
      maxVc: e.maxVc,
    }))
    .sort((p, q) => q.totalT - p.totalT);
}

export interface TransitRow {
  readonly country: string;
  /** Tonnes per year through the country, all classes. */
  readonly transitT: number;
  /** Tonnes per year by class id. */
  readonly byClassT: Readonly<Record<string, number>>;
  /** Container-class transit in TEU (tonnes / t per TEU), 0 without a container class. */
  readonly containerTeu: number;
}

/** Transit by country (flow that crosses a country without starting or ending there), largest first; null without commodity flows. */
export function transitTable(cp: CorridorProblem, result: AssignmentResult): TransitRow[] | null {
  if (result.commodityFlow === null) return null;
  const countries = cp.net.countries;
  const k = countries.length;
  const t = transitByCountry(cp.problem, result.commodityFlow, cp.nodeCountry, k);
  const rows: TransitRow[] = [];
  for (let K = 0; K < k; K++) {
    const byClassT: Record<string, number> = {};
    let total = 0;
    let containerT = 0;
    cp.classIds.forEach((id, c) => {
      const v = t[c * k + K];
      if (v > 0) byClassT[id] = v;
      total += v;
      if (cp.classProfiles[c] === "feu" || cp.classProfiles[c] === "teu") containerT += v;
    });
    if (total > 0) rows.push({ country: countries[K], transitT: total, byClassT, containerTeu: cp.tonnesPerTeu > 0 ? containerT / cp.tonnesPerTeu : 0 });
  }
  return rows.sort((p, q) => q.transitT - p.transitT);
}

/** A gateway group for corridor volumes: arcs of some crossings, the Caspian ferries or a chokepoint. */
export interface GatewayGroup {
  readonly id: string;
  readonly label: string;
}

/** Gateway groups: every crossing on a border of China, the Caspian ferries, and the Suez chokepoint (`arcGroup` by compiled arc). */
export function gatewayGroups(cp: CorridorProblem): { groups: GatewayGroup[]; arcGroup: Int32Array } {
  const { arcs, network, countries } = cp.net;
  const groups: GatewayGroup[] = [];
  const index = new Map<string, number>();
  const arcGroup = new Int32Array(cp.net.graph.arcCount).fill(-1); // [arc] group index, -1 = none
  const chn = countries.indexOf("CHN");
  const caspian = new Set(["KAZ", "TKM", "AZE", "IRN", "RUS"].map((c) => countries.indexOf(c)).filter((i) => i >= 0));
  const suez = network.chokepoints.findIndex((c) => c.id === "suez");
  const groupOf = (id: string, label: string): number => {
    let g = index.get(id);
    if (g === undefined) {
      g = groups.length;
      groups.push({ id, label });
      index.set(id, g);
    }
    return g;
  };
  for (let a = 0; a < cp.net.graph.arcCount; a++) {
    const x = arcs.crossing[a];
    if (x !== NO_INDEX && (arcs.fromCountry[a] === chn || arcs.toCountry[a] === chn)) {
      // rail and road crossings at one border point form one gateway (e.g. Dostyk–Alashankou rail and road)
      const c = network.crossings[x];
      arcGroup[a] = groupOf(`crossing:${c.id.replace(/-(road|rail)$/, "")}`, c.name.replace(/ \((road|rail)\)$/i, ""));
    } else if (arcs.kind[a] === ARC_FERRY && caspian.has(arcs.fromCountry[a]) && caspian.has(arcs.toCountry[a]) && arcs.fromCountry[a] !== arcs.toCountry[a]) {
      arcGroup[a] = groupOf("caspian-ferries", "Caspian ferries");
    } else if (suez >= 0 && arcs.chokepoint[a] === suez) {
      arcGroup[a] = groupOf("chokepoint:suez", "Suez");
    }
  }
  return { groups, arcGroup };
}

export interface CorridorVolume {
  /** Gateway labels joined by " + ", or "(no gateway)". */
  readonly corridor: string;
  readonly gateways: readonly string[];
  readonly totalT: number;
  readonly byClassT: Readonly<Record<string, number>>;
}

/** Tonnes per set of gateways used (proportional path decomposition of bush flows); null without commodity flows. */
export function corridorVolumes(cp: CorridorProblem, result: AssignmentResult): CorridorVolume[] | null {
  const cf = result.commodityFlow;
  if (cf === null) return null;
  const { groups, arcGroup } = gatewayGroups(cp);
  const { graph, commodities } = cp.problem;
  const { firstOut, head, tail } = graph;
  const { firstIn, inArc } = cp.problem.reverse;
  const n = graph.nodeCount;
  const m = graph.arcCount;
  const indeg = new Int32Array(n);
  const order = new Int32Array(n);
  const inflow = new Float64Array(n);
  const share: (Map<number, number> | null)[] = new Array(n).fill(null); // [node] gateway-set key → share
  const totals = new Map<string, { gateways: string[]; totalT: number; byClassT: Record<string, number> }>();
  for (let k = 0; k < commodities.count; k++) {
    const base = k * m;
    const origin = commodities.origin[k];
    const qt = flowOrder(cf, base, origin, firstOut, head, indeg, order);
    share[origin] = new Map([[0, 1]]);
    for (let i = 1; i < qt; i++) {
      const v = order[i];
      let total = 0;
      for (let q = firstIn[v]; q < firstIn[v + 1]; q++) if (cf[base + inArc[q]] > 0) total += cf[base + inArc[q]];
      inflow[v] = total;
      const s = new Map<number, number>();
      for (let q = firstIn[v]; q < firstIn[v + 1]; q++) {
        const a = inArc[q];
        const f = cf[base + a];
        const from = share[tail[a]];
        if (!(f > 0) || from === null) continue;
        const c = cp.compiledArcOf[a];
        const bit = c >= 0 && arcGroup[c] >= 0 ? 2 ** arcGroup[c] : 0;
        for (const [key, w] of from) {
          const nk = bit === 0 ? key : bitOr(key, bit);
          s.set(nk, (s.get(nk) ?? 0) + (w * f) / total);
        }
      }
      share[v] = s;
    }
    const classId = cp.classIds[commodities.classOf[k]];
    for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
      const s = share[commodities.destNode[e]];
      if (s === null) continue;
      for (const [key, w] of s) {
        const gateways = groups.filter((_, g) => hasBit(key, g)).map((g) => g.label);
        const label = gateways.length === 0 ? "(no gateway)" : gateways.join(" + ");
        let t = totals.get(label);
        if (!t) {
          t = { gateways, totalT: 0, byClassT: {} };
          totals.set(label, t);
        }
        const tonnes = commodities.demand[e] * w;
        t.totalT += tonnes;
        t.byClassT[classId] = (t.byClassT[classId] ?? 0) + tonnes;
      }
    }
    for (let i = 0; i < qt; i++) share[order[i]] = null;
  }
  return [...totals.entries()].map(([corridor, t]) => ({ corridor, gateways: t.gateways, totalT: t.totalT, byClassT: t.byClassT })).sort((p, q) => q.totalT - p.totalT);
}

/** Bitwise or on non-negative integers up to 2^53 (more than 31 groups do not fit `|`). */
function bitOr(a: number, b: number): number {
  return hasBit(a, Math.log2(b)) ? a : a + b;
}

function hasBit(key: number, bit: number): boolean {
  return Math.floor(key / 2 ** bit) % 2 === 1;
}

/**
 * Topological order of the nodes one commodity's flow reaches (`cf[base + a] > 0`, an acyclic subgraph at
 * equilibrium), from its origin, into `order`; returns the count. `indeg` ([node], all 0) is used and left all 0.
 */
export function flowOrder(
  cf: Float64Array,
  base: number,
  origin: number,
  firstOut: ArrayLike<number>,
  head: ArrayLike<number>,
  indeg: Int32Array,
  order: Int32Array,
): number {
  const m = head.length;
  for (let a = 0; a < m; a++) if (cf[base + a] > 0) indeg[head[a]]++;
  let qh = 0;
  let qt = 0;
  order[qt++] = origin;
  while (qh < qt) {
    const u = order[qh++];
    for (let a = firstOut[u]; a < firstOut[u + 1]; a++) if (cf[base + a] > 0 && --indeg[head[a]] === 0) order[qt++] = head[a];
  }
  for (let a = 0; a < m; a++) indeg[head[a]] = 0;
  return qt;
}
