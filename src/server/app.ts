/**
 * buildServer: the Fastify application of the HTTP API, built over one shared ServerState. Every route comes from
 * the route table of schemas.ts (one request and one response schema each); a global error handler turns anything
 * thrown into `{code, message, didYouMean?}` with the catalogue's HTTP status and never a stack trace. With
 * `validateResponses` (tests, CARAVAN_VALIDATE_RESPONSES=1) every response body is checked against its schema and a
 * mismatch becomes a 500 E_INTERNAL that names the mismatch.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { CaravanError } from "../core/errors";
import { suggest } from "../core/suggest";
import { toErrorBody } from "./errors";
import { EXPLORER_HTML, NO_WEB_APP_HTML } from "./explorer";
import { JobQueue } from "./jobs/queue";
import { type RunWriter, storeRecorder } from "./jobs/record";
import { type FormData, parseMultipart } from "./multipart";
import { buildOpenApi } from "./openapi";
import { prepareJob } from "./routes/jobs";
import { crossingsList, networkLayers, rulesList, terminalsList } from "./routes/network";
import { searchPlaces } from "./routes/places";
import { getRun, listRuns, type RunReader } from "./routes/runs";
import { listScenarios } from "./routes/scenarios";
import { getSweepView, listSweepsView, storeSweepReader, streamSweepEvents, type SweepReader } from "./routes/sweeps";
import { matrixResponse, routeResponse } from "./routes/routing";
import { API_PREFIX, type JobKind, LIMITS, ROUTES } from "./schemas";
import { checkBearer, TOKEN_COOKIE, tokenMatches } from "./security";
import { caravanPackage, type ServerState } from "./state";

export interface ServerOptions {
  readonly state: ServerState;
  /** Bearer token required on compute routes; null/undefined = none (loopback only, enforced by startServer). */
  readonly token?: string | null;
  /** The one origin allowed by CORS ("*" = any); null/undefined = CORS off. */
  readonly cors?: string | null;
  /** Validate every response against its schema (tests). Default: CARAVAN_VALIDATE_RESPONSES=1. */
  readonly validateResponses?: boolean;
  /** Folder of the built web app (index.html); default dist/web of the Caravan package; null = none. */
  readonly webRoot?: string | null;
  /** Overrides of the job limits (tests). */
  readonly jobs?: { readonly maxQueued?: number; readonly jobSeconds?: number; readonly keepFinished?: number; readonly graceMs?: number };
  /**
   * The run store (src/store's Store, opened by `caravan serve --store`): the /runs routes read it and, when it can
   * write, every job is recorded as a run. None = /runs answers 501 and jobs are not recorded.
   */
  readonly store?: (RunReader & Partial<RunWriter>) | null;
  /** What the /sweeps routes read; default: the sweeps of `store` when it is src/store's Store, else none (501). */
  readonly sweeps?: SweepReader | null;
  /** Compiled-network cache folder for the job worker. */
  readonly cacheDir?: string | false;
  /** Where unexpected errors (with stacks) are reported; default stderr. */
  readonly log?: (line: string) => void;
}

/** A route handler: returns the body (never the reply; Fastify sends what a handler returns). */
type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: "open" | "compute";
    cacheable?: boolean;
  }
}

