/**
 * A metric-independent contraction order for customizable contraction hierarchies (cch.ts): nested dissection with
 * separators found by inertial flow (Schild & Sommer 2015, as used by Dibbelt, Strasser & Wagner's CCH and
 * RoutingKit). Only the topology and node coordinates are read, never a weight, so one order serves every metric.
 *
 * Hanging trees and the inner nodes of degree-2 chains are ordered first (peelTreesAndChains); the dissection runs on
 * the remaining core, where a chain is one edge. Recursion on a cell (a set of nodes, at first the whole core):
 * 1. a cell of at most `leafSize` nodes is ordered by ascending degree inside the cell;
 * 2. a disconnected cell is split into its connected components, each dissected on its own;
 * 3. otherwise, for each of four directions (x, y, x + y, x − y) the nodes are sorted by their projection, the first
 *    `balance` share becomes the source set and the last the sink set, and a maximum flow with unit capacity per
 *    edge (Dinic) gives a minimum edge cut; the smaller of the cut's two endpoint sets is a node separator. The
 *    direction with the fewest cut edges wins (a direction's flow stops once it reaches the best cut so far); both
 *    sides are dissected, and the separator ranks above them.
 * noThrough nodes (no path passes through them) rank lowest, below every dissected cell.
 */
import type { CsrGraph } from "../../graph/csr";

export interface NestedDissectionOptions {
  /** [node] 1 = may start or end a path but not be passed through; such nodes rank lowest. */
  readonly noThrough?: Uint8Array;
  /** Cells of at most this many nodes are not dissected further (default 8). */
  readonly leafSize?: number;
  /** Share of a cell taken as sources and as sinks along each projection (default 0.25). */
  readonly balance?: number;
}

/** Undirected simple adjacency (no self-loops, no duplicates) in CSR form. */
interface Adjacency {
  readonly first: Uint32Array; // [node] first neighbour slot; length n + 1
  readonly other: Uint32Array; // [slot] neighbour
}

function undirectedAdjacency(graph: CsrGraph, skip: Uint8Array | undefined): Adjacency {
  const n = graph.nodeCount;
  const { tail, head } = graph;
  const degree = new Uint32Array(n + 1);
  for (let a = 0; a < graph.arcCount; a++) {
    const u = tail[a];
    const v = head[a];
    if (u === v || (skip !== undefined && (skip[u] === 1 || skip[v] === 1))) continue;
    degree[u + 1]++;
    degree[v + 1]++;
  }
  for (let v = 0; v < n; v++) degree[v + 1] += degree[v];
  const raw = new Uint32Array(degree[n]);
  const next = degree.slice(0, n);
  for (let a = 0; a < graph.arcCount; a++) {
    const u = tail[a];
    const v = head[a];
    if (u === v || (skip !== undefined && (skip[u] === 1 || skip[v] === 1))) continue;
    raw[next[u]++] = v;
    raw[next[v]++] = u;
  }
  // drop duplicates (both directions of a two-way link, parallel arcs)
  const first = new Uint32Array(n + 1);
  const other = new Uint32Array(raw.length);
  const seen = new Int32Array(n).fill(-1);
  let k = 0;
  for (let v = 0; v < n; v++) {
    first[v] = k;
    for (let i = degree[v]; i < degree[v + 1]; i++) {
      const w = raw[i];
      if (seen[w] === v) continue;
      seen[w] = v;
      other[k++] = w;
    }
  }
  first[n] = k;
  return { first, other: other.slice(0, k) };
}

/**
 * Trees and chains first: nodes that become leaves when leaves are removed repeatedly (hanging trees), then the
 * inner nodes of chains of degree-2 nodes, are ordered before the dissection (eliminating a leaf adds no fill; a
 * chain's inner nodes add only the edge that bypasses the chain). The rest, the core (degree ≥ 3 after peeling,
 * plus one node of each cycle made only of degree-2 nodes), is dissected on the core adjacency, where each chain
 * becomes one edge between its end nodes. On road graphs most nodes are peeled (Moscow: about three quarters).
 */
