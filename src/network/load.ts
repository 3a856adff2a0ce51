/**
 * Load a dataset folder (layout in docs/data-format.md) into NetworkData. CSV files are read with csv-parse, YAML
 * with `yaml` (line numbers from the document's node ranges), and every record is checked by the zod schemas of
 * schema.ts and then by the cross-reference rules below. All problems are collected (not just the first), each with
 * file, line, field and an error code: E_PARSE (malformed text or value), E_NETWORK_INVALID (schema or
 * cross-reference rule), E_PROVENANCE_MISSING (missing or dangling source reference).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { type Document, isMap, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { CaravanError } from "../core/errors";
import { NUMBER_FIELDS, numberProblem } from "../core/numbers";
import { suggest } from "../core/suggest";
import { datasetFiles, hashFiles, listFiles } from "./files";
import { EARTH_RADIUS_KM, haversineKm } from "./geo";
import type { LoadedLink, ModesFile, NetworkData, RecordOrigin, RuleEntry, SourceEntry } from "./model";
import { originKey } from "./model";
import {
  type CargoProfile,
  type Chokepoint,
  type Crossing,
  cargoProfileSchema,
  chokepointSchema,
  crossingSchema,
  type Ferry,
  ferrySchema,
  GAUGES,
  type Link,
  type LinkSeason,
  type LinkToll,
  linkSchema,
  linkSeasonSchema,
  linkTollSchema,
  modesFileSchema,
  type Place,
  type Project,
  placeSchema,
  projectSchema,
  sourcesFileSchema,
  type Terminal,
  terminalSchema,
} from "./schema";
import { checkOperations, type Operation, operationSchema } from "./operations";
import { checkPassageRule, type PassageRule, passageRuleSchema } from "./passage";
import { yamlNumberProblems } from "./yaml-numbers";

export type ProblemCode = "E_PARSE" | "E_NETWORK_INVALID" | "E_PROVENANCE_MISSING";

/** One violation found in the source files. `line` is 1-based (0 = the file as a whole). */
export interface NetworkProblem {
  readonly code: ProblemCode;
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ValidationResult {
  /** The loaded network, or null when there was any problem. */
  readonly network: NetworkData | null;
  /** Every problem, sorted by file and line. */
  readonly problems: readonly NetworkProblem[];
  /** Files read, relative to the dataset folder. */
  readonly files: readonly string[];
}

// the dataset file list, its hash and great-circle distances live in files.ts and geo.ts (light modules)
export { datasetFiles, EARTH_RADIUS_KM, hashFiles, haversineKm };

/** The id of the built-in estimation rule for empty link distances. */
export const GREAT_CIRCLE_RULE = "great-circle-circuity";

/** One problem as a line: `places/east.csv:12: field "lonDeg": not a number [E_PARSE]`. */
export function formatProblem(p: NetworkProblem): string {
  return `${p.file}:${p.line}: field "${p.field}": ${p.message} [${p.code}]`;
}

/** Load and check a dataset; throws a CaravanError (code of the first problem) listing every problem. */
export function loadNetwork(dir: string): NetworkData {
  const result = validateNetwork(dir);
  if (result.network === null) {
    const first = result.problems[0];
    const shown = result.problems.slice(0, 20).map(formatProblem);
    const more = result.problems.length > 20 ? `\n  … and ${result.problems.length - 20} more (run 'caravan network validate')` : "";
    throw new CaravanError(first.code, `${result.problems.length} problem(s) in ${dir}:\n  ${shown.join("\n  ")}${more}`, {
      details: { file: first.file, line: first.line, field: first.field, problems: result.problems },
    });
  }
  return result.network;
}


// --- records with their location -----------------------------------------------------------------------------

interface Rec<T> {
  readonly value: T;
  readonly file: string;
  readonly line: number;
  /** Line of a (dotted) field of the record; the record's line when unknown. */
  readonly at: (field: string) => number;
}

class Problems {
  readonly list: NetworkProblem[] = [];
  add(code: ProblemCode, file: string, line: number, field: string, message: string): void {
    this.list.push({ code, file, line, field, message });
  }
  on<T>(rec: Rec<T>, field: string, message: string, code: ProblemCode = "E_NETWORK_INVALID"): void {
    this.add(code, rec.file, rec.at(field), field, message);
  }
}

const PROVENANCE_FIELDS = new Set(["source", "coordSource", "distanceSource"]);

/** Turn zod issues into problems; issues on provenance fields are E_PROVENANCE_MISSING. */
function reportIssues(problems: Problems, file: string, issues: readonly z.core.$ZodIssue[], at: (field: string) => number, raw: unknown): void {
  for (const issue of issues) {
    const path = issue.path.map(String);
    const field = path.length > 0 ? path.join(".") : "(record)";
    const isProvenance = path.some((p) => PROVENANCE_FIELDS.has(p));
    let message = issue.message;
    const value = getPath(raw, issue.path as (string | number)[]);
    if (issue.code === "invalid_type" && (value === null || value === undefined)) message = "required (empty or missing)";
    else if (value !== undefined && typeof value !== "object") message += ` (got ${JSON.stringify(value)})`;
    problems.add(isProvenance ? "E_PROVENANCE_MISSING" : "E_NETWORK_INVALID", file, at(field), field, message);
  }
}

function getPath(value: unknown, path: readonly (string | number | symbol)[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key as string | number];
  }
  return v;
}

// --- CSV -------------------------------------------------------------------------------------------------------

type ColumnKind = "str" | "strOrNull" | "num" | "numOrDefault" | "list" | "bool";

