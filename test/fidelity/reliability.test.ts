/**
 * Reliability on the shipped data/eurasia network: the P90 time of a route (docs/routing.md § Reliability) and the
 * seasonal calendars the data document.
 *
 *   - Dostyk–Alashankou, leaving China: median 11.3 h (Chinese per-train clearance, Xinhua 2024, + Dostyk train
 *     processing 2016) and high 78 h (CAREC CPMM 2022, Kazakh inbound) — borders/east.yaml. The P90 rule takes the
 *     high figure, so timeP90H − timeH of the crossing alone is 78 − 11.3 = 66.7 h.
 *   - Caspian ferries Kuryk/Aktau ↔ Alat: the Kuryk port director says the port is closed by weather about 50 % of
 *     the time in November–December (src:rel-kuryk-weather): in December the expected wait doubles.
 *   - Upper Lars: closed at times in heavy snow and avalanche danger (reported January 2013, 2019, 2026, February 2015,
 *     2020, April): no closed-day count exists, so routes name it in those months and do not time it.
 *   - Khunjerab: closed ~1 Dec–1 Apr until the winter of 2023–24, open all year since 1 December 2024
 *     (Pakistan Today 2025, src:east-pakistantoday-khunjerab).
 * Expected figures are read from the data records, so a data change moves the test with it; the rule does not.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("reliability and seasons on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const route = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport =>
    planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra }).routes[0];
  const crossing = (id: string) => {
    const c = net.network.crossings.find((x) => x.id === id);
    if (!c) throw new Error(`no crossing ${id}`);
    return c;
  };
  const ferry = (id: string) => {
    const f = net.network.ferries.find((x) => x.id === id);
    if (!f) throw new Error(`no ferry ${id}`);
    return f;
  };
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

  it("Alashankou → Dostyk by rail: the border event's P90 is the crossing's high dwell (78 h) and timeP90H − timeH = high − median", () => {
    const dwell = crossing("dostyk-alashankou").dwell.find((d) => d.fromCountry === "CHN");
    expect(dwell?.highH).not.toBeNull();
    const r = route("alashankou", "dostyk", { modes: ["rail"] });
    const border = r.events.find((e) => e.type === "border" && e.ref === "dostyk-alashankou");
    expect(border?.timeH).toBeCloseTo(dwell?.medianH ?? Number.NaN, 9);
    expect(border?.timeP90H).toBeCloseTo(dwell?.highH ?? Number.NaN, 9);
    // the other events of the route (terminals) have no spread in the data
    const others = r.events.filter((e) => e !== border);
    expect(others.every((e) => e.timeP90H === e.timeH)).toBe(true);
    expect(r.timeP90H - r.timeH).toBeCloseTo((dwell?.highH ?? 0) - (dwell?.medianH ?? 0), 6);
    console.info(`Alashankou → Dostyk rail: timeH ${r.timeH.toFixed(1)} h, timeP90H ${r.timeP90H.toFixed(1)} h`);
  });

  it("a liner's arrival delay is in the P90 where a box leaves the sea (Sea-Intelligence 2024: 53.8 % on time, late by 5.28 d on average)", () => {
    const op = net.network.operations!.find((o) => o.id === "sea-mainline")!;
    const d = op.arrivalDelay!;
    expect(d.onTimeShare).toBe(0.538);
    // rule ops-sea-arrival-delay-p90: P(delay > x) = (1 − s) e^(−x/m), so P90 = m ln((1 − s) / 0.1) = 193.9 h
    const p90 = d.lateMeanDelayH * Math.log((1 - d.onTimeShare) / 0.1);
    expect(p90).toBeCloseTo(193.93, 1);
    const r = route("shanghai", "rotterdam", { modes: ["sea"] });
    const arrivals = r.events.filter((e) => e.type === "sea_arrival");
    expect(arrivals.map((e) => e.at)).toEqual(["rotterdam"]);
    expect(arrivals[0].timeH).toBe(0);
    expect(arrivals[0].timeP90H).toBeCloseTo(p90, 6);
    expect(arrivals[0].ref).toBe("sea-mainline");
    expect(r.timeP90H - r.timeH).toBeCloseTo(sum(r.events.map((e) => e.timeP90H - e.timeH)), 6);
    expect(r.timeP90H - r.timeH).toBeGreaterThanOrEqual(p90 - 1e-9);
    expect(r.sources.map((s) => s.ref)).toContain("src:ops-portnews-seaintel-glp-dec-2024");
    // a rail route never meets it
    expect(route("xian", "duisburg", { modes: ["rail"] }).events.some((e) => e.type === "sea_arrival")).toBe(false);
  });

  it("every crossing's dwell has a high figure: the no-clearance borders (EU internal, customs unions) are 0 h at median and high, so Xi'an → Duisburg names no crossing without one", () => {
    const missing = net.network.crossings.flatMap((c) => c.dwell.filter((d) => d.highH === null || d.highH === undefined).map((d) => `${c.id} from ${d.fromCountry}`));
    expect(missing).toEqual([]);
    const noClearance = net.network.crossings.flatMap((c) =>
      c.dwell.filter((d) => d.source.some((s) => s === "estimate:west-eu-internal-border" || s === "estimate:world-customs-union-border")),
    );
    expect(noClearance.length).toBeGreaterThan(30);
    expect(noClearance.every((d) => d.medianH === 0 && d.highH === 0)).toBe(true);
    const r = route("xian", "duisburg");
    expect(r.events.some((e) => e.type === "border" && e.ref === "frankfurt-oder-rzepin")).toBe(true);
    expect(r.notes.join("\n")).not.toMatch(/no high dwell figure/);
  });

  it("Xi'an → Duisburg by rail: timeP90H = moving time + Σ event P90s, and every event's P90 ≥ its expected time", () => {
    const r = route("xian", "duisburg", { modes: ["rail"] });
    expect(r.timeP90H).toBeCloseTo(sum(r.legs.map((l) => l.timeH)) + sum(r.events.map((e) => e.timeP90H)), 6);
    expect(r.timeH).toBeCloseTo(sum(r.legs.map((l) => l.timeH)) + sum(r.events.map((e) => e.timeH)), 6);
    for (const e of r.events) expect(e.timeP90H).toBeGreaterThanOrEqual(e.timeH);
    expect(r.timeP90H).toBeGreaterThan(r.timeH);
    console.info(`Xi'an → Duisburg rail: timeH ${(r.timeH / 24).toFixed(1)} d, timeP90H ${(r.timeP90H / 24).toFixed(1)} d`);
  });

  it("Kuryk → Baku by ferry in December waits twice as long as in June (port closed by weather half the time in Nov–Dec)", () => {
    const f = ferry("kuryk-alat-ferry");
    expect(f.seasonalDelay?.openShare).toBe(0.5);
    const june = route("kuryk", "baku", { modes: ["ferry", "rail"], month: 6 });
    const december = route("kuryk", "baku", { modes: ["ferry", "rail"], month: 12 });
    const waitOf = (r: RouteReport) => r.events.find((e) => e.type === "ferry_wait" && e.ref === "kuryk-alat-ferry");
    // June: uniform wait over the headway, mean H/2, P90 0.9 H
    expect(waitOf(june)?.timeH).toBeCloseTo(f.headwayH / 2, 9);
    expect(waitOf(june)?.timeP90H).toBeCloseTo(0.9 * f.headwayH, 9);
    // December: the headway stretches to H / openShare
    expect(waitOf(december)?.timeH).toBeCloseTo(f.headwayH / 2 / 0.5, 9);
    expect(waitOf(december)?.timeP90H).toBeCloseTo((0.9 * f.headwayH) / 0.5, 9);
    expect(december.timeH - june.timeH).toBeCloseTo(f.headwayH / 2, 9);
    expect(december.notes.join(" ")).toMatch(/Kuryk–Alat.*50 % of the time/);
    // without a month the delay is named, not applied
    const any = route("kuryk", "baku", { modes: ["ferry", "rail"] });
    expect(any.timeH).toBeCloseTo(june.timeH, 9);
    expect(any.notes.join(" ")).toMatch(/disrupted by weather \(Nov, Dec/);
    console.info(`Kuryk → Baku: June ${june.timeH.toFixed(1)} h (P90 ${june.timeP90H.toFixed(1)}), December ${december.timeH.toFixed(1)} h (P90 ${december.timeP90H.toFixed(1)})`);
  });

  it("Vladikavkaz → Tbilisi by road over Upper Lars names the winter snow closures in January and not in July (no frequency known)", () => {
    expect(crossing("upper-lars").seasonalDisruption?.source.length).toBeGreaterThan(0);
    const jan = route("vladikavkaz", "tbilisi", { modes: ["road"], month: 1 });
    const jul = route("vladikavkaz", "tbilisi", { modes: ["road"], month: 7 });
    expect(jan.events.some((e) => e.ref === "upper-lars")).toBe(true);
    expect(jan.notes.join(" ")).toMatch(/Upper Lars.*snow/);
    expect(jul.notes.join(" ")).not.toMatch(/Upper Lars/);
    // not timed: the same time in both months
    expect(jan.timeH).toBeCloseTo(jul.timeH, 9);
    expect(jan.sources.some((s) => s.ref === "src:rel-upper-lars-snow-2019")).toBe(true);
  });

  it("Islamabad → Kashgar by road crosses Khunjerab in January 2026 (open all year since December 2024) but not in January 2024", () => {
    const c = crossing("khunjerab-sost");
    expect(c.seasonalClosure?.lastYear).toBe(2024);
    const uses = (r: RouteReport) => r.events.some((e) => e.ref === "khunjerab-sost");
    expect(uses(route("islamabad", "kashgar", { modes: ["road"], month: 1, year: 2026 }))).toBe(true);
    // today's network (no year) with a winter month: the closure has ended, and no note speaks of it
    const now = route("islamabad", "kashgar", { modes: ["road"], month: 1 });
    expect(uses(now)).toBe(true);
    expect(uses(route("islamabad", "kashgar", { modes: ["road"] }))).toBe(true);
    expect(route("islamabad", "kashgar", { modes: ["road"] }).notes.join(" ")).not.toMatch(/Khunjerab/);
    // December 2024 is the first open winter; January 2024 was closed
    expect(uses(route("islamabad", "kashgar", { modes: ["road"], month: 12, year: 2024 }))).toBe(true);
    let closed: RouteReport | null = null;
    try {
      closed = route("islamabad", "kashgar", { modes: ["road"], month: 1, year: 2024 });
    } catch (e) {
      expect(e).toBeInstanceOf(CaravanError);
    }
    if (closed) expect(uses(closed)).toBe(false);
  });
});
