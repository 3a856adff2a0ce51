/**
 * Trade weights for comparisons: a CSV `exporter,importer,trade[,…]` (ISO3 codes, trade ≥ 0 in any one currency
 * unit; further columns ignored, rows of one pair — e.g. sectors — summed). `compare --trade FILE` weights the
 * country-pair shipment-time changes by it. Errors name file, line and field (E_PARSE).
 */
import { readFileSync } from "node:fs";
import { CaravanError, parseError } from "../core/errors";

/** exporter → importer → trade. */
export type TradeWeights = ReadonlyMap<string, ReadonlyMap<string, number>>;

const ISO3 = /^[A-Z]{3}$/;

export function parseTradeWeights(text: string, file: string): TradeWeights {
  const lines = text.split(/\r?\n/);
  const out = new Map<string, Map<string, number>>();
  let header: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    if (raw.includes('"')) throw parseError(file, i + 1, "(line)", "quoted fields are not supported");
    const fields = raw.split(",").map((f) => f.trim());
    if (header === null) {
      header = fields;
      for (const c of ["exporter", "importer", "trade"]) if (!header.includes(c)) throw parseError(file, i + 1, c, `missing column "${c}"; the header needs exporter,importer,trade`);
      continue;
    }
    if (fields.length !== header.length) throw parseError(file, i + 1, "(line)", `${fields.length} fields for ${header.length} columns`);
    const get = (c: string) => fields[(header as string[]).indexOf(c)];
    const exporter = get("exporter");
    const importer = get("importer");
    for (const [name, v] of [
      ["exporter", exporter],
      ["importer", importer],
    ] as const) {
      if (!ISO3.test(v)) throw parseError(file, i + 1, name, `"${v}" is not an ISO3 code`);
    }
    const text = get("trade");
    const trade = Number(text);
    if (text === "" || !/^[0-9.eE+-]+$/.test(text) || !Number.isFinite(trade) || trade < 0) throw parseError(file, i + 1, "trade", `"${text}" is not a number ≥ 0`);
    let row = out.get(exporter);
    if (!row) {
      row = new Map();
      out.set(exporter, row);
    }
    row.set(importer, (row.get(importer) ?? 0) + trade);
  }
  if (header === null) throw parseError(file, 1, "(file)", "empty: the header exporter,importer,trade is missing");
  return out;
}

export function readTradeWeights(file: string): TradeWeights {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CaravanError("E_FILE_NOT_FOUND", `trade file ${file} does not exist or cannot be read`, { details: { file } });
  }
  return parseTradeWeights(text, file);
}
