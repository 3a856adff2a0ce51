/**
 * Volume-delay functions (VDF): the time of an arc as a function of its flow.
 *
 * Every arc's time is the sum of two parts, either of which may be absent (base time 0):
 *
 *   BPR part (moving time on links; Bureau of Public Roads 1964):
 *       tB(x) = t0B · (1 + b · (x / capB)^p)
 *
 *   Queueing part (dwell at border crossings and gauge-change / transshipment terminals), an M/M/1-like delay
 *   that rises steeply as the utilisation ρ = x / capQ approaches 1:
 *       tQ(x) = t0Q · (1 + α · ρ / (1 − ρ))                          for ρ ≤ ρmax
 *       tQ(x) = tQ(ρmax·capQ) + tQ'(ρmax·capQ) · (x − ρmax·capQ)     for ρ > ρmax   (linear extension)
 *   With α ≥ 0 and 0 < ρmax < 1 the function is finite, continuous, non-decreasing and convex on [0, ∞): the
 *   extension continues with the slope the curve has at ρmax, and the slope t0Q·α/(capQ·(1−ρ)²) only grows below
 *   it. t0Q is the uncongested dwell (e.g. the median dwell observed), α scales the queueing delay.
 *
 * Convexity of every VDF makes the Beckmann objective convex, so user equilibrium exists and link times are unique.
 * All three of value, derivative and integral (for the Beckmann objective) are given here; the hot loops inline
 * the same formulas through `updateArcTimes`.
 */
import { CaravanError } from "../core/errors";

/** Per-arc VDF parameters, all indexed by arc ([arc]). Capacity `Infinity` (or b/α = 0) makes a part constant. */
export interface VdfColumns {
  /** [arc] free-flow time of the BPR part. */
  readonly bprT0: Float64Array;
  /** [arc] capacity of the BPR part (flow units per period); Infinity = uncongested. */
  readonly bprCapacity: Float64Array;
  /** [arc] BPR b. */
  readonly bprB: Float64Array;
  /** [arc] BPR power p. */
  readonly bprPower: Float64Array;
  /** [arc] base time of the queueing part (0 = no queueing part). */
  readonly queueT0: Float64Array;
  /** [arc] service capacity of the queueing part; Infinity = uncongested. */
  readonly queueCapacity: Float64Array;
  /** [arc] queueing α. */
  readonly queueAlpha: Float64Array;
  /** [arc] utilisation beyond which the queueing part continues linearly (0 < ρmax < 1). */
  readonly queueRhoMax: Float64Array;
}

/** Allocate VDF columns for `arcCount` arcs: no time, uncongested (capacities Infinity), ρmax 0.95. */
export function emptyVdf(arcCount: number): VdfColumns {
  return {
    bprT0: new Float64Array(arcCount),
    bprCapacity: new Float64Array(arcCount).fill(Number.POSITIVE_INFINITY),
    bprB: new Float64Array(arcCount),
    bprPower: new Float64Array(arcCount).fill(4),
    queueT0: new Float64Array(arcCount),
    queueCapacity: new Float64Array(arcCount).fill(Number.POSITIVE_INFINITY),
    queueAlpha: new Float64Array(arcCount),
    queueRhoMax: new Float64Array(arcCount).fill(0.95),
  };
}

/** BPR time at flow x. */
export function bprTime(t0: number, cap: number, b: number, p: number, x: number): number {
  if (t0 === 0 || b === 0 || cap === Number.POSITIVE_INFINITY) return t0;
  return t0 * (1 + b * (x / cap) ** p);
}

/** Derivative of the BPR time at flow x. */
export function bprDerivative(t0: number, cap: number, b: number, p: number, x: number): number {
  if (t0 === 0 || b === 0 || cap === Number.POSITIVE_INFINITY || p === 0) return 0;
  return (t0 * b * p * (x / cap) ** (p - 1)) / cap;
}

