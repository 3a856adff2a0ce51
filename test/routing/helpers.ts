import { resolve } from "node:path";
import type { CompiledNetwork } from "../../src/network/compiled";
import { runCli } from "../../src/cli/main";
import { openNetwork } from "../../src/network/open";
import { RoutingContext } from "../../src/routing/context";

/** Three corridors Orient → Destport (drawn in test/fixtures/routing/corridors/README.md). */
export const CORRIDORS = resolve(__dirname, "../fixtures/routing/corridors");
/** The network stage's hand-checkable fixture (test/fixtures/testbot/README.md). */
export const TESTBOT = resolve(__dirname, "../fixtures/testbot");

const contexts = new Map<string, RoutingContext>();

/** A routing context over a fixture dataset (compiled without the on-disk cache; shared within a test file). */
export function contextOf(dir: string): RoutingContext {
  let ctx = contexts.get(dir);
  if (!ctx) {
    ctx = new RoutingContext(openNetwork(dir, { cacheDir: false }));
    contexts.set(dir, ctx);
  }
  return ctx;
}

/** Place index by id (throws when absent, so a fixture change fails loudly). */
export function placeIndex(net: CompiledNetwork, id: string): number {
  const i = net.network.places.findIndex((p) => p.id === id);
  if (i < 0) throw new Error(`fixture has no place ${id}`);
  return i;
}

/** Run the CLI on a dataset folder and capture what it printed: `caravan --data DIR ...args`. */
export async function runOn(data: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["--data", data, ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}
