/**
 * The summary of a corridor assignment (the `caravan assign --demand` JSON) and its text rendering: convergence,
 * bottlenecks, crossing volumes, corridor volumes and transit by country with the observed figures of the dataset
 * (data/<dataset>/observations/*.yaml, transit rows) beside it.
 */
import { ARC_FERRY, ARC_LINK, MODE_CODES } from "../network/compiled";
import { type ObservedTransit, observedTransitByCountry } from "../network/observations";
import type { CorridorProblem } from "./corridor";
import {
  type Bottleneck,
  bottlenecks,
  type CorridorVolume,
  corridorVolumes,
  type CrossingVolume,
  crossingVolumes,
  type TransitRow,
  transitTable,
} from "./results";
import type { AssignmentResult } from "./state";

/** One user class of the assignment: a demand class, or one value-of-time segment of it. */
export interface ClassChoice {
  readonly classId: string;
  readonly demandClass: string;
  readonly segment: number;
  /** Value of time, USD per profile unit (FEU, TEU or tonne) per hour. */
  readonly valueOfTimeUsdPerH: number;
  /** Share of the demand class's tonnes. */
  readonly share: number;
  /** Tonne-km per year by mode of the links and ferries the class uses (rail, road, sea, ferry, air). */
  readonly tkmByMode: Readonly<Record<string, number>>;
}

