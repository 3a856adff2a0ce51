/**
 * Link-based assignment algorithms: all-or-nothing (AON), the method of successive averages (MSA), Frank–Wolfe
 * (FW), conjugate Frank–Wolfe (CFW) and bi-conjugate Frank–Wolfe (BFW).
 *
 * All of them move the link flows x towards a target point s built from all-or-nothing loadings y on the current
 * shortest paths (one tree per class and origin; every class has its own fixed costs, the VDF sees the total flow):
 *
 *   x_{k+1} = x_k + τ_k · (s_k − x_k)
 *
 *   AON   x = y at free-flow times, once (no equilibrium; a reference and the start of every other method).
 *   MSA   s_k = y_k, τ_k = 1 / (k + 1): x_k is the average of the loadings so far (Sheffi 1985, §5.3). No objective
 *         is evaluated; it converges, but the gap is not monotone and falls roughly like 1/k.
 *   FW    s_k = y_k, τ_k minimises the Beckmann objective B(x_k + τ d_k) on [0, 1] (Frank & Wolfe 1956; LeBlanc,
 *         Morlok & Pierskalla 1975; Sheffi 1985, §5.2). B decreases monotonically.
 *   CFW   s_k = α s_{k−1} + (1 − α) y_k with α chosen so that d_k = s_k − x_k is conjugate to s_{k−1} − x_k with
 *         respect to the Hessian H = diag t'(X) at x_k (Mitradjieva & Lindberg 2013, "The stiff is moving —
 *         conjugate direction Frank–Wolfe methods with applications to traffic assignment", Transportation Science
 *         47(2)):  α = N / D,  N = (s_{k−1} − x_k)ᵀ H (y_k − x_k),  D = (s_{k−1} − x_k)ᵀ H (y_k − s_{k−1}).
 *   BFW   s_k = β0 y_k + β1 s_{k−1} + β2 s_{k−2}, d_k conjugate to d̄ = s_{k−1} − x_k and
 *         d̿ = τ_{k−1} s_{k−1} − x_k + (1 − τ_{k−1}) s_{k−2} (same paper):
 *           μ = −d̿ᵀH(y_k − x_k) / d̿ᵀH(s_{k−2} − s_{k−1}),
 *           ν = −d̄ᵀH(y_k − x_k) / d̄ᵀH d̄ + μ τ_{k−1} / (1 − τ_{k−1}),
 *           β0 = 1 / (1 + μ + ν), β1 = ν β0, β2 = μ β0.
 *
 * Safeguards (CFW/BFW): α < 0 or an undefined ratio gives α = 0 (the FW target); μ and ν are clipped at 0 so
 * that s_k stays a convex combination of feasible loadings; BFW falls back to the CFW direction when it lacks a
 * second previous target or a denominator vanishes. Both restart with the FW direction after a full step (τ = 1
 * leaves s_{k−1} − x_k = 0), when the weight of the previous targets exceeds 1 − 1e-5 (α, or 1 − β0: the
 * direction would nearly repeat the last one, along which the exact line search left no descent, and the method
 * would crawl) and whenever the conjugate direction is not a descent direction of B. A class's target uses the same α / β for every class: the Hessian of B in class flows is
 * t'_a on every pair of classes of arc a, so the products above on total flows are the exact ones.
 *
 * Volume-delay groups (vdf.ts): a member's queueing part sees its group's summed flow, so H gains q_g' on every
 * pair of members of g; the conjugation products and φ'' below include those terms (exact), and the line search
 * evaluates each member at X_g + τ·D_g.
 *
 * Exact line search: τ solves φ'(τ) = Σ_a t_a(X_a + τ D_a) D_a + F = 0 on [0, 1], with D the total direction and
 * F = Σ_c Σ_a fixed_c(a)·d_ca the (constant) derivative of the fixed-cost part; safeguarded Newton steps inside a
 * bisection bracket (φ is convex, φ'' = Σ t'_a D_a²).
 *
 * Reporting follows the common convention: history entry 0 is the free-flow all-or-nothing start; after iteration
 * k the flows, the relative gap (TSTT − SPTT) / SPTT and the Beckmann objective refer to the same x_{k}. One
 * shortest-path pass per iteration serves both the gap and the next direction. Every buffer is allocated once.
 */
