import type { Command } from "commander";
import { isCaravanError } from "../../core/errors";
import type { RouteOptions } from "../../routing/options";
import { cargoUnit, routingSession } from "../route-session";

/** The well-known corridor questions `caravan demo` answers (also what `npm start` runs). */
export const DEMO_CASES: readonly { title: string; from: string; to: string; alternatives?: number; options?: RouteOptions }[] = [
  {
    title: "Xi'an–Duisburg: three corridors by generalized cost (USD + value of time × hours)",
    from: "Xi'an",
    to: "Duisburg",
    alternatives: 3,
    options: { criterion: "generalized" },
  },
  { title: "Chongqing–Duisburg (Yuxinou)", from: "Chongqing", to: "Duisburg" },
  { title: "Kazakh grain to the Black Sea, cheapest, per tonne", from: "Kostanay", to: "Novorossiysk", options: { cargo: "bulk", criterion: "cost" } },
  { title: "Almaty–Tashkent", from: "Almaty", to: "Tashkent" },
  { title: "Shanghai–Rotterdam by sea", from: "Shanghai", to: "Rotterdam", options: { modes: ["sea"] } },
  { title: "Shanghai–Rotterdam by sea with Suez closed (around the Cape)", from: "Shanghai", to: "Rotterdam", options: { modes: ["sea"], closeChokepoints: ["suez"] } },
  { title: "Moscow–Nhava Sheva (INSTC)", from: "Moscow", to: "Nhava Sheva" },
  { title: "Lianyungang–Istanbul", from: "Lianyungang", to: "Istanbul" },
];

/** Registers `demo`: routes between well-known pairs, printed as readable tables. */
export function register(program: Command): void {
  program
    .command("demo")
    .description("routes between well-known corridor pairs (Xi'an→Duisburg with 3 alternatives, grain, INSTC, sea vs Suez closed, ...)")
    .action(async (_flags: unknown, cmd: Command) => {
      const out = program.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
      const { net, ctx, resolver } = await routingSession(cmd);
      const [{ planRoutes }, { formatPlan }] = await Promise.all([import("../../routing/plan"), import("../../routing/format")]);
      for (const c of DEMO_CASES) {
        out(`\n=== ${c.title} ===\n`);
        try {
          // as `caravan route` by default: terminal to terminal, the dwell at both trip ends included
          const plan = planRoutes(ctx, { from: resolver.resolve(c.from), to: resolver.resolve(c.to), alternatives: c.alternatives ?? 1, tripEndDwell: true, ...c.options });
          out(formatPlan(plan, cargoUnit(net, plan.cargo)));
        } catch (error) {
          // one pair the dataset cannot answer does not stop the others; say why
          if (!isCaravanError(error)) throw error;
          out(`(no answer: ${error.code}: ${error.message})\n`);
        }
      }
    });
}
