/** Shared helpers of the benchmark scripts: a seeded PRNG (so every run draws the same data) and a timer. */

/** The project's seeded PRNG (src/core/random.ts), so every run draws the same data. */
export { seededRandom as rng } from "../src/core/random";

/** Seconds elapsed since `start` (a process.hrtime.bigint() reading). */
export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