import { CaravanError } from "../core/errors";
import type { AssignmentProblem } from "./problem";
import { type AssignmentResult, FlowState, type IterationReport, relativeGap, resolveOptions, ShortestPathOracle, type SolveOptions, type StopReason, stopReasonAfter, stopwatch } from "./state";
import type { VdfEvaluator } from "./vdf";

/** The iterative link-based methods (AON is a single loading, see solveAon). */
export const LINK_BASED_METHODS = ["msa", "fw", "cfw", "bfw"] as const;
export type LinkBasedMethod = (typeof LINK_BASED_METHODS)[number];

/**
 * Largest weight of the previous targets kept (α for CFW, 1 − β0 for BFW). Beyond it the new direction nearly
 * repeats the previous one, along which the last exact line search left no descent, and the method would crawl;
 * the iteration restarts with the FW direction instead.
 */
const ALPHA_MAX = 1 - 1e-5;
/** A step at least this close to 1 ends the conjugate sequence (the previous direction vanishes at x_{k+1}). */
const FULL_STEP = 1 - 1e-12;

/**
 * Exact line search on the Beckmann objective along a direction: minimise φ(τ) = B(X + τ D) (plus the linear
 * fixed-cost part τ·F) over τ ∈ [0, 1]. Scratch arrays are allocated once; `search` allocates nothing.
 */
export class BeckmannLineSearch {
  private readonly evaluator: VdfEvaluator;
  /** [arc] scratch time at trial flows. */
  private readonly trialTime: Float64Array;
  /** [arc] scratch slope at trial flows. */
  private readonly trialSlope: Float64Array;
  /** [position] arcs with a non-zero direction, valid for 0 .. activeCount-1. */
  private readonly active: Int32Array;
  private activeCount = 0;
  /** [group] summed flow X_g at τ = 0 (volume-delay groups only). */
  private readonly groupBase: Float64Array;
  /** [group] summed direction D_g (volume-delay groups only). */
  private readonly groupDir: Float64Array;
  /** [position] groups with an active member, valid for 0 .. activeGroupCount-1. */
  private readonly activeGroups: Int32Array;
  private activeGroupCount = 0;
  /** [group] 1 = listed in activeGroups by the current search. */
  private readonly groupListed: Uint8Array;
  /** φ'(0) of the last search (negative for a descent direction). */
  derivativeAtZero = 0;
  /** φ'(τ) at the returned step of the last search. */
  derivativeAtStep = 0;
  /** Derivative evaluations used by the last search. */
  evaluations = 0;

  constructor(evaluator: VdfEvaluator) {
    this.evaluator = evaluator;
    const m = evaluator.arcCount;
    this.trialTime = new Float64Array(m);
    this.trialSlope = new Float64Array(m);
    this.active = new Int32Array(m);
    this.groupBase = new Float64Array(evaluator.groupCount);
    this.groupDir = new Float64Array(evaluator.groupCount);
    this.activeGroups = new Int32Array(evaluator.groupCount);
    this.groupListed = new Uint8Array(evaluator.groupCount);
  }

  /**
   * φ'(τ) (written to `this.derivativeAtStep`) and φ''(τ) (returned) over the active arcs. A volume-delay group
   * member's queueing part is evaluated at X_g + τ·D_g; φ'' counts q_g'·D_g² once per group (the exact value).
   */
  private derivatives(flow: Float64Array, direction: Float64Array, fixedSlope: number, tau: number): number {
    const ev = this.evaluator;
    const groupOf = ev.groupOf;
    const tt = this.trialTime;
    const ts = this.trialSlope;
    const active = this.active;
    let g = fixedSlope;
    let h = 0;
    for (let i = 0; i < this.activeCount; i++) {
      const a = active[i];
      const d = direction[a];
      let x = flow[a] + tau * d;
      if (x < 0) x = 0;
      const grp = groupOf === null ? -1 : groupOf[a];
      if (grp < 0) {
        ev.evaluate(a, x, x, tt, ts);
        g += tt[a] * d;
        h += ts[a] * d * d;
      } else {
        let xg = this.groupBase[grp] + tau * this.groupDir[grp];
        if (xg < 0) xg = 0;
        ev.evaluate(a, x, xg, tt, ts);
        g += tt[a] * d;
        h += (ts[a] - ev.groupQueueDerivative(grp, xg)) * d * d;
      }
    }
    for (let i = 0; i < this.activeGroupCount; i++) {
      const grp = this.activeGroups[i];
      const dg = this.groupDir[grp];
      let xg = this.groupBase[grp] + tau * dg;
      if (xg < 0) xg = 0;
      h += ev.groupQueueDerivative(grp, xg) * dg * dg;
    }
    this.evaluations++;
    this.derivativeAtStep = g;
    return h;
  }

