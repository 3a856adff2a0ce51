/**
 * Reliability of a route: the seasonal ferry delays of a month and the 90th-percentile ("P90") time of each event,
 * whose sum is the route's `timeP90H`. The rule (docs/routing.md, "Reliability"):
 *
 *   border       the crossing's `highH` dwell (a high percentile: p90 or the top of a reported range, as the data
 *                give it, data/…/borders); the median where the data give no spread.
 *   closure_wait a uniform arrival over the week at a crossing open on some weekdays: P(wait > w) =
 *                Σ_runs max(0, L − w/24) / 7 over the runs of L consecutive closed days; P90 = the w where that is 0.1.
 *   ferry_wait   a uniform arrival between sailings H hours apart waits U(0, H): mean H/2 (the model's time), P90
 *                0.9 H. In a month of a ferry's `seasonalDelay` the service runs openShare of the time, so H becomes
 *                H / openShare (mean and P90 alike).
 *   feeder wait  a sea feeder's wait counts beyond the dwell d the loading end already charges (rule
 *                feeder-wait-beyond-dwell): mean max(0, H/2 − d). Its P90 is from the same service interval (rule
 *                feeder-wait-p90): the box waits U(0, H) for the next sailing, of which d is already in the dwell,
 *                so P90 = max(0, 0.9 H − d), H the feeder's headwayH (its sourced frequency), stretched as above.
 *   link season  in a month of a link's seasonal delay (links/*.yaml) the arc waits delayH on average (its time)
 *                and delayP90H at P90 (a closure_wait event on the link).
 *   sea_arrival  where a box leaves the sea at a port (a transshipment arc or the trip's end out of the sea layer),
 *                the liner's arrival delay (rule ops-sea-arrival-delay-p90): on time with probability s, else late by
 *                an exponential delay of mean m, so P90 = m ln((1 − s) / 0.1) (0 when 1 − s ≤ 0.1); its expected time
 *                is 0 (the sea speed is the services' scheduled speed). s and m: the default sea operation's
 *                `arrivalDelay` (operations.yaml). A box that came by feeder is counted as a liner's.
 *   terminals    gauge change, transshipment and port handling have one figure in the data: P90 = that figure.
 *   moving time  legs have no spread in the data: P90 = moving time.
 *
 * Route timeP90H = moving time + Σ event P90s: every delay at its P90 at once (the comonotone sum). For independent
 * delays the route's true P90 lies below it, so it is a pessimistic planning figure, not a forecast.
 */
import { monthMaskOfRange } from "../network/build";
import { ARC_ACCESS_ARRIVE, ARC_FERRY, ARC_LINK, ARC_TRANSSHIPMENT, type CompiledArcs, type CompiledNetwork, LAYER_ACCESS, LAYER_SEA, NO_INDEX } from "../network/compiled";
import type { Operation } from "../network/operations";
import type { Crossing, LinkSeason } from "../network/schema";

/** Share of time a uniform arrival waits beyond its P90. */
const P90_TAIL = 0.1;

/** The dataset's default sea operation (operations.yaml), whose `arrivalDelay` and `cargo` the sea arrival takes. */
function defaultSeaOperation(net: CompiledNetwork): Operation | undefined {
  return (net.network.operations ?? []).find((o) => o.mode === "sea" && o.default);
}

/** The default sea operation's arrival delay (operations.yaml `arrivalDelay`), or null. */
export function seaArrivalDelay(net: CompiledNetwork): { onTimeShare: number; lateMeanDelayH: number; source: readonly string[]; operation: string } | null {
  const op = defaultSeaOperation(net);
  return op?.arrivalDelay ? { ...op.arrivalDelay, operation: op.id } : null;
}

/**
 * P90 of a liner's arrival delay at a port call, hours (rule ops-sea-arrival-delay-p90): late with probability
 * 1 − s by an exponential delay of mean m, P(delay > d) = (1 − s) e^(−d/m), so P90 = m ln((1 − s) / 0.1); 0 when
 * 1 − s ≤ 0.1 or the dataset gives no arrival delay.
 */
