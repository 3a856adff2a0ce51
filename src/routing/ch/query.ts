/**
 * Queries on a ContractionHierarchy: bidirectional upward Dijkstra with stall-on-demand for one-to-one distances
 * and paths (shortcuts unpacked through their middle nodes into graph arc ids), and a many-to-many matrix by the
 * bucket method (one backward upward search per target fills buckets, one forward upward search per source scans
 * them). A ChQuery owns its scratch arrays (reset in O(1) by timestamps); the hierarchy is shared and never written.
 */
import { type ArcIndex, INF_WEIGHT, type NodeIndex } from "../../graph/csr";
import { IndexedMinHeap } from "../../graph/heap";
import type { ShortestPathQuery } from "../dijkstra";
import { type ContractionHierarchy, findDownArc, findUpArc, NO_MIDDLE } from "./hierarchy";
import { type ArcSums, hierarchyArcSums } from "./sums";

export class ChQuery implements ShortestPathQuery {
  readonly hierarchy: ContractionHierarchy;
  /** [rank] forward tentative distance, valid where stampF = round. */
  private readonly distF: Float64Array;
  /** [rank] backward tentative distance, valid where stampB = round. */
  private readonly distB: Float64Array;
  private readonly stampF: Uint32Array;
  private readonly stampB: Uint32Array;
  /** [rank] up arc by which the forward search reached the node (-1 at the source). */
  private readonly predF: Int32Array;
  /** [rank] down arc by which the backward search reached the node (-1 at the target). */
  private readonly predB: Int32Array;
  private readonly heapF: IndexedMinHeap;
  private readonly heapB: IndexedMinHeap;
  private round = 0;
  private sourceRank = -1;
  private targetRank = -1;
  private meetRank = -1;
  private bestDist = INF_WEIGHT;
  /** Nodes settled by the last oneToOne (both directions), for benchmarks. */
  settledCount = 0;

  constructor(hierarchy: ContractionHierarchy) {
    const n = hierarchy.nodeCount;
    this.hierarchy = hierarchy;
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.stampF = new Uint32Array(n);
    this.stampB = new Uint32Array(n);
    this.predF = new Int32Array(n);
    this.predB = new Int32Array(n);
    this.heapF = new IndexedMinHeap(n);
    this.heapB = new IndexedMinHeap(n);
    this.predNode = new Int32Array(n);
  }

  private nextRound(): number {
    if (++this.round === 0xffffffff) {
      this.stampF.fill(0);
      this.stampB.fill(0);
      this.round = 1;
    }
    return this.round;
  }

