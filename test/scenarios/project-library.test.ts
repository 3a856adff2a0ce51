/**
 * The project library (data/eurasia/projects/*.yaml): at least 30 projects, every project the scenarios issue names
 * is present, every modification has the fixed shape of the scenarios stage's schema (src/scenarios/index.ts) and
 * names ids that exist in the dataset, and every figure is cited (or null with a note saying why).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, validateNetwork } from "../../src/network/load";
import { PROJECT_FIGURES, type Project } from "../../src/network/schema";
import { projectModificationsSchema } from "../../src/scenarios/index";

const DIR = resolve(__dirname, "../../data/eurasia");

/** Projects the library must hold (issue 14 §2), by id. */
const NAMED = [
  "dostyk-moyynty-second-track",
  "bakhty-ayagoz",
  "darbaza-maktaaral",
  "kyzylzhar-moyynty",
  "almaty-bypass",
  "cku-railway",
  "aktau-container-hub",
  "kuryk-sarzha-terminal",
  "khorgos-gateway-expansion",
  "malaszewicze-modernisation",
  "btk-upgrade",
  "baku-port-phase-2",
  "rasht-astara",
  "aktau-kuryk-port-programme",
  "kuryk-port-expansion",
  "asco-ropax-ferry-3",
  "kazakh-caspian-container-fleet",
  "alat-free-economic-zone",
  "anaklia-deep-sea-port",
  "trans-afghan-railway",
  "ml-1",
  "gwadar-port",
  "chabahar-port",
  "turkmenbashi-port",
  "kaz-border-electronic-queue",
  "etir-central-asia",
  "tavan-tolgoi-gashuun-sukhait",
];

const FIGURE_FIELDS: Record<(typeof PROJECT_FIGURES)[number], (p: Project) => readonly (number | boolean | null)[]> = {
  openYear: (p) => [p.openYear],
  lengthKm: (p) => [p.lengthKm],
  capitalCostUsd: (p) => [p.capitalCostUsd, p.costPriceYear],
  capacity: (p) => [
    p.capacityBeforeMtPerYear,
    p.capacityAfterMtPerYear,
    p.capacityBeforeTeuPerYear,
    p.capacityAfterTeuPerYear,
    p.capacityBeforeTrainPairsPerDay,
    p.capacityAfterTrainPairsPerDay,
  ],
  bri: (p) => [p.bri],
};