export function seaArrivalDelayP90H(net: CompiledNetwork): number {
  const d = seaArrivalDelay(net);
  if (d === null) return 0;
  const late = 1 - d.onTimeShare;
  return late > P90_TAIL ? d.lateMeanDelayH * Math.log(late / P90_TAIL) : 0;
}

/**
 * true when the arrival delay concerns a shipment of cargo profile `profileId`: the default sea operation's `cargo`
 * names it or is empty (a liner's schedule; bulk carriers sail on no schedule the figure measures).
 */
export function seaArrivalDelayApplies(net: CompiledNetwork, profileId: string): boolean {
  const op = defaultSeaOperation(net);
  return op?.arrivalDelay !== undefined && (op.cargo.length === 0 || op.cargo.includes(profileId));
}

/** true where a box leaves the sea at a port: a transshipment arc or a trip-end arrival out of a sea-layer node. */
export function isSeaArrivalArc(net: CompiledNetwork, arcs: CompiledArcs, arc: number): boolean {
  const kind = arcs.kind[arc];
  return (kind === ARC_TRANSSHIPMENT || kind === ARC_ACCESS_ARRIVE) && net.nodeLayer[net.graph.tail[arc]] === LAYER_SEA;
}

/** Month mask of each ferry's seasonal delay ([ferry] 0 = none), cached per network. */
const delayMasks = new WeakMap<CompiledNetwork, Uint16Array>();

function ferryDelayMasks(net: CompiledNetwork): Uint16Array {
  let masks = delayMasks.get(net);
  if (!masks) {
    masks = new Uint16Array(net.network.ferries.length);
    net.network.ferries.forEach((f, i) => {
      if (f.seasonalDelay) (masks as Uint16Array)[i] = monthMaskOfRange(f.seasonalDelay.from, f.seasonalDelay.to);
    });
    delayMasks.set(net, masks);
  }
  return masks;
}

/**
 * Factor on the headway of a ferry arc in `month` (1–12): 1 / openShare in a month its seasonalDelay touches, 1
 * otherwise (other arcs, month null).
 */
export function headwayFactor(net: CompiledNetwork, arcs: CompiledArcs, arc: number, month: number | null): number {
  if (month === null || arcs.kind[arc] !== ARC_FERRY) return 1;
  const r = arcs.record[arc];
  if (r === NO_INDEX) return 1;
  if ((ferryDelayMasks(net)[r] & (1 << (month - 1))) === 0) return 1;
  const delay = net.network.ferries[r].seasonalDelay;
  return delay ? 1 / delay.openShare : 1;
}

/** A link's seasonal delay compiled for lookup: month mask, mean and P90 hours. */
export interface LinkDelay {
  readonly mask: number;
  readonly delayH: number;
  readonly delayP90H: number;
  readonly season: LinkSeason;
}

/** [link] seasonal delay of each link (null = none), cached per network. */
const linkDelayTables = new WeakMap<CompiledNetwork, (LinkDelay | null)[]>();

function linkDelays(net: CompiledNetwork): (LinkDelay | null)[] {
  let table = linkDelayTables.get(net);
  if (!table) {
    const byId = new Map<string, LinkDelay>();
    for (const z of net.network.linkSeasons ?? []) {
      if (z.closed || z.delayH === null) continue;
      byId.set(z.link, { mask: monthMaskOfRange(z.from, z.to), delayH: z.delayH, delayP90H: Math.max(z.delayH, z.delayP90H ?? z.delayH), season: z });
    }
    table = net.network.links.map((l) => byId.get(l.id) ?? null);
    linkDelayTables.set(net, table);
  }
  return table;
}

/** The seasonal delay of a link arc whatever the month (null: not a link arc, or no delay). */
export function linkDelayOfArc(net: CompiledNetwork, arcs: CompiledArcs, arc: number): LinkDelay | null {
  if (arcs.kind[arc] !== ARC_LINK) return null;
  const r = arcs.record[arc];
  return r === NO_INDEX ? null : (linkDelays(net)[r] ?? null);
}

