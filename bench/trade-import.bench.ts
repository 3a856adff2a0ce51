/**
 * Trade import and GE benchmarks.
 *
 * 1. BACI import throughput: a seeded synthetic BACI file (11 million rows by default, like a full BACI year; about
 *    2 % of quantities `NA`, space-padded as in recent releases) is generated in a temporary directory, imported
 *    into a pair × HS-section table, and the rows per second are printed with the ratio to the 1 M rows/s target
 *    and to a plain `readline` + `split` + `Number` parser run on the same file in the same process.
 * 2. GE counterfactual solve time on the gegravity sample (../shared/gravity), if present.
 *
 * `BACI_BENCH_ROWS=2000000 npm run bench -- trade-import` for a shorter run.
 */
import { createReadStream, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readSectorMap } from "../src/trade/import/aggregate";
import { importBaci, readBaciCountries } from "../src/trade/import/baci";
import { solveCounterfactual } from "../src/trade/ge/ge";
import { costTerms, economyOf, parseCoefficients, parseExperiment, phiForExperiment, phiFromCoefficients, readGravityPanel } from "../src/trade/ge/ge-data";
import { rng } from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BACI_BENCH_ROWS ?? 11_000_000);
const TARGET_ROWS_PER_S = 1_000_000;

function generate(dir: string, rows: number): { data: string; countries: string } {
  const random = rng(20240501);
  const countryCount = 220;
  const codes: number[] = [];
  const countryLines = ["country_code,country_name,country_iso2,country_iso3"];
  for (let c = 0; c < countryCount; c++) {
    const code = 4 + c * 4;
    codes.push(code);
    const iso3 = String.fromCharCode(65 + Math.floor(c / 26 / 26) % 26, 65 + (Math.floor(c / 26) % 26), 65 + (c % 26));
    countryLines.push(`${code},Country ${c},${iso3.slice(0, 2)},${iso3}`);
  }
  const countries = join(dir, "country_codes.csv");
  const fd0 = openSync(countries, "w");
  writeSync(fd0, `${countryLines.join("\n")}\n`);
  closeSync(fd0);

  const data = join(dir, "BACI_synthetic.csv");
  const fd = openSync(data, "w");
  writeSync(fd, "t,i,j,k,v,q\n");
  const batch: string[] = [];
  for (let r = 0; r < rows; r++) {
    const i = codes[Math.floor(random() * countryCount)];
    let j = codes[Math.floor(random() * countryCount)];
    if (j === i) j = codes[(codes.indexOf(i) + 1) % countryCount];
    const chapter = 1 + Math.floor(random() * 97);
    const k = chapter * 10000 + Math.floor(random() * 9999);
    const v = (random() * 5000).toFixed(3);
    const q = random() < 0.02 ? "NA" : (random() * 800).toFixed(3);
    batch.push(`2022,${i},${j},${String(k).padStart(6, "0")},${v.padStart(12)},${q.padStart(12)}`);
    if (batch.length === 100_000) {
      writeSync(fd, `${batch.join("\n")}\n`);
      batch.length = 0;
    }
  }
  if (batch.length > 0) writeSync(fd, `${batch.join("\n")}\n`);
  closeSync(fd);
  return { data, countries };
}

/** The simple baseline: readline, split on commas, Number() per field, a Map keyed by strings. */
async function naiveImport(path: string): Promise<number> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  const totals = new Map<string, number>();
  let rows = 0;
  let first = true;
  for await (const line of rl) {
    if (first) {
      first = false;
      continue;
    }
    const f = line.split(",");
    const key = `${f[1]},${f[2]},${f[3].slice(0, 2)}`;
    totals.set(key, (totals.get(key) ?? 0) + Number(f[4]));
    rows++;
  }
  return rows;
}

async function benchImport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "caravan-baci-bench-"));
  try {
    const t0 = performance.now();
    const { data, countries } = generate(dir, ROWS);
    const genS = (performance.now() - t0) / 1000;
    const sizeMb = statSync(data).size / 1e6;
    console.log(`synthetic BACI file: ${ROWS.toLocaleString("en-US")} rows, ${sizeMb.toFixed(0)} MB (generated in ${genS.toFixed(1)} s, seed 20240501)`);

    const sectorMap = readSectorMap();
    const codes = readBaciCountries(countries);
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    const result = await importBaci(data, codes, { sectorMap });
    const importS = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const rate = result.inputRows / importS;
    console.log(
      `importBaci: ${result.inputRows.toLocaleString("en-US")} rows in ${importS.toFixed(2)} s = ${(rate / 1e6).toFixed(2)} M rows/s ` +
        `(${(sizeMb / importS).toFixed(0)} MB/s); ${result.exporter.length.toLocaleString("en-US")} pair×section cells; ` +
        `${result.rowsWithoutMass.toLocaleString("en-US")} quantities filled`,
    );
    console.log(`ratio to the 1 M rows/s target: ${(rate / TARGET_ROWS_PER_S).toFixed(2)}×`);
    // On a shared machine wall time includes waiting for a core; CPU time shows the parser's own cost.
    console.log(`CPU time ${cpuS.toFixed(2)} s = ${(result.inputRows / cpuS / 1e6).toFixed(2)} M rows per CPU-second (wall/CPU ${(importS / cpuS).toFixed(2)})`);

    const t2 = performance.now();
    const naiveRows = await naiveImport(data);
    const naiveS = (performance.now() - t2) / 1000;
    const naiveRate = naiveRows / naiveS;
    console.log(`baseline readline+split parser: ${(naiveRate / 1e6).toFixed(2)} M rows/s; importBaci is ${(rate / naiveRate).toFixed(2)}× faster`);
    const mem = process.memoryUsage();
    console.log(`memory: rss ${(mem.rss / 1e6).toFixed(0)} MB, heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchGe(): void {
  const file = resolve(here, "../../shared/gravity/gegravity_sample_data_set.csv");
  if (!existsSync(file)) {
    console.warn(`GE benchmark skipped: ${file} is absent (reference data lives beside the project in ../shared/gravity)`);
    return;
  }
  const panel = readGravityPanel(file);
  const coefficients = parseCoefficients("lndist=-0.3898623,contiguity=0.891577,common_language=0.0326249,pta=0.4711383,international=-3.412584,constant=16.32434");
  const phi = phiFromCoefficients(panel, coefficients);
  const phi1 = phiForExperiment(panel, costTerms(coefficients), parseExperiment("pta=1@CAN-JPN"));
  const economy = economyOf(panel, phi, false);
  const ref = panel.countries.indexOf("DEU");
  const runs = 20;
  solveCounterfactual(economy, phi1, { sigma: 5, referenceImporter: ref }); // warm-up
  const t0 = performance.now();
  let last = solveCounterfactual(economy, phi1, { sigma: 5, referenceImporter: ref });
  for (let r = 1; r < runs; r++) last = solveCounterfactual(economy, phi1, { sigma: 5, referenceImporter: ref });
  const ms = (performance.now() - t0) / runs;
  const d = last.diagnostics;
  console.log(
    `GE counterfactual, gegravity sample (30 countries, CAN-JPN PTA, tolerance ${d.tolerance}): ${ms.toFixed(2)} ms per solve ` +
      `(baseline ${d.baselineSweeps} sweeps, conditional ${d.conditionalSweeps}, full ${d.priceIterations} price iterations / ${d.fullSweeps} sweeps; max residual ${d.maxResidual.toExponential(1)})`,
  );
}

await benchImport();
benchGe();
