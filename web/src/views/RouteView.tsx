/**
 * Route planner: from/to with autocomplete, options (alternatives, optimise by, cargo, modes, avoided countries,
 * closed chokepoints, year, cost basis and rates month, rules of passage), the alternatives on the map in distinct
 * colours with a legend, the cost basis and the rules of passage that shaped the routes, and per route its totals,
 * time/cost/CO2 bars, legs with the rate that priced each, events timeline and sources. The query lives in the URL.
 */
import { type LayerSpecification, Marker } from "maplibre-gl";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { apiGet, type LegRate, type PlacesResponse, type Route, type RouteResponse } from "../api";
import { Bars, Strip } from "../components/Bars";
import { ErrorBox } from "../components/ErrorBox";
import { PlaceInput } from "../components/PlaceInput";
import { fmt1, fmt2, fmtCo2, fmtDuration, fmtInt, fmtKm, fmtPct, fmtUsd } from "../format";
import { fitToFeatures, useMap, useMapLayers } from "../map/MapPane";
import { type AppState, CARGO, CHOKEPOINTS, MODES, OPTIMIZE, RATES_MONTH, YEAR_MAX, YEAR_MIN } from "../url-state";
import { EVENT_COLORS, EVENT_LABELS, MODE_COLORS, routeColor } from "./route-colors";

/** Basemap tint of the countries a route must avoid. */
const AVOIDED_FILL = "#e9c9c5";

const OPTIMIZE_LABELS: Record<string, string> = {
  generalized: "generalised cost (USD + value of time)",
  time: "time",
  cost: "cost",
  co2: "CO2",
};
const CARGO_UNITS: Record<string, string> = { feu: "FEU", teu: "TEU", bulk: "t" };
const CARGO_LABELS: Record<string, string> = { feu: "40-ft container (FEU)", teu: "20-ft container (TEU)", bulk: "bulk (per tonne load)" };

export function routeParams(state: AppState): Record<string, string | number | undefined> {
  return {
    from: state.from,
    to: state.to,
    alternatives: state.alternatives,
    optimize: state.optimize,
    cargo: state.cargo,
    modes: state.modes.join(","),
    avoidCountries: state.avoidCountries.join(",") || undefined,
    close: state.close.join(",") || undefined,
    year: state.year ?? undefined,
    costBasis: state.costBasis || undefined,
    rates: state.costBasis !== "cost" ? state.rates || undefined : undefined,
    rulesOff: state.rulesOff.join(",") || undefined,
    valueOfTime: state.optimize === "generalized" ? state.vot || undefined : undefined,
  };
}

/** The value of time the routes were weighed with, as the result's note says it (generalized criterion only). */
export function valueOfTimeText(result: Pick<RouteResponse, "criterion" | "valueOfTimeUsdPerH" | "valueOfTimeBasis" | "cargo">, unit: string): string {
  if (result.criterion !== "generalized") return "";
  const basis = result.valueOfTimeBasis === "carrying-cost" ? "the carrying cost of the goods" : result.valueOfTimeBasis === "given" ? "given" : "the cargo profile's";
  return `value of time USD ${fmt2(result.valueOfTimeUsdPerH)}/${unit}-h (${basis})`;
}

const RATE_BASIS_LABELS: Record<LegRate["basis"], string> = {
  rate: "rate of the month",
  "rate-carried": "rate carried forward",
  "cost-model": "cost model (no rate for the month)",
};

/** One rate that priced a leg: the lane, how (observed, carried, cost model), the run's rate and the sources. */
function LegRateText(props: { rate: LegRate }) {
  const { rate } = props;
  return (
    <span class="leg-rate" title={rate.note}>
      {rate.laneName} ({rate.direction}): {RATE_BASIS_LABELS[rate.basis]}
      {rate.runRateUsd !== null ? `, ${fmtUsd(rate.runRateUsd)}/${rate.unit} for the run` : ""}
      {rate.period ? `, ${rate.period}` : ""}
      {rate.imbalanceFactor !== 1 ? `, imbalance × ${fmt2(rate.imbalanceFactor)}` : ""}
      {rate.shockMultiplier !== 1 ? `, shock × ${fmt2(rate.shockMultiplier)}` : ""}{" "}
      <span class="muted">[{rate.source.join(", ")}]</span>
    </span>
  );
}

