/**
 * The Pamir crossing between Tajikistan and China and the port dwell on the sea side of India ⇄ China / ASEAN routes.
 *
 * Kulma–Karasu (borders/south.yaml; sources/pamir.yaml): closed 1 December – 20 April (Kashgar customs, China News
 * 2014; appointment windows of 3–4 days twice a month in that period, Xinhua 2014, taken as closed by rule
 * pamir-kulma-winter-closure) up to the winter that ends in 2016, a year-round port since 2016 (Karasu customs via
 * china.org.cn 2023), and Monday–Friday (Asia-Plus 2012, rule pamir-kulma-weekdays). Before these, the data had no
 * season and no opening days on it, so a route in January 2015 crossed the pass at 4,362 m, and the fastest
 * India → China route (Chabahar, Afghanistan, Tajikistan) crossed it in every month; then the closure had no last
 * year, so a route in January of today's network could not cross it.
 *
 * Ports: every seaport reached by a sea lane carries a port terminal (port dwell), and where trains call at it the
 * terminal joins rail, so a box between ship and train pays the port dwell, not the 5 h default transfer (Haiphong
 * paid the default transfer before its terminal joined rail).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const data = net.network;
const idx = (name: string) => resolvePlace(data.places, name);

function best(from: string, to: string, extra: { month?: number; year?: number; criterion?: "time" | "generalized" } = {}): RouteReport {
  return planRoutes(ctx, { from: idx(from), to: idx(to), ...extra }).routes[0];
}
const bordersOf = (r: RouteReport) => r.events.filter((e) => e.type === "border").map((e) => e.ref as string);

describe("Kulma–Karasu: season and opening days", () => {
  const kulma = data.crossings.find((c) => c.id === "kulma-karasu")!;

  it("was closed from December to April up to the winter that ends in 2016, by a sourced, dated calendar", () => {
    expect(kulma.seasonalClosure).not.toBeNull();
    expect(kulma.seasonalClosure!.lastYear).toBe(2016);
    expect(kulma.seasonalClosure!.source).toContain("src:cap-chinaorg-karasu-2023");
    // [year, month, open]: closed in December 2015 and January–April 2016, open in the season and after 2016
    const calendar: [number, number, boolean][] = [
      [2015, 12, false],
      [2015, 1, false],
      [2016, 1, false],
      [2016, 4, false],
      [2015, 5, true],
      [2015, 11, true],
      [2016, 12, true],
      [2024, 1, true],
    ];
    for (const [year, m, open] of calendar) {
      const r = best("Murghob", "Kashgar", { month: m, year });
      expect(bordersOf(r).includes("kulma-karasu"), `${year}-${m}`).toBe(open);
      if (!open) expect(r.countries, `${year}-${m}`).not.toEqual(["TJK", "CHN"]);
    }
  });

  it("is open all year on today's network: every month, and with no month a route names no closure", () => {
    for (let m = 1; m <= 12; m++) {
      const r = best("Murghob", "Kashgar", { month: m });
      expect(bordersOf(r), `month ${m}`).toContain("kulma-karasu");
      expect(r.countries, `month ${m}`).toEqual(["TJK", "CHN"]);
    }
    const r = best("Murghob", "Kashgar");
    expect(r.notes.join("\n")).not.toMatch(/Kulma.*closed seasonally/);
  });

  it("works on weekdays only: a route over it waits for the opening days, as at Torugart and Irkeshtam", () => {
    expect([...kulma.openDays].sort()).toEqual([1, 2, 3, 4, 5]);
    const r = best("Murghob", "Kashgar", { month: 7 });
    const wait = r.events.find((e) => e.type === "closure_wait" && e.ref === "kulma-karasu");
    expect(wait).toBeDefined();
    // Saturday and Sunday closed: one run of two days, 24 · 2² / 14 h
    expect(wait!.timeH).toBeCloseTo((24 * 4) / 14, 6);
  });

  it("no route between India and China or Kyrgyzstan crossed it in January 2016, by either criterion", () => {
    for (const a of ["Delhi", "Kolkata", "Chennai"]) {
      for (const b of ["Urumqi", "Kashgar", "Bishkek"]) {
        for (const criterion of ["time", "generalized"] as const) {
          for (const [from, to] of [
            [a, b],
            [b, a],
          ]) {
            const r = best(from, to, { month: 1, year: 2016, criterion });
            expect(bordersOf(r), `${from} → ${to} (${criterion}, January 2016)`).not.toContain("kulma-karasu");
          }
        }
      }
    }
  });

  it("in January of today's network Karachi → Dushanbe crosses Khunjerab and Kulma, both open all year now", () => {
    const r = best("Karachi", "Dushanbe", { month: 1 });
    expect(bordersOf(r)).toContain("kulma-karasu");
    expect(r.countries).toEqual(["PAK", "CHN", "TJK"]);
    const winter2016 = best("Karachi", "Dushanbe", { month: 1, year: 2016 });
    expect(bordersOf(winter2016)).not.toContain("kulma-karasu");
  });
});

describe("port dwell at the seaports reached by sea", () => {
  const places = new Map(data.places.map((p) => [p.id, p]));
  const terminalsAt = new Map<string, (typeof data.terminals)[number][]>();
  for (const t of data.terminals) terminalsAt.set(t.place, [...(terminalsAt.get(t.place) ?? []), t]);

  it("every place a sea lane reaches (not a waypoint) has a terminal that joins sea, with its dwell and source", () => {
    const missing: string[] = [];
    for (const l of data.links) {
      if (l.mode !== "sea") continue;
      for (const end of [l.from, l.to]) {
        const p = places.get(end)!;
        if (p.kinds.includes("waypoint")) continue;
        const sea = (terminalsAt.get(end) ?? []).filter((t) => t.modes.includes("sea"));
        if (sea.length === 0 || sea.some((t) => !(t.handlingTimeH > 0) || t.source.length === 0)) missing.push(end);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("where trains call at a seaport, its port terminal joins rail, so ship ⇄ train pays the port dwell", () => {
    const railAt = new Set<string>();
    for (const l of data.links) if (l.mode === "rail") for (const e of [l.from, l.to]) railAt.add(e);
    const gaps: string[] = [];
    for (const [place, ts] of terminalsAt) {
      const ports = ts.filter((t) => t.type === "port" && t.modes.includes("sea"));
      if (ports.length > 0 && railAt.has(place) && !ports.some((t) => t.modes.includes("rail"))) gaps.push(place);
    }
    expect(gaps).toEqual([]);
  });

  it("India → Hanoi by sea and rail pays Haiphong's port dwell, as Shenzhen's on India → China", () => {
    const haiphong = data.terminals.find((t) => t.id === "haiphong-port")!;
    const shenzhen = data.terminals.find((t) => t.id === "shenzhen-port")!;
    const r = best("Kolkata", "Hanoi", { criterion: "generalized" });
    expect(r.legs.map((l) => l.mode)).toContain("sea");
    const atHaiphong = r.events.find((e) => e.at === "haiphong" && e.ref === "haiphong-port");
    expect(atHaiphong, JSON.stringify(r.events)).toBeDefined();
    expect(atHaiphong!.timeH).toBe(haiphong.handlingTimeH);
    // the same benchmark rule as the Chinese port (estimate:sea-port-dwell-benchmark), not the 5 h default transfer
    expect(haiphong.handlingTimeH).toBe(shenzhen.handlingTimeH);
    expect(haiphong.source).toContain("estimate:sea-port-dwell-benchmark");
  });
});
