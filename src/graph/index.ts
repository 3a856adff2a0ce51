export { buildCsr, buildReverse, checkCsrInvariants, findArc, INF_WEIGHT, NO_ARC, NO_NODE, permuteToCsr } from "./csr";
export type { ArcIndex, CsrGraph, CsrReverse, NodeIndex } from "./csr";
export { IndexedMinHeap } from "./heap";
