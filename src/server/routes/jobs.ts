/**
 * POST /api/v1/jobs: validate a job's kind-specific input against its schema (schemas.ts JOB_INPUT_SCHEMAS), check
 * every file it names against the data folders, and queue it. GET /jobs/:id and /jobs/:id/events read the queue.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { checkRulesOff } from "../../routing/passage";
import { ratesRequestOf } from "../../routing/query-choices";
import { ratesMonthOf } from "../../routing/rates";
import { loadScenario, parseScenarioText } from "../../scenarios/load";
import type { PreparedJob } from "../jobs/kinds";
import { JOB_CHOICE_NAMES, JOB_INPUT_SCHEMAS, type JobKind } from "../schemas";
import { resolveDataPath } from "../security";
import type { ServerState } from "../state";

const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: false });
const validators = new Map<JobKind, ValidateFunction>();

function validatorOf(kind: JobKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    v = ajv.compile(JOB_INPUT_SCHEMAS[kind]);
    validators.set(kind, v);
  }
  return v;
}

/**
 * A scenario file inside the data folders whose `extends` chain and demand file are inside them too (the loader
 * follows those references; a scenario must not lead a request outside). Returns the scenario's absolute path.
 */
function checkedScenario(state: ServerState, requested: string): string {
  const path = resolveDataPath(state.dataFolders, requested);
  const outside = () => new CaravanError("E_PATH_FORBIDDEN", `scenario "${requested}" refers (extends or demand) to a file outside the data folders`);
  const inside = (file: string) => {
    try {
      return resolveDataPath(state.dataFolders, file);
    } catch (error) {
      if (error instanceof CaravanError && error.code === "E_PATH_FORBIDDEN") throw outside();
      throw error;
    }
  };
  // walk the extends chain before the loader follows it, so no file outside is ever read
  let current: string | null = path;
  for (let depth = 0; current !== null && depth < 32; depth++) {
    const parsed = parseScenarioText(readFileSync(current, "utf8"), current);
    current = parsed.data.extends !== undefined ? inside(resolve(dirname(current), parsed.data.extends)) : null;
  }
  const scenario = loadScenario(path);
  if (scenario.demand) inside(scenario.demand.file);
  return path;
}

/** Default demand of an assignment job: the dataset's 2024 corridor demand. */
export const DEFAULT_DEMAND = "demand/corridors-2024.csv";

/** How the job route words a field whose value is not of its form (the CLI's wording of the same option). */
const FIELD_FORMS: Readonly<Record<string, string>> = {
  rates: "must be a month YYYY-MM (e.g. 2024-01)",
  month: 'must be a month 1–12 or "now"',
};

/** The first schema violation of a job input as E_USAGE naming the field (did-you-mean for names and enum values). */
function inputError(kind: JobKind, input: Record<string, unknown>, e: ErrorObject): CaravanError {
  const path = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
  const where = `input${path ? `.${path}` : ""}`;
  const properties = Object.keys((JOB_INPUT_SCHEMAS[kind].properties as Record<string, unknown> | undefined) ?? {});
  if (e.keyword === "additionalProperties") {
    const name = String(e.params.additionalProperty);
    return new CaravanError("E_USAGE", `${where} must NOT have additional properties "${name}" (job kind ${kind}; known: ${properties.join(", ")})`, {
      didYouMean: suggest(name, properties),
      details: { field: path ? `${path}.${name}` : name },
    });
  }
  const value = path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), input);
  const form = path.includes(".") ? undefined : FIELD_FORMS[path];
  if (form !== undefined) return new CaravanError("E_USAGE", `${where} ${form}, got ${JSON.stringify(value)} (job kind ${kind})`, { details: { field: path } });
  if (e.keyword === "enum") {
    const allowed = (e.params.allowedValues as unknown[]).map(String);
    return new CaravanError("E_USAGE", `${where} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)} (job kind ${kind})`, {
      didYouMean: suggest(String(value ?? ""), allowed),
      details: { field: path },
    });
  }
  return new CaravanError("E_USAGE", `${where} ${e.message ?? "is invalid"} (job kind ${kind})`, { details: { field: path } });
}

/**
 * The cost-basis and rates-month choices of a job checked on the server's dataset before it is queued, by the
 * function the CLI's commands use (routing/query-choices.ts ratesRequestOf, then the month the run would take), so a
 * choice the CLI refuses is refused here with the same code, message and suggestions.
 */
function checkRateChoices(state: ServerState, costBasis: string, rates: string | undefined): void {
  if (costBasis === "cost" && rates !== undefined) {
    throw new CaravanError("E_USAGE", `${JOB_CHOICE_NAMES.rates} applies to ${JOB_CHOICE_NAMES.costBasisIs("rates")} only`, { details: { field: "rates" } });
  }
  const request = ratesRequestOf(state.dataDir, state.net, { costBasis, rates }, JOB_CHOICE_NAMES);
  if (request.basis === "rates" && request.layer !== null) ratesMonthOf(request.layer, request.month);
}

