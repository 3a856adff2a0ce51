/**
 * Sea feeders and hub transshipment (docs/data-format.md, "Feeder ports and hub transshipment").
 *
 * Fixture test/fixtures/feeder (invented round numbers; sea 25 km/h and USD 0.2 per FEU-km, rail 50 km/h and USD 1):
 *
 *   Mainport ─sea 100─ w1 ─sea 1,000─ w2 ─sea 100─ Hubport ─rail 100─ Inland
 *                                      └─sea 100─ Fedport (feeder-only: this lane is not compiled)
 *   Hubport ══ feeder to Fedport: 200 km, 10 h, headway 100 h, fare USD 300
 *   Hubport port: handling 20 h / USD 100, transshipment 30 h / USD 150; Fedport port: handling 24 h / USD 80
 *
 * By hand (line-haul time basis, no trip-end dwell):
 *   Mainport → Fedport: mainline 1,200 km = 48 h / USD 240; transshipment 30 h / 150; wait max(0, 100/2 − 30) = 20 h;
 *     feeder 10 h / 300 → 108 h, USD 690, 1,400 km.
 *   Inland → Fedport: rail 2 h / 100; port handling at the hub 20 h / 100; wait max(0, 50 − 20) = 30 h; feeder
 *     10 h / 300 → 62 h, USD 500.
 *   Fedport → Mainport: wait max(0, 50 − 24) = 26 h at Fedport; feeder 10 h / 300; transshipment 30 h / 150;
 *     mainline 48 h / 240 → 114 h, USD 690.
 *   Without feederOnly the direct lane is used: 1,200 km, 48 h, USD 240, no event.
 *   Bulk (cost basis tonne) is not restricted: bulk ships call at Fedport, so Mainport → Fedport sails straight in
 *     (48 h) and the feeder, a container service, is not open to it.
 *   A box whose trip starts or ends at the hub is loaded there, not transshipped: Hubport → Fedport = wait
 *     max(0, 50 − 20 (the hub port's handling, the trip end's dwell)) = 30 h + feeder 10 h = 40 h, USD 300;
 *     Fedport → Hubport = 26 + 10 = 36 h, USD 300; with --trip-end-dwell each end's dwell is added once, as for
 *     any trip starting or ending by sea: the fixture has no road layer at the ports, so that is the default
 *     transfer (2 h / USD 100, routing/trip-ends.ts) at each end: 44 h, USD 500.
 *   P90 of the feeder wait (rule feeder-wait-p90) = max(0, 0.9 × headway − loading dwell): at the hub
 *     0.9 × 100 − 30 = 60 h, so Mainport → Fedport has timeP90H = 48 + 30 + 60 + 10 = 148 h (the ferry rule
 *     0.9 × 2 × 20 = 36 h gave 124 h); at Fedport 0.9 × 100 − 24 = 66 h.
 *
 * On data/eurasia: Poti is feeder-only (8.5 m depth; feeders CGX from Piraeus 3 days and Ambarlı 7 days, about three
 * round trips a month, 2023; Constanța three voyages a month, 2022). A deep-sea route to Poti changes ship at a hub;
 * routes that never touch a feeder port's sea side (rail via the Caspian ferries) are the same as without the flag.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileNetwork } from "../../src/network/build";
import { ARC_FERRY, ARC_LINK, type CompiledNetwork, LAYER_SEA, MODE_SEA } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";
import type { NetworkData } from "../../src/network/model";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { BLOCK_MODE, resolveRouteOptions } from "../../src/routing/options";
import { arcEventBufferH } from "../../src/routing/reliability";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const FIXTURE = resolve(__dirname, "../fixtures/feeder");
const DATA = resolve(__dirname, "../../data/eurasia");

/** The same records with every feeder-only flag off (the deep-sea lanes of those ports compile again). */
function withoutFeederOnly(data: NetworkData): NetworkData {
  return { ...data, terminals: data.terminals.map((t) => ({ ...t, feederOnly: false })) };
}

function router(net: CompiledNetwork) {
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  return (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport =>
    planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), criterion: "time", ...extra }).routes[0];
}

