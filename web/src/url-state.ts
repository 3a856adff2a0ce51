/**
 * The app's state in the URL (shareable links): view, route query (from, to, options, cost basis and rates month,
 * rules of passage switched off), network layers and year,
 * scenario pair, stored run (and the runs list filters). Parsing is lenient (unknown or malformed values fall back to defaults); serialising omits defaults
 * so links stay short.
 */

export const VIEWS = ["network", "route", "flows", "scenarios", "trade", "runs"] as const;
export type View = (typeof VIEWS)[number];

export const NETWORK_LAYERS = ["rail1520", "rail1435", "road", "sea", "ferry", "crossings", "ports", "terminals", "projects"] as const;
export type NetworkLayer = (typeof NETWORK_LAYERS)[number];

export const OPTIMIZE = ["generalized", "time", "cost", "co2"] as const;
/** Cost bases of the route API ("" = the server's default: market rates where the dataset has rate layers). */
export const COST_BASES = ["", "rates", "cost"] as const;
/** A rates month as the API takes it. */
export const RATES_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const CARGO = ["feu", "teu", "bulk"] as const;
export const MODES = ["rail", "road", "sea", "ferry", "air"] as const;
export const DEFAULT_MODES = ["rail", "road", "sea", "ferry"];
/** Chokepoint ids of data/eurasia/chokepoints.yaml (test/web/url-state.test.ts fails when they drift apart). */
export const CHOKEPOINTS: readonly { id: string; name: string }[] = [
  { id: "suez", name: "Suez Canal" },
  { id: "bab-el-mandeb", name: "Bab-el-Mandeb" },
  { id: "malacca", name: "Strait of Malacca (with the Singapore Strait)" },
  { id: "hormuz", name: "Strait of Hormuz" },
  { id: "bosphorus", name: "Bosphorus" },
  { id: "dardanelles", name: "Dardanelles" },
  { id: "gibraltar", name: "Strait of Gibraltar" },
  { id: "dover", name: "Strait of Dover" },
  { id: "cape", name: "Cape of Good Hope" },
  { id: "danish-straits", name: "Danish Straits (Great Belt)" },
  { id: "kiel", name: "Kiel Canal" },
  { id: "sunda", name: "Sunda Strait" },
  { id: "lombok", name: "Lombok Strait" },
  { id: "taiwan-strait", name: "Taiwan Strait" },
];

/** Run statuses of the run store (src/store/schema.ts RUN_STATUSES), the runs list's status filter. */
export const RUN_STATUSES = ["running", "done", "failed", "interrupted"] as const;

/** Values of time the route view offers beside the profile's ("" ): the carrying cost (API valueOfTime). */
export const VOT_BASES = ["", "carrying-cost"] as const;

export const YEAR_MIN = 2024;
export const YEAR_MAX = 2035;

export interface AppState {
  view: View;
  from: string;
  to: string;
  alternatives: number;
  optimize: string;
  cargo: string;
  modes: string[];
  avoidCountries: string[];
  close: string[];
  /** null = today's network (open links only) */
  year: number | null;
  /** "" = the server's default basis, "rates" or "cost" */
  costBasis: string;
  /** rates month YYYY-MM; "" = the latest month with rates */
  rates: string;
  /** rules of passage switched off (rule ids, or "all") */
  rulesOff: string[];
  /** value of time of the generalized criterion: "" = the cargo profile's, "carrying-cost" */
  vot: string;
  layers: NetworkLayer[];
  base: string;
  scenario: string;
  /** the stored run opened in the runs view (id or unique prefix); "" = none */
  run: string;
  /** runs list filters: run kind ("" = all) and status ("" = all) */
  runKind: string;
  runStatus: string;
}

