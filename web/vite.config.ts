// The portal's build: one static site in dist/ (index.html, assets/ with hashed names), no server of its own.
//
// What the first paint waits for, and nothing more (docs/benchmarks.md, « The portal »): index.html, the shell's
// script and style sheet (the DSFR's core and the shell's components: src/styles.css), and /config.json (the
// settings the script reads first), which index.html preloads so that it comes with the script, not after it.
// The screens are chunks of their own (src/lazy.tsx), the DSFR components' styles of the screens a sheet of their
// own (src/screen-styles.css); the fonts (src/fonts.css) and the DSFR's JavaScript (src/dsfr.ts) come once the
// first screen has its data (src/settled.ts).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const dsfr = fileURLToPath(new URL("./node_modules/@gouvfr/dsfr/dist", import.meta.url));

/** index.html's preload of the settings the script reads first (/config.json): fetched with the script, not after. */
function preloadSettings(): Plugin {
  return {
    name: "portal-preload-settings",
    apply: "build",
    transformIndexHtml: () => [
      // Same mode and credentials as loadConfig's fetch (src/api/config.ts), so the browser hands this answer over.
      {
        tag: "link",
        attrs: { rel: "preload", href: "/config.json", as: "fetch", crossorigin: "anonymous" },
        injectTo: "head",
      },
    ],
  };
}

/** The DSFR core's @font-face rules are left out of styles.css: src/fonts.css declares the same fonts and is
 * loaded once the first screen has its data (src/main.tsx). Measured (docs/benchmarks.md): on a slow network the
 * three Marianne files the first paint would fetch (173 KB) delayed the screen's code, styles and data. */
const fontsApart = {
  postcssPlugin: "portal-fonts-apart",
  AtRule: {
    "font-face": (rule: { source?: { input: { file?: string } }; remove(): void }) => {
      if (rule.source?.input.file?.includes("/@gouvfr/dsfr/dist/core/")) rule.remove();
    },
  },
};

/** The DSFR core's spacing utilities (fr-mt-3w, fr-px-md-2v…: 2,457 classes, 82 KB of its 176 KB) are kept only
 * when the portal's sources name them: the rest is parsed by every browser on every first visit for nothing. A
 * class is found as written (class="fr-mb-3w"): write a spacing class whole, never built from pieces. */
const SPACING = /^\.(fr-[mp][tblrxy]?-[\w-]+)$/;

function usedSpacing(): Set<string> {
  const root = fileURLToPath(new URL(".", import.meta.url));
  const files = [path.join(root, "index.html"), ...readdirSync(path.join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(tsx?|css|html)$/.test(file))
    .map((file) => path.join(root, "src", file))];
  const used = new Set<string>();
  for (const file of files) for (const match of readFileSync(file, "utf8").matchAll(/\bfr-[mp][tblrxy]?-[\w-]+/g)) used.add(match[0]);
  return used;
}

interface CssNode {
  source?: { input: { file?: string } };
  remove(): void;
}

function spacingUsedOnly(used: Set<string>) {
  const fromCore = (node: CssNode) => node.source?.input.file?.includes("/@gouvfr/dsfr/dist/core/") === true;
  return {
    postcssPlugin: "portal-spacing-used-only",
    Rule(rule: CssNode & { selectors: string[] }) {
      if (!fromCore(rule)) return;
      const classes = rule.selectors.map((selector) => SPACING.exec(selector.trim())?.[1]);
      if (classes.some((name) => name === undefined)) return; // not a spacing utility rule
      const kept = rule.selectors.filter((_, index) => used.has(classes[index] ?? ""));
      if (kept.length === 0) rule.remove();
      else rule.selectors = kept;
    },
    AtRuleExit(atRule: CssNode & { name: string; nodes?: unknown[] }) {
      if (atRule.name === "media" && fromCore(atRule) && atRule.nodes?.length === 0) atRule.remove();
    },
  };
}

export default defineConfig(({ command }) => ({
  resolve: { alias: { "@dsfr": dsfr } },
  // amazon-cognito-identity-js (its `buffer`) reads Node's `global`: the browser's is globalThis.
  define: { global: "globalThis" },
  plugins: [preloadSettings()],
  // Build only: the sources are read once, when the build starts.
  css: { postcss: { plugins: command === "build" ? [fontsApart, spacingUsedOnly(usedSpacing())] : [fontsApart] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The DSFR's icons (SVG files of a few hundred bytes) are inlined in the style sheets as data: URIs: one
    // request each saved on a slow network (the CSP's img-src allows data:, which CSS images are fetched under).
    // Everything else stays a file (fonts, the favicon: the browser caches them).
    assetsInlineLimit: (file) => file.includes("/@gouvfr/dsfr/dist/icons/") && file.endsWith(".svg"),
    rolldownOptions: {
      output: {
        // The DSFR's own JavaScript in a chunk of its own (dsfr-<hash>.js), so that what the portal adds is
        // measured apart from it (the budget: 150 KB gzip before the DSFR's own). Scripts only: its style sheets
        // stay with what imports them.
        codeSplitting: {
          groups: [{ name: "dsfr", test: /node_modules[\\/]@gouvfr[\\/]dsfr[\\/].*\.js$|src[\\/]dsfr-(settings|runtime)\.ts$/ }],
        },
      },
    },
  },
}));
