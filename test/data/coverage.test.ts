/**
 * Coverage of the shipped dataset data/eurasia (issue 10, "Done when") and the coverage figures of `network stats`.
 *
 *   Routes: every pair of the thirteen capitals and metros below resolves by name, by surface modes, and crosses
 *   plausible borders: each country a route touches is its origin's, one joined by a border crossing it uses, or the
 *   country of a port where a sea leg starts or ends; in the route's order, each step from one country to the next
 *   is a border crossing the route uses or a sailing (sea or ferry leg) between the two; the rules of passage in force
 *   today hold (no crossing a crossing_ban closes, no overland transit of Pakistan from or to India; Karachi ⇄ Kabul
 *   goes round the closed Torkham and Chaman and names the closure); the India–Pakistan land border (no trade
 *   crossing) is never crossed; named pairs use the crossings that carry their trade.
 *
 *   Stats over the testbot fixture (test/fixtures/testbot/README.md), by hand:
 *     CHN  portia ─400─ alpha ─100─ east-gate ═10═ west-gate ─600─ gamma ─200 rail / road ~─ harbor     KAZ
 *            └───── sea 1000 ───── narrows (sea) ───── sea 1000 ─────────────────────────┘   gamma ─500─ isla
 *     road gamma–harbor: great circle 2° on the equator × road circuity 1.2 = 266.87 km (estimated), all else cited;
 *     a link between two countries (or a country and the sea) counts half its km for each.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { networkStats } from "../../src/network/report";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { isRuleInForce } from "../../src/network/passage";
import { passageDate, passageRules } from "../../src/routing/passage";
import { planRoutes } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const TESTBOT = resolve(__dirname, "../fixtures/testbot");

const DONE_WHEN = ["Delhi", "Kolkata", "Chennai", "Karachi", "Kabul", "Dushanbe", "Bishkek", "Ulaanbaatar", "Minsk", "Tehran", "Almaty", "Urumqi", "Moscow"];

const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const places = net.network.places;
const countryOf = new Map(places.map((p) => [p.id, p.country]));
const crossingCountries = new Map(net.network.crossings.map((c) => [c.id, c.countries as readonly string[]]));
const idx = (name: string) => resolvePlace(places, name);
/** The rules of passage are taken at a date (1 July of the year): pinned, so the answers do not move with the day the tests run. */
const YEAR = 2026;

function best(from: string, to: string, extra: { avoidCountries?: string[]; year?: number; month?: number } = {}): RouteReport {
  return planRoutes(ctx, { from: idx(from), to: idx(to), ...extra }).routes[0];
}

/** Crossing ids of a route's border events. */
function bordersOf(r: RouteReport): string[] {
  return r.events.filter((e) => e.type === "border").map((e) => e.ref as string);
}

/** Countries a route may touch: its ends', those of its border crossings, those of the ports of its sea legs. */
function explainedCountries(r: RouteReport, from: string, to: string): Set<string> {
  const ok = new Set<string>([countryOf.get(from)!, countryOf.get(to)!]);
  for (const id of bordersOf(r)) for (const c of crossingCountries.get(id) ?? []) ok.add(c);
  for (const leg of r.legs) {
    if (leg.mode !== "sea") continue;
    for (const end of [leg.from, leg.to]) {
      const c = countryOf.get(end);
      if (c) ok.add(c);
    }
  }
  return ok;
}

