/**
 * Seeded byte-flip fuzzing of real input files through the whole CLI, in-process: copies of fixture files (a TNTP
 * instance, SiouxFalls when ../shared is present, the testbot dataset and a demand file for it, a gravity table,
 * files of data/eurasia) get 1–3 random bytes replaced, and the command that reads them must
 *   - print no stack trace and no "internal error",
 *   - finish within a bounded time,
 *   - exit with 0 or with the one-line `caravan: E_CODE: message` whose code is in the catalogue with that status,
 *   - print no NaN/Infinity, and no null where the unbroken input gives a number.
 * Seeds are fixed; the whole file runs in a few seconds. For a deeper local run, FUZZ_SEED_OFFSET=k shifts every seed
 * and FUZZ_SCALE=n multiplies the number of cases (`FUZZ_SCALE=20 npx vitest run test/robustness/byteflip.test.ts`).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATALOGUE } from "../../src/core/errors";
import { type CliRun, cli, copyTestbot, TESTBOT, tmp, tntpDir } from "./helpers";
import { seededRandom } from "../../src/core/random";


/** Bytes that break numbers and structure more often than uniform random bytes do. */
const NASTY = Buffer.from("0123456789.eE+-,;:~<>\n\r\t x\"'#|*&!{}[]\0\xff");

/** `bytes` with 1–3 positions replaced (half of them by a nasty byte, half by any byte). */
function flip(bytes: Buffer, rnd: () => number): Buffer {
  const out = Buffer.from(bytes);
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * out.length);
    out[at] = rnd() < 0.5 ? NASTY[Math.floor(rnd() * NASTY.length)] : Math.floor(rnd() * 256);
  }
  return out;
}

/** Key names that hold a number somewhere in a JSON value. */
function numericKeys(value: unknown, keys = new Set<string>(), key = ""): Set<string> {
  if (typeof value === "number" && key !== "") keys.add(key);
  else if (Array.isArray(value)) for (const v of value) numericKeys(v, keys, key);
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) numericKeys(v, keys, k);
  return keys;
}

/** Paths (key names) whose value is null although the baseline has numbers under that key. */
function nullsWhereNumbers(value: unknown, numeric: ReadonlySet<string>, key = "", found: string[] = []): string[] {
  if (value === null && numeric.has(key)) found.push(key);
  else if (Array.isArray(value)) for (const v of value) nullsWhereNumbers(v, numeric, key, found);
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) nullsWhereNumbers(v, numeric, k, found);
  return found;
}

/** Longest a single fuzzed run may take (a hang or an exploding allocation fails the test). */
const MAX_CASE_MS = 5000;

function checkRun(r: CliRun, ms: number, numeric: ReadonlySet<string>, label: string): void {
  const where = `${label}\nexit ${r.code}\nstderr: ${r.err.slice(0, 400)}`;
  expect(ms, where).toBeLessThan(MAX_CASE_MS);
  expect(r.err, where).not.toMatch(/\n\s+at |internal error/);
  expect([0, 1, 2], where).toContain(r.code);
  if (r.code !== 0) {
    expect(r.errorCode, where).not.toBeNull();
    expect(Object.keys(ERROR_CATALOGUE), where).toContain(r.errorCode);
    expect(ERROR_CATALOGUE[r.errorCode as keyof typeof ERROR_CATALOGUE].exitCode, where).toBe(r.code);
  }
  expect(r.out, where).not.toMatch(/\bNaN\b|\bInfinity\b/);
  if (r.code === 0 && r.out.trimStart().startsWith("{")) {
    expect(nullsWhereNumbers(JSON.parse(r.out), numeric), where).toEqual([]);
  }
}

/**
 * Fuzz `cases` runs of `args(dir)` where `files` (relative to `dir`) get bytes flipped one at a time. The baseline
 * (unflipped) run must succeed; its JSON tells which keys hold numbers.
 */
const SEED_OFFSET = Number.parseInt(process.env.FUZZ_SEED_OFFSET ?? "0", 10) || 0;
const SCALE = Math.max(1, Number.parseInt(process.env.FUZZ_SCALE ?? "1", 10) || 1);

