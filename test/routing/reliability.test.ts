/**
 * The P90 rules of routing/reliability.ts on hand-checkable inputs (docs/routing.md § Reliability).
 */
import { describe, expect, it } from "vitest";
import { closedRunsDays, openingWaitP90H } from "../../src/routing/reliability";

describe("opening-days wait P90", () => {
  it("a crossing open every day has no wait", () => {
    expect(closedRunsDays([1, 2, 3, 4, 5, 6, 7])).toEqual([]);
    expect(openingWaitP90H([1, 2, 3, 4, 5, 6, 7])).toBe(0);
  });

  it("weekdays only (Sat+Sun closed, one 2-day run): P(wait > w) = (2 − w/24)/7 = 0.1 at w = 24 × 1.3 = 31.2 h", () => {
    expect(closedRunsDays([1, 2, 3, 4, 5])).toEqual([2]);
    expect(openingWaitP90H([1, 2, 3, 4, 5])).toBeCloseTo(31.2, 6);
  });

  it("closed runs are found across the week's end (open Wed only: one 6-day run; P90 = 24 × (6 − 0.7) = 127.2 h)", () => {
    expect(closedRunsDays([3])).toEqual([6]);
    expect(openingWaitP90H([3])).toBeCloseTo(127.2, 6);
  });

  it("one closed day (Sunday): P(wait > 0) = 1/7 > 0.1, P90 = 24 × (1 − 0.7) = 7.2 h", () => {
    expect(closedRunsDays([1, 2, 3, 4, 5, 6])).toEqual([1]);
    expect(openingWaitP90H([1, 2, 3, 4, 5, 6])).toBeCloseTo(7.2, 6);
  });

  it("two 1-day runs (Tue and Thu closed): P(wait > w) = 2(1 − w/24)/7 = 0.1 at w = 24 × 0.65 = 15.6 h", () => {
    expect(closedRunsDays([1, 3, 5, 6, 7]).sort()).toEqual([1, 1]);
    expect(openingWaitP90H([1, 3, 5, 6, 7])).toBeCloseTo(15.6, 6);
  });
});
