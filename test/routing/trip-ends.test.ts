/**
 * Trip-end terminal dwell (routing/trip-ends.ts, option tripEndDwell) on the shipped data/eurasia network: a route
 * that starts or ends by sea, rail or air pays the handling a transfer to or from road would pay at that place, the
 * same way for every mode, and lists it as a terminal_dwell event.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";
import type { RouteReport } from "../../src/routing/report";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("trip-end terminal dwell on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const route = (from: string, to: string, extra: Partial<RouteRequest> = {}): RouteReport => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra }).routes[0];
  const dwell = (r: RouteReport) => r.events.filter((e) => e.type === "terminal_dwell");

  it("is off unless asked: a sea trip from a port lists no terminal dwell", () => {
    expect(dwell(route("Shanghai", "Rotterdam", { modes: ["sea"] }))).toEqual([]);
  });

  it("charges a sea trip from a port the port's dwell, exactly what an inland origin pays passing through that port", () => {
    const fromPort = route("Nhava Sheva", "Rotterdam", { modes: ["sea"], tripEndDwell: true });
    const inland = route("Pune", "Rotterdam", { tripEndDwell: true });
    const atPort = dwell(fromPort).find((e) => e.at === "nhava-sheva");
    const through = inland.events.find((e) => e.type === "port_handling" && e.at === "nhava-sheva");
    expect(atPort?.ref).toBe("nhava-sheva-port");
    expect(through).toBeDefined();
    expect(atPort?.timeH).toBe(through?.timeH);
    expect(atPort?.costUsd).toBe(through?.costUsd);
    expect(atPort?.timeH).toBeGreaterThan(0);
    // both end at Rotterdam by sea and pay its dwell there
    expect(dwell(fromPort).find((e) => e.at === "rotterdam")?.ref).toBe("rotterdam-port");
    expect(dwell(inland).find((e) => e.at === "rotterdam")?.ref).toBe("rotterdam-port");
  });

  it("charges rail trip ends their rail↔road handling and road trip ends nothing", () => {
    const rail = route("Almaty", "Tashkent", { modes: ["rail"], tripEndDwell: true });
    expect(dwell(rail).map((e) => e.ref)).toEqual(["almaty-transfer", "tashkent-transfer"]);
    expect(dwell(route("Almaty", "Tashkent", { modes: ["road"], tripEndDwell: true }))).toEqual([]);
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
