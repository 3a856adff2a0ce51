import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomic-write";
import { CaravanError } from "../../core/errors";
import type { PassageRule } from "../../network/passage";
import type { NetworkStats } from "../../network/report";

interface Io {
  out: (s: string) => void;
}

function dataDir(command: Command): string {
  return (command.optsWithGlobals() as { data: string }).data;
}

/** Registers `network validate | stats | rules | export`. */
export function register(program: Command): void {
  const network = program.command("network").description("inspect, validate and export the network dataset");
  const io: Io = {
    out: (s) => (program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t)))(s),
  };

  network
    .command("validate")
    .description("check every source file; list all problems with file, line and field (exit 1 if any)")
    .option("--json", "print the problems as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const [{ formatProblem, validateNetwork }, { loadCorridors }] = await Promise.all([import("../../network/load"), import("../../network/corridors")]);
      const dir = dataDir(command);
      const loaded = validateNetwork(dir);
      // the named corridors (corridors.yaml) are checked against the links once the network itself is valid
      const corridorProblems = loaded.network ? loadCorridors(dir, loaded.network).problems : [];
      const result = corridorProblems.length > 0 ? { ...loaded, network: null, problems: [...loaded.problems, ...corridorProblems] } : loaded;
      if (options.json) {
        io.out(`${JSON.stringify({ dir, files: result.files.length, problems: result.problems }, null, 2)}\n`);
      } else {
        for (const p of result.problems) io.out(`${dir}/${formatProblem(p)}\n`);
        if (result.network) {
          const n = result.network;
          io.out(
            `${dir}: valid — ${result.files.length} files, ${n.places.length} places, ${n.links.length} links, ${n.crossings.length} crossings, ${n.terminals.length} terminals, ${n.ferries.length} ferries\n`,
          );
        }
      }
      if (result.problems.length > 0) {
        const byCode = new Map<string, number>();
        for (const p of result.problems) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
        const summary = [...byCode].map(([code, n]) => `${n} ${code}`).join(", ");
        const first = result.problems[0];
        throw new CaravanError(first.code, `${result.problems.length} problem(s) in ${dir} (${summary})`, {
          details: { problems: result.problems },
        });
      }
    });

  network
    .command("stats")
    .description("counts by mode, kind, country and status; km by mode; share of estimated distances")
    .option("--json", "print the statistics as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const [{ compileNetwork }, { formatProblem, loadNetwork }, { networkStats }, { loadCorridors }] = await Promise.all([
        import("../../network/build"),
        import("../../network/load"),
        import("../../network/report"),
        import("../../network/corridors"),
      ]);
      const dir = dataDir(command);
      const net = loadNetwork(dir);
      const named = loadCorridors(dir, net);
      if (named.problems.length > 0) {
        const first = named.problems[0];
        throw new CaravanError(first.code, `${named.problems.length} problem(s) in ${dir}/corridors.yaml; first: ${formatProblem(first)}`, { details: { problems: named.problems } });
      }
      const stats = networkStats(net, compileNetwork(net).graph, named.corridors);
      io.out(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
    });

  network
    .command("rules")
    .description("the rules of passage (rules/*.yaml): transit bans, closures, permits, tariff discounts, and which are in force on a date")
    .option("--date <YYYY-MM-DD>", "the date (default: today, as route without --year)")
    .option("--year <year>", "the date route takes for a year: 1 July, or the 15th of --month")
    .option("--month <1-12>", "with --year (or alone: this year)")
    .option("--kind <kind>", "only rules of this kind")
    .option("--in-force", "only the rules in force on the date")
    .option("--json", "print the rules as JSON, each with inForce")
    .action(async (options: { date?: string; year?: string; month?: string; kind?: string; inForce?: boolean; json?: boolean }, command: Command) => {
      const [{ loadNetwork }, { isRuleInForce, isValidIsoDate, PASSAGE_RULE_KINDS }, { passageDate }, { suggest }] = await Promise.all([
        import("../../network/load"),
        import("../../network/passage"),
        import("../../routing/passage"),
        import("../../core/suggest"),
      ]);
      if (options.date !== undefined && (options.year !== undefined || options.month !== undefined)) throw new CaravanError("E_USAGE", "give --date or --year/--month, not both");
      if (options.date !== undefined && !isValidIsoDate(options.date)) throw new CaravanError("E_USAGE", `--date must be a calendar date YYYY-MM-DD (got "${options.date}")`);
      const whole = (name: string, v: string | undefined, lo: number, hi: number): number | null => {
        if (v === undefined) return null;
        const n = Number(v);
        if (!Number.isInteger(n) || n < lo || n > hi) throw new CaravanError("E_USAGE", `--${name} must be an integer ${lo}–${hi} (got "${v}")`);
        return n;
      };
      const date = options.date ?? passageDate(whole("year", options.year, 1900, 2200), whole("month", options.month, 1, 12));
      if (options.kind !== undefined && !(PASSAGE_RULE_KINDS as readonly string[]).includes(options.kind)) {
        throw new CaravanError("E_USAGE", `unknown rule kind "${options.kind}"; use one of ${PASSAGE_RULE_KINDS.join(", ")}`, { didYouMean: suggest(options.kind, PASSAGE_RULE_KINDS) });
      }
      const net = loadNetwork(dataDir(command));
      const all = (net.passageRules ?? []).filter((r) => options.kind === undefined || r.kind === options.kind);
      const rules = all.map((r) => ({ ...r, inForce: isRuleInForce(r, date) })).filter((r) => !options.inForce || r.inForce);
      if (options.json) {
        io.out(`${JSON.stringify({ dir: net.dir, date, rules }, null, 2)}\n`);
        return;
      }
      const inForce = rules.filter((r) => r.inForce).length;
      const lines = [`rules of passage in ${net.dir} on ${date}: ${inForce} in force of ${rules.length}${options.kind ? ` (${options.kind})` : ""}`];
      for (const r of rules) {
        const when = `${r.from ?? "…"} – ${r.to === null ? "no end known" : `${r.to} (excl.)`}`;
        lines.push(`${r.inForce ? "*" : " "} ${r.id} [${r.kind}] ${when}`);
        lines.push(`    ${r.name}`);
        lines.push(`    ${concerns(r)}`);
      }
      lines.push("* in force on the date; rules switch off with --rules-off ID,...|all (route, matrix, assign, gravity pair-times, study) or a scenario's rules: { off }");
      io.out(`${lines.join("\n")}\n`);
    });

  network
    .command("export")
    .description("export places and links as GeoJSON or the links table as CSV")
    .requiredOption("--format <format>", "geojson | csv")
    .option("--out <file>", "write to a file (atomically) instead of standard output")
    .action(async (options: { format: string; out?: string }, command: Command) => {
      const [{ loadNetwork }, { networkCsv, networkGeoJson }] = await Promise.all([import("../../network/load"), import("../../network/report")]);
      const net = loadNetwork(dataDir(command));
      let text: string;
      if (options.format === "geojson") text = `${JSON.stringify(networkGeoJson(net))}\n`;
      else if (options.format === "csv") text = networkCsv(net);
      else throw new CaravanError("E_USAGE", `--format must be geojson or csv (got "${options.format}")`, { didYouMean: ["geojson", "csv"] });
      if (options.out) {
        writeFileAtomic(options.out, text);
        io.out(`wrote ${options.out}\n`);
      } else io.out(text);
    });
}

