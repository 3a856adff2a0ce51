/**
 * The built program (dist/cli, run by bin/caravan.js): it runs from any folder with the embedded dataset, prints its
 * version, keeps its cache in the user's cache folder, finds its matrix worker beside its chunks, runs in one
 * process, and stops cleanly on SIGINT/SIGTERM (exit 130/143, no output file, no temporary file, nothing left
 * running). The build runs first, from the current sources (a fresh clone has no dist/ until `npm install`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPILER_SOURCE_DIRS, hashSourceDirs } from "../../src/network/code-hash";
import { BIN, buildCli, ROOT, run, runAndSignal, SHARED, VERSION } from "./helpers";

const DIST = join(ROOT, "dist", "cli");
const CHICAGO = join(SHARED, "tntp", "ChicagoSketch");
const haveChicago = existsSync(CHICAGO);
if (!haveChicago) console.warn(`skipping the signal tests on an assignment: ${CHICAGO} is absent (reference data)`);

/** Environment with the cache redirected into `dir` (XDG_CACHE_HOME) and no CARAVAN_CACHE_DIR / store. */
function envWithCache(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: dir, ...extra };
  if (!("CARAVAN_CACHE_DIR" in extra)) delete env.CARAVAN_CACHE_DIR;
  return env;
}

beforeAll(async () => {
  await buildCli();
});

describe("bin/caravan.js from another folder", () => {
  it("--version and -V print the package version and exit 0", () => {
    const cwd = mkdtempSync(join(tmpdir(), "caravan-cwd-"));
    for (const flag of ["--version", "-V"]) {
      const r = run(process.execPath, [BIN, flag], { cwd });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });

  it("--help lists the commands and exits 0", () => {
    const r = run(process.execPath, [BIN, "--help"], { cwd: mkdtempSync(join(tmpdir(), "caravan-cwd-")) });
    expect(r.status).toBe(0);
    for (const command of ["route", "matrix", "assign", "gravity"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(r.stdout.replace(/\s+/g, " ")).toMatch(/--data <dir> .*\(default: the embedded Eurasia dataset/);
  });

  it("routes on the embedded dataset and caches the compiled network in the user cache folder, not the current one", () => {
    const cwd = mkdtempSync(join(tmpdir(), "caravan-cwd-"));
    const cache = mkdtempSync(join(tmpdir(), "caravan-xdg-"));
    const r = run(process.execPath, [BIN, "route", "Xi'an", "Duisburg", "--json"], { cwd, env: envWithCache(cache) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.from).toBe("xian");
    expect(body.to).toBe("duisburg");
    expect(body.routes[0].timeH).toBeGreaterThan(0);
    expect(body.routes[0].countries).toContain("KAZ");
    expect(readdirSync(cwd)).toEqual([]);
    const entries = readdirSync(join(cache, "caravan", "network")).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}-[0-9a-f]{16}\.bin$/);
    expect(entries[1]).toMatch(/^[0-9a-f]{64}-[0-9a-f]{16}\.json$/);
    // CARAVAN_CACHE_DIR overrides XDG_CACHE_HOME
    const own = mkdtempSync(join(tmpdir(), "caravan-own-cache-"));
    expect(run(process.execPath, [BIN, "route", "Almaty", "Tashkent", "--json"], { cwd, env: envWithCache(cache, { CARAVAN_CACHE_DIR: own }) }).status).toBe(0);
    expect(readdirSync(join(own, "network"))).toHaveLength(2);
  });

  it("reads --data relative to the current folder", () => {
    const cache = mkdtempSync(join(tmpdir(), "caravan-xdg-"));
    const ok = run(process.execPath, [BIN, "--data", "eurasia", "route", "Almaty", "Tashkent", "--json"], { cwd: join(ROOT, "data"), env: envWithCache(cache) });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).to).toBe("tashkent");
    const missing = run(process.execPath, [BIN, "--data", "eurasia", "route", "Almaty", "Tashkent"], { cwd: mkdtempSync(join(tmpdir(), "caravan-cwd-")), env: envWithCache(cache) });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/^caravan: E_FILE_NOT_FOUND: .*eurasia/);
  });
});

