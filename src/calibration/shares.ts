/**
 * Lane shares of `caravan calibrate`: a mode split observed on a lane (observations of metric `share`), against the
 * share of the lane's tonnes the corridor assignment sends across land — whose paths cross no deep-sea chokepoint
 * (Suez, the Cape of Good Hope; assignment/corridor-report.ts laneFlows).
 *
 * A share is measured on its own run, not on the observations file's demand: a mode split needs both sides of the lane
 * in the demand (the rail counts and the sea trade), which the corridor demand of the volume observations does not
 * hold. Each observation names the run (`run:` demand files assigned together, value-of-time basis, month of the rate
 * layers); observations naming the same run share its assignments. Every run is solved twice, as the flows section's:
 * with one value of time per class (model 1, the row's model value) and with value-of-time segments (model 2).
 */
import { isAbsolute, join } from "node:path";
import { CARRYING_COST_SPREAD, type CorridorOptions, corridorProblem, VOT_SPREAD_DEFAULT } from "../assignment/corridor";
import { type DemandTable, readDemandCsv, resolveDemand } from "../assignment/corridor-demand";
import { laneFlows } from "../assignment/corridor-report";
import { transitTable } from "../assignment/results";
import { solve } from "../assignment/solve";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import type { ObservedShareRun, ShareObservation } from "../network/observations";
import { RoutingContext } from "../routing/context";
import { ratesRequestOf } from "../routing/query-choices";
import { formatMonth, ratesMonthOf } from "../routing/rates";
import { ratedArcCostUsd } from "../routing/rates-arc-cost";

/** One run the lane shares were measured on. */
export interface ShareRunReport {
  /** The demand files, as the observations name them (relative to the dataset folder). */
  readonly demandFiles: readonly string[];
  /** Total demand of the run, tonnes per year. */
  readonly demandT: number;
  readonly votMedian: "profile" | "carrying-cost";
  /** Month of the rate layers the money costs came from (YYYY-MM); null: the cost model. */
  readonly ratesMonth: string | null;
  /** Value-of-time segments of the second run (1: no second run) and their σ. */
  readonly segments: number;
  readonly votSpread: number;
  /** Solver figures of the runs: [one value of time, segments]. */
  readonly solves: readonly { readonly iterations: number; readonly relativeGap: number }[];
  /** Transit through each country on the one-value-of-time run, Mt/yr, largest first (what the run does elsewhere). */
  readonly transitMt: readonly { readonly country: string; readonly mt: number }[];
  /** Ids of the observations measured on the run. */
  readonly observations: readonly string[];
}

/** A share observation's model values: percent overland with one value of time and with segments, and what it counted. */
export interface ShareValue {
  readonly model: number | null;
  readonly modelWithSegments: number | null;
  readonly detail: string;
}

/** The absolute path of a run's demand file (relative names are of the dataset folder). */
export function shareDemandPath(net: CompiledNetwork, file: string): string {
  return isAbsolute(file) ? file : join(net.network.dir, file);
}

function runKey(run: ObservedShareRun): string {
  return JSON.stringify([run.demand, run.votMedian, run.rates ?? null]);
}

/** Percent of the lane's tonnes (origins in `from`, destinations in `to`, one demand class) that cross no deep sea. */
function overlandPercent(net: CompiledNetwork, lanes: ReturnType<typeof laneFlows>, o: ShareObservation): { percent: number | null; tonnes: number } {
  if (lanes === null) throw new CaravanError("E_USAGE", "lane shares need per-commodity flows (Algorithm B)");
  const { places } = net.network;
  const from = new Set(o.share.from);
  const to = new Set(o.share.to);
  let tonnes = 0;
  let deepT = 0;
  for (const l of lanes.lanes) {
    if (l.demandClass !== o.share.class) continue;
    if (!from.has(places[l.originIndex].country ?? "") || !to.has(places[l.destinationIndex].country ?? "")) continue;
    tonnes += l.tonnes;
    deepT += l.deepT;
  }
  return { percent: tonnes > 0 ? (100 * (tonnes - deepT)) / tonnes : null, tonnes };
}

/**
 * Assign every distinct run of `observations` (one value of time, then `segments` value-of-time segments unless 1) and
 * measure each observation's lane share on it. `spread` overrides the segments' σ (default by the run's votMedian).
 */
