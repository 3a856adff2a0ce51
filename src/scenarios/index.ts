/** The scenarios stage: scenario files, the project library's modifications, runs, comparisons and sweeps. */
export {
  addModificationSchema,
  demandSchema,
  EDIT_KEYS,
  editModificationSchema,
  growthSchema,
  KEYS_OF_TARGET,
  MODIFICATION_TARGETS,
  modificationSchema,
  newLinkSchema,
  parametersSchema,
  projectModificationsSchema,
  projectsSchema,
  scaleEditSchema,
  scenarioFileSchema,
  scenarioJsonSchema,
  selectorSchema,
  setEditSchema,
} from "./schema";
export { addedLinks, applyScenario, extendedNetwork, projectModifications } from "./apply";
export type { AppliedScenario, ApplyOptions } from "./apply";
export { BOTTLENECK_VC, compareViews, comparisonGeoJson, summaryText, viewOfRunFolder, viewOfSide } from "./compare";
export type { Comparison, MeanChange, PairChange, PairFigures, ResultView } from "./compare";
export { demandSpecOf, scenarioDemand } from "./demand";
export type { ScenarioDemandTable } from "./demand";
export { DEFAULT_DEMAND_BASE_YEAR, lineOfPath, loadScenario, parseModification, parseScenarioText } from "./load";
export type { ParsedScenarioFile, PlacedModification, Scenario, ScenarioDemand, ScenarioParameters } from "./load";
export { cityPairs, countryPairsTable, DEFAULT_ASSIGNMENT_GAP, runScenario, runSide, sideTables, writeRun } from "./run";
export type { CountryPairRow, CrossingDirectionRow, CrossingRow, FerryRow, PairRow, RunManifest, RunOptions, ScenarioRun, SideResult, TransitRowOut } from "./run";
export { loadSweep, prepareSweep, runScenarioVariant, runSweep, variantScenario } from "./sweep";
export type { SweepContext, SweepOptions, SweepRow, SweepSpec, SweepVariant } from "./sweep";
export { formatSweepTable, sweepTable } from "./sweep-report";
export { parseTradeWeights, readTradeWeights } from "./trade-weights";
export type { TradeWeights } from "./trade-weights";
export { readCsvRows, readCsvTable, roundValue, tableCsv, tableOf, tableParquet, writeFolderAtomic, writeTable } from "./tables";
export type { Column, ColumnType, Table } from "./tables";
export type { AddModification, EditKey, EditModification, Modification, ModificationTarget, NewLink, ScenarioFile } from "./schema";
