/**
 * GET /api/v1/rules: the dataset's rules of passage and which are in force on a date, as `caravan network rules
 * --json`. Fixture: the "corridors" routing fixture with one transit ban from 2020-01-01 (helpers.ts
 * fixtureCopyWithTransitBan). Every response is validated against its schema (helpers.ts appOver).
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { appOver, fixtureCopyWithTransitBan, json, TRANSIT_BAN_ID } from "./helpers";

const data = fixtureCopyWithTransitBan();
let app: FastifyInstance;
beforeAll(async () => {
  app = await appOver(data);
});
afterAll(async () => {
  await app.close();
});

interface Rules {
  date: string;
  rules: { id: string; kind: string; inForce: boolean; from: string | null; sources: { ref: string; title: string }[] }[];
}

describe("GET /api/v1/rules", () => {
  it("gives each rule with inForce on the date asked, its sources resolved", async () => {
    const before = json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?date=2019-12-31" }));
    expect(before.date).toBe("2019-12-31");
    expect(before.rules.map((r) => [r.id, r.inForce])).toEqual([[TRANSIT_BAN_ID, false]]);
    const after = json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?year=2024&month=3" }));
    expect(after.date).toBe("2024-03-15");
    expect(after.rules[0].inForce).toBe(true);
    expect(after.rules[0].sources[0].ref).toBe("src:corridors-manual");
    expect(after.rules[0].sources[0].title.length).toBeGreaterThan(0);
  });

  it("filters by kind and by being in force", async () => {
    expect(json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?kind=tariff_discount" })).rules).toEqual([]);
    expect(json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?date=2019-01-01&inForce=true" })).rules).toEqual([]);
    expect(json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?kind=transit_ban&inForce=true&year=2021" })).rules).toHaveLength(1);
  });

  it("answers what caravan network rules --json prints", async () => {
    let out = "";
    const code = await runCli(["--data", data, "network", "rules", "--date", "2021-05-05", "--json"], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    const cli = JSON.parse(out) as Rules;
    const api = json<Rules>(await app.inject({ method: "GET", url: "/api/v1/rules?date=2021-05-05" }));
    expect(api.date).toBe(cli.date);
    expect(api.rules.map((r) => [r.id, r.kind, r.from, r.inForce])).toEqual(cli.rules.map((r) => [r.id, r.kind, r.from, r.inForce]));
  });

  it("refuses a non-date, date with year, an unknown kind, with 400 and the error code", async () => {
    for (const url of ["/api/v1/rules?date=2025-02-30", "/api/v1/rules?date=2025-02-03&year=2025", "/api/v1/rules?kind=tarif_discount", "/api/v1/rules?month=13"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(400);
      expect(json<{ code: string }>(res).code, url).toMatch(/^E_/);
    }
  });
});