describe("bin/caravan.js without a build", () => {
  it("says in one line how to build, exit 1, no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-nobuild-"));
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin", "caravan.js"), readFileSync(BIN));
    const r = run(process.execPath, [join(dir, "bin", "caravan.js"), "--version"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^caravan: E_INTERNAL: .*dist\/cli\/main\.js.*npm run build.*\n$/);
    expect(r.stdout).toBe("");
  });
});

describe("the build", () => {
  it("bakes in the hash of the compiler sources it bundled (the network cache key sees code)", () => {
    const info = JSON.parse(readFileSync(join(DIST, "build-info.json"), "utf8"));
    expect(info.version).toBe(VERSION);
    expect(info.compilerHash).toBe(hashSourceDirs(ROOT, COMPILER_SOURCE_DIRS));
    const bundled = readdirSync(DIST).filter((f) => f.endsWith(".js") && readFileSync(join(DIST, f), "utf8").includes(info.compilerHash));
    expect(bundled.length).toBeGreaterThan(0);
  });

  it("keeps native and heavy dependencies out of the bundle and loads no TypeScript at run time", () => {
    const info = JSON.parse(readFileSync(join(DIST, "build-info.json"), "utf8"));
    for (const name of ["better-sqlite3", "pg", "fastify", "ioredis", "bullmq", "kysely"]) expect(info.external).toContain(name);
    const code = readdirSync(DIST)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(join(DIST, f), "utf8"))
      .join("\n");
    expect(code).not.toMatch(/from "tsx|import\("tsx/);
  });

  it("builds the matrix worker as its own entry, and a bundle built the same way finds it and runs a 2-thread matrix", async () => {
    expect(existsSync(join(DIST, "matrix-worker.js"))).toBe(true);
    // bundle a small program that runs manyToManyParallel on 2 worker threads, with the CLI's build options
    const dir = mkdtempSync(join(ROOT, "dist", ".worker-test-"));
    try {
      const entry = join(dir, "entry.ts");
      writeFileSync(
        entry,
        [
          `import { manyToManyParallel } from ${JSON.stringify(join(ROOT, "src/routing/parallel-matrix.ts"))};`,
          // 0 →(2) 1 →(3) 2 and 0 →(10) 2
          "const graph = { nodeCount: 3, arcCount: 3, firstOut: Uint32Array.from([0, 2, 3, 3]), head: Uint32Array.from([1, 2, 2]),",
          "  tail: Uint32Array.from([0, 0, 1]), inputArc: Uint32Array.from([0, 1, 2]) };",
          "const r = await manyToManyParallel({ graph, weight: Float64Array.from([2, 10, 3]) }, [0, 1], [0, 1, 2], { workers: 2 });",
          "console.log(JSON.stringify({ workers: r.workers, distance: [...r.distance].map((d) => (Number.isFinite(d) ? d : null)) }));",
        ].join("\n"),
      );
      const buildScript = (await import(pathToFileURL(join(ROOT, "scripts", "build-cli.mjs")).href)) as {
        cliBuildOptions: (outdir: string, entries: Record<string, string>) => object;
      };
      const { build } = await import("esbuild");
      await build({ ...buildScript.cliBuildOptions(join(dir, "out"), { main: entry }), logLevel: "silent" } as Parameters<typeof build>[0]);
      expect(readdirSync(join(dir, "out"))).toContain("matrix-worker.js");
      const r = run(process.execPath, [join(dir, "out", "main.js")], { cwd: mkdtempSync(join(tmpdir(), "caravan-cwd-")) });
      expect(r.stderr).toBe("");
      // workers = 2 proves the threads started from the bundle (the fallback computes in this thread and says 1)
      expect(JSON.parse(r.stdout)).toEqual({ workers: 2, distance: [0, 2, 5, null, 0, 3] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every `.ts` file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

describe("worker entries", () => {
  it("every worker file a module starts from the bundle (new URL(\"./x.js\", …) or join(dirname(here), \"x.js\")) is built beside the chunks", () => {
    const started = new Set<string>();
    for (const file of sourceFiles(join(ROOT, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/new URL\("\.\/([\w-]+\.js)", (?:import\.meta\.url|here)\)|join\(dirname\(here\), "([\w-]+\.js)"\)/g)) started.add(m[1] ?? m[2]);
    }
    expect(started).toContain("matrix-worker.js");
    const built = new Set(readdirSync(DIST));
    expect([...started].filter((name) => !built.has(name))).toEqual([]);
  });
});

/** Thread ids of a process's children (Linux /proc), to show the launcher starts none. */
function childrenOf(pid: number): string {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim())
      .filter((s) => s !== "")
      .join(" ");
  } catch (error) {
    return `(cannot read /proc/${pid}/task/*/children: ${(error as Error).message})`;
  }
}

describe.skipIf(!haveChicago)("signals (assignment on ChicagoSketch with --flows-out)", () => {
  for (const [signal, status] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`${signal} mid-run ends the one process at once with status ${status}: no output, no temporary file`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "caravan-signal-"));
      const args = [BIN, "assign", "--tntp", CHICAGO, "--algorithm", "fw", "--gap", "1e-14", "--max-seconds", "60", "--flows-out", "flows.csv", "--no-store"];
      let children = "unchecked";
      let seenAsOurChild = false;
      const r = await runAndSignal(process.execPath, args, { cwd, env: envWithCache(mkdtempSync(join(tmpdir(), "caravan-xdg-"))) }, signal, (_out, ms, pid) => {
        if (ms < 2500) return false; // loading done, solving
        children = childrenOf(pid);
        seenAsOurChild = childrenOf(process.pid).split(" ").includes(String(pid)); // the check sees children at all
        return true;
      });
      expect(seenAsOurChild).toBe(true);
      expect(r.status).toBe(status);
      expect(r.endedAfterSignalMs).toBeLessThan(5000);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(cwd)).toEqual([]);
      expect(children).toBe("");
    });
  }
});

