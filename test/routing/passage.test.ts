/**
 * Rules of passage on the shipped data/eurasia network (data/eurasia/rules, sources in sources/rules.yaml):
 * transit bans, dated border closures and permit regimes apply by default for the date asked, can be switched off
 * by option or scenario, and are named on the routes they shape.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { passageDate } from "../../src/routing/passage";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import { applyScenario } from "../../src/scenarios/apply";
import { loadScenario } from "../../src/scenarios/load";

const DATA = resolve(__dirname, "../../data/eurasia");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe("passageDate", () => {
  const today = new Date("2026-12-05T21:00:00Z");
  it("is today without a year or month, mid-month with a month, 1 July with a year alone", () => {
    expect(passageDate(null, null, today)).toBe("2026-12-05");
    expect(passageDate(2025, 9, today)).toBe("2025-09-15");
    expect(passageDate(2024, null, today)).toBe("2024-07-01");
    expect(passageDate(null, 3, today)).toBe("2026-03-15");
  });
});

describe.skipIf(!existsSync(DATA))("rules of passage on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const plan = (from: string, to: string, extra: Partial<RouteRequest> = {}) => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra });

  it("Nhava Sheva → Tashkent no longer crosses Pakistan (APTTA excludes Indian goods); with the rules off it may", () => {
    for (const year of [2024, null]) {
      const p = plan("Nhava Sheva", "Tashkent", { year });
      expect(p.passage.rules).toContain("aptta-no-indian-transit");
      const r = p.routes[0];
      expect(r.countries).not.toContain("PAK");
      expect(r.notes.some((n) => n.includes("[aptta-no-indian-transit]") && n.includes("would use PAK"))).toBe(true);
      expect(r.sources.map((s) => s.ref)).toContain("src:rules-aptta-cabinet-2010");
    }
    const off = plan("Nhava Sheva", "Tashkent", { year: 2024, rulesOff: ["all"] });
    expect(off.passage.off).toContain("aptta-no-indian-transit");
    expect(off.routes[0].countries).toContain("PAK");
    expect(off.routes[0].criterionValue).toBeLessThan(plan("Nhava Sheva", "Tashkent", { year: 2024 }).routes[0].criterionValue);
    expect(off.routes[0].notes.some((n) => n.startsWith("rule of passage switched off") && n.includes("aptta-no-indian-transit"))).toBe(true);
  });

  it("Delhi → Kabul no longer goes through Pakistan by default; switching off only the 2010 rule is not enough after April 2025", () => {
    expect(plan("Delhi", "Kabul").routes[0].countries).not.toContain("PAK");
    expect(plan("Delhi", "Kabul", { year: 2024, rulesOff: ["aptta-no-indian-transit"] }).routes[0].countries).toContain("PAK");
    expect(plan("Delhi", "Kabul", { year: 2026, rulesOff: ["aptta-no-indian-transit"] }).routes[0].countries).not.toContain("PAK");
    expect(plan("Delhi", "Kabul", { year: 2026, rulesOff: ["all"] }).routes[0].countries).toContain("PAK");
  });

  it("a transit ban does not forbid the banned country as origin or destination", () => {
    expect(plan("Delhi", "Karachi", { year: 2024 }).routes[0].countries.at(-1)).toBe("PAK");
  });

  it("the Poland–Belarus closure of 12–25 September 2025 moves Xi'an → Duisburg off Brest in that month only", () => {
    const sept = plan("Xi'an", "Duisburg", { modes: ["rail"], year: 2025, month: 9 });
    expect(sept.passage.rules).toContain("poland-belarus-closure-2025-09");
    expect(sept.routes[0].events.map((e) => e.ref)).not.toContain("brest-terespol");
    expect(sept.routes[0].notes.some((n) => n.includes("would use brest-terespol"))).toBe(true);
    const oct = plan("Xi'an", "Duisburg", { modes: ["rail"], year: 2025, month: 10 });
    expect(oct.passage.rules).not.toContain("poland-belarus-closure-2025-09");
    expect(oct.routes[0].events.map((e) => e.ref)).toContain("brest-terespol");
    expect(oct.routes[0].timeH).toBeLessThan(sept.routes[0].timeH);
  });

  it("the Pakistan–Afghanistan closure from 12 October 2025 moves Karachi → Kabul off Torkham and Chaman", () => {
    const border = (r: { events: { type: string; ref?: unknown }[] }) => r.events.filter((e) => e.type === "border").map((e) => e.ref);
    const before = plan("Karachi", "Kabul", { year: 2025, month: 9 });
    expect(before.passage.rules).not.toContain("pakistan-afghanistan-closure-2025-10");
    expect(border(before.routes[0]).some((b) => b === "torkham" || b === "chaman-spin-boldak")).toBe(true);
    const after = plan("Karachi", "Kabul", { year: 2025, month: 11 });
    expect(after.passage.rules).toContain("pakistan-afghanistan-closure-2025-10");
    expect(border(after.routes[0])).not.toContain("torkham");
    expect(border(after.routes[0])).not.toContain("chaman-spin-boldak");
    expect(after.routes[0].timeH).toBeGreaterThan(before.routes[0].timeH);
    const off = plan("Karachi", "Kabul", { year: 2025, month: 11, rulesOff: ["pakistan-afghanistan-closure-2025-10"] });
    expect(border(off.routes[0]).some((b) => b === "torkham" || b === "chaman-spin-boldak")).toBe(true);
  });

  it("the EU road haulage ban is named on a road route through Kukuryki, after April 2022 only", () => {
    const named = (year: number, modes: string[]) => plan("Almaty", "Berlin", { modes, year }).routes[0].notes.some((n) => n.includes("[eu-road-haulage-ban-rus-blr]"));
    expect(named(2024, ["road"])).toBe(true);
    expect(named(2021, ["road"])).toBe(false);
    expect(named(2024, ["rail"])).toBe(false);
  });

  it("a route names the forbidding rules that shaped it, not every rule that concerns its goods", () => {
    const ruleIds = (notes: readonly string[]) => notes.filter((n) => n.startsWith("rule of passage in force")).map((n) => /\[([a-z0-9-]+)\]/.exec(n)![1]);
    // the Nepal rule concerns every shipment of Chinese goods, and APTTA every shipment of Indian goods: neither
    // changes a route from Xi'an to Duisburg or from Delhi to Rotterdam, so neither is named there
    const xian = plan("Xi'an", "Duisburg", { year: 2024 });
    expect(xian.passage.rules).toContain("nepal-china-ports-bilateral");
    expect(ruleIds(xian.routes[0].notes)).toEqual([]);
    const rotterdam = plan("Delhi", "Rotterdam", { year: 2025, month: 6 });
    expect(rotterdam.passage.rules).toEqual(expect.arrayContaining(["aptta-no-indian-transit", "pakistan-india-trade-suspension-2025"]));
    expect(ruleIds(rotterdam.routes[0].notes)).toEqual([]);
    // Delhi → Urumqi by time: without the rules by Pakistan; with the Pakistan rule by Nepal; with that one too by
    // Myanmar or over a border-trade pass: each rule closing one of those ways is named with what it closed
    const urumqi = plan("Delhi", "Urumqi", { year: 2024, criterion: "time" });
    const named = ruleIds(urumqi.routes[0].notes);
    expect(named).toEqual(expect.arrayContaining(["aptta-no-indian-transit", "nepal-china-ports-bilateral"]));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const n of urumqi.routes[0].notes.filter((x) => x.startsWith("rule of passage in force"))) expect(n).toMatch(/; without it the best route would use [A-Za-z]/);
    const nepal = urumqi.routes[0].notes.find((n) => n.includes("[nepal-china-ports-bilateral]"))!;
    expect(nepal).toMatch(/would use NPL$/);
    expect(urumqi.routes[0].countries).not.toContain("NPL");
    expect(urumqi.routes[0].countries).not.toContain("PAK");
  });

  it("an unknown rule id is refused with a suggestion", () => {
    expect(() => plan("Delhi", "Kabul", { rulesOff: ["aptta"] })).toThrow(expect.objectContaining({ code: "E_USAGE", didYouMean: expect.arrayContaining(["aptta-no-indian-transit"]) }));
  });

  it("a scenario switches rules off with rules: { off: ... }", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-rules-"));
    tmp.push(dir);
    const file = join(dir, "no-rules.yaml");
    writeFileSync(file, "name: no rules of passage\nyear: 2024\nrules:\n  off: all\n");
    const state = applyScenario(net, loadScenario(file)).state;
    expect(state.rulesOff).toEqual(["all"]);
    expect(plan("Delhi", "Kabul", { state }).routes[0].countries).toContain("PAK");
    const named = join(dir, "one-rule.yaml");
    writeFileSync(named, "name: one rule off\nyear: 2024\nrules:\n  off: [aptta-no-indian-transit]\n");
    expect(plan("Delhi", "Kabul", { state: applyScenario(net, loadScenario(named)).state }).routes[0].countries).toContain("PAK");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nrules:\n  off: [aptta]\n");
    expect(() => applyScenario(net, loadScenario(bad))).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("the 2025 Kuryk wagon export ban (service_ban) closes the ferry's rail deck leaving Kuryk on its dates only", () => {
    const ferryLegs = (p: ReturnType<typeof plan>) => p.routes[0].legs.filter((l) => l.mode === "ferry").map((l) => `${l.from}>${l.to}`);
    const banned = plan("Kuryk", "Baku", { year: 2025, month: 5, modes: ["rail", "ferry"] });
    expect(banned.passage.rules).toContain("kuryk-wagon-export-ban-2025");
    expect(ferryLegs(banned)).not.toContain("kuryk>alat");
    expect(banned.routes[0].notes.some((n) => n.includes("[kuryk-wagon-export-ban-2025]") && n.includes("would use kuryk-alat-ferry"))).toBe(true);
    expect(banned.routes[0].sources.map((s) => s.ref)).toContain("src:mcw-wtm-kuryk-ban-2025");
    // before and after the ban, and with the rule switched off, the wagons sail from Kuryk
    for (const extra of [{ year: 2025, month: 3 }, { year: 2025, month: 8 }, { year: 2025, month: 5, rulesOff: ["kuryk-wagon-export-ban-2025"] }]) {
      const p = plan("Kuryk", "Baku", { ...extra, modes: ["rail", "ferry"] });
      expect(p.passage.rules).not.toContain("kuryk-wagon-export-ban-2025");
      expect(ferryLegs(p)).toContain("kuryk>alat");
    }
    // wagons sailing to Kuryk are not concerned
    const inbound = plan("Baku", "Kuryk", { year: 2025, month: 5, modes: ["rail", "ferry"] });
    expect(ferryLegs(inbound)).toContain("alat>kuryk");
  });

  it("malformed rule files are reported with file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-rules-data-"));
    tmp.push(dir);
    cpSync(DATA, dir, { recursive: true });
    const lines = [
      "rules:",
      "  - id: bad-date",
      "    name: a ban with a bad date",
      "    kind: transit_ban",
      "    goodsFrom: [IND]",
      "    countries: [PAK]",
      '    from: "2025-02-30"',
      "    what: nothing",
      "    source: [src:rules-pak-nsc-2025]",
      "  - id: bad-closure",
      "    name: closure ending before it starts",
      "    kind: crossing_ban",
      "    crossings: [brest-terespol]",
      '    from: "2025-01-01"',
      '    to: "2024-01-01"',
      "    what: closed",
      "    source: [src:rules-pak-nsc-2025]",
      "  - id: bad-refs",
      "    name: unknown country and source",
      "    kind: transit_ban",
      "    goodsFrom: [IND]",
      "    countries: [PAK, XXY]",
      "    from: null",
      "    what: nothing",
      "    source: [src:rules-pak-nsc-2052]",
      "",
    ];
    lines.push(
      "  - id: bad-service",
      "    name: a ferry ban with an unknown ferry and a place that is not its end",
      "    kind: service_ban",
      "    ferries: [kuryk-alat-fery]",
      "    departing: [aktau]",
      '    from: "2025-01-01"',
      "    what: closed",
      "    source: [src:rules-pak-nsc-2025]",
      "  - id: bad-kind-fields",
      "    name: ferries on a crossing_ban",
      "    kind: crossing_ban",
      "    crossings: [brest-terespol]",
      "    ferries: [kuryk-alat-ferry]",
      '    from: "2025-01-01"',
      "    what: closed",
      "    source: [src:rules-pak-nsc-2025]",
      "",
    );
    writeFileSync(join(dir, "rules", "bad.yaml"), lines.join("\n"));
    const { problems } = validateNetwork(dir);
    const at = (line: number, field: string) => problems.find((p) => p.file === "rules/bad.yaml" && p.line === line && p.field === field);
    expect(at(7, "from")?.message).toMatch(/calendar date/);
    expect(at(15, "to")?.message).toMatch(/after from/);
    expect(at(22, "countries.1")?.message).toMatch(/no place of the network lies in "XXY"/);
    expect(at(25, "source.0")?.code).toBe("E_PROVENANCE_MISSING");
    expect(at(25, "source.0")?.message).toMatch(/did you mean "src:rules-pak-nsc-2025"/);
    expect(at(30, "ferries.0")?.message).toMatch(/unknown ferry "kuryk-alat-fery" \(did you mean "kuryk-alat-ferry"/);
    expect(at(31, "departing.0")?.message).toMatch(/"aktau" is not an end of the rule's ferries/);
    expect(problems.find((p) => p.file === "rules/bad.yaml" && p.field === "ferries" && p.line >= 35)?.message).toMatch(/ferries belong to service_ban/);
  });
});