/** ∫_0^x of the BPR time. */
export function bprIntegral(t0: number, cap: number, b: number, p: number, x: number): number {
  if (t0 === 0) return 0;
  if (b === 0 || cap === Number.POSITIVE_INFINITY) return t0 * x;
  return t0 * x * (1 + (b / (p + 1)) * (x / cap) ** p);
}

/** Queueing time at flow x (see the module comment). */
export function queueTime(t0: number, cap: number, alpha: number, rhoMax: number, x: number): number {
  if (t0 === 0 || alpha === 0 || cap === Number.POSITIVE_INFINITY) return t0;
  const rho = x / cap;
  if (rho <= rhoMax) return t0 * (1 + (alpha * rho) / (1 - rho));
  const atMax = t0 * (1 + (alpha * rhoMax) / (1 - rhoMax));
  const slope = (t0 * alpha) / (cap * (1 - rhoMax) * (1 - rhoMax));
  return atMax + slope * (x - rhoMax * cap);
}

/** Derivative of the queueing time at flow x. */
export function queueDerivative(t0: number, cap: number, alpha: number, rhoMax: number, x: number): number {
  if (t0 === 0 || alpha === 0 || cap === Number.POSITIVE_INFINITY) return 0;
  const rho = Math.min(x / cap, rhoMax);
  return (t0 * alpha) / (cap * (1 - rho) * (1 - rho));
}

/** ∫_0^x of the queueing time: t0·x + t0·α·cap·(−ρ − ln(1 − ρ)), plus the linear extension beyond ρmax. */
export function queueIntegral(t0: number, cap: number, alpha: number, rhoMax: number, x: number): number {
  if (t0 === 0) return 0;
  if (alpha === 0 || cap === Number.POSITIVE_INFINITY) return t0 * x;
  const rho = x / cap;
  if (rho <= rhoMax) return t0 * x + t0 * alpha * cap * (-rho - Math.log1p(-rho));
  const xm = rhoMax * cap;
  const base = t0 * xm + t0 * alpha * cap * (-rhoMax - Math.log1p(-rhoMax));
  const atMax = t0 * (1 + (alpha * rhoMax) / (1 - rhoMax));
  const slope = (t0 * alpha) / (cap * (1 - rhoMax) * (1 - rhoMax));
  const dx = x - xm;
  return base + atMax * dx + 0.5 * slope * dx * dx;
}

/** Time of arc `a` at flow x. */
export function arcTime(v: VdfColumns, a: number, x: number): number {
  return (
    bprTime(v.bprT0[a], v.bprCapacity[a], v.bprB[a], v.bprPower[a], x) + queueTime(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], x)
  );
}

/** Derivative of the time of arc `a` at flow x. */
export function arcDerivative(v: VdfColumns, a: number, x: number): number {
  return (
    bprDerivative(v.bprT0[a], v.bprCapacity[a], v.bprB[a], v.bprPower[a], x) +
    queueDerivative(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], x)
  );
}

/** ∫_0^x of the time of arc `a`. */
export function arcIntegral(v: VdfColumns, a: number, x: number): number {
  return (
    bprIntegral(v.bprT0[a], v.bprCapacity[a], v.bprB[a], v.bprPower[a], x) +
    queueIntegral(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], x)
  );
}

/**
 * Precomputed per-arc evaluation for hot loops: the BPR part as `t0 + k·x^p` with k = t0·b/cap^p and an integer
 * power fast path, plus a flag for arcs with a queueing part. Built once per problem.
 *
 * Volume-delay groups (optional `vdfGroup: Int32Array // [arc] group id or -1`): arcs that stand for one physical
 * capacity but cannot share one bottleneck arc (a border crossing's parallel gauge arcs). Their queueing part is
 * evaluated at the group's summed flow X_g = Σ_{a∈g} x_a, their BPR part at their own flow:
 *     t_a = tB_a(x_a) + q_g(X_g)
 * This is the gradient of Σ_a ∫_0^{x_a} tB_a + Σ_g ∫_0^{X_g} q_g, a convex function, so the equilibrium is still the
 * minimum of one convex objective; `integralSum` counts each group's integral once. Members must have identical
 * queueing parameters (those of q_g). `slope[a]` of a member is ∂t_a/∂x_a = tB_a'(x_a) + q_g'(X_g), the diagonal of
 * the (no longer diagonal) Jacobian; the off-diagonal terms ∂t_a/∂x_b = q_g'(X_g) for a ≠ b in g are available
 * through the group accessors. Without groups every evaluation is exactly the per-arc one.
 *
 * State: the evaluator mirrors the flows of group members and the group sums (`update` moves them, `updateAll`
 * recomputes them from scratch); the pure `evaluate` reads nothing but its arguments.
 */
