/**
 * Sweeps: many variants of one scenario, each compared with the scenario's baseline, one summary row per variant.
 *
 * A sweep file (YAML):
 *
 *   scenario: kazakh-border-reform.yaml        # the scenario every variant starts from (relative to this file)
 *   grid:                                      # every combination of the axes' values …
 *     - name: dwellScale
 *       values: [1, 0.8, 0.6, 0.4]
 *       modification: { target: crossing, select: { country: KAZ }, scale: { dwellH: $value }, assumption: "…" }
 *     - name: co2PriceUsdPerT
 *       values: [0, 100]
 *       parameter: co2PriceUsdPerT             # … or a parameter of the scenario, or `year`
 *   variants:                                  # … and/or a list of named variants
 *     - { name: fast-ferries, modifications: [ … ], parameters: { … } }
 *
 * In an axis's modification, every value `$value` is replaced by the axis value. Variants may not add links (the
 * network is shared by all variants); the scenario itself may.
 *
 * `runScenarioVariant` is the one job: the same code path runs on worker threads here and in a distributed queue.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { parseDocument } from "yaml";
import { z } from "zod";
import { CaravanError } from "../core/errors";
import { holdTerminationSignals } from "../core/signals";
import type { CompiledNetwork } from "../network/compiled";
import { RoutingContext, RoutingIndex } from "../routing/context";
import { applyScenario, extendedNetwork } from "./apply";
import { compareViews, type ResultView, viewOfSideResult } from "./compare";
import { scenarioDemand } from "./demand";
import { runSide } from "./run";
import { loadScenario, type PlacedModification, parseModification, type Scenario, type ScenarioParameters } from "./load";
import { parametersSchema } from "./schema";

/** One variant: extra modifications and parameter overrides on top of the scenario. */
export interface SweepVariant {
  readonly name: string;
  /** Axis values of a grid variant (axis name → value), {} for a listed variant. */
  readonly axes: Readonly<Record<string, number>>;
  readonly modifications: readonly PlacedModification[];
  readonly parameters: Partial<ScenarioParameters>;
  readonly year?: number;
}

export interface SweepSpec {
  readonly file: string;
  readonly scenario: Scenario;
  readonly axisNames: readonly string[];
  readonly variants: readonly SweepVariant[];
}

/** The summary row of one variant (figures against the scenario's baseline). */
export interface SweepRow {
  readonly variant: string;
  readonly axes: Readonly<Record<string, number>>;
  readonly meanTimeChangeH: number;
  readonly meanTimeChangePct: number;
  /** Demand-weighted mean time change, % (null without demand). */
  readonly demandWeightedTimeChangePct: number | null;
  readonly corridorSwitches: number;
  readonly pairsLostRoute: number;
  /** Transit through Kazakhstan, tonnes per year (the model's headline transit figure). */
  readonly transitKazT: number;
  /** The crossing with the highest v/c and its v/c (null without capacities). */
  readonly maxVcCrossing: string | null;
  readonly maxVc: number | null;
  readonly bottlenecks: number;
}

const axisSchema = z
  .object({
    name: z.string().min(1),
    values: z.array(z.number().finite()).min(1),
    modification: z.record(z.string(), z.unknown()).optional(),
    parameter: z.string().min(1).optional(),
  })
  .strict();
const sweepFileSchema = z
  .object({
    scenario: z.string().min(1),
    grid: z.array(axisSchema).optional(),
    variants: z
      .array(
        z
          .object({ name: z.string().min(1), modifications: z.array(z.unknown()).optional(), parameters: z.record(z.string(), z.unknown()).optional(), year: z.number().int().optional() })
          .strict(),
      )
      .optional(),
  })
  .strict();

function substitute(value: unknown, x: number): unknown {
  if (value === "$value") return x;
  if (Array.isArray(value)) return value.map((v) => substitute(v, x));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, x)]));
  return value;
}

function invalid(file: string, field: string, problem: string): CaravanError {
  return new CaravanError("E_SCENARIO_INVALID", `${file}: field "${field}": ${problem}`, { details: { file, field } });
}

function checkedModification(file: string, field: string, raw: unknown, index: number): PlacedModification {
  const parsed = parseModification(raw);
  if (!parsed.success) throw invalid(file, `${field}.${parsed.issues[0].path.join(".")}`, parsed.issues[0].message);
  if ("add" in parsed.value) throw invalid(file, field, "a variant cannot add links (put the added link in the scenario)");
  return { modification: parsed.value, file, line: 0, index };
}

