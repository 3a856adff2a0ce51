/**
 * Text rendering of a calibration report (`caravan calibrate`): the summary measures, every observation beside the
 * model, and the worst fits with what the model did.
 */
import type { CalibrationReport, CalibrationRow } from "./calibrate";
import { type FlowRow, type FlowsReport, ZERO_FLOW_RATIO } from "./flows";

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
  if (rep.shares.count > 0) kv.push(["lane shares", `${share(rep.shares)} inside (one value of time)`]);
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
  const shareRows = rep.rows.filter((r) => r.metric === "share");
  if (shareRows.length > 0) {
    out.push("\nLane shares (% of the lane's tonnes that cross land: no Suez or Cape of Good Hope on their path; model 2 with value-of-time segments)");
    out.push(
      table(
        ["observation", "year", "observed", "model 1", "model 2", "error", ""],
        shareRows.map((r) => [
          `${r.id}${r.independent ? "" : " ‡"}`,
          String(r.year),
          `${range(r)} %`,
          r.model === null ? "no lane" : r.model.toFixed(1),
          r.modelWithSegments === null || r.modelWithSegments === undefined ? "-" : r.modelWithSegments.toFixed(1),
          r.relativeError === null ? "-" : `${r.model !== null && r.model < r.reference ? "−" : "+"}${pct(r.relativeError)}`,
          r.inside ? "inside" : "OUTSIDE",
        ]),
        [false, true, true, true, true, true, false],
      ),
    );
    for (const run of rep.shares.runs) {
      const solves = run.solves.map((x, k) => `model ${k + 1} ${x.iterations} iterations, gap ${x.relativeGap.toExponential(2)}`).join("; ");
      out.push(
        `measured on: ${run.demandFiles.join(" + ")} (${(run.demandT / 1e6).toFixed(2)} Mt/yr); value of time ${run.votMedian === "profile" ? "the cargo profile's" : "the carrying cost (28.3 % of the cargo value a year)"}` +
          `${run.segments > 1 ? `, model 2 ${run.segments} segments σ ${run.votSpread.toFixed(3)}` : ""}; money cost ${run.ratesMonth === null ? "the cost model" : `the rate layers of ${run.ratesMonth} (rule rates-arc-spread; bulk on the cost model)`}; ${solves}`,
      );
      out.push(`  transit on that run (model 1), Mt/yr: ${run.transitMt.slice(0, 5).map((t) => `${t.country} ${t.mt.toFixed(2)}`).join(", ")}`);
    }
  }
  if (rep.rows.some((r) => !r.independent)) out.push("‡ the figure was an input of the dataset (the demand was built from it): only the model's routing of it is tested");

  if (rep.flows !== null) out.push(formatFlows(rep.flows));

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

function flowValue(x: number, measure: FlowRow["measure"]): string {
  return measure === "Mt" ? x.toFixed(2) : Math.round(x).toLocaleString("en-US");
}

/** The flows section: each validation point beside every run, the exclusions and the fit of each run. */
export function formatFlows(f: FlowsReport): string {
  const out: string[] = [];
  const d = f.demand;
  out.push(`\nFlows at validation points (${f.file}; per year)`);
  out.push(
    `demand year ${d.year ?? "-"}: the year most of its tonnes refer to (${d.tonnesByYear.map((y) => `${y.year} ${(y.tonnes / 1e6).toFixed(1)} Mt`).join(", ")}; ` +
      `a row takes the earliest year of its sources, which span ${d.yearMin ?? "-"}–${d.yearMax ?? "-"})\n` +
      `TEU = container tonnes / ${f.tonnesPerTeu} t; trains = TEU / ${f.teuPerTrain.toFixed(1)} TEU per train (${f.teuPerTrainSource.join(", ")})`,
  );
  const runHeads = f.runs.map((_, k) => `model ${k + 1}`);
  const ratioHeads = f.runs.map((_, k) => `ratio ${k + 1}`);
  out.push(
    table(
      ["point", "year", "Δyear", "observed", "unit", ...runHeads, ...ratioHeads, "fit"],
      f.rows.map((r) => [
        r.id,
        String(r.year),
        r.yearGap === null ? "-" : r.yearGap > 0 ? `+${r.yearGap}` : String(r.yearGap),
        `${r.atLeast ? "≥ " : ""}${flowValue(r.observed, r.measure)}`,
        r.measure,
        ...r.model.map((x) => (x === null ? "-" : flowValue(x, r.measure))),
        ...r.ratio.map((q) => (q === null ? "-" : q.toFixed(2))),
        r.exclusion === null ? "included" : "EXCLUDED",
      ]),
      [false, true, true, true, false, ...runHeads.map(() => true), ...ratioHeads.map(() => true), false],
    ),
  );
  for (const [k, run] of f.runs.entries()) out.push(`model ${k + 1}: ${run.label} (${run.algorithm}, ${run.iterations} iterations, relative gap ${run.relativeGap.toExponential(2)})`);
  const excluded = f.rows.filter((r) => r.exclusion !== null);
  if (excluded.length > 0) {
    out.push("Excluded from the fit (the demand was built from these figures or from another report of the same flow):");
    for (const r of excluded) out.push(`  ${r.id}: ${r.exclusion?.reason} (${r.exclusion?.demandSources.map((id) => `src:${id}`).join(", ")})`);
  }
  const gaps = [...new Set(f.rows.map((r) => r.yearGap).filter((g): g is number => g !== null && g !== 0))].sort((a, b) => a - b);
  if (gaps.length > 0) {
    const byGap = gaps.map((g) => `${g > 0 ? "+" : ""}${g} y: ${f.rows.filter((r) => r.yearGap === g).map((r) => r.id).join(", ")}`);
    out.push(`Year mismatch against the demand year ${d.year} (no growth correction is applied): ${byGap.join("; ")}`);
  }
  out.push("Fit over the included points (ratio = model / observed; a reached lower bound counts as 1):");
  for (const [k, run] of f.runs.entries()) {
    const fit = run.fit;
    out.push(
      `  model ${k + 1} (${run.label}): ${fit.count} points; mean |ln ratio| ${fit.male?.toFixed(3) ?? "-"} (typical factor ${fit.male === null ? "-" : Math.exp(fit.male).toFixed(2)}); ` +
        `geometric mean ratio ${fit.bias?.toFixed(2) ?? "-"}; within ±25 % ${pct(fit.within25)}` +
        (fit.zeroFlow > 0 ? `; ${fit.zeroFlow} without modelled flow (counted at ratio ${ZERO_FLOW_RATIO})` : ""),
    );
  }
  return out.join("\n");
}
