/**
 * The summary of a corridor assignment (the `caravan assign --demand` JSON) and its text rendering: convergence,
 * bottlenecks, crossing volumes, corridor volumes and transit by country with the observed figures of the dataset
 * (data/<dataset>/observations/*.yaml, transit rows) beside it.
 */
import { ARC_FERRY, ARC_LINK, MODE_CODES, MODE_SEA } from "../network/compiled";
import { type ObservedTransit, observedTransitByCountry } from "../network/observations";
import { CARRYING_COST_RATE_PER_YEAR, type CorridorProblem, type VotMedian } from "./corridor";
import {
  type Bottleneck,
  bottlenecks,
  type CorridorVolume,
  corridorVolumes,
  type CrossingVolume,
  crossingVolumes,
  flowOrder,
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
  /** What each class's (median) value of time is: the cargo profile's, or the carrying cost of its value (corridor.ts VotMedian). */
  readonly votMedian: VotMedian;
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
  return { votSegments: cp.vot.count, votSpread: cp.vot.spread, votMedian: cp.votMedian, classes, modeShareByDemandClass };
}

/** A lane (demand class, origin, destination) and the share of its tonnes that sail on at least one sea link. */
export interface LaneSplit {
  readonly demandClass: string;
  readonly origin: string;
  readonly destination: string;
  readonly tonnes: number;
  /** Share of the lane's tonnes whose path uses a sea link (0–1). */
  readonly seaShare: number;
  /**
   * Share of the lane's tonnes whose path crosses one of the deep-sea chokepoints (`laneSplits`' deepSeaChokepoints,
   * default Suez and the Cape of Good Hope): between China and Europe, the tonnes that sail the whole way rather than
   * cross Eurasia by land, even where a land route ends or starts with a short sea leg (e.g. rail to St Petersburg,
   * or a ship to Vladivostok and the Trans-Siberian), which `seaShare` counts as sea.
   */
  readonly deepSeaShare: number;
}

/** Lanes with some tonnes by sea, and the sea share of each demand class (needs per-commodity flows). */
export interface LaneSplits {
  /** Lanes with 0 < sea share, largest tonnes by sea first. */
  readonly lanes: readonly LaneSplit[];
  /** Lanes with 0.001 < sea share < 0.999: split between sea and land. */
  readonly splitLanes: number;
  /** Share of each demand class's tonnes that sail on at least one sea link. */
  readonly seaShareByDemandClass: Readonly<Record<string, number>>;
  /** The chokepoints that make a path deep-sea (ids found in the network; empty: deepSeaShare is 0 everywhere). */
  readonly deepSeaChokepoints: readonly string[];
  /** Share of each demand class's tonnes that cross one of deepSeaChokepoints. */
  readonly deepSeaShareByDemandClass: Readonly<Record<string, number>>;
}

/** Chokepoints that mark a deep-sea path between East Asia and Europe: the Suez Canal and the Cape of Good Hope. */
export const DEEP_SEA_CHOKEPOINTS: readonly string[] = ["suez", "cape"];

/** A lane's tonnes and the tonnes of it that sail (any sea link) and that cross a deep-sea chokepoint. */
export interface LaneFlow {
  readonly demandClass: string;
  /** Place indexes of the lane's ends. */
  readonly originIndex: number;
  readonly destinationIndex: number;
  readonly tonnes: number;
  readonly seaT: number;
  readonly deepT: number;
}

/**
 * Every lane (demand class, origin, destination) of the per-commodity flows (Algorithm B) with its tonnes by sea and
 * by deep sea: the flow reaching a node splits over its in-arcs in proportion to their flows (the decomposition of
 * transit.ts and corridorVolumes), and a tonne counts as sea once it crosses a sea link, as deep sea once it crosses
 * one of `deepSeaChokepoints` (ids absent from the network are ignored). null without per-commodity flows.
 */
