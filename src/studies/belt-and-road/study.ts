/**
 * The Belt and Road study end to end (docs/belt-and-road.md): network states → population-weighted shipment times
 * between economies → ad valorem trade-cost changes (Hummels & Schaur per-day values) → GE counterfactual on the
 * user's trade matrix (calibrated costs, exact hat algebra, additive imbalances by default) → results per economy
 * and per group (world, bri, corridor, sco) beside the published ranges.
 *
 * Aggregation rules:
 *   economy timeChangePct / tradeCostChangePct: trade-weighted (baseline flows X_ij + X_ji) mean over its
 *     international partners with times in both states; null for an economy the network does not reach;
 *   group timeChangePct / tradeCostChangePct: trade-weighted over the international pairs with a member on either
 *     side and times in both states (the share of the group's trade this covers is reported);
 *   group tradeChangePct: change of the total international flows with a member on either side (full GE);
 *   group realIncomeChangePct: expenditure-weighted mean of the members' welfare changes (E'/E)/P̂ − 1.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { corridorProblem } from "../../assignment/corridor";
import { readDemandCsv } from "../../assignment/corridor-demand";
import { transitTable } from "../../assignment/results";
import { solve } from "../../assignment/solve";
import { packageInfo } from "../../core/package";
import { readDatasetObservations } from "../../network/observations";
import type { NetworkState } from "../../network/state";
import type { RoutingContext } from "../../routing/index";
import type { RatesRequest } from "../../routing/rates-report";
import { formatMonth, ratesMonthOf } from "../../routing/rates";
import { countryResults, type GeImbalanceRule, solveCounterfactual } from "../../trade/ge/ge";
import type { CountryPairTimes, ModeShareTable } from "../../trade/pair-times/pair-times";
import { DEFAULT_SIGMA, type PairTimes, readTimeCostTable, type SectorWeights, timeChangesToCostChanges } from "../../trade/ge/time-cost";
import { buildFlowMatrix, type FlowMatrix, type GdpInput, ROW, splitCsvLine, type TradeMatrixInput } from "./inputs";
import { DEFAULT_MODE_SHARES_FILE, readModeShares } from "./mode-shares";
import { briEconomies, type StudyStates, studyStates, VARIANTS, type VariantName, variantTimes } from "./variants";

// from the package root, not this module's folder: the build bundles this module into dist/cli (another depth)
const DATA = join(packageInfo().root, "data", "appraisal");

export const GROUPS = ["world", "bri", "corridor", "sco"] as const;
export type GroupName = (typeof GROUPS)[number];

/** Default ad valorem cost of a day for a trade file without sectors (midpoint of Hummels & Schaur's 0.6–2.1 %). */
export const DEFAULT_PCT_PER_DAY = 1.35;
/** |time change| at or above which an economy counts as a corridor economy in the projects variant, %. */
export const CORRIDOR_THRESHOLD_PCT = 0.1;

export interface EconomyResult {
  readonly country: string;
  readonly reached: boolean;
  readonly timeChangePct: number | null;
  readonly timeChangeLandSeaPct: number | null;
  readonly tradeCostChangePct: number | null;
  readonly exportsChangePct: number;
  readonly importsChangePct: number;
  readonly realIncomeChangePct: number;
  readonly realGdpChangePct: number;
}

export interface GroupResult {
  readonly name: GroupName;
  readonly members: readonly string[];
  readonly timeChangePct: number | null;
  readonly timeChangeLandSeaPct: number | null;
  readonly tradeCostChangePct: number | null;
  /** Share (0–1) of the group's international trade on pairs with times. */
  readonly coveredTradeShare: number;
  readonly tradeChangePct: number;
  readonly realIncomeChangePct: number;
  readonly published: readonly PublishedFigure[];
}

export interface VariantResult {
  readonly name: VariantName;
  readonly groups: readonly GroupResult[];
  readonly economies: readonly EconomyResult[];
  readonly ge: { readonly maxResidual: number; readonly priceIterations: number };
  /** Country-pair shipment times, baseline and this variant's state, all modes (the run store's pair_changes). */
  readonly times: CountryPairTimes;
  /** The same for land and sea (no air). */
  readonly timesLandSea: CountryPairTimes;
}

export interface PublishedFigure {
  readonly metric: string;
  readonly group: string;
  readonly lowPct: number;
  readonly highPct: number;
  readonly source: string;
  readonly note: string;
}

export interface SeedFigure {
  readonly figure: string;
  readonly published: string;
  readonly fromData: string;
  readonly source: string;
}

