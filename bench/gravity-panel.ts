/**
 * Seeded three-way gravity panels for the PPML benchmarks: exporters × importers × years, one row per
 * (exporter, importer, year), written as CSV (exporter,importer,year,pair,trade,rta) so that Caravan and R's fread
 * read the same bytes. μ = exp(0.4 rta + a[exporter, year] + b[importer, year] + c[pair] + 3), trade = μ × a
 * log-normal factor (mean 1), about 8 % zeros; rta switches on for a pair in a random year and stays on. Values are
 * printed with 9 significant digits, so the file alone defines the data.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rng } from "./lib";

export interface PanelShape {
  readonly exporters: number;
  readonly importers: number;
  readonly years: number;
  readonly seed: number;
}

export function panelRows(shape: PanelShape): number {
  return shape.exporters * shape.importers * shape.years;
}

/**
 * The CSV of `shape` in the temporary folder (written on first use; the file name carries the shape and the seed,
 * and the content is a function of them alone, so a file left by an earlier run is the same file).
 */
export function gravityPanelCsv(shape: PanelShape): string {
  const dir = join(tmpdir(), "caravan-bench-gravity");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `panel-${shape.exporters}x${shape.importers}x${shape.years}-s${shape.seed}-v1.csv`);
  if (existsSync(file)) return file;
  const { exporters, importers, years } = shape;
  const rand = rng(shape.seed);
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
  const a = Float64Array.from({ length: exporters * years }, () => normal()); // [exporter · years + year]
  const b = Float64Array.from({ length: importers * years }, () => normal()); // [importer · years + year]
  const c = Float64Array.from({ length: exporters * importers }, () => normal() - 1); // [pair]
  const rtaFrom = Int32Array.from({ length: exporters * importers }, () => (rand() < 0.6 ? Math.floor(rand() * years) : years)); // [pair] first year with an RTA
  const exporterName = Array.from({ length: exporters }, (_, e) => `E${String(e).padStart(4, "0")}`);
  const importerName = Array.from({ length: importers }, (_, i) => `I${String(i).padStart(4, "0")}`);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  let chunk: string[] = ["exporter,importer,year,pair,trade,rta\n"];
  let size = 0;
  for (let t = 0; t < years; t++) {
    const year = 2000 + t;
    for (let e = 0; e < exporters; e++) {
      for (let i = 0; i < importers; i++) {
        const p = e * importers + i;
        const rta = t >= rtaFrom[p] ? 1 : 0;
        const mu = Math.exp(0.4 * rta + a[e * years + t] + b[i * years + t] + c[p] + 3);
        const trade = rand() < 0.08 ? 0 : Number((mu * Math.exp(0.5 * normal() - 0.125)).toPrecision(9));
        chunk.push(`${exporterName[e]},${importerName[i]},${year},${p + 1},${trade},${rta}\n`);
        if (++size === 65536) {
          writeSync(fd, chunk.join(""));
          chunk = [];
          size = 0;
        }
      }
    }
  }
  writeSync(fd, chunk.join(""));
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}
