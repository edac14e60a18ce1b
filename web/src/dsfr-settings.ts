// Read by the DSFR's core when it is evaluated: Preact owns the DOM (« react » mode: the DSFR does not copy
// or rewrite markup, e.g. the header's tools links, which the Header component renders twice itself), and the
// portal starts the DSFR once its components are registered (startDsfr). Bundled in the DSFR's chunk, before
// its core (vite.config.ts), so that it runs first.
window.dsfr = { mode: "react", production: true };
