/** The run store on SQLite (runs everywhere): the shared contract, WAL mode, export formats. */
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { afterAll, describe, expect, it } from "vitest";
import { exportRun, openStore } from "../../src/store/index";
import { tempDir } from "./helpers";
import { storeContract } from "./store-contract";

const tmp = tempDir("store");
afterAll(() => tmp.cleanup());

describe("run store on SQLite", () => {
  storeContract((key) => openStore(join(tmp.dir, `${key}.db`)));

  it("opens the file in WAL mode and creates it where missing", async () => {
    const file = join(tmp.dir, "wal.db");
    const store = await openStore(file);
    try {
      expect(store.dialect).toBe("sqlite");
      const { sql } = await import("kysely");
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(mode.rows[0].journal_mode).toBe("wal");
    } finally {
      await store.close();
    }
  });

  it("exports a result table as CSV, Parquet and GeoJSON with the stored values", async () => {
    const store = await openStore(join(tmp.dir, "export.db"));
    try {
      const run = await store.beginRun({ kind: "assignment", inputs: {}, parameters: {} });
      await store.completeRun(run.id, {
        tables: {
          link_flows: [
            { link_id: "a,b", from_id: "x", to_id: "y", mode: "rail", flow_t: 10.5, capacity_t: null, vc: null, from_lon: 10, from_lat: 50, to_lon: 11, to_lat: 51 },
            { link_id: "c", from_id: "y", to_id: "z", mode: "sea", flow_t: 2, capacity_t: 4, vc: 0.5, from_lon: 11, from_lat: 51, to_lon: 12, to_lat: 52 },
          ],
          transit_by_country: [{ country: "KAZ", transit_t: 5, container_teu: 1, by_class_t: { bulk: 5 } }],
        },
      });
      await expect(exportRun(store, run.id, "csv")).rejects.toThrow(/several result tables/);
      const csv = await exportRun(store, run.id, "csv", "link_flows");
      const lines = (csv.data as string).trim().split("\n");
      expect(lines[0]).toBe("link_id,from_id,to_id,mode,flow_t,capacity_t,vc,from_lon,from_lat,to_lon,to_lat");
      expect(lines[1]).toBe('"a,b",x,y,rail,10.5,,,10,50,11,51');
      const transit = await exportRun(store, run.id, "csv", "transit_by_country");
      expect((transit.data as string).split("\n")[1]).toBe('KAZ,5,1,"{""bulk"":5}"');
      const pq = await exportRun(store, run.id, "parquet", "link_flows");
      const bytes = pq.data as Uint8Array;
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      expect(rows.map((r) => [r.link_id, r.flow_t, r.vc])).toEqual([
        ["a,b", 10.5, null],
        ["c", 2, 0.5],
      ]);
      const geo = JSON.parse((await exportRun(store, run.id, "geojson")).data as string);
      expect(geo.features.length).toBe(2);
      expect(geo.features[1].geometry.coordinates).toEqual([
        [11, 51],
        [12, 52],
      ]);
      expect(geo.features[1].properties.flow_t).toBe(2);
    } finally {
      await store.close();
    }
  });
});
