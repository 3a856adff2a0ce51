/**
 * Trip-end dwell (query option `tripEndDwell`): the handling a journey pays where it starts and where it ends, on the
 * same basis for every mode.
 *
 * - A trip that starts in a mode layer other than road at a place (a ship at a port, a train at a rail terminal, a
 *   plane at an airport) pays what a trip arriving there by road and changing to that mode pays: the place's open
 *   transfer arc between that layer and road, the fastest (then cheapest) where there are several, or the default
 *   transfer of modes.yaml where the place has none. The same at the arrival end (that layer → road).
 * - Only a terminal of the end's own mode counts: a sea end uses a port record, an air end an airport record, a
 *   rail end an intermodal (rail terminal, dry port) or gauge-change record. A rail end at a city whose only terminal
 *   is a seaport pays the default transfer, not the port's dwell (the port's rail ↔ road arcs stay as they are for
 *   routes passing through it).
 * - A road end (door pick-up or delivery) pays one container handling at the door: the default transfer of
 *   modes.yaml (an estimate: no source gives a door handling; docs/calibration.md "Trip-end dwell"). So a trip
 *   cannot save its end dwell by starting or ending on a truck: a route that trucks a few kilometres to a railhead
 *   pays the road end and the rail ↔ road transfer there.
 *
 * The figures sit on the access arcs of a per-query profile column; the compiled network keeps its zero-weight
 * access arcs. Each end is listed as a terminal_dwell event (ref: the terminal record, null for the default).
 */
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_FERRY,
  ARC_TRANSSHIPMENT,
  type CompiledArcs,
  type CompiledNetwork,
  LAYER_ACCESS,
  LAYER_AIR,
  LAYER_ROAD,
  LAYER_SEA,
  NO_INDEX,
  STATUS_OPEN,
} from "../network/compiled";
import type { CargoProfile } from "../network/schema";

/** The trip ends whose dwell a query charges: both, or only where the trip starts or only where it ends. */
export type TripEnds = "both" | "origin" | "destination";

/** Per-arc trip-end dwell of one network: only access arcs carry figures. */
export interface TripEndTable {
  /** [arc] handling time, h (0 for every arc but access arcs). */
  readonly timeH: Float64Array;
  /** [arc] charge per FEU, TEU and tonne, USD. */
  readonly costUsdPerFeu: Float64Array;
  readonly costUsdPerTeu: Float64Array;
  readonly costUsdPerTonne: Float64Array;
  /** [arc] the terminal record behind the figures, NO_INDEX for the default transfer. */
  readonly record: Int32Array;
  /**
   * [arc] 1 on a sea feeder's arc that starts a trip at its hub (from the hub's access node, network/build.ts), 2 on
   * one that ends a trip there; 0 otherwise. Such an arc carries the hub's sea-end dwell as an access arc would.
   */
  readonly feederEnd: Uint8Array;
}

const tables = new WeakMap<CompiledArcs, TripEndTable>();

