import { describe, expect, it } from "vitest";
import { CaravanError } from "../../src/core/errors";
import { parseTntpFlows, parseTntpNetwork, parseTntpTrips } from "../../src/assignment/tntp";
import { buildCommodities, tntpProblem, tripCommodities } from "../../src/assignment/problem";
import { seededRandom } from "../../src/core/random";

// A network with every quirk of the public files:
//   comment line with "~" inside <ORIGINAL HEADER>, an unknown tag, tabs and spaces mixed, ";" glued to the last
//   number, exponent numbers, a parallel link 3→4 (twice), node 6 declared but unused, FIRST THRU NODE 3 (zones 1, 2).
//
//   (1) ──► 3 ══► 4 ──► (2)          1, 2 are zones: paths may start/end there, not pass through
//            ▲         │
//            └─── 5 ◄──┘
const NET = [
  "<NUMBER OF ZONES> 2",
  "<NUMBER OF NODES> 6",
  "<FIRST THRU NODE> 3",
  "<NUMBER OF LINKS> 7",
  "<ORIGINAL HEADER>~ \tInit node \tTerm node \tCapacity ;",
  "<SOME UNKNOWN TAG> whatever",
  "<END OF METADATA>",
  "",
  "~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;",
  "\t1\t3\t1000\t1\t1\t0.15\t4\t0\t0\t1\t;",
  " 3   4   500   2   2   0.15   4   0   0   1 ;",
  "\t3\t4\t5e2\t2\t2.5\t1.5E-1\t4\t0\t0\t1;",
  "\t4\t2\t1000\t1\t1\t0.15\t4\t0\t0\t1\t; ~ trailing comment",
  "\t4\t5\t1000\t1\t1\t0.15\t4\t0\t0\t1\t;",
  "\t5\t3\t1000\t1\t1\t0.15\t4\t0\t0\t1\t;",
  "\t2\t4\t1000\t1\t1\t0.15\t4\t0\t0\t1\t;",
  "",
].join("\n");

const TRIPS = [
  "<NUMBER OF ZONES> 2",
  "<TOTAL OD FLOW> 130.0",
  "<END OF METADATA>",
  "~ comment line",
  "",
  "Origin \t1",
  "    1 :      10.0;     2 :    100.0;",
  "Origin 2",
  "1:20;2 : 0.0;",
].join("\n");

