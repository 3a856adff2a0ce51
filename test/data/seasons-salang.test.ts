/**
 * The Salang pass in winter (links/seasons.yaml; sources/pamir.yaml, rule pamir-salang-winter-delay): the roads north
 * of Kabul through the Salang tunnel close for snow and avalanches, 15 h (Afghanistan Times, February 2018,
 * http://afghanistantimes.af/salang-pass-reopens-traffic/), 36 h (Pajhwok, February 2012,
 * http://www.pajhwok.com/en/2012/02/14/salang-pass-reopens-after-36-hours-closure) and about two days at a time
 * (Reporterly, 15 November and 28 December 2020; Outlook Afghanistan, closed to cargo trucks, December 2020), dated
 * 14 November – 20 February; about 10 % of the time in the 2020 season. Expected delay 0.10 × 36 / 2 = 1.8 h, P90
 * 36 / 2 = 18 h. Before links had seasons, Kabul → Mazar-i-Sharif took the same time in January as in July.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const data = net.network;
const idx = (name: string) => resolvePlace(data.places, name);
const best = (from: string, to: string, month?: number) => planRoutes(ctx, { from: idx(from), to: idx(to), month }).routes[0];

describe("the Salang pass in winter", () => {
  const salang = (data.linkSeasons ?? []).filter((z) => z.source.includes("estimate:pamir-salang-winter-delay"));

  it("both roads through the tunnel carry the sourced winter delay, not a closure", () => {
    expect(salang.map((z) => z.link).sort()).toEqual(["kunduz-kabul-road", "mazar-i-sharif-kabul-road"]);
    for (const z of salang) {
      expect(data.links.find((l) => l.id === z.link)?.notes).toMatch(/Salang/);
      expect(z.closed).toBe(false);
      expect({ from: z.from, to: z.to }).toEqual({ from: "11-14", to: "02-20" });
      // the rule: share 0.10 of the time × half a 36 h closure; P90 = half a 36 h closure
      expect(z.delayH).toBeCloseTo((0.1 * 36) / 2, 9);
      expect(z.delayP90H).toBeCloseTo(36 / 2, 9);
      expect(z.source.filter((s) => s.startsWith("src:")).length).toBeGreaterThanOrEqual(3);
    }
    expect(data.rules["pamir-salang-winter-delay"]).toBeDefined();
  });

  it("Kabul → Mazar-i-Sharif is 1.8 h slower and 18 h slower at P90 in January than in July; March is free", () => {
    const july = best("Kabul", "Mazar-i-Sharif", 7);
    const january = best("Kabul", "Mazar-i-Sharif", 1);
    expect(january.events.some((e) => e.type === "closure_wait" && e.ref === "mazar-i-sharif-kabul-road")).toBe(true);
    expect(january.timeH - july.timeH).toBeCloseTo(1.8, 6);
    expect(january.timeP90H - july.timeP90H).toBeCloseTo(18, 6);
    expect(best("Kabul", "Mazar-i-Sharif", 3).timeH).toBeCloseTo(july.timeH, 6);
    expect(july.events.some((e) => e.type === "closure_wait")).toBe(false);
  });

  it("Kabul → Kunduz pays it in December", () => {
    const december = best("Kabul", "Kunduz", 12);
    expect(december.events.find((e) => e.ref === "kunduz-kabul-road")).toMatchObject({ type: "closure_wait", timeH: 1.8, timeP90H: 18 });
  });
});
