// The DSFR footer (fr-footer): the Marianne block, what the service is, the State's sites, the accessibility
// statement's link and the licence.
import { messages } from "../messages";

const STATE_SITES = ["info.gouv.fr", "service-public.gouv.fr", "legifrance.gouv.fr", "data.gouv.fr"];

export function Footer() {
  return (
    <footer class="fr-footer" role="contentinfo" id="pied-de-page">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href="#/" title={`${messages.homeLink} – ${messages.serviceName}`}>
              <p class="fr-logo">
                République
                <br />
                Française
              </p>
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">{messages.footerText}</p>
            <ul class="fr-footer__content-list">
              {STATE_SITES.map((site) => (
                <li class="fr-footer__content-item" key={site}>
                  <a
                    class="fr-footer__content-link"
                    target="_blank"
                    rel="noopener"
                    title={`${site} - nouvelle fenêtre`}
                    href={`https://${site}`}
                  >
                    {site}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="#/accessibilite">
                {messages.footerLinks.accessibility}
              </a>
            </li>
          </ul>
          <div class="fr-footer__bottom-copy">
            <p>
              Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés
              sous{" "}
              <a
                href="https://github.com/etalab/licence-ouverte/blob/master/LO.md"
                target="_blank"
                rel="noopener"
                title="licence etalab-2.0 - nouvelle fenêtre"
              >
                licence etalab-2.0
              </a>
            </p>
          </div>
        </div>
      </div>
    </footer>
  );
}
