/**
 * Operation types in routing (data/<dataset>/operations.yaml, src/network/operations.ts): the query chooses, per
 * mode, an operation (default: the dataset's default of that mode). An operation with a speed factor divides the
 * moving time of every link arc of the mode by it. A road operation with driving-time rules (`driving`) times a road
 * leg by the rules (routing/driving-time.ts): the leg's driving at the driving speed plus the breaks and rests the
 * crew must take; the search, the matrices and the assignment, which do not know a leg's length, time each road arc
 * at the rules' long-run pace (elapsed hours per driving hour over two-week cycles). Border dwell, transfers and
 * charges stay as they are. A route names the operation each of its legs assumed, and its time basis (with or without
 * the trip-end dwell). A leg over a sea feeder record is the dataset's feeder operation (`feeder: true`), timed by the
 * record itself; a query cannot choose it.
 */
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { ARC_LINK, type CompiledArcs, type CompiledNetwork, MODE_CODES } from "../network/compiled";
import type { Operation } from "../network/operations";
import { drivingTime, longRunElapsedPerDrivingH } from "./driving-time";
import type { RouteReport, SourceRef } from "./report";

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
    if (op.feeder) {
      throw new CaravanError("E_USAGE", `operation "${op.id}" is the service of the sea feeder legs, timed by the feeder records: a route sails it where it takes a feeder, a query does not choose it`);
    }
    const other = chosen.get(op.mode);
    if (other && other.id !== op.id) throw new CaravanError("E_USAGE", `choose one ${op.mode} operation, not both "${other.id}" and "${op.id}"`);
    chosen.set(op.mode, op);
  }
  return [...chosen.values()].filter((o) => !o.default).map((o) => o.id).sort();
}

/** The operation assumed for the link legs of each mode with operations: the chosen one, else the default. */
export function assumedOperations(net: CompiledNetwork, chosen: readonly string[]): Operation[] {
  const ops = datasetOperations(net);
  const out: Operation[] = [];
  for (const mode of [...new Set(ops.map((o) => o.mode))]) {
    out.push(ops.find((o) => o.mode === mode && chosen.includes(o.id)) ?? ops.find((o) => o.mode === mode && o.default)!);
  }
  return out;
}

/** The operation of a leg over a sea feeder record (`feeder: true`), if the dataset names one. */
export function feederOperation(net: CompiledNetwork): Operation | undefined {
  return datasetOperations(net).find((o) => o.feeder);
}

/**
 * Re-time the moving part of link arcs by the chosen operations ([arc] timeH, written in place): divided by a speed
 * factor, or (driving-time rules) the arc's driving at the driving speed times the rules' long-run pace.
 */
export function applyOperations(net: CompiledNetwork, arcs: CompiledArcs, chosen: readonly string[], timeH: Float64Array): void {
  for (const op of assumedOperations(net, chosen)) {
    const mode = MODE_CODES.indexOf(op.mode);
    if (op.driving) {
      const hPerKm = longRunElapsedPerDrivingH(op.driving) / op.driving.drivingSpeedKmh;
      for (let a = 0; a < timeH.length; a++) if (arcs.kind[a] === ARC_LINK && arcs.mode[a] === mode) timeH[a] += arcs.distanceKm[a] * hPerKm - arcs.travelTimeH[a];
      continue;
    }
    if (op.speedFactor === 1) continue;
    const extra = 1 / op.speedFactor - 1;
    for (let a = 0; a < timeH.length; a++) if (arcs.kind[a] === ARC_LINK && arcs.mode[a] === mode) timeH[a] += arcs.travelTimeH[a] * extra;
  }
}

const fmtH = (h: number) => (Math.round(h * 10) / 10).toFixed(1);

/** What the operation note says of an operation beside its id: its speed factor, driving rules, unknown dwell. */
function operationTerms(o: Operation): string {
  const terms: string[] = [];
  if (o.feeder) terms.push("timed by its feeder record: sailing time, headway, fare");
  else if (o.driving) terms.push(`driving-time rules, ${o.driving.drivers === 1 ? "1 driver" : `${o.driving.drivers} drivers`}, driving at ${o.driving.drivingSpeedKmh} km/h`);
  else if (o.speedFactor !== 1) terms.push(`speed × ${o.speedFactor}`);
  if (o.yardDwellH === null) terms.push("marshalling-yard dwell unknown, not added");
  else if (o.yardDwellH !== undefined) terms.push(`marshalling-yard dwell ${o.yardDwellH} h`);
  return terms.map((t) => `, ${t}`).join("");
}

/** The route's sources with those of the chosen (non-default) operations its legs use added, sorted by ref. */
function withOperationSources(net: CompiledNetwork, ops: readonly Operation[], r: RouteReport): SourceRef[] {
  const seen = new Set(r.sources.map((x) => x.ref));
  const added: SourceRef[] = [];
  for (const o of ops) {
    if (o.default || !r.legs.some((l) => l.operation === o.id)) continue;
    for (const ref of o.source) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const id = ref.slice(ref.indexOf(":") + 1);
      if (ref.startsWith("src:")) {
        const s = net.network.sources[id];
        added.push({ ref, title: s?.title ?? "(unknown source)", url: s?.url ?? null, year: s?.year ?? null });
      } else if (ref.startsWith("estimate:")) added.push({ ref, title: net.network.rules[id]?.description ?? "estimate", url: null, year: null });
      else added.push({ ref, title: ref, url: null, year: null });
    }
  }
  return added.length === 0 ? r.sources : [...r.sources, ...added].sort((x, y) => x.ref.localeCompare(y.ref));
}