const PLACE_COLUMNS: Record<string, ColumnKind> = {
  id: "str",
  name: "str",
  aliases: "list",
  country: "strOrNull",
  lonDeg: "num",
  latDeg: "num",
  kinds: "list",
  locode: "strOrNull",
  population: "numOrDefault",
  coordSource: "list",
  notes: "str",
};

const LINK_COLUMNS: Record<string, ColumnKind> = {
  id: "str",
  from: "str",
  to: "str",
  mode: "str",
  gaugeMm: "num",
  distanceKm: "num",
  distanceSource: "list",
  speedKmh: "numOrDefault",
  status: "str",
  openYear: "numOrDefault",
  oneway: "bool",
  capacityTonnesPerYear: "numOrDefault",
  capacityTeuPerYear: "numOrDefault",
  capacityTrainsPerDay: "numOrDefault",
  costUsdPerFeuKm: "numOrDefault",
  border: "strOrNull",
  chokepoint: "strOrNull",
  project: "strOrNull",
  source: "list",
  notes: "str",
};

/** The range every dataset number must be in (the one number rule; schemas narrow it per field). */
const DATASET_NUMBER = NUMBER_FIELDS["dataset CSV/YAML (data/*)"]["(any number)"];
/** Most YAML aliases a dataset file may expand (a file of nested aliases could otherwise expand exponentially). */
const MAX_YAML_ALIASES = 100;

/** The text of a dataset file, or null (with an E_PARSE problem) when it cannot be read, e.g. a directory. */
function readDatasetText(problems: Problems, dir: string, file: string): string | null {
  try {
    return readFileSync(join(dir, file), "utf8");
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why = e.code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${e.code ?? e.message})`;
    problems.add("E_PARSE", file, 0, "(file)", why);
    return null;
  }
}

function readCsv<T>(
  problems: Problems,
  dir: string,
  file: string,
  columns: Record<string, ColumnKind>,
  schema: z.ZodType<T>,
  out: Rec<T>[],
): void {
  const fileText = readDatasetText(problems, dir, file);
  if (fileText === null) return;
  const text = fileText.replace(/^\uFEFF/, "");
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as never;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    problems.add("E_PARSE", file, e.lines ?? 0, "(file)", `not valid CSV: ${e.message}`);
    return;
  }
  if (rows.length === 0) {
    problems.add("E_PARSE", file, 1, "(header)", `empty file; expected the header ${Object.keys(columns).join(",")}`);
    return;
  }
  const header = rows[0].record;
  const expected = Object.keys(columns);
  let headerOk = true;
  for (const name of expected) {
    if (!header.includes(name)) {
      problems.add("E_PARSE", file, 1, name, `missing column "${name}"; the header must be ${expected.join(",")}`);
      headerOk = false;
    }
  }
  header.forEach((name, i) => {
    if (!Object.hasOwn(columns, name)) {
      const hint = suggest(name, expected, 1);
      problems.add("E_PARSE", file, 1, name || `(column ${i + 1})`, `unknown column "${name}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}`);
      headerOk = false;
    } else if (header.indexOf(name) !== i) {
      problems.add("E_PARSE", file, 1, name, `column "${name}" appears twice`);
      headerOk = false;
    }
  });
  if (!headerOk) return;
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    const line = info.lines;
    if (record.length !== header.length) {
      problems.add("E_PARSE", file, line, "(row)", `${record.length} fields, the header has ${header.length} (quote fields that contain commas)`);
      continue;
    }
    const raw: Record<string, unknown> = Object.create(null);
    let rowOk = true;
    for (let c = 0; c < header.length; c++) {
      const name = header[c];
      const cell = record[c];
      const kind = columns[name];
      switch (kind) {
        case "str":
          raw[name] = cell;
          break;
        case "strOrNull":
          raw[name] = cell === "" ? null : cell;
          break;
        case "list":
          raw[name] = cell === "" ? [] : cell.split("|").map((s) => s.trim());
          break;
        case "bool":
          if (cell === "") raw[name] = undefined;
          else if (cell === "true" || cell === "false") raw[name] = cell === "true";
          else {
            problems.add("E_PARSE", file, line, name, `must be true, false or empty (got "${cell}")`);
            rowOk = false;
          }
          break;
        case "num":
        case "numOrDefault":
          if (cell === "") raw[name] = kind === "num" ? null : undefined;
          else {
            const problem = numberProblem(cell, DATASET_NUMBER);
            if (problem === null) raw[name] = Number(cell);
            else {
              problems.add("E_PARSE", file, line, name, `${problem} (use a plain decimal such as 1234.5, no units or separators)`);
              rowOk = false;
            }
          }
          break;
      }
    }
    if (!rowOk) continue;
    const parsed = schema.safeParse(raw);
    const at = () => line;
    if (!parsed.success) {
      reportIssues(problems, file, parsed.error.issues, at, raw);
      continue;
    }
    out.push({ value: parsed.data, file, line, at });
  }
}

// --- YAML ------------------------------------------------------------------------------------------------------

interface YamlFile {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: unknown;
}

function readYaml(problems: Problems, dir: string, file: string): YamlFile | null {
  const text = readDatasetText(problems, dir, file);
  if (text === null) return null;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = lines.linePos(e.pos[0]).line;
      problems.add("E_PARSE", file, line, "(yaml)", `not valid YAML: ${e.message.split("\n")[0]}`);
    }
    return null;
  }
  // every number follows the one number rule: plain decimals only (no 0x10, .inf, .nan), finite and in range
  const badNumbers = yamlNumberProblems(doc, text, lines, DATASET_NUMBER);
  for (const b of badNumbers) problems.add("E_PARSE", file, b.line, "(number)", b.problem);
  if (badNumbers.length > 0) return null;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    problems.add("E_PARSE", file, 1, "(yaml)", `cannot expand the document: ${(error as Error).message.split("\n")[0]} (at most ${MAX_YAML_ALIASES} alias expansions)`);
    return null;
  }
  return { file, doc, lines, data };
}

