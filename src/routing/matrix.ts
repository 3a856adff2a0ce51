import { type CsrGraph, INF_WEIGHT, NO_ARC, type NodeIndex } from "../graph/csr";
import { customizeHierarchy } from "./ch/cch";
import { customizableHierarchyOf } from "./ch/network-cch";
import { type ChPathRow, ChQuery } from "./ch/query";
import { DijkstraQuery, type OneToAllQuery, type ReweightableQuery, type ShortestPathQuery } from "./dijkstra";

/** Result of a many-to-many computation: row-major over (source, target). */
export interface DistanceMatrix {
  readonly sourceCount: number;
  readonly targetCount: number;
  /** [source * targetCount + target] shortest distance under the query's weights, INF_WEIGHT when unreachable. */
  readonly distance: Float64Array;
  /**
   * [column][source * targetCount + target] sum of each extra per-arc column along the chosen shortest path (e.g.
   * distanceKm while optimising time); NaN when unreachable. Same order as `sumColumns` in the call.
   */
  readonly sums: Float64Array[];
}

export interface MatrixOptions {
  /** Per-arc columns to add up along each chosen path ([arc] each). */
  readonly sumColumns?: readonly Float64Array[];
  /**
   * Called after each source row is done (progress reporting, reading the row's tree). With `groups`, called once
   * per (row, group) after that group's search, with the target indices of the group (`subset`).
   */
  readonly onRow?: (sourceIndex: number, subset?: RowSubset) => void;
  /**
   * Targets searched on their own weight columns (rules of passage, routing/passage-groups.ts): cell (i, j) is found
   * on weights[cellGroup(i, j)]. A group's weights equal weights[0] but for arcs they forbid (+Infinity), unless
   * `reweighted[g]` says otherwise (a tariff discount): group 0's search per row answers every cell whose path the
   * cell's group allows and does not reweight, one more search per group answers the others, summing the group's own
   * `sumColumns[g]` (default: the call's). Needs a reweightable one-to-all query (DijkstraQuery); its weight column is
   * weights[0] after.
   */
  readonly groups?: {
    readonly weights: readonly Float64Array[];
    cellGroup(sourceIndex: number, targetIndex: number): number;
    /** [group] true when the group's weights differ from group 0's on arcs it allows (group 0 is never). */
    readonly reweighted?: readonly boolean[];
    /** [group] the columns to sum on the group's cells, in the order of the call's sumColumns. */
    readonly sumColumns?: readonly (readonly Float64Array[])[];
  };
}

/** The targets of one (row, group) search: index[0 .. count) are target indices. A view reused by the next call. */
export interface RowSubset {
  readonly group: number;
  readonly index: Uint32Array;
  readonly count: number;
}

function hasOneToAll(query: ShortestPathQuery): query is OneToAllQuery {
  return typeof (query as Partial<OneToAllQuery>).oneToAll === "function";
}

/** A query that computes a whole distance matrix at once (ChQuery: the bucket method over a contraction hierarchy). */
export interface BucketMatrixQuery extends ShortestPathQuery {
  /** Row-major [source * targets.length + target] distances, INF_WEIGHT where unreachable. */
  manyToMany(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>): Float64Array;
  /** Optional: distances plus per-arc column sums along each chosen path (NaN where unreachable), without unpacking paths. */
  manyToManyColumns?(sources: ArrayLike<NodeIndex>, targets: ArrayLike<NodeIndex>, columns: readonly ArrayLike<number>[]): { distance: Float64Array; sums: Float64Array[] };
}

function hasBucketMatrix(query: ShortestPathQuery): query is BucketMatrixQuery {
  return typeof (query as Partial<BucketMatrixQuery>).manyToMany === "function";
}

