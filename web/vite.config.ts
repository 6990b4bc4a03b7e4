import { defineConfig } from "vite";

// The bundle is embedded in the parley binary (web/embed.go) and served at
// /; the build empties dist/ (old hashed assets would be embedded too) and
// puts back its .gitkeep. In development, `npm run dev` proxies the API to a local parley serve.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 900, sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
