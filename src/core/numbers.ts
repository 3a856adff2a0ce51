/**
 * The one rule for reading a number from any input (data files and command-line options), and the catalogue of
 * the accepted range of every numeric field.
 *
 * The rule: a number is a plain finite decimal — optional sign, digits, optional fraction, optional exponent
 * (`12`, `-0.5`, `.5`, `1.5e-3`) — and nothing else: no hex (`0x10`), no `Infinity`/`NaN`, no empty or blank text,
 * no thousands separators, units or trailing text. Its value must be finite (`1e400` overflows and is refused), must
 * not be subnormal (|x| < 2.2e-308, e.g. `1e-320`; such values lose precision and overflow on division), and must
 * lie within the range documented for its field in NUMBER_FIELDS below (docs/numbers.md is generated from it).
 *
 * Callers turn a problem into their own error: E_PARSE with file, line and field for files, E_USAGE naming the
 * option for options. `numberProblem` / `rangeProblem` return the problem as text (or null) without allocating on
 * success, so hot parsers (the gravity table, BACI) can use them per cell.
 */

/** The accepted range of one numeric field. */
export interface NumberRule {
  /** Smallest accepted value. */
  readonly min: number;
  /** Largest accepted value. */
  readonly max: number;
  /** Whether `min` itself is excluded (a strictly positive field: min 0, minExclusive). */
  readonly minExclusive?: boolean;
  /** Whether the value must be a whole number. */
  readonly integer?: boolean;
  /** Unit or meaning shown in docs (e.g. "tonnes per year"). */
  readonly unit?: string;
  /** An extra condition stated in docs (checked by the parser that owns the field). */
  readonly note?: string;
}

/** Smallest positive normal double; non-zero magnitudes below it are refused. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/** The grammar of a plain decimal. */
export const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * True when `text` is a plain decimal (syntax only; the value may still overflow or be out of range). A character
 * scan, no regular expression and no allocation: hot parsers call it per cell.
 */
export function isPlainDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i); // + -
  let digits = 0;
  while (c >= 48 && c <= 57) {
    digits++;
    c = text.charCodeAt(++i);
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      digits++;
      c = text.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      expDigits++;
      c = text.charCodeAt(++i);
    }
    if (expDigits === 0) return false;
  }
  return i === n;
}

function fmt(x: number): string {
  if (x === Number.MAX_SAFE_INTEGER) return "2^53-1";
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential().replace("e+", "e");
  return String(x);
}

/** "a whole number 1 … 10000" / "a number > 0 … 1e6 (tonnes)". */
export function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? "a whole number" : "a number";
  const low = rule.minExclusive ? `> ${fmt(rule.min)}` : fmt(rule.min);
  const range = rule.minExclusive ? `${low} and ≤ ${fmt(rule.max)}` : `${low} … ${fmt(rule.max)}`;
  return `${kind} ${range}`;
}

/** Why a parsed value is not acceptable under `rule` (null when it is). Does not allocate when the value is fine. */
export function rangeProblem(value: number, rule: NumberRule): string | null {
  if (Number.isNaN(value)) return "is not a number";
  if (!Number.isFinite(value)) return "overflows (beyond ±1.8e308)";
  if (value !== 0 && Math.abs(value) < MIN_NORMAL) return `${value} is too small to compute with (subnormal); write 0 or a larger value`;
  if (rule.integer && !Number.isInteger(value)) return `${value} is not a whole number; expected ${describeRule(rule)}`;
  if (value < rule.min || (rule.minExclusive === true && value === rule.min) || value > rule.max) return `${value} is out of range; expected ${describeRule(rule)}`;
  return null;
}

/** Why `text` is not acceptable as a number under `rule` (null when it is). */
export function numberProblem(text: string | undefined, rule: NumberRule): string | null {
  if (text === undefined) return "missing value (empty)";
  if (isPlainDecimal(text)) return rangeProblem(Number(text), rule);
  if (text.trim() === "") return "missing value (empty)";
  return `${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} is not a plain decimal number`;
}

/**
 * Read `text` under `rule`; on a problem calls `fail(problem)`, which must throw (the caller's E_PARSE or E_USAGE).
 */
export function parseNumber(text: string | undefined, rule: NumberRule, fail: (problem: string) => never): number {
  const problem = numberProblem(text, rule);
  if (problem !== null) fail(problem);
  return Number(text);
}

