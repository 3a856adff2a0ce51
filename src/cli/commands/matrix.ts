import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import { addCommonRouteOptions, type CommonRouteFlags, list, ratesRequestOf, routeOptionsOf, routingSession } from "./route";

/** Registers `matrix [--places A,B,C | --all-cities] [options] [--out FILE]`: an origin–destination CSV. */
export function register(program: Command): void {
  const command = program
    .command("matrix")
    .description("origin–destination matrix CSV (from,to,timeH,costUsd,co2Kg,distanceKm) of the best route of every pair (costUsd on --cost-basis)")
    .option("--places <list>", "places, comma-separated (ids, names, aliases, UN/LOCODEs)")
    .option("--all-cities", "every place of kind city (the default when --places is not given)")
    .option("--out <file>", "write the CSV to FILE (atomically) instead of standard output");
  addCommonRouteOptions(command).action(async (flags: CommonRouteFlags & { places?: string; allCities?: boolean; out?: string }, cmd: Command) => {
    const out = program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
    if (flags.places !== undefined && flags.allCities) throw new CaravanError("E_USAGE", "choose one of --places and --all-cities");
    const { scenarioRouting } = await import("../scenario-option");
    const { net, ctx, resolver, scenarioOptions } = await scenarioRouting(cmd, flags, routingSession);
    const [{ accessNode }, { DijkstraQuery }, { figuresMatrix }, { resolveRouteOptions }, { effectiveBasis }] = await Promise.all([
      import("../../network/compiled"),
      import("../../routing/dijkstra"),
      import("../../routing/rated-matrix"),
      import("../../routing/options"),
      import("../../routing/rates-report"),
    ]);
    const places = net.network.places;
    const chosen =
      flags.places !== undefined
        ? (list(flags.places) ?? []).map((p) => resolver.resolve(p))
        : places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
    if (chosen.length === 0) throw new CaravanError("E_USAGE", "no places to compute a matrix for");
    const options = resolveRouteOptions(net, { ...routeOptionsOf(flags), ...scenarioOptions });
    const set = ctx.weights(options);
    const nodes = chosen.map(accessNode);
    const query = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    // on the rates basis each cell's path is re-priced by the rate layers (routing/rated-matrix.ts)
    const m = figuresMatrix(ctx, set, query, nodes, effectiveBasis(set, await ratesRequestOf(cmd, net, flags)));
    const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const num = (x: number, digits: number) => (Number.isNaN(x) ? "" : x.toFixed(digits));
    const lines = ["from,to,timeH,costUsd,co2Kg,distanceKm"];
    for (let i = 0; i < chosen.length; i++) {
      for (let j = 0; j < chosen.length; j++) {
        const cell = i * chosen.length + j;
        const [timeH, costUsd, co2Kg, distanceKm] = m.sums.map((s) => s[cell]);
        lines.push([csvField(places[chosen[i]].id), csvField(places[chosen[j]].id), num(timeH, 2), num(costUsd, 2), num(co2Kg, 2), num(distanceKm, 1)].join(","));
      }
    }
    const csv = `${lines.join("\n")}\n`;
    if (flags.out) {
      writeFileAtomic(flags.out, csv);
      out(`wrote ${chosen.length} × ${chosen.length} matrix to ${flags.out}\n`);
    } else out(csv);
  });
}
