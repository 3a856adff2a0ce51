/**
 * Browser end-to-end tests of the web app against the real server (src/server, in-process, loopback) in headless
 * Chromium with software WebGL: typo suggestions, three Xi'an → Duisburg alternatives on the map and in the panel,
 * layer toggles and the year slider, a corridor assignment job, the scenario diff, the runs of a run store (listed,
 * filtered and opened by keyboard), and a screenshot whose map region must hold a drawn map. With CARAVAN_UPDATE_SCREENSHOTS=1 the screenshots replace those of docs/img/ (docs/web.md,
 * the README). Skips with a message when Chromium or the server is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, ensureWebBuild, launchChromium, ROOT, SCENARIO_FIXTURES, startTestServer, type TestServer } from "./harness";
import { countDiffering, countNear, decodePng, hexToRgb } from "./png";

const missing = browserUnavailable();
if (missing) console.warn(`test/web: browser tests skipped: ${missing}`);

const DOCS_IMG = join(ROOT, "docs/img");
/**
 * Where a screenshot goes: docs/img (the pictures of docs/web.md and the README) when CARAVAN_UPDATE_SCREENSHOTS=1 or
 * the picture is not there yet; otherwise a temporary folder, so an ordinary test run leaves the tree unchanged.
 */
const SHOTS = mkdtempSync(join(tmpdir(), "caravan-web-shots-"));
function shot(name: string): string {
  const doc = join(DOCS_IMG, name);
  return process.env.CARAVAN_UPDATE_SCREENSHOTS === "1" || !existsSync(doc) ? doc : join(SHOTS, name);
}
const OCEAN = "#d6e4ee";
const ROUTE_COLORS = ["#e41a1c", "#377eb8", "#4daf4a"];
const RAIL_1520 = "#7b3294";