export interface StudyResult {
  readonly network: { readonly cities: number; readonly economies: number; readonly economiesConnected: number; readonly economiesWithoutCities: readonly string[]; readonly briProjects: readonly string[] };
  readonly trade: { readonly file: string; readonly economies: number; readonly restOfWorld: readonly string[]; readonly droppedUsd: number; readonly domesticFromGdp: number; readonly gdpFile: string | null; readonly gdpYear: number | null };
  readonly parameters: {
    readonly sigma: number;
    readonly imbalances: GeImbalanceRule;
    readonly pctPerDay: number | null;
    readonly timeCosts: string | null;
    /** Shipment times of a city pair: expected over the modes shippers use, or the fastest route's. */
    readonly pairTimes: PairTimeRule;
    /** The observed mode shares used (mode-share rule), or null. */
    readonly modeShares: string | null;
    /** Money cost of the mode choice where no shares are observed: the rate layers of ratesMonth or the cost model. */
    readonly costBasis: "rates" | "cost";
    readonly ratesMonth: string | null;
    /** Rules of passage (rules/*.yaml ids, or "all") not applied in any state, sorted; [] = the rules in force apply. */
    readonly rulesOff: readonly string[];
  };
  readonly variants: readonly VariantResult[];
  readonly seedFigures: readonly SeedFigure[];
  /**
   * Transit through Kazakhstan in the corridor assignment of the dataset's demand (the file its observations name),
   * in the baseline and each variant's network state; null when the dataset has no demand file.
   */
  readonly kazakhTransit: { readonly demandFile: string; readonly baselineT: number; readonly variants: readonly { readonly name: VariantName; readonly transitT: number }[] } | null;
  readonly timings: Readonly<Record<string, number>>;
}

/** How the study times a city pair (docs/belt-and-road.md "Pair times"). */
export const PAIR_TIME_RULES = ["mode-share", "fastest"] as const;
export type PairTimeRule = (typeof PAIR_TIME_RULES)[number];

export interface StudyOptions {
  readonly ctx: RoutingContext;
  readonly trade: TradeMatrixInput;
  readonly gdp: GdpInput | null;
  readonly sigma?: number;
  readonly imbalances?: GeImbalanceRule;
  /** One ad valorem % per day; default: per-sector table when the trade file has sectors, else DEFAULT_PCT_PER_DAY. */
  readonly pctPerDay?: number;
  readonly cargo?: string;
  /** Default "mode-share": expected times over the modes shippers use; "fastest": the fastest route's time. */
  readonly pairTimes?: PairTimeRule;
  /** Observed mode shares (mode-share rule); default data/appraisal/mode-shares.csv. */
  readonly modeShares?: ModeShareTable & { readonly file?: string };
  /** Money cost of the generalized cost that picks a pair's mode where no shares are observed (default the cost model). */
  readonly rates?: RatesRequest;
  /**
   * Rules of passage (rules/*.yaml ids, or "all") not to apply in any network state: routing, pair times and the
   * transit assignments (default: the rules in force today apply).
   */
  readonly rulesOff?: readonly string[];
  /** Called after each stage (trade, states, times and GE of each variant) with its name. */
  readonly progress?: (stage: string) => void;
}

/** The cost basis and effective rates month a study reports. */
function ratesParameters(rates: RatesRequest | undefined): { costBasis: "rates" | "cost"; ratesMonth: string | null } {
  if (rates === undefined || rates.basis === "cost" || rates.layer === null) return { costBasis: "cost", ratesMonth: null };
  return { costBasis: "rates", ratesMonth: formatMonth(ratesMonthOf(rates.layer, rates.month)) };
}

function readCsvRows(file: string): Record<string, string>[] {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = splitCsvLine(lines[0]);
  return lines.slice(1).map((l) => {
    const cells = splitCsvLine(l);
    return Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ""]));
  });
}

/** The fixed groups (data/appraisal/economy-groups.csv). */
export function fixedGroups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of readCsvRows(resolve(DATA, "economy-groups.csv"))) out.set(r.group, [...(out.get(r.group) ?? []), r.iso3]);
  return out;
}

export function publishedFigures(): PublishedFigure[] {
  return readCsvRows(resolve(DATA, "belt-and-road-published.csv")).map((r) => ({
    metric: r.metric,
    group: r.group,
    lowPct: Number(r.lowPct),
    highPct: Number(r.highPct),
    source: r.source,
    note: r.note,
  }));
}

