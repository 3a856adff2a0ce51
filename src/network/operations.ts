/**
 * Operation types (data/<dataset>/operations.yaml, top-level list `operations:`): how a mode is operated — a
 * scheduled container block train or wagonload, a truck as observed, driven by one driver or by a team — each with
 * its source. One operation per mode is the `default` (factor 1: the operation the mode's speeds in modes.yaml
 * describe); a query may choose another (routing/operations.ts), and a route names the operations it assumed.
 *
 * An operation changes the time of the mode's links in one of two ways:
 *  - `speedFactor`: a factor on the moving speed of modes.yaml;
 *  - `driving` (road only): a driving speed and the driving-time rules of the crew (breaks, daily and weekly rests,
 *    routing/driving-time.ts); a road leg then takes its driving time plus the stops the rules require for it.
 * Charges are not changed (no source gives them per operation).
 *
 * A sea operation marked `feeder` names the service of a leg over a sea feeder record (ferries carrying [sea]): that
 * leg is timed by the record's own sailing time, headway and fare, not by modes.yaml's speed, so the operation
 * changes no time; it is never the default and a query does not choose it (a route takes a feeder where it sails
 * one). At most one per dataset.
 */
import { z } from "zod";
import { idSchema, provenanceSchema } from "./schema";

export const OPERATION_MODES = ["rail", "road", "sea"] as const;

const hours = z.number().nonnegative().finite();
const positiveHours = z.number().positive().finite();
const count = z.number().int().nonnegative();

/**
 * Driving-time rules of a crew (EU Regulation 561/2006 and the AETR give the same figures). A week is the stretch
 * between two weekly rests; a driving period is the driving between two daily (or weekly) rests.
 */
export const drivingRulesSchema = z
  .object({
    /** Drivers on board: 1, or 2 (multi-manning: the co-driver takes breaks while the other drives). */
    drivers: z.number().int().min(1).max(2),
    /** Speed while driving, km/h. */
    drivingSpeedKmh: z.number().positive().finite(),
    /** A break is due after this much driving (4.5 h). */
    continuousDrivingH: positiveHours,
    /** Length of that break (0.75 h); a team's breaks do not stop the vehicle. */
    breakH: hours,
    /** Daily driving of one driver (9 h) and the extended figure (10 h) allowed on `extendedDaysPerWeek` days a week. */
    dailyDrivingH: positiveHours,
    extendedDailyDrivingH: positiveHours,
    extendedDaysPerWeek: count,
    /** Daily rest (11 h; a team's 9 h) and the reduced rest (9 h) allowed `reducedDailyRestsPerWeek` times between weekly rests. */
    dailyRestH: hours,
    reducedDailyRestH: hours,
    reducedDailyRestsPerWeek: count,
    /** Driving periods between weekly rests (6) and the latest start of the weekly rest after the last one ends (144 h: six 24-hour periods). */
    dailyPeriodsPerWeek: z.number().int().positive(),
    weeklyRestDueH: positiveHours,
    /** Driving of one driver in a week (56 h) and in two consecutive weeks (90 h); the weekly rest (45 h). */
    weeklyDrivingH: positiveHours,
    fortnightDrivingH: positiveHours,
    weeklyRestH: hours,
  })
  .strict();
export type DrivingRules = z.infer<typeof drivingRulesSchema>;

