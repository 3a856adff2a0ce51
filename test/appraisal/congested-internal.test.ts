/**
 * The congested comparison's internal checks (src/appraisal/congested.ts) fail with the catalogue's E_INTERNAL (a bug,
 * printed `caravan: E_INTERNAL: message` by the CLI), not a plain error: an equilibrium without per-commodity flows,
 * and one with value-of-time segments, neither of which the comparison builds itself. Both are injected through the
 * equilibrium cache the caller may pass, on the "corridors" routing fixture with its corridor demand.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { congestedEffects, type Equilibrium, type EquilibriumCache, solveEquilibrium } from "../../src/appraisal/congested";
import { readDemandCsv, resolveDemand } from "../../src/assignment/corridor-demand";
import { CaravanError } from "../../src/core/errors";
import { openNetwork } from "../../src/network/open";
import { resolveNetworkState } from "../../src/network/state";
import { RoutingContext } from "../../src/routing/index";
import { fixtureCopy } from "../server/helpers";

const data = fixtureCopy();
const net = openNetwork(data, { cacheDir: false });
const ctx = new RoutingContext(net);
const demand = resolveDemand(net, readDemandCsv(join(data, "demand", "corridors-2024.csv")));
const state = resolveNetworkState(net, { year: null, month: null });
const noArcs = new Uint8Array(net.graph.arcCount);

/** A cache holding both states' equilibria, each changed by `alter`, and the comparison run on it. */
function compareWith(alter: (eq: Equilibrium) => Equilibrium): () => unknown {
  const map: EquilibriumCache = new Map();
  solveEquilibrium(ctx, demand, state, 1, 1e-4, { map, key: "without" });
  solveEquilibrium(ctx, demand, state, 1, 1e-4, { map, key: "with" });
  for (const [key, eq] of map) map.set(key, alter(eq));
  return () => congestedEffects(ctx, demand, state, state, noArcs, { gap: 1e-4, cache: { map, withoutKey: "without", withKey: "with" } });
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return null;
}

describe("congested comparison: internal checks are E_INTERNAL", () => {
  it("the unaltered cache compares (the injection itself is sound)", () => {
    const e = compareWith((eq) => eq)() as { routed: ArrayLike<number> };
    expect(Array.from(e.routed)).toContain(1);
  });

  it("an equilibrium without per-commodity flows", () => {
    const error = thrown(compareWith((eq) => ({ ...eq, result: { ...eq.result, commodityFlow: null } })));
    expect(error).toBeInstanceOf(CaravanError);
    expect((error as CaravanError).code).toBe("E_INTERNAL");
    expect((error as CaravanError).message).toMatch(/no per-commodity flows/);
  });

  it("an equilibrium with value-of-time segments", () => {
    const error = thrown(compareWith((eq) => ({ ...eq, cp: { ...eq.cp, vot: { ...eq.cp.vot, count: 2 } } })));
    expect(error).toBeInstanceOf(CaravanError);
    expect((error as CaravanError).code).toBe("E_INTERNAL");
    expect((error as CaravanError).message).toMatch(/value-of-time segments/);
  });
});
