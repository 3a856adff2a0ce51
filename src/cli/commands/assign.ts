import type { Command } from "commander";
import type { TntpProblemOptions } from "../../assignment/problem";
import { ALGORITHMS, type AssignmentResult, type IterationReport, stopwatch } from "../../assignment/state";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { suggest } from "../../core/suggest";
import { addStoreOptions, recordRun } from "../store-option";
import { numberOption } from "../options";
import type { ProfileColumns, ResolvedRouteOptions } from "../../routing/options";

interface AssignFlags {
  tntp?: string;
  demand?: string;
  scenario?: string;
  algorithm: string;
  gap: string;
  maxIterations?: string;
  maxSeconds?: string;
  flowsOut?: string;
  json?: boolean;
  tollFactor?: string;
  distanceFactor?: string;
  demandScale?: string;
  theta?: string;
  year?: string;
  month?: string;
  costBasis?: string;
  rates?: string;
  geojsonOut?: string;
  top?: string;
  votSegments?: string;
  votSpread?: string;
  votMedian?: string;
  rulesOff?: string;
}

/** A numeric option under its documented range (src/core/numbers.ts). */
function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  return numberOption(name, value, integer);
}

/** A one-line progress bar on a TTY (iteration, gap, objective); nothing otherwise. */
function progressPrinter(targetGap: number): { update: (r: IterationReport) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  if (!tty) return { update: () => {}, done: () => {} };
  const width = 30;
  return {
    update: (r) => {
      // progress in decades of the gap: from 1 down to the target
      const span = Math.max(1, -Math.log10(Math.max(targetGap, 1e-16)));
      const frac = Math.min(1, Math.max(0, -Math.log10(Math.max(r.relativeGap, 1e-300)) / span));
      const filled = Math.round(frac * width);
      process.stderr.write(
        `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] it ${r.iteration}  gap ${r.relativeGap.toExponential(3)}  objective ${r.beckmann.toPrecision(12)}  ${r.elapsedS.toFixed(1)} s`,
      );
    },
    done: () => process.stderr.write("\n"),
  };
}