describe("project library (data/eurasia/projects)", () => {
  const result = validateNetwork(DIR);
  const net = result.network;

  it("validates with the network schema", () => {
    expect(result.problems.slice(0, 20).map(formatProblem)).toEqual([]);
    expect(net).not.toBeNull();
  });
  if (!net) return;
  const projects = net.projects;

  it("holds at least 30 projects, including every project the issue names", () => {
    expect(projects.length).toBeGreaterThanOrEqual(30);
    const ids = new Set(projects.map((p) => p.id));
    expect(NAMED.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("marks every project bri true/false with a source, or null with a note", () => {
    for (const p of projects) {
      const prov = p.provenance.bri;
      if (p.bri === null) expect(prov?.note, `${p.id} bri`).toBeTruthy();
      else expect(prov?.source?.length, `${p.id} bri`).toBeGreaterThan(0);
    }
    // the appraisal needs both kinds
    expect(projects.some((p) => p.bri === true)).toBe(true);
    expect(projects.some((p) => p.bri === false)).toBe(true);
  });

  it("cites every figure it gives and says why every figure it leaves null is unknown", () => {
    const missing: string[] = [];
    for (const p of projects) {
      for (const key of PROJECT_FIGURES) {
        const values = FIGURE_FIELDS[key](p);
        const prov = p.provenance[key];
        const given = values.some((v) => v !== null);
        if (given && !(prov?.source && prov.source.length > 0)) missing.push(`${p.id}.${key}: no source`);
        if (!given && !prov?.note) missing.push(`${p.id}.${key}: null without a note`);
      }
      if (p.capitalCostUsd !== null && p.costPriceYear === null) missing.push(`${p.id}: cost without price year`);
    }
    expect(missing).toEqual([]);
  });

  it("gives every project modifications of the scenarios stage's fixed shape, or a note saying why it has none", () => {
    const bad: string[] = [];
    for (const p of projects) {
      if (p.modifications.length === 0) {
        if (p.modificationsNote.length < 20) bad.push(`${p.id}: no modifications and no note`);
        continue;
      }
      const parsed = projectModificationsSchema.safeParse(p.modifications);
      if (!parsed.success) bad.push(`${p.id}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    }
    expect(bad).toEqual([]);
    // most of the library changes the network (the rest waits for places the network lacks)
    expect(projects.filter((p) => p.modifications.length > 0).length).toBeGreaterThanOrEqual(25);
  });

  it("names only ids, countries and places that exist in the dataset", () => {
    const ids: Record<string, Set<string>> = {
      link: new Set(net.links.map((l) => l.id)),
      crossing: new Set(net.crossings.map((c) => c.id)),
      terminal: new Set(net.terminals.map((t) => t.id)),
      ferry: new Set(net.ferries.map((f) => f.id)),
      chokepoint: new Set(net.chokepoints.map((c) => c.id)),
      country: new Set(net.places.map((p) => p.country).filter((c): c is string => c !== null)),
    };
    const places = new Set(net.places.map((p) => p.id));
    const unknown: string[] = [];
    for (const p of projects) {
      for (const raw of p.modifications) {
        const m = raw as Record<string, unknown>;
        if ("add" in m) {
          const a = m.add as { id: string; from: string; to: string; border?: string };
          if (ids.link.has(a.id)) unknown.push(`${p.id}: add link ${a.id} already exists`);
          for (const end of [a.from, a.to]) if (!places.has(end)) unknown.push(`${p.id}: place ${end}`);
          if (a.border !== undefined && !ids.crossing.has(a.border)) unknown.push(`${p.id}: crossing ${a.border}`);
          continue;
        }
        const target = m.target as string;
        if (typeof m.id === "string" && !ids[target]?.has(m.id)) unknown.push(`${p.id}: ${target} ${m.id}`);
        const select = m.select as { country: string } | undefined;
        if (select !== undefined && !ids.country.has(select.country)) unknown.push(`${p.id}: country ${select.country}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("selects at least one record with every selector, unless the project's note says why not", () => {
    const countryOf = new Map(net.places.map((p) => [p.id, p.country]));
    const empty: string[] = [];
    for (const p of projects) {
      for (const raw of p.modifications) {
        const m = raw as { target?: string; select?: { country: string; mode?: string } };
        if (m.select === undefined) continue;
        const { country, mode } = m.select;
        const n =
          m.target === "link"
            ? net.links.filter((l) => countryOf.get(l.from) === country && (mode === undefined || l.mode === mode)).length
            : m.target === "crossing"
              ? net.crossings.filter((c) => c.countries.includes(country) && (mode === undefined || (c.modes as readonly string[]).includes(mode))).length
              : m.target === "ferry"
                ? net.ferries.filter((f) => countryOf.get(f.from) === country || countryOf.get(f.to) === country).length
                : net.terminals.filter((t) => countryOf.get(t.place) === country).length;
        if (n === 0 && p.modificationsNote === "") empty.push(`${p.id}: ${m.target} ${country}/${mode ?? "*"}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it("cites only sources and rules that sources/*.yaml defines, in modification texts too", () => {
    const unknown: string[] = [];
    for (const p of projects) {
      for (const raw of p.modifications) {
        const text = JSON.stringify(raw);
        for (const [, scheme, id] of text.matchAll(/\b(src|estimate):([a-z0-9][a-z0-9._-]*[a-z0-9])/g)) {
          const known = scheme === "src" ? id in net.sources : id in net.rules;
          if (!known) unknown.push(`${p.id}: ${scheme}:${id}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it("keeps projects that the network's links, terminals and ferries name in step with them", () => {
    // a link built by a project that is not open yet opens no earlier than the project
    const byId = new Map(projects.map((p) => [p.id, p]));
    const late: string[] = [];
    for (const l of net.links) {
      if (l.project === null || l.status === "open") continue;
      const p = byId.get(l.project);
      if (p?.openYear != null && l.openYear !== null && l.openYear < p.openYear) late.push(`${l.id} opens ${l.openYear}, project ${p.id} ${p.openYear}`);
    }
    expect(late).toEqual([]);
  });
});