/** What costUsd is, in words: the basis and the rates month. */
export function costBasisText(result: Pick<RouteResponse, "costBasis" | "ratesMonth">): string {
  return result.costBasis === "rates"
    ? `Costs on market rates of ${result.ratesMonth ?? "?"} (the cost model where no rate applies)`
    : "Costs on the cost model's unit costs";
}

/**
 * The rules of passage of the query: those in force (each can be switched off) and those switched off (each can be
 * switched on again), with what the selected route's notes say about each.
 */
function PassageRules(props: { result: RouteResponse; route: Route | undefined; rulesOff: string[]; update: (rulesOff: string[]) => void }) {
  const { result, route, rulesOff } = props;
  const { passage } = result;
  if (passage.rules.length === 0 && passage.off.length === 0) {
    return (
      <p class="muted small" data-testid="passage">
        No rule of passage concerns this shipment on {passage.date}.
      </p>
    );
  }
  const noteOf = (id: string) => route?.notes.find((n) => n.includes(`[${id}]`)) ?? null;
  const toggle = (id: string, applied: boolean) => {
    const named = rulesOff.filter((r) => r !== "all");
    if (applied) props.update(rulesOff.includes("all") ? passage.off.filter((r) => r !== id) : named.filter((r) => r !== id));
    else props.update([...new Set([...named, id])]);
  };
  return (
    <div class="passage" data-testid="passage">
      <h4>Rules of passage on {passage.date}</h4>
      <ul>
        {[...passage.rules.map((id) => ({ id, applied: true })), ...passage.off.map((id) => ({ id, applied: false }))].map(({ id, applied }) => (
          <li key={id} data-rule={id} data-applied={applied}>
            <label class="check">
              {/* checked as asked (the query), so a click shows at once; data-applied is what the server applied */}
              <input type="checkbox" checked={!(rulesOff.includes("all") || rulesOff.includes(id))} onChange={(e) => toggle(id, e.currentTarget.checked)} />
              <code>{id}</code> {applied ? "in force" : "switched off"}
            </label>
            {noteOf(id) ? <div class="muted small">{noteOf(id)}</div> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One MultiLineString per route (its legs joined): the layer the legend and the tests count. */
function routeFeatures(legs: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const byRank = new Map<number, number[][][]>();
  for (const f of legs.features) {
    const rank = Number(f.properties?.rank ?? 1);
    const lines = byRank.get(rank) ?? [];
    if (f.geometry.type === "LineString") lines.push(f.geometry.coordinates as number[][]);
    else if (f.geometry.type === "MultiLineString") lines.push(...(f.geometry.coordinates as number[][][]));
    byRank.set(rank, lines);
  }
  return {
    type: "FeatureCollection",
    features: [...byRank.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([rank, coordinates]) => ({ type: "Feature", id: rank, geometry: { type: "MultiLineString", coordinates }, properties: { rank, color: routeColor(rank) } })),
  };
}

const ROUTE_LAYERS: LayerSpecification[] = [
  {
    id: "route-casing",
    type: "line",
    source: "routes",
    layout: { "line-join": "round", "line-cap": "round" },
    paint: { "line-color": "#ffffff", "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 9, 6], "line-opacity": 0.9 },
  },
  {
    id: "route-line",
    type: "line",
    source: "routes",
    layout: { "line-join": "round", "line-cap": "round" },
    paint: {
      "line-color": ["get", "color"],
      "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 5.5, 3.5],
      "line-opacity": ["case", ["boolean", ["feature-state", "selected"], false], 1, 0.8],
    },
  },
];

const EVENT_LAYERS: LayerSpecification[] = [
  {
    id: "route-events",
    type: "circle",
    source: "route-events",
    // the longest stops drawn first, so a short one at the same place stays visible on top
    layout: { "circle-sort-key": ["-", 0, ["get", "timeH"]] },
    paint: {
      // area ∝ hours spent at the stop (radius 2.2·√h), at least 3 px
      "circle-radius": ["max", 3, ["*", 2.2, ["sqrt", ["get", "timeH"]]]],
      "circle-color": [
        "match",
        ["get", "type"],
        "border",
        EVENT_COLORS.border,
        "gauge_change",
        EVENT_COLORS.gauge_change,
        "transshipment",
        EVENT_COLORS.transshipment,
        "port_handling",
        EVENT_COLORS.port_handling,
        "ferry_wait",
        EVENT_COLORS.ferry_wait,
        "closure_wait",
        EVENT_COLORS.closure_wait,
        "sea_arrival",
        EVENT_COLORS.sea_arrival,
        "#777777",
      ],
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1.5,
    },
  },
];

/**
 * The stops (events) of every route as points: the report names each event's place by id, so the places are looked
 * up once through /api/v1/places (an id matches itself exactly). Places that cannot be found are left off the map.
 */
async function eventPoints(routes: Route[], signal: AbortSignal): Promise<GeoJSON.FeatureCollection> {
  const ids = [...new Set(routes.flatMap((r) => r.events.map((e) => e.at)))];
  const found = await Promise.all(
    ids.map((id) =>
      apiGet<PlacesResponse>("places", { q: id, limit: 1 }, signal)
        .then((r) => r.places.find((p) => p.id === id) ?? null)
        .catch(() => null),
    ),
  );
  const at = new Map(found.filter((p) => p !== null).map((p) => [p.id, [p.lonDeg, p.latDeg]]));
  const features: GeoJSON.Feature[] = [];
  for (const r of routes) {
    r.events.forEach((e, i) => {
      const coordinates = at.get(e.at);
      if (coordinates && e.timeH > 0) features.push({ type: "Feature", geometry: { type: "Point", coordinates }, properties: { rank: r.rank, i, type: e.type, atName: e.atName, timeH: e.timeH } });
    });
  }
  return { type: "FeatureCollection", features };
}

/** Summary of one route: where its hours go (moving by mode, dwell by event type), in route order of appearance. */
function timeParts(route: Route) {
  const moving = new Map<string, number>();
  for (const leg of route.legs) moving.set(leg.mode, (moving.get(leg.mode) ?? 0) + leg.timeH);
  const dwell = new Map<string, number>();
  for (const ev of route.events) dwell.set(ev.type, (dwell.get(ev.type) ?? 0) + ev.timeH);
  return [
    ...[...moving].map(([mode, h]) => ({ key: `m-${mode}`, value: h, color: MODE_COLORS[mode] ?? "#999", title: `${mode} moving: ${fmtDuration(h)}` })),
    ...[...dwell].map(([type, h]) => ({ key: `e-${type}`, value: h, color: EVENT_COLORS[type] ?? "#777", title: `${EVENT_LABELS[type] ?? type}: ${fmtDuration(h)}` })),
  ];
}

function RouteDetails(props: { route: Route; selected: boolean; onSelect: () => void }) {
  const { route } = props;
  const dwellH = route.events.reduce((s, e) => s + e.timeH, 0);
  let cumulativeH = 0;
  return (
    <article class={`route-card${props.selected ? " selected" : ""}`} data-rank={route.rank} style={{ borderLeftColor: routeColor(route.rank) }}>
      <header>
        <button type="button" class="route-title" aria-pressed={props.selected} onClick={props.onSelect}>
          <span class="swatch" style={{ background: routeColor(route.rank) }} aria-hidden="true" />
          Route {route.rank}: {route.transitCountries.length > 0 ? `via ${route.transitCountries.join(", ")}` : "no transit country"}
        </button>
        <p class="totals">
          {fmtDuration(route.timeH)} (P90 {fmtDuration(route.timeP90H)}) · {fmtUsd(route.costUsd)} · {fmtCo2(route.co2Kg)} · {fmtKm(route.distanceKm)}
        </p>
        <p class="muted small">
          Countries {route.countries.join(" → ")}. {fmtPct(route.estimatedDistanceShare)} of the distance from great-circle estimates.
        </p>
      </header>
      <Strip parts={timeParts(route)} label={`Time: ${fmtDuration(route.timeH - dwellH)} moving, ${fmtDuration(dwellH)} at borders, terminals and ports`} />
      <p class="muted small">
        {fmtDuration(route.timeH - dwellH)} moving, {fmtDuration(dwellH)} at borders, terminals and ports
      </p>
      <details open={props.selected}>
        <summary>Legs ({route.legs.length})</summary>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">mode</th>
              <th scope="col">from → to</th>
              <th scope="col" class="num">km</th>
              <th scope="col" class="num">moving</th>
              <th scope="col" class="num">USD</th>
              {route.legs.some((l) => l.rates && l.rates.length > 0) ? <th scope="col">priced by</th> : null}
            </tr>
          </thead>
          <tbody>
            {route.legs.map((leg, i) => (
              <tr key={`${leg.from}-${leg.to}-${i}`}>
                <td>
                  <span class="swatch" style={{ background: MODE_COLORS[leg.mode] ?? "#999" }} aria-hidden="true" />
                  {leg.mode}
                  {leg.gaugesMm && leg.gaugesMm.length > 0 ? <span class="muted"> {leg.gaugesMm.join("/")} mm</span> : null}
                </td>
                <td>
                  {leg.fromName} → {leg.toName}
                </td>
                <td class="num">{fmtInt(leg.distanceKm)}</td>
                <td class="num">{fmtDuration(leg.timeH)}</td>
                <td class="num">{fmtInt(leg.costUsd)}</td>
                {route.legs.some((l) => l.rates && l.rates.length > 0) ? (
                  <td class="small">
                    {(leg.rates ?? []).length > 0 ? (leg.rates ?? []).map((rate, k) => <LegRateText key={`${rate.lane}-${k}`} rate={rate} />) : <span class="muted">cost model</span>}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details open={props.selected}>
        <summary>Events ({route.events.length})</summary>
        <ol class="timeline">
          {route.events.map((ev, i) => {
            cumulativeH += ev.timeH;
            return (
              <li key={`${ev.at}-${ev.type}-${i}`} style={{ borderLeftColor: EVENT_COLORS[ev.type] ?? "#777" }}>
                <strong>{EVENT_LABELS[ev.type] ?? ev.type}</strong> at {ev.atName}: {fmt1(ev.timeH)} h{ev.timeP90H > ev.timeH ? ` (P90 ${fmt1(ev.timeP90H)} h)` : ""}, {fmtUsd(ev.costUsd)}
                <span class="muted"> (stops so far {fmtDuration(cumulativeH)})</span>
              </li>
            );
          })}
        </ol>
      </details>
      {route.notes.length > 0 ? (
        <ul class="notes">
          {route.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Sources ({route.sources.length})</summary>
        <ul class="sources">
          {route.sources.map((s) => (
            <li key={s.ref}>
              {s.url ? (
                <a href={s.url} rel="noreferrer" target="_blank">
                  {s.title}
                </a>
              ) : (
                s.title
              )}
              {s.year ? ` (${s.year})` : ""} <code class="muted">{s.ref}</code>
            </li>
          ))}
        </ul>
      </details>
    </article>
  );
}

export function RouteView(props: { state: AppState; update: (patch: Partial<AppState>) => void }) {
  const { state, update } = props;
  const map = useMap();
  const [result, setResult] = useState<RouteResponse | null>(null);
  const [legs, setLegs] = useState<GeoJSON.FeatureCollection | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState(1);
  const [avoidText, setAvoidText] = useState(state.avoidCountries.join(", "));
  const [missing, setMissing] = useState<string | null>(null);
  // a link or back/forward may change the avoided countries under the field
  const avoidJoined = state.avoidCountries.join(", ");
  useEffect(() => setAvoidText(avoidJoined), [avoidJoined]);
  const request = useRef<AbortController | null>(null);

  const routes = useMemo(() => (legs ? routeFeatures(legs) : null), [legs]);
  const [events, setEvents] = useState<GeoJSON.FeatureCollection | null>(null);
  useMapLayers(map, { sourceId: "routes", data: routes, layers: ROUTE_LAYERS });
  useMapLayers(map, { sourceId: "route-events", data: events, layers: EVENT_LAYERS });

  // the selected route's stops on the map
  useEffect(() => {
    setEvents(null);
    if (!result || result.routes.length === 0) return;
    const controller = new AbortController();
    eventPoints(result.routes, controller.signal)
      .then(setEvents)
      .catch(() => setEvents(null));
    return () => controller.abort();
  }, [result]);
  useEffect(() => {
    if (map?.getLayer("route-events")) map.setFilter("route-events", ["==", ["get", "rank"], selected]);
  }, [map, selected, events]);

  // the key of the query in the URL: a change (also by back/forward or a shared link) plans again
  const queryKey = JSON.stringify(routeParams(state));
  useEffect(() => {
    if (!state.from || !state.to) return;
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    setLoading(true);
    setError(null);
    const params = routeParams(state);
    Promise.all([apiGet<RouteResponse>("route", params, controller.signal), apiGet<GeoJSON.FeatureCollection>("route", { ...params, format: "geojson" }, controller.signal)])
      .then(([json, geojson]) => {
        setResult(json);
        setLegs(geojson);
        setSelected(1);
        if (map) fitToFeatures(map, geojson);
      })
      .catch((e: Error) => {
        if (e.name === "AbortError") return;
        setError(e);
        setResult(null);
        setLegs(null);
      })
      .finally(() => {
        if (request.current === controller) setLoading(false);
      });
    return () => controller.abort();
  }, [queryKey, map]);

  // avoided countries are tinted on the basemap
  const avoidKey = state.avoidCountries.join(",");
  useEffect(() => {
    if (!map || state.avoidCountries.length === 0) return;
    const ids = [...state.avoidCountries];
    for (const id of ids) map.setFeatureState({ source: "countries", id }, { fill: AVOIDED_FILL });
    return () => {
      if (!map.getSource("countries")) return;
      for (const id of ids) map.removeFeatureState({ source: "countries", id }, "fill");
    };
  }, [map, avoidKey]);

  // highlight the selected route
  useEffect(() => {
    if (!map || !routes || !map.getSource("routes")) return;
    for (const f of routes.features) map.setFeatureState({ source: "routes", id: f.id as number }, { selected: f.id === selected });
  }, [map, routes, selected]);

  // origin and destination labels as HTML markers (the offline style has no glyphs)
  useEffect(() => {
    if (!map || !legs || legs.features.length === 0) return;
    const first = legs.features.find((f) => f.properties?.rank === 1) ?? legs.features[0];
    const rank1 = legs.features.filter((f) => f.properties?.rank === first.properties?.rank);
    const start = (first.geometry as GeoJSON.LineString).coordinates[0];
    const lastLeg = rank1[rank1.length - 1].geometry as GeoJSON.LineString;
    const end = lastLeg.coordinates[lastLeg.coordinates.length - 1];
    const markers = [
      [start, result?.fromName ?? state.from],
      [end, result?.toName ?? state.to],
    ].map(([lngLat, name]) => {
      const el = document.createElement("div");
      el.className = "place-label";
      el.textContent = String(name);
      return new Marker({ element: el, anchor: "bottom", offset: [0, -4] }).setLngLat(lngLat as [number, number]).addTo(map);
    });
    return () => {
      for (const m of markers) m.remove();
    };
  }, [map, legs]);

  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const from = String(data.get("from") ?? "").trim();
    const to = String(data.get("to") ?? "").trim();
    setMissing(!from || !to ? `Enter ${!from && !to ? "both places" : !from ? "where from" : "where to"}.` : null);
    update({
      from,
      to,
      avoidCountries: avoidText
        .split(/[\s,]+/)
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c.length > 0),
    });
  };

  const toggleIn = (list: string[], item: string, on: boolean) => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));
  const routesList = result?.routes ?? [];

  return (
    <section class="panel-section" aria-labelledby="route-title">
      <h2 id="route-title">Route planner</h2>
      <form class="route-form" onSubmit={submit}>
        <div class="row">
          <PlaceInput id="from" label="From" value={state.from} onChange={(v) => v !== state.from && update({ from: v })} />
          <PlaceInput id="to" label="To" value={state.to} onChange={(v) => v !== state.to && update({ to: v })} />
        </div>
        <div class="row">
          <label>
            Optimise by
            <select name="optimize" value={state.optimize} onChange={(e) => update({ optimize: e.currentTarget.value })}>
              {OPTIMIZE.map((o) => (
                <option key={o} value={o}>
                  {OPTIMIZE_LABELS[o]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Cargo
            <select name="cargo" value={state.cargo} onChange={(e) => update({ cargo: e.currentTarget.value })}>
              {CARGO.map((c) => (
                <option key={c} value={c}>
                  {CARGO_LABELS[c]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Alternatives
            <input type="number" name="alternatives" min={1} max={5} value={state.alternatives} onChange={(e) => update({ alternatives: Math.max(1, Math.min(5, Number(e.currentTarget.value) || 1)) })} />
          </label>
        </div>
        <fieldset class="inline">
          <legend>Modes</legend>
          {MODES.map((m) => (
            <label key={m} class="check">
              <input type="checkbox" name={`mode-${m}`} checked={state.modes.includes(m)} onChange={(e) => update({ modes: MODES.filter((x) => toggleIn(state.modes, m, e.currentTarget.checked).includes(x)) })} />
              {m}
            </label>
          ))}
        </fieldset>
        <div class="row">
          <label class="grow">
            Avoid countries (ISO3, comma-separated; tinted on the map)
            <input type="text" name="avoidCountries" value={avoidText} placeholder="e.g. RUS, BLR" onInput={(e) => setAvoidText(e.currentTarget.value)} />
          </label>
          <label>
            Year
            <select name="year" value={state.year === null ? "" : String(state.year)} onChange={(e) => update({ year: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
              <option value="">today</option>
              {Array.from({ length: YEAR_MAX - YEAR_MIN + 1 }, (_, i) => YEAR_MIN + i).map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
        </div>
        <details class="chokepoints" open={state.close.length > 0}>
          <summary>Close chokepoints{state.close.length > 0 ? ` (${state.close.length} closed)` : ""}</summary>
          <fieldset class="inline">
            <legend class="visually-hidden">Closed chokepoints</legend>
            {CHOKEPOINTS.map((c) => (
              <label key={c.id} class="check">
                <input type="checkbox" name={`close-${c.id}`} checked={state.close.includes(c.id)} onChange={(e) => update({ close: toggleIn(state.close, c.id, e.currentTarget.checked) })} />
                {c.name}
              </label>
            ))}
          </fieldset>
        </details>
        <div class="row">
          <fieldset class="inline">
            <legend>Costs</legend>
            <label class="check">
              <input type="radio" name="costBasis" value="rates" checked={state.costBasis !== "cost"} onChange={() => update({ costBasis: "rates" })} />
              market rates
            </label>
            <label class="check">
              <input type="radio" name="costBasis" value="cost" checked={state.costBasis === "cost"} onChange={() => update({ costBasis: "cost", rates: "" })} />
              cost model
            </label>
          </fieldset>
          <label>
            Rates month (empty: latest)
            <input
              type="month"
              name="rates"
              value={state.rates}
              disabled={state.costBasis === "cost"}
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (v === "" || RATES_MONTH.test(v)) update({ rates: v });
              }}
            />
          </label>
          <label>
            Value of time
            <select name="vot" value={state.vot} disabled={state.optimize !== "generalized"} onChange={(e) => update({ vot: e.currentTarget.value })}>
              <option value="">cargo profile (1 % of the value a day)</option>
              <option value="carrying-cost">carrying cost (28.3 % of the value a year)</option>
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="rulesOffAll" checked={state.rulesOff.includes("all")} onChange={(e) => update({ rulesOff: e.currentTarget.checked ? ["all"] : [] })} />
            ignore every rule of passage
          </label>
        </div>
        <button type="submit" class="primary" disabled={loading}>
          {loading ? "Planning…" : "Plan route"}
        </button>
      </form>
      {missing ? (
        <div class="error" role="alert">
          {missing}
        </div>
      ) : null}
      <ErrorBox
        error={error}
        onPick={(s) => {
          // a suggestion replaces whichever end was unknown
          const e = error as { message?: string };
          const msg = e.message ?? "";
          if (msg.includes(`"${state.from}"`)) update({ from: s });
          else if (msg.includes(`"${state.to}"`)) update({ to: s });
          else update({ to: s });
        }}
      />
      {result && routesList.length > 0 ? (
        <div class="route-results" aria-live="polite">
          <h3>
            {result.fromName} → {result.toName}: {routesList.length} route{routesList.length === 1 ? "" : "s"}
          </h3>
          <p class="cost-basis" data-testid="cost-basis" data-basis={result.costBasis} data-month={result.ratesMonth ?? ""}>
            {costBasisText(result)}.
          </p>
          <PassageRules result={result} route={routesList.find((r) => r.rank === selected) ?? routesList[0]} rulesOff={state.rulesOff} update={(rulesOff) => update({ rulesOff })} />
          <ul class="legend" aria-label="Route legend">
            {routesList.map((r) => (
              <li key={r.rank}>
                <span class="swatch line" style={{ background: routeColor(r.rank) }} aria-hidden="true" />
                Route {r.rank}: {fmtDuration(r.timeH)}, {fmtUsd(r.costUsd)}
              </li>
            ))}
          </ul>
          <p class="legend-row">
            Stops of the selected route (area ∝ hours):
            {Object.entries(EVENT_LABELS)
              .filter(([type]) => routesList.some((r) => r.events.some((e) => e.type === type)))
              .map(([type, label]) => (
                <span key={type} class="legend-item">
                  <span class="swatch dot" style={{ background: EVENT_COLORS[type] }} aria-hidden="true" />
                  {label}
                </span>
              ))}
          </p>
          <Bars title="Time" items={routesList.map((r) => ({ key: `t${r.rank}`, label: `Route ${r.rank}`, value: r.timeH, color: routeColor(r.rank), text: fmtDuration(r.timeH) }))} />
          <Bars title="Cost per unit" items={routesList.map((r) => ({ key: `c${r.rank}`, label: `Route ${r.rank}`, value: r.costUsd, color: routeColor(r.rank), text: fmtUsd(r.costUsd) }))} />
          <Bars title="CO2 per unit" items={routesList.map((r) => ({ key: `e${r.rank}`, label: `Route ${r.rank}`, value: r.co2Kg, color: routeColor(r.rank), text: fmtCo2(r.co2Kg) }))} />
          {routesList.map((r) => (
            <RouteDetails key={r.rank} route={r} selected={r.rank === selected} onSelect={() => setSelected(r.rank)} />
          ))}
          <p class="muted small">
            Optimised by {OPTIMIZE_LABELS[result.criterion] ?? result.criterion}
            {result.criterion === "generalized" ? <span data-testid="value-of-time" data-basis={result.valueOfTimeBasis}>, {valueOfTimeText(result, CARGO_UNITS[result.cargo] ?? result.cargo)}</span> : null}; cargo{" "}
            {CARGO_LABELS[result.cargo] ?? result.cargo}. Costs and CO2 per cargo unit; {costBasisText(result).toLowerCase()}.
          </p>
        </div>
      ) : null}
      {result && routesList.length === 0 ? <p>No route found.</p> : null}
    </section>
  );
}
