import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { holdTerminationSignals } from "../core/signals";
import type { CsrGraph, NodeIndex } from "../graph/csr";
import { type CustomizableHierarchy, customizeHierarchy } from "./ch/cch";
import { ChQuery } from "./ch/query";
import { buildCoreGraph } from "./core-graph";
import { DijkstraQuery } from "./dijkstra";
import { manyToMany } from "./matrix";

/** What a matrix worker needs: the topology, one weight column and the optional noThrough mask. */
export interface MatrixProblem {
  readonly graph: CsrGraph;
  readonly weight: Float64Array; // [arc]
  readonly noThrough?: Uint8Array; // [node]
}

export interface ParallelMatrixOptions {
  /** Number of worker threads; default = available cores (1 = compute in this thread). */
  readonly workers?: number;
  /**
   * Search a core graph instead (buildCoreGraph: dead ends pruned, degree-2 chains contracted, sources and targets
   * kept): same distances, far fewer nodes on road graphs. Default false.
   */
  readonly contract?: boolean;
  /**
   * Answer from this customizable contraction hierarchy instead (built once for `input.graph` and its noThrough
   * mask, e.g. by nestedDissectionOrder + buildCustomizableHierarchy): it is customized for `input.weight` and the
   * matrix comes from the bucket method in this thread. Same distances up to float rounding of pre-added shortcuts
   * (1e-12 relative); no worker threads, no core graph.
   */
  readonly customizable?: CustomizableHierarchy;
}

/** Message sent to a matrix worker (structured-cloned; `distance` is shared). */
export interface MatrixWorkerInput {
  readonly graph: CsrGraph;
  readonly weight: Float64Array;
  readonly noThrough: Uint8Array | undefined;
  readonly sources: Uint32Array;
  readonly targets: Uint32Array;
  /** First source row this worker computes; rows are taken round-robin by `stride`. */
  readonly firstRow: number;
  readonly stride: number;
  /** SharedArrayBuffer behind the Float64Array result [source * targetCount + target]. */
  readonly distance: SharedArrayBuffer;
}

/** Compute rows firstRow, firstRow + stride, ... of the matrix into the shared result (runs in a worker or inline). */
export function computeMatrixRows(input: MatrixWorkerInput): void {
  const query = new DijkstraQuery(input.graph, input.weight, { noThrough: input.noThrough });
  const out = new Float64Array(input.distance);
  const targetCount = input.targets.length;
  for (let i = input.firstRow; i < input.sources.length; i += input.stride) {
    query.oneToMany(input.sources[i], input.targets);
    const row = i * targetCount;
    for (let j = 0; j < targetCount; j++) out[row + j] = query.distanceTo(input.targets[j]);
  }
}

/**
 * Many-to-many shortest distances on several cores: each worker thread owns one Dijkstra query object (its own
 * scratch arrays) and computes every `workers`-th source row (one search per source, stopping at the last target)
 * into one SharedArrayBuffer. The graph is copied once to each worker. Falls back to this thread when a worker
 * cannot start (e.g. in a runtime without TypeScript loading for workers) and says so in `workers` = 1.
 */