const eventsOf = (r: RouteReport) => r.events.map((e) => [e.type, e.at, Number(e.timeH.toFixed(6)), Number(e.costUsd.toFixed(6))]);

describe("sea feeders on the hand-checkable fixture", () => {
  const data = loadNetwork(FIXTURE);
  const route = router(compileNetwork(data));
  const direct = router(compileNetwork(withoutFeederOnly(data)));

  it("Mainport → Fedport changes ship at Hubport: 48 + 30 + 20 + 10 = 108 h, USD 240 + 150 + 300 = 690", () => {
    const r = route("mainport", "fed");
    expect(r.timeH).toBeCloseTo(108, 9);
    expect(r.costUsd).toBeCloseTo(690, 9);
    expect(r.distanceKm).toBeCloseTo(1400, 9);
    expect(r.legs.map((l) => [l.mode, l.from, l.to, l.timeH, l.costUsd])).toEqual([
      ["sea", "mainport", "hub", 48, 240],
      ["sea", "hub", "fed", 10, 300],
    ]);
    expect(eventsOf(r)).toEqual([
      ["transshipment", "hub", 30, 150],
      ["ferry_wait", "hub", 20, 0],
    ]);
  });

  it("without the feeder-only flag the mainline sails straight in: 1,200 km, 48 h, USD 240, no event", () => {
    const r = direct("mainport", "fed");
    expect(r.timeH).toBeCloseTo(48, 9);
    expect(r.costUsd).toBeCloseTo(240, 9);
    expect(r.events).toEqual([]);
  });

  it("a box that leaves the sea at the hub pays its port handling, not the transshipment: Inland → Fedport 62 h, USD 500", () => {
    const r = route("inland", "fed");
    expect(r.timeH).toBeCloseTo(2 + 20 + 30 + 10, 9);
    expect(r.costUsd).toBeCloseTo(100 + 100 + 300, 9);
    expect(eventsOf(r)).toEqual([
      ["port_handling", "hub", 20, 100],
      ["ferry_wait", "hub", 30, 0],
    ]);
  });

  it("the other way the wait is at the fed port beyond its own handling: Fedport → Mainport 114 h, USD 690", () => {
    const r = route("fed", "mainport");
    expect(r.timeH).toBeCloseTo(26 + 10 + 30 + 48, 9);
    expect(r.costUsd).toBeCloseTo(690, 9);
    expect(eventsOf(r)).toEqual([
      ["ferry_wait", "fed", 26, 0],
      ["transshipment", "hub", 30, 150],
    ]);
  });

  it("bulk is not feeder-only: Mainport → Fedport in bulk sails straight in (48 h, no event), as without the flag", () => {
    const r = route("mainport", "fed", { cargo: "bulk" });
    const d = direct("mainport", "fed", { cargo: "bulk" });
    expect(r.timeH).toBeCloseTo(48, 9);
    expect(r.events).toEqual([]);
    expect(r.legs.map((l) => [l.mode, l.from, l.to])).toEqual([["sea", "mainport", "fed"]]);
    expect(r.costUsd).toBe(d.costUsd);
    // the feeder is a container service: bulk from the hub sails the direct lane too
    const h = route("hub", "fed", { cargo: "bulk" });
    expect(h.legs.map((l) => [l.mode, l.from, l.to])).toEqual([["sea", "hub", "fed"]]);
    // a TEU is a container: it changes ship at the hub like the FEU
    expect(route("mainport", "fed", { cargo: "teu" }).events.map((e) => e.type)).toEqual(["transshipment", "ferry_wait"]);
  });

  it("a box loaded at the hub is not transshipped there: Hubport → Fedport 40 h, USD 300; Fedport → Hubport 36 h, USD 300", () => {
    const out = route("hub", "fed");
    expect(out.timeH).toBeCloseTo(30 + 10, 9);
    expect(out.costUsd).toBeCloseTo(300, 9);
    expect(eventsOf(out)).toEqual([["ferry_wait", "hub", 30, 0]]);
    const back = route("fed", "hub");
    expect(back.timeH).toBeCloseTo(26 + 10, 9);
    expect(back.costUsd).toBeCloseTo(300, 9);
    expect(eventsOf(back)).toEqual([["ferry_wait", "fed", 26, 0]]);
  });

  it("with --trip-end-dwell the hub start pays one trip-end dwell, not a transshipment: Hubport → Fedport 44 h, USD 500", () => {
    const r = route("hub", "fed", { tripEndDwell: true });
    expect(r.timeH).toBeCloseTo(2 + 30 + 10 + 2, 9);
    expect(r.costUsd).toBeCloseTo(100 + 300 + 100, 9);
    expect(eventsOf(r)).toEqual([
      ["terminal_dwell", "hub", 2, 100],
      ["ferry_wait", "hub", 30, 0],
      ["terminal_dwell", "fed", 2, 100],
    ]);
    // the same dwell as a trip that starts at the hub by a mainline ship (its access arc into the sea layer)
    const mainline = route("hub", "mainport", { tripEndDwell: true });
    expect(eventsOf(mainline)[0]).toEqual(["terminal_dwell", "hub", 2, 100]);
    expect(r.legs.map((l) => [l.mode, l.from, l.to, l.timeH, l.costUsd])).toEqual([["sea", "hub", "fed", 10, 300]]);
    // one end only: the hub's dwell where the trip starts there, not where it ends there
    expect(route("hub", "fed", { tripEndDwell: "origin" }).timeH).toBeCloseTo(2 + 30 + 10, 9);
    expect(route("hub", "fed", { tripEndDwell: "destination" }).timeH).toBeCloseTo(30 + 10 + 2, 9);
    const back = route("fed", "hub", { tripEndDwell: "origin" });
    expect(back.timeH).toBeCloseTo(2 + 26 + 10, 9);
    expect(eventsOf(back)).toEqual([
      ["terminal_dwell", "fed", 2, 100],
      ["ferry_wait", "fed", 26, 0],
    ]);
    expect(eventsOf(route("fed", "hub", { tripEndDwell: "destination" }))).toEqual([
      ["ferry_wait", "fed", 26, 0],
      ["terminal_dwell", "hub", 2, 100],
    ]);
  });

  it("feeder wait P90 from the service interval: 0.9 × 100 − 30 = 60 h at the hub, 0.9 × 100 − 24 = 66 h at the fed port", () => {
    const r = route("mainport", "fed");
    const wait = r.events.find((e) => e.type === "ferry_wait");
    expect(wait?.timeP90H).toBeCloseTo(60, 9);
    expect(r.timeP90H).toBeCloseTo(48 + 30 + 60 + 10, 9);
    const back = route("fed", "mainport");
    expect(back.events.find((e) => e.type === "ferry_wait")?.timeP90H).toBeCloseTo(66, 9);
    expect(back.timeP90H).toBeCloseTo(66 + 10 + 30 + 48, 9);
    // the buffer the generalized criterion prices (ρ × P90 − mean) is the same rule: 60 − 20 at the hub, 66 − 26 at Fedport
    const net = compileNetwork(data);
    const buffer = arcEventBufferH(net, net.arcs, null);
    const place = (id: string) => data.places.findIndex((p) => p.id === id);
    const seaSea = (from: string, to: string) => {
      for (let a = 0; a < net.graph.arcCount; a++) {
        if (net.arcs.kind[a] !== ARC_FERRY || net.arcs.fromPlace[a] !== place(from) || net.arcs.toPlace[a] !== place(to)) continue;
        if (net.nodeLayer[net.graph.tail[a]] === LAYER_SEA && net.nodeLayer[net.graph.head[a]] === LAYER_SEA) return a;
      }
      throw new Error(`no sea feeder arc ${from} → ${to}`);
    };
    expect(buffer[seaSea("hub", "fed")]).toBeCloseTo(60 - 20, 9);
    expect(buffer[seaSea("fed", "hub")]).toBeCloseTo(66 - 26, 9);
  });

  it("a route that does not touch the fed port is the same with and without the flag", () => {
    for (const [a, b] of [
      ["mainport", "hub"],
      ["mainport", "inland"],
    ]) {
      const x = route(a, b);
      const y = direct(a, b);
      expect(x.timeH).toBe(y.timeH);
      expect(x.costUsd).toBe(y.costUsd);
    }
  });

  describe("validation", () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    const broken = (file: string, edit: (text: string) => string): string => {
      const dir = mkdtempSync(join(tmpdir(), "caravan-feeder-"));
      dirs.push(dir);
      cpSync(FIXTURE, dir, { recursive: true });
      const path = join(dir, file);
      writeFileSync(path, edit(readFileSync(path, "utf8")));
      return dir;
    };

    it("a hub without transshipment figures is a data error naming the hub", () => {
      const dir = broken("terminals/feeder.yaml", (t) => t.replace(", transshipmentTimeH: 30, transshipmentCostUsdPerFeu: 150", ""));
      expect(() => loadNetwork(dir)).toThrow(/hub "hub" needs transshipmentTimeH/);
    });

    it("a feeder-only port that no feeder reaches is a data error", () => {
      const dir = broken("ferries/feeder.yaml", (t) => t.replace("to: fed", "to: mainport"));
      expect(() => loadNetwork(dir)).toThrow(/no sea feeder .* ends at "fed"/);
    });
  });
});