/** Pair times of the reached economies as the PairTimes table of time-cost.ts (pairs with times in both states). */
function pairTimesTable(t: CountryPairTimes): PairTimes {
  const c = t.cities.countries;
  const k = c.length;
  const exporter: string[] = [];
  const importer: string[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const p = i * k + j;
      if (Number.isNaN(t.baselineTimeH[p]) || Number.isNaN(t.scenarioTimeH[p])) continue;
      exporter.push(c[i]);
      importer.push(c[j]);
      b.push(t.baselineTimeH[p]);
      s.push(t.scenarioTimeH[p]);
    }
  }
  return { exporter, importer, sector: exporter.map(() => ""), baselineTimeH: Float64Array.from(b), scenarioTimeH: Float64Array.from(s) };
}

/** [i * n + j] time change % on the flow matrix's economies (NaN where the network has no times). */
function timeChangeMatrix(t: CountryPairTimes, economies: readonly string[]): Float64Array {
  const n = economies.length;
  const out = new Float64Array(n * n).fill(Number.NaN);
  const idx = new Map(t.cities.countries.map((c, k) => [c, k]));
  const k = t.cities.countries.length;
  for (let i = 0; i < n; i++) {
    const a = idx.get(economies[i]);
    if (a === undefined) continue;
    for (let j = 0; j < n; j++) {
      const b = idx.get(economies[j]);
      if (b === undefined) continue;
      const p = a * k + b;
      const base = t.baselineTimeH[p];
      const scen = t.scenarioTimeH[p];
      if (Number.isNaN(base) || Number.isNaN(scen)) continue;
      out[i * n + j] = base > 0 ? (100 * (scen - base)) / base : 0;
    }
  }
  return out;
}

const weightedMean = (pairs: Iterable<[number, number]>): { mean: number | null; weight: number } => {
  let w = 0;
  let s = 0;
  for (const [v, x] of pairs) {
    if (Number.isNaN(v)) continue;
    w += x;
    s += x * v;
  }
  return { mean: w > 0 ? s / w : null, weight: w };
};

