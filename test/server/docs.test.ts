/**
 * API contract, documents: the OpenAPI 3.1 document covers every route with its schemas, docs/api.md is the
 * rendering of it (regenerate with npm run docs:generate), the explorer page needs nothing from the internet, and
 * `caravan serve` starts, prints its URL, answers and stops on SIGTERM.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildOpenApi, renderApiDocs } from "../../src/server/openapi";
import { ROUTES } from "../../src/server/schemas";
import { appOver, CORRIDORS, json } from "./helpers";

let app: FastifyInstance;
beforeAll(async () => {
  app = await appOver(CORRIDORS);
});
afterAll(async () => {
  await app.close();
});

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with every route, its parameters, body and response schemas, and bearer security on compute routes", async () => {
    const r = await app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(r.statusCode).toBe(200);
    const doc = json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown>; parameters?: { name: string }[] }>> }>(r);
    expect(doc.openapi).toBe("3.1.0");
    for (const route of ROUTES) {
      const op = doc.paths[route.url.replace(/:([a-z]+)/g, "{$1}")]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      expect(op.security !== undefined, route.url).toBe(route.access === "compute");
    }
    const route = doc.paths["/api/v1/route"].get;
    expect(route.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(["from", "to", "alternatives", "optimize", "modes", "cargo", "avoidCountries", "close", "year", "format"]));
  });

  it("docs/api.md is generated from it (run npm run docs:generate after changing the API)", () => {
    expect(readFileSync(resolve(__dirname, "../../docs/api.md"), "utf8")).toBe(renderApiDocs(buildOpenApi("docs")));
  });

  it("the explorer page at /api/docs loads nothing from outside the server", async () => {
    const r = await app.inject({ method: "GET", url: "/api/docs" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    expect(r.body).toContain("/api/v1/openapi.json");
    expect(r.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
  });

  it("without a built web app, / explains how to build it", async () => {
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain("npm run build:web");
  });
});

describe("caravan serve", () => {
  it("prints the URL, answers /api/v1/health and stops on SIGTERM with status 0", async () => {
    const root = resolve(__dirname, "../..");
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--data", CORRIDORS, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    try {
      for (let i = 0; i < 1200 && !/http:\/\/127\.0\.0\.1:\d+\//.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      expect(url, out).toBeDefined();
      const health = (await (await fetch(`${url}api/v1/health`)).json()) as { status: string; dataset: { places: number } };
      expect(health).toMatchObject({ status: "ok", dataset: { places: 17 } });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopping \(SIGTERM\)/);
  });

  it("refuses a port that is not a number, and a short token", async () => {
    const { runCli } = await import("../../src/cli/main");
    let err = "";
    expect(await runCli(["serve", "--port", "http"], { out: () => {}, err: (s) => (err += s) })).toBe(2);
    expect(err).toMatch(/E_USAGE/);
    expect(await runCli(["serve", "--token", "short"], { out: () => {}, err: (s) => (err += s) })).toBe(2);
  });
});
