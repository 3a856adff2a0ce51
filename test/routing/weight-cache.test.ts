import { describe, expect, it } from "vitest";
import { resolveRouteOptions } from "../../src/routing/options";
import { CORRIDORS, contextOf } from "./helpers";

describe("routing weight-set cache", () => {
  it("keeps the most recently used option sets and evicts the least recently used", () => {
    const ctx = contextOf(CORRIDORS);
    const options = (co2PriceUsdPerT: number) => resolveRouteOptions(ctx.net, { criterion: "generalized", co2PriceUsdPerT });
    const first = ctx.weights(options(0));
    const second = ctx.weights(options(1));
    // 31 more distinct option sets, touching the first one before each: it stays the most recently used.
    for (let i = 2; i <= 32; i++) {
      expect(ctx.weights(options(0))).toBe(first);
      ctx.weights(options(i));
    }
    expect(ctx.weights(options(0))).toBe(first);
    // The second set was used once, long ago: it was evicted and is built anew.
    expect(ctx.weights(options(1))).not.toBe(second);
  });
});
