/**
 * Read-only views of the network that the API serves, built once at start-up: the place search index, the link
 * layers as GeoJSON features, and the border crossings and terminals with their figures and resolved sources.
 */
import { fold } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import type { NetworkData } from "../network/model";
import type { Place } from "../network/schema";

/** A source reference resolved against the dataset's sources and rules. */
export interface SourceView {
  readonly ref: string;
  readonly title: string;
  readonly url: string | null;
  readonly year: number | null;
}

export interface PlaceView {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  /** The place's first (main) kind. */
  readonly kind: string;
  readonly kinds: readonly string[];
  readonly lonDeg: number;
  readonly latDeg: number;
  readonly aliases: readonly string[];
  readonly locode: string | null;
  readonly population: number | null;
}

export interface LinkFeature {
  readonly type: "Feature";
  readonly geometry: { readonly type: "LineString"; readonly coordinates: readonly (readonly [number, number])[] };
  readonly properties: {
    readonly id: string;
    readonly name: string | null;
    readonly mode: string;
    readonly from: string;
    readonly to: string;
    readonly gaugeMm: number | null;
    readonly status: string;
    readonly openYear: number | null;
    readonly distanceKm: number;
    readonly distanceEstimated: boolean;
    readonly countries: readonly string[];
    readonly border: string | null;
    readonly chokepoint: string | null;
    readonly project: string | null;
    readonly capacityTonnesPerYear: number | null;
    readonly sources: readonly string[];
    /** A link's seasonal closure (links/*.yaml `closed: true`): closed in every month the range touches; null for ferries. */
    readonly seasonalClosure: LinkClosureView | null;
    /**
     * A seasonal delay: a link's (links/*.yaml delayH, delayP90H) or a ferry's weather season (ferries/*.yaml
     * seasonalDelay: the service runs openShare of the time, so its wait is stretched by 1 / openShare).
     */
    readonly seasonalDelay: SeasonalDelayView | null;
    /** A road toll (links/*.yaml `tolls:`): USD a truck pays per passage, each way, by the tariff of `year`; null for none and for ferries. */
    readonly toll: { readonly tollUsdPerTruck: number; readonly year: number; readonly notes: string; readonly sources: ReturnType<typeof resolveSources> } | null;
  };
}

/** A link's closed season: month-day range (inclusive, may wrap the year end) and the last year it applied (null = still applies). */
export interface LinkClosureView {
  readonly from: string;
  readonly to: string;
  readonly lastYear: number | null;
  readonly notes: string;
  readonly sources: readonly SourceView[];
}

/**
 * A seasonal delay in the months of a month-day range: on a link, delayH hours on average and delayP90H at the 90th
 * percentile (openShare null); on a ferry, openShare (0–1] of the sailings run (delayH and delayP90H null).
 */
export interface SeasonalDelayView {
  readonly from: string;
  readonly to: string;
  readonly delayH: number | null;
  readonly delayP90H: number | null;
  readonly openShare: number | null;
  readonly notes: string;
  readonly sources: readonly SourceView[];
}

export interface CrossingView {
  readonly id: string;
  readonly name: string;
  readonly countries: readonly string[];
  readonly places: readonly string[];
  readonly modes: readonly string[];
  /** Midpoint of the two border stations. */
  readonly lonDeg: number;
  readonly latDeg: number;
  readonly dwell: readonly { fromCountry: string; medianH: number; highH: number | null; feeUsdPerFeu: number; sources: readonly SourceView[] }[];
  /** ISO weekdays (1 = Monday) the crossing works. */
  readonly openDays: readonly number[];
  readonly seasonalClosure: { from: string; to: string; lastYear: number | null } | null;
  /** Months of closures at times with no known frequency (named on routes, not timed). */
  readonly seasonalDisruption: { from: string; to: string; what: string; sources: readonly SourceView[] } | null;
  readonly capacityTonnesPerYear: number | null;
  readonly capacityTrainsPerDay: number | null;
  readonly capacityVehiclesPerDay: number | null;
  readonly notes: string;
  readonly sources: readonly SourceView[];
}

