/**
 * The job registry of sweeps: job kind → input schema, which input fields are files or folders (resolved against
 * the sweep file and hashed into the job id), and the async function that computes a job's result (named metrics
 * and result rows for the store). The same function runs on a BullMQ worker, on a local worker thread or inline:
 * one code path for the job itself.
 */
import { z } from "zod";
import { embeddedDatasetDir } from "../core/package";
import type { ProfileColumns, ResolvedRouteOptions } from "../routing/options";
import type { ChoiceNames } from "../routing/query-choices";
import { loadSweep } from "../scenarios/sweep";
import { fileInputWithReads } from "../store/hash";
import type { ResultTables } from "../store/schema";

/** What a job produces: scalar metrics (also kept as the job's result JSON) and result-table rows. */
export interface JobOutput {
  readonly metrics: Readonly<Record<string, number | string | null>>;
  readonly tables?: ResultTables;
}

export interface JobKind {
  readonly description: string;
  /** The input after defaults; parse errors name the field. */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Input fields holding a file path (hashed by content into the job id). */
  readonly fileFields: readonly string[];
  /** Input fields holding a folder (every file hashed). */
  readonly dirFields: readonly string[];
  /** Content hashes of further files the input depends on (beyond fileFields and dirFields), for the job id. */
  readonly dependencies?: (input: Record<string, unknown>) => Record<string, string>;
  /** Turn one input into several (e.g. every variant of a scenario sweep file); default: the input itself. */
  readonly expand?: (input: Record<string, unknown>) => Record<string, unknown>[];
  run(input: Record<string, unknown>): Promise<JobOutput>;
}

/** The embedded network dataset of the package (default `data` of network jobs). */
export const DEFAULT_DATASET_DIR = embeddedDatasetDir();

type Network = import("../network/compiled").CompiledNetwork;
const networks = new Map<string, Network>();

/** A network opened once per thread and kept (jobs of a sweep mostly share one dataset). */
async function network(dir: string): Promise<Network> {
  let net = networks.get(dir);
  if (!net) {
    const { openNetwork } = await import("../network/open");
    net = openNetwork(dir);
    networks.set(dir, net);
  }
  return net;
}

const nonNegative = z.number().finite().min(0);

/** The sweep-file names of the cost-basis and rates-month choices (routing/query-choices.ts), for their errors. */
const SWEEP_CHOICE_NAMES: ChoiceNames = { rates: "rates", costBasisIs: (v) => `costBasis "${v}"` };

const corridorSchema = z
  .object({
    demand: z.string().min(1),
    data: z.string().min(1).default(DEFAULT_DATASET_DIR),
    algorithm: z.string().default("b"),
    gap: z.number().positive().max(1).default(1e-4),
    maxIterations: z.number().int().positive().optional(),
    demandScale: nonNegative.default(1),
    year: z.number().int().min(1900).max(2200).nullable().default(null),
    queueAlpha: z.number().positive().optional(),
    linkFlows: z.boolean().default(true),
    /** The classes' money cost (assign --cost-basis): cost (the cost model, default) | rates (rates given: rates). */
    costBasis: z.enum(["cost", "rates"]).optional(),
    /** Month of the rate layers, YYYY-MM (assign --rates; default the latest with data; implies costBasis rates). */
    rates: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month YYYY-MM (e.g. 2024-07)").optional(),
    /** Month of travel 1–12 (assign --month): seasonal closures and ferry weather waits apply. */
    month: z.number().int().min(1).max(12).optional(),
    /** Value-of-time segments per demand class and their log-scale σ (assign --vot-segments, --vot-spread). */
    votSegments: z.number().int().min(1).max(100).optional(),
    votSpread: nonNegative.max(10).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    // as assign: --rates applies to the rates basis only
    if (v.rates !== undefined && v.costBasis === "cost") ctx.addIssue({ code: "custom", path: ["rates"], message: 'a rates month applies to costBasis "rates" only' });
  });

const pairTimesSchema = z
  .object({
    data: z.string().min(1).default(DEFAULT_DATASET_DIR),
    year: z.number().int().min(1900).max(2200).nullable().default(null),
    baselineYear: z.number().int().min(1900).max(2200).nullable().default(null),
    close: z.array(z.string()).default([]),
    avoidCountries: z.array(z.string()).default([]),
    countries: z.array(z.string()).optional(),
    minPopulation: nonNegative.default(0),
    cargo: z.string().default("feu"),
  })
  .strict();

const scenarioVariantSchema = z
  .object({
    /** A sweep file of the scenarios stage (`caravan scenario sweep`): the scenario and its variants. */
    sweep: z.string().min(1),
    /** The variant's name in that file (left out in a sweep definition: one job per variant). */
    variant: z.string().min(1),
    data: z.string().min(1).default(DEFAULT_DATASET_DIR),
  })
  .strict();

