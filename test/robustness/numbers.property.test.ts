/**
 * Property tests of the one number rule (src/core/numbers.ts) and the shared option parser: every plain finite
 * decimal in range reads back as exactly the number JavaScript would give it, and everything else — hex, Infinity,
 * NaN, blanks, junk, overflow, subnormals, out-of-range values — is refused with a problem (never a wrong value).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numberOption } from "../../src/cli/options";
import { CaravanError } from "../../src/core/errors";
import { DECIMAL, isPlainDecimal, MIN_NORMAL, type NumberRule, numberProblem, optionRule, rangeProblem, renderNumberDocs } from "../../src/core/numbers";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const WIDE: NumberRule = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
const SEED = { seed: 7, numRuns: 500 };

/** Strings made of the characters numbers (and their near misses) are made of. */
const numberish = fc.string({ unit: fc.constantFrom(..."0123456789+-.eExX ,_aIiNnfty\t"), maxLength: 14 });

describe("the number rule", () => {
  it("the character scanner accepts exactly the DECIMAL grammar", () => {
    fc.assert(
      fc.property(numberish, (s) => {
        expect(isPlainDecimal(s)).toBe(DECIMAL.test(s));
      }),
      SEED,
    );
  });

  it("reads every finite double written by String() back exactly", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        if (x !== 0 && Math.abs(x) < MIN_NORMAL) expect(numberProblem(text, WIDE)).not.toBeNull();
        else {
          expect(numberProblem(text, WIDE)).toBeNull();
          expect(Number(text) === x).toBe(true); // String(-0) is "0"
        }
      }),
      SEED,
    );
  });

  it("accepts a text only when it is a plain decimal with a finite, normal value within the range", () => {
    const rule: NumberRule = { min: -1000, max: 1000 };
    fc.assert(
      fc.property(numberish, (s) => {
        const problem = numberProblem(s, rule);
        const v = Number(s);
        const ok = s.trim() !== "" && DECIMAL.test(s) && Number.isFinite(v) && (v === 0 || Math.abs(v) >= MIN_NORMAL) && v >= -1000 && v <= 1000;
        expect(problem === null).toBe(ok);
      }),
      SEED,
    );
  });

  it("refuses hex, octal, binary, Infinity, NaN, blanks, separators, trailing junk, overflow and subnormals", () => {
    for (const bad of ["0x10", "0o17", "0b11", "Infinity", "-Infinity", "NaN", "", " ", "\t", "1,000", "1_000", "12abc", "1e", "e5", ".", "+", "1e400", "-1e400", "1e-320", " 12", "12 "]) {
      expect(numberProblem(bad, WIDE), JSON.stringify(bad)).not.toBeNull();
    }
  });

  it("whole-number rules refuse fractions; exclusive minimums refuse the bound itself", () => {
    expect(rangeProblem(2.5, { min: 0, max: 10, integer: true })).not.toBeNull();
    expect(rangeProblem(0, { min: 0, max: 1, minExclusive: true })).not.toBeNull();
    expect(rangeProblem(1e-9, { min: 0, max: 1, minExclusive: true })).toBeNull();
  });
});

describe("numeric command-line options", () => {
  it("give the parsed value or E_USAGE naming the option, never another error or a non-finite value", () => {
    fc.assert(
      fc.property(fc.constantFrom("--gap", "--demand-scale", "--co2-price", "--year", "--alternatives", "--max-iterations", "--unlisted"), numberish, (option, value) => {
        try {
          const v = numberOption(option, value);
          expect(Number.isFinite(v)).toBe(true);
          expect(rangeProblem(v as number, optionRule(option))).toBeNull();
        } catch (error) {
          expect(error).toBeInstanceOf(CaravanError);
          expect((error as CaravanError).code).toBe("E_USAGE");
          expect((error as CaravanError).message.startsWith(option)).toBe(true);
        }
      }),
      SEED,
    );
  });
});

describe("docs/numbers.md", () => {
  it("matches the catalogue of number fields (run npm run docs:generate after changing it)", () => {
    expect(readFileSync(resolve(__dirname, "../../docs/numbers.md"), "utf8")).toBe(renderNumberDocs());
  });
});