function peelTreesAndChains(adj: Adjacency, skip: Uint8Array | undefined): { first: Uint32Array; core: Adjacency; coreNodes: Uint32Array } {
  const n = adj.first.length - 1;
  const removed = new Uint8Array(n); // [node] 1 = ordered before the dissection (or a noThrough node)
  if (skip) for (let v = 0; v < n; v++) if (skip[v] === 1) removed[v] = 1;
  const degree = new Int32Array(n);
  for (let v = 0; v < n; v++) degree[v] = adj.first[v + 1] - adj.first[v];
  const first: number[] = [];
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (removed[v] === 0 && degree[v] <= 1) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    if (removed[v] === 1) continue;
    removed[v] = 1;
    first.push(v);
    for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
      const w = adj.other[s];
      if (removed[w] === 1) continue;
      if (--degree[w] <= 1) queue.push(w);
    }
  }
  const isCore = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (removed[v] === 0 && degree[v] >= 3) isCore[v] = 1;
  // the alive neighbour of chain node v other than `from`
  const nextOnChain = (v: number, from: number): number => {
    for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
      const w = adj.other[s];
      if (removed[w] === 0 && w !== from) return w;
    }
    return from; // a chain of two nodes joined twice cannot occur in a simple graph; stay put
  };
  // cycles of degree-2 nodes only: promote one node of each to the core
  const visited = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (removed[v] === 1 || isCore[v] === 1 || visited[v] === 1) continue;
    visited[v] = 1;
    let reachesCore = false;
    for (let side = 0; side < 2 && !reachesCore; side++) {
      let prev = v;
      let cur = -1;
      let k = 0;
      for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
        if (removed[adj.other[s]] === 0 && k++ === side) cur = adj.other[s];
      }
      while (cur >= 0 && cur !== v && isCore[cur] === 0) {
        visited[cur] = 1;
        const next = nextOnChain(cur, prev);
        prev = cur;
        cur = next;
      }
      if (cur >= 0 && cur !== v) reachesCore = true;
    }
    if (!reachesCore) isCore[v] = 1;
  }
  for (let v = 0; v < n; v++) if (removed[v] === 0 && isCore[v] === 0) first.push(v);
  // core adjacency: core neighbours directly or through one chain
  const coreNodes: number[] = [];
  for (let v = 0; v < n; v++) if (isCore[v] === 1) coreNodes.push(v);
  const coreFirst = new Uint32Array(n + 1);
  const other: number[] = [];
  const seen = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    coreFirst[v] = other.length;
    if (isCore[v] === 0) continue;
    seen[v] = v;
    for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
      let prev = v;
      let cur = adj.other[s];
      if (removed[cur] === 1) continue;
      while (isCore[cur] === 0) {
        const next = nextOnChain(cur, prev);
        prev = cur;
        cur = next;
      }
      if (seen[cur] === v) continue;
      seen[cur] = v;
      other.push(cur);
    }
  }
  coreFirst[n] = other.length;
  return { first: Uint32Array.from(first), core: { first: coreFirst, other: Uint32Array.from(other) }, coreNodes: Uint32Array.from(coreNodes) };
}

/**
 * Contraction order [rank] → node by nested dissection with inertial-flow separators (see the file comment).
 * `x`, `y` are node coordinates ([node]; any planar projection, e.g. longitude and latitude).
 */
