/**
 * PPML-HDFE benchmark (`npm run bench -- gravity`).
 *
 * 1. The FTA example of ppmlhdfe (../shared/gravity/EXAMPLE_TRADE_FTA_DATA.csv, category TOTAL, 5,950 rows) with
 *    exporter-year, importer-year and pair fixed effects: time and iterations.
 * 2. Baseline in the same process: a Poisson GLM with explicit dummy variables (IRLS with a QR step,
 *    src/trade/ppml/ppml-dummy.ts) on reduced panels of the same design, against the HDFE estimator on the same data.
 * 3. Side by side with R's fixest (fread + fepois, one thread each), whole processes on the same CSV files: seeded
 *    three-way panels of 1 M and 5 M rows (bench/gravity-panel.ts, written once into the temporary folder),
 *    `trade ~ rta | exporter^year + importer^year + pair`, heteroskedasticity-robust standard errors with each
 *    program's default small-sample rule. Caravan runs as a user runs it (`bin/caravan.js gravity estimate --no-store
 *    --json`, the built program in dist/cli, which this part builds first) and reports its own read and fit times;
 *    R's script reports fread's and fepois's. Wall time, CPU time (user + system) and peak resident memory of each
 *    whole process come from GNU time (/usr/bin/time); best of GRAVITY_BENCH_REPEATS runs (default 1), the two
 *    programs interleaved. Prints the ratios Caravan / fixest and checks (relative differences): the estimates to
 *    1e-8 against fixest converged further (glm.tol 1e-12, fixef.tol 1e-10; a separate, untimed run); the standard
 *    errors of both defaults to 1e-6 (both evaluated at the last IRLS step: its weights and working residuals); and,
 *    in a further untimed Caravan run with `--vcov-at converged`, the standard errors at the estimate to 1e-6 against
 *    the converged fixest run. A disagreement fails the benchmark. fixest is found through Rscript on the
 *    PATH with the library named by CARAVAN_R_LIBS (or R_LIBS); without it this part is skipped with a message.
 *    Before the panels, fixest's own example data `trade` (38,325 rows, 4 fixed effects: Origin, Destination,
 *    Product, Year), written to CSV by R, with `Euros ~ log(dist_km) | Origin + Destination + Product + Year`.
 *    GRAVITY_BENCH_ROWS=trade, 1M or 5M runs one case only.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { estimateGravity, estimatePpml } from "../src/trade/ppml/estimate";
import type { FixedEffect } from "../src/trade/ppml/hdfe";
import { fitPpmlDummies } from "../src/trade/ppml/ppml-dummy";
import { readCsvTable } from "../src/trade/io/table";
import { gravityPanelCsv, type PanelShape, panelRows } from "./gravity-panel";
import { rng } from "./lib";

interface Panel {
  y: Float64Array; // [obs]
  rta: Float64Array; // [obs]
  tariff: Float64Array; // [obs]
  expYear: Int32Array; // [obs]
  impYear: Int32Array; // [obs]
  pair: Int32Array; // [obs]
  sizes: [number, number, number];
}

/** exporters × importers × years, i ≠ j; μ = exp(0.4 rta − 1.5 tariff + FE), y = μ × lognormal noise, ~8 % zeros. */
function syntheticPanel(exporters: number, importers: number, years: number, seed: number): Panel {
  const rand = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
  const n = exporters * importers * years;
  const y = new Float64Array(n);
  const rta = new Float64Array(n);
  const tariff = new Float64Array(n);
  const expYear = new Int32Array(n);
  const impYear = new Int32Array(n);
  const pair = new Int32Array(n);
  const a = Float64Array.from({ length: exporters * years }, () => normal());
  const b = Float64Array.from({ length: importers * years }, () => normal());
  const c = Float64Array.from({ length: exporters * importers }, () => normal() - 1);
  let k = 0;
  for (let t = 0; t < years; t++) {
    for (let e = 0; e < exporters; e++) {
      for (let i = 0; i < importers; i++) {
        const p = e * importers + i;
        rta[k] = rand() < 0.2 + 0.02 * t ? 1 : 0;
        tariff[k] = 0.2 * rand();
        const mu = Math.exp(0.4 * rta[k] - 1.5 * tariff[k] + a[e * years + t] + b[i * years + t] + c[p] + 3);
        y[k] = rand() < 0.08 ? 0 : mu * Math.exp(0.5 * normal() - 0.125);
        expYear[k] = e * years + t;
        impYear[k] = i * years + t;
        pair[k] = p;
        k++;
      }
    }
  }
  return { y, rta, tariff, expYear, impYear, pair, sizes: [exporters * years, importers * years, exporters * importers] };
}