/**
 * Many-to-many shortest paths with ONE query object (its scratch state is reused by every row, nothing is
 * allocated per row). With a one-to-all query (Dijkstra) each source runs one search that stops when every target is
 * settled. With a bucket-matrix query (ChQuery over a CH or a customized CCH) the whole matrix comes from one
 * bucket computation (one upward search per source and per target); sum columns ride along as per-hierarchy-arc sums,
 * so no path is unpacked (the sums add the same arc values, grouped by shortcuts: equal up to float rounding). With any
 * other ShortestPathQuery (bidirectional, A*) each pair runs one oneToOne and unpacks its path.
 */
export function manyToMany(
  query: ShortestPathQuery,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  options: MatrixOptions = {},
): DistanceMatrix {
  const sourceCount = sources.length;
  const targetCount = targets.length;
  const distance = new Float64Array(sourceCount * targetCount);
  const columns = options.sumColumns ?? [];
  const sums = columns.map(() => new Float64Array(sourceCount * targetCount));
  const oneToAll = hasOneToAll(query);
  if (options.groups !== undefined && options.groups.weights.length > 1) {
    if (!oneToAll || typeof (query as Partial<ReweightableQuery>).setWeight !== "function") throw new RangeError("manyToMany: target groups need a reweightable one-to-all query");
    groupedRows(query as OneToAllQuery & ReweightableQuery, sources, targets, columns, options.groups, distance, sums, options.onRow);
    return { sourceCount, targetCount, distance, sums };
  }
  if (!oneToAll && hasBucketMatrix(query) && (columns.length === 0 || typeof query.manyToManyColumns === "function")) {
    if (columns.length === 0) distance.set(query.manyToMany(sources, targets));
    else {
      const m = (query as Required<BucketMatrixQuery>).manyToManyColumns(sources, targets, columns);
      distance.set(m.distance);
      for (let c = 0; c < columns.length; c++) sums[c].set(m.sums[c]);
    }
    if (options.onRow) for (let i = 0; i < sourceCount; i++) options.onRow(i);
    return { sourceCount, targetCount, distance, sums };
  }
  for (let i = 0; i < sourceCount; i++) {
    const s = sources[i];
    if (oneToAll) {
      if (typeof query.oneToMany === "function") query.oneToMany(s, targets);
      else query.oneToAll(s);
    }
    for (let j = 0; j < targetCount; j++) {
      const t = targets[j];
      const cell = i * targetCount + j;
      const d = oneToAll ? query.distanceTo(t) : query.oneToOne(s, t);
      distance[cell] = d;
      if (columns.length === 0) continue;
      if (d === INF_WEIGHT) {
        for (let c = 0; c < columns.length; c++) sums[c][cell] = Number.NaN;
        continue;
      }
      if (oneToAll) {
        // walk the shortest-path tree back from t; no allocation
        const tail = query.graph.tail;
        for (let c = 0; c < columns.length; c++) sums[c][cell] = 0;
        for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
          for (let c = 0; c < columns.length; c++) sums[c][cell] += columns[c][a];
        }
      } else {
        const arcs = query.pathArcs(t);
        for (let c = 0; c < columns.length; c++) {
          let total = 0;
          for (const a of arcs) total += columns[c][a];
          sums[c][cell] = total;
        }
      }
    }
    options.onRow?.(i);
  }
  return { sourceCount, targetCount, distance, sums };
}

/**
 * manyToMany with target groups: per row, one search on group 0's weights to every target; a cell of another group
 * takes that path when it uses no arc its group forbids, and the rest of each group get one search on the group's
 * weights. Scratch arrays are allocated once per call; nothing per row.
 */
