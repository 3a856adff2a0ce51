/**
 * One entry point for every assignment algorithm in ALGORITHMS:
 *
 *   aon    all-or-nothing at free-flow times (link-based.ts)
 *   msa    method of successive averages (link-based.ts)
 *   fw     Frank–Wolfe with exact line search (link-based.ts)
 *   cfw    conjugate Frank–Wolfe (link-based.ts)
 *   bfw    bi-conjugate Frank–Wolfe (link-based.ts)
 *   b      Algorithm B, bush-based (algorithm-b.ts)
 *   logit  logit stochastic user equilibrium, Dial's STOCH loading with MSA (logit.ts)
 *
 * Every algorithm returns the same AssignmentResult shape, so callers (CLI, benchmarks, tests) treat them alike.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { solveAlgorithmB } from "./algorithm-b";
import { solveAon, solveLinkBased } from "./link-based";
import { solveLogit } from "./logit";
import { type AssignmentProblem, checkNumericRange } from "./problem";
import { ALGORITHMS, type AlgorithmName, type AssignmentResult, type SolveOptions } from "./state";

/** True when `name` is one of ALGORITHMS. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHMS as readonly string[]).includes(name);
}

/** Solve `problem` with the named algorithm; an unknown name throws E_ALGORITHM_UNKNOWN with suggestions. */
export function solve(problem: AssignmentProblem, algorithm: string, options: SolveOptions = {}): AssignmentResult {
  if (!isAlgorithmName(algorithm)) {
    throw new CaravanError("E_ALGORITHM_UNKNOWN", `unknown assignment algorithm "${algorithm}"; expected one of ${ALGORITHMS.join(", ")}`, {
      didYouMean: suggest(algorithm, ALGORITHMS),
      details: { algorithm, known: [...ALGORITHMS] },
    });
  }
  checkNumericRange(problem);
  switch (algorithm) {
    case "aon":
      return solveAon(problem, options);
    case "msa":
    case "fw":
    case "cfw":
    case "bfw":
      return solveLinkBased(problem, algorithm, options);
    case "b":
      return solveAlgorithmB(problem, options);
    case "logit":
      return solveLogit(problem, options);
    default: {
      const unreachable: never = algorithm;
      throw new Error(`algorithm ${String(unreachable)} has no solver; this is a bug`);
    }
  }
}
