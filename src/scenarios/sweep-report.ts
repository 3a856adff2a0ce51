/** The summary table of a sweep: one row per variant, as a Table (CSV/Parquet) and as aligned text. */
import type { SweepRow, SweepSpec } from "./sweep";
import { type Table, tableOf } from "./tables";

export function sweepTable(spec: SweepSpec, rows: readonly SweepRow[]): Table {
  return tableOf("sweep", rows, [
    ["variant", "STRING", (r) => r.variant],
    ...spec.axisNames.map((a) => [a, "DOUBLE", (r: SweepRow) => r.axes[a] ?? null] as [string, "DOUBLE", (r: SweepRow) => number | null]),
    ["meanTimeChangeH", "DOUBLE", (r) => r.meanTimeChangeH],
    ["meanTimeChangePct", "DOUBLE", (r) => r.meanTimeChangePct],
    ["demandWeightedTimeChangePct", "DOUBLE", (r) => r.demandWeightedTimeChangePct],
    ["corridorSwitches", "INT32", (r) => r.corridorSwitches],
    ["pairsLostRoute", "INT32", (r) => r.pairsLostRoute],
    ["transitKazT", "DOUBLE", (r) => r.transitKazT],
    ["maxVcCrossing", "STRING", (r) => r.maxVcCrossing],
    ["maxVc", "DOUBLE", (r) => r.maxVc],
    ["bottlenecks", "INT32", (r) => r.bottlenecks],
  ]);
}

/** Aligned text of the summary table. */
export function formatSweepTable(rows: readonly SweepRow[]): string {
  const header = ["variant", "mean Δtime %", "demand-wt Δtime %", "switches", "KAZ transit Mt", "max v/c crossing", "bottlenecks"];
  const body = rows.map((r) => [
    r.variant,
    r.meanTimeChangePct.toFixed(2),
    r.demandWeightedTimeChangePct === null ? "–" : r.demandWeightedTimeChangePct.toFixed(2),
    String(r.corridorSwitches),
    (r.transitKazT / 1e6).toFixed(2),
    r.maxVc === null ? "–" : `${r.maxVcCrossing} ${r.maxVc.toFixed(2)}`,
    String(r.bottlenecks),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return `${[line(header), ...body.map(line)].join("\n")}\n`;
}
