/**
 * The OpenAPI 3.1 document of the API, generated from the route table of schemas.ts (the same schemas Fastify
 * validates and serialises with), and docs/api.md rendered from that document, so neither can drift from the code.
 */
import { API_PREFIX, JOB_INPUT_SCHEMAS, LIMITS, ROUTES, type RouteSpec } from "./schemas";

type Schema = Record<string, unknown>;

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

function responseObject(status: string, value: Schema): Schema {
  if ("content" in value) {
    const content = value.content as Record<string, { schema: Schema }>;
    return { description: (value.description as string) ?? "", content };
  }
  const description = status.startsWith("4") || status.startsWith("5") ? "Error (code from docs/errors.md)" : ((value.description as string) ?? "OK");
  return { description, content: { "application/json": { schema: value } } };
}

function operation(spec: RouteSpec): Schema {
  const parameters: Schema[] = [];
  const addParams = (schema: Schema | undefined, where: "query" | "path") => {
    if (!schema) return;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
      const { description, ...rest } = s;
      parameters.push({ name, in: where, required: where === "path" || required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  };
  addParams(spec.schema.params, "path");
  addParams(spec.schema.querystring, "query");
  const op: Schema = {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
  };
  if (spec.schema.body) {
    const body = spec.schema.body;
    op.requestBody = { required: true, content: "content" in body ? body.content : { "application/json": { schema: body } } };
  }
  op.responses = Object.fromEntries(Object.entries(spec.schema.response).map(([status, value]) => [status.replace("xx", "XX"), responseObject(status, value as Schema)]));
  if (spec.cacheable) {
    (op.responses as Schema)["304"] = { description: "Not modified: If-None-Match named the response's ETag (a function of the dataset and the URL)" };
  }
  if (spec.access === "compute") op.security = [{ bearerAuth: [] }];
  return op;
}

/** The OpenAPI 3.1 document. */
export function buildOpenApi(version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const spec of ROUTES) {
    const path = spec.url.replace(/:([A-Za-z]+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Caravan API",
      version,
      description:
        "Eurasian freight corridors over HTTP: place search, routes, matrices, network layers, crossings, terminals and jobs (assignment, scenarios, gravity estimation, appraisal). Errors are {code, message, didYouMean?, details?} with the HTTP status of the error catalogue.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "Required on compute routes when the server was started with --token / CARAVAN_TOKEN (always when it binds beyond loopback)." },
      },
      schemas: Object.fromEntries(Object.entries(JOB_INPUT_SCHEMAS).map(([kind, schema]) => [`${pascal(kind)}Input`, schema])),
    },
  };
}

// --- docs/api.md -------------------------------------------------------------------------------------------------

function typeOf(s: Schema | undefined): string {
  if (!s) return "";
  if (s.anyOf) return (s.anyOf as Schema[]).map(typeOf).join(" \\| ");
  if (s.enum) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(" \\| ");
  const t = Array.isArray(s.type) ? (s.type as string[]).join(" \\| ") : String(s.type ?? "any");
  if (s.type === "array") return `${typeOf(s.items as Schema)}[]`;
  return t;
}

function constraints(s: Schema): string {
  const parts: string[] = [];
  if (s.default !== undefined) parts.push(`default \`${JSON.stringify(s.default)}\``);
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maxLength !== undefined) parts.push(`≤ ${s.maxLength} chars`);
  if (s.pattern !== undefined) parts.push(`pattern \`${s.pattern}\``);
  for (const branch of (s.anyOf as Schema[] | undefined) ?? []) {
    const inner = constraints(branch);
    if (inner !== "") parts.push(`${typeOf(branch)} ${inner}`);
  }
  return parts.join(", ");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Field table of an object schema, nested objects and arrays of objects flattened with dotted names. */
function fieldRows(schema: Schema, prefix = "", depth = 0): string[] {
  const rows: string[] = [];
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries(props)) {
    const full = `${prefix}${name}`;
    const opt = required.has(name) ? "" : " (optional)";
    const desc = [s.description as string | undefined, constraints(s)].filter(Boolean).join("; ");
    const inner = s.type === "array" ? (s.items as Schema) : s;
    const isObj = inner && inner.type === "object" && inner.properties;
    rows.push(`| \`${full}\`${opt} | ${typeOf(s).replace(/^object$/, "object").replace(/^object\[\]$/, "object[]")} | ${cell(desc)} |`);
    if (isObj && depth < 3) rows.push(...fieldRows(inner, `${full}${s.type === "array" ? "[]" : ""}.`, depth + 1));
  }
  return rows;
}

