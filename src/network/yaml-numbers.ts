/**
 * The one number rule (src/core/numbers.ts) for YAML documents: YAML's core schema reads `0x10`, `0o17`, `.inf`,
 * `.nan` and `1e400` as numbers; this finds every numeric scalar whose source text is not a plain decimal or whose
 * value is out of `rule`, with its line.
 */
import { type Document, type LineCounter, visit } from "yaml";
import { type NumberRule, numberProblem, rangeProblem } from "../core/numbers";

export interface YamlNumberProblem {
  /** 1-based line of the scalar. */
  readonly line: number;
  readonly problem: string;
}

/** Every numeric scalar of `doc` (parsed from `text`) that breaks the number rule under `rule`. */
export function yamlNumberProblems(doc: Document, text: string, lines: LineCounter, rule: NumberRule): YamlNumberProblem[] {
  const found: YamlNumberProblem[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "number" || !node.range) return;
      const source = text.slice(node.range[0], node.range[1]).trim();
      const problem = numberProblem(source, rule) ?? rangeProblem(node.value, rule);
      if (problem !== null) found.push({ line: lines.linePos(node.range[0]).line, problem: `${problem} (use a plain decimal such as 1234.5)` });
    },
  });
  return found;
}