export function laneFlows(cp: CorridorProblem, result: AssignmentResult, deepSeaChokepoints: readonly string[] = DEEP_SEA_CHOKEPOINTS): { readonly lanes: readonly LaneFlow[]; readonly deepSeaChokepoints: readonly string[] } | null {
  const cf = result.commodityFlow;
  if (cf === null) return null;
  const { graph, commodities } = cp.problem;
  const { firstOut, head, tail } = graph;
  const { firstIn, inArc } = cp.problem.reverse;
  const n = graph.nodeCount;
  const m = graph.arcCount;
  const { arcs, network } = cp.net;
  const deepIds = deepSeaChokepoints.filter((id) => network.chokepoints.some((c) => c.id === id));
  const deepIndex = deepIds.map((id) => network.chokepoints.findIndex((c) => c.id === id));
  const isSea = new Uint8Array(m); // [problem arc]
  const isDeep = new Uint8Array(m); // [problem arc] crosses a deep-sea chokepoint
  for (let p = 0; p < m; p++) {
    const a = cp.compiledArcOf[p];
    if (a >= 0 && arcs.kind[a] === ARC_LINK && arcs.mode[a] === MODE_SEA) isSea[p] = 1;
    if (a >= 0 && deepIndex.includes(arcs.chokepoint[a])) isDeep[p] = 1;
  }
  const indeg = new Int32Array(n);
  const order = new Int32Array(n);
  const sea = new Float64Array(n); // [node] share of the flow reaching it that has sailed
  const deep = new Float64Array(n); // [node] share of the flow reaching it that has crossed a deep-sea chokepoint
  const lanes = new Map<string, { demandClass: string; originIndex: number; destinationIndex: number; tonnes: number; seaT: number; deepT: number }>();
  for (let k = 0; k < commodities.count; k++) {
    const base = k * m;
    const origin = commodities.origin[k];
    const qt = flowOrder(cf, base, origin, firstOut, head, indeg, order);
    sea[origin] = 0;
    deep[origin] = 0;
    for (let i = 1; i < qt; i++) {
      const v = order[i];
      let total = 0;
      let sailed = 0;
      let deepSailed = 0;
      for (let q = firstIn[v]; q < firstIn[v + 1]; q++) {
        const a = inArc[q];
        const f = cf[base + a];
        if (!(f > 0)) continue;
        total += f;
        sailed += isSea[a] === 1 ? f : f * sea[tail[a]];
        deepSailed += isDeep[a] === 1 ? f : f * deep[tail[a]];
      }
      sea[v] = total > 0 ? sailed / total : 0;
      deep[v] = total > 0 ? deepSailed / total : 0;
    }
    const d = cp.classDemandClass[commodities.classOf[k]];
    for (let e = commodities.destStart[k]; e < commodities.destStart[k + 1]; e++) {
      const dest = commodities.destNode[e];
      const t = commodities.demand[e];
      const key = `${d}:${origin}:${dest}`;
      let lane = lanes.get(key);
      if (!lane) {
        lane = { demandClass: cp.demandClassIds[d], originIndex: origin, destinationIndex: dest, tonnes: 0, seaT: 0, deepT: 0 };
        lanes.set(key, lane);
      }
      lane.tonnes += t;
      lane.seaT += t * sea[dest];
      lane.deepT += t * deep[dest];
    }
    for (let i = 0; i < qt; i++) {
      sea[order[i]] = 0;
      deep[order[i]] = 0;
    }
  }
  return { lanes: [...lanes.values()], deepSeaChokepoints: deepIds };
}

/** Lanes with some tonnes by sea, and the sea and deep-sea shares of each demand class (needs per-commodity flows). */
export function laneSplits(cp: CorridorProblem, result: AssignmentResult, deepSeaChokepoints: readonly string[] = DEEP_SEA_CHOKEPOINTS): LaneSplits | null {
  const flows = laneFlows(cp, result, deepSeaChokepoints);
  if (flows === null) return null;
  const { places } = cp.net.network;
  const classT = new Map<string, { t: number; seaT: number; deepT: number }>(cp.demandClassIds.map((id) => [id, { t: 0, seaT: 0, deepT: 0 }]));
  for (const l of flows.lanes) {
    const c = classT.get(l.demandClass) as { t: number; seaT: number; deepT: number };
    c.t += l.tonnes;
    c.seaT += l.seaT;
    c.deepT += l.deepT;
  }
  const rows = flows.lanes
    .filter((l) => l.seaT > 0)
    .map((l) => ({
      demandClass: l.demandClass,
      origin: places[l.originIndex].id,
      destination: places[l.destinationIndex].id,
      tonnes: l.tonnes,
      seaShare: Math.min(1, l.seaT / l.tonnes),
      deepSeaShare: Math.min(1, l.deepT / l.tonnes),
    }))
    .sort((a, b) => b.tonnes * b.seaShare - a.tonnes * a.seaShare);
  const share = (key: "seaT" | "deepT") => Object.fromEntries(cp.demandClassIds.map((id) => {
    const c = classT.get(id) as { t: number; seaT: number; deepT: number };
    return [id, c.t > 0 ? c[key] / c.t : 0];
  }));
  return {
    lanes: rows,
    splitLanes: rows.filter((l) => l.seaShare > 0.001 && l.seaShare < 0.999).length,
    seaShareByDemandClass: share("seaT"),
    deepSeaChokepoints: flows.deepSeaChokepoints,
    deepSeaShareByDemandClass: share("deepT"),
  };
}

export interface CorridorSummary {
  readonly demandFile: string;
  readonly year: number | null;
  /** Month of travel (seasonal closures and ferry delays), null = none. */
  readonly month: number | null;
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
  /** Lanes with tonnes by sea and the sea share per demand class; null without per-commodity flows. */
  readonly lanes: LaneSplits | null;
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
    month: cp.month,
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
    lanes: laneSplits(cp, result),
    bottlenecks: bottlenecks(cp, result, top),
    crossings: crossingVolumes(cp, result),
    corridors: corridorVolumes(cp, result),
    transitByCountry: transitTable(cp, result),
    observedTransit,
    observedSources,
  };
}