/** Line of the node at `path` in a YAML document, falling back to the longest prefix that exists. */
function yamlLine(y: YamlFile, path: readonly (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? y.doc.contents : (y.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return y.lines.linePos(range[0]).line;
  }
  return 1;
}

function fieldPath(field: string): (string | number)[] {
  if (field === "(record)") return [];
  return field.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Read the top-level list `key` of a YAML file, validating each item. */
function readYamlList<T>(problems: Problems, y: YamlFile, key: string, schema: z.ZodType<T>, out: Rec<T>[]): void {
  const data = y.data as Record<string, unknown> | null;
  if (data === null || typeof data !== "object" || Array.isArray(data) || !isMap(y.doc.contents)) {
    problems.add("E_PARSE", y.file, 1, key, `expected a mapping with the list "${key}:" at the top level`);
    return;
  }
  const unknownKeys = Object.keys(data).filter((k) => k !== key);
  for (const k of unknownKeys) problems.add("E_PARSE", y.file, yamlLine(y, [k]), k, `unexpected top-level key "${k}"; this file holds "${key}:"`);
  const list = data[key];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.add("E_PARSE", y.file, yamlLine(y, [key]), key, `"${key}" must be a list`);
    return;
  }
  const known = shapeKeys(schema);
  list.forEach((item, i) => {
    const at = (field: string) => yamlLine(y, [key, i, ...fieldPath(field)]);
    if (known && item !== null && typeof item === "object" && !Array.isArray(item)) {
      for (const k of Object.keys(item)) {
        if (known.includes(k)) continue;
        const hint = suggest(k, known, 1);
        problems.add("E_PARSE", y.file, at(k), k, `unknown field "${k}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}`);
      }
    }
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      reportIssues(problems, y.file, parsed.error.issues, at, item);
      return;
    }
    out.push({ value: parsed.data, file: y.file, line: at("(record)"), at });
  });
}

/** The field names of an object schema (null for other schemas). */
function shapeKeys(schema: z.ZodType): string[] | null {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === "object" ? Object.keys(shape) : null;
}

/** Read a YAML file that holds one object validated by `schema`. */
function readYamlObject<T>(problems: Problems, y: YamlFile, schema: z.ZodType<T>): Rec<T> | null {
  const at = (field: string) => yamlLine(y, fieldPath(field));
  let data = y.data;
  if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    // `key:` with nothing under it means an empty map here
    data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v === null ? undefined : v]));
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    reportIssues(problems, y.file, parsed.error.issues, at, data);
    return null;
  }
  return { value: parsed.data, file: y.file, line: 1, at };
}

// --- the dataset -----------------------------------------------------------------------------------------------

