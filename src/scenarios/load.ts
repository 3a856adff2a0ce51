/**
 * Reading scenario files: YAML → schema check → `extends` chain → one merged scenario. Nothing here knows the
 * network; ids are checked when the scenario is applied (apply.ts).
 *
 * Errors name the file, the 1-based line and the field (E_SCENARIO_INVALID), a cycle of `extends` names the chain
 * and the `extends` that closes it (E_SCENARIO_CYCLE), a missing file is E_FILE_NOT_FOUND (naming the `extends` that
 * points to it).
 *
 * Merging a chain, parent first (a file's settings apply on top of the file it extends):
 *   name, description, year, demand   the child's when given, else the parent's;
 *   projects                          on-lists accumulate; a child's `off` removes a parent's `on` (and the reverse);
 *   modifications                     the parent's, then the child's (later edits apply after earlier ones);
 *   parameters                        key by key; valueOfTimeUsdPerH cargo by cargo.
 * Paths inside a file (extends, demand.file) are relative to that file.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { addModificationSchema, demandSchema, EDIT_KEYS, editModificationSchema, type Modification, newLinkSchema, parametersSchema, scenarioFileSchema } from "./schema";

/** A modification with where it was written (for messages). */
export interface PlacedModification {
  readonly modification: Modification;
  /** File the modification was read from (as given), or `project:<id>` for a project's bundle. */
  readonly file: string;
  readonly line: number;
  /** Index in its file's (or project's) list. */
  readonly index: number;
}

/** The demand of a scenario: an absolute file path, its base year and growth rules. */
export interface ScenarioDemand {
  readonly file: string;
  readonly baseYear: number;
  readonly growth: readonly {
    readonly class?: string;
    readonly from?: string;
    readonly to?: string;
    readonly ratePerYear: number;
    readonly source?: string;
    readonly assumption?: string;
  }[];
}

export interface ScenarioParameters {
  readonly valueOfTimeUsdPerH: Readonly<Record<string, number>>;
  readonly co2PriceUsdPerT?: number;
  readonly tradeElasticity?: number;
  readonly criterion?: "time" | "cost" | "co2" | "generalized";
  readonly cargo?: string;
  readonly month?: number;
  readonly assignmentGap?: number;
  /** Value-of-time segments per demand class in the corridor assignment (default 1) and their log-scale σ. */
  readonly votSegments?: number;
  readonly votSpread?: number;
  /** What the city pairs' costUsd is (routing/rates-report.ts); default cost, rates when `rates` is given. */
  readonly costBasis?: "rates" | "cost";
  /** "YYYY-MM" of the rate layers. */
  readonly rates?: string;
}

/** A scenario after its `extends` chain is merged. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the file, and of every file of the chain (root ancestor first). */
  readonly file: string;
  readonly chain: readonly string[];
  readonly year: number | null;
  /** Project ids switched on / off, sorted. */
  readonly projectsOn: readonly string[];
  readonly projectsOff: readonly string[];
  readonly modifications: readonly PlacedModification[];
  /** Where each project id was written (for messages), the last mention of an id winning. */
  readonly projectOrigins?: Readonly<Record<string, { readonly file: string; readonly field: string; readonly line: number }>>;
  readonly demand: ScenarioDemand | null;
  readonly parameters: ScenarioParameters;
  /** Rules of passage switched off (ids or "all"); the last file of the chain that names `rules` wins. */
  readonly rulesOff?: readonly string[];
}

/** Default base year of a demand file (the year of data/eurasia/demand/corridors-2024.csv). */
export const DEFAULT_DEMAND_BASE_YEAR = 2024;

/** Line (1-based) of the YAML node at `path`, or of its nearest existing ancestor. */
export function lineOfPath(doc: { contents: unknown }, counter: LineCounter, path: readonly PropertyKey[]): number {
  let node = doc.contents as YamlNode | null;
  let line = node && "range" in node && node.range ? counter.linePos(node.range[0]).line : 1;
  for (const key of path) {
    if (node === null || node === undefined) break;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return (k && typeof k === "object" && "value" in k ? k.value : k) === key;
      });
      if (pair) {
        const k = pair.key as YamlNode | null;
        if (k && "range" in k && k.range) line = counter.linePos(k.range[0]).line;
        next = pair.value;
      }
    } else if (isSeq(node) && typeof key === "number") {
      next = node.items[key];
    }
    if (next === undefined || next === null) break;
    node = next as YamlNode;
    if ("range" in node && node.range) line = counter.linePos(node.range[0]).line;
  }
  return line;
}

