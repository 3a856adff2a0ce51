import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCliDocs, renderErrorDocs } from "../../src/core/docs";
import { CaravanError, ERROR_CATALOGUE, parseError } from "../../src/core/errors";
import { buildProgram } from "../../src/cli/main";

describe("error catalogue", () => {
  it("uses stable upper-case E_ codes with an exit status and an HTTP status", () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^E_[A-Z0-9_]+$/);
      expect([1, 2]).toContain(spec.exitCode);
      expect(spec.httpStatus).toBeGreaterThanOrEqual(400);
      expect(spec.summary.length).toBeGreaterThan(10);
    }
  });

  it("a CaravanError carries its code, exit status and a JSON body with did-you-mean", () => {
    const error = new CaravanError("E_PLACE_UNKNOWN", 'unknown place "Duisberg"', { didYouMean: ["Duisburg"] });
    expect(error.code).toBe("E_PLACE_UNKNOWN");
    expect(error.exitCode).toBe(2);
    expect(error.httpStatus).toBe(404);
    expect(error.toJSON()).toEqual({ code: "E_PLACE_UNKNOWN", message: 'unknown place "Duisberg"', didYouMean: ["Duisburg"] });
  });

  it("parseError names file, line and field", () => {
    const error = parseError("links/east.csv", 12, "distanceKm", "must be a positive number");
    expect(error.code).toBe("E_PARSE");
    expect(error.message).toBe('links/east.csv:12: field "distanceKm": must be a positive number');
    expect(error.details).toEqual({ file: "links/east.csv", line: 12, field: "distanceKm" });
  });

  it("docs/errors.md matches the catalogue (run npm run docs:generate after changing it)", () => {
    expect(readFileSync("docs/errors.md", "utf8")).toBe(renderErrorDocs());
  });

  it("docs/cli.md matches the command definitions (run npm run docs:generate after changing them)", async () => {
    expect(readFileSync("docs/cli.md", "utf8")).toBe(renderCliDocs(await buildProgram()));
  });
});
