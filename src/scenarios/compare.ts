/**
 * Side-by-side comparison of two scenario results (docs/scenarios.md, "compare"): per city pair the change in time,
 * cost and CO2 (absolute and %), unweighted and demand-weighted mean changes, the pairs whose route changes
 * corridor, transit by country, crossing and ferry volumes with v/c, bottlenecks that appear or vanish, and a short
 * text summary of the largest changes.
 *
 * A "result view" is one state's tables: the scenario side of a run folder (read from its CSVs), the baseline side of
 * a run folder, or a run made in memory. Pairs present on one side only are pairs that became (un)reachable.
 * Pairs whose time, cost, CO2 and corridor are unchanged are left out of `pairs` and counted in the summary.
 *
 * Demand weights: the tonnes per year between two cities in the scenario side's assigned demand (all classes);
 * pairs without demand weigh nothing in the demand-weighted means.
 * A bottleneck is a capacity (crossing direction, terminal or link) with v/c ≥ BOTTLENECK_VC in a side's bottleneck
 * table (the 20 highest v/c of the state).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CaravanError } from "../core/errors";
import type { CrossingDirectionRow, CrossingRow, FerryRow, PairRow, ScenarioRun, SideResult, TransitRowOut } from "./run";
import { readCsvRows, readCsvTable } from "./tables";
import type { TradeWeights } from "./trade-weights";

/** v/c at or above which a capacity counts as a bottleneck. */
export const BOTTLENECK_VC = 0.9;

/** One state's tables, as compare needs them. */
export interface ResultView {
  readonly name: string;
  /** Where it came from: `run:<dir>/<side>` or `scenario:<file>`. */
  readonly origin: string;
  readonly pairs: readonly PairRow[];
  readonly crossings: readonly CrossingRow[];
  readonly crossingDirections: readonly CrossingDirectionRow[];
  readonly ferries: readonly FerryRow[];
  readonly transit: readonly TransitRowOut[];
  readonly bottlenecks: readonly { readonly id: string; readonly vc: number }[];
  readonly demand: readonly { readonly origin: string; readonly destination: string; readonly amountT: number }[];
  /** Country-pair shipment times of this state (trade/pair-times/pair-times.ts), hours; empty when not computed. */
  readonly countryPairs: readonly { readonly exporter: string; readonly importer: string; readonly timeH: number }[];
}

/** A view of one side of an in-memory run. */
export function viewOfSide(run: ScenarioRun, side: "baseline" | "scenario"): ResultView {
  const s: SideResult = side === "baseline" ? run.baseline : run.result;
  const name = side === "baseline" ? (run.baselineScenario?.name ?? `${run.scenario.name} (baseline)`) : run.scenario.name;
  const countryPairs = run.countryPairs.map((c) => ({ exporter: c.exporter, importer: c.importer, timeH: side === "baseline" ? c.baselineTimeH : c.scenarioTimeH }));
  return viewOfSideResult(name, `scenario:${run.scenario.file}#${side}`, s, countryPairs);
}

/** A view of one computed network state (a side of a run or a sweep variant). */
export function viewOfSideResult(name: string, origin: string, s: SideResult, countryPairs: ResultView["countryPairs"] = []): ResultView {
  return {
    name,
    origin,
    pairs: s.pairs,
    crossings: s.crossings,
    crossingDirections: s.crossingDirections,
    ferries: s.ferries,
    transit: s.transit,
    bottlenecks: s.bottlenecks.map((b) => ({ id: b.linkId, vc: b.vc })),
    demand: s.demandRows,
    countryPairs,
  };
}

const num = (text: string | undefined): number => (text === undefined || text === "" ? Number.NaN : Number(text));

const PAIR_COLUMNS = "from,to,timeH,costUsd,co2Kg,distanceKm,corridor";

/**
 * pairs.csv of a run folder (the largest table: every city pair), read without per-row field arrays: fields are
 * sliced between commas (place ids and corridors never contain a comma or quote; a file that does takes the general
 * CSV path).
 */