function invalid(file: string, line: number, field: string, problem: string): CaravanError {
  return new CaravanError("E_SCENARIO_INVALID", `${file}:${line}: field "${field}": ${problem}`, { details: { file, line, field } });
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(file)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("");
}

/** The first zod issue of a failed parse, as E_SCENARIO_INVALID at its line. */
function issueError(file: string, doc: { contents: unknown }, counter: LineCounter, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): CaravanError {
  const issue = issues[0];
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const at = [...path, key];
    const error = invalid(file, lineOfPath(doc, counter, at), fieldName(at), `unknown key "${key}"`);
    return new CaravanError(error.code, error.message, { details: error.details, didYouMean: suggest(key, KNOWN_KEYS) });
  }
  return invalid(file, lineOfPath(doc, counter, path), fieldName(path), issue.message);
}

/** Every key a scenario file may use (for "did you mean" on an unknown key). */
const KNOWN_KEYS = [
  ...Object.keys(scenarioFileSchema.shape),
  ...Object.keys(editModificationSchema.shape),
  ...Object.keys(newLinkSchema.shape),
  ...Object.keys(demandSchema.shape),
  ...Object.keys(parametersSchema.shape),
  ...EDIT_KEYS,
  "on",
  "off",
  "ratePerYear",
];

/** One file parsed and checked against the schema (no extends resolution). */
export interface ParsedScenarioFile {
  readonly file: string;
  readonly data: z.infer<typeof scenarioFileSchema>;
  /** Line of each modification. */
  readonly modificationLines: readonly number[];
  /** Where each project id of `projects` is written: field path and line. */
  readonly projectLines: readonly { readonly id: string; readonly field: string; readonly line: number }[];
  /** Line of the `extends` field, when there is one. */
  readonly extendsLine?: number;
}

/** Parse one scenario file's text; `file` is used in messages and to resolve relative paths. */
export function parseScenarioText(text: string, file: string): ParsedScenarioFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line;
    throw invalid(file, line, "(yaml)", e.message.split("\n")[0]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalid(file, 1, "(yaml)", (error as Error).message.split("\n")[0]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid(file, 1, "(file)", "a scenario file is a mapping with at least `name:`");
  // modifications are checked one by one with the schema of their kind, so the message is the one that applies
  const { modifications, ...rest } = raw as Record<string, unknown>;
  const top = scenarioFileSchema.omit({ modifications: true }).safeParse(rest);
  if (!top.success) throw issueError(file, doc, counter, top.error.issues);
  if (modifications !== undefined && !Array.isArray(modifications)) throw invalid(file, lineOfPath(doc, counter, ["modifications"]), "modifications", "must be a list");
  const list: Modification[] = [];
  const lines: number[] = [];
  for (const [i, m] of ((modifications as unknown[] | undefined) ?? []).entries()) {
    const parsed = parseModification(m);
    if (!parsed.success) throw issueError(file, doc, counter, parsed.issues, ["modifications", i]);
    list.push(parsed.value);
    lines.push(lineOfPath(doc, counter, ["modifications", i]));
  }
  const projectLines: { id: string; field: string; line: number }[] = [];
  const projects = top.data.projects;
  if (projects !== undefined) {
    const lists: [string[], PropertyKey[]][] = Array.isArray(projects)
      ? [[projects, ["projects"]]]
      : [
          [projects.on ?? [], ["projects", "on"]],
          [projects.off ?? [], ["projects", "off"]],
        ];
    for (const [ids, path] of lists) {
      ids.forEach((id, i) => {
        projectLines.push({ id, field: `${path.map(String).join(".")}[${i}]`, line: lineOfPath(doc, counter, [...path, i]) });
      });
    }
  }
  const extendsLine = top.data.extends !== undefined ? lineOfPath(doc, counter, ["extends"]) : undefined;
  return { file, data: { ...top.data, ...(modifications !== undefined ? { modifications: list } : {}) }, modificationLines: lines, projectLines, ...(extendsLine !== undefined ? { extendsLine } : {}) };
}

/** Check one modification against the schema of its kind (an `add`, or an edit). */
export function parseModification(m: unknown): { success: true; value: Modification } | { success: false; issues: readonly z.core.$ZodIssue[] } {
  const isAdd = m !== null && typeof m === "object" && !Array.isArray(m) && "add" in m;
  const r = isAdd ? addModificationSchema.safeParse(m) : editModificationSchema.safeParse(m);
  return r.success ? { success: true, value: r.data } : { success: false, issues: r.error.issues };
}

/** Where an `extends` was written: its file and line. */
interface ExtendsSite {
  readonly file: string;
  readonly line: number;
}

function readText(file: string, from: ExtendsSite | null): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : (error as Error).message;
    if (from === null) throw new CaravanError("E_FILE_NOT_FOUND", `scenario file ${file} ${why}`, { details: { file } });
    throw new CaravanError("E_FILE_NOT_FOUND", `${from.file}:${from.line}: field "extends": scenario file ${file} ${why}`, {
      details: { file: from.file, line: from.line, field: "extends", missing: file },
    });
  }
}

