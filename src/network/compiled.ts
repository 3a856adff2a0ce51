/**
 * The compiled multimodal network: the one working form that routing and assignment read. Built once from the
 * loaded records (build.ts `compileNetwork`), packed into one ArrayBuffer with a versioned header (binary.ts) and
 * revived without copying (`fromBuffer`). See docs/graph.md.
 *
 * Nodes
 *   - Node = (place, layer). Layers: rail1435, rail1520, rail1000, rail1067, rail1668, rail1676, road, sea, air. A layer node
 *     exists only where the place has a link or ferry end in that layer.
 *   - Plus one ACCESS node per place; access node of place p is node p (`accessNode(p)`), so nodes
 *     0 .. placeCount-1 are the access nodes and layer nodes follow. Access nodes are `noThrough` (= 1): a query
 *     starts or ends at a place in any layer (ACCESS_DEPART access→layer, ACCESS_ARRIVE layer→access, both at zero
 *     time and cost) but can never pass through one, so it never changes layer for free.
 *
 * Arcs (kind in `arcs.kind`)
 *   - LINK: one rail/road/sea/air link, in its layer (two arcs for a both-way link, one for a oneway link).
 *   - FERRY: a ferry service between the same layer at both ends (rail<gauge> for rail wagons, road for trucks; a
 *     ferry carrying both gives arcs in both layers). A sea feeder (a ferry record carrying [sea]) has mode SEA and
 *     joins the fed port's sea node with its hub's sea node (transshipment at the hub in the arc's event) or with
 *     the hub's rail/road nodes (port handling at the hub in the event). A feeder-only port's sea links are
 *     compiled (bulk ships call there); a container query closes them (routing/feeders.ts). A feeder also joins
 *     its hub's access node with the fed port's sea node (no hub event) for a trip that starts or ends at the hub:
 *     the one kind of arc other than ACCESS_* that touches an access node.
 *   - GAUGE_CHANGE: rail<g1> ↔ rail<g2> at a gauge_change terminal (both directions).
 *   - TRANSSHIPMENT: a mode change at one place: rail↔road (intermodal terminals, dry ports, rail terminals,
 *     cities), sea↔rail/road (ports), air↔road (airports), with the terminal's handling time and cost, or the
 *     dataset's default transfer where the place's kinds allow the transfer but it has no terminal record.
 *   - ACCESS_DEPART / ACCESS_ARRIVE: between a place's access node and each of its layer nodes; zero weight.
 *
 * Per-arc columns (all indexed by CSR arc id, see `CompiledArcs`)
 *   - travelTimeH is moving time (distanceKm / speed); eventTimeH is everything else spent on the arc: border dwell
 *     (median), the expected wait for restricted opening days, the expected ferry wait (headway / 2) and terminal
 *     handling. The time of an arc is travelTimeH + eventTimeH.
 *   - Border dwell sits on the LINK arc tagged `border: <crossing>`, in the direction that leaves a country: the
 *     dwell record with `fromCountry` = the country of the arc's from-place, plus that record's fee.
 *   - Opening days: a crossing open on some ISO weekdays only makes an arrival at a uniformly random time of the
 *     week wait for the next opening. For each maximal run of L consecutive closed days (cyclic week),
 *     P(arrive in it) = L/7 and the mean wait given that is L/2 days, so
 *         expected wait (h) = 24 · Σ_runs L² / 14.
 *     Weekdays only (Sat+Sun closed: one run of 2) → 24 · 4/14 = 6.857 h.
 *   - Seasonal closure (a crossing's seasonalClosure, or a link's closed season in links/*.yaml): `closedMonthMask`
 *     has bit (m-1) set for every month m that the closure's day range touches;
 *     `closureLastYear` is the last year it applied (0 = still applies). A query that names a month must treat the
 *     arc as unusable then (`isArcClosedInMonth`; a closure with a last year applies only to a query naming a year
 *     up to it); otherwise report the closure.
 *   - Non-open links, ferries and terminals are compiled too, flagged by `status` and `openYear`, so a query can
 *     include projects up to a year (`isArcAvailableInYear`).
 */
import type { CsrGraph, NodeIndex } from "../graph/csr";
import { NO_NODE } from "../graph/csr";
import type { NetworkData } from "./model";

