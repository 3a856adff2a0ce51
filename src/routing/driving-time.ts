/**
 * Driving-time rules (EU Regulation 561/2006, AETR): the elapsed time of a road trip of D hours of driving for a
 * crew of one driver or two (operations.yaml `driving`, src/network/operations.ts).
 *
 * The schedule drives as long as the rules allow in each driving period, in order:
 *  - a driving period of one driver lasts the extended daily driving (10 h) while the week's extensions last (2), else
 *    the daily driving (9 h), and no longer than the driver's remaining weekly (56 h) and two-week (90 h) driving;
 *    a team's vehicle drives both drivers' shares;
 *  - a single driver stops for a break (45 min) after each 4.5 h of driving when more driving follows in the period
 *    (exactly 4.5 h or 9 h ends with no break after the last stint); a team's breaks do not stop the vehicle;
 *  - between periods a daily rest (11 h; the reduced 9 h for the first 3 of a week; a team's 9 h), or the weekly rest
 *    (45 h) after the week's last period: after 6 periods, when the weekly or two-week driving is used up, or when no
 *    further period fits before the weekly rest is due (144 h after the last one ended);
 *  - the trip ends with its last driving: no rest after it.
 * A "week" is the stretch between two weekly rests (the regulation's fixed calendar weeks are not modelled), and the
 * reduced weekly rest (24 h, to be compensated) is not used.
 */
import type { DrivingRules } from "../network/operations";

export interface DrivingTime {
  /** Driving, hours (the input). */
  readonly drivingH: number;
  /** Breaks that stop the vehicle, hours, and their number. */
  readonly breaksH: number;
  readonly breaks: number;
  /** Daily rests, hours, and their number. */
  readonly dailyRestsH: number;
  readonly dailyRests: number;
  /** Weekly rests, hours, and their number. */
  readonly weeklyRestsH: number;
  readonly weeklyRests: number;
  /** Driving + breaks + rests, hours. */
  readonly elapsedH: number;
}

const EPS = 1e-9;

/** Breaks a single driver takes in a driving period of `h` hours (0 for a team). */
function breaksIn(h: number, r: DrivingRules): number {
  if (r.drivers >= 2 || h <= EPS) return 0;
  return Math.max(0, Math.ceil(h / r.continuousDrivingH - EPS) - 1);
}

/** Elapsed time of `drivingH` hours of driving under the crew's rules. */
export function drivingTime(drivingH: number, r: DrivingRules): DrivingTime {
  if (!(drivingH >= 0) || !Number.isFinite(drivingH)) throw new RangeError(`driving time must be a finite number of hours ≥ 0 (got ${drivingH})`);
  const n = r.drivers;
  let left = drivingH;
  let breaks = 0;
  let dailyRests = 0;
  let dailyRestsH = 0;
  let weeklyRests = 0;
  /** One driver's driving in this week and in the week before it. */
  let weekH = 0;
  let previousWeekH = 0;
  let periods = 0;
  let extensions = 0;
  let reduced = 0;
  /** Time since the last weekly rest ended. */
  let sinceWeeklyH = 0;
  const weeklyRest = () => {
    weeklyRests++;
    previousWeekH = weekH;
    weekH = 0;
    periods = extensions = reduced = 0;
    sinceWeeklyH = 0;
  };
  // each pass: one driving period, then the rest that follows it (if driving is left)
  for (let guard = 0; left > EPS; guard++) {
    if (guard > 1e6) throw new Error("driving-time schedule did not end");
    const extended = extensions < r.extendedDaysPerWeek;
    const perDriverH = Math.min(extended ? r.extendedDailyDrivingH : r.dailyDrivingH, r.weeklyDrivingH - weekH, r.fortnightDrivingH - previousWeekH - weekH);
    let periodH = Math.min(left, Math.max(0, perDriverH) * n);
    // the period must end before the weekly rest is due
    const roomH = r.weeklyRestDueH - sinceWeeklyH;
    if (periodH + breaksIn(periodH, r) * r.breakH > roomH) periodH = Math.max(0, roomH - breaksIn(periodH, r) * r.breakH);
    if (periodH <= EPS) {
      if (periods === 0 && weekH === 0 && previousWeekH === 0) throw new Error("the driving-time rules allow no driving in a week");
      weeklyRest();
      continue;
    }
    const b = breaksIn(periodH, r);
    breaks += b;
    left -= periodH;
    weekH += periodH / n;
    if (extended && periodH / n > r.dailyDrivingH + EPS) extensions++;
    periods++;
    sinceWeeklyH += periodH + b * r.breakH;
    if (left <= EPS) break;
    const restH = reduced < r.reducedDailyRestsPerWeek ? r.reducedDailyRestH : r.dailyRestH;
    const weekDone =
      periods >= r.dailyPeriodsPerWeek ||
      weekH >= r.weeklyDrivingH - EPS ||
      previousWeekH + weekH >= r.fortnightDrivingH - EPS ||
      sinceWeeklyH + restH >= r.weeklyRestDueH - EPS;
    if (weekDone) weeklyRest();
    else {
      if (reduced < r.reducedDailyRestsPerWeek) reduced++;
      dailyRests++;
      dailyRestsH += restH;
      sinceWeeklyH += restH;
    }
  }
  const breaksH = breaks * r.breakH;
  const weeklyRestsH = weeklyRests * r.weeklyRestH;
  return { drivingH, breaksH, breaks, dailyRestsH, dailyRests, weeklyRestsH, weeklyRests, elapsedH: drivingH + breaksH + dailyRestsH + weeklyRestsH };
}

/**
 * Elapsed hours per hour of driving over a long trip (ten two-week cycles of the rules): the pace at which the search
 * and the matrices time a road arc, whose leg length they do not know.
 */
export function longRunElapsedPerDrivingH(r: DrivingRules): number {
  const d = 10 * r.fortnightDrivingH * r.drivers;
  return drivingTime(d, r).elapsedH / d;
}