export class VdfEvaluator {
  readonly arcCount: number;
  private readonly vdf: VdfColumns;
  /** [arc] t0 of the BPR part plus t0 of the queueing part (the time at zero flow). */
  readonly zeroFlowTime: Float64Array;
  /** [arc] BPR coefficient k = t0·b / cap^p (0 = constant BPR part). */
  private readonly bprK: Float64Array;
  /** [arc] BPR power. */
  private readonly power: Float64Array;
  /** [arc] 1 = has a congestible queueing part. */
  private readonly hasQueue: Uint8Array;
  /** True when every BPR power is exactly 4 (the common case: fast path without Math.pow). */
  private readonly allPower4: boolean;
  /** Number of volume-delay groups (0 = every arc on its own flow). */
  readonly groupCount: number;
  /** [arc] group id or -1; null when there are no groups. */
  readonly groupOf: Int32Array | null;
  /** [group] first position in `groupArc` of the group's members; entry g + 1 ends them. */
  readonly groupStart: Int32Array;
  /** [position] member arcs grouped by group. */
  readonly groupArc: Int32Array;
  /** [group] representative member whose queueing parameters are the group's. */
  private readonly groupRep: Int32Array;
  /** [group] summed flow X_g of the members, as last set through `update` / `updateAll`. */
  readonly groupFlow: Float64Array;
  /** [group] q_g'(X_g) at groupFlow, as last set through `update` / `updateAll` (a member's slope less its own BPR slope). */
  readonly groupSlope: Float64Array;
  /** [arc] flow of a group member as last set through `update` / `updateAll` (0 for other arcs). */
  private readonly memberFlow: Float64Array;