function readPairsCsv(file: string): PairRow[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CaravanError("E_RUN_INVALID", `${file} is missing or unreadable`, { details: { file } });
  }
  const firstEnd = text.indexOf("\n");
  if (text.includes('"') || text.includes("\r") || text.slice(0, firstEnd) !== PAIR_COLUMNS) {
    const t = readCsvTable(file);
    const [from, to, timeH, costUsd, co2Kg, distanceKm, corridor] = PAIR_COLUMNS.split(",").map(t.column);
    return t.rows.map((r) => ({ from: r[from], to: r[to], timeH: num(r[timeH]), costUsd: num(r[costUsd]), co2Kg: num(r[co2Kg]), distanceKm: num(r[distanceKm]), corridor: r[corridor] }));
  }
  const out: PairRow[] = [];
  let pos = firstEnd + 1;
  let line = 2;
  while (pos < text.length) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const c1 = text.indexOf(",", pos);
    const c2 = text.indexOf(",", c1 + 1);
    const c3 = text.indexOf(",", c2 + 1);
    const c4 = text.indexOf(",", c3 + 1);
    const c5 = text.indexOf(",", c4 + 1);
    const c6 = text.indexOf(",", c5 + 1);
    const c7 = text.indexOf(",", c6 + 1);
    if (c1 < 0 || c6 < 0 || c6 >= end || (c7 !== -1 && c7 < end)) {
      throw new CaravanError("E_RUN_INVALID", `${file}:${line}: expected the 7 columns ${PAIR_COLUMNS}`, { details: { file, line } });
    }
    out.push({
      from: text.slice(pos, c1),
      to: text.slice(c1 + 1, c2),
      timeH: num(text.slice(c2 + 1, c3)),
      costUsd: num(text.slice(c3 + 1, c4)),
      co2Kg: num(text.slice(c4 + 1, c5)),
      distanceKm: num(text.slice(c5 + 1, c6)),
      corridor: text.slice(c6 + 1, end),
    });
    pos = end + 1;
    line++;
  }
  return out;
}

/** A view of one side of a run folder (E_RUN_INVALID when it is not one). */
export function viewOfRunFolder(dir: string, side: "baseline" | "scenario" = "scenario"): ResultView {
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile)) throw new CaravanError("E_RUN_INVALID", `${dir} is not a scenario run folder (no manifest.json)`, { details: { dir } });
  let manifest: { scenario?: { name?: string }; baseline?: { name?: string } };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    throw new CaravanError("E_RUN_INVALID", `${manifestFile} is not valid JSON`, { details: { file: manifestFile } });
  }
  const sub = join(dir, side);
  const pairs = readPairsCsv(join(sub, "pairs.csv"));
  return {
    name: (side === "baseline" ? manifest.baseline?.name : manifest.scenario?.name) ?? dir,
    origin: `run:${sub}`,
    pairs,
    crossings: readCsvRows(join(sub, "crossings.csv")).map((r) => ({ crossing: r.crossing, name: r.name, countries: r.countries, volumeT: num(r.volumeT), vc: r.vc === "" ? null : num(r.vc) })),
    crossingDirections: readCsvRows(join(sub, "crossing-directions.csv")).map((r) => ({
      crossing: r.crossing,
      direction: r.direction,
      volumeT: num(r.volumeT),
      capacityT: r.capacityT === "" ? null : num(r.capacityT),
      vc: r.vc === "" ? null : num(r.vc),
    })),
    ferries: readCsvRows(join(sub, "ferries.csv")).map((r) => ({ ferry: r.ferry, name: r.name, volumeT: num(r.volumeT) })),
    transit: readCsvRows(join(sub, "transit.csv")).map((r) => ({ country: r.country, transitT: num(r.transitT), containerTeu: num(r.containerTeu) })),
    bottlenecks: readCsvRows(join(sub, "bottlenecks.csv")).map((r) => ({ id: r.id, vc: num(r.vc) })),
    demand: readCsvRows(join(sub, "demand.csv")).map((r) => ({ origin: r.origin, destination: r.destination, amountT: num(r.amountT) })),
    countryPairs: existsSync(join(dir, "country-pairs.csv"))
      ? readCsvRows(join(dir, "country-pairs.csv")).map((r) => ({ exporter: r.exporter, importer: r.importer, timeH: num(side === "baseline" ? r.baselineTimeH : r.scenarioTimeH) }))
      : [],
  };
}

export interface PairFigures {
  readonly timeH: number;
  readonly costUsd: number;
  readonly co2Kg: number;
  readonly corridor: string;
}

