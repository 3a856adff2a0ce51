/**
 * API contract, limits and security: the bearer token on compute routes, the loopback rule, CORS off by default,
 * the body-size cap, files outside the data folders refused, and errors that never carry a stack trace.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCaravanError } from "../../src/core/errors";
import { startServer } from "../../src/server/index";
import { isLoopbackHost, resolveDataPath } from "../../src/server/security";
import { appOver, CORRIDORS, fixtureCopy, json, stateOf } from "./helpers";

const TOKEN = "0123456789abcdef-token";

describe("bearer token", () => {
  it("with a token, compute routes need Authorization: Bearer and open routes do not", async () => {
    const app = await appOver(CORRIDORS, { token: TOKEN });
    try {
      const none = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest" });
      expect(none.statusCode).toBe(401);
      expect(json(none).code).toBe("E_UNAUTHORIZED");
      const wrong = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest", headers: { authorization: "Bearer not-the-token-at-all" } });
      expect(wrong.statusCode).toBe(401);
      const right = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest", headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.statusCode).toBe(200);
      const job = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment" } });
      expect(job.statusCode).toBe(401);
      for (const url of ["/api/v1/health", "/api/v1/places?q=ori", "/api/v1/crossings", "/api/v1/network/layers", "/api/v1/openapi.json"]) {
        expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(200);
      }
    } finally {
      await app.close();
    }
  });

  it("the web app gets the token once through /?token=…: a same-site HttpOnly cookie, then compute routes accept the cookie", async () => {
    const app = await appOver(CORRIDORS, { token: TOKEN });
    try {
      const wrong = await app.inject({ method: "GET", url: "/?token=nope" });
      expect(wrong.statusCode).toBe(401);
      const login = await app.inject({ method: "GET", url: `/?view=route&token=${TOKEN}` });
      expect(login.statusCode).toBe(303);
      expect(login.headers.location).toBe("/?view=route");
      const cookie = String(login.headers["set-cookie"]);
      expect(cookie).toMatch(/^caravan_token=.*HttpOnly; SameSite=Strict; Path=\//);
      const withCookie = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest", headers: { cookie: cookie.split(";")[0] } });
      expect(withCookie.statusCode).toBe(200);
      const badCookie = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest", headers: { cookie: "caravan_token=guess" } });
      expect(badCookie.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("binding beyond loopback without a token is refused before listening", async () => {
    const error = await startServer({ dataDir: CORRIDORS, host: "0.0.0.0", port: 0, cacheDir: false, webRoot: null }).catch((e) => e);
    expect(isCaravanError(error) && error.code).toBe("E_USAGE");
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("192.168.1.5")).toBe(false);
  });
});

describe("CORS", () => {
  it("is off by default: no Access-Control-Allow-Origin for a foreign origin", async () => {
    const app = await appOver(CORRIDORS);
    try {
      const r = await app.inject({ method: "GET", url: "/api/v1/health", headers: { origin: "https://example.org" } });
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it("--cors ORIGIN allows that origin only, with preflight", async () => {
    const app = await appOver(CORRIDORS, { cors: "https://maps.example.org" });
    try {
      const ok = await app.inject({ method: "GET", url: "/api/v1/health", headers: { origin: "https://maps.example.org" } });
      expect(ok.headers["access-control-allow-origin"]).toBe("https://maps.example.org");
      const other = await app.inject({ method: "GET", url: "/api/v1/health", headers: { origin: "https://evil.example.com" } });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
      const pre = await app.inject({ method: "OPTIONS", url: "/api/v1/route", headers: { origin: "https://maps.example.org", "access-control-request-method": "POST" } });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers["access-control-allow-headers"]).toMatch(/authorization/);
    } finally {
      await app.close();
    }
  });
});

describe("limits and malformed requests", () => {
  it("a JSON body over 1 MiB is 413 E_LIMIT; malformed JSON is 400 E_USAGE; an unknown body field is E_USAGE", async () => {
    const app = await appOver(CORRIDORS);
    try {
      const big = await app.inject({ method: "POST", url: "/api/v1/route", headers: { "content-type": "application/json" }, payload: JSON.stringify({ from: "ori", to: "dest", pad: "x".repeat(1_100_000) }) });
      expect(big.statusCode).toBe(413);
      expect(json(big).code).toBe("E_LIMIT");
      const bad = await app.inject({ method: "POST", url: "/api/v1/route", headers: { "content-type": "application/json" }, payload: "{from: ori" });
      expect(bad.statusCode).toBe(400);
      expect(json(bad).code).toBe("E_USAGE");
      const extra = await app.inject({ method: "POST", url: "/api/v1/route", payload: { from: "ori", to: "dest", mode: ["sea"] } });
      expect(json(extra)).toMatchObject({ code: "E_USAGE", didYouMean: ["modes"] });
    } finally {
      await app.close();
    }
  });

  it("an unexpected failure is 500 E_INTERNAL without a stack trace; the stack goes to the server log", async () => {
    const logged: string[] = [];
    const dir = fixtureCopy();
    const state = stateOf(dir);
    const app = await appOver(dir, { log: (line) => logged.push(line) });
    const original = state.ctx.weights;
    try {
      state.ctx.weights = () => {
        throw new TypeError("boom");
      };
      const r = await app.inject({ method: "GET", url: "/api/v1/route?from=ori&to=dest" });
      expect(r.statusCode).toBe(500);
      expect(json(r)).toEqual({ code: "E_INTERNAL", message: expect.any(String) });
      expect(r.body).not.toMatch(/boom|at .*\.ts/);
      expect(logged.join("\n")).toMatch(/TypeError: boom/);
    } finally {
      state.ctx.weights = original;
      await app.close();
    }
  });

  it("a response that does not match its schema fails (500 naming the mismatch) instead of reaching the client", async () => {
    const dir = fixtureCopy();
    const state = stateOf(dir);
    const app = await appOver(dir);
    try {
      (state.catalogue.crossings[0] as unknown as Record<string, unknown>).undocumented = 1;
      const r = await app.inject({ method: "GET", url: "/api/v1/crossings" });
      expect(r.statusCode).toBe(500);
      expect(json<{ message: string }>(r).message).toMatch(/does not match its schema.*undocumented/);
    } finally {
      await app.close();
    }
  });
});

describe("files named in requests stay inside the data folders", () => {
  it("resolveDataPath refuses '..', absolute paths elsewhere and symbolic links leading out", () => {
    const dir = fixtureCopy();
    const outside = mkdtempSync(join(tmpdir(), "caravan-outside-"));
    writeFileSync(join(outside, "secret.csv"), "x\n");
    symlinkSync(join(outside, "secret.csv"), join(dir, "demand", "link.csv"));
    const folders = [stateOf(dir).dataDir];
    const code = (path: string) => {
      try {
        resolveDataPath(folders, path);
        return "ok";
      } catch (error) {
        return isCaravanError(error) ? error.code : "other";
      }
    };
    expect(code("demand/corridors-2024.csv")).toBe("ok");
    expect(code("../corridors/demand/corridors-2024.csv")).toBe("E_PATH_FORBIDDEN");
    expect(code("demand/../../x.csv")).toBe("E_PATH_FORBIDDEN");
    expect(code(join(outside, "secret.csv"))).toBe("E_PATH_FORBIDDEN");
    expect(code("/etc/passwd")).toBe("E_PATH_FORBIDDEN");
    expect(code("demand/link.csv")).toBe("E_PATH_FORBIDDEN");
    expect(code("demand/missing.csv")).toBe("E_FILE_NOT_FOUND");
  });

  it("a job naming a file outside is 403 E_PATH_FORBIDDEN and never queued", async () => {
    const dir = fixtureCopy();
    const app = await appOver(dir);
    try {
      for (const demand of ["../../../etc/passwd", "/etc/passwd"]) {
        const r = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment", input: { demand } } });
        expect(r.statusCode, demand).toBe(403);
        expect(json(r).code).toBe("E_PATH_FORBIDDEN");
        expect(r.body).not.toContain(dir);
      }
      const health = json<{ jobs: { queued: number; running: number } }>(await app.inject({ method: "GET", url: "/api/v1/health" }));
      expect(health.jobs).toEqual({ queued: 0, running: 0 });
    } finally {
      await app.close();
    }
  });
});