/** Load a scenario file and its `extends` chain, merged (see the file comment). */
export function loadScenario(path: string): Scenario {
  const chain: ParsedScenarioFile[] = [];
  const seen: string[] = [];
  let current: string | null = resolve(path);
  let from: ExtendsSite | null = null;
  while (current !== null) {
    if (seen.includes(current)) {
      const names = [...seen, current].map((f) => relative(process.cwd(), f) || f);
      // `from` is the file whose `extends` closes the cycle
      const at = from!;
      throw new CaravanError("E_SCENARIO_CYCLE", `${at.file}:${at.line}: field "extends": scenario files extend each other in a cycle: ${names.join(" → ")}`, {
        details: { file: at.file, line: at.line, field: "extends", chain: names },
      });
    }
    seen.push(current);
    const parsed = parseScenarioText(readText(current, from), current);
    chain.unshift(parsed);
    from = { file: current, line: parsed.extendsLine ?? 1 };
    current = parsed.data.extends !== undefined ? resolve(dirname(current), parsed.data.extends) : null;
  }
  return mergeChain(chain);
}

function mergeChain(chain: readonly ParsedScenarioFile[]): Scenario {
  let name = "";
  let description = "";
  let year: number | null = null;
  const on = new Set<string>();
  const off = new Set<string>();
  const modifications: PlacedModification[] = [];
  let demand: ScenarioDemand | null = null;
  let parameters: ScenarioParameters = { valueOfTimeUsdPerH: {} };
  let rulesOff: readonly string[] = [];
  const projectOrigins: Record<string, { file: string; field: string; line: number }> = {};
  for (const f of chain) {
    const d = f.data;
    for (const p of f.projectLines) projectOrigins[p.id] = { file: f.file, field: p.field, line: p.line };
    name = d.name;
    if (d.description !== undefined) description = d.description;
    if (d.year !== undefined) year = d.year;
    if (d.projects !== undefined) {
      const ons = Array.isArray(d.projects) ? d.projects : (d.projects.on ?? []);
      const offs = Array.isArray(d.projects) ? [] : (d.projects.off ?? []);
      for (const p of ons) {
        on.add(p);
        off.delete(p);
      }
      for (const p of offs) {
        off.add(p);
        on.delete(p);
      }
    }
    (d.modifications ?? []).forEach((m, i) => {
      modifications.push({ modification: m, file: f.file, line: f.modificationLines[i], index: i });
    });
    if (d.demand !== undefined) {
      demand = { file: resolve(dirname(f.file), d.demand.file), baseYear: d.demand.baseYear ?? DEFAULT_DEMAND_BASE_YEAR, growth: d.demand.growth ?? [] };
    }
    if (d.rules !== undefined) rulesOff = d.rules.off === "all" ? ["all"] : [...d.rules.off];
    if (d.parameters !== undefined) {
      const { valueOfTimeUsdPerH, ...rest } = d.parameters;
      parameters = { ...parameters, ...rest, valueOfTimeUsdPerH: { ...parameters.valueOfTimeUsdPerH, ...(valueOfTimeUsdPerH ?? {}) } };
    }
  }
  const last = chain[chain.length - 1];
  return {
    name,
    description,
    file: last.file,
    chain: chain.map((f) => f.file),
    year,
    projectsOn: [...on].sort(),
    projectsOff: [...off].sort(),
    modifications,
    projectOrigins,
    demand,
    parameters,
    rulesOff,
  };
}
