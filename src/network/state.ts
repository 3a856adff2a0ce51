/**
 * A network state: the compiled network plus an overlay — what is open (year, month, closures, avoided countries)
 * and, per arc, the time, cost and capacity a scenario changed. Routing, assignment and trade take a state and a
 * query (criterion, cargo, modes, prices); the state knows nothing of queries.
 *
 * The compiled network is never written. A state's `arcs` is a CompiledArcs whose columns are the compiled ones,
 * except those an overlay changed: those are copies (copy on first write, `ArcPatch`), so applying a scenario costs
 * one copy per changed column and no recompilation, and many states share one compiled network.
 *
 * Effective availability of arc a in a state:
 *   closed[a] = 1                     → unusable (scenario closure)
 *   opened[a] = 1                     → usable whatever its status and opening year
 *   otherwise                         → isArcAvailableInYear(net, a, year), seasonal closures of `month`,
 *                                       closed chokepoints, avoided countries and ids as before.
 */
import { createHash } from "node:crypto";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_FERRY, ARC_LINK, type CompiledArcs, type CompiledNetwork } from "./compiled";

/** The names a caller gives for the open/closed part of a state (validated by resolveNetworkState). */
export interface StateOptions {
  /** Include links, ferries and terminals opening up to this year; null = today's open network. */
  readonly year?: number | null;
  /** Month (1–12) of travel: seasonally closed crossings are unusable then; null = ignore seasons (reported). */
  readonly month?: number | null;
  /** Chokepoint ids, names or aliases to close (suez, bab-el-mandeb, hormuz, ...). */
  readonly closeChokepoints?: readonly string[];
  /** ISO3 codes of countries no arc may touch. */
  readonly avoidCountries?: readonly string[];
  /** Ids of border crossings, links, ferries or terminals not to use. */
  readonly avoidIds?: readonly string[];
  /** Rules of passage (rules/*.yaml) switched off: ids, or "all" (checked by routing/passage.ts). */
  readonly rulesOff?: readonly string[];
}

/** Per-arc overrides of an overlay: the changed columns ([arc] each) and the closed / forced-open flags. */
export interface ArcPatch {
  /** The effective per-arc columns: compiled ones where unchanged, copies where changed. */
  readonly arcs: CompiledArcs;
  /** [arc] 1 = closed by the overlay. */
  readonly closed: Uint8Array;
  /** [arc] 1 = usable whatever the status and opening year. */
  readonly opened: Uint8Array;
  /** Names of the columns that differ from the compiled ones (sorted). */
  readonly changedColumns: readonly string[];
  /** sha256 (hex, 16 chars) of the changed columns and flags: equal patches have equal keys. */
  readonly key: string;
}

export interface NetworkState {
  readonly net: CompiledNetwork;
  readonly year: number | null;
  readonly month: number | null;
  /** Closed chokepoint ids, sorted. */
  readonly closeChokepoints: readonly string[];
  /** Avoided ISO3 codes, sorted. */
  readonly avoidCountries: readonly string[];
  /** Canonical ids of avoided records (`crossing:<id>`, `link:<id>`, `ferry:<id>`, `terminal:<id>`), sorted. */
  readonly avoidIds: readonly string[];
  /** Rules of passage switched off (ids or "all"), sorted. */
  readonly rulesOff: readonly string[];
  /** The effective per-arc columns (the compiled ones when there is no patch). */
  readonly arcs: CompiledArcs;
  /** The overlay's per-arc patch, null for a plain state. */
  readonly patch: ArcPatch | null;
  /** A stable key of everything above (cache key of weight columns). */
  readonly key: string;
}