/** Format version of the binary form; bump on any change of layout or meaning (2: sea arcs carry port-call bulk charges; 3: rail1676 layer; 4: sea feeders and feeder-only ports; 5: a feeder-only port's sea links compiled, closed to containers by the query). */
export const COMPILED_FORMAT_VERSION = 5;

// --- layers ----------------------------------------------------------------------------------------------------

export const LAYERS = ["rail1435", "rail1520", "rail1000", "rail1067", "rail1668", "rail1676", "road", "sea", "air"] as const;
export type LayerName = (typeof LAYERS)[number];
/** Number of layers (not counting the access pseudo-layer). */
export const LAYER_COUNT = LAYERS.length;
export const LAYER_RAIL_1435 = 0;
export const LAYER_RAIL_1520 = 1;
export const LAYER_RAIL_1000 = 2;
export const LAYER_RAIL_1067 = 3;
export const LAYER_RAIL_1668 = 4;
export const LAYER_RAIL_1676 = 5;
export const LAYER_ROAD = 6;
export const LAYER_SEA = 7;
export const LAYER_AIR = 8;
/** `nodeLayer` value of an access node. */
export const LAYER_ACCESS = 255;

/** Layer of a rail gauge, or -1 for a gauge the network does not know. */
export function railLayerOfGauge(gaugeMm: number): number {
  switch (gaugeMm) {
    case 1435:
      return LAYER_RAIL_1435;
    case 1520:
      return LAYER_RAIL_1520;
    case 1000:
      return LAYER_RAIL_1000;
    case 1067:
      return LAYER_RAIL_1067;
    case 1668:
      return LAYER_RAIL_1668;
    case 1676:
      return LAYER_RAIL_1676;
    default:
      return -1;
  }
}

/** Gauge in mm of a rail layer, 0 for a non-rail layer. */
export const LAYER_GAUGE_MM: readonly number[] = [1435, 1520, 1000, 1067, 1668, 1676, 0, 0, 0];

export function isRailLayer(layer: number): boolean {
  return layer >= LAYER_RAIL_1435 && layer <= LAYER_RAIL_1676;
}

// --- arc kinds, modes, statuses --------------------------------------------------------------------------------

export const ARC_KINDS = ["link", "ferry", "gauge_change", "transshipment", "access_depart", "access_arrive"] as const;
export type ArcKindName = (typeof ARC_KINDS)[number];
export const ARC_LINK = 0;
export const ARC_FERRY = 1;
export const ARC_GAUGE_CHANGE = 2;
export const ARC_TRANSSHIPMENT = 3;
export const ARC_ACCESS_DEPART = 4;
export const ARC_ACCESS_ARRIVE = 5;

/** Mode codes of `arcs.mode` (same order as schema MODES). */
export const MODE_CODES = ["rail", "road", "sea", "ferry", "air"] as const;
export const MODE_RAIL = 0;
export const MODE_ROAD = 1;
export const MODE_SEA = 2;
export const MODE_FERRY = 3;
export const MODE_AIR = 4;
/** `arcs.mode` of arcs that move nothing (transfers, access). */
export const MODE_NONE = 255;

/** Status codes of `arcs.status`. */
export const STATUS_CODES = ["open", "construction", "planned"] as const;
export const STATUS_OPEN = 0;
export const STATUS_CONSTRUCTION = 1;
export const STATUS_PLANNED = 2;

/** Sentinel for "no index" in Int32 reference columns (chokepoint, crossing, record). */
export const NO_INDEX = -1;
/** Sentinel country index (sea waypoints, access arcs of waypoints). */
export const NO_COUNTRY = 0xffff;

// --- the compiled network --------------------------------------------------------------------------------------

