/**
 * Applying scenarios to a compiled network: every id checked (E_ID_UNKNOWN with "did you mean"), projects turned
 * into their records and modifications, edits turned into one per-arc patch (network/state.ts ArcPatchBuilder), no
 * recompilation — except for `add`ed links, which need arcs the compiled network lacks: all the links added by the
 * scenarios of one comparison are compiled into one extended network once, and each state closes the added arcs
 * that are not its own, so baseline and scenario share one network and one routing index.
 *
 * Rules (docs/scenarios.md):
 *   - `year`: links, ferries and terminals opening by then are open.
 *   - `projects` on: the project's links and terminals that are not open yet are opened whatever the year, and the
 *     modifications of its library entry (data/<dataset>/projects/*.yaml `modifications`) apply first, in order.
 *     off: its links and terminals that are not open yet stay closed whatever the year (an open project cannot be
 *     switched off).
 *   - modifications apply in order after the projects'; a scale after a set scales the set value.
 *   - Contradictions (E_SCENARIO_CONFLICT): one record closed and opened; one record's key `set` to two different
 *     values by id; a project switched on whose record the scenario closes.
 *   - A closed country (`{target: country, id, close: true}`) is avoided by every route; demand starting or ending
 *     there is dropped (and reported).
 *
 * The baseline of a scenario (`baselineOf`) is the same year, demand and parameters without its projects and
 * modifications; the projects it switches on are held closed there, so the comparison shows their effect even in a
 * year after their opening.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { compileNetwork } from "../network/build";
import { ARC_FERRY, ARC_GAUGE_CHANGE, ARC_LINK, ARC_TRANSSHIPMENT, type CompiledNetwork, MODE_CODES, NO_INDEX, STATUS_OPEN } from "../network/compiled";
import { GREAT_CIRCLE_RULE, haversineKm } from "../network/load";
import type { LoadedLink, NetworkData } from "../network/model";
import { ArcPatchBuilder, type NetworkState, resolveNetworkState } from "../network/state";
import { checkRulesOff } from "../routing/passage";
import { type PlacedModification, parseModification, type Scenario } from "./load";
import type { AddModification, EditKey, EditModification } from "./schema";

/** Arc lists of every record of a network, built once per network. */
interface RecordArcs {
  readonly link: Map<string, number[]>;
  readonly ferry: Map<string, number[]>;
  readonly terminal: Map<string, number[]>;
  readonly crossing: Map<string, number[]>;
  /** project id → arcs of its links and terminals. */
  readonly project: Map<string, number[]>;
}

const recordArcsCache = new WeakMap<CompiledNetwork, RecordArcs>();

function recordArcs(net: CompiledNetwork): RecordArcs {
  const cached = recordArcsCache.get(net);
  if (cached) return cached;
  const { arcs, network } = net;
  const out: RecordArcs = { link: new Map(), ferry: new Map(), terminal: new Map(), crossing: new Map(), project: new Map() };
  const push = (map: Map<string, number[]>, key: string, a: number) => {
    const list = map.get(key);
    if (list) list.push(a);
    else map.set(key, [a]);
  };
  for (let a = 0; a < net.graph.arcCount; a++) {
    const r = arcs.record[a];
    const kind = arcs.kind[a];
    if (r !== NO_INDEX) {
      if (kind === ARC_LINK) {
        push(out.link, network.links[r].id, a);
        const p = network.links[r].project;
        if (p !== null) push(out.project, p, a);
      } else if (kind === ARC_FERRY) push(out.ferry, network.ferries[r].id, a);
      else if (kind === ARC_GAUGE_CHANGE || kind === ARC_TRANSSHIPMENT) {
        push(out.terminal, network.terminals[r].id, a);
        const p = network.terminals[r].project;
        if (p !== null) push(out.project, p, a);
      }
    }
    if (arcs.crossing[a] !== NO_INDEX) push(out.crossing, network.crossings[arcs.crossing[a]].id, a);
  }
  recordArcsCache.set(net, out);
  return out;
}

function where(m: PlacedModification): string {
  return `${m.file}:${m.line}`;
}

function unknownId(m: PlacedModification, kind: string, id: string, pool: Iterable<string>): CaravanError {
  return new CaravanError("E_ID_UNKNOWN", `${where(m)}: field "modifications[${m.index}].id": no ${kind} "${id}" in the network`, {
    didYouMean: suggest(id, pool),
    details: { file: m.file, line: m.line, field: `modifications[${m.index}].id`, kind, id },
  });
}

