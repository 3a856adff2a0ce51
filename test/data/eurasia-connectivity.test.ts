/**
 * Surface connectivity of the shipped dataset data/eurasia: every place except sea waypoints is reachable by
 * surface modes from Almaty and from Rotterdam in the current year, unless it is in the short allow-list below with
 * the reason it is genuinely cut off.
 *
 *   Almaty ──rail/road/ferry/sea──▶ every non-waypoint place   (no air, no links not yet open)
 *   Rotterdam ─────────── same ──────────▶
 *
 * Reachability follows the compiled graph exactly as routing does: access nodes are not passed through, transfers
 * (gauge change, mode change) are arcs, links not yet open in the year are skipped.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileNetwork } from "../../src/network/build";
import { ARC_ACCESS_DEPART, accessNode, type CompiledNetwork, isArcAvailableInYear, LAYER_AIR, MODE_AIR } from "../../src/network/compiled";
import { loadNetwork } from "../../src/network/load";

const DIR = resolve(__dirname, "../../data/eurasia");
const CURRENT_YEAR = 2026;

/**
 * Places allowed to be unreachable by surface modes, each with its reason. Keep it short: an entry here is a
 * statement that no surface service exists, not a way to silence a data gap.
 */
const ALLOWED_UNREACHABLE: Record<string, string> = {
  // break of gauge of the China–Kyrgyzstan–Uzbekistan railway: every link to it is planned (cku-railway, ~2030)
  makmal: "planned railway only",
};

/** Place indices whose access node is reachable from `originId` over open surface arcs (rail, road, sea, ferry). */
function surfaceReachable(net: CompiledNetwork, originId: string, year: number): Uint8Array {
  const origin = net.network.places.findIndex((p) => p.id === originId);
  if (origin < 0) throw new Error(`no place ${originId}`);
  const seen = new Uint8Array(net.graph.nodeCount); // [node]
  const queue = new Int32Array(net.graph.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = accessNode(origin);
  seen[accessNode(origin)] = 1;
  while (head < tail) {
    const u = queue[head++];
    // an access node is a start or an end, never a through node (except the origin)
    if (net.noThrough[u] === 1 && u !== accessNode(origin)) continue;
    for (let a = net.graph.firstOut[u]; a < net.graph.firstOut[u + 1]; a++) {
      if (net.arcs.mode[a] === MODE_AIR || !isArcAvailableInYear(net, a, year)) continue;
      const v = net.graph.head[a];
      if (net.arcs.kind[a] === ARC_ACCESS_DEPART && net.nodeLayer[v] === LAYER_AIR) continue;
      if (seen[v] === 0) {
        seen[v] = 1;
        queue[tail++] = v;
      }
    }
  }
  const reached = new Uint8Array(net.placeCount); // [place]
  for (let p = 0; p < net.placeCount; p++) reached[p] = seen[accessNode(p)];
  return reached;
}

/** Every place a user can name as an origin or destination: all places except sea waypoints. */
function userPlaces(net: CompiledNetwork): number[] {
  const out: number[] = [];
  net.network.places.forEach((p, i) => {
    if (!p.kinds.includes("waypoint")) out.push(i);
  });
  return out;
}

describe("data/eurasia surface connectivity", () => {
  const net = compileNetwork(loadNetwork(DIR));
  const served = userPlaces(net);

  it("has the dataset's places to check", () => {
    expect(served.length).toBeGreaterThan(250);
  });

  for (const origin of ["almaty", "rotterdam"]) {
    it(`reaches every place by surface modes from ${origin}, except the allow-list`, () => {
      const reached = surfaceReachable(net, origin, CURRENT_YEAR);
      const unreachable = served.filter((p) => reached[p] === 0).map((p) => net.network.places[p].id);
      const unexpected = unreachable.filter((id) => !(id in ALLOWED_UNREACHABLE));
      expect(unexpected).toEqual([]);
    });
  }

  it("keeps the allow-list honest: every allowed place exists and is indeed unreachable", () => {
    const reached = surfaceReachable(net, "almaty", CURRENT_YEAR);
    for (const id of Object.keys(ALLOWED_UNREACHABLE)) {
      const p = net.network.places.findIndex((x) => x.id === id);
      expect(p, id).toBeGreaterThanOrEqual(0);
      expect(reached[p], id).toBe(0);
    }
  });
});
