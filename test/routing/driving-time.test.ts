/**
 * Driving-time rules (routing/driving-time.ts): a road trip's elapsed time from its driving hours under EU Regulation
 * 561/2006 / AETR for one driver and for a team, at the boundaries of the rules, and the dataset's driving speed
 * against the NELTI road speed it was derived from (estimate:ops-road-driving-speed).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openNetwork } from "../../src/network/open";
import type { DrivingRules } from "../../src/network/operations";
import { drivingTime, longRunElapsedPerDrivingH } from "../../src/routing/driving-time";

const EU = { drivingSpeedKmh: 60, continuousDrivingH: 4.5, breakH: 0.75, dailyDrivingH: 9, extendedDailyDrivingH: 10, extendedDaysPerWeek: 2, dailyPeriodsPerWeek: 6, weeklyRestDueH: 144, weeklyDrivingH: 56, fortnightDrivingH: 90, weeklyRestH: 45 };
const SINGLE: DrivingRules = { ...EU, drivers: 1, dailyRestH: 11, reducedDailyRestH: 9, reducedDailyRestsPerWeek: 3 };
const TEAM: DrivingRules = { ...EU, drivers: 2, dailyRestH: 9, reducedDailyRestH: 9, reducedDailyRestsPerWeek: 0 };
/** The same rules without the extended days and reduced rests: 9 h days, 11 h rests. */
const PLAIN: DrivingRules = { ...SINGLE, extendedDaysPerWeek: 0, reducedDailyRestsPerWeek: 0 };

describe("driving-time rules, one driver", () => {
  it("drives 4.5 h without a break, and 4.5 h + a bit with one 45-min break", () => {
    expect(drivingTime(0, SINGLE)).toMatchObject({ elapsedH: 0, breaks: 0, dailyRests: 0, weeklyRests: 0 });
    expect(drivingTime(4.5, SINGLE)).toMatchObject({ elapsedH: 4.5, breaks: 0 });
    expect(drivingTime(4.6, SINGLE).elapsedH).toBeCloseTo(4.6 + 0.75, 12);
  });

  it("9 h is one period with one break; 10 h (an extended day) has two; just over 10 h needs a daily rest", () => {
    expect(drivingTime(9, SINGLE)).toMatchObject({ elapsedH: 9.75, breaks: 1, dailyRests: 0 });
    expect(drivingTime(10, SINGLE)).toMatchObject({ elapsedH: 11.5, breaks: 2, dailyRests: 0 });
    // 10 h, 2 breaks, a reduced 9 h daily rest (the first of the week), then 0.5 h
    expect(drivingTime(10.5, SINGLE).elapsedH).toBeCloseTo(10 + 1.5 + 9 + 0.5, 12);
    // without extensions and reductions: 9 h + break + 11 h rest + 0.5 h
    expect(drivingTime(9, PLAIN).elapsedH).toBe(9.75);
    expect(drivingTime(9.5, PLAIN).elapsedH).toBeCloseTo(9 + 0.75 + 11 + 0.5, 12);
  });

  it("a full week is 56 h of driving in six periods (10, 10, 9, 9, 9, 9), then the weekly rest before more", () => {
    const week = drivingTime(56, SINGLE);
    // breaks 2 + 2 + 1 × 4 = 8; rests 3 × 9 + 2 × 11 = 49
    expect(week).toMatchObject({ breaks: 8, dailyRests: 5, dailyRestsH: 49, weeklyRests: 0 });
    expect(week.elapsedH).toBeCloseTo(56 + 6 + 49, 12);
    const more = drivingTime(57, SINGLE);
    expect(more).toMatchObject({ weeklyRests: 1, weeklyRestsH: 45 });
    expect(more.elapsedH).toBeCloseTo(week.elapsedH + 45 + 1, 12);
  });

  it("the second week is held to 34 h (90 h in two weeks), then another weekly rest", () => {
    const fortnight = drivingTime(90, SINGLE);
    // week 2: 10, 10, 9, 5 → 6 breaks, 3 reduced rests
    expect(fortnight).toMatchObject({ breaks: 14, dailyRests: 8, weeklyRests: 1 });
    expect(fortnight.elapsedH).toBeCloseTo(111 + 45 + 34 + 4.5 + 27, 12);
    expect(drivingTime(91, SINGLE).weeklyRests).toBe(2);
  });

  it("elapsed time never falls as driving grows and always equals driving + breaks + rests", () => {
    let last = 0;
    for (let d = 0; d <= 400; d += 0.25) {
      const t = drivingTime(d, SINGLE);
      expect(t.elapsedH).toBeGreaterThanOrEqual(last - 1e-9);
      expect(t.elapsedH).toBeCloseTo(d + t.breaksH + t.dailyRestsH + t.weeklyRestsH, 9);
      last = t.elapsedH;
    }
    expect(() => drivingTime(-1, SINGLE)).toThrow(RangeError);
  });
});

describe("driving-time rules, a team of two", () => {
  it("drives 20 h in a period (two extended 10 h shares) with no break stopping the vehicle, then 9 h rest", () => {
    expect(drivingTime(20, TEAM)).toMatchObject({ elapsedH: 20, breaks: 0, dailyRests: 0 });
    expect(drivingTime(21, TEAM).elapsedH).toBe(30); // 20 + 9 + 1: inside the 30 h of Art. 8(5)
    expect(drivingTime(40, TEAM).elapsedH).toBe(49);
    expect(drivingTime(58, TEAM).elapsedH).toBe(76); // 20 + 9 + 20 + 9 + 18 (shares of 9 h after two extensions)
  });

  it("takes its weekly rest when it is due, 144 h after the last, even before 56 h per driver", () => {
    // 20, 20, 18, 18, 18 with four 9 h rests and a fifth = 139 h; 5 h more fits before 144 h
    expect(drivingTime(99, TEAM)).toMatchObject({ elapsedH: 144, dailyRests: 5, weeklyRests: 0 });
    expect(drivingTime(100, TEAM)).toMatchObject({ elapsedH: 190, weeklyRests: 1 });
  });

  it("is faster than one driver by the rules' ratio over long trips", () => {
    expect(longRunElapsedPerDrivingH(SINGLE)).toBeGreaterThan(2.8);
    expect(longRunElapsedPerDrivingH(TEAM)).toBeLessThan(2);
    for (const d of [30, 80, 200]) expect(drivingTime(d, TEAM).elapsedH).toBeLessThan(drivingTime(d, SINGLE).elapsedH);
  });
});

const DATA = resolve(__dirname, "../../data/eurasia");
describe.skipIf(!existsSync(DATA))("driving speed of data/eurasia (estimate:ops-road-driving-speed)", () => {
  it("one driver under the rules makes modes.yaml's road speed (IRU NELTI 450 km/day) over long trips", () => {
    const net = openNetwork(DATA, { cacheDir: false });
    const single = net.network.operations?.find((o) => o.id === "road-single-driver")?.driving;
    expect(single).toBeDefined();
    const longRunKmh = single!.drivingSpeedKmh / longRunElapsedPerDrivingH(single!);
    expect(longRunKmh / net.network.modes.modes.road.speedKmh.value).toBeCloseTo(1, 2);
    const team = net.network.operations?.find((o) => o.id === "road-team-driven")?.driving;
    expect(team?.drivers).toBe(2);
    expect(team?.drivingSpeedKmh).toBe(single!.drivingSpeedKmh);
  });
});
