/**
 * Shared set-up of the browser tests and the web benchmark: find Chromium, build the web app when dist/web is
 * missing, start the real Caravan server in-process on a random loopback port, and launch headless Chromium with
 * WebGL on SwiftShader (software; no GPU, no network).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const WEB_DIST = join(ROOT, "dist/web");
export const CHROMIUM = process.env.CARAVAN_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that give headless Chromium WebGL without a GPU or any network access. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM} (install Debian's chromium or set CARAVAN_CHROMIUM)`;
  if (!existsSync(join(ROOT, "src/server/index.ts"))) return "the HTTP server (src/server) is not in this tree";
  return null;
}

/** Newest modification time (ms) of the files under a folder. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Build dist/web with Vite unless it is there and newer than web/src (CARAVAN_WEB_REBUILD=1 forces a build). */
export async function ensureWebBuild(): Promise<void> {
  const index = join(WEB_DIST, "index.html");
  const fresh = existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, "web/src"));
  if (fresh && process.env.CARAVAN_WEB_REBUILD !== "1") return;
  const { build } = await import("vite");
  await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "warn" });
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Scenario files the browser tests may compare besides the dataset's own scenarios/ folder (CARAVAN_WEB_SCENARIOS: another copy). */
export const SCENARIO_FIXTURES = process.env.CARAVAN_WEB_SCENARIOS ?? join(ROOT, "test/fixtures/scenarios");

/**
 * The real server (src/server) over data/eurasia serving dist/web, on 127.0.0.1 and a free port; with `store`, the run
 * store (a SQLite file or postgres:// URL) it serves at /api/v1/runs, opened here and closed with the server.
 */
export async function startTestServer(options: { extraDataFolders?: string[]; store?: string } = {}): Promise<TestServer> {
  const { startServer } = await import("../../src/server/index");
  const extra = (options.extraDataFolders ?? []).filter((d) => existsSync(d));
  // CARAVAN_WEB_DATA: another copy of the dataset (e.g. a clean export while data/eurasia is being edited)
  const dataDir = process.env.CARAVAN_WEB_DATA ?? join(ROOT, "data/eurasia");
  const store = options.store === undefined ? null : await (await import("../../src/store/index")).openStore(options.store);
  const server = await startServer({ dataDir, host: "127.0.0.1", port: 0, webRoot: WEB_DIST, extraDataFolders: extra, store });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await store?.close();
    },
  };
}

export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
