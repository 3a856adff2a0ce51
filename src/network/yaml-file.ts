/**
 * Reading a YAML data file against a zod schema with file, line and field in every error: YAML syntax, numbers the one
 * number rule refuses (yaml-numbers.ts), aliases that cannot expand, and the schema's first problem at its line.
 * Shared by the dataset's side files (observations, rates) so they all report problems the same way.
 */
import { type Document, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { parseError } from "../core/errors";
import { NUMBER_FIELDS } from "../core/numbers";
import { yamlNumberProblems } from "./yaml-numbers";

/** The line (1-based) of the node at `path`, or of its nearest ancestor that has a position; 1 when none. */
export function yamlLineOf(doc: Document, lines: LineCounter): (path: readonly (string | number)[]) => number {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    return 1;
  };
}

/** Parse `text` (shown as `displayName` in errors) and validate it with `schema`; the first problem throws E_PARSE. */
export function readYamlDocument<S extends z.ZodType>(text: string, displayName: string, schema: S): { data: z.infer<S>; lineOf: (path: readonly (string | number)[]) => number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw parseError(displayName, lines.linePos(e.pos[0]).line, "(yaml)", `not valid YAML: ${e.message.split("\n")[0]}`);
  }
  const badNumber = yamlNumberProblems(doc, text, lines, NUMBER_FIELDS["dataset CSV/YAML (data/*)"]["(any number)"])[0];
  if (badNumber) throw parseError(displayName, badNumber.line, "(number)", badNumber.problem);
  const lineOf = yamlLineOf(doc, lines);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // unresolved or exploding aliases
    throw parseError(displayName, 1, "(yaml)", `cannot expand the document: ${(error as Error).message.split("\n")[0]}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path as (string | number)[];
    throw parseError(displayName, lineOf(path), path.join(".") || "(file)", issue.message);
  }
  return { data: parsed.data, lineOf };
}
