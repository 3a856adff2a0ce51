/**
 * Operation types (data/<dataset>/operations.yaml, top-level list `operations:`): how a mode is operated — a
 * scheduled container block train or wagonload, a single-driver or team-driven truck — each a factor on the moving
 * speed of the mode's links with its source. One operation per mode is the `default` (factor 1: the operation the
 * mode's speeds in modes.yaml describe); a query may choose another (routing/operations.ts), and a route names the
 * operations it assumed. Charges are not changed (no source gives them per operation).
 */
import { z } from "zod";
import { idSchema, provenanceSchema } from "./schema";

export const OPERATION_MODES = ["rail", "road", "sea"] as const;

export const operationSchema = z
  .object({
    id: idSchema,
    mode: z.enum(OPERATION_MODES),
    name: z.string().min(1),
    /** Moving speed of the mode's links relative to modes.yaml (> 0; 1 for the default operation). */
    speedFactor: z.number().positive().finite(),
    /** The operation modes.yaml's speeds describe (exactly one per mode that has operations). */
    default: z.boolean().default(false),
    source: provenanceSchema,
    notes: z.string().default(""),
  })
  .superRefine((o, ctx) => {
    if (o.default && o.speedFactor !== 1) ctx.addIssue({ code: "custom", path: ["speedFactor"], message: "the default operation is what modes.yaml describes: its factor is 1" });
  });
export type Operation = z.infer<typeof operationSchema>;

/** Cross-record checks: exactly one default per mode with operations. `problem(index, field, message)`. */
export function checkOperations(ops: readonly Operation[], problem: (index: number, field: string, message: string) => void): void {
  for (const mode of OPERATION_MODES) {
    const idx = ops.map((o, i) => (o.mode === mode ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const defaults = idx.filter((i) => ops[i].default);
    if (defaults.length !== 1) problem(defaults[1] ?? idx[0], "default", `exactly one ${mode} operation must be the default (found ${defaults.length})`);
  }
}
