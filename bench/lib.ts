/** Shared helpers of the benchmark scripts: a seeded PRNG (so every run draws the same data) and a timer. */

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds elapsed since `start` (a process.hrtime.bigint() reading). */
export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
