/**
 * Reading job results: the parts a view needs (a GeoJSON FeatureCollection, a named table) are looked up by key
 * at the top level or one level down, so a result wrapped as {summary, flows} or flat reads the same.
 */

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function isFeatureCollection(x: unknown): x is GeoJSON.FeatureCollection {
  return isRecord(x) && x.type === "FeatureCollection" && Array.isArray(x.features);
}

/** The first value under one of `keys` (top level first, then inside each object-valued field). */
export function findField(result: unknown, keys: readonly string[]): unknown {
  if (!isRecord(result)) return undefined;
  for (const k of keys) if (result[k] !== undefined) return result[k];
  for (const v of Object.values(result)) {
    if (!isRecord(v)) continue;
    for (const k of keys) if (v[k] !== undefined) return v[k];
  }
  return undefined;
}

/** A FeatureCollection under one of `keys`, or the first FeatureCollection anywhere in the top two levels. */
export function findFeatureCollection(result: unknown, keys: readonly string[]): GeoJSON.FeatureCollection | null {
  const named = findField(result, keys);
  if (isFeatureCollection(named)) return named;
  if (typeof named === "string") {
    try {
      const parsed = JSON.parse(named);
      if (isFeatureCollection(parsed)) return parsed;
    } catch {
      /* not GeoJSON text */
    }
  }
  if (isFeatureCollection(result)) return result;
  if (isRecord(result)) {
    for (const v of Object.values(result)) {
      if (isFeatureCollection(v)) return v;
      if (isRecord(v)) for (const w of Object.values(v)) if (isFeatureCollection(w)) return w;
    }
  }
  return null;
}

export function findArray<T>(result: unknown, keys: readonly string[]): T[] | null {
  const v = findField(result, keys);
  return Array.isArray(v) ? (v as T[]) : null;
}
