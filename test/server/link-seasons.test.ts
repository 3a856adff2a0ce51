/**
 * Seasons of links and ferries in the API's network layers (GET /api/v1/network/layers), beside the crossings'
 * seasonalClosure and seasonalDisruption (GET /api/v1/crossings): a link's closed season and a link's seasonal delay
 * with its P90 (links/*.yaml, as the Salang pass in data/eurasia), and a ferry's weather season (openShare). Fixture:
 * a copy of the "corridors" routing fixture with links/seasons.yaml (a delay on Steppe–Aport, a closure on the
 * Volga bypass with a last year, a delay without a P90 on Kaz Gate–Steppe) and a seasonal delay on the Aport–Bport
 * ferry. Every response is validated against its schema (helpers.ts appOver).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appOver, CORRIDORS, fixtureCopy, json } from "./helpers";

const data = fixtureCopy();
writeFileSync(
  join(data, "links", "seasons.yaml"),
  `seasons:
  - link: steppe-aport
    from: "11-14"
    to: "02-20"
    delayH: 1.8
    delayP90H: 18
    source: [src:corridors-manual]
    notes: "snow on the Steppe–Aport line (fixture)"
  - link: rugate-rueu
    from: "12-01"
    to: "02-28"
    closed: true
    lastYear: 2031
    source: [src:corridors-manual]
  - link: kgate-steppe
    from: "01-01"
    to: "01-31"
    delayH: 3
    source: [src:corridors-manual]
`,
);
const ferries = join(data, "ferries", "corridors.yaml");
writeFileSync(
  ferries,
  readFileSync(ferries, "utf8").replace(/\n( {4})source: \[src:corridors-manual\]/, '\n$1seasonalDelay: { from: "11-01", to: "12-31", openShare: 0.5, source: [src:corridors-manual] }\n$1source: [src:corridors-manual]'),
);

interface Props {
  id: string;
  seasonalClosure: { from: string; to: string; lastYear: number | null; notes: string; sources: { ref: string; title: string }[] } | null;
  seasonalDelay: { from: string; to: string; delayH: number | null; delayP90H: number | null; openShare: number | null; notes: string; sources: { ref: string; title: string }[] } | null;
}

let app: FastifyInstance;
let plain: FastifyInstance;
beforeAll(async () => {
  app = await appOver(data);
  plain = await appOver(CORRIDORS);
});
afterAll(async () => {
  await app.close();
  await plain.close();
});

async function layer(server: FastifyInstance): Promise<Map<string, Props>> {
  const r = await server.inject({ method: "GET", url: "/api/v1/network/layers" });
  expect(r.statusCode).toBe(200);
  return new Map(json<{ features: { properties: Props }[] }>(r).features.map((f) => [f.properties.id, f.properties]));
}

describe("GET /api/v1/network/layers: seasons of links and ferries", () => {
  it("a link's seasonal delay with its P90, notes and resolved sources", async () => {
    const p = (await layer(app)).get("steppe-aport")!;
    expect(p.seasonalClosure).toBeNull();
    expect(p.seasonalDelay).toMatchObject({ from: "11-14", to: "02-20", delayH: 1.8, delayP90H: 18, openShare: null, notes: "snow on the Steppe–Aport line (fixture)" });
    expect(p.seasonalDelay!.sources.map((s) => s.ref)).toEqual(["src:corridors-manual"]);
    expect(p.seasonalDelay!.sources[0].title).not.toBe("(unknown source)");
  });

  it("a delay without a P90 has the mean as its P90 (as routing takes it)", async () => {
    expect((await layer(app)).get("kgate-steppe")!.seasonalDelay).toMatchObject({ delayH: 3, delayP90H: 3 });
  });

  it("a link's seasonal closure with its last year", async () => {
    const p = (await layer(app)).get("rugate-rueu")!;
    expect(p.seasonalDelay).toBeNull();
    expect(p.seasonalClosure).toMatchObject({ from: "12-01", to: "02-28", lastYear: 2031 });
  });

  it("a ferry's weather season (openShare), no closure", async () => {
    const p = (await layer(app)).get("aport-bport-ferry")!;
    expect(p.seasonalClosure).toBeNull();
    expect(p.seasonalDelay).toMatchObject({ from: "11-01", to: "12-31", delayH: null, delayP90H: null, openShare: 0.5 });
  });

  it("links and ferries without a season say null; the fixture without seasons has none", async () => {
    const seasoned = await layer(app);
    expect(seasoned.get("ori-cgate")).toMatchObject({ seasonalClosure: null, seasonalDelay: null });
    const none = await layer(plain);
    expect([...none.values()].every((p) => p.seasonalClosure === null && p.seasonalDelay === null)).toBe(true);
  });
});
