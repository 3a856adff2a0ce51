/**
 * Pipeline stage 6, appraisal: cost–benefit analysis of corridor projects (docs/appraisal.md). Public surface.
 */
export {
  appraiseStreams,
  checkDiscountRate,
  delayStreams,
  discountFactors,
  eirr,
  eirrPctFast,
  netFlows,
  presentValue,
  scaleStreams,
  sensitivityTable,
} from "./cba";
export type { CbaResult, CbaStreams, EirrResult, SensitivityRow, SwitchingValues } from "./cba";
export { BASE_FACTORS, BenefitModel } from "./benefits";
export type { DemandLevels } from "./benefits";
export type { BenefitComponents, ProjectCost, RiskFactors } from "./benefits";
export { capacitatedArcs, capacityChanges, capacityDifference, CONGESTED_GAP, CONGESTED_GAP_FLOOR, congestedEffects, SAVING_RESOLVED } from "./congested";
export type { CongestedRun } from "./congested";
export { computeEffects, projectArcMask, projectRecordIds } from "./effects";
export type { ProjectEffects, StateRouteOptions } from "./effects";
export { formatCba } from "./format";
export { barChart, esc, htmlTable, page, yearBars } from "./html";
export { DEFAULT_RISKS, runMonteCarlo, sample, triangular } from "./monte-carlo";
export type { Distribution, MonteCarloResult } from "./monte-carlo";
export { APPRAISAL_DATA_DIR, co2PriceUsdPerT, DEFAULT_DEFLATOR_FILE, DEFAULT_PARAMETERS, deflatorIndex, priceFactor, readCo2Path, readDeflator, readValueOfTime } from "./params";
export type { AppraisalParameters, Co2PricePath, Deflator, ValueOfTime } from "./params";
export { appraisePackage, readPackage } from "./portfolio";
export type { PackageFile, PortfolioPair, PortfolioProjectRow, PortfolioResult } from "./portfolio";
export {
  appraiseProject,
  appraiseScenarioFile,
  appraiseSubject,
  assignmentValuesOfTime,
  checkAppraisalSubject,
  comparisonEffects,
  costOf,
  demandLevelYears,
  effectsOf,
  findProject,
  networkYear,
  priceBaseYearOf,
  projectRecordLocation,
  projectSubject,
  restateCapital,
  restatedUnitValues,
  subjectModel,
} from "./project";
export type { AppraisalSubject, CapitalCostItem, ComparisonInfo, CongestionMode, PriceRestatement, ProjectAppraisal, ProjectAppraisalInputs, ProjectInfo, SubjectEffects } from "./project";
export { formatPortfolio, formatProjectAppraisal, portfolioHtml, projectAppraisalHtml } from "./report";
export { comparisonStates, scenarioDemandFile, scenarioFileStates, switchable, switchedState } from "./states";
export type { ComparisonStates, ProjectSwitches } from "./states";
export { parseStreamsCsv, readStreamsCsv } from "./streams-csv";
export type { ParsedStreams } from "./streams-csv";
