import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimatePpml, ObsStatus } from "../../../src/trade/ppml/estimate";
import { fitPpmlDummies } from "../../../src/trade/ppml/ppml-dummy";
import { choleskyDropCollinear, choleskyInverse } from "../../../src/trade/ppml/ppml-linalg";

const codes = (xs: number[]) => Int32Array.from(xs);

/** A small connected exporter × importer panel with a regressor and Poisson-like outcomes from a seeded generator. */
function panel(seed: number, exporters: number, importers: number, zeroShare = 0.1) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const exp: number[] = [];
  const imp: number[] = [];
  const x: number[] = [];
  const z: number[] = [];
  const y: number[] = [];
  for (let e = 0; e < exporters; e++) {
    for (let i = 0; i < importers; i++) {
      const xi = rand() * 2;
      const zi = rand() < 0.4 ? 1 : 0;
      const mu = Math.exp(0.3 * e - 0.2 * i - 0.7 * xi + 0.5 * zi);
      exp.push(e);
      imp.push(i);
      x.push(xi);
      z.push(zi);
      y.push(rand() < zeroShare ? 0 : mu * (0.5 + rand()));
    }
  }
  return { exp, imp, x, z, y };
}

describe("PPML estimator against the dummy-variable GLM oracle", () => {
  it("gives the same coefficients and fitted values on random panels (one spec, two implementations)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 6 }), fc.integer({ min: 3, max: 6 }), (seed, ne, ni) => {
        const p = panel(seed, ne, ni, 0);
        const fast = estimatePpml(
          {
            y: p.y,
            regressors: [
              { name: "x", values: p.x },
              { name: "z", values: p.z },
            ],
            fixedEffects: [
              { name: "exp", codes: codes(p.exp) },
              { name: "imp", codes: codes(p.imp) },
            ],
          },
          { tol: 1e-12 },
        );
        const fes = [
          { name: "exp", codes: codes(p.exp), levelCount: ne },
          { name: "imp", codes: codes(p.imp), levelCount: ni },
        ];
        const oracle = fitPpmlDummies(Float64Array.from(p.y), [Float64Array.from(p.x), Float64Array.from(p.z)], fes, 1e-14);
        const byName = new Map(fast.coefficients.map((c) => [c.name, c.estimate]));
        // z may be collinear in tiny panels; compare what both kept
        expect(byName.get("x")).toBeCloseTo(oracle.beta[0], 7);
        if (byName.has("z")) expect(byName.get("z")).toBeCloseTo(oracle.beta[1], 7);
        for (let i = 0; i < p.y.length; i++) expect(fast.fitted[i] / oracle.mu[i]).toBeCloseTo(1, 7);
      }),
      { numRuns: 25 },
    );
  });

  it("robust and clustered variances equal the regressor block of the full dummy-variable sandwich", () => {
    const p = panel(7, 6, 5, 0);
    const n = p.y.length;
    const spec = {
      y: p.y,
      regressors: [{ name: "x", values: p.x }, { name: "z", values: p.z }],
      fixedEffects: [
        { name: "exp", codes: codes(p.exp) },
        { name: "imp", codes: codes(p.imp) },
      ],
      clusters: [{ name: "exp", codes: codes(p.exp) }],
    };
    // the oracle is the sandwich at the estimate
    const hetero = estimatePpml(spec, { vcov: "hetero", tol: 1e-13, vcovAt: "converged" });
    const cluster = estimatePpml(spec, { vcov: "cluster", tol: 1e-13, fixefK: "exact", vcovAt: "converged" });
    const clusterNested = estimatePpml(spec, { vcov: "cluster", tol: 1e-13, vcovAt: "converged" });
    // full design: x, z, all exporter dummies, importer dummies but the first
    const cols: Float64Array[] = [Float64Array.from(p.x), Float64Array.from(p.z)];
    for (let g = 0; g < 6; g++) cols.push(Float64Array.from(p.exp, (e) => (e === g ? 1 : 0)));
    for (let g = 1; g < 5; g++) cols.push(Float64Array.from(p.imp, (i) => (i === g ? 1 : 0)));
    const q = cols.length;
    const mu = hetero.fitted;
    const h = new Float64Array(q * q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) for (let i = 0; i < n; i++) h[a * q + b] += mu[i] * cols[a][i] * cols[b][i];
    const { l, kept } = choleskyDropCollinear(h, q, 1e-12);
    expect(kept.every(Boolean)).toBe(true);
    const bread = choleskyInverse(l, kept, q);
    const sandwichXX = (groups: Int32Array) => {
      const G = Math.max(...groups) + 1;
      const s = new Float64Array(G * q);
      for (let i = 0; i < n; i++) for (let a = 0; a < q; a++) s[groups[i] * q + a] += cols[a][i] * (p.y[i] - mu[i]);
      // (B M B)[0][0] = Σ_g (B_0· s_g)²
      let v = 0;
      for (let g = 0; g < G; g++) {
        let t = 0;
        for (let a = 0; a < q; a++) t += bread[a] * s[g * q + a];
        v += t * t;
      }
      return v;
    };
    const K = 2 + 6 + 5 - 1;
    const heteroOracle = sandwichXX(Int32Array.from({ length: n }, (_, i) => i)) * (n / (n - K));
    expect(hetero.coefficients[0].se ** 2 / heteroOracle).toBeCloseTo(1, 8);
    // clustered by exporter, exact count: the exporter fixed effect is nested and not counted, K = 2 + (importer levels − 1) = 6
    const Kc = 2 + 5 - 1;
    const clusterOracle = sandwichXX(codes(p.exp)) * (6 / 5) * ((n - 1) / (n - Kc));
    expect(cluster.parameterCount).toBe(Kc);
    expect(cluster.coefficients[0].se ** 2 / clusterOracle).toBeCloseTo(1, 8);
    // fixest's nested count (default): 2 + (6 + 5 − 1) levels − (6 − 1) for the nested exporter dimension = 7
    const KcNested = 2 + (6 + 5 - 1) - (6 - 1);
    expect(clusterNested.fixefK).toBe("nested");
    expect(clusterNested.parameterCount).toBe(KcNested);
    expect(clusterNested.coefficients[0].se ** 2 / (sandwichXX(codes(p.exp)) * (6 / 5) * ((n - 1) / (n - KcNested)))).toBeCloseTo(1, 8);
    // two-way (exporter, importer): V_exp + V_imp − V_(exp∩imp = one row each), factor G_min/(G_min − 1) with
    // G_min = 5 and K = 2 (both fixed effects nested in a cluster variable)
    const twoWaySpec = { ...spec, clusters: [spec.clusters[0], { name: "imp", codes: codes(p.imp) }] };
    const twoWay = estimatePpml(twoWaySpec, { tol: 1e-13, fixefK: "exact" });
    const rowsAsClusters = Int32Array.from({ length: n }, (_, i) => i);
    const twoWayMeat = sandwichXX(codes(p.exp)) + sandwichXX(codes(p.imp)) - sandwichXX(rowsAsClusters);
    const twoWayOracle = twoWayMeat * (5 / 4) * ((n - 1) / (n - 2));
    expect(twoWay.parameterCount).toBe(2);
    expect(twoWay.coefficients[0].se ** 2 / twoWayOracle).toBeCloseTo(1, 8);
    // fixest's nested count: every fixed effect nested in a cluster variable leaves 1 parameter, K = 2 + 1
    const twoWayNested = estimatePpml(twoWaySpec, { tol: 1e-13 });
    expect(twoWayNested.parameterCount).toBe(3);
    expect(twoWayNested.coefficients[0].se ** 2 / (twoWayMeat * (5 / 4) * ((n - 1) / (n - 3)))).toBeCloseTo(1, 8);
  });
});