/** The route and mode choice model of the run: value-of-time segments and what each class chose. */
export interface ChoiceSummary {
  /** Segments per demand class (1: one value of time per class). */
  readonly votSegments: number;
  /** σ of the lognormal value of time (0 with one segment). */
  readonly votSpread: number;
  readonly classes: readonly ClassChoice[];
  /** Share of tonne-km by mode per demand class (all segments). */
  readonly modeShareByDemandClass: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Tonne-km by mode of every class of the assignment (links and ferries; transfers and access carry no km). */
export function choiceSummary(cp: CorridorProblem, result: AssignmentResult): ChoiceSummary {
  const { arcs } = cp.net;
  const m = cp.net.graph.arcCount;
  const C = cp.classIds.length;
  const M = MODE_CODES.length;
  const tkm = new Float64Array(C * M); // [class * M + mode]
  for (let a = 0; a < m; a++) {
    const kind = arcs.kind[a];
    if (kind !== ARC_LINK && kind !== ARC_FERRY) continue;
    const mode = arcs.mode[a];
    if (mode >= M) continue;
    const km = arcs.distanceKm[a];
    const p = cp.problemArcOf[a];
    for (let c = 0; c < C; c++) tkm[c * M + mode] += result.classFlow[c][p] * km;
  }
  const byMode = (c: number): Record<string, number> => Object.fromEntries(MODE_CODES.map((name, k) => [name, tkm[c * M + k]]).filter(([, v]) => (v as number) > 0));
  const classes: ClassChoice[] = cp.classIds.map((id, c) => ({
    classId: id,
    demandClass: cp.demandClassIds[cp.classDemandClass[c]],
    segment: cp.classSegment[c],
    valueOfTimeUsdPerH: cp.classValueOfTimeUsdPerH[c],
    share: cp.vot.share[cp.classSegment[c]],
    tkmByMode: byMode(c),
  }));
  const modeShareByDemandClass: Record<string, Record<string, number>> = {};
  cp.demandClassIds.forEach((id, d) => {
    const sums = new Float64Array(M);
    for (let c = 0; c < C; c++) if (cp.classDemandClass[c] === d) for (let k = 0; k < M; k++) sums[k] += tkm[c * M + k];
    const total = sums.reduce((x, y) => x + y, 0);
    modeShareByDemandClass[id] = Object.fromEntries(MODE_CODES.map((name, k) => [name, total > 0 ? sums[k] / total : 0]).filter(([, v]) => (v as number) > 0));
  });
  return { votSegments: cp.vot.count, votSpread: cp.vot.spread, classes, modeShareByDemandClass };
}

export interface CorridorSummary {
  readonly demandFile: string;
  readonly year: number | null;
  readonly algorithm: string;
  readonly iterations: number;
  readonly relativeGap: number;
  readonly beckmann: number;
  /** Σ flow × generalized cost, tonne-hours per year. */
  readonly totalTravelTime: number;
  readonly converged: boolean;
  readonly stopReason: string;
  readonly solveS: number;
  readonly elapsedS: number;
  readonly demandT: number;
  readonly commodities: number;
  /** Class ids of the assignment (with value-of-time segments: `<class>@vot<s>`). */
  readonly classes: readonly string[];
  /** Value-of-time segments and the mode mix each class chose. */
  readonly choice: ChoiceSummary;
  readonly bottlenecks: readonly Bottleneck[];
  readonly crossings: readonly CrossingVolume[];
  /** null when the algorithm keeps no per-commodity flows (only Algorithm B does). */
  readonly corridors: readonly CorridorVolume[] | null;
  readonly transitByCountry: readonly TransitRow[] | null;
  /** Observed transit by country from the dataset's observations files (empty when it has none). */
  readonly observedTransit: readonly ObservedTransit[];
  /** The documents behind observedTransit: "title, url" of each src: reference. */
  readonly observedSources: readonly string[];
}

export function corridorSummary(cp: CorridorProblem, result: AssignmentResult, demandFile: string, elapsedS: number, top = 10): CorridorSummary {
  const { dir, sources } = cp.net.network;
  const observedTransit = observedTransitByCountry(dir);
  const refs = [...new Set(observedTransit.flatMap((o) => o.sources))].filter((r) => r.startsWith("src:"));
  const observedSources = refs.map((r) => {
    const s = sources[r.slice(4)];
    return s === undefined ? r : `${s.title}${s.url ? `, ${s.url}` : ""}`;
  });
  return {
    demandFile,
    year: cp.year,
    algorithm: result.algorithm,
    iterations: result.iterations,
    relativeGap: result.relativeGap,
    beckmann: result.beckmann,
    totalTravelTime: result.totalTravelTime,
    converged: result.converged,
    stopReason: result.stopReason,
    solveS: result.elapsedS,
    elapsedS,
    demandT: cp.totalDemandT,
    commodities: cp.problem.commodities.count,
    classes: cp.classIds,
    choice: choiceSummary(cp, result),
    bottlenecks: bottlenecks(cp, result, top),
    crossings: crossingVolumes(cp, result),
    corridors: corridorVolumes(cp, result),
    transitByCountry: transitTable(cp, result),
    observedTransit,
    observedSources,
  };
}

const mt = (t: number): string => (t / 1e6).toFixed(2);

/** The demand class of a class id (`container@vot2` → `container`). */
export function baseClass(classId: string): string {
  return classId.replace(/@vot\d+$/, "");
}

function observedText(o: ObservedTransit): string {
  const tonnes = o.highT === null ? `≥ ${mt(o.lowT)} Mt` : `${mt(o.lowT)}–${mt(o.highT)} Mt`;
  const teu = o.lowTeu === null ? "" : `, ${(o.lowTeu / 1e6).toFixed(2)}–${((o.highTeu ?? o.lowTeu) / 1e6).toFixed(2)} m TEU`;
  return `${tonnes}${teu} (${o.year})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: readonly boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Text report of a corridor summary. */
export function formatCorridorSummary(s: CorridorSummary, topCrossings = 12): string {
  const out: string[] = [];
  const kv: [string, string][] = [
    ["demand", `${s.demandFile} (${mt(s.demandT)} Mt/yr, ${s.commodities} commodities, classes ${Object.keys(s.choice.modeShareByDemandClass).join(", ")})`],
    [
      "value of time",
      s.choice.votSegments === 1
        ? "one per class (the cargo profile's)"
        : `${s.choice.votSegments} lognormal segments per class, σ ${s.choice.votSpread.toFixed(3)} (median: the cargo profile's)`,
    ],
    ["network year", s.year === null ? "today's open network" : String(s.year)],
    ["algorithm", s.algorithm],
    ["iterations", String(s.iterations)],
    ["relative gap", s.relativeGap.toExponential(3)],
    ["Beckmann objective", s.beckmann.toPrecision(12)],
    ["total travel time", `${s.totalTravelTime.toPrecision(6)} t·h (generalized)`],
    ["stopped by", `${s.stopReason}${s.converged ? "" : " (gap not reached)"}`],
    ["time", `${s.elapsedS.toFixed(2)} s (solve ${s.solveS.toFixed(2)} s)`],
  ];
  const w = Math.max(...kv.map((r) => r[0].length));
  out.push(kv.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));

  out.push("\nMode choice (share of tonne-km by mode; per value-of-time segment with segments; VOT per FEU, TEU or tonne)");
  const modes = MODE_CODES.filter((k) => s.choice.classes.some((c) => (c.tkmByMode[k] ?? 0) > 0));
  const shareRow = (tkm: Readonly<Record<string, number>>) => {
    const total = Object.values(tkm).reduce((x, y) => x + y, 0);
    return modes.map((k) => (total > 0 ? `${((100 * (tkm[k] ?? 0)) / total).toFixed(1)} %` : "-"));
  };
  out.push(
    table(
      ["class", "VOT USD/h", "share", ...modes],
      s.choice.classes.map((c) => [c.classId, c.valueOfTimeUsdPerH.toPrecision(4), `${(100 * c.share).toFixed(1)} %`, ...shareRow(c.tkmByMode)]),
      [false, true, true, ...modes.map(() => true)],
    ),
  );

  out.push("\nBottlenecks (arcs and shared capacities with a known capacity, by volume/capacity)");
  out.push(
    table(
      ["arc", "from→to", "VDF", "flow Mt", "cap Mt", "v/c", "delay h"],
      s.bottlenecks.map((b) => [
        `${b.linkId}${b.arcs > 1 ? ` (${b.arcs} arcs)` : ""}${b.delayExact ? "" : " †"}`,
        `${b.from}→${b.to}`,
        b.vdf,
        mt(b.flowT),
        `${mt(b.capacityT)}${b.capacityFromTeu ? "*" : ""}`,
        b.vc.toFixed(3),
        b.delayH.toFixed(1),
      ]),
      [false, false, false, true, true, true, true],
    ),
  );
  if (s.bottlenecks.some((b) => b.capacityFromTeu)) out.push("* TEU capacity × t per TEU");
  if (s.bottlenecks.some((b) => !b.delayExact)) {
    out.push("† v/c of the summed flow over the shared capacity; the delay was assigned per arc with the whole capacity each (understated; docs/assignment.md)");
  }

  out.push("\nBorder crossings (Mt/yr, both directions)");
  out.push(
    table(
      ["crossing", "total", "by direction", "max v/c"],
      s.crossings.slice(0, topCrossings).map((c) => [
        c.crossing,
        mt(c.totalT),
        Object.entries(c.byDirectionT)
          .map(([d, t]) => `${d} ${mt(t)}`)
          .join(", "),
        c.maxVc === null ? "-" : c.maxVc.toFixed(3),
      ]),
      [false, true, false, true],
    ),
  );
  if (s.crossings.length > topCrossings) out.push(`(${s.crossings.length - topCrossings} more crossings with flow in --json)`);

  if (s.corridors === null) {
    out.push("\nCorridors and transit by country need per-commodity flows: run with --algorithm b.");
    return `${out.join("\n")}\n`;
  }
  out.push("\nCorridors (gateways on China's borders, Caspian ferries, Suez; Mt/yr)");
  out.push(
    table(
      ["gateways used", "Mt"],
      s.corridors.map((c) => [c.corridor, mt(c.totalT)]),
      [false, true],
    ),
  );

  const transit = s.transitByCountry ?? [];
  out.push("\nTransit by country (tonnes crossing a country without starting or ending there; Mt/yr)");
  out.push(
    table(
      ["country", "model Mt", "container Mt", "bulk Mt", "container TEU", "observed"],
      transit.map((r) => {
        const bulkT = Object.entries(r.byClassT)
          .filter(([id]) => baseClass(id) === "bulk")
          .reduce((acc, [, t]) => acc + t, 0);
        const containerT = r.transitT - bulkT;
        const o = s.observedTransit.find((x) => x.country === r.country);
        const observed = o === undefined ? "" : observedText(o);
        return [r.country, mt(r.transitT), mt(containerT), mt(bulkT), Math.round(r.containerTeu).toLocaleString("en-US"), observed];
      }),
      [false, true, true, true, true, false],
    ),
  );
  if (s.observedSources.length > 0) out.push(`observed (data/…/observations): ${s.observedSources.join(" ; ")}`);
  return `${out.join("\n")}\n`;
}
