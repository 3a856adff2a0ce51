/**
 * Client of the Caravan HTTP API (/api/v1): typed GET helpers, the error shape {code, message, didYouMean?}, and jobs
 * (POST → 202 {jobId}, progress by Server-Sent Events with a polling fallback, result by id), and the shapes of the
 * run store's routes (/runs).
 */

export interface Place {
  id: string;
  name: string;
  country: string;
  kind: string;
  lonDeg: number;
  latDeg: number;
}

export interface PlacesResponse {
  places: Place[];
  didYouMean?: string[];
}

/**
 * The route answer (GET /route, the same JSON as `caravan route --json`): the engine's own type definitions
 * (src/routing/wire.ts, plain data types), so client and server cannot drift apart.
 */
export type {
  EventType,
  LegRate,
  RouteEvent,
  RouteLeg,
  RoutePlanJson as RouteResponse,
  RouteSummary as Route,
  SourceRef as RouteSource,
} from "../../src/routing/wire";

export type Geometry =
  | { type: "Point"; coordinates: number[] }
  | { type: "LineString"; coordinates: number[][] }
  | { type: "MultiLineString"; coordinates: number[][][] }
  | { type: "Polygon"; coordinates: number[][][] }
  | { type: "MultiPolygon"; coordinates: number[][][][] };

export interface Feature<P = Record<string, unknown>> {
  type: "Feature";
  id?: string | number;
  geometry: Geometry;
  properties: P;
}

export interface FeatureCollection<P = Record<string, unknown>> {
  type: "FeatureCollection";
  features: Feature<P>[];
}

/** An API error: the server's {code, message, didYouMean?} plus the HTTP status (0 = network failure). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly didYouMean: string[];
  constructor(code: string, message: string, status: number, didYouMean: string[] = []) {
    super(message);
    this.code = code;
    this.status = status;
    this.didYouMean = didYouMean;
  }
}

export type Params = Record<string, string | number | undefined | null>;

export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("E_BAD_RESPONSE", `the server answered ${response.status} with a body that is not JSON`, response.status);
  }
}

async function request<T>(method: "GET" | "POST", path: string, params: Params = {}, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`api/v1/${path}${queryString(params)}`, {
      method,
      signal,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError("E_NETWORK", "the Caravan server cannot be reached; is `caravan serve` running?", 0);
  }
  const payload = await readJson(response);
  if (!response.ok) {
    const e = (payload ?? {}) as { code?: string; message?: string; didYouMean?: string[] };
    throw new ApiError(e.code ?? `HTTP_${response.status}`, e.message ?? response.statusText, response.status, e.didYouMean ?? []);
  }
  return payload as T;
}

export function apiGet<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  return request<T>("GET", path, params, undefined, signal);
}

export function apiPost<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>("POST", path, {}, body, signal);
}

export type JobKind = "assignment" | "scenario-run" | "scenario-compare" | "gravity-estimate" | "appraisal";

export interface JobState<R = unknown> {
  status: "queued" | "running" | "done" | "succeeded" | "completed" | "failed" | "cancelled" | string;
  progress?: number | { fraction?: number; message?: string; done?: number; total?: number } | null;
  message?: string;
  result?: R;
  error?: { code: string; message: string; didYouMean?: string[] } | string;
}

/** Fraction 0–1 of a job's progress whatever shape the server reports it in, or null when unknown. */
export function progressFraction(state: JobState): number | null {
  const p = state.progress;
  if (typeof p === "number" && Number.isFinite(p)) return p > 1 ? p / 100 : p;
  if (p && typeof p === "object") {
    if (typeof p.fraction === "number") return p.fraction;
    if (typeof p.done === "number" && typeof p.total === "number" && p.total > 0) return p.done / p.total;
  }
  return null;
}

export function progressMessage(state: JobState): string {
  const p = state.progress;
  if (p && typeof p === "object" && typeof p.message === "string") return p.message;
  return state.message ?? state.status;
}

