/** GET /api/v1/places: search the place index (exact, prefix, substring; most populous first; did-you-mean). */
import { isCaravanError } from "../../core/errors";
import { fold } from "../../core/suggest";
import type { PlaceView } from "../catalogue";
import type { ServerState } from "../state";

export interface PlacesQuery {
  q?: string;
  limit?: number;
  kind?: string;
}

export interface PlacesBody {
  places: PlaceView[];
  total: number;
  didYouMean?: string[];
}

export function searchPlaces(state: ServerState, query: PlacesQuery): PlacesBody {
  const { places, placeKeys } = state.catalogue;
  const limit = query.limit ?? 20;
  const q = fold(query.q ?? "");
  const kindOk = (p: PlaceView) => query.kind === undefined || p.kinds.includes(query.kind);
  if (q === "") {
    const all = places.filter(kindOk);
    return { places: all.slice(0, limit), total: all.length };
  }
  // rank 0 exact, 1 prefix, 2 substring; the catalogue order (population) breaks ties
  const ranked: { p: PlaceView; rank: number; i: number }[] = [];
  places.forEach((p, i) => {
    if (!kindOk(p)) return;
    let rank = 3;
    for (const key of placeKeys[i]) {
      if (key === q) rank = 0;
      else if (rank > 1 && key.startsWith(q)) rank = 1;
      else if (rank > 2 && key.includes(q)) rank = 2;
      if (rank === 0) break;
    }
    if (rank < 3) ranked.push({ p, rank, i });
  });
  if (ranked.length > 0) {
    ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
    return { places: ranked.slice(0, limit).map((r) => r.p), total: ranked.length };
  }
  // nothing contains the text: coordinates resolve to a place, a typo gets suggestions
  try {
    const index = state.resolver.resolve(query.q ?? "");
    const id = state.net.network.places[index].id;
    const hit = places.find((p) => p.id === id);
    if (hit && kindOk(hit)) return { places: [hit], total: 1 };
    return { places: [], total: 0 };
  } catch (error) {
    if (!isCaravanError(error) || error.code === "E_COORDINATE_INVALID") throw error;
    return { places: [], total: 0, didYouMean: [...(error.didYouMean ?? [])] };
  }
}
