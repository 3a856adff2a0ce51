/**
 * The study measures transit through Kazakhstan by the corridor assignment of the dataset's demand in each network
 * state (docs/belt-and-road.md): on data/eurasia its baseline equals the calibration's model figure, and a dataset
 * without a declared demand file says it is not measured.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { calibrate } from "../../src/calibration/index";
import { readDatasetObservations } from "../../src/network/observations";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/context";
import { kazakhTransitOf } from "../../src/studies/belt-and-road/study";
import { studyStates } from "../../src/studies/belt-and-road/variants";

const EURASIA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(join(EURASIA, "observations")))("Kazakh transit in the Belt and Road study (data/eurasia)", () => {
  it("the baseline is the calibration's assignment figure; every variant is measured on its own state", () => {
    const net = openNetwork(EURASIA, { cacheDir: false });
    const transit = kazakhTransitOf(studyStates(new RoutingContext(net)));
    expect(transit).not.toBeNull();
    const files = readDatasetObservations(EURASIA);
    expect(transit!.demandFile).toBe(files.find((f) => f.demand)?.demand);
    const report = calibrate(net, files, { demandPath: join(EURASIA, transit!.demandFile) });
    const model = report.rows.find((r) => r.id === "kaz-transit-tonnes")!.model!;
    // calibrate assigns to a relative gap of 1e-6, the study to 1e-4
    expect(Math.abs(transit!.baselineT / 1e6 - model) / model).toBeLessThan(0.005);
    expect(transit!.variants.map((v) => v.name)).toEqual(["projects", "borders", "both"]);
    for (const v of transit!.variants) expect(v.transitT).toBeGreaterThan(0);
  });
});

describe("a dataset without a declared demand file", () => {
  it("gives no transit figure", () => {
    const net = openNetwork(resolve(__dirname, "../fixtures/appraisal"), { cacheDir: false });
    expect(kazakhTransitOf(studyStates(new RoutingContext(net)))).toBeNull();
  });
});
