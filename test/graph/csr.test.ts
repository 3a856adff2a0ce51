import { describe, expect, it } from "vitest";
import { buildCsr, buildReverse, checkCsrInvariants, findArc, NO_ARC, permuteToCsr } from "../../src/graph/csr";

//   0 ──► 1 ──► 2
//   └─────────► 2   (parallel path 0→2) and a self-loop 1→1
const tails = [1, 0, 0, 1];
const heads = [2, 1, 2, 1];

describe("buildCsr", () => {
  it("groups arcs by tail and keeps input order within a node", () => {
    const g = buildCsr(3, tails, heads);
    expect(Array.from(g.firstOut)).toEqual([0, 2, 4, 4]);
    expect(Array.from(g.head)).toEqual([1, 2, 2, 1]);
    expect(Array.from(g.inputArc)).toEqual([1, 2, 0, 3]);
    expect(checkCsrInvariants(g)).toEqual([]);
  });

  it("keeps parallel arcs and self-loops as distinct arcs", () => {
    const g = buildCsr(3, [0, 0, 1], [1, 1, 1]);
    expect(g.arcCount).toBe(3);
    expect(findArc(g, 1, 1)).toBe(2);
  });

  it("builds an empty graph with no arcs", () => {
    const g = buildCsr(2, [], []);
    expect(Array.from(g.firstOut)).toEqual([0, 0, 0]);
    expect(checkCsrInvariants(g)).toEqual([]);
  });

  it("rejects an arc whose endpoint is not a node", () => {
    expect(() => buildCsr(2, [0], [5])).toThrow(/head 5/);
  });

  it("permuteToCsr brings input-order columns into CSR order", () => {
    const g = buildCsr(3, tails, heads);
    const w = permuteToCsr(g, new Float64Array([10, 20, 30, 40]));
    expect(Array.from(w)).toEqual([20, 30, 10, 40]);
  });

  it("findArc returns NO_ARC when there is no such arc", () => {
    expect(findArc(buildCsr(3, tails, heads), 2, 0)).toBe(NO_ARC);
  });
});

describe("buildReverse", () => {
  it("lists the in-arcs of every node", () => {
    const g = buildCsr(3, tails, heads);
    const r = buildReverse(g);
    const into = (v: number) => Array.from(r.inArc.slice(r.firstIn[v], r.firstIn[v + 1])).map((a) => g.tail[a]);
    expect(into(0)).toEqual([]);
    expect(into(1).sort()).toEqual([0, 1]);
    expect(into(2).sort()).toEqual([0, 1]);
  });
});

describe("checkCsrInvariants", () => {
  it("names a negative weight", () => {
    const g = buildCsr(2, [0], [1]);
    expect(checkCsrInvariants(g, { timeH: new Float64Array([-1]) })[0]).toMatch(/timeH.*arc 0.*-1/);
  });

  it("names a broken firstOut", () => {
    const g = buildCsr(2, [0], [1]);
    const broken = { ...g, firstOut: new Uint32Array([0, 0, 2]) };
    expect(checkCsrInvariants(broken).join("\n")).toMatch(/firstOut\[nodeCount\]/);
  });
});
