/**
 * Observed mode shares by lane for the expected shipment times of the study (src/trade/pair-times/pair-times.ts, rule in
 * docs/belt-and-road.md "Pair times"): `exporters,importers,mode,valueSharePct,year,source`, one row per lane and
 * main mode; exporters / importers are ISO3 codes or groups of data/appraisal/economy-groups.csv.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CaravanError, parseError } from "../../core/errors";
import { packageInfo } from "../../core/package";
import { suggest } from "../../core/suggest";
import { MAIN_MODES, type MainMode, type ModeShareLane, type ModeShareTable } from "../../trade/pair-times/pair-times";
import { splitCsvLine } from "./inputs";

export const DEFAULT_MODE_SHARES_FILE = join(packageInfo().root, "data", "appraisal", "mode-shares.csv");
const ISO3 = /^[A-Z]{3}$/;

/** Read a mode-share file; `groups` resolves group names (e.g. eu27) to ISO3 codes. */
export function readModeShares(file: string, groups: ReadonlyMap<string, readonly string[]>): ModeShareTable & { readonly file: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  const lanes = new Map<string, { exporters: string[]; importers: string[]; shares: Partial<Record<MainMode, number>>; sources: Set<string> }>();
  const codes = (line: number, field: string, cell: string): string[] => {
    if (ISO3.test(cell)) return [cell];
    const g = groups.get(cell);
    if (g) return [...g];
    throw parseError(file, line, field, `"${cell}" is neither an ISO3 code nor a group of economy-groups.csv${suggestText(cell, groups)}`);
  };
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    if (header === null) {
      header = cells;
      for (const need of ["exporters", "importers", "mode", "valueSharePct", "source"]) if (!header.includes(need)) throw parseError(file, k + 1, need, "missing column");
      continue;
    }
    const at = (name: string): string => cells[header!.indexOf(name)] ?? "";
    const line = k + 1;
    const mode = at("mode") as MainMode;
    if (!(MAIN_MODES as readonly string[]).includes(mode)) throw parseError(file, line, "mode", `"${at("mode")}" is not one of ${MAIN_MODES.join(", ")}`);
    const pct = Number(at("valueSharePct"));
    if (at("valueSharePct") === "" || !Number.isFinite(pct) || pct < 0 || pct > 100) throw parseError(file, line, "valueSharePct", "expected a share in % between 0 and 100");
    if (at("source") === "") throw parseError(file, line, "source", "every share needs its source");
    const key = `${at("exporters")}\u0000${at("importers")}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { exporters: codes(line, "exporters", at("exporters")), importers: codes(line, "importers", at("importers")), shares: {}, sources: new Set() };
      lanes.set(key, lane);
    }
    if (lane.shares[mode] !== undefined) throw parseError(file, line, "mode", `${mode} is given twice for the lane ${at("exporters")} → ${at("importers")}`);
    lane.shares[mode] = pct;
    for (const s of at("source").split(";")) lane.sources.add(s);
  }
  if (header === null) throw parseError(file, 1, "header", "empty file");
  const out: ModeShareLane[] = [...lanes.values()].map((l) => ({ exporters: l.exporters, importers: l.importers, shares: l.shares, source: [...l.sources].join(";") }));
  return { file, lanes: out };
}

function suggestText(cell: string, groups: ReadonlyMap<string, readonly string[]>): string {
  const s = suggest(cell, [...groups.keys()]);
  return s.length > 0 ? ` (did you mean ${s.join(", ")}?)` : "";
}
