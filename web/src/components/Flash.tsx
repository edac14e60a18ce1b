// The confirmation shown at the top of the page after an action that leaves its screen (seed 001: « une
// confirmation du succès de la manipulation opérée apparaîtra en haut de la page »): a DSFR alert the screen
// that acted sets with `showFlash` just before it navigates; the shell shows it on the screen it was meant for and
// moves the focus to it (flashBanner: a screen reader reads it first); it goes on the next navigation or « Masquer ».
import { useEffect, useState } from "preact/hooks";
import { messages } from "../messages";

export interface FlashMessage {
  severity: "success" | "info";
  title: string;
  text?: string;
}

interface Pending extends FlashMessage {
  /** The fragment of the screen that shows it (« #/ »). */
  at: string;
}

let current: Pending | null = null;
const listeners = new Set<() => void>();

function normalise(hash: string): string {
  return hash === "" || hash === "#" ? "#/" : hash;
}

function set(next: Pending | null): void {
  current = next;
  for (const listener of listeners) listener();
}

/** Show `message` on the screen at `at` (a fragment such as « #/ »): call it, then navigate there. */
export function showFlash(message: FlashMessage, at: string): void {
  set({ ...message, at: normalise(at) });
}

const BANNER_ID = "bandeau-confirmation";

/** The banner shown now, if any: the shell moves the focus to it rather than to the top of the content. */
export function flashBanner(): HTMLElement | null {
  return document.getElementById(BANNER_ID);
}

export function FlashBanner() {
  const [flash, setFlash] = useState<Pending | null>(current);
  const [hash, setHash] = useState(() => normalise(window.location.hash));

  useEffect(() => {
    const update = () => setFlash(current);
    listeners.add(update);
    const moved = () => {
      const now = normalise(window.location.hash);
      setHash(now);
      // Left the screen it was shown on: it is done.
      if (current !== null && current.at !== now) set(null);
    };
    window.addEventListener("hashchange", moved);
    window.addEventListener("popstate", moved);
    return () => {
      listeners.delete(update);
      window.removeEventListener("hashchange", moved);
      window.removeEventListener("popstate", moved);
    };
  }, []);

  const shown = flash !== null && flash.at === hash ? flash : null;

  if (shown === null) return null;
  const dismiss = () => {
    set(null);
    // The banner goes: the focus goes back to the top of the content rather than to the page's start.
    document.getElementById("contenu")?.focus();
  };
  return (
    <div class={`fr-alert fr-alert--${shown.severity} fr-mb-4w`} role="status" tabIndex={-1} id={BANNER_ID}>
      <p class="fr-alert__title">{shown.title}</p>
      {shown.text && <p>{shown.text}</p>}
      <button class="fr-btn--close fr-btn" type="button" title={messages.closeMessage} onClick={dismiss}>
        {messages.closeMessage}
      </button>
    </div>
  );
}
