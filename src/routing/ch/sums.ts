/**
 * Per-arc column sums carried by a ContractionHierarchy: for a column c ([graph arc], e.g. distanceKm while the
 * hierarchy is built on time), every hierarchy arc gets the sum of c over the graph arcs it unpacks to, so a matrix can
 * add c along each chosen path without unpacking it (ChQuery.manyToManyWithSums). A shortcut's halves are stored at its
 * middle rank, below both ends, so one pass over ranks in ascending order sees them first.
 */
import type { ContractionHierarchy } from "./hierarchy";
import { NO_MIDDLE } from "./hierarchy";

/** Column sums over the unpacked arcs of each hierarchy arc: up[i] for forward arc i, down[i] for backward arc i. */
export interface ArcSums {
  readonly up: Float64Array; // [up arc]
  readonly down: Float64Array; // [down arc]
}

/** Index of the backward arc tail → head stored at head, -1 when absent (scan of head's backward list). */
function downArcIndex(h: ContractionHierarchy, tail: number, head: number): number {
  for (let i = h.downFirst[head]; i < h.downFirst[head + 1]; i++) if (h.downTail[i] === tail) return i;
  return -1;
}

/** Index of the forward arc tail → head stored at tail, -1 when absent. */
function upArcIndex(h: ContractionHierarchy, tail: number, head: number): number {
  for (let i = h.upFirst[tail]; i < h.upFirst[tail + 1]; i++) if (h.upHead[i] === head) return i;
  return -1;
}

/** Sums of `column` ([graph arc]) over the unpacked path of every arc of `h` (see the file comment). */
export function hierarchyArcSums(h: ContractionHierarchy, column: ArrayLike<number>): ArcSums {
  const up = new Float64Array(h.upHead.length);
  const down = new Float64Array(h.downTail.length);
  // sum of the hierarchy arc tail → mid → head's halves: tail → mid is stored at mid (backward), mid → head at mid (forward)
  const halves = (tail: number, mid: number, head: number, what: string): number => {
    const a = downArcIndex(h, tail, mid);
    const b = upArcIndex(h, mid, head);
    if (a < 0 || b < 0) throw new Error(`hierarchyArcSums: ${what} ${tail} → ${head} via rank ${mid} lacks a half (run checkHierarchyInvariants)`);
    return down[a] + up[b];
  };
  for (let r = 0; r < h.nodeCount; r++) {
    for (let i = h.upFirst[r]; i < h.upFirst[r + 1]; i++) {
      const mid = h.upMiddle[i];
      up[i] = mid === NO_MIDDLE ? column[h.upArc[i]] : halves(r, mid, h.upHead[i], "forward arc");
    }
    for (let i = h.downFirst[r]; i < h.downFirst[r + 1]; i++) {
      const mid = h.downMiddle[i];
      down[i] = mid === NO_MIDDLE ? column[h.downArc[i]] : halves(h.downTail[i], mid, r, "backward arc");
    }
  }
  return { up, down };
}