/** The seasonal delay of a link arc in `month` (null: none, or month null or outside its months). */
export function linkDelayInMonth(net: CompiledNetwork, arcs: CompiledArcs, arc: number, month: number | null): LinkDelay | null {
  if (month === null) return null;
  const d = linkDelayOfArc(net, arcs, arc);
  return d !== null && (d.mask & (1 << (month - 1))) !== 0 ? d : null;
}

/**
 * Extra expected wait of the arc in `month` from a seasonal delay, hours (0 for most arcs): a ferry's stretched
 * headway, or a link's seasonal delayH. The one place a month's delays enter arc times (route, matrix, assignment).
 */
export function seasonalExtraWaitH(net: CompiledNetwork, arcs: CompiledArcs, arc: number, month: number | null): number {
  const link = linkDelayInMonth(net, arcs, arc, month);
  if (link !== null) return link.delayH;
  const f = headwayFactor(net, arcs, arc, month);
  return f === 1 ? 0 : arcs.waitTimeH[arc] * (f - 1);
}

/** P90 of the ferry wait: 0.9 × the (seasonally stretched) headway; the headway is 2 × the mean wait. */
export function ferryWaitP90H(net: CompiledNetwork, arcs: CompiledArcs, arc: number, month: number | null): number {
  return (1 - P90_TAIL) * 2 * arcs.waitTimeH[arc] * headwayFactor(net, arcs, arc, month);
}

/** Whether a ferry arc is a sea feeder (a ferry record carrying [sea]). */
export function isSeaFeederArc(net: CompiledNetwork, arcs: CompiledArcs, arc: number): boolean {
  if (arcs.kind[arc] !== ARC_FERRY) return false;
  const r = arcs.record[arc];
  return r !== NO_INDEX && net.network.ferries[r]?.carries[0] === "sea";
}

/**
 * The dwell a sea feeder arc's loading end already charges, hours (network/build.ts): on an arc leaving the hub, the
 * hub's transshipment or port handling on the arc itself, or the hub port's handling (the trip end's dwell) on an
 * arc that starts the trip at the hub; on an arc leaving the fed port, that port's handling.
 */
export function feederLoadingDwellH(net: CompiledNetwork, arcs: CompiledArcs, arc: number): number {
  const f = net.network.ferries[arcs.record[arc]];
  const from = net.network.places[arcs.fromPlace[arc]]?.id;
  if (from === f.from && net.nodeLayer[net.graph.tail[arc]] !== LAYER_ACCESS) return arcs.eventTimeH[arc] - arcs.waitTimeH[arc];
  const port = net.network.terminals.find((t) => t.type === "port" && t.place === from && t.modes.includes("sea"));
  return port?.handlingTimeH ?? 0;
}

/**
 * P90 of a sea feeder's wait beyond the loading end's dwell (rule feeder-wait-p90): max(0, 0.9 × H − dwell), H the
 * feeder's headwayH (× 1 / openShare in a month of its seasonal delay).
 */
export function feederWaitP90H(net: CompiledNetwork, arcs: CompiledArcs, arc: number, month: number | null): number {
  const f = net.network.ferries[arcs.record[arc]];
  return Math.max(0, (1 - P90_TAIL) * f.headwayH * headwayFactor(net, arcs, arc, month) - feederLoadingDwellH(net, arcs, arc));
}

/** P90 of the border dwell of a border arc: max(high, median), the median where the data give no high figure. */
export function borderDwellP90H(arcs: CompiledArcs, arc: number): number {
  const median = arcs.eventTimeH[arc] - arcs.waitTimeH[arc];
  const high = arcs.dwellHighH[arc];
  return Number.isNaN(high) ? median : Math.max(high, median);
}

/** Lengths in days of the maximal runs of closed weekdays (cyclic week) of an opening pattern. */
export function closedRunsDays(openDays: readonly number[]): number[] {
  const open = new Set(openDays);
  if (open.size === 0 || open.size === 7) return [];
  // start right after an open day so no run wraps
  const start = [...open][0];
  const runs: number[] = [];
  let run = 0;
  for (let k = 1; k <= 7; k++) {
    const day = ((start - 1 + k) % 7) + 1;
    if (open.has(day)) {
      if (run > 0) runs.push(run);
      run = 0;
    } else run++;
  }
  if (run > 0) runs.push(run);
  return runs;
}