/** Validate state options against the network (did-you-mean for unknown names) and build the state. */
export function resolveNetworkState(net: CompiledNetwork, options: StateOptions = {}, patch: ArcPatch | null = null): NetworkState {
  const avoidCountries = [...new Set((options.avoidCountries ?? []).map((c) => c.trim().toUpperCase()))].sort();
  for (const c of avoidCountries) {
    if (!net.countries.includes(c)) {
      throw new CaravanError("E_COUNTRY_UNKNOWN", `country "${c}" is not in the network (ISO 3166-1 alpha-3, e.g. KAZ)`, { didYouMean: suggest(c, net.countries) });
    }
  }
  const avoidIds = [...new Set((options.avoidIds ?? []).map((id) => canonicalRecordId(net, id.trim())))].sort();
  const closeChokepoints = [...new Set((options.closeChokepoints ?? []).map((c) => resolveChokepoint(net, c.trim())))].sort();
  const year = options.year ?? null;
  if (year !== null && !(Number.isInteger(year) && year >= 1900 && year <= 2100)) throw new CaravanError("E_USAGE", `year must be an integer 1900–2100, got ${year}`);
  const month = options.month ?? null;
  if (month !== null && !(Number.isInteger(month) && month >= 1 && month <= 12)) throw new CaravanError("E_USAGE", `month must be an integer 1–12, got ${month}`);
  if (patch !== null && patch.closed.length !== net.graph.arcCount) throw new RangeError("resolveNetworkState: the patch belongs to another network");
  const rulesOff = [...new Set((options.rulesOff ?? []).map((r) => r.trim().toLowerCase()))].sort();
  const key = JSON.stringify([net.sourceHash, net.graph.arcCount, year, month, closeChokepoints, avoidCountries, avoidIds, patch?.key ?? null, rulesOff]);
  return { net, year, month, closeChokepoints, avoidCountries, avoidIds, rulesOff, arcs: patch?.arcs ?? net.arcs, patch, key };
}

/** The same state with other open/closed settings (names merged: closures add, year and month replace when given). */
export function deriveNetworkState(state: NetworkState, options: StateOptions): NetworkState {
  const stripKind = (id: string): string => id.slice(id.indexOf(":") + 1);
  return resolveNetworkState(
    state.net,
    {
      year: options.year !== undefined ? options.year : state.year,
      month: options.month !== undefined ? options.month : state.month,
      closeChokepoints: [...state.closeChokepoints, ...(options.closeChokepoints ?? [])],
      avoidCountries: [...state.avoidCountries, ...(options.avoidCountries ?? [])],
      avoidIds: [...state.avoidIds.map(stripKind), ...(options.avoidIds ?? [])],
      rulesOff: [...state.rulesOff, ...(options.rulesOff ?? [])],
    },
    state.patch,
  );
}

/** Chokepoint id from an id, name or alias (case-insensitive); E_CHOKEPOINT_UNKNOWN with suggestions otherwise. */
export function resolveChokepoint(net: CompiledNetwork, text: string): string {
  const key = text.toLowerCase();
  for (const c of net.network.chokepoints) {
    if (c.id === key || c.name.toLowerCase() === key || c.aliases.some((a) => a.toLowerCase() === key)) return c.id;
  }
  const names = net.network.chokepoints.flatMap((c) => [c.id, ...c.aliases.map((a) => a.toLowerCase())]);
  throw new CaravanError("E_CHOKEPOINT_UNKNOWN", `unknown chokepoint "${text}"; the network knows ${net.network.chokepoints.map((c) => c.id).join(", ") || "none"}`, {
    didYouMean: suggest(key, names),
  });
}

/** `kind:id` of a crossing, link, ferry or terminal id (E_USAGE with suggestions if none has that id). */
export function canonicalRecordId(net: CompiledNetwork, id: string): string {
  const n = net.network;
  if (n.crossings.some((c) => c.id === id)) return `crossing:${id}`;
  if (n.links.some((l) => l.id === id)) return `link:${id}`;
  if (n.ferries.some((f) => f.id === id)) return `ferry:${id}`;
  if (n.terminals.some((t) => t.id === id)) return `terminal:${id}`;
  const all = [...n.crossings.map((c) => c.id), ...n.ferries.map((f) => f.id), ...n.terminals.map((t) => t.id), ...n.links.map((l) => l.id)];
  throw new CaravanError("E_USAGE", `"${id}" is not the id of a border crossing, link, ferry or terminal`, { didYouMean: suggest(id, all) });
}

type PatchColumn =
  | "travelTimeH"
  | "eventTimeH"
  | "waitTimeH"
  | "dwellHighH"
  | "costUsdPerFeu"
  | "costUsdPerTeu"
  | "costUsdPerTonne"
  | "eventCostUsdPerFeu"
  | "capacityTonnesPerYear"
  | "capacityTeuPerYear";