/** One line on what a rule of passage concerns: whose goods, where, which modes and cargo, and the factor of a discount. */
function concerns(r: PassageRule): string {
  const list = (xs: readonly string[]) => xs.join(", ");
  const goods = r.goodsFrom.length + r.goodsTo.length === 0 ? "every shipment" : `goods${r.goodsFrom.length ? ` from ${list(r.goodsFrom)}` : ""}${r.goodsTo.length ? ` to ${list(r.goodsTo)}` : ""}${r.bothDirections ? " (both ways)" : ""}`;
  const modes = r.modes.length ? ` by ${list(r.modes)}` : "";
  const parts: string[] = [goods];
  if (r.kind === "transit_ban") parts.push(`may not transit ${list(r.countries)}${modes}`);
  else if (r.kind === "tariff_discount") parts.push(`pay ${Math.round((r.tariffFactor ?? 1) * 100)} % of the moving tariff${modes} in transit through ${list(r.countries)}${r.cargo.length ? ` (cargo ${list(r.cargo)})` : ""}`);
  else if (r.kind === "service_ban") parts.push(`no sailings of ${list(r.ferries)}${modes}${r.departing.length ? ` leaving ${list(r.departing)}` : ""}`);
  else if (r.kind === "crossing_ban") parts.push(`${list(r.crossings)} closed${modes}`);
  else parts.push(`a permit regime at ${list([...r.crossings, ...r.countries])}${modes}`);
  return parts.join(": ");
}

