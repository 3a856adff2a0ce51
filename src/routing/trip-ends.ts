/**
 * Trip-end terminal dwell (query option `tripEndDwell`): the handling a journey pays where it starts or ends in a
 * mode other than road. A trip that starts in a mode layer at a place (a ship at a port, a train at a rail terminal,
 * a plane at an airport) pays what a trip arriving there by road and changing to that mode pays: the place's open
 * transfer arc between that layer and road (its terminal record, e.g. the port's handling), the fastest where there
 * are several, or the default transfer of modes.yaml where the place has none. The same at the arrival end
 * (that layer → road). Road ends are door-to-door and pay nothing.
 *
 * So every mode is charged the same way: a sea trip from a port pays the port's dwell exactly as an inland origin
 * through that port does. The figures sit on the access arcs of a per-query profile column; the compiled network
 * keeps its zero-weight access arcs (docs/calibration.md "Trip-end terminal dwell").
 */
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_TRANSSHIPMENT,
  type CompiledArcs,
  type CompiledNetwork,
  LAYER_ROAD,
  NO_INDEX,
  STATUS_OPEN,
} from "../network/compiled";
import type { CargoProfile } from "../network/schema";

/** Per-arc trip-end dwell of one network: only access arcs into or out of a non-road layer carry figures. */
export interface TripEndTable {
  /** [arc] handling time, h (0 for every arc but non-road access arcs). */
  readonly timeH: Float64Array;
  /** [arc] charge per FEU, TEU and tonne, USD. */
  readonly costUsdPerFeu: Float64Array;
  readonly costUsdPerTeu: Float64Array;
  readonly costUsdPerTonne: Float64Array;
  /** [arc] the terminal record behind the figures, NO_INDEX for the default transfer. */
  readonly record: Int32Array;
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
    if (from === LAYER_ROAD && to !== LAYER_ROAD) key = (arcs.fromPlace[a] * layerCount + to) * 2;
    else if (to === LAYER_ROAD && from !== LAYER_ROAD) key = (arcs.fromPlace[a] * layerCount + from) * 2 + 1;
    else continue;
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
  };
  for (let a = 0; a < arcCount; a++) {
    const kind = arcs.kind[a];
    if (kind !== ARC_ACCESS_DEPART && kind !== ARC_ACCESS_ARRIVE) continue;
    const layer = net.nodeLayer[kind === ARC_ACCESS_DEPART ? head[a] : tail[a]];
    if (layer === LAYER_ROAD) continue;
    const t = best.get((arcs.fromPlace[a] * layerCount + layer) * 2 + (kind === ARC_ACCESS_DEPART ? 0 : 1));
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

/** Add the trip-end dwell of a profile to its time, cost and fixed-cost columns ([arc] each, written in place). */
export function addTripEndDwell(table: TripEndTable, profile: CargoProfile, timeH: Float64Array, costUsd: Float64Array, eventCostUsd: Float64Array): void {
  const massT = profile.massT.value;
  for (let a = 0; a < timeH.length; a++) {
    if (table.timeH[a] === 0 && table.costUsdPerFeu[a] === 0) continue;
    const cost = profile.costBasis === "feu" ? table.costUsdPerFeu[a] : profile.costBasis === "teu" ? table.costUsdPerTeu[a] : table.costUsdPerTonne[a] * massT;
    timeH[a] += table.timeH[a];
    costUsd[a] += cost;
    eventCostUsd[a] += cost;
  }
}