/** The folder of the built web app the server serves at /, or null when there is none (dist/web not built). */
export function webRootOf(options: Pick<ServerOptions, "webRoot">): string | null {
  const webRoot = options.webRoot === undefined ? join(caravanPackage().root, "dist", "web") : options.webRoot;
  return webRoot !== null && existsSync(join(webRoot, "index.html")) ? webRoot : null;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { state } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({
    logger: false,
    bodyLimit: LIMITS.bodyBytes,
    requestTimeout: LIMITS.requestTimeoutMs,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true, allErrors: false } },
  });

  const validate = options.validateResponses ?? process.env.CARAVAN_VALIDATE_RESPONSES === "1";
  if (validate) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
      const check = ajv.compile(schema as object);
      return (data: unknown) => {
        if (!check(data)) {
          const problems = (check.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message}${e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : ""}`);
          throw new CaravanError("E_INTERNAL", `response of ${method} ${url} (${httpStatus}) does not match its schema: ${problems.join("; ")}`);
        }
        return JSON.stringify(data);
      };
    });
  }

  const queue = new JobQueue({
    dataDir: state.dataDir,
    cacheDir: options.cacheDir,
    maxQueued: options.jobs?.maxQueued ?? LIMITS.queueLength,
    keepFinished: options.jobs?.keepFinished ?? LIMITS.finishedJobsKept,
    keepResultBytes: LIMITS.finishedResultBytes,
    recorder: options.store?.beginRun && options.store.completeRun && options.store.failRun ? storeRecorder(options.store as RunWriter, state.net.sourceHash) : null,
    jobSeconds: options.jobs?.jobSeconds ?? LIMITS.jobSeconds,
    graceMs: options.jobs?.graceMs,
    log,
  });
  app.addHook("onClose", async () => queue.close());
  const sweeps = options.sweeps !== undefined ? options.sweeps : options.store && "db" in options.store ? storeSweepReader(options.store as unknown as Parameters<typeof storeSweepReader>[0]) : null;
  const sweepStreams = new Set<() => void>();
  app.addHook("onClose", async () => {
    for (const stop of [...sweepStreams]) stop();
  });

  app.addContentTypeParser("text/csv", { parseAs: "string", bodyLimit: LIMITS.uploadBytes }, (_req, body, done) => done(null, body));
  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer", bodyLimit: LIMITS.uploadBytes }, (request, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, request.headers["content-type"] ?? ""));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  const knownParams = (request: FastifyRequest) => (context: string) => {
    const schema = request.routeOptions.schema as Record<string, { properties?: Record<string, unknown>; content?: Record<string, { schema: { properties?: object } }> }> | undefined;
    const s = context === "querystring" ? schema?.querystring : context === "body" ? schema?.body : schema?.params;
    const props = s?.properties ?? s?.content?.["application/json"]?.schema?.properties ?? {};
    return Object.keys(props);
  };
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error, { query: request.query, body: request.body, params: request.params }, knownParams(request), (e) =>
      log(`caravan server: internal error on ${request.method} ${request.url}: ${(e as Error)?.stack ?? String(e)}`),
    );
    reply.code(status).type("application/json").send(body);
  });
  const apiPaths = ROUTES.map((r) => r.url);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    reply
      .code(404)
      .type("application/json")
      .send({ code: "E_NOT_FOUND", message: `no route ${request.method} ${path}`, ...(path.startsWith("/api") ? { didYouMean: suggest(path, apiPaths, 3) } : {}) });
  });

  if (options.cors) {
    const allowed = options.cors;
    app.addHook("onRequest", async (request, reply) => {
      const origin = request.headers.origin;
      if (origin && (allowed === "*" || origin === allowed)) {
        reply.header("access-control-allow-origin", allowed === "*" ? "*" : origin);
        reply.header("vary", "Origin");
      }
    });
    app.options(`${API_PREFIX}/*`, async (_request, reply) => {
      reply
        .code(204)
        .header("access-control-allow-methods", "GET, POST, OPTIONS")
        .header("access-control-allow-headers", "authorization, content-type")
        .header("access-control-max-age", "600")
        .send();
    });
  }

  if (options.token) {
    const token = options.token;
    app.addHook("onRequest", async (request, reply) => {
      if (request.routeOptions.config?.access === "compute") checkBearer(request.headers.authorization, token, request.headers.cookie);
      // the web app: opening /?token=… once stores the token in a same-site cookie and drops it from the address
      const url = new URL(request.url, "http://local");
      const given = url.searchParams.get("token");
      if (request.method === "GET" && !url.pathname.startsWith("/api/") && given !== null) {
        if (!tokenMatches(given, token)) throw new CaravanError("E_UNAUTHORIZED", "wrong token in the address");
        url.searchParams.delete("token");
        reply
          .header("set-cookie", `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
          .redirect(`${url.pathname}${url.search}`, 303);
        return reply;
      }
    });
  }

  // Server-Timing: the time the server spent on the request (clients and benchmarks tell it from the network's)
  const started = new WeakMap<object, bigint>();
  app.addHook("onRequest", async (request) => {
    started.set(request, process.hrtime.bigint());
  });
  app.addHook("onSend", async (request, reply, payload) => {
    const t0 = started.get(request);
    if (t0 !== undefined) reply.header("server-timing", `app;dur=${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(3)}`);
    return payload;
  });

  // read-only views of the dataset: an ETag of (dataset, URL); a matching If-None-Match is answered 304 at once
  app.addHook("onRequest", async (request, reply) => {
    if (!request.routeOptions.config?.cacheable || request.method !== "GET") return;
    const etag = `"${createHash("sha256").update(state.net.sourceHash).update(request.url).digest("base64url").slice(0, 27)}"`;
    reply.header("etag", etag).header("cache-control", "no-cache");
    if (request.headers["if-none-match"] === etag) {
      reply.code(304).send();
      return reply;
    }
  });

  const handlers: Record<string, Handler> = {
    health: () => ({
      status: "ok",
      version: state.version,
      dataset: {
        dir: state.dataDir.split(/[\\/]/).slice(-1)[0],
        places: state.catalogue.places.length,
        links: state.catalogue.linkCount,
        crossings: state.catalogue.crossings.length,
        terminals: state.catalogue.terminals.length,
        sourceHash: state.net.sourceHash,
      },
      jobs: queue.counts(),
    }),
    searchPlaces: (request) => searchPlaces(state, request.query as Parameters<typeof searchPlaces>[1]),
    route: (request, reply) => {
      const { type, body } = routeResponse(state, request.query as Parameters<typeof routeResponse>[1]);
      reply.type(type);
      return body;
    },
    routePost: (request, reply) => {
      const { type, body } = routeResponse(state, request.body as Parameters<typeof routeResponse>[1]);
      reply.type(type);
      return body;
    },
    matrix: (request) => matrixResponse(state, request.query as Parameters<typeof matrixResponse>[1]),
    networkLayers: (request, reply) => {
      reply.type("application/geo+json");
      return networkLayers(state, request.query as Parameters<typeof networkLayers>[1]);
    },
    crossings: (request) => crossingsList(state, request.query as { country?: string }),
    terminals: (request) => terminalsList(state, request.query as { type?: string; country?: string }),
    rules: (request) => rulesList(state, request.query as Parameters<typeof rulesList>[1]),
    scenarios: () => listScenarios(state),
    runs: (request) => listRuns(options.store, request.query as Parameters<typeof listRuns>[1]),
    getRun: (request) => getRun(options.store, (request.params as { id: string }).id),
    sweeps: (request) => listSweepsView(sweeps, request.query as Parameters<typeof listSweepsView>[1]),
    getSweep: (request) => getSweepView(sweeps, (request.params as { id: string }).id),
    sweepEvents: async (request, reply) => {
      const { id } = request.params as { id: string };
      const { intervalMs } = request.query as { intervalMs: number };
      await streamSweepEvents(sweeps, id, intervalMs, {
        res: reply.raw,
        headers: reply.getHeaders() as Record<string, string>,
        log,
        beforeStream: () => reply.hijack(),
        onStop: (stop) => {
          sweepStreams.add(stop);
          return () => sweepStreams.delete(stop);
        },
      });
    },
    submitJob: (request, reply) => {
      const q = request.query as { kind?: JobKind; formula?: string; vcov?: string; cluster?: string; ssc?: string };
      let kind: JobKind;
      let input: unknown;
      const contentType = request.headers["content-type"] ?? "";
      if (contentType.startsWith("multipart/form-data")) {
        // an upload form: kind and the options as fields (or in the query), the CSV as the file part `data` (or `file`)
        const form = request.body as FormData;
        const field = (name: string) => form.fields[name] ?? (q as Record<string, string | undefined>)[name];
        if (field("kind") !== "gravity-estimate") throw new CaravanError("E_USAGE", "a multipart upload is a gravity-estimate job: send the field kind=gravity-estimate");
        const file = form.files.data ?? form.files.file ?? Object.values(form.files)[0];
        if (!file) throw new CaravanError("E_USAGE", "the multipart upload has no file part (name it data)");
        kind = "gravity-estimate";
        const cluster = field("cluster");
        input = {
          csv: file.text,
          ...(field("formula") !== undefined ? { formula: field("formula") } : {}),
          ...(field("vcov") !== undefined ? { vcov: field("vcov") } : {}),
          ...(field("ssc") !== undefined ? { ssc: field("ssc") } : {}),
          ...(cluster !== undefined ? { cluster: cluster.split(",").map((s) => s.trim()) } : {}),
        };
      } else if (typeof request.body === "string") {
        if (q.kind !== "gravity-estimate") throw new CaravanError("E_USAGE", "a text/csv body is a gravity-estimate upload: add ?kind=gravity-estimate&formula=…");
        kind = q.kind;
        input = {
          csv: request.body,
          ...(q.formula !== undefined ? { formula: q.formula } : {}),
          ...(q.vcov !== undefined ? { vcov: q.vcov } : {}),
          ...(q.ssc !== undefined ? { ssc: q.ssc } : {}),
          ...(q.cluster !== undefined ? { cluster: q.cluster.split(",").map((s) => s.trim()) } : {}),
        };
      } else {
        const body = request.body as { kind: JobKind; input?: unknown };
        kind = body.kind;
        input = body.input;
      }
      const job = queue.submit(kind, prepareJob(state, kind, input));
      reply.code(202);
      return { jobId: job.id, status: job.status };
    },
    getJob: (request) => queue.get((request.params as { id: string }).id),
    jobEvents: (request, reply) => {
      const id = (request.params as { id: string }).id;
      const job = queue.get(id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const progress = (j: typeof job) => ({ id: j.id, status: j.status, progress: j.progress, message: j.message });
      if (job.status === "done" || job.status === "failed") {
        send(job.status, job);
        raw.end();
        return;
      }
      send("progress", progress(job));
      const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), 15_000);
      const stop = queue.subscribe(id, (event) => {
        if (event.type === "progress") send("progress", progress(event.job));
        else {
          send(event.type, event.job);
          finish();
          raw.end();
        }
      });
      const finish = () => {
        clearInterval(heartbeat);
        stop();
      };
      request.raw.on("close", finish);
    },
  };

  for (const spec of ROUTES) {
    const handler = handlers[spec.operationId];
    if (!handler) throw new Error(`no handler for ${spec.operationId}`);
    app.route({ method: spec.method, url: spec.url, schema: spec.schema, config: { access: spec.access, cacheable: spec.cacheable ?? false }, handler });
  }

  const openapi = buildOpenApi(state.version);
  app.get(`${API_PREFIX}/openapi.json`, async (_request, reply) => reply.type("application/json").send(openapi));
  app.get("/api/docs", async (_request, reply) => reply.type("text/html; charset=utf-8").send(EXPLORER_HTML));

  const webRoot = webRootOf(options);
  if (webRoot !== null) {
    const { default: fastifyStatic } = await import("@fastify/static");
    await app.register(fastifyStatic, { root: webRoot, prefix: "/", index: ["index.html"] });
  } else {
    app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(NO_WEB_APP_HTML));
  }
  return app;
}