export interface TerminalView {
  readonly id: string;
  readonly place: string;
  readonly placeName: string;
  readonly country: string | null;
  readonly type: string;
  readonly lonDeg: number;
  readonly latDeg: number;
  readonly gauges: readonly number[];
  readonly modes: readonly string[];
  readonly handlingTimeH: number;
  readonly handlingCostUsdPerFeu: number;
  readonly handlingCostUsdPerTonne: number | null;
  readonly capacityTeuPerYear: number | null;
  readonly capacityTonnesPerYear: number | null;
  readonly capacityTrainsPerDay: number | null;
  readonly status: string;
  readonly openYear: number | null;
  readonly project: string | null;
  readonly notes: string;
  readonly sources: readonly SourceView[];
}

export interface Catalogue {
  /** Non-waypoint places, most populous first (then by name). */
  readonly places: readonly PlaceView[];
  /** [place in `places`] folded search keys (id, name, aliases, locode). */
  readonly placeKeys: readonly (readonly string[])[];
  /** Every link and ferry as a LineString feature. */
  readonly links: readonly LinkFeature[];
  readonly crossings: readonly CrossingView[];
  readonly terminals: readonly TerminalView[];
  /** Number of links plus ferries (the health figure). */
  readonly linkCount: number;
}

/** Resolve `src:` / `estimate:` / `geonames:` references (arrays, or `|`-joined strings) to titles and URLs. */
export function resolveSources(network: NetworkData, refs: readonly string[]): SourceView[] {
  const out: SourceView[] = [];
  const seen = new Set<string>();
  for (const group of refs) {
    for (const ref of group.split("|")) {
      if (ref === "" || seen.has(ref)) continue;
      seen.add(ref);
      const colon = ref.indexOf(":");
      const kind = ref.slice(0, colon);
      const id = ref.slice(colon + 1);
      if (kind === "src") {
        const s = network.sources[id];
        out.push({ ref, title: s?.title ?? "(unknown source)", url: s?.url ?? null, year: s?.year ?? null });
      } else if (kind === "estimate") out.push({ ref, title: network.rules[id]?.description ?? "estimate", url: null, year: null });
      else if (kind === "geonames") out.push({ ref, title: `GeoNames record ${id}`, url: `https://www.geonames.org/${id}`, year: null });
      else out.push({ ref, title: ref, url: null, year: null });
    }
  }
  return out;
}