  /**
   * The minimising step. `time` holds t(X) (for φ'(0)); `direction` is D [arc]; `fixedSlope` is F. Returns 0 when
   * D is not a descent direction (φ'(0) ≥ 0).
   */
  search(flow: Float64Array, time: Float64Array, direction: Float64Array, fixedSlope: number): number {
    const m = flow.length;
    const active = this.active;
    let count = 0;
    let g0 = fixedSlope;
    for (let a = 0; a < m; a++) {
      const d = direction[a];
      if (d !== 0) {
        active[count++] = a;
        g0 += time[a] * d;
      }
    }
    this.activeCount = count;
    this.activeGroupCount = 0;
    const groupOf = this.evaluator.groupOf;
    if (groupOf !== null) {
      this.evaluator.sumGroups(flow, this.groupBase);
      this.groupDir.fill(0);
      this.groupListed.fill(0);
      for (let i = 0; i < count; i++) {
        const a = active[i];
        const grp = groupOf[a];
        if (grp < 0) continue;
        if (this.groupListed[grp] === 0) {
          this.groupListed[grp] = 1;
          this.activeGroups[this.activeGroupCount++] = grp;
        }
        this.groupDir[grp] += direction[a];
      }
    }
    this.evaluations = 0;
    this.derivativeAtZero = g0;
    this.derivativeAtStep = g0;
    if (!(g0 < 0)) return 0;
    this.derivatives(flow, direction, fixedSlope, 1);
    if (this.derivativeAtStep <= 0) return 1;
    // φ' is non-decreasing: bracket [lo, hi] with φ'(lo) < 0 < φ'(hi); Newton from the better end, else bisect.
    let lo = 0;
    let hi = 1;
    let gLo = g0;
    let gHi = this.derivativeAtStep;
    // first guess: secant (regula falsi) between the ends, which is exact for linear VDFs
    let tau = lo - (gLo * (hi - lo)) / (gHi - gLo);
    const tolerance = 1e-13 * Math.abs(g0);
    for (let iter = 0; iter < 60; iter++) {
      if (!(tau > lo && tau < hi)) tau = 0.5 * (lo + hi);
      const h = this.derivatives(flow, direction, fixedSlope, tau);
      const g = this.derivativeAtStep;
      if (Math.abs(g) <= tolerance) return tau;
      if (g < 0) {
        lo = tau;
        gLo = g;
      } else {
        hi = tau;
        gHi = g;
      }
      if (hi - lo <= 1e-15) break;
      // Newton step from the trial point; outside the bracket, the secant of the bracket; else bisection
      let next = h > 0 ? tau - g / h : Number.NaN;
      if (!(next > lo && next < hi)) next = lo - (gLo * (hi - lo)) / (gHi - gLo);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (Math.abs(next - tau) <= 1e-15) return tau;
      tau = next;
    }
    const mid = 0.5 * (lo + hi);
    this.derivatives(flow, direction, fixedSlope, mid);
    return mid;
  }
}

interface Reporter {
  readonly history: IterationReport[];
  report(iteration: number, gap: number, beckmann: number): void;
}

function reporter(options: SolveOptions, elapsed: () => number): Reporter {
  const history: IterationReport[] = [];
  return {
    history,
    report(iteration, gap, beckmann) {
      const r: IterationReport = { iteration, relativeGap: gap, beckmann, elapsedS: elapsed() };
      history.push(r);
      options.onIteration?.(r);
    },
  };
}

