#!/usr/bin/env node
/**
 * The `caravan` command: runs the built program (dist/cli, made by `npm run build`, which `npm install` runs through
 * `prepare`) in this process, so signals reach it directly and no TypeScript compiler runs at start-up.
 */
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("caravan: E_INTERNAL: the built program (dist/cli/main.js) is missing; run `npm run build` in the Caravan folder\n");
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2));
