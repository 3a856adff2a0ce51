/**
 * The network state (src/network/state.ts) on the testbot: copy-on-write patch columns that leave the compiled
 * network untouched, the arc-level edits with hand-checked figures (test/fixtures/testbot/README.md), keys that see
 * the patch, and one routing index shared by several query contexts.
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ARC_FERRY, openNetwork } from "../../src/network/index";
import { ArcPatchBuilder, deriveNetworkState, resolveNetworkState } from "../../src/network/state";
import { RoutingContext, RoutingIndex } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";

const root = resolve(__dirname, "../..");
const net = openNetwork(join(root, "test/fixtures/testbot"), { cacheDir: false });
const place = (id: string) => net.network.places.findIndex((p) => p.id === id);
/** The gate-crossing arc leaving CHN (median 30 h, high 60 h, fee USD 100, open Mon–Fri: wait 6.857 h). */
const gateOut = Array.from(net.arcs.crossing).findIndex((x, a) => x >= 0 && net.countries[net.arcs.fromCountry[a]] === "CHN");
const ferry = net.arcs.kind.indexOf(ARC_FERRY);

describe("ArcPatchBuilder", () => {
  it("copies a column on first write and never writes the compiled network", () => {
    const before = Float64Array.from(net.arcs.eventTimeH);
    const b = new ArcPatchBuilder(net);
    b.scaleDwellH(gateOut, 0.5);
    const patch = b.build();
    expect(patch.changedColumns).toEqual(["dwellHighH", "eventTimeH"]);
    expect(patch.arcs.eventTimeH).not.toBe(net.arcs.eventTimeH);
    expect(patch.arcs.travelTimeH).toBe(net.arcs.travelTimeH);
    expect(net.arcs.eventTimeH).toEqual(before);
  });

  it("dwell: scale halves median and high, the opening-days wait stays; set keeps the high/median ratio", () => {
    const wait = (24 * 4) / 14;
    expect(net.arcs.eventTimeH[gateOut]).toBeCloseTo(30 + wait, 9);
    const scaled = new ArcPatchBuilder(net);
    scaled.scaleDwellH(gateOut, 0.5);
    const p1 = scaled.build();
    expect(p1.arcs.eventTimeH[gateOut]).toBeCloseTo(15 + wait, 9);
    expect(p1.arcs.dwellHighH[gateOut]).toBeCloseTo(30, 9);
    const set = new ArcPatchBuilder(net);
    set.setDwellH(gateOut, 10);
    const p2 = set.build();
    expect(p2.arcs.eventTimeH[gateOut]).toBeCloseTo(10 + wait, 9);
    expect(p2.arcs.dwellHighH[gateOut]).toBeCloseTo(20, 9);
  });

  it("ferry headway 48 h → 12 h makes the expected wait 6 h; a fare change moves TEU and per-tonne charges in proportion", () => {
    const b = new ArcPatchBuilder(net);
    b.setHeadwayH(ferry, 12);
    b.scaleChargeFeu(ferry, "all", 0.5);
    const p = b.build();
    expect(net.arcs.eventTimeH[ferry]).toBe(24);
    expect(p.arcs.eventTimeH[ferry]).toBe(6);
    expect(p.arcs.waitTimeH[ferry]).toBe(6);
    expect(p.arcs.costUsdPerFeu[ferry]).toBe(500);
    expect(p.arcs.costUsdPerTeu[ferry]).toBeCloseTo(net.arcs.costUsdPerTeu[ferry] / 2, 9);
    expect(p.arcs.costUsdPerTonne[ferry]).toBeCloseTo(net.arcs.costUsdPerTonne[ferry] / 2, 9);
  });

  it("equal patches have equal keys; different ones differ", () => {
    const make = (f: number) => {
      const b = new ArcPatchBuilder(net);
      b.scaleDwellH(gateOut, f);
      return resolveNetworkState(net, {}, b.build()).key;
    };
    expect(make(0.5)).toBe(make(0.5));
    expect(make(0.5)).not.toBe(make(0.6));
    expect(resolveNetworkState(net, {}).key).not.toBe(make(1));
  });
});

describe("network states and the routing index", () => {
  it("a derived state adds closures and replaces the year; a closed arc blocks routes until opened", () => {
    const b = new ArcPatchBuilder(net);
    b.close(gateOut);
    const state = resolveNetworkState(net, { year: 2025 }, b.build());
    const derived = deriveNetworkState(state, { closeChokepoints: ["narrows"], year: 2031 });
    expect(derived.year).toBe(2031);
    expect(derived.closeChokepoints).toEqual(["narrows"]);
    expect(derived.patch).toBe(state.patch);
    const ctx = new RoutingContext(net);
    let error: unknown;
    try {
      planRoutes(ctx, { from: place("portia"), to: place("gamma"), criterion: "time", state: derived });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "E_NO_ROUTE" });
    expect((error as Error).message).toContain("the closures of the scenario");
  });

  it("several contexts share one immutable index and agree", () => {
    const index = new RoutingIndex(net);
    const a = new RoutingContext(index);
    const b = new RoutingContext(index);
    expect(a.reverse).toBe(b.reverse);
    const q = { from: place("portia"), to: place("isla"), criterion: "time" as const };
    expect(planRoutes(a, q).routes[0].timeH).toBe(planRoutes(b, q).routes[0].timeH);
    expect(planRoutes(a, q).routes[0].timeH).toBeCloseTo(116.057, 3); // README: fastest Portia → Isla today
  });
});
