/**
 * `caravan serve`: the HTTP API (docs/api.md) and the web app on one port. Fastify and the server code are imported
 * only when the command runs, so the other commands (and `caravan --help`) stay fast. Binds 127.0.0.1 unless --host
 * says otherwise; beyond loopback a token is required. SIGINT/SIGTERM close it gracefully (open requests finish,
 * the job worker stops).
 */
import type { Command } from "commander";
import { CaravanError } from "../../core/errors";
import { stdoutOf } from "../io";
import { numberOption } from "../options";

interface ServeFlags {
  data?: string;
  port?: string;
  host: string;
  token?: string;
  cors?: string;
  dataFolder?: string[];
  store?: string;
}

/** Registers `serve [--data DIR] [--port N] [--host H] [--token T] [--cors ORIGIN] [--data-folder DIR ...]`. */
export function register(program: Command): void {
  program
    .command("serve")
    .description("start the HTTP API and web app (http://127.0.0.1:8080/ by default; prints the URL; Ctrl+C stops it)")
    .option("--data <dir>", "network dataset directory (default: the global --data)")
    .option("--port <n>", "port to listen on, 0 = any free port (default: $CARAVAN_PORT, else 8080)")
    .option("--host <address>", "address to bind; anything but loopback requires a token", "127.0.0.1")
    .option("--token <token>", "bearer token required on compute routes (default: the CARAVAN_TOKEN environment variable)")
    .option("--cors <origin>", "allow this browser origin to call the API (CORS is off by default)")
    .option("--data-folder <dir>", "another folder whose files requests may name (scenario files, demand, trade data); repeatable", (dir: string, all: string[] | undefined) => [...(all ?? []), dir])
    .option("--store <file|url>", "serve the runs and sweeps recorded in this run store at /api/v1/runs and /api/v1/sweeps: a SQLite file or a postgres:// URL")
    .action(async (flags: ServeFlags, cmd: Command) => {
      const out = stdoutOf(cmd);
      const portText = flags.port ?? process.env.CARAVAN_PORT ?? "8080";
      const port = numberOption("--port", portText, true) as number;
      if (port < 0 || port > 65535) throw new CaravanError("E_USAGE", `--port must be an integer 0–65535, got "${portText}"`);
      const token = flags.token ?? process.env.CARAVAN_TOKEN ?? null;
      if (token !== null && token.length < 16) throw new CaravanError("E_USAGE", "the token must have at least 16 characters (e.g. the output of `openssl rand -hex 24`)");
      const dataDir = flags.data ?? (cmd.optsWithGlobals() as { data: string }).data;
      const { startServer } = await import("../../server/index");
      const store = flags.store === undefined ? null : await (await import("../../store/index")).openStore(flags.store);
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({ dataDir, extraDataFolders: flags.dataFolder ?? [], host: flags.host, port, token, cors: flags.cors ?? null, store });
      } catch (error) {
        await store?.close();
        throw error;
      }
      const d = server.state.catalogue;
      out(
        `Caravan ${server.state.version} serving ${dataDir} (${d.places.length} places, ${d.linkCount} links) at ${server.url}\n` +
          `  API: ${server.url}api/v1/health   explorer: ${server.url}api/docs${token ? "   (compute routes need the bearer token)" : ""}\n` +
          (token ? `  web app with the token: ${server.url}?token=<your token> (stored in a same-site cookie)\n` : "") +
          (server.webApp ? "" : "  the web app is not built (dist/web): run `npm run build:web`, then reload the page\n") +
          "  press Ctrl+C to stop\n",
      );
      await new Promise<void>((resolve, reject) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          out(`stopping (${signal})\n`);
          server
            .close()
            .then(() => store?.close())
            .then(resolve, reject);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
