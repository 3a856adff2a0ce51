/**
 * Pure helpers of the runs view (RunsView.tsx) over the run store's API answers (GET /api/v1/runs, /runs/:id): a
 * recorded JSON value split into scalar fields and tables, file inputs with their content hashes, recorded values as
 * text without changing their meaning, run durations, store times and the kind filter's choices.
 */
import type { RunListing } from "../api";
import { fmtInt } from "../format";

/** Run kinds the CLI records (docs/store.md); kinds seen in the listing are added to the filter. */
export const RUN_KINDS = ["assignment", "estimation", "counterfactual", "pair-times", "scenario", "appraisal", "study"] as const;
/** Runs asked for at once (the API allows up to 1000). */
export const RUNS_LIMIT = 200;

const sig = new Intl.NumberFormat("en-GB", { maximumSignificantDigits: 6 });

/**
 * A recorded value as text, unchanged in meaning: integers from 10,000 with digit grouping (years stay 2030), other
 * numbers to six significant digits (exponent form below 0.001), null as "null" (unknown stays visible as unknown),
 * lists of scalars joined, objects as JSON.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return Math.abs(value) >= 10_000 ? fmtInt(value) : String(value);
    return value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential(2) : sig.format(value);
  }
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) return value.map(describeValue).join(", ");
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export interface SummaryTable {
  /** dotted path of the list in the summary */
  name: string;
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * Split a recorded JSON value (summary, parameters, timings) into scalar fields with dotted keys, in recorded order,
 * and lists of objects as tables (columns: the union of the rows' keys in first-seen order). A scalar at the top
 * level has the key "value".
 */
export function splitRecord(value: unknown): { fields: [string, unknown][]; tables: SummaryTable[] } {
  const fields: [string, unknown][] = [];
  const tables: SummaryTable[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v) && v.length > 0 && v.every(isPlainObject)) {
      const columns: string[] = [];
      for (const row of v) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
      tables.push({ name: path || "value", columns, rows: v });
    } else if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) walk(child, path ? `${path}.${k}` : k);
    } else if (path || v !== undefined) {
      fields.push([path || "value", v]);
    }
  };
  if (value !== undefined && value !== null) walk(value, "");
  return { fields, tables };
}

export interface InputRow {
  name: string;
  path: string | null;
  sha256: string | null;
  bytes: number | null;
  /** an input that is not a file (a value), as text */
  value: string | null;
}

/** The run's inputs: files ({path, sha256, bytes}) with their content hash, other inputs as values. */
export function inputRows(inputs: unknown): InputRow[] {
  if (!isPlainObject(inputs)) return inputs === null || inputs === undefined ? [] : [{ name: "inputs", path: null, sha256: null, bytes: null, value: describeValue(inputs) }];
  return Object.entries(inputs).map(([name, v]) => {
    if (isPlainObject(v) && (typeof v.sha256 === "string" || typeof v.path === "string")) {
      return {
        name,
        path: typeof v.path === "string" ? v.path : null,
        sha256: typeof v.sha256 === "string" ? v.sha256 : null,
        bytes: typeof v.bytes === "number" ? v.bytes : null,
        value: null,
      };
    }
    return { name, path: null, sha256: null, bytes: null, value: describeValue(v) };
  });
}

/** Wall-clock seconds from start to finish, or null while running or when a time does not parse. */
export function runSeconds(run: Pick<RunListing, "startedAt" | "finishedAt">): number | null {
  if (!run.finishedAt) return null;
  const s = Date.parse(run.startedAt);
  const f = Date.parse(run.finishedAt);
  return Number.isFinite(s) && Number.isFinite(f) ? (f - s) / 1000 : null;
}

/** The kind filter's choices: the known kinds, then any other kind listed or chosen, sorted. */
export function kindChoices(listed: readonly RunListing[], current: string): string[] {
  const extra = new Set<string>();
  for (const r of listed) if (!(RUN_KINDS as readonly string[]).includes(r.kind)) extra.add(r.kind);
  if (current && !(RUN_KINDS as readonly string[]).includes(current)) extra.add(current);
  return [...RUN_KINDS, ...[...extra].sort()];
}

/** "2026-12-05T02:56:46.484Z" → "2026-12-05 02:56:46 UTC" (the store records UTC). */
export function fmtTime(iso: string | null): string {
  if (!iso) return "—";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
