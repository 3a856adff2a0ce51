/**
 * Export of a stored run's result table: CSV (RFC 4180 quoting), Parquet (hyparquet-writer, loaded on demand) or
 * GeoJSON (link flows as LineStrings between their places' coordinates).
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { RESULT_TABLE_NAMES, RESULT_TABLES, type ResultTableName } from "./schema";
import type { Store } from "./store";

export const EXPORT_FORMATS = ["csv", "parquet", "geojson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? String(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Pick the table to export: the one named, or the run's only non-empty table (geojson: link_flows). */
async function chooseTable(store: Store, runId: string, format: ExportFormat, table: string | undefined): Promise<ResultTableName> {
  const counts = await store.resultCounts(runId);
  const present = Object.keys(counts) as ResultTableName[];
  if (table !== undefined) {
    if (!(RESULT_TABLE_NAMES as string[]).includes(table)) {
      throw new CaravanError("E_USAGE", `no result table "${table}"`, { didYouMean: suggest(table, RESULT_TABLE_NAMES) });
    }
    if (!present.includes(table as ResultTableName)) {
      throw new CaravanError("E_USAGE", `run ${runId} has no rows in ${table}${present.length ? `; it has ${present.join(", ")}` : ""}`);
    }
    return table as ResultTableName;
  }
  if (format === "geojson") {
    if (!present.includes("link_flows")) throw new CaravanError("E_USAGE", `run ${runId} has no link flows to export as GeoJSON`);
    return "link_flows";
  }
  if (present.length === 0) throw new CaravanError("E_USAGE", `run ${runId} has no result rows`);
  if (present.length > 1) {
    throw new CaravanError("E_USAGE", `run ${runId} has several result tables (${present.map((t) => `${t}: ${counts[t]} rows`).join(", ")}); choose one with --table`);
  }
  return present[0];
}

/** The exported bytes or text, and the table it came from. */
export async function exportRun(store: Store, runId: string, format: ExportFormat, table?: string): Promise<{ table: ResultTableName; rows: number; data: string | Uint8Array }> {
  const name = await chooseTable(store, runId, format, table);
  const rows = await store.readTable(runId, name);
  const columns = RESULT_TABLES[name].columns;
  if (format === "csv") {
    const lines = [columns.map((c) => c.name).join(",")];
    for (const row of rows) lines.push(columns.map((c) => csvCell(row[c.name])).join(","));
    return { table: name, rows: rows.length, data: `${lines.join("\n")}\n` };
  }
  if (format === "parquet") {
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const columnData = columns.map((c) => {
      const data = rows.map((r) => {
        const v = r[c.name];
        if (v === null || v === undefined) return null;
        return c.type === "real" || c.type === "integer" ? Number(v) : String(v);
      });
      const type = c.type === "real" ? "DOUBLE" : c.type === "integer" ? "INT32" : c.type === "json" ? "JSON" : "STRING";
      return { name: c.name, data, type } as const;
    });
    return { table: name, rows: rows.length, data: new Uint8Array(parquetWriteBuffer({ columnData: columnData as never })) };
  }
  if (name !== "link_flows") throw new CaravanError("E_USAGE", `GeoJSON export needs link flows with coordinates, not ${name}`);
  const features = [];
  for (const row of rows) {
    const coords = [row.from_lon, row.from_lat, row.to_lon, row.to_lat].map((v) => (v === null || v === undefined ? null : Number(v)));
    if (coords.some((v) => v === null)) continue;
    const properties: Record<string, unknown> = {};
    for (const c of columns) if (!c.name.endsWith("_lon") && !c.name.endsWith("_lat")) properties[c.name] = row[c.name] ?? null;
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: [[coords[0], coords[1]], [coords[2], coords[3]]] },
      properties,
    });
  }
  if (features.length === 0) throw new CaravanError("E_USAGE", `run ${runId}'s link flows carry no coordinates (TNTP networks have none)`);
  return { table: name, rows: features.length, data: `${JSON.stringify({ type: "FeatureCollection", features })}\n` };
}
