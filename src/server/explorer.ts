/**
 * The offline API explorer (GET /api/docs): one self-contained HTML page, no external script or style, that loads
 * /api/v1/openapi.json and renders every operation with its parameters, lets the user send a request (with an
 * optional bearer token) and shows the response.
 */
export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Caravan API explorer</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
  header { background: #1d3557; color: #fff; padding: 12px 24px; }
  header h1 { margin: 0; font-size: 20px; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
  details { background: #fff; border: 1px solid #d5dae1; border-radius: 6px; margin: 8px 0; }
  summary { padding: 8px 12px; cursor: pointer; }
  summary:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid #e76f51; }
  .m { display: inline-block; min-width: 48px; font-weight: 600; color: #fff; border-radius: 4px; padding: 1px 6px; margin-right: 8px; text-align: center; }
  .GET { background: #2a9d8f; } .POST { background: #e76f51; }
  .body { padding: 4px 16px 16px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; border-bottom: 1px solid #eceff3; padding: 4px 6px; vertical-align: top; }
  input, textarea { font: inherit; width: 100%; box-sizing: border-box; padding: 3px 6px; }
  pre { background: #0f172a; color: #e2e8f0; padding: 10px; border-radius: 6px; overflow: auto; max-height: 420px; }
  button { font: inherit; padding: 4px 14px; margin-top: 8px; }
  .muted { color: #5c6675; }
</style>
</head>
<body>
<header><h1>Caravan API explorer</h1><div class="muted" style="color:#cfd8e3" id="info"></div></header>
<main>
  <p><label>Bearer token (only if the server was started with one): <input id="token" type="password" autocomplete="off" style="max-width:320px"></label></p>
  <div id="ops">Loading the OpenAPI document…</div>
</main>
<script>
"use strict";
const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); for (const k of kids) e.append(k); return e; };
function typeText(s) { if (!s) return ""; if (s.enum) return s.enum.join(" | "); return Array.isArray(s.type) ? s.type.join(" | ") : (s.type || ""); }
async function send(path, method, op, form, out) {
  let url = path; const query = new URLSearchParams();
  for (const p of op.parameters || []) {
    const v = form.elements["p-" + p.name].value;
    if (v === "") continue;
    if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(v)); else query.set(p.name, v);
  }
  const q = query.toString(); if (q) url += "?" + q;
  const headers = {}; const token = document.getElementById("token").value; if (token) headers.authorization = "Bearer " + token;
  const init = { method, headers };
  if (op.requestBody) { headers["content-type"] = "application/json"; init.body = form.elements.body.value; }
  out.textContent = method + " " + url + "\\n…";
  try {
    const res = await fetch(url, init); const text = await res.text(); let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
    out.textContent = method + " " + url + "\\n" + res.status + " " + res.statusText + "\\n\\n" + shown.slice(0, 200000);
  } catch (e) { out.textContent = String(e); }
}
function example(schema) {
  if (!schema || schema.type !== "object") return "{}";
  const o = {}; for (const name of schema.required || []) { const p = schema.properties[name]; o[name] = p.default !== undefined ? p.default : p.enum ? p.enum[0] : p.type === "integer" || p.type === "number" ? 1 : ""; }
  return JSON.stringify(o, null, 2);
}
fetch("/api/v1/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("info").textContent = doc.info.title + " " + doc.info.version + " — OpenAPI " + doc.openapi;
  const root = document.getElementById("ops"); root.textContent = "";
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const M = method.toUpperCase();
    const form = el("form", {});
    if (op.description) form.append(el("p", {}, op.description));
    if (op.security) form.append(el("p", { class: "muted" }, "Compute route: needs the bearer token when the server has one."));
    const rows = (op.parameters || []).map((p) => el("tr", {}, el("td", {}, el("code", {}, p.name), p.required ? " *" : ""), el("td", { class: "muted" }, typeText(p.schema)), el("td", {}, el("input", { name: "p-" + p.name, placeholder: p.schema.default !== undefined ? String(p.schema.default) : "", "aria-label": p.name }), el("div", { class: "muted" }, p.description || ""))));
    if (rows.length) form.append(el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "type"), el("th", {}, "value")), ...rows));
    if (op.requestBody) { const c = op.requestBody.content["application/json"]; const ta = el("textarea", { name: "body", rows: "6", "aria-label": "request body" }); ta.value = example(c && c.schema); form.append(el("p", {}, "JSON body:"), ta); }
    const out = el("pre", {}, "");
    const button = el("button", { type: "submit" }, "Send");
    form.append(button, out);
    form.addEventListener("submit", (ev) => { ev.preventDefault(); send(path, M, op, form, out); });
    root.append(el("details", {}, el("summary", {}, el("span", { class: "m " + M }, M), el("code", {}, path), " — " + op.summary), el("div", { class: "body" }, form)));
  }
}).catch((e) => { document.getElementById("ops").textContent = "Could not load /api/v1/openapi.json: " + e; });
</script>
</body>
</html>
`;

/** The page served at / when the web app has not been built (dist/web is missing). */
export const NO_WEB_APP_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Caravan</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:720px;margin:48px auto;padding:0 16px;color:#1d2430}code{background:#eef1f5;padding:1px 4px;border-radius:3px}</style></head>
<body><h1>Caravan server</h1>
<p>The API is running: <a href="/api/docs">API explorer</a>, <a href="/api/v1/openapi.json">OpenAPI document</a>, <a href="/api/v1/health">health</a>.</p>
<p>The web map is not built yet. Build it with <code>npm run build:web</code> (it is written to <code>dist/web</code>) and reload this page.</p>
</body></html>
`;
