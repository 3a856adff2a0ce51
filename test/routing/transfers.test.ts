/**
 * Rail ↔ road transfers at the real hubs (data/eurasia/terminals/hubs.yaml, sources in sources/hubs.yaml) on the
 * shipped network: freight changes mode where shippers change it, and no route dodges a gauge change by a few
 * kilometres of truck (docs/calibration.md "Transfer hubs").
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ARC_GAUGE_CHANGE, ARC_TRANSSHIPMENT, isRailLayer, LAYER_ROAD } from "../../src/network/compiled";
import { haversineKm } from "../../src/network/geo";
import { openNetwork } from "../../src/network/open";
import { PlaceResolver } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes, type RouteRequest } from "../../src/routing/plan";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("transfer hubs on data/eurasia", () => {
  const net = openNetwork(DATA, { cacheDir: false });
  const ctx = new RoutingContext(net);
  const resolver = new PlaceResolver(net.network.places);
  const places = net.network.places;
  const plan = (from: string, to: string, extra: Partial<RouteRequest> = {}) => planRoutes(ctx, { from: resolver.resolve(from), to: resolver.resolve(to), ...extra });
  const km = (legs: { mode: string; distanceKm: number }[], mode: string) => legs.filter((l) => l.mode === mode).reduce((s, l) => s + l.distanceKm, 0);

  it("Kostanay → Kabul grain goes by rail to the Amu Darya hubs and is trucked only from there (no 2,862 km truck, not via Karachi)", () => {
    for (const criterion of ["cost", "generalized"] as const) {
      for (const cargo of ["bulk", "feu"]) {
        const r = plan("Kostanay", "Kabul", { criterion, cargo }).routes[0];
        expect(r.countries, `${criterion}/${cargo}`).not.toContain("PAK");
        expect(km(r.legs, "road"), `${criterion}/${cargo}`).toBeLessThan(600);
        expect(km(r.legs, "rail") / r.distanceKm, `${criterion}/${cargo}`).toBeGreaterThan(0.8);
        const hub = r.events.find((e) => e.type === "transshipment");
        expect(["termez-cargo-centre", "hairatan-transfer", "mazar-i-sharif-transfer"], `${criterion}/${cargo}`).toContain(hub?.ref);
      }
    }
  });

  it("Islamabad → Shanghai goes over Khunjerab and by rail from Kashgar, not back out via Torugart and Dostyk", () => {
    // by cost alone the sea via Karachi is cheaper (as it is for shippers); time and the default generalized go overland
    for (const criterion of ["time", "generalized"] as const) {
      const r = plan("Islamabad", "Shanghai", { criterion }).routes[0];
      expect(r.countries, criterion).toEqual(["PAK", "CHN"]);
      expect(r.events.map((e) => e.ref), criterion).toContain("kashgar-transfer");
      expect(r.events.map((e) => e.ref), criterion).not.toContain("torugart-road");
    }
  });

  it("charges every rail↔road transfer at a gauge-change station at least the gauge change", () => {
    const { arcs, graph } = net;
    const gaugeChangeUsd = new Map<number, number>();
    const railRoad: { place: number; usd: number }[] = [];
    for (let u = 0; u < graph.nodeCount; u++) {
      for (let a = graph.firstOut[u]; a < graph.firstOut[u + 1]; a++) {
        const p = arcs.fromPlace[a];
        if (arcs.kind[a] === ARC_GAUGE_CHANGE) gaugeChangeUsd.set(p, Math.max(gaugeChangeUsd.get(p) ?? 0, arcs.costUsdPerFeu[a]));
        const lu = net.nodeLayer[u];
        const lv = net.nodeLayer[graph.head[a]];
        if (arcs.kind[a] === ARC_TRANSSHIPMENT && ((isRailLayer(lu) && lv === LAYER_ROAD) || (lu === LAYER_ROAD && isRailLayer(lv)))) railRoad.push({ place: p, usd: arcs.costUsdPerFeu[a] });
      }
    }
    const atGaugeBreaks = railRoad.filter((t) => gaugeChangeUsd.has(t.place));
    expect(atGaugeBreaks.map((t) => places[t.place].id)).toContain("dostyk");
    for (const t of atGaugeBreaks) expect(t.usd, places[t.place].id).toBeGreaterThanOrEqual(gaugeChangeUsd.get(t.place)!);
  });

  it("no cheapest route trucks a few km across a border between two railheads to dodge a gauge change or a rail crossing", () => {
    // railheads: places an open rail link reaches today
    const index = new Map(places.map((p, i) => [p.id, i]));
    const railPlace = new Uint8Array(places.length);
    for (const l of net.network.links) {
      if (l.mode !== "rail" || l.status !== "open") continue;
      railPlace[index.get(l.from)!] = 1;
      railPlace[index.get(l.to)!] = 1;
    }
    const gc = net.network.terminals.filter((t) => t.type === "gauge_change").map((t) => places.find((x) => x.id === t.place)!);
    const near = places
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => railPlace[places.indexOf(p)] === 1 && gc.some((g) => haversineKm(p.lonDeg, p.latDeg, g.lonDeg, g.latDeg) < 120));
    const cities = ["xian", "almaty", "moscow", "warsaw", "urumqi", "tashkent", "beijing", "ulaanbaatar", "minsk", "baku", "harbin", "astana"].map((id) => places.findIndex((p) => p.id === id));
    const set = [...new Set([...near.map((x) => x.i), ...cities])];
    expect(set.length).toBeGreaterThan(40);
    const dodges: string[] = [];
    for (const a of set) {
      for (const b of set) {
        if (a === b) continue;
        for (const cargo of ["feu", "bulk"]) {
          let legs: { mode: string; from: string; to: string; distanceKm: number }[];
          try {
            legs = planRoutes(ctx, { from: a, to: b, criterion: "cost", cargo, modes: ["rail", "road"] }).routes[0].legs;
          } catch {
            continue;
          }
          legs.forEach((l, j) => {
            const railBeside = legs[j - 1]?.mode === "rail" || legs[j + 1]?.mode === "rail";
            const from = index.get(l.from)!;
            const to = index.get(l.to)!;
            const crossesBorder = places[from].country !== places[to].country;
            if (l.mode === "road" && l.distanceKm < 150 && railBeside && crossesBorder && railPlace[from] === 1 && railPlace[to] === 1) {
              dodges.push(`${places[a].id} → ${places[b].id} (${cargo}): truck ${l.from} → ${l.to} ${l.distanceKm.toFixed(0)} km`);
            }
          });
        }
      }
    }
    expect(dodges).toEqual([]);
  });
});
