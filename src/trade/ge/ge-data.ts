/**
 * From a gravity data table to the inputs of the GE solver (src/trade/ge/ge.ts): the country list, outputs,
 * expenditures, baseline trade costs t^(1-σ) and counterfactual trade costs from an experiment specification or a
 * table of ad valorem cost changes.
 *
 * Baseline costs come in one of two ways:
 *   - coefficients:  t_ij^(1-σ) = exp(Σ_k β_k x_ijk) from a gravity estimate (PPML with exporter and importer fixed
 *     effects); the fixed effects are not needed, the MR system recovers them.
 *   - calibrated:    t_ij^(1-σ) = X_ij / (ΣY · y_i e_j) with Y, E the row and column sums of observed flows, so that the
 *     baseline MRs are all 1 and modelled flows equal observed flows ("exact hat algebra" calibration); only changes
 *     of costs are then needed.
 */
import { CaravanError } from "../../core/errors";
import { NUMBER_FIELDS, numberProblem, rangeProblem } from "../../core/numbers";
import { suggest } from "../../core/suggest";
import { evaluateExpr, type Expr, exprColumns, type Formula } from "../ppml/formula";
import type { GeEconomy } from "./ge";
import { readCsvTable, type Table } from "../io/table";

/** The range of a cost coefficient given to the counterfactual (docs/numbers.md). */
const COEFFICIENT_RULE = NUMBER_FIELDS["command-line options"]["--coefficients value"];

export interface GravityColumns {
  readonly exporter: string;
  readonly importer: string;
  readonly trade: string;
  /** Output Y_i column (same on every row of an exporter); absent = row sums of `trade`. */
  readonly output?: string;
  /** Expenditure E_j column (same on every row of an importer); absent = column sums of `trade`. */
  readonly expenditure?: string;
  readonly year?: string;
}

export const DEFAULT_GRAVITY_COLUMNS: GravityColumns = { exporter: "exporter", importer: "importer", trade: "trade", output: "Y", expenditure: "E", year: "year" };

/** A square gravity panel for one year, arranged by pair. */
export interface GravityPanel {
  readonly table: Table;
  readonly countries: readonly string[];
  /** [exporter * n + importer] table row of the pair. */
  readonly rowOfPair: Int32Array;
  /** [exporter * n + importer] observed flow. */
  readonly tradeValue: Float64Array;
  /** [country] output and expenditure in the data's value unit. */
  readonly outputValue: Float64Array;
  readonly expenditureValue: Float64Array;
}

/** Coefficients β_k by cost variable; the name `constant` (or `_cons`) is an intercept. */
export type Coefficients = ReadonlyMap<string, number>;

const CONSTANT_NAMES = new Set(["constant", "_cons", "(Intercept)", "intercept"]);

function dataLine(row: number): number {
  return row + 2; // header is line 1
}

/** Read a gravity CSV (one year, every pair including domestic flows) into a square panel. */
export function readGravityPanel(path: string, columns: GravityColumns = DEFAULT_GRAVITY_COLUMNS, year?: string): GravityPanel {
  const types: Record<string, "string"> = { [columns.exporter]: "string", [columns.importer]: "string" };
  const peek = readCsvTable(path, { types });
  let table = peek;
  if (columns.year && table.has(columns.year)) {
    const col = table.column(columns.year);
    const values = col.kind === "number" ? Array.from(col.values, String) : col.values;
    const distinct = [...new Set(values)];
    if (year !== undefined) {
      if (!distinct.includes(year)) {
        throw new CaravanError("E_USAGE", `${path}: no rows for year ${year} (years: ${distinct.join(", ")})`, { didYouMean: suggest(year, distinct) });
      }
      table = table.selectRows(values.map((v) => v === year));
    } else if (distinct.length > 1) {
      throw new CaravanError("E_USAGE", `${path} holds several years (${distinct.join(", ")}); choose one with --year`, { didYouMean: distinct.slice(0, 5) });
    }
  }
  return panelFromTable(table, columns);
}

