/**
 * Sea operations (operations.yaml, routing/operations.ts, routing/report.ts): a sea lane is the mainline service (the
 * sea default, modes.yaml's speed), a leg over a sea feeder record is the feeder operation (`feeder: true`, timed by
 * the record), each its own leg; the feeder's ferry_wait is listed even where the wait beyond the loading dwell is 0,
 * and a note names the feeder, its headway and the dwell that holds the wait.
 *
 * Fixture test/fixtures/feeder (hand-checkable, docs in test/fidelity/feeder.test.ts), with two operations added here:
 *   Mainport → Fedport: mainline Mainport → Hubport 48 h (leg 1, sea-main); transshipment 30 h; feeder every 100 h:
 *     mean wait 50 h, 20 h beyond the 30 h dwell (P90 0.9 × 100 − 30 = 60 h); feeder Hubport → Fedport 10 h (leg 2,
 *     sea-feed). 108 h.
 *   Fedport → Mainport: feeder first (leg 1), its wait 50 − 24 = 26 h beyond Fedport's 24 h handling, the trip end.
 *   Headway 30 h instead: mean wait 15 h and P90 27 h are inside the 30 h dwell: ferry_wait 0 h (P90 0), 88 h.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { compileNetwork } from "../../src/network/build";
import { loadNetwork, validateNetwork } from "../../src/network/load";
import type { NetworkData } from "../../src/network/model";
import { openNetwork } from "../../src/network/open";
import { operationSchema } from "../../src/network/operations";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const FIXTURE = resolve(__dirname, "../fixtures/feeder");
const DATA = resolve(__dirname, "../../data/eurasia");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

const SEA_OPS = [
  operationSchema.parse({ id: "sea-main", mode: "sea", name: "mainline", default: true, source: ["src:feeder-manual"] }),
  operationSchema.parse({ id: "sea-feed", mode: "sea", name: "feeder", feeder: true, source: ["src:feeder-manual"] }),
];

function router(data: NetworkData) {
  const net = compileNetwork(data);
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  return (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport =>
    planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), criterion: "time", ...extra }).routes[0];
}

const opsNote = (r: RouteReport) => r.notes.find((n) => n.startsWith("operations assumed:"));
const feederNotes = (r: RouteReport) => r.notes.filter((n) => n.startsWith("feeder "));
const legsOf = (r: RouteReport) => r.legs.map((l) => [l.mode, l.from, l.to, l.operation]);
const total = (r: RouteReport) => r.legs.reduce((s, l) => s + l.timeH, 0) + r.events.reduce((s, e) => s + e.timeH, 0);

describe("sea operations on the feeder fixture", () => {
  const base = loadNetwork(FIXTURE);
  const data: NetworkData = { ...base, operations: SEA_OPS };
  const route = router(data);

  it("Mainport → Fedport: a mainline leg to the hub, then a feeder leg of its own; the note names both", () => {
    const r = route("mainport", "fed");
    expect(r.timeH).toBeCloseTo(48 + 30 + 20 + 10, 9);
    expect(legsOf(r)).toEqual([
      ["sea", "mainport", "hub", "sea-main"],
      ["sea", "hub", "fed", "sea-feed"],
    ]);
    expect(opsNote(r)).toBe("operations assumed: sea: mainline [sea-main] (leg 1); sea: feeder [sea-feed, timed by its feeder record: sailing time, headway, fare] (leg 2)");
    expect(feederNotes(r)).toEqual([
      "feeder hub-fed-feeder, leg 2 Hubport → Fedport: a sailing every 100.0 h; the wait for it, 50.0 h on average (P90 90.0 h), goes beyond the 30.0 h transshipment dwell at Hubport by 20.0 h (P90 60.0 h) (rule feeder-wait-beyond-dwell)",
    ]);
    expect(r.events.find((e) => e.type === "ferry_wait")).toMatchObject({ at: "hub", timeH: 20, ref: "hub-fed-feeder" });
  });

  it("Fedport → Mainport: the feeder is leg 1, its wait beyond Fedport's handling, the trip end's dwell", () => {
    const r = route("fed", "mainport");
    expect(legsOf(r)).toEqual([
      ["sea", "fed", "hub", "sea-feed"],
      ["sea", "hub", "mainport", "sea-main"],
    ]);
    expect(opsNote(r)).toContain("[sea-main] (leg 2)");
    expect(opsNote(r)).toContain("[sea-feed, timed by its feeder record: sailing time, headway, fare] (leg 1)");
    expect(feederNotes(r)).toEqual([
      "feeder hub-fed-feeder, leg 1 Fedport → Hubport: a sailing every 100.0 h; the wait for it, 50.0 h on average (P90 90.0 h), goes beyond the 24.0 h port handling at Fedport (a trip end: its dwell is counted only with --trip-end-dwell) by 26.0 h (P90 66.0 h) (rule feeder-wait-beyond-dwell)",
    ]);
  });

  it("a feeder every 30 h: the wait is inside the 30 h dwell, yet the ferry_wait (0 h, P90 0) and the note name the feeder", () => {
    const every30: NetworkData = { ...data, ferries: data.ferries.map((f) => (f.id === "hub-fed-feeder" ? { ...f, headwayH: 30 } : f)) };
    const r = router(every30)("mainport", "fed");
    expect(r.timeH).toBeCloseTo(48 + 30 + 10, 9);
    expect(r.timeP90H).toBeCloseTo(48 + 30 + 10, 9);
    expect(r.events.map((e) => [e.type, e.at, e.timeH, e.timeP90H, e.costUsd, e.ref])).toEqual([
      ["transshipment", "hub", 30, 30, 150, "hub-port"],
      ["ferry_wait", "hub", 0, 0, 0, "hub-fed-feeder"],
    ]);
    expect(total(r)).toBeCloseTo(r.timeH, 9);
    expect(feederNotes(r)).toEqual([
      "feeder hub-fed-feeder, leg 2 Hubport → Fedport: a sailing every 30.0 h; the wait for it, 15.0 h on average (P90 27.0 h), lies inside the 30.0 h transshipment dwell at Hubport, so it adds no time (ferry_wait 0 h) (rule feeder-wait-beyond-dwell)",
    ]);
    // a P90 beyond the dwell while the mean is inside it (headway 40: mean 20 h, P90 36 h against 30 h)
    const every40: NetworkData = { ...data, ferries: data.ferries.map((f) => (f.id === "hub-fed-feeder" ? { ...f, headwayH: 40 } : f)) };
    const r40 = router(every40)("mainport", "fed");
    expect(r40.events.find((e) => e.type === "ferry_wait")).toMatchObject({ timeH: 0, ref: "hub-fed-feeder" });
    expect(r40.events.find((e) => e.type === "ferry_wait")?.timeP90H).toBeCloseTo(6, 9);
    expect(feederNotes(r40)[0]).toContain("lies inside the 30.0 h transshipment dwell at Hubport; only its P90 goes beyond it, by 6.0 h");
  });

  it("a dataset without operation types: every leg's operation is null and no operations note, the feeder still named", () => {
    const r = router(base)("mainport", "fed");
    expect(r.legs.map((l) => l.operation)).toEqual([null, null]);
    expect(opsNote(r)).toBeUndefined();
    expect(feederNotes(r)).toHaveLength(1);
  });

  it("the feeder operation is not a query's choice; the mainline (the default) may be named", () => {
    expect(() => route("mainport", "fed", { operations: ["sea-feed"] })).toThrow(expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining("a query does not choose it") }));
    expect(route("mainport", "fed", { operations: ["sea-main"] }).timeH).toBe(route("mainport", "fed").timeH);
  });

  it("validation: a feeder operation must be sea, not the default, without a factor, and only one", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-seaops-"));
    tmp.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    const lines = [
      "operations:",
      "  - { id: sea-main, mode: sea, name: m, default: true, source: [src:feeder-manual] }",
      "  - { id: sea-feed, mode: sea, name: f, feeder: true, source: [src:feeder-manual] }",
      "  - { id: rail-feed, mode: rail, name: r, feeder: true, default: true, source: [src:feeder-manual] }",
      "  - { id: sea-feed-2, mode: sea, name: g, feeder: true, speedFactor: 0.5, source: [src:feeder-manual] }",
      "",
    ];
    writeFileSync(join(dir, "operations.yaml"), lines.join("\n"));
    const mine = validateNetwork(dir).problems.filter((p) => p.file === "operations.yaml");
    expect(mine.find((p) => p.line === 4 && p.field === "feeder")?.message).toMatch(/a feeder operation is a sea operation/);
    expect(mine.some((p) => p.line === 4 && p.field === "feeder" && /cannot be the default/.test(p.message))).toBe(true);
    expect(mine.find((p) => p.line === 5 && p.field === "speedFactor")?.message).toMatch(/leave speedFactor out/);
    // two valid feeder operations: the second is reported
    writeFileSync(join(dir, "operations.yaml"), [...lines.slice(0, 3), "  - { id: sea-feed-3, mode: sea, name: h, feeder: true, source: [src:feeder-manual] }", ""].join("\n"));
    const two = validateNetwork(dir).problems.filter((p) => p.file === "operations.yaml");
    expect(two.map((p) => [p.line, p.field])).toEqual([[4, "feeder"]]);
    expect(two[0].message).toMatch(/at most one operation is the feeder operation \(found 2\)/);
    writeFileSync(join(dir, "operations.yaml"), lines.slice(0, 3).join("\n") + "\n");
    expect(validateNetwork(dir).problems.filter((p) => p.file === "operations.yaml")).toEqual([]);
  });
});

describe.skipIf(!existsSync(DATA))("sea operations on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const route = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra }).routes[0];
  const ops = net.network.operations ?? [];

  it("the dataset names a sea default (the mainline, factor 1, modes.yaml's source) and one feeder operation, each sourced", () => {
    const sea = ops.filter((o) => o.mode === "sea");
    expect(sea.filter((o) => o.default).map((o) => [o.id, o.speedFactor])).toEqual([["sea-mainline", 1]]);
    expect(sea.filter((o) => o.feeder).map((o) => o.id)).toEqual(["sea-feeder"]);
    expect(sea.find((o) => o.id === "sea-mainline")?.source).toEqual(net.network.modes.modes.sea.speedKmh.source);
    for (const o of sea) expect(o.source.length, o.id).toBeGreaterThan(0);
    expect(net.network.rules["ops-sea-feeder"]).toBeDefined();
  });

  it("Shanghai → Chittagong: the mainline to Singapore, then the Singapore feeder (sea-feeder), its 0 h wait listed and explained", () => {
    const r = route("Shanghai", "Chittagong");
    const last = r.legs[r.legs.length - 1];
    expect([last.mode, last.from, last.to, last.operation]).toEqual(["sea", "singapore", "chittagong", "sea-feeder"]);
    for (const l of r.legs.slice(0, -1)) if (l.mode === "sea") expect(l.operation).toBe("sea-mainline");
    expect(r.legs.some((l) => l.operation === "sea-mainline")).toBe(true);
    const f = net.network.ferries.find((x) => x.id === "singapore-chittagong-feeder")!;
    expect(last.timeH).toBeCloseTo(f.crossingTimeH, 9);
    const wait = r.events.find((e) => e.type === "ferry_wait");
    expect(wait).toMatchObject({ at: "singapore", timeH: 0, timeP90H: 0, costUsd: 0, ref: "singapore-chittagong-feeder" });
    const n = r.legs.length;
    expect(opsNote(r)).toContain(`[sea-feeder, timed by its feeder record: sailing time, headway, fare] (leg ${n})`);
    expect(feederNotes(r)).toEqual([
      `feeder singapore-chittagong-feeder, leg ${n} Singapore → Chittagong: a sailing every 24.0 h; the wait for it, 12.0 h on average (P90 21.6 h), lies inside the 84.0 h transshipment dwell at Singapore, so it adds no time (ferry_wait 0 h) (rule feeder-wait-beyond-dwell)`,
    ]);
    expect(r.sources.map((s) => s.ref)).toEqual(expect.arrayContaining(["estimate:feeder-wait-beyond-dwell", "estimate:ops-sea-feeder"]));
    expect(total(r)).toBeCloseTo(r.timeH, 6);
  });

  it("Shanghai → Rotterdam by sea: one mainline leg, no feeder", () => {
    const r = route("Shanghai", "Rotterdam", { modes: ["sea"] });
    expect(legsOf(r)).toEqual([["sea", "shanghai", "rotterdam", "sea-mainline"]]);
    expect(opsNote(r)).toBe("operations assumed: sea: mainline deep-sea service (container-ship speed, 16 kn) [sea-mainline] (leg 1)");
    expect(feederNotes(r)).toEqual([]);
    expect(r.events.some((e) => e.type === "ferry_wait")).toBe(false);
  });

  it("caravan route: the legs table names sea-mainline and sea-feeder; --operations sea-feeder is one E_USAGE line", async () => {
    const run = async (...args: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(["--data", DATA, "route", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };
    const text = await run("Shanghai", "Chittagong");
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^\s+sea\s+Shanghai\s+Singapore\b.*\ssea-mainline$/m);
    expect(text.out).toMatch(/^\s+sea\s+Singapore\s+Chittagong\b.*\ssea-feeder$/m);
    expect(text.out).toMatch(/^\s+ferry_wait\s+Singapore\s+0\.0\s+0\.0\s+0\s+singapore-chittagong-feeder$/m);
    const bad = await run("Shanghai", "Chittagong", "--operations", "sea-feeder");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^caravan: E_USAGE: operation "sea-feeder" is the service of the sea feeder legs/);
    expect(bad.err.trim().split("\n")).toHaveLength(1);
  });
});
