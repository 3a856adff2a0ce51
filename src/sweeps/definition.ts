/**
 * Sweep definitions: a YAML file naming a job kind, the base input, and how the variants are made — a `grid`
 * (cartesian product of value lists), `combinations` (every subset, or subsets of given sizes, of a list put into
 * one input field, e.g. closed chokepoints or projects), and/or `draws` (Monte Carlo: `count` seeded draws of
 * uniform, normal or choice distributions). Layers multiply. Each variant becomes a job whose id is the hash of its
 * kind, its input, the content of the files it reads and the code version — so re-adding a job is a no-op.
 * Malformed files fail with E_SWEEP_INVALID naming file, line and field.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { codeIdentity } from "../core/package";
import { canonicalJson, fileInputWithReads, sha256, treeHash } from "../store/hash";
import { DEFAULT_DATASET_DIR, JOB_KIND_NAMES, JOB_KINDS } from "./jobs";
import { seededRandom } from "../core/random";

export interface SweepJob {
  /** sha256 of kind, input, input file contents and code version (64 hex). */
  readonly id: string;
  readonly kind: string;
  /** Position in the sweep (0-based), for display. */
  readonly position: number;
  /** The full input after defaults, file paths absolute. */
  readonly input: Record<string, unknown>;
  /** Just the varied fields of this job. */
  readonly variant: Record<string, unknown>;
}

export interface SweepPlan {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly file: string;
  readonly definition: unknown;
  readonly jobs: readonly SweepJob[];
}

const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const distribution = z.union([
  z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict(),
  z.object({ normal: z.object({ mean: z.number(), sd: z.number().nonnegative(), min: z.number().optional(), max: z.number().optional() }).strict() }).strict(),
  z.object({ choice: z.array(scalar).min(1) }).strict(),
]);
type Distribution = z.infer<typeof distribution>;

const fileSchema = z
  .object({
    name: z.string().min(1),
    kind: z.string().min(1),
    base: z.record(z.string(), z.unknown()).default({}),
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
    combinations: z
      .object({ field: z.string().min(1), of: z.array(scalar).min(1).max(16), sizes: z.array(z.number().int().min(0)).optional() })
      .strict()
      .optional(),
    draws: z
      .object({ count: z.number().int().positive().max(1_000_000), seed: z.number().int().default(1), vary: z.record(z.string(), distribution) })
      .strict()
      .optional(),
  })
  .strict();


