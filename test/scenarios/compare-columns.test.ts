import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareViews, type ResultView } from "../../src/scenarios/compare";
import { columnsOfRows, readPairsCsvColumns } from "../../src/scenarios/pair-columns";
import type { PairRow } from "../../src/scenarios/run";
import { seededRandom } from "../../src/core/random";

const tmp = mkdtempSync(join(tmpdir(), "caravan-compare-columns-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = "from,to,timeH,costUsd,co2Kg,distanceKm,corridor";

function writePairs(name: string, rows: readonly PairRow[]): string {
  const file = join(tmp, `${name}.csv`);
  const f = (x: number) => (Number.isFinite(x) ? String(x) : "");
  writeFileSync(file, `${HEADER}\n${rows.map((r) => [r.from, r.to, f(r.timeH), f(r.costUsd), f(r.co2Kg), f(r.distanceKm), r.corridor].join(",")).join("\n")}\n`);
  return file;
}

const view = (name: string, pairs: ResultView["pairs"], demand: ResultView["demand"] = []): ResultView => ({
  name,
  origin: `test:${name}`,
  pairs,
  crossings: [],
  crossingDirections: [],
  ferries: [],
  transit: [],
  bottlenecks: [],
  demand,
  countryPairs: [],
});

describe("pairs.csv read into columns", () => {
  it("reads every number exactly as Number() reads its text, an empty field as NaN", () => {
    const texts = ["0", "-0", "1", "12.5", "-3.25", "0.000001", "123456.123456", "999999999.999999", "1234567890.1234567", "1e-7", "2.5e21", "", "007.10", "1.", ".5", "-", "17"];
    const lines = texts.map((t, i) => `a,b${i},${t},${t},${t},1,`);
    const file = join(tmp, "numbers.csv");
    writeFileSync(file, `${HEADER}\n${lines.join("\n")}\n`);
    const c = readPairsCsvColumns(file);
    expect(c.length).toBe(texts.length);
    texts.forEach((t, i) => {
      const expected = t === "" ? Number.NaN : Number(t);
      expect(Object.is(c.timeH[i], expected)).toBe(true);
      expect(Object.is(c.costUsd[i], expected)).toBe(true);
      expect(Object.is(c.co2Kg[i], expected)).toBe(true);
    });
    const random = seededRandom(7);
    const values = Array.from({ length: 5000 }, () => Math.round((random() - 0.3) * 10 ** Math.floor(random() * 12) * 1e6) / 1e6);
    const file2 = join(tmp, "random.csv");
    writeFileSync(file2, `${HEADER}\n${values.map((v, i) => `x,y${i},${v},${v},${v},0,`).join("\n")}\n`);
    const d = readPairsCsvColumns(file2);
    for (const [i, v] of values.entries()) expect(d.timeH[i]).toBe(Number(String(v)));
  });

  it("a line without 7 columns is E_RUN_INVALID at its line; quoted fields take the general reader", () => {
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, `${HEADER}\na,b,1,2,3,4,\na,c,1,2,3,\n`);
    expect(() => readPairsCsvColumns(bad)).toThrow(/bad\.csv:3: expected the 7 columns/);
    const extra = join(tmp, "extra.csv");
    writeFileSync(extra, `${HEADER}\na,b,1,2,3,4,KAZ,RUS\n`);
    expect(() => readPairsCsvColumns(extra)).toThrow(/extra\.csv:2: expected the 7 columns/);
    // files of many chunks: the line of an error counts across chunks; a quote far on sends the whole file to the
    // general reader
    const rows = Array.from({ length: 6000 }, (_, i) => `city-${i % 97},town-${i},${i}.5,${i * 2},${i * 3},1,KAZ>RUS`);
    const long = join(tmp, "long-bad.csv");
    writeFileSync(long, `${HEADER}\n${rows.map((r, i) => (i === 4999 ? "a,b,1" : r)).join("\n")}\n`);
    expect(() => readPairsCsvColumns(long)).toThrow(/long-bad\.csv:5001: expected the 7 columns/);
    const longQuoted = join(tmp, "long-quoted.csv");
    writeFileSync(longQuoted, `${HEADER}\n${rows.map((r, i) => (i === 5999 ? `${r.slice(0, r.lastIndexOf(","))},"KAZ,CHN"` : r)).join("\n")}\n`);
    const lq = readPairsCsvColumns(longQuoted);
    expect(lq.length).toBe(6000);
    expect(lq.corridors[lq.corridor[5999]]).toBe("KAZ,CHN");
    const longGood = join(tmp, "long-good.csv");
    writeFileSync(longGood, `${HEADER}\n${rows.join("\n")}`); // no newline at the end
    const lg = readPairsCsvColumns(longGood);
    expect(lg.length).toBe(6000);
    expect([lg.cities[lg.from[5999]], lg.cities[lg.to[5999]], lg.timeH[5999], lg.co2Kg[5999]]).toEqual(["city-82", "town-5999", 5999.5, 17997]);
    const quoted = join(tmp, "quoted.csv");
    writeFileSync(quoted, `${HEADER}\na,b,1,2,3,4,"KAZ,RUS"\n"c d",a,5,6,7,8,\n`);
    const q = readPairsCsvColumns(quoted);
    expect(q.corridors[q.corridor[0]]).toBe("KAZ,RUS");
    expect(q.cities[q.from[1]]).toBe("c d");
    expect(q.timeH[1]).toBe(5);
  });
});

describe("compare on columns", () => {
  // two states over a few cities: pairs missing on either side, changed and unchanged figures, corridor switches
  function states(seed: number): { base: PairRow[]; scen: PairRow[]; demand: ResultView["demand"] } {
    const random = seededRandom(seed);
    const cities = ["almaty", "tashkent", "xian", "duisburg", "baku", "aktau", "urumqi"];
    const corridors = ["", "KAZ", "KAZ>RUS", "~sea~", "KAZ>~caspian~>AZE"];
    const base: PairRow[] = [];
    const scen: PairRow[] = [];
    for (const from of cities) {
      for (const to of cities) {
        if (from === to) continue;
        const row = { from, to, timeH: Math.round(random() * 5e8) / 1e6, costUsd: Math.round(random() * 5e9) / 1e6, co2Kg: Math.round(random() * 1e9) / 1e6, distanceKm: 1000, corridor: corridors[Math.floor(random() * corridors.length)] };
        const r = random();
        if (r > 0.1) base.push(row);
        if (r < 0.05 || r > 0.95) continue; // the scenario loses it (or the baseline did not have it)
        const change = random();
        scen.push(
          change < 0.4
            ? row
            : { ...row, timeH: Math.round((row.timeH + (random() - 0.5) * 50) * 1e6) / 1e6, corridor: change > 0.8 ? corridors[Math.floor(random() * corridors.length)] : row.corridor },
        );
      }
    }
    const demand = [
      { origin: "xian", destination: "duisburg", amountT: 1e6 },
      { origin: "almaty", destination: "baku", amountT: 2.5e5 },
      { origin: "xian", destination: "duisburg", amountT: 3e5 },
      { origin: "nowhere", destination: "baku", amountT: 1e5 },
    ];
    return { base, scen, demand };
  }

  it("gives the same comparison from rows, from columns in memory and from pairs.csv, whichever side lacks pairs", () => {
    for (const seed of [1, 2, 3, 4]) {
      const { base, scen, demand } = states(seed);
      for (const [b, s] of [
        [base, scen],
        [scen, base],
        [base, [...scen].reverse()],
      ]) {
        const rows = compareViews(view("b", b), view("s", s, demand));
        const columns = compareViews(view("b", columnsOfRows(b)), view("s", columnsOfRows(s), demand));
        const files = compareViews(view("b", readPairsCsvColumns(writePairs(`b${seed}`, b))), view("s", readPairsCsvColumns(writePairs(`s${seed}`, s)), demand));
        expect(JSON.stringify(columns)).toBe(JSON.stringify(rows));
        expect(JSON.stringify(files)).toBe(JSON.stringify(rows));
        expect(rows.pairs.length).toBeGreaterThan(0);
        const noPairs = compareViews(view("b", b), view("s", s, demand), { pairs: false });
        expect(noPairs.pairs).toEqual([]);
        expect(noPairs.means).toEqual(rows.means);
      }
    }
  });

  it("ranks the largest changes as a full sort does (ties by name, earlier pairs first)", () => {
    const { base, scen } = states(9);
    const c = compareViews(view("b", base), view("s", scen));
    const milliH = (p: (typeof c.pairs)[number]) => Math.round(p.change!.timeH * 1000);
    const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const changed = c.pairs.filter((p) => p.change !== null);
    const top = [...changed].sort((x, y) => milliH(x) - milliH(y) || by(x.from, y.from) || by(x.to, y.to)).slice(0, 3);
    const lines = c.summary.text.split("\n").filter((l) => l.includes("largest saving"));
    expect(lines.length).toBeGreaterThan(0);
    for (const [i, l] of lines.entries()) expect(l).toContain(`${top[i].from} → ${top[i].to} `);
  });
});
