/**
 * What each job kind computes. Runs inside the job worker thread (worker.ts) on already validated input whose file
 * paths were checked against the data folders on the main thread (queue.ts). Results are plain JSON-able objects.
 */
import { readFileSync } from "node:fs";
import { appraiseStreams, parseStreamsCsv, sensitivityTable } from "../../appraisal/index";
import { corridorProblem } from "../../assignment/corridor";
import { parseDemandCsv } from "../../assignment/corridor-demand";
import { corridorSummary } from "../../assignment/corridor-report";
import { linkFlowsGeoJson } from "../../assignment/results";
import { solve } from "../../assignment/solve";
import { CaravanError } from "../../core/errors";
import type { CompiledNetwork } from "../../network/compiled";
import { deriveNetworkState, type NetworkState, resolveNetworkState } from "../../network/state";
import { RoutingContext } from "../../routing/context";
import type { ProfileColumns, ResolvedRouteOptions } from "../../routing/options";
import { ratesRequestOf } from "../../routing/query-choices";
import { formatMonth, ratesMonthOf } from "../../routing/rates";
import { ratedArcCostUsd } from "../../routing/rates-arc-cost";
import type { Comparison } from "../../scenarios/compare";
import { estimateGravity, type SmallSampleRule, type VcovType } from "../../trade/ppml/estimate";
import { ppmlResultJson } from "../../trade/ppml/ppml-report";
import { parseCsvTable } from "../../trade/io/table";
import { JOB_CHOICE_NAMES } from "../schemas";

/** A job as the worker receives it. */
export interface PreparedJob {
  readonly id: string;
  readonly kind: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** Absolute path of a file the input named (checked inside the data folders), or null. */
  readonly filePath: string | null;
  /** The file as the user named it (for reports; never the server's absolute path). */
  readonly fileLabel: string | null;
  /** Further files by input field (absolute paths, checked like filePath): a scenario comparison's second file. */
  readonly extraFiles: Readonly<Record<string, string>>;
  /** The data folders (absolute), cut from paths that results would otherwise show. */
  readonly dataFolders: readonly string[];
  /** Seconds the job may run. */
  readonly maxSeconds: number;
}

export interface JobEnv {
  readonly net: () => CompiledNetwork;
  readonly progress: (fraction: number, message: string) => void;
}

/** The network state of a scenario file for a single computation (as the CLI's `--scenario FILE`). */
async function scenarioState(base: CompiledNetwork, file: string): Promise<{ net: CompiledNetwork; state: NetworkState }> {
  const [{ loadScenario }, { applyScenario, extendedNetwork }] = await Promise.all([import("../../scenarios/load"), import("../../scenarios/apply")]);
  const scenario = loadScenario(file);
  const net = extendedNetwork(base, [scenario]);
  return { net, state: applyScenario(net, scenario).state };
}

/** Input of an assignment job as prepareJob leaves it: validated, month a number, costBasis filled in. */
interface AssignmentInput {
  demandCsv?: string;
  algorithm?: string;
  gap?: number;
  maxIterations?: number;
  maxSeconds?: number;
  theta?: number;
  year?: number;
  month?: number;
  costBasis?: "cost" | "rates";
  rates?: string;
  votSegments?: number;
  votSpread?: number;
  demandScale?: number;
  top?: number;
  /** Rules of passage switched off: ids or "all", sorted and lower case (prepareJob); absent = the rules in force apply. */
  rulesOff?: string[];
}

/**
 * A corridor assignment as `caravan assign --demand FILE --json` computes it with the same options: the network
 * state of the month of travel, the classes' money cost on the rates basis (the lanes' rates spread over their runs'
 * arcs), value-of-time segments; the summary is the object the CLI prints.
 */