/** The records (by id) an edit modification addresses, with their arcs. */
function targetRecords(net: CompiledNetwork, idx: RecordArcs, pm: PlacedModification, m: EditModification): { id: string; arcs: number[] }[] {
  if (m.target === "chokepoint" || m.target === "country") return [];
  const map = idx[m.target];
  if (m.id !== undefined) {
    const arcs = map.get(m.id);
    if (arcs === undefined) {
      const known = recordIds(net, m.target);
      if (known.includes(m.id)) return [{ id: m.id, arcs: [] }];
      throw unknownId(pm, m.target, m.id, known);
    }
    return [{ id: m.id, arcs }];
  }
  const sel = m.select!;
  const country = net.countries.indexOf(sel.country);
  if (country < 0) {
    throw new CaravanError("E_ID_UNKNOWN", `${where(pm)}: field "modifications[${pm.index}].select.country": no country "${sel.country}" in the network`, {
      didYouMean: suggest(sel.country, net.countries),
      details: { file: pm.file, line: pm.line, field: `modifications[${pm.index}].select.country` },
    });
  }
  const { fromCountry, toCountry, mode } = net.arcs;
  const modeCode = sel.mode === undefined ? -1 : MODE_CODES.indexOf(sel.mode);
  const out: { id: string; arcs: number[] }[] = [];
  for (const [id, arcs] of [...map.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    const chosen = arcs.filter((a) => (fromCountry[a] === country || toCountry[a] === country) && (modeCode < 0 || mode[a] === modeCode));
    if (chosen.length > 0) out.push({ id, arcs: chosen });
  }
  return out;
}

function recordIds(net: CompiledNetwork, target: "link" | "ferry" | "terminal" | "crossing"): string[] {
  const n = net.network;
  if (target === "link") return n.links.map((r) => r.id);
  if (target === "ferry") return n.ferries.map((r) => r.id);
  if (target === "terminal") return n.terminals.map((r) => r.id);
  return n.crossings.map((r) => r.id);
}

/** The charge part a `tariff` edit changes, by target. */
const TARIFF_PART = { link: "moving", crossing: "event", terminal: "all", ferry: "all" } as const;

function applySet(b: ArcPatchBuilder, target: "link" | "crossing" | "terminal" | "ferry", key: EditKey, value: number, a: number): void {
  switch (key) {
    case "dwellH":
      b.setDwellH(a, value);
      break;
    case "capacity":
      b.setCapacityT(a, value);
      break;
    case "speedKmh":
      b.setSpeedKmh(a, value);
      break;
    case "headwayH":
      b.setHeadwayH(a, value);
      break;
    case "tariff":
      // links: USD per FEU-km of the moving part; others: USD per FEU
      b.setChargeFeu(a, TARIFF_PART[target], target === "link" ? value * b.net.arcs.distanceKm[a] : value);
      break;
  }
}

function applyScale(b: ArcPatchBuilder, target: "link" | "crossing" | "terminal" | "ferry", key: EditKey, factor: number, a: number): void {
  switch (key) {
    case "dwellH":
      b.scaleDwellH(a, factor);
      break;
    case "capacity":
      b.scaleCapacity(a, factor);
      break;
    case "speedKmh":
      b.scaleSpeed(a, factor);
      break;
    case "headwayH":
      b.scaleHeadway(a, factor);
      break;
    case "tariff":
      b.scaleChargeFeu(a, TARIFF_PART[target], factor);
      break;
  }
}

/** What a scenario resolves to on one network. */
export interface AppliedScenario {
  readonly state: NetworkState;
  /** ISO3 codes of closed countries (demand to or from them is dropped). */
  readonly closedCountries: readonly string[];
  /** Number of edit modifications applied (projects' included) and of arcs they touched. */
  readonly editCount: number;
  readonly touchedArcs: number;
}

/** Options of applyScenario. */
export interface ApplyOptions {
  /** Apply projects and modifications (false: the scenario's baseline). Default true. */
  readonly edits?: boolean;
  /** Ids of added links the state may use (others are closed). Default: every link added by the scenario. */
  readonly addedLinks?: readonly string[];
}

/** The modifications of a project of the library, checked against the schema (E_SCENARIO_INVALID naming the project). */
export function projectModifications(net: CompiledNetwork, projectId: string): PlacedModification[] {
  const project = net.network.projects.find((p) => p.id === projectId);
  if (!project) throw new RangeError(`projectModifications: unknown project ${projectId}`);
  const list = (project as unknown as { modifications?: unknown[] }).modifications ?? [];
  const origin = net.network.origins[`project:${projectId}`];
  const file = origin ? `${net.network.dir}/${origin.file}` : `project:${projectId}`;
  const line = origin?.line ?? 0;
  return list.map((raw, index) => {
    const parsed = parseModification(raw);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      throw new CaravanError("E_SCENARIO_INVALID", `${file}:${line}: project "${projectId}" field "modifications[${index}].${issue.path.join(".")}": ${issue.message}`, {
        details: { file, line, field: `modifications[${index}]`, project: projectId },
      });
    }
    return { modification: parsed.value, file, line, index };
  });
}

