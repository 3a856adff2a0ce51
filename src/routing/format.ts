/** Plain-text and JSON renderings of a route plan (used by `caravan route` and `caravan demo`). */
import type { RoutePlan } from "./plan";
import type { RouteReport } from "./report";
import type { RoutePlanJson } from "./wire";

const fmtInt = (x: number) => Math.round(x).toLocaleString("en-US");
const fmtH = (h: number) => (h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`);

function table(header: string[], rows: string[][], rightAligned: readonly number[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** One route as text: a summary line, the legs table, the events table, countries and notes. */
export function formatRoute(r: RouteReport, cargoUnit: string): string {
  const out: string[] = [];
  out.push(
    `#${r.rank}  ${fmtH(r.timeH)} (${r.timeH.toFixed(1)} h, P90 ${fmtH(r.timeP90H)})  USD ${fmtInt(r.costUsd)}/${cargoUnit}  ${fmtInt(r.co2Kg)} kg CO2e/${cargoUnit}  ${fmtInt(r.distanceKm)} km` +
      (r.transitCountries.length > 0 ? `  via ${r.transitCountries.join("-")}` : ""),
  );
  const legRows = r.legs.map((l) => [
    l.mode + (l.gaugesMm && l.gaugesMm.length > 0 ? ` ${l.gaugesMm.join("/")}` : ""),
    l.fromName,
    l.toName,
    fmtInt(l.distanceKm),
    l.timeH.toFixed(1),
    fmtInt(l.costUsd),
    fmtInt(l.co2Kg),
    l.operation ?? "",
  ]);
  out.push(...table(["  mode", "from", "to", "km", "moving h", "USD", "kg CO2e", "operation"], legRows.map((row) => [`  ${row[0]}`, ...row.slice(1)]), [3, 4, 5, 6]));
  if (r.events.length > 0) {
    const eventRows = r.events.map((e) => [`  ${e.type}`, e.atName, e.timeH.toFixed(1), e.timeP90H.toFixed(1), fmtInt(e.costUsd), e.ref ?? ""]);
    out.push(...table(["  event", "at", "h", "P90 h", "USD", "ref"], eventRows, [2, 3, 4]));
  }
  out.push(`  countries: ${r.countries.join(" > ")}`);
  if (r.estimatedDistanceShare > 0) out.push(`  estimated distances: ${(r.estimatedDistanceShare * 100).toFixed(0)} % of km (great-circle × circuity)`);
  for (const [k, leg] of r.legs.entries()) {
    for (const x of leg.rates ?? []) {
      const what = x.runRateUsd !== null ? `USD ${fmtInt(x.runRateUsd)}/${x.unit} (${x.asPublished}${x.basis === "rate-carried" ? ", carried forward" : ""}${x.shockMultiplier !== 1 ? `, × ${x.shockMultiplier} closure shock` : ""})` : `cost model × ${x.imbalanceFactor.toFixed(3)}`;
      out.push(`  rate: leg ${k + 1} ${x.laneName}, ${x.direction}: ${what}${x.source.length > 0 ? ` [${x.source.join(", ")}]` : ""}`);
    }
  }
  for (const note of r.notes) out.push(`  note: ${note}`);
  return out.join("\n");
}

export function formatPlan(plan: RoutePlan, cargoUnit: string): string {
  const via = plan.via ? ` via ${plan.via.name}` : "";
  const basis = plan.costBasis === "rates" ? `, costs on rates of ${plan.ratesMonth}` : ", costs on the cost model";
  const vot =
    plan.criterion !== "generalized" || plan.valueOfTimeBasis === "profile"
      ? ""
      : ` (value of time USD ${plan.valueOfTimeUsdPerH.toFixed(2)}/${cargoUnit}-h, ${plan.valueOfTimeBasis === "carrying-cost" ? "the carrying cost" : "given"})`;
  const head = `${plan.from.name} → ${plan.to.name}${via}: ${plan.routes.length} route(s), optimised for ${plan.criterion}${vot}, cargo ${plan.cargo}${basis}`;
  return `${head}\n${plan.routes.map((r) => formatRoute(r, cargoUnit)).join("\n\n")}\n`;
}

/** The `--json` body: {from, to, routes: [{rank, timeH, timeP90H, costUsd, co2Kg, distanceKm, countries, transitCountries, legs, events, ...}]}. */
export function planJson(plan: RoutePlan): RoutePlanJson {
  return {
    from: plan.from.id,
    to: plan.to.id,
    fromName: plan.from.name,
    toName: plan.to.name,
    via: plan.via?.id ?? null,
    criterion: plan.criterion,
    cargo: plan.cargo,
    valueOfTimeUsdPerH: plan.valueOfTimeUsdPerH,
    valueOfTimeBasis: plan.valueOfTimeBasis,
    costBasis: plan.costBasis,
    ratesMonth: plan.ratesMonth,
    routes: plan.routes.map((r) => ({
      rank: r.rank,
      timeH: r.timeH,
      timeP90H: r.timeP90H,
      costUsd: r.costUsd,
      co2Kg: r.co2Kg,
      distanceKm: r.distanceKm,
      countries: r.countries,
      transitCountries: r.transitCountries,
      legs: r.legs,
      events: r.events,
      estimatedDistanceShare: r.estimatedDistanceShare,
      notes: r.notes,
      sources: r.sources,
    })),
    passage: plan.passage,
  };
}

/** The `--geojson` body: one FeatureCollection with every leg of every route. */
export function planGeoJson(plan: RoutePlan): unknown {
  return { type: "FeatureCollection", features: plan.routes.flatMap((r) => r.geometry.features) };
}
