// « Besoin d'aide ? Posez une question » (seed 004, step 1): a DSFR button fixed at the bottom right of every
// page, part of the shell. The panel's code and styles are a chunk of their own, loaded at the first click (or at
// start when the panel was open before a reload); once opened the panel stays mounted, hidden when closed, so
// that the conversation survives the navigation between screens.
import type { ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { keptOpen, type Owner } from "./conversation";
import { assistantMessages as m } from "./messages";
import type { PanelProps } from "./Panel";

let panel: Promise<ComponentType<PanelProps>> | null = null;

function loadPanel(): Promise<ComponentType<PanelProps>> {
  panel ??= Promise.all([import("../screen-styles.css"), import("./Panel")]).then(([, module]) => module.Panel);
  return panel;
}

export function AssistantLauncher({ owner }: { owner: Owner }) {
  const [Panel, setPanel] = useState<ComponentType<PanelProps> | null>(null);
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  function show() {
    void loadPanel().then((loaded) => {
      setPanel(() => loaded);
      setOpen(true);
    });
  }

  // Open before a reload: opened again (the conversation is read back).
  useEffect(() => {
    if (keptOpen(owner)) show();
  }, []);

  // Closed: the focus back on the button that opened it.
  useEffect(() => {
    if (wasOpen.current && !open) buttonRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        class="fr-btn fr-icon-chat-3-line fr-btn--icon-left portal-assistant-launcher"
        aria-controls="assistant"
        aria-expanded={open}
        hidden={open}
        onClick={show}
      >
        {m.launcher}
      </button>
      {Panel && <Panel key={owner.who} owner={owner} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}