function checkedParameters(file: string, field: string, raw: Record<string, unknown>): Partial<ScenarioParameters> {
  const r = parametersSchema.safeParse(raw);
  if (!r.success) throw invalid(file, `${field}.${r.error.issues[0].path.join(".")}`, r.error.issues[0].message);
  return r.data as Partial<ScenarioParameters>;
}

/** Read a sweep file: the scenario and the expanded list of variants. */
export function loadSweep(path: string): SweepSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CaravanError("E_FILE_NOT_FOUND", `sweep file ${file} does not exist or cannot be read`, { details: { file } });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw invalid(file, "(yaml)", doc.errors[0].message.split("\n")[0]);
  const parsed = sweepFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw invalid(file, parsed.error.issues[0].path.join(".") || "(file)", parsed.error.issues[0].message);
  const spec = parsed.data;
  const scenario = loadScenario(resolve(dirname(file), spec.scenario));
  const grid = spec.grid ?? [];
  const variants: SweepVariant[] = [];
  for (const [i, axis] of grid.entries()) {
    if ((axis.modification === undefined) === (axis.parameter === undefined)) throw invalid(file, `grid[${i}]`, "give exactly one of modification and parameter");
    if (axis.parameter !== undefined && axis.parameter !== "year" && !(axis.parameter in parametersSchema.shape)) {
      throw invalid(file, `grid[${i}].parameter`, `"${axis.parameter}" is not a scenario parameter (${Object.keys(parametersSchema.shape).join(", ")}, year)`);
    }
  }
  if (grid.length > 0) {
    let combos: number[][] = [[]];
    for (const axis of grid) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
    if (combos.length > 10000) throw invalid(file, "grid", `${combos.length} combinations; at most 10 000`);
    for (const combo of combos) {
      const axes: Record<string, number> = {};
      const modifications: PlacedModification[] = [];
      let parameters: Partial<ScenarioParameters> = {};
      let year: number | undefined;
      grid.forEach((axis, i) => {
        const x = combo[i];
        axes[axis.name] = x;
        if (axis.modification !== undefined) modifications.push(checkedModification(file, `grid[${i}].modification`, substitute(axis.modification, x), modifications.length));
        else if (axis.parameter === "year") year = x;
        else parameters = { ...parameters, ...checkedParameters(file, `grid[${i}]`, { [axis.parameter as string]: x }) };
      });
      variants.push({ name: grid.map((a, i) => `${a.name}=${combo[i]}`).join(","), axes, modifications, parameters, ...(year !== undefined ? { year } : {}) });
    }
  }
  for (const [i, v] of (spec.variants ?? []).entries()) {
    variants.push({
      name: v.name,
      axes: {},
      modifications: (v.modifications ?? []).map((m, k) => checkedModification(file, `variants[${i}].modifications[${k}]`, m, k)),
      parameters: v.parameters ? checkedParameters(file, `variants[${i}].parameters`, v.parameters) : {},
      ...(v.year !== undefined ? { year: v.year } : {}),
    });
  }
  if (variants.length === 0) throw invalid(file, "(file)", "no variant: give a grid or a list of variants");
  return { file, scenario, axisNames: grid.map((a) => a.name), variants };
}

/** The scenario of one variant. */
export function variantScenario(scenario: Scenario, v: SweepVariant): Scenario {
  return {
    ...scenario,
    name: `${scenario.name} [${v.name}]`,
    year: v.year ?? scenario.year,
    modifications: [...scenario.modifications, ...v.modifications],
    parameters: { ...scenario.parameters, ...v.parameters, valueOfTimeUsdPerH: { ...scenario.parameters.valueOfTimeUsdPerH, ...(v.parameters.valueOfTimeUsdPerH ?? {}) } },
  };
}

/** What every variant of a sweep shares: the network, its routing index and the baseline's tables. */
export interface SweepContext {
  readonly net: CompiledNetwork;
  readonly index: RoutingIndex;
  readonly scenario: Scenario;
  readonly baseline: ResultView;
}

/** Compute the shared baseline of a sweep (once per process / worker). */
export async function prepareSweep(net0: CompiledNetwork, scenario: Scenario): Promise<SweepContext> {
  const net = extendedNetwork(net0, [scenario]);
  const index = new RoutingIndex(net);
  const ctx = new RoutingContext(index);
  const demand = scenarioDemand(net, scenario);
  const baseApplied = applyScenario(net, scenario, { edits: false });
  const side = runSide(ctx, scenario, baseApplied, demand, "baseline");
  return { net, index, scenario, baseline: viewOfSideResult(`${scenario.name} (baseline)`, "sweep", side) };
}