/**
 * The rules of passage a job switches off (a list or a comma-separated string) as the network state keeps them:
 * trimmed, lower case, without repeats, sorted; none = undefined (the rules in force apply), so the run store sees one
 * set of rules as one run. An id that is no rule of the dataset is refused before the job is queued, with the CLI's
 * message and did-you-mean (routing/passage.ts checkRulesOff) under the field's name.
 */
function checkedRulesOff(state: ServerState, value: unknown): string[] | undefined {
  const items = typeof value === "string" ? value.split(",") : (value as string[]);
  const ids = [...new Set(items.map((r) => r.trim().toLowerCase()).filter((r) => r !== ""))].sort();
  if (ids.length === 0) return undefined;
  try {
    checkRulesOff(state.net, ids);
  } catch (error) {
    if (!(error instanceof CaravanError)) throw error;
    throw new CaravanError(error.code, `input.rulesOff: ${error.message}`, { ...(error.didYouMean ? { didYouMean: [...error.didYouMean] } : {}), details: { field: "rulesOff" } });
  }
  return ids;
}

export function prepareJob(state: ServerState, kind: JobKind, rawInput: unknown): Omit<PreparedJob, "id" | "maxSeconds"> {
  const input = structuredClone((rawInput ?? {}) as Record<string, unknown>);
  const validate = validatorOf(kind);
  if (!validate(input)) throw inputError(kind, input, validate.errors![0]);
  if (kind === "assignment") {
    // as `assign`: month now = this month (UTC), recorded as its number; the basis is rates when a month of rates is given
    if (input.month === "now") input.month = new Date().getUTCMonth() + 1;
    if (input.month !== undefined && input.scenario !== undefined) {
      throw new CaravanError("E_USAGE", "input.month with input.scenario: set month: in the scenario file", { details: { field: "month" } });
    }
    input.costBasis ??= input.rates !== undefined ? "rates" : "cost";
    if (input.costBasis === "rates" || input.rates !== undefined) checkRateChoices(state, input.costBasis as string, input.rates as string | undefined);
    if (input.rulesOff !== undefined) {
      const rulesOff = checkedRulesOff(state, input.rulesOff);
      if (rulesOff === undefined) delete input.rulesOff;
      else input.rulesOff = rulesOff;
    }
  } else if (kind === "scenario-run" && (input.costBasis !== undefined || input.rates !== undefined)) {
    // as `scenario run`: a month of rates alone means the rates basis; neither leaves the file's parameters
    input.costBasis ??= "rates";
    checkRateChoices(state, input.costBasis as string, input.rates as string | undefined);
  }
  let fileLabel: string | null = null;
  let filePath: string | null = null;
  const extraFiles: Record<string, string> = {};
  if (kind === "scenario-run") {
    fileLabel = input.scenario as string;
    filePath = checkedScenario(state, fileLabel);
    if (input.baseline !== undefined) extraFiles.baseline = checkedScenario(state, input.baseline as string);
  } else if (kind === "scenario-compare") {
    if (input.base !== "baseline") {
      fileLabel = input.base as string;
      filePath = checkedScenario(state, fileLabel);
    }
    extraFiles.scenario = checkedScenario(state, input.scenario as string);
  } else if (kind === "assignment") {
    if (input.demand !== undefined && input.demandCsv !== undefined) throw new CaravanError("E_USAGE", "give input.demand or input.demandCsv, not both");
    if (input.demandCsv === undefined) {
      fileLabel = (input.demand as string | undefined) ?? DEFAULT_DEMAND;
      filePath = resolveDataPath(state.dataFolders, fileLabel);
    }
    if (input.scenario !== undefined) extraFiles.scenario = checkedScenario(state, input.scenario as string);
  } else if (kind === "appraisal") {
    if ((input.streamsCsv === undefined) === (input.streams === undefined)) throw new CaravanError("E_USAGE", "give input.streamsCsv (the CSV text) or input.streams (a path in the data folders)");
    if (input.streams !== undefined) {
      fileLabel = input.streams as string;
      filePath = resolveDataPath(state.dataFolders, fileLabel);
    }
  } else if (kind === "gravity-estimate") {
    if ((input.csv === undefined) === (input.data === undefined)) throw new CaravanError("E_USAGE", "give the data as input.csv (or a text/csv body) or input.data (a path in the data folders)");
    if (input.data !== undefined) {
      fileLabel = input.data as string;
      filePath = resolveDataPath(state.dataFolders, fileLabel);
    }
  }
  return { kind, input, filePath, fileLabel, extraFiles, dataFolders: state.dataFolders };
}
