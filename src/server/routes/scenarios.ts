/**
 * GET /api/v1/scenarios: the scenario files a request may run — YAML files under the dataset's `scenarios/` folder
 * and in the extra data folders — with their name, description and year, read at request time (files added while
 * the server runs appear). Ids are paths relative to their folder, as scenario jobs take them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isCaravanError } from "../../core/errors";
import { parseScenarioText } from "../../scenarios/load";
import type { ServerState } from "../state";

export interface ScenarioEntry {
  id: string;
  name: string;
  description: string;
  year: number | null;
  /** Why the file does not parse as a scenario; null when it does. */
  problem: string | null;
}

const MAX_FILES = 500;

function yamlFiles(dir: string, depth: number, out: string[]): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) return;
    if (e.name.startsWith(".")) continue;
    if (e.isDirectory() && depth > 0) yamlFiles(join(dir, e.name), depth - 1, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(join(dir, e.name));
  }
}

export function listScenarios(state: ServerState): { scenarios: ScenarioEntry[] } {
  const roots = [{ folder: state.dataDir, dir: join(state.dataDir, "scenarios") }, ...state.dataFolders.slice(1).map((f) => ({ folder: f, dir: f }))];
  const scenarios: ScenarioEntry[] = [];
  for (const { folder, dir } of roots) {
    const files: string[] = [];
    yamlFiles(dir, 3, files);
    for (const file of files) {
      const id = relative(folder, file).split("\\").join("/");
      try {
        const parsed = parseScenarioText(readFileSync(file, "utf8"), id).data;
        scenarios.push({ id, name: parsed.name, description: parsed.description ?? "", year: parsed.year ?? null, problem: null });
      } catch (error) {
        if (!isCaravanError(error)) throw error;
        scenarios.push({ id, name: id, description: "", year: null, problem: error.message });
      }
    }
  }
  return { scenarios };
}
