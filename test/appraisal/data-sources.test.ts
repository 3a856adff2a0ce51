/** Provenance of data/appraisal: every `src:` and `estimate:` id a table cites is defined in its sources.yaml. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dir = join(import.meta.dirname, "..", "..", "data", "appraisal");

describe("data/appraisal provenance", () => {
  const doc = parse(readFileSync(join(dir, "sources.yaml"), "utf8")) as { sources: Record<string, unknown>; rules: Record<string, unknown> };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".csv"))) {
    it(`${file}: every cited source and rule exists`, () => {
      const text = readFileSync(join(dir, file), "utf8");
      const cited = [...text.matchAll(/\b(src|estimate):([a-z0-9-]+)/g)].map((m) => [m[1], m[2]] as const);
      expect(cited.length).toBeGreaterThan(0);
      const missing = cited.filter(([kind, id]) => !(kind === "src" ? id in doc.sources : id in doc.rules)).map(([k, id]) => `${k}:${id}`);
      expect(missing).toEqual([]);
    });
  }
});
