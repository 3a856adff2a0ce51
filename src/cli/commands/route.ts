import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { numberOption } from "../options";
import { addCommonRouteOptions, type CommonRouteFlags, cargoUnit, ratesRequestOf, routeOptionsOf, routingSession } from "../route-session";

/** Registers `route FROM TO [--via PLACE] [--alternatives N] [options] [--json | --geojson]`. */
export function register(program: Command): void {
  const command = program
    .command("route")
    .description("best route(s) between two places: time, cost, CO2, legs, border and transfer events, countries")
    .argument("<from>", "origin: place id, name, alias, UN/LOCODE or lon,lat")
    .argument("<to>", "destination (same forms)")
    .option("--via <place>", "pass through this place")
    .option("--alternatives <n>", "number of meaningfully different routes (penalty method)", "1")
    .option("--rules-off <id,...|all>", "rules of passage (transit bans, closures, tariff discounts in rules/*.yaml) not to apply; all = none")
    .option("--trip-end-dwell", "charge the dwell at both trip ends (the default): a terminal of the end's mode (as a transfer there would be), one door handling at a road end")
    .option("--no-trip-end-dwell", "line haul: from the first departure to the last arrival, without the dwell at the two trip ends")
    .option("--operations <id,...>", "operation types from operations.yaml, one per mode: road-single-driver or road-team-driven (road legs timed by the driving-time rules of Reg. 561/2006 / AETR), rail-wagonload; default each mode's default (road-tir-observed, rail-block-train)")
    .option("--reliability-ratio <r>", "with --optimize generalized: price each border, closure and ferry wait's buffer (P90 − expected time) at r × the value of time", "0");
  addCommonRouteOptions(command)
    .option("--json", "print JSON")
    .option("--geojson", "print a GeoJSON FeatureCollection (one LineString per leg)")
    .action(async (from: string, to: string, flags: CommonRouteFlags & { via?: string; alternatives: string; rulesOff?: string; tripEndDwell?: boolean; operations?: string; reliabilityRatio: string; json?: boolean; geojson?: boolean }, cmd: Command) => {
      const out = program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
      if (flags.json && flags.geojson) throw new CaravanError("E_USAGE", "choose one of --json and --geojson");
      const { scenarioRouting } = await import("../scenario-option");
      const { net, ctx, resolver, scenarioOptions } = await scenarioRouting(cmd, flags, routingSession);
      const [{ planRoutes }, { formatPlan, planGeoJson, planJson }, { passageChoicesOf }] = await Promise.all([
        import("../../routing/plan"),
        import("../../routing/format"),
        import("../../routing/query-choices"),
      ]);
      const plan = planRoutes(ctx, {
        from: resolver.resolve(from),
        to: resolver.resolve(to),
        via: flags.via === undefined ? null : resolver.resolve(flags.via),
        alternatives: numberOption("--alternatives", flags.alternatives, true),
        ...routeOptionsOf(flags),
        ...scenarioOptions,
        rates: await ratesRequestOf(cmd, net, flags),
        ...passageChoicesOf({ ...flags, tripEndDwell: flags.tripEndDwell !== false }),
        reliabilityRatio: numberOption("--reliability-ratio", flags.reliabilityRatio, false, { min: 0, max: 10 }),
      });
      if (flags.json) out(`${JSON.stringify(planJson(plan), null, 2)}\n`);
      else if (flags.geojson) out(`${JSON.stringify(planGeoJson(plan))}\n`);
      else out(formatPlan(plan, cargoUnit(net, plan.cargo)));
    });
}
