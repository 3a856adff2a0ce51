/**
 * Compile a loaded network (NetworkData) into the multimodal CSR graph described in compiled.ts. The result lives
 * in one ArrayBuffer (binary.ts); the invariant checker (check.ts) runs before it is returned.
 */
import { buildCsr, permuteToCsr } from "../graph/csr";
import { CaravanError } from "../core/errors";
import { packCompiled } from "./binary";
import { crossingCapacityTonnesPerYear, linkCapacityTonnesPerYear, terminalCapacityTonnesPerYear } from "./capacity";
import { checkCompiledNetwork } from "./check";
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_COLUMNS,
  ARC_FERRY,
  ARC_GAUGE_CHANGE,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  type CompiledArcs,
  type CompiledNetwork,
  isRailLayer,
  LAYER_ACCESS,
  LAYER_AIR,
  LAYER_COUNT,
  LAYER_GAUGE_MM,
  LAYER_ROAD,
  LAYER_SEA,
  MODE_AIR,
  MODE_FERRY,
  MODE_NONE,
  MODE_RAIL,
  MODE_ROAD,
  MODE_SEA,
  NO_COUNTRY,
  NO_INDEX,
  railLayerOfGauge,
  STATUS_CODES,
} from "./compiled";
import type { NetworkData } from "./model";
import type { Place } from "./schema";

/**
 * Expected wait in hours for an arrival at a uniformly random time of the week at a crossing open only on
 * `openDays` (ISO weekdays 1–7): each maximal cyclic run of L closed days is hit with probability L/7 and then
 * waited out for L/2 days on average, so the wait is 24 · Σ L² / 14 hours. All seven days open → 0.
 */
export function expectedOpeningWaitH(openDays: readonly number[]): number {
  const open = new Array<boolean>(7).fill(false);
  for (const d of openDays) open[d - 1] = true;
  if (open.every((o) => !o)) return Number.POSITIVE_INFINITY;
  const start = open.indexOf(true);
  let sumSquares = 0;
  let run = 0;
  for (let k = 1; k <= 7; k++) {
    const day = (start + k) % 7;
    if (!open[day]) run++;
    else {
      sumSquares += run * run;
      run = 0;
    }
  }
  return (24 * sumSquares) / 14;
}

/** Bit mask of months (bit m-1 for month m) touched by an inclusive MM-DD range, which may wrap the year end. */
export function monthMaskOfRange(fromMmDd: string, toMmDd: string): number {
  const fromMonth = Number(fromMmDd.slice(0, 2));
  const toMonth = Number(toMmDd.slice(0, 2));
  let mask = 0;
  let m = fromMonth;
  for (let guard = 0; guard < 12; guard++) {
    mask |= 1 << (m - 1);
    if (m === toMonth && (guard > 0 || fromMmDd <= toMmDd)) break;
    m = (m % 12) + 1;
  }
  return mask;
}

type ColumnName = keyof CompiledArcs;
type ArcRow = { [K in ColumnName]: number };

/** Default values of an arc row (an access-like arc of zero weight). */
function blankRow(): ArcRow {
  return {
    kind: ARC_ACCESS_DEPART,
    mode: MODE_NONE,
    gaugeMm: 0,
    status: 0,
    openYear: 0,
    distanceKm: 0,
    distanceEstimated: 0,
    travelTimeH: 0,
    eventTimeH: 0,
    waitTimeH: 0,
    dwellHighH: Number.NaN,
    costUsdPerFeu: 0,
    costUsdPerTeu: 0,
    costUsdPerTonne: 0,
    eventCostUsdPerFeu: 0,
    co2GPerTonne: 0,
    capacityTonnesPerYear: Number.NaN,
    capacityTeuPerYear: Number.NaN,
    chokepoint: NO_INDEX,
    crossing: NO_INDEX,
    closedMonthMask: 0,
    closureLastYear: 0,
    record: NO_INDEX,
    fromPlace: 0,
    toPlace: 0,
    fromCountry: NO_COUNTRY,
    toCountry: NO_COUNTRY,
  };
}

const TYPED = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array,
} as const;

