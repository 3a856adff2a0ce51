export { CaravanError, ERROR_CATALOGUE, isCaravanError, parseError } from "./errors";
export type { CaravanErrorOptions, ErrorCode, ErrorSpec } from "./errors";
export { suggest } from "./suggest";
export { writeFileAtomic } from "./atomic-write";