  /** Shortest distance source → target (graph node ids), INF_WEIGHT when unreachable. */
  oneToOne(source: NodeIndex, target: NodeIndex): number {
    const h = this.hierarchy;
    const s = h.rankOf[source];
    const t = h.rankOf[target];
    const round = this.nextRound();
    this.sourceRank = s;
    this.targetRank = t;
    const { distF, distB, stampF, stampB, predF, predB, heapF, heapB } = this;
    const { upFirst, upHead, upWeight, downFirst, downTail, downWeight } = h;
    const noThrough = h.noThrough;
    heapF.clear();
    heapB.clear();
    distF[s] = 0;
    stampF[s] = round;
    predF[s] = -1;
    heapF.pushOrDecrease(s, 0);
    distB[t] = 0;
    stampB[t] = round;
    predB[t] = -1;
    heapB.pushOrDecrease(t, 0);
    let best = source === target ? 0 : INF_WEIGHT;
    let meet = source === target ? s : -1;
    let settled = 0;
    let doneF = false;
    let doneB = false;
    while (!(doneF && doneB)) {
      const forward = doneB || (!doneF && heapF.peekKey() <= heapB.peekKey());
      if (forward) {
        if (heapF.isEmpty() || heapF.peekKey() >= best) {
          doneF = true;
          continue;
        }
        const u = heapF.pop();
        settled++;
        const du = distF[u];
        const through = noThrough === undefined || noThrough[u] === 0 || u === s;
        if (stampB[u] === round && du + distB[u] < best && (through || u === t)) {
          best = du + distB[u];
          meet = u;
        }
        if (!through) continue;
        // stall-on-demand: a higher node reaches u more cheaply, so u is not on a shortest up-down path
        let stalled = false;
        for (let i = downFirst[u], end = downFirst[u + 1]; i < end; i++) {
          const y = downTail[i];
          if (stampF[y] === round && distF[y] + downWeight[i] < du && (noThrough === undefined || noThrough[y] === 0 || y === s)) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let i = upFirst[u], end = upFirst[u + 1]; i < end; i++) {
          const v = upHead[i];
          const dv = du + upWeight[i];
          if (stampF[v] !== round) {
            stampF[v] = round;
            distF[v] = dv;
            predF[v] = i;
            heapF.pushOrDecrease(v, dv);
          } else if (dv < distF[v]) {
            distF[v] = dv;
            predF[v] = i;
            heapF.pushOrDecrease(v, dv);
          }
        }
      } else {
        if (heapB.isEmpty() || heapB.peekKey() >= best) {
          doneB = true;
          continue;
        }
        const u = heapB.pop();
        settled++;
        const du = distB[u];
        const through = noThrough === undefined || noThrough[u] === 0 || u === t;
        if (stampF[u] === round && du + distF[u] < best && (through || u === s)) {
          best = du + distF[u];
          meet = u;
        }
        if (!through) continue;
        let stalled = false;
        for (let i = upFirst[u], end = upFirst[u + 1]; i < end; i++) {
          const y = upHead[i];
          if (stampB[y] === round && distB[y] + upWeight[i] < du && (noThrough === undefined || noThrough[y] === 0 || y === t)) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let i = downFirst[u], end = downFirst[u + 1]; i < end; i++) {
          const v = downTail[i];
          const dv = du + downWeight[i];
          if (stampB[v] !== round) {
            stampB[v] = round;
            distB[v] = dv;
            predB[v] = i;
            heapB.pushOrDecrease(v, dv);
          } else if (dv < distB[v]) {
            distB[v] = dv;
            predB[v] = i;
            heapB.pushOrDecrease(v, dv);
          }
        }
      }
    }
    this.settledCount = settled;
    this.bestDist = best;
    this.meetRank = meet;
    return best;
  }

  /**
   * Graph arcs of the path found by the last oneToOne, source to target; empty when unreachable or source = target.
   * `target` must be the last query's target.
   */
  pathArcs(target: NodeIndex): ArcIndex[] {
    const h = this.hierarchy;
    const arcs: ArcIndex[] = [];
    if (h.rankOf[target] !== this.targetRank || this.bestDist === INF_WEIGHT || this.meetRank < 0) return arcs;
    // forward half: meet back to source, collected in reverse
    const up: number[] = [];
    for (let v = this.meetRank; v !== this.sourceRank; ) {
      const i = this.predF[v];
      up.push(i);
      let tail = -1;
      // the up arc i leaves the rank whose range holds i
      tail = upTailOf(h, i);
      v = tail;
    }
    for (let k = up.length - 1; k >= 0; k--) {
      const i = up[k];
      unpack(h, upTailOf(h, i), h.upHead[i], h.upMiddle[i], h.upArc[i], arcs);
    }
    for (let v = this.meetRank; v !== this.targetRank; ) {
      const i = this.predB[v];
      const head = downHeadOf(h, i);
      unpack(h, v, head, h.downMiddle[i], h.downArc[i], arcs);
      v = head;
    }
    return arcs;
  }