describe("issue 10 Done-when: routes between the thirteen cities", () => {
  const ids = DONE_WHEN.map((n) => places[idx(n)].id);

  it("resolves each city by its name to a place in the expected country", () => {
    const want = ["IND", "IND", "IND", "PAK", "AFG", "TJK", "KGZ", "MNG", "BLR", "IRN", "KAZ", "CHN", "RUS"];
    expect(ids.map((id) => countryOf.get(id))).toEqual(want);
  });

  it("routes every pair both ways by surface modes, each country touched explained by a crossing used or a port called at", () => {
    let pairs = 0;
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < ids.length; j++) {
        if (i === j) continue;
        const r = planRoutes(ctx, { from: idx(ids[i]), to: idx(ids[j]) }).routes[0];
        expect(r.timeH, `${ids[i]} → ${ids[j]}`).toBeGreaterThan(0);
        expect(r.legs.every((l) => l.mode !== "air"), `${ids[i]} → ${ids[j]} uses no air leg`).toBe(true);
        const ok = explainedCountries(r, ids[i], ids[j]);
        for (const c of r.countries) expect(ok.has(c), `${ids[i]} → ${ids[j]} touches ${c} [${r.countries.join(">")}]`).toBe(true);
        for (const b of bordersOf(r)) for (const c of crossingCountries.get(b) ?? []) expect(r.countries, `${b} on ${ids[i]} → ${ids[j]}`).toContain(c);
        pairs++;
      }
    }
    expect(pairs).toBe(13 * 12);
  });

  it("steps from country to country only across a border crossing the route uses or by a sea or ferry leg between the two", () => {
    // stronger than the set check above: each consecutive pair of countries in the route's order must be joined by
    // one of its own border events or by one of its own sea/ferry legs (a route that jumps from IRN to KAZ over land
    // or lists a country the path never reaches by a plausible step fails)
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const r = planRoutes(ctx, { from: idx(a), to: idx(b) }).routes[0];
        const steps = new Set<string>();
        for (const id of bordersOf(r)) steps.add([...crossingCountries.get(id)!].sort().join("-"));
        for (const leg of r.legs) if (leg.mode === "sea" || leg.mode === "ferry") steps.add([countryOf.get(leg.from), countryOf.get(leg.to)].sort().join("-"));
        for (let k = 0; k + 1 < r.countries.length; k++) {
          const step = [r.countries[k], r.countries[k + 1]].sort().join("-");
          expect(steps.has(step), `${a} → ${b} [${r.countries.join(">")}] steps ${step} without a crossing or a sailing`).toBe(true);
        }
      }
    }
  });

  it("obeys the rules of passage in force today: no closed crossing, no overland transit of Pakistan from or to India", () => {
    const today = passageDate(null, null);
    const inForce = passageRules(net).filter((r) => isRuleInForce(r, today));
    const closed = new Set(inForce.filter((r) => r.kind === "crossing_ban").flatMap((r) => r.crossings));
    const pakAfgClosed = ["torkham", "chaman-spin-boldak"].every((c) => closed.has(c));
    const indiaBan = inForce.some((r) => r.kind === "transit_ban" && r.goodsFrom.includes("IND") && r.bothDirections && r.countries.includes("PAK"));
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const r = planRoutes(ctx, { from: idx(a), to: idx(b) }).routes[0];
        for (const x of bordersOf(r)) expect(closed.has(x), `${a} → ${b} crosses ${x}, closed on ${today}`).toBe(false);
        const ends = [countryOf.get(a), countryOf.get(b)];
        if (indiaBan && ends.includes("IND") && !ends.includes("PAK")) expect(r.countries, `${a} → ${b} on ${today}`).not.toContain("PAK");
      }
    }
    if (pakAfgClosed) {
      // with Torkham and Chaman closed, Karachi ⇄ Kabul goes round (through Iran today) and names the closure
      for (const [a, b] of [["Karachi", "Kabul"], ["Kabul", "Karachi"]]) {
        const r = best(a, b);
        expect(bordersOf(r).some((x) => ["AFG", "PAK"].every((c) => crossingCountries.get(x)!.includes(c))), `${a} → ${b}`).toBe(false);
        expect(r.notes.some((n) => n.includes("[pakistan-afghanistan-closure-2025-10]")), `${a} → ${b} names the closure`).toBe(true);
      }
    }
  });

  it("never crosses the India–Pakistan land border: no crossing joins them, and every India ⇄ Pakistan route has a sea leg", () => {
    expect([...crossingCountries.values()].some((c) => c.includes("IND") && c.includes("PAK"))).toBe(false);
    for (const [a, b] of [["Delhi", "Karachi"], ["Karachi", "Kolkata"], ["Chennai", "Lahore"], ["Peshawar", "Delhi"]]) {
      expect(best(a, b).legs.some((l) => l.mode === "sea"), `${a} → ${b}`).toBe(true);
    }
  });

  it("uses the crossings that carry each neighbour pair's trade", () => {
    const joins = (r: RouteReport, x: string, y: string) => bordersOf(r).some((b) => crossingCountries.get(b)!.includes(x) && crossingCountries.get(b)!.includes(y));
    // dated before the Pakistan–Afghanistan closure of October 2025 (rule pakistan-afghanistan-closure-2025-10)
    expect(["torkham", "chaman-spin-boldak"]).toContain(bordersOf(best("Karachi", "Kabul", { year: 2025, month: 9 }))[0]);
    expect(bordersOf(best("Kabul", "Tehran"))).toContain("islam-qala-dogharoun");
    expect(bordersOf(best("Kabul", "Dushanbe")).some((b) => b === "sher-khan-bandar-panji-poyon" || b === "termez-hairatan-road")).toBe(true);
    expect(bordersOf(best("Minsk", "Moscow"))).toEqual(["krasnoye-osinovka"]);
    expect(bordersOf(best("Ulaanbaatar", "Moscow"))).toEqual(["naushki-sukhbaatar"]);
    expect(joins(best("Almaty", "Urumqi"), "KAZ", "CHN")).toBe(true);
    expect(joins(best("Bishkek", "Almaty"), "KGZ", "KAZ")).toBe(true);
    expect(best("Kolkata", "Chennai").countries).toEqual(["IND"]);
  });

  it("reaches Afghanistan from India without Pakistan through Iran (Chabahar or Bandar Abbas, then Milak–Zaranj or Islam Qala)", () => {
    const r = best("Delhi", "Kabul", { avoidCountries: ["PAK"] });
    expect(r.countries).not.toContain("PAK");
    expect(r.countries).toContain("IRN");
    expect(bordersOf(r).some((b) => crossingCountries.get(b)!.includes("IRN") && crossingCountries.get(b)!.includes("AFG"))).toBe(true);
  });

  it("joins Iran by a freight crossing to each of its seven land neighbours, and Tehran reaches Baghdad, Basra and Yerevan over one of them", () => {
    const neighbours = new Set<string>();
    for (const c of crossingCountries.values()) if (c.includes("IRN")) for (const x of c) if (x !== "IRN") neighbours.add(x);
    expect([...neighbours].sort()).toEqual(["AFG", "ARM", "AZE", "IRQ", "PAK", "TKM", "TUR"]);
    expect(bordersOf(best("Tehran", "Baghdad"))).toEqual(["mehran-zurbatiyah"]);
    expect(bordersOf(best("Tehran", "Basra"))).toEqual(["shalamcheh"]);
    expect(bordersOf(best("Tehran", "Yerevan"))).toEqual(["nurduz-agarak"]);
  });

  it("crosses the Amur gateways opened in 2022: Blagoveshchensk–Heihe by road, Nizhneleninskoye–Tongjiang by rail", () => {
    expect(bordersOf(planRoutes(ctx, { from: idx("blagoveshchensk"), to: idx("heihe"), modes: ["road"] }).routes[0])).toEqual(["blagoveshchensk-heihe"]);
    const rail = planRoutes(ctx, { from: idx("birobidzhan"), to: idx("jiamusi"), modes: ["rail"] }).routes[0];
    expect(bordersOf(rail)).toEqual(["nizhneleninskoye-tongjiang"]);
    expect(rail.events.some((e) => e.type === "gauge_change" && e.ref === "tongjiang-gauge-change")).toBe(true);
  });

  it("joins India to China, Mongolia and Central Asia across plausible borders: no transit of Nepal or Myanmar, no border-trade pass, by sea to China", () => {
    // The rules of passage that make these answers (data/eurasia/rules/passage.yaml, sources in sources/himalaya.yaml):
    //   nepal-china-ports-bilateral — the Nepal–China ports carry Nepal's own trade (Gyirong–Rasuwa bilateral port,
    //     China Daily 2014, english.gov.cn; Nepal–China transit protocol, The Himalayan Times 2018; an inference,
    //     estimate:himalaya-nepal-no-third-country-transit);
    //   muse-ruili-closure-2023-10 — Muse trade stopped from 27 October 2023 (CNI News 2023, cnimyanmar.com; Myanmar
    //     Now 2023–2024; Pan Taing 2024, still not reopened);
    //   moreh-tamu-closure-2023-11 — the Moreh gates sealed on 5 November 2023 (Northeast Now 2023, nenow.in;
    //     ThePrint 2024);
    //   india-china-passes-border-trade-only — Nathu La, Shipki La and Lipulekh carry border trade in listed local
    //     goods only (Government of Sikkim 2012, industries.sikkim.gov.in; The Hindu 2012; The Tribune 2025).
    // Before them, Delhi → Urumqi went by road through Nepal (Raxaul–Birgunj, Rasuwagadhi–Kerung) and Kolkata →
    // Chengdu through Myanmar (Moreh–Tamu, Muse–Ruili). The fastest route may still go round by Iran and Afghanistan
    // (Chabahar, then Termez–Hairatan and rail through Uzbekistan and Kazakhstan, or Kulma in its season); the
    // generalized cost that the CLI optimises by default leaves India by sea for China.
    const farSide = new Set(["CHN", "MNG", "KAZ", "KGZ", "TJK"]);
    const passes = ["nathu-la", "shipki-la", "lipulekh"];
    let pairs = 0;
    for (const a of ids) {
      for (const b of ids) {
        const ends = [countryOf.get(a)!, countryOf.get(b)!];
        if (!ends.includes("IND") || !ends.some((c) => farSide.has(c))) continue;
        for (const criterion of ["time", "generalized"] as const) {
          const r = planRoutes(ctx, { from: idx(a), to: idx(b), criterion, year: YEAR }).routes[0];
          const what = `${a} → ${b} (${criterion}) [${r.countries.join(">")}]`;
          expect(r.countries, what).not.toContain("NPL");
          expect(r.countries, what).not.toContain("MMR");
          for (const x of bordersOf(r)) expect(passes, what).not.toContain(x);
          if (criterion === "generalized" && ends.includes("CHN")) {
            // India ⇄ China leaves or enters India by sea: no land border of India is crossed
            expect(r.legs.some((l) => l.mode === "sea"), what).toBe(true);
            expect(bordersOf(r).filter((x) => crossingCountries.get(x)!.includes("IND")), what).toEqual([]);
          }
        }
        pairs++;
      }
    }
    // Delhi, Kolkata, Chennai × Dushanbe, Bishkek, Ulaanbaatar, Almaty, Urumqi, both ways
    expect(pairs).toBe(3 * 5 * 2);
    // the rule that kept Delhi → Urumqi out of Nepal is named on its route
    expect(best("Delhi", "Urumqi", { year: YEAR }).notes.some((n) => n.includes("[nepal-china-ports-bilateral]"))).toBe(true);
  });

  it("runs Pakistani broad gauge (1676 mm) from Karachi to Peshawar on ML-1, without a gauge change", () => {
    const r = planRoutes(ctx, { from: idx("Karachi"), to: idx("Peshawar"), modes: ["rail"] }).routes[0];
    expect(r.legs.flatMap((l) => l.gaugesMm ?? [])).toEqual([1676]);
    expect(r.events.some((e) => e.type === "gauge_change")).toBe(false);
  });
});

