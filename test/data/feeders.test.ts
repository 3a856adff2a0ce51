/**
 * Sea feeders and per-call charges of the shipped dataset data/eurasia (docs/data-format.md, "Feeder ports and hub
 * transshipment"; docs/calibration.md, "Sea feeders and hub transshipment"):
 *
 *   - every ferry and feeder leg carries a fixed charge per voyage (costUsdPerFeu > 0) and cites a source or rule
 *     that states that figure;
 *   - every feeder-only port is reached by a feeder from a hub with transshipment figures, each with its sources;
 *   - Chittagong is feeder-only (Singapore, Colombo); Karachi, Port Qasim and Bandar Abbas keep direct sailings,
 *     and the rule that says so cites sources that exist, with their year.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/network/load";

const data = loadNetwork(resolve(__dirname, "../../data/eurasia"));

/** The text of a cited reference: a source's title, a rule's description. */
function refText(ref: string): string {
  const i = ref.indexOf(":");
  const [kind, id] = [ref.slice(0, i), ref.slice(i + 1)];
  if (kind === "src") return data.sources[id]?.title ?? "";
  if (kind === "estimate") return data.rules[id]?.description ?? "";
  return "";
}

/** Whether a text states a whole USD figure (as 1,000 or 1000, not as part of a longer number). */
function states(text: string, usd: number): boolean {
  const forms = [usd.toLocaleString("en-US"), String(usd)].map((f) => f.replace(/[.,]/g, "\\$&"));
  return forms.some((f) => new RegExp(`(^|[^0-9.,])${f}(?![0-9]|[.,][0-9])`).test(text));
}

describe("data/eurasia sea feeders and per-call charges", () => {
  it("every ferry and feeder leg has a fixed charge per voyage stated by one of its sources or rules", () => {
    const unstated: string[] = [];
    for (const f of data.ferries) {
      expect(f.costUsdPerFeu, f.id).toBeGreaterThan(0);
      if (!f.source.some((ref) => states(refText(ref), f.costUsdPerFeu))) unstated.push(`${f.id} (USD ${f.costUsdPerFeu})`);
    }
    expect(unstated).toEqual([]);
  });

  it("every feeder-only port is fed from a hub with transshipment figures; every cited reference exists", () => {
    const ports = data.terminals.filter((t) => t.type === "port" && t.modes.includes("sea"));
    for (const t of ports.filter((x) => x.feederOnly)) {
      const feeders = data.ferries.filter((f) => f.carries[0] === "sea" && f.to === t.place);
      expect(feeders.length, t.place).toBeGreaterThan(0);
      for (const f of feeders) {
        const hub = ports.find((x) => x.place === f.from);
        expect(hub?.transshipmentTimeH, f.id).toBeGreaterThan(0);
        expect(hub?.transshipmentCostUsdPerFeu, f.id).toBeGreaterThan(0);
        for (const ref of [...f.source, ...(hub?.source ?? []), ...t.source]) expect(refText(ref), `${f.id}: ${ref}`).not.toBe("");
      }
    }
  });

  it("Chittagong is feeder-only, fed from Singapore and Colombo; Karachi, Port Qasim and Bandar Abbas are not", () => {
    const port = (place: string) => data.terminals.find((t) => t.type === "port" && t.place === place && t.modes.includes("sea"));
    expect(port("chittagong")?.feederOnly).toBe(true);
    expect(port("chittagong")?.source).toContain("estimate:feeder-chittagong-feeder-only");
    const hubs = data.ferries.filter((f) => f.carries[0] === "sea" && f.to === "chittagong").map((f) => f.from);
    expect(hubs.sort()).toEqual(["colombo", "singapore"]);
    for (const place of ["karachi", "port-qasim", "bandar-abbas"]) expect(port(place)?.feederOnly, place).toBe(false);
    const rule = data.rules["feeder-direct-mainline-ports"]?.description ?? "";
    const cited = [...rule.matchAll(/src:([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(cited.length).toBeGreaterThanOrEqual(4);
    for (const id of cited) {
      expect(data.sources[id], id).toBeDefined();
      expect(data.sources[id]?.year, id).toBeGreaterThanOrEqual(2016);
    }
  });
});