/** The trip-end dwell of every access arc (built once per set of arc columns, e.g. per scenario patch). */
export function tripEndTable(net: CompiledNetwork, arcs: CompiledArcs = net.arcs): TripEndTable {
  const cached = tables.get(arcs);
  if (cached) return cached;
  const { tail, head, arcCount } = { tail: net.graph.tail, head: net.graph.head, arcCount: net.graph.arcCount };
  const layerCount = 256;
  // the place's fastest (then cheapest) open transfer between road and each layer, by direction
  const best = new Map<number, number>();
  for (let a = 0; a < arcCount; a++) {
    if (arcs.kind[a] !== ARC_TRANSSHIPMENT || arcs.status[a] !== STATUS_OPEN) continue;
    const from = net.nodeLayer[tail[a]];
    const to = net.nodeLayer[head[a]];
    let key: number;
    let layer: number;
    if (from === LAYER_ROAD && to !== LAYER_ROAD) {
      layer = to;
      key = (arcs.fromPlace[a] * layerCount + to) * 2;
    } else if (to === LAYER_ROAD && from !== LAYER_ROAD) {
      layer = from;
      key = (arcs.fromPlace[a] * layerCount + from) * 2 + 1;
    } else continue;
    if (!terminalServesEnd(net, arcs.record[a], layer)) continue;
    const b = best.get(key);
    if (b === undefined || arcs.eventTimeH[a] < arcs.eventTimeH[b] || (arcs.eventTimeH[a] === arcs.eventTimeH[b] && arcs.costUsdPerFeu[a] < arcs.costUsdPerFeu[b])) best.set(key, a);
  }
  const dt = net.network.modes.defaultTransfer;
  const feu = net.network.cargo.find((c) => c.costBasis === "feu");
  const tonnesPerFeu = net.network.modes.fixedChargeTonnesPerFeu?.value ?? feu?.massT.value ?? Number.NaN;
  const teuRatio = net.network.modes.modes.rail.teuCostRatio.value;
  const table: TripEndTable = {
    timeH: new Float64Array(arcCount),
    costUsdPerFeu: new Float64Array(arcCount),
    costUsdPerTeu: new Float64Array(arcCount),
    costUsdPerTonne: new Float64Array(arcCount),
    record: new Int32Array(arcCount).fill(NO_INDEX),
    feederEnd: new Uint8Array(arcCount),
  };
  for (let a = 0; a < arcCount; a++) {
    const kind = arcs.kind[a];
    // a sea feeder's arc from or to its hub's access node: the trip starts or ends at the hub's sea side
    const feederEnd = kind === ARC_FERRY && (net.nodeLayer[tail[a]] === LAYER_ACCESS || net.nodeLayer[head[a]] === LAYER_ACCESS);
    if (kind !== ARC_ACCESS_DEPART && kind !== ARC_ACCESS_ARRIVE && !feederEnd) continue;
    const departs = feederEnd ? net.nodeLayer[tail[a]] === LAYER_ACCESS : kind === ARC_ACCESS_DEPART;
    if (feederEnd) table.feederEnd[a] = departs ? 1 : 2;
    const layer = feederEnd ? LAYER_SEA : net.nodeLayer[departs ? head[a] : tail[a]];
    const place = departs ? arcs.fromPlace[a] : arcs.toPlace[a];
    const t = layer === LAYER_ROAD ? undefined : best.get((place * layerCount + layer) * 2 + (departs ? 0 : 1));
    if (t !== undefined) {
      table.timeH[a] = arcs.eventTimeH[t];
      table.costUsdPerFeu[a] = arcs.costUsdPerFeu[t];
      table.costUsdPerTeu[a] = arcs.costUsdPerTeu[t];
      table.costUsdPerTonne[a] = arcs.costUsdPerTonne[t];
      table.record[a] = arcs.record[t];
    } else {
      table.timeH[a] = dt.handlingTimeH.value;
      table.costUsdPerFeu[a] = dt.handlingCostUsdPerFeu.value;
      table.costUsdPerTeu[a] = dt.handlingCostUsdPerFeu.value * teuRatio;
      table.costUsdPerTonne[a] = dt.handlingCostUsdPerTonne?.value ?? dt.handlingCostUsdPerFeu.value / tonnesPerFeu;
    }
  }
  tables.set(arcs, table);
  return table;
}

/**
 * Whether a transfer arc's terminal record may stand for a trip end in `layer`: the default transfer (no record)
 * always; a port only for a sea end, an airport only for an air end; an intermodal or gauge-change terminal (rail
 * terminals, dry ports) for any other end.
 */
function terminalServesEnd(net: CompiledNetwork, record: number, layer: number): boolean {
  if (record === NO_INDEX) return true;
  const type = net.network.terminals[record]?.type;
  if (type === "port") return layer === LAYER_SEA;
  if (type === "airport") return layer === LAYER_AIR;
  return layer !== LAYER_SEA && layer !== LAYER_AIR;
}

/**
 * Add the trip-end dwell of a profile to its time, cost and fixed-cost columns ([arc] each, written in place): on the
 * departure access arcs for the origin, the arrival access arcs for the destination (a route uses one of each).
 */
export function addTripEndDwell(
  table: TripEndTable,
  profile: CargoProfile,
  timeH: Float64Array,
  costUsd: Float64Array,
  eventCostUsd: Float64Array,
  arcs?: CompiledArcs,
  ends: TripEnds = "both",
): void {
  const massT = profile.massT.value;
  const skip = ends === "origin" ? ARC_ACCESS_ARRIVE : ends === "destination" ? ARC_ACCESS_DEPART : -1;
  if (skip !== -1 && !arcs) throw new Error("addTripEndDwell: one trip end needs the arc kinds");
  for (let a = 0; a < timeH.length; a++) {
    if (table.timeH[a] === 0 && table.costUsdPerFeu[a] === 0) continue;
    if (skip !== -1 && arcs!.kind[a] === skip) continue;
    if (skip !== -1 && table.feederEnd[a] === (skip === ARC_ACCESS_DEPART ? 1 : 2)) continue;
    const cost = profile.costBasis === "feu" ? table.costUsdPerFeu[a] : profile.costBasis === "teu" ? table.costUsdPerTeu[a] : table.costUsdPerTonne[a] * massT;
    timeH[a] += table.timeH[a];
    costUsd[a] += cost;
    eventCostUsd[a] += cost;
  }
}
