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
import { columnsOfRows, type PairColumns, readPairsCsvColumns } from "./pair-columns";
import { readCsvRows } from "./tables";
import type { TradeWeights } from "./trade-weights";

/** v/c at or above which a capacity counts as a bottleneck. */
export const BOTTLENECK_VC = 0.9;

/** One state's tables, as compare needs them. */
export interface ResultView {
  readonly name: string;
  /** Where it came from: `run:<dir>/<side>` or `scenario:<file>`. */
  readonly origin: string;
  /** The city pairs: rows, or typed columns (a run folder's pairs.csv is read into columns). */
  readonly pairs: readonly PairRow[] | PairColumns;
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
  const pairs = readPairsCsvColumns(join(sub, "pairs.csv"));
  let countryPairs: ResultView["countryPairs"] | null = null;
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
    // read when first used (trade-weighted means only)
    get countryPairs(): ResultView["countryPairs"] {
      countryPairs ??= existsSync(join(dir, "country-pairs.csv"))
        ? readCsvRows(join(dir, "country-pairs.csv")).map((r) => ({ exporter: r.exporter, importer: r.importer, timeH: num(side === "baseline" ? r.baselineTimeH : r.scenarioTimeH) }))
        : [];
      return countryPairs;
    },
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
  const A = Array.isArray(base.pairs) ? columnsOfRows(base.pairs as readonly PairRow[]) : (base.pairs as PairColumns);
  const B = Array.isArray(scen.pairs) ? columnsOfRows(scen.pairs as readonly PairRow[]) : (scen.pairs as PairColumns);
  // one table of cities and one of corridors for both sides: the baseline's, then what only the scenario has
  const cityIndex = new Map<string, number>();
  const cities: string[] = [];
  const intern = (index: Map<string, number>, list: string[], s: string): number => {
    let k = index.get(s);
    if (k === undefined) {
      k = list.length;
      list.push(s);
      index.set(s, k);
    }
    return k;
  };
  for (const c of A.cities) intern(cityIndex, cities, c);
  const bCity = Int32Array.from(B.cities, (c) => intern(cityIndex, cities, c));
  const corridorIndex = new Map<string, number>();
  const corridors: string[] = [];
  const aCorridor = Int32Array.from(A.corridors, (c) => intern(corridorIndex, corridors, c));
  const bCorridor = Int32Array.from(B.corridors, (c) => intern(corridorIndex, corridors, c));
  /** A column of indexes into a side's table as indexes into the common table (itself when they are the same). */
  const remap = (col: Int32Array, map: Int32Array): Int32Array => {
    let same = true;
    for (let i = 0; i < map.length && same; i++) same = map[i] === i;
    if (same) return col;
    const out = new Int32Array(col.length);
    for (let i = 0; i < col.length; i++) out[i] = map[col[i]];
    return out;
  };
  const aFrom = remap(A.from, Int32Array.from(A.cities, (c) => cityIndex.get(c)!));
  const aTo = remap(A.to, Int32Array.from(A.cities, (c) => cityIndex.get(c)!));
  const bFrom = remap(B.from, bCity);
  const bTo = remap(B.to, bCity);
  const aCor = remap(A.corridor, aCorridor);
  const bCor = remap(B.corridor, bCorridor);
  const nCities = cities.length;
  // demand weights by city pair (tonnes, summed in the order of the demand rows)
  const dense = nCities * nCities <= 1 << 24;
  const demandDense = dense ? new Float64Array(nCities * nCities) : null;
  const demandMap = dense ? null : new Map<number, number>();
  for (const d of scen.demand) {
    const f = cityIndex.get(d.origin);
    const t = cityIndex.get(d.destination);
    if (f === undefined || t === undefined) continue; // no pair to weigh
    const k = f * nCities + t;
    if (demandDense) demandDense[k] += d.amountT;
    else demandMap!.set(k, (demandMap!.get(k) ?? 0) + d.amountT);
  }
  const weightOf = (f: number, t: number): number => (demandDense ? demandDense[f * nCities + t] : (demandMap!.get(f * nCities + t) ?? 0));
  // Matched pairs in baseline order, then pairs only the scenario has: row of each side, -1 where it has none. Runs
  // over one network list the same city pairs in the same order except for unreachable ones, so a merge walk finds
  // the matches without a key map.
  const nA = A.length;
  const nB = B.length;
  let mA = new Int32Array(nA);
  let mB = new Int32Array(nA);
  let matched = nA;
  // greedy subsequence match: exact when the scenario's pairs are the baseline's in the same order, some missing
  let j = 0;
  for (let i = 0; i < nA; i++) {
    mA[i] = i;
    if (j < nB && bFrom[j] === aFrom[i] && bTo[j] === aTo[i]) mB[i] = j++;
    else mB[i] = -1;
  }
  if (j < nB) {
    // general case: match by key (the last scenario row of a pair)
    const scenRow = new Map<number, number>();
    for (let s = 0; s < nB; s++) scenRow.set(bFrom[s] * nCities + bTo[s], s);
    const seen = new Set<number>();
    for (let i = 0; i < nA; i++) {
      const k = aFrom[i] * nCities + aTo[i];
      seen.add(k);
      mB[i] = scenRow.get(k) ?? -1;
    }
    const only: number[] = [];
    for (let s = 0; s < nB; s++) if (!seen.has(bFrom[s] * nCities + bTo[s])) only.push(s);
    matched = nA + only.length;
    const ma = new Int32Array(matched);
    const mb = new Int32Array(matched);
    ma.set(mA);
    mb.set(mB);
    for (let q = 0; q < only.length; q++) {
      ma[nA + q] = -1;
      mb[nA + q] = only[q];
    }
    mA = ma;
    mB = mb;
  }
  const fig = (P: PairColumns, cor: Int32Array, i: number): PairFigures => ({ timeH: P.timeH[i], costUsd: P.costUsd[i], co2Kg: P.co2Kg[i], corridor: corridors[cor[i]] });
  /** The PairChange of matched entry q (as listed in `pairs`). */
  const pairChange = (q: number): PairChange => {
    const b = mA[q];
    const s = mB[q];
    const from = cities[b >= 0 ? aFrom[b] : bFrom[s]];
    const to = cities[b >= 0 ? aTo[b] : bTo[s]];
    const w = weightOf(b >= 0 ? aFrom[b] : bFrom[s], b >= 0 ? aTo[b] : bTo[s]);
    if (b < 0 || s < 0) return { from, to, baseline: b < 0 ? null : fig(A, aCor, b), scenario: s < 0 ? null : fig(B, bCor, s), change: null, corridorSwitch: false, demandT: w };
    const dt = B.timeH[s] - A.timeH[b];
    const dc = B.costUsd[s] - A.costUsd[b];
    const de = B.co2Kg[s] - A.co2Kg[b];
    return {
      from,
      to,
      baseline: fig(A, aCor, b),
      scenario: fig(B, bCor, s),
      change: { timeH: dt, timePct: pct(dt, A.timeH[b]), costUsd: dc, costPct: pct(dc, A.costUsd[b]), co2Kg: de, co2Pct: pct(de, A.co2Kg[b]) },
      corridorSwitch: aCor[b] !== bCor[s],
      demandT: w,
    };
  };
  // entries listed in `pairs` (changed, lost or gained), built into objects only when `pairs` is read
  const listed = new Int32Array(keepPairs ? matched : 0);
  let nListed = 0;
  // the 3 largest savings and increases among changed pairs, ranked as summaryText ranks them (stable on ties)
  const top = new TopChanges(3, (q) => cities[aFrom[mA[q]]], (q) => cities[aTo[mA[q]]]);
  let unchanged = 0;
  let lost = 0;
  let gained = 0;
  let switches = 0;
  const acc = { n: 0, t: 0, tp: 0, c: 0, cp: 0, e: 0, ep: 0 };
  const wacc = { w: 0, n: 0, t: 0, tp: 0, c: 0, cp: 0, e: 0, ep: 0 };
  const aT = A.timeH;
  const aC = A.costUsd;
  const aE = A.co2Kg;
  const bT = B.timeH;
  const bC = B.costUsd;
  const bE = B.co2Kg;
  for (let q = 0; q < matched; q++) {
    const b = mA[q];
    const s = mB[q];
    if (b < 0 || s < 0) {
      if (b < 0) gained++;
      else lost++;
      if (keepPairs) listed[nListed++] = q;
      continue;
    }
    const w = weightOf(aFrom[b], aTo[b]);
    const dt = bT[s] - aT[b];
    const dc = bC[s] - aC[b];
    const de = bE[s] - aE[b];
    const tp = aT[b] > 0 ? (100 * dt) / aT[b] : 0;
    const cp = aC[b] > 0 ? (100 * dc) / aC[b] : 0;
    const ep = aE[b] > 0 ? (100 * de) / aE[b] : 0;
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
    const corridorSwitch = aCor[b] !== bCor[s];
    if (corridorSwitch) switches++;
    const eps = 1e-6;
    if (!corridorSwitch && Math.abs(dt) <= eps && Math.abs(dc) <= eps && Math.abs(de) <= eps) {
      unchanged++;
      continue;
    }
    if (keepPairs) {
      listed[nListed++] = q;
      top.add(q, dt);
    }
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
  const comparison = {
    baseline: { name: base.name, origin: base.origin },
    scenario: { name: scen.name, origin: scen.origin },
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
  let pairs: PairChange[] | null = keepPairs ? null : [];
  const pairsOf = (): PairChange[] => {
    if (pairs === null) {
      pairs = [];
      for (let i = 0; i < nListed; i++) pairs.push(pairChange(listed[i]));
    }
    return pairs;
  };
  const result: Comparison = {
    baseline: comparison.baseline,
    scenario: comparison.scenario,
    // the changed pairs as objects, built when first read (the text summary does not need them)
    get pairs(): readonly PairChange[] {
      return pairsOf();
    },
    means,
    transitByCountry,
    crossings,
    ferries,
    bottlenecks,
    summary,
  };
  summary.text = top.unranked
    ? summaryText(result)
    : summaryTextOf({ ...comparison, summary }, top.savings.map(pairChange), top.increases.map(pairChange));
  return result;
}

/**
 * The k largest savings and increases of time among changed pairs, in the order of summaryText's ranking (change
 * rounded to 0.001 h, then from, then to; earlier entries first on a tie, as a stable sort keeps them), kept while
 * the pairs stream by. `unranked` when a change is not a number (the ranking then falls back to sorting all pairs).
 */
class TopChanges {
  readonly savings: number[] = [];
  readonly increases: number[] = [];
  private readonly savingsMilli: number[] = [];
  private readonly increasesMilli: number[] = [];
  unranked = false;
  constructor(
    private readonly k: number,
    private readonly fromOf: (q: number) => string,
    private readonly toOf: (q: number) => string,
  ) {}
  add(q: number, timeH: number): void {
    const m = Math.round(timeH * 1000);
    if (Number.isNaN(m)) {
      this.unranked = true;
      return;
    }
    this.insert(this.savings, this.savingsMilli, q, m);
    this.insert(this.increases, this.increasesMilli, q, -m);
  }
  /** Insert entry q with rank key m (lower first) after every kept entry that ranks before it or equal. */
  private insert(list: number[], keys: number[], q: number, m: number): void {
    const n = list.length;
    if (n === this.k && m > keys[n - 1]) return;
    let p = n;
    while (p > 0) {
      const other = list[p - 1];
      const c = keys[p - 1] - m || byString(this.fromOf(other), this.fromOf(q)) || byString(this.toOf(other), this.toOf(q));
      if (c <= 0) break;
      p--;
    }
    if (p >= this.k) return;
    list.splice(p, 0, q);
    keys.splice(p, 0, m);
    if (list.length > this.k) {
      list.pop();
      keys.pop();
    }
  }
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
  const changed = c.pairs.filter((p) => p.change !== null);
  // ranked on the change rounded to 0.001 h, ties by name: a run folder keeps 6 decimals, so changes equal to the
  // rounding (the same detour added to several pairs) rank the same in memory and read back from the folder
  const milliH = (p: PairChange): number => Math.round(p.change!.timeH * 1000);
  const top = [...changed].sort((x, y) => milliH(x) - milliH(y) || byString(x.from, y.from) || byString(x.to, y.to)).slice(0, 3);
  const worst = [...changed].sort((x, y) => milliH(y) - milliH(x) || byString(x.from, y.from) || byString(x.to, y.to)).slice(0, 3);
  return summaryTextOf(c, top, worst);
}

/** The text summary given the 3 largest savings (`top`) and increases (`worst`) of time among changed pairs. */
function summaryTextOf(c: Omit<Comparison, "pairs">, top: readonly PairChange[], worst: readonly PairChange[]): string {
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
  for (const p of top) {
    if (p.change!.timeH >= 0) break;
    lines.push(`  largest saving: ${p.from} → ${p.to} ${p.baseline!.timeH.toFixed(1)} → ${p.scenario!.timeH.toFixed(1)} h${p.corridorSwitch ? ` (corridor ${p.baseline!.corridor || "direct"} → ${p.scenario!.corridor || "direct"})` : ""}`);
  }
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
