/**
 * Road tolls of links (links/*.yaml, schema.ts linkTollSchema) on a copy of the testbot fixture
 * (test/fixtures/testbot/README.md): the road Gamma → Harbor gets a toll of USD 60 a truck. The testbot road tariff is
 * USD 2 per FEU-km and 0.1 per tonne-km, so one truck carries 20 t and the toll is USD 3 a tonne of bulk. Without the
 * toll file the same routes cost exactly that much less.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import { copyTestbot } from "./helpers";

const TOLLS = `tolls:
  - link: gamma-harbor-road
    tollUsdPerTruck: 60
    year: 2024
    source: [src:testbot-manual]
`;

function contextOf(tolls: string | null): RoutingContext {
  const dir = copyTestbot();
  if (tolls !== null) writeFileSync(join(dir, "links", "tolls.yaml"), tolls);
  return new RoutingContext(openNetwork(dir, { cacheDir: false }));
}

describe("road tolls", () => {
  const tolled = contextOf(TOLLS);
  const plain = contextOf(null);
  const request = (ctx: RoutingContext, extra: Partial<RouteRequest>): RouteRequest => {
    const place = (id: string) => ctx.net.network.places.findIndex((p) => p.id === id);
    return { from: place("gamma"), to: place("harbor"), modes: ["road"], criterion: "cost", tripEndDwell: false, ...extra };
  };

  it("a truck pays the toll once per passage: USD 60 per FEU, 0.6 × 60 per TEU, 60 / 20 t per tonne of bulk", () => {
    for (const [cargo, extra] of [
      ["feu", 60],
      ["teu", 36],
      ["bulk", 3],
    ] as const) {
      const a = planRoutes(tolled, request(tolled, { cargo })).routes[0];
      const b = planRoutes(plain, request(plain, { cargo })).routes[0];
      expect(a.arcs).toEqual(b.arcs);
      expect(a.costUsd - b.costUsd).toBeCloseTo(extra, 9);
      // in the leg's cost, not an event of its own
      expect(a.legs[0].costUsd - b.legs[0].costUsd).toBeCloseTo(extra, 9);
      expect(a.notes.some((n) => n.startsWith("gamma-harbor-road: toll road, USD 60 a truck each way (USD 3.0 a tonne of bulk; 2024 tariff)"))).toBe(true);
      expect(b.notes.some((n) => n.includes("toll road"))).toBe(false);
    }
  });

  it("both ways", () => {
    const back = (ctx: RoutingContext) => planRoutes(ctx, { ...request(ctx, {}), from: request(ctx, {}).to, to: request(ctx, {}).from }).routes[0];
    expect(back(tolled).costUsd - back(plain).costUsd).toBeCloseTo(60, 9);
  });

  it("an unknown link, a rail link and a second toll are reported with file, line and field", () => {
    const dir = copyTestbot();
    writeFileSync(
      join(dir, "links", "tolls.yaml"),
      [
        "tolls:",
        "  - link: gamma-harbour-road",
        "    tollUsdPerTruck: 10",
        "    year: 2024",
        "    source: [src:testbot-manual]",
        "  - link: gamma-harbor-rail-1520",
        "    tollUsdPerTruck: 10",
        "    year: 2024",
        "    source: [src:testbot-manual]",
        "  - link: gamma-harbor-road",
        "    tollUsdPerTruck: 10",
        "    year: 2024",
        "    source: [src:testbot-manual]",
        "  - link: gamma-harbor-road",
        "    tollUsdPerTruck: -5",
        "    year: 2024",
        "    source: [src:testbot-manual]",
        "",
      ].join("\n"),
    );
    const text = validateNetwork(dir)
      .problems.map((p) => `${p.file}:${p.line} ${p.field} ${p.message}`)
      .join("\n");
    expect(text).toMatch(/links\/tolls\.yaml:2 link unknown link "gamma-harbour-road" \(did you mean "gamma-harbor-road"/);
    expect(text).toMatch(/links\/tolls\.yaml:6 link link "gamma-harbor-rail-1520" is rail; a toll is charged on road links/);
    expect(text).toMatch(/links\/tolls\.yaml:15 tollUsdPerTruck .*>0 \(got -5\)/);
    // the two valid rows for one link: the second is refused
    const again = copyTestbot();
    writeFileSync(join(again, "links", "tolls.yaml"), `${TOLLS}${TOLLS.replace("tolls:\n", "")}`);
    expect(
      validateNetwork(again)
        .problems.map((p) => `${p.file}:${p.line} ${p.message}`)
        .join("\n"),
    ).toMatch(/links\/tolls\.yaml:6 a second toll for link "gamma-harbor-road" \(first at links\/tolls\.yaml:2\)/);
  });
});