/** Per-arc columns, all indexed by CSR arc id ([arc]). */
export interface CompiledArcs {
  /** [arc] ARC_LINK … ARC_ACCESS_ARRIVE. */
  readonly kind: Uint8Array;
  /** [arc] MODE_RAIL … MODE_AIR, MODE_NONE for transfers and access arcs. */
  readonly mode: Uint8Array;
  /** [arc] track gauge in mm of rail links and rail ferries, 0 otherwise. */
  readonly gaugeMm: Uint16Array;
  /** [arc] STATUS_OPEN / STATUS_CONSTRUCTION / STATUS_PLANNED of the link, ferry or terminal. */
  readonly status: Uint8Array;
  /** [arc] year the arc opens (expected year for non-open arcs); 0 = unknown / always open. */
  readonly openYear: Uint16Array;
  /** [arc] route length, km (0 for transfers and access arcs). */
  readonly distanceKm: Float64Array;
  /** [arc] 1 when distanceKm is an estimate (great-circle × circuity). */
  readonly distanceEstimated: Uint8Array;
  /** [arc] moving time, hours. */
  readonly travelTimeH: Float64Array;
  /** [arc] non-moving time, hours: border dwell + opening-days wait + ferry wait + handling. */
  readonly eventTimeH: Float64Array;
  /** [arc] the expected-wait part of eventTimeH (ferry headway / 2, restricted opening days), hours. */
  readonly waitTimeH: Float64Array;
  /** [arc] high border dwell (p90 or top of range) where the source gives a spread, hours; NaN otherwise. */
  readonly dwellHighH: Float64Array;
  /** [arc] total charge for one FEU, USD (moving tariff + border fee or handling). */
  readonly costUsdPerFeu: Float64Array;
  /** [arc] total charge for one TEU, USD (FEU charge × the mode's teuCostRatio). */
  readonly costUsdPerTeu: Float64Array;
  /** [arc] total charge per tonne of bulk cargo, USD. */
  readonly costUsdPerTonne: Float64Array;
  /** [arc] the fixed (non-distance) part of costUsdPerFeu: border fee or handling charge, USD. */
  readonly eventCostUsdPerFeu: Float64Array;
  /** [arc] g CO2e per tonne of cargo carried over the arc (factor g/tkm × distanceKm). */
  readonly co2GPerTonne: Float64Array;
  /** [arc] capacity in tonnes per year; NaN = unlimited / unknown. */
  readonly capacityTonnesPerYear: Float64Array;
  /** [arc] capacity in TEU per year; NaN = unlimited / unknown. */
  readonly capacityTeuPerYear: Float64Array;
  /** [arc] index into `network.chokepoints`, NO_INDEX if none. */
  readonly chokepoint: Int32Array;
  /** [arc] index into `network.crossings` of the border this arc crosses, NO_INDEX if none. */
  readonly crossing: Int32Array;
  /** [arc] bit (m-1) set = closed (seasonally) in month m; 0 = never closed. */
  readonly closedMonthMask: Uint16Array;
  /** [arc] last year the seasonal closure applied; 0 = still applies. */
  readonly closureLastYear: Uint16Array;
  /**
   * [arc] index of the source record: into `network.links` (LINK), `network.ferries` (FERRY), `network.terminals`
   * (GAUGE_CHANGE, TRANSSHIPMENT; NO_INDEX for a default transfer), NO_INDEX for access arcs.
   */
  readonly record: Int32Array;
  /** [arc] place index the arc leaves. */
  readonly fromPlace: Uint32Array;
  /** [arc] place index the arc reaches. */
  readonly toPlace: Uint32Array;
  /** [arc] index into `countries` of the from-place's country, NO_COUNTRY for a waypoint. */
  readonly fromCountry: Uint16Array;
  /** [arc] index into `countries` of the to-place's country (differs from fromCountry on border arcs). */
  readonly toCountry: Uint16Array;
}

/** Names of the per-arc columns in their binary order, with their element types. */
export const ARC_COLUMNS = [
  ["kind", "u8"],
  ["mode", "u8"],
  ["gaugeMm", "u16"],
  ["status", "u8"],
  ["openYear", "u16"],
  ["distanceKm", "f64"],
  ["distanceEstimated", "u8"],
  ["travelTimeH", "f64"],
  ["eventTimeH", "f64"],
  ["waitTimeH", "f64"],
  ["dwellHighH", "f64"],
  ["costUsdPerFeu", "f64"],
  ["costUsdPerTeu", "f64"],
  ["costUsdPerTonne", "f64"],
  ["eventCostUsdPerFeu", "f64"],
  ["co2GPerTonne", "f64"],
  ["capacityTonnesPerYear", "f64"],
  ["capacityTeuPerYear", "f64"],
  ["chokepoint", "i32"],
  ["crossing", "i32"],
  ["closedMonthMask", "u16"],
  ["closureLastYear", "u16"],
  ["record", "i32"],
  ["fromPlace", "u32"],
  ["toPlace", "u32"],
  ["fromCountry", "u16"],
  ["toCountry", "u16"],
] as const satisfies readonly (readonly [keyof CompiledArcs, "u8" | "u16" | "u32" | "i32" | "f64"])[];

