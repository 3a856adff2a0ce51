/**
 * The one error catalogue of Caravan.
 *
 * Every error a user can cause has a stable code here. The CLI maps `exitCode` to its exit status and prints one
 * line (no stack trace); the HTTP API maps `httpStatus` and returns `{code, message, didYouMean?}`. Tests assert on
 * codes, never on wording. `docs/errors.md` is generated from this table (`npm run docs:generate`) and a test fails
 * when it drifts.
 *
 * Adding a code: append it to the section of its pipeline stage. Never rename or reuse a code.
 */

export interface ErrorSpec {
  /** One-line meaning, shown in docs/errors.md. */
  readonly summary: string;
  /** Process exit status used by the CLI. 1 = runtime/data problem, 2 = usage problem. */
  readonly exitCode: 1 | 2;
  /** HTTP status used by the API. */
  readonly httpStatus: number;
}

export const ERROR_CATALOGUE = {
  // --- general / CLI -------------------------------------------------------------------------------------------
  E_USAGE: { summary: "A command-line option or argument is missing or invalid.", exitCode: 2, httpStatus: 400 },
  E_FILE_NOT_FOUND: { summary: "An input file does not exist or cannot be read.", exitCode: 1, httpStatus: 404 },
  E_FILE_WRITE: { summary: "An output file could not be written (nothing was replaced).", exitCode: 1, httpStatus: 500 },
  E_PARSE: { summary: "An input file is malformed; the message names file, line and field.", exitCode: 1, httpStatus: 400 },
  E_NUMERIC_RANGE: { summary: "Inputs that are each in range would overflow together (e.g. total demand × worst-case path cost); refused before solving.", exitCode: 1, httpStatus: 422 },

  // --- network -------------------------------------------------------------------------------------------------
  E_NETWORK_INVALID: { summary: "The network source files violate the schema or a cross-reference rule.", exitCode: 1, httpStatus: 422 },
  E_PROVENANCE_MISSING: { summary: "A place, link or figure carries neither a source nor an estimation rule.", exitCode: 1, httpStatus: 422 },
  E_GRAPH_INVARIANT: { summary: "A compiled graph broke one of its invariants (internal consistency check).", exitCode: 1, httpStatus: 500 },
  E_GRAPH_CACHE_STALE: { summary: "A cached compiled graph has another format version or source hash.", exitCode: 1, httpStatus: 500 },

  // --- places and routing --------------------------------------------------------------------------------------
  E_PLACE_UNKNOWN: { summary: "A place name, alias, id or UN/LOCODE matches nothing; suggestions are given.", exitCode: 2, httpStatus: 404 },
  E_PLACE_AMBIGUOUS: { summary: "A place name matches several places; the candidates are listed.", exitCode: 2, httpStatus: 409 },
  E_COORDINATE_INVALID: { summary: "A `lon,lat` place is out of range or has no place of a suitable kind nearby.", exitCode: 2, httpStatus: 400 },
  E_COUNTRY_UNKNOWN: { summary: "An ISO 3166-1 alpha-3 country code is not known to the network.", exitCode: 2, httpStatus: 400 },
  E_CHOKEPOINT_UNKNOWN: { summary: "A chokepoint name given to --close is not in the network.", exitCode: 2, httpStatus: 400 },
  E_MODE_UNKNOWN: { summary: "A transport mode is not one of rail, road, sea, ferry, air.", exitCode: 2, httpStatus: 400 },
  E_CARGO_UNKNOWN: { summary: "A cargo profile is not known (feu, teu, bulk, ...).", exitCode: 2, httpStatus: 400 },
  E_NO_ROUTE: { summary: "No route exists under the given constraints; the message says which constraint cut it off.", exitCode: 1, httpStatus: 404 },

  // --- assignment ----------------------------------------------------------------------------------------------
  E_DEMAND_INVALID: { summary: "A demand matrix is malformed or names unknown zones or classes.", exitCode: 1, httpStatus: 422 },
  E_ALGORITHM_UNKNOWN: { summary: "The assignment algorithm name is not recognised.", exitCode: 2, httpStatus: 400 },
  E_NOT_CONVERGED: { summary: "An iterative solver stopped before reaching the requested tolerance.", exitCode: 1, httpStatus: 500 },

  // --- trade ---------------------------------------------------------------------------------------------------
  E_FORMULA_INVALID: { summary: "A model formula cannot be parsed or names unknown columns.", exitCode: 2, httpStatus: 400 },
  E_DATA_INVALID: { summary: "A trade data file is malformed or lacks required columns.", exitCode: 1, httpStatus: 422 },
  E_ESTIMATION_FAILED: { summary: "An estimator could not produce estimates (e.g. no observations left).", exitCode: 1, httpStatus: 422 },

  // --- scenarios -----------------------------------------------------------------------------------------------
  E_SCENARIO_INVALID: { summary: "A scenario file is not valid YAML or breaks the scenario schema; the message names file, line and field.", exitCode: 1, httpStatus: 422 },
  E_SCENARIO_CYCLE: { summary: "Scenario files extend each other in a cycle; the chain is named.", exitCode: 1, httpStatus: 422 },
  E_SCENARIO_CONFLICT: { summary: "Two modifications of a scenario contradict each other (e.g. close and open, or two different set values).", exitCode: 1, httpStatus: 422 },
  E_ID_UNKNOWN: { summary: "A scenario names a link, crossing, terminal, ferry, chokepoint, country or project the network lacks; suggestions are given.", exitCode: 1, httpStatus: 422 },
  E_RUN_INVALID: { summary: "A folder given as a scenario run lacks a readable manifest.json or its tables.", exitCode: 1, httpStatus: 422 },

  // --- appraisal -----------------------------------------------------------------------------------------------
  E_DISCOUNT_RATE_INVALID: { summary: "A discount rate is not a number above -100 %.", exitCode: 2, httpStatus: 400 },
  E_PROJECT_COST_MISSING: { summary: "A project to appraise has no capital cost in the project library.", exitCode: 1, httpStatus: 422 },
  E_PROJECT_NOT_FOUND: { summary: "A project id given to appraise is not in the project library; suggestions are given.", exitCode: 2, httpStatus: 404 },
  E_PRICE_YEAR_UNKNOWN: { summary: "A price year of an appraisal (price base year or a cost's price year) has no value in the price deflator table, or a cost has no price year.", exitCode: 2, httpStatus: 422 },

  // --- server (HTTP API) ---------------------------------------------------------------------------------------
  E_NOT_FOUND: { summary: "No API route or resource at this path (or wrong method).", exitCode: 2, httpStatus: 404 },
  E_UNAUTHORIZED: { summary: "A compute or write route needs `Authorization: Bearer <token>` and none or a wrong one was sent.", exitCode: 2, httpStatus: 401 },
  E_PATH_FORBIDDEN: { summary: "A file path in a request resolves outside the configured data folders.", exitCode: 2, httpStatus: 403 },
  E_LIMIT: { summary: "A request exceeds a size or cost cap (body size, alternatives, matrix size, upload size).", exitCode: 2, httpStatus: 413 },
  E_QUEUE_FULL: { summary: "The job queue is full; retry later.", exitCode: 1, httpStatus: 429 },
  E_JOB_UNKNOWN: { summary: "No job with this id (never submitted, or expired from the finished-job history).", exitCode: 2, httpStatus: 404 },
  E_TIMEOUT: { summary: "A request or job ran longer than its time limit and was stopped.", exitCode: 1, httpStatus: 503 },
  E_NOT_AVAILABLE: { summary: "The feature behind this request is not available in this build (its pipeline stage is missing).", exitCode: 1, httpStatus: 501 },
  E_INTERNAL: { summary: "An unexpected internal error (a bug); the body never carries a stack trace.", exitCode: 1, httpStatus: 500 },

  // --- store and sweeps ----------------------------------------------------------------------------------------
  E_STORE_OPEN: { summary: "The run store (SQLite file or PostgreSQL URL) cannot be opened or reached.", exitCode: 1, httpStatus: 503 },
  E_STORE_MIGRATION: { summary: "A migration of the run store's schema failed (nothing of it was applied).", exitCode: 1, httpStatus: 500 },
  E_STORE_SCHEMA: { summary: "A result table or column is not part of the store's schema.", exitCode: 1, httpStatus: 500 },
  E_RUN_UNKNOWN: { summary: "No stored run has this id or id prefix; suggestions are given.", exitCode: 2, httpStatus: 404 },
  E_RUN_AMBIGUOUS: { summary: "A run id prefix matches several stored runs; the candidates are listed.", exitCode: 2, httpStatus: 409 },
  E_RUN_STATE: { summary: "A run is not in the state the operation needs (e.g. results for a run no longer running).", exitCode: 1, httpStatus: 409 },
  E_SWEEP_INVALID: { summary: "A sweep definition is malformed; the message names file and field.", exitCode: 1, httpStatus: 400 },
  E_SWEEP_UNKNOWN: { summary: "No sweep with this id is stored.", exitCode: 2, httpStatus: 404 },
  E_SWEEP_CANCELLED: { summary: "The sweep was cancelled (caravan sweep cancel) before all its jobs finished.", exitCode: 1, httpStatus: 409 },
  E_SWEEP_FAILED: { summary: "Some jobs of a sweep failed after every retry; their errors are listed.", exitCode: 1, httpStatus: 500 },
  E_JOB_KIND_UNKNOWN: { summary: "A sweep job kind is not in the job registry; suggestions are given.", exitCode: 2, httpStatus: 400 },
  E_QUEUE_UNAVAILABLE: { summary: "The Redis job queue cannot be reached (give --redis URL or CARAVAN_REDIS).", exitCode: 1, httpStatus: 503 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface CaravanErrorOptions {
  /** Suggestions for a mistyped name ("did you mean"). */
  didYouMean?: readonly string[];
  /** Structured context (file, line, field, ...), included in the API body. */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/** The only error class thrown for user-caused problems. Everything else is a bug. */
export class CaravanError extends Error {
  readonly code: ErrorCode;
  readonly didYouMean: readonly string[] | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: CaravanErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CaravanError";
    this.code = code;
    this.didYouMean = options.didYouMean;
    this.details = options.details;
  }

  get exitCode(): number {
    return ERROR_CATALOGUE[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].httpStatus;
  }

  /** The JSON body used by the API and by `--json` error output. */
  toJSON(): { code: ErrorCode; message: string; didYouMean?: readonly string[]; details?: Readonly<Record<string, unknown>> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.didYouMean && this.didYouMean.length > 0 ? { didYouMean: this.didYouMean } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isCaravanError(error: unknown): error is CaravanError {
  return error instanceof CaravanError;
}

/** Error for a malformed input file: always names the file, the 1-based line and the field. */
export function parseError(file: string, line: number, field: string, problem: string): CaravanError {
  return new CaravanError("E_PARSE", `${file}:${line}: field "${field}": ${problem}`, { details: { file, line, field } });
}
