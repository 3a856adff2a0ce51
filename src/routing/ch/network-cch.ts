/**
 * One metric-independent customizable hierarchy per graph, built on first use and kept while the graph lives (a
 * WeakMap on the CsrGraph object): the baseline and scenario states of a run, every variant of a sweep and every
 * request of a server share one structure and need only a customization per weight column (a scenario overlay
 * changes weights and opens or closes arcs; an added link is an arc of the extended graph, closed where it is not
 * built), never a new preprocessing.
 */
import type { CsrGraph } from "../../graph/csr";
import { buildCustomizableHierarchy, type CustomizableHierarchy } from "./cch";
import { nestedDissectionOrder } from "./order";

const structures = new WeakMap<CsrGraph, { noThrough: Uint8Array | undefined; cch: CustomizableHierarchy }>();

/**
 * The customizable hierarchy of `graph` (nested-dissection order on the node coordinates `x`, `y`, e.g. longitude and
 * latitude in degrees), built once per graph object and noThrough mask; the coordinates of the first call decide the
 * order (they change its speed, never a distance).
 */
export function customizableHierarchyOf(graph: CsrGraph, x: ArrayLike<number>, y: ArrayLike<number>, noThrough?: Uint8Array): CustomizableHierarchy {
  const kept = structures.get(graph);
  if (kept && kept.noThrough === noThrough) return kept.cch;
  const cch = buildCustomizableHierarchy(graph, nestedDissectionOrder(graph, x, y, { noThrough }), noThrough);
  structures.set(graph, { noThrough, cch });
  return cch;
}