export function shareValues(
  net: CompiledNetwork,
  observations: readonly ShareObservation[],
  year: number | null,
  segments: number,
  spread: number | undefined,
): { values: ReadonlyMap<string, ShareValue>; runs: ShareRunReport[] } {
  const groups = new Map<string, ShareObservation[]>();
  for (const o of observations) groups.set(runKey(o.run), [...(groups.get(runKey(o.run)) ?? []), o]);
  const values = new Map<string, ShareValue>();
  const runs: ShareRunReport[] = [];
  let ctx: RoutingContext | null = null;
  for (const group of groups.values()) {
    const run = group[0].run;
    const tables: DemandTable[] = run.demand.map((f) => readDemandCsv(shareDemandPath(net, f)));
    for (const t of tables) resolveDemand(net, t); // errors name each file and line before the files are merged
    const table: DemandTable = { file: run.demand.join(" + "), rows: tables.flatMap((t) => t.rows) };
    let arcCostUsd: CorridorOptions["arcCostUsd"];
    let ratesMonth: string | null = null;
    if (run.rates !== undefined) {
      const request = ratesRequestOf(net.network.dir, net, { costBasis: "rates", rates: run.rates }, { rates: "run.rates", costBasisIs: (v) => `cost basis ${v}` });
      if (request.basis !== "rates" || request.layer === null) throw new CaravanError("E_USAGE", `run.rates ${run.rates}: the dataset has no rate layers (rates/*.yaml)`);
      const context = (ctx ??= new RoutingContext(net));
      arcCostUsd = (opts, columns) => ratedArcCostUsd(context, opts, columns, request).costUsd;
      ratesMonth = formatMonth(ratesMonthOf(request.layer, request.month));
    }
    const corridor: CorridorOptions = { year, votMedian: run.votMedian, ...(arcCostUsd !== undefined ? { arcCostUsd } : {}) };
    const sigma = spread ?? (run.votMedian === "carrying-cost" ? CARRYING_COST_SPREAD : VOT_SPREAD_DEFAULT);
    const cp1 = corridorProblem(net, table, corridor);
    for (const o of group) {
      if (!cp1.demandClassIds.includes(o.share.class)) {
        throw new CaravanError("E_USAGE", `observation "${o.id}": share.class "${o.share.class}" is not a class of its run's demand (${cp1.demandClassIds.join(", ")})`, {
          didYouMean: suggest(o.share.class, cp1.demandClassIds),
        });
      }
    }
    const r1 = solve(cp1.problem, "b", { gap: 1e-6 });
    let cp2: ReturnType<typeof corridorProblem> | null = null;
    let r2: ReturnType<typeof solve> | null = null;
    const solves = [{ iterations: r1.iterations, relativeGap: r1.relativeGap }];
    if (segments > 1) {
      cp2 = corridorProblem(net, table, { ...corridor, votSegments: segments, votSpread: sigma });
      r2 = solve(cp2.problem, "b", { gap: 1e-6 });
      solves.push({ iterations: r2.iterations, relativeGap: r2.relativeGap });
    }
    for (const o of group) {
      const one = overlandPercent(net, laneFlows(cp1, r1, o.share.chokepoints), o);
      const two = cp2 === null || r2 === null ? null : overlandPercent(net, laneFlows(cp2, r2, o.share.chokepoints), o).percent;
      const lane = `${o.share.class} ${o.share.from.join(",")} → ${o.share.to.length > 4 ? `${o.share.to.length} countries` : o.share.to.join(",")}`;
      values.set(o.id, {
        model: one.percent,
        modelWithSegments: two,
        detail: one.percent === null ? `no ${lane} rows in ${table.file}` : `${lane}: ${(one.tonnes / 1e6).toFixed(2)} Mt, overland ${one.percent.toFixed(1)} %${two === null ? "" : ` (${segments} segments: ${two.toFixed(1)} %)`}`,
      });
    }
    const transit = transitTable(cp1, r1);
    runs.push({
      demandFiles: run.demand,
      demandT: table.rows.reduce((s, r) => s + r.amountT, 0),
      votMedian: run.votMedian,
      ratesMonth,
      segments,
      votSpread: sigma,
      solves,
      transitMt: (transit ?? []).map((t) => ({ country: t.country, mt: t.transitT / 1e6 })).sort((a, b) => b.mt - a.mt),
      observations: group.map((o) => o.id),
    });
  }
  return { values, runs };
}
