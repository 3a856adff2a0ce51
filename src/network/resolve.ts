/**
 * Resolve a user's place string to a place index, exactly once, at the edge. Accepted forms:
 *   - a place id (`xian`), English name (`Xi'an`), alias (`Sian`) or UN/LOCODE (`CNXAN`), compared case-insensitively
 *     with diacritics and punctuation folded (`fold` of src/core/suggest.ts);
 *   - `lon,lat` in decimal degrees (`108.94,34.34`), snapped to the nearest non-waypoint place (optionally of one
 *     of the given kinds) within `maxSnapKm`.
 * Unknown → E_PLACE_UNKNOWN with suggestions; a name shared by several places → E_PLACE_AMBIGUOUS listing their ids
 * (use the id); malformed or out-of-range coordinates → E_COORDINATE_INVALID listing every accepted form.
 */
import { CaravanError } from "../core/errors";
import { fold, suggest } from "../core/suggest";
import { haversineKm } from "./geo";
import type { Place, PlaceKind } from "./schema";

export interface ResolveOptions {
  /** Only places with one of these kinds qualify for coordinate snapping (default: any kind except waypoint). */
  readonly kinds?: readonly PlaceKind[];
  /** Largest distance from a `lon,lat` point to the place it snaps to, km (default 100). */
  readonly maxSnapKm?: number;
}

const ACCEPTED_FORMS =
  'a place id ("xian"), name ("Xi\'an"), alias ("Sian"), UN/LOCODE ("CNXAN"), or "lon,lat" in decimal degrees with lon in -180..180 and lat in -90..90 ("108.94,34.34")';

const COORDINATES = /^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$/;

/** An index of places by folded id, name, alias and locode; build once, resolve many times. */
export class PlaceResolver {
  private readonly places: readonly Place[];
  /** folded key → place indices (an id, name, alias or locode). */
  private readonly byKey = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();

  constructor(places: readonly Place[]) {
    this.places = places;
    places.forEach((p, i) => {
      this.byId.set(p.id, i);
      const keys = new Set([p.id, p.name, ...p.aliases, ...(p.locode ? [p.locode] : [])].map(fold).filter((k) => k.length > 0));
      for (const key of keys) {
        const list = this.byKey.get(key);
        if (list) list.push(i);
        else this.byKey.set(key, [i]);
      }
    });
  }

  /** Resolve `query` to a place index; throws E_PLACE_UNKNOWN / E_PLACE_AMBIGUOUS / E_COORDINATE_INVALID. */
  resolve(query: string, options: ResolveOptions = {}): number {
    const text = query.trim();
    if (text === "") throw new CaravanError("E_PLACE_UNKNOWN", `empty place; give ${ACCEPTED_FORMS}`);
    const exactId = this.byId.get(text);
    if (exactId !== undefined) return exactId;
    if (/^[-+]?\d/.test(text) || text.includes(",")) {
      const m = COORDINATES.exec(text);
      if (m) return this.snap(Number(m[1]), Number(m[2]), options, text);
      if (/^[-+\d.,;\s]+$/.test(text)) throw new CaravanError("E_COORDINATE_INVALID", `"${text}" is not a place; accepted forms: ${ACCEPTED_FORMS}`);
    }
    const hits = this.byKey.get(fold(text));
    if (hits === undefined || hits.length === 0) {
      const candidates = this.places.filter((p) => !p.kinds.includes("waypoint")).flatMap((p) => [p.name, p.id, ...p.aliases]);
      // suggest ids (one per place), best first
      const ids = suggest(text, candidates, 20).flatMap((c) => (this.byKey.get(fold(c)) ?? []).map((i) => this.places[i].id));
      const didYouMean = [...new Set(ids)].slice(0, 5);
      throw new CaravanError("E_PLACE_UNKNOWN", `unknown place "${text}"; give ${ACCEPTED_FORMS}`, { didYouMean, details: { query: text } });
    }
    const unique = [...new Set(hits)];
    if (unique.length > 1) {
      const ids = unique.map((i) => this.places[i].id);
      const described = unique.map((i) => `${this.places[i].id} (${this.places[i].name}, ${this.places[i].country ?? "sea"})`);
      throw new CaravanError("E_PLACE_AMBIGUOUS", `"${text}" matches ${unique.length} places: ${described.join(", ")}; use the id`, {
        didYouMean: ids,
        details: { query: text, candidates: ids },
      });
    }
    return unique[0];
  }

  private snap(lonDeg: number, latDeg: number, options: ResolveOptions, text: string): number {
    if (!(lonDeg >= -180 && lonDeg <= 180 && latDeg >= -90 && latDeg <= 90)) {
      const hint = Math.abs(lonDeg) <= 90 && Math.abs(latDeg) > 90 ? " (did you swap them? the order is lon,lat)" : "";
      throw new CaravanError("E_COORDINATE_INVALID", `"${text}" is out of range${hint}; accepted forms: ${ACCEPTED_FORMS}`);
    }
    const maxKm = options.maxSnapKm ?? 100;
    let best = -1;
    let bestKm = Number.POSITIVE_INFINITY;
    this.places.forEach((p, i) => {
      if (p.kinds.includes("waypoint")) return;
      if (options.kinds && !p.kinds.some((k) => options.kinds!.includes(k))) return;
      const km = haversineKm(lonDeg, latDeg, p.lonDeg, p.latDeg);
      if (km < bestKm) {
        bestKm = km;
        best = i;
      }
    });
    if (best < 0 || bestKm > maxKm) {
      const kinds = options.kinds ? ` of kind ${options.kinds.join("/")}` : "";
      const nearest = best >= 0 ? ` (nearest: ${this.places[best].id}, ${bestKm.toFixed(0)} km)` : "";
      throw new CaravanError("E_COORDINATE_INVALID", `no place${kinds} within ${maxKm} km of ${lonDeg},${latDeg}${nearest}; accepted forms: ${ACCEPTED_FORMS}`);
    }
    return best;
  }
}

/** Resolve one place string against a list of places (builds a PlaceResolver; keep one for many queries). */
export function resolvePlace(places: readonly Place[], query: string, options: ResolveOptions = {}): number {
  return new PlaceResolver(places).resolve(query, options);
}
