export { CaravanError, ERROR_CATALOGUE, isCaravanError, parseError } from "./errors";
export type { CaravanErrorOptions, ErrorCode, ErrorSpec } from "./errors";
export { seededRandom } from "./random";
export { suggest } from "./suggest";
export { cleanupTempFiles, pendingTempFiles, TEMP_MARKER, writeFileAtomic } from "./atomic-write";
export type { NumberRule } from "./numbers";
export { checkNumber, DECIMAL, describeRule, isPlainDecimal, MIN_NORMAL, NUMBER_FIELDS, numberProblem, optionRule, parseNumber, rangeProblem, renderNumberDocs } from "./numbers";
