import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { list } from "../options";
import { addCommonRouteOptions, type CommonRouteFlags, ratesRequestOf, routeOptionsOf, routingSession } from "../route-session";

/** Registers `matrix [--places A,B,C | --all-cities] [options] [--out FILE]`: an origin–destination CSV (or Parquet). */
export function register(program: Command): void {
  const command = program
    .command("matrix")
    .description("origin–destination matrix CSV (from,to,timeH,costUsd,co2Kg,distanceKm) of the best route of every pair (costUsd on --cost-basis)")
    .option("--places <list>", "places, comma-separated (ids, names, aliases, UN/LOCODEs)")
    .option("--all-cities", "every place of kind city (the default when --places is not given)")
    .option("--out <file>", "write the matrix to FILE (atomically) instead of standard output: CSV, or Parquet when FILE ends in .parquet (same columns and values)")
    .option("--rules-off <id,...|all>", "rules of passage (transit bans, closures, tariff discounts in rules/*.yaml) not to apply; all = none");
  addCommonRouteOptions(command).action(async (flags: CommonRouteFlags & { places?: string; allCities?: boolean; out?: string; rulesOff?: string }, cmd: Command) => {
    const out = program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
    if (flags.places !== undefined && flags.allCities) throw new CaravanError("E_USAGE", "choose one of --places and --all-cities");
    const { scenarioRouting } = await import("../scenario-option");
    const { net, ctx, resolver, scenarioOptions } = await scenarioRouting(cmd, flags, routingSession);
    const [{ accessNode }, { DijkstraQuery }, { figuresMatrix }, { resolveRouteOptions }, { effectiveBasis }, { matrixPassage }] = await Promise.all([
      import("../../network/compiled"),
      import("../../routing/dijkstra"),
      import("../../routing/rated-matrix"),
      import("../../routing/options"),
      import("../../routing/rates-report"),
      import("../../routing/passage-groups"),
    ]);
    const places = net.network.places;
    const chosen =
      flags.places !== undefined
        ? (list(flags.places) ?? []).map((p) => resolver.resolve(p))
        : places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    if (chosen.length === 0) throw new CaravanError("E_USAGE", "no places to compute a matrix for");
    const rulesOff = list(flags.rulesOff);
    const options = resolveRouteOptions(net, { ...routeOptionsOf(flags), ...scenarioOptions, ...(rulesOff !== undefined ? { rulesOff } : {}) });
    // the rules of passage of the state's date, per pair of countries (routing/passage-groups.ts)
    const passage = matrixPassage(ctx, options, chosen, chosen);
    const set = passage.sets[0];
    const nodes = chosen.map(accessNode);
    const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    // on the rates basis each cell's path is re-priced by the rate layers (routing/rated-matrix.ts)
    const m = figuresMatrix(ctx, set, query, nodes, effectiveBasis(set, await ratesRequestOf(cmd, net, flags)), passage);
    // one set of values for both formats: the CSV prints them with 2 (distance 1) decimals, Parquet holds the same
    // rounded numbers (an unreachable cell is an empty CSV field and a null Parquet value)
    const rounded = (x: number, digits: number): number | null => (Number.isNaN(x) ? null : Number(x.toFixed(digits)));
    const n = chosen.length;
    const from: string[] = [];
    const to: string[] = [];
    const figures: (number | null)[][] = [[], [], [], []]; // timeH, costUsd, co2Kg, distanceKm [cell]
    const digits = [2, 2, 2, 1];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const cell = i * n + j;
        from.push(places[chosen[i]].id);
        to.push(places[chosen[j]].id);
        for (let k = 0; k < 4; k++) figures[k].push(rounded(m.sums[k][cell], digits[k]));
      }
    }
    const parquet = flags.out !== undefined && /\.parquet$/i.test(flags.out);
    let data: string | Uint8Array;
    if (parquet) {
      const { tableParquet } = await import("../../scenarios/tables");
      const names = ["timeH", "costUsd", "co2Kg", "distanceKm"];
      data = await tableParquet({
        name: "matrix",
        columns: [
          { name: "from", type: "STRING", values: from },
          { name: "to", type: "STRING", values: to },
          ...names.map((name, k) => ({ name, type: "DOUBLE" as const, values: figures[k] })),
        ],
      });
    } else {
      const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const num = (x: number | null, k: number) => (x === null ? "" : x.toFixed(digits[k]));
      const lines = ["from,to,timeH,costUsd,co2Kg,distanceKm"];
      for (let c = 0; c < from.length; c++) lines.push([csvField(from[c]), csvField(to[c]), ...figures.map((f, k) => num(f[c], k))].join(","));
      data = `${lines.join("\n")}\n`;
    }
    if (flags.out) {
      writeFileAtomic(flags.out, data);
      out(`wrote ${n} × ${n} matrix to ${flags.out}${parquet ? " (Parquet)" : ""}\n`);
    } else out(data as string);
  });
}