  constructor(vdf: VdfColumns, vdfGroup: Int32Array | null = null) {
    this.vdf = vdf;
    const n = vdf.bprT0.length;
    this.arcCount = n;
    this.zeroFlowTime = new Float64Array(n);
    this.bprK = new Float64Array(n);
    this.power = new Float64Array(n);
    this.hasQueue = new Uint8Array(n);
    let all4 = true;
    for (let a = 0; a < n; a++) {
      const t0 = vdf.bprT0[a];
      const cap = vdf.bprCapacity[a];
      const b = vdf.bprB[a];
      const p = vdf.bprPower[a];
      this.zeroFlowTime[a] = t0 + vdf.queueT0[a];
      this.bprK[a] = t0 === 0 || b === 0 || cap === Number.POSITIVE_INFINITY ? 0 : (t0 * b) / cap ** p;
      this.power[a] = p;
      if (this.bprK[a] !== 0 && p !== 4) all4 = false;
      this.hasQueue[a] = vdf.queueT0[a] !== 0 && vdf.queueAlpha[a] !== 0 && vdf.queueCapacity[a] !== Number.POSITIVE_INFINITY ? 1 : 0;
    }
    this.allPower4 = all4;
    let groupCount = 0;
    if (vdfGroup) {
      if (vdfGroup.length !== n) throw new CaravanError("E_GRAPH_INVARIANT", `vdfGroup has ${vdfGroup.length} entries for ${n} arcs`);
      for (let a = 0; a < n; a++) if (vdfGroup[a] >= groupCount) groupCount = vdfGroup[a] + 1;
    }
    this.groupCount = groupCount;
    this.groupOf = groupCount > 0 ? vdfGroup : null;
    this.groupStart = new Int32Array(groupCount + 1);
    this.groupRep = new Int32Array(groupCount).fill(-1);
    this.groupFlow = new Float64Array(groupCount);
    this.groupSlope = new Float64Array(groupCount);
    this.memberFlow = new Float64Array(groupCount > 0 ? n : 0);
    let members = 0;
    if (vdfGroup && groupCount > 0) {
      for (let a = 0; a < n; a++) if (vdfGroup[a] >= 0) this.groupStart[vdfGroup[a] + 1]++;
      for (let g = 0; g < groupCount; g++) this.groupStart[g + 1] += this.groupStart[g];
      members = this.groupStart[groupCount];
    }
    this.groupArc = new Int32Array(members);
    if (vdfGroup && groupCount > 0) {
      const fill = this.groupStart.slice(0, groupCount);
      for (let a = 0; a < n; a++) {
        const g: number = vdfGroup[a];
        if (g < 0) continue;
        this.groupArc[fill[g]++] = a;
        const r = this.groupRep[g];
        if (r < 0) this.groupRep[g] = a;
        else if (
          this.hasQueue[a] !== this.hasQueue[r] ||
          vdf.queueT0[a] !== vdf.queueT0[r] ||
          vdf.queueCapacity[a] !== vdf.queueCapacity[r] ||
          vdf.queueAlpha[a] !== vdf.queueAlpha[r] ||
          vdf.queueRhoMax[a] !== vdf.queueRhoMax[r]
        ) {
          throw new CaravanError("E_GRAPH_INVARIANT", `arcs ${r} and ${a} share volume-delay group ${g} but differ in their queueing parameters`, { details: { group: g, arcs: [r, a] } });
        }
      }
    }
  }

  /** Group of arc `a`, or -1. */
  groupOfArc(a: number): number {
    return this.groupOf === null ? -1 : this.groupOf[a];
  }

  /** Queueing time q_g(X) of group g (its base time included; t0 of the group when it has no congestible part). */
  groupQueueTime(g: number, x: number): number {
    const r = this.groupRep[g];
    const v = this.vdf;
    return this.hasQueue[r] === 1 ? queueTime(v.queueT0[r], v.queueCapacity[r], v.queueAlpha[r], v.queueRhoMax[r], x) : v.queueT0[r];
  }

  /** q_g'(X) of group g. */
  groupQueueDerivative(g: number, x: number): number {
    const r = this.groupRep[g];
    const v = this.vdf;
    return this.hasQueue[r] === 1 ? queueDerivative(v.queueT0[r], v.queueCapacity[r], v.queueAlpha[r], v.queueRhoMax[r], x) : 0;
  }

