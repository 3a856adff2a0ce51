/**
 * Annual tonnage capacities of links, crossings and terminals, the one place where capacities given in train pairs
 * per day become tonnes per year (compiled into `capacityTonnesPerYear`, which the corridor assignment uses).
 *
 * A sourced tonnage (`capacityTonnesPerYear`) is used as given. Where a rail record gives only train pairs per day
 * (`capacityTrainsPerDay`: trains each way per day), the capacity in each direction is
 *
 *     capacityTonnesPerYear = trainPairsPerDay × railCapacityTonnesPerYearPerTrainPair
 *
 * with the dataset's sourced rate (modes.yaml `railCapacityTonnesPerYearPerTrainPair`, rule
 * estimate:capacity-train-pair-tonnes in data/eurasia: the tonnage one daily train path carries in a year at the
 * crossings that publish both figures). Link and crossing capacities are per direction (one compiled arc per
 * direction); a terminal's capacity is shared by both directions of its transfer arcs (corridor assignment), so a
 * terminal's train pairs count twice. No rate, or no train figure: unknown (NaN), never a guess.
 */
import type { Crossing, Link, Terminal } from "./schema";

/** What a capacity record may carry (links, crossings and terminals share these fields). */
export interface CapacityFields {
  readonly capacityTonnesPerYear: number | null;
  readonly capacityTrainsPerDay: number | null;
}

/**
 * Tonnes per year in one direction of `trainPairsPerDay` train pairs a day at `tonnesPerYearPerTrainPair`; NaN when
 * either is unknown (null, NaN, ≤ 0).
 */
export function trainPairsToTonnesPerYear(trainPairsPerDay: number | null, tonnesPerYearPerTrainPair: number): number {
  if (trainPairsPerDay === null || !(trainPairsPerDay > 0) || !(tonnesPerYearPerTrainPair > 0)) return Number.NaN;
  return trainPairsPerDay * tonnesPerYearPerTrainPair;
}

/** Capacity of a rail record in one direction, t/yr: its tonnage, else its train pairs converted; NaN = unknown. */
export function railCapacityTonnesPerYear(record: CapacityFields, tonnesPerYearPerTrainPair: number): number {
  if (record.capacityTonnesPerYear !== null && record.capacityTonnesPerYear > 0) return record.capacityTonnesPerYear;
  return trainPairsToTonnesPerYear(record.capacityTrainsPerDay, tonnesPerYearPerTrainPair);
}

/** Capacity of a link in one direction, t/yr (train pairs are converted on rail links only); NaN = unknown. */
export function linkCapacityTonnesPerYear(link: Pick<Link, "mode" | "capacityTonnesPerYear" | "capacityTrainsPerDay">, tonnesPerYearPerTrainPair: number): number {
  if (link.mode === "rail") return railCapacityTonnesPerYear(link, tonnesPerYearPerTrainPair);
  return link.capacityTonnesPerYear ?? Number.NaN;
}

/**
 * Capacity of a border crossing in one direction for arcs of `mode`, t/yr: its tonnage, else (rail arcs) its train
 * pairs converted; road vehicles per day are not converted. NaN = unknown.
 */
export function crossingCapacityTonnesPerYear(crossing: Pick<Crossing, "capacityTonnesPerYear" | "capacityTrainsPerDay">, mode: string, tonnesPerYearPerTrainPair: number): number {
  if (mode === "rail") return railCapacityTonnesPerYear(crossing, tonnesPerYearPerTrainPair);
  return crossing.capacityTonnesPerYear ?? Number.NaN;
}

/**
 * Handling capacity of a terminal, both directions together, t/yr: its tonnage, else its train pairs converted
 * (× 2: a pair is one train each way, both handled). A TEU capacity stays separate (capacityTeuPerYear). NaN = unknown.
 */
export function terminalCapacityTonnesPerYear(terminal: Pick<Terminal, "capacityTonnesPerYear" | "capacityTrainsPerDay">, tonnesPerYearPerTrainPair: number): number {
  if (terminal.capacityTonnesPerYear !== null && terminal.capacityTonnesPerYear > 0) return terminal.capacityTonnesPerYear;
  return 2 * trainPairsToTonnesPerYear(terminal.capacityTrainsPerDay, tonnesPerYearPerTrainPair);
}
