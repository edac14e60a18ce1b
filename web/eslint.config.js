// The portal's lint: typescript-eslint's type-aware rules, and the one client rule: the API is called through
// src/api/ only (openapi-fetch, typed from docs/openapi.json); no fetch or XMLHttpRequest anywhere else.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: "Call the API through src/api/ (call(), the typed client)." },
        { name: "XMLHttpRequest", message: "Call the API through src/api/ (call(), the typed client)." },
        { name: "WebSocket", message: "Open the live chat through src/api/chat.ts (openChat)." },
      ],
    },
  },
  {
    files: ["src/api/**"],
    rules: { "no-restricted-globals": "off" },
  },
  {
    // amazon-cognito-identity-js marks its whole API deprecated (Amplify v5 is in maintenance mode); it stays the
    // reference SRP client of the user pool (docs/decisions.md, « The portal's stack »).
    files: ["src/auth/session.ts"],
    rules: { "@typescript-eslint/no-deprecated": "off" },
  },
  {
    files: ["*.config.js", "*.config.ts"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node, parserOptions: { projectService: false } },
  },
);
