// The view a list screen shows, kept in the URL: read from it, written to it, followed when Back or Forward
// change it.
import { useEffect, useState } from "preact/hooks";
import type { Membership } from "../../account";
import { pushView, type Side } from "./url";

/** The sides the account has lists on: its structures emit, its teams and public structures receive. */
export function sidesOf(emitters: readonly Membership[], recipients: readonly Membership[]): Side[] {
  return [...(emitters.length > 0 ? (["EMITTER"] as const) : []), ...(recipients.length > 0 ? (["RECIPIENT"] as const) : [])];
}

/** Follow the URL: Back and Forward (and a link to another view of the same screen) show their list. `path`: the
 *  screen's route (« /tickets »); a move to another screen is the shell's, not this screen's. */
export function useUrlView<V>(path: string, parse: () => V, canonical: (view: V) => string): [V, (next: V) => void] {
  const [view, setView] = useState<V>(parse);
  useEffect(() => {
    // The address says the whole view from the start (a copied link holds every choice).
    pushView(canonical(view), true);
    const update = () => {
      // Back, Forward, or a link to the bare screen (« Mes tickets » in the menu): its view, said in full.
      if (window.location.hash.replace(/^#/, "").split("?", 1)[0] !== path) return;
      const next = parse();
      pushView(canonical(next), true);
      setView(next);
    };
    window.addEventListener("popstate", update);
    window.addEventListener("hashchange", update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener("hashchange", update);
    };
    // Once: parse and canonical read the same account for the screen's life.
  }, []);
  const go = (next: V) => {
    pushView(canonical(next));
    setView(next);
  };
  return [view, go];
}

