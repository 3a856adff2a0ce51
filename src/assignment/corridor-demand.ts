/**
 * Corridor demand files: annual origin–destination volumes by user class, in tonnes per year.
 *
 *   origin,destination,class,amount,source
 *   xian,duisburg,container,1194330,src:demand-utlc-2024;estimate:demand-city-split
 *
 * - `origin`, `destination`: a place id, name, alias or UN/LOCODE of the network (resolved once, with suggestions).
 * - `class`: a user class; `container` (FEU costs and value of time), `bulk` (per-tonne costs), or any cargo profile
 *   id of the network (`feu`, `teu`, `bulk`, …).
 * - `amount`: tonnes per year, a plain decimal 0 … 1e12 (the one number rule of src/core/numbers.ts; `0x10`, `1e400`,
 *   `Infinity` are refused).
 * - `source`: one or more `src:<id>` / `estimate:<id>` references separated by `;`, each defined in the network's
 *   sources/*.yaml (every number carries its provenance).
 * Lines starting with `#` and blank lines are ignored. Fields are plain (no quoting, no commas inside a field).
 * Errors name the file, the 1-based line and the field (E_PARSE for a malformed line, E_DEMAND_INVALID for an unknown
 * place, class or reference).
 */
import { readFileSync } from "node:fs";
import { CaravanError, parseError } from "../core/errors";
import { NUMBER_FIELDS, numberProblem } from "../core/numbers";
import { suggest } from "../core/suggest";
import type { CompiledNetwork } from "../network/compiled";
import { PlaceResolver } from "../network/resolve";

/** Class name → cargo profile id of the network. Other class names must be profile ids themselves. */
export const CLASS_PROFILES: Readonly<Record<string, string>> = { container: "feu", bulk: "bulk" };

export const DEMAND_COLUMNS = ["origin", "destination", "class", "amount", "source"] as const;

/** One demand row as read (place strings not yet resolved). */
export interface DemandRow {
  readonly line: number;
  readonly origin: string;
  readonly destination: string;
  readonly classId: string;
  /** Tonnes per year. */
  readonly amountT: number;
  /** Provenance references (`src:…`, `estimate:…`). */
  readonly source: readonly string[];
}

/** A demand table with its file name (for messages). */
export interface DemandTable {
  readonly file: string;
  readonly rows: readonly DemandRow[];
}

/** Parse demand CSV text. `file` is used in messages only. */
export function parseDemandCsv(text: string, file: string): DemandTable {
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  const rows: DemandRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    if (raw.includes('"')) throw parseError(file, lineNo, "(line)", "quoted fields are not supported; fields may not contain commas or quotes");
    const fields = raw.split(",").map((f) => f.trim());
    if (header === null) {
      header = fields;
      for (const c of DEMAND_COLUMNS) {
        if (!header.includes(c)) throw parseError(file, lineNo, c, `missing column "${c}"; the header must be ${DEMAND_COLUMNS.join(",")}`);
      }
      continue;
    }
    if (fields.length !== header.length) throw parseError(file, lineNo, "(line)", `${fields.length} fields for ${header.length} columns`);
    const get = (c: (typeof DEMAND_COLUMNS)[number]): string => fields[(header as string[]).indexOf(c)];
    const origin = get("origin");
    const destination = get("destination");
    const classId = get("class");
    if (origin === "") throw parseError(file, lineNo, "origin", "empty");
    if (destination === "") throw parseError(file, lineNo, "destination", "empty");
    if (classId === "") throw parseError(file, lineNo, "class", "empty");
    const amountText = get("amount");
    const amountProblem = numberProblem(amountText, NUMBER_FIELDS["corridor demand CSV"].amount);
    if (amountProblem !== null) throw parseError(file, lineNo, "amount", `${amountProblem} (tonnes per year)`);
    const amountT = Number(amountText);
    const source = get("source")
      .split(";")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (source.length === 0) throw parseError(file, lineNo, "source", "every demand row needs a src:<id> or estimate:<id> reference");
    for (const s of source) {
      if (!/^(src|estimate):[A-Za-z0-9._-]+$/.test(s)) throw parseError(file, lineNo, "source", `"${s}" is not a src:<id> or estimate:<id> reference`);
    }
    rows.push({ line: lineNo, origin, destination, classId, amountT, source });
  }
  if (header === null) throw parseError(file, 1, "(header)", `empty demand file; expected the header ${DEMAND_COLUMNS.join(",")}`);
  return { file, rows };
}

/** Read and parse a demand CSV file (E_FILE_NOT_FOUND if it cannot be read). */
export function readDemandCsv(file: string): DemandTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read demand file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      details: { file },
      cause: error,
    });
  }
  return parseDemandCsv(text, file);
}

/** A demand row resolved against a network: place indices and class profile. */
export interface ResolvedDemandRow extends DemandRow {
  readonly originPlace: number;
  readonly destinationPlace: number;
  /** Cargo profile id behind the class. */
  readonly profileId: string;
}

/** Resolve places, classes and provenance references against the network; errors name file, line and field. */
export function resolveDemand(net: CompiledNetwork, table: DemandTable): ResolvedDemandRow[] {
  const resolver = new PlaceResolver(net.network.places);
  const profileIds = net.network.cargo.map((c) => c.id);
  const classNames = [...new Set([...Object.keys(CLASS_PROFILES), ...profileIds])];
  const sources = net.network.sources;
  const rules = net.network.rules;
  const place = (row: DemandRow, field: "origin" | "destination"): number => {
    const text = row[field];
    try {
      const p = resolver.resolve(text);
      if (net.network.places[p].kinds.includes("waypoint")) {
        throw new CaravanError("E_DEMAND_INVALID", `${table.file}:${row.line}: field "${field}": "${text}" is a sea waypoint, not a place that ships or receives cargo`, {
          details: { file: table.file, line: row.line, field },
        });
      }
      return p;
    } catch (error) {
      if (!(error instanceof CaravanError) || error.code === "E_DEMAND_INVALID") throw error;
      throw new CaravanError("E_DEMAND_INVALID", `${table.file}:${row.line}: field "${field}": ${error.message}`, {
        didYouMean: error.didYouMean,
        details: { file: table.file, line: row.line, field, place: text, cause: error.code },
      });
    }
  };
  return table.rows.map((row) => {
    const profileId = Object.hasOwn(CLASS_PROFILES, row.classId) ? CLASS_PROFILES[row.classId] : row.classId;
    if (!profileIds.includes(profileId)) {
      throw new CaravanError("E_DEMAND_INVALID", `${table.file}:${row.line}: field "class": unknown class "${row.classId}"; use one of ${classNames.join(", ")}`, {
        didYouMean: suggest(row.classId, classNames),
        details: { file: table.file, line: row.line, field: "class" },
      });
    }
    for (const ref of row.source) {
      const [scheme, id] = ref.split(":");
      const known = scheme === "src" ? Object.hasOwn(sources, id) : Object.hasOwn(rules, id);
      if (!known) {
        const pool = scheme === "src" ? Object.keys(sources) : Object.keys(rules);
        throw new CaravanError("E_DEMAND_INVALID", `${table.file}:${row.line}: field "source": "${ref}" is not defined in the network's sources/*.yaml`, {
          didYouMean: suggest(id, pool, 2).map((h) => `${scheme}:${h}`),
          details: { file: table.file, line: row.line, field: "source" },
        });
      }
    }
    return { ...row, originPlace: place(row, "origin"), destinationPlace: place(row, "destination"), profileId };
  });
}
