/**
 * The Belt and Road study (`caravan study belt-and-road`, docs/belt-and-road.md): public surface.
 */
export { buildFlowMatrix, readGdp, readTradeMatrix, ROW, TRADE_UNITS } from "./inputs";
export type { FlowMatrix, GdpInput, TradeMatrixInput } from "./inputs";
export { formatStudy, studyCsv, studyHtml, studyJson } from "./report";
export { DEFAULT_MODE_SHARES_FILE, readModeShares } from "./mode-shares";
export { CORRIDOR_THRESHOLD_PCT, PAIR_TIME_RULES, DEFAULT_PCT_PER_DAY, fixedGroups, GROUPS, publishedFigures, runBeltAndRoadStudy } from "./study";
export type { EconomyResult, GroupName, PairTimeRule, GroupResult, PublishedFigure, SeedFigure, StudyOptions, StudyResult, VariantResult } from "./study";
export { ALL_MODES, briEconomies, briProjects, LAND_SEA_MODES, studyStates, VARIANTS, variantTimes } from "./variants";
export type { StudyStates, VariantName, VariantTimes } from "./variants";
