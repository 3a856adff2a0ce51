/**
 * Helpers of the API contract tests: a private copy of the "corridors" routing fixture (test/fixtures/routing/
 * corridors/README.md: Orient → Destport by the North, Middle and sea corridors) with a demand folder, and a
 * Fastify app over it that validates every response against its schema (a mismatch is a 500 the tests see).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildServer, type ServerOptions } from "../../src/server/app";
import { openServerState, type ServerState } from "../../src/server/state";

const FIXTURE = resolve(__dirname, "../fixtures/routing/corridors");

/** Corridor demand on the fixture, tonnes per year (source: the fixture's manual). */
export const FIXTURE_DEMAND = ["origin,destination,class,amount,source", "ori,dest,container,1000000,src:corridors-manual", "steppe,dest,bulk,500000,src:corridors-manual", ""].join("\n");

/**
 * The fixture's one project given the per-figure provenance the project schema asks for, when the shared fixture
 * does not carry it yet (the same minimal form as the testbot fixture's project).
 */
function completeProject(data: string): void {
  const file = join(data, "projects", "corridors.yaml");
  const text = readFileSync(file, "utf8");
  if (text.includes("provenance:")) return;
  const provenance = [
    "    provenance:",
    "      openYear: { source: [src:corridors-manual] }",
    "      lengthKm: { source: [src:corridors-manual] }",
    '      capitalCostUsd: { note: "fixture: no cost" }',
    '      capacity: { note: "fixture: no capacity" }',
    '      bri: { note: "fixture: not classified" }',
    "    modifications:",
    '      - { target: link, id: rugate-rueu, open: true, source: "src:corridors-manual" }',
    "",
  ].join("\n");
  writeFileSync(file, text.replace(/(\n {4}source: \[src:corridors-manual\]\n?)$/, `\n${provenance}    source: [src:corridors-manual]\n`));
}

/** A fresh copy of the fixture with demand/corridors-2024.csv, so tests may add files (symlinks) to it. */
export function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "caravan-api-"));
  const data = join(dir, "corridors");
  cpSync(FIXTURE, data, { recursive: true });
  completeProject(data);
  mkdirSync(join(data, "demand"));
  writeFileSync(join(data, "demand", "corridors-2024.csv"), FIXTURE_DEMAND);
  return data;
}

/** Id of the transit ban that `fixtureCopyWithTransitBan` writes. */
export const TRANSIT_BAN_ID = "no-chinese-transit-rus";

/**
 * A copy of the fixture with one rule of passage, a transit ban on goods from CHN through RUS (rules/passage.yaml), for
 * the tests of the rules in the assignment, its jobs and the appraisal.
 */
export function fixtureCopyWithTransitBan(): string {
  const data = fixtureCopy();
  mkdirSync(join(data, "rules"));
  writeFileSync(
    join(data, "rules", "passage.yaml"),
    `rules:
  - id: ${TRANSIT_BAN_ID}
    name: No transit of Chinese goods through Russia (fixture)
    kind: transit_ban
    goodsFrom: [CHN]
    countries: [RUS]
    from: "2020-01-01"
    what: "test rule: goods from CHN may not cross RUS"
    source: [src:corridors-manual]
`,
  );
  return data;
}

/** One copy of the fixture shared by the tests that do not change it. */
export const CORRIDORS = fixtureCopy();

const states = new Map<string, ServerState>();

/** The server state of a dataset (opened once per test file, without the on-disk cache). */
export function stateOf(dir: string): ServerState {
  let state = states.get(dir);
  if (!state) {
    state = openServerState(dir, { cacheDir: false });
    states.set(dir, state);
  }
  return state;
}

/** An app over `dir` with strict response validation and no web app; extra options as given. */
export async function appOver(dir: string, options: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ state: stateOf(dir), validateResponses: true, webRoot: null, cacheDir: false, log: () => {}, ...options });
}

/** The JSON body of an inject response. */
export function json<T = Record<string, unknown>>(response: { body: string }): T {
  return JSON.parse(response.body) as T;
}
