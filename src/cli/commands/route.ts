import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import type { CompiledNetwork } from "../../network/compiled";
import type { PlaceResolver } from "../../network/resolve";
import type { RoutingContext } from "../../routing/context";
import type { Criterion } from "../../routing/options";
import { numberOption as sharedNumberOption } from "../options";

/** A network opened for routing: the compiled network, its routing context and a place resolver. */
export interface RoutingSession {
  readonly net: CompiledNetwork;
  readonly ctx: RoutingContext;
  readonly resolver: PlaceResolver;
}

const sessions = new Map<string, RoutingSession>();

/**
 * Open (and cache per process) the dataset of the global --data option for routing. The network and routing code is
 * imported here, on first use, so defining the commands (and `caravan --help`) stays cheap.
 */
export async function routingSession(command: Command): Promise<RoutingSession> {
  const dir = (command.optsWithGlobals() as { data: string }).data;
  let session = sessions.get(dir);
  if (!session) {
    const [{ openCachedNetwork }, { PlaceResolver }, { RoutingContext }] = await Promise.all([
      import("../../network/cache"),
      import("../../network/resolve"),
      import("../../routing/context"),
    ]);
    // from the cache without loading the parsers; the loader and compiler load only when the cache misses
    const net = openCachedNetwork(dir) ?? (await import("../../network/open")).openNetwork(dir);
    session = { net, ctx: new RoutingContext(net), resolver: new PlaceResolver(net.network.places) };
    sessions.set(dir, session);
  }
  return session;
}

/** Split a comma-separated list option. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Parse a numeric option or throw E_USAGE naming it. */
export function numberOption(name: string, value: string | undefined, integer = false): number | undefined {
  return sharedNumberOption(name, value, integer);
}

/** Options shared by route, matrix and demo: --optimize, --cargo, --modes and the constraints. */
export interface CommonRouteFlags {
  optimize?: string;
  cargo?: string;
  modes?: string;
  avoidCountries?: string;
  avoidCrossings?: string;
  close?: string;
  year?: string;
  month?: string;
  co2Price?: string;
  scenario?: string;
  rates?: string;
  costBasis?: string;
}

export function addCommonRouteOptions(command: Command): Command {
  return command
    .option("--optimize <criterion>", "time | cost | co2 | generalized (cost + value of time × time + CO2 price × CO2)", "generalized")
    .option("--cargo <profile>", "cargo profile from cargo.yaml: feu | teu | bulk", "feu")
    .option("--modes <list>", "allowed modes, comma-separated from rail,road,sea,ferry,air (default: rail,road,sea,ferry)")
    .option("--avoid-countries <iso3,...>", "countries the route must not touch")
    .option("--avoid-crossings <id,...>", "border crossings, links, ferries or terminals (ids) not to use")
    .option("--close <chokepoint,...>", "close sea chokepoints (suez, bab-el-mandeb, hormuz, bosphorus, malacca, ...)")
    .option("--year <yyyy>", "include projects open by this year")
    .option("--month <m>", "month of travel 1–12, or now (this month, UTC): seasonal closures and ferry weather delays apply")
    .option("--co2-price <usdPerT>", "CO2 price for --optimize generalized, USD per tonne CO2e", "0")
    .option("--scenario <file>", "ask the network state of a scenario file (year, projects, modifications, closures); the flags above apply on top")
    .option("--rates <yyyy-mm>", "month of the market rate layers (rates/*.yaml) for costs (default: the latest month with data)")
    .option("--cost-basis <basis>", "rates (market rates of the month, the cost model where they say nothing; the default where the dataset has rate layers) | cost (the cost model's unit costs)");
}

/** The rates request of --rates / --cost-basis (routing/query-choices.ts, shared with the API). */
export async function ratesRequestOf(command: Command, net: CompiledNetwork, flags: CommonRouteFlags): Promise<import("../../routing/rates-report").RatesRequest> {
  const { ratesRequestOf: shared } = await import("../../routing/query-choices");
  const dir = (command.optsWithGlobals() as { data: string }).data;
  return shared(dir, net, flags, { rates: "--rates", costBasisIs: (v) => `--cost-basis ${v}` });
}

export function routeOptionsOf(flags: CommonRouteFlags) {
  return {
    criterion: flags.optimize as Criterion | undefined,
    cargo: flags.cargo,
    modes: list(flags.modes),
    avoidCountries: list(flags.avoidCountries),
    avoidIds: list(flags.avoidCrossings),
    closeChokepoints: list(flags.close),
    year: numberOption("--year", flags.year, true) ?? null,
    month: flags.month?.trim().toLowerCase() === "now" ? new Date().getUTCMonth() + 1 : (numberOption("--month", flags.month, true) ?? null),
    co2PriceUsdPerT: numberOption("--co2-price", flags.co2Price),
  };
}

/** Unit label of a cargo profile for tables ("FEU", "TEU", "t"). */
export function cargoUnit(net: CompiledNetwork, cargo: string): string {
  return net.network.cargo.find((c) => c.id === cargo)?.unit ?? cargo;
}

/** Registers `route FROM TO [--via PLACE] [--alternatives N] [options] [--json | --geojson]`. */
export function register(program: Command): void {
  const command = program
    .command("route")
    .description("best route(s) between two places: time, cost, CO2, legs, border and transfer events, countries")
    .argument("<from>", "origin: place id, name, alias, UN/LOCODE or lon,lat")
    .argument("<to>", "destination (same forms)")
    .option("--via <place>", "pass through this place")
    .option("--alternatives <n>", "number of meaningfully different routes (penalty method)", "1")
    .option("--rules-off <id,...|all>", "rules of passage (transit bans, closures in rules/*.yaml) not to apply; all = none")
    .option("--trip-end-dwell", "charge the terminal dwell where the route starts or ends by sea, rail or air (as a transfer there would be)")
    .option("--operations <id,...>", "operation types from operations.yaml, one per mode (e.g. road-team-driven); default each mode's default");
  addCommonRouteOptions(command)
    .option("--json", "print JSON")
    .option("--geojson", "print a GeoJSON FeatureCollection (one LineString per leg)")
    .action(async (from: string, to: string, flags: CommonRouteFlags & { via?: string; alternatives: string; rulesOff?: string; tripEndDwell?: boolean; operations?: string; json?: boolean; geojson?: boolean }, cmd: Command) => {
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
        ...passageChoicesOf(flags),
      });
      if (flags.json) out(`${JSON.stringify(planJson(plan), null, 2)}\n`);
      else if (flags.geojson) out(`${JSON.stringify(planGeoJson(plan))}\n`);
      else out(formatPlan(plan, cargoUnit(net, plan.cargo)));
    });
}