/** SPTT with all-or-nothing loading; throws E_NO_ROUTE (via the oracle) when some demand has no route. */
function loadAllOrNothing(oracle: ShortestPathOracle, time: Float64Array, target: Float64Array[] | null): number {
  const sptt = oracle.run(time, target);
  if (!Number.isFinite(sptt)) {
    oracle.checkReachable(time);
    throw new Error(`all-or-nothing loading gave a non-finite shortest-path total (${sptt}); this is a bug`);
  }
  return sptt;
}

/** All-or-nothing: every O-D pair's demand on its free-flow shortest path; the gap is measured at the loaded flows. */
export function solveAon(problem: AssignmentProblem, options: SolveOptions = {}): AssignmentResult {
  const elapsed = stopwatch();
  const { gap: targetGap } = resolveOptions(options);
  const state = new FlowState(problem);
  const oracle = new ShortestPathOracle(problem);
  loadAllOrNothing(oracle, state.time, state.classFlow);
  state.refresh();
  const sptt = loadAllOrNothing(oracle, state.time, null);
  const tstt = state.totalTravelTime();
  const gap = relativeGap(tstt, sptt);
  const beckmann = state.beckmann();
  const rep = reporter(options, elapsed);
  rep.report(1, gap, beckmann);
  return {
    algorithm: "aon",
    iterations: 1,
    relativeGap: gap,
    beckmann,
    totalTravelTime: tstt,
    shortestPathTravelTime: sptt,
    elapsedS: elapsed(),
    converged: gap <= targetGap,
    stopReason: gap <= targetGap ? "gap" : "iterations",
    flow: state.flow,
    classFlow: state.classFlow,
    time: state.time,
    history: rep.history,
    commodityFlow: null,
  };
}

/** Which direction an iteration used (counted in `LinkBasedResult.directions`). */
export interface DirectionCounts {
  fw: number;
  cfw: number;
  bfw: number;
}

export interface LinkBasedResult extends AssignmentResult {
  /** How many iterations took each kind of direction (MSA counts as fw). */
  readonly directions: DirectionCounts;
}

