/**
 * Property tests run on a fixed seed, so a CI run is reproducible: every `fc.assert` without a seed of its own takes
 * this one. `FC_SEED=<integer>` runs them on another seed and `FC_SEED=random` on a fresh one each run (fast-check
 * prints the seed and path of any counterexample, which then becomes a regression case).
 */
import fc from "fast-check";

const requested = process.env.FC_SEED;
if (requested !== "random") {
  const seed = requested === undefined || requested === "" ? 20_261_206 : Number.parseInt(requested, 10);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(requested)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
