/**
 * Request guards: the bearer token of compute and write routes, the loopback rule for binding, and the path guard
 * that keeps every file a request names inside the configured data folders.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { CaravanError } from "../core/errors";

/** true for host names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time comparison of a presented token with the configured one. */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

/** Name of the cookie that carries the token for the web app (set by opening `/?token=…` once). */
export const TOKEN_COOKIE = "caravan_token";

/** The token cookie's value in a Cookie header, or null. */
export function tokenCookie(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * Check a request of a compute route: `Authorization: Bearer <token>`, or the token cookie of the web app (same-site
 * only: the cookie is SameSite=Strict, so another site's page cannot send it). Constant-time comparison.
 */
export function checkBearer(header: string | undefined, token: string, cookieHeader?: string): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const presented = m ? m[1] : tokenCookie(cookieHeader);
  if (presented === null) throw new CaravanError("E_UNAUTHORIZED", "this route needs Authorization: Bearer <token> (the server was started with --token or CARAVAN_TOKEN)");
  if (!tokenMatches(presented, token)) throw new CaravanError("E_UNAUTHORIZED", "wrong bearer token");
}

/**
 * Resolve a path named in a request to an existing file inside one of `folders` (absolute real paths); a relative
 * path is looked up in each folder in turn (the dataset first). `..` segments, absolute paths elsewhere and symbolic links
 * that lead outside are refused with E_PATH_FORBIDDEN; messages repeat the path as given, never the server's folders.
 */
export function resolveDataPath(folders: readonly string[], requested: string): string {
  if (requested.includes("\0") || requested.trim() === "") throw new CaravanError("E_PATH_FORBIDDEN", "empty or malformed path");
  const parts = requested.split(/[\\/]+/);
  if (parts.includes("..")) throw new CaravanError("E_PATH_FORBIDDEN", `"${requested}": '..' is not allowed; name a file inside the data folders`);
  const inside = (p: string) => folders.some((f) => p === f || (p.startsWith(f + sep) && !relative(f, p).startsWith("..")));
  // a relative path is looked up in each folder in turn (the dataset first)
  const candidates = isAbsolute(requested) ? [resolve(requested)] : folders.map((f) => resolve(f, requested));
  if (!candidates.every(inside)) throw new CaravanError("E_PATH_FORBIDDEN", `"${requested}" is outside the data folders`);
  const candidate = candidates.find((c) => existsSync(c));
  if (candidate === undefined) throw new CaravanError("E_FILE_NOT_FOUND", `"${requested}" does not exist in the data folders`, { details: { file: requested } });
  const real = realpathSync(candidate);
  if (!inside(real)) throw new CaravanError("E_PATH_FORBIDDEN", `"${requested}" leads outside the data folders`);
  return real;
}
