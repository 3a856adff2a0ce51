/**
 * Network stage benchmark: load + validate, compile, pack and revive the shipped dataset (data/eurasia), and the
 * memory of the compiled buffer. Prints figures; the baseline ratio is revive vs a full load + compile in the same
 * run (what the cache saves). Falls back to the testbot fixture when data/eurasia does not validate.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sidecarOf } from "../src/network/binary";
import { compileNetwork } from "../src/network/build";
import { checkCompiledNetwork } from "../src/network/check";
import { validateNetwork } from "../src/network/load";
import { openNetwork } from "../src/network/open";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
let dir = join(root, "data/eurasia");
let check = validateNetwork(dir);
if (check.network === null) {
  console.warn(`data/eurasia has ${check.problems.length} validation problem(s); benchmarking the testbot fixture instead`);
  dir = join(root, "test/fixtures/testbot");
  check = validateNetwork(dir);
}
const net0 = check.network!;
console.log(`dataset ${dir}: ${net0.places.length} places, ${net0.links.length} links, ${net0.ferries.length} ferries, ${net0.terminals.length} terminals`);

const ROUNDS = 7;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const loadMs: number[] = [];
const compileMs: number[] = [];
const checkMs: number[] = [];
const reviveMs: number[] = [];
let compiled = compileNetwork(net0);
for (let i = 0; i < ROUNDS; i++) {
  const [res, tl] = time(() => validateNetwork(dir));
  loadMs.push(tl);
  const [c, tc] = time(() => compileNetwork(res.network!));
  compileMs.push(tc);
  compiled = c;
  checkMs.push(time(() => checkCompiledNetwork(c))[1]);
}
const cacheDir = mkdtempSync(join(tmpdir(), "caravan-bench-"));
openNetwork(dir, { cacheDir }); // writes the cache entry
for (let i = 0; i < ROUNDS; i++) reviveMs.push(time(() => openNetwork(dir, { cacheDir }))[1]);
rmSync(cacheDir, { recursive: true, force: true });

const full = median(loadMs) + median(compileMs);
console.log(`graph: ${compiled.graph.nodeCount} nodes, ${compiled.graph.arcCount} arcs`);
console.log(`load + validate   ${median(loadMs).toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`compile           ${median(compileMs).toFixed(1)} ms (includes the invariant check)`);
console.log(`invariant check   ${median(checkMs).toFixed(1)} ms`);
console.log(`revive from cache ${median(reviveMs).toFixed(1)} ms (hash sources + read + check) — ${(full / median(reviveMs)).toFixed(1)}× faster than load + compile`);
console.log(`buffer            ${(compiled.buffer.byteLength / 1024).toFixed(1)} KiB (${(compiled.buffer.byteLength / Math.max(1, compiled.graph.arcCount)).toFixed(0)} bytes per arc); sidecar ${(sidecarOf(compiled).length / 1024).toFixed(1)} KiB`);