function table(header: string, rows: string[]): string[] {
  return rows.length === 0 ? [] : [header, "|---|---|---|", ...rows, ""];
}

/** docs/api.md, rendered from the OpenAPI document. */
export function renderApiDocs(doc: Schema): string {
  const out: string[] = [
    "# HTTP API",
    "",
    "Generated from the route schemas (`src/server/schemas.ts`) by `npm run docs:generate`; a test fails when this file is stale.",
    "The same document is served as OpenAPI 3.1 at `GET /api/v1/openapi.json`, with an offline explorer at `GET /api/docs`.",
    "",
    "Start the server with `npm start` or `caravan serve [--data DIR] [--port N] [--host H] [--token T] [--cors ORIGIN]",
    "[--data-folder DIR …] [--store FILE|URL]` (docs/cli.md).",
    "It binds to 127.0.0.1 by default. Binding to any other address requires a token (`--token` or `CARAVAN_TOKEN`);",
    "with a token set, the compute routes (marked *token*) need `Authorization: Bearer <token>`; the web app gets it by",
    "opening `/?token=<token>` once, which stores it in an HttpOnly, SameSite=Strict cookie. CORS is off unless",
    "`--cors ORIGIN` names the one origin allowed. Files named in requests must lie inside the data folders (the dataset",
    "folder); `..` is refused (E_PATH_FORBIDDEN).",
    "",
    "Errors are `{code, message, didYouMean?, details?}` with the HTTP status of the [error catalogue](errors.md); no",
    "response carries a stack trace. Unknown query parameters and enum values are E_USAGE with did-you-mean suggestions.",
    "",
    "## Design",
    "",
    "* **One shared, immutable index.** At start-up the server opens the dataset once (compiled-network cache) and builds",
    "  one routing index (reverse graph, physical hops), one place resolver and the read-only views served by the",
    "  network, crossing and terminal routes. Requests never rebuild them. Route and matrix requests use one routing",
    "  context (query objects with per-query scratch), which is safe because handlers run synchronously on one event loop.",
    "* **Bounded caches.** Process-wide state a long-running server keeps: the routing context's weight sets (one per",
    "  distinct option set, at most 32, oldest dropped first) and cargo-profile columns (one per profile), and the job",
    `  history (at most ${LIMITS.finishedJobsKept} finished jobs and ${LIMITS.finishedResultBytes / 1_048_576} MiB of results). Nothing else grows with the number of requests.`,
    "* **Jobs off the event loop.** Assignments, scenario runs, estimations and appraisals run one at a time in a worker",
    "  thread that opens the dataset once; progress reaches the client as Server-Sent Events; a job past its time limit is",
    "  stopped by terminating the worker.",
    "* **Store routes read, never write.** `/runs` and `/sweeps` read the run store the server was given (`--store`);",
    "  sweeps are run by `caravan sweep` and `caravan worker` (docs/sweeps.md), and a sweep's event stream polls the",
    "  store at a bounded interval, so its progress shows whichever machines run the jobs.",
    "* **One schema per route.** Plain JSON Schema objects (`src/server/schemas.ts`): Fastify validates requests with them",
    "  (Ajv) and serialises responses with them (fast-json-stringify), OpenAPI 3.1 embeds them unchanged, and the",
    "  contract tests validate every response against them strictly, so a response that drifts from its schema fails.",
    "",
    "## Limits",
    "",
    "| limit | value |",
    "|---|---|",
    `| JSON request body | ${LIMITS.bodyBytes} bytes (E_LIMIT) |`,
    `| CSV upload (text/csv body) | ${LIMITS.uploadBytes} bytes (E_LIMIT) |`,
    `| route alternatives | ${LIMITS.alternatives} (E_LIMIT) |`,
    `| matrix places | ${LIMITS.matrixPlaces} × ${LIMITS.matrixPlaces} (E_LIMIT) |`,
    `| place search results | ${LIMITS.placesLimit} |`,
    `| waiting jobs | ${LIMITS.queueLength} (429 E_QUEUE_FULL) |`,
    `| finished jobs kept | ${LIMITS.finishedJobsKept}, results up to ${LIMITS.finishedResultBytes / 1_048_576} MiB in all (older ones: E_JOB_UNKNOWN) |`,
    `| job run time | ${LIMITS.jobSeconds} s (E_TIMEOUT) |`,
    `| request (body arrival) time | ${LIMITS.requestTimeoutMs / 1000} s |`,
    `| sweep event stream: store read every | ${LIMITS.sweepPollMs.min}–${LIMITS.sweepPollMs.max} ms (intervalMs, default ${LIMITS.sweepPollMs.default}) |`,
    "",
    "## Routes",
    "",
    "| method | path | token | summary |",
    "|---|---|---|---|",
  ];
  const paths = doc.paths as Record<string, Record<string, Schema>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) out.push(`| ${method.toUpperCase()} | \`${path}\` | ${op.security ? "token" : ""} | ${cell(op.summary as string)} |`);
  }
  out.push("");
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      out.push(`### ${method.toUpperCase()} \`${path}\``, "", `${op.summary as string}.${op.security ? " Needs the token when one is configured." : ""}`, "");
      if (op.description) out.push(op.description as string, "");
      const params = (op.parameters as Schema[] | undefined) ?? [];
      out.push(
        ...table(
          "| parameter | type | meaning |",
          params.map((p) => {
            const s = p.schema as Schema;
            const desc = [p.description as string | undefined, constraints(s)].filter(Boolean).join("; ");
            return `| \`${p.name as string}\` (${p.in as string}${p.required ? ", required" : ""}) | ${typeOf(s)} | ${cell(desc)} |`;
          }),
        ),
      );
      const body = op.requestBody as { content: Record<string, { schema: Schema }> } | undefined;
      if (body) {
        for (const [type, { schema }] of Object.entries(body.content)) {
          out.push(`Request body (\`${type}\`)${schema.type === "string" ? `: ${schema.description ?? "text"}` : ":"}`, "");
          if (schema.type === "object") out.push(...table("| field | type | meaning |", fieldRows(schema)));
        }
      }
      for (const [status, r] of Object.entries(op.responses as Record<string, Schema>)) {
        if (status.endsWith("XX") || r.content === undefined) continue;
        for (const [type, { schema }] of Object.entries(r.content as Record<string, { schema: Schema }>)) {
          out.push(`Response ${status} (\`${type}\`)${schema.description ? `: ${schema.description as string}` : ""}`, "");
          if (schema.type === "object") out.push(...table("| field | type | meaning |", fieldRows(schema)));
        }
      }
    }
  }
  out.push("## Job kinds", "", `Submit with \`POST ${API_PREFIX}/jobs\` and \`{kind, input}\`; follow with \`GET ${API_PREFIX}/jobs/{id}\` or its event stream.`, "");
  const schemas = (doc.components as { schemas: Record<string, Schema> }).schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    out.push(`### ${name}`, "", (schema.description as string) ?? "", "");
    out.push(...table("| field | type | meaning |", fieldRows(schema)));
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
