/**
 * Sea feeders by cargo class (docs/data-format.md, "Feeder ports and hub transshipment").
 *
 * A feeder-only port (its port terminal `feederOnly`) sees no mainline container ship: a container reaches it at sea
 * only by its feeders, so its sea links are closed to container profiles (cost basis feu or teu). Bulk ships (grain,
 * ores) call there directly: a bulk profile (cost basis tonne) keeps the port's sea links, and the feeders, which
 * are container services, are closed to it. The compiled network holds both (network/build.ts); this module says
 * which arcs a class may not use.
 */
import { ARC_FERRY, ARC_LINK, type CompiledNetwork, MODE_SEA } from "../network/compiled";
import type { CargoProfile } from "../network/schema";

/** Whether a cargo profile travels in containers (the feeders' cargo). */
export function isContainerProfile(profile: CargoProfile): boolean {
  return profile.costBasis === "feu" || profile.costBasis === "teu";
}

const cache = new WeakMap<CompiledNetwork, { container: Uint8Array | null; bulk: Uint8Array | null }>();

/**
 * [arc] 1 = the class may not use the arc: for containers, a sea link to or from a feeder-only port; for bulk, a sea
 * feeder (a ferry record carrying [sea]). null when the network has none (cached per network and class).
 */
export function feederClassBlocked(net: CompiledNetwork, profile: CargoProfile): Uint8Array | null {
  let entry = cache.get(net);
  if (!entry) {
    const { arcs } = net;
    const n = net.graph.arcCount;
    const placeIdx = new Map(net.network.places.map((p, i) => [p.id, i]));
    const feederOnly = new Uint8Array(net.placeCount);
    for (const t of net.network.terminals) if (t.type === "port" && t.feederOnly) feederOnly[placeIdx.get(t.place) ?? 0] = 1;
    const seaFeeder = net.network.ferries.map((f) => f.carries[0] === "sea");
    let container: Uint8Array | null = null;
    let bulk: Uint8Array | null = null;
    for (let a = 0; a < n; a++) {
      const kind = arcs.kind[a];
      if (kind === ARC_LINK && arcs.mode[a] === MODE_SEA && (feederOnly[arcs.fromPlace[a]] === 1 || feederOnly[arcs.toPlace[a]] === 1)) {
        container ??= new Uint8Array(n);
        container[a] = 1;
      } else if (kind === ARC_FERRY && arcs.record[a] >= 0 && seaFeeder[arcs.record[a]]) {
        bulk ??= new Uint8Array(n);
        bulk[a] = 1;
      }
    }
    entry = { container, bulk };
    cache.set(net, entry);
  }
  return isContainerProfile(profile) ? entry.container : entry.bulk;
}