/** Check every project id of a scenario (E_ID_UNKNOWN with suggestions). */
function checkProjects(net: CompiledNetwork, scenario: Scenario): void {
  const ids = net.network.projects.map((p) => p.id);
  for (const id of [...scenario.projectsOn, ...scenario.projectsOff]) {
    if (!ids.includes(id)) {
      const at = scenario.projectOrigins?.[id] ?? { file: scenario.file, field: "projects", line: 0 };
      throw new CaravanError("E_ID_UNKNOWN", `${at.file}:${at.line}: field "${at.field}": no project "${id}" in the library (${net.network.dir}/projects)`, {
        didYouMean: suggest(id, ids),
        details: { file: at.file, line: at.line, field: at.field, id },
      });
    }
  }
}

/**
 * The network state of a scenario on `net` (which must contain the links it adds; see extendedNetwork). With
 * `edits: false`, the scenario's baseline.
 */
export function applyScenario(net: CompiledNetwork, scenario: Scenario, options: ApplyOptions = {}): AppliedScenario {
  const edits = options.edits ?? true;
  checkProjects(net, scenario);
  const applier = new EditApplier(net);
  // added links not in use are closed
  const own = new Set(options.addedLinks ?? (edits ? addedLinks(scenario).map((m) => m.add.id) : []));
  for (const id of allAddedIds(net)) if (!own.has(id)) for (const a of applier.idx.link.get(id) ?? []) applier.b.close(a);
  if (edits) {
    applier.switchProjectsOff(scenario);
    const placed = applier.switchProjectsOn(scenario.projectsOn);
    for (const pm of [...placed, ...scenario.modifications]) applier.apply(pm);
  } else {
    applier.holdProjectsClosed(scenario.projectsOn);
  }
  const closedCountries = [...new Set(applier.closedCountries)].sort();
  const state = resolveNetworkState(
    net,
    {
      year: scenario.year,
      month: scenario.parameters.month ?? null,
      closeChokepoints: [...new Set(applier.closeChokepoints)],
      avoidCountries: closedCountries,
      rulesOff: checkedRulesOff(net, scenario.rulesOff ?? []),
    },
    applier.b.build(),
  );
  return { state, closedCountries, editCount: applier.editCount, touchedArcs: applier.touched.size };
}

/** The phases of applyScenario over one patch builder, with what conflict detection needs to remember. */
class EditApplier {
  readonly idx: RecordArcs;
  readonly b: ArcPatchBuilder;
  readonly closeChokepoints: string[] = [];
  readonly closedCountries: string[] = [];
  readonly touched = new Set<number>();
  editCount = 0;
  /** arc → who opened / closed it (for conflict messages). */
  private readonly opened = new Map<number, string>();
  private readonly closed = new Map<number, string>();
  /** `target:id:key` → the value a `set` by id gave it, and where. */
  private readonly setValues = new Map<string, { value: number; at: string }>();

  constructor(readonly net: CompiledNetwork) {
    this.idx = recordArcs(net);
    this.b = new ArcPatchBuilder(net);
  }

  private projectArcsNotOpen(id: string): number[] {
    const status = this.net.arcs.status;
    return (this.idx.project.get(id) ?? []).filter((a) => status[a] !== STATUS_OPEN);
  }

  /** Baseline: the projects a scenario switches on stay closed whatever the year. */
  holdProjectsClosed(ids: readonly string[]): void {
    for (const id of ids) for (const a of this.projectArcsNotOpen(id)) this.b.close(a);
  }

