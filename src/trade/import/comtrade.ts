/**
 * UN Comtrade bulk import. Accepts the Comtrade+ bulk/API layout (`reporterISO, partnerISO, flowCode, cmdCode,
 * primaryValue, netWgt, ...`, comma- or tab-separated, optionally gzipped) and the legacy bulk layout (`Reporter ISO,
 * Partner ISO, Trade Flow Code, Commodity Code, Trade Value (US$), Netweight (kg)`).
 *
 * Rules (documented in docs/trade-ge.md):
 *   - one flow direction is used: imports (default; reporter = importer, partner = exporter, values CIF) or exports
 *     (reporter = exporter); re-imports/re-exports are skipped;
 *   - only HS codes of `hsDigits` digits (default 6) are kept, so that totals are not counted twice;
 *   - aggregate breakdown rows are skipped: partner World (W00/WLD/0), second partner other than World, mode of
 *     transport other than "all" (0), customs procedure other than "all" (C00), `isAggregate`-only rows are kept;
 *   - net weight (kg) becomes tonnes; a missing or zero weight on a positive value is filled by value density.
 */
import { createReadStream, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { CaravanError, parseError } from "../../core/errors";
import { NUMBER_FIELDS, numberProblem } from "../../core/numbers";
import { suggest } from "../../core/suggest";
import { type AggregatedTrade, type DensityTable, MAX_COUNTRIES, PairSectorAggregator, type SectorMap } from "./aggregate";
import { type ImportProgress, streamReadError } from "./baci";

const COMTRADE_RULES = NUMBER_FIELDS["BACI / Comtrade import"];

export type ComtradeFlow = "M" | "X";

export interface ComtradeImportOptions {
  readonly sectorMap: SectorMap;
  readonly densities?: DensityTable;
  readonly flow?: ComtradeFlow;
  /** HS code length kept (2, 4 or 6; default 6). */
  readonly hsDigits?: 2 | 4 | 6;
  readonly onProgress?: (p: ImportProgress) => void;
}

/** Header names accepted for each field (Comtrade+ first, then the legacy bulk names). */
const FIELDS = {
  reporter: ["reporterISO", "Reporter ISO", "reporterIso"],
  partner: ["partnerISO", "Partner ISO", "partnerIso"],
  flow: ["flowCode", "Trade Flow Code", "rgCode"],
  commodity: ["cmdCode", "Commodity Code"],
  value: ["primaryValue", "Trade Value (US$)", "TradeValue"],
  netWeight: ["netWgt", "Netweight (kg)", "NetWeight"],
  partner2: ["partner2Code"],
  mot: ["motCode"],
  customs: ["customsCode"],
} as const;

type FieldName = keyof typeof FIELDS;
const REQUIRED: readonly FieldName[] = ["reporter", "partner", "flow", "commodity", "value"];
const WORLD = new Set(["W00", "WLD", "0", "World", "_X", "X1", ""]);

function flowMatches(code: string, wanted: ComtradeFlow): boolean {
  // Comtrade+: M, X, RM, RX, ...; legacy: 1 = import, 2 = export, 3 = re-export, 4 = re-import.
  if (wanted === "M") return code === "M" || code === "1";
  return code === "X" || code === "2";
}

/** Stream-import a Comtrade bulk file into a pair × sector table. */
export async function importComtrade(path: string, options: ComtradeImportOptions): Promise<AggregatedTrade> {
  let totalBytes: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error("it is a directory, not a file"), { code: "EISDIR" });
    totalBytes = st.size;
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { details: { file: path }, cause: error });
  }
  const flow = options.flow ?? "M";
  const hsDigits = options.hsDigits ?? 6;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on("data", (chunk) => {
    bytesRead += chunk.length;
  });
  const gunzip = path.endsWith(".gz") ? createGunzip() : null;
  const text = gunzip ? raw.pipe(gunzip) : raw;
  const parser = text.pipe(
    parse({
      bom: true,
      delimiter: [",", "\t"],
      relax_quotes: true,
      info: true,
      skip_empty_lines: true,
    }),
  );
  // pipe() does not forward errors: a read or gunzip failure ends the parser, whose loop below reports it
  raw.on("error", (error) => parser.destroy(error));
  gunzip?.on("error", (error) => parser.destroy(error));
  const agg = new PairSectorAggregator(options.sectorMap);
  const labels: string[] = [];
  const idOf = new Map<string, number>();
  const countryId = (label: string): number => {
    let id = idOf.get(label);
    if (id === undefined) {
      id = labels.length;
      if (id >= MAX_COUNTRIES) throw new CaravanError("E_DATA_INVALID", `${path}: more than ${MAX_COUNTRIES} distinct country codes`);
      labels.push(label);
      idOf.set(label, id);
    }
    return id;
  };
  const col: Partial<Record<FieldName, number>> = {};
  let header: string[] | null = null;
  let lastReport = 0;
  let skipped = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (header === null) {
        header = record.map((h) => h.trim());
        for (const name of Object.keys(FIELDS) as FieldName[]) {
          const k = FIELDS[name].map((h) => header!.indexOf(h)).find((k) => k >= 0);
          if (k !== undefined) col[name] = k;
        }
        for (const name of REQUIRED) {
          if (col[name] === undefined) {
            throw new CaravanError("E_DATA_INVALID", `${path}: not a Comtrade file: no column ${FIELDS[name].join(" / ")}`, {
              didYouMean: suggest(FIELDS[name][0], header),
              details: { file: path },
            });
          }
        }
        continue;
      }
      const line = info.lines;
      if (record.length !== header.length) throw parseError(path, line, "(row)", `expected ${header.length} fields, found ${record.length}`);
      const cell = (name: FieldName): string => (col[name] === undefined ? "" : record[col[name]!].trim());
      if (!flowMatches(cell("flow"), flow)) {
        skipped++;
        continue;
      }
      const partner2 = cell("partner2");
      const mot = cell("mot");
      const customs = cell("customs");
      if ((partner2 !== "" && partner2 !== "0") || (mot !== "" && mot !== "0") || (customs !== "" && customs !== "C00")) {
        skipped++;
        continue;
      }
      const reporter = cell("reporter");
      const partner = cell("partner");
      if (WORLD.has(partner) || reporter === "") {
        skipped++;
        continue;
      }
      const commodity = cell("commodity");
      if (commodity.length !== hsDigits || !/^\d+$/.test(commodity)) {
        skipped++;
        continue;
      }
      if (!/^[A-Z0-9_]{3}$/.test(reporter)) throw parseError(path, line, FIELDS.reporter[0], `"${reporter}" is not an ISO3 code`);
      if (!/^[A-Z0-9_]{3}$/.test(partner)) throw parseError(path, line, FIELDS.partner[0], `"${partner}" is not an ISO3 code`);
      const valueText = cell("value");
      const valueProblem = numberProblem(valueText, COMTRADE_RULES["primaryValue (Comtrade, USD)"]);
      if (valueProblem !== null) throw parseError(path, line, header[col.value!], valueProblem);
      const valueUsd = Number(valueText);
      const weightText = cell("netWeight");
      let massT = Number.NaN;
      if (weightText !== "") {
        const weightProblem = numberProblem(weightText, COMTRADE_RULES["netWgt (Comtrade, kg)"]);
        if (weightProblem !== null) throw parseError(path, line, header[col.netWeight!], weightProblem);
        const kg = Number(weightText);
        if (kg > 0 || valueUsd === 0) massT = kg / 1000;
      }
      const hs6 = Number(commodity) * 10 ** (6 - hsDigits);
      const rep = countryId(reporter);
      const par = countryId(partner);
      if (flow === "M") agg.add(par, rep, hs6, valueUsd, massT);
      else agg.add(rep, par, hs6, valueUsd, massT);
      if (options.onProgress && bytesRead - lastReport >= 1 << 22) {
        lastReport = bytesRead;
        options.onProgress({ bytesRead, totalBytes, rows: agg.rows });
      }
    }
  } catch (error) {
    if (error instanceof CaravanError) throw error;
    const e = error as { code?: string; lines?: number; message: string };
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) throw parseError(path, e.lines ?? 0, "(row)", e.message);
    throw streamReadError(path, error);
  }
  if (header === null) throw parseError(path, 1, "(header)", "the file is empty; a header row is required");
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: agg.rows });
  const result = agg.finish(labels, options.densities);
  return { ...result, skippedRows: skipped };
}
