/**
 * Route report: what a path means for one unit of cargo — totals, legs (maximal same-mode stretches), events
 * (border, gauge change, transshipment, port handling, ferry wait, opening-days wait), countries in order, the share
 * of estimated distances, the source references behind the figures, and GeoJSON geometry.
 *
 * Every arc's figures go to exactly one place: its moving part to its leg, its fixed part (dwell, waits, handling,
 * fees) to an event. So Σ legs + Σ events = the route totals = Σ over the path's arcs (tested).
 */
import {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_FERRY,
  ARC_GAUGE_CHANGE,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  LAYER_SEA,
  type CompiledNetwork,
  MODE_CODES,
  NO_COUNTRY,
  NO_INDEX,
} from "../network/compiled";
import type { ArcPath, RoutingContext, WeightSet } from "./context";
import { monthMaskOfRange } from "../network/build";
import type { LinkToll } from "../network/schema";
import { assumedOperations, feederOperation } from "./operations";
import { isPortHandling } from "./options";
import { borderDwellP90H, crossingWaitP90H, feederLoadingDwellH, feederWaitP90H, ferryWaitP90H, headwayFactor, isSeaArrivalArc, linkDelayOfArc, seaArrivalDelay, seaArrivalDelayApplies, seaArrivalDelayP90H, seasonalExtraWaitH } from "./reliability";
import { tripEndTable } from "./trip-ends";
import type { EventType, RouteEvent, RouteLeg, RouteSummary, SourceRef } from "./wire";

export { EVENT_TYPES } from "./wire";
export type { EventType, RouteEvent, RouteLeg, RouteSummary, SourceRef } from "./wire";





export interface GeoJsonFeature {
  type: "Feature";
  geometry: { type: "LineString"; coordinates: [number, number][] };
  properties: Record<string, string | number | null>;
}

/** A route as the engine builds it: the JSON summary plus the criterion value, the arc ids and the geometry. */
export interface RouteReport extends RouteSummary {
  /** Value of the optimised criterion (h, USD, kg or generalized USD). */
  criterionValue: number;
  /** CSR arc ids of the path (for traceability and further processing). */
  arcs: number[];
  geometry: { type: "FeatureCollection"; features: GeoJsonFeature[] };
}

const fmt1 = (h: number) => (Math.round(h * 10) / 10).toFixed(1);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthList(mask: number): string {
  return MONTHS.filter((_, m) => (mask & (1 << m)) !== 0).join(", ");
}

/** Id of the record behind an arc (link, ferry, terminal) or null. */
export function arcRecordId(net: CompiledNetwork, a: number): string | null {
  const r = net.arcs.record[a];
  if (r === NO_INDEX) return null;
  const kind = net.arcs.kind[a];
  if (kind === ARC_LINK) return net.network.links[r].id;
  if (kind === ARC_FERRY) return net.network.ferries[r].id;
  if (kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT) return net.network.terminals[r].id;
  return null;
}

/** The road tolls of a network by link id (links/*.yaml), built once per network. */
const tollCache = new WeakMap<CompiledNetwork, Map<string, LinkToll>>();
function tollsOf(net: CompiledNetwork): Map<string, LinkToll> {
  let m = tollCache.get(net);
  if (!m) {
    m = new Map((net.network.linkTolls ?? []).map((t) => [t.link, t]));
    tollCache.set(net, m);
  }
  return m;
}

const placeIndexCache = new WeakMap<CompiledNetwork, ReadonlyMap<string, number>>();

/** [place id] place index of a network, built once per network. */
function placeIndexes(net: CompiledNetwork): ReadonlyMap<string, number> {
  let index = placeIndexCache.get(net);
  if (!index) {
    index = new Map(net.network.places.map((p, i) => [p.id, i]));
    placeIndexCache.set(net, index);
  }
  return index;
}