  switchProjectsOff(scenario: Scenario): void {
    for (const id of scenario.projectsOff) {
      const arcs = this.projectArcsNotOpen(id);
      if (arcs.length === 0) {
        throw new CaravanError("E_SCENARIO_INVALID", `${scenario.file}: field "projects.off": project "${id}" has no link or terminal that is not open yet; an open project cannot be switched off`, {
          details: { file: scenario.file, field: "projects.off", id },
        });
      }
      for (const a of arcs) {
        this.b.close(a);
        this.closed.set(a, `projects.off ${id}`);
      }
    }
  }

  /** Open the projects' records; returns their library modifications, to apply before the scenario's own. */
  switchProjectsOn(ids: readonly string[]): PlacedModification[] {
    const placed: PlacedModification[] = [];
    for (const id of ids) {
      for (const a of this.projectArcsNotOpen(id)) {
        this.b.open(a);
        this.opened.set(a, `project ${id}`);
      }
      placed.push(...projectModifications(this.net, id));
    }
    return placed;
  }

  /** Apply one edit modification (adds were compiled in by extendedNetwork). */
  apply(pm: PlacedModification): void {
    const m = pm.modification;
    if ("add" in m) return;
    this.editCount++;
    if (m.target === "chokepoint") {
      const ids = this.net.network.chokepoints.map((c) => c.id);
      if (!ids.includes(m.id!)) throw unknownId(pm, "chokepoint", m.id!, ids);
      this.closeChokepoints.push(m.id!);
      return;
    }
    if (m.target === "country") {
      if (!this.net.countries.includes(m.id!)) throw unknownId(pm, "country", m.id!, this.net.countries);
      this.closedCountries.push(m.id!);
      return;
    }
    const target = m.target;
    for (const rec of targetRecords(this.net, this.idx, pm, m)) {
      if (m.close) this.closeRecord(pm, target, rec);
      else if (m.open) this.openRecord(pm, target, rec);
      else if (m.set) this.setRecord(pm, target, m.set, m.id !== undefined, rec);
      else if (m.scale) for (const [key, factor] of Object.entries(m.scale) as [EditKey, number][]) for (const a of rec.arcs) applyScale(this.b, target, key, factor, a);
      for (const a of rec.arcs) this.touched.add(a);
    }
  }

  private closeRecord(pm: PlacedModification, target: string, rec: { id: string; arcs: number[] }): void {
    for (const a of rec.arcs) {
      const other = this.opened.get(a);
      if (other !== undefined) throw conflict(pm, `${target} "${rec.id}" is closed here and opened by ${other}`);
      this.b.close(a);
      this.closed.set(a, where(pm));
    }
  }

  private openRecord(pm: PlacedModification, target: string, rec: { id: string; arcs: number[] }): void {
    for (const a of rec.arcs) {
      const other = this.closed.get(a);
      if (other !== undefined) throw conflict(pm, `${target} "${rec.id}" is opened here and closed at ${other}`);
      this.b.open(a);
      this.opened.set(a, where(pm));
    }
  }

  /** A `set` by id must not contradict an earlier `set` by id of the same record and key. */
  private setRecord(pm: PlacedModification, target: "link" | "crossing" | "terminal" | "ferry", set: Partial<Record<EditKey, number>>, byId: boolean, rec: { id: string; arcs: number[] }): void {
    for (const [key, value] of Object.entries(set) as [EditKey, number][]) {
      if (byId) {
        const k = `${target}:${rec.id}:${key}`;
        const prev = this.setValues.get(k);
        if (prev !== undefined && prev.value !== value) throw conflict(pm, `${target} "${rec.id}" ${key} is set to ${value} here and to ${prev.value} at ${prev.at}`);
        this.setValues.set(k, { value, at: where(pm) });
      }
      for (const a of rec.arcs) applySet(this.b, target, key, value, a);
    }
  }
}

function conflict(pm: PlacedModification, text: string): CaravanError {
  return new CaravanError("E_SCENARIO_CONFLICT", `${where(pm)}: field "modifications[${pm.index}]": contradictory edits: ${text}`, {
    details: { file: pm.file, line: pm.line, field: `modifications[${pm.index}]` },
  });
}

/** The `add` modifications of a scenario (its own and its projects'), in order. */
export function addedLinks(scenario: Scenario): AddModification[] {
  return scenario.modifications.map((pm) => pm.modification).filter((m): m is AddModification => "add" in m);
}