export function panelFromTable(table: Table, columns: GravityColumns = DEFAULT_GRAVITY_COLUMNS): GravityPanel {
  const exp = table.column(columns.exporter);
  const imp = table.column(columns.importer);
  if (exp.kind !== "string" || imp.kind !== "string") throw new CaravanError("E_DATA_INVALID", `${table.source}: exporter and importer columns must hold codes`);
  const trade = table.numeric(columns.trade);
  const countries = [...new Set([...exp.values, ...imp.values])].filter((c) => c !== "").sort();
  const index = new Map(countries.map((c, k) => [c, k]));
  const n = countries.length;
  const rowOfPair = new Int32Array(n * n).fill(-1);
  const tradeValue = new Float64Array(n * n);
  for (let r = 0; r < table.rowCount; r++) {
    const a = exp.values[r];
    const b = imp.values[r];
    if (a === "") throw new CaravanError("E_PARSE", `${table.source}:${dataLine(r)}: field "${columns.exporter}": empty`, { details: { file: table.source, line: dataLine(r), field: columns.exporter } });
    if (b === "") throw new CaravanError("E_PARSE", `${table.source}:${dataLine(r)}: field "${columns.importer}": empty`, { details: { file: table.source, line: dataLine(r), field: columns.importer } });
    const p = index.get(a)! * n + index.get(b)!;
    if (rowOfPair[p] >= 0) {
      throw new CaravanError("E_DATA_INVALID", `${table.source}:${dataLine(r)}: pair ${a}→${b} appears twice (first on line ${dataLine(rowOfPair[p])})`, {
        details: { file: table.source, line: dataLine(r) },
      });
    }
    const v = trade[r];
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new CaravanError("E_PARSE", `${table.source}:${dataLine(r)}: field "${columns.trade}": flow must be a non-negative number (got ${v})`, {
        details: { file: table.source, line: dataLine(r), field: columns.trade },
      });
    }
    rowOfPair[p] = r;
    tradeValue[p] = v;
  }
  for (let p = 0; p < n * n; p++) {
    if (rowOfPair[p] < 0) {
      const a = countries[Math.floor(p / n)];
      const b = countries[p % n];
      throw new CaravanError("E_DATA_INVALID", `${table.source}: the panel is not square: no row for ${a}→${b} (every pair, domestic flows included, is needed)`, {
        details: { file: table.source, exporter: a, importer: b },
      });
    }
  }
  const outputValue = countryColumn(table, columns.output, exp.values, index, columns.exporter) ?? rowSums(tradeValue, n);
  const expenditureValue = countryColumn(table, columns.expenditure, imp.values, index, columns.importer) ?? colSums(tradeValue, n);
  return { table, countries, rowOfPair, tradeValue, outputValue, expenditureValue };
}

function countryColumn(table: Table, name: string | undefined, keys: readonly string[], index: Map<string, number>, keyName: string): Float64Array | undefined {
  if (name === undefined || !table.has(name)) return undefined;
  const values = table.numeric(name);
  const out = new Float64Array(index.size).fill(Number.NaN);
  const firstRow = new Int32Array(index.size).fill(-1);
  for (let r = 0; r < table.rowCount; r++) {
    const k = index.get(keys[r])!;
    const v = values[r];
    if (firstRow[k] < 0) {
      firstRow[k] = r;
      out[k] = v;
    } else if (!(Math.abs(v - out[k]) <= 1e-9 * Math.abs(out[k])) && !(Number.isNaN(v) && Number.isNaN(out[k]))) {
      throw new CaravanError(
        "E_DATA_INVALID",
        `${table.source}:${dataLine(r)}: field "${name}": ${keyName} ${keys[r]} has ${v} here but ${out[k]} on line ${dataLine(firstRow[k])}`,
        { details: { file: table.source, line: dataLine(r), field: name } },
      );
    }
  }
  return out;
}

function rowSums(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += x[i * n + j];
  return out;
}

function colSums(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j] += x[i * n + j];
  return out;
}

/** One term of the trade-cost function: β · expr (a null expr is the constant). */
export interface CostTerm {
  readonly label: string;
  readonly beta: number;
  readonly expr: Expr | null;
}