/**
 * Time each road leg of a route by the driving-time rules of the assumed road operation (when it has them): the
 * leg's time becomes its driving plus the breaks and rests, the route's time and P90 move by the same amount, and a
 * note gives each leg's breakdown. Legs of other modes and routes without such an operation are returned as they are.
 */
function withDrivingRules(op: Operation | undefined, r: RouteReport): RouteReport {
  const rules = op?.driving;
  if (!op || !rules || !r.legs.some((l) => l.mode === op.mode)) return r;
  let deltaH = 0;
  const lines: string[] = [];
  const legs = r.legs.map((l, i) => {
    if (l.mode !== op.mode) return l;
    const t = drivingTime(l.distanceKm / rules.drivingSpeedKmh, rules);
    deltaH += t.elapsedH - l.timeH;
    const stops = [
      t.breaks > 0 ? `${t.breaks} break${t.breaks > 1 ? "s" : ""} ${Math.round(t.breaksH * 100) / 100} h` : "",
      t.dailyRests > 0 ? `${t.dailyRests} daily rest${t.dailyRests > 1 ? "s" : ""} ${fmtH(t.dailyRestsH)} h` : "",
      t.weeklyRests > 0 ? `${t.weeklyRests} weekly rest${t.weeklyRests > 1 ? "s" : ""} ${fmtH(t.weeklyRestsH)} h` : "",
    ].filter((x) => x !== "");
    lines.push(`leg ${i + 1} ${l.fromName} → ${l.toName}: ${fmtH(t.drivingH)} h driving${stops.length > 0 ? ` + ${stops.join(" + ")}` : ", no stop due"} = ${fmtH(t.elapsedH)} h`);
    return { ...l, timeH: t.elapsedH };
  });
  const features = r.geometry.features.map((f) => {
    const leg = typeof f.properties.leg === "number" ? legs[f.properties.leg - 1] : undefined;
    return leg && leg.mode === op.mode ? { ...f, properties: { ...f.properties, timeH: leg.timeH } } : f;
  });
  return {
    ...r,
    legs,
    timeH: r.timeH + deltaH,
    timeP90H: r.timeP90H + deltaH,
    geometry: { ...r.geometry, features },
    notes: [...r.notes, `driving-time rules of ${op.id} (Reg. 561/2006, AETR): ${lines.join("; ")}`],
  };
}

/** The time basis of a route: line haul between its end terminals, or with the dwell at both trip ends or at one. */
export function timeBasisNote(endDwell: boolean | "origin" | "destination"): string {
  if (endDwell === "origin" || endDwell === "destination") {
    return `time basis: trip ${endDwell} included: the dwell at the ${endDwell === "origin" ? "origin, none at the destination" : "destination, none at the origin"} (terminal_dwell event)`;
  }
  return endDwell
    ? "time basis: trip ends included: the dwell at both ends (terminal_dwell events; a road end is one door handling); first- and last-mile trucking only where the route itself starts or ends by road"
    : "time basis: line haul, from the first departure to the last arrival without the dwell at the two trip ends (asked with --no-trip-end-dwell or tripEndDwell: false; a route includes them by default; each calibration observation states which end dwell its time includes)";
}

/**
 * Add to each report the note of the operation each leg assumed (grouped by mode, with the legs' numbers) and of the
 * time basis. Every trip end pays a non-zero handling when trip-end dwell is charged (routing/trip-ends.ts), so a
 * route lists terminal_dwell events exactly when it was; datasets without operation types get neither note.
 */
export function withOperations(net: CompiledNetwork, chosen: readonly string[], reports: RouteReport[], profileId: string | null = null): RouteReport[] {
  const assumed = assumedOperations(net, chosen);
  if (assumed.length === 0) return reports;
  const feeder = feederOperation(net);
  // each mode's link operation, then the feeder operation beside the sea's
  const ops = assumed.flatMap((o) => (feeder && o.mode === feeder.mode ? [o, feeder] : [o]));
  return reports.map((r) => {
    const parts: string[] = [];
    for (const o of ops) {
      const legs = r.legs.flatMap((l, i) => (l.operation === o.id ? [i + 1] : []));
      if (legs.length === 0) continue;
      // an operation whose speed sources describe other cargo than the shipment's: its speed is taken, and said to be
      const borrowed = profileId !== null && o.cargo.length > 0 && !o.cargo.includes(profileId) ? `; ${profileId} at its speed: the dataset has no ${o.mode} speed of its own for ${profileId}` : "";
      parts.push(`${o.mode}: ${o.name} [${o.id}${operationTerms(o)}${borrowed}] (leg${legs.length > 1 ? "s" : ""} ${legs.join(", ")})`);
    }
    const timed = withDrivingRules(assumed.find((o) => o.driving !== undefined), r);
    const notes = [...r.notes];
    if (parts.length > 0) notes.push(`operations assumed: ${parts.join("; ")}`);
    if (timed !== r) notes.push(timed.notes[timed.notes.length - 1]);
    const dwell = r.events.filter((e) => e.type === "terminal_dwell");
    notes.push(timeBasisNote(dwell.length === 0 ? false : dwell.length > 1 ? true : dwell[0].at === r.legs[0]?.from ? "origin" : "destination"));
    return { ...timed, notes, sources: withOperationSources(net, ops, r) };
  });
}
