/** Great-circle distances on the mean Earth sphere. */

/** Mean Earth radius (IUGG), km, used for great-circle distances. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two points, km (haversine). */
export function haversineKm(lon1Deg: number, lat1Deg: number, lon2Deg: number, lat2Deg: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2Deg - lat1Deg) * toRad;
  const dLon = (lon2Deg - lon1Deg) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1Deg * toRad) * Math.cos(lat2Deg * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