/**
 * Builds an ArcPatch by arc-level edits. Each column is copied from the compiled network on its first write; the
 * compiled network is never touched. Edits compose in call order (scale after set scales the set value).
 */
export class ArcPatchBuilder {
  readonly net: CompiledNetwork;
  private readonly columns = new Map<PatchColumn, Float64Array>();
  private closedFlags: Uint8Array | null = null;
  private openedFlags: Uint8Array | null = null;
  /** Tonnes of bulk that bear one per-FEU charge (compiler rule), for per-tonne charges of arcs that had none. */
  private readonly tonnesPerFeu: number;

  constructor(net: CompiledNetwork) {
    this.net = net;
    const feu = net.network.cargo.find((c) => c.costBasis === "feu");
    this.tonnesPerFeu = net.network.modes.fixedChargeTonnesPerFeu?.value ?? feu?.massT.value ?? Number.NaN;
  }

  /** The column as currently patched (read-only use) or the compiled one. */
  column(name: PatchColumn): Float64Array {
    return this.columns.get(name) ?? this.net.arcs[name];
  }

  private writable(name: PatchColumn): Float64Array {
    let c = this.columns.get(name);
    if (!c) {
      c = Float64Array.from(this.net.arcs[name]);
      this.columns.set(name, c);
    }
    return c;
  }

  /** Dwell (or handling) time: eventTimeH minus the expected-wait part. */
  dwellH(arc: number): number {
    return this.column("eventTimeH")[arc] - this.column("waitTimeH")[arc];
  }

  /** Set the median dwell (or handling) time; the high figure keeps its ratio to the median. */
  setDwellH(arc: number, medianH: number): void {
    const old = this.dwellH(arc);
    const high = this.column("dwellHighH")[arc];
    this.writable("eventTimeH")[arc] = medianH + this.column("waitTimeH")[arc];
    if (!Number.isNaN(high)) this.writable("dwellHighH")[arc] = old > 0 ? (high * medianH) / old : Math.max(high, medianH);
  }

  /** Multiply the median and the high dwell (or handling) time. */
  scaleDwellH(arc: number, factor: number): void {
    this.writable("eventTimeH")[arc] = this.dwellH(arc) * factor + this.column("waitTimeH")[arc];
    const high = this.column("dwellHighH")[arc];
    if (!Number.isNaN(high)) this.writable("dwellHighH")[arc] = high * factor;
  }

  /** Capacity in tonnes per year (replaces a TEU capacity). */
  setCapacityT(arc: number, tonnes: number): void {
    this.writable("capacityTonnesPerYear")[arc] = tonnes;
    this.writable("capacityTeuPerYear")[arc] = Number.NaN;
  }

  /** Multiply the capacity (tonnes and TEU); an unknown capacity stays unknown. */
  scaleCapacity(arc: number, factor: number): void {
    this.writable("capacityTonnesPerYear")[arc] = this.column("capacityTonnesPerYear")[arc] * factor;
    this.writable("capacityTeuPerYear")[arc] = this.column("capacityTeuPerYear")[arc] * factor;
  }

  /** Commercial speed of a link arc: moving time = distanceKm / speedKmh. */
  setSpeedKmh(arc: number, speedKmh: number): void {
    this.writable("travelTimeH")[arc] = this.net.arcs.distanceKm[arc] / speedKmh;
  }

  scaleSpeed(arc: number, factor: number): void {
    this.writable("travelTimeH")[arc] = this.column("travelTimeH")[arc] / factor;
  }

  /** Ferry headway: expected wait = headwayH / 2 (the whole non-moving time of a ferry arc). */
  setHeadwayH(arc: number, headwayH: number): void {
    this.writable("waitTimeH")[arc] = headwayH / 2;
    this.writable("eventTimeH")[arc] = headwayH / 2;
  }

  scaleHeadway(arc: number, factor: number): void {
    this.writable("waitTimeH")[arc] = this.column("waitTimeH")[arc] * factor;
    this.writable("eventTimeH")[arc] = this.column("eventTimeH")[arc] * factor;
  }