const addedIdsOf = new WeakMap<CompiledNetwork, readonly string[]>();

function allAddedIds(net: CompiledNetwork): readonly string[] {
  return addedIdsOf.get(net) ?? [];
}

/**
 * The network with the links added by any of `scenarios` compiled in (the compiled network itself when none adds
 * one). Checks the added links: places, border and a new id (E_ID_UNKNOWN / E_SCENARIO_CONFLICT).
 */
export function extendedNetwork(net: CompiledNetwork, scenarios: readonly Scenario[]): CompiledNetwork {
  const adds: { m: AddModification; pm: PlacedModification }[] = [];
  for (const s of scenarios) for (const pm of s.modifications) if ("add" in pm.modification) adds.push({ m: pm.modification, pm });
  if (adds.length === 0) return net;
  const data = net.network;
  const placeIds = new Map(data.places.map((p, i) => [p.id, i]));
  const linkIds = new Set(data.links.map((l) => l.id));
  const crossingIds = data.crossings.map((c) => c.id);
  const added = new Map<string, LoadedLink>();
  for (const { m, pm } of adds) {
    const l = m.add;
    for (const end of ["from", "to"] as const) {
      if (!placeIds.has(l[end])) {
        throw new CaravanError("E_ID_UNKNOWN", `${where(pm)}: field "modifications[${pm.index}].add.${end}": no place "${l[end]}" in the network`, {
          didYouMean: suggest(l[end], placeIds.keys()),
          details: { file: pm.file, line: pm.line, field: `modifications[${pm.index}].add.${end}` },
        });
      }
    }
    if (l.border !== undefined && !crossingIds.includes(l.border)) {
      throw new CaravanError("E_ID_UNKNOWN", `${where(pm)}: field "modifications[${pm.index}].add.border": no crossing "${l.border}" in the network`, {
        didYouMean: suggest(l.border, crossingIds),
        details: { file: pm.file, line: pm.line, field: `modifications[${pm.index}].add.border` },
      });
    }
    if (linkIds.has(l.id)) throw conflict(pm, `link "${l.id}" exists in the network; an added link needs a new id`);
    const prev = added.get(l.id);
    const link = newLoadedLink(data, l, m, placeIds);
    if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(link)) throw conflict(pm, `link "${l.id}" is added twice with different figures`);
    added.set(l.id, link);
  }
  const extended: NetworkData = { ...data, links: [...data.links, ...added.values()] };
  const out = compileNetwork(extended);
  addedIdsOf.set(out, [...added.keys()]);
  return out;
}

function newLoadedLink(data: NetworkData, l: AddModification["add"], m: AddModification, placeIds: Map<string, number>): LoadedLink {
  let distanceKm = l.distanceKm;
  let distanceEstimated = false;
  if (distanceKm === undefined) {
    const a = data.places[placeIds.get(l.from)!];
    const b = data.places[placeIds.get(l.to)!];
    distanceKm = haversineKm(a.lonDeg, a.latDeg, b.lonDeg, b.latDeg) * data.modes.modes[l.mode].circuityFactor.value;
    distanceEstimated = true;
  }
  const provenance = m.source ?? m.assumption ?? "";
  return {
    id: l.id,
    from: l.from,
    to: l.to,
    mode: l.mode,
    gaugeMm: l.gaugeMm ?? null,
    distanceKm,
    distanceEstimated,
    distanceSource: distanceEstimated ? [`estimate:${l.distanceRule ?? GREAT_CIRCLE_RULE}`] : [],
    speedKmh: l.speedKmh ?? null,
    status: "open",
    openYear: null,
    oneway: l.oneway ?? false,
    capacityTonnesPerYear: l.capacity ?? null,
    capacityTeuPerYear: null,
    capacityTrainsPerDay: null,
    costUsdPerFeuKm: l.tariff ?? null,
    border: l.border ?? null,
    chokepoint: null,
    project: null,
    source: [],
    notes: `added by a scenario: ${provenance}`,
  } as LoadedLink;
}

/** The rules of passage a scenario switches off, checked against the dataset (E_USAGE with did-you-mean). */
function checkedRulesOff(net: CompiledNetwork, rulesOff: readonly string[]): readonly string[] {
  checkRulesOff(net, rulesOff);
  return rulesOff;
}
