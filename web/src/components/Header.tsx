// The DSFR header (fr-header): the Marianne block, the service's name, the tools (sign-in or the signed-in
// user and « Se déconnecter »), the main navigation; on small screens the DSFR's JS turns the menu into a modal.
// The DSFR runs in « react » mode and does not copy the tools into that modal: they are rendered in both places
// here, the copy's ids suffixed « -mobile » as the DSFR does.
import type { ComponentChildren } from "preact";
import { messages } from "../messages";

export interface NavItem {
  label: string;
  href: string;
  current: boolean;
}

export interface HeaderProps {
  nav: readonly NavItem[];
  /** The signed-in user's name, or null when nobody is signed in. */
  userName: string | null;
  signInHref: string;
  onSignOut: () => void;
}

function Tools({ userName, signInHref, onSignOut, suffix }: Omit<HeaderProps, "nav"> & { suffix: string }) {
  return (
    <ul class="fr-btns-group">
      {userName === null ? (
        <li>
          <a class="fr-btn fr-icon-lock-line" href={signInHref} id={`bouton-connexion${suffix}`}>
            {messages.signIn}
          </a>
        </li>
      ) : (
        <>
          <li>
            <span class="fr-btn fr-icon-account-circle-line portal-user">{userName}</span>
          </li>
          <li>
            <button class="fr-btn fr-icon-logout-box-r-line" type="button" id={`bouton-deconnexion${suffix}`} onClick={onSignOut}>
              {messages.signOut}
            </button>
          </li>
        </>
      )}
    </ul>
  );
}

export function Header(props: HeaderProps): ComponentChildren {
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <p class="fr-logo">
                    République
                    <br />
                    Française
                  </p>
                </div>
                <div class="fr-header__navbar">
                  <button
                    class="fr-btn--menu fr-btn"
                    data-fr-opened="false"
                    aria-controls="menu-principal"
                    aria-haspopup="dialog"
                    id="bouton-menu"
                    title={messages.menu}
                    type="button"
                  >
                    {messages.menu}
                  </button>
                </div>
              </div>
              <div class="fr-header__service">
                <a href="#/" title={`${messages.homeLink} – ${messages.serviceName}`}>
                  <p class="fr-header__service-title">{messages.serviceName}</p>
                </a>
                <p class="fr-header__service-tagline">{messages.serviceTagline}</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <Tools {...props} suffix="" />
              </div>
            </div>
          </div>
        </div>
      </div>
      <div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu">
        <div class="fr-container">
          <button class="fr-btn--close fr-btn" aria-controls="menu-principal" title={messages.close} type="button">
            {messages.close}
          </button>
          <div class="fr-header__menu-links">
            <Tools {...props} suffix="-mobile" />
          </div>
          <nav class="fr-nav" id="navigation" role="navigation" aria-label={messages.mainMenu}>
            <ul class="fr-nav__list">
              {props.nav.map((item) => (
                <li class="fr-nav__item" key={item.href}>
                  <a class="fr-nav__link" href={item.href} aria-current={item.current ? "page" : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </div>
    </header>
  );
}