async function assignment(job: PreparedJob, env: JobEnv): Promise<unknown> {
  const t0 = performance.now();
  const input = job.input as AssignmentInput;
  // on a scenario's network state (the dataset extended by the links it adds), as `assign --scenario`
  const scenario = job.extraFiles.scenario === undefined ? null : await scenarioState(env.net(), job.extraFiles.scenario);
  const net = scenario?.net ?? env.net();
  env.progress(0.02, "reading demand");
  const table = input.demandCsv !== undefined ? parseDemandCsv(input.demandCsv, "upload.csv") : parseDemandCsv(readFileSync(job.filePath!, "utf8"), job.fileLabel!);
  const label = input.demandCsv !== undefined ? "upload.csv" : job.fileLabel!;
  const costBasis = input.costBasis ?? (input.rates !== undefined ? "rates" : "cost");
  const request = costBasis === "cost" && input.rates === undefined ? undefined : ratesRequestOf(net.network.dir, net, { costBasis, rates: input.rates }, JOB_CHOICE_NAMES);
  const ratesLayer = request?.basis === "rates" ? request.layer : null;
  const ctx = ratesLayer === null ? null : new RoutingContext(net);
  const rated = ctx === null ? {} : { arcCostUsd: (o: ResolvedRouteOptions, columns: ProfileColumns) => ratedArcCostUsd(ctx, o, columns, request).costUsd };
  // rules of passage switched off on the scenario's state or the state of year and month, as `assign --rules-off`
  const rulesOff = input.rulesOff;
  const rules = rulesOff !== undefined ? { rulesOff } : {};
  const cp = corridorProblem(net, table, {
    ...rated,
    ...(scenario
      ? { state: rulesOff === undefined ? scenario.state : deriveNetworkState(scenario.state, rules) }
      : input.month !== undefined || rulesOff !== undefined
        ? { state: resolveNetworkState(net, { year: input.year ?? null, month: input.month ?? null, ...rules }) }
        : {}),
    year: input.year ?? (scenario ? undefined : null),
    demandScale: input.demandScale,
    ...(input.votSegments !== undefined ? { votSegments: input.votSegments } : {}),
    ...(input.votSpread !== undefined ? { votSpread: input.votSpread } : {}),
  });
  const gap = input.gap ?? 1e-6;
  env.progress(0.05, "solving");
  const decades = Math.max(1, -Math.log10(gap));
  const result = solve(cp.problem, input.algorithm ?? "b", {
    gap,
    maxIterations: input.maxIterations,
    maxSeconds: Math.min(input.maxSeconds ?? Number.POSITIVE_INFINITY, job.maxSeconds),
    logitTheta: input.theta,
    onIteration: (r) => {
      const done = Math.min(1, Math.max(0, -Math.log10(Math.max(r.relativeGap, 1e-300)) / decades));
      env.progress(0.05 + 0.9 * done, `iteration ${r.iteration}, relative gap ${r.relativeGap.toExponential(3)}`);
    },
  });
  env.progress(0.97, "summarising");
  const top = input.top ?? 10;
  const ratesMonth = ratesLayer === null ? null : formatMonth(ratesMonthOf(ratesLayer, request?.month));
  const summary = {
    ...corridorSummary(cp, result, label.replace(/^\/+/, ""), (performance.now() - t0) / 1000, top),
    costBasis: ratesLayer === null ? "cost" : "rates",
    ratesMonth,
  };
  const parameters = {
    algorithm: result.algorithm,
    gap,
    maxIterations: input.maxIterations ?? null,
    maxSeconds: input.maxSeconds ?? null,
    theta: result.logitTheta ?? null,
    year: cp.year,
    month: cp.month,
    costBasis: summary.costBasis,
    ratesMonth,
    votSegments: summary.choice.votSegments,
    votSpread: summary.choice.votSpread,
    demandScale: input.demandScale ?? 1,
    top,
    rulesOff: rulesOff ?? [],
  };
  return { summary, parameters, flows: JSON.parse(linkFlowsGeoJson(cp, result)) };
}

function gravityEstimate(job: PreparedJob, env: JobEnv): unknown {
  const input = job.input as { formula: string; csv?: string; vcov?: VcovType; cluster?: string[]; ssc?: SmallSampleRule; tol?: number };
  env.progress(0.05, "reading data");
  const text = input.csv ?? readFileSync(job.filePath!, "utf8");
  const table = parseCsvTable(text, input.csv !== undefined ? "upload.csv" : job.fileLabel!);
  if (input.vcov === "cluster" && (input.cluster === undefined || input.cluster.length === 0)) throw new CaravanError("E_USAGE", "vcov cluster needs cluster variables");
  env.progress(0.2, `estimating on ${table.rowCount} rows`);
  const result = estimateGravity(table, input.formula, {
    vcov: input.vcov,
    cluster: input.vcov === "iid" || input.vcov === "hetero" ? undefined : input.cluster,
    smallSample: input.ssc ?? "fixest",
    tol: input.tol ?? 1e-8,
  });
  return ppmlResultJson(result);
}

function appraisal(job: PreparedJob, env: JobEnv): unknown {
  const input = job.input as { streamsCsv?: string; discountRatePct?: number };
  env.progress(0.1, "reading streams");
  const label = input.streamsCsv !== undefined ? "upload.csv" : job.fileLabel!;
  const streams = parseStreamsCsv(input.streamsCsv ?? readFileSync(job.filePath!, "utf8"), label);
  const rate = input.discountRatePct ?? 6;
  env.progress(0.5, "appraising");
  // the object `caravan appraise --json` prints
  return { source: label, benefitColumns: streams.benefitColumns, ...appraiseStreams(streams, rate), sensitivity: sensitivityTable(streams, rate) };
}

/** Paths inside results and messages relative to the data folders (a response never shows the server's folders). */
export function relativeOrigin(job: Pick<PreparedJob, "dataFolders">, origin: string): string {
  let out = origin;
  for (const folder of job.dataFolders) out = out.split(`${folder}/`).join("");
  return out;
}

interface FlowFeature {
  type: "Feature";
  geometry: unknown;
  properties: { linkId: string; from: string; to: string; mode: string; flowT: number };
}

/**
 * The link-flow difference of two assignments as GeoJSON: one LineString per link arc with flow on either side,
 * with baseFlowT, scenarioFlowT and changeT (tonnes per year; scenario − base), largest change first.
 */
