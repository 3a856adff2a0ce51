/**
 * Model formulas in the style of fixest: `trade ~ log(dist) + rta | exporter^year + importer^year + pair`.
 *
 * Grammar (whitespace is free):
 *
 *   formula   := response "~" terms [ "|" fixed ]
 *   terms     := term { ("+" | "-") term }          a term "0" or "-1" removes the intercept, "1" keeps it
 *   term      := factor { ":" factor }               ":" multiplies numeric terms (a:b = a × b)
 *   factor    := NAME | NUMBER | FUNC "(" term ")"   FUNC one of log, exp, sqrt, log1p, abs
 *   fixed     := effect { "+" effect }
 *   effect    := NAME { "^" NAME }                   "^" interacts fixed effects (one level per combination)
 *
 * Column names may contain letters, digits, "_" and "."; a name in backquotes may contain anything but a backquote.
 * The intercept is included only when there are no fixed effects (fixed effects absorb it).
 */
import { CaravanError } from "../../core/errors";
import type { Table } from "../io/table";

export type Expr =
  | { readonly kind: "column"; readonly name: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "call"; readonly fn: FunctionName; readonly arg: Expr }
  | { readonly kind: "product"; readonly factors: readonly Expr[] };

export const FUNCTIONS = ["log", "exp", "sqrt", "log1p", "abs"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export interface Regressor {
  /** Label shown in coefficient tables, normalised (`log(dist)`, `a:b`). */
  readonly label: string;
  readonly expr: Expr;
}

export interface Formula {
  readonly text: string;
  readonly response: Regressor;
  readonly regressors: readonly Regressor[];
  /** Whether an intercept is estimated (only without fixed effects, unless removed by `0` / `-1`). */
  readonly intercept: boolean;
  /** Each fixed effect as the list of columns it interacts (`exporter^year` → ["exporter", "year"]). */
  readonly fixedEffects: readonly (readonly string[])[];
}

type Token = { kind: "name" | "number" | "op"; text: string; pos: number };

function formulaError(text: string, pos: number, problem: string): CaravanError {
  return new CaravanError("E_FORMULA_INVALID", `formula "${text}": ${problem} (at character ${pos + 1})`, { details: { formula: text, position: pos } });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if ("~|+-:^()".includes(c)) {
      tokens.push({ kind: "op", text: c, pos: i });
      i++;
    } else if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end < 0) throw formulaError(text, i, "unterminated backquoted name");
      tokens.push({ kind: "name", text: text.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: "number", text: m[0], pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_.]/.test(c)) {
      const m = /^[A-Za-z_.][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: "name", text: m[0], pos: i });
      i += m[0].length;
    } else {
      throw formulaError(text, i, `unexpected character "${c}"`);
    }
  }
  return tokens;
}

export function exprLabel(expr: Expr): string {
  switch (expr.kind) {
    case "column":
      return /^[A-Za-z_.][A-Za-z0-9_.]*$/.test(expr.name) ? expr.name : `\`${expr.name}\``;
    case "number":
      return String(expr.value);
    case "call":
      return `${expr.fn}(${exprLabel(expr.arg)})`;
    case "product":
      return expr.factors.map(exprLabel).join(":");
  }
}

/** Deepest nesting of function calls accepted in a formula (`log(exp(log(x)))` has depth 3). */
export const MAX_FORMULA_DEPTH = 32;

/**
 * Parse a formula; E_FORMULA_INVALID with the position of the problem. Column existence is checked by
 * `checkFormulaColumns`. Calls nest at most MAX_FORMULA_DEPTH deep, and a formula must leave something to
 * estimate (a regressor, the intercept or a fixed effect): `trade ~ 0` is refused.
 */