describe("parseTntpNetwork", () => {
  it("reads tags before comments, keeps unknown tags, and parses glued ';' and exponent numbers", () => {
    const net = parseTntpNetwork(NET, "toy_net.tntp");
    expect(net.zoneCount).toBe(2);
    expect(net.nodeCount).toBe(6);
    expect(net.firstThruNode).toBe(3);
    expect(net.linkCount).toBe(7);
    expect(net.metadata.get("SOME UNKNOWN TAG")).toBe("whatever");
    expect(net.metadata.get("ORIGINAL HEADER")).toContain("Init node");
    expect(net.capacity[2]).toBe(500);
    expect(net.bprB[2]).toBeCloseTo(0.15, 15);
    expect(net.freeFlowTime[2]).toBe(2.5);
    expect(Array.from(net.fromNode)).toEqual([0, 2, 2, 3, 3, 4, 1]);
    expect(Array.from(net.toNode)).toEqual([2, 3, 3, 1, 4, 2, 3]);
  });

  it("keeps parallel links as separate links and unused node ids as isolated nodes", () => {
    const p = tntpProblem({ name: "toy", files: { dir: "", net: "", trips: "", flow: null, node: null }, network: parseTntpNetwork(NET, "n"), trips: parseTntpTrips(TRIPS, "t"), bestFlows: null });
    expect(p.graph.arcCount).toBe(7);
    expect(p.graph.nodeCount).toBe(6);
    expect(p.graph.firstOut[6] - p.graph.firstOut[5]).toBe(0); // node 6 has no arcs
    expect(Array.from(p.noThrough)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it("fails with file, line and field on a malformed number", () => {
    const bad = NET.replace("\t4\t5\t1000", "\t4\t5\t1x00");
    try {
      parseTntpNetwork(bad, "bad_net.tntp");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaravanError);
      expect((e as CaravanError).code).toBe("E_PARSE");
      expect((e as CaravanError).details).toEqual({ file: "bad_net.tntp", line: 14, field: "capacity" });
    }
  });

  it("fails when the link count differs from <NUMBER OF LINKS>", () => {
    const bad = NET.replace("<NUMBER OF LINKS> 7", "<NUMBER OF LINKS> 8");
    expect(() => parseTntpNetwork(bad, "n")).toThrow(expect.objectContaining({ code: "E_PARSE", details: expect.objectContaining({ field: "<NUMBER OF LINKS>" }) }));
  });

  it("fails when the metadata section never ends", () => {
    expect(() => parseTntpNetwork("<NUMBER OF ZONES> 1\n", "n")).toThrow(expect.objectContaining({ code: "E_PARSE" }));
  });
});

describe("parseTntpTrips", () => {
  it("reads several entries per line, glued separators, explicit zeros and intrazonal demand", () => {
    const t = parseTntpTrips(TRIPS, "toy_trips.tntp");
    expect(Array.from(t.demand)).toEqual([10, 100, 20, 0]);
    expect(t.totalDemand).toBe(130);
    expect(t.intrazonalDemand).toBe(10);
    expect(t.warnings).toEqual([]);
  });

  it("warns when <TOTAL OD FLOW> differs from the entries", () => {
    const t = parseTntpTrips(TRIPS.replace("130.0", "131"), "t");
    expect(t.warnings).toHaveLength(1);
  });

  it("rejects a destination outside the zones with file, line and field", () => {
    expect(() => parseTntpTrips(TRIPS.replace("2 :    100.0", "3 :    100.0"), "t.tntp")).toThrow(
      expect.objectContaining({ code: "E_PARSE", details: { file: "t.tntp", line: 7, field: "destination" } }),
    );
  });

  it("drops intrazonal demand from the loaded commodities but counts it", () => {
    const p = tntpProblem({ name: "toy", files: { dir: "", net: "", trips: "", flow: null, node: null }, network: parseTntpNetwork(NET, "n"), trips: parseTntpTrips(TRIPS, "t"), bestFlows: null });
    expect(p.intrazonalDemand).toBe(10);
    expect(Array.from(p.commodities.demand)).toEqual([100, 20]);
  });
});

describe("parseTntpFlows", () => {
  it("matches parallel links in order of appearance", () => {
    const net = parseTntpNetwork(NET, "n");
    const text = ["From\tTo\tVolume\tCost", "1 3 1 1", "3 4 2 1", "3 4 3 1", "4 2 4 1", "4 5 5 1", "5 3 6 1", "2 4 7 1"].join("\n");
    const f = parseTntpFlows(text, "f", net);
    expect(Array.from(f.flow)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects a link that is not in the network", () => {
    const net = parseTntpNetwork(NET, "n");
    expect(() => parseTntpFlows("From To Volume Cost\n1 4 1 1\n", "f.tntp", net)).toThrow(expect.objectContaining({ code: "E_PARSE", details: { file: "f.tntp", line: 2, field: "From" } }));
  });
});

describe("tripCommodities", () => {
  it("gives the commodities buildCommodities gives for the per-origin lists of positive entries", () => {
    const random = seededRandom(12);
    const zones = 9;
    const table = new Float64Array(zones * zones);
    // zeros, intrazonal entries, an origin without demand (3) and one with intrazonal demand only (5)
    for (let i = 0; i < table.length; i++) table[i] = random() < 0.35 ? 0 : Math.round(random() * 1000) / 8;
    for (let d = 0; d < zones; d++) {
      table[3 * zones + d] = 0;
      table[5 * zones + d] = d === 5 ? 7.5 : 0;
    }
    for (const scale of [1, 2.5]) {
      const list = Array.from({ length: zones }, (_, o) => {
        const destinations: number[] = [];
        const demand: number[] = [];
        for (let d = 0; d < zones; d++) {
          const v = table[o * zones + d] * scale;
          if (v > 0) {
            destinations.push(d);
            demand.push(v);
          }
        }
        return { classIndex: 0, origin: o, destinations, demand };
      });
      const expected = buildCommodities(list);
      const got = tripCommodities(table, zones, scale);
      expect(got.intrazonal).toBe(expected.intrazonal);
      expect(got.commodities.count).toBe(expected.commodities.count);
      expect([...got.commodities.origin]).not.toContain(3);
      expect([...got.commodities.origin]).not.toContain(5);
      for (const key of ["classOf", "origin", "destStart", "destNode", "demand"] as const) {
        expect([...got.commodities[key]], key).toEqual([...expected.commodities[key]]);
      }
    }
  });
});
