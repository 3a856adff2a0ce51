/**
 * The pair-time rule options shared by `study belt-and-road` and `gravity pair-times` (`--pair-times`,
 * `--mode-shares`): one check and one reading of the mode-share file, through the study module's own rules.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";

type StudyModule = typeof import("../studies/belt-and-road/index");
export type PairTimeRule = StudyModule["PAIR_TIME_RULES"][number];

/** The rule named by `--pair-times` and, for mode-share, the mode shares read from `--mode-shares` (or the default file). */
export function pairTimeRule(S: StudyModule, flags: { pairTimes: string; modeShares?: string }) {
  const rule = S.PAIR_TIME_RULES.find((r) => r === flags.pairTimes);
  if (rule === undefined) {
    throw new CaravanError("E_USAGE", `--pair-times must be ${S.PAIR_TIME_RULES.join(" or ")} (got "${flags.pairTimes}")`, { didYouMean: suggest(flags.pairTimes, S.PAIR_TIME_RULES) });
  }
  if (flags.modeShares !== undefined && rule === "fastest") throw new CaravanError("E_USAGE", "--mode-shares is used by --pair-times mode-share only");
  const modeShares = rule === "mode-share" ? S.readModeShares(flags.modeShares ?? S.DEFAULT_MODE_SHARES_FILE, S.fixedGroups()) : undefined;
  return { rule, modeShares };
}
