// The DSFR's global API (window.dsfr) as the portal uses it, and its start. Its JavaScript (dsfr-runtime.ts, the
// build's dsfr-<hash>.js chunk) is loaded once the first screen has its data (main.tsx): the page is painted without
// waiting for it.

/** What the portal uses of the DSFR's global API (window.dsfr). */
export interface DsfrInstance {
  /** conceal(withhold, preventFocus): preventFocus false gives the focus back to the element that opened it. */
  modal?: { disclose(): void; conceal(withhold?: boolean, preventFocus?: boolean): void; isDisclosed?: boolean };
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

let ready = false;

/** The DSFR's API once it has started and set up the components already on the page: until then, `notYet` (its
 * components answer nothing, so that a caller waits a frame and asks again, as components/Modal.tsx does). */
export function dsfr(): DsfrApi {
  return ready && typeof window.dsfr === "function" ? window.dsfr : notYet;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

let started: Promise<void> | null = null;

/** Load and start the DSFR once: from then on it sets up the components Preact renders (it watches the DOM). It is
 * started in a task of its own, apart from the script's evaluation (two short tasks rather than one long), and
 * handed out two frames later, once it has set up the components already on the page (a modal's state among
 * them: asked before, a closed modal would take the focus to concealing itself). */
export function startDsfr(): Promise<void> {
  started ??= import("./dsfr-runtime")
    .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
    .then(() => window.dsfr as DsfrApi)
    .then(async (api) => {
      api.start();
      await nextFrame();
      await nextFrame();
      ready = true;
    })
    .catch((error: unknown) => {
      started = null;
      throw error;
    });
  return started;
}