  /**
   * Distance matrix sources × targets (graph node ids), row-major `[i * targets.length + j]`, INF_WEIGHT where
   * unreachable. Bucket method: targets' backward upward search spaces are stored per node, then each source's
   * forward upward search scans the buckets of the nodes it settles.
   */
  manyToMany(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>): Float64Array {
    const h = this.hierarchy;
    const n = h.nodeCount;
    const nt = targets.length;
    const result = new Float64Array(sources.length * nt).fill(INF_WEIGHT);
    const noThrough = h.noThrough;
    // backward searches: collect (node, target index, distance) entries
    let cap = 1024;
    let entryNode = new Uint32Array(cap);
    let entryTarget = new Uint32Array(cap);
    let entryDist = new Float64Array(cap);
    let count = 0;
    const targetRank = new Uint32Array(nt);
    for (let j = 0; j < nt; j++) {
      const t = h.rankOf[targets[j]];
      targetRank[j] = t;
      this.upwardSearch(t, false);
      const settledList = this.settledList;
      for (let k = 0; k < this.settledListLength; k++) {
        const v = settledList[k];
        if (count === cap) {
          cap *= 2;
          const a = new Uint32Array(cap);
          a.set(entryNode);
          entryNode = a;
          const b = new Uint32Array(cap);
          b.set(entryTarget);
          entryTarget = b;
          const c = new Float64Array(cap);
          c.set(entryDist);
          entryDist = c;
        }
        entryNode[count] = v;
        entryTarget[count] = j;
        entryDist[count] = this.distB[v];
        count++;
      }
    }
    // counting sort of the entries by node into buckets
    const bucketFirst = new Uint32Array(n + 1);
    for (let k = 0; k < count; k++) bucketFirst[entryNode[k] + 1]++;
    for (let v = 0; v < n; v++) bucketFirst[v + 1] += bucketFirst[v];
    const next = bucketFirst.slice(0, n);
    const bucketTarget = new Uint32Array(count);
    const bucketDist = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const slot = next[entryNode[k]]++;
      bucketTarget[slot] = entryTarget[k];
      bucketDist[slot] = entryDist[k];
    }
    // forward searches scan buckets
    const distF = this.distF;
    for (let i = 0; i < sources.length; i++) {
      const s = h.rankOf[sources[i]];
      this.upwardSearch(s, true);
      const row = i * nt;
      const settledList = this.settledList;
      for (let k = 0; k < this.settledListLength; k++) {
        const u = settledList[k];
        const du = distF[u];
        const inner = noThrough !== undefined && noThrough[u] === 1 && u !== s;
        for (let b = bucketFirst[u], end = bucketFirst[u + 1]; b < end; b++) {
          const j = bucketTarget[b];
          if (inner && targetRank[j] !== u) continue;
          const d = du + bucketDist[b];
          if (d < result[row + j]) result[row + j] = d;
        }
      }
    }
    return result;
  }

  /**
   * Distance matrix as manyToMany, plus for each entry of `arcSums` (hierarchyArcSums of a per-arc column) the
   * column's sum along the chosen path of every cell ([column][i * targets.length + j], NaN where unreachable), with
   * no path unpacking: each upward search carries the sums of its search-tree paths, and the cell adds the forward
   * and backward halves at the meeting node. The sums add the same arc values as the path's, grouped by shortcuts.
   */
  manyToManyWithSums(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>, arcSums: readonly ArcSums[]): { distance: Float64Array; sums: Float64Array[] } {
    const h = this.hierarchy;
    const n = h.nodeCount;
    const nt = targets.length;
    const k = arcSums.length;
    const distance = new Float64Array(sources.length * nt).fill(INF_WEIGHT);
    const sums = arcSums.map(() => new Float64Array(sources.length * nt).fill(Number.NaN));
    const noThrough = h.noThrough;
    const nodeSum = new Float64Array(n * k); // [rank * k + column] sum along the last search's tree path
    const fillNodeSums = (start: number, forward: boolean) => {
      const predArc = forward ? this.predF : this.predB;
      const list = this.settledList;
      for (let q = 0; q < this.settledListLength; q++) {
        const u = list[q];
        if (u === start) {
          for (let c = 0; c < k; c++) nodeSum[u * k + c] = 0;
          continue;
        }
        const p = this.predNode[u];
        const a = predArc[u];
        for (let c = 0; c < k; c++) nodeSum[u * k + c] = nodeSum[p * k + c] + (forward ? arcSums[c].up[a] : arcSums[c].down[a]);
      }
    };
    // backward searches: entries (node, target, distance, sums)
    let cap = 1024;
    let entryNode = new Uint32Array(cap);
    let entryTarget = new Uint32Array(cap);
    let entryDist = new Float64Array(cap);
    let entrySum = new Float64Array(cap * k);
    let count = 0;
    const targetRank = new Uint32Array(nt);
    for (let j = 0; j < nt; j++) {
      const t = h.rankOf[targets[j]];
      targetRank[j] = t;
      this.upwardSearch(t, false);
      fillNodeSums(t, false);
      for (let q = 0; q < this.settledListLength; q++) {
        const v = this.settledList[q];
        if (count === cap) {
          cap *= 2;
          const a = new Uint32Array(cap);
          a.set(entryNode);
          entryNode = a;
          const b = new Uint32Array(cap);
          b.set(entryTarget);
          entryTarget = b;
          const c = new Float64Array(cap);
          c.set(entryDist);
          entryDist = c;
          const d = new Float64Array(cap * k);
          d.set(entrySum);
          entrySum = d;
        }
        entryNode[count] = v;
        entryTarget[count] = j;
        entryDist[count] = this.distB[v];
        for (let c = 0; c < k; c++) entrySum[count * k + c] = nodeSum[v * k + c];
        count++;
      }
    }
    const bucketFirst = new Uint32Array(n + 1);
    for (let e = 0; e < count; e++) bucketFirst[entryNode[e] + 1]++;
    for (let v = 0; v < n; v++) bucketFirst[v + 1] += bucketFirst[v];
    const next = bucketFirst.slice(0, n);
    const bucketEntry = new Uint32Array(count);
    for (let e = 0; e < count; e++) bucketEntry[next[entryNode[e]]++] = e;
    const distF = this.distF;
    for (let i = 0; i < sources.length; i++) {
      const s = h.rankOf[sources[i]];
      this.upwardSearch(s, true);
      fillNodeSums(s, true);
      const row = i * nt;
      for (let q = 0; q < this.settledListLength; q++) {
        const u = this.settledList[q];
        const du = distF[u];
        const inner = noThrough !== undefined && noThrough[u] === 1 && u !== s;
        for (let b = bucketFirst[u], end = bucketFirst[u + 1]; b < end; b++) {
          const e = bucketEntry[b];
          const j = entryTarget[e];
          if (inner && targetRank[j] !== u) continue;
          const d = du + entryDist[e];
          if (d < distance[row + j]) {
            distance[row + j] = d;
            for (let c = 0; c < k; c++) sums[c][row + j] = nodeSum[u * k + c] + entrySum[e * k + c];
          }
        }
      }
    }
    return { distance, sums };
  }

  /** manyToManyWithSums for per-arc columns ([graph arc] each), their hierarchy arc sums computed first. */
  manyToManyColumns(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>, columns: readonly ArrayLike<number>[]): { distance: Float64Array; sums: Float64Array[] } {
    return this.manyToManyWithSums(
      sources,
      targets,
      columns.map((c) => hierarchyArcSums(this.hierarchy, c)),
    );
  }

  /**
   * Shortest paths of every cell sources × targets by the bucket method, row by row: after the forward upward search of
   * source i, `onRow(i, row)` may read each cell's distance (`row.distance(j)`, INF_WEIGHT where unreachable) and its
   * path as graph arc ids, source to target (`row.path(j)`: a view into a buffer reused by the next call). The path is
   * the chosen up–down path with every shortcut unpacked: the forward search tree from the source to the meeting node,
   * then the backward search tree of the target (kept per bucket entry as a parent entry and a hierarchy arc) from the
   * meeting node to the target. Distances are the hierarchy sums (pre-added shortcuts); a caller that needs the exact
   * float value of a graph's path adds the arc weights along `row.path(j)` in order, as Dijkstra does.
   *
   * Tie-break between equally short paths (deterministic for a hierarchy and its weights; Dijkstra may choose another
   * of the equally short paths): each upward search keeps the first predecessor by which a node reached its final
   * distance (strict improvement only, in heap order); a cell keeps the first meeting node, in the source search's
   * settling order, that gives its smallest distance (strict improvement only).
   */
  manyToManyPaths(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>, onRow: (sourceIndex: number, row: ChPathRow) => void): void {
    const h = this.hierarchy;
    const n = h.nodeCount;
    const nt = targets.length;
    const noThrough = h.noThrough;
    const halves = this.shortcutHalves();
    // backward searches: entries (node, target, distance, parent entry, down arc) in settling order per target
    let cap = 1024;
    let entryNode = new Uint32Array(cap);
    let entryTarget = new Uint32Array(cap);
    let entryDist = new Float64Array(cap);
    let entryParent = new Int32Array(cap);
    let entryArc = new Int32Array(cap);
    let count = 0;
    const entryOfRank = new Int32Array(n);
    const targetRank = new Uint32Array(nt);
    for (let j = 0; j < nt; j++) {
      const t = h.rankOf[targets[j]];
      targetRank[j] = t;
      this.upwardSearch(t, false);
      for (let q = 0; q < this.settledListLength; q++) {
        const v = this.settledList[q];
        if (count === cap) {
          cap *= 2;
          const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: (size: number) => T): T => {
            const b = make(cap);
            b.set(a);
            return b;
          };
          entryNode = grow(entryNode, (k) => new Uint32Array(k));
          entryTarget = grow(entryTarget, (k) => new Uint32Array(k));
          entryDist = grow(entryDist, (k) => new Float64Array(k));
          entryParent = grow(entryParent, (k) => new Int32Array(k));
          entryArc = grow(entryArc, (k) => new Int32Array(k));
        }
        entryOfRank[v] = count;
        entryNode[count] = v;
        entryTarget[count] = j;
        entryDist[count] = this.distB[v];
        // the parent relaxed v, so it was settled (not stalled) earlier in this search
        entryParent[count] = v === t ? -1 : entryOfRank[this.predNode[v]];
        entryArc[count] = v === t ? -1 : this.predB[v];
        count++;
      }
    }
    const bucketFirst = new Uint32Array(n + 1);
    for (let e = 0; e < count; e++) bucketFirst[entryNode[e] + 1]++;
    for (let v = 0; v < n; v++) bucketFirst[v + 1] += bucketFirst[v];
    const next = bucketFirst.slice(0, n);
    const bucketEntry = new Uint32Array(count);
    for (let e = 0; e < count; e++) bucketEntry[next[entryNode[e]]++] = e;
    const best = new Float64Array(nt);
    const bestMeet = new Int32Array(nt);
    const bestEntry = new Int32Array(nt);
    const distF = this.distF;
    const predF = this.predF;
    const predNode = this.predNode;
    const flat = this.unpackedArcs();
    let buffer = new Uint32Array(256);
    let stack = new Int32Array(64);
    let length = 0;
    // append the graph arcs of hierarchy arc `code` (2 × up arc, or 2 × down arc + 1), shortcuts unpacked in order
    const unpack = (code: number) => {
      if (flat !== null) {
        const first = flat.first[code];
        const size = flat.first[code + 1] - first;
        if (length + size > buffer.length) {
          const grown = new Uint32Array(Math.max(2 * buffer.length, length + size));
          grown.set(buffer.subarray(0, length));
          buffer = grown;
        }
        const arcs = flat.arcs;
        for (let k = first, end = first + size; k < end; k++) buffer[length++] = arcs[k];
        return;
      }
      let top = 0;
      stack[top++] = code;
      while (top > 0) {
        const c = stack[--top];
        const i = c >> 1;
        const down = (c & 1) === 1;
        const arc = down ? h.downArc[i] : h.upArc[i];
        if (arc >= 0) {
          if (length === buffer.length) {
            const grown = new Uint32Array(2 * length);
            grown.set(buffer);
            buffer = grown;
          }
          buffer[length++] = arc;
          continue;
        }
        if (top + 2 > stack.length) {
          const grown = new Int32Array(2 * stack.length);
          grown.set(stack);
          stack = grown;
        }
        // second half pushed first so the first half is unpacked first
        stack[top++] = 2 * (down ? halves.downSecond[i] : halves.upSecond[i]);
        stack[top++] = 2 * (down ? halves.downFirst[i] : halves.upFirst[i]) + 1;
      }
    };
    let sourceRank = 0;
    let upChain = new Int32Array(64);
    const row: ChPathRow = {
      distance: (j) => best[j],
      path: (j) => {
        length = 0;
        const meet = bestMeet[j];
        if (meet < 0) return buffer.subarray(0, 0);
        // forward half: meeting node back to the source, then unpacked from the source
        let chain = 0;
        for (let v = meet; v !== sourceRank; v = predNode[v]) {
          if (chain === upChain.length) {
            const grown = new Int32Array(2 * chain);
            grown.set(upChain);
            upChain = grown;
          }
          upChain[chain++] = predF[v];
        }
        for (let k = chain - 1; k >= 0; k--) unpack(2 * upChain[k]);
        for (let e = bestEntry[j]; entryParent[e] >= 0; e = entryParent[e]) unpack(2 * entryArc[e] + 1);
        return buffer.subarray(0, length);
      },
    };
    for (let i = 0; i < sources.length; i++) {
      const s = h.rankOf[sources[i]];
      sourceRank = s;
      best.fill(INF_WEIGHT);
      bestMeet.fill(-1);
      this.upwardSearch(s, true);
      for (let q = 0; q < this.settledListLength; q++) {
        const u = this.settledList[q];
        const du = distF[u];
        const inner = noThrough !== undefined && noThrough[u] === 1 && u !== s;
        for (let b = bucketFirst[u], end = bucketFirst[u + 1]; b < end; b++) {
          const e = bucketEntry[b];
          const j = entryTarget[e];
          if (inner && targetRank[j] !== u) continue;
          const d = du + entryDist[e];
          if (d < best[j]) {
            best[j] = d;
            bestMeet[j] = u;
            bestEntry[j] = e;
          }
        }
      }
      onRow(i, row);
    }
  }

  private flatArcs: { first: Float64Array; arcs: Uint32Array } | null | undefined;

  /**
   * Every hierarchy arc unpacked once into one array (code 2 × up arc or 2 × down arc + 1; its graph arcs are
   * arcs[first[code] .. first[code + 1]]), so a path is copied rather than unpacked arc by arc; null when the table
   * would exceed UNPACKED_ARCS_LIMIT entries (large road graphs), and paths are then unpacked with a stack.
   */
  private unpackedArcs(): { first: Float64Array; arcs: Uint32Array } | null {
    if (this.flatArcs !== undefined) return this.flatArcs;
    const h = this.hierarchy;
    const halves = this.shortcutHalves();
    const codes = 2 * Math.max(h.upHead.length, h.downTail.length);
    const size = new Float64Array(codes); // [code] number of graph arcs
    // a shortcut's halves are stored at its middle rank, below the rank holding the shortcut: ascending ranks see them first
    for (let r = 0; r < h.nodeCount; r++) {
      for (let i = h.upFirst[r]; i < h.upFirst[r + 1]; i++) size[2 * i] = h.upArc[i] >= 0 ? 1 : size[2 * halves.upFirst[i] + 1] + size[2 * halves.upSecond[i]];
      for (let i = h.downFirst[r]; i < h.downFirst[r + 1]; i++) size[2 * i + 1] = h.downArc[i] >= 0 ? 1 : size[2 * halves.downFirst[i] + 1] + size[2 * halves.downSecond[i]];
    }
    const first = new Float64Array(codes + 1);
    for (let c = 0; c < codes; c++) first[c + 1] = first[c] + size[c];
    if (first[codes] > UNPACKED_ARCS_LIMIT) {
      this.flatArcs = null;
      return null;
    }
    const arcs = new Uint32Array(first[codes]);
    const copy = (code: number, a: number, b: number) => {
      arcs.copyWithin(first[code], first[a], first[a + 1]);
      arcs.copyWithin(first[code] + size[a], first[b], first[b + 1]);
    };
    for (let r = 0; r < h.nodeCount; r++) {
      for (let i = h.upFirst[r]; i < h.upFirst[r + 1]; i++) {
        if (h.upArc[i] >= 0) arcs[first[2 * i]] = h.upArc[i];
        else copy(2 * i, 2 * halves.upFirst[i] + 1, 2 * halves.upSecond[i]);
      }
      for (let i = h.downFirst[r]; i < h.downFirst[r + 1]; i++) {
        if (h.downArc[i] >= 0) arcs[first[2 * i + 1]] = h.downArc[i];
        else copy(2 * i + 1, 2 * halves.downFirst[i] + 1, 2 * halves.downSecond[i]);
      }
    }
    this.flatArcs = { first, arcs };
    return this.flatArcs;
  }

  private halves: ShortcutHalves | undefined;

  /** [hierarchy arc] the two halves of each shortcut (first: a backward arc, second: a forward arc), found once. */
  private shortcutHalves(): ShortcutHalves {
    if (this.halves) return this.halves;
    const h = this.hierarchy;
    const upFirst = new Int32Array(h.upHead.length).fill(-1);
    const upSecond = new Int32Array(h.upHead.length).fill(-1);
    const downFirst = new Int32Array(h.downTail.length).fill(-1);
    const downSecond = new Int32Array(h.downTail.length).fill(-1);
    for (let r = 0; r < h.nodeCount; r++) {
      for (let i = h.upFirst[r]; i < h.upFirst[r + 1]; i++) {
        const mid = h.upMiddle[i];
        if (mid === NO_MIDDLE) continue;
        upFirst[i] = findDownArc(h, r, mid);
        upSecond[i] = findUpArc(h, mid, h.upHead[i]);
        if (upFirst[i] < 0 || upSecond[i] < 0) throw new Error(`ChQuery: forward shortcut ${r} → ${h.upHead[i]} via rank ${mid} lacks a half (run checkHierarchyInvariants)`);
      }
      for (let i = h.downFirst[r]; i < h.downFirst[r + 1]; i++) {
        const mid = h.downMiddle[i];
        if (mid === NO_MIDDLE) continue;
        downFirst[i] = findDownArc(h, h.downTail[i], mid);
        downSecond[i] = findUpArc(h, mid, r);
        if (downFirst[i] < 0 || downSecond[i] < 0) throw new Error(`ChQuery: backward shortcut ${h.downTail[i]} → ${r} via rank ${mid} lacks a half (run checkHierarchyInvariants)`);
      }
    }
    this.halves = { upFirst, upSecond, downFirst, downSecond };
    return this.halves;
  }

  /** [rank] node from which the last upwardSearch reached the rank (-1 at its start). */
  private readonly predNode: Int32Array = new Int32Array(0);

  /** [k] ranks settled (not stalled) by the last upwardSearch, in settling order. */
  private settledList = new Uint32Array(64);
  private settledListLength = 0;

  /** Full upward search from rank `start` (forward or backward) with stall-on-demand; fills settledList. */
  private upwardSearch(start: number, forward: boolean): void {
    const h = this.hierarchy;
    const round = this.nextRound();
    const dist = forward ? this.distF : this.distB;
    const stamp = forward ? this.stampF : this.stampB;
    const heap = forward ? this.heapF : this.heapB;
    const first = forward ? h.upFirst : h.downFirst;
    const other = forward ? h.upHead : h.downTail;
    const weight = forward ? h.upWeight : h.downWeight;
    const stallFirst = forward ? h.downFirst : h.upFirst;
    const stallOther = forward ? h.downTail : h.upHead;
    const stallWeight = forward ? h.downWeight : h.upWeight;
    const noThrough = h.noThrough;
    const predArc = forward ? this.predF : this.predB;
    const predNode = this.predNode;
    heap.clear();
    dist[start] = 0;
    stamp[start] = round;
    predArc[start] = -1;
    predNode[start] = -1;
    heap.pushOrDecrease(start, 0);
    let len = 0;
    while (!heap.isEmpty()) {
      const u = heap.pop();
      const du = dist[u];
      const through = noThrough === undefined || noThrough[u] === 0 || u === start;
      let stalled = false;
      if (through) {
        for (let i = stallFirst[u], end = stallFirst[u + 1]; i < end; i++) {
          const y = stallOther[i];
          if (stamp[y] === round && dist[y] + stallWeight[i] < du && (noThrough === undefined || noThrough[y] === 0 || y === start)) {
            stalled = true;
            break;
          }
        }
      }
      if (stalled) continue;
      if (len === this.settledList.length) {
        const grown = new Uint32Array(2 * len);
        grown.set(this.settledList);
        this.settledList = grown;
      }
      this.settledList[len++] = u;
      if (!through) continue;
      for (let i = first[u], end = first[u + 1]; i < end; i++) {
        const v = other[i];
        const dv = du + weight[i];
        if (stamp[v] !== round || dv < dist[v]) {
          stamp[v] = round;
          dist[v] = dv;
          predArc[v] = i;
          predNode[v] = u;
          heap.pushOrDecrease(v, dv);
        }
      }
    }
    this.settledListLength = len;
  }
}

