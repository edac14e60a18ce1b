// The DSFR's own JavaScript, component by component (the ones the portal's components use): disclosure of
// the header's menu on small screens, modals, navigation, the password field's « Afficher ».
import "./dsfr-settings";
import "@dsfr/core/core.module.min.js";
import "@dsfr/component/navigation/navigation.module.min.js";
import "@dsfr/component/modal/modal.module.min.js";
import "@dsfr/component/header/header.module.min.js";
import "@dsfr/component/password/password.module.min.js";

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

export function dsfr(): DsfrApi {
  return window.dsfr as DsfrApi;
}

let started = false;

/** Start the DSFR once: from then on it sets up the components Preact renders (it watches the DOM). */
export function startDsfr(): void {
  if (started) return;
  started = true;
  dsfr().start();
}