function draw(d: Distribution, next: () => number): unknown {
  if ("uniform" in d) return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * next();
  if ("choice" in d) return d.choice[Math.min(d.choice.length - 1, Math.floor(next() * d.choice.length))];
  // Box–Muller, truncated by resampling (bounded tries, then clamped)
  const { mean, sd, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = d.normal;
  for (let tries = 0; tries < 100; tries++) {
    const u = Math.max(next(), 1e-300);
    const v = next();
    const x = mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    if (x >= min && x <= max) return x;
  }
  return Math.min(max, Math.max(min, mean));
}

/** The variants (varied fields only) of a definition, in a stable order. */
export function variantsOf(def: z.infer<typeof fileSchema>): Record<string, unknown>[] {
  let variants: Record<string, unknown>[] = [{}];
  if (def.grid) {
    for (const [field, values] of Object.entries(def.grid)) {
      const next: Record<string, unknown>[] = [];
      for (const v of variants) for (const value of values) next.push({ ...v, [field]: value });
      variants = next;
    }
  }
  if (def.combinations) {
    const { field, of, sizes } = def.combinations;
    const subsets: unknown[][] = [];
    for (let mask = 0; mask < 1 << of.length; mask++) {
      const subset = of.filter((_, i) => (mask >> i) & 1);
      if (!sizes || sizes.includes(subset.length)) subsets.push(subset);
    }
    subsets.sort((a, b) => a.length - b.length);
    const next: Record<string, unknown>[] = [];
    for (const v of variants) for (const s of subsets) next.push({ ...v, [field]: s });
    variants = next;
  }
  if (def.draws) {
    const next: Record<string, unknown>[] = [];
    const random = seededRandom(def.draws.seed);
    for (let i = 0; i < def.draws.count; i++) {
      const drawn: Record<string, unknown> = { draw: i };
      for (const [field, d] of Object.entries(def.draws.vary)) drawn[field] = draw(d, random);
      for (const v of variants) next.push({ ...v, ...drawn });
    }
    variants = next;
  }
  return variants;
}

/**
 * The id of a job: hash of kind, input, file contents and code version. A folder input (a dataset) counts by every
 * file under it, subfolders included (store/hash.ts treeHash); `folders` memoizes those hashes over one plan.
 */
export function jobIdOf(kind: string, input: Record<string, unknown>, folders: Map<string, string> = new Map()): string {
  const spec = JOB_KINDS[kind];
  const contents: Record<string, unknown> = {};
  for (const f of spec?.fileFields ?? []) {
    if (typeof input[f] !== "string") continue;
    // a scenario file with the files it reads (extends chain, demand): editing any of them is another job
    const file = fileInputWithReads(input[f] as string);
    contents[f] = file.reads === undefined ? file.sha256 : { sha256: file.sha256, reads: file.reads.map((r) => r.sha256) };
  }
  for (const f of spec?.dirFields ?? []) {
    // the package's dataset is left out of the input (its path differs between installations) but not its content
    const dir = typeof input[f] === "string" ? (input[f] as string) : f === "data" ? DEFAULT_DATASET_DIR : null;
    if (dir === null) continue;
    let hash = folders.get(dir);
    if (hash === undefined) folders.set(dir, (hash = treeHash(dir)));
    contents[f] = hash;
  }
  if (spec?.dependencies) Object.assign(contents, spec.dependencies(input));
  return sha256(canonicalJson({ kind, input, contents, code: codeIdentity() }));
}

/** Build the jobs of a sweep from its parsed definition (paths relative to `baseDir`). */
export function planSweep(raw: unknown, file: string, where: (path: (string | number)[]) => string = () => file): SweepPlan {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaravanError("E_SWEEP_INVALID", `${where(issue.path as (string | number)[])}: field "${issue.path.join(".") || "(top)"}": ${issue.message}`, {
      details: { file, field: issue.path.join(".") },
    });
  }
  const def = parsed.data;
  const spec = JOB_KINDS[def.kind];
  if (!spec) {
    throw new CaravanError("E_JOB_KIND_UNKNOWN", `${where(["kind"])}: unknown job kind "${def.kind}"; known: ${JOB_KIND_NAMES.join(", ")}`, {
      didYouMean: suggest(def.kind, JOB_KIND_NAMES),
    });
  }
  const baseDir = dirname(resolve(file));
  const variants = variantsOf(def);
  const jobs: SweepJob[] = [];
  const seen = new Set<string>();
  const folders = new Map<string, string>();
  for (let position = 0; position < variants.length; position++) {
    const variant = variants[position];
    const { draw: _draw, ...fields } = variant;
    const merged: Record<string, unknown> = { ...def.base, ...fields };
    for (const f of [...spec.fileFields, ...spec.dirFields]) {
      if (typeof merged[f] === "string" && !isAbsolute(merged[f] as string)) merged[f] = resolve(baseDir, merged[f] as string);
    }
    const checked = spec.schema.safeParse(merged);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue.path.join(".");
      const path = field in fields ? [Object.hasOwn(def.grid ?? {}, field) ? "grid" : "draws", field] : ["base", ...issue.path.map(String)];
      throw new CaravanError("E_SWEEP_INVALID", `${where(path)}: field "${field}" (job ${position + 1}, kind ${def.kind}): ${issue.message}`, { details: { file, field } });
    }
    for (const expanded of spec.expand ? spec.expand(checked.data) : [checked.data]) {
      const input = { ...expanded };
      if (input.data === DEFAULT_DATASET_DIR) delete input.data; // the package's dataset: left implicit, hashed by content
      const id = jobIdOf(def.kind, input, folders);
      if (seen.has(id)) continue; // the same variant twice (e.g. equal draws): one job
      seen.add(id);
      const extra = expanded === checked.data ? {} : { variant: expanded.variant };
      jobs.push({ id, kind: def.kind, position: jobs.length, input, variant: { ...variant, ...extra } });
    }
  }
  const id = sha256(`${def.name}\n${jobs.map((j) => j.id).join("\n")}`).slice(0, 16);
  return { id, name: def.name, kind: def.kind, file: resolve(file), definition: def, jobs };
}

/** Read and plan a sweep file; errors name file, line and field. */
export function readSweepFile(file: string): SweepPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${file}: ${(error as Error).message}`, { details: { file } });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? 1;
    throw new CaravanError("E_PARSE", `${file}:${line}: ${e.message.split("\n")[0]}`, { details: { file, line } });
  }
  const where = (path: (string | number)[]): string => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}`;
    }
    return file;
  };
  return planSweep(doc.toJS(), file, where);
}