/** Smaller of two capacities where NaN means unlimited. */
function minCapacity(a: number | null | undefined, b: number | null | undefined): number {
  const x = a ?? Number.NaN;
  const y = b ?? Number.NaN;
  if (Number.isNaN(x)) return y;
  if (Number.isNaN(y)) return x;
  return Math.min(x, y);
}

/** Compile a loaded network. Throws E_GRAPH_INVARIANT (a bug) if the result breaks an invariant. */
export function compileNetwork(net: NetworkData): CompiledNetwork {
  const placeCount = net.places.length;
  const placeIdx = new Map<string, number>();
  net.places.forEach((p, i) => {
    placeIdx.set(p.id, i);
  });
  const countries = [...new Set(net.places.map((p) => p.country).filter((c): c is string => c !== null))].sort();
  const countryIdx = new Map(countries.map((c, i) => [c, i]));
  const countryOf = (p: Place): number => (p.country === null ? NO_COUNTRY : countryIdx.get(p.country)!);
  const modes = net.modes.modes;
  const feuProfile = net.cargo.find((c) => c.costBasis === "feu");
  /** Tonnes of bulk that bear one per-FEU fixed charge. */
  const tonnesPerFeu = net.modes.fixedChargeTonnesPerFeu?.value ?? feuProfile?.massT.value ?? Number.NaN;
  const perTonneOfFeuCharge = (usdPerFeu: number): number => (usdPerFeu === 0 ? 0 : usdPerFeu / tonnesPerFeu);
  /** Tonnes per year in one direction of one train pair a day (capacity.ts); NaN = train pairs are not converted. */
  const tonnesPerTrainPair = net.modes.railCapacityTonnesPerYearPerTrainPair?.value ?? Number.NaN;

  // every link is compiled: the sea links of a feeder-only port (port terminal `feederOnly`) stay for bulk, and a
  // query closes them to containers, which reach the port by its feeders (routing/feeders.ts)
  const compiledLink = net.links.map(() => true);

  // 1. layer nodes: where a place has a link or ferry end in the layer
  const hasLayer = new Uint8Array(placeCount * LAYER_COUNT);
  const linkLayer = net.links.map((l) => (l.mode === "rail" ? railLayerOfGauge(l.gaugeMm ?? 0) : l.mode === "road" ? LAYER_ROAD : l.mode === "sea" ? LAYER_SEA : LAYER_AIR));
  net.links.forEach((l, i) => {
    if (!compiledLink[i]) return;
    hasLayer[placeIdx.get(l.from)! * LAYER_COUNT + linkLayer[i]] = 1;
    hasLayer[placeIdx.get(l.to)! * LAYER_COUNT + linkLayer[i]] = 1;
  });
  const ferryLayers = net.ferries.map((f) => f.carries.map((c) => (c === "rail" ? railLayerOfGauge(f.gaugeMm ?? 0) : c === "sea" ? LAYER_SEA : LAYER_ROAD)));
  net.ferries.forEach((f, i) => {
    for (const layer of ferryLayers[i]) {
      hasLayer[placeIdx.get(f.from)! * LAYER_COUNT + layer] = 1;
      hasLayer[placeIdx.get(f.to)! * LAYER_COUNT + layer] = 1;
    }
  });
  const layerNodeOf = new Int32Array(placeCount * LAYER_COUNT).fill(-1);
  let nodeCount = placeCount;
  for (let p = 0; p < placeCount; p++) {
    for (let layer = 0; layer < LAYER_COUNT; layer++) if (hasLayer[p * LAYER_COUNT + layer]) layerNodeOf[p * LAYER_COUNT + layer] = nodeCount++;
  }
  const nodePlace = new Uint32Array(nodeCount);
  const nodeLayer = new Uint8Array(nodeCount);
  const noThrough = new Uint8Array(nodeCount);
  for (let p = 0; p < placeCount; p++) {
    nodePlace[p] = p;
    nodeLayer[p] = LAYER_ACCESS;
    noThrough[p] = 1;
    for (let layer = 0; layer < LAYER_COUNT; layer++) {
      const v = layerNodeOf[p * LAYER_COUNT + layer];
      if (v >= 0) {
        nodePlace[v] = p;
        nodeLayer[v] = layer;
      }
    }
  }
  const nodeAt = (p: number, layer: number) => layerNodeOf[p * LAYER_COUNT + layer];

  /** Bulk voyage fixed element per port call, USD per tonne: the highest of the place's port terminals. */
  const portCallUsdPerTonne = new Float64Array(placeCount); // [place]
  for (const t of net.terminals) {
    if (t.type !== "port" || t.portCallUsdPerTonne === null) continue;
    const p = placeIdx.get(t.place)!;
    portCallUsdPerTonne[p] = Math.max(portCallUsdPerTonne[p], t.portCallUsdPerTonne);
  }

  // 2. arcs in input order
  const tails: number[] = [];
  const heads: number[] = [];
  const rows: ArcRow[] = [];
  const push = (tail: number, head: number, row: ArcRow) => {
    tails.push(tail);
    heads.push(head);
    rows.push(row);
  };
  const statusCode = (s: string) => STATUS_CODES.indexOf(s as (typeof STATUS_CODES)[number]);
  const crossingIdx = new Map(net.crossings.map((c, i) => [c.id, i]));
  const chokepointIdx = new Map(net.chokepoints.map((c, i) => [c.id, i]));

  // seasonal closures of links (links/*.yaml; a delay is applied by month in routing/reliability.ts)
  const linkClosure = new Map((net.linkSeasons ?? []).filter((z) => z.closed).map((z) => [z.link, z]));
  // road tolls of links (links/*.yaml), USD per truck and passage
  const linkToll = new Map((net.linkTolls ?? []).map((t) => [t.link, t.tollUsdPerTruck]));

  // links
  net.links.forEach((l, li) => {
    if (!compiledLink[li]) return;
    const layer = linkLayer[li];
    const params = modes[l.mode];
    const ends: [number, number][] = [[placeIdx.get(l.from)!, placeIdx.get(l.to)!]];
    if (!l.oneway) ends.push([ends[0][1], ends[0][0]]);
    for (const [a, b] of ends) {
      const pa = net.places[a];
      const pb = net.places[b];
      const row = blankRow();
      row.kind = ARC_LINK;
      row.mode = l.mode === "rail" ? MODE_RAIL : l.mode === "road" ? MODE_ROAD : l.mode === "sea" ? MODE_SEA : MODE_AIR;
      row.gaugeMm = l.gaugeMm ?? 0;
      row.status = statusCode(l.status);
      row.openYear = l.openYear ?? 0;
      row.distanceKm = l.distanceKm;
      row.distanceEstimated = l.distanceEstimated ? 1 : 0;
      const fromCountry = pa.country ?? "";
      const speedKmh = l.speedKmh ?? params.speedKmhByCountry[fromCountry]?.value ?? params.speedKmh.value;
      row.travelTimeH = l.distanceKm / speedKmh;
      const rateUsdPerFeuKm = l.costUsdPerFeuKm ?? params.costUsdPerFeuKmByCountry[fromCountry]?.value ?? params.costUsdPerFeuKm.value;
      const movingFeu = l.distanceKm * rateUsdPerFeuKm;
      let feeFeu = 0;
      row.co2GPerTonne = l.distanceKm * params.co2GPerTonneKm.value;
      row.capacityTonnesPerYear = linkCapacityTonnesPerYear(l, tonnesPerTrainPair);
      row.capacityTeuPerYear = l.capacityTeuPerYear ?? Number.NaN;
      if (l.chokepoint !== null) row.chokepoint = chokepointIdx.get(l.chokepoint)!;
      if (l.border !== null) {
        const ci = crossingIdx.get(l.border)!;
        const c = net.crossings[ci];
        row.crossing = ci;
        // dwell leaving the from-place's country; a crossing documented in one direction only is assumed symmetric
        const dwell = c.dwell.find((d) => d.fromCountry === pa.country) ?? c.dwell[0];
        const waitH = expectedOpeningWaitH(c.openDays);
        row.eventTimeH = dwell.medianH + waitH;
        row.waitTimeH = waitH;
        row.dwellHighH = dwell.highH ?? Number.NaN;
        feeFeu = dwell.feeUsdPerFeu;
        if (c.seasonalClosure) {
          row.closedMonthMask = monthMaskOfRange(c.seasonalClosure.from, c.seasonalClosure.to);
          row.closureLastYear = c.seasonalClosure.lastYear ?? 0;
        }
        row.capacityTonnesPerYear = minCapacity(row.capacityTonnesPerYear, crossingCapacityTonnesPerYear(c, l.mode, tonnesPerTrainPair));
      }
      const closure = linkClosure.get(l.id);
      if (closure) {
        // the loader rejects a link closure on a link whose crossing has its own
        row.closedMonthMask = monthMaskOfRange(closure.from, closure.to);
        row.closureLastYear = closure.lastYear ?? 0;
      }
      // a road toll is part of the moving charge: one truck's toll per FEU, and per tonne over the tonnes of one
      // truck of the road's own tariff (its per-FEU rate ÷ its per-tonne rate)
      const tollFeu = linkToll.get(l.id) ?? 0;
      row.eventCostUsdPerFeu = feeFeu;
      row.costUsdPerFeu = movingFeu + tollFeu + feeFeu;
      row.costUsdPerTeu = row.costUsdPerFeu * params.teuCostRatio.value;
      const rateUsdPerTonneKm = params.costUsdPerTonneKmByCountry[fromCountry]?.value ?? params.costUsdPerTonneKm.value;
      const tollPerTonne = tollFeu === 0 ? 0 : tollFeu / (params.costUsdPerFeuKm.value / params.costUsdPerTonneKm.value);
      row.costUsdPerTonne = l.distanceKm * rateUsdPerTonneKm + tollPerTonne + perTonneOfFeuCharge(feeFeu);
      if (l.mode === "sea") row.costUsdPerTonne += portCallUsdPerTonne[a] + portCallUsdPerTonne[b];
      row.record = li;
      row.fromPlace = a;
      row.toPlace = b;
      row.fromCountry = countryOf(pa);
      row.toCountry = countryOf(pb);
      push(nodeAt(a, layer), nodeAt(b, layer), row);
    }
  });

  const railLayersAt = (p: number): number[] => {
    const out: number[] = [];
    for (let layer = 0; layer < LAYER_COUNT; layer++) if (isRailLayer(layer) && nodeAt(p, layer) >= 0) out.push(layer);
    return out;
  };
  const layersOfMode = (p: number, mode: string): number[] => {
    if (mode === "rail") return railLayersAt(p);
    const layer = mode === "road" ? LAYER_ROAD : mode === "sea" ? LAYER_SEA : mode === "air" ? LAYER_AIR : -1;
    return layer >= 0 && nodeAt(p, layer) >= 0 ? [layer] : [];
  };
  /**
   * A sea feeder (ferry record carrying [sea]) from hub H to port P. Arcs, both ways unless oneway, mode SEA, the
   * record the ferry:
   *  - H sea ↔ P sea: a box changing between a mainline ship and the feeder at H; event = H's transshipment dwell
   *    and charge (its port terminal's transshipmentTimeH / transshipmentCostUsdPerFeu);
   *  - H rail/road ↔ P sea: a box that enters or leaves the sea at H; event = H's port handling (the terminal's
   *    handlingTimeH / handlingCostUsdPerFeu), the same as the sea ↔ land transfer it replaces.
   *  - H access ↔ P sea: a box whose trip starts or ends at H; no event at H (not transshipped, and its trip-end
   *    dwell is the query's, routing/trip-ends.ts).
   * Moving time = crossingTimeH; charge = costUsdPerFeu (a fixed fare per voyage). The wait for a sailing counts
   * beyond the dwell the loading end already charges (rule feeder-wait-beyond-dwell, docs/data-format.md):
   * wait = max(0, headwayH / 2 − dwell), dwell = the event's dwell at H on arcs leaving H, P's port handling on arcs
   * leaving P.
   */
  /** An arc row of ferry record `fi` from place a to place b: the fields every ferry and feeder arc shares. */
  const ferryRow = (fi: number, a: number, b: number, mode: number, gaugeMm: number) => {
    const f = net.ferries[fi];
    const row = blankRow();
    row.kind = ARC_FERRY;
    row.mode = mode;
    row.gaugeMm = gaugeMm;
    row.status = statusCode(f.status);
    row.openYear = f.openYear ?? 0;
    row.distanceKm = f.distanceKm;
    row.travelTimeH = f.crossingTimeH;
    row.capacityTonnesPerYear = f.capacityTonnesPerYear ?? Number.NaN;
    row.record = fi;
    row.fromPlace = a;
    row.toPlace = b;
    row.fromCountry = countryOf(net.places[a]);
    row.toCountry = countryOf(net.places[b]);
    return row;
  };
  const pushSeaFeeder = (fi: number, h: number, pPort: number) => {
    const f = net.ferries[fi];
    const hub = net.terminals[seaPortOf.get(h)!];
    const port = net.terminals[seaPortOf.get(pPort)!];
    const sea = modes.sea;
    const endsAtHub: { layer: number; timeH: number; costFeu: number; costTonne: number }[] = [
      { layer: LAYER_SEA, timeH: hub.transshipmentTimeH ?? 0, costFeu: hub.transshipmentCostUsdPerFeu ?? 0, costTonne: perTonneOfFeuCharge(hub.transshipmentCostUsdPerFeu ?? 0) },
    ];
    for (const m of new Set(hub.modes)) {
      if (m === "sea" || m === "ferry") continue;
      for (const layer of layersOfMode(h, m)) endsAtHub.push({ layer, timeH: hub.handlingTimeH, costFeu: hub.handlingCostUsdPerFeu, costTonne: hub.handlingCostUsdPerTonne ?? perTonneOfFeuCharge(hub.handlingCostUsdPerFeu) });
    }
    for (const end of endsAtHub) {
      const directions: [number, number, number, number][] = [[h, end.layer, pPort, LAYER_SEA]];
      if (!f.oneway) directions.push([pPort, LAYER_SEA, h, end.layer]);
      for (const [a, la, b, lb] of directions) {
        const loadingDwellH = a === h ? end.timeH : port.handlingTimeH;
        const waitH = Math.max(0, f.headwayH / 2 - loadingDwellH);
        const row = ferryRow(fi, a, b, MODE_SEA, LAYER_GAUGE_MM[la === LAYER_SEA ? lb : la] ?? 0);
        row.waitTimeH = waitH;
        row.eventTimeH = waitH + end.timeH;
        row.eventCostUsdPerFeu = end.costFeu;
        row.costUsdPerFeu = f.costUsdPerFeu + end.costFeu;
        row.costUsdPerTeu = row.costUsdPerFeu * sea.teuCostRatio.value;
        row.costUsdPerTonne = perTonneOfFeuCharge(f.costUsdPerFeu) + end.costTonne;
        row.co2GPerTonne = f.distanceKm * sea.co2GPerTonneKm.value;
        push(nodeAt(a, la), nodeAt(b, lb), row);
      }
    }
    // a box loaded or discharged at the hub itself (its trip starts or ends there) changes no ship and no mode there:
    // these arcs join the hub's access node with the fed port's sea node, with no hub event; the wait counts beyond
    // the loading port's handling dwell, which is the trip end's dwell (--trip-end-dwell, routing/trip-ends.ts) at the
    // hub, as a trip starting at the fed port does
    const ends: [number, number, number][] = [[accessNodeOf(h), nodeAt(pPort, LAYER_SEA), hub.handlingTimeH]];
    if (!f.oneway) ends.push([nodeAt(pPort, LAYER_SEA), accessNodeOf(h), port.handlingTimeH]);
    for (const [u, v, loadingDwellH] of ends) {
      const row = ferryRow(fi, u === accessNodeOf(h) ? h : pPort, u === accessNodeOf(h) ? pPort : h, MODE_SEA, 0);
      row.waitTimeH = Math.max(0, f.headwayH / 2 - loadingDwellH);
      row.eventTimeH = row.waitTimeH;
      row.costUsdPerFeu = f.costUsdPerFeu;
      row.costUsdPerTeu = row.costUsdPerFeu * sea.teuCostRatio.value;
      row.costUsdPerTonne = perTonneOfFeuCharge(f.costUsdPerFeu);
      row.co2GPerTonne = f.distanceKm * sea.co2GPerTonneKm.value;
      push(u, v, row);
    }
  };
  /** Access node of a place (node p, compiled.ts). */
  const accessNodeOf = (p: number): number => p;

  // ferries: crossing time is moving time; the expected wait for a departure is headway / 2
  /** The sea port terminal of each place (the first record), for feeder hubs and feeder ports. */
  const seaPortOf = new Map<number, number>();
  net.terminals.forEach((t, ti) => {
    const p = placeIdx.get(t.place)!;
    if (t.type === "port" && t.modes.includes("sea") && !seaPortOf.has(p)) seaPortOf.set(p, ti);
  });
  net.ferries.forEach((f, fi) => {
    const a0 = placeIdx.get(f.from)!;
    const b0 = placeIdx.get(f.to)!;
    if (f.carries[0] === "sea") {
      pushSeaFeeder(fi, a0, b0);
      return;
    }
    f.carries.forEach((carried, k) => {
      const layer = ferryLayers[fi][k];
      const ends: [number, number][] = [[a0, b0]];
      if (!f.oneway) ends.push([b0, a0]);
      // the deck's own charge where the data give one (a truck's tariff on a rail/truck ferry), else the ferry's
      const deck = f.deckCharges.find((d) => d.deck === carried);
      for (const [a, b] of ends) {
        const row = ferryRow(fi, a, b, MODE_FERRY, carried === "rail" ? (f.gaugeMm ?? 0) : 0);
        const chargeUsd = deck === undefined ? f.costUsdPerFeu : a === a0 ? deck.costUsdPerFeu : (deck.returnCostUsdPerFeu ?? deck.costUsdPerFeu);
        row.waitTimeH = f.headwayH / 2;
        row.eventTimeH = f.headwayH / 2;
        row.costUsdPerFeu = chargeUsd;
        row.costUsdPerTeu = chargeUsd * modes[carried].teuCostRatio.value;
        row.costUsdPerTonne = perTonneOfFeuCharge(chargeUsd);
        row.co2GPerTonne = f.distanceKm * net.modes.ferryCo2GPerTonneKm.value;
        push(nodeAt(a, layer), nodeAt(b, layer), row);
      }
    });
  });

  // transfers: gauge changes and mode changes at terminals, default transfers where kinds allow them
  const transferRow = (kind: number, p: number, record: number, timeH: number, costFeu: number, costTonne: number | null, status: number, openYear: number): ArcRow => {
    const row = blankRow();
    row.kind = kind;
    row.status = status;
    row.openYear = openYear;
    row.eventTimeH = timeH;
    row.eventCostUsdPerFeu = costFeu;
    row.costUsdPerFeu = costFeu;
    row.costUsdPerTeu = costFeu * modes.rail.teuCostRatio.value;
    row.costUsdPerTonne = costTonne ?? perTonneOfFeuCharge(costFeu);
    row.record = record;
    row.fromPlace = p;
    row.toPlace = p;
    row.fromCountry = row.toCountry = countryOf(net.places[p]);
    return row;
  };
  /** Mode groups already joined by a terminal record at a place ("rail-road", "road-sea", ...). */
  const covered = new Set<string>();
  const pairKey = (p: number, m1: string, m2: string) => `${p}:${[m1, m2].sort().join("-")}`;
  net.terminals.forEach((t, ti) => {
    const p = placeIdx.get(t.place)!;
    const status = statusCode(t.status);
    const openYear = t.openYear ?? 0;
    const add = (l1: number, l2: number, kind: number) => {
      for (const [x, y] of [
        [l1, l2],
        [l2, l1],
      ]) {
        // a one-way yard reloads only trains arriving on its gauge
        if (kind === ARC_GAUGE_CHANGE && t.reloadsFromGaugeMm !== null && LAYER_GAUGE_MM[x] !== t.reloadsFromGaugeMm) continue;
        const row = transferRow(kind, p, ti, t.handlingTimeH, t.handlingCostUsdPerFeu, t.handlingCostUsdPerTonne, status, openYear);
        row.capacityTonnesPerYear = terminalCapacityTonnesPerYear(t, tonnesPerTrainPair);
        row.capacityTeuPerYear = t.capacityTeuPerYear ?? Number.NaN;
        push(nodeAt(p, x), nodeAt(p, y), row);
      }
    };
    if (t.type === "gauge_change") {
      const layers = [...new Set(t.gauges.map(railLayerOfGauge))].filter((l) => l >= 0 && nodeAt(p, l) >= 0);
      for (let i = 0; i < layers.length; i++) for (let j = i + 1; j < layers.length; j++) add(layers[i], layers[j], ARC_GAUGE_CHANGE);
      return;
    }
    const tModes = [...new Set(t.modes.filter((m) => m !== "ferry"))];
    for (let i = 0; i < tModes.length; i++) {
      for (let j = i + 1; j < tModes.length; j++) {
        covered.add(pairKey(p, tModes[i], tModes[j]));
        for (const l1 of layersOfMode(p, tModes[i])) for (const l2 of layersOfMode(p, tModes[j])) add(l1, l2, ARC_TRANSSHIPMENT);
      }
    }
  });
  const dt = net.modes.defaultTransfer;
  const defaultTonne = dt.handlingCostUsdPerTonne?.value ?? null;
  net.places.forEach((place, p) => {
    const k = new Set<string>(place.kinds);
    const pairs: [string, string][] = [];
    // rail↔road needs a container interchange: a dry port or seaport by kind, else an intermodal terminal record.
    // A plain rail_terminal (freight station) does not qualify: a block train's containers travel under one
    // consignment to the train's terminal and are not taken off at stations or border points on the way.
    if (k.has("dry_port") || k.has("seaport")) pairs.push(["rail", "road"]);
    if (k.has("seaport")) pairs.push(["sea", "rail"], ["sea", "road"]);
    if (k.has("airport")) pairs.push(["air", "road"]);
    for (const [m1, m2] of pairs) {
      if (covered.has(pairKey(p, m1, m2))) continue;
      for (const l1 of layersOfMode(p, m1)) {
        for (const l2 of layersOfMode(p, m2)) {
          push(nodeAt(p, l1), nodeAt(p, l2), transferRow(ARC_TRANSSHIPMENT, p, NO_INDEX, dt.handlingTimeH.value, dt.handlingCostUsdPerFeu.value, defaultTonne, 0, 0));
          push(nodeAt(p, l2), nodeAt(p, l1), transferRow(ARC_TRANSSHIPMENT, p, NO_INDEX, dt.handlingTimeH.value, dt.handlingCostUsdPerFeu.value, defaultTonne, 0, 0));
        }
      }
    }
  });

  // access arcs (not for sea waypoints: nobody starts or ends a journey in open sea)
  net.places.forEach((place, p) => {
    if (place.kinds.includes("waypoint")) return;
    for (let layer = 0; layer < LAYER_COUNT; layer++) {
      const v = nodeAt(p, layer);
      if (v < 0) continue;
      const depart = blankRow();
      depart.kind = ARC_ACCESS_DEPART;
      depart.fromPlace = depart.toPlace = p;
      depart.fromCountry = depart.toCountry = countryOf(place);
      depart.gaugeMm = LAYER_GAUGE_MM[layer];
      push(p, v, depart);
      const arrive = { ...depart, kind: ARC_ACCESS_ARRIVE };
      push(v, p, arrive);
    }
  });

  // 3. CSR and columns
  const graph = buildCsr(nodeCount, tails, heads);
  const columns = {} as Record<ColumnName, CompiledArcs[ColumnName]>;
  for (const [name, type] of ARC_COLUMNS) {
    const input = new TYPED[type](rows.length);
    for (let i = 0; i < rows.length; i++) input[i] = rows[i][name];
    columns[name] = permuteToCsr(graph, input);
  }
  const placeLonDeg = Float64Array.from(net.places, (p) => p.lonDeg);
  const placeLatDeg = Float64Array.from(net.places, (p) => p.latDeg);
  const placeCountry = Uint16Array.from(net.places, (p) => countryOf(p));
  const compiled = packCompiled({
    sourceHash: net.sourceHash,
    graph,
    placeCount,
    nodePlace,
    nodeLayer,
    noThrough,
    layerNodeOf,
    placeLonDeg,
    placeLatDeg,
    placeCountry,
    countries,
    arcs: columns as unknown as CompiledArcs,
    network: net,
  });
  const problems = checkCompiledNetwork(compiled);
  if (problems.length > 0) {
    throw new CaravanError("E_GRAPH_INVARIANT", `compiled network of ${net.dir} is inconsistent:\n  ${problems.slice(0, 20).join("\n  ")}`, { details: { problems } });
  }
  return compiled;
}
