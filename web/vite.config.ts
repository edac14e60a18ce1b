// The portal's build: one static site in dist/ (index.html, assets/ with hashed names), no server of its own.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const dsfr = fileURLToPath(new URL("./node_modules/@gouvfr/dsfr/dist", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@dsfr": dsfr } },
  // amazon-cognito-identity-js (its `buffer`) reads Node's `global`: the browser's is globalThis.
  define: { global: "globalThis" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Fonts and icons stay files (a strict CSP, and the browser caches them): nothing inlined as data: URIs.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // The DSFR's own JavaScript in a chunk of its own (dsfr-<hash>.js), so that what the portal adds is
        // measured apart from it (the budget: 150 KB gzip before the DSFR's own).
        codeSplitting: {
          groups: [{ name: "dsfr", test: /node_modules[\\/]@gouvfr[\\/]dsfr|src[\\/]dsfr(-settings)?\.ts/ }],
        },
      },
    },
  },
});
