/**
 * Rules of passage: dated, sourced rules of law and policy that decide where goods may go, apart from what the
 * infrastructure allows (data/<dataset>/rules/*.yaml, top-level list `rules:`; docs/data-format.md § rules).
 *
 *   transit_ban    goods shipped from `goodsFrom` (and/or to `goodsTo`) countries may not cross `countries` as transit
 *                  countries (a country that is the shipment's origin or destination is not transit). Routing blocks
 *                  every arc that touches such a country for the shipments the rule concerns.
 *   crossing_ban   the border `crossings` are closed to the `modes` named (every mode when none) for every shipment.
 *   permit         a regime that changes how goods move but not whether: named on every route that uses one of the
 *                  `crossings` (or enters one of the `countries`), not timed (its time and charge are not known).
 *   service_ban    the ferry services `ferries` take no shipment on the decks of the `modes` named (rail wagons,
 *                  road trucks; every deck when none), on sailings from the `departing` places only when named (an
 *                  export ban at a port) or both ways, for every shipment.
 *   tariff_discount  goods shipped from `goodsFrom` (and/or to `goodsTo`) countries pay `tariffFactor` of the moving
 *                  tariff (the charge that grows with distance, not border fees or handling) on the links of the
 *                  `modes` inside the `countries` they cross in transit (a country that is the shipment's origin or
 *                  destination is not transit), for the `cargo` profiles named (every profile when none): a
 *                  railway's published transit discount. Where two discounts concern one link, the lower factor
 *                  applies (discounts do not stack).
 *
 * A rule is in force on a date d when `from` ≤ d (or `from` is null: in force before any date the model asks) and
 * d < `to` (or `to` is null: no end known). Dates are ISO `YYYY-MM-DD`.
 */
import { z } from "zod";
import { idSchema, iso3Schema, MODES, provenanceSchema } from "./schema";

export const PASSAGE_RULE_KINDS = ["transit_ban", "crossing_ban", "permit", "service_ban", "tariff_discount"] as const;

/** The kinds whose effect depends on the shipment's origin and destination countries (goodsFrom, goodsTo). */
export type PassageRuleKind = (typeof PASSAGE_RULE_KINDS)[number];
export const SHIPMENT_RULE_KINDS: readonly PassageRuleKind[] = ["transit_ban", "tariff_discount"];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateSchema = z
  .string()
  .regex(DATE, "must be an ISO date YYYY-MM-DD")
  .refine((s) => isValidIsoDate(s), "is not a calendar date");

/** true for a real calendar date `YYYY-MM-DD`. */
export function isValidIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** One rule of passage (see the module comment for the kinds). */
export const passageRuleSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    kind: z.enum(PASSAGE_RULE_KINDS),
    /** transit_ban, tariff_discount: origin countries of the goods concerned ([] = any origin). */
    goodsFrom: z.array(iso3Schema).default([]),
    /** transit_ban, tariff_discount: destination countries of the goods concerned ([] = any destination). */
    goodsTo: z.array(iso3Schema).default([]),
    /** transit_ban, tariff_discount: the rule also concerns goods going the other way (from goodsTo to goodsFrom). */
    bothDirections: z.boolean().default(false),
    /**
     * transit_ban: countries the goods may not transit; tariff_discount: countries whose carriers charge the
     * discounted tariff in transit; permit: countries whose entry the regime concerns.
     */
    countries: z.array(iso3Schema).default([]),
    /** crossing_ban, permit: border crossing ids. */
    crossings: z.array(idSchema).default([]),
    /** service_ban: ferry ids (ferries/*.yaml). */
    ferries: z.array(idSchema).default([]),
    /** service_ban: only sailings leaving these places (ends of the ferries) are banned ([] = both ways). */
    departing: z.array(idSchema).default([]),
    /** Modes concerned ([] = every mode). */
    modes: z.array(z.enum(MODES)).default([]),
    /** tariff_discount: cargo profile ids concerned (cargo.yaml; [] = every profile). */
    cargo: z.array(idSchema).default([]),
    /** tariff_discount: the share of the moving tariff charged, > 0 and < 1 (0.6 = a 40 % discount). */
    tariffFactor: z.number().gt(0).lt(1).nullable().default(null),
    /** In force from this date (inclusive); null = before any date the model asks. */
    from: dateSchema.nullable(),
    /** In force until this date (exclusive); null = no end known. */
    to: dateSchema.nullable().default(null),
    /** What the rule means for a shipment, one sentence (named on routes). */
    what: z.string().min(1),
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (r.kind === "transit_ban" || r.kind === "tariff_discount") {
      const what = r.kind === "transit_ban" ? "the countries goods may not transit" : "the countries whose carriers grant the discount";
      if (r.countries.length === 0) issue("countries", `a ${r.kind} names ${what}`);
      if (r.goodsFrom.length === 0 && r.goodsTo.length === 0) issue("goodsFrom", `a ${r.kind} names whose goods it concerns (goodsFrom and/or goodsTo)`);
      if (r.crossings.length > 0) issue("crossings", `a ${r.kind} concerns countries, not crossings${r.kind === "transit_ban" ? " (use crossing_ban)" : ""}`);
    } else {
      if (r.goodsFrom.length > 0 || r.goodsTo.length > 0 || r.bothDirections) issue("goodsFrom", `a ${r.kind} concerns every shipment; goodsFrom, goodsTo and bothDirections belong to transit_ban and tariff_discount`);
      if (r.kind === "crossing_ban" && r.crossings.length === 0) issue("crossings", "a crossing_ban names the crossings it closes");
      if (r.kind === "crossing_ban" && r.countries.length > 0) issue("countries", "a crossing_ban names crossings, not countries");
      if (r.kind === "permit" && r.crossings.length === 0 && r.countries.length === 0) issue("crossings", "a permit names the crossings or countries it concerns");
      if (r.kind === "service_ban") {
        if (r.ferries.length === 0) issue("ferries", "a service_ban names the ferry services it closes");
        if (r.crossings.length > 0 || r.countries.length > 0) issue(r.crossings.length > 0 ? "crossings" : "countries", "a service_ban names ferries, not crossings or countries");
        const decks = ["rail", "road", "sea"];
        const other = r.modes.find((m) => !decks.includes(m));
        if (other !== undefined) issue("modes", `a ferry carries rail, road or sea (feeders); "${other}" is none of them`);
      }
    }
    if (r.kind === "tariff_discount" && r.tariffFactor === null) issue("tariffFactor", "a tariff_discount gives the share of the tariff charged (tariffFactor, e.g. 0.6 for 40 % off)");
    if (r.kind !== "tariff_discount") {
      if (r.tariffFactor !== null) issue("tariffFactor", `tariffFactor belongs to tariff_discount, not ${r.kind}`);
      if (r.cargo.length > 0) issue("cargo", `cargo belongs to tariff_discount, not ${r.kind}`);
    }
    if (r.kind !== "service_ban") {
      if (r.ferries.length > 0) issue("ferries", `ferries belong to service_ban, not ${r.kind}`);
      if (r.departing.length > 0) issue("departing", `departing belongs to service_ban, not ${r.kind}`);
    }
    if (r.from !== null && r.to !== null && r.to <= r.from) issue("to", `must be after from (${r.from})`);
  });