/** Check an already parsed value (e.g. a YAML or JSON number) under `rule`; `fail` must throw. */
export function checkNumber(value: number, rule: NumberRule, fail: (problem: string) => never): number {
  const problem = rangeProblem(value, rule);
  if (problem !== null) fail(problem);
  return value;
}

// --- the catalogue of numeric fields ---------------------------------------------------------------------------

const r = (min: number, max: number, extra: Omit<NumberRule, "min" | "max"> = {}): NumberRule => ({ min, max, ...extra });
const int = (min: number, max: number, extra: Omit<NumberRule, "min" | "max" | "integer"> = {}): NumberRule => ({ min, max, integer: true, ...extra });
const positive = (max: number, extra: Omit<NumberRule, "min" | "max" | "minExclusive"> = {}): NumberRule => ({ min: 0, max, minExclusive: true, ...extra });

/** Largest number of zones of a TNTP instance (the trip table is a dense zones × zones matrix of 8-byte numbers). */
export const TNTP_MAX_ZONES = 10_000;
/** Largest number of nodes of a TNTP network. */
export const TNTP_MAX_NODES = 10_000_000;
/** Largest number of links of a TNTP network. */
export const TNTP_MAX_LINKS = 50_000_000;

/**
 * Every numeric field of every input with its accepted range. Parsers read their rules from here, so the table in
 * docs/numbers.md (generated) is the one they apply. Bounds are wide enough for any real instance and narrow
 * enough that sums and products over a whole run stay far from overflow; combinations that could still overflow
 * (total demand × worst-case path cost) are checked before solving (E_NUMERIC_RANGE).
 */
export const NUMBER_FIELDS = {
  "TNTP network (*_net.tntp)": {
    "<NUMBER OF ZONES>": int(1, TNTP_MAX_ZONES, { note: "≤ <NUMBER OF NODES>" }),
    "<NUMBER OF NODES>": int(1, TNTP_MAX_NODES),
    "<NUMBER OF LINKS>": int(1, TNTP_MAX_LINKS, { note: "must equal the number of link lines" }),
    "<FIRST THRU NODE>": int(0, TNTP_MAX_NODES),
    "<TOLL FACTOR>": r(0, 1e6, { unit: "time units per toll unit" }),
    "<DISTANCE FACTOR>": r(0, 1e6, { unit: "time units per length unit" }),
    init_node: int(1, TNTP_MAX_NODES, { note: "≤ <NUMBER OF NODES>" }),
    term_node: int(1, TNTP_MAX_NODES, { note: "≤ <NUMBER OF NODES>" }),
    capacity: r(0, 1e12, { unit: "flow per period", note: "0 only with b = 0; otherwise ≥ 1e-6" }),
    length: r(0, 1e9),
    free_flow_time: r(0, 1e9),
    b: r(0, 1e12, { note: "Braess-Example uses 1e9 with a free-flow time of 1e-8" }),
    power: r(0, 16, { note: "≥ 1 when b > 0" }),
    speed: r(0, 1e9),
    toll: r(-1e9, 1e9),
    link_type: int(-2147483648, 2147483647),
  },
  "TNTP trips (*_trips.tntp)": {
    "<NUMBER OF ZONES>": int(1, TNTP_MAX_ZONES, { note: "= the network's" }),
    "<TOTAL OD FLOW>": r(0, 1e15),
    Origin: int(1, TNTP_MAX_ZONES, { note: "≤ <NUMBER OF ZONES>" }),
    destination: int(1, TNTP_MAX_ZONES, { note: "≤ <NUMBER OF ZONES>" }),
    flow: r(0, 1e12, { unit: "flow per period" }),
  },
  "TNTP best-known flows (*_flow.tntp)": {
    From: int(1, TNTP_MAX_NODES, { note: "≤ the network's node count" }),
    To: int(1, TNTP_MAX_NODES, { note: "≤ the network's node count" }),
    Volume: r(0, 1e15),
    Cost: r(-1e15, 1e15),
  },
  "corridor demand CSV": {
    amount: r(0, 1e12, { unit: "tonnes per year" }),
  },
  "dataset CSV/YAML (data/*)": {
    "(any number)": r(-1e12, 1e12, { note: "each field's schema (src/network/schema.ts) narrows it further, e.g. > 0 or whole" }),
    lonDeg: r(-180, 180, { unit: "degrees" }),
    latDeg: r(-90, 90, { unit: "degrees" }),
  },
  "gravity tables (CSV)": {
    "(any numeric cell)": r(-1e18, 1e18, { note: "a column with any non-decimal cell (other than NA, NaN, ., empty) is a text column" }),
  },
  "BACI / Comtrade import": {
    "v (BACI, thousand USD)": r(0, 1e12),
    "q (BACI, tonnes)": r(0, 1e12),
    "primaryValue (Comtrade, USD)": r(0, 1e15),
    "netWgt (Comtrade, kg)": r(0, 1e15),
  },
  "command-line options": {
    "--gap": positive(1),
    "--max-iterations": int(0, 10_000_000),
    "--max-seconds": r(0, 1e7, { unit: "seconds" }),
    "--theta": positive(1e6),
    "--toll-factor": r(0, 1e6),
    "--distance-factor": r(0, 1e6),
    "--demand-scale": r(0, 1e6),
    "--top": int(0, 1_000_000),
    "--year": int(1900, 2100),
    "--month": int(1, 12),
    "--alternatives": int(1, 10),
    "--co2-price": r(0, 1e5, { unit: "USD per tonne CO2e" }),
    "--min-population": r(0, 1e10),
    "--baseline-year": int(1900, 2100),
    "--gdp-year": int(1900, 2100),
    "--trade-year": int(1900, 2100),
    "--sigma": r(1, 100, { minExclusive: true, note: "elasticity of substitution" }),
    "--tolerance": positive(1),
    "--tol": positive(1),
    "--hs-digits": int(2, 6),
    "--pct-per-day": r(0, 100, { unit: "% of value per day" }),
    "--experiment value": r(-1e6, 1e6, { note: "the value of variable=value@PAIRS" }),
    "--coefficients value": r(-1000, 1000, { note: "name=value or the coefficient column of a CSV; exp(coefficient × regressor) must stay finite" }),
    "--concurrency": int(1, 1024),
    "--threads": int(1, 1024),
    "--lock-seconds": r(1, 3600, { unit: "seconds" }),
    "--max-jobs": int(1, 1e9),
    "--limit": int(1, 1_000_000),
    "--port": int(0, 65535),
    "(appraisal options)": r(-1e15, 1e15, { note: "each option's own range is checked by caravan appraise (see its --help)" }),
  },
} as const satisfies Record<string, Record<string, NumberRule>>;