  /**
   * Time and derivative of arc `a` at its own flow x and, for a group member, the group's summed flow xGroup
   * (ignored for other arcs), written to time[a] and slope[a]. Reads and changes no state.
   */
  evaluate(a: number, x: number, xGroup: number, time: Float64Array, slope: Float64Array): void {
    const k = this.bprK[a];
    let t = this.zeroFlowTime[a];
    let d = 0;
    if (k !== 0) {
      if (this.allPower4) {
        const x2 = x * x;
        t += k * x2 * x2;
        d = 4 * k * x2 * x;
      } else {
        const p = this.power[a];
        const xp1 = p === 1 ? 1 : x ** (p - 1);
        t += k * xp1 * x;
        d = p * k * xp1;
      }
    }
    if (this.hasQueue[a] === 1) {
      const v = this.vdf;
      const xq = this.groupOf !== null && this.groupOf[a] >= 0 ? xGroup : x;
      t += queueTime(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], xq) - v.queueT0[a];
      d += queueDerivative(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], xq);
    }
    time[a] = t;
    slope[a] = d;
  }

  /**
   * Set the flow of arc `a` to x and write its time and slope to time[a] and slope[a]. For a group member, the
   * group's sum moves by the change and every member's time and slope are rewritten (the caller refreshes anything
   * it derives from them for arcs groupArc[groupStart[g] .. groupStart[g + 1] − 1]).
   */
  update(a: number, x: number, time: Float64Array, slope: Float64Array): void {
    const g = this.groupOf === null ? -1 : this.groupOf[a];
    if (g < 0) {
      this.evaluate(a, x, x, time, slope);
      return;
    }
    const mf = this.memberFlow;
    let xg = this.groupFlow[g] + (x - mf[a]);
    if (xg < 0) xg = 0;
    mf[a] = x;
    this.groupFlow[g] = xg;
    this.groupSlope[g] = this.groupQueueDerivative(g, xg);
    const end = this.groupStart[g + 1];
    for (let i = this.groupStart[g]; i < end; i++) {
      const b = this.groupArc[i];
      this.evaluate(b, mf[b], xg, time, slope);
    }
  }

  /** Time of arc `a` at flow x (its own flow only; for a group member use `evaluate`). */
  time(a: number, x: number): number {
    const k = this.bprK[a];
    let t = this.zeroFlowTime[a];
    if (k !== 0) {
      if (this.allPower4) {
        const x2 = x * x;
        t += k * x2 * x2;
      } else t += k * x ** this.power[a];
    }
    if (this.hasQueue[a] === 1) {
      const v = this.vdf;
      t += queueTime(v.queueT0[a], v.queueCapacity[a], v.queueAlpha[a], v.queueRhoMax[a], x) - v.queueT0[a];
    }
    return t;
  }

  /** Summed flow of every group from the flow column, written to `out` [group]. */
  sumGroups(flow: Float64Array, out: Float64Array): void {
    for (let g = 0; g < this.groupCount; g++) {
      let s = 0;
      const end = this.groupStart[g + 1];
      for (let i = this.groupStart[g]; i < end; i++) s += flow[this.groupArc[i]];
      out[g] = s;
    }
  }

  /** Update time and slope of every arc from the flow column (and the group sums from scratch). */
  updateAll(flow: Float64Array, time: Float64Array, slope: Float64Array): void {
    if (this.groupOf === null) {
      for (let a = 0; a < this.arcCount; a++) this.evaluate(a, flow[a], flow[a], time, slope);
      return;
    }
    const groupOf = this.groupOf;
    this.sumGroups(flow, this.groupFlow);
    for (let g = 0; g < this.groupCount; g++) this.groupSlope[g] = this.groupQueueDerivative(g, this.groupFlow[g]);
    for (let a = 0; a < this.arcCount; a++) {
      const g = groupOf[a];
      if (g >= 0) this.memberFlow[a] = flow[a];
      this.evaluate(a, flow[a], g >= 0 ? this.groupFlow[g] : flow[a], time, slope);
    }
  }

  /** Σ_a ∫_0^{x_a} t_a for ungrouped arcs, plus for group members the BPR integral per arc and Σ_g ∫_0^{X_g} q_g once per group. */
  integralSum(flow: Float64Array): number {
    let s = 0;
    const v = this.vdf;
    if (this.groupOf === null) {
      for (let a = 0; a < this.arcCount; a++) s += arcIntegral(v, a, flow[a]);
      return s;
    }
    const groupOf = this.groupOf;
    for (let a = 0; a < this.arcCount; a++) {
      if (groupOf[a] < 0) s += arcIntegral(v, a, flow[a]);
      else s += bprIntegral(v.bprT0[a], v.bprCapacity[a], v.bprB[a], v.bprPower[a], flow[a]);
    }
    for (let g = 0; g < this.groupCount; g++) {
      if (this.groupStart[g + 1] === this.groupStart[g]) continue;
      let xg = 0;
      const end = this.groupStart[g + 1];
      for (let i = this.groupStart[g]; i < end; i++) xg += flow[this.groupArc[i]];
      const r = this.groupRep[g];
      s += queueIntegral(v.queueT0[r], v.queueCapacity[r], v.queueAlpha[r], v.queueRhoMax[r], xg);
    }
    return s;
  }
}
