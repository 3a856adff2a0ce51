/**
 * Text rendering of a calibration report (`caravan calibrate`): the summary measures, every observation beside the
 * model, and the worst fits with what the model did.
 */
import type { CalibrationReport, CalibrationRow } from "./calibrate";

const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)} %`);

function fmt(x: number, unit: string): string {
  if (unit === "TEU") return Math.round(x).toLocaleString("en-US");
  return x.toFixed(unit === "d" ? 1 : 2);
}

function range(r: CalibrationRow): string {
  if (r.high === null) return `≥ ${fmt(r.low, r.unit)}`;
  if (r.high === r.low) return fmt(r.low, r.unit);
  return `${fmt(r.low, r.unit)}–${fmt(r.high, r.unit)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatCalibrationReport(rep: CalibrationReport): string {
  const out: string[] = [];
  const share = (s: { inside: number; count: number; shareInside: number }) => `${s.inside} of ${s.count} (${pct(s.shareInside)})`;
  const kv: [string, string][] = [
    ["observations", rep.observationsFiles.join(", ")],
    ["demand", rep.demandFile ?? "-"],
    ["network year", rep.networkYear === null ? "today's open network" : String(rep.networkYear)],
    ["inside observed range", `${share(rep.all)}; independent figures ${share(rep.independent)}`],
    ["times", `${share(rep.times)} inside; MAPE ${pct(rep.times.mape)} against the range midpoints${rep.times.noRoute > 0 ? `; ${rep.times.noRoute} without a route` : ""}`],
    [
      "volumes",
      `${share(rep.volumes)} inside; WAPE ${pct(rep.volumes.wape)}; GEH mean ${rep.volumes.gehMean?.toFixed(2) ?? "-"}, max ${rep.volumes.gehMax?.toFixed(2) ?? "-"}, ${pct(rep.volumes.shareGehBelow5)} below 5 (kt/day)`,
    ],
  ];
  if (rep.assignment) kv.push(["assignment", `${rep.assignment.algorithm}, ${rep.assignment.iterations} iterations, relative gap ${rep.assignment.relativeGap.toExponential(2)}`]);
  kv.push(["time", `${rep.elapsedS.toFixed(2)} s`]);
  const w = Math.max(...kv.map(([k]) => k.length));
  out.push(kv.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));

  for (const metric of ["time", "volume"] as const) {
    const rows = rep.rows.filter((r) => r.metric === metric);
    if (rows.length === 0) continue;
    out.push(metric === "time" ? "\nTimes (days)" : "\nVolumes (Mt/yr or TEU/yr)");
    out.push(
      table(
        ["observation", "year", "observed", "model", "error", "", metric === "time" ? "" : "GEH"],
        rows.map((r) => [
          `${r.id}${r.independent ? "" : " ‡"}`,
          String(r.year),
          `${range(r)}${r.unit === "d" ? "" : ` ${r.unit}`}`,
          r.model === null ? "no route" : fmt(r.model, r.unit),
          r.relativeError === null ? "-" : `${r.model !== null && r.model < r.reference ? "−" : "+"}${pct(r.relativeError)}`,
          r.inside ? "inside" : "OUTSIDE",
          r.geh === null ? "" : r.geh.toFixed(2),
        ]),
        [false, true, true, true, true, false, true],
      ),
    );
  }
  if (rep.rows.some((r) => !r.independent)) out.push("‡ the figure was an input of the dataset (the demand was built from it): only the model's routing of it is tested");

  out.push("\nWorst fits (distance outside the observed range, relative to its midpoint)");
  if (rep.worst.length === 0) out.push("(every observation is inside its range)");
  else {
    const byId = new Map(rep.rows.map((r) => [r.id, r]));
    out.push(
      table(
        ["observation", "miss", "model did"],
        rep.worst.map((id) => {
          const r = byId.get(id) as CalibrationRow;
          return [id, r.miss === null ? "no route" : pct(r.miss), r.detail];
        }),
        [false, true, false],
      ),
    );
  }
  return `${out.join("\n")}\n`;
}