/** Rank of the tail of forward up arc i (binary search in upFirst). */
function upTailOf(h: ContractionHierarchy, i: number): number {
  return rangeOwner(h.upFirst, i);
}

/** Rank of the head of backward arc i (the rank it is stored at). */
function downHeadOf(h: ContractionHierarchy, i: number): number {
  return rangeOwner(h.downFirst, i);
}

function rangeOwner(first: Uint32Array, i: number): number {
  let lo = 0;
  let hi = first.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (first[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  // skip empty ranges that start at the same offset
  while (first[lo + 1] <= i) lo++;
  return lo;
}

/** Append the graph arcs of hierarchy arc tail → head (ranks) to `arcs`, unpacking shortcuts recursively. */
function unpack(h: ContractionHierarchy, tail: number, head: number, middle: number, arc: number, arcs: ArcIndex[]): void {
  if (middle === NO_MIDDLE) {
    arcs.push(arc);
    return;
  }
  // first half tail → middle is stored at middle's backward list (tail ranks higher)
  const i = findDownArc(h, tail, middle);
  unpack(h, tail, middle, h.downMiddle[i], h.downArc[i], arcs);
  // second half middle → head is stored in middle's forward list
  const j = findUpArc(h, middle, head);
  unpack(h, middle, head, h.upMiddle[j], h.upArc[j], arcs);
}

/** Largest table of unpacked hierarchy arcs ChQuery.manyToManyPaths keeps (entries; 4 bytes each). */
const UNPACKED_ARCS_LIMIT = 16_000_000;

/** One row of ChQuery.manyToManyPaths, valid inside its onRow call. */
export interface ChPathRow {
  /** Distance to target j (hierarchy sum), INF_WEIGHT where unreachable. */
  distance(targetIndex: number): number;
  /** Graph arc ids of the chosen path to target j, source first; empty when unreachable or source = target. A view into a reused buffer. */
  path(targetIndex: number): Uint32Array;
}

interface ShortcutHalves {
  readonly upFirst: Int32Array; // [up arc] backward arc tail → middle, -1 for an original arc
  readonly upSecond: Int32Array; // [up arc] forward arc middle → head
  readonly downFirst: Int32Array; // [down arc] backward arc tail → middle
  readonly downSecond: Int32Array; // [down arc] forward arc middle → head
}
