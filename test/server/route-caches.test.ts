/**
 * The route answers of a server do not depend on what it answered before. A server keeps weight sets, tariff edges
 * and their tables per shipment kind across requests (routing/context.ts, routing/rates-search.ts); shipments share
 * them when their rules of passage forbid the same arcs (routing/passage.ts: the key names the forbidding rules and
 * the trip-end countries a transit ban lists). Each answer of a long-running server, asked in a sequence that mixes
 * trip-end countries, rules switched off, cost bases and rates months, must equal the answer of a fresh routing
 * context asked that request alone. Hand-checkable case: testbot with Harbor in Uzbekistan and a ban on the transit
 * of Chinese goods through Kazakhstan and Uzbekistan — Portia → Harbor (UZB) may not cross Kazakhstan (by sea),
 * Portia → Gamma may not touch Uzbekistan but reaches Kazakhstan, its destination, by rail; a key that forgot the
 * trip-end country would route the second on the first's weights (no route at all).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { RoutingContext } from "../../src/routing/context";
import { DijkstraQuery } from "../../src/routing/dijkstra";
import { buildServer } from "../../src/server/app";
import { openServerState, type ServerState } from "../../src/server/state";
import { moveHarborToUzbekistan } from "../assignment/testbot-variants";

const root = resolve(__dirname, "../..");
const tmp: string[] = [];
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

/** An app over the state with a routing context of its own (nothing cached from other apps' requests). */
async function appWithOwnContext(state: ServerState): Promise<FastifyInstance> {
  const own: ServerState = {
    ...state,
    ctx: new RoutingContext(state.index),
    matrixQuery: new DijkstraQuery(state.net.graph, new Float64Array(state.net.graph.arcCount), { noThrough: state.net.noThrough }),
  };
  const app = await buildServer({ state: own, validateResponses: true, webRoot: null, cacheDir: false, log: () => {} });
  apps.push(app);
  return app;
}

/** Answers (status and body) of the URLs asked in order of one app, and of a fresh app each. */
async function sequenceAndAlone(state: ServerState, urls: readonly string[]): Promise<{ sequence: string[]; alone: string[] }> {
  const long = await appWithOwnContext(state);
  const sequence: string[] = [];
  for (const url of urls) {
    const r = await long.inject({ method: "GET", url });
    sequence.push(`${url} ${r.statusCode} ${r.body}`);
  }
  const alone: string[] = [];
  for (const url of [...new Set(urls)]) {
    const r = await (await appWithOwnContext(state)).inject({ method: "GET", url });
    alone.push(`${url} ${r.statusCode} ${r.body}`);
  }
  const byUrl = new Map(alone.map((line) => [line.slice(0, line.indexOf(" ")), line]));
  return { sequence, alone: urls.map((url) => byUrl.get(url) as string) };
}

const TRANSIT_BAN = `rules:
  - id: no-chinese-transit
    name: No transit of Chinese goods through Kazakhstan and Uzbekistan
    kind: transit_ban
    goodsFrom: [CHN]
    countries: [KAZ, UZB]
    from: "2020-01-01"
    what: "test rule"
    source: [src:testbot-manual]
`;

describe("route answers do not depend on earlier requests (testbot, transit ban naming trip-end countries)", () => {
  const dir = mkdtempSync(join(tmpdir(), "caravan-route-caches-"));
  tmp.push(dir);
  cpSync(join(root, "test/fixtures/testbot"), dir, { recursive: true });
  moveHarborToUzbekistan(dir);
  mkdirSync(join(dir, "rules"), { recursive: true });
  writeFileSync(join(dir, "rules", "passage.yaml"), TRANSIT_BAN);
  const state = openServerState(dir, { cacheDir: false });

  it("each answer of a sequence equals the answer of a fresh context, and the ban shapes what it concerns", async () => {
    const route = (from: string, to: string, extra = "") => `/api/v1/route?from=${from}&to=${to}&year=2025${extra}`;
    const urls = [
      route("portia", "harbor"),
      route("portia", "gamma"),
      route("alpha", "harbor"),
      route("harbor", "portia"),
      route("portia", "harbor", "&rulesOff=all&optimize=time"),
      route("portia", "gamma", "&alternatives=2"),
      route("portia", "harbor"),
      route("portia", "gamma", "&optimize=time"),
      route("portia", "harbor", "&optimize=time"),
      route("portia", "gamma"),
    ];
    const { sequence, alone } = await sequenceAndAlone(state, urls);
    expect(sequence).toEqual(alone);
    const plan = (i: number) => JSON.parse(sequence[i].slice(sequence[i].indexOf("{"))) as { passage: { rules: string[] }; routes: { countries: string[] }[] };
    // Portia → Harbor (UZB) keeps off Kazakhstan under the ban; the fastest route crosses it with the rules off
    expect(sequence[0]).toContain(" 200 ");
    expect(plan(0).passage.rules).toEqual(["no-chinese-transit"]);
    expect(plan(0).routes[0].countries).not.toContain("KAZ");
    expect(plan(8).routes[0].countries).not.toContain("KAZ");
    expect(plan(4).routes[0].countries).toContain("KAZ");
    // Portia → Gamma (KAZ) is concerned too, yet reaches its Kazakh destination
    expect(sequence[1]).toContain(" 200 ");
    expect(plan(1).passage.rules).toEqual(["no-chinese-transit"]);
    expect(plan(1).routes[0].countries).toContain("KAZ");
  });
});

const DATA = resolve(root, "data/eurasia");
const HAS_DATA = existsSync(join(DATA, "rates")) && existsSync(join(DATA, "rules"));

describe.skipIf(!HAS_DATA)("route answers do not depend on earlier requests (data/eurasia: rates months, cost bases, rules)", () => {
  it("a sequence over several pairs, both cost bases, two rates months and the rules on and off answers as fresh contexts do", async () => {
    const state = openServerState(DATA);
    const route = (from: string, to: string, extra = "") => `/api/v1/route?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;
    const urls = [
      route("Shanghai", "Rotterdam"),
      route("Shanghai", "Rotterdam", "&rates=2024-01"),
      route("Shanghai", "Rotterdam", "&costBasis=cost"),
      route("Karachi", "Kabul"),
      route("Delhi", "Kabul"),
      route("Xi'an", "Duisburg", "&rulesOff=all"),
      route("Shanghai", "Rotterdam", "&rates=2024-01"),
      route("Xi'an", "Duisburg"),
      route("Kabul", "Karachi", "&rulesOff=all"),
      route("Karachi", "Kabul"),
      route("Shanghai", "Rotterdam"),
      route("Xi'an", "Duisburg", "&alternatives=2&rates=2024-01"),
    ];
    const { sequence, alone } = await sequenceAndAlone(state, urls);
    for (const line of sequence) expect(line).toMatch(/^\S+ 200 /);
    expect(sequence).toEqual(alone);
  });
});
