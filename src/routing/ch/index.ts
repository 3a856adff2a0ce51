/** Contraction hierarchies on the CSR graph: the immutable hierarchy, its builder, queries and matrices. */
export { buildContractionHierarchy } from "./build";
export type { ChBuildOptions } from "./build";
export { checkHierarchyInvariants, NO_MIDDLE } from "./hierarchy";
export type { ContractionHierarchy } from "./hierarchy";
export { ChQuery } from "./query";