const SOURCE_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** Load and check a dataset folder, collecting every problem. */
export function validateNetwork(dir: string): ValidationResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CaravanError("E_FILE_NOT_FOUND", `dataset folder ${dir} does not exist (pass --data <dir>)`, { details: { file: dir } });
  }
  const problems = new Problems();
  const files: string[] = [];
  const yamlOf = (file: string): YamlFile | null => {
    files.push(file);
    return readYaml(problems, dir, file);
  };

  // sources
  // null-prototype records: an id such as "constructor" or "toString" is looked up as data, never as Object.prototype
  const sources: Record<string, SourceEntry> = Object.create(null);
  const rules: Record<string, RuleEntry> = Object.create(null);
  const sourceOrigin = new Map<string, string>();
  const sourceFiles = listFiles(dir, "sources", ".yaml");
  if (sourceFiles.length === 0) problems.add("E_PROVENANCE_MISSING", "sources/", 0, "(file)", "no sources/*.yaml file: every reference needs one");
  for (const file of sourceFiles) {
    const y = yamlOf(file);
    if (!y) continue;
    const rec = readYamlObject(problems, y, sourcesFileSchema);
    if (!rec) continue;
    for (const [section, target] of [
      ["sources", sources],
      ["rules", rules],
    ] as const) {
      for (const [id, entry] of Object.entries(rec.value[section])) {
        const line = yamlLine(y, [section, id]);
        const key = `${section}:${id}`;
        if (!SOURCE_ID.test(id)) problems.add("E_NETWORK_INVALID", file, line, `${section}.${id}`, "ids are lower-case letters, digits, '.', '_' and '-'");
        const first = sourceOrigin.get(key);
        if (first !== undefined) {
          problems.add("E_NETWORK_INVALID", file, line, `${section}.${id}`, `duplicate ${section === "sources" ? "source" : "rule"} id "${id}" (first defined at ${first})`);
          continue;
        }
        sourceOrigin.set(key, `${file}:${line}`);
        (target as Record<string, unknown>)[id] = entry;
      }
    }
  }

  // modes and cargo
  let modesRec: Rec<ModesFile> | null = null;
  if (existsSync(join(dir, "modes.yaml"))) {
    const y = yamlOf("modes.yaml");
    if (y) modesRec = readYamlObject(problems, y, modesFileSchema);
  } else problems.add("E_NETWORK_INVALID", "modes.yaml", 0, "(file)", "missing: every dataset needs modes.yaml (speeds, circuity, tariffs, emissions)");
  const cargo: Rec<CargoProfile>[] = [];
  if (existsSync(join(dir, "cargo.yaml"))) {
    const y = yamlOf("cargo.yaml");
    if (y) readYamlList(problems, y, "profiles", cargoProfileSchema, cargo);
  } else problems.add("E_NETWORK_INVALID", "cargo.yaml", 0, "(file)", "missing: every dataset needs cargo.yaml (cargo profiles)");
  const operations: Rec<Operation>[] = [];
  if (existsSync(join(dir, "operations.yaml"))) {
    const y = yamlOf("operations.yaml");
    if (y) readYamlList(problems, y, "operations", operationSchema, operations);
  }
  const chokepoints: Rec<Chokepoint>[] = [];
  if (existsSync(join(dir, "chokepoints.yaml"))) {
    const y = yamlOf("chokepoints.yaml");
    if (y) readYamlList(problems, y, "chokepoints", chokepointSchema, chokepoints);
  }

  // places and links
  const places: Rec<Place>[] = [];
  for (const file of listFiles(dir, "places", ".csv")) {
    files.push(file);
    readCsv(problems, dir, file, PLACE_COLUMNS, placeSchema, places);
  }
  const links: Rec<Link>[] = [];
  for (const file of listFiles(dir, "links", ".csv")) {
    files.push(file);
    readCsv(problems, dir, file, LINK_COLUMNS, linkSchema, links);
  }
  // links/*.yaml: each file holds seasonal calendars (`seasons:`) or road tolls (`tolls:`)
  const linkSeasons: Rec<LinkSeason>[] = [];
  const linkTolls: Rec<LinkToll>[] = [];
  for (const file of listFiles(dir, "links", ".yaml")) {
    const y = yamlOf(file);
    if (!y) continue;
    const holdsTolls = y.data !== null && typeof y.data === "object" && !Array.isArray(y.data) && "tolls" in (y.data as object);
    if (holdsTolls) readYamlList(problems, y, "tolls", linkTollSchema, linkTolls);
    else readYamlList(problems, y, "seasons", linkSeasonSchema, linkSeasons);
  }
  const crossings: Rec<Crossing>[] = [];
  for (const file of listFiles(dir, "borders", ".yaml")) {
    const y = yamlOf(file);
    if (y) readYamlList(problems, y, "crossings", crossingSchema, crossings);
  }
  const terminals: Rec<Terminal>[] = [];
  for (const file of listFiles(dir, "terminals", ".yaml")) {
    const y = yamlOf(file);
    if (y) readYamlList(problems, y, "terminals", terminalSchema, terminals);
  }
  const ferries: Rec<Ferry>[] = [];
  for (const file of listFiles(dir, "ferries", ".yaml")) {
    const y = yamlOf(file);
    if (y) readYamlList(problems, y, "ferries", ferrySchema, ferries);
  }
  const projects: Rec<Project>[] = [];
  for (const file of listFiles(dir, "projects", ".yaml")) {
    const y = yamlOf(file);
    if (y) readYamlList(problems, y, "projects", projectSchema, projects);
  }
  const passageRules: Rec<PassageRule>[] = [];
  for (const file of listFiles(dir, "rules", ".yaml")) {
    const y = yamlOf(file);
    if (y) readYamlList(problems, y, "rules", passageRuleSchema, passageRules);
  }
  if (places.length === 0 && !problems.list.some((p) => p.file.startsWith("places/"))) {
    problems.add("E_NETWORK_INVALID", "places/", 0, "(file)", "no places: the dataset needs at least one places/*.csv file");
  }

  // unique ids (within each kind, across files)
  const origins: Record<string, RecordOrigin> = Object.create(null);
  const uniq = <T extends { id: string }>(kind: Parameters<typeof originKey>[0], recs: Rec<T>[]): Map<string, number> => {
    const index = new Map<string, number>();
    const kept: Rec<T>[] = [];
    for (const rec of recs) {
      const key = originKey(kind, rec.value.id);
      const first = origins[key];
      if (first !== undefined) {
        problems.on(rec, "id", `duplicate ${kind} id "${rec.value.id}" (first defined at ${first.file}:${first.line})`);
        continue;
      }
      origins[key] = { file: rec.file, line: rec.line };
      index.set(rec.value.id, kept.length);
      kept.push(rec);
    }
    recs.length = 0;
    recs.push(...kept);
    return index;
  };
  const placeIndex = uniq("place", places);
  const linkIndex = uniq("link", links);
  const crossingIndex = uniq("crossing", crossings);
  uniq("terminal", terminals);
  uniq("ferry", ferries);
  const projectIndex = uniq("project", projects);
  const chokepointIndex = uniq("chokepoint", chokepoints);
  uniq("cargo", cargo);
  uniq("rule", passageRules);
  uniq("operation", operations);
  void linkIndex;

  const placeIds = [...placeIndex.keys()];
  const placeOf = (id: string): Place | undefined => {
    const i = placeIndex.get(id);
    return i === undefined ? undefined : places[i].value;
  };
  const unknownPlace = <T>(rec: Rec<T>, field: string, id: string, what = "place"): void => {
    const hint = suggest(id, placeIds, 3);
    problems.on(rec, field, `unknown ${what} "${id}"${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
  };
  const unknownRef = <T>(rec: Rec<T>, field: string, kind: string, id: string, ids: Iterable<string>): void => {
    const hint = suggest(id, ids, 3);
    problems.on(rec, field, `unknown ${kind} "${id}"${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
  };

  // modes: sea and air lanes are traced explicitly, so their circuity must be exactly 1
  const modes = modesRec?.value ?? null;
  if (modesRec && modes) {
    for (const m of ["sea", "air"] as const) {
      if (modes.modes[m].circuityFactor.value !== 1) {
        problems.on(modesRec, `modes.${m}.circuityFactor.value`, `must be 1.0 (${m} links are traced with waypoints; got ${modes.modes[m].circuityFactor.value})`);
      }
    }
    for (const m of ["rail", "road", "sea", "air"] as const) {
      const p = modes.modes[m];
      if (!(p.speedKmh.value > 0)) problems.on(modesRec, `modes.${m}.speedKmh.value`, "must be > 0");
      if (p.circuityFactor.value < 1) problems.on(modesRec, `modes.${m}.circuityFactor.value`, "must be ≥ 1 (route distance over great-circle distance)");
      for (const [table, values] of [
        ["speedKmhByCountry", p.speedKmhByCountry],
        ["costUsdPerFeuKmByCountry", p.costUsdPerFeuKmByCountry],
        ["costUsdPerTonneKmByCountry", p.costUsdPerTonneKmByCountry],
      ] as const) {
        for (const [country, v] of Object.entries(values)) {
          if (!/^[A-Z]{3}$/.test(country)) problems.on(modesRec, `modes.${m}.${table}.${country}`, "keys must be ISO 3166-1 alpha-3 codes such as KAZ");
          if (table === "speedKmhByCountry" && !(v.value > 0)) problems.on(modesRec, `modes.${m}.${table}.${country}.value`, "must be > 0");
        }
      }
    }
  }
  if (cargo.length > 0 && !cargo.some((c) => c.value.costBasis === "feu")) {
    problems.add("E_NETWORK_INVALID", cargo[0].file, cargo[0].line, "costBasis", 'cargo.yaml needs a profile with costBasis "feu"');
  }

  // links
  const railGaugesAt = new Map<string, Set<number>>();
  const addGauge = (placeId: string, gauge: number) => {
    let set = railGaugesAt.get(placeId);
    if (!set) railGaugesAt.set(placeId, (set = new Set()));
    set.add(gauge);
  };
  const loadedLinks: LoadedLink[] = [];
  for (const rec of links) {
    const l = rec.value;
    const from = placeOf(l.from);
    const to = placeOf(l.to);
    if (!from) unknownPlace(rec, "from", l.from);
    if (!to) unknownPlace(rec, "to", l.to);
    if (l.mode === "rail" && l.gaugeMm !== null) {
      addGauge(l.from, l.gaugeMm);
      addGauge(l.to, l.gaugeMm);
    }
    if (from && to) {
      const fromWp = from.kinds.includes("waypoint");
      const toWp = to.kinds.includes("waypoint");
      if (l.mode !== "sea" && (fromWp || toWp)) problems.on(rec, fromWp ? "from" : "to", `a ${l.mode} link cannot end at the sea waypoint "${fromWp ? l.from : l.to}"`);
      if (l.mode === "sea") {
        for (const [field, p] of [
          ["from", from],
          ["to", to],
        ] as const) {
          if (!p.kinds.includes("seaport") && !p.kinds.includes("waypoint")) {
            problems.on(rec, field, `sea links join seaports and waypoints; "${p.id}" has kinds ${p.kinds.join("|")} (add seaport)`);
          }
        }
      }
      if (l.mode === "air") {
        for (const [field, p] of [
          ["from", from],
          ["to", to],
        ] as const) {
          if (!p.kinds.includes("airport")) problems.on(rec, field, `air links join airports; "${p.id}" has kinds ${p.kinds.join("|")} (add airport)`);
        }
      }
      if ((l.mode === "rail" || l.mode === "road") && from.country !== null && to.country !== null && from.country !== to.country && l.border === null) {
        problems.on(rec, "border", `the link joins ${from.country} and ${to.country}: name the crossing in "border"`);
      }
    }
    if (l.border !== null) {
      const ci = crossingIndex.get(l.border);
      if (ci === undefined) unknownRef(rec, "border", "border crossing", l.border, crossingIndex.keys());
      else {
        const c = crossings[ci].value;
        if (l.mode !== "rail" && l.mode !== "road") problems.on(rec, "border", `only rail and road links cross a border (this link is ${l.mode})`);
        else if (!c.modes.includes(l.mode)) problems.on(rec, "border", `crossing "${c.id}" serves ${c.modes.join(", ")}, not ${l.mode}`);
        if (from && to) {
          const pair = [from.country, to.country].sort().join("-");
          const expected = [...c.countries].sort().join("-");
          if (pair !== expected) {
            problems.on(rec, "border", `crossing "${c.id}" joins ${c.countries.join(" and ")} but the link joins ${from.country} and ${to.country}`);
          }
        }
      }
    }
    if (l.chokepoint !== null) {
      if (!chokepointIndex.has(l.chokepoint)) unknownRef(rec, "chokepoint", "chokepoint", l.chokepoint, chokepointIndex.keys());
      if (l.mode !== "sea") problems.on(rec, "chokepoint", "only sea links pass a chokepoint");
    }
    if (l.project !== null && !projectIndex.has(l.project)) unknownRef(rec, "project", "project", l.project, projectIndex.keys());
    // distance
    let distanceKm = l.distanceKm ?? Number.NaN;
    let distanceEstimated = false;
    if (l.distanceKm === null) {
      distanceEstimated = true;
      if (!l.distanceSource.includes(`estimate:${GREAT_CIRCLE_RULE}`)) {
        problems.on(rec, "distanceSource", `an empty distance is computed only by estimate:${GREAT_CIRCLE_RULE}`, "E_PROVENANCE_MISSING");
      } else if (from && to && modes) {
        distanceKm = haversineKm(from.lonDeg, from.latDeg, to.lonDeg, to.latDeg) * modes.modes[l.mode].circuityFactor.value;
        if (!(distanceKm > 0)) problems.on(rec, "distanceKm", "estimated distance is 0: the two places have the same coordinates; give the distance");
      }
    }
    loadedLinks.push({ ...l, distanceKm, distanceEstimated });
  }

  // ferries
  for (const rec of ferries) {
    const f = rec.value;
    for (const field of ["from", "to"] as const) {
      const p = placeOf(f[field]);
      if (!p) unknownPlace(rec, field, f[field]);
      else if (p.kinds.includes("waypoint")) problems.on(rec, field, `a ferry cannot end at the sea waypoint "${p.id}"`);
    }
    if (f.from === f.to) problems.on(rec, "to", "a ferry must join two different places");
    if (f.carries.includes("rail")) {
      if (f.gaugeMm === null) problems.on(rec, "gaugeMm", "required for a ferry that carries rail wagons");
      else if (!(GAUGES as readonly number[]).includes(f.gaugeMm)) problems.on(rec, "gaugeMm", `unknown gauge ${f.gaugeMm}; known: ${GAUGES.join(", ")}`);
      else {
        addGauge(f.from, f.gaugeMm);
        addGauge(f.to, f.gaugeMm);
      }
    } else if (f.gaugeMm !== null) problems.on(rec, "gaugeMm", "only ferries that carry rail wagons have a gauge");
    if (f.status !== "open" && f.openYear === null) problems.on(rec, "openYear", "required for a ferry under construction or planned");
    const decksCharged = new Set<string>();
    f.deckCharges.forEach((d, k) => {
      if (!f.carries.includes(d.deck)) problems.on(rec, `deckCharges.${k}.deck`, `the ferry carries no ${d.deck} deck (carries: ${f.carries.join(", ")})`);
      if (decksCharged.has(d.deck)) problems.on(rec, `deckCharges.${k}.deck`, `a second charge for the ${d.deck} deck`);
      decksCharged.add(d.deck);
      if (f.oneway && d.returnCostUsdPerFeu !== null) problems.on(rec, `deckCharges.${k}.returnCostUsdPerFeu`, "a one-way ferry has no return charge");
    });
    if (f.seasonalDelay) {
      for (const field of ["from", "to"] as const) {
        const [mm, dd] = f.seasonalDelay[field].split("-").map(Number);
        if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31)) problems.on(rec, `seasonalDelay.${field}`, `"${f.seasonalDelay[field]}" is not a month-day MM-DD`);
      }
    }
  }

  /**
   * The link a links/*.yaml row names (index), or undefined after reporting an unknown link with did-you-mean or a
   * second row of the same `what` for one link (the first one's file and line kept in `seen`).
   */
  const rowLink = <T extends { link: string }>(rec: Rec<T>, seen: Map<string, Rec<T>>, what: string): number | undefined => {
    const id = rec.value.link;
    const li = linkIndex.get(id);
    if (li === undefined) {
      const hint = suggest(id, [...linkIndex.keys()], 2);
      problems.on(rec, "link", `unknown link "${id}"${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
      return undefined;
    }
    const first = seen.get(id);
    if (first) problems.on(rec, "link", `a second ${what} for link "${id}" (first at ${first.file}:${first.line})`);
    else seen.set(id, rec);
    return li;
  };

  // seasonal calendars of links (links/*.yaml): a known link, valid month-days, one closure or one delay, one row per link
  const seasonedLinks = new Map<string, Rec<LinkSeason>>();
  for (const rec of linkSeasons) {
    const season = rec.value;
    const li = rowLink(rec, seasonedLinks, "season");
    if (li === undefined) continue;
    for (const field of ["from", "to"] as const) {
      const [mm, dd] = season[field].split("-").map(Number);
      if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31)) problems.on(rec, field, `"${season[field]}" is not a month-day MM-DD`);
    }
    if (season.closed) {
      if (season.delayH !== null) problems.on(rec, "delayH", "a closed season has no delay (a row is a closure or a delay)");
      if (season.delayP90H !== null) problems.on(rec, "delayP90H", "a closed season has no delay (a row is a closure or a delay)");
      const border = links[li].value.border;
      const crossing = border === null ? undefined : crossings.find((c) => c.value.id === border);
      if (crossing?.value.seasonalClosure) problems.on(rec, "closed", `the link's crossing "${border}" has its own seasonalClosure (borders/*.yaml); close it there`);
    } else {
      if (season.delayH === null) problems.on(rec, "delayH", "a season needs closed: true or a delayH (hours)");
      if (season.lastYear !== null) problems.on(rec, "lastYear", "lastYear belongs to a closure (closed: true)");
      if (season.delayH !== null && season.delayP90H !== null && season.delayP90H < season.delayH) problems.on(rec, "delayP90H", `the P90 delay (${season.delayP90H} h) is below the mean delay (${season.delayH} h)`);
    }
  }

  // road tolls of links (links/*.yaml): a known road link, one toll per link
  const tolledLinks = new Map<string, Rec<LinkToll>>();
  for (const rec of linkTolls) {
    const li = rowLink(rec, tolledLinks, "toll");
    if (li !== undefined && links[li].value.mode !== "road") problems.on(rec, "link", `link "${rec.value.link}" is ${links[li].value.mode}; a toll is charged on road links`);
  }

  // crossings
  for (const rec of crossings) {
    const c = rec.value;
    if (c.countries[0] === c.countries[1]) problems.on(rec, "countries", "a crossing joins two different countries");
    c.places.forEach((id, k) => {
      const p = placeOf(id);
      if (!p) unknownPlace(rec, `places.${k}`, id);
      else if (p.country !== c.countries[k]) problems.on(rec, `places.${k}`, `place "${id}" is in ${p.country}, but countries[${k}] is ${c.countries[k]}`);
    });
    const seen = new Set<string>();
    c.dwell.forEach((d, k) => {
      if (!c.countries.includes(d.fromCountry)) problems.on(rec, `dwell.${k}.fromCountry`, `must be one of the crossing's countries ${c.countries.join(", ")}`);
      if (seen.has(d.fromCountry)) problems.on(rec, `dwell.${k}.fromCountry`, `two dwell records for leaving ${d.fromCountry}`);
      seen.add(d.fromCountry);
      if (d.highH !== null && d.highH < d.medianH) problems.on(rec, `dwell.${k}.highH`, `the high dwell ${d.highH} h is below the median ${d.medianH} h`);
    });
    if (c.seasonalClosure) {
      for (const field of ["from", "to"] as const) {
        const [mm, dd] = c.seasonalClosure[field].split("-").map(Number);
        if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31)) problems.on(rec, `seasonalClosure.${field}`, `"${c.seasonalClosure[field]}" is not a month-day MM-DD`);
      }
    }
    if (c.seasonalDisruption) {
      for (const field of ["from", "to"] as const) {
        const [mm, dd] = c.seasonalDisruption[field].split("-").map(Number);
        if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31)) problems.on(rec, `seasonalDisruption.${field}`, `"${c.seasonalDisruption[field]}" is not a month-day MM-DD`);
      }
    }
    if (new Set(c.openDays).size !== c.openDays.length) problems.on(rec, "openDays", "a weekday is listed twice");
  }

  // terminals
  for (const rec of terminals) {
    const t = rec.value;
    const p = placeOf(t.place);
    if (!p) unknownPlace(rec, "place", t.place);
    if (t.type === "gauge_change") {
      if (t.gauges.length < 2) problems.on(rec, "gauges", "a gauge_change terminal joins at least two gauges, e.g. [1435, 1520]");
      t.gauges.forEach((g, k) => {
        if (!(GAUGES as readonly number[]).includes(g)) problems.on(rec, `gauges.${k}`, `unknown gauge ${g}; known: ${GAUGES.join(", ")}`);
        else if (p && !railGaugesAt.get(t.place)?.has(g)) problems.on(rec, `gauges.${k}`, `no ${g} mm rail link or ferry reaches "${t.place}"`);
      });
      if (t.reloadsFromGaugeMm !== null && !t.gauges.includes(t.reloadsFromGaugeMm)) {
        problems.on(rec, "reloadsFromGaugeMm", `${t.reloadsFromGaugeMm} is not one of the terminal's gauges (${t.gauges.join(", ")})`);
      }
    } else {
      if (t.reloadsFromGaugeMm !== null) problems.on(rec, "reloadsFromGaugeMm", "only a gauge_change terminal reloads from one gauge");
      if (t.modes.length < 2) problems.on(rec, "modes", `a ${t.type} terminal joins at least two modes, e.g. [rail, road]`);
      if (t.type === "port" && !t.modes.includes("sea") && !t.modes.includes("ferry")) problems.on(rec, "modes", "a port terminal joins sea (or ferry) with other modes");
      if (t.type === "port" && t.portCallUsdPerTonne !== null && !t.modes.includes("sea")) problems.on(rec, "portCallUsdPerTonne", "a per-call bulk voyage charge needs a port terminal that joins sea");
      if (t.type === "port" && p && t.modes.includes("sea") && !p.kinds.includes("seaport")) problems.on(rec, "place", `"${t.place}" is not a seaport (kinds ${p.kinds.join("|")})`);
      if (t.type === "airport" && p && !p.kinds.includes("airport")) problems.on(rec, "place", `"${t.place}" is not an airport (kinds ${p.kinds.join("|")})`);
    }
    if (t.type !== "port" && t.portCallUsdPerTonne !== null) problems.on(rec, "portCallUsdPerTonne", "only port terminals have a per-call bulk voyage charge");
    for (const field of ["feederOnly", "transshipmentTimeH", "transshipmentCostUsdPerFeu"] as const) {
      const set = field === "feederOnly" ? t.feederOnly : t[field] !== null;
      if (set && !(t.type === "port" && t.modes.includes("sea"))) problems.on(rec, field, "only a port terminal that joins sea is a feeder port or a feeder hub");
    }
    if ((t.transshipmentTimeH === null) !== (t.transshipmentCostUsdPerFeu === null)) problems.on(rec, "transshipmentCostUsdPerFeu", "a feeder hub gives both transshipmentTimeH and transshipmentCostUsdPerFeu");
    if (t.status !== "open" && t.openYear === null) problems.on(rec, "openYear", "required for a terminal under construction or planned");
    if (t.project !== null && !projectIndex.has(t.project)) unknownRef(rec, "project", "project", t.project, projectIndex.keys());
  }

  // sea feeders (ferries carrying [sea]): hub `from` with transshipment figures, feeder-only ports reached by one
  const seaPortTerminal = new Map<string, Terminal>();
  for (const rec of terminals) if (rec.value.type === "port" && rec.value.modes.includes("sea")) seaPortTerminal.set(rec.value.place, rec.value);
  const fedPorts = new Set<string>();
  for (const rec of ferries) {
    const f = rec.value;
    if (!f.carries.includes("sea")) continue;
    if (f.carries.length > 1) problems.on(rec, "carries", "a sea feeder carries [sea] only");
    const hub = seaPortTerminal.get(f.from);
    const port = seaPortTerminal.get(f.to);
    if (!hub) problems.on(rec, "from", `a sea feeder starts at its hub port: "${f.from}" has no port terminal that joins sea`);
    else if (hub.feederOnly) problems.on(rec, "from", `a sea feeder starts at its hub port: "${f.from}" is itself feeder-only`);
    else if (hub.transshipmentTimeH === null) problems.on(rec, "from", `hub "${f.from}" needs transshipmentTimeH and transshipmentCostUsdPerFeu on its port terminal "${hub.id}"`);
    if (!port) problems.on(rec, "to", `a sea feeder ends at a port: "${f.to}" has no port terminal that joins sea`);
    else fedPorts.add(f.to);
  }
  for (const rec of terminals) {
    if (rec.value.feederOnly && !fedPorts.has(rec.value.place)) problems.on(rec, "feederOnly", `no sea feeder (ferries/*.yaml, carries: [sea]) ends at "${rec.value.place}"`);
  }

  // rules of passage
  const networkCountries = new Set(places.map((r) => r.value.country).filter((c): c is string => c !== null));
  const crossingModes = new Map(crossings.map((r) => [r.value.id, r.value.modes as readonly string[]]));
  const ferryEnds = new Map(ferries.map((r) => [r.value.id, r.value]));
  for (const rec of passageRules) {
    checkPassageRule(
      rec.value,
      networkCountries,
      crossingModes,
      (field, message, known) => {
        const hint = known ? suggest(String(getPath(rec.value, fieldPath(field)) ?? ""), known, 2) : [];
        problems.on(rec, field, `${message}${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
      },
      ferryEnds,
      new Set(cargo.map((r) => r.value.id)),
    );
  }

  checkOperations(
    operations.map((r) => r.value),
    (i, field, message) => problems.on(operations[i], field, message),
  );
  const cargoIds = cargo.map((r) => r.value.id);
  for (const rec of operations) {
    rec.value.cargo.forEach((id, k) => {
      if (cargoIds.includes(id)) return;
      const hint = suggest(id, cargoIds, 2);
      problems.on(rec, `cargo.${k}`, `unknown cargo profile "${id}"; cargo.yaml defines ${cargoIds.join(", ")}${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
    });
  }

  // provenance references
  const checkRefs = <T>(rec: Rec<T> | null): void => {
    if (!rec) return;
    walkProvenance(rec.value, "", (field, refs) => {
      refs.forEach((ref, k) => {
        const colon = ref.indexOf(":");
        const scheme = ref.slice(0, colon);
        const id = ref.slice(colon + 1);
        const f = rec.file.endsWith(".csv") ? field.replace(/\.\d+$/, "") : `${field}.${k}`;
        if (scheme === "src" && !Object.hasOwn(sources, id)) {
          const hint = suggest(id, Object.keys(sources), 2);
          problems.on(rec, f, `unknown source "src:${id}" (not in sources/*.yaml)${hint.length ? ` (did you mean ${hint.map((h) => `"src:${h}"`).join(", ")}?)` : ""}`, "E_PROVENANCE_MISSING");
        } else if (scheme === "estimate" && !Object.hasOwn(rules, id) && id !== GREAT_CIRCLE_RULE) {
          const hint = suggest(id, Object.keys(rules), 2);
          problems.on(rec, f, `unknown estimation rule "estimate:${id}" (not in sources/*.yaml rules)${hint.length ? ` (did you mean ${hint.map((h) => `"estimate:${h}"`).join(", ")}?)` : ""}`, "E_PROVENANCE_MISSING");
        } else if (scheme === "geonames" && !field.endsWith("coordSource")) {
          problems.on(rec, f, "geonames: references give coordinates only (use them in coordSource)", "E_PROVENANCE_MISSING");
        }
      });
    });
  };
  checkRefs(modesRec);
  for (const group of [places, links, linkSeasons, linkTolls, crossings, terminals, ferries, projects, chokepoints, cargo, passageRules, operations] as Rec<unknown>[][]) for (const rec of group) checkRefs(rec);

  const sorted = problems.list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  if (sorted.length > 0 || modes === null) return { network: null, problems: sorted, files };

  const network: NetworkData = {
    dir,
    sourceHash: hashFiles(dir, datasetFiles(dir)),
    places: places.map((r) => r.value),
    links: loadedLinks,
    linkSeasons: linkSeasons.map((r) => r.value),
    linkTolls: linkTolls.map((r) => r.value),
    crossings: crossings.map((r) => r.value),
    terminals: terminals.map((r) => r.value),
    ferries: ferries.map((r) => r.value),
    projects: projects.map((r) => r.value),
    chokepoints: chokepoints.map((r) => r.value),
    modes,
    cargo: cargo.map((r) => r.value),
    passageRules: passageRules.map((r) => r.value),
    operations: operations.map((r) => r.value),
    sources,
    rules,
    origins,
  };
  return { network, problems: sorted, files };
}

/** Call `visit(fieldPath, refs)` for every provenance list (source, coordSource, distanceSource) in a record. */
function walkProvenance(value: unknown, path: string, visit: (field: string, refs: readonly string[]) => void): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walkProvenance(v, path ? `${path}.${i}` : String(i), visit);
    });
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (PROVENANCE_FIELDS.has(key) && Array.isArray(v) && v.every((x) => typeof x === "string")) visit(field, v as string[]);
    else walkProvenance(v, field, visit);
  }
}

