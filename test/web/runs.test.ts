/**
 * The runs view's pure helpers (web/src/views/runs-data.ts): a recorded summary splits into dotted scalar fields and
 * tables of its lists of objects; inputs list files with their content hashes and other inputs as values; values
 * print without losing meaning (null stays null); durations and the kind filter's choices come from the runs.
 */
import { describe, expect, it } from "vitest";
import { describeValue, fmtTime, inputRows, kindChoices, RUN_KINDS, runSeconds, splitRecord } from "../../web/src/views/runs-data";

const listing = (id: string, kind: string) => ({ id, kind, status: "done", startedAt: "2026-01-01T00:00:00.000Z", finishedAt: null, inputsHash: "h" });

describe("runs view helpers", () => {
  it("splits a summary into dotted scalar fields in recorded order and lists of objects into tables", () => {
    const { fields, tables } = splitRecord({
      iterations: 3,
      converged: true,
      year: null,
      classes: ["container", "bulk"],
      solver: { gap: 1e-6, stop: "gap" },
      bottlenecks: [
        { linkId: "a", flowT: 10 },
        { linkId: "b", vc: 0.5 },
      ],
      empty: [],
    });
    expect(fields).toEqual([
      ["iterations", 3],
      ["converged", true],
      ["year", null],
      ["classes", ["container", "bulk"]],
      ["solver.gap", 1e-6],
      ["solver.stop", "gap"],
      ["empty", []],
    ]);
    expect(tables).toEqual([{ name: "bottlenecks", columns: ["linkId", "flowT", "vc"], rows: [{ linkId: "a", flowT: 10 }, { linkId: "b", vc: 0.5 }] }]);
  });

  it("keeps a top-level scalar or list of objects and gives nothing for a missing record", () => {
    expect(splitRecord(42)).toEqual({ fields: [["value", 42]], tables: [] });
    expect(splitRecord([{ x: 1 }]).tables).toEqual([{ name: "value", columns: ["x"], rows: [{ x: 1 }] }]);
    expect(splitRecord(null)).toEqual({ fields: [], tables: [] });
    expect(splitRecord(undefined)).toEqual({ fields: [], tables: [] });
  });

  it("prints values without changing their meaning", () => {
    expect(describeValue(50979591)).toBe("50,979,591");
    expect(describeValue(0.61886225)).toBe("0.618862");
    expect(describeValue(3.606266031712378e-16)).toBe("3.61e-16");
    expect(describeValue(0)).toBe("0");
    expect(describeValue(2030)).toBe("2030");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(false)).toBe("false");
    expect(describeValue(["container", "bulk"])).toBe("container, bulk");
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
  });

  it("lists file inputs with path, content hash and size, and other inputs as values", () => {
    const rows = inputRows({ demand: { path: "data/d.csv", sha256: "ab12", bytes: 19551 }, formula: "y ~ x", years: [2024, 2030] });
    expect(rows).toEqual([
      { name: "demand", path: "data/d.csv", sha256: "ab12", bytes: 19551, value: null },
      { name: "formula", path: null, sha256: null, bytes: null, value: "y ~ x" },
      { name: "years", path: null, sha256: null, bytes: null, value: "2024, 2030" },
    ]);
    expect(inputRows(null)).toEqual([]);
  });

  it("measures a run from start to finish and formats store times as UTC", () => {
    expect(runSeconds({ startedAt: "2026-12-05T02:56:46.484Z", finishedAt: "2026-12-05T02:56:46.943Z" })).toBeCloseTo(0.459, 9);
    expect(runSeconds({ startedAt: "2026-12-05T02:56:46.484Z", finishedAt: null })).toBeNull();
    expect(runSeconds({ startedAt: "garbage", finishedAt: "2026-12-05T02:56:46.943Z" })).toBeNull();
    expect(fmtTime("2026-12-05T02:56:46.484Z")).toBe("2026-12-05 02:56:46 UTC");
    expect(fmtTime(null)).toBe("—");
  });

  it("offers the known kinds, then other listed or chosen kinds sorted", () => {
    expect(kindChoices([listing("1", "assignment"), listing("2", "zeta"), listing("3", "alpha")], "custom")).toEqual([...RUN_KINDS, "alpha", "custom", "zeta"]);
    expect(kindChoices([], "")).toEqual([...RUN_KINDS]);
  });
});