/** The single-variant job: apply, run the scenario side, compare with the shared baseline, summarise. */
export async function runScenarioVariant(sweep: SweepContext, variant: SweepVariant): Promise<SweepRow> {
  const scenario = variantScenario(sweep.scenario, variant);
  const ctx = new RoutingContext(sweep.index);
  const demand = scenarioDemand(sweep.net, scenario);
  const applied = applyScenario(sweep.net, scenario);
  const side = runSide(ctx, scenario, applied, demand, "scenario");
  const c = compareViews(sweep.baseline, viewOfSideResult(scenario.name, "sweep", side), { pairs: false });
  let maxVc: number | null = null;
  let maxVcCrossing: string | null = null;
  for (const x of side.crossings) {
    if (x.vc !== null && (maxVc === null || x.vc > maxVc)) {
      maxVc = x.vc;
      maxVcCrossing = x.crossing;
    }
  }
  return {
    variant: variant.name,
    axes: variant.axes,
    meanTimeChangeH: c.means.unweighted.timeH,
    meanTimeChangePct: c.means.unweighted.timePct,
    demandWeightedTimeChangePct: c.means.demandWeighted?.timePct ?? null,
    corridorSwitches: c.summary.corridorSwitches,
    pairsLostRoute: c.summary.pairsLostRoute,
    transitKazT: side.transit.find((t) => t.country === "KAZ")?.transitT ?? 0,
    maxVcCrossing,
    maxVc,
    bottlenecks: side.bottlenecks.filter((b) => b.vc >= 0.9).length,
  };
}

export interface SweepOptions {
  /** Worker threads (default: available cores; 1 = this thread). */
  readonly workers?: number;
  /** Called after each finished variant (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Message to a sweep worker. */
export interface SweepWorkerInit {
  readonly datasetDir: string;
  readonly scenarioFile: string;
  readonly sweepFile: string;
}

/** Run every variant of a sweep; rows in variant order. */
export async function runSweep(net: CompiledNetwork, spec: SweepSpec, options: SweepOptions = {}): Promise<{ rows: SweepRow[]; workers: number }> {
  const total = spec.variants.length;
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), total));
  const rows: SweepRow[] = new Array(total);
  let done = 0;
  if (workers === 1) {
    const ctx = await prepareSweep(net, spec.scenario);
    for (let i = 0; i < total; i++) {
      rows[i] = await runScenarioVariant(ctx, spec.variants[i]);
      options.onProgress?.(++done, total);
    }
    return { rows, workers: 1 };
  }
  const init: SweepWorkerInit = { datasetDir: net.network.dir, scenarioFile: spec.scenario.file, sweepFile: spec.file };
  let next = 0;
  const pool: Worker[] = [];
  const stopAll = () => {
    for (const w of pool) void w.terminate();
  };
  // SIGINT/SIGTERM during the sweep end the worker threads before the process exits
  const release = holdTerminationSignals(stopAll);
  const one = (): Promise<void> =>
    new Promise<void>((resolvePromise, reject) => {
      const worker = startWorker(init);
      pool.push(worker);
      const feed = () => {
        if (next >= total) worker.postMessage({ stop: true });
        else worker.postMessage({ index: next++ });
      };
      worker.on("message", (msg: { ready?: true; index?: number; row?: SweepRow; error?: { code?: string; message: string } }) => {
        if (msg.error) {
          reject(msg.error.code ? new CaravanError(msg.error.code as "E_USAGE", msg.error.message) : new Error(msg.error.message));
          return;
        }
        if (msg.row !== undefined && msg.index !== undefined) {
          rows[msg.index] = msg.row;
          options.onProgress?.(++done, total);
        }
        feed();
      });
      worker.once("error", reject);
      worker.once("exit", (code) => (code === 0 ? resolvePromise() : reject(new Error(`sweep worker exited with ${code}`))));
    });
  try {
    await Promise.all(Array.from({ length: workers }, one));
  } catch (error) {
    stopAll();
    throw error;
  } finally {
    release();
  }
  return { rows, workers };
}

/**
 * Start a sweep worker. From TypeScript sources (tsx, vitest) a worker thread does not inherit the TypeScript
 * loader, so a tiny bootstrap registers tsx's ESM API in the worker and imports the .ts entry through it; from the
 * built bundle the sibling sweep-worker.js is started (as routing/parallel-matrix.ts does for its worker).
 */
function startWorker(init: SweepWorkerInit): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./sweep-worker.js", import.meta.url), { workerData: init });
  const entry = new URL("./sweep-worker.ts", import.meta.url).href;
  const api = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