/** Build the report of one path under a weight set. */
export function buildRouteReport(ctx: RoutingContext, set: WeightSet, arcsOfPath: ArcPath, rank: number): RouteReport {
  const net = ctx.net;
  const arcs = set.options.state.arcs;
  const places = net.network.places;
  const { timeH, costUsd, eventCostUsd, co2Kg } = set.columns;
  const legs: RouteLeg[] = [];
  const events: RouteEvent[] = [];
  const features: GeoJsonFeature[] = [];
  const refs = new Set<string>();
  const notes: string[] = [];
  const modes = net.network.modes;
  let leg: RouteLeg | null = null;
  /** The operation a link leg of each mode is timed with (the chosen one, else the mode's default; routing/operations.ts). */
  const operationOfMode = new Map<string, string>(assumedOperations(net, set.options.operations).map((o) => [o.mode, o.id]));
  /** The operation of a leg over a sea feeder record (operations.yaml `feeder: true`), null where the dataset names none. */
  const feederOp = feederOperation(net)?.id ?? null;
  /** Arc kind of the open leg: a sea feeder (a ferry arc of mode sea) starts a leg of its own after a sea link. */
  let legKind = -1;
  let coords: [number, number][] = [];
  let distanceKm = 0;
  let estimatedKm = 0;
  /** CO2 of transfer arcs before the first leg (none in current data), carried into that leg. */
  let pendingCo2Kg = 0;
  const placeCoord = (p: number): [number, number] => [net.placeLonDeg[p], net.placeLatDeg[p]];
  const closeLeg = () => {
    if (!leg) return;
    legs.push(leg);
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: coords },
      properties: { rank, leg: legs.length, mode: leg.mode, from: leg.from, to: leg.to, distanceKm: leg.distanceKm, timeH: leg.timeH, costUsd: leg.costUsd, co2Kg: leg.co2Kg },
    });
    leg = null;
    coords = [];
  };
  const placeIndexOf = placeIndexes(net);
  const month = set.options.month;
  let noSpreadCrossings = 0;
  const tolled = new Set<string>();
  const event = (type: EventType, a: number, eventTimeH: number, eventCost: number, ref: string | null, atPlace = arcs.fromPlace[a], p90H = eventTimeH) => {
    const p = atPlace;
    events.push({ type, at: places[p].id, atName: places[p].name, timeH: eventTimeH, timeP90H: p90H, costUsd: eventCost, ref });
  };

  const seaDelay = seaArrivalDelayApplies(net, set.options.profile.id) ? seaArrivalDelay(net) : null;
  const seaArrivalP90H = seaArrivalDelayP90H(net);
  for (const a of arcsOfPath) {
    const kind = arcs.kind[a];
    if (seaDelay !== null && seaArrivalP90H > 0 && isSeaArrivalArc(net, arcs, a)) {
      // the liner's arrival at the port where the box leaves the sea: no expected time (the schedule), a P90 delay
      refs.add(seaDelay.source.join("|"));
      event("sea_arrival", a, 0, 0, seaDelay.operation, arcs.fromPlace[a], seaArrivalP90H);
    }
    if (kind === ARC_ACCESS_DEPART || kind === ARC_ACCESS_ARRIVE) {
      // trip-end terminal dwell: all of the arc is an event (none where the trip starts or ends by road)
      if (timeH[a] > 0 || costUsd[a] > 0) {
        const r = set.options.tripEndDwell ? tripEndTable(net, arcs).record[a] : NO_INDEX;
        if (r !== NO_INDEX) refs.add(net.network.terminals[r].source.join("|"));
        else {
          refs.add(modes.defaultTransfer.handlingTimeH.source.join("|"));
          refs.add(modes.defaultTransfer.handlingCostUsdPerFeu.source.join("|"));
        }
        event("terminal_dwell", a, timeH[a], costUsd[a], r === NO_INDEX ? null : net.network.terminals[r].id);
      }
      continue;
    }
    const from = arcs.fromPlace[a];
    const to = arcs.toPlace[a];
    if (kind === ARC_LINK || kind === ARC_FERRY) {
      const mode = MODE_CODES[arcs.mode[a]];
      if (!leg || leg.mode !== mode || legKind !== kind) {
        closeLeg();
        legKind = kind;
        // ferry and feeder legs are timed by their sailing records; a sea feeder's leg names the feeder operation
        const seaFeeder = kind === ARC_FERRY && net.network.ferries[arcs.record[a]]?.carries[0] === "sea";
        const operation: string | null = kind === ARC_LINK ? (operationOfMode.get(mode) ?? null) : seaFeeder ? feederOp : null;
        leg = { mode, operation, from: places[from].id, to: places[to].id, fromName: places[from].name, toName: places[to].name, distanceKm: 0, timeH: 0, costUsd: 0, co2Kg: pendingCo2Kg };
        pendingCo2Kg = 0;
        if (mode === "rail") leg.gaugesMm = [];
        coords = [placeCoord(from)];
      }
      const current: RouteLeg = leg;
      current.to = places[to].id;
      current.toName = places[to].name;
      coords.push(placeCoord(to));
      if (current.gaugesMm && current.gaugesMm[current.gaugesMm.length - 1] !== arcs.gaugeMm[a]) current.gaugesMm.push(arcs.gaugeMm[a]);
      distanceKm += arcs.distanceKm[a];
      if (arcs.distanceEstimated[a] === 1) estimatedKm += arcs.distanceKm[a];
      current.distanceKm += arcs.distanceKm[a];
      current.co2Kg += co2Kg[a];
      // the fixed parts of the arc become events; the rest is the leg's
      let eventTimeH = 0;
      let eventCost = 0;
      const record = arcs.record[a];
      if (kind === ARC_LINK) {
        const link = net.network.links[record];
        refs.add(link.source.join("|"));
        refs.add(link.distanceSource.join("|"));
        const toll = tollsOf(net).get(link.id);
        if (toll !== undefined && !tolled.has(link.id)) {
          // a road toll (links/*.yaml) is in the leg's cost; the route names it once per link
          tolled.add(link.id);
          refs.add(toll.source.join("|"));
          const road = modes.modes.road;
          const perTonne = toll.tollUsdPerTruck / (road.costUsdPerFeuKm.value / road.costUsdPerTonneKm.value);
          notes.push(`${link.id}: toll road, USD ${toll.tollUsdPerTruck.toFixed(0)} a truck each way (USD ${perTonne.toFixed(1)} a tonne of bulk; ${toll.year} tariff), in the leg's cost`);
        }
        const params = mode === "rail" || mode === "road" || mode === "sea" || mode === "air" ? modes.modes[mode] : null;
        if (params) {
          const country = places[from].country ?? "";
          refs.add((params.speedKmhByCountry[country] ?? params.speedKmh).source.join("|"));
          const tariff =
            set.options.profile.costBasis === "tonne"
              ? (params.costUsdPerTonneKmByCountry?.[country] ?? params.costUsdPerTonneKm)
              : (params.costUsdPerFeuKmByCountry[country] ?? params.costUsdPerFeuKm);
          refs.add(tariff.source.join("|"));
          refs.add(params.co2GPerTonneKm.source.join("|"));
        }
        const ci = arcs.crossing[a];
        if (ci !== NO_INDEX) {
          const crossing = net.network.crossings[ci];
          refs.add(crossing.source.join("|"));
          const dwell = crossing.dwell.find((d) => d.fromCountry === places[from].country) ?? crossing.dwell[0];
          refs.add(dwell.source.join("|"));
          const waitH = arcs.waitTimeH[a];
          // the event happens at the crossing's border station on the side being left (the link may start earlier)
          const side = crossing.countries.indexOf(places[from].country ?? "");
          const station = placeIndexOf.get(crossing.places[Math.max(0, side)]) ?? from;
          if (Number.isNaN(arcs.dwellHighH[a])) noSpreadCrossings++;
          event("border", a, arcs.eventTimeH[a] - waitH, eventCostUsd[a], crossing.id, station, borderDwellP90H(arcs, a));
          if (waitH > 0) event("closure_wait", a, waitH, 0, crossing.id, station, Math.max(waitH, crossingWaitP90H(crossing)));
          eventTimeH = arcs.eventTimeH[a];
          eventCost = eventCostUsd[a];
          const last = crossing.seasonalClosure?.lastYear ?? null;
          // a closure that has ended (last year set) matters only to a query naming a year up to it
          const closureApplies = last === null || (set.options.year !== null && set.options.year <= last);
          if (crossing.seasonalClosure && closureApplies && set.options.month === null && arcs.closedMonthMask[a] !== 0) {
            notes.push(`${crossing.name} is closed seasonally (${monthList(arcs.closedMonthMask[a])})${last ? ` up to ${last}` : ""}; give a month to check`);
          }
          const disruption = crossing.seasonalDisruption;
          if (disruption) {
            const mask = monthMaskOfRange(disruption.from, disruption.to);
            if (month === null || (mask & (1 << (month - 1))) !== 0) {
              refs.add(disruption.source.join("|"));
              notes.push(`${crossing.name} (${monthList(mask)}): ${disruption.what}; how often is not known, so it is not in timeH or timeP90H`);
            }
          }
        }
        // a link's seasonal calendar (links/*.yaml): its delay in the month is a closure_wait on the link
        const season = linkDelayOfArc(net, arcs, a);
        if (season !== null) {
          const seasonNote = season.season.notes ? ` (${season.season.notes})` : "";
          if (month !== null && (season.mask & (1 << (month - 1))) !== 0) {
            refs.add(season.season.source.join("|"));
            event("closure_wait", a, season.delayH, 0, link.id, from, season.delayP90H);
            eventTimeH += season.delayH;
            notes.push(`${link.id}: in ${MONTHS[month - 1]} a seasonal delay of ${fmt1(season.delayH)} h (P90 ${fmt1(season.delayP90H)} h)${seasonNote}`);
          } else if (month === null) notes.push(`${link.id} has a seasonal delay (${monthList(season.mask)}, ${fmt1(season.delayH)} h, P90 ${fmt1(season.delayP90H)} h); give a month to include it`);
        } else if (ci === NO_INDEX && month === null && arcs.closedMonthMask[a] !== 0) {
          const last = arcs.closureLastYear[a];
          if (last === 0 || (set.options.year !== null && set.options.year <= last)) {
            notes.push(`${link.id} is closed seasonally (${monthList(arcs.closedMonthMask[a])})${last ? ` up to ${last}` : ""}; give a month to check`);
          }
        }
      } else {
        const ferry = net.network.ferries[record];
        refs.add(ferry.source.join("|"));
        const extraH = seasonalExtraWaitH(net, arcs, a, month);
        const delay = ferry.seasonalDelay;
        if (delay) {
          const mask = monthMaskOfRange(delay.from, delay.to);
          if (extraH > 0) {
            refs.add(delay.source.join("|"));
            notes.push(`${ferry.name}: in ${MONTHS[(month ?? 1) - 1]} the service runs ${Math.round(delay.openShare * 100)} % of the time (weather), so the wait is ${(1 / delay.openShare).toFixed(1)} × the usual`);
          } else if (month === null) notes.push(`${ferry.name} is disrupted by weather (${monthList(mask)}, runs ${Math.round(delay.openShare * 100)} % of the time); give a month to include it`);
        }
        const p90H = arcs.eventTimeH[a] - arcs.waitTimeH[a] + ferryWaitP90H(net, arcs, a, month);
        if (ferry.carries[0] === "sea") {
          // a sea feeder: the hub's transshipment (both ends at sea) or port handling (a land end at the hub), then or
          // before the wait for the sailing at the loading end (build.ts, rule feeder-wait-beyond-dwell)
          const hub = placeIndexOf.get(ferry.from) ?? arcs.fromPlace[a];
          const ti = net.network.terminals.findIndex((t) => t.type === "port" && t.place === ferry.from && t.modes.includes("sea"));
          const handlingH = arcs.eventTimeH[a] - arcs.waitTimeH[a];
          const atSea = net.nodeLayer[net.graph.tail[a]] === LAYER_SEA && net.nodeLayer[net.graph.head[a]] === LAYER_SEA;
          // an arc that starts or ends the trip at the hub (build.ts) has no hub event; with --trip-end-dwell it
          // carries the hub's trip-end dwell (trip-ends.ts), what its columns hold beyond the compiled arc
          const tripEnd = set.options.tripEndDwell ? tripEndTable(net, arcs) : null;
          const endSide = tripEnd?.feederEnd[a] ?? 0;
          const endDwellH = endSide !== 0 ? timeH[a] - arcs.travelTimeH[a] - arcs.eventTimeH[a] - extraH : 0;
          const endDwellCost = endSide !== 0 ? eventCostUsd[a] : 0;
          const endDwell = () => {
            if (endSide === 0 || (endDwellH <= 1e-9 && endDwellCost <= 0) || tripEnd === null) return;
            const r = tripEnd.record[a];
            if (r !== NO_INDEX) refs.add(net.network.terminals[r].source.join("|"));
            event("terminal_dwell", a, endDwellH, endDwellCost, r === NO_INDEX ? null : net.network.terminals[r].id, hub);
          };
          const handling = () => {
            if (endSide !== 0) return endDwell();
            if (handlingH <= 0 && eventCostUsd[a] <= 0) return;
            if (ti >= 0) refs.add(net.network.terminals[ti].source.join("|"));
            event(atSea ? "transshipment" : "port_handling", a, handlingH, eventCostUsd[a], ti >= 0 ? net.network.terminals[ti].id : null, hub);
          };
          const wait = () => {
            // P90 from the feeder's service interval beyond the loading dwell (reliability.ts, rule feeder-wait-p90).
            // The event is listed even where the mean and the P90 wait are inside the dwell (0 h): it names the feeder
            // sailed, and a note gives its headway and the dwell that holds the wait
            const waitH = arcs.waitTimeH[a] + extraH;
            const waitP90H = Math.max(waitH, feederWaitP90H(net, arcs, a, month));
            if (waitP90H > 0 && net.network.rules["feeder-wait-p90"] !== undefined) refs.add("estimate:feeder-wait-p90");
            if (net.network.rules["feeder-wait-beyond-dwell"] !== undefined) refs.add("estimate:feeder-wait-beyond-dwell");
            event("ferry_wait", a, waitH, 0, ferry.id, arcs.fromPlace[a], waitP90H);
            const headwayH = ferry.headwayH * headwayFactor(net, arcs, a, month);
            const dwellH = feederLoadingDwellH(net, arcs, a);
            const loading = places[arcs.fromPlace[a]].name;
            const dwellKind = arcs.fromPlace[a] !== hub ? "port handling" : atSea ? "transshipment dwell" : "port handling";
            // where the trip starts at the loading port (no handling event there), the dwell is the trip end's
            const handled = events.some((e) => e.at === places[arcs.fromPlace[a]].id && (e.type === "transshipment" || e.type === "port_handling"));
            const dwellText = `the ${fmt1(dwellH)} h ${dwellKind} at ${loading}${handled ? "" : " (a trip end: its dwell is counted only with --trip-end-dwell)"}`;
            const held =
              waitP90H <= 0
                ? `lies inside ${dwellText}, so it adds no time (ferry_wait 0 h)`
                : waitH <= 0
                  ? `lies inside ${dwellText}; only its P90 goes beyond it, by ${fmt1(waitP90H)} h`
                  : `goes beyond ${dwellText} by ${fmt1(waitH)} h (P90 ${fmt1(waitP90H)} h)`;
            notes.push(
              `feeder ${ferry.id}, leg ${legs.length + 1} ${places[arcs.fromPlace[a]].name} → ${places[arcs.toPlace[a]].name}: ` +
                `a sailing every ${fmt1(headwayH)} h; the wait for it, ${fmt1(headwayH / 2)} h on average (P90 ${fmt1(0.9 * headwayH)} h), ${held} (rule feeder-wait-beyond-dwell)`,
            );
          };
          if (arcs.fromPlace[a] === hub) {
            handling();
            wait();
          } else {
            wait();
            handling();
          }
          eventTimeH = Math.max(0, endDwellH);
        } else if (arcs.waitTimeH[a] > 0 || arcs.eventTimeH[a] > 0) event("ferry_wait", a, arcs.eventTimeH[a] + extraH, eventCostUsd[a], ferry.id, arcs.fromPlace[a], p90H);
        eventTimeH += arcs.eventTimeH[a] + extraH;
        eventCost = eventCostUsd[a];
      }
      current.timeH += timeH[a] - eventTimeH;
      current.costUsd += costUsd[a] - eventCost;
      continue;
    }
    // transfers: all of the arc is an event
    const type: EventType = kind === ARC_GAUGE_CHANGE ? "gauge_change" : isPortHandling(net, a) ? "port_handling" : "transshipment";
    const ref = arcRecordId(net, a);
    if (ref !== null) refs.add(net.network.terminals[arcs.record[a]].source.join("|"));
    else {
      refs.add(modes.defaultTransfer.handlingTimeH.source.join("|"));
      refs.add(modes.defaultTransfer.handlingCostUsdPerFeu.source.join("|"));
    }
    event(type, a, timeH[a], costUsd[a], ref);
    // a transfer emits nothing by itself, but keep the totals exact if a dataset says otherwise
    if (leg) (leg as RouteLeg).co2Kg += co2Kg[a];
    else pendingCo2Kg += co2Kg[a];
  }
  closeLeg();

  // countries in order of traversal
  const countries: string[] = [];
  const pushCountry = (c: number) => {
    if (c === NO_COUNTRY) return;
    const iso = net.countries[c];
    if (countries[countries.length - 1] !== iso) countries.push(iso);
  };
  for (const a of arcsOfPath) {
    pushCountry(arcs.fromCountry[a]);
    pushCountry(arcs.toCountry[a]);
  }
  const first = arcsOfPath.length > 0 ? places[arcs.fromPlace[arcsOfPath[0]]].country : null;
  const last = arcsOfPath.length > 0 ? places[arcs.toPlace[arcsOfPath[arcsOfPath.length - 1]]].country : null;
  const transitCountries = [...new Set(countries.filter((c) => c !== first && c !== last))];

  const sources: SourceRef[] = [];
  const seen = new Set<string>();
  for (const group of refs) {
    for (const ref of group.split("|")) {
      if (ref === "" || seen.has(ref)) continue;
      seen.add(ref);
      const [kind, id] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
      if (kind === "src") {
        const s = net.network.sources[id];
        sources.push({ ref, title: s?.title ?? "(unknown source)", url: s?.url ?? null, year: s?.year ?? null });
      } else if (kind === "estimate") {
        sources.push({ ref, title: net.network.rules[id]?.description ?? "estimate", url: null, year: null });
      } else sources.push({ ref, title: ref, url: null, year: null });
    }
  }
  sources.sort((x, y) => x.ref.localeCompare(y.ref));

  if (noSpreadCrossings > 0) notes.push(`${noSpreadCrossings} border crossing(s) on the route have no high dwell figure: their P90 is the median`);
  let totalTimeH = 0;
  let totalCostUsd = 0;
  let totalCo2Kg = 0;
  let criterionValue = 0;
  for (const a of arcsOfPath) {
    totalTimeH += timeH[a];
    totalCostUsd += costUsd[a];
    totalCo2Kg += co2Kg[a];
    criterionValue += set.weight[a];
  }
  return {
    rank,
    timeH: totalTimeH,
    timeP90H: legs.reduce((s, l) => s + l.timeH, 0) + events.reduce((s, e) => s + e.timeP90H, 0),
    costUsd: totalCostUsd,
    co2Kg: totalCo2Kg,
    distanceKm,
    criterionValue,
    countries,
    transitCountries,
    legs,
    events,
    estimatedDistanceShare: distanceKm > 0 ? estimatedKm / distanceKm : 0,
    notes: [...new Set(notes)],
    sources,
    arcs: [...arcsOfPath],
    geometry: { type: "FeatureCollection", features },
  };
}