describe.skipIf(missing !== null)("web app in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ extraDataFolders: [SCENARIO_FIXTURES] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    mkdirSync(DOCS_IMG, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(SHOTS, { recursive: true, force: true });
  });

  let loaded = false;
  /**
   * Show the app at a URL: the first call loads the page; later calls change the URL in place and let the app follow
   * it as it does for back/forward (popstate), so the map and basemap load once for the whole suite.
   */
  async function open(search: string): Promise<void> {
    if (!loaded) {
      await page.goto(`${server.url}${search}`);
      await page.waitForFunction("window.caravanBasemapReady === true", null, { timeout: 30_000 });
      loaded = true;
      return;
    }
    await page.evaluate(`history.pushState(null, "", ${JSON.stringify(search)}); dispatchEvent(new PopStateEvent("popstate"));`);
  }

  /**
   * Resolve once the app's effects of the last input have run (Preact runs them after the next frame), the map has
   * loaded every source and style change they made, and has drawn it (two animation frames later).
   */
  async function mapIdle(): Promise<void> {
    await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => setTimeout(resolve, 0), 0)))");
    await page.waitForFunction("window.caravanMap.loaded() && !window.caravanMap.isMoving()", null, { timeout: 20_000 });
    await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
  }

  async function renderedCount(layer: string): Promise<number> {
    return page.evaluate(`window.caravanMap.queryRenderedFeatures({ layers: [${JSON.stringify(layer)}] }).length`);
  }

  async function mapRegion() {
    const box = await page.locator("section.map").boundingBox();
    if (!box) throw new Error("no map element");
    return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
  }

  it("suggests the right place for a typo in the place field", async () => {
    await open("?view=route");
    await page.locator("#to").fill("Duisberg");
    const suggestion = page.locator(".suggestions .did-you-mean");
    await suggestion.waitFor({ timeout: 15_000 });
    expect(await suggestion.textContent()).toMatch(/Did you mean.*duisburg/i);
    // picking the suggestion fills the field
    await suggestion.getByRole("button", { name: /duisburg/i }).click();
    expect(await page.locator("#to").inputValue()).toBe("duisburg");

    // a link with a typo plans nothing and shows the server's error with its suggestions; picking one plans the route
    await open("?view=route&from=Almaty&to=Tashkend&alternatives=1");
    const error = page.locator(".panel .error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain("E_PLACE_UNKNOWN");
    await error.getByRole("button", { name: "tashkent" }).click();
    await page.locator('.route-card[data-rank="1"]').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get("to")).toBe("tashkent");
  });

  it("plans Xi'an → Duisburg by keyboard and shows three alternatives on the map and in the panel", async () => {
    await open("?view=route");
    const from = page.locator("#from");
    await from.focus();
    await page.keyboard.type("Xi'a");
    await page.locator('#from-list [role="option"]', { hasText: "Xi'an" }).waitFor();
    // arrow keys move the highlight (the list is ranked by match, then population)
    for (let i = 0; i < 8 && !((await page.locator('#from-list [aria-selected="true"]').textContent()) ?? "").startsWith("Xi'an"); i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter"); // picks the highlighted suggestion
    expect(await from.inputValue()).toBe("Xi'an");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Duisbu");
    await page.locator('#to-list [role="option"]', { hasText: "Duisburg" }).first().waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    expect(await page.locator("#to").inputValue()).toBe("Duisburg");
    await page.keyboard.press("Enter"); // submits the form
    // generous timeout: under a full parallel test run the two cores are shared with every other test file
    await page.locator(`.route-card[data-rank="3"], .panel .error`).first().waitFor({ timeout: 60_000 });
    if (await page.locator(".panel .error").isVisible()) throw new Error(`planning failed: ${await page.locator(".panel .error").textContent()}`);
    expect(await page.locator(".route-card").count()).toBe(3);
    expect(page.url()).toContain("from=Xi%27an");
    expect(page.url()).toContain("to=Duisburg");

    // the panel shows what the API computes for the same query
    const api = (await (await fetch(`${server.url}api/v1/route?from=${encodeURIComponent("Xi'an")}&to=Duisburg&alternatives=3`)).json()) as {
      costBasis: string;
      ratesMonth: string | null;
      routes: { rank: number; transitCountries: string[]; legs: { rates?: { laneName: string }[] }[] }[];
    };
    // the cost basis and rates month the API priced the routes on, and the rate lane of each rated leg
    const basis = page.locator('[data-testid="cost-basis"]');
    expect(api.costBasis).toBe("rates");
    expect(await basis.getAttribute("data-basis")).toBe(api.costBasis);
    expect(await basis.textContent()).toContain(`Costs on market rates of ${api.ratesMonth}`);
    const firstLegRate = api.routes[0].legs.flatMap((l) => l.rates ?? [])[0];
    expect(firstLegRate).toBeDefined();
    expect(await page.locator('.route-card[data-rank="1"] .leg-rate').first().textContent()).toContain(firstLegRate.laneName);
    expect(api.routes).toHaveLength(3);
    for (const [i, r] of api.routes.entries()) {
      const title = await page.locator(".route-card .route-title").nth(i).textContent();
      expect(title).toContain(r.transitCountries.length > 0 ? `via ${r.transitCountries.join(", ")}` : "no transit country");
    }
    expect(await page.locator('ul.legend[aria-label="Route legend"] li').count()).toBe(3);

    // the map holds one feature per route and draws all three
    expect(await page.evaluate("window.caravanMap.getSource('routes').getData().then((d) => d.features.length)")).toBe(3);
    await mapIdle();
    const ranks = await page.evaluate("[...new Set(window.caravanMap.queryRenderedFeatures({ layers: ['route-line'] }).map((f) => f.properties.rank))].sort()");
    expect(ranks).toEqual([1, 2, 3]);
    // the selected (first) route's stops: borders and gauge changes where the report puts them
    await page.waitForFunction("window.caravanMap.getSource('route-events') !== undefined", null, { timeout: 15_000 });
    await page.waitForFunction(
      "window.caravanMap.queryRenderedFeatures({ layers: ['route-events'] }).length > 0",
      null,
      { timeout: 20_000 },
    );
    const stops = (await page.evaluate(
      "[...new Set(window.caravanMap.queryRenderedFeatures({ layers: ['route-events'] }).map((f) => f.properties.rank))]",
    )) as number[];
    expect(stops).toEqual([1]);
    const png = await page.screenshot({ path: shot("web-route.png") });
    const img = decodePng(png);
    const region = await mapRegion();
    for (const color of ROUTE_COLORS) expect(countNear(img, region, hexToRgb(color), 40), `pixels of route colour ${color}`).toBeGreaterThan(150);
  });

  it("switches the cost basis and the rates month, and switches a rule of passage off", async () => {
    await open("?view=route&from=Xi%27an&to=Duisburg&alternatives=1&rates=2024-07");
    const basis = page.locator('[data-testid="cost-basis"][data-month="2024-07"]');
    await basis.waitFor({ timeout: 60_000 });
    expect(await basis.textContent()).toContain("Costs on market rates of 2024-07");
    expect(await page.locator('input[name="rates"]').inputValue()).toBe("2024-07");
    // the cost-basis toggle plans again on the cost model; the month no longer applies
    await page.locator('input[name="costBasis"][value="cost"]').check();
    await page.locator('[data-testid="cost-basis"][data-basis="cost"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="cost-basis"]').textContent()).toContain("Costs on the cost model's unit costs");
    expect(await page.locator('.route-card[data-rank="1"] .leg-rate').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get("costBasis")).toBe("cost");
    expect(await page.locator('input[name="rates"]').isDisabled()).toBe(true);

    // Indian goods to Kabul in June 2025: the rules in force keep the route out of Pakistan; switching one off is kept in the URL
    await open("?view=route&from=Delhi&to=Kabul&alternatives=1&year=2025");
    const rule = page.locator('[data-testid="passage"] li[data-rule="aptta-no-indian-transit"]');
    await rule.waitFor({ timeout: 60_000 });
    expect(await rule.getAttribute("data-applied")).toBe("true");
    expect(await rule.textContent()).toContain("No overland transit of Indian goods through Pakistan");
    await rule.locator('input[type="checkbox"]').uncheck();
    await page.locator('[data-testid="passage"] li[data-rule="aptta-no-indian-transit"][data-applied="false"]').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get("rulesOff")).toBe("aptta-no-indian-transit");

    // the value of time: the carrying cost is asked of the API, kept in the URL and named with the figure it used
    await open("?view=route&from=Shanghai&to=Rotterdam&alternatives=1&costBasis=cost");
    await page.locator('[data-testid="value-of-time"][data-basis="profile"]').waitFor({ timeout: 60_000 });
    await page.locator('select[name="vot"]').selectOption("carrying-cost");
    const vot = page.locator('[data-testid="value-of-time"][data-basis="carrying-cost"]');
    await vot.waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get("vot")).toBe("carrying-cost");
    const apiVot = (await (await fetch(`${server.url}api/v1/route?from=Shanghai&to=Rotterdam&alternatives=1&costBasis=cost&valueOfTime=carrying-cost`)).json()) as { valueOfTimeUsdPerH: number };
    expect(await vot.textContent()).toContain(`value of time USD ${apiVot.valueOfTimeUsdPerH.toFixed(2)}/FEU-h (the carrying cost of the goods)`);
  });

  it("toggles network layers and moves projects with the year slider", async () => {
    await open("?view=network");
    await page.locator('[data-testid="network-counts"]').waitFor({ timeout: 20_000 });
    await mapIdle();
    expect(await renderedCount("net-rail-1520")).toBeGreaterThan(50);

    // clicking a border crossing opens its dwell figures and sources
    const at = (await page.evaluate(
      "(() => { const m = window.caravanMap; const f = m.queryRenderedFeatures({ layers: ['net-crossings'] }).sort((a, b) => b.properties.dwellH - a.properties.dwellH)[0]; const p = m.project(f.geometry.coordinates); const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y, f.properties.name]; })()",
    )) as [number, number, string];
    await page.mouse.click(at[0], at[1]);
    const popup = page.locator(".maplibregl-popup");
    await popup.waitFor({ timeout: 15_000 });
    expect(await popup.textContent()).toContain("dwell leaving");
    expect(await popup.locator(".popup-sources li").count()).toBeGreaterThan(0);
    await page.keyboard.press("Escape");

    const rail1520 = page.getByLabel("Rail, 1520 mm gauge");
    await rail1520.focus();
    await page.keyboard.press("Space");
    expect(await rail1520.isChecked()).toBe(false);
    await page.waitForFunction("window.caravanMap.getLayoutProperty('net-rail-1520', 'visibility') === 'none'", null, { timeout: 15_000 });
    await mapIdle();
    expect(await renderedCount("net-rail-1520")).toBe(0);
    expect(await renderedCount("net-rail-1435")).toBeGreaterThan(50);
    expect(new URL(page.url()).searchParams.get("layers")).not.toContain("rail1520");

    await rail1520.check();
    await mapIdle();
    expect(await renderedCount("net-rail-1520")).toBeGreaterThan(50);

    // today no project link is open; by 2030 those opening by then are drawn as built
    expect(await renderedCount("net-projects-built")).toBe(0);
    const later = await renderedCount("net-projects-later");
    expect(later).toBeGreaterThan(0);
    await page.getByLabel("Show the network of a future year").check();
    await page.locator('input[name="year"]').fill("2030");
    await mapIdle();
    expect(new URL(page.url()).searchParams.get("year")).toBe("2030");
    expect(await renderedCount("net-projects-built")).toBeGreaterThan(0);
    expect(await renderedCount("net-projects-later")).toBeLessThan(later);
  });

  it("switches views with the arrow keys and follows the URL on back and forward", async () => {
    await open("?view=network");
    await page.locator("#tab-network").focus();
    // the view changes, then the URL follows (history.pushState after the render): wait for it, do not race it
    const viewIs = (view: string) => page.waitForURL((u) => new URL(u).searchParams.get("view") === view, { timeout: 15_000 });
    await page.keyboard.press("ArrowRight");
    await viewIs("route");
    expect(new URL(page.url()).searchParams.get("view")).toBe("route");
    expect(await page.evaluate("document.activeElement.id")).toBe("tab-route");
    expect(await page.locator("#tab-route").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("End");
    await viewIs("runs");
    expect(new URL(page.url()).searchParams.get("view")).toBe("runs");
    await page.goBack();
    await page.locator('#tab-route[aria-selected="true"]').waitFor({ timeout: 15_000 });
    await page.goForward();
    await page.locator('#tab-runs[aria-selected="true"]').waitFor({ timeout: 15_000 });
    // a shared link opens the planner with its query filled in
    await open("?view=route&from=Almaty&to=Tashkent&optimize=cost&alternatives=1");
    expect(await page.locator("#from").inputValue()).toBe("Almaty");
    expect(await page.locator('select[name="optimize"]').inputValue()).toBe("cost");
    await page.locator('.route-card[data-rank="1"], .panel .error').first().waitFor({ timeout: 60_000 });
    expect(await page.locator(".route-card").count()).toBe(1);
  });

  it("draws a map on the main view (screenshot checked pixel by pixel)", async () => {
    await open("?view=network");
    await page.locator('[data-testid="network-counts"]').waitFor({ timeout: 20_000 });
    await mapIdle();
    await page.evaluate("document.activeElement instanceof HTMLElement && document.activeElement.blur()");
    const png = await page.screenshot({ path: shot("web-network.png") });
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([1280, 800]);
    const region = await mapRegion();
    const area = region.width * region.height;
    // land, borders and the network cover a good part of the map; a blank or failed canvas is one flat colour
    const notOcean = countDiffering(img, region, hexToRgb(OCEAN), 12);
    expect(notOcean / area).toBeGreaterThan(0.3);
    expect(notOcean / area).toBeLessThan(0.95);
    expect(countNear(img, region, hexToRgb(RAIL_1520), 30)).toBeGreaterThan(500);
    expect(countNear(img, region, hexToRgb(OCEAN), 6)).toBeGreaterThan(area * 0.05);
  });

  it("runs a corridor assignment job and shows flows, bottlenecks and transit by country", async () => {
    await open("?view=flows");
    await page.getByRole("button", { name: "Run corridor assignment" }).click();
    await page.locator('[data-testid="flows-summary"], .panel .error').first().waitFor({ timeout: 60_000 });
    if (await page.locator(".panel .error").isVisible()) throw new Error(`the assignment failed: ${await page.locator(".panel .error").textContent()}`);
    const features = (await page.evaluate("window.caravanMap.getSource('flows').getData().then((d) => d.features.length)")) as number;
    expect(features).toBeGreaterThan(50);
    expect(await page.locator(".flows-results table.data tbody tr").count()).toBeGreaterThan(0);
    const transit = await page.locator(".flows-results .bars .bar-label").allTextContents();
    expect(transit[0]).toBe("KAZ");
    await mapIdle();
    expect(await renderedCount("flows-line")).toBeGreaterThan(20);
    // the busiest crossing (Dostyk–Alashankou in the 2024 demand) is drawn with its v/c colour
    expect(await renderedCount("flows-crossings")).toBeGreaterThan(3);
    await page.screenshot({ path: shot("web-flows.png") });
  });

  it("sends the rules of passage switched off with the assignment job, from the URL and from the check box", async () => {
    await open("?view=flows&rulesOff=all");
    const box = page.locator('.panel input[name="rulesOffAll"]');
    expect(await box.isChecked()).toBe(true);
    const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/jobs"));
    await page.getByRole("button", { name: "Run corridor assignment" }).click();
    const body = JSON.parse((await posted).postData() ?? "{}") as { kind?: string; input?: { rulesOff?: string[] } };
    expect(body.kind).toBe("assignment");
    expect(body.input?.rulesOff).toEqual(["all"]);
    // the button reads "Running…" while the job runs and comes back when it has ended
    await page.getByRole("button", { name: "Run corridor assignment" }).waitFor({ timeout: 60_000 });
    if (await page.locator(".panel .error").isVisible()) throw new Error(`the assignment failed: ${await page.locator(".panel .error").textContent()}`);
    expect(await page.locator('[data-testid="flows-summary"]').textContent()).toContain("links with flow");
    await box.uncheck();
    expect(page.url()).not.toContain("rulesOff");
  });

  it("compares a scenario with its base and shows the diff", async (ctx) => {
    const probe = await fetch(`${server.url}api/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "scenario-compare", input: {} }),
    });
    const body = (await probe.json()) as { code?: string; message?: string };
    if (body.code === "E_NOT_AVAILABLE") ctx.skip(`scenario-compare job not available: ${body.message}`);
    const list = await fetch(`${server.url}api/v1/scenarios`);
    const scenarios = list.ok ? (((await list.json()) as { scenarios?: { id: string; problem: string | null }[] }).scenarios ?? []) : [];
    const runnable = scenarios.filter((s) => s.problem === null).map((s) => s.id);
    // a scenario of the dataset itself, else the Bakhty–Ayagoz 2030 fixture of the scenarios stage
    const pick = runnable.find((id) => existsSync(join(ROOT, "data/eurasia/scenarios", id))) ?? runnable.find((id) => id === "eurasia-bakhty-2030.yaml");
    if (!pick) ctx.skip(`no runnable Eurasia scenario listed by GET /api/v1/scenarios (got ${runnable.join(", ") || "none"})`);
    await open("?view=scenarios");
    await page.locator('select[name="scenario"]').selectOption(pick!);
    await page.getByRole("button", { name: "Compare" }).click();
    // progress is shown while the job runs; a job error is shown instead (and fails the test with its text)
    await page.locator(".job-progress progress, .panel .error").first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="diff-summary"], .panel .error').first().waitFor({ timeout: 60_000 });
    if (await page.locator(".panel .error").isVisible()) throw new Error(`the comparison failed: ${await page.locator(".panel .error").textContent()}`);
    expect(new URL(page.url()).searchParams.get("scenario")).toBe(pick);
    const rows = page.locator('[data-testid="diff-table"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    // gains and losses both appear: switching a corridor moves flow from one line to another
    expect(await page.locator('[data-testid="diff-table"] td.gain').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="diff-table"] td.loss').count()).toBeGreaterThan(0);
    const changes = (await page.evaluate(
      "window.caravanMap.getSource('scenario-diff').getData().then((d) => d.features.map((f) => f.properties.changeT))",
    )) as number[];
    expect(changes.some((c) => c > 0) && changes.some((c) => c < 0)).toBe(true);
    await mapIdle();
    expect(await renderedCount("diff-line")).toBeGreaterThan(0);
    await page.screenshot({ path: shot("web-scenarios.png") });
  });

  it("shows general-equilibrium results from a results file as a choropleth with a table", async (ctx) => {
    const sample = join(ROOT, "../shared/gravity/gegravity_sample_data_set.csv");
    if (!existsSync(sample)) ctx.skip(`${sample} is absent (reference data in ../shared)`);
    // the results file is computed here by the CLI, as a user would produce it
    const { runCli } = await import("../../src/cli/main");
    let out = "";
    let err = "";
    const status = await runCli(
      [
        "gravity",
        "counterfactual",
        "--data",
        sample,
        "--baseline-formula",
        "trade ~ lndist + contiguity + common_language + pta + international | exporter + importer",
        "--experiment",
        "pta=1@CHN-DEU",
        "--reference-importer",
        "DEU",
        "--json",
        "--no-store",
      ],
      { out: (t) => (out += t), err: (t) => (err += t) },
    );
    expect(status, err).toBe(0);
    const ge = JSON.parse(out) as { results: { country: string; realGdpChangePct: number }[] };
    const dir = mkdtempSync(join(tmpdir(), "caravan-web-"));
    try {
      const file = join(dir, "ge.json");
      writeFileSync(file, out);
      await open("?view=trade");
      await page.locator('input[name="ge-file"]').setInputFiles(file);
      const rows = page.locator('[data-testid="trade-table"] tbody tr');
      await rows.first().waitFor({ timeout: 15_000 });
      expect(await rows.count()).toBe(ge.results.length);
      // the table is sorted by the real GDP change and shows the file's figures
      const best = [...ge.results].sort((a, b) => b.realGdpChangePct - a.realGdpChangePct)[0];
      expect(await rows.first().locator("td").first().textContent()).toBe(best.country);
      // the choropleth colours the countries of the file, the largest change in the darkest blue
      const fillOf = (iso3: string) => `window.caravanMap.getFeatureState({ source: "countries", id: ${JSON.stringify(iso3)} }).fill`;
      await page.waitForFunction(`${fillOf(best.country)} !== undefined`, null, { timeout: 15_000 });
      expect(await page.evaluate(fillOf(best.country))).toBe("#2166ac");
      expect(await page.evaluate('window.caravanMap.getFeatureState({ source: "countries", id: "KAZ" }).fill')).toBeUndefined();
      await mapIdle();
      await page.screenshot({ path: shot("web-trade.png") });
      // a file that is not a results file is refused with a message
      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ hello: 1 }));
      await page.locator('input[name="ge-file"]').setInputFiles(bad);
      expect(await page.locator(".panel .error").textContent()).toContain('no "results" array');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists the runs of the server's run store, filters them and opens one by keyboard with its manifest", async () => {
    // without a store the view says so, with the server's answer
    await open("?view=runs");
    const noStore = page.locator('[data-testid="runs-no-store"]');
    await noStore.waitFor({ timeout: 15_000 });
    expect(await noStore.textContent()).toMatch(/no run store.*E_NOT_AVAILABLE/s);

    // a corridor assignment recorded into a fresh SQLite store by the CLI, as a user would record it
    const dir = mkdtempSync(join(tmpdir(), "caravan-web-runs-"));
    const db = join(dir, "runs.db");
    let storeServer: TestServer | null = null;
    const runsPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const { runCli } = await import("../../src/cli/main");
      let err = "";
      const status = await runCli(["assign", "--demand", join(ROOT, "data/eurasia/demand/corridors-2024.csv"), "--store", db], { out: () => {}, err: (t) => (err += t) });
      expect(status, err).toBe(0);
      // what the store holds, read through its own API
      const { openStore } = await import("../../src/store/index");
      const store = await openStore(db);
      const [listed] = await store.listRuns({});
      const stored = (await store.getRun(listed.id)) as unknown as {
        id: string;
        kind: string;
        status: string;
        inputsHash: string;
        datasetHash: string | null;
        codeVersion: string;
        inputs: Record<string, { sha256: string }>;
        summary: { iterations: number };
      };
      const counts = await store.resultCounts(listed.id);
      await store.close();
      expect(stored.kind).toBe("assignment");
      expect(counts.link_flows).toBeGreaterThan(0);

      storeServer = await startTestServer({ store: db });
      await runsPage.goto(`${storeServer.url}?view=runs`);
      const row = runsPage.locator(`[data-testid="runs-table"] tbody tr[data-run="${stored.id}"]`);
      await row.waitFor({ timeout: 20_000 });
      const cells = await row.locator("td").allTextContents();
      expect(cells[0]).toBe(stored.kind);
      expect(cells[1]).toBe(stored.status);
      expect(await row.locator("td.hash").getAttribute("title")).toBe(stored.inputsHash);

      // the status filter asks the server again: no failed run, then the run is back
      await runsPage.locator('select[name="runStatus"]').selectOption("failed");
      await runsPage.locator('[data-testid="runs-empty"]').waitFor({ timeout: 15_000 });
      expect(new URL(runsPage.url()).searchParams.get("runStatus")).toBe("failed");
      await runsPage.locator('select[name="runStatus"]').selectOption("");
      await runsPage.locator('select[name="runKind"]').selectOption("assignment");
      await row.waitFor({ timeout: 15_000 });

      // opened by keyboard: the id is a button, Enter opens the run and focus moves to its heading
      await row.locator("button.run-open").focus();
      await runsPage.keyboard.press("Enter");
      const details = runsPage.locator(`[data-testid="run-details"][data-run="${stored.id}"]`);
      await details.waitFor({ timeout: 15_000 });
      expect(new URL(runsPage.url()).searchParams.get("run")).toBe(stored.id);
      // the focus moves in an effect that runs after the details are drawn
      await runsPage.waitForFunction("document.activeElement?.id === 'run-title'", null, { timeout: 10_000 });
      expect(await details.locator('[data-field="inputsHash"]').textContent()).toBe(stored.inputsHash);
      expect(await details.locator('[data-field="datasetHash"]').textContent()).toBe(stored.datasetHash);
      expect(await details.locator('[data-field="codeVersion"]').textContent()).toBe(stored.codeVersion);
      expect(await details.locator('[data-testid="run-inputs"] tr[data-input="demand"] td.hash').textContent()).toBe(stored.inputs.demand.sha256);
      expect(await details.locator('[data-testid="run-results"] tr[data-table="link_flows"] td').textContent()).toBe(counts.link_flows?.toLocaleString("en-GB"));
      const iterations = details.locator('[data-testid="run-summary"] tr', { has: runsPage.locator('th:text-is("iterations")') });
      expect(await iterations.locator("td").textContent()).toBe(String(stored.summary.iterations));
      await runsPage.waitForFunction("window.caravanBasemapReady === true", null, { timeout: 30_000 });
      await runsPage.screenshot({ path: shot("web-runs.png") });

      // a shared link with a unique id prefix opens the same run
      await runsPage.goto(`${storeServer.url}?view=runs&run=${stored.id.slice(0, 8)}`);
      await runsPage.locator(`[data-testid="run-details"][data-run="${stored.id}"]`).waitFor({ timeout: 20_000 });

      // a mistyped id shows the server's E_RUN_UNKNOWN with the nearest stored id, and picking it opens the run
      const typo = `${stored.id.slice(0, -1)}${stored.id.endsWith("0") ? "1" : "0"}`;
      await runsPage.goto(`${storeServer.url}?view=runs&run=${typo}`);
      const error = runsPage.locator(".panel .error");
      await error.waitFor({ timeout: 20_000 });
      expect(await error.textContent()).toContain("E_RUN_UNKNOWN");
      await error.getByRole("button", { name: stored.id }).click();
      await runsPage.locator(`[data-testid="run-details"][data-run="${stored.id}"]`).waitFor({ timeout: 20_000 });
      expect(new URL(runsPage.url()).searchParams.get("run")).toBe(stored.id);
    } finally {
      await runsPage.close();
      await storeServer?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