describe("PPML sample rules and small cases", () => {
  it("with one fixed effect and no regressor the fit is the group mean", () => {
    //  group a: y 1, 3 → μ 2     group b: y 0, 4, 8 → μ 4
    const r = estimatePpml({ y: [1, 3, 0, 4, 8], fixedEffects: [{ name: "g", codes: codes([0, 0, 1, 1, 1]) }] });
    expect(Array.from(r.fitted).map((v) => Number(v.toFixed(9)))).toEqual([2, 2, 4, 4, 4]);
    expect(r.fixedEffects[0].values[0]).toBeCloseTo(Math.log(2), 9);
    expect(r.coefficients).toEqual([]);
  });

  it("drops singletons and all-zero groups, and says so", () => {
    //  g: 0 0 | 1 1 | 2      y: 1 2 | 0 0 | 5     → group 1 separated, group 2 singleton
    const r = estimatePpml({ y: [1, 2, 0, 0, 5], regressors: [{ name: "x", values: [0, 1, 0, 1, 0] }], fixedEffects: [{ name: "g", codes: codes([0, 0, 1, 1, 2]) }] });
    expect(Array.from(r.status)).toEqual([ObsStatus.kept, ObsStatus.kept, ObsStatus.separatedFe, ObsStatus.separatedFe, ObsStatus.singleton]);
    expect(r.dropped).toMatchObject({ separated: 2, singletons: 1, missing: 0 });
    expect(r.coefficients[0].estimate).toBeCloseTo(Math.log(2), 9);
    expect(r.messages.join(" ")).toMatch(/singleton/);
  });

  it("drops rows with missing values and a regressor absorbed by the fixed effects is reported collinear", () => {
    const r = estimatePpml({
      y: [1, 2, 3, 4, Number.NaN, 6],
      regressors: [
        { name: "x", values: [0, 1, 0, 1, 0, 1] },
        { name: "groupConstant", values: [5, 5, 7, 7, 9, 9] },
      ],
      fixedEffects: [{ name: "g", codes: codes([0, 0, 1, 1, 2, 2]) }],
    });
    expect(r.dropped.missing).toBe(1);
    expect(r.collinear).toEqual(["groupConstant"]);
    expect(r.coefficients.map((c) => c.name)).toEqual(["x"]);
  });

  it("a negative outcome is E_DATA_INVALID; nothing left is E_ESTIMATION_FAILED", () => {
    expect(() => estimatePpml({ y: [1, -1] })).toThrow(expect.objectContaining({ code: "E_DATA_INVALID" }));
    expect(() => estimatePpml({ y: [0, 0, 1], fixedEffects: [{ name: "g", codes: codes([0, 0, 1]) }] })).toThrow(
      expect.objectContaining({ code: "E_ESTIMATION_FAILED" }),
    );
  });

  it("an offset with coefficient 1 shifts the fit (GEPPML use)", () => {
    const p = panel(3, 4, 4, 0);
    const fes = [
      { name: "exp", codes: codes(p.exp) },
      { name: "imp", codes: codes(p.imp) },
    ];
    const full = estimatePpml({ y: p.y, regressors: [{ name: "x", values: p.x }], fixedEffects: fes }, { tol: 1e-12 });
    const b = full.coefficients[0].estimate;
    const constrained = estimatePpml({ y: p.y, fixedEffects: fes, offset: p.x.map((v) => b * v) }, { tol: 1e-12 });
    for (let i = 0; i < p.y.length; i++) expect(constrained.fitted[i] / full.fitted[i]).toBeCloseTo(1, 7);
  });

  it("iid variance is the inverse Hessian and multi-way clustering runs (Cameron–Gelbach–Miller)", () => {
    const p = panel(11, 6, 6, 0.05);
    const spec = {
      y: p.y,
      regressors: [{ name: "x", values: p.x }],
      fixedEffects: [{ name: "exp", codes: codes(p.exp) }],
      clusters: [
        { name: "exp", codes: codes(p.exp) },
        { name: "imp", codes: codes(p.imp) },
      ],
    };
    const iid = estimatePpml(spec, { vcov: "iid" });
    const two = estimatePpml(spec, { vcov: "cluster" });
    expect(iid.coefficients[0].se).toBeGreaterThan(0);
    expect(two.clusters.map((c) => c.count)).toEqual([6, 6]);
    expect(Number.isFinite(two.coefficients[0].se)).toBe(true);
    expect(() => estimatePpml({ y: p.y }, { vcov: "cluster" })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});
