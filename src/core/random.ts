/**
 * The one seeded pseudo-random generator of Caravan (mulberry32: 32-bit state, period 2^32, numbers in [0, 1)).
 * Monte Carlo appraisal, sweep draws, fuzz tests and benchmarks use it, so the same seed always draws the same
 * numbers on every machine and in every release.
 */

/** A seeded generator: each call returns the next number in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
