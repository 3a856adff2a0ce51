/**
 * Cost of the one number rule (`npm run bench -- numbers`): reading 2,000,000 seeded numeric cells (integers,
 * decimals, exponents, as written in trade tables and TNTP files)
 *   - baseline: bare `Number(cell)` with a finiteness check (what the parsers did before the rule; accepts `0x10`),
 *   - the rule's allocation-free path used per cell by the gravity table reader (`isPlainDecimal` + range check),
 *   - the rule's general path (`numberProblem`, used by the TNTP, demand and dataset readers),
 * and a gravity CSV table of 200,000 rows × 4 numeric columns through `parseCsvTable` (csv-parse plus the rule).
 * Prints ns per cell and the ratio to the baseline.
 */
import { isPlainDecimal, MIN_NORMAL, type NumberRule, numberProblem } from "../src/core/numbers";
import { parseCsvTable } from "../src/trade/io/table";
import { rng, seconds } from "./lib";

const N = 2_000_000;
const rand = rng(42);
const cells: string[] = new Array(N);
for (let i = 0; i < N; i++) {
  const k = i % 4;
  const x = rand() * 1e6;
  cells[i] = k === 0 ? String(Math.floor(x)) : k === 1 ? x.toFixed(3) : k === 2 ? x.toExponential(4) : (x / 1e3).toFixed(1);
}
const RULE: NumberRule = { min: -1e18, max: 1e18 };

function timeIt(label: string, f: () => number): number {
  f(); // warm-up
  const t0 = process.hrtime.bigint();
  const sum = f();
  const s = seconds(t0);
  console.log(`${label.padEnd(52)} ${((s * 1e9) / N).toFixed(1).padStart(6)} ns/cell  (checksum ${sum.toExponential(6)})`);
  return s;
}

const base = timeIt("baseline: Number(cell) + isFinite", () => {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const v = Number(cells[i]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
});
const fast = timeIt("rule, allocation-free path (gravity tables)", () => {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const c = cells[i];
    if (!isPlainDecimal(c)) continue;
    const v = Number(c);
    if (v >= RULE.min && v <= RULE.max && (v === 0 || Math.abs(v) >= MIN_NORMAL)) sum += v;
  }
  return sum;
});
const general = timeIt("rule, general path (numberProblem)", () => {
  let sum = 0;
  for (let i = 0; i < N; i++) if (numberProblem(cells[i], RULE) === null) sum += Number(cells[i]);
  return sum;
});
console.log(`ratio to baseline: allocation-free ${(fast / base).toFixed(2)}×, general ${(general / base).toFixed(2)}×`);

const rows = ["exporter,importer,year,trade,dist,rta,tariff"];
for (let i = 0; i < 200_000; i++) rows.push(`E${i % 150},I${(i * 7) % 150},${2000 + (i % 20)},${cells[i]},${cells[i + 1]},${i % 2},${cells[i + 2]}`);
const text = `${rows.join("\n")}\n`;
parseCsvTable(text, "bench.csv");
const t0 = process.hrtime.bigint();
const table = parseCsvTable(text, "bench.csv");
const s = seconds(t0);
console.log(`gravity CSV, ${table.rowCount.toLocaleString("en")} rows × 7 columns: ${s.toFixed(3)} s (${((table.rowCount / s) / 1e6).toFixed(2)} M rows/s)`);
