/**
 * `--scenario FILE` of route, matrix and assign: the network state of a scenario (its year, projects,
 * modifications and closures) for a single query. Query flags (criterion, cargo, modes, prices) keep their meaning;
 * --year, --month, --close, --avoid-* given on the command line apply on top of the scenario's state.
 */
import type { Command } from "commander";
import type { CompiledNetwork } from "../network/compiled";
import type { PlaceResolver } from "../network/resolve";
import type { NetworkState } from "../network/state";
import type { RoutingContext } from "../routing/context";

export interface ScenarioSession {
  /** The network the state belongs to (the dataset's, or it extended by links the scenario adds). */
  readonly net: CompiledNetwork;
  readonly ctx: RoutingContext;
  readonly resolver: PlaceResolver;
  readonly state: NetworkState;
}

/** Open the dataset of the global --data option and apply the scenario file to it. */
export async function scenarioSession(command: Command, file: string): Promise<ScenarioSession> {
  const dir = (command.optsWithGlobals() as { data: string }).data;
  const [{ openNetwork }, { PlaceResolver }, { RoutingContext }, { loadScenario }, { applyScenario, extendedNetwork }] = await Promise.all([
    import("../network/open"),
    import("../network/resolve"),
    import("../routing/context"),
    import("../scenarios/load"),
    import("../scenarios/apply"),
  ]);
  const scenario = loadScenario(file);
  const net = extendedNetwork(openNetwork(dir), [scenario]);
  const { state } = applyScenario(net, scenario);
  return { net, ctx: new RoutingContext(net), resolver: new PlaceResolver(net.network.places), state };
}

/** Open/closed flags absent from the command line must not replace the scenario's (routeOptionsOf gives null). */
export function keepScenarioYear(flags: { year?: string; month?: string }): { year?: undefined; month?: undefined } {
  return { ...(flags.year === undefined ? { year: undefined } : {}), ...(flags.month === undefined ? { month: undefined } : {}) };
}

/** A routing session for route and matrix: the scenario's when --scenario is given, else the plain dataset's. */
export async function scenarioRouting(
  command: Command,
  flags: { scenario?: string; year?: string; month?: string },
  plain: (command: Command) => Promise<{ net: CompiledNetwork; ctx: RoutingContext; resolver: PlaceResolver }>,
): Promise<{ net: CompiledNetwork; ctx: RoutingContext; resolver: PlaceResolver; scenarioOptions: { state?: NetworkState; year?: undefined; month?: undefined } }> {
  if (flags.scenario === undefined) return { ...(await plain(command)), scenarioOptions: {} };
  const s = await scenarioSession(command, flags.scenario);
  return { net: s.net, ctx: s.ctx, resolver: s.resolver, scenarioOptions: { state: s.state, ...keepScenarioYear(flags) } };
}
