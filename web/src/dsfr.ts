// The DSFR's global API (window.dsfr) as the portal uses it, and its start. Its JavaScript (dsfr-runtime.ts, the
// build's dsfr-<hash>.js chunk) is loaded once the first screen is painted (main.tsx): the page is painted without
// waiting for it.

/** What the portal uses of the DSFR's global API (window.dsfr). */
export interface DsfrInstance {
  modal?: { disclose(): void; conceal(): void; isDisclosed?: boolean };
}
export interface DsfrApi {
  (element: Element): DsfrInstance;
  start(): void;
  mode: string;
}

declare global {
  interface Window {
    dsfr: DsfrApi | { mode: string; production: boolean };
  }
}

/** Until the DSFR's JavaScript is there, an API that has set up no component yet (a caller tries again). */
const notYet: DsfrApi = Object.assign(() => ({}), { start: () => undefined, mode: "react" });

export function dsfr(): DsfrApi {
  return typeof window.dsfr === "function" ? window.dsfr : notYet;
}

let started: Promise<void> | null = null;

/** Load and start the DSFR once: from then on it sets up the components Preact renders (it watches the DOM). */
export function startDsfr(): Promise<void> {
  started ??= import("./dsfr-runtime").then(
    // Started in a task of its own, apart from the script's evaluation (two short tasks rather than one long).
    () => new Promise<void>((resolve) => setTimeout(() => resolve(dsfr().start()), 0)),
    (error: unknown) => {
      started = null;
      throw error;
    },
  );
  return started;
}
