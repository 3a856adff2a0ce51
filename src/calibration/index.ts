/** Calibration: the model's corridor times and volumes against the dataset's observed figures (`caravan calibrate`). */
export { CALIBRATE_VOT_SEGMENTS, calibrate, TONNES_PER_TEU } from "./calibrate";
export { demandProvenance, exclusionOf, flowsReport, modelFlows, readFlowsFile, ZERO_FLOW_RATIO } from "./flows";
export type { DemandProvenance, FlowFit, FlowPoint, FlowRow, FlowRun, FlowsFile, FlowsReport } from "./flows";
export type { CalibrateOptions, CalibrationReport, CalibrationRow, MetricSummary } from "./calibrate";
export { formatCalibrationReport } from "./report";