/**
 * The cost terms of a baseline: with a formula, one term per regressor (its coefficient looked up by label, e.g.
 * `log(dist)`) plus the constant if one is given; without, one term per coefficient, each naming a column.
 */
export function costTerms(coefficients: Coefficients, formula?: Formula): CostTerm[] {
  const terms: CostTerm[] = [];
  let constant: number | undefined;
  for (const [name, beta] of coefficients) if (CONSTANT_NAMES.has(name)) constant = beta;
  if (formula) {
    for (const r of formula.regressors) {
      const beta = coefficients.get(r.label);
      if (beta === undefined) {
        throw new CaravanError("E_USAGE", `the baseline formula has "${r.label}" but no coefficient is given for it`, { didYouMean: suggest(r.label, [...coefficients.keys()]) });
      }
      terms.push({ label: r.label, beta, expr: r.expr });
    }
  } else {
    for (const [name, beta] of coefficients) if (!CONSTANT_NAMES.has(name)) terms.push({ label: name, beta, expr: { kind: "column", name } });
  }
  if (constant !== undefined) terms.push({ label: "constant", beta: constant, expr: null });
  return terms;
}

/** t^(1-σ) = exp(Σ β_k x_k) on every pair of the panel, the x_k evaluated on `table` (default: the panel's). */
export function phiFromTerms(panel: GravityPanel, terms: readonly CostTerm[], table: Table = panel.table): Float64Array {
  const n = panel.countries.length;
  const byRow = new Float64Array(table.rowCount);
  for (const term of terms) {
    if (term.expr === null) {
      for (let r = 0; r < byRow.length; r++) byRow[r] += term.beta;
      continue;
    }
    const values = evaluateExpr(term.expr, table);
    for (let r = 0; r < byRow.length; r++) byRow[r] += term.beta * values[r];
  }
  const phi = new Float64Array(n * n);
  for (let p = 0; p < n * n; p++) {
    const r = panel.rowOfPair[p];
    const x = byRow[r];
    if (Number.isNaN(x)) {
      throw new CaravanError("E_DATA_INVALID", `${panel.table.source}:${dataLine(r)}: a cost variable is missing on the pair ${panel.countries[Math.floor(p / n)]}→${panel.countries[p % n]}`, {
        details: { file: panel.table.source, line: dataLine(r) },
      });
    }
    phi[p] = Math.exp(x);
  }
  return phi;
}

/** Shorthand: costs from coefficients that name columns directly. */
export function phiFromCoefficients(panel: GravityPanel, coefficients: Coefficients): Float64Array {
  return phiFromTerms(panel, costTerms(coefficients));
}

/** Calibrated baseline costs: modelled flows reproduce observed flows and all baseline MRs are 1. */
export function phiCalibrated(panel: GravityPanel): Float64Array {
  const n = panel.countries.length;
  const y = rowSums(panel.tradeValue, n);
  const e = colSums(panel.tradeValue, n);
  let world = 0;
  for (let k = 0; k < n; k++) world += y[k];
  const phi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) phi[i * n + j] = (panel.tradeValue[i * n + j] * world) / (y[i] * e[j]);
  return phi;
}

/** The economy for the GE solver; with calibrated costs the outputs and expenditures are the flow sums. */
export function economyOf(panel: GravityPanel, phi: Float64Array, calibrated: boolean): GeEconomy {
  const n = panel.countries.length;
  return {
    countries: panel.countries,
    outputValue: calibrated ? rowSums(panel.tradeValue, n) : panel.outputValue,
    expenditureValue: calibrated ? colSums(panel.tradeValue, n) : panel.expenditureValue,
    phi,
  };
}

/**
 * Parse coefficients: `name=value,name=value` or a CSV file with columns `variable,coefficient` (extra columns such
 * as a standard error are ignored).
 */
