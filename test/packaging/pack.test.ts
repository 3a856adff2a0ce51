/**
 * The package as a user gets it: `npm pack` of this project, the tarball installed into a fresh npm project (one
 * install shared by the cases; dependencies come from the registry or npm's cache, better-sqlite3 builds from source)
 * and run from that project's folder through npx — version, a route and assignments — and a global install
 * (`npm install -g --prefix`) run from another folder. Slow (an npm install): CARAVAN_SKIP_PACK_TEST=1 skips it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, ROOT, run, SHARED, VERSION } from "./helpers";

const SKIP = process.env.CARAVAN_SKIP_PACK_TEST === "1";
if (SKIP) console.warn("skipping the npm pack / install test: CARAVAN_SKIP_PACK_TEST=1");
const SIOUX_FALLS = join(SHARED, "tntp", "SiouxFalls");
const haveSiouxFalls = existsSync(SIOUX_FALLS);
if (!SKIP && !haveSiouxFalls) console.warn(`skipping the TNTP assignment from the installed package: ${SIOUX_FALLS} is absent (reference data)`);

describe.skipIf(SKIP)("the packed package installed in another project", () => {
  let work = "";
  let app = "";
  let tarball = "";
  let packedFiles: string[] = [];
  let env: NodeJS.ProcessEnv = {};

  /** `npx caravan ARGS` in the consumer project (`--` so npx leaves options such as --version to caravan). */
  const npx = (...args: string[]) => run("npx", ["--no", "--", "caravan", ...args], { cwd: app, env, timeoutMs: 120_000 });

  beforeAll(async () => {
    await buildCli();
    work = mkdtempSync(join(tmpdir(), "caravan-pack-"));
    env = { ...process.env, XDG_CACHE_HOME: join(work, "cache"), npm_config_update_notifier: "false" };
    delete env.CARAVAN_CACHE_DIR;
    delete env.CARAVAN_STORE;
    // dist/cli was just built from the current sources; --ignore-scripts keeps `prepare` from building it again
    const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, timeoutMs: 300_000 });
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const info = JSON.parse(packed.stdout)[0] as { filename: string; files: { path: string }[] };
    tarball = join(work, info.filename);
    packedFiles = info.files.map((f) => f.path);
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "caravan-consumer", version: "1.0.0", private: true }, null, 2)}\n`);
    const installed = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: app, env, timeoutMs: 900_000 });
    if (installed.status !== 0) throw new Error(`npm install of the tarball failed: ${installed.stderr}`);
  }, 1_200_000);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("the tarball holds the launcher, the built program, the embedded data and the docs, and no sources or tests", () => {
    for (const file of ["package.json", "README.md", "bin/caravan.js", "dist/cli/main.js", "dist/cli/matrix-worker.js", "data/eurasia/modes.yaml", "docs/cli.md"]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.some((f) => f.startsWith("data/eurasia/demand/"))).toBe(true);
    expect(packedFiles.some((f) => f.startsWith("data/trade/"))).toBe(true);
    expect(packedFiles.filter((f) => /^(src|test|bench|scripts|node_modules)\//.test(f))).toEqual([]);
  });

  it("installs without a TypeScript runtime: tsx and typescript are not among the installed packages", () => {
    expect(existsSync(join(app, "node_modules", "caravan", "dist", "cli", "main.js"))).toBe(true);
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "typescript"))).toBe(false);
  });

  it("npx caravan --version prints the package version", () => {
    const r = npx("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("npx caravan route \"Xi'an\" Duisburg --json routes on the embedded dataset, caching outside the package", () => {
    const r = npx("route", "Xi'an", "Duisburg", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.fromName).toBe("Xi'an");
    expect(body.toName).toBe("Duisburg");
    const route = body.routes[0];
    for (const key of ["timeH", "costUsd", "co2Kg", "distanceKm"]) {
      expect(Number.isFinite(route[key])).toBe(true);
      expect(route[key]).toBeGreaterThan(0);
    }
    expect(route.countries[0]).toBe("CHN");
    expect(route.countries.at(-1)).toBe("DEU");
    expect(route.legs.length).toBeGreaterThan(0);
    expect(route.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(["border", "gauge_change"]));
    // the compiled-network cache went to $XDG_CACHE_HOME/caravan, not into the installed package or the project
    expect(readdirSync(join(work, "cache", "caravan", "network")).filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(existsSync(join(app, "node_modules", "caravan", ".cache"))).toBe(false);
    expect(existsSync(join(app, ".cache"))).toBe(false);
  });

  it.skipIf(!haveSiouxFalls)("npx caravan assign --tntp SiouxFalls --json converges to the requested gap", () => {
    const r = npx("assign", "--tntp", SIOUX_FALLS, "--gap", "1e-8", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.converged).toBe(true);
    expect(s.relativeGap).toBeLessThanOrEqual(1e-8);
    expect(s.iterations).toBeGreaterThan(0);
    // the published equilibrium Beckmann objective of SiouxFalls (as test/assignment/tntp-validation.test.ts)
    expect(Math.abs(s.beckmann - 4_231_335.287107) / 4_231_335.287107).toBeLessThan(1e-6);
  });

  it("npx caravan assign --demand (the corridor demand shipped in the package) reports transit through Kazakhstan", () => {
    const demand = join(app, "node_modules", "caravan", "data", "eurasia", "demand", "corridors-2024.csv");
    const r = npx("assign", "--demand", demand, "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
    expect(s.converged).toBe(true);
    // Kazakhstan carries the most transit of the 2024 corridor demand (README: about 28 Mt against 27.4–27.5 Mt observed)
    expect(s.transitByCountry[0].country).toBe("KAZ");
    expect(s.transitByCountry[0].transitT).toBeGreaterThan(1e7);
  });

  it("a global install (npm install -g --prefix) puts a caravan command on the path that runs from any folder", () => {
    const prefix = join(work, "global");
    // --ignore-scripts: the case above already built the native dependencies once; --help and --version need none
    const g = run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball], {
      cwd: work,
      env,
      timeoutMs: 900_000,
    });
    expect(g.status).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), "caravan-elsewhere-"));
    const help = run(join(prefix, "bin", "caravan"), ["--help"], { cwd: elsewhere, env });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: caravan /);
    const version = run(join(prefix, "bin", "caravan"), ["-V"], { cwd: elsewhere, env });
    expect(version.stdout.trim()).toBe(VERSION);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(JSON.parse(readFileSync(join(prefix, "lib", "node_modules", "caravan", "package.json"), "utf8")).version).toBe(VERSION);
  }, 900_000);
});