  /**
   * Change the FEU charge of an arc: `part` "moving" (the distance tariff of a link), "event" (a border fee or
   * handling charge) or "all" (ferry fare, terminal handling). The TEU and per-tonne charges change in proportion
   * to the FEU charge; an arc without a charge before gets the compiler's TEU ratio of its mode and the per-tonne
   * charge of its FEU charge spread over the tonnes that bear one FEU charge.
   */
  setChargeFeu(arc: number, part: "moving" | "event" | "all", usd: number): void {
    const feu = this.column("costUsdPerFeu")[arc];
    const event = this.column("eventCostUsdPerFeu")[arc];
    let nextFeu: number;
    let nextEvent = event;
    if (part === "moving") nextFeu = event + usd;
    else if (part === "event") {
      nextFeu = feu - event + usd;
      nextEvent = usd;
    } else {
      nextFeu = usd;
      const kind = this.net.arcs.kind[arc];
      nextEvent = kind === ARC_FERRY ? 0 : kind === ARC_LINK ? Math.min(event, usd) : usd;
    }
    this.applyFeuChange(arc, feu, nextFeu, nextEvent);
  }

  /** Multiply a part of the FEU charge (see setChargeFeu). */
  scaleChargeFeu(arc: number, part: "moving" | "event" | "all", factor: number): void {
    const feu = this.column("costUsdPerFeu")[arc];
    const event = this.column("eventCostUsdPerFeu")[arc];
    if (part === "moving") this.applyFeuChange(arc, feu, event + (feu - event) * factor, event);
    else if (part === "event") this.applyFeuChange(arc, feu, feu - event + event * factor, event * factor);
    else this.applyFeuChange(arc, feu, feu * factor, event * factor);
  }

  /** Moving part of the FEU charge (total minus the fixed part). */
  movingChargeFeu(arc: number): number {
    return this.column("costUsdPerFeu")[arc] - this.column("eventCostUsdPerFeu")[arc];
  }

  private applyFeuChange(arc: number, oldFeu: number, newFeu: number, newEvent: number): void {
    const teu = this.column("costUsdPerTeu")[arc];
    const tonne = this.column("costUsdPerTonne")[arc];
    this.writable("costUsdPerFeu")[arc] = newFeu;
    this.writable("eventCostUsdPerFeu")[arc] = newEvent;
    if (oldFeu > 0) {
      this.writable("costUsdPerTeu")[arc] = (teu * newFeu) / oldFeu;
      this.writable("costUsdPerTonne")[arc] = (tonne * newFeu) / oldFeu;
    } else {
      const ratio = this.net.network.modes.modes.rail.teuCostRatio.value;
      this.writable("costUsdPerTeu")[arc] = newFeu * ratio;
      this.writable("costUsdPerTonne")[arc] = tonne + newFeu / this.tonnesPerFeu;
    }
  }

  close(arc: number): void {
    if (!this.closedFlags) this.closedFlags = new Uint8Array(this.net.graph.arcCount);
    this.closedFlags[arc] = 1;
  }

  open(arc: number): void {
    if (!this.openedFlags) this.openedFlags = new Uint8Array(this.net.graph.arcCount);
    this.openedFlags[arc] = 1;
  }

  isClosed(arc: number): boolean {
    return this.closedFlags !== null && this.closedFlags[arc] === 1;
  }

  /** The patch: effective columns, flags and a content key. The builder must not be used afterwards. */
  build(): ArcPatch {
    const m = this.net.graph.arcCount;
    const closed = this.closedFlags ?? new Uint8Array(m);
    const opened = this.openedFlags ?? new Uint8Array(m);
    const arcs: Record<string, unknown> = { ...this.net.arcs };
    const changedColumns = [...this.columns.keys()].sort();
    const hash = createHash("sha256");
    for (const name of changedColumns) {
      const c = this.columns.get(name)!;
      arcs[name] = c;
      hash.update(name);
      hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    }
    hash.update("closed");
    hash.update(closed);
    hash.update("opened");
    hash.update(opened);
    return { arcs: arcs as unknown as CompiledArcs, closed, opened, changedColumns, key: hash.digest("hex").slice(0, 16) };
  }
}

/** true when arc `a` is usable in the state as far as the overlay and the year go (not modes, countries, ids). */
export function isArcOpenInState(state: NetworkState, a: number, yearAvailable: boolean): boolean {
  const p = state.patch;
  if (p !== null && p.closed[a] === 1) return false;
  if (p !== null && p.opened[a] === 1) return true;
  return yearAvailable;
}
