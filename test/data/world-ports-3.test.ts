/**
 * The third world-coverage pass (places/world-ports-3.csv, links/world-sea-3.csv, links/world-road-3.csv,
 * terminals/world-ports-3.yaml; places/world-landlocked-3.csv, links/world-landlocked-3.csv, borders/world-3.yaml).
 *
 *   Ports: each added seaport has a port terminal that joins sea and carries the port dwell of its rule (264 h in
 *   Sub-Saharan Africa, 84 h elsewhere: sources/sea.yaml) and one sea link (estimate:sea-port-access); at least 150
 *   economies have such a port.
 *   Economies: the largest city of each added economy (GeoNames population) reaches Rotterdam and Shanghai by surface;
 *   the coastal ones by a sea leg from their own port, the European landlocked ones (and Bosnia and Herzegovina and
 *   Monaco) across the one named crossing of estimate:world-europe-landlocked-access, which joins the two countries of
 *   its link.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import { resolvePlace } from "../../src/network/resolve";
import { RoutingContext } from "../../src/routing/context";
import { planRoutes } from "../../src/routing/plan";

const EURASIA = resolve(__dirname, "../../data/eurasia");
const net = openNetwork(EURASIA, { cacheDir: false });
const ctx = new RoutingContext(net);
const data = net.network;
const byId = new Map(data.places.map((p) => [p.id, p]));
const idx = (name: string) => resolvePlace(data.places, name);
const ids = (file: string) => readFileSync(join(EURASIA, file), "utf8").trim().split("\n").slice(1).map((row) => row.split(",")[0]);

const SSA = new Set(["COD", "GNQ", "STP", "GNB"]);
const COASTAL = ["PRI", "CUW", "ABW", "CYM", "BHS", "TCA", "BMU", "ATG", "KNA", "DMA", "LCA", "VCT", "GRD", "MAF", "SXM", "VIR", "COD", "GNQ", "STP", "GNB", "MAC", "TLS", "GUM", "MNP", "NCL", "PYF", "NRU", "FRO", "GRL", "IMN", "CHI"];
const EUROPE = ["CHE", "LIE", "LUX", "MCO", "SMR", "AND", "MDA", "MKD", "XKX", "BIH"];

describe("ports of the third world-coverage pass", () => {
  const ports = ids("places/world-ports-3.csv").map((id) => byId.get(id)!).filter((p) => p.kinds.includes("seaport"));
  const portTerminals = data.terminals.filter((t) => t.type === "port" && t.modes.includes("sea") && (t.handlingTimeH ?? 0) > 0);

  it("gives each added port a port terminal with the dwell of its rule and one sea link", () => {
    expect(ports.length).toBe(32);
    for (const p of ports) {
      const t = portTerminals.filter((x) => x.place === p.id);
      expect(t.length, p.id).toBe(1);
      expect(t[0].handlingTimeH, p.id).toBe(SSA.has(p.country!) ? 264 : 84);
      expect(data.links.filter((l) => l.mode === "sea" && (l.from === p.id || l.to === p.id)).length, p.id).toBe(1);
    }
  });

  it("puts a port with dwell on the sea lanes in at least 150 economies, each added coastal economy among them", () => {
    const countries = new Set(portTerminals.map((t) => byId.get(t.place)!.country));
    for (const c of COASTAL) expect(countries.has(c), c).toBe(true);
    expect(countries.size).toBeGreaterThanOrEqual(150);
  });
});

describe("economies of the third world-coverage pass", () => {
  const largest = (c: string) => data.places.filter((p) => p.country === c && p.kinds.includes("city") && (p.population ?? 0) > 0).sort((x, y) => (y.population ?? 0) - (x.population ?? 0))[0];

  it("takes the largest city of each added economy to Rotterdam and Shanghai, the coastal ones by sea from their own port", () => {
    for (const c of [...COASTAL, ...EUROPE]) {
      const city = largest(c);
      expect(city, c).toBeDefined();
      for (const to of ["rotterdam", "shanghai"]) {
        const r = planRoutes(ctx, { from: idx(city.id), to: idx(to) }).routes[0];
        expect(r, `${city.id} → ${to}`).toBeDefined();
        if (COASTAL.includes(c)) {
          const first = r.legs.find((l) => l.mode === "sea");
          expect(first, `${city.id} → ${to}`).toBeDefined();
          expect(byId.get(first!.from)!.country, `${city.id} → ${to}`).toBe(c);
        }
      }
    }
  });

  it("joins each European landlocked economy to its neighbour across one named crossing between the two countries", () => {
    const rule = data.links.filter((l) => l.source.includes("estimate:world-europe-landlocked-access"));
    expect(new Set(rule.map((l) => byId.get(l.from)!.country))).toEqual(new Set(EUROPE));
    const crossings = new Map(data.crossings.map((x) => [x.id, x]));
    for (const l of rule) {
      expect(l.border, l.id).not.toBeNull();
      expect([...crossings.get(l.border!)!.countries].sort(), l.id).toEqual([byId.get(l.from)!.country, byId.get(l.to)!.country].sort());
    }
    const borders = (from: string, to: string) => planRoutes(ctx, { from: idx(from), to: idx(to) }).routes[0].events.filter((e) => e.type === "border").map((e) => e.ref);
    expect(borders("Sarajevo", "Shanghai")[0]).toBe("doljani-metkovic");
    expect(borders("Skopje", "Shanghai")[0]).toBe("bogorodica-evzoni");
    expect(borders("Pristina", "Shanghai")[0]).toBe("vermice-morine");
  });
});
