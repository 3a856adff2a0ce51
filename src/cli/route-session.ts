/**
 * What the routing commands (route, matrix, demo, gravity pair-times) share: the routing session of the --data
 * dataset (opened once per process) and the common route options (--optimize, --cargo, --modes, constraints, rates).
 */
import type { Command } from "commander";
import type { CompiledNetwork } from "../network/compiled";
import type { PlaceResolver } from "../network/resolve";
import type { RoutingContext } from "../routing/context";
import type { Criterion } from "../routing/options";
import { valueOfTimeChoiceOf } from "../routing/value-of-time";
import { list, numberOption } from "./options";

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
      import("../network/cache"),
      import("../network/resolve"),
      import("../routing/context"),
    ]);
    // from the cache without loading the parsers; the loader and compiler load only when the cache misses
    const net = openCachedNetwork(dir) ?? (await import("../network/open")).openNetwork(dir);
    session = { net, ctx: new RoutingContext(net), resolver: new PlaceResolver(net.network.places) };
    sessions.set(dir, session);
  }
  return session;
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
  valueOfTime?: string;
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
    .option(
      "--value-of-time <basis>",
      "value of time for --optimize generalized: profile (the cargo profile's, 1 % of the cargo value a day; default) | carrying-cost (containers: the cargo value × 28.3 % a year, the basis that divides the China–Europe lane as shippers do; bulk keeps the profile's) | USD per cargo unit per hour",
    )
    .option("--scenario <file>", "ask the network state of a scenario file (year, projects, modifications, closures); the flags above apply on top")
    .option("--rates <yyyy-mm>", "month of the market rate layers (rates/*.yaml) for costs (default: the latest month with data)")
    .option("--cost-basis <basis>", "rates (market rates of the month, the cost model where they say nothing; the default where the dataset has rate layers) | cost (the cost model's unit costs)");
}

/** The rates request of --rates / --cost-basis (routing/query-choices.ts, shared with the API). */
export async function ratesRequestOf(command: Command, net: CompiledNetwork, flags: CommonRouteFlags): Promise<import("../routing/rates-report").RatesRequest> {
  const { ratesRequestOf: shared } = await import("../routing/query-choices");
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
    ...valueOfTimeChoiceOf(flags.valueOfTime, "--value-of-time"),
  };
}

/** Unit label of a cargo profile for tables ("FEU", "TEU", "t"). */
export function cargoUnit(net: CompiledNetwork, cargo: string): string {
  return net.network.cargo.find((c) => c.id === cargo)?.unit ?? cargo;
}

