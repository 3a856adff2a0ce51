/**
 * Operation types (data/eurasia/operations.yaml, routing/operations.ts): a route names the operation it assumed for
 * each leg (grouped by mode) and its time basis, and a query may choose another (a single driver or a team of two:
 * road legs timed by the driving-time rules; wagonload rail: moving time / 0.66; dwell and charges kept).
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";
import { drivingTime } from "../../src/routing/driving-time";

const DATA = resolve(__dirname, "../../data/eurasia");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync(DATA))("operation types on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const route = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra }).routes[0];
  const opsNote = (r: RouteReport) => r.notes.find((n) => n.startsWith("operations assumed:"));

  it("names the default operation of each leg a route uses, by mode with the legs' numbers", () => {
    expect(opsNote(route("Xi'an", "Duisburg", { modes: ["rail"] }))).toBe("operations assumed: rail: scheduled container block train [rail-block-train] (leg 1)");
    expect(opsNote(route("Almaty", "Tashkent", { modes: ["road"] }))).toBe("operations assumed: road: TIR truck as observed (regular commercial deliveries, crew not stated) [road-tir-observed] (leg 1)");
    const mixed = route("Kostanay", "Kabul");
    const legsOf = (mode: string) => mixed.legs.flatMap((l, i) => (l.mode === mode ? [i + 1] : []));
    expect(legsOf("rail").length).toBeGreaterThan(0);
    expect(legsOf("road").length).toBeGreaterThan(0);
    const note = opsNote(mixed) ?? "";
    for (const [mode, id] of [["rail", "rail-block-train"], ["road", "road-tir-observed"]]) {
      const legs = legsOf(mode);
      expect(note).toContain(`[${id}] (leg${legs.length > 1 ? "s" : ""} ${legs.join(", ")})`);
    }
  });

  it("a bulk route says it runs at the container trains' and ships' speeds, which no source gives for bulk", () => {
    const block = net.network.operations!.find((o) => o.id === "rail-block-train")!;
    expect(block.cargo).toEqual(["feu", "teu"]);
    const bulk = route("Tashkent", "Bandar Abbas", { cargo: "bulk", modes: ["rail"] });
    expect(opsNote(bulk)).toBe("operations assumed: rail: scheduled container block train [rail-block-train; bulk at its speed: the dataset has no rail speed of its own for bulk] (leg 1)");
    // the same legs in the same time as a box: the speed is the block train's
    const box = route("Tashkent", "Bandar Abbas", { cargo: "feu", modes: ["rail"] });
    expect(opsNote(box)).toBe("operations assumed: rail: scheduled container block train [rail-block-train] (leg 1)");
    expect(bulk.legs.map((l) => l.timeH)).toEqual(box.legs.map((l) => l.timeH));
    // an operation without a cargo list (wagonload: RZD's figure for every consignment) adds nothing
    const wagonload = route("Tashkent", "Bandar Abbas", { cargo: "bulk", modes: ["rail"], operations: ["rail-wagonload"] });
    expect(opsNote(wagonload)).toMatch(/\[rail-wagonload, speed × 0\.66[^\]]*\] \(leg 1\)/);
    expect(opsNote(wagonload)).not.toMatch(/bulk at its speed/);
  });

  it("states the time basis: line haul without end dwell by default, trip ends included with the trip-end dwell", () => {
    const basis = (r: RouteReport) => r.notes.filter((n) => n.startsWith("time basis:"));
    expect(basis(route("Xi'an", "Duisburg", { modes: ["rail"] }))).toEqual([expect.stringContaining("line haul")]);
    const on = route("Xi'an", "Duisburg", { modes: ["rail"], tripEndDwell: true });
    expect(basis(on)).toEqual([expect.stringContaining("trip ends included")]);
    expect(on.events.filter((e) => e.type === "terminal_dwell")).toHaveLength(2);
  });

  it("wagonload rail moves at 0.66 of the block train's speed (RZD 2015 delivery speeds); dwell and charges are kept", () => {
    const block = route("Almaty", "Tashkent", { modes: ["rail"] });
    const wagon = route("Almaty", "Tashkent", { modes: ["rail"], operations: ["rail-wagonload"] });
    expect(wagon.legs.map((l) => l.to)).toEqual(block.legs.map((l) => l.to));
    const moving = (r: RouteReport) => r.legs.reduce((s, l) => s + l.timeH, 0);
    expect(moving(wagon)).toBeCloseTo(moving(block) / 0.66, 9);
    expect(wagon.events).toEqual(block.events);
    expect(wagon.costUsd).toBeCloseTo(block.costUsd, 9);
    expect(opsNote(wagon)).toContain("[rail-wagonload, speed × 0.66, marshalling-yard dwell unknown, not added] (leg 1)");
    expect(net.network.operations?.find((o) => o.id === "rail-wagonload")?.yardDwellH).toBeNull();
    const op = net.network.operations?.find((o) => o.id === "rail-wagonload");
    expect(op?.source).toEqual(expect.arrayContaining(["src:ops-rzd-delivery-speed-2015", "estimate:ops-rail-wagonload"]));
    // one operation per mode: wagonload and block train together are refused
    expect(() => route("Almaty", "Tashkent", { operations: ["rail-wagonload", "rail-block-train"] })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("times a long road leg by the driving-time rules: one driver's rests, a team's shorter ones; dwell and charges kept", () => {
    const observed = route("Almaty", "Moscow", { modes: ["road"] });
    const single = route("Almaty", "Moscow", { modes: ["road"], operations: ["road-single-driver"] });
    const team = route("Almaty", "Moscow", { modes: ["road"], operations: ["road-team-driven"] });
    const ops = net.network.operations ?? [];
    const rules = (id: string) => ops.find((o) => o.id === id)!.driving!;
    for (const r of [single, team]) {
      expect(r.legs.map((l) => l.mode)).toEqual(["road"]);
      expect(r.events).toEqual(observed.events);
      expect(r.costUsd).toBeCloseTo(observed.costUsd, 9);
    }
    const leg = single.legs[0];
    expect(leg.distanceKm).toBeGreaterThan(3500);
    const s = drivingTime(leg.distanceKm / rules("road-single-driver").drivingSpeedKmh, rules("road-single-driver"));
    const t = drivingTime(team.legs[0].distanceKm / rules("road-team-driven").drivingSpeedKmh, rules("road-team-driven"));
    expect(s.dailyRests).toBeGreaterThan(0);
    expect(s.weeklyRests).toBeGreaterThan(0);
    expect(leg.timeH).toBeCloseTo(s.elapsedH, 9);
    expect(team.legs[0].timeH).toBeCloseTo(t.elapsedH, 9);
    // Σ legs + Σ events = the route's time; the single driver is slower than the team by what the rules imply
    const events = (r: RouteReport) => r.events.reduce((x, e) => x + e.timeH, 0);
    expect(single.timeH).toBeCloseTo(s.elapsedH + events(single), 9);
    expect(single.timeH - team.timeH).toBeCloseTo(s.elapsedH - t.elapsedH, 9);
    expect(single.timeH - team.timeH).toBeGreaterThan(24);
    expect(single.timeP90H - single.timeH).toBeCloseTo(observed.timeP90H - observed.timeH, 9);
    expect(opsNote(single)).toContain("[road-single-driver, driving-time rules, 1 driver, driving at 54.6 km/h] (leg 1)");
    expect(opsNote(team)).toContain("[road-team-driven, driving-time rules, 2 drivers, driving at 54.6 km/h] (leg 1)");
    expect(single.notes.find((n) => n.startsWith("driving-time rules of road-single-driver"))).toMatch(/leg 1 Almaty → Moscow: [\d.]+ h driving \+ \d+ breaks [\d.]+ h \+ \d+ daily rests [\d.]+ h \+ 1 weekly rest 45\.0 h = [\d.]+ h/);
    expect(observed.notes.some((n) => n.startsWith("driving-time rules"))).toBe(false);
    // the route lists the chosen operation's sources (regulation, AETR, the driving-speed rule); the default's list has none of them
    const refs = (r: RouteReport) => r.sources.map((x) => x.ref);
    expect(refs(single)).toEqual(expect.arrayContaining(["src:ops-eu-reg-561-2006", "src:ops-unece-aetr", "estimate:ops-road-driving-speed"]));
    expect(single.sources.find((x) => x.ref === "src:ops-eu-reg-561-2006")).toMatchObject({ year: 2006, url: expect.stringContaining("eur-lex.europa.eu") });
    expect(refs(single)).toEqual([...refs(single)].sort((x, y) => x.localeCompare(y)));
    expect(refs(observed)).not.toContain("src:ops-eu-reg-561-2006");
  });

  it("a road leg of one driving period under the rules: its driving and one 45-min break, no rest", () => {
    const single = route("Almaty", "Bishkek", { modes: ["road"], operations: ["road-single-driver"] });
    const rules = net.network.operations!.find((o) => o.id === "road-single-driver")!.driving!;
    const d = single.legs[0].distanceKm / rules.drivingSpeedKmh;
    expect(d).toBeGreaterThan(4.5);
    expect(d).toBeLessThanOrEqual(9);
    expect(single.legs[0].timeH).toBeCloseTo(d + 0.75, 9);
    expect(single.notes.find((n) => n.startsWith("driving-time rules"))).toMatch(/h driving \+ 1 break 0\.75 h = /);
  });

  it("refuses an unknown operation with a suggestion and two operations of one mode", () => {
    expect(() => route("Almaty", "Tashkent", { operations: ["road-team"] })).toThrow(expect.objectContaining({ code: "E_USAGE", didYouMean: expect.arrayContaining(["road-team-driven"]) }));
    expect(() => route("Almaty", "Tashkent", { operations: ["road-single-drivr"] })).toThrow(expect.objectContaining({ code: "E_USAGE", didYouMean: expect.arrayContaining(["road-single-driver"]) }));
    expect(() => route("Almaty", "Tashkent", { operations: ["road-team-driven", "road-single-driver"] })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("caravan route --operations: the JSON route names the operation and is timed by the rules; a bad id is one E_USAGE line with a suggestion", async () => {
    const run = async (...args: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(["--data", DATA, "route", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };
    const ok = await run("Almaty", "Moscow", "--modes", "road", "--operations", "road-single-driver", "--no-trip-end-dwell", "--json");
    expect(ok.code).toBe(0);
    const r = JSON.parse(ok.out).routes[0] as RouteReport;
    expect(r.notes).toContainEqual(expect.stringContaining("[road-single-driver, driving-time rules, 1 driver"));
    expect(r.timeH).toBeCloseTo(route("Almaty", "Moscow", { modes: ["road"], operations: ["road-single-driver"] }).timeH, 6);
    const text = await run("Almaty", "Moscow", "--modes", "road", "--operations", "road-team-driven");
    expect(text.out).toMatch(/driving-time rules of road-team-driven .*: leg 1 Almaty → Moscow: [\d.]+ h driving \+ \d+ daily rests/);
    const bad = await run("Almaty", "Moscow", "--operations", "road-singel-driver");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^caravan: E_USAGE: unknown operation "road-singel-driver"; the dataset defines .*road-single-driver/);
    expect(bad.err).toMatch(/did you mean: road-single-driver/);
  });

  it("reports a second default of one mode with file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-ops-"));
    tmp.push(dir);
    cpSync(DATA, dir, { recursive: true });
    const lines = [
      "operations:",
      "  - id: road-a",
      "    mode: road",
      "    name: a",
      "    cargo: [feu, bulky]",
      "    speedFactor: 1",
      "    default: true",
      "    source: [src:core-iru-nelti-2010]",
      "  - id: road-b",
      "    mode: road",
      "    name: b",
      "    speedFactor: 1",
      "    default: true",
      "    source: [src:core-iru-nelti-2010]",
      "  - id: rail-c",
      "    mode: rail",
      "    name: c",
      "    speedFactor: 2",
      "    default: true",
      "    source: [src:core-iru-nelti-2010]",
      "  - id: rail-d",
      "    mode: rail",
      "    name: d",
      "    driving: { drivers: 1, drivingSpeedKmh: 50, continuousDrivingH: 4.5, breakH: 0.75, dailyDrivingH: 9, extendedDailyDrivingH: 10, extendedDaysPerWeek: 2, dailyRestH: 11, reducedDailyRestH: 9, reducedDailyRestsPerWeek: 3, dailyPeriodsPerWeek: 6, weeklyRestDueH: 144, weeklyDrivingH: 56, fortnightDrivingH: 90, weeklyRestH: 45 }",
      "    source: [src:core-iru-nelti-2010]",
      "",
    ];
    writeFileSync(join(dir, "operations.yaml"), lines.join("\n"));
    const { problems } = validateNetwork(dir);
    const mine = problems.filter((p) => p.file === "operations.yaml");
    expect(mine.find((p) => p.field === "default" && p.line === 13)?.message).toMatch(/exactly one road operation/);
    expect(mine.find((p) => p.field === "speedFactor" && p.line === 18)?.message).toMatch(/factor is 1/);
    expect(mine.find((p) => p.field === "driving" && p.line === 24)?.message).toMatch(/road operations only/);
    expect(mine.find((p) => p.field === "cargo.1" && p.line === 5)?.message).toMatch(/unknown cargo profile "bulky".*did you mean "bulk"/);
  });
});
