/**
 * The loaded network: every record of a dataset folder after parsing, schema validation, cross-reference checks
 * and distance estimation (load.ts). This is the editable, object form; the working form for algorithms is the
 * compiled network (compiled.ts).
 */
import type { z } from "zod";
import type {
  CargoProfile,
  Chokepoint,
  Crossing,
  Ferry,
  Link,
  LinkSeason,
  LinkToll,
  modesFileSchema,
  Place,
  Project,
  ruleEntrySchema,
  sourceEntrySchema,
  Terminal,
} from "./schema";
import type { Operation } from "./operations";
import type { PassageRule } from "./passage";

export type ModesFile = z.infer<typeof modesFileSchema>;
export type SourceEntry = z.infer<typeof sourceEntrySchema>;
export type RuleEntry = z.infer<typeof ruleEntrySchema>;

/** Where a record was defined: file path relative to the dataset folder and 1-based line. */
export interface RecordOrigin {
  readonly file: string;
  readonly line: number;
}

/** A link after loading: its distance is always known; `distanceEstimated` says it came from an estimate: rule. */
export type LoadedLink = Omit<Link, "distanceKm"> & {
  readonly distanceKm: number;
  /** true when distanceKm was computed (great-circle × circuity), not read from a source. */
  readonly distanceEstimated: boolean;
};

export interface NetworkData {
  /** The dataset folder the records were read from (as given to the loader). */
  readonly dir: string;
  /** sha256 (hex) of every source file's path and bytes, in sorted path order; keys the compiled cache. */
  readonly sourceHash: string;
  /** [place] in file order (files sorted by name, rows in file order). */
  readonly places: readonly Place[];
  /** [link] */
  readonly links: readonly LoadedLink[];
  /** [crossing] */
  readonly crossings: readonly Crossing[];
  /** [terminal] */
  readonly terminals: readonly Terminal[];
  /** [ferry] */
  readonly ferries: readonly Ferry[];
  /** [season] seasonal calendars of links from links/*.yaml (schema.ts linkSeasonSchema); absent in datasets compiled before they existed. */
  readonly linkSeasons?: readonly LinkSeason[];
  /** [toll] road tolls of links from links/*.yaml (schema.ts linkTollSchema); absent in datasets compiled before they existed. */
  readonly linkTolls?: readonly LinkToll[];
  /** [project] */
  readonly projects: readonly Project[];
  /** [chokepoint] */
  readonly chokepoints: readonly Chokepoint[];
  readonly modes: ModesFile;
  /** [rule] rules of passage from rules/*.yaml (passage.ts); absent in datasets compiled before they existed. */
  readonly passageRules?: readonly PassageRule[];
  /** [operation] operation types from operations.yaml (operations.ts); absent when the dataset has none. */
  readonly operations?: readonly Operation[];
  /** [profile] cargo profiles from cargo.yaml. */
  readonly cargo: readonly CargoProfile[];
  readonly sources: Readonly<Record<string, SourceEntry>>;
  readonly rules: Readonly<Record<string, RuleEntry>>;
  /** Origin of every record by kind and id, for messages ("places/east.csv:12"). */
  readonly origins: Readonly<Record<string, RecordOrigin>>;
}

/** Key of `NetworkData.origins`: `<kind>:<id>`, e.g. `place:xian`, `link:dostyk-aktogay-rail-1520`. */
export function originKey(kind: "place" | "link" | "crossing" | "terminal" | "ferry" | "project" | "chokepoint" | "cargo" | "rule" | "operation", id: string): string {
  return `${kind}:${id}`;
}
