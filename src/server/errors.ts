/**
 * Turning anything thrown while answering a request into the API's error body `{code, message, didYouMean?,
 * details?}` with the HTTP status of the error catalogue. Request-validation failures become E_USAGE (an unknown
 * parameter or enum value with did-you-mean suggestions), body-size failures E_LIMIT; anything unexpected becomes
 * E_INTERNAL with a generic message — the stack goes to the server log, never into the response.
 */
import { CaravanError, type ErrorCode, ERROR_CATALOGUE, isCaravanError } from "../core/errors";
import { suggest } from "../core/suggest";

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  didYouMean?: readonly string[];
  details?: Readonly<Record<string, unknown>>;
}

interface AjvLikeError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: AjvLikeError[];
  validationContext?: string;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root;
  for (const part of instancePath.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return v;
}

/** A request-validation failure as E_USAGE, naming the parameter and suggesting what was probably meant. */
function validationError(error: FastifyLikeError, input: { query?: unknown; body?: unknown; params?: unknown }, knownParams: (context: string) => readonly string[]): CaravanError {
  const context = error.validationContext ?? "request";
  const first = error.validation![0];
  const root = context === "querystring" ? input.query : context === "body" ? input.body : context === "params" ? input.params : undefined;
  const where = context === "querystring" ? "query parameter" : context === "body" ? "body field" : "parameter";
  const path = first.instancePath.replace(/^\//, "").replace(/\//g, ".");
  if (first.keyword === "additionalProperties") {
    const name = String(first.params.additionalProperty);
    const known = knownParams(context);
    return new CaravanError("E_USAGE", `unknown ${where} "${path ? `${path}.` : ""}${name}"${known.length > 0 ? `; known: ${known.join(", ")}` : ""}`, {
      didYouMean: suggest(name, known),
      details: { [context]: name },
    });
  }
  if (first.keyword === "enum") {
    const allowed = (first.params.allowedValues as unknown[]).map(String);
    const got = valueAt(root, first.instancePath);
    return new CaravanError("E_USAGE", `${where} "${path}" must be one of ${allowed.join(", ")}, got "${String(got)}"`, {
      didYouMean: suggest(String(got ?? ""), allowed),
      details: { field: path },
    });
  }
  if (first.keyword === "required") {
    return new CaravanError("E_USAGE", `missing ${where} "${String(first.params.missingProperty)}"`, { details: { field: first.params.missingProperty } });
  }
  return new CaravanError("E_USAGE", `${where} "${path}" ${first.message ?? "is invalid"}`, { details: { field: path } });
}

/** The error body and status for anything thrown; `log` receives unexpected errors (with their stack). */
export function toErrorBody(
  error: unknown,
  input: { query?: unknown; body?: unknown; params?: unknown },
  knownParams: (context: string) => readonly string[],
  log: (error: unknown) => void,
): { status: number; body: ErrorBody } {
  let caravan: CaravanError | null = null;
  if (isCaravanError(error)) caravan = error;
  else if (error !== null && typeof error === "object") {
    const e = error as FastifyLikeError;
    if (e.validation && e.validation.length > 0) caravan = validationError(e, input, knownParams);
    else if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE" || e.statusCode === 413) caravan = new CaravanError("E_LIMIT", "request body too large");
    else if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || e.statusCode === 415) caravan = new CaravanError("E_USAGE", "unsupported content type; send application/json (or text/csv where documented)");
    else if (e.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (e.statusCode === 400 && (error as Error).name === "SyntaxError"))
      caravan = new CaravanError("E_USAGE", "the request body is not valid JSON");
    else if (e.statusCode === 408 || e.code === "FST_ERR_REQUEST_TIMEOUT") caravan = new CaravanError("E_TIMEOUT", "the request took too long");
    else if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) caravan = new CaravanError("E_USAGE", e.message.split("\n")[0].slice(0, 300));
  }
  if (caravan === null) {
    log(error);
    caravan = new CaravanError("E_INTERNAL", "internal error (the server log has the details)");
  }
  const body = caravan.toJSON();
  return { status: ERROR_CATALOGUE[caravan.code].httpStatus, body: body as ErrorBody };
}
