/**
 * Named corridors (corridors.yaml at the top of a dataset folder): the links that make up each route family named
 * in trade and policy documents (China–Europe northern route, Middle Corridor, China–Central Asia, INSTC, CPEC, the
 * Russia–China gateways). They do not change routing; `network stats` reports, per corridor and over all of them,
 * the share of link km whose distance is measured (a cited distance or real geometry) rather than estimated.
 *
 * The file is optional. Every problem is reported with file, line and field as for the other dataset files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import { yamlLineOf } from "./yaml-file";
import { z } from "zod";
import { suggest } from "../core/suggest";
import type { NetworkProblem } from "./load";
import type { NetworkData } from "./model";
import { idSchema, provenanceSchema } from "./schema";

export const CORRIDORS_FILE = "corridors.yaml";

export const corridorSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    /** Links (links/*.csv ids) of the corridor, each listed once. */
    links: z.array(idSchema).min(1),
    /** Where the corridor's alignment is described (src:) and how its links were chosen (estimate:). */
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .strict();
export type Corridor = z.infer<typeof corridorSchema>;

export interface CorridorsResult {
  /** [corridor] in file order; empty when the file is absent or has problems. */
  readonly corridors: readonly Corridor[];
  readonly problems: readonly NetworkProblem[];
}

/**
 * Read and check `dir/corridors.yaml` against a loaded network: known link ids (with "did you mean"), no link twice
 * in one corridor, unique corridor ids, known src:/estimate: references.
 */
export function loadCorridors(dir: string, net: NetworkData): CorridorsResult {
  const file = CORRIDORS_FILE;
  const path = join(dir, file);
  if (!existsSync(path)) return { corridors: [], problems: [] };
  const problems: NetworkProblem[] = [];
  const add = (line: number, field: string, message: string, code: NetworkProblem["code"] = "E_NETWORK_INVALID") =>
    problems.push({ code, file, line, field, message });
  const text = readFileSync(path, "utf8");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) add(lines.linePos(e.pos[0]).line, "(yaml)", `not valid YAML: ${e.message.split("\n")[0]}`, "E_PARSE");
    return { corridors: [], problems };
  }
  const lineOf = yamlLineOf(doc, lines);
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isMap(doc.contents) || data === null || typeof data !== "object" || !Array.isArray((data as { corridors?: unknown }).corridors)) {
    add(1, "corridors", 'expected a mapping with the list "corridors:" at the top level', "E_PARSE");
    return { corridors: [], problems };
  }
  for (const k of Object.keys(data)) if (k !== "corridors") add(lineOf([k]), k, `unexpected top-level key "${k}"; this file holds "corridors:"`, "E_PARSE");
  const linkIds = new Set(net.links.map((l) => l.id));
  const seen = new Map<string, number>();
  const corridors: Corridor[] = [];
  (data as { corridors: unknown[] }).corridors.forEach((item, i) => {
    const parsed = corridorSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join(".") : "(record)";
        add(lineOf(["corridors", i, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))]), field, issue.message, field.startsWith("source") ? "E_PROVENANCE_MISSING" : "E_NETWORK_INVALID");
      }
      return;
    }
    const c = parsed.data;
    const first = seen.get(c.id);
    if (first !== undefined) add(lineOf(["corridors", i, "id"]), "id", `duplicate corridor id "${c.id}" (first defined at ${file}:${first})`);
    else seen.set(c.id, lineOf(["corridors", i]));
    const inCorridor = new Set<string>();
    c.links.forEach((id, j) => {
      const at = lineOf(["corridors", i, "links", j]);
      if (!linkIds.has(id)) {
        const hint = suggest(id, linkIds, 3);
        add(at, `links.${j}`, `unknown link "${id}"${hint.length ? ` (did you mean ${hint.map((h) => `"${h}"`).join(", ")}?)` : ""}`);
      } else if (inCorridor.has(id)) add(at, `links.${j}`, `link "${id}" is listed twice in corridor "${c.id}"`);
      inCorridor.add(id);
    });
    c.source.forEach((ref, j) => {
      const [scheme, id] = ref.split(":");
      const known = scheme === "src" ? Object.hasOwn(net.sources, id) : scheme === "estimate" ? Object.hasOwn(net.rules, id) : false;
      if (!known) add(lineOf(["corridors", i, "source", j]), `source.${j}`, `unknown reference "${ref}" (not in sources/*.yaml)`, "E_PROVENANCE_MISSING");
    });
    corridors.push(c);
  });
  return { corridors: problems.length > 0 ? [] : corridors, problems };
}

/** Measured vs estimated km of one named corridor (or of all of them, each link counted once). */
export interface CorridorCoverage {
  readonly id: string;
  readonly name: string;
  readonly links: number;
  readonly linkKm: number;
  /** km of links with a cited or geometry-measured distance (distanceKm given in the data). */
  readonly measuredKm: number;
  /** Of measuredKm, the km of links whose distance is a share of a cited line total split by an estimate: rule. */
  readonly splitKm: number;
  readonly estimatedKm: number;
  /** measuredKm / linkKm, 0..1 (0 without km). */
  readonly measuredKmShare: number;
}

/** Coverage of each corridor, then one row `(all named corridors)` over the union of their links. */
export function corridorCoverage(net: NetworkData, corridors: readonly Corridor[]): CorridorCoverage[] {
  const byId = new Map(net.links.map((l) => [l.id, l]));
  const row = (id: string, name: string, ids: Iterable<string>): CorridorCoverage => {
    let measuredKm = 0;
    let splitKm = 0;
    let estimatedKm = 0;
    let links = 0;
    for (const linkId of ids) {
      const l = byId.get(linkId);
      if (!l) continue;
      links++;
      if (l.distanceEstimated) estimatedKm += l.distanceKm;
      else {
        measuredKm += l.distanceKm;
        if (l.distanceSource.some((r) => r.startsWith("estimate:"))) splitKm += l.distanceKm;
      }
    }
    const linkKm = measuredKm + estimatedKm;
    return {
      id,
      name,
      links,
      linkKm: Math.round(linkKm),
      measuredKm: Math.round(measuredKm),
      splitKm: Math.round(splitKm),
      estimatedKm: Math.round(estimatedKm),
      measuredKmShare: linkKm === 0 ? 0 : measuredKm / linkKm,
    };
  };
  const rows = corridors.map((c) => row(c.id, c.name, c.links));
  if (corridors.length > 0) rows.push(row("(all)", "all named corridors", new Set(corridors.flatMap((c) => c.links))));
  return rows;
}
