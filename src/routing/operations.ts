/**
 * Operation types in routing (data/<dataset>/operations.yaml, src/network/operations.ts): the query chooses, per
 * mode, an operation (default: the dataset's default of that mode); the moving time of every link arc of the mode is
 * divided by the operation's speed factor. Border dwell, transfers and charges stay as they are. A route names the
 * operations it assumed for the modes it uses.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_LINK, type CompiledArcs, type CompiledNetwork, MODE_CODES } from "../network/compiled";
import type { Operation } from "../network/operations";
import type { RouteReport } from "./report";

/** The dataset's operation types ([] when it has none). */
export function datasetOperations(net: CompiledNetwork): readonly Operation[] {
  return net.network.operations ?? [];
}

/**
 * Validate chosen operation ids (one per mode at most; did-you-mean for unknown ids) and return the ids of the
 * chosen non-default operations, sorted (the part of a query's key).
 */
export function resolveOperations(net: CompiledNetwork, ids: readonly string[] = []): string[] {
  const ops = datasetOperations(net);
  const chosen = new Map<string, Operation>();
  for (const raw of ids) {
    const id = raw.trim().toLowerCase();
    const op = ops.find((o) => o.id === id);
    if (!op) {
      throw new CaravanError("E_USAGE", `unknown operation "${raw}"; the dataset defines ${ops.map((o) => o.id).join(", ") || "none"}`, { didYouMean: suggest(id, ops.map((o) => o.id)) });
    }
    const other = chosen.get(op.mode);
    if (other && other.id !== op.id) throw new CaravanError("E_USAGE", `choose one ${op.mode} operation, not both "${other.id}" and "${op.id}"`);
    chosen.set(op.mode, op);
  }
  return [...chosen.values()].filter((o) => !o.default).map((o) => o.id).sort();
}

/** The operation assumed for each mode with operations: the chosen one, else the default. */
export function assumedOperations(net: CompiledNetwork, chosen: readonly string[]): Operation[] {
  const ops = datasetOperations(net);
  const out: Operation[] = [];
  for (const mode of [...new Set(ops.map((o) => o.mode))]) {
    out.push(ops.find((o) => o.mode === mode && chosen.includes(o.id)) ?? ops.find((o) => o.mode === mode && o.default)!);
  }
  return out;
}

/** Stretch the moving time of link arcs by the chosen operations ([arc] timeH, written in place). */
export function applyOperations(net: CompiledNetwork, arcs: CompiledArcs, chosen: readonly string[], timeH: Float64Array): void {
  for (const op of assumedOperations(net, chosen)) {
    if (op.speedFactor === 1) continue;
    const mode = MODE_CODES.indexOf(op.mode);
    const extra = 1 / op.speedFactor - 1;
    for (let a = 0; a < timeH.length; a++) if (arcs.kind[a] === ARC_LINK && arcs.mode[a] === mode) timeH[a] += arcs.travelTimeH[a] * extra;
  }
}

/** Add to each report the note of the operations it assumed for the modes its legs use. */
export function withOperations(net: CompiledNetwork, chosen: readonly string[], reports: RouteReport[]): RouteReport[] {
  const ops = assumedOperations(net, chosen);
  if (ops.length === 0) return reports;
  return reports.map((r) => {
    const used = ops.filter((o) => r.legs.some((l) => l.mode === o.mode));
    if (used.length === 0) return r;
    const text = used.map((o) => `${o.mode}: ${o.name} [${o.id}${o.speedFactor === 1 ? "" : `, speed × ${o.speedFactor}`}]`).join("; ");
    return { ...r, notes: [...r.notes, `operations assumed: ${text}`] };
  });
}