/** P90 of the wait for the next opening day at a uniformly random time of the week, hours (0 if open daily). */
export function openingWaitP90H(openDays: readonly number[]): number {
  const runs = closedRunsDays(openDays);
  if (runs.length === 0) return 0;
  const tail = (wH: number) => runs.reduce((s, L) => s + Math.max(0, L - wH / 24), 0) / 7;
  if (tail(0) <= P90_TAIL) return 0;
  let lo = 0;
  let hi = 24 * Math.max(...runs);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > P90_TAIL) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** P90 of the opening-days wait at a crossing (see openingWaitP90H). */
export function crossingWaitP90H(crossing: Crossing): number {
  return openingWaitP90H(crossing.openDays);
}

/** Event buffers per arcs object and month (key: month, 0 = none), cached: a column is derived once per state. */
const bufferColumns = new WeakMap<CompiledArcs, Map<number, Float64Array>>();

/**
 * [arc] reliability buffer of the arc's events in `month`, hours: Σ (event P90 − event time) of the events the route
 * report lists for it (routing/report.ts), so over a route it sums to timeP90H − timeH:
 *   border crossing  (P90 dwell − median dwell) + (P90 closure wait − mean closure wait);
 *   link season      delayP90H − delayH in a month of the link's seasonal delay;
 *   ferry            P90 wait − mean wait (seasonally stretched in `month`; a sea feeder's by rule feeder-wait-p90);
 *   sea arrival      the liner's P90 arrival delay where a box leaves the sea (seaArrivalDelayP90H; mean 0), for the
 *                    cargo profiles it concerns (`profileId`; null = every profile);
 *   other arcs       0 (moving time and terminals have no spread in the data).
 * The generalized criterion prices it at ρ × value of time (RouteOptions.reliabilityRatio).
 */
export function arcEventBufferH(net: CompiledNetwork, arcs: CompiledArcs, month: number | null, profileId: string | null = null): Float64Array {
  let byMonth = bufferColumns.get(arcs);
  if (!byMonth) {
    byMonth = new Map();
    bufferColumns.set(arcs, byMonth);
  }
  // the liner's arrival delay concerns the profiles of the sea operation's cargo (all when no profile is named)
  const withSea = profileId === null || seaArrivalDelayApplies(net, profileId);
  const key = (month ?? 0) + (withSea ? 0 : 100);
  const cached = byMonth.get(key);
  if (cached) return cached;
  const n = arcs.kind.length;
  const buffer = new Float64Array(n);
  const crossings = net.network.crossings;
  const closureP90 = crossings.map((c) => crossingWaitP90H(c));
  const seaArrivalP90H = withSea ? seaArrivalDelayP90H(net) : 0;
  for (let a = 0; a < n; a++) {
    const kind = arcs.kind[a];
    if (seaArrivalP90H > 0 && isSeaArrivalArc(net, arcs, a)) buffer[a] += seaArrivalP90H;
    if (kind === ARC_LINK) {
      const season = linkDelayInMonth(net, arcs, a, month);
      if (season !== null) buffer[a] += season.delayP90H - season.delayH;
      const ci = arcs.crossing[a];
      if (ci === NO_INDEX) continue;
      const waitH = arcs.waitTimeH[a];
      const medianH = arcs.eventTimeH[a] - waitH;
      let b = borderDwellP90H(arcs, a) - medianH;
      if (waitH > 0) b += Math.max(waitH, closureP90[ci]) - waitH;
      buffer[a] += b;
    } else if (kind === ARC_FERRY) {
      if (arcs.record[a] === NO_INDEX) continue;
      const p90 = isSeaFeederArc(net, arcs, a) ? feederWaitP90H(net, arcs, a, month) : ferryWaitP90H(net, arcs, a, month);
      buffer[a] = Math.max(0, p90 - arcs.waitTimeH[a] - seasonalExtraWaitH(net, arcs, a, month));
    }
  }
  byMonth.set(key, buffer);
  return buffer;
}