export function parseCoefficients(spec: string, readFile: (path: string) => Table = (p) => readCsvTable(p, { types: { variable: "string" } })): Map<string, number> {
  const out = new Map<string, number>();
  if (spec.includes("=")) {
    for (const part of spec.split(/[,;]/)) {
      const item = part.trim();
      if (item === "") continue;
      const m = /^([A-Za-z_(][A-Za-z0-9_.()]*)\s*=\s*(\S+)$/.exec(item);
      if (!m) throw new CaravanError("E_USAGE", `coefficient "${item}" is not name=number`);
      const problem = numberProblem(m[2], COEFFICIENT_RULE);
      if (problem !== null) throw new CaravanError("E_USAGE", `--coefficients "${item}": ${problem}`);
      out.set(m[1], Number(m[2]));
    }
    return out;
  }
  const table = readFile(spec);
  const names = table.column("variable");
  const values = table.numeric("coefficient");
  if (names.kind !== "string") throw new CaravanError("E_DATA_INVALID", `${spec}: column "variable" must hold names`);
  for (let r = 0; r < table.rowCount; r++) {
    const problem = rangeProblem(values[r], COEFFICIENT_RULE);
    if (problem !== null) {
      throw new CaravanError("E_DATA_INVALID", `${spec}: row ${r + 1} ("${names.values[r]}"): field "coefficient": ${Number.isNaN(values[r]) ? "missing value" : problem}`, {
        details: { file: spec, row: r + 1, field: "coefficient" },
      });
    }
    out.set(names.values[r], values[r]);
  }
  return out;
}

/** One assignment of an experiment: set `variable` to `value` on the listed pairs. */
export interface ExperimentAssignment {
  readonly variable: string;
  readonly value: number;
  /** [exporter, importer] labels, `*` = any country. */
  readonly pairs: readonly (readonly [string, string])[];
}

/**
 * Parse an experiment: assignments separated by `;`, each `variable=value@PAIRS` where PAIRS is a comma-separated
 * list of `A-B` (both directions), `A>B` (A exporting to B only), with `*` for any country. Example:
 * `pta=1@CAN-JPN` sets pta to 1 on CAN→JPN and JPN→CAN.
 */
export function parseExperiment(spec: string): ExperimentAssignment[] {
  const out: ExperimentAssignment[] = [];
  for (const part of spec.split(";")) {
    const item = part.trim();
    if (item === "") continue;
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*([^@\s]+)\s*@\s*(.+)$/.exec(item);
    if (!m) throw new CaravanError("E_USAGE", `experiment "${item}" is not variable=value@PAIRS (e.g. pta=1@CAN-JPN)`);
    const valueProblem = numberProblem(m[2], NUMBER_FIELDS["command-line options"]["--experiment value"]);
    if (valueProblem !== null) throw new CaravanError("E_USAGE", `--experiment "${item}": ${valueProblem}`);
    const value = Number(m[2]);
    const pairs: [string, string][] = [];
    for (const token of m[3].split(",")) {
      const t = token.trim();
      const both = /^([A-Za-z0-9*]+)-([A-Za-z0-9*]+)$/.exec(t);
      const one = /^([A-Za-z0-9*]+)>([A-Za-z0-9*]+)$/.exec(t);
      if (both) pairs.push([both[1], both[2]], [both[2], both[1]]);
      else if (one) pairs.push([one[1], one[2]]);
      else throw new CaravanError("E_USAGE", `experiment "${item}": pair "${t}" is not A-B or A>B`);
    }
    out.push({ variable: m[1], value, pairs });
  }
  if (out.length === 0) throw new CaravanError("E_USAGE", "the experiment is empty");
  return out;
}

function countryMatcher(countries: readonly string[], label: string): number[] {
  if (label === "*") return countries.map((_, k) => k);
  const k = countries.indexOf(label);
  if (k < 0) {
    throw new CaravanError("E_COUNTRY_UNKNOWN", `country ${label} is not in the gravity data`, { didYouMean: suggest(label, countries) });
  }
  return [k];
}

/** The panel's table with the experiment's assignments applied (a variable not in the table is an error). */
export function applyExperiment(panel: GravityPanel, experiment: readonly ExperimentAssignment[]): Table {
  const n = panel.countries.length;
  let table = panel.table;
  for (const a of experiment) {
    if (!table.has(a.variable)) {
      throw new CaravanError("E_USAGE", `experiment changes "${a.variable}", which is not a column of ${table.source}`, { didYouMean: suggest(a.variable, table.columnNames) });
    }
    const values = Float64Array.from(table.numeric(a.variable));
    for (const [from, to] of a.pairs) {
      for (const i of countryMatcher(panel.countries, from)) for (const j of countryMatcher(panel.countries, to)) values[panel.rowOfPair[i * n + j]] = a.value;
    }
    table = table.withColumn({ kind: "number", name: a.variable, values });
  }
  return table;
}

/** The counterfactual costs of an experiment on coefficient-based costs. */
export function phiForExperiment(panel: GravityPanel, terms: readonly CostTerm[], experiment: readonly ExperimentAssignment[]): Float64Array {
  const used = new Set<string>();
  for (const t of terms) if (t.expr) exprColumns(t.expr, used);
  for (const a of experiment) {
    if (!used.has(a.variable)) {
      throw new CaravanError("E_USAGE", `experiment changes "${a.variable}", which no cost term uses (terms: ${terms.map((t) => t.label).join(", ")})`, {
        didYouMean: suggest(a.variable, [...used]),
      });
    }
  }
  return phiFromTerms(panel, terms, applyExperiment(panel, experiment));
}

/** Ad valorem changes of t_ij by pair, in %. */
export interface CostChanges {
  readonly exporter: readonly string[];
  readonly importer: readonly string[];
  readonly tradeCostChangePct: Float64Array;
}

/** Read `exporter,importer,tradeCostChangePct` (pairs not listed keep their costs). */
export function readCostChanges(path: string): CostChanges {
  const table = readCsvTable(path, { types: { exporter: "string", importer: "string", tradeCostChangePct: "number" } });
  const exp = table.column("exporter").values as readonly string[];
  const imp = table.column("importer").values as readonly string[];
  const pct = table.numeric("tradeCostChangePct");
  for (let r = 0; r < table.rowCount; r++) {
    if (!(pct[r] > -100)) {
      throw new CaravanError("E_PARSE", `${path}:${dataLine(r)}: field "tradeCostChangePct": must be a number above -100 (got ${pct[r]})`, {
        details: { file: path, line: dataLine(r), field: "tradeCostChangePct" },
      });
    }
  }
  return { exporter: exp, importer: imp, tradeCostChangePct: pct };
}

/** Apply ad valorem changes: t'^(1-σ) = t^(1-σ) · (1 + Δ/100)^(1-σ). A pair listed twice is an error. */
export function phiWithCostChanges(countries: readonly string[], phi: Float64Array, changes: CostChanges, sigma: number, source = "cost changes"): Float64Array {
  const n = countries.length;
  const index = new Map(countries.map((c, k) => [c, k]));
  const out = Float64Array.from(phi);
  const seen = new Uint8Array(n * n);
  for (let r = 0; r < changes.exporter.length; r++) {
    const a = changes.exporter[r];
    const b = changes.importer[r];
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) {
      const bad = i === undefined ? a : b;
      throw new CaravanError("E_COUNTRY_UNKNOWN", `${source}:${dataLine(r)}: country ${bad} is not in the gravity data`, { didYouMean: suggest(bad, countries) });
    }
    const p = i * n + j;
    if (seen[p]) throw new CaravanError("E_DATA_INVALID", `${source}:${dataLine(r)}: pair ${a}→${b} is listed twice`);
    seen[p] = 1;
    out[p] = phi[p] * (1 + changes.tradeCostChangePct[r] / 100) ** (1 - sigma);
  }
  return out;
}

/** Default reference importer: the country with the largest expenditure. */
export function defaultReferenceImporter(economy: GeEconomy): number {
  let best = 0;
  for (let k = 1; k < economy.countries.length; k++) if (economy.expenditureValue[k] > economy.expenditureValue[best]) best = k;
  return best;
}