function groupedRows(
  query: OneToAllQuery & ReweightableQuery,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  columns: readonly Float64Array[],
  groups: NonNullable<MatrixOptions["groups"]>,
  distance: Float64Array,
  sums: Float64Array[],
  onRow: MatrixOptions["onRow"],
): void {
  const targetCount = targets.length;
  const groupCount = groups.weights.length;
  const cellGroup = new Int32Array(targetCount); // [target] group of the row's cell
  const members = new Uint32Array(targetCount); // target indices of the group being searched
  const memberNodes = new Uint32Array(targetCount); // their nodes
  const present = new Uint8Array(groupCount);
  const subset = { group: 0, index: members, count: 0 };
  const pending = new Uint8Array(targetCount); // [target] 1 = its group's own search is needed
  const tail = query.graph.tail;
  const weight0 = groups.weights[0];
  let current = -1;
  const setGroup = (g: number) => {
    if (current === g) return;
    query.setWeight(groups.weights[g]);
    current = g;
  };
  /** distance and sums (on group g's columns) of cell (i, j) from the query's current tree. */
  const record = (i: number, j: number, g: number) => {
    const t = targets[j];
    const cell = i * targetCount + j;
    const d = query.distanceTo(t);
    distance[cell] = d;
    if (columns.length === 0) return;
    if (d === INF_WEIGHT) {
      for (let c = 0; c < columns.length; c++) sums[c][cell] = Number.NaN;
      return;
    }
    const own = groups.sumColumns?.[g] ?? columns;
    for (let c = 0; c < columns.length; c++) sums[c][cell] = 0;
    for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
      for (let c = 0; c < columns.length; c++) sums[c][cell] += own[c][a];
    }
  };
  // per group and node of the row's tree: whether the path to the node uses an arc the group forbids, memoised so
  // the paths to all targets together cost one pass over the tree's nodes at most
  const nodeCount = query.graph.nodeCount;
  const stamp = new Uint32Array(nodeCount * groupCount);
  const verdict = new Uint8Array(nodeCount * groupCount);
  const stack = new Uint32Array(nodeCount);
  let rowStamp = 0;
  /** true when the current tree's path to target j uses no arc that group g's weights forbid (+Infinity). */
  const allowedIn = (j: number, g: number): boolean => {
    const w = groups.weights[g];
    if (w === weight0) return true;
    if (groups.reweighted?.[g] === true) return false; // its weights differ: group 0's path says nothing of its own
    const base = g * nodeCount;
    let depth = 0;
    let ok = 1;
    for (let v = targets[j]; ; ) {
      if (stamp[base + v] === rowStamp) {
        ok = verdict[base + v];
        break;
      }
      const a = query.predecessorArc(v);
      if (a === NO_ARC) break;
      stack[depth++] = v;
      if (w[a] === Number.POSITIVE_INFINITY) {
        ok = 0;
        break;
      }
      v = tail[a];
    }
    for (let k = 0; k < depth; k++) {
      stamp[base + stack[k]] = rowStamp;
      verdict[base + stack[k]] = ok;
    }
    return ok === 1;
  };
  const report = (i: number, g: number, count: number) => {
    if (!onRow || count === 0) return;
    subset.group = g;
    subset.count = count;
    onRow(i, subset);
  };
  const columnCount = columns.length;
  for (let i = 0; i < sources.length; i++) {
    // group 0's search to every target first: a group forbids group 0's arcs and more (its other weights are the
    // same), so where group 0's path to a target of group g uses no arc g forbids, it is g's shortest path too
    setGroup(0);
    if (typeof query.oneToMany === "function") query.oneToMany(sources[i], targets);
    else query.oneToAll(sources[i]);
    rowStamp++;
    present.fill(0);
    let anyPending = false;
    const row = i * targetCount;
    for (let j = 0; j < targetCount; j++) {
      const g = groups.cellGroup(i, j);
      cellGroup[j] = g;
      present[g] = 1;
      pending[j] = 0;
      const t = targets[j];
      const d = query.distanceTo(t);
      if (g > 0 && d !== INF_WEIGHT && !allowedIn(j, g)) {
        pending[j] = 1;
        anyPending = true;
        continue;
      }
      const cell = row + j;
      distance[cell] = d;
      if (columnCount === 0) continue;
      if (d === INF_WEIGHT) {
        for (let c = 0; c < columnCount; c++) sums[c][cell] = Number.NaN;
        continue;
      }
      for (let c = 0; c < columnCount; c++) sums[c][cell] = 0;
      for (let v = t, a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
        for (let c = 0; c < columnCount; c++) sums[c][cell] += columns[c][a];
      }
    }
    if (onRow) {
      for (let g = 0; g < groupCount; g++) {
        if (present[g] === 0) continue;
        let count = 0;
        for (let j = 0; j < targetCount; j++) if (cellGroup[j] === g && pending[j] === 0) members[count++] = j;
        report(i, g, count);
      }
    }
    if (!anyPending) continue;
    // the targets whose group-0 path crosses what their group forbids: one search per group
    for (let g = 1; g < groupCount; g++) {
      if (present[g] === 0) continue;
      let count = 0;
      for (let j = 0; j < targetCount; j++) {
        if (pending[j] === 0 || cellGroup[j] !== g) continue;
        members[count] = j;
        memberNodes[count++] = targets[j];
      }
      if (count === 0) continue;
      setGroup(g);
      if (typeof query.oneToMany === "function") query.oneToMany(sources[i], memberNodes.subarray(0, count));
      else query.oneToAll(sources[i]);
      for (let k = 0; k < count; k++) record(i, members[k], g);
      report(i, g, count);
    }
  }
  if (current > 0) query.setWeight(weight0);
}

