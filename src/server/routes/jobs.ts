/**
 * POST /api/v1/jobs: validate a job's kind-specific input against its schema (schemas.ts JOB_INPUT_SCHEMAS), check
 * every file it names against the data folders, and queue it. GET /jobs/:id and /jobs/:id/events read the queue.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { CaravanError } from "../../core/errors";
import { loadScenario, parseScenarioText } from "../../scenarios/load";
import type { PreparedJob } from "../jobs/kinds";
import { JOB_INPUT_SCHEMAS, type JobKind } from "../schemas";
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

export function prepareJob(state: ServerState, kind: JobKind, rawInput: unknown): Omit<PreparedJob, "id" | "maxSeconds"> {
  const input = structuredClone((rawInput ?? {}) as Record<string, unknown>);
  const validate = validatorOf(kind);
  if (!validate(input)) {
    const e = validate.errors![0];
    const path = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
    const extra = e.keyword === "additionalProperties" ? ` "${String(e.params.additionalProperty)}"` : "";
    throw new CaravanError("E_USAGE", `input${path ? `.${path}` : ""} ${e.message ?? "is invalid"}${extra} (job kind ${kind})`, { details: { field: path } });
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