function fitHdfe(p: Panel) {
  return estimatePpml(
    {
      y: p.y,
      regressors: [
        { name: "rta", values: p.rta },
        { name: "tariff", values: p.tariff },
      ],
      fixedEffects: [
        { name: "exporter^year", codes: p.expYear },
        { name: "importer^year", codes: p.impYear },
        { name: "pair", codes: p.pair },
      ],
    },
    { recoverFixedEffects: false },
  );
}

/** Wall-clock and CPU seconds of f (CPU time is printed too: on a shared machine wall time includes waiting). */
function timeIt<T>(f: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

const here = dirname(fileURLToPath(import.meta.url));
const fta = resolve(here, "../../shared/gravity/EXAMPLE_TRADE_FTA_DATA.csv");
if (existsSync(fta)) {
  const all = readCsvTable(fta);
  const t = all.selectRows((all.column("category").values as string[]).map((c) => c === "TOTAL"));
  estimateGravity(t, "trade ~ fta | isoexp^year + isoimp^year + isoexp^isoimp"); // warm-up
  const r = timeIt(() => estimateGravity(t, "trade ~ fta | isoexp^year + isoimp^year + isoexp^isoimp"));
  console.log(
    `FTA example (5,950 rows, exporter-year + importer-year + pair FE): ${r.seconds.toFixed(3)} s (CPU ${r.cpuSeconds.toFixed(3)} s), ${r.value.iterations} IRLS iterations, ${r.value.demeanSweeps} demeaning sweeps, fta = ${r.value.coefficients[0].estimate.toFixed(6)}`,
  );
} else {
  console.warn(`skipping the FTA example: ${fta} not found`);
}

console.log("\nDummy-variable GLM baseline vs HDFE on the same reduced panels (same process):");
fitHdfe(syntheticPanel(8, 8, 5, 1)); // warm-up: compile the HDFE code paths before timing them
fitPpmlDummies(Float64Array.of(1, 2, 3, 4), [Float64Array.of(0, 1, 0, 1)], []); // and the baseline's
for (const [e, i, years] of [
  [10, 10, 5],
  [14, 14, 5],
  [18, 18, 5],
] as const) {
  const p = syntheticPanel(e, i, years, 42);
  const hdfe = timeIt(() => fitHdfe(p));
  const keep = Array.from(hdfe.value.status, (s) => s === 0);
  const rows = keep.flatMap((k, j) => (k ? [j] : []));
  const sub = (v: Float64Array) => Float64Array.from(rows, (j) => v[j]);
  const dense = (codes: Int32Array, name: string): FixedEffect => {
    const map = new Map<number, number>();
    const out = Int32Array.from(rows, (j) => {
      if (!map.has(codes[j])) map.set(codes[j], map.size);
      return map.get(codes[j])!;
    });
    return { name, codes: out, levelCount: map.size };
  };
  const fes = [dense(p.expYear, "ey"), dense(p.impYear, "iy"), dense(p.pair, "pair")];
  const dummy = timeIt(() => fitPpmlDummies(sub(p.y), [sub(p.rta), sub(p.tariff)], fes, 1e-8));
  const ratio = dummy.cpuSeconds / hdfe.cpuSeconds;
  const columns = fes.reduce((s, f) => s + f.levelCount, 2);
  const diff = Math.abs(dummy.value.beta[0] - hdfe.value.coefficients[0].estimate);
  console.log(
    `  ${String(rows.length).padStart(5)} rows, ${columns} columns: dummies CPU ${dummy.cpuSeconds.toFixed(3)} s (${dummy.value.iterations} it), HDFE CPU ${hdfe.cpuSeconds.toFixed(4)} s (${hdfe.value.iterations} it) → ${ratio.toFixed(0)}× faster; |Δ rta| = ${diff.toExponential(1)}`,
  );
}

// --- 3. whole processes beside fixest ---------------------------------------------------------------------------

const root = resolve(here, "..");
const GNU_TIME = "/usr/bin/time";
const FORMULA = "trade ~ rta | exporter^year + importer^year + pair";

interface ProcessRun {
  wallS: number;
  cpuS: number;
  peakMiB: number;
  stdout: string;
}

/** Run `args` under GNU time; throws with the program's message when it fails. */
function timed(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ProcessRun {
  const r = spawnSync(GNU_TIME, ["-f", "@@time %e %U %S %M", ...args], { encoding: "utf8", env, maxBuffer: 64 * 2 ** 20 });
  const line = (r.stderr ?? "").split("\n").find((l) => l.startsWith("@@time "));
  if (r.status !== 0 || line === undefined) throw new Error(`${args.join(" ")} failed (status ${r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  const [wallS, userS, sysS, maxKb] = line.slice(7).trim().split(/\s+/).map(Number);
  return { wallS, cpuS: userS + sysS, peakMiB: maxKb / 1024, stdout: r.stdout };
}

/** The fastest of several runs by wall time; CPU time and peak memory are the smallest seen. */
function best<T extends ProcessRun>(runs: readonly T[]): T {
  const fastest = runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  return { ...fastest, cpuS: Math.min(...runs.map((r) => r.cpuS)), peakMiB: Math.min(...runs.map((r) => r.peakMiB)) };
}

/** fread + fepois with one thread each; prints its own timings (wall and CPU) and the estimates with full precision. */
const R_SCRIPT = `args <- commandArgs(TRUE)
suppressPackageStartupMessages({ library(data.table); library(fixest) })
setDTthreads(1); setFixest_nthreads(1)
cpu <- function(a, b) sum((b - a)[1:2])
w1 <- Sys.time(); t1 <- proc.time()
d <- fread(args[1])
w2 <- Sys.time(); t2 <- proc.time()
m <- if (length(args) > 2) fepois(as.formula(args[2]), d, vcov = "hetero", glm.tol = 1e-12, fixef.tol = 1e-10) else fepois(as.formula(args[2]), d, vcov = "hetero")
w3 <- Sys.time(); t3 <- proc.time()
cat(sprintf("@@fixest %.6f %.6f %.6f %.6f %d %d\\n", as.numeric(w2 - w1, units = "secs"), as.numeric(w3 - w2, units = "secs"), cpu(t1, t2), cpu(t2, t3), m$iterations, m$nobs))
for (v in names(coef(m))) cat(sprintf("@@coef %s %.17g %.17g\\n", v, coef(m)[[v]], se(m)[[v]]))
`;

interface FixestRun extends ProcessRun {
  readS: number;
  fitS: number;
  readCpuS: number;
  fitCpuS: number;
  iterations: number;
  observations: number;
  coefficients: Map<string, { estimate: number; se: number }>;
}

function parseFixest(run: ProcessRun): FixestRun {
  const head = run.stdout.split("\n").find((l) => l.startsWith("@@fixest "));
  if (!head) throw new Error(`no timings in fixest's output: ${run.stdout.slice(-500)}`);
  const [readS, fitS, readCpuS, fitCpuS, iterations, observations] = head.slice(9).trim().split(/\s+/).map(Number);
  const coefficients = new Map<string, { estimate: number; se: number }>();
  for (const line of run.stdout.split("\n")) {
    if (!line.startsWith("@@coef ")) continue;
    const [name, estimate, se] = line.slice(7).trim().split(/\s+/);
    coefficients.set(name, { estimate: Number(estimate), se: Number(se) });
  }
  return { ...run, readS, fitS, readCpuS, fitCpuS, iterations, observations, coefficients };
}

/** Rscript with fixest, or why not. */
function findFixest(): { env: NodeJS.ProcessEnv } | { reason: string } {
  const libs = process.env.CARAVAN_R_LIBS ?? process.env.R_LIBS;
  const env = { ...process.env, ...(libs ? { R_LIBS: libs } : {}) };
  const probe = spawnSync("Rscript", ["-e", "suppressPackageStartupMessages({library(data.table); library(fixest)}); cat(as.character(packageVersion('fixest')))"], { encoding: "utf8", env });
  if (probe.error) return { reason: "Rscript is not on the PATH" };
  if (probe.status !== 0) return { reason: `R cannot load fixest and data.table${libs ? ` from ${libs}` : " (set CARAVAN_R_LIBS to the library holding fixest)"}` };
  console.log(`fixest ${probe.stdout.trim()} (R library ${libs ?? "default"})`);
  return { env };
}

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function sideBySide(): void {
  if (!existsSync(GNU_TIME)) {
    console.log(`\nskipping the comparison with fixest: ${GNU_TIME} (GNU time, which measures peak memory) is absent`);
    return;
  }
  const found = findFixest();
  if ("reason" in found) {
    console.log(`\nskipping the comparison with fixest: ${found.reason}`);
    return;
  }
  const build = spawnSync(process.execPath, [join(root, "scripts", "build-cli.mjs")], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building dist/cli failed: ${build.stderr}`);
  const bin = join(root, "bin", "caravan.js");
  const work = mkdtempSync(join(tmpdir(), "caravan-gravity-bench-"));
  const script = join(work, "fixest.R");
  writeFileSync(script, R_SCRIPT);
  const only = process.env.GRAVITY_BENCH_ROWS;
  const shapes: { label: string; shape: PanelShape }[] = [
    { label: "1M", shape: { exporters: 200, importers: 200, years: 25, seed: 7 } },
    { label: "5M", shape: { exporters: 500, importers: 400, years: 25, seed: 11 } },
  ].filter((s) => only === undefined || s.label === only);
  // fixest's own example data, `trade` (38,325 rows), written to CSV by R itself
  const cases: { label: string; description: string; file: () => string; formula: string }[] = [];
  if (only === undefined || only === "trade") {
    cases.push({
      label: "fixest trade",
      description: "fixest's `trade` data (Origin × Destination × Product × Year, 38,325 rows)",
      file: () => {
        const csv = join(work, "fixest-trade.csv");
        const r = spawnSync("Rscript", ["-e", `data(trade, package = "fixest"); data.table::fwrite(trade, ${JSON.stringify(csv)})`], { encoding: "utf8", env: found.env });
        if (r.status !== 0) throw new Error(`writing fixest's trade data failed: ${r.stderr}`);
        return csv;
      },
      formula: "Euros ~ log(dist_km) | Origin + Destination + Product + Year",
    });
  }
  for (const { label, shape } of shapes) {
    cases.push({
      label,
      description: `${panelRows(shape).toLocaleString("en-US")} rows (${shape.exporters} exporters × ${shape.importers} importers × ${shape.years} years)`,
      file: () => gravityPanelCsv(shape),
      formula: FORMULA,
    });
  }
  const repeats = Number(process.env.GRAVITY_BENCH_REPEATS ?? 1);
  const rows: string[] = [];
  let disagreements = 0;
  try {
    for (const { label, description, file: makeFile, formula } of cases) {
      const file = makeFile();
      console.log(`\n${label}: ${description}, ${file}`);
      const fixestRuns: FixestRun[] = [];
      const caravanRuns: ProcessRun[] = [];
      for (let i = 0; i < repeats; i++) {
        fixestRuns.push(parseFixest(timed(["Rscript", script, file, formula], found.env)));
        caravanRuns.push(timed([process.execPath, bin, "gravity", "estimate", "--no-store", "--data", file, "--formula", formula, "--vcov", "hetero", "--json"]));
      }
      const f = best(fixestRuns);
      const k = best(caravanRuns);
      const kr = JSON.parse(k.stdout) as {
        coefficients: { name: string; estimate: number; se: number }[];
        observations: number;
        timings: { readS: number; fitS: number; readCpuS: number; fitCpuS: number; iterations: number };
      };
      const fr = fixestRuns.find((r) => r.wallS === f.wallS) ?? f;
      // the references for the estimates and the variance at the estimate: fixest converged further (glm.tol 1e-12,
      // fixef.tol 1e-10), and Caravan's variance at the estimate; both run apart (not timed)
      const tight = parseFixest(timed(["Rscript", script, file, formula, "tight"], found.env));
      const atEstimate = JSON.parse(
        timed([process.execPath, bin, "gravity", "estimate", "--no-store", "--data", file, "--formula", formula, "--vcov", "hetero", "--vcov-at", "converged", "--json"]).stdout,
      ) as { coefficients: { name: string; se: number }[] };
      const line = (who: string, readS: number, fitS: number, r: ProcessRun, iterations: number) =>
        `  ${who.padEnd(8)} read ${readS.toFixed(2).padStart(6)} s  fit ${fitS.toFixed(2).padStart(6)} s  whole ${r.wallS.toFixed(2).padStart(6)} s wall ${r.cpuS.toFixed(2).padStart(6)} s CPU  peak ${r.peakMiB.toFixed(0).padStart(5)} MiB  ${String(iterations).padStart(2)} IRLS iterations`;
      console.log(line("fixest", fr.readS, fr.fitS, f, fr.iterations));
      console.log(`  ${"".padEnd(8)} (CPU: fread ${fr.readCpuS.toFixed(2)} s, fepois ${fr.fitCpuS.toFixed(2)} s)`);
      console.log(line("Caravan", kr.timings.readS, kr.timings.fitS, k, kr.timings.iterations));
      console.log(`  ${"".padEnd(8)} (CPU: reading ${kr.timings.readCpuS.toFixed(2)} s, estimating ${kr.timings.fitCpuS.toFixed(2)} s)`);
      console.log(
        `  ratio    read ${(kr.timings.readS / fr.readS).toFixed(2)}×  fit ${(kr.timings.fitS / fr.fitS).toFixed(2)}×  whole ${(k.wallS / f.wallS).toFixed(2)}× wall ${(k.cpuS / f.cpuS).toFixed(2)}× CPU  peak ${(k.peakMiB / f.peakMiB).toFixed(2)}× (Caravan / fixest; below 1 = Caravan ahead)`,
      );
      console.log(`  CPU ratio read ${(kr.timings.readCpuS / fr.readCpuS).toFixed(2)}×  fit ${(kr.timings.fitCpuS / fr.fitCpuS).toFixed(2)}×`);
      for (const c of kr.coefficients) {
        const ref = tight.coefficients.get(c.name);
        const byDefault = fr.coefficients.get(c.name);
        const seAtEstimate = atEstimate.coefficients.find((a) => a.name === c.name)?.se ?? Number.NaN;
        if (!ref || !byDefault) {
          console.log(`  ${c.name}: not in fixest's output`);
          disagreements++;
          continue;
        }
        const db = relative(c.estimate, ref.estimate);
        const ds = relative(c.se, byDefault.se);
        const dsc = relative(seAtEstimate, ref.se);
        const ok = db <= 1e-8 && ds <= 1e-6 && dsc <= 1e-6 && kr.observations === tight.observations && kr.observations === fr.observations;
        if (!ok) disagreements++;
        console.log(
          `  ${c.name}: Caravan ${c.estimate.toPrecision(12)} (SE ${c.se.toPrecision(10)}, ${kr.timings.iterations} it.), fixest ${byDefault.estimate.toPrecision(12)} (SE ${byDefault.se.toPrecision(10)}, ${fr.iterations} it.): SE (defaults, last IRLS step) relative difference ${ds.toExponential(1)}`,
        );
        console.log(
          `  ${"".padEnd(c.name.length)}  fixest converged to glm.tol 1e-12: ${ref.estimate.toPrecision(12)} (SE ${ref.se.toPrecision(10)}, ${tight.iterations} it.): estimate ${db.toExponential(1)}, SE at the estimate (Caravan --vcov-at converged ${seAtEstimate.toPrecision(10)}) ${dsc.toExponential(1)}; observations ${kr.observations} / ${tight.observations} — ${ok ? "agree (1e-8 / 1e-6)" : "DISAGREE"}`,
        );
        console.log(
          `  ${"".padEnd(c.name.length)}  for the record: fixest's default SE is ${relative(byDefault.se, ref.se).toExponential(1)} from its SE at the estimate`,
        );
      }
      rows.push(
        `| PPML, ${label}, \`${formula}\` | read ${kr.timings.readS.toFixed(2)} s (CPU ${kr.timings.readCpuS.toFixed(2)} s), fit ${kr.timings.fitS.toFixed(2)} s (CPU ${kr.timings.fitCpuS.toFixed(2)} s, ${kr.timings.iterations} it.), whole ${k.wallS.toFixed(2)} s (CPU ${k.cpuS.toFixed(2)} s), ${k.peakMiB.toFixed(0)} MiB | fixest: read ${fr.readS.toFixed(2)} s (CPU ${fr.readCpuS.toFixed(2)} s), fit ${fr.fitS.toFixed(2)} s (CPU ${fr.fitCpuS.toFixed(2)} s, ${fr.iterations} it.), whole ${f.wallS.toFixed(2)} s (CPU ${f.cpuS.toFixed(2)} s), ${f.peakMiB.toFixed(0)} MiB |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (2-core machine shared with other work: compare the CPU columns when it is high)`);
  for (const r of rows) console.log(r);
  if (disagreements > 0) {
    console.error(`${disagreements} coefficient(s) disagree with fixest`);
    process.exitCode = 1;
  }
}

sideBySide();