describe("the world by sea and the city set (places/world-ports.csv)", () => {
  const world = loadNetwork(EURASIA);
  const byId = new Map(world.places.map((p) => [p.id, p]));
  const worldIds = readFileSync(join(EURASIA, "places/world-ports.csv"), "utf8").trim().split("\n").slice(1).map((row) => row.split(",")[0]);
  const ports = worldIds.map((id) => byId.get(id)!).filter((p) => p.kinds.includes("seaport"));

  it("gives every world port and every new Indian and Pakistani port a port terminal that joins sea, and a sea link", () => {
    const terminal = new Set(world.terminals.filter((t) => t.type === "port" && t.modes.includes("sea")).map((t) => t.place));
    const seaLinked = new Set(world.links.filter((l) => l.mode === "sea").flatMap((l) => [l.from, l.to]));
    const south = ["kolkata", "haldia", "chennai", "visakhapatnam", "kochi", "tuticorin", "mundra", "kandla", "port-qasim"];
    expect(ports.length).toBeGreaterThanOrEqual(60);
    for (const id of [...ports.map((p) => p.id), ...south]) {
      expect(terminal.has(id), `${id} port terminal`).toBe(true);
      expect(seaLinked.has(id), `${id} sea link`).toBe(true);
    }
  });

  it("joins each largest city that is not a port to a seaport of its own country by one road link (the access rule)", () => {
    const rule = world.links.filter((l) => l.source.includes("estimate:world-city-port-access"));
    expect(rule.length).toBeGreaterThanOrEqual(20);
    for (const l of rule) {
      const city = byId.get(l.from)!;
      const port = byId.get(l.to)!;
      expect(l.mode).toBe("road");
      expect(city.kinds).toContain("city");
      expect(city.population, city.id).toBeGreaterThan(0);
      expect(port.kinds, port.id).toContain("seaport");
      expect(port.country).toBe(city.country);
    }
  });

  it("reaches each landlocked economy outside Eurasia through one named crossing to its neighbour's port (the landlocked rule)", () => {
    const rule = world.links.filter((l) => l.source.includes("estimate:world-landlocked-access"));
    const countries = new Set(rule.map((l) => byId.get(l.from)!.country));
    for (const c of ["UGA", "RWA", "BDI", "ZMB", "MWI", "ZWE", "BWA", "LSO", "SWZ", "ETH", "BFA", "MLI", "NER", "PRY"]) expect(countries.has(c), c).toBe(true);
    for (const l of rule) {
      expect(l.border, l.id).not.toBeNull();
      const c = crossingCountries.get(l.border!)!;
      expect([...c].sort()).toEqual([byId.get(l.from)!.country, byId.get(l.to)!.country].sort());
    }
    const r = best("Kampala", "Rotterdam");
    expect(bordersOf(r)).toEqual(["malaba"]);
    expect(r.legs.some((l) => l.mode === "sea")).toBe(true);
  });

  it("gives every economy with places at least one city with a population, so pair times and the trade study can weight it", () => {
    const all = new Set(world.places.filter((p) => p.country !== null).map((p) => p.country as string));
    const withCity = new Set(world.places.filter((p) => p.country !== null && p.kinds.includes("city") && (p.population ?? 0) > 0).map((p) => p.country as string));
    expect([...all].filter((c) => !withCity.has(c))).toEqual([]);
    expect(withCity.size).toBeGreaterThanOrEqual(150);
  });

  it("routes by sea between the continents: Lagos, Santos, Los Angeles and Sydney reach Rotterdam and Shanghai", () => {
    for (const from of ["lagos", "santos", "los-angeles", "sydney", "nairobi", "mexico-city"]) {
      for (const to of ["rotterdam", "shanghai"]) {
        const r = planRoutes(ctx, { from: idx(from), to: idx(to) }).routes[0];
        expect(r.legs.some((l) => l.mode === "sea"), `${from} → ${to}`).toBe(true);
      }
    }
  });
});

