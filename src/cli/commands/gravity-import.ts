import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import type { AggregatedTrade, SectorMap } from "../../trade/import/aggregate";
import type { ImportProgress } from "../../trade/import/baci";
import { stdoutOf } from "../io";
import { requiredNumberOption } from "../options";

interface ImportOptions {
  baci?: string;
  countries?: string;
  comtrade?: string;
  flow: string;
  hsDigits: string;
  out?: string;
  sectors: string;
  densities?: string;
  json?: boolean;
}

/** A progress bar on stderr, drawn only when stderr is a terminal. */
function progressBar(label: string): { update: (p: ImportProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let drawn = false;
  return {
    update: (p) => {
      if (!tty) return;
      const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
      const width = 30;
      const full = Math.round(fraction * width);
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? p.rows / seconds : 0;
      process.stderr.write(
        `\r${label} [${"#".repeat(full)}${"-".repeat(width - full)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString("en-US")} rows  ${(rate / 1e6).toFixed(2)} M rows/s `,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) process.stderr.write("\n");
    },
  };
}

async function sectorMapOf(spec: string): Promise<SectorMap> {
  const { readSectorMap, totalSectorMap } = await import("../../trade/import/aggregate");
  if (spec === "sections") return readSectorMap();
  if (spec === "none") return totalSectorMap();
  return readSectorMap(spec);
}

function summary(t: AggregatedTrade, seconds: number): Record<string, unknown> {
  let valueUsd = 0;
  let massT = 0;
  let estimatedT = 0;
  for (let r = 0; r < t.valueUsd.length; r++) {
    valueUsd += t.valueUsd[r];
    massT += t.massT[r];
    estimatedT += t.massEstimatedT[r];
  }
  return {
    inputRows: t.inputRows,
    skippedRows: t.skippedRows ?? 0,
    outputRows: t.exporter.length,
    countries: t.countryLabels.length,
    sectors: t.sectors.length,
    valueUsd,
    massT,
    massEstimatedT: estimatedT,
    rowsWithoutMass: t.rowsWithoutMass,
    densityFill: t.fill,
    unfilledValueUsd: t.unfilledValueUsd,
    seconds,
    rowsPerSecond: seconds > 0 ? t.inputRows / seconds : 0,
  };
}

/** Registers `caravan gravity import`: BACI or Comtrade flows → pair × sector table (docs/trade-ge.md). */
export function registerImport(gravity: Command): void {
  gravity
    .command("import")
    .description("stream CEPII BACI or UN Comtrade flows into a pair × sector table (value USD, mass t)")
    .option("--baci <file>", "BACI CSV (t,i,j,k,v,q; .gz accepted)")
    .option("--countries <file>", "BACI country-code file of the same release (with --baci)")
    .option("--comtrade <file>", "UN Comtrade bulk CSV/TSV (.gz accepted)")
    .option("--flow <M|X>", "Comtrade flow direction used: M imports (default), X exports", "M")
    .option("--hs-digits <n>", "Comtrade HS code length kept: 2, 4 or 6", "6")
    .option("--sectors <map>", "sections (HS sections, default), none (one sector), or a CSV hs,sector", "sections")
    .option("--densities <file>", "CSV sector,usdPerT for filling missing masses (default: densities from the input itself)")
    .option("--out <file>", "write the table here (CSV, or Parquet when FILE ends in .parquet); default: print the CSV")
    .option("--json", "print the import summary as JSON")
    .action(async (opts: ImportOptions, cmd: Command) => {
      const [{ aggregatedTradeCsv, aggregatedTradeParquet, readDensityTable }, { importBaci, readBaciCountries }, { importComtrade }] = await Promise.all([
        import("../../trade/import/aggregate"),
        import("../../trade/import/baci"),
        import("../../trade/import/comtrade"),
      ]);
      const out = stdoutOf(cmd);
      if ((opts.baci === undefined) === (opts.comtrade === undefined)) throw new CaravanError("E_USAGE", "give exactly one of --baci FILE (with --countries FILE) or --comtrade FILE");
      if (opts.baci !== undefined && opts.countries === undefined) throw new CaravanError("E_USAGE", "--baci needs --countries FILE (the country-code file of the same BACI release)");
      if (opts.flow !== "M" && opts.flow !== "X") throw new CaravanError("E_USAGE", `--flow must be M or X (got "${opts.flow}")`);
      const hsDigits = requiredNumberOption("--hs-digits", opts.hsDigits, true);
      if (hsDigits !== 2 && hsDigits !== 4 && hsDigits !== 6) throw new CaravanError("E_USAGE", `--hs-digits must be 2, 4 or 6 (got "${opts.hsDigits}")`);
      const sectorMap = await sectorMapOf(opts.sectors);
      const densities = opts.densities ? readDensityTable(opts.densities) : undefined;
      const bar = progressBar(opts.baci ? "BACI" : "Comtrade");
      const t0 = performance.now();
      let result: AggregatedTrade;
      try {
        result = opts.baci
          ? await importBaci(opts.baci, readBaciCountries(opts.countries!), { sectorMap, densities, onProgress: bar.update })
          : await importComtrade(opts.comtrade!, { sectorMap, densities, flow: opts.flow, hsDigits, onProgress: bar.update });
      } finally {
        bar.done();
      }
      const seconds = (performance.now() - t0) / 1000;
      const csv = aggregatedTradeCsv(result);
      const info = summary(result, seconds);
      if (opts.out) writeFileAtomic(opts.out, /\.parquet$/i.test(opts.out) ? await aggregatedTradeParquet(result) : csv);
      if (opts.json) {
        out(`${JSON.stringify({ ...info, out: opts.out ?? null }, null, 2)}\n`);
        return;
      }
      if (!opts.out) {
        out(csv);
        return;
      }
      out(
        `${result.inputRows.toLocaleString("en-US")} flows read in ${seconds.toFixed(2)} s → ${result.exporter.length.toLocaleString("en-US")} pair × sector rows in ${opts.out}\n` +
          `masses: ${result.rowsWithoutMass.toLocaleString("en-US")} flows without a quantity filled by value density ` +
          `(same HS6 ${result.fill.hs6}, table ${result.fill.table}, sector ${result.fill.sector}, whole input ${result.fill.all}, none ${result.fill.none})\n`,
      );
    });
}
