/** Calibration: the model's corridor times and volumes against the dataset's observed figures (`caravan calibrate`). */
export { calibrate, TONNES_PER_TEU } from "./calibrate";
export type { CalibrateOptions, CalibrationReport, CalibrationRow, MetricSummary } from "./calibrate";
export { formatCalibrationReport } from "./report";