const FINISHED_OK = new Set(["done", "succeeded", "completed", "success"]);
const FINISHED_BAD = new Set(["failed", "error", "cancelled", "canceled"]);

export function jobFinished(state: JobState): boolean {
  return FINISHED_OK.has(state.status) || FINISHED_BAD.has(state.status);
}

function jobError(state: JobState): ApiError {
  const e = state.error;
  if (typeof e === "string") return new ApiError("E_JOB_FAILED", e, 200);
  if (e) return new ApiError(e.code, e.message, 200, e.didYouMean ?? []);
  return new ApiError("E_JOB_FAILED", `the job ended with status ${state.status}`, 200);
}

/**
 * Start a job and follow it to the end: progress through SSE (/jobs/:id/events) when the browser and server support
 * it, otherwise by polling GET /jobs/:id. Resolves with the result; rejects with an ApiError.
 */
export async function runJob<R>(kind: JobKind, input: unknown, onProgress: (state: JobState) => void, signal?: AbortSignal): Promise<R> {
  const { jobId } = await apiPost<{ jobId: string }>("jobs", { kind, input }, signal);
  onProgress({ status: "queued", progress: 0 });
  const final = await followJob(jobId, onProgress, signal);
  if (!FINISHED_OK.has(final.status)) throw jobError(final);
  if (final.result !== undefined) return final.result as R;
  const full = await apiGet<JobState<R>>(`jobs/${encodeURIComponent(jobId)}`, {}, signal);
  return full.result as R;
}

function followJob(jobId: string, onProgress: (state: JobState) => void, signal?: AbortSignal): Promise<JobState> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = (state: JobState | null, error?: unknown) => {
      if (settled) return;
      settled = true;
      source?.close();
      if (timer) clearTimeout(timer);
      if (error) reject(error);
      else resolve(state as JobState);
    };
    signal?.addEventListener("abort", () => finish(null, new DOMException("aborted", "AbortError")));
    let polling = false;
    const startPolling = () => {
      if (polling) return;
      polling = true;
      void poll();
    };
    const poll = async () => {
      if (settled) return;
      try {
        const state = await apiGet<JobState>(`jobs/${encodeURIComponent(jobId)}`, {}, signal);
        onProgress(state);
        if (jobFinished(state)) finish(state);
        else timer = setTimeout(poll, 400);
      } catch (error) {
        finish(null, error);
      }
    };
    if (typeof EventSource === "undefined") {
      startPolling();
      return;
    }
    source = new EventSource(`api/v1/jobs/${encodeURIComponent(jobId)}/events`);
    const onMessage = (event: MessageEvent) => {
      try {
        const state = JSON.parse(event.data) as JobState;
        if (!state || typeof state.status !== "string") return;
        onProgress(state);
        if (jobFinished(state)) {
          // the final state is read by id so a large result need not travel in the event stream
          source?.close();
          source = null;
          startPolling();
        }
      } catch {
        /* a keep-alive or a message of another shape: ignore */
      }
    };
    source.onmessage = onMessage;
    for (const name of ["progress", "status", "done", "end", "completed", "failed", "error"]) {
      source.addEventListener(name, (e) => {
        if (e instanceof MessageEvent) onMessage(e);
      });
    }
    source.onerror = () => {
      // stream closed or not supported: fall back to polling
      source?.close();
      source = null;
      startPolling();
    };
  });
}

/** A run of the run store as GET /api/v1/runs lists it. */
export interface RunListing {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  inputsHash: string;
}

/** GET /api/v1/runs/:id: everything recorded about a run, and the number of rows of each of its result tables. */
export interface RunDetail {
  run: RunListing & {
    /** input files {path, sha256, bytes} by name, and other inputs */
    inputs: unknown;
    datasetHash: string | null;
    codeVersion: string;
    parameters: unknown;
    timings: unknown;
    summary: unknown;
    output: string | null;
    error: string | null;
  };
  resultCounts: Record<string, number>;
}