type ScenarioSweep = { spec: import("../scenarios/sweep").SweepSpec; context: import("../scenarios/sweep").SweepContext };
const scenarioSweeps = new Map<string, Promise<ScenarioSweep>>();

/** A scenario sweep file loaded and its shared baseline computed once per thread. */
function scenarioSweep(data: string, file: string): Promise<ScenarioSweep> {
  const key = `${data}\n${file}`;
  let entry = scenarioSweeps.get(key);
  if (!entry) {
    entry = (async () => {
      const { prepareSweep } = await import("../scenarios/index");
      const spec = loadSweep(file);
      return { spec, context: await prepareSweep(await network(data), spec.scenario) };
    })();
    scenarioSweeps.set(key, entry);
  }
  return entry;
}

const probeSchema = z
  .object({
    value: z.number().finite().default(0),
    /** Deterministic CPU work: this many iterations of a small floating-point loop. */
    iterations: z.number().int().min(0).max(1e10).default(0),
    /** Wall-clock wait, milliseconds (for tests of crashes and cancellation). */
    sleepMs: z.number().int().min(0).max(3_600_000).default(0),
  })
  .strict();

export const JOB_KINDS: Readonly<Record<string, JobKind>> = {
  "corridor-assignment": {
    description:
      "corridor demand assigned on the network (caravan assign --demand): demand scale, year, month, queueing α, cost basis and rates month, value-of-time segments, algorithm, gap",
    schema: corridorSchema as unknown as z.ZodType<Record<string, unknown>>,
    fileFields: ["demand"],
    dirFields: ["data"],
    async run(raw) {
      const input = corridorSchema.parse(raw);
      const [{ corridorProblem }, { readDemandCsv }, { solve, isAlgorithmName }, { corridorSummary }, { corridorTables }] = await Promise.all([
        import("../assignment/corridor"),
        import("../assignment/corridor-demand"),
        import("../assignment/solve"),
        import("../assignment/corridor-report"),
        import("../store/stage-tables"),
      ]);
      const [{ resolveNetworkState }, { RoutingContext }, { ratedArcCostUsd }, { ratesRequestOf }, { formatMonth, ratesMonthOf }] = await Promise.all([
        import("../network/state"),
        import("../routing/context"),
        import("../routing/rates-arc-cost"),
        import("../routing/query-choices"),
        import("../routing/rates"),
      ]);
      if (!isAlgorithmName(input.algorithm)) throw new Error(`unknown assignment algorithm "${input.algorithm}"`);
      const t0 = performance.now();
      const net = await network(input.data);
      // as assign --demand: on the rates basis the classes' money costs are the lanes' rates spread over their runs' arcs
      const costBasis = input.costBasis ?? (input.rates !== undefined ? "rates" : "cost");
      const request = costBasis === "cost" && input.rates === undefined ? undefined : ratesRequestOf(input.data, net, { costBasis, rates: input.rates }, SWEEP_CHOICE_NAMES);
      const ratesLayer = request?.basis === "rates" ? request.layer : null;
      const ctx = ratesLayer === null ? null : new RoutingContext(net);
      const rated = ctx === null ? {} : { arcCostUsd: (o: ResolvedRouteOptions, columns: ProfileColumns) => ratedArcCostUsd(ctx, o, columns, request).costUsd };
      const cp = corridorProblem(net, readDemandCsv(input.demand), {
        ...rated,
        ...(input.month !== undefined ? { state: resolveNetworkState(net, { year: input.year, month: input.month }) } : {}),
        year: input.year,
        demandScale: input.demandScale,
        queueAlpha: input.queueAlpha,
        ...(input.votSegments !== undefined ? { votSegments: input.votSegments } : {}),
        ...(input.votSpread !== undefined ? { votSpread: input.votSpread } : {}),
      });
      const result = solve(cp.problem, input.algorithm, { gap: input.gap, maxIterations: input.maxIterations });
      const summary = corridorSummary(cp, result, input.demand, (performance.now() - t0) / 1000, 10);
      const metrics: Record<string, number | string | null> = {
        iterations: summary.iterations,
        relative_gap: summary.relativeGap,
        beckmann: summary.beckmann,
        total_travel_time_th: summary.totalTravelTime,
        demand_t: summary.demandT,
        converged: summary.converged ? 1 : 0,
        // the options the job ran with, resolved (the rates month the layers gave when none was named)
        cost_basis: ratesLayer === null ? "cost" : "rates",
        rates_month: ratesLayer === null ? null : formatMonth(ratesMonthOf(ratesLayer, request?.month)),
        month: cp.month,
        vot_segments: summary.choice.votSegments,
        vot_spread: summary.choice.votSpread,
      };
      for (const t of summary.transitByCountry ?? []) metrics[`transit_${t.country.toLowerCase()}_t`] = t.transitT;
      const tables = corridorTables(cp, result, summary);
      return { metrics, tables: input.linkFlows ? tables : { ...tables, link_flows: [] } };
    },
  },
  "pair-times": {
    description: "country-pair shipment-time changes between a baseline and a scenario (caravan gravity pair-times): year, close, avoidCountries",
    schema: pairTimesSchema as unknown as z.ZodType<Record<string, unknown>>,
    fileFields: [],
    dirFields: ["data"],
    async run(raw) {
      const input = pairTimesSchema.parse(raw);
      const [{ computePairTimes, summarizePairTimes }, { pairChangeRows }] = await Promise.all([import("../trade/pair-times/pair-times"), import("../store/stage-tables")]);
      const net = await network(input.data);
      const result = computePairTimes(net, {
        baseline: { year: input.baselineYear },
        scenario: { year: input.year ?? input.baselineYear, closeChokepoints: input.close, avoidCountries: input.avoidCountries },
        countries: input.countries,
        minPopulation: input.minPopulation,
        cargo: input.cargo,
      });
      const s = summarizePairTimes(result, 0);
      return {
        metrics: {
          pairs: s.pairs,
          changed_pairs: s.changedPairs,
          mean_change_pct: s.meanChangePct,
          excluded_weight_share: s.excludedWeightShare,
          largest_decrease_pct: s.largestDecrease?.changePct ?? null,
          largest_increase_pct: s.largestIncrease?.changePct ?? null,
        },
        tables: { pair_changes: pairChangeRows(result) },
      };
    },
  },
  "scenario-variant": {
    description: "one variant of a scenario sweep file (src/scenarios runScenarioVariant) compared with the scenario's baseline",
    schema: scenarioVariantSchema.partial({ variant: true }) as unknown as z.ZodType<Record<string, unknown>>,
    fileFields: ["sweep"],
    dirFields: ["data"],
    dependencies(input) {
      // the scenario file the sweep starts from is an input too, with its extends chain and demand file (by content)
      const scenario = fileInputWithReads(loadSweep(String(input.sweep)).scenario.file);
      return { scenario: scenario.sha256, ...(scenario.reads !== undefined ? { scenarioReads: scenario.reads.map((r) => `${r.path}\n${r.sha256}`).join("\n") } : {}) };
    },
    expand(input) {
      if (input.variant !== undefined) return [input];
      return loadSweep(String(input.sweep)).variants.map((v) => ({ ...input, variant: v.name }));
    },
    async run(raw) {
      const input = scenarioVariantSchema.parse(raw);
      const { runScenarioVariant } = await import("../scenarios/index");
      const { spec, context } = await scenarioSweep(input.data, input.sweep);
      const variant = spec.variants.find((v) => v.name === input.variant);
      if (!variant) throw new Error(`${input.sweep} has no variant "${input.variant}"`);
      const row = await runScenarioVariant(context, variant);
      return {
        metrics: {
          mean_time_change_h: row.meanTimeChangeH,
          mean_time_change_pct: row.meanTimeChangePct,
          demand_weighted_time_change_pct: row.demandWeightedTimeChangePct,
          corridor_switches: row.corridorSwitches,
          pairs_lost_route: row.pairsLostRoute,
          transit_kaz_t: row.transitKazT,
          max_vc: row.maxVc,
          max_vc_crossing: row.maxVcCrossing,
          bottlenecks: row.bottlenecks,
        },
      };
    },
  },
  probe: {
    description: "a probe job for measuring queue overhead and checking a worker fleet: deterministic CPU work (iterations) and/or a wait (sleepMs)",
    schema: probeSchema as unknown as z.ZodType<Record<string, unknown>>,
    fileFields: [],
    dirFields: [],
    async run(raw) {
      const input = probeSchema.parse(raw);
      if (input.sleepMs > 0) await new Promise((r) => setTimeout(r, input.sleepMs));
      let x = 0;
      for (let i = 0; i < input.iterations; i++) x += Math.sin(input.value + i * 1e-3);
      return { metrics: { value: input.value, result: x }, tables: { metrics: [{ key: "probe_result", value: x, text_value: null }] } };
    },
  },
};

export const JOB_KIND_NAMES = Object.keys(JOB_KINDS);

/** Compute one job (the function every executor calls). */
export async function runJob(kind: string, input: Record<string, unknown>): Promise<JobOutput> {
  const spec = JOB_KINDS[kind];
  if (!spec) throw new Error(`unknown job kind "${kind}"`);
  return spec.run(input);
}
