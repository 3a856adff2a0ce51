/**
 * The network states of the Belt and Road study, built by the scenarios stage on today's network:
 *   baseline   today's open network;
 *   projects   every project of the library with `bri: true` switched on (links and terminals opened, modifications
 *              applied);
 *   borders    the median and high border dwell halved at every border crossing of the network (the corridor
 *              crossings: the dataset is the corridor network);
 *   both       projects and borders together.
 * every state with the same rules of passage switched off when the study is asked to (`rulesOff`, as a scenario's
 * `rules: off`: a setting of the comparison, not a change), and the country-pair shipment times of each variant
 * against the baseline (population-weighted city pairs,
 * src/trade/pair-times/pair-times.ts), for all modes and for land and sea (no air): the fastest route's time, or with
 * `modeShares` the expected time over the modes shippers use (the study's default, docs/belt-and-road.md).
 */
import type { CompiledNetwork } from "../../network/compiled";
import type { NetworkState } from "../../network/state";
import { RoutingContext } from "../../routing/index";
import { applyScenario, extendedNetwork } from "../../scenarios/apply";
import type { PlacedModification, Scenario } from "../../scenarios/load";
import type { RatesRequest } from "../../routing/rates-report";
import { type CountryPairTimes, computePairTimes, type ModeShareTable } from "../../trade/pair-times/pair-times";

export const VARIANTS = ["projects", "borders", "both"] as const;
export type VariantName = (typeof VARIANTS)[number];

export const ALL_MODES = ["rail", "road", "sea", "ferry", "air"] as const;
export const LAND_SEA_MODES = ["rail", "road", "sea", "ferry"] as const;

/** Ids of the library's Belt and Road projects (bri: true). */
export function briProjects(net: CompiledNetwork): string[] {
  return (net.network.projects as readonly { id: string; bri?: boolean | null }[]).filter((p) => p.bri === true).map((p) => p.id);
}

/** ISO3 codes of the economies hosting a Belt and Road project of the library. */
export function briEconomies(net: CompiledNetwork): string[] {
  const out = new Set<string>();
  for (const p of net.network.projects as readonly { bri?: boolean | null; country: readonly string[] }[]) if (p.bri === true) for (const c of p.country) out.add(c);
  return [...out].sort();
}

function scenario(name: string, projectsOn: readonly string[], modifications: readonly PlacedModification[], rulesOff: readonly string[]): Scenario {
  return {
    name,
    description: "",
    file: `belt-and-road:${name}`,
    chain: [],
    year: null,
    projectsOn: [...projectsOn].sort(),
    projectsOff: [],
    modifications,
    demand: null,
    parameters: { valueOfTimeUsdPerH: {} },
    rulesOff,
  };
}

function halvedDwell(net: CompiledNetwork): PlacedModification[] {
  return net.network.crossings.map((c, index) => ({
    modification: { target: "crossing", id: c.id, scale: { dwellH: 0.5 }, assumption: "study variant: border dwell halved at the corridor crossings" } as PlacedModification["modification"],
    file: "belt-and-road:borders",
    line: 0,
    index,
  }));
}

export interface StudyStates {
  readonly ctx: RoutingContext;
  readonly baseline: NetworkState;
  readonly variants: Readonly<Record<VariantName, NetworkState>>;
  readonly projects: readonly string[];
  /** The baseline's city times by mode set, rule and cargo, computed once for every variant. */
  readonly baselineTimes: Map<string, Float64Array>;
}

/**
 * Build the four states (on the network extended by any link the projects add). `rulesOff`: rules of passage
 * (rules/*.yaml ids, or "all") not to apply in any of them; an unknown id is E_USAGE with did-you-mean.
 */
export function studyStates(base: RoutingContext, options: { readonly rulesOff?: readonly string[] } = {}): StudyStates {
  const net0 = base.net;
  const projects = briProjects(net0);
  const dwell = halvedDwell(net0);
  const rulesOff = options.rulesOff ?? [];
  const scs = {
    baseline: scenario("baseline", [], [], rulesOff),
    projects: scenario("projects", projects, [], rulesOff),
    borders: scenario("borders", [], dwell, rulesOff),
    both: scenario("both", projects, dwell, rulesOff),
  };
  const net = extendedNetwork(net0, Object.values(scs));
  const ctx = net === net0 ? base : new RoutingContext(net);
  return {
    ctx,
    baseline: applyScenario(net, scs.baseline).state,
    variants: { projects: applyScenario(net, scs.projects).state, borders: applyScenario(net, scs.borders).state, both: applyScenario(net, scs.both).state },
    projects,
    baselineTimes: new Map(),
  };
}

export interface VariantTimes {
  readonly all: CountryPairTimes;
  readonly landSea: CountryPairTimes;
}

const tableIds = new WeakMap<ModeShareTable, number>();
let nextTableId = 1;
function tableId(t: ModeShareTable): number {
  const known = tableIds.get(t);
  if (known !== undefined) return known;
  const id = nextTableId++;
  tableIds.set(t, id);
  return id;
}

/** Country-pair times of a variant against the baseline, for both mode sets (one baseline computation per study). */
export function variantTimes(
  states: StudyStates,
  variant: VariantName,
  options: { countries?: readonly string[]; cargo?: string; modeShares?: ModeShareTable; rates?: RatesRequest } = {},
): VariantTimes {
  const ratesKey = options.rates === undefined || options.rates.basis === "cost" ? "cost" : `rates:${options.rates.month ?? "latest"}`;
  const run = (modes: readonly string[]) => {
    const key = `${modes.join(",")}|${options.modeShares ? `mode-share#${tableId(options.modeShares)}` : "fastest"}|${options.cargo ?? "feu"}|${options.countries?.join(",") ?? "all"}|${ratesKey}`;
    const cached = states.baselineTimes.get(key);
    const t = computePairTimes(states.ctx.net, {
      baseline: { state: states.baseline, modes },
      scenario: { state: states.variants[variant], modes },
      ...(options.countries ? { countries: options.countries } : {}),
      cargo: options.cargo ?? "feu",
      criterion: "time",
      context: states.ctx,
      ...(options.modeShares ? { modeShares: options.modeShares } : {}),
      ...(options.rates ? { rates: options.rates } : {}),
      ...(cached ? { baselineCityTimeH: cached } : {}),
    });
    if (!cached) states.baselineTimes.set(key, t.cityBaselineTimeH);
    return t;
  };
  return { all: run(ALL_MODES), landSea: run(LAND_SEA_MODES) };
}
