/**
 * Vite build of the Caravan web app: web/ → dist/web (served by `caravan serve`). In development
 * (`npx vite web`) /api is proxied to a running `caravan serve` on CARAVAN_API (default http://127.0.0.1:8080).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/api": process.env.CARAVAN_API ?? "http://127.0.0.1:8080" },
  },
});