/** Run the study. */
export function runBeltAndRoadStudy(options: StudyOptions): StudyResult {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string): void => {
    const t = performance.now();
    timings[name] = Math.round(t - t0);
    t0 = t;
    options.progress?.(name);
  };
  const sigma = options.sigma ?? DEFAULT_SIGMA;
  const imbalances = options.imbalances ?? "additive";
  const flows: FlowMatrix = buildFlowMatrix(options.trade, options.gdp);
  const n = flows.economies.length;
  const X = flows.flowUsd;
  lap("trade");
  const states: StudyStates = studyStates(options.ctx, options.rulesOff !== undefined ? { rulesOff: options.rulesOff } : {});
  const pairTimes = options.pairTimes ?? "mode-share";
  const modeShares = pairTimes === "mode-share" ? (options.modeShares ?? readModeShares(DEFAULT_MODE_SHARES_FILE, fixedGroups())) : null;
  lap("states");
  const timeCostTable = options.pctPerDay === undefined && flows.sectors ? readTimeCostTable() : null;
  const pctPerDay = options.pctPerDay ?? (flows.sectors ? undefined : DEFAULT_PCT_PER_DAY);
  const weights: SectorWeights | undefined = flows.sectors ? { byPair: flows.sectors } : undefined;
  const economy = (() => {
    const y = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      y[i] += X[i * n + j];
      e[j] += X[i * n + j];
    }
    let w = 0;
    for (let i = 0; i < n; i++) w += y[i];
    const phi = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) phi[i * n + j] = X[i * n + j] / (w * (y[i] / w) * (e[j] / w));
    return { countries: flows.economies, outputValue: y, expenditureValue: e, phi };
  })();
  let ref = 0;
  for (let k = 1; k < n; k++) if (economy.expenditureValue[k] > economy.expenditureValue[ref]) ref = k;
  const fixed = fixedGroups();
  const published = publishedFigures();
  const bri = new Set(briEconomies(states.ctx.net));
  let corridor: Set<string> | null = null;
  let firstTimes: CountryPairTimes | null = null;
  const variants: VariantResult[] = [];
  for (const name of VARIANTS) {
    const times = variantTimes(states, name, { ...(options.cargo ? { cargo: options.cargo } : {}), ...(modeShares ? { modeShares } : {}), ...(options.rates ? { rates: options.rates } : {}) });
    firstTimes ??= times.all;
    lap(`times:${name}`);
    const dAll = timeChangeMatrix(times.all, flows.economies);
    const dLand = timeChangeMatrix(times.landSea, flows.economies);
    const changes = timeChangesToCostChanges(pairTimesTable(times.all), {
      sigma,
      ...(pctPerDay !== undefined ? { pctPerDay } : {}),
      ...(timeCostTable ? { table: timeCostTable } : {}),
      ...(weights ? { weights } : {}),
    });
    const idx = new Map(flows.economies.map((c, k) => [c, k]));
    const dCost = new Float64Array(n * n).fill(Number.NaN);
    const phi1 = Float64Array.from(economy.phi);
    for (let r = 0; r < changes.exporter.length; r++) {
      const i = idx.get(changes.exporter[r]);
      const j = idx.get(changes.importer[r]);
      if (i === undefined || j === undefined) continue;
      dCost[i * n + j] = changes.tradeCostChangePct[r];
      phi1[i * n + j] *= (1 + changes.tradeCostChangePct[r] / 100) ** (1 - sigma);
    }
    const ge = solveCounterfactual(economy, phi1, { sigma, referenceImporter: ref, imbalances });
    const rows = countryResults(ge);
    lap(`ge:${name}`);
    const reached = new Set(times.all.cities.countries);
    const economies: EconomyResult[] = flows.economies.map((c, i) => {
      // exports weighted by X_ij and imports by X_ji, over partners with times in both states
      const partners = (d: Float64Array) =>
        weightedMean(
          (function* () {
            for (let j = 0; j < n; j++) {
              if (j === i) continue;
              yield [d[i * n + j], X[i * n + j]] as [number, number];
              yield [d[j * n + i], X[j * n + i]] as [number, number];
            }
          })(),
        ).mean;
      const costPartners = partners(dCost);
      return {
        country: c,
        reached: reached.has(c),
        timeChangePct: partners(dAll),
        timeChangeLandSeaPct: partners(dLand),
        tradeCostChangePct: costPartners,
        exportsChangePct: rows[i].exportsChangePct,
        importsChangePct: rows[i].importsChangePct,
        realIncomeChangePct: rows[i].welfareChangePct,
        realGdpChangePct: rows[i].realGdpChangePct,
      };
    });
    if (name === "projects") {
      corridor = new Set(economies.filter((e) => e.timeChangePct !== null && Math.abs(e.timeChangePct) >= CORRIDOR_THRESHOLD_PCT).map((e) => e.country));
    }
    const memberSets: Record<GroupName, Set<string>> = {
      world: new Set(flows.economies),
      bri,
      corridor: corridor ?? new Set(),
      sco: new Set(fixed.get("sco") ?? []),
    };
    const groups: GroupResult[] = GROUPS.map((g) => {
      const members = memberSets[g];
      const inG = flows.economies.map((c) => members.has(c));
      let tradeBase = 0;
      let tradeFull = 0;
      const pairsOf = function* (d: Float64Array) {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && (inG[i] || inG[j])) yield [d[i * n + j], X[i * n + j]] as [number, number];
      };
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j || !(inG[i] || inG[j])) continue;
          tradeBase += ge.baseline.flowValue[i * n + j];
          tradeFull += ge.full.flowValue[i * n + j];
        }
      }
      const time = weightedMean(pairsOf(dAll));
      let eSum = 0;
      let wSum = 0;
      for (let k = 0; k < n; k++) {
        if (!inG[k]) continue;
        eSum += economy.expenditureValue[k];
        wSum += economy.expenditureValue[k] * rows[k].welfareChangePct;
      }
      return {
        name: g,
        members: flows.economies.filter((_, k) => inG[k]),
        timeChangePct: time.mean,
        timeChangeLandSeaPct: weightedMean(pairsOf(dLand)).mean,
        tradeCostChangePct: weightedMean(pairsOf(dCost)).mean,
        coveredTradeShare: tradeBase > 0 ? time.weight / tradeBase : 0,
        tradeChangePct: tradeBase > 0 ? 100 * (tradeFull / tradeBase - 1) : 0,
        realIncomeChangePct: eSum > 0 ? wSum / eSum : 0,
        published: published.filter((p) => p.group === g),
      };
    });
    variants.push({ name, groups, economies, times: times.all, timesLandSea: times.landSea, ge: { maxResidual: ge.diagnostics.maxResidual, priceIterations: ge.diagnostics.priceIterations } });
  }
  // seed figures measured on the user's trade matrix
  const sco = new Set(fixed.get("sco") ?? []);
  let scoInternal = 0;
  let kazSco = 0;
  const kaz = flows.economies.indexOf("KAZ");
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = flows.economies[i];
      const b = flows.economies[j];
      if (sco.has(a) && sco.has(b)) scoInternal += X[i * n + j];
      if ((i === kaz && sco.has(b)) || (j === kaz && sco.has(a))) kazSco += X[i * n + j];
    }
  }
  const bn = (x: number): string => `USD ${(x / 1e9).toFixed(1)} bn`;
  const seed = new Map(readCsvRows(resolve(DATA, "belt-and-road-seed-figures.csv")).map((r) => [r.figure, r]));
  const publishedOf = (id: string): { text: string; source: string } => {
    const r = seed.get(id);
    if (!r) return { text: "n/a", source: "" };
    const text = r.valueUsd !== "" ? `USD ${(Number(r.valueUsd) / 1e9).toFixed(0)} bn` : `${(Number(r.valueT) / 1e6).toFixed(1)} Mt`;
    return { text: `${r.qualifier ? `${r.qualifier} ` : ""}${text} (${r.year})`, source: r.source };
  };
  const kazakhTransit = kazakhTransitOf(states);
  lap("transit");
  const mt = (t: number): string => `${(t / 1e6).toFixed(2)} Mt`;
  const transitText =
    kazakhTransit === null
      ? "not measured: the dataset names no demand file (observations/*.yaml demand:)"
      : `${mt(kazakhTransit.baselineT)} in the corridor assignment of ${kazakhTransit.demandFile} (baseline; ${kazakhTransit.variants.map((v) => `${v.name} ${mt(v.transitT)}`).join(", ")})`;
  const seedFigures: SeedFigure[] = [
    { figure: "SCO internal trade (exports between members)", published: publishedOf("sco-internal-trade").text, fromData: bn(scoInternal), source: publishedOf("sco-internal-trade").source },
    { figure: "Kazakhstan trade with SCO members (exports + imports)", published: publishedOf("kaz-sco-trade").text, fromData: kaz >= 0 ? bn(kazSco) : "KAZ not in the trade file", source: publishedOf("kaz-sco-trade").source },
    { figure: "Kazakhstan transit", published: publishedOf("kaz-transit").text, fromData: transitText, source: publishedOf("kaz-transit").source },
  ];
  const cities = firstTimes!.cities;
  // economies with a time to at least one other economy (reached in both states)
  let economiesConnected = 0;
  {
    const k = cities.countries.length;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        if (a !== b && !Number.isNaN(firstTimes!.baselineTimeH[a * k + b])) {
          economiesConnected++;
          break;
        }
      }
    }
  }
  let domesticFromGdp = 0;
  for (const r of flows.domesticRule) if (r !== "data") domesticFromGdp++;
  return {
    network: { cities: cities.place.length, economies: cities.countries.length, economiesConnected, economiesWithoutCities: cities.withoutCities, briProjects: states.projects },
    trade: {
      file: options.trade.file,
      economies: n,
      restOfWorld: flows.restOfWorld,
      droppedUsd: flows.droppedUsd,
      domesticFromGdp,
      gdpFile: options.gdp?.file ?? null,
      gdpYear: options.gdp?.year ?? null,
    },
    parameters: { sigma, imbalances, pctPerDay: pctPerDay ?? null, timeCosts: timeCostTable?.source ?? null, pairTimes, modeShares: modeShares ? (modeShares.file ?? "given") : null, ...ratesParameters(options.rates), rulesOff: states.baseline.rulesOff },
    variants,
    seedFigures,
    kazakhTransit,
    timings,
  };
}

export { ROW };

/** Relative gap of the study's corridor assignments (as a scenario run's default). */
const TRANSIT_GAP = 1e-4;

/**
 * Transit through Kazakhstan: the dataset's demand (the file its observations name, as `caravan calibrate` reads it)
 * assigned to equilibrium (Algorithm B) in the baseline and in each variant's state, as `caravan assign --demand`.
 */
export function kazakhTransitOf(states: StudyStates): StudyResult["kazakhTransit"] {
  const net = states.ctx.net;
  const declared = readDatasetObservations(net.network.dir).find((f) => f.demand)?.demand;
  if (!declared) return null;
  const file = join(net.network.dir, declared);
  if (!existsSync(file)) return null;
  const table = readDemandCsv(file);
  const transitOf = (state: NetworkState): number => {
    const cp = corridorProblem(net, table, { state });
    const result = solve(cp.problem, "b", { gap: TRANSIT_GAP });
    return (transitTable(cp, result) ?? []).find((t) => t.country === "KAZ")?.transitT ?? 0;
  };
  return {
    demandFile: declared,
    baselineT: transitOf(states.baseline),
    variants: VARIANTS.map((name) => ({ name, transitT: transitOf(states.variants[name]) })),
  };
}
