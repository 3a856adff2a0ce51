/**
 * Operation types (data/eurasia/operations.yaml, routing/operations.ts): a route names the operation it assumed for
 * each leg (grouped by mode) and its time basis, and a query may choose another (team-driven trucks: moving time / 1.8;
 * wagonload rail: moving time / 0.66; dwell and charges kept).
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateNetwork } from "../../src/network/load";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

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
    expect(opsNote(route("Almaty", "Tashkent", { modes: ["road"] }))).toBe("operations assumed: road: single-driver truck [road-single-driver] (leg 1)");
    const mixed = route("Kostanay", "Kabul");
    const legsOf = (mode: string) => mixed.legs.flatMap((l, i) => (l.mode === mode ? [i + 1] : []));
    expect(legsOf("rail").length).toBeGreaterThan(0);
    expect(legsOf("road").length).toBeGreaterThan(0);
    const note = opsNote(mixed) ?? "";
    for (const [mode, id] of [["rail", "rail-block-train"], ["road", "road-single-driver"]]) {
      const legs = legsOf(mode);
      expect(note).toContain(`[${id}] (leg${legs.length > 1 ? "s" : ""} ${legs.join(", ")})`);
    }
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
    expect(opsNote(wagon)).toContain("[rail-wagonload, speed × 0.66] (leg 1)");
    const op = net.network.operations?.find((o) => o.id === "rail-wagonload");
    expect(op?.source).toEqual(expect.arrayContaining(["src:ops-rzd-delivery-speed-2015", "estimate:ops-rail-wagonload"]));
    // one operation per mode: wagonload and block train together are refused
    expect(() => route("Almaty", "Tashkent", { operations: ["rail-wagonload", "rail-block-train"] })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("a team-driven truck moves 1.8 times as fast; border dwell and charges are kept", () => {
    const single = route("Almaty", "Tashkent", { modes: ["road"] });
    const team = route("Almaty", "Tashkent", { modes: ["road"], operations: ["road-team-driven"] });
    expect(team.legs.map((l) => l.to)).toEqual(single.legs.map((l) => l.to));
    const moving = (r: RouteReport) => r.legs.reduce((s, l) => s + l.timeH, 0);
    expect(moving(team)).toBeCloseTo(moving(single) / 1.8, 9);
    expect(team.events).toEqual(single.events);
    expect(team.costUsd).toBeCloseTo(single.costUsd, 9);
    expect(opsNote(team)).toContain("[road-team-driven, speed × 1.8] (leg 1)");
  });

  it("refuses an unknown operation with a suggestion and two operations of one mode", () => {
    expect(() => route("Almaty", "Tashkent", { operations: ["road-team"] })).toThrow(expect.objectContaining({ code: "E_USAGE", didYouMean: expect.arrayContaining(["road-team-driven"]) }));
    expect(() => route("Almaty", "Tashkent", { operations: ["road-team-driven", "road-single-driver"] })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
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
      "",
    ];
    writeFileSync(join(dir, "operations.yaml"), lines.join("\n"));
    const { problems } = validateNetwork(dir);
    const mine = problems.filter((p) => p.file === "operations.yaml");
    expect(mine.find((p) => p.field === "default" && p.line === 12)?.message).toMatch(/exactly one road operation/);
    expect(mine.find((p) => p.field === "speedFactor" && p.line === 17)?.message).toMatch(/factor is 1/);
  });
});
