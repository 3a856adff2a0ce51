/**
 * `caravan scenario run | compare | sweep | check`: what-if scenario files (docs/scenarios.md). The command parses
 * options, calls the scenarios stage (src/scenarios) and prints; the model work lives there.
 */
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { stdoutOf } from "../io";
import { addStoreOptions, recordRun } from "../store-option";
import { numberOption } from "../options";

function dataDir(cmd: Command): string {
  return (cmd.optsWithGlobals() as { data: string }).data;
}

/** A progress bar on standard error, drawn only when it is a terminal. */
function progressBar(label: string): { update: (done: number, total: number) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  return {
    update(done, total) {
      if (!tty) return;
      const width = 30;
      const filled = Math.round((width * done) / total);
      process.stderr.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`);
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write("\n");
    },
  };
}

export function register(program: Command): void {
  const scenario = program.command("scenario").description("what-if scenarios: run a scenario file against its baseline, compare runs, sweep variants");

  const runCommand = scenario.command("run")
    .description("run a scenario and its baseline: all-city matrix, corridor assignment of its demand, country-pair shipment times")
    .argument("<file>", "scenario file (YAML, docs/scenarios.md)")
    .option("--out <dir>", "write the run folder (manifest.json, timings.json, CSV + Parquet tables, GeoJSON link flows), atomically")
    .option("--baseline <file>", "compare with this scenario instead of the scenario without its projects and modifications")
    .option("--trade <file>", "trade by country pair (CSV exporter,importer,trade) to weight the shipment-time changes")
    .option("--json", "print the comparison of scenario and baseline as JSON")
    .option("--cost-basis <basis>", "what the city pairs' costUsd is: rates (the rate layers, a closure's shock included) or cost (the cost model); over the file's parameters.costBasis (default cost)")
    .option("--rates <YYYY-MM>", "month of the rate layers on the rates basis (default the latest month with data); implies --cost-basis rates")
    .action(async (file: string, flags: { out?: string; baseline?: string; trade?: string; json?: boolean; costBasis?: string; rates?: string }, cmd: Command) => {
      const [{ openNetwork }, { loadScenario }, { runScenario, writeRun }, { compareViews, viewOfSide }, { scenarioRunTables }] = await Promise.all([
        import("../../network/open"),
        import("../../scenarios/load"),
        import("../../scenarios/run"),
        import("../../scenarios/compare"),
        import("../../store/stage-tables"),
      ]);
      const { readTradeWeights } = await import("../../scenarios/trade-weights");
      // read and check every input before a run is recorded
      const loaded = loadScenario(file);
      const baseline = flags.baseline === undefined ? null : loadScenario(flags.baseline);
      const trade = flags.trade === undefined ? undefined : readTradeWeights(flags.trade);
      const files: Record<string, string | undefined> = { trade: flags.trade, demand: loaded.demand?.file };
      for (const [i, f] of loaded.chain.entries()) files[`scenario${i}`] = f;
      for (const [i, f] of (baseline?.chain ?? []).entries()) files[`baseline${i}`] = f;
      const costBasis = flags.costBasis?.trim().toLowerCase();
      if (costBasis !== undefined && costBasis !== "rates" && costBasis !== "cost") throw new CaravanError("E_USAGE", `unknown cost basis "${flags.costBasis}"; use rates or cost`);
      if (flags.rates !== undefined && costBasis === "cost") throw new CaravanError("E_USAGE", "--rates applies to --cost-basis rates only");
      if (flags.rates !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(flags.rates.trim())) throw new CaravanError("E_USAGE", `--rates must be a month YYYY-MM (e.g. 2024-01), got "${flags.rates}"`);
      const rates = { ...(costBasis !== undefined ? { costBasis: costBasis as "rates" | "cost" } : flags.rates !== undefined ? { costBasis: "rates" as const } : {}), ...(flags.rates !== undefined ? { rates: flags.rates.trim() } : {}) };
      const parameters = { json: flags.json === true, baseline: flags.baseline !== undefined, ...rates };
      // the whole run (both states) is the record; a run asked to write a folder is always computed
      await recordRun(cmd, { kind: "scenario", files, datasetDir: dataDir(cmd), parameters, reusable: flags.out === undefined }, async (rec) => {
        const out = rec.out;
        const run = await runScenario(openNetwork(dataDir(cmd)), loaded, { baseline, ...rates });
        if (flags.out !== undefined) await writeRun(run, flags.out);
        const comparison = compareViews(viewOfSide(run, "baseline"), viewOfSide(run, "scenario"), { trade });
        if (flags.json) out(`${JSON.stringify(comparison, null, 2)}\n`);
        else {
          out(comparison.summary.text);
          if (flags.out !== undefined) out(`wrote ${flags.out} (manifest.json, timings.json, baseline/, scenario/, country-pairs)\n`);
        }
        rec.tables(scenarioRunTables(run, comparison));
        const { pairs: _pairs, ...rest } = comparison;
        rec.summary({ manifest: run.manifest, comparison: rest });
        for (const [phase, seconds] of Object.entries(run.timings)) rec.timing(phase, seconds);
      });
    });

  addStoreOptions(runCommand);

  scenario
    .command("compare")
    .description("compare two scenario results (run folders or scenario files); one run folder alone compares its baseline and scenario")
    .argument("<base>", "baseline: a run folder (its scenario side) or a scenario file (run now)")
    .argument("[scenario]", "scenario: a run folder or a scenario file")
    .option("--json", "print the comparison as JSON (contract in docs/scenarios.md)")
    .option("--geojson-out <file>", "write the changed city pairs as GeoJSON lines (atomic write)")
    .option("--trade <file>", "trade by country pair (CSV exporter,importer,trade) to weight the shipment-time changes")
    .action(async (base: string, other: string | undefined, flags: { json?: boolean; geojsonOut?: string; trade?: string }, cmd: Command) => {
      const out = stdoutOf(cmd);
      const [{ compareViews, comparisonGeoJson, viewOfRunFolder, viewOfSide }, { openNetwork }, { runScenario }] = await Promise.all([
        import("../../scenarios/compare"),
        import("../../network/open"),
        import("../../scenarios/run"),
      ]);
      const { readTradeWeights } = await import("../../scenarios/trade-weights");
      const trade = flags.trade === undefined ? undefined : readTradeWeights(flags.trade);
      const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
      let netMemo: ReturnType<typeof openNetwork> | null = null;
      const net = () => {
        netMemo ??= openNetwork(dataDir(cmd));
        return netMemo;
      };
      const view = async (p: string) => (isDir(p) ? viewOfRunFolder(p, "scenario") : viewOfSide(await runScenario(net(), p, { pairTimes: trade !== undefined }), "scenario"));
      let comparison: ReturnType<typeof compareViews>;
      if (other === undefined) {
        if (!isDir(base)) throw new CaravanError("E_USAGE", "give two results to compare, or one run folder (its baseline and scenario)");
        comparison = compareViews(viewOfRunFolder(base, "baseline"), viewOfRunFolder(base, "scenario"), { trade });
      } else comparison = compareViews(await view(base), await view(other), { trade });
      if (flags.geojsonOut !== undefined) {
        const n = net();
        const index = new Map(n.network.places.map((p) => [p.id, [p.lonDeg, p.latDeg] as [number, number]]));
        writeFileAtomic(flags.geojsonOut, comparisonGeoJson(comparison, (id) => index.get(id) ?? null));
      }
      if (flags.json) out(`${JSON.stringify(comparison, null, 2)}\n`);
      else out(comparison.summary.text);
    });

  scenario
    .command("sweep")
    .description("run a grid or list of variants of one scenario on worker threads; one summary table")
    .argument("<file>", "sweep file (YAML: scenario, grid and/or variants; docs/scenarios.md)")
    .option("--workers <n>", "worker threads (default: available cores; 1 = this thread)")
    .option("--out <file>", "write the summary table as CSV (atomic write)")
    .option("--json", "print the rows as JSON")
    .action(async (file: string, flags: { workers?: string; out?: string; json?: boolean }, cmd: Command) => {
      const out = stdoutOf(cmd);
      const [{ openNetwork }, { loadSweep, runSweep }, { sweepTable, formatSweepTable }, { tableCsv }] = await Promise.all([
        import("../../network/open"),
        import("../../scenarios/sweep"),
        import("../../scenarios/sweep-report"),
        import("../../scenarios/tables"),
      ]);
      const workers = numberOption("--workers", flags.workers, true);
      if (workers !== undefined && workers < 1) throw new CaravanError("E_USAGE", "--workers must be at least 1");
      const spec = loadSweep(file);
      const bar = progressBar(`sweep ${spec.variants.length} variants`);
      const t0 = performance.now();
      let result: Awaited<ReturnType<typeof runSweep>>;
      try {
        result = await runSweep(openNetwork(dataDir(cmd)), spec, { ...(workers !== undefined ? { workers } : {}), onProgress: bar.update });
      } finally {
        bar.done();
      }
      const table = sweepTable(spec, result.rows);
      if (flags.out !== undefined) writeFileAtomic(flags.out, tableCsv(table));
      if (flags.json) out(`${JSON.stringify(result.rows, null, 2)}\n`);
      else {
        out(formatSweepTable(result.rows));
        out(`${spec.variants.length} variants on ${result.workers} worker${result.workers === 1 ? "" : "s"} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    });

  scenario
    .command("check")
    .description("validate a scenario file against the network without running it: schema, ids, projects, contradictions, demand")
    .argument("<file>", "scenario file")
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      const out = stdoutOf(cmd);
      const [{ openNetwork }, { loadScenario }, { applyScenario, extendedNetwork }, { scenarioDemand }] = await Promise.all([
        import("../../network/open"),
        import("../../scenarios/load"),
        import("../../scenarios/apply"),
        import("../../scenarios/demand"),
      ]);
      const s = loadScenario(file);
      const net = extendedNetwork(openNetwork(dataDir(cmd)), [s]);
      const applied = applyScenario(net, s);
      const demand = scenarioDemand(net, s);
      out(
        `${s.name}: valid — ${s.chain.length} file(s), year ${s.year ?? "today"}, ${s.projectsOn.length} project(s) on, ${s.projectsOff.length} off, ${applied.editCount} edit(s) on ${applied.touchedArcs} arc(s)` +
          `${applied.state.closeChokepoints.length > 0 ? `, closed chokepoints ${applied.state.closeChokepoints.join(",")}` : ""}` +
          `${applied.closedCountries.length > 0 ? `, closed countries ${applied.closedCountries.join(",")}` : ""}` +
          `${demand ? `, demand ${demand.table.rows.length} rows grown ${demand.baseYear}→${demand.year}` : ", no demand"}\n`,
      );
    });
}
