/**
 * Operation types in routing (data/<dataset>/operations.yaml, src/network/operations.ts): the query chooses, per
 * mode, an operation (default: the dataset's default of that mode); the moving time of every link arc of the mode is
 * divided by the operation's speed factor. Border dwell, transfers and charges stay as they are. A route names the
 * operation each of its legs assumed, and its time basis (with or without the trip-end dwell).
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

/** The time basis of a route: line haul between its end terminals, or with the dwell at both trip ends. */
export function timeBasisNote(endDwell: boolean): string {
  return endDwell
    ? "time basis: trip ends included: the dwell at both ends (terminal_dwell events; a road end is one door handling); first- and last-mile trucking only where the route itself starts or ends by road"
    : "time basis: line haul, from the first departure to the last arrival without the dwell at the two trip ends (terminal-to-terminal, the basis of the calibration observations); --trip-end-dwell adds it";
}

/**
 * Add to each report the note of the operation each leg assumed (grouped by mode, with the legs' numbers) and of the
 * time basis. Every trip end pays a non-zero handling when trip-end dwell is charged (routing/trip-ends.ts), so a
 * route lists terminal_dwell events exactly when it was; datasets without operation types get neither note.
 */
export function withOperations(net: CompiledNetwork, chosen: readonly string[], reports: RouteReport[]): RouteReport[] {
  const ops = assumedOperations(net, chosen);
  if (ops.length === 0) return reports;
  return reports.map((r) => {
    const parts: string[] = [];
    for (const o of ops) {
      const legs = r.legs.flatMap((l, i) => (l.mode === o.mode ? [i + 1] : []));
      if (legs.length === 0) continue;
      parts.push(`${o.mode}: ${o.name} [${o.id}${o.speedFactor === 1 ? "" : `, speed × ${o.speedFactor}`}] (leg${legs.length > 1 ? "s" : ""} ${legs.join(", ")})`);
    }
    const notes = [...r.notes];
    if (parts.length > 0) notes.push(`operations assumed: ${parts.join("; ")}`);
    notes.push(timeBasisNote(r.events.some((e) => e.type === "terminal_dwell")));
    return { ...r, notes };
  });
}
