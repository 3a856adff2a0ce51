/**
 * Issue 10, item 1: the land border crossings between SCO members and their neighbours in data/eurasia.
 *
 *   every crossing touching a member has a dwell record per direction it is documented in, each with a median, a
 *   source, and a high figure unless listed in KNOWN_NO_HIGH;
 *   each member–land-neighbour pair (LAND_NEIGHBOURS, geography) has a crossing unless listed in KNOWN_NO_CROSSING
 *   with its reason; crossings without any capacity figure are counted against a ceiling.
 *
 * The known lists are gaps of the data as measured on 2026-12-06, not rules: each may only shrink. A gap closed
 * (a high figure added, a crossing added for a listed pair) fails the test until the entry is removed, so the lists
 * stay the true state.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/network/load";

const net = loadNetwork(resolve(__dirname, "../../data/eurasia"));

/** The ten SCO member states (Belarus since July 2024). */
const SCO = ["CHN", "IND", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB", "BLR"];

/** Land neighbours of each member (political map; Kaliningrad gives Russia its Polish and Lithuanian borders). */
const LAND_NEIGHBOURS: Record<string, string[]> = {
  CHN: ["AFG", "BTN", "IND", "KAZ", "KGZ", "LAO", "MMR", "MNG", "NPL", "PAK", "PRK", "RUS", "TJK", "VNM"],
  IND: ["BGD", "BTN", "CHN", "MMR", "NPL", "PAK"],
  IRN: ["AFG", "ARM", "AZE", "IRQ", "PAK", "TKM", "TUR"],
  KAZ: ["CHN", "KGZ", "RUS", "TKM", "UZB"],
  KGZ: ["CHN", "KAZ", "TJK", "UZB"],
  PAK: ["AFG", "CHN", "IND", "IRN"],
  RUS: ["AZE", "BLR", "CHN", "EST", "FIN", "GEO", "KAZ", "LTU", "LVA", "MNG", "NOR", "POL", "PRK", "UKR"],
  TJK: ["AFG", "CHN", "KGZ", "UZB"],
  UZB: ["AFG", "KAZ", "KGZ", "TJK", "TKM"],
  BLR: ["LTU", "LVA", "POL", "RUS", "UKR"],
};

/** Member–neighbour pairs without a crossing in the data, each with why (closed to freight, or a data gap). */
const KNOWN_NO_CROSSING: Record<string, string> = {
  "AFG-CHN": "Wakhjir pass: no road crossing in use",
  "BTN-CHN": "no open crossing",
  "IND-PAK": "Attari–Wagah carries no trade (modelled on purpose, docs/data-format.md)",
  "FIN-RUS": "closed: Finland closed every crossing with Russia from December 2023",
  "NOR-RUS": "Storskog–Borisoglebsky: little freight",
  "RUS-UKR": "closed by the war since February 2022",
  "BLR-UKR": "closed by the war since February 2022",
};

/** [crossing id, leaving country] dwell records without a high figure. */
const KNOWN_NO_HIGH: string[] = [];

/** Crossings touching a member with no capacity figure of any kind (measured 2026-12-06); may only go down. */
const MAX_WITHOUT_CAPACITY = 45;

/**
 * Crossings closed to every shipment the model routes at every date: a crossing_ban of every mode with neither start
 * nor end (the India–China border-trade passes, rule india-china-passes-border-trade-only). They carry no modelled
 * flow, so a missing capacity costs the assignment nothing and they are not counted against the ceiling.
 */
const ALWAYS_CLOSED = new Set((net.passageRules ?? []).filter((r) => r.kind === "crossing_ban" && r.from === null && r.to === null && r.modes.length === 0).flatMap((r) => r.crossings));

const pairKey = (a: string, b: string) => [a, b].sort().join("-");
const member = net.crossings.filter((c) => c.countries.some((x) => SCO.includes(x)));

describe("issue 10 item 1: crossings between SCO members and their neighbours", () => {
  it("gives every member crossing a sourced dwell median for each documented direction, and a high figure unless known", () => {
    const noHigh: string[] = [];
    for (const c of member) {
      expect(c.dwell.length, c.id).toBeGreaterThan(0);
      for (const d of c.dwell) {
        expect(c.countries, `${c.id} fromCountry`).toContain(d.fromCountry);
        expect(d.medianH, `${c.id} ${d.fromCountry}`).toBeGreaterThanOrEqual(0);
        expect(d.source.length, `${c.id} ${d.fromCountry} source`).toBeGreaterThan(0);
        if (d.highH === null || d.highH === undefined) noHigh.push(`${c.id} ${d.fromCountry}`);
        else expect(d.highH, `${c.id} ${d.fromCountry}`).toBeGreaterThanOrEqual(d.medianH);
      }
    }
    expect(noHigh.sort()).toEqual([...KNOWN_NO_HIGH].sort());
  });

  it("has a crossing for every member–land-neighbour pair except the known ones, each with its reason", () => {
    const have = new Set(net.crossings.map((c) => pairKey(c.countries[0], c.countries[1])));
    const missing = new Set<string>();
    for (const [m, ns] of Object.entries(LAND_NEIGHBOURS)) for (const n of ns) if (!have.has(pairKey(m, n))) missing.add(pairKey(m, n));
    expect([...missing].sort()).toEqual(Object.keys(KNOWN_NO_CROSSING).sort());
  });

  it(`leaves at most ${MAX_WITHOUT_CAPACITY} member crossings that modelled freight may use without any capacity figure`, () => {
    const none = member.filter((c) => !ALWAYS_CLOSED.has(c.id) && c.capacityTonnesPerYear == null && c.capacityTrainsPerDay == null && c.capacityVehiclesPerDay == null);
    expect(none.length).toBeLessThanOrEqual(MAX_WITHOUT_CAPACITY);
  });

  it("says in the notes of every member crossing without a capacity why it is unknown", () => {
    const none = member.filter((c) => c.capacityTonnesPerYear == null && c.capacityTrainsPerDay == null && c.capacityVehiclesPerDay == null);
    const silent = none.filter((c) => !/Capacity unknown \(null\): \S/.test(c.notes ?? "")).map((c) => c.id);
    expect(silent).toEqual([]);
  });
});
