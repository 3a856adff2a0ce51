/**
 * `caravan network rules`: the dataset's rules of passage and which are in force on a date (the date route takes:
 * --date, or 1 July / the 15th of --month of --year, or today). Checked against the rules' own from/to dates in
 * data/eurasia/rules/*.yaml, read here with the loader, so the expected lists are never typed in.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/network/load";
import { isRuleInForce } from "../../src/network/passage";
import { runOn } from "../routing/helpers";

const DATA = resolve(__dirname, "../../data/eurasia");

describe.skipIf(!existsSync(DATA))("caravan network rules", () => {
  const rules = loadNetwork(DATA).passageRules ?? [];

  it("lists every rule with inForce as of the date asked (JSON)", async () => {
    for (const [args, date] of [
      [["--date", "2023-06-15"], "2023-06-15"],
      [["--year", "2025", "--month", "8"], "2025-08-15"],
      [["--year", "2018"], "2018-07-01"],
    ] as const) {
      const r = await runOn(DATA, "network", "rules", ...args, "--json");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.out) as { date: string; rules: { id: string; inForce: boolean }[] };
      expect(out.date).toBe(date);
      expect(out.rules.map((x) => x.id)).toEqual(rules.map((x) => x.id));
      for (const x of out.rules) expect(x.inForce, `${x.id} on ${date}`).toBe(isRuleInForce(rules.find((y) => y.id === x.id)!, date));
    }
  });

  it("filters by kind and by being in force; the text names each rule, what it concerns and its dates", async () => {
    const r = await runOn(DATA, "network", "rules", "--date", "2023-06-15", "--kind", "tariff_discount", "--in-force");
    expect(r.code).toBe(0);
    const expected = rules.filter((x) => x.kind === "tariff_discount" && isRuleInForce(x, "2023-06-15"));
    expect(expected.length).toBeGreaterThan(0);
    expect(r.out).toContain(`: ${expected.length} in force of ${expected.length} (tariff_discount)`);
    for (const x of expected) {
      expect(r.out).toContain(`* ${x.id} [tariff_discount] ${x.from}`);
      expect(r.out).toContain(`pay ${Math.round((x.tariffFactor ?? 1) * 100)} % of the moving tariff`);
    }
    for (const x of rules.filter((y) => !expected.includes(y))) expect(r.out).not.toContain(` ${x.id} [`);
  });

  it("refuses a bad date, an unknown kind (with a suggestion) and --date with --year, in one line", async () => {
    const bad = await runOn(DATA, "network", "rules", "--date", "2025-02-30");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/^caravan: E_USAGE: --date must be a calendar date/);
    const kind = await runOn(DATA, "network", "rules", "--kind", "tarif_discount");
    expect(kind.code).not.toBe(0);
    expect(kind.err).toMatch(/^caravan: E_USAGE: unknown rule kind "tarif_discount"/);
    expect(kind.err).toContain("tariff_discount");
    const both = await runOn(DATA, "network", "rules", "--date", "2025-01-01", "--year", "2025");
    expect(both.err).toMatch(/^caravan: E_USAGE: give --date or --year\/--month, not both/);
    const month = await runOn(DATA, "network", "rules", "--month", "13");
    expect(month.err).toMatch(/^caravan: E_USAGE: --month must be an integer 1–12/);
  });
});