function formatStats(s: NetworkStats): string {
  const lines: string[] = [];
  const table = (title: string, rows: Record<string, number>, unit = "") => {
    lines.push(`${title}:`);
    const entries = Object.entries(rows);
    if (entries.length === 0) lines.push("  (none)");
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [k, v] of entries) lines.push(`  ${k.padEnd(width)}  ${formatNumber(v)}${unit}`);
  };
  lines.push(`dataset ${s.dir}`);
  lines.push(
    `places ${s.places} (${s.nonWaypointPlaces} excluding waypoints), links ${s.links}, crossings ${s.crossings}, terminals ${s.terminals}, ferries ${s.ferries}, projects ${s.projects}, chokepoints ${s.chokepoints}`,
  );
  table("links by mode", s.linksByMode);
  table("links by status", s.linksByStatus);
  table("km by mode", s.kmByMode, " km");
  table("places by kind", s.placesByKind);
  table("places by country", s.placesByCountry);
  table("terminals by type", s.terminalsByType);
  lines.push(`estimated distances: ${s.estimatedLinks} of ${s.links} links (${(100 * s.estimatedLinkShare).toFixed(1)} %), ${(100 * s.estimatedKmShare).toFixed(1)} % of km`);
  lines.push(`measured distances: ${(100 * s.measuredKmShare).toFixed(1)} % of link km (cited distance; the rest great-circle × circuity estimates)`);
  if (s.corridors.length > 0) {
    lines.push("measured distances on the named corridors (corridors.yaml; split = a cited line total shared out by a rule):");
    lines.push(`  ${"corridor".padEnd(24)}  ${"links".padStart(5)}  ${"link km".padStart(8)}  ${"measured".padStart(8)}  ${"split".padStart(6)}  ${"share".padStart(7)}`);
    for (const c of s.corridors) {
      lines.push(
        `  ${c.id.padEnd(24)}  ${String(c.links).padStart(5)}  ${String(c.linkKm).padStart(8)}  ${String(c.measuredKm).padStart(8)}  ${String(c.splitKm).padStart(6)}  ${`${(100 * c.measuredKmShare).toFixed(1)} %`.padStart(7)}`,
      );
    }
  }
  lines.push(
    `economies: ${s.economies} with places, ${s.economiesReached} reached by surface from the main network${s.economiesNotReached.length > 0 ? ` (not reached: ${s.economiesNotReached.join(", ")})` : ""}`,
  );
  lines.push("coverage by country (rail, road and sea links; a link between two countries counts for both, its km half for each):");
  lines.push(`  ${"country".padEnd(7)}  ${"places".padStart(6)}  ${"links".padStart(5)}  ${"crossings".padStart(9)}  ${"link km".padStart(8)}  ${"measured".padStart(8)}`);
  for (const c of s.coverage) {
    lines.push(
      `  ${c.country.padEnd(7)}  ${String(c.places).padStart(6)}  ${String(c.links).padStart(5)}  ${String(c.crossings).padStart(9)}  ${String(c.linkKm).padStart(8)}  ${`${(100 * c.measuredKmShare).toFixed(1)} %`.padStart(8)}`,
    );
  }
  lines.push(`compiled graph: ${s.compiledNodes} nodes, ${s.compiledArcs} arcs`);
  return `${lines.join("\n")}\n`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
