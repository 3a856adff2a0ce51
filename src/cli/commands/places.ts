import type { Command } from "commander";
import { fold } from "../../core/suggest";
import type { Place } from "../../network/schema";

/** Registers `places [QUERY] [--json]`: list or search places (id, name, country, kinds). */
export function register(program: Command): void {
  program
    .command("places")
    .description("list places, or those whose id, name, alias or UN/LOCODE contains QUERY (or the place QUERY resolves to)")
    .argument("[query]", "text to search for, or lon,lat")
    .option("--json", "print JSON")
    .option("--all", "include sea waypoints")
    .action(async (query: string | undefined, options: { json?: boolean; all?: boolean }, command: Command) => {
      const [{ loadNetwork }, { PlaceResolver }] = await Promise.all([import("../../network/load"), import("../../network/resolve")]);
      const out = program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
      const dir = (command.optsWithGlobals() as { data: string }).data;
      const net = loadNetwork(dir);
      let places: Place[] = net.places.filter((p) => options.all || !p.kinds.includes("waypoint"));
      if (query !== undefined && query.trim() !== "") {
        const q = fold(query);
        const matches = places.filter((p) => [p.id, p.name, ...p.aliases, p.locode ?? ""].some((s) => q.length > 0 && fold(s).includes(q)));
        // no substring match: the resolver decides (coordinates, or an error with suggestions)
        places = matches.length > 0 ? matches : [net.places[new PlaceResolver(net.places).resolve(query)]];
      }
      if (options.json) {
        const rows = places.map((p) => ({ id: p.id, name: p.name, country: p.country, kinds: p.kinds, locode: p.locode, lonDeg: p.lonDeg, latDeg: p.latDeg, aliases: p.aliases }));
        out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const rows = places.map((p) => [p.id, p.name, p.country ?? "", p.kinds.join("|"), p.locode ?? ""]);
      const header = ["id", "name", "country", "kinds", "locode"];
      const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
      const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
      out(`${[line(header), ...rows.map(line)].join("\n")}\n${places.length} place(s)\n`);
    });
}