export const operationSchema = z
  .object({
    id: idSchema,
    mode: z.enum(OPERATION_MODES),
    name: z.string().min(1),
    /** Moving speed of the mode's links relative to modes.yaml (> 0; 1 for the default operation and for `driving`). */
    speedFactor: z.number().positive().finite().default(1),
    /** Road: the driving speed and driving-time rules that time a road leg (routing/driving-time.ts). */
    driving: drivingRulesSchema.optional(),
    /** Rail: dwell in marshalling yards, hours per trip; null = unknown (not added; `notes` says why); absent = none. */
    yardDwellH: hours.nullable().optional(),
    /** The operation modes.yaml's speeds describe (exactly one per mode that has operations). */
    default: z.boolean().default(false),
    /** Sea: the operation of legs over the sea feeder records, timed by those records (not chosen, not the default). */
    feeder: z.boolean().default(false),
    /**
     * The cargo profiles (cargo.yaml ids) whose shipments the operation's speed sources describe; [] = every profile.
     * A route of another profile still runs at the operation's speed (the dataset has nothing else) and says so.
     */
    cargo: z.array(idSchema).default([]),
    /**
     * Sea (mainline): how often a liner arrives at a port call on time and the mean delay of the late arrivals, from
     * which a route's P90 takes the arrival delay at each port call where the box leaves the sea
     * (routing/reliability.ts, seaArrivalDelayP90H). Absent = no arrival delay known.
     */
    arrivalDelay: z
      .object({
        /** Share of arrivals on time (within a day of the schedule, 0–1]. */
        onTimeShare: z.number().gt(0).max(1),
        /** Mean delay of the late arrivals, hours. */
        lateMeanDelayH: positiveHours,
        source: provenanceSchema,
      })
      .strict()
      .optional(),
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .superRefine((o, ctx) => {
    if (o.default && o.speedFactor !== 1) ctx.addIssue({ code: "custom", path: ["speedFactor"], message: "the default operation is what modes.yaml describes: its factor is 1" });
    if (o.driving && o.mode !== "road") ctx.addIssue({ code: "custom", path: ["driving"], message: "driving-time rules apply to road operations only" });
    if (o.arrivalDelay && (o.mode !== "sea" || o.feeder)) ctx.addIssue({ code: "custom", path: ["arrivalDelay"], message: "an arrival delay is a mainline sea operation's (feeder legs are timed by their records)" });
    if (o.driving && o.speedFactor !== 1) ctx.addIssue({ code: "custom", path: ["speedFactor"], message: "an operation with driving-time rules takes its speed from driving.drivingSpeedKmh: leave speedFactor out" });
    if (o.driving && o.default) ctx.addIssue({ code: "custom", path: ["driving"], message: "the default operation is what modes.yaml's speed describes: it has no driving-time rules" });
    if (o.feeder && o.mode !== "sea") ctx.addIssue({ code: "custom", path: ["feeder"], message: "a feeder operation is a sea operation (the sea feeder records carry [sea])" });
    if (o.feeder && o.default) ctx.addIssue({ code: "custom", path: ["feeder"], message: "the feeder operation is timed by the feeder records, not by modes.yaml's speed: it cannot be the default" });
    if (o.feeder && o.speedFactor !== 1) ctx.addIssue({ code: "custom", path: ["speedFactor"], message: "the feeder operation is timed by the feeder records' sailing times: leave speedFactor out" });
    if (o.driving && o.driving.extendedDailyDrivingH < o.driving.dailyDrivingH) ctx.addIssue({ code: "custom", path: ["driving", "extendedDailyDrivingH"], message: "the extended daily driving is at least the daily driving" });
  });
export type Operation = z.infer<typeof operationSchema>;

/** Cross-record checks: exactly one default per mode with operations, at most one feeder operation. `problem(index, field, message)`. */
export function checkOperations(ops: readonly Operation[], problem: (index: number, field: string, message: string) => void): void {
  const feeders = ops.map((o, i) => (o.feeder ? i : -1)).filter((i) => i >= 0);
  if (feeders.length > 1) problem(feeders[1], "feeder", `at most one operation is the feeder operation (found ${feeders.length})`);
  for (const mode of OPERATION_MODES) {
    const idx = ops.map((o, i) => (o.mode === mode ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const defaults = idx.filter((i) => ops[i].default);
    if (defaults.length !== 1) problem(defaults[1] ?? idx[0], "default", `exactly one ${mode} operation must be the default (found ${defaults.length})`);
  }
}
