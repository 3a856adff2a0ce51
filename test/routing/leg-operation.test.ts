/**
 * Each leg of a route names the operation it was timed with (route --json legs[].operation, the legs table of the
 * text output): the chosen operation of its mode, else the mode's default (sea lanes: the mainline service); a leg
 * over a sea feeder the feeder operation (test/routing/sea-operations.test.ts); null where none applies (air and
 * ferry legs).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { datasetOperations } from "../../src/routing/operations";
import { openNetwork } from "../../src/network/open";
import type { RouteLeg } from "../../src/routing/wire";

const DATA = resolve(__dirname, "../../data/eurasia");

async function route(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", DATA, "route", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

async function legsOf(...args: string[]): Promise<RouteLeg[]> {
  const r = await route(...args, "--json");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out).routes[0].legs as RouteLeg[];
}

describe.skipIf(!existsSync(DATA))("the operation of each leg on data/eurasia", () => {
  const ops = datasetOperations(openNetwork(DATA, { cacheDir: false }));
  const defaultOf = (mode: string) => ops.find((o) => o.mode === mode && o.default)?.id;

  it("a rail leg under --operations rail-wagonload names it; without, the rail default", async () => {
    const wagon = await legsOf("Almaty", "Tashkent", "--modes", "rail", "--operations", "rail-wagonload");
    expect(wagon.length).toBeGreaterThan(0);
    for (const l of wagon) expect(l.operation).toBe(l.mode === "rail" ? "rail-wagonload" : null);
    expect(wagon.some((l) => l.mode === "rail")).toBe(true);
    const block = await legsOf("Almaty", "Tashkent", "--modes", "rail");
    expect(defaultOf("rail")).toBe("rail-block-train");
    for (const l of block.filter((x) => x.mode === "rail")) expect(l.operation).toBe(defaultOf("rail"));
  });

  it("a road leg names the default road operation, or the chosen one", async () => {
    const road = await legsOf("Almaty", "Tashkent", "--modes", "road");
    expect(road.map((l) => l.mode)).toContain("road");
    expect(defaultOf("road")).toBe("road-tir-observed");
    for (const l of road.filter((x) => x.mode === "road")) expect(l.operation).toBe("road-tir-observed");
    const team = await legsOf("Almaty", "Moscow", "--modes", "road", "--operations", "road-team-driven");
    for (const l of team.filter((x) => x.mode === "road")) expect(l.operation).toBe("road-team-driven");
  });

  it("a sea lane names the sea default (the mainline); legs of modes without operation types (ferry, air) carry null; every leg has the field", async () => {
    const legs = await legsOf("Shanghai", "Rotterdam", "--optimize", "cost");
    expect(legs.some((l) => l.mode === "sea")).toBe(true);
    expect(defaultOf("sea")).toBe("sea-mainline");
    for (const l of legs) {
      expect(l).toHaveProperty("operation");
      if (l.mode === "sea") expect(l.operation).toBe("sea-mainline");
      if (!ops.some((o) => o.mode === l.mode)) expect(l.operation).toBeNull();
    }
    const ferry = await legsOf("Almaty", "Baku", "--modes", "rail,ferry");
    expect(ferry.some((l) => l.mode === "ferry")).toBe(true);
    for (const l of ferry.filter((x) => x.mode === "ferry")) expect(l.operation).toBeNull();
  });

  it("the text output shows each leg's operation in the legs table", async () => {
    const r = await route("Almaty", "Tashkent", "--modes", "rail", "--operations", "rail-wagonload");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const header = lines.find((l) => l.trimStart().startsWith("mode"));
    expect(header).toMatch(/kg CO2e\s+operation$/);
    expect(lines.some((l) => /^\s+rail\b.*\srail-wagonload$/.test(l))).toBe(true);
  });
});
