/**
 * The server's shared state: one compiled network, one routing context, one place resolver and the precomputed
 * read-only views (place search index, network layers, crossings, terminals), built once when the server starts
 * and shared by every request. Nothing here is rebuilt per request; per-query scratch lives in the routing
 * context's query objects, which are used synchronously (one request at a time on the event loop).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CompiledNetwork } from "../network/compiled";
import { openNetwork } from "../network/open";
import { PlaceResolver } from "../network/resolve";
import { RoutingContext, RoutingIndex } from "../routing/context";
import { DijkstraQuery } from "../routing/dijkstra";
import { buildCatalogue, type Catalogue } from "./catalogue";

export interface ServerState {
  /** Caravan version (package.json). */
  readonly version: string;
  /** The dataset folder, absolute and with symlinks resolved. */
  readonly dataDir: string;
  /** Folders that requests may read files from (the dataset folder and any extra ones), absolute, real paths. */
  readonly dataFolders: readonly string[];
  readonly net: CompiledNetwork;
  /** The immutable routing index (reverse graph, hops), shared by every routing context of the process. */
  readonly index: RoutingIndex;
  /** The request thread's routing context (query objects and weight caches over `index`). */
  readonly ctx: RoutingContext;
  readonly resolver: PlaceResolver;
  readonly catalogue: Catalogue;
  /** One-to-many query object of the matrix route (its scratch is reused; requests run one at a time). */
  readonly matrixQuery: DijkstraQuery;
}

let cachedPackage: { root: string; version: string } | null = null;

/**
 * The Caravan package folder and version: the nearest ancestor of this module whose package.json is Caravan's
 * (src/server under tsx, dist/cli when built), so the web app and version are found from any working folder.
 */
export function caravanPackage(): { root: string; version: string } {
  if (cachedPackage) return cachedPackage;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "caravan") return (cachedPackage = { root: dir, version: pkg.version ?? "0.0.0" });
    }
    if (dirname(dir) === dir) return (cachedPackage = { root: process.cwd(), version: "0.0.0" });
  }
}

export interface StateOptions {
  /** Extra folders (besides the dataset) that requests may name files in. */
  readonly extraDataFolders?: readonly string[];
  /** Compiled-network cache folder (openNetwork's cacheDir). */
  readonly cacheDir?: string | false;
}

/** Open the dataset and build everything requests share. */
export function openServerState(dataDir: string, options: StateOptions = {}): ServerState {
  const net = openNetwork(dataDir, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const real = realpathSync(resolve(dataDir));
  const extra = (options.extraDataFolders ?? []).map((d) => realpathSync(resolve(d)));
  const index = new RoutingIndex(net);
  return {
    version: caravanPackage().version,
    dataDir: real,
    dataFolders: [real, ...extra],
    net,
    index,
    ctx: new RoutingContext(index),
    resolver: new PlaceResolver(net.network.places),
    catalogue: buildCatalogue(net),
    matrixQuery: new DijkstraQuery(net.graph, new Float64Array(net.graph.arcCount), { noThrough: net.noThrough }),
  };
}