/** MSA, FW, CFW or BFW from the free-flow all-or-nothing start (see the module comment). */
export function solveLinkBased(problem: AssignmentProblem, method: LinkBasedMethod, options: SolveOptions = {}): LinkBasedResult {
  const elapsed = stopwatch();
  const { gap: targetGap, maxIterations, maxSeconds } = resolveOptions(options);
  const m = problem.graph.arcCount;
  const C = problem.classes.length;
  const fixedCosts = problem.classes.map((c) => c.fixedCost);

  const state = new FlowState(problem);
  const { flow, time, slope, classFlow } = state;
  const oracle = new ShortestPathOracle(problem);
  const search = new BeckmannLineSearch(state.evaluator);
  const { groupOf, groupCount, groupStart, groupArc } = state.evaluator;

  // buffers, allocated once: per class [class][arc], totals [arc]
  const y = problem.classes.map(() => new Float64Array(m)); // all-or-nothing loading at x_k
  let sNew = problem.classes.map(() => new Float64Array(m)); // target s_k
  let s1 = problem.classes.map(() => new Float64Array(m)); // s_{k−1}
  let s2 = problem.classes.map(() => new Float64Array(m)); // s_{k−2}
  const yTotal = new Float64Array(m); // [arc]
  const s1Total = new Float64Array(m); // [arc]
  const s2Total = new Float64Array(m); // [arc]
  const direction = new Float64Array(m); // [arc] total direction D = S − X

  // start: all-or-nothing at free flow
  loadAllOrNothing(oracle, time, classFlow);
  state.refresh();
  let sptt = loadAllOrNothing(oracle, time, y);
  let tstt = state.totalTravelTime();
  let gapNow = relativeGap(tstt, sptt);
  const rep = reporter(options, elapsed);
  rep.report(0, gapNow, state.beckmann());

  /** Number of previous targets usable for conjugation (0 after a restart, at most 2). */
  let depth = 0;
  let tauPrev = 0;
  const directions: DirectionCounts = { fw: 0, cfw: 0, bfw: 0 };
  let iterations = 0;
  let stopReason: StopReason = "iterations";

  const sumTotals = (perClass: Float64Array[], total: Float64Array): void => {
    total.set(perClass[0]);
    for (let c = 1; c < C; c++) {
      const v = perClass[c];
      for (let a = 0; a < m; a++) total[a] += v[a];
    }
  };

  /** s = b0·y + b1·s1 + b2·s2 per class; D = S − X; returns the fixed-cost slope F. */
  const buildTarget = (b0: number, b1: number, b2: number): number => {
    let fixedSlope = 0;
    direction.fill(0);
    for (let c = 0; c < C; c++) {
      const yc = y[c];
      const s1c = s1[c];
      const s2c = s2[c];
      const sc = sNew[c];
      const xc = classFlow[c];
      const fixed = fixedCosts[c];
      for (let a = 0; a < m; a++) {
        let v = b0 * yc[a];
        if (b1 !== 0) v += b1 * s1c[a];
        if (b2 !== 0) v += b2 * s2c[a];
        sc[a] = v;
        const d = v - xc[a];
        if (d !== 0) {
          direction[a] += d;
          fixedSlope += fixed[a] * d;
        }
      }
    }
    return fixedSlope;
  };

  if (gapNow <= targetGap) stopReason = "gap";
  else {
    while (true) {
      iterations++;
      let tau: number;
      if (method === "msa") {
        buildTarget(1, 0, 0);
        directions.fw++;
        tau = 1 / (iterations + 1);
      } else {
        // conjugate weights from the Hessian H = diag t'(X) at x_k
        let b0 = 1;
        let b1 = 0;
        let b2 = 0;
        let kind: keyof DirectionCounts = "fw";
        if (method !== "fw" && depth >= 1) {
          sumTotals(y, yTotal);
          let d1HYx = 0; // d̄ᵀH(y − x)
          let d1HD1 = 0; // d̄ᵀH d̄
          let d2HYx = 0; // d̿ᵀH(y − x)
          let d2HS21 = 0; // d̿ᵀH(s2 − s1)
          const useBfw = method === "bfw" && depth >= 2 && tauPrev < FULL_STEP;
          for (let a = 0; a < m; a++) {
            const h = slope[a];
            if (h === 0) continue;
            const x = flow[a];
            const yx = yTotal[a] - x;
            const d1 = s1Total[a] - x;
            d1HYx += h * d1 * yx;
            d1HD1 += h * d1 * d1;
            if (useBfw) {
              const d2 = tauPrev * s1Total[a] - x + (1 - tauPrev) * s2Total[a];
              d2HYx += h * d2 * yx;
              d2HS21 += h * d2 * (s2Total[a] - s1Total[a]);
            }
          }
          if (groupOf !== null) {
            // H is not diagonal for volume-delay groups: add q_g'(X_g)·(U_g V_g − Σ_{a∈g} u_a v_a) per group
            for (let g = 0; g < groupCount; g++) {
              const end = groupStart[g + 1];
              if (end === groupStart[g]) continue;
              const hg = state.evaluator.groupQueueDerivative(g, state.evaluator.groupFlow[g]);
              if (hg === 0) continue;
              let sYx = 0;
              let sD1 = 0;
              let sD2 = 0;
              let sS21 = 0;
              let pD1Yx = 0;
              let pD1D1 = 0;
              let pD2Yx = 0;
              let pD2S21 = 0;
              for (let i = groupStart[g]; i < end; i++) {
                const a = groupArc[i];
                const x = flow[a];
                const yx = yTotal[a] - x;
                const d1 = s1Total[a] - x;
                sYx += yx;
                sD1 += d1;
                pD1Yx += d1 * yx;
                pD1D1 += d1 * d1;
                if (useBfw) {
                  const d2 = tauPrev * s1Total[a] - x + (1 - tauPrev) * s2Total[a];
                  const s21 = s2Total[a] - s1Total[a];
                  sD2 += d2;
                  sS21 += s21;
                  pD2Yx += d2 * yx;
                  pD2S21 += d2 * s21;
                }
              }
              d1HYx += hg * (sD1 * sYx - pD1Yx);
              d1HD1 += hg * (sD1 * sD1 - pD1D1);
              if (useBfw) {
                d2HYx += hg * (sD2 * sYx - pD2Yx);
                d2HS21 += hg * (sD2 * sS21 - pD2S21);
              }
            }
          }
          let bfwDone = false;
          if (useBfw && d2HS21 !== 0 && d1HD1 !== 0) {
            let mu = -d2HYx / d2HS21;
            if (!(mu > 0)) mu = 0;
            let nu = -d1HYx / d1HD1 + (mu * tauPrev) / (1 - tauPrev);
            if (!(nu > 0)) nu = 0;
            if (Number.isFinite(mu) && Number.isFinite(nu) && 1 / (1 + mu + nu) >= 1 - ALPHA_MAX) {
              b0 = 1 / (1 + mu + nu);
              b1 = nu * b0;
              b2 = mu * b0;
              kind = "bfw";
              bfwDone = true;
            }
          }
          if (!bfwDone) {
            // CFW: α = d̄ᵀH(y − x) / d̄ᵀH(y − s1), with y − s1 = (y − x) − d̄
            const den = d1HYx - d1HD1;
            let alpha = den !== 0 ? d1HYx / den : 0;
            if (!(alpha > 0) || alpha > ALPHA_MAX) alpha = 0;
            b0 = 1 - alpha;
            b1 = alpha;
            kind = alpha > 0 ? "cfw" : "fw";
          }
        }
        let fixedSlope = buildTarget(b0, b1, b2);
        tau = search.search(flow, time, direction, fixedSlope);
        if (kind !== "fw" && !(search.derivativeAtZero < 0)) {
          // the conjugate direction does not descend: take the FW direction this time
          kind = "fw";
          fixedSlope = buildTarget(1, 0, 0);
          tau = search.search(flow, time, direction, fixedSlope);
        }
        directions[kind]++;
      }
      // x_{k+1} = x_k + τ (s_k − x_k), per class
      if (tau > 0) {
        for (let c = 0; c < C; c++) {
          const xc = classFlow[c];
          const sc = sNew[c];
          for (let a = 0; a < m; a++) {
            const v = xc[a] + tau * (sc[a] - xc[a]);
            xc[a] = Math.max(v, 0);
          }
        }
        state.refresh();
      }
      // keep the targets for conjugation: s2 ← s1, s1 ← s_k (rotate the buffers, no allocation)
      if (method === "cfw" || method === "bfw") {
        const spare = s2;
        s2 = s1;
        s1 = sNew;
        sNew = spare;
        s2Total.set(s1Total);
        sumTotals(s1, s1Total);
        depth = tau >= FULL_STEP || tau <= 0 ? 0 : Math.min(depth + 1, 2);
        tauPrev = tau;
      }
      sptt = loadAllOrNothing(oracle, time, y);
      tstt = state.totalTravelTime();
      gapNow = relativeGap(tstt, sptt);
      rep.report(iterations, gapNow, state.beckmann());
      const stop = stopReasonAfter(gapNow, targetGap, iterations, maxIterations, elapsed(), maxSeconds);
      if (stop !== null) {
        stopReason = stop;
        break;
      }
    }
  }
  const last = rep.history[rep.history.length - 1];
  return {
    algorithm: method,
    iterations,
    relativeGap: gapNow,
    beckmann: last.beckmann,
    totalTravelTime: tstt,
    shortestPathTravelTime: sptt,
    elapsedS: elapsed(),
    converged: gapNow <= targetGap,
    stopReason,
    flow,
    classFlow,
    time,
    history: rep.history,
    commodityFlow: null,
    directions,
  };
}

/** Check a method name against LINK_BASED_METHODS (E_ALGORITHM_UNKNOWN otherwise). */
export function isLinkBasedMethod(name: string): name is LinkBasedMethod {
  return (LINK_BASED_METHODS as readonly string[]).includes(name);
}

/** Guard used by callers that receive a method name from outside. */
export function assertLinkBasedMethod(name: string): LinkBasedMethod {
  if (!isLinkBasedMethod(name)) throw new CaravanError("E_ALGORITHM_UNKNOWN", `"${name}" is not a link-based method (${LINK_BASED_METHODS.join(", ")})`);
  return name;
}
