/** The network stage: load, validate and compile a dataset; resolve places. */
export {
  ARC_ACCESS_ARRIVE,
  ARC_ACCESS_DEPART,
  ARC_COLUMNS,
  ARC_FERRY,
  ARC_GAUGE_CHANGE,
  ARC_KINDS,
  ARC_LINK,
  ARC_TRANSSHIPMENT,
  accessNode,
  COMPILED_FORMAT_VERSION,
  countryIndex,
  isArcAvailableInYear,
  isArcClosedInMonth,
  isRailLayer,
  LAYER_ACCESS,
  LAYER_AIR,
  LAYER_COUNT,
  LAYER_GAUGE_MM,
  LAYER_RAIL_1000,
  LAYER_RAIL_1067,
  LAYER_RAIL_1435,
  LAYER_RAIL_1520,
  LAYER_RAIL_1668,
  LAYER_ROAD,
  LAYER_SEA,
  LAYERS,
  layerNode,
  MODE_AIR,
  MODE_CODES,
  MODE_FERRY,
  MODE_NONE,
  MODE_RAIL,
  MODE_ROAD,
  MODE_SEA,
  NO_COUNTRY,
  NO_INDEX,
  railLayerOfGauge,
  STATUS_CODES,
  STATUS_CONSTRUCTION,
  STATUS_OPEN,
  STATUS_PLANNED,
} from "./compiled";
export type { ArcKindName, CompiledArcs, CompiledNetwork, LayerName } from "./compiled";
export { fromBuffer, packCompiled, sidecarOf } from "./binary";
export type { CompiledParts } from "./binary";
export { compileNetwork, expectedOpeningWaitH, monthMaskOfRange } from "./build";
export { checkCompiledNetwork } from "./check";
export { datasetFiles, EARTH_RADIUS_KM, formatProblem, GREAT_CIRCLE_RULE, haversineKm, loadNetwork, validateNetwork } from "./load";
export type { NetworkProblem, ProblemCode, ValidationResult } from "./load";
export { originKey } from "./model";
export { compilerCacheKey, compilerCodeHash } from "./code-hash";
export { cacheEntryPaths, datasetHash, defaultCacheDir, MAX_CACHE_ENTRIES, openCachedNetwork, readCompiledCache, writeCompiledCache } from "./cache";
export { openNetwork } from "./open";
export type { OpenOptions } from "./open";
export { networkCsv, networkGeoJson, networkStats } from "./report";
export type { NetworkStats } from "./report";
export { PlaceResolver, resolvePlace } from "./resolve";
export { ArcPatchBuilder, canonicalRecordId, deriveNetworkState, isArcOpenInState, resolveChokepoint, resolveNetworkState } from "./state";
export type { ArcPatch, NetworkState, StateOptions } from "./state";
export type { ResolveOptions } from "./resolve";
export type { LoadedLink, ModesFile, NetworkData, RecordOrigin, RuleEntry, SourceEntry } from "./model";
