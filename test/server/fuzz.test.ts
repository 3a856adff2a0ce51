/**
 * API robustness: random query strings and JSON bodies against the routing, place, matrix and layer routes never
 * produce a 5xx or a body outside the schemas (responses are validated, helpers.ts); errors always carry a code.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { appOver, CORRIDORS } from "./helpers";

let app: FastifyInstance;
beforeAll(async () => {
  app = await appOver(CORRIDORS);
});
afterAll(async () => {
  await app.close();
});

const values = fc.oneof(
  fc.constantFrom("ori", "dest", "Orient", "steppe", "sea", "rail,sea", "RUS", "canal", "time", "feu", "bulk", "2030", "0", "-1", "5", "99", "1e3", "NaN", "", ",", "0,0", "55,0", "200,95"),
  fc.string({ maxLength: 30 }),
);
const params = ["from", "to", "via", "alternatives", "optimize", "cargo", "modes", "avoidCountries", "avoidCrossings", "close", "year", "month", "co2Price", "format", "q", "limit", "kind", "places", "mode", "status", "bogus"];

describe("random requests", () => {
  it("GET with random parameters: never 5xx; every error has a code and a message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/v1/route", "/api/v1/places", "/api/v1/matrix", "/api/v1/network/layers", "/api/v1/crossings", "/api/v1/terminals"),
        fc.array(fc.tuple(fc.constantFrom(...params), values), { maxLength: 6 }),
        async (path, pairs) => {
          const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
          const r = await app.inject({ method: "GET", url: `${path}?${qs}` });
          expect(r.statusCode, `${path}?${qs}: ${r.body}`).toBeLessThan(500);
          if (r.statusCode >= 400) {
            const body = JSON.parse(r.body);
            expect(typeof body.code).toBe("string");
            expect(typeof body.message).toBe("string");
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("POST /route with random JSON: never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...params), fc.oneof(values, fc.array(values, { maxLength: 3 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null))), async (body) => {
        const r = await app.inject({ method: "POST", url: "/api/v1/route", payload: body });
        expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