describe.skipIf(!existsSync(DATA))("sea feeders on data/eurasia", () => {
  const data = loadNetwork(DATA);
  const net = compileNetwork(data);
  const route = router(net);
  const direct = router(compileNetwork(withoutFeederOnly(data)));
  const ferry = (id: string) => {
    const f = data.ferries.find((x) => x.id === id);
    if (!f) throw new Error(`no ferry ${id}`);
    return f;
  };
  const portTerminal = (place: string) => {
    const t = data.terminals.find((x) => x.type === "port" && x.place === place && x.modes.includes("sea"));
    if (!t) throw new Error(`no port terminal at ${place}`);
    return t;
  };

  it("a feeder-only port's sea links are compiled but closed to containers; its feeders (mode sea, a sea end) are closed to bulk", () => {
    const feederOnly = new Set(data.terminals.filter((t) => t.feederOnly).map((t) => t.place));
    expect([...feederOnly].sort()).toEqual(["batumi", "chittagong", "poti"]);
    const placeIdx = new Map(data.places.map((p, i) => [p.id, i]));
    const fed = new Set([...feederOnly].map((p) => placeIdx.get(p)));
    const profile = (id: string) => data.cargo.find((c) => c.id === id)!;
    const ctx = new RoutingContext(net);
    const blockedFor = (cargo: string) => ctx.weights(resolveRouteOptions(net, { cargo })).blocked;
    const [feu, teu, bulk] = [blockedFor("feu"), blockedFor("teu"), blockedFor("bulk")];
    let seaLinks = 0;
    let feederArcs = 0;
    for (let a = 0; a < net.graph.arcCount; a++) {
      const touches = fed.has(net.arcs.fromPlace[a]) || fed.has(net.arcs.toPlace[a]);
      if (net.arcs.kind[a] === ARC_LINK && net.arcs.mode[a] === MODE_SEA) {
        if (touches) seaLinks++;
        expect(feu[a] & BLOCK_MODE, `link arc ${a}`).toBe(touches ? BLOCK_MODE : 0);
        expect(teu[a] & BLOCK_MODE, `link arc ${a}`).toBe(touches ? BLOCK_MODE : 0);
        expect(bulk[a] & BLOCK_MODE, `link arc ${a}`).toBe(0);
      }
      if (net.arcs.kind[a] === ARC_FERRY && data.ferries[net.arcs.record[a]].carries.includes("sea")) {
        feederArcs++;
        expect(net.arcs.mode[a]).toBe(MODE_SEA);
        expect(net.nodeLayer[net.graph.tail[a]] === LAYER_SEA || net.nodeLayer[net.graph.head[a]] === LAYER_SEA).toBe(true);
        expect(bulk[a] & BLOCK_MODE).toBe(BLOCK_MODE);
        expect(feu[a] & BLOCK_MODE).toBe(0);
      }
    }
    expect(seaLinks).toBeGreaterThanOrEqual(2 * feederOnly.size);
    expect(feederArcs).toBeGreaterThan(0);
    expect(profile("bulk").costBasis).toBe("tonne");
  });

  it("bulk to Poti and Batumi (grain, ore) sails straight in, as without the feeder-only flag; containers change ship", () => {
    for (const port of ["poti", "batumi", "chittagong"]) {
      const bulk = route("shanghai", port, { modes: ["sea"], cargo: "bulk" });
      const before = direct("shanghai", port, { modes: ["sea"], cargo: "bulk" });
      expect(bulk.timeH, port).toBe(before.timeH);
      expect(bulk.costUsd, port).toBe(before.costUsd);
      expect(bulk.events, port).toEqual([]);
      const box = route("shanghai", port, { modes: ["sea"] });
      expect(box.events.some((e) => e.type === "transshipment"), port).toBe(true);
      expect(box.timeH, port).toBeGreaterThan(bulk.timeH);
    }
  });

  it("a box loaded at a hub is not transshipped there: Piraeus → Poti = the CGX wait + 72 h sailing, USD 720", () => {
    const f = ferry("piraeus-poti-feeder");
    const piraeus = portTerminal("piraeus");
    const r = route("piraeus", "poti", { modes: ["sea"] });
    // the feeder's wait, and at Poti the liner arrival delay of the P90 (no expected time: rule ops-sea-arrival-delay-p90)
    expect(r.events.map((e) => e.type)).toEqual(["ferry_wait", "sea_arrival"]);
    expect(r.timeH).toBeCloseTo(Math.max(0, f.headwayH / 2 - piraeus.handlingTimeH) + f.crossingTimeH, 9);
    expect(r.costUsd).toBeCloseTo(f.costUsdPerFeu, 9);
    // Istanbul (Ambarlı) is a CGX hub too: its own feeder, not a sailing to Piraeus and a transshipment there
    const a = route("ambarli", "poti", { modes: ["sea"] });
    expect(a.legs.map((l) => [l.from, l.to])).toEqual([["ambarli", "poti"]]);
    expect(a.events.some((e) => e.type === "transshipment")).toBe(false);
    const back = route("poti", "ambarli", { modes: ["sea"] });
    expect(back.events.some((e) => e.type === "transshipment")).toBe(false);
  });

  it("feeder P90 waits come from the feeder's headway (rule feeder-wait-p90), not twice the counted wait", () => {
    const r = route("shanghai", "poti", { modes: ["sea"] });
    const wait = r.events.find((e) => e.type === "ferry_wait");
    const hub = wait?.at ?? "";
    const f = data.ferries.find((x) => x.carries.includes("sea") && x.from === hub && x.to === "poti");
    expect(f).toBeDefined();
    if (!f) return;
    expect(wait?.timeP90H).toBeCloseTo(Math.max(0, 0.9 * f.headwayH - (portTerminal(hub).transshipmentTimeH ?? 0)), 9);
    expect(r.sources.some((s) => s.ref === "estimate:feeder-wait-p90")).toBe(true);
    // Batumi's feeder (every 7.5 days): the mean wait fits in the dwell, the P90 does not
    const b = route("shanghai", "batumi", { modes: ["sea"] });
    const bw = b.events.find((e) => e.type === "ferry_wait");
    expect(bw?.timeP90H).toBeCloseTo(0.9 * ferry("constanta-batumi-feeder").headwayH - 84, 9);
  });

  it("Chittagong's boxes change ship at Singapore or Colombo; Karachi and Bandar Abbas keep direct sailings", () => {
    const r = route("shanghai", "chittagong", { modes: ["sea"] });
    const hub = r.events.find((e) => e.type === "transshipment")?.at;
    expect(["singapore", "colombo"]).toContain(hub);
    expect(r.legs[r.legs.length - 1].from).toBe(hub);
    for (const port of ["karachi", "port-qasim", "bandar-abbas"]) {
      const x = route("shanghai", port, { modes: ["sea"] });
      expect(x.events.map((e) => `${e.type}@${e.at}`), port).toEqual([`sea_arrival@${port}`]);
      expect(x.legs.length, port).toBe(1);
    }
  });

  it("CGX Piraeus–Poti: 3 days' sailing and about three round trips a month (FreightComms/APM Terminals 2023)", () => {
    const f = ferry("piraeus-poti-feeder");
    expect(f.crossingTimeH).toBe(3 * 24);
    expect(f.headwayH).toBeCloseTo((365.25 * 24) / 12 / 3, 1);
    expect(ferry("ambarli-poti-feeder").crossingTimeH).toBe(7 * 24);
  });

  it("Shanghai → Poti by sea changes ship at a hub: mainline to the hub + its transshipment + the feeder wait + the feeder", () => {
    const before = direct("shanghai", "poti", { modes: ["sea"] });
    const r = route("shanghai", "poti", { modes: ["sea"] });
    const ts = r.events.find((e) => e.type === "transshipment");
    expect(ts, "a transshipment event").toBeDefined();
    const hub = ts?.at ?? "";
    const feeder = data.ferries.find((f) => f.carries.includes("sea") && f.from === hub && f.to === "poti");
    expect(feeder, `a feeder ${hub} → poti`).toBeDefined();
    if (!feeder) return;
    const hubPort = portTerminal(hub);
    const waitH = Math.max(0, feeder.headwayH / 2 - (hubPort.transshipmentTimeH ?? 0));
    expect(ts?.timeH).toBeCloseTo(hubPort.transshipmentTimeH ?? Number.NaN, 9);
    expect(ts?.costUsd).toBeCloseTo(hubPort.transshipmentCostUsdPerFeu ?? Number.NaN, 9);
    const wait = r.events.find((e) => e.type === "ferry_wait");
    expect(wait?.at).toBe(hub);
    expect(wait?.timeH).toBeCloseTo(waitH, 9);
    const last = r.legs[r.legs.length - 1];
    expect([last.mode, last.from, last.to]).toEqual(["sea", hub, "poti"]);
    expect(last.timeH).toBeCloseTo(feeder.crossingTimeH, 9);
    expect(last.costUsd).toBeCloseTo(feeder.costUsdPerFeu, 9);
    const mainline = route("shanghai", hub, { modes: ["sea"] });
    expect(r.timeH).toBeCloseTo(mainline.timeH + (hubPort.transshipmentTimeH ?? 0) + waitH + feeder.crossingTimeH, 6);
    expect(r.timeH).toBeGreaterThan(before.timeH);
    expect(before.events.map((e) => `${e.type}@${e.at}`)).toEqual(["sea_arrival@poti"]);
    console.info(
      `Shanghai → Poti sea: before ${(before.timeH / 24).toFixed(1)} d, USD ${before.costUsd.toFixed(0)}, ${before.distanceKm.toFixed(0)} km; ` +
        `now ${(r.timeH / 24).toFixed(1)} d, USD ${r.costUsd.toFixed(0)}, ${r.distanceKm.toFixed(0)} km via ${hub}`,
    );
  });

  it("rail routes through the Caspian ferries and the sea routes that miss Poti and Batumi are unaffected", () => {
    const cases: [string, string, Partial<RouteRequest>][] = [
      ["almaty", "poti", {}],
      ["shanghai", "poti", {}],
      ["aktau", "alat", {}],
      ["xian", "duisburg", {}],
      ["shanghai", "rotterdam", { modes: ["sea"] }],
      ["shanghai", "piraeus", { modes: ["sea"] }],
    ];
    for (const [a, b, extra] of cases) {
      const x = route(a, b, extra);
      const y = direct(a, b, extra);
      expect(x.timeH, `${a} → ${b}`).toBe(y.timeH);
      expect(x.costUsd, `${a} → ${b}`).toBe(y.costUsd);
      expect(x.legs.every((l) => l.mode !== "sea" || (l.from !== "poti" && l.to !== "poti")), `${a} → ${b}`).toBe(true);
    }
  });
});