export function flowDiff(base: { features: FlowFeature[] }, scenario: { features: FlowFeature[] }): unknown {
  const key = (f: FlowFeature) => `${f.properties.linkId}\u0000${f.properties.from}\u0000${f.properties.to}`;
  const rows = new Map<string, { f: FlowFeature; baseT: number; scenT: number }>();
  for (const f of base.features) rows.set(key(f), { f, baseT: f.properties.flowT, scenT: 0 });
  for (const f of scenario.features) {
    const row = rows.get(key(f));
    if (row) row.scenT = f.properties.flowT;
    else rows.set(key(f), { f, baseT: 0, scenT: f.properties.flowT });
  }
  const features = [...rows.values()]
    .map(({ f, baseT, scenT }) => ({
      type: "Feature" as const,
      geometry: f.geometry,
      properties: { linkId: f.properties.linkId, from: f.properties.from, to: f.properties.to, mode: f.properties.mode, baseFlowT: baseT, scenarioFlowT: scenT, changeT: scenT - baseT },
    }))
    .sort((a, b) => Math.abs(b.properties.changeT) - Math.abs(a.properties.changeT));
  return { type: "FeatureCollection", features };
}

async function scenarioRun(job: PreparedJob, env: JobEnv): Promise<unknown> {
  const [{ loadScenario }, { runScenario }, { compareViews, viewOfSide }] = await Promise.all([
    import("../../scenarios/load"),
    import("../../scenarios/run"),
    import("../../scenarios/compare"),
  ]);
  const input = job.input as { pairTimes?: boolean; costBasis?: "rates" | "cost"; rates?: string };
  env.progress(0.05, "loading the scenario");
  const scenario = loadScenario(job.filePath!);
  const baseline = job.extraFiles.baseline === undefined ? null : loadScenario(job.extraFiles.baseline);
  env.progress(0.1, "running baseline and scenario (matrix, assignment, pair times)");
  // cost basis and rates month over the file's parameters, as `scenario run --cost-basis --rates`
  const rates = { ...(input.costBasis !== undefined ? { costBasis: input.costBasis } : {}), ...(input.rates !== undefined ? { rates: input.rates } : {}) };
  const run = await runScenario(env.net(), scenario, { baseline, pairTimes: input.pairTimes ?? true, ...rates });
  env.progress(0.95, "comparing");
  const comparison = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"));
  const flows = { baseline: JSON.parse(run.baseline.linkFlowsGeoJson), scenario: JSON.parse(run.result.linkFlowsGeoJson) };
  const { comparison: c, ...rest } = comparisonResult(job, comparison, flows);
  return { comparison: c, parameters: run.manifest.parameters, ...rest, timings: run.timings };
}

/**
 * The result of a scenario job: the object `caravan scenario run --json` prints (paths relative to the data folders),
 * the link-flow difference and both sides' link flows.
 */
function comparisonResult(job: PreparedJob, comparison: Comparison, flows: { baseline: { features: FlowFeature[] }; scenario: { features: FlowFeature[] } }): Record<string, unknown> {
  return {
    comparison: {
      ...comparison,
      baseline: { ...comparison.baseline, origin: relativeOrigin(job, comparison.baseline.origin) },
      scenario: { ...comparison.scenario, origin: relativeOrigin(job, comparison.scenario.origin) },
    },
    diff: flowDiff(flows.baseline, flows.scenario),
    flows,
  };
}

async function scenarioCompare(job: PreparedJob, env: JobEnv): Promise<unknown> {
  // base "baseline": the scenario against its own baseline, as scenario-run
  if (job.filePath === null) return scenarioRun({ ...job, filePath: job.extraFiles.scenario, extraFiles: {}, input: { pairTimes: false } }, env);
  const [{ runScenario }, { compareViews, viewOfSide }] = await Promise.all([import("../../scenarios/run"), import("../../scenarios/compare")]);
  env.progress(0.05, "running the base scenario");
  const base = await runScenario(env.net(), job.filePath!, { pairTimes: false });
  env.progress(0.5, "running the other scenario");
  const other = await runScenario(env.net(), job.extraFiles.scenario, { pairTimes: false });
  env.progress(0.95, "comparing");
  const comparison = compareViews(viewOfSide(base, "scenario"), viewOfSide(other, "scenario"));
  const flows = { baseline: JSON.parse(base.result.linkFlowsGeoJson), scenario: JSON.parse(other.result.linkFlowsGeoJson) };
  return comparisonResult(job, comparison, flows);
}

/** Run one job; throws CaravanError for user problems. */
export async function runJob(job: PreparedJob, env: JobEnv): Promise<unknown> {
  switch (job.kind) {
    case "assignment":
      return await assignment(job, env);
    case "gravity-estimate":
      return gravityEstimate(job, env);
    case "appraisal":
      return appraisal(job, env);
    case "scenario-run":
      return scenarioRun(job, env);
    case "scenario-compare":
      return scenarioCompare(job, env);
    default:
      throw new CaravanError("E_NOT_AVAILABLE", `job kind "${job.kind}" is not available in this build`);
  }
}