export function nestedDissectionOrder(graph: CsrGraph, x: ArrayLike<number>, y: ArrayLike<number>, options: NestedDissectionOptions = {}): Uint32Array {
  const n = graph.nodeCount;
  if (x.length !== n || y.length !== n) throw new RangeError(`nestedDissectionOrder: ${x.length} x and ${y.length} y coordinates for ${n} nodes`);
  const noThrough = options.noThrough;
  if (noThrough && noThrough.length !== n) throw new RangeError(`nestedDissectionOrder: noThrough has ${noThrough.length} entries for ${n} nodes`);
  for (let v = 0; v < n; v++) {
    if (!(Number.isFinite(x[v]) && Number.isFinite(y[v]))) throw new RangeError(`nestedDissectionOrder: node ${v} has coordinates (${x[v]}, ${y[v]}); they must be finite`);
  }
  const leafSize = Math.max(2, options.leafSize ?? 8);
  const balance = options.balance ?? 0.25;
  const full = undirectedAdjacency(graph, noThrough);
  const order = new Uint32Array(n); // [rank] node
  let placed = 0;
  if (noThrough) for (let v = 0; v < n; v++) if (noThrough[v] === 1) order[placed++] = v;
  const peeled = peelTreesAndChains(full, noThrough);
  for (let i = 0; i < peeled.first.length; i++) order[placed++] = peeled.first[i];
  const adj = peeled.core;

  // scratch shared by every cell (a cell's local structures are finished with before its parts are dissected)
  const stamp = new Int32Array(n).fill(-1); // [node] id of the cell operation that last marked it
  const localOf = new Int32Array(n); // [node] index inside the current cell
  let operation = 0;

  const appendLeaf = (nodes: Uint32Array): void => {
    const op = ++operation;
    for (let i = 0; i < nodes.length; i++) stamp[nodes[i]] = op;
    const deg = new Uint32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i];
      for (let s = adj.first[v]; s < adj.first[v + 1]; s++) if (stamp[adj.other[s]] === op) deg[i]++;
    }
    const idx = Array.from({ length: nodes.length }, (_, i) => i).sort((a, b) => deg[a] - deg[b] || nodes[a] - nodes[b]);
    for (const i of idx) order[placed++] = nodes[i];
  };

  /** Connected components of the cell (node lists), by breadth-first search inside the cell. */
  const components = (nodes: Uint32Array): Uint32Array[] => {
    const op = ++operation;
    for (let i = 0; i < nodes.length; i++) stamp[nodes[i]] = op;
    const visited = ++operation;
    const queue = new Uint32Array(nodes.length);
    const parts: Uint32Array[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const root = nodes[i];
      if (stamp[root] !== op) continue;
      let qHead = 0;
      let qTail = 0;
      queue[qTail++] = root;
      stamp[root] = visited;
      while (qHead < qTail) {
        const v = queue[qHead++];
        for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
          const w = adj.other[s];
          if (stamp[w] !== op) continue;
          stamp[w] = visited;
          queue[qTail++] = w;
        }
      }
      parts.push(queue.slice(0, qTail));
    }
    return parts;
  };

  /** Separator and the two sides of a connected cell by inertial flow. */
  const separate = (nodes: Uint32Array): { separator: Uint32Array; sideA: Uint32Array; sideB: Uint32Array } => {
    const k = nodes.length;
    const op = ++operation;
    for (let i = 0; i < k; i++) {
      stamp[nodes[i]] = op;
      localOf[nodes[i]] = i;
    }
    // local symmetric CSR with twin slots
    const first = new Uint32Array(k + 1);
    for (let i = 0; i < k; i++) {
      const v = nodes[i];
      for (let s = adj.first[v]; s < adj.first[v + 1]; s++) if (stamp[adj.other[s]] === op) first[i + 1]++;
    }
    for (let i = 0; i < k; i++) first[i + 1] += first[i];
    const m = first[k];
    const other = new Uint32Array(m);
    const twin = new Uint32Array(m);
    const cursor = first.slice(0, k);
    for (let i = 0; i < k; i++) {
      const v = nodes[i];
      for (let s = adj.first[v]; s < adj.first[v + 1]; s++) {
        const w = adj.other[s];
        if (stamp[w] !== op) continue;
        const j = localOf[w];
        if (j <= i) continue;
        const p = cursor[i]++;
        const q = cursor[j]++;
        other[p] = j;
        other[q] = i;
        twin[p] = q;
        twin[q] = p;
      }
    }
    const flow = new Int8Array(m); // [slot] flow along the slot's direction (−1, 0, 1); residual = 1 − flow
    const role = new Uint8Array(k); // 1 source, 2 sink
    const level = new Int32Array(k);
    const iter = new Uint32Array(k);
    const queue = new Uint32Array(k);
    const stackNode = new Uint32Array(k);
    const stackSlot = new Uint32Array(k);
    const proj = new Float64Array(k);
    const sorted = new Float64Array(k);
    const reach = new Uint8Array(k);
    const bestReach = new Uint8Array(k);
    let bestFlow = Number.POSITIVE_INFINITY; // cut edges of the best direction so far
    let bestUseA = true;
    const side = Math.max(1, Math.floor(balance * k));
    const directions = [
      [1, 0],
      [0, 1],
      [1, 1],
      [1, -1],
    ];
    for (const [cx, cy] of directions) {
      for (let i = 0; i < k; i++) proj[i] = cx * x[nodes[i]] + cy * y[nodes[i]];
      // the `side` lowest projections are sources, the `side` highest sinks (ties by cell position)
      sorted.set(proj);
      sorted.sort();
      const low = sorted[side - 1];
      const high = sorted[k - side];
      role.fill(0);
      let sources = 0;
      for (let i = 0; i < k; i++) {
        if (proj[i] < low || (proj[i] === low && sources < side)) {
          role[i] = 1;
          sources++;
        }
      }
      let sinks = 0;
      for (let i = k - 1; i >= 0; i--) {
        if (role[i] === 0 && (proj[i] > high || (proj[i] === high && sinks < side))) {
          role[i] = 2;
          sinks++;
        }
      }
      flow.fill(0);
      let flowValue = 0;
      // Dinic: breadth-first levels from all sources, then blocking flow by depth-first search
      for (;;) {
        level.fill(-1);
        let qHead = 0;
        let qTail = 0;
        for (let i = 0; i < k; i++) {
          if (role[i] === 1) {
            level[i] = 0;
            queue[qTail++] = i;
          }
        }
        let sinkLevel = -1;
        while (qHead < qTail) {
          const u = queue[qHead++];
          if (sinkLevel >= 0 && level[u] >= sinkLevel) break;
          for (let p = first[u]; p < first[u + 1]; p++) {
            const w = other[p];
            if (level[w] >= 0 || flow[p] >= 1) continue;
            level[w] = level[u] + 1;
            if (role[w] === 2) sinkLevel = level[w];
            else queue[qTail++] = w;
          }
        }
        if (sinkLevel < 0 || flowValue >= bestFlow) break;
        for (let i = 0; i < k; i++) iter[i] = first[i];
        for (let s = 0; s < k; s++) {
          if (role[s] !== 1) continue;
          // augment from source s while paths remain
          let depth = 0;
          stackNode[0] = s;
          while (depth >= 0) {
            const u = stackNode[depth];
            if (role[u] === 2) {
              for (let d = 0; d < depth; d++) {
                const p = stackSlot[d];
                flow[p]++;
                flow[twin[p]]--;
              }
              flowValue++;
              depth = 0;
              continue;
            }
            let advanced = false;
            for (let p = iter[u]; p < first[u + 1]; p = ++iter[u]) {
              const w = other[p];
              if (flow[p] >= 1 || level[w] !== level[u] + 1) continue;
              stackSlot[depth] = p;
              stackNode[++depth] = w;
              advanced = true;
              break;
            }
            if (advanced) continue;
            level[u] = -1; // dead end in this phase
            depth--;
            if (depth >= 0) iter[stackNode[depth]]++;
          }
        }
      }
      if (flowValue >= bestFlow) continue; // this direction cannot cut fewer edges than the best one
      // residual reachability from the sources = the source side of a minimum cut
      reach.fill(0);
      let qHead = 0;
      let qTail = 0;
      for (let i = 0; i < k; i++) {
        if (role[i] === 1) {
          reach[i] = 1;
          queue[qTail++] = i;
        }
      }
      while (qHead < qTail) {
        const u = queue[qHead++];
        for (let p = first[u]; p < first[u + 1]; p++) {
          const w = other[p];
          if (reach[w] === 1 || flow[p] >= 1) continue;
          reach[w] = 1;
          queue[qTail++] = w;
        }
      }
      // endpoints of cut edges on each side; the smaller set is the separator
      let countA = 0;
      let countB = 0;
      for (let u = 0; u < k; u++) {
        let touches = false;
        for (let p = first[u]; p < first[u + 1]; p++) {
          if (reach[u] !== reach[other[p]]) {
            touches = true;
            break;
          }
        }
        if (!touches) continue;
        if (reach[u] === 1) countA++;
        else countB++;
      }
      bestFlow = flowValue;
      bestUseA = countA <= countB;
      bestReach.set(reach);
    }
    const separator: number[] = [];
    const sideA: number[] = [];
    const sideB: number[] = [];
    for (let u = 0; u < k; u++) {
      let touches = false;
      for (let p = first[u]; p < first[u + 1]; p++) {
        if (bestReach[u] !== bestReach[other[p]]) {
          touches = true;
          break;
        }
      }
      const inA = bestReach[u] === 1;
      if (touches && inA === bestUseA) separator.push(nodes[u]);
      else if (inA) sideA.push(nodes[u]);
      else sideB.push(nodes[u]);
    }
    return { separator: Uint32Array.from(separator), sideA: Uint32Array.from(sideA), sideB: Uint32Array.from(sideB) };
  };

  const dissect = (nodes: Uint32Array): void => {
    if (nodes.length === 0) return;
    if (nodes.length <= leafSize) {
      appendLeaf(nodes);
      return;
    }
    const parts = components(nodes);
    if (parts.length > 1) {
      for (const part of parts) dissect(part);
      return;
    }
    const { separator, sideA, sideB } = separate(nodes);
    if (sideA.length === nodes.length || sideB.length === nodes.length) {
      appendLeaf(nodes); // no cut found (cannot happen on a connected cell with distinct sources and sinks); stop here
      return;
    }
    dissect(sideA);
    dissect(sideB);
    appendLeaf(separator);
  };

  dissect(peeled.coreNodes);
  if (placed !== n) throw new Error(`nestedDissectionOrder: placed ${placed} of ${n} nodes`);
  return order;
}
