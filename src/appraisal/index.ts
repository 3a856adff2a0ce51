/**
 * Pipeline stage 6, appraisal: cost–benefit analysis of corridor projects (docs/appraisal.md). Public surface.
 */
export {
  appraiseStreams,
  checkDiscountRate,
  delayStreams,
  discountFactors,
  eirr,
  netFlows,
  presentValue,
  scaleStreams,
  sensitivityTable,
} from "./cba";
export type { CbaResult, CbaStreams, EirrResult, SensitivityRow, SwitchingValues } from "./cba";
export { formatCba } from "./format";
export { parseStreamsCsv, readStreamsCsv } from "./streams-csv";
export type { ParsedStreams } from "./streams-csv";
