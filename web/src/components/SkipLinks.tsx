// The DSFR skip links (fr-skiplinks). The portal routes by the fragment, so a link moves the focus itself
// instead of changing it.
import type { TargetedMouseEvent } from "preact";
import { messages } from "../messages";

const TARGETS = [
  { id: "contenu", label: messages.skipToContent },
  { id: "navigation", label: messages.skipToMenu },
  { id: "pied-de-page", label: messages.skipToFooter },
];

function jump(event: TargetedMouseEvent<HTMLAnchorElement>, id: string): void {
  event.preventDefault();
  const target = document.getElementById(id);
  if (target === null) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
  target.scrollIntoView();
}

export function SkipLinks() {
  return (
    <div class="fr-skiplinks">
      <nav class="fr-container" role="navigation" aria-label="Accès rapide">
        <ul class="fr-skiplinks__list">
          {TARGETS.map((t) => (
            <li key={t.id}>
              <a class="fr-link" href={`#${t.id}`} onClick={(e) => jump(e, t.id)}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