/** A shortest-path problem on one weight column, with node coordinates for the hierarchy's nested-dissection order. */
export interface PathMatrixProblem {
  readonly graph: CsrGraph;
  readonly weight: Float64Array; // [arc]
  readonly noThrough?: Uint8Array; // [node]
  /** [node] coordinates (e.g. longitude and latitude in degrees); read only by the "cch" method. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/**
 * How the paths of a matrix are found. "dijkstra": one search per source stopping at its last target, paths read
 * from the search tree. "cch": the customizable hierarchy of the graph (built once per graph, customizableHierarchyOf)
 * customized for the weights, the bucket method and shortcut unpacking (ChQuery.manyToManyPaths). Both give shortest
 * paths; between equally short paths they may choose differently (docs/graph.md, tie-break).
 */
export type PathMatrixMethod = "dijkstra" | "cch";

/** One source row of shortestPathRows, valid inside its onRow call. */
export interface PathRow {
  /** True when target j is reachable. */
  reachable(targetIndex: number): boolean;
  /**
   * Graph arcs of the chosen shortest path to target j, source first; empty when unreachable or source = target. A
   * view into a buffer reused by the next call.
   */
  path(targetIndex: number): Uint32Array;
  /**
   * Cost of that path: the weights added along it from the source in order, as a Dijkstra search adds them (so a
   * path found by both methods has bit-identical costs); INF_WEIGHT where unreachable.
   */
  distance(targetIndex: number): number;
}

/**
 * The shortest path of every (source, target) cell, row by row: `onRow(i, row)` is called once per source after its
 * searches. Returns the method's preparation time (customization, and the hierarchy's build when this is the first
 * use on the graph) in seconds.
 */
export function shortestPathRows(
  problem: PathMatrixProblem,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  method: PathMatrixMethod,
  onRow: (sourceIndex: number, row: PathRow) => void,
): { prepareS: number } {
  const { graph, weight } = problem;
  const start = performance.now();
  const foldWeights = (path: Uint32Array): number => {
    let d = 0;
    for (let k = 0; k < path.length; k++) d += weight[path[k]];
    return d;
  };
  if (method === "cch") {
    const cch = customizableHierarchyOf(graph, problem.x, problem.y, problem.noThrough);
    const query = new ChQuery(customizeHierarchy(cch, weight));
    const prepareS = (performance.now() - start) / 1e3;
    let chRow: ChPathRow;
    // with zero weights an unpacked up–down path may run round a zero-weight cycle (which adds exactly 0): cut it
    let zeroWeights = false;
    for (let a = 0; a < graph.arcCount && !zeroWeights; a++) zeroWeights = weight[a] === 0;
    const mark = zeroWeights ? new Uint32Array(graph.nodeCount) : new Uint32Array(0);
    const position = zeroWeights ? new Uint32Array(graph.nodeCount) : new Uint32Array(0);
    let round = 0;
    const simple = (path: Uint32Array): Uint32Array => {
      if (!zeroWeights || path.length === 0) return path;
      if (++round === 0xffffffff) {
        mark.fill(0);
        round = 1;
      }
      const { head } = graph;
      mark[graph.tail[path[0]]] = round;
      position[graph.tail[path[0]]] = 0;
      let length = 0;
      for (let k = 0; k < path.length; k++) {
        const a = path[k];
        const v = head[a];
        if (mark[v] === round) {
          // back at v: drop the cycle since v was first reached
          for (let q = position[v]; q < length; q++) if (head[path[q]] !== v) mark[head[path[q]]] = 0;
          length = position[v];
          continue;
        }
        path[length++] = a;
        mark[v] = round;
        position[v] = length;
      }
      return path.subarray(0, length);
    };
    const row: PathRow = {
      reachable: (j) => chRow.distance(j) !== INF_WEIGHT,
      path: (j) => simple(chRow.path(j)),
      distance: (j) => (chRow.distance(j) === INF_WEIGHT ? INF_WEIGHT : foldWeights(simple(chRow.path(j)))),
    };
    query.manyToManyPaths(sources, targets, (i, r) => {
      chRow = r;
      onRow(i, row);
    });
    return { prepareS };
  }
  const query = new DijkstraQuery(graph, weight, { noThrough: problem.noThrough });
  const prepareS = (performance.now() - start) / 1e3;
  const tail = graph.tail;
  let buffer = new Uint32Array(256);
  const row: PathRow = {
    reachable: (j) => query.distanceTo(targets[j]) !== INF_WEIGHT,
    path: (j) => {
      let length = 0;
      for (let v = targets[j], a = query.predecessorArc(v); a !== NO_ARC; v = tail[a], a = query.predecessorArc(v)) {
        if (length === buffer.length) {
          const grown = new Uint32Array(2 * length);
          grown.set(buffer);
          buffer = grown;
        }
        buffer[length++] = a;
      }
      return buffer.subarray(0, length).reverse();
    },
    distance: (j) => query.distanceTo(targets[j]),
  };
  for (let i = 0; i < sources.length; i++) {
    query.oneToMany(sources[i], targets);
    onRow(i, row);
  }
  return { prepareS };
}

/**
 * The matrix of distances and per-arc column sums along each chosen path, by `method` (see PathMatrixMethod). The
 * distance is the weights added along the path from the source, the sums add each column from the target back to the
 * source — both in the order manyToMany over a DijkstraQuery adds them, so a cell whose path both methods choose has
 * bit-identical figures. NaN sums and INF_WEIGHT distance where unreachable.
 */
export function pathSumsMatrix(
  problem: PathMatrixProblem,
  sources: ArrayLike<NodeIndex>,
  targets: ArrayLike<NodeIndex>,
  sumColumns: readonly Float64Array[],
  method: PathMatrixMethod,
): DistanceMatrix & { prepareS: number } {
  const sourceCount = sources.length;
  const targetCount = targets.length;
  const distance = new Float64Array(sourceCount * targetCount);
  const sums = sumColumns.map(() => new Float64Array(sourceCount * targetCount));
  const weight = problem.weight;
  const { prepareS } = shortestPathRows(problem, sources, targets, method, (i, row) => {
    for (let j = 0; j < targetCount; j++) {
      const cell = i * targetCount + j;
      if (!row.reachable(j)) {
        distance[cell] = INF_WEIGHT;
        for (let c = 0; c < sums.length; c++) sums[c][cell] = Number.NaN;
        continue;
      }
      const path = row.path(j);
      let d = 0;
      for (let k = 0; k < path.length; k++) d += weight[path[k]];
      distance[cell] = d;
      for (let c = 0; c < sums.length; c++) {
        const column = sumColumns[c];
        let total = 0;
        for (let k = path.length - 1; k >= 0; k--) total += column[path[k]];
        sums[c][cell] = total;
      }
    }
  });
  return { sourceCount, targetCount, distance, sums, prepareS };
}