const mt = (t: number): string => (t / 1e6).toFixed(2);

/**
 * The demand class of a class id: without its value-of-time segment and the transit bans of its user class
 * (`container@vot2` → `container`, `bulk@vot1|ban-a,ban-b` → `bulk`; corridor.ts names the user classes so).
 */
export function baseClass(classId: string): string {
  return classId.replace(/\|.*$/, "").replace(/@vot\d+$/, "");
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
      `${
        s.choice.votSegments === 1
          ? `one per class (${s.choice.votMedian === "profile" ? "the cargo profile's" : "carrying cost"})`
          : `${s.choice.votSegments} lognormal segments per class, σ ${s.choice.votSpread.toFixed(3)} (median: ${s.choice.votMedian === "profile" ? "the cargo profile's" : "carrying cost"})`
      }${s.choice.votMedian === "carrying-cost" ? `; carrying cost: ${(100 * CARRYING_COST_RATE_PER_YEAR).toFixed(1)} % of the cargo value a year` : ""}`,
    ],
    ["network year", s.year === null ? "today's open network" : String(s.year)],
    ["month of travel", s.month === null ? "none (no seasonal closures or ferry weather delays)" : String(s.month)],
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
  // the classes a rule of passage splits off for the equilibrium (`<class>|<rules>`) are added back to their class
  // and segment: the rows are what the demand's classes chose
  const rows = new Map<string, { vot: number; share: number; tkm: Record<string, number> }>();
  const split: string[] = [];
  for (const c of s.choice.classes) {
    const label = s.choice.votSegments === 1 ? c.demandClass : `${c.demandClass}@vot${c.segment + 1}`;
    if (c.classId !== label) split.push(c.classId);
    let row = rows.get(label);
    if (row === undefined) {
      row = { vot: c.valueOfTimeUsdPerH, share: c.share, tkm: {} };
      rows.set(label, row);
    }
    for (const [k, v] of Object.entries(c.tkmByMode)) row.tkm[k] = (row.tkm[k] ?? 0) + v;
  }
  const modes = MODE_CODES.filter((k) => [...rows.values()].some((r) => (r.tkm[k] ?? 0) > 0));
  const shareRow = (tkm: Readonly<Record<string, number>>) => {
    const total = Object.values(tkm).reduce((x, y) => x + y, 0);
    return modes.map((k) => (total > 0 ? `${((100 * (tkm[k] ?? 0)) / total).toFixed(1)} %` : "-"));
  };
  out.push(
    table(
      ["class", "VOT USD/h", "share", ...modes],
      [...rows.entries()].map(([label, r]) => [label, r.vot.toPrecision(4), `${(100 * r.share).toFixed(1)} %`, ...shareRow(r.tkm)]),
      [false, true, true, ...modes.map(() => true)],
    ),
  );
  if (split.length > 0) {
    out.push(
      `(rules of passage give the shipments they concern classes of their own in the equilibrium, counted above in their class: ${split.join(", ")}; by class in --json)`,
    );
  }

  if (s.lanes !== null) {
    const l = s.lanes;
    out.push(
      `\nLanes by sea: ${Object.entries(l.seaShareByDemandClass)
        .map(([id, x]) => `${id} ${(100 * x).toFixed(1)} % of tonnes`)
        .join(", ")}; ${l.splitLanes} lane(s) split between sea and land`,
    );
    if (l.deepSeaChokepoints.length > 0) {
      out.push(
        `Lanes by deep sea (via ${l.deepSeaChokepoints.join(" or ")}): ${Object.entries(l.deepSeaShareByDemandClass)
          .map(([id, x]) => `${id} ${(100 * x).toFixed(1)} % of tonnes`)
          .join(", ")} (the rest crosses land, with or without a short sea leg)`,
      );
    }
    const split = l.lanes.filter((x) => x.seaShare > 0.001 && x.seaShare < 0.999).sort((a, b) => b.tonnes - a.tonnes);
    const top = split.slice(0, 8);
    if (top.length > 0) {
      out.push(
        table(
          ["class", "split lane: origin → destination", "Mt", "by sea"],
          top.map((x) => [x.demandClass, `${x.origin} → ${x.destination}`, mt(x.tonnes), `${(100 * x.seaShare).toFixed(1)} %`]),
          [false, false, true, true],
        ),
      );
    }
    const rest = l.lanes.length - top.length;
    if (rest > 0) out.push(`(${rest} ${top.length > 0 ? "more " : ""}lane(s) with tonnes by sea in --json)`);
    // a lane between land and sea chosen at the profile's value of time: the split that value gives is not the
    // observed one (docs/calibration.md, "The lane's split in caravan calibrate")
    if (l.splitLanes > 0 && s.choice.votMedian === "profile") {
      out.push(
        "note: these lanes choose between land and sea at the cargo profile's value of time; the observed split of the China–Europe lane is reproduced at the carrying cost of the goods, --vot-median carrying-cost (`caravan calibrate` measures it: docs/calibration.md, \"The lane's split in caravan calibrate\")",
      );
    }
  }

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
