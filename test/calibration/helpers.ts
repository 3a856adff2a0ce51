/** Shared by the calibration tests: the CaravanError a call throws (any other error, or none, fails the test). */
import { CaravanError } from "../../src/core/errors";

export function thrown(f: () => unknown): CaravanError {
  try {
    f();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}