export interface CompiledNetwork {
  readonly formatVersion: number;
  /** Hash of the source files the network was compiled from (NetworkData.sourceHash). */
  readonly sourceHash: string;
  /** Topology: nodes are access nodes (0 .. placeCount-1) then layer nodes. */
  readonly graph: CsrGraph;
  readonly placeCount: number;
  /** [node] place of the node. */
  readonly nodePlace: Uint32Array;
  /** [node] layer of the node (0 .. LAYER_COUNT-1), LAYER_ACCESS for access nodes. */
  readonly nodeLayer: Uint8Array;
  /** [node] 1 = may start or end a path but not be passed through (access nodes); pass to DijkstraQuery. */
  readonly noThrough: Uint8Array;
  /** [place * LAYER_COUNT + layer] node of the place in that layer, NO_NODE (-1) if the place has none. */
  readonly layerNodeOf: Int32Array;
  /** [place] longitude, degrees. */
  readonly placeLonDeg: Float64Array;
  /** [place] latitude, degrees. */
  readonly placeLatDeg: Float64Array;
  /** [place] index into `countries`, NO_COUNTRY for waypoints. */
  readonly placeCountry: Uint16Array;
  /** ISO3 codes, sorted; indexed by the country columns. */
  readonly countries: readonly string[];
  readonly arcs: CompiledArcs;
  /** The records the network was compiled from (kept in the JSON sidecar of the binary form). */
  readonly network: NetworkData;
  /** The ArrayBuffer every typed array above is a view of. */
  readonly buffer: ArrayBuffer;
}

/** Access node of a place: the node a query starts or ends at. */
export function accessNode(placeIndex: number): NodeIndex {
  return placeIndex;
}

/** Node of a place in a layer, NO_NODE if the place has no node in that layer. */
export function layerNode(net: CompiledNetwork, placeIndex: number, layer: number): NodeIndex {
  return net.layerNodeOf[placeIndex * LAYER_COUNT + layer];
}

/** true when the arc exists in `year` (open, or opening at or before it); `year` null = today's network (open only). */
export function isArcAvailableInYear(net: CompiledNetwork, arc: number, year: number | null): boolean {
  if (net.arcs.status[arc] === STATUS_OPEN) return true;
  if (year === null) return false;
  const openYear = net.arcs.openYear[arc];
  return openYear !== 0 && openYear <= year;
}

/**
 * true when the arc is seasonally closed in `month` (1–12) of `year`. `year` null = today's network: a closure with
 * a last year (one the data say has ended, e.g. Khunjerab, year-round since December 2024) no longer applies; a
 * named year applies it up to the winter that ends in its last year (Khunjerab, lastYear 2024: closed January 2024,
 * open December 2024).
 */
export function isArcClosedInMonth(net: CompiledNetwork, arc: number, month: number, year: number | null = null): boolean {
  const mask = net.arcs.closedMonthMask[arc];
  if (mask === 0 || (mask & (1 << (month - 1))) === 0) return false;
  const lastYear = net.arcs.closureLastYear[arc];
  if (lastYear === 0) return true;
  if (year === null) return false;
  // a closure over the year end (e.g. Dec–Apr) that last applied in `lastYear` began in lastYear - 1: its months
  // after the open gap (Dec) belong to the winter that ends the next year
  const wraps = (mask & 1) !== 0 && (mask & (1 << 11)) !== 0 && mask !== 0xfff;
  const lateSegment = wraps && (mask & ((1 << (month - 1)) - 1)) !== (1 << (month - 1)) - 1;
  return (lateSegment ? year + 1 : year) <= lastYear;
}

/** Index of an ISO3 country in `net.countries`, or NO_COUNTRY. */
export function countryIndex(net: CompiledNetwork, iso3: string): number {
  const i = net.countries.indexOf(iso3);
  return i < 0 ? NO_COUNTRY : i;
}

export { NO_NODE };
