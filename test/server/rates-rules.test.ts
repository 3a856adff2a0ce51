/**
 * The route and matrix endpoints with the choices of `caravan route`: cost basis and rates month (`costBasis`,
 * `rates`; the rate layers of data/eurasia/rates) and the rules of passage (`rulesOff`; data/eurasia/rules); an
 * assignment job with the options of `caravan assign` on the same dataset. The route body is the object
 * `caravan route --json` prints for the same choices; bad choices are 400 E_USAGE with the
 * API's parameter names. Responses are validated against their schemas (helpers.ts).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { appOver, json } from "./helpers";

const DATA = resolve(__dirname, "../../data/eurasia");
const HAS_DATA = existsSync(`${DATA}/rates`) && existsSync(`${DATA}/rules`);
if (!HAS_DATA) console.warn("skipping the API rates and rules tests: data/eurasia/rates or data/eurasia/rules is absent");

interface Plan {
  costBasis: string;
  ratesMonth: string | null;
  passage: { date: string; rules: string[]; off: string[] };
  routes: { costUsd: number; timeH: number; countries: string[]; notes: string[]; legs: { rates?: { lane: string; basis: string; period: string | null; source: string[] }[] }[] }[];
}

async function cliJson(...args: string[]): Promise<unknown> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", DATA, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  expect(code, err).toBe(0);
  return JSON.parse(out);
}

describe.skipIf(!HAS_DATA)("route and matrix: cost basis, rates month and rules of passage (data/eurasia)", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appOver(DATA);
  });
  afterAll(async () => {
    await app.close();
  });
  const get = (url: string) => app.inject({ method: "GET", url });

  it("rates=2024-01 prices the sea leg on the WCI rate of the month, as `route --rates 2024-01 --json` does", async () => {
    const r = await get("/api/v1/route?from=Shanghai&to=Rotterdam&modes=sea&rates=2024-01");
    expect(r.statusCode).toBe(200);
    const plan = json<Plan>(r);
    expect(plan).toMatchObject({ costBasis: "rates", ratesMonth: "2024-01" });
    expect(plan.routes[0].legs[0].rates?.[0]).toMatchObject({ lane: "far-east-north-europe-sea", basis: "rate", period: "2024-01" });
    expect(plan.routes[0].legs[0].rates?.[0].source).toContain("src:rates-drewry-wci-jan-2024");
    expect(plan).toEqual(await cliJson("route", "Shanghai", "Rotterdam", "--modes", "sea", "--rates", "2024-01", "--json"));
  });

  it("costBasis=cost prices on the cost model: no rates on the legs, another cost than the rates month's", async () => {
    const rated = json<Plan>(await get("/api/v1/route?from=Shanghai&to=Rotterdam&modes=sea&rates=2024-01"));
    const r = await get("/api/v1/route?from=Shanghai&to=Rotterdam&modes=sea&costBasis=cost");
    expect(r.statusCode).toBe(200);
    const plan = json<Plan>(r);
    expect(plan).toMatchObject({ costBasis: "cost", ratesMonth: null });
    expect(plan.routes[0].legs[0].rates).toBeUndefined();
    expect(plan.routes[0].costUsd).not.toBeCloseTo(rated.routes[0].costUsd, 0);
    expect(plan).toEqual(await cliJson("route", "Shanghai", "Rotterdam", "--modes", "sea", "--cost-basis", "cost", "--json"));
  });

  it("without a choice the route is on the latest month with rates (the CLI's default)", async () => {
    const plan = json<Plan>(await get("/api/v1/route?from=Shanghai&to=Rotterdam&modes=sea"));
    const cli = (await cliJson("route", "Shanghai", "Rotterdam", "--modes", "sea", "--json")) as Plan;
    expect(plan.costBasis).toBe("rates");
    expect(plan.ratesMonth).toMatch(/^\d{4}-\d{2}$/);
    expect(plan.ratesMonth).toBe(cli.ratesMonth);
  });

  it("a month that is not YYYY-MM, an unknown basis and a month on the cost basis are 400 E_USAGE naming the parameter", async () => {
    for (const month of ["2024-13", "July%202024", "2024-1"]) {
      const r = await get(`/api/v1/route?from=Shanghai&to=Rotterdam&rates=${month}`);
      expect(r.statusCode).toBe(400);
      expect(json(r)).toMatchObject({ code: "E_USAGE", message: expect.stringMatching(/^rates must be a month YYYY-MM \(e\.g\. 2024-01\), got "/) });
    }
    const basis = await get("/api/v1/route?from=Shanghai&to=Rotterdam&costBasis=rate");
    expect(basis.statusCode).toBe(400);
    expect(json(basis)).toMatchObject({ code: "E_USAGE", didYouMean: ["rates"] });
    const both = await get("/api/v1/route?from=Shanghai&to=Rotterdam&costBasis=cost&rates=2024-01");
    expect(both.statusCode).toBe(400);
    expect(json(both)).toMatchObject({ code: "E_USAGE", message: "rates applies to costBasis=rates only" });
  });

  it("a month no rate covers is priced by the cost model on every lane, and each lane's note says so", async () => {
    const plan = json<Plan>(await get("/api/v1/route?from=Shanghai&to=Rotterdam&modes=sea&rates=1990-01"));
    expect(plan).toMatchObject({ costBasis: "rates", ratesMonth: "1990-01" });
    expect(plan.routes[0].legs[0].rates?.[0].basis).toBe("cost-model");
    expect(plan.routes[0].notes.some((n) => n.includes("no rate observed for 1990-01"))).toBe(true);
  });

  it("rules of passage: Indian goods to Kabul avoid Pakistan in June 2025; rulesOff=all lets them through and says which rules it switched off", async () => {
    const on = json<Plan>(await get("/api/v1/route?from=Delhi&to=Kabul&year=2025&month=6"));
    expect(on.passage.date).toBe("2025-06-15");
    expect(on.passage.rules).toEqual(expect.arrayContaining(["aptta-no-indian-transit", "pakistan-india-trade-suspension-2025"]));
    expect(on.routes[0].countries).not.toContain("PAK");
    expect(on.routes[0].notes.some((n) => n.startsWith("rule of passage in force on 2025-06-15") && n.includes("[aptta-no-indian-transit]"))).toBe(true);
    const off = json<Plan>(await get("/api/v1/route?from=Delhi&to=Kabul&year=2025&month=6&rulesOff=all"));
    expect(off.passage.rules).toEqual([]);
    expect(off.passage.off).toEqual(expect.arrayContaining(["aptta-no-indian-transit", "pakistan-india-trade-suspension-2025"]));
    expect(off.routes[0].countries).toContain("PAK");
    expect(off).toEqual(await cliJson("route", "Delhi", "Kabul", "--year", "2025", "--month", "6", "--rules-off", "all", "--json"));
  });

  it("POST takes rulesOff as a list; an unknown rule id is 400 E_USAGE with did-you-mean", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/route", payload: { from: "Delhi", to: "Kabul", year: 2025, month: 6, rulesOff: ["aptta-no-indian-transit"] } });
    expect(r.statusCode).toBe(200);
    const plan = json<Plan>(r);
    expect(plan.passage.off).toEqual(["aptta-no-indian-transit"]);
    expect(plan.passage.rules).toContain("pakistan-india-trade-suspension-2025");
    expect(plan.passage.rules).not.toContain("aptta-no-indian-transit");
    expect(plan.routes[0].countries).not.toContain("PAK");
    const bad = await get("/api/v1/route?from=Delhi&to=Kabul&rulesOff=aptta-no-indian-transi");
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ code: "E_USAGE", didYouMean: ["aptta-no-indian-transit"] });
  });

  it("tripEndDwell and operations give what `route --trip-end-dwell --operations` gives", async () => {
    const url = "/api/v1/route?from=Shanghai&to=Duisburg&tripEndDwell=true&operations=road-team-driven&alternatives=2";
    const plan = json<Plan & { routes: { events: { type: string }[] }[] }>(await get(url));
    const cli = await cliJson("route", "Shanghai", "Duisburg", "--trip-end-dwell", "--operations", "road-team-driven", "--alternatives", "2", "--json");
    expect(plan).toEqual(cli);
    // trip-end dwell is the default; tripEndDwell=false gives the line haul, as route --no-trip-end-dwell
    const dflt = json<Plan>(await get("/api/v1/route?from=Shanghai&to=Duisburg&operations=road-team-driven&alternatives=2"));
    expect(dflt).toEqual(plan);
    const plain = json<Plan & { routes: { events: { type: string }[] }[] }>(await get("/api/v1/route?from=Shanghai&to=Duisburg&alternatives=2&tripEndDwell=false"));
    expect(plain).toEqual(await cliJson("route", "Shanghai", "Duisburg", "--no-trip-end-dwell", "--alternatives", "2", "--json"));
    expect(plan.routes[0].events.filter((e) => e.type === "terminal_dwell").length).toBeGreaterThan(plain.routes[0].events.filter((e) => e.type === "terminal_dwell").length);
    const bad = await get("/api/v1/route?from=Shanghai&to=Duisburg&operations=road-team-drivn");
    expect(bad.statusCode).toBe(400);
    expect(json(bad).didYouMean).toContain("road-team-driven");
  });

  it("sea legs name their operation in the validated response: Shanghai → Chittagong's mainline leg and Singapore feeder leg, its 0 h wait", async () => {
    const r = await get("/api/v1/route?from=Shanghai&to=Chittagong&modes=sea");
    expect(r.statusCode, r.body).toBe(200);
    const plan = json<{ routes: { legs: { mode: string; from: string; to: string; operation: string | null }[]; events: { type: string; timeH: number; ref: string | null }[]; notes: string[] }[] }>(r);
    const route = plan.routes[0];
    expect(route.legs.map((l) => [l.mode, l.from, l.to, l.operation])).toEqual([
      ["sea", "shanghai", "singapore", "sea-mainline"],
      ["sea", "singapore", "chittagong", "sea-feeder"],
    ]);
    expect(route.events.find((e) => e.type === "ferry_wait")).toMatchObject({ timeH: 0, ref: "singapore-chittagong-feeder" });
    expect(route.notes.some((n) => n.startsWith("feeder singapore-chittagong-feeder, leg 2"))).toBe(true);
    expect(plan).toEqual(await cliJson("route", "Shanghai", "Chittagong", "--modes", "sea", "--json"));
  });

  it("an assignment job with rates, month and value-of-time segments gives the figures of `assign --demand` with the same options", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/jobs", payload: { kind: "assignment", input: { rates: "2024-07", month: 12, votSegments: 3, gap: 1e-4 } } });
    expect(r.statusCode, r.body).toBe(202);
    const id = json<{ jobId: string }>(r).jobId;
    let job = { status: "queued" } as { status: string; result?: { summary: Record<string, unknown> }; error?: unknown };
    for (let i = 0; i < 2400 && (job.status === "queued" || job.status === "running"); i++) {
      await new Promise((res) => setTimeout(res, 50));
      job = json(await get(`/api/v1/jobs/${id}`));
    }
    expect(job.status, JSON.stringify(job.error)).toBe("done");
    const cli = (await cliJson("assign", "--no-store", "--demand", `${DATA}/demand/corridors-2024.csv`, "--rates", "2024-07", "--month", "12", "--vot-segments", "3", "--gap", "1e-4", "--json")) as Record<string, unknown>;
    const figures = ({ demandFile: _f, elapsedS: _e, solveS: _s, ...rest }: Record<string, unknown>) => rest;
    expect(job.result!.summary).toMatchObject({ costBasis: "rates", ratesMonth: "2024-07", month: 12, choice: { votSegments: 3 } });
    expect(figures(job.result!.summary)).toEqual(figures(cli));
  }, 180_000);

  it("matrix: the rules of passage of the date apply per pair (as route, line haul); rulesOff switches them off; an unknown id is 400 with a suggestion", async () => {
    type M = { timeH: number[][] };
    const ruled = json<M>(await get("/api/v1/matrix?places=karachi,kabul&optimize=time"));
    const route = json<Plan>(await get("/api/v1/route?from=karachi&to=kabul&optimize=time&tripEndDwell=false"));
    expect(ruled.timeH[0][1]).toBeCloseTo(route.routes[0].timeH, 6);
    const off = json<M>(await get("/api/v1/matrix?places=karachi,kabul&optimize=time&rulesOff=all"));
    const routeOff = json<Plan>(await get("/api/v1/route?from=karachi&to=kabul&optimize=time&tripEndDwell=false&rulesOff=all"));
    expect(off.timeH[0][1]).toBeCloseTo(routeOff.routes[0].timeH, 6);
    expect(off.timeH[0][1]).toBeLessThan(ruled.timeH[0][1]);
    const bad = await get("/api/v1/matrix?places=karachi,kabul&rulesOff=pakistan-afghanistan-closure");
    expect(bad.statusCode).toBe(400);
    expect(json<{ didYouMean: string[] }>(bad).didYouMean).toContain("pakistan-afghanistan-closure-2025-10");
  });

  it("matrix: costBasis and ratesMonth in the body; a rated cell costs what the route of that pair costs", async () => {
    const rated = json<{ costBasis: string; ratesMonth: string | null; costUsd: number[][] }>(
      await get("/api/v1/matrix?places=shanghai,rotterdam,xian,duisburg&rates=2024-07&optimize=time"),
    );
    expect(rated).toMatchObject({ costBasis: "rates", ratesMonth: "2024-07" });
    const cost = json<{ costBasis: string; ratesMonth: string | null; costUsd: number[][] }>(await get("/api/v1/matrix?places=shanghai,rotterdam,xian,duisburg&costBasis=cost&optimize=time"));
    expect(cost).toMatchObject({ costBasis: "cost", ratesMonth: null });
    // the matrix reports the line haul: the route without trip-end dwell
    const route = json<Plan>(await get("/api/v1/route?from=xian&to=duisburg&rates=2024-07&optimize=time&tripEndDwell=false"));
    expect(rated.costUsd[2][3]).toBeCloseTo(route.routes[0].costUsd, 6);
    expect(rated.costUsd[2][3]).not.toBeCloseTo(cost.costUsd[2][3], 0);
  });
});