function placeView(p: Place): PlaceView {
  return {
    id: p.id,
    name: p.name,
    country: p.country ?? "",
    kind: p.kinds[0],
    kinds: p.kinds,
    lonDeg: p.lonDeg,
    latDeg: p.latDeg,
    aliases: p.aliases,
    locode: p.locode,
    population: p.population,
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function buildCatalogue(net: CompiledNetwork): Catalogue {
  const network = net.network;
  const placeById = new Map(network.places.map((p) => [p.id, p]));
  const places = network.places
    .filter((p) => !p.kinds.includes("waypoint"))
    .map(placeView)
    .sort((a, b) => (b.population ?? 0) - (a.population ?? 0) || a.name.localeCompare(b.name));
  const placeKeys = places.map((p) => [...new Set([p.id, p.name, ...p.aliases, p.locode ?? ""].map(fold).filter((k) => k.length > 0))]);
  const countriesOf = (from: string, to: string) => {
    const a = placeById.get(from)?.country ?? null;
    const b = placeById.get(to)?.country ?? null;
    return [...new Set([a, b].filter((c): c is string => c !== null))];
  };
  const coords = (from: string, to: string): (readonly [number, number])[] => {
    const a = placeById.get(from)!;
    const b = placeById.get(to)!;
    return [
      [a.lonDeg, a.latDeg],
      [b.lonDeg, b.latDeg],
    ];
  };
  // seasonal calendars of links (links/*.yaml; one row per link, network/load.ts): a closure or a delay
  const seasonOf = new Map((network.linkSeasons ?? []).map((z) => [z.link, z]));
  const tollOf = new Map((network.linkTolls ?? []).map((t) => [t.link, t]));
  const links: LinkFeature[] = [];
  for (const l of network.links) {
    const season = seasonOf.get(l.id);
    const toll = tollOf.get(l.id);
    links.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: coords(l.from, l.to) },
      properties: {
        id: l.id,
        name: null,
        mode: l.mode,
        from: l.from,
        to: l.to,
        gaugeMm: l.gaugeMm,
        status: l.status,
        openYear: l.openYear,
        distanceKm: round3(l.distanceKm),
        distanceEstimated: l.distanceEstimated,
        countries: countriesOf(l.from, l.to),
        border: l.border,
        chokepoint: l.chokepoint,
        project: l.project,
        capacityTonnesPerYear: l.capacityTonnesPerYear,
        sources: [...new Set([...l.source, ...l.distanceSource])],
        seasonalClosure: season?.closed ? { from: season.from, to: season.to, lastYear: season.lastYear, notes: season.notes, sources: resolveSources(network, season.source) } : null,
        seasonalDelay:
          season && !season.closed && season.delayH !== null
            ? {
                from: season.from,
                to: season.to,
                delayH: season.delayH,
                // as routing takes it (routing/reliability.ts): no P90 given = the mean
                delayP90H: Math.max(season.delayH, season.delayP90H ?? season.delayH),
                openShare: null,
                notes: season.notes,
                sources: resolveSources(network, season.source),
              }
            : null,
        toll: toll ? { tollUsdPerTruck: toll.tollUsdPerTruck, year: toll.year, notes: toll.notes, sources: resolveSources(network, toll.source) } : null,
      },
    });
  }
  for (const f of network.ferries) {
    links.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: coords(f.from, f.to) },
      properties: {
        id: f.id,
        name: f.name,
        mode: "ferry",
        from: f.from,
        to: f.to,
        gaugeMm: f.gaugeMm,
        status: f.status,
        openYear: f.openYear,
        distanceKm: f.distanceKm,
        distanceEstimated: false,
        countries: countriesOf(f.from, f.to),
        border: null,
        chokepoint: null,
        project: null,
        capacityTonnesPerYear: f.capacityTonnesPerYear,
        sources: f.source,
        seasonalClosure: null,
        seasonalDelay: f.seasonalDelay
          ? { from: f.seasonalDelay.from, to: f.seasonalDelay.to, delayH: null, delayP90H: null, openShare: f.seasonalDelay.openShare, notes: "", sources: resolveSources(network, f.seasonalDelay.source) }
          : null,
        toll: null,
      },
    });
  }
  const crossings: CrossingView[] = network.crossings.map((c) => {
    const a = placeById.get(c.places[0])!;
    const b = placeById.get(c.places[1])!;
    return {
      id: c.id,
      name: c.name,
      countries: c.countries,
      places: c.places,
      modes: c.modes,
      lonDeg: (a.lonDeg + b.lonDeg) / 2,
      latDeg: (a.latDeg + b.latDeg) / 2,
      dwell: c.dwell.map((d) => ({
        fromCountry: d.fromCountry,
        medianH: d.medianH,
        highH: d.highH,
        feeUsdPerFeu: d.feeUsdPerFeu,
        sources: resolveSources(network, d.source),
      })),
      openDays: c.openDays,
      seasonalClosure: c.seasonalClosure ? { from: c.seasonalClosure.from, to: c.seasonalClosure.to, lastYear: c.seasonalClosure.lastYear } : null,
      seasonalDisruption: c.seasonalDisruption
        ? { from: c.seasonalDisruption.from, to: c.seasonalDisruption.to, what: c.seasonalDisruption.what, sources: resolveSources(network, c.seasonalDisruption.source) }
        : null,
      capacityTonnesPerYear: c.capacityTonnesPerYear,
      capacityTrainsPerDay: c.capacityTrainsPerDay,
      capacityVehiclesPerDay: c.capacityVehiclesPerDay,
      notes: c.notes,
      sources: resolveSources(network, c.source),
    };
  });
  const terminals: TerminalView[] = network.terminals.map((t) => {
    const p = placeById.get(t.place)!;
    return {
      id: t.id,
      place: t.place,
      placeName: p.name,
      country: p.country,
      type: t.type,
      lonDeg: p.lonDeg,
      latDeg: p.latDeg,
      gauges: t.gauges,
      modes: t.modes,
      handlingTimeH: t.handlingTimeH,
      handlingCostUsdPerFeu: t.handlingCostUsdPerFeu,
      handlingCostUsdPerTonne: t.handlingCostUsdPerTonne,
      capacityTeuPerYear: t.capacityTeuPerYear,
      capacityTonnesPerYear: t.capacityTonnesPerYear,
      capacityTrainsPerDay: t.capacityTrainsPerDay,
      status: t.status,
      openYear: t.openYear,
      project: t.project,
      notes: t.notes,
      sources: resolveSources(network, t.source),
    };
  });
  return { places, placeKeys, links, crossings, terminals, linkCount: network.links.length + network.ferries.length };
}