export interface PairChange {
  readonly from: string;
  readonly to: string;
  readonly baseline: PairFigures | null;
  readonly scenario: PairFigures | null;
  /** scenario − baseline; null when one side has no route. */
  readonly change: { readonly timeH: number; readonly timePct: number | null; readonly costUsd: number; readonly costPct: number | null; readonly co2Kg: number; readonly co2Pct: number | null } | null;
  readonly corridorSwitch: boolean;
  /** Tonnes per year between the two cities in the scenario's demand (0 = none). */
  readonly demandT: number;
}

export interface MeanChange {
  readonly pairs: number;
  readonly timeH: number;
  readonly timePct: number;
  readonly costUsd: number;
  readonly costPct: number;
  readonly co2Kg: number;
  readonly co2Pct: number;
}

export interface Comparison {
  readonly baseline: { readonly name: string; readonly origin: string };
  readonly scenario: { readonly name: string; readonly origin: string };
  readonly pairs: readonly PairChange[];
  readonly means: {
    readonly unweighted: MeanChange;
    readonly demandWeighted: MeanChange | null;
    /**
     * Mean change of the country-pair shipment times weighted by trade (`--trade FILE`), over the country pairs
     * timed in both results with trade > 0; null without trade weights or country-pair times.
     */
    readonly tradeWeighted: { readonly countryPairs: number; readonly timeH: number; readonly timePct: number } | null;
  };
  readonly transitByCountry: readonly { readonly country: string; readonly baselineT: number; readonly scenarioT: number; readonly changeT: number }[];
  readonly crossings: readonly {
    readonly id: string;
    readonly name: string;
    readonly baselineT: number;
    readonly scenarioT: number;
    readonly changeT: number;
    readonly baselineVc: number | null;
    readonly scenarioVc: number | null;
    /** By direction `FROM→TO`. */
    readonly directions: readonly { readonly direction: string; readonly baselineT: number; readonly scenarioT: number; readonly baselineVc: number | null; readonly scenarioVc: number | null }[];
  }[];
  readonly ferries: readonly { readonly id: string; readonly name: string; readonly baselineT: number; readonly scenarioT: number; readonly changeT: number }[];
  readonly bottlenecks: { readonly appeared: readonly string[]; readonly vanished: readonly string[]; readonly threshold: number };
  readonly summary: {
    readonly pairsCompared: number;
    readonly pairsChanged: number;
    readonly pairsUnchanged: number;
    readonly pairsLostRoute: number;
    readonly pairsGainedRoute: number;
    readonly corridorSwitches: number;
    readonly text: string;
  };
}

