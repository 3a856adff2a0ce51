/**
 * Web app benchmark: the bundle size of dist/web (raw and gzip, by kind) after a fresh `vite build`, and the
 * first-render time of the map page in headless Chromium (SwiftShader software WebGL) against the real server on
 * loopback: time from navigation start to the basemap drawn, and to the network view drawn (links, crossings,
 * terminals loaded from the API and rendered), median of fresh browser contexts (empty cache). The baseline beside
 * it is the page's own basemap-only time in the same run. Skips with a message when Chromium is missing.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { browserUnavailable, launchChromium, ROOT, startTestServer, WEB_DIST } from "../test/web/harness";

const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function kindOf(path: string): string {
  if (path.includes("maplibre-gl-worker")) return "map worker (js)";
  const ext = extname(path);
  if (ext === ".js" || ext === ".mjs") return "app + MapLibre (js)";
  if (ext === ".json") return "basemap (TopoJSON)";
  return ext.slice(1) || "other";
}

async function main(): Promise<void> {
  const { build } = await import("vite");
  const t0 = performance.now();
  await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "error" });
  const buildMs = performance.now() - t0;

  const byKind = new Map<string, { raw: number; gzip: number }>();
  for (const path of files(WEB_DIST)) {
    const data = readFileSync(path);
    const k = kindOf(path);
    const e = byKind.get(k) ?? { raw: 0, gzip: 0 };
    e.raw += data.length;
    e.gzip += gzipSync(data, { level: 9 }).length;
    byKind.set(k, e);
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`vite build: ${(buildMs / 1000).toFixed(2)} s`);
  console.log("bundle (dist/web)                  raw        gzip");
  let raw = 0;
  let gz = 0;
  for (const [k, e] of [...byKind].sort((a, b) => b[1].raw - a[1].raw)) {
    console.log(`  ${k.padEnd(30)} ${kb(e.raw).padStart(10)}  ${kb(e.gzip).padStart(10)}`);
    raw += e.raw;
    gz += e.gzip;
  }
  console.log(`  ${"total".padEnd(30)} ${kb(raw).padStart(10)}  ${kb(gz).padStart(10)}`);

  const missing = browserUnavailable();
  if (missing) {
    console.warn(`web.bench: first-render time SKIPPED — ${missing}`);
    return;
  }
  const server = await startTestServer();
  const browser = await launchChromium();
  const basemapMs: number[] = [];
  const networkMs: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.url}?view=network`);
      await page.waitForFunction("window.caravanBasemapReady === true", null, { timeout: 60_000, polling: "raf" });
      basemapMs.push((await page.evaluate("performance.now()")) as number);
      await page.waitForFunction(
        "document.querySelector('[data-testid=network-counts]') !== null && window.caravanMap.loaded() && window.caravanMap.queryRenderedFeatures({ layers: ['net-rail-1520'] }).length > 0",
        null,
        { timeout: 60_000, polling: "raf" },
      );
      // the frame with the network is on screen once the next animation frame starts
      networkMs.push((await page.evaluate("new Promise((r) => requestAnimationFrame(() => r(performance.now())))")) as number);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const fmt = (xs: number[]) => `median ${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;
  console.log(`first render at 1280×800, ${ROUNDS} fresh contexts, SwiftShader WebGL (no GPU):`);
  console.log(`  basemap drawn (Natural Earth 1:50m)       ${fmt(basemapMs)}`);
  console.log(`  network view drawn (links, crossings, terminals) ${fmt(networkMs)}`);
  console.log(`  ratio network view / basemap only: ×${(median(networkMs) / median(basemapMs)).toFixed(2)}`);
}

await main();