export const DEFAULT_STATE: AppState = {
  view: "network",
  from: "",
  to: "",
  alternatives: 3,
  optimize: "generalized",
  cargo: "feu",
  modes: DEFAULT_MODES,
  avoidCountries: [],
  close: [],
  year: null,
  costBasis: "",
  rates: "",
  rulesOff: [],
  vot: "",
  layers: ["rail1520", "rail1435", "road", "sea", "ferry", "crossings", "ports", "terminals", "projects"],
  base: "",
  scenario: "",
  run: "",
  runKind: "",
  runStatus: "",
};

function list(value: string | null): string[] | null {
  if (value === null) return null;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseState(search: string): AppState {
  const q = new URLSearchParams(search);
  const alternatives = Number(q.get("alternatives"));
  const year = Number(q.get("year"));
  const layers = list(q.get("layers"));
  return {
    view: oneOf(q.get("view"), VIEWS, DEFAULT_STATE.view),
    from: q.get("from") ?? "",
    to: q.get("to") ?? "",
    alternatives: Number.isInteger(alternatives) && alternatives >= 1 && alternatives <= 5 ? alternatives : DEFAULT_STATE.alternatives,
    optimize: oneOf(q.get("optimize"), OPTIMIZE, "generalized"),
    cargo: oneOf(q.get("cargo"), CARGO, "feu"),
    modes: (list(q.get("modes")) ?? DEFAULT_MODES).filter((m) => (MODES as readonly string[]).includes(m)),
    avoidCountries: (list(q.get("avoidCountries")) ?? []).map((c) => c.toUpperCase()),
    close: list(q.get("close")) ?? [],
    year: q.has("year") && Number.isInteger(year) && year >= 1900 && year <= 2100 ? year : null,
    costBasis: oneOf(q.get("costBasis"), COST_BASES, ""),
    rates: RATES_MONTH.test(q.get("rates") ?? "") ? (q.get("rates") as string) : "",
    rulesOff: list(q.get("rulesOff")) ?? [],
    vot: oneOf(q.get("vot"), VOT_BASES, ""),
    layers: layers === null ? DEFAULT_STATE.layers : (layers.filter((l) => (NETWORK_LAYERS as readonly string[]).includes(l)) as NetworkLayer[]),
    base: q.get("base") ?? "",
    scenario: q.get("scenario") ?? "",
    run: q.get("run") ?? "",
    runKind: q.get("runKind") ?? "",
    runStatus: oneOf(q.get("runStatus"), ["", ...RUN_STATUSES], ""),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function serializeState(state: AppState): string {
  const q = new URLSearchParams();
  q.set("view", state.view);
  if (state.from) q.set("from", state.from);
  if (state.to) q.set("to", state.to);
  if (state.alternatives !== DEFAULT_STATE.alternatives) q.set("alternatives", String(state.alternatives));
  if (state.optimize !== DEFAULT_STATE.optimize) q.set("optimize", state.optimize);
  if (state.cargo !== DEFAULT_STATE.cargo) q.set("cargo", state.cargo);
  if (!sameList(state.modes, DEFAULT_MODES)) q.set("modes", state.modes.join(","));
  if (state.avoidCountries.length > 0) q.set("avoidCountries", state.avoidCountries.join(","));
  if (state.close.length > 0) q.set("close", state.close.join(","));
  if (state.year !== null) q.set("year", String(state.year));
  if (state.costBasis) q.set("costBasis", state.costBasis);
  if (state.rates) q.set("rates", state.rates);
  if (state.rulesOff.length > 0) q.set("rulesOff", state.rulesOff.join(","));
  if (state.vot) q.set("vot", state.vot);
  if (!sameList(state.layers, DEFAULT_STATE.layers)) q.set("layers", state.layers.join(","));
  if (state.base) q.set("base", state.base);
  if (state.scenario) q.set("scenario", state.scenario);
  if (state.run) q.set("run", state.run);
  if (state.runKind) q.set("runKind", state.runKind);
  if (state.runStatus) q.set("runStatus", state.runStatus);
  return `?${q.toString().replace(/%2C/g, ",")}`;
}
