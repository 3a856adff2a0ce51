/** Contraction hierarchies on the CSR graph: the immutable hierarchy, its builder, queries and matrices, and the customizable variant. */
export { buildContractionHierarchy } from "./build";
export type { ChBuildOptions } from "./build";
export { allocateMetric, buildCustomizableHierarchy, checkCchInvariants, customize, customizedHierarchy, customizeHierarchy } from "./cch";
export type { CchMetric, CustomizableHierarchy } from "./cch";
export { checkHierarchyInvariants, NO_MIDDLE } from "./hierarchy";
export type { ContractionHierarchy } from "./hierarchy";
export { nestedDissectionOrder } from "./order";
export type { NestedDissectionOptions } from "./order";
export { customizableHierarchyOf } from "./network-cch";
export { ChQuery } from "./query";
export type { ChPathRow } from "./query";
export { hierarchyArcSums } from "./sums";
export type { ArcSums } from "./sums";