describe("signals during atomic writes", () => {
  it("are held until the temporary file is renamed: the target is complete and no temporary file is left", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-atomic-signal-"));
    const script = join(dir, "writer.mts");
    const size = 48 * 1024 * 1024;
    writeFileSync(
      script,
      [
        `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, "src/core/atomic-write.ts"))};`,
        `const data = new Uint8Array(${size}).fill(97);`,
        `let n = 0;`,
        `for (;;) {`,
        `  writeFileAtomic(${JSON.stringify(join(dir, "out", "big.bin"))}, data);`,
        `  if (++n === 1) process.stdout.write("first\\n");`,
        `  await new Promise((r) => setImmediate(r));`,
        `}`,
      ].join("\n"),
    );
    mkdirSync(join(dir, "out"));
    for (const delayMs of [150, 400, 700]) {
      const r = await runAndSignal(process.execPath, ["--import", "tsx", script], { cwd: ROOT }, "SIGTERM", (out, ms) => out.includes("first") && ms > delayMs);
      expect(r.status).toBe(143);
      const left = readdirSync(join(dir, "out"));
      expect(left).toEqual(["big.bin"]);
      expect(statSync(join(dir, "out", "big.bin")).size).toBe(size);
    }
    // three runs of 48 MB synced writes: well under 30 s on an idle machine, slower when other jobs share the disk
  }, 90_000);
});

describe("signals in a program with its own handler (a server's graceful shutdown)", () => {
  it("reach that handler, not the write guard's exit, once the write is done", async () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-own-handler-"));
    const script = join(dir, "server.mts");
    writeFileSync(
      script,
      [
        `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, "src/core/atomic-write.ts"))};`,
        `process.on("SIGTERM", () => { process.stdout.write("graceful\\n"); process.exit(0); });`,
        `const data = new Uint8Array(${16 * 1024 * 1024}).fill(98);`,
        `process.stdout.write("ready\\n");`,
        `for (;;) {`,
        `  writeFileAtomic(${JSON.stringify(join(dir, "state.bin"))}, data);`,
        `  await new Promise((r) => setImmediate(r));`,
        `}`,
      ].join("\n"),
    );
    const r = await runAndSignal(process.execPath, ["--import", "tsx", script], { cwd: ROOT }, "SIGTERM", (out, ms) => out.includes("ready") && ms > 300);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/graceful/);
    expect(readdirSync(dir).sort()).toEqual(["server.mts", "state.bin"]);
  });
});

describe("npm run caravan (development, from the sources)", () => {
  it("still runs the CLI through tsx", () => {
    const r = spawnSync("npm", ["run", "--silent", "caravan", "--", "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });
});

