/**
 * The HTTP server front end: the Fastify application over one shared network state (buildServer), and
 * startServer, which opens the dataset, enforces the binding rule (beyond loopback only with a token) and listens.
 */
import { CaravanError } from "../core/errors";
import { buildServer, type ServerOptions, webRootOf } from "./app";
import { isLoopbackHost } from "./security";
import { openServerState, type ServerState, type StateOptions } from "./state";

export { buildServer } from "./app";
export type { ServerOptions } from "./app";
export { buildOpenApi, renderApiDocs } from "./openapi";
export { LIMITS, ROUTES } from "./schemas";
export { openServerState } from "./state";
export type { ServerState, StateOptions } from "./state";
export { isLoopbackHost } from "./security";

export interface StartOptions extends Omit<ServerOptions, "state">, StateOptions {
  readonly dataDir: string;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
}

export interface RunningServer {
  readonly url: string;
  /** Whether the web app (dist/web) is served at /. */
  readonly webApp: boolean;
  readonly state: ServerState;
  close(): Promise<void>;
}

/** Open the dataset, build the app and listen. Binding beyond loopback without a token is E_USAGE. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new CaravanError("E_USAGE", `binding to ${options.host} exposes the server beyond this machine: give --token T (or set CARAVAN_TOKEN) so compute routes need it`);
  }
  if (!(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) throw new CaravanError("E_USAGE", `port must be an integer 0–65535, got ${options.port}`);
  const state = openServerState(options.dataDir, options);
  const app = await buildServer({ ...options, state });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") throw new CaravanError("E_USAGE", `port ${options.port} on ${options.host} is in use; choose another with --port`);
    if (code === "EADDRNOTAVAIL" || code === "EACCES") throw new CaravanError("E_USAGE", `cannot bind ${options.host}:${options.port} (${code})`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}/`, webApp: webRootOf(options) !== null, state, close: () => app.close() };
}