export async function manyToManyParallel(
  input: MatrixProblem,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  options: ParallelMatrixOptions = {},
): Promise<{ distance: Float64Array; workers: number; searchedNodes: number; contractS: number; customizeS?: number }> {
  if (options.customizable) return customizedMatrix(input, options.customizable, sources, targets);
  let sourceArray = Uint32Array.from(sources as ArrayLike<number>);
  let targetArray = Uint32Array.from(targets as ArrayLike<number>);
  let contractS = 0;
  let problem = input;
  if (options.contract) {
    const start = performance.now();
    const keep = new Uint32Array(sourceArray.length + targetArray.length);
    keep.set(sourceArray);
    keep.set(targetArray, sourceArray.length);
    const core = buildCoreGraph(problem.graph, problem.weight, keep, problem.noThrough);
    sourceArray = sourceArray.map((v) => core.coreOf[v]);
    targetArray = targetArray.map((v) => core.coreOf[v]);
    problem = { graph: core.graph, weight: core.weight, noThrough: core.noThrough };
    contractS = (performance.now() - start) / 1e3;
  }
  const searchedNodes = problem.graph.nodeCount;
  const workerCount = Math.max(1, Math.min(options.workers ?? availableParallelism(), sourceArray.length));
  const shared = new SharedArrayBuffer(Math.max(8, sourceArray.length * targetArray.length * 8));
  const distance = new Float64Array(shared, 0, sourceArray.length * targetArray.length);
  const base = { graph: plainGraph(problem.graph), weight: problem.weight, noThrough: problem.noThrough, sources: sourceArray, targets: targetArray, distance: shared };
  if (workerCount === 1) {
    computeMatrixRows({ ...base, firstRow: 0, stride: 1 });
    return { distance, workers: 1, searchedNodes, contractS };
  }
  // a SIGINT/SIGTERM while the pool runs terminates its threads before the process exits (src/core/signals.ts)
  const running = new Set<Worker>();
  const release = holdTerminationSignals(() => {
    for (const worker of running) void worker.terminate();
  });
  try {
    await Promise.all(
      Array.from({ length: workerCount }, (_, w) => runWorker({ ...base, firstRow: w, stride: workerCount }, running)),
    );
    return { distance, workers: workerCount, searchedNodes, contractS };
  } catch {
    for (const worker of running) void worker.terminate();
    const m = manyToMany(new DijkstraQuery(problem.graph, problem.weight, { noThrough: problem.noThrough }), sourceArray, targetArray);
    return { distance: m.distance, workers: 1, searchedNodes, contractS };
  } finally {
    release();
  }
}

/** The matrix from a customizable hierarchy customized for the problem's weights (see ParallelMatrixOptions). */
function customizedMatrix(
  input: MatrixProblem,
  cch: CustomizableHierarchy,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
): { distance: Float64Array; workers: number; searchedNodes: number; contractS: number; customizeS: number } {
  const n = input.graph.nodeCount;
  if (cch.nodeCount !== n || cch.arcCount !== input.graph.arcCount) {
    throw new RangeError(`manyToManyParallel: the customizable hierarchy has ${cch.nodeCount} nodes and ${cch.arcCount} arcs, the graph ${n} and ${input.graph.arcCount}`);
  }
  for (let v = 0; v < n; v++) {
    const expected = input.noThrough?.[v] ?? 0;
    const built = cch.noThrough?.[cch.rankOf[v]] ?? 0;
    if (expected !== built) throw new RangeError(`manyToManyParallel: node ${v} is ${expected ? "" : "not "}noThrough in the problem but the hierarchy was built otherwise`);
  }
  const start = performance.now();
  const hierarchy = customizeHierarchy(cch, input.weight);
  const customizeS = (performance.now() - start) / 1e3;
  const distance = new ChQuery(hierarchy).manyToMany(sources, targets);
  return { distance, workers: 1, searchedNodes: n, contractS: 0, customizeS };
}

function plainGraph(graph: CsrGraph): CsrGraph {
  const { nodeCount, arcCount, firstOut, head, tail, inputArc } = graph;
  return { nodeCount, arcCount, firstOut, head, tail, inputArc };
}

/**
 * Start the worker script. Running from TypeScript sources (tsx), a worker thread does not inherit the TypeScript
 * loader, so a tiny bootstrap registers tsx's ESM API in the worker and imports the .ts entry through it.
 */
function startWorker(input: MatrixWorkerInput): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./matrix-worker.js", import.meta.url), { workerData: input });
  const entry = new URL("./matrix-worker.ts", import.meta.url).href;
  const api = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: input });
}

function runWorker(input: MatrixWorkerInput, running: Set<Worker>): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const worker = startWorker(input);
    running.add(worker);
    worker.once("error", reject);
    worker.once("exit", (code) => {
      running.delete(worker);
      if (code === 0) resolvePromise();
      else reject(new Error(`matrix worker exited with ${code}`));
    });
  });
}