/** The rule of a command-line option, or a general one (finite, |x| ≤ 1e15) for an option not in the table. */
export function optionRule(option: string, integer = false): NumberRule {
  const rule = (NUMBER_FIELDS["command-line options"] as Record<string, NumberRule>)[option];
  if (rule !== undefined && Object.hasOwn(NUMBER_FIELDS["command-line options"], option)) return rule;
  return integer ? int(-1e15, 1e15) : r(-1e15, 1e15);
}

/** docs/numbers.md, generated from NUMBER_FIELDS (`npm run docs:generate`). */
export function renderNumberDocs(): string {
  const lines = [
    "# Numbers in inputs",
    "",
    "Generated from `src/core/numbers.ts` by `npm run docs:generate`; a test fails when this file is stale.",
    "",
    "Every number in every input — data files and command-line options — is read by one rule: a plain finite",
    "decimal (optional sign, digits, optional fraction, optional exponent: `12`, `-0.5`, `.5`, `1.5e-3`). Refused:",
    "hexadecimal (`0x10`), `Infinity`, `NaN`, empty or blank text, separators, units or trailing text, values that",
    "overflow (`1e400`) and non-zero values too small to compute with (subnormal, e.g. `1e-320`). A refused number in a",
    "file is `E_PARSE` naming file, line and field; in an option it is `E_USAGE` naming the option. Sizes declared in",
    "headers (TNTP `<NUMBER OF …>`) are checked against these limits before anything is allocated. Combinations that",
    "could still overflow (total demand × worst-case path cost in assignment) are refused before solving with",
    "`E_NUMERIC_RANGE`.",
    "",
    "| input | field | accepted | unit / condition |",
    "|---|---|---|---|",
  ];
  const md = (text: string): string => text.replace(/[\\*_<>|]/g, (c) => `\\${c}`);
  for (const [input, fields] of Object.entries(NUMBER_FIELDS)) {
    for (const [field, rule] of Object.entries(fields as Record<string, NumberRule>)) {
      const extra = [rule.unit, rule.note].filter((s) => s !== undefined).join("; ");
      lines.push(`| ${md(input)} | \`${field}\` | ${md(describeRule(rule))} | ${md(extra)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