/** Registers `assign --tntp DIR | --demand FILE [--algorithm …] [--gap …] …`. */
export function register(program: Command): void {
  const assign = program.command("assign");
  assign
    .description("equilibrium flow assignment: a TNTP test network (--tntp DIR) or corridor demand on the network (--demand FILE)")
    .option("--tntp <dir>", "a TNTP directory with *_net.tntp and *_trips.tntp (and optionally *_flow.tntp)")
    .option("--demand <file>", "a corridor demand CSV (origin,destination,class,amount) assigned on the --data network")
    .option("--algorithm <name>", `one of ${ALGORITHMS.join(", ")}`, "b")
    .option("--gap <x>", "stop at this relative gap (TSTT − SPTT) / SPTT (logit: relative flow change)", "1e-6")
    .option("--max-iterations <n>", "stop after N iterations")
    .option("--max-seconds <s>", "stop after S seconds of solving")
    .option("--flows-out <file>", "write link flows (TNTP: from,to,flow; corridor: linkId,from,to,mode,flowT,capacityT,vc), atomically")
    .option("--geojson-out <file>", "corridor: write link flows as GeoJSON LineStrings (atomic write)")
    .option("--year <y>", "corridor: include links, ferries and terminals open by this year (default: today's open network)")
    .option("--month <m>", "corridor: month of travel 1–12, or now (this month, UTC): seasonal closures and ferry weather delays apply (default: none)")
    .option("--scenario <file>", "corridor: assign on the network state of a scenario file (its year, month, projects, modifications, closures)")
    .option("--rules-off <id,...|all>", "corridor: rules of passage (transit bans, closures, tariff discounts in rules/*.yaml) not to apply; all = none (default: the rules in force on the date of --year/--month, routing/passage.ts)")
    .option("--cost-basis <basis>", "corridor: the classes' money cost: cost (the cost model's unit costs, default) | rates (each lane's market rate spread over its runs' arcs, rule rates-arc-spread; bulk stays on the cost model)")
    .option("--rates <yyyy-mm>", "corridor: month of the rate layers (rates/*.yaml) on the rates basis (default: the latest with data; implies --cost-basis rates)")
    .option("--top <n>", "corridor: number of bottlenecks to list", "10")
    .option("--toll-factor <x>", "TNTP: override <TOLL FACTOR> (cost per toll unit)")
    .option("--distance-factor <x>", "TNTP: override <DISTANCE FACTOR> (cost per length unit)")
    .option("--demand-scale <x>", "multiply every demand entry (e.g. 2 for doubled demand)")
    .option("--theta <x>", "logit dispersion per unit of cost (default 10 / mean free-flow O-D cost)")
    .option("--vot-segments <n>", "corridor: split every demand class into N value-of-time segments (lognormal around the class's value of time; default 1 = one value of time)")
    .option("--vot-spread <sigma>", "corridor: log-scale σ of the value-of-time distribution with --vot-segments (default 0.489, from Hummels & Schaur's 0.6–2.1 %/day; 0.270 with --vot-median carrying-cost, from the 20–40 % a year)")
    .option(
      "--vot-median <basis>",
      "corridor: each class's value of time (the segments' median): profile (the cargo profile's, 1 % of the cargo value a day; default) | carrying-cost (containers: the cargo value × 28.3 % a year, inventory holding cost; bulk keeps the profile's)",
    )
    .option("--json", "print the result summary as JSON")
    .action(async (flags: AssignFlags, command: Command) => {
      // the solvers, loaders and reports load with the command, not when the program is defined (fast --help)
      const [{ tntpProblem }, { isAlgorithmName, solve }, { loadTntpDir }] = await Promise.all([
        import("../../assignment/problem"),
        import("../../assignment/solve"),
        import("../../assignment/tntp"),
      ]);
      if ((flags.tntp === undefined) === (flags.demand === undefined)) throw new CaravanError("E_USAGE", "give exactly one of --tntp DIR and --demand FILE");
      if (!isAlgorithmName(flags.algorithm)) {
        throw new CaravanError("E_ALGORITHM_UNKNOWN", `unknown assignment algorithm "${flags.algorithm}"; expected one of ${ALGORITHMS.join(", ")}`, {
          didYouMean: suggest(flags.algorithm, ALGORITHMS),
        });
      }
      const gap = positive("--gap", flags.gap, false) ?? 1e-6;
      const maxIterations = positive("--max-iterations", flags.maxIterations, true);
      const maxSeconds = positive("--max-seconds", flags.maxSeconds, false);
      const theta = positive("--theta", flags.theta, false);
      if (flags.demand !== undefined) {
        // the network and corridor modules load only for corridor demand: a TNTP run starts without them
        const [{ corridorProblem }, { readDemandCsv }, { corridorSummary, formatCorridorSummary }, { linkFlowsCsv, linkFlowsGeoJson }, { openNetwork }, { corridorTables }] = await Promise.all([
          import("../../assignment/corridor"),
          import("../../assignment/corridor-demand"),
          import("../../assignment/corridor-report"),
          import("../../assignment/results"),
          import("../../network/index"),
          import("../../store/stage-tables"),
        ]);
        const [{ resolveNetworkState, deriveNetworkState }, { RoutingContext }, { ratedArcCostUsd }, { ratesRequestOf }, { formatMonth, ratesMonthOf }] = await Promise.all([
          import("../../network/state"),
          import("../../routing/context"),
          import("../../routing/rates-arc-cost"),
          import("../../routing/query-choices"),
          import("../../routing/rates"),
        ]);
        const t0 = performance.now();
        const dataDir = (command.optsWithGlobals() as { data: string }).data;
        const year = positive("--year", flags.year, true);
        const month = flags.month === undefined ? undefined : flags.month.trim().toLowerCase() === "now" ? new Date().getUTCMonth() + 1 : numberOption("--month", flags.month, true);
        if (month !== undefined && flags.scenario !== undefined) throw new CaravanError("E_USAGE", "--month with --scenario: set month: in the scenario file");
        const costBasis = flags.costBasis ?? (flags.rates !== undefined ? "rates" : "cost");
        const top = positive("--top", flags.top, true) ?? 10;
        const demandFile = flags.demand;
        const votSegments = positive("--vot-segments", flags.votSegments, true);
        const votSpread = flags.votSpread === undefined ? undefined : numberOption("--vot-spread", flags.votSpread, false);
        const votMedian = flags.votMedian === undefined ? undefined : flags.votMedian.trim().toLowerCase();
        if (votMedian !== undefined && votMedian !== "profile" && votMedian !== "carrying-cost") {
          throw new CaravanError("E_USAGE", `--vot-median must be profile or carrying-cost, got "${flags.votMedian}"`, { didYouMean: suggest(votMedian, ["profile", "carrying-cost"]) });
        }
        const rulesOff = flags.rulesOff === undefined ? undefined : flags.rulesOff.split(",").map((r) => r.trim()).filter((r) => r !== "");
        const corridorParameters = { algorithm: flags.algorithm, gap, maxIterations, maxSeconds, theta, year, month, costBasis, rates: flags.rates, top, demandScale: flags.demandScale, votSegments, votSpread, json: flags.json === true, ...(rulesOff !== undefined ? { rulesOff } : {}), ...(votMedian !== undefined ? { votMedian } : {}) };
        // a scenario file is recorded with its extends chain and demand file (store-option.ts), its projects with the dataset
        const reusable = flags.flowsOut === undefined && flags.geojsonOut === undefined;
        const scenario = flags.scenario === undefined ? null : await (await import("../scenario-option")).scenarioSession(command, flags.scenario);
        await recordRun(command, { kind: "assignment", files: { demand: demandFile, ...(flags.scenario !== undefined ? { scenario: flags.scenario } : {}) }, datasetDir: dataDir, parameters: corridorParameters, reusable }, (run) => {
        const out = run.out;
        const net = scenario?.net ?? openNetwork(dataDir);
        // on the rates basis the classes' money costs are the lanes' rates spread over their runs' arcs (as in scenario runs)
        const request = costBasis === "cost" && flags.rates === undefined ? undefined : ratesRequestOf(dataDir, net, { costBasis, rates: flags.rates }, { rates: "--rates", costBasisIs: (v) => `--cost-basis ${v}` });
        const ratesLayer = request?.basis === "rates" ? request.layer : null;
        const ctx = ratesLayer === null ? null : new RoutingContext(net);
        const rated = ctx === null ? {} : { arcCostUsd: (o: ResolvedRouteOptions, columns: ProfileColumns) => ratedArcCostUsd(ctx, o, columns, request).costUsd };
        const cp = corridorProblem(net, readDemandCsv(demandFile), {
          ...rated,
          ...(scenario
            ? { state: rulesOff === undefined ? scenario.state : deriveNetworkState(scenario.state, { rulesOff }) }
            : month !== undefined || rulesOff !== undefined
              ? { state: resolveNetworkState(net, { year: year ?? null, month: month ?? null, ...(rulesOff !== undefined ? { rulesOff } : {}) }) }
              : {}),
          year: year ?? (scenario ? undefined : null),
          demandScale: positive("--demand-scale", flags.demandScale, false),
          ...(votSegments !== undefined ? { votSegments } : {}),
          ...(votSpread !== undefined ? { votSpread } : {}),
          ...(votMedian !== undefined ? { votMedian: votMedian as "profile" | "carrying-cost" } : {}),
        });
        const progress = progressPrinter(gap);
        let result: AssignmentResult;
        try {
          result = solve(cp.problem, flags.algorithm, { gap, maxIterations, maxSeconds, logitTheta: theta, onIteration: progress.update });
        } finally {
          progress.done();
        }
        if (flags.flowsOut) writeFileAtomic(flags.flowsOut, linkFlowsCsv(cp, result));
        if (flags.geojsonOut) writeFileAtomic(flags.geojsonOut, linkFlowsGeoJson(cp, result));
        const summary = {
          ...corridorSummary(cp, result, demandFile, (performance.now() - t0) / 1000, top),
          costBasis: ratesLayer === null ? "cost" : "rates",
          ratesMonth: ratesLayer === null ? null : formatMonth(ratesMonthOf(ratesLayer, request?.month)),
        };
        if (flags.json) out(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          const basis = ratesLayer === null ? "" : `money cost on the rates basis: the rate layers of ${summary.ratesMonth} spread over their lanes' runs (rule rates-arc-spread); bulk on the cost model\n`;
          out(`${formatCorridorSummary(summary)}${basis}`);
        }
        run.tables(corridorTables(cp, result, summary));
        run.summary(summary);
        });
        return;
      }
      if (flags.geojsonOut !== undefined || flags.year !== undefined || flags.month !== undefined || flags.costBasis !== undefined || flags.rates !== undefined) {
        throw new CaravanError("E_USAGE", "--geojson-out, --year, --month, --cost-basis and --rates apply to corridor demand (--demand FILE) only");
      }
      const tntpParameters = { algorithm: flags.algorithm, gap, maxIterations, maxSeconds, theta, tollFactor: flags.tollFactor, distanceFactor: flags.distanceFactor, demandScale: flags.demandScale, json: flags.json === true };
      await recordRun(command, { kind: "assignment", dirs: { tntp: flags.tntp as string }, parameters: tntpParameters, reusable: flags.flowsOut === undefined }, async (run) => {
      const out = run.out;
      const elapsed = stopwatch();
      const inst = loadTntpDir(flags.tntp as string);
      const problemOptions: TntpProblemOptions = {
        tollFactor: positive("--toll-factor", flags.tollFactor, false),
        distanceFactor: positive("--distance-factor", flags.distanceFactor, false),
        demandScale: positive("--demand-scale", flags.demandScale, false),
      };
      const problem = tntpProblem(inst, problemOptions);
      const progress = progressPrinter(gap);
      let result: AssignmentResult;
      try {
        result = solve(problem, flags.algorithm, { gap, maxIterations, maxSeconds, logitTheta: theta, onIteration: progress.update });
      } finally {
        progress.done();
      }
      const elapsedS = elapsed();
      // link flows in the file's link order, for the store (a recorded run only) and --flows-out
      const flowByLink = new Float64Array(problem.graph.arcCount);
      for (let a = 0; a < problem.graph.arcCount; a++) flowByLink[problem.graph.inputArc[a]] = result.flow[a];
      if (run.runId !== null) {
        const { tntpLinkFlowRows } = await import("../../store/stage-tables");
        run.table("link_flows", tntpLinkFlowRows(inst.network.fromNode, inst.network.toNode, flowByLink));
      }
      if (flags.flowsOut) {
        const net = inst.network;
        let text = "from,to,flow\n";
        for (let l = 0; l < net.linkCount; l++) text += `${net.fromNode[l] + 1},${net.toNode[l] + 1},${flowByLink[l]}\n`;
        writeFileAtomic(flags.flowsOut, text);
      }
      const summary = {
        network: inst.name,
        algorithm: result.algorithm,
        iterations: result.iterations,
        relativeGap: result.relativeGap,
        beckmann: result.beckmann,
        totalTravelTime: result.totalTravelTime,
        shortestPathTravelTime: result.shortestPathTravelTime,
        converged: result.converged,
        stopReason: result.stopReason,
        solveS: result.elapsedS,
        elapsedS,
        intrazonalDemand: problem.intrazonalDemand,
        ...(result.logitTheta !== undefined ? { logitTheta: result.logitTheta, ueRelativeGap: result.ueRelativeGap } : {}),
        warnings: inst.trips.warnings,
      };
      run.summary(summary);
      if (flags.json) {
        out(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const rows: [string, string][] = [
        ["network", `${inst.name} (${problem.graph.nodeCount} nodes, ${problem.graph.arcCount} links, ${problem.commodities.count} origins)`],
        ["algorithm", result.algorithm],
        ["iterations", String(result.iterations)],
        [result.logitTheta !== undefined ? "flow change (logit)" : "relative gap", result.relativeGap.toExponential(3)],
        ...(result.logitTheta !== undefined && result.ueRelativeGap !== undefined
          ? [["UE gap (TSTT−SPTT)/SPTT", result.ueRelativeGap.toExponential(3)] as [string, string]]
          : []),
        ["Beckmann objective", result.beckmann.toPrecision(15)],
        ["total travel time", result.totalTravelTime.toPrecision(12)],
        ["stopped by", `${result.stopReason}${result.converged ? "" : " (gap not reached)"}`],
        ["time", `${elapsedS.toFixed(3)} s (solve ${result.elapsedS.toFixed(3)} s)`],
      ];
      if (flags.flowsOut) rows.push(["flows written to", flags.flowsOut]);
      for (const w of inst.trips.warnings) rows.push(["warning", w]);
      const width = Math.max(...rows.map((r) => r[0].length));
      out(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n");
      });
    });
  addStoreOptions(assign);
}
