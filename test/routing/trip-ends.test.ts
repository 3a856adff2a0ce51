/**
 * Trip-end dwell (routing/trip-ends.ts, option tripEndDwell) on the shipped data/eurasia network: a route that starts
 * or ends by sea, rail or air pays the handling a transfer to or from road would pay at that place (a terminal of its
 * own mode only), a road end pays one door handling (the default transfer), every end is listed as a terminal_dwell
 * event, and no route trucks a few kilometres across a border to save an end dwell.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { haversineKm } from "../../src/network/geo";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";
import { applyScenario } from "../../src/scenarios/apply";
import { loadScenario } from "../../src/scenarios/load";

const DATA = resolve(__dirname, "../../data/eurasia");
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync(DATA))("trip-end terminal dwell on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const route = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra }).routes[0];
  const dwell = (r: RouteReport) => r.events.filter((e) => e.type === "terminal_dwell");

  it("charges one trip end only when asked (a calibration observation that starts or ends where the train passes)", () => {
    const off = route("Xi'an", "Duisburg", { modes: ["rail"] });
    const both = route("Xi'an", "Duisburg", { modes: ["rail"], tripEndDwell: true });
    const at = (r: RouteReport) => dwell(r).map((e) => [e.at, e.timeH, e.costUsd] as const);
    const [start, end] = at(both);
    expect([start[0], end[0]]).toEqual(["xian", "duisburg"]);
    for (const [ends, expected] of [
      ["origin", start],
      ["destination", end],
    ] as const) {
      const one = route("Xi'an", "Duisburg", { modes: ["rail"], tripEndDwell: ends });
      expect(at(one)).toEqual([expected]);
      expect(one.timeH).toBeCloseTo(off.timeH + expected[1], 9);
      expect(one.costUsd).toBeCloseTo(off.costUsd + expected[2], 9);
      expect(one.notes.filter((n) => n.startsWith("time basis:"))).toEqual([expect.stringContaining(`trip ${ends} included`)]);
    }
  });

  it("is off unless asked: a sea trip from a port lists no terminal dwell", () => {
    expect(dwell(route("Shanghai", "Rotterdam", { modes: ["sea"] }))).toEqual([]);
  });

  it("charges a sea trip from a port the port's dwell, exactly what an inland origin pays passing through that port", () => {
    // Pune → Shanghai leaves India by rail to Chennai and sails from there
    const fromPort = route("Chennai", "Shanghai", { modes: ["sea"], tripEndDwell: true });
    const inland = route("Pune", "Shanghai", { modes: ["rail", "sea"], tripEndDwell: true });
    const atPort = dwell(fromPort).find((e) => e.at === "chennai");
    const through = inland.events.find((e) => e.type === "port_handling" && e.at === "chennai");
    expect(atPort?.ref).toBe("chennai-port");
    expect(through).toBeDefined();
    expect(atPort?.timeH).toBe(through?.timeH);
    expect(atPort?.costUsd).toBe(through?.costUsd);
    expect(atPort?.timeH).toBeGreaterThan(0);
    // both end at Shanghai by sea and pay its dwell there
    expect(dwell(fromPort).find((e) => e.at === "shanghai")?.ref).toBe("shanghai-port");
    expect(dwell(inland).find((e) => e.at === "shanghai")?.ref).toBe("shanghai-port");
  });

  it("charges rail trip ends their rail↔road handling and road trip ends one door handling (the default transfer)", () => {
    const rail = route("Almaty", "Tashkent", { modes: ["rail"], tripEndDwell: true });
    expect(dwell(rail).map((e) => e.ref)).toEqual(["almaty-transfer", "tashkent-transfer"]);
    const road = dwell(route("Almaty", "Tashkent", { modes: ["road"], tripEndDwell: true }));
    const dt = net.network.modes.defaultTransfer;
    expect(road.map((e) => [e.at, e.ref, e.timeH, e.costUsd])).toEqual([
      ["almaty", null, dt.handlingTimeH.value, dt.handlingCostUsdPerFeu.value],
      ["tashkent", null, dt.handlingTimeH.value, dt.handlingCostUsdPerFeu.value],
    ]);
  });

  it("a rail end at a seaport city pays a rail terminal's or the default handling, never the seaport's dwell", () => {
    const port = net.network.terminals.find((t) => t.place === "novorossiysk" && t.type === "port");
    expect(port?.modes).toContain("rail");
    const rail = dwell(route("Almaty", "Novorossiysk", { modes: ["rail"], tripEndDwell: true })).find((e) => e.at === "novorossiysk");
    expect(rail?.ref).not.toBe(port?.id);
    expect(rail?.timeH).toBe(net.network.modes.defaultTransfer.handlingTimeH.value);
    expect(rail!.timeH).toBeLessThan(port!.handlingTimeH);
    // a sea end there still pays the port
    expect(dwell(route("Novorossiysk", "Rotterdam", { modes: ["sea"], tripEndDwell: true })).find((e) => e.at === "novorossiysk")?.ref).toBe(port?.id);
    // and no rail end anywhere is charged a seaport's (or airport's) record
    const seaOrAir = new Set(net.network.terminals.filter((t) => t.type === "port" || t.type === "airport").map((t) => t.id));
    for (const [from, to] of [["Xi'an", "Shanghai"], ["Moscow", "St Petersburg"], ["Almaty", "Aktau"], ["Tashkent", "Bandar Abbas"]]) {
      for (const e of dwell(route(from, to, { modes: ["rail"], tripEndDwell: true }))) expect(seaOrAir.has(e.ref ?? ""), `${from} → ${to}: ${e.ref}`).toBe(false);
    }
  });

  it("no cheapest route trucks a few km across a border between two railheads to save a trip-end dwell", () => {
    // the railheads near gauge-change terminals and twelve cities of test/routing/transfers.test.ts, with the dwell on;
    // before road ends paid a door handling, Jinghe → 34 destinations trucked Jinghe → Dostyk (100 km) to start by road
    const places = net.network.places;
    const index = new Map(places.map((p, i) => [p.id, i]));
    const railPlace = new Uint8Array(places.length);
    for (const l of net.network.links) {
      if (l.mode !== "rail" || l.status !== "open") continue;
      railPlace[index.get(l.from)!] = 1;
      railPlace[index.get(l.to)!] = 1;
    }
    const gc = net.network.terminals.filter((t) => t.type === "gauge_change").map((t) => places[index.get(t.place)!]);
    const near = places.flatMap((p, i) => (railPlace[i] === 1 && gc.some((g) => haversineKm(p.lonDeg, p.latDeg, g.lonDeg, g.latDeg) < 120) ? [i] : []));
    const cities = ["xian", "almaty", "moscow", "warsaw", "urumqi", "tashkent", "beijing", "ulaanbaatar", "minsk", "baku", "harbin", "astana"].map((id) => index.get(id)!);
    const set = [...new Set([...near, ...cities])];
    expect(set).toContain(index.get("jinghe"));
    const dodges: string[] = [];
    let planned = 0;
    for (const a of set) {
      for (const b of set) {
        if (a === b) continue;
        for (const cargo of ["feu", "bulk"]) {
          let r: RouteReport;
          try {
            r = planRoutes(ctx, { from: a, to: b, criterion: "cost", cargo, modes: ["rail", "road"], tripEndDwell: true }).routes[0];
          } catch {
            continue;
          }
          planned++;
          expect(dwell(r).length, `${places[a].id} → ${places[b].id}`).toBe(2);
          r.legs.forEach((l, j) => {
            const railBeside = r.legs[j - 1]?.mode === "rail" || r.legs[j + 1]?.mode === "rail";
            const from = index.get(l.from)!;
            const to = index.get(l.to)!;
            if (l.mode === "road" && l.distanceKm < 150 && railBeside && places[from].country !== places[to].country && railPlace[from] === 1 && railPlace[to] === 1) {
              dodges.push(`${places[a].id} → ${places[b].id} (${cargo}): truck ${l.from} → ${l.to} ${l.distanceKm.toFixed(0)} km`);
            }
          });
        }
      }
    }
    expect(planned).toBeGreaterThan(3000);
    expect(dodges).toEqual([]);
  });

  it("takes a scenario's dwell edit of the end terminal", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-trip-end-"));
    tmp.push(dir);
    const file = join(dir, "s.yaml");
    writeFileSync(file, ['name: rotterdam dwell', "modifications:", '  - { target: terminal, id: rotterdam-port, set: { dwellH: 24 }, assumption: "test" }', ""].join("\n"));
    const { state } = applyScenario(net, loadScenario(file));
    const base = dwell(route("Shanghai", "Rotterdam", { modes: ["sea"], tripEndDwell: true })).find((e) => e.at === "rotterdam");
    const edited = dwell(route("Shanghai", "Rotterdam", { modes: ["sea"], tripEndDwell: true, state })).find((e) => e.at === "rotterdam");
    expect(base?.timeH).toBe(net.network.terminals.find((t) => t.id === "rotterdam-port")?.handlingTimeH);
    expect(edited?.ref).toBe("rotterdam-port");
    expect(edited?.timeH).toBe(24);
  });

  it("adds exactly the listed dwell to the totals, which stay Σ legs + Σ events (FEU and bulk)", () => {
    for (const cargo of ["feu", "bulk"]) {
      const off = route("Nhava Sheva", "Rotterdam", { modes: ["sea"], cargo });
      const on = route("Nhava Sheva", "Rotterdam", { modes: ["sea"], cargo, tripEndDwell: true });
      const listed = dwell(on);
      expect(listed).toHaveLength(2);
      expect(on.timeH - off.timeH).toBeCloseTo(listed.reduce((s, e) => s + e.timeH, 0), 9);
      expect(on.costUsd - off.costUsd).toBeCloseTo(listed.reduce((s, e) => s + e.costUsd, 0), 9);
      const sum = (xs: { timeH: number; costUsd: number }[], k: "timeH" | "costUsd") => xs.reduce((s, x) => s + x[k], 0);
      expect(sum(on.legs, "timeH") + sum(on.events, "timeH")).toBeCloseTo(on.timeH, 9);
      expect(sum(on.legs, "costUsd") + sum(on.events, "costUsd")).toBeCloseTo(on.costUsd, 9);
    }
  });
});
