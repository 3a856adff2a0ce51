/**
 * Text rendering of appraisal results for the terminal (the JSON form is the result objects themselves).
 */
import type { CbaResult, SensitivityRow } from "./cba";

/** USD with a scale suffix: "1.23 bn", "-12.34 M", or plain with two decimals below a million. */
export function usdM(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)} bn`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  // below half a cent prints as 0.00, never "-0.00"
  return (a < 0.005 ? 0 : x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function pctOrNull(x: number | null, digits = 2): string {
  return x === null ? "n/a" : `${x.toFixed(digits)} %`;
}

export function table(rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows.map((r) => r.map((c, k) => (k < leftColumns ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  ")).join("\n");
}

/** Indicators and the sensitivity table as text. */
export function formatCba(r: CbaResult, sensitivity: readonly SensitivityRow[]): string {
  const lines: string[] = [];
  lines.push(`evaluation period ${r.firstYear}–${r.lastYear} (${r.lastYear - r.firstYear + 1} years), real discount rate ${r.discountRatePct} %, first year undiscounted`);
  lines.push(`ENPV               ${usdM(r.enpvUsd)} USD`);
  lines.push(`EIRR               ${r.eirrPct === null ? `n/a — ${r.eirrNote}` : `${r.eirrPct.toFixed(2)} %`}`);
  lines.push(`B/C ratio          ${r.bcr === null ? `n/a — ${r.bcrNote}` : r.bcr.toFixed(3)}`);
  lines.push(`first-year return  ${pctOrNull(r.firstYearReturnPct)}`);
  lines.push(`payback year       ${r.paybackYear ?? "not within the period"} (discounted)`);
  lines.push(
    `present values     benefits ${usdM(r.pvBenefitsUsd)}, residual ${usdM(r.pvResidualValueUsd)}, capital ${usdM(r.pvCapitalCostUsd)}, operating ${usdM(r.pvOperatingCostUsd)}`,
  );
  const sv = r.switchingValues;
  lines.push(`switching values   benefits ${pctOrNull(sv.benefitsPct)}, capital cost ${pctOrNull(sv.capitalCostPct)}, operating cost ${pctOrNull(sv.operatingCostPct)}`);
  lines.push("");
  lines.push("sensitivity");
  const rows = [["case", "ENPV (USD)", "EIRR", "B/C"]];
  for (const s of sensitivity) rows.push([s.case, usdM(s.enpvUsd), pctOrNull(s.eirrPct), s.bcr === null ? "n/a" : s.bcr.toFixed(3)]);
  lines.push(table(rows));
  return `${lines.join("\n")}\n`;
}