/**
 * The rules of passage and calendars on the crossings between India, Nepal, Myanmar and China (rules/passage.yaml,
 * borders/sco-neighbours.yaml, borders/himalaya.yaml; sources in sources/himalaya.yaml): each rule changes the route
 * on the dates it is in force only, and is named on the route it shaped ("without it the best route would use …").
 */
describe("rules of passage between India, Nepal, Myanmar and China", () => {
  const plan = (from: string, to: string, extra: { year?: number; month?: number; rulesOff?: string[] } = {}) => planRoutes(ctx, { from: idx(from), to: idx(to), ...extra });
  const shaped = (r: RouteReport, rule: string, used: string) => r.notes.some((n) => n.includes(`[${rule}]`) && n.includes(`would use ${used}`));

  it("nepal-china-ports-bilateral: goods between India and China do not transit Nepal; Nepal's own trade still crosses Rasuwagadhi–Kerung", () => {
    // Gyirong–Rasuwa bilateral port (China Daily 2014); Nepal–China transit protocol for Nepal's own trade (The Himalayan Times 2018)
    const today = plan("Delhi", "Urumqi", { year: YEAR });
    expect(today.passage.rules).toContain("nepal-china-ports-bilateral");
    expect(today.routes[0].countries).not.toContain("NPL");
    const off = plan("Delhi", "Urumqi", { year: YEAR, rulesOff: ["nepal-china-ports-bilateral"] }).routes[0];
    expect(off.countries).toContain("NPL");
    expect(off.notes.some((n) => n.startsWith("rule of passage switched off") && n.includes("[nepal-china-ports-bilateral]") && n.includes("uses NPL"))).toBe(true);
    // in February the border-trade passes are closed by their calendar, so Nepal is what the rule keeps the route from
    const feb = plan("Delhi", "Urumqi", { year: 2026, month: 2, rulesOff: ["india-china-passes-border-trade-only"] }).routes[0];
    expect(feb.countries).not.toContain("NPL");
    expect(shaped(feb, "nepal-china-ports-bilateral", "NPL")).toBe(true);
    // Nepal's own trade is not concerned: Kathmandu → Lhasa crosses a Nepal–China port (Tatopani–Zhangmu on the G318)
    expect(bordersOf(plan("Kathmandu", "Lhasa", { year: 2026, month: 2 }).routes[0]).some((x) => x === "tatopani-zhangmu" || x === "rasuwagadhi-kerung")).toBe(true);
  });

  it("rasuwagadhi-kerung-flood-2025-07: Kathmandu → Kerung goes round by Tatopani from 8 July 2025 to 1 January 2026 only", () => {
    // Friendship Bridge washed away on 8 July 2025, reopened 1 January 2026 (Khabarhub 2026, New Business Age 2025)
    const refs = (year: number, month: number) => plan("Kathmandu", "Kerung", { year, month }).routes[0];
    expect(refs(2024, 9).events.map((e) => e.ref)).toContain("rasuwagadhi-kerung");
    const aug = refs(2025, 8);
    expect(aug.events.map((e) => e.ref)).not.toContain("rasuwagadhi-kerung");
    expect(bordersOf(aug)).toEqual(["tatopani-zhangmu"]);
    expect(shaped(aug, "rasuwagadhi-kerung-flood-2025-07", "rasuwagadhi-kerung")).toBe(true);
    expect(aug.timeH).toBeGreaterThan(refs(2024, 9).timeH);
    expect(refs(2026, 2).events.map((e) => e.ref)).toContain("rasuwagadhi-kerung");
  });

  it("Rasuwagadhi–Kerung reports its monsoon landslides (June–September) and not in winter", () => {
    // Xinhua 2016, Republica 2018, New Business Age 2020 (seasonalDisruption on the crossing)
    const note = (month: number) => plan("Kathmandu", "Kerung", { year: 2026, month }).routes[0].notes.some((n) => n.startsWith("Rasuwagadhi–Kerung (Jun, Jul, Aug, Sep)"));
    expect(note(7)).toBe(true);
    expect(note(2)).toBe(false);
  });

  it("muse-ruili-closure-2023-10: Mandalay → Kunming leaves Muse–Ruili from 27 October 2023", () => {
    // CNI News 2023 (trade stopped from 27 October 2023), Myanmar Now 2023–2024, Pan Taing 2024 (not reopened)
    const before = plan("Mandalay", "Kunming", { year: 2023, month: 9 }).routes[0];
    expect(bordersOf(before)).toContain("ruili-muse");
    const after = plan("Mandalay", "Kunming", { year: 2024, month: 3 }).routes[0];
    expect(bordersOf(after)).not.toContain("ruili-muse");
    expect(shaped(after, "muse-ruili-closure-2023-10", "ruili-muse")).toBe(true);
    expect(bordersOf(plan("Mandalay", "Kunming", { year: 2024, month: 3, rulesOff: ["muse-ruili-closure-2023-10"] }).routes[0])).toContain("ruili-muse");
  });

  it("moreh-tamu-closure-2023-11: Imphal → Mandalay leaves Moreh–Tamu from 5 November 2023", () => {
    // Northeast Now 2023 (Moreh gates sealed on 5 November 2023), ThePrint 2024 (the bridge silent)
    expect(bordersOf(plan("Imphal", "Mandalay", { year: 2023, month: 9 }).routes[0])).toContain("moreh-tamu");
    const after = plan("Imphal", "Mandalay", { year: 2024, month: 3 }).routes[0];
    expect(bordersOf(after)).not.toContain("moreh-tamu");
    expect(shaped(after, "moreh-tamu-closure-2023-11", "moreh-tamu")).toBe(true);
  });

  it("Kolkata → Chengdu crosses Myanmar before October 2023 and leaves India by sea today, naming both Myanmar closures", () => {
    expect(plan("Kolkata", "Chengdu", { year: 2023, month: 9 }).routes[0].countries).toContain("MMR");
    const today = plan("Kolkata", "Chengdu", { year: YEAR }).routes[0];
    expect(today.countries).not.toContain("MMR");
    expect(today.legs.some((l) => l.mode === "sea")).toBe(true);
    expect(bordersOf(today).filter((x) => crossingCountries.get(x)!.includes("IND"))).toEqual([]);
    expect(shaped(today, "muse-ruili-closure-2023-10", "ruili-muse")).toBe(true);
    expect(shaped(today, "moreh-tamu-closure-2023-11", "moreh-tamu")).toBe(true);
  });

  it("india-china-passes-border-trade-only: Nathu La takes no through freight; without the rule its May–November calendar still holds", () => {
    // Government of Sikkim 2012 (border trade May–November, notified items), The Hindu 2012, Hindustan Times 2006
    const today = plan("Siliguri", "Lhasa", { year: YEAR }).routes[0];
    expect(bordersOf(today)).not.toContain("nathu-la");
    expect(shaped(today, "india-china-passes-border-trade-only", "nathu-la")).toBe(true);
    const july = plan("Siliguri", "Lhasa", { year: 2026, month: 7, rulesOff: ["india-china-passes-border-trade-only"] }).routes[0];
    expect(bordersOf(july)).toEqual(["nathu-la"]);
    expect(july.timeH).toBeLessThan(today.timeH);
    const january = plan("Siliguri", "Lhasa", { year: 2026, month: 1, rulesOff: ["india-china-passes-border-trade-only"] }).routes[0];
    expect(bordersOf(january)).not.toContain("nathu-la");
  });
});

