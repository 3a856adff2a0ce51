/**
 * POST /api/v1/jobs: validate a job's kind-specific input against its schema (schemas.ts JOB_INPUT_SCHEMAS), check
 * every file it names against the data folders, and queue it. GET /jobs/:id and /jobs/:id/events read the queue.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { CaravanError } from "../../core/errors";
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

/** Stages that other parts of Caravan provide; a job kind whose stage is missing answers E_NOT_AVAILABLE. */
const STAGE_OF: Partial<Record<JobKind, string>> = {
  "scenario-run": "the scenarios stage (src/scenarios)",
  "scenario-compare": "the scenarios stage (src/scenarios)",
};

/** Default demand of an assignment job: the dataset's 2024 corridor demand. */
export const DEFAULT_DEMAND = "demand/corridors-2024.csv";

export function prepareJob(state: ServerState, kind: JobKind, rawInput: unknown): Omit<PreparedJob, "id" | "maxSeconds"> {
  const stage = STAGE_OF[kind];
  if (stage !== undefined) throw new CaravanError("E_NOT_AVAILABLE", `job kind "${kind}" needs ${stage}, which this build does not include yet`);
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
  if (kind === "assignment") {
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
  return { kind, input, filePath, fileLabel };
}