const pct = (delta: number, base: number): number | null => (base > 0 ? (100 * delta) / base : null);
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compare two result views (see the file comment). */
export function compareViews(base: ResultView, scen: ResultView, options: { readonly pairs?: boolean; readonly trade?: TradeWeights } = {}): Comparison {
  const keepPairs = options.pairs ?? true;
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  const demand = new Map<string, Map<string, number>>(); // origin → destination → tonnes
  for (const d of scen.demand) {
    let row = demand.get(d.origin);
    if (!row) {
      row = new Map();
      demand.set(d.origin, row);
    }
    row.set(d.destination, (row.get(d.destination) ?? 0) + d.amountT);
  }
  // Matched pairs in baseline order, then pairs only the scenario has. Runs over one network list the same city
  // pairs in the same order except for unreachable ones, so a merge walk finds the matches without a key map.
  const matched: [PairRow | null, PairRow | null][] = [];
  const bp = base.pairs;
  const sp = scen.pairs;
  // greedy subsequence match: exact when the scenario's pairs are the baseline's in the same order, some missing
  let j = 0;
  for (const b of bp) {
    if (j < sp.length && sp[j].from === b.from && sp[j].to === b.to) matched.push([b, sp[j++]]);
    else matched.push([b, null]);
  }
  if (j < sp.length) {
    // general case: match by key
    matched.length = 0;
    const scenMap = new Map(sp.map((p) => [key(p.from, p.to), p]));
    const seen = new Set<string>();
    for (const b of bp) {
      const k = key(b.from, b.to);
      seen.add(k);
      matched.push([b, scenMap.get(k) ?? null]);
    }
    for (const s of sp) if (!seen.has(key(s.from, s.to))) matched.push([null, s]);
  }
  const pairs: PairChange[] = [];
  let unchanged = 0;
  let lost = 0;
  let gained = 0;
  let switches = 0;
  const acc = { n: 0, t: 0, tp: 0, c: 0, cp: 0, e: 0, ep: 0 };
  const wacc = { w: 0, n: 0, t: 0, tp: 0, c: 0, cp: 0, e: 0, ep: 0 };
  const fig = (p: PairRow): PairFigures => ({ timeH: p.timeH, costUsd: p.costUsd, co2Kg: p.co2Kg, corridor: p.corridor });
  for (const [b, s] of matched) {
    const from = (b ?? s)!.from;
    const to = (b ?? s)!.to;
    const w = demand.get(from)?.get(to) ?? 0;
    if (b === null || s === null) {
      if (b === null) gained++;
      else lost++;
      if (keepPairs) pairs.push({ from, to, baseline: b && fig(b), scenario: s && fig(s), change: null, corridorSwitch: false, demandT: w });
      continue;
    }
    const dt = s.timeH - b.timeH;
    const dc = s.costUsd - b.costUsd;
    const de = s.co2Kg - b.co2Kg;
    const tp = pct(dt, b.timeH) ?? 0;
    const cp = pct(dc, b.costUsd) ?? 0;
    const ep = pct(de, b.co2Kg) ?? 0;
    acc.n++;
    acc.t += dt;
    acc.tp += tp;
    acc.c += dc;
    acc.cp += cp;
    acc.e += de;
    acc.ep += ep;
    if (w > 0) {
      wacc.w += w;
      wacc.n++;
      wacc.t += w * dt;
      wacc.tp += w * tp;
      wacc.c += w * dc;
      wacc.cp += w * cp;
      wacc.e += w * de;
      wacc.ep += w * ep;
    }
    const corridorSwitch = b.corridor !== s.corridor;
    if (corridorSwitch) switches++;
    const eps = 1e-6;
    if (!corridorSwitch && Math.abs(dt) <= eps && Math.abs(dc) <= eps && Math.abs(de) <= eps) {
      unchanged++;
      continue;
    }
    if (keepPairs) pairs.push({
      from,
      to,
      baseline: fig(b),
      scenario: fig(s),
      change: { timeH: dt, timePct: pct(dt, b.timeH), costUsd: dc, costPct: pct(dc, b.costUsd), co2Kg: de, co2Pct: pct(de, b.co2Kg) },
      corridorSwitch,
      demandT: w,
    });
  }
  const mean = (a: typeof acc, n: number, div: number): MeanChange => ({
    pairs: n,
    timeH: div > 0 ? a.t / div : 0,
    timePct: div > 0 ? a.tp / div : 0,
    costUsd: div > 0 ? a.c / div : 0,
    costPct: div > 0 ? a.cp / div : 0,
    co2Kg: div > 0 ? a.e / div : 0,
    co2Pct: div > 0 ? a.ep / div : 0,
  });
  const means = {
    unweighted: mean(acc, acc.n, acc.n),
    demandWeighted: wacc.w > 0 ? mean(wacc, wacc.n, wacc.w) : null,
    tradeWeighted: options.trade ? tradeWeightedChange(base, scen, options.trade) : null,
  };

  const transitKeys = [...new Set([...base.transit.map((t) => t.country), ...scen.transit.map((t) => t.country)])].sort(byString);
  const tb = new Map(base.transit.map((t) => [t.country, t.transitT]));
  const ts = new Map(scen.transit.map((t) => [t.country, t.transitT]));
  const transitByCountry = transitKeys.map((country) => {
    const baselineT = tb.get(country) ?? 0;
    const scenarioT = ts.get(country) ?? 0;
    return { country, baselineT, scenarioT, changeT: scenarioT - baselineT };
  });
  const cb = new Map(base.crossings.map((c) => [c.crossing, c]));
  const cs = new Map(scen.crossings.map((c) => [c.crossing, c]));
  const crossings = [...new Set([...cb.keys(), ...cs.keys()])].sort(byString).map((id) => {
    const b = cb.get(id);
    const s = cs.get(id);
    const baselineT = b?.volumeT ?? 0;
    const scenarioT = s?.volumeT ?? 0;
    const db = new Map(base.crossingDirections.filter((d) => d.crossing === id).map((d) => [d.direction, d]));
    const ds = new Map(scen.crossingDirections.filter((d) => d.crossing === id).map((d) => [d.direction, d]));
    const directions = [...new Set([...db.keys(), ...ds.keys()])].sort(byString).map((direction) => ({
      direction,
      baselineT: db.get(direction)?.volumeT ?? 0,
      scenarioT: ds.get(direction)?.volumeT ?? 0,
      baselineVc: db.get(direction)?.vc ?? null,
      scenarioVc: ds.get(direction)?.vc ?? null,
    }));
    return { id, name: (s ?? b)!.name, baselineT, scenarioT, changeT: scenarioT - baselineT, baselineVc: b?.vc ?? null, scenarioVc: s?.vc ?? null, directions };
  });
  const fb = new Map(base.ferries.map((f) => [f.ferry, f]));
  const fs = new Map(scen.ferries.map((f) => [f.ferry, f]));
  const ferries = [...new Set([...fb.keys(), ...fs.keys()])].sort(byString).map((id) => {
    const baselineT = fb.get(id)?.volumeT ?? 0;
    const scenarioT = fs.get(id)?.volumeT ?? 0;
    return { id, name: (fs.get(id) ?? fb.get(id))!.name, baselineT, scenarioT, changeT: scenarioT - baselineT };
  });
  const hot = (v: ResultView) => new Set(v.bottlenecks.filter((b) => b.vc >= BOTTLENECK_VC).map((b) => b.id));
  const hb = hot(base);
  const hs = hot(scen);
  const bottlenecks = {
    appeared: [...hs].filter((id) => !hb.has(id)).sort(byString),
    vanished: [...hb].filter((id) => !hs.has(id)).sort(byString),
    threshold: BOTTLENECK_VC,
  };
  const comparison: Omit<Comparison, "summary"> = {
    baseline: { name: base.name, origin: base.origin },
    scenario: { name: scen.name, origin: scen.origin },
    pairs,
    means,
    transitByCountry,
    crossings,
    ferries,
    bottlenecks,
  };
  const summary = {
    pairsCompared: acc.n,
    pairsChanged: acc.n - unchanged,
    pairsUnchanged: unchanged,
    pairsLostRoute: lost,
    pairsGainedRoute: gained,
    corridorSwitches: switches,
    text: "",
  };
  summary.text = summaryText({ ...comparison, summary });
  return { ...comparison, summary };
}