async function fuzz(seedBase: number, baseCases: number, dir: string, files: readonly string[], args: (dir: string) => string[], freshDir?: () => string): Promise<void> {
  const seed = seedBase + SEED_OFFSET;
  const cases = baseCases * SCALE;
  const rnd = seededRandom(seed);
  const base = await cli(args(dir));
  expect(base.code, base.err).toBe(0);
  const numeric = base.out.trimStart().startsWith("{") ? numericKeys(JSON.parse(base.out)) : new Set<string>();
  const originals = new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
  for (let c = 0; c < cases; c++) {
    const file = files[Math.floor(rnd() * files.length)];
    const original = originals.get(file)!;
    // commands that keep an opened dataset per folder for the process (route) need a new folder per case
    const caseDir = freshDir ? freshDir() : dir;
    writeFileSync(join(caseDir, file), flip(original, rnd));
    const t0 = performance.now();
    const r = await cli(args(caseDir));
    checkRun(r, performance.now() - t0, numeric, `seed ${seed} case ${c}: ${file}`);
    if (process.env.FUZZ_DEBUG) console.log(seed, c, r.code, r.errorCode, r.err.slice(0, 120).replace(/\n/g, " "));
    writeFileSync(join(caseDir, file), original);
  }
}

let cacheBefore: string | undefined;
beforeAll(() => {
  // compiled-network cache entries of the fuzzed datasets go to a temporary folder, not the user's cache
  cacheBefore = process.env.CARAVAN_CACHE_DIR;
  process.env.CARAVAN_CACHE_DIR = tmp("caravan-robust-cache-");
});
afterAll(() => {
  if (cacheBefore === undefined) delete process.env.CARAVAN_CACHE_DIR;
  else process.env.CARAVAN_CACHE_DIR = cacheBefore;
});

const SHARED_TNTP = resolve(__dirname, "../../../shared/tntp/SiouxFalls");

describe("byte-flip fuzzing through the CLI", () => {
  it("TNTP network and trip files (a tiny instance)", async () => {
    await fuzz(101, 60, tntpDir(), ["Tiny_net.tntp", "Tiny_trips.tntp"], (d) => ["assign", "--tntp", d, "--max-iterations", "20", "--json"]);
  });

  it.skipIf(!existsSync(SHARED_TNTP))("TNTP files of SiouxFalls (../shared/tntp; skipped when absent)", async () => {
    const dir = tmp("caravan-robust-sioux-");
    for (const f of ["SiouxFalls_net.tntp", "SiouxFalls_trips.tntp"]) cpSync(join(SHARED_TNTP, f), join(dir, f));
    await fuzz(102, 15, dir, ["SiouxFalls_net.tntp", "SiouxFalls_trips.tntp"], (d) => ["assign", "--tntp", d, "--max-iterations", "5", "--json"]);
  });

  it("a corridor demand CSV on the testbot network", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "demand.csv"),
      "# testbot demand\norigin,destination,class,amount,source\nportia,gamma,container,120000,estimate:testbot-coords\nalpha,harbor,bulk,50000,src:testbot-manual\nisla,portia,container,80000,estimate:testbot-coords\n",
    );
    await fuzz(103, 40, dir, ["demand.csv"], (d) => ["--data", TESTBOT, "assign", "--demand", join(d, "demand.csv"), "--max-iterations", "10", "--json"]);
  });

  it("the testbot dataset's CSV and YAML files, through route", async () => {
    const dir = copyTestbot();
    const files = ["places/testbot.csv", "links/testbot.csv", "cargo.yaml", "modes.yaml", "borders/testbot.yaml", "terminals/testbot.yaml", "ferries/testbot.yaml", "sources/testbot.yaml"];
    await fuzz(104, 30, dir, files, (d) => ["--data", d, "route", "portia", "gamma", "--json"], copyTestbot);
  });

  it("a gravity table, through gravity estimate", async () => {
    const dir = tmp();
    const rows = ["exporter,importer,trade,dist,rta"];
    const countries = ["AUT", "BEL", "CHE", "DEU", "ESP", "FRA"];
    for (const [i, e] of countries.entries()) {
      for (const [j, m] of countries.entries()) {
        if (i === j) continue;
        const dist = 100 + 37 * Math.abs(i - j) + 11 * ((i * 7 + j * 3) % 5);
        rows.push(`${e},${m},${Math.round(1e6 / dist + 1000 * ((i + 2 * j) % 7))},${dist},${(i + j) % 2}`);
      }
    }
    writeFileSync(join(dir, "g.csv"), `${rows.join("\n")}\n`);
    await fuzz(105, 40, dir, ["g.csv"], (d) => ["gravity", "estimate", "--data", join(d, "g.csv"), "--formula", "trade ~ log(dist) + rta | exporter + importer", "--json"]);
  });

  it("files of data/eurasia, through network validate", async () => {
    const dir = tmp("caravan-robust-eurasia-");
    cpSync(resolve(__dirname, "../../data/eurasia"), dir, { recursive: true });
    await fuzz(106, 4, dir, ["places/west.csv", "links/east-rail.csv", "borders/east.yaml", "modes.yaml"], (d) => ["--data", d, "network", "validate"]);
  });
});
