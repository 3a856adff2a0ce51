/**
 * Network states for the with/without comparison, built by the scenarios stage: a scenario of one network year with
 * some projects of the library switched on (their links and terminals opened, their modifications applied) and
 * others switched off (their links and terminals that are not open yet closed).
 *
 * src/scenarios/index.ts does not export the application functions yet, so this adapter imports them from their
 * module; it is the only place of the appraisal stage that touches the scenarios stage.
 */
import type { CompiledNetwork } from "../network/compiled";
import type { NetworkState } from "../network/state";
import { RoutingContext } from "../routing/index";
import { applyScenario, extendedNetwork } from "../scenarios/apply";
import { loadScenario, type Scenario } from "../scenarios/load";

/** Projects of the list that have a link or terminal not open yet (only those can be switched off). */
export function switchable(net: CompiledNetwork, ids: readonly string[]): string[] {
  const want = new Set(ids);
  const out = new Set<string>();
  for (const l of net.network.links) if (l.project !== null && want.has(l.project) && l.status !== "open") out.add(l.project);
  for (const t of net.network.terminals) if (t.project !== null && want.has(t.project) && t.status !== "open") out.add(t.project);
  return [...out].sort();
}

function scenarioOf(year: number, on: readonly string[], off: readonly string[]): Scenario {
  return {
    name: `appraisal ${year}: on ${on.join(",") || "-"}; off ${off.join(",") || "-"}`,
    description: "",
    file: "appraisal",
    chain: [],
    year,
    projectsOn: [...on].sort(),
    projectsOff: [...off].sort(),
    modifications: [],
    demand: null,
    parameters: { valueOfTimeUsdPerH: {} },
  };
}

/** The two states of a comparison and the routing context over the network both live on. */
export interface ComparisonStates {
  readonly ctx: RoutingContext;
  readonly without: NetworkState;
  readonly with: NetworkState;
}

export interface ProjectSwitches {
  readonly on: readonly string[];
  readonly off: readonly string[];
}

/**
 * The states of `year` without and with (projects switched on and off as given; projects without records that are
 * not open yet are left out of `off`, since an open project cannot be switched off). Both live on the network
 * extended by any link the projects add; `base` is reused when none does.
 */
export function comparisonStates(base: RoutingContext, year: number, without: ProjectSwitches, withProjects: ProjectSwitches): ComparisonStates {
  const net = base.net;
  const a = scenarioOf(year, without.on, switchable(net, without.off));
  const b = scenarioOf(year, withProjects.on, switchable(net, withProjects.off));
  const ext = extendedNetwork(net, [a, b]);
  const ctx = ext === net ? base : new RoutingContext(ext);
  return { ctx, without: applyScenario(ext, a).state, with: applyScenario(ext, b).state };
}

/** One state of `year` with the projects switched as given, and its name (for caches of states and equilibria). */
export function switchedState(ctx: RoutingContext, year: number, switches: ProjectSwitches): { readonly key: string; readonly state: NetworkState } {
  const sc = scenarioOf(year, switches.on, switchable(ctx.net, switches.off));
  if (extendedNetwork(ctx.net, [sc]) !== ctx.net) throw new RangeError("switchedState: an appraisal state adds no link");
  return { key: sc.name, state: applyScenario(ctx.net, sc).state };
}

/** A scenario file's states: its baseline (projects not applied) and the scenario itself. */
export function scenarioFileStates(base: RoutingContext, file: string): ComparisonStates & { readonly scenario: Scenario } {
  const scenario = loadScenario(file);
  const ext = extendedNetwork(base.net, [scenario]);
  const ctx = ext === base.net ? base : new RoutingContext(ext);
  return { ctx, scenario, without: applyScenario(ext, scenario, { edits: false }).state, with: applyScenario(ext, scenario).state };
}

/** The demand file a scenario file names (absolute path), or null. */
export function scenarioDemandFile(file: string): string | null {
  return loadScenario(file).demand?.file ?? null;
}