describe("network stats coverage", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("reports places, links, crossings and measured/estimated km per country on the testbot, as computed by hand", () => {
    const s = networkStats(loadNetwork(TESTBOT));
    const roadKm = 2 * (Math.PI / 180) * 6371.0088 * 1.2; // gamma–harbor: 2° of the equator × road circuity 1.2
    const by = new Map(s.coverage.map((c) => [c.country, c]));
    expect(by.get("CHN")).toEqual({ country: "CHN", places: 4, links: 4, crossings: 1, linkKm: 1005, measuredKm: 1005, estimatedKm: 0, measuredKmShare: 1 });
    const kaz = by.get("KAZ")!;
    expect(kaz).toMatchObject({ places: 5, links: 6, crossings: 1, linkKm: Math.round(1805 + roadKm), measuredKm: 1805, estimatedKm: Math.round(roadKm) });
    expect(kaz.measuredKmShare).toBeCloseTo(1805 / (1805 + roadKm), 12);
    expect(by.get("(sea)")).toMatchObject({ places: 1, links: 2, crossings: 0, linkKm: 1000, measuredKm: 1000 });
    expect(s.coverage.map((c) => c.country)).toEqual(["KAZ", "CHN", "(sea)"]); // largest link km first
    expect(s.measuredKmShare).toBeCloseTo(3810 / (3810 + roadKm), 12); // 400+100+10+600+200+500+1000+1000 cited
    expect(s.measuredKmShare + s.estimatedKmShare).toBeCloseTo(1, 12);
    expect(s).toMatchObject({ economies: 2, economiesReached: 2, economiesNotReached: [] });
  });

  it("names an economy whose places no surface link joins to the rest as not reached", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-coverage-"));
    dirs.push(dir);
    cpSync(TESTBOT, dir, { recursive: true });
    const file = join(dir, "places/testbot.csv");
    writeFileSync(file, `${readFileSync(file, "utf8").trimEnd()}\nlonely,Lonely,,MNG,40,40,city,,,estimate:testbot-coords,\n`);
    const s = networkStats(loadNetwork(dir));
    expect(s).toMatchObject({ economies: 3, economiesReached: 2, economiesNotReached: ["MNG"] });
    expect(s.coverage.find((c) => c.country === "MNG")).toMatchObject({ places: 1, links: 0, linkKm: 0, measuredKmShare: 0 });
  });

  it("covers every Done-when country of the Eurasia dataset and reaches every one of ≥ 150 economies that have places", () => {
    const s = networkStats(loadNetwork(EURASIA));
    const by = new Map(s.coverage.map((c) => [c.country, c]));
    for (const c of ["IND", "PAK", "AFG", "TJK", "KGZ", "MNG", "BLR", "IRN", "KAZ", "CHN", "RUS"]) {
      expect(by.get(c)?.places, c).toBeGreaterThan(0);
      expect(by.get(c)?.crossings, c).toBeGreaterThan(c === "IND" ? -1 : 0);
    }
    expect(by.get("IND")!.places).toBeGreaterThanOrEqual(30);
    expect(s.economiesNotReached).toEqual([]);
    expect(s.economiesReached).toBe(s.economies);
    expect(s.economies).toBeGreaterThanOrEqual(150); // issue 10: every economy of a world trade matrix has a route
    for (const c of s.coverage) expect(Math.abs(c.measuredKm + c.estimatedKm - c.linkKm), c.country).toBeLessThanOrEqual(1);
  });
});
