/**
 * Text and JSON renderings of a PPML result: a coefficient table in the manner of fixest's summary (estimate,
 * standard error, z, p, significance stars) followed by the sample and fit statistics.
 */
import { CaravanError } from "../../core/errors";
import type { GravityResult, PpmlResult } from "./estimate";

/** Reports never show undefined standard errors as numbers: E_ESTIMATION_FAILED with the reason instead. */
function requireStandardErrors(r: PpmlResult): void {
  if (r.standardErrorsUnavailable !== undefined) throw new CaravanError("E_ESTIMATION_FAILED", r.standardErrorsUnavailable);
}

function stars(p: number): string {
  if (p < 0.001) return "***";
  if (p < 0.01) return "**";
  if (p < 0.05) return "*";
  if (p < 0.1) return ".";
  return "";
}

function fmt(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return x.toExponential(digits - 2);
  return x.toPrecision(digits);
}

function fmtP(p: number): string {
  if (p < 2.2e-16) return "< 2.2e-16";
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

function int(n: number): string {
  return n.toLocaleString("en-US");
}

function vcovLabel(r: PpmlResult): string {
  const fixefK = r.fixedEffectParameters > 0 ? `, fixed effects counted ${r.fixefK === "exact" ? "exactly" : "nested"}` : "";
  const at = r.vcovAt === "converged" ? ", at the estimate" : "";
  const rule = `${r.smallSample === "stata" ? "Stata small-sample rule" : `fixest small-sample rule${fixefK}`}${at}`;
  if (r.vcovType === "iid") return `IID (${rule})`;
  if (r.vcovType === "hetero") return `Heteroskedasticity-robust (${rule})`;
  const parts = r.clusters.map((c) => `${c.name} (${int(c.count)})`).join(" & ");
  return `Clustered by ${parts} (${rule})`;
}

/** Multi-line report ending with a newline. */
export function formatPpmlReport(r: GravityResult | PpmlResult): string {
  requireStandardErrors(r);
  const lines: string[] = [];
  const formula = "formula" in r ? r.formula : undefined;
  lines.push(`PPML estimation, dep. var.: ${formula ? formula.response.label : "y"}`);
  if (formula) lines.push(`Formula: ${formula.text}`);
  if (r.fixedEffectLevels.length > 0 || (formula && formula.fixedEffects.length > 0)) {
    const fe = r.fixedEffectLevels.length > 0 ? r.fixedEffectLevels.map((f) => `${f.name} (${int(f.levels)})`).join(", ") : formula!.fixedEffects.map((f) => f.join("^")).join(", ");
    lines.push(`Fixed effects: ${fe}`);
  }
  lines.push(
    `Observations: ${int(r.observations)} of ${int(r.rows)} (dropped: ${int(r.dropped.separated)} separated, ${int(r.dropped.singletons)} singletons, ${int(r.dropped.missing)} missing)`,
  );
  lines.push(`Standard errors: ${vcovLabel(r)}`);
  const rows = r.coefficients.map((c) => [c.name, fmt(c.estimate), fmt(c.se), fmt(c.z, 5), fmtP(c.p), stars(c.p)]);
  const header = ["", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""];
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((row) => row[j].length)));
  const render = (row: string[]): string =>
    row
      .map((cell, j) => (j === 0 || j === row.length - 1 ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
      .join("  ")
      .trimEnd();
  for (const row of all) lines.push(render(row));
  if (r.coefficients.length === 0) lines.push("(no coefficients: fixed effects only)");
  lines.push("---");
  lines.push("Signif. codes: 0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1");
  if (r.constant) lines.push(`Constant as Stata's ppmlhdfe reports it: ${fmt(r.constant.estimate)} (s.e. ${fmt(r.constant.se)})`);
  lines.push(`Log-likelihood: ${r.logLik.toFixed(2)}   Pseudo R2: ${r.pseudoR2.toFixed(5)}   Deviance: ${fmt(r.deviance, 8)}`);
  lines.push(`Iterations: ${r.iterations}${r.converged ? "" : " (not converged)"}`);
  for (const m of r.messages) lines.push(`Note: ${m}`);
  return `${lines.join("\n")}\n`;
}

/** The JSON document of `caravan gravity estimate --json`. */
export function ppmlResultJson(r: GravityResult | PpmlResult): Record<string, unknown> {
  requireStandardErrors(r);
  return {
    formula: "formula" in r ? r.formula.text : undefined,
    coefficients: r.coefficients.map((c) => ({ name: c.name, estimate: c.estimate, se: c.se, z: c.z, p: c.p })),
    collinear: r.collinear,
    vcov: { type: r.vcovType, at: r.vcovAt, smallSample: r.smallSample, fixefK: r.fixefK, clusters: r.clusters },
    rows: r.rows,
    observations: r.observations,
    dropped: r.dropped,
    iterations: r.iterations,
    converged: r.converged,
    logLik: r.logLik,
    nullLogLik: r.nullLogLik,
    pseudoR2: r.pseudoR2,
    deviance: r.deviance,
    nullDeviance: r.nullDeviance,
    parameterCount: r.parameterCount,
    fixedEffects: r.fixedEffectLevels.map((f) => ({ name: f.name, levels: f.levels })),
    constant: r.constant,
    messages: r.messages,
  };
}