export type PassageRule = z.infer<typeof passageRuleSchema>;

/**
 * Cross-reference checks of one rule against the dataset: its countries are countries of the network's places, its
 * crossings exist and join one of the modes named. `problem(field, message)` reports each violation.
 */
export function checkPassageRule(
  rule: PassageRule,
  countries: ReadonlySet<string>,
  crossingModes: ReadonlyMap<string, readonly string[]>,
  problem: (field: string, message: string, didYouMean?: readonly string[]) => void,
  ferries: ReadonlyMap<string, { readonly from: string; readonly to: string; readonly carries: readonly string[] }> = new Map(),
  cargoProfiles: ReadonlySet<string> | null = null,
): void {
  if (cargoProfiles !== null) {
    rule.cargo.forEach((id, k) => {
      if (!cargoProfiles.has(id)) problem(`cargo.${k}`, `unknown cargo profile "${id}"`, [...cargoProfiles]);
    });
  }
  rule.ferries.forEach((id, k) => {
    const f = ferries.get(id);
    if (f === undefined) problem(`ferries.${k}`, `unknown ferry "${id}"`, [...ferries.keys()]);
    else if (rule.modes.length > 0 && !rule.modes.some((m) => f.carries.includes(m))) problem(`ferries.${k}`, `ferry "${id}" carries ${f.carries.join(", ")}, none of the rule's modes (${rule.modes.join(", ")})`);
  });
  rule.departing.forEach((place, k) => {
    const ends = rule.ferries.map((id) => ferries.get(id)).filter((f) => f !== undefined);
    if (!ends.some((f) => f.from === place || f.to === place)) problem(`departing.${k}`, `"${place}" is not an end of the rule's ferries`, ends.flatMap((f) => [f.from, f.to]));
  });
  for (const field of ["goodsFrom", "goodsTo", "countries"] as const) {
    rule[field].forEach((c, k) => {
      if (!countries.has(c)) problem(`${field}.${k}`, `no place of the network lies in "${c}"`, [...countries]);
    });
  }
  rule.crossings.forEach((id, k) => {
    const modes = crossingModes.get(id);
    if (modes === undefined) problem(`crossings.${k}`, `unknown border crossing "${id}"`, [...crossingModes.keys()]);
    else if (rule.modes.length > 0 && !rule.modes.some((m) => modes.includes(m))) problem(`crossings.${k}`, `crossing "${id}" carries ${modes.join(", ")}, none of the rule's modes (${rule.modes.join(", ")})`);
  });
}

/** true when the rule is in force on `date` (ISO YYYY-MM-DD). */
export function isRuleInForce(rule: PassageRule, date: string): boolean {
  return (rule.from === null || rule.from <= date) && (rule.to === null || date < rule.to);
}