/** Trade-weighted mean change of the country-pair times (see Comparison.means.tradeWeighted). */
function tradeWeightedChange(base: ResultView, scen: ResultView, trade: TradeWeights): { countryPairs: number; timeH: number; timePct: number } | null {
  const scenTime = new Map(scen.countryPairs.map((c) => [`${c.exporter}>${c.importer}`, c.timeH]));
  let w = 0;
  let n = 0;
  let dt = 0;
  let dp = 0;
  for (const b of base.countryPairs) {
    const s = scenTime.get(`${b.exporter}>${b.importer}`);
    const t = trade.get(b.exporter)?.get(b.importer) ?? 0;
    if (s === undefined || !Number.isFinite(s) || !Number.isFinite(b.timeH) || !(t > 0)) continue;
    w += t;
    n++;
    dt += t * (s - b.timeH);
    if (b.timeH > 0) dp += (t * 100 * (s - b.timeH)) / b.timeH;
  }
  return w > 0 ? { countryPairs: n, timeH: dt / w, timePct: dp / w } : null;
}

const mt = (t: number): string => (t / 1e6).toFixed(2);
const signed = (x: number, digits: number): string => `${x > 0 ? "+" : ""}${x.toFixed(digits)}`;

/** The short text summary of the largest changes. */
export function summaryText(c: Comparison): string {
  const lines: string[] = [];
  const s = c.summary;
  lines.push(`${c.scenario.name} vs ${c.baseline.name}`);
  lines.push(
    `city pairs: ${s.pairsCompared} compared, ${s.pairsChanged} changed, ${s.corridorSwitches} switch corridor, ${s.pairsLostRoute} lose their route, ${s.pairsGainedRoute} gain one`,
  );
  const u = c.means.unweighted;
  lines.push(`mean change per pair: time ${signed(u.timeH, 2)} h (${signed(u.timePct, 2)} %), cost ${signed(u.costUsd, 0)} USD (${signed(u.costPct, 2)} %), CO2 ${signed(u.co2Kg, 1)} kg (${signed(u.co2Pct, 2)} %)`);
  const w = c.means.demandWeighted;
  if (w) lines.push(`demand-weighted (${w.pairs} pairs with demand): time ${signed(w.timeH, 2)} h (${signed(w.timePct, 2)} %), cost ${signed(w.costUsd, 0)} USD (${signed(w.costPct, 2)} %)`);
  const tw = c.means.tradeWeighted;
  if (tw) lines.push(`trade-weighted country-pair shipment time (${tw.countryPairs} country pairs with trade): ${signed(tw.timeH, 2)} h (${signed(tw.timePct, 2)} %)`);
  const changed = c.pairs.filter((p) => p.change !== null);
  // ranked on the change rounded to 0.001 h, ties by name: a run folder keeps 6 decimals, so changes equal to the
  // rounding (the same detour added to several pairs) rank the same in memory and read back from the folder
  const milliH = (p: PairChange): number => Math.round(p.change!.timeH * 1000);
  const top = [...changed].sort((x, y) => milliH(x) - milliH(y) || byString(x.from, y.from) || byString(x.to, y.to)).slice(0, 3);
  for (const p of top) {
    if (p.change!.timeH >= 0) break;
    lines.push(`  largest saving: ${p.from} → ${p.to} ${p.baseline!.timeH.toFixed(1)} → ${p.scenario!.timeH.toFixed(1)} h${p.corridorSwitch ? ` (corridor ${p.baseline!.corridor || "direct"} → ${p.scenario!.corridor || "direct"})` : ""}`);
  }
  const worst = [...changed].sort((x, y) => milliH(y) - milliH(x) || byString(x.from, y.from) || byString(x.to, y.to)).slice(0, 3);
  for (const p of worst) {
    if (p.change!.timeH <= 0) break;
    lines.push(`  largest increase: ${p.from} → ${p.to} ${p.baseline!.timeH.toFixed(1)} → ${p.scenario!.timeH.toFixed(1)} h${p.corridorSwitch ? ` (corridor ${p.baseline!.corridor || "direct"} → ${p.scenario!.corridor || "direct"})` : ""}`);
  }
  const crossings = [...c.crossings].filter((x) => Math.abs(x.changeT) >= 1).sort((x, y) => Math.abs(y.changeT) - Math.abs(x.changeT) || byString(x.id, y.id)).slice(0, 5);
  if (crossings.length > 0) {
    lines.push("crossing volumes (Mt/yr, v/c):");
    for (const x of crossings) {
      const vc = (v: number | null) => (v === null ? "–" : v.toFixed(2));
      lines.push(`  ${x.id}: ${mt(x.baselineT)} → ${mt(x.scenarioT)} (${signed(x.changeT / 1e6, 2)}), v/c ${vc(x.baselineVc)} → ${vc(x.scenarioVc)}`);
    }
  }
  const transit = [...c.transitByCountry].filter((x) => Math.abs(x.changeT) >= 1).sort((x, y) => Math.abs(y.changeT) - Math.abs(x.changeT) || byString(x.country, y.country)).slice(0, 5);
  if (transit.length > 0) lines.push(`transit (Mt/yr): ${transit.map((x) => `${x.country} ${mt(x.baselineT)} → ${mt(x.scenarioT)}`).join("; ")}`);
  const ferries = c.ferries.filter((f) => Math.abs(f.changeT) >= 1);
  if (ferries.length > 0) lines.push(`ferries (Mt/yr): ${ferries.map((f) => `${f.id} ${mt(f.baselineT)} → ${mt(f.scenarioT)}`).join("; ")}`);
  if (c.bottlenecks.appeared.length > 0) lines.push(`bottlenecks appearing (v/c ≥ ${c.bottlenecks.threshold}): ${c.bottlenecks.appeared.join(", ")}`);
  if (c.bottlenecks.vanished.length > 0) lines.push(`bottlenecks vanishing (v/c ≥ ${c.bottlenecks.threshold}): ${c.bottlenecks.vanished.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** GeoJSON of the changed pairs as straight lines between the cities (properties: the changes). */
export function comparisonGeoJson(c: Comparison, coords: (placeId: string) => [number, number] | null): string {
  const features: unknown[] = [];
  for (const p of c.pairs) {
    const a = coords(p.from);
    const b = coords(p.to);
    if (!a || !b) continue;
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: [a, b] },
      properties: {
        from: p.from,
        to: p.to,
        baselineTimeH: p.baseline?.timeH ?? null,
        scenarioTimeH: p.scenario?.timeH ?? null,
        changeTimeH: p.change?.timeH ?? null,
        changeTimePct: p.change?.timePct ?? null,
        corridorSwitch: p.corridorSwitch,
        demandT: p.demandT,
      },
    });
  }
  return `${JSON.stringify({ type: "FeatureCollection", features })}\n`;
}