export function parseFormula(text: string): Formula {
  const tokens = tokenize(text);
  let k = 0;
  let depth = 0;
  const peek = (): Token | undefined => tokens[k];
  const end = text.length;
  const expectOp = (op: string): void => {
    const t = tokens[k];
    if (t === undefined || t.kind !== "op" || t.text !== op) throw formulaError(text, t?.pos ?? end, `expected "${op}"`);
    k++;
  };

  const parseFactor = (): Expr => {
    const t = tokens[k];
    if (t === undefined) throw formulaError(text, end, "expected a column name");
    if (t.kind === "number") {
      k++;
      return { kind: "number", value: Number(t.text) };
    }
    if (t.kind !== "name") throw formulaError(text, t.pos, `expected a column name, found "${t.text}"`);
    k++;
    const next = peek();
    if (next?.kind === "op" && next.text === "(") {
      if (!(FUNCTIONS as readonly string[]).includes(t.text)) {
        throw formulaError(text, t.pos, `unknown function "${t.text}" (known: ${FUNCTIONS.join(", ")})`);
      }
      k++;
      if (++depth > MAX_FORMULA_DEPTH) throw formulaError(text, t.pos, `function calls nest deeper than ${MAX_FORMULA_DEPTH} levels`);
      const arg = parseTerm();
      depth--;
      expectOp(")");
      return { kind: "call", fn: t.text as FunctionName, arg };
    }
    return { kind: "column", name: t.text };
  };

  const parseTerm = (): Expr => {
    const factors = [parseFactor()];
    while (peek()?.kind === "op" && peek()!.text === ":") {
      k++;
      factors.push(parseFactor());
    }
    return factors.length === 1 ? factors[0] : { kind: "product", factors };
  };

  const response = parseTerm();
  if (response.kind === "number") throw formulaError(text, 0, "the response must be a column");
  expectOp("~");

  const regressors: Regressor[] = [];
  let intercept = true;
  let sign = 1;
  let first = true;
  while (k < tokens.length && !(tokens[k].kind === "op" && tokens[k].text === "|")) {
    if (!first) {
      const t = tokens[k];
      if (t.kind === "op" && (t.text === "+" || t.text === "-")) {
        sign = t.text === "-" ? -1 : 1;
        k++;
      } else {
        throw formulaError(text, t.pos, `expected "+", "-" or "|", found "${t.text}"`);
      }
    } else if (tokens[k].kind === "op" && tokens[k].text === "-") {
      sign = -1;
      k++;
    }
    first = false;
    const startPos = tokens[k]?.pos ?? end;
    const term = parseTerm();
    if (term.kind === "number") {
      if (term.value === 0 && sign > 0) intercept = false;
      else if (term.value === 1) intercept = sign > 0;
      else throw formulaError(text, startPos, `a constant term may only be 0, 1 or -1, found ${term.value}`);
      continue;
    }
    if (sign < 0) throw formulaError(text, startPos, "only the intercept can be removed with '-'");
    const label = exprLabel(term);
    if (regressors.some((r) => r.label === label)) throw formulaError(text, startPos, `term "${label}" appears twice`);
    regressors.push({ label, expr: term });
  }

  const fixedEffects: string[][] = [];
  if (k < tokens.length) {
    expectOp("|");
    if (k >= tokens.length) throw formulaError(text, end, "expected fixed effects after '|'");
    for (;;) {
      const t = tokens[k];
      if (t === undefined || t.kind !== "name") throw formulaError(text, t?.pos ?? end, "expected a fixed-effect column name");
      const parts = [t.text];
      k++;
      while (peek()?.kind === "op" && peek()!.text === "^") {
        k++;
        const u = tokens[k];
        if (u === undefined || u.kind !== "name") throw formulaError(text, u?.pos ?? end, "expected a column name after '^'");
        parts.push(u.text);
        k++;
      }
      const key = parts.join("^");
      if (fixedEffects.some((f) => f.join("^") === key)) throw formulaError(text, t.pos, `fixed effect "${key}" appears twice`);
      fixedEffects.push(parts);
      if (k >= tokens.length) break;
      const sep = tokens[k];
      if (sep.kind === "op" && sep.text === "+") {
        k++;
        continue;
      }
      throw formulaError(text, sep.pos, `expected "+" between fixed effects, found "${sep.text}"`);
    }
  }
  if (regressors.length === 0 && !intercept && fixedEffects.length === 0) {
    throw formulaError(text, end, "nothing to estimate: give at least one regressor, the intercept (1) or a fixed effect after '|'");
  }
  if (fixedEffects.length > 0) intercept = false;
  return { text, response: { label: exprLabel(response), expr: response }, regressors, intercept, fixedEffects };
}

/** Every column an expression reads. */
export function exprColumns(expr: Expr, out: Set<string> = new Set()): Set<string> {
  if (expr.kind === "column") out.add(expr.name);
  else if (expr.kind === "call") exprColumns(expr.arg, out);
  else if (expr.kind === "product") for (const f of expr.factors) exprColumns(f, out);
  return out;
}

/** Evaluate an expression on a table: [row] value, NaN where a cell is missing or the function is undefined (log of 0). */
export function evaluateExpr(expr: Expr, table: Table): Float64Array {
  const n = table.rowCount;
  switch (expr.kind) {
    case "column":
      return table.numeric(expr.name);
    case "number":
      return new Float64Array(n).fill(expr.value);
    case "call": {
      const arg = evaluateExpr(expr.arg, table);
      const out = new Float64Array(n);
      const f: (x: number) => number = Math[expr.fn];
      for (let i = 0; i < n; i++) {
        const v = f(arg[i]);
        out[i] = Number.isFinite(v) ? v : Number.NaN;
      }
      return out;
    }
    case "product": {
      const out = new Float64Array(n).fill(1);
      for (const factor of expr.factors) {
        const v = evaluateExpr(factor, table);
        for (let i = 0; i < n; i++) out[i] *= v[i];
      }
      return out;
    }
  }
}
