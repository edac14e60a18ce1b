// The DSFR modal (a <dialog class="fr-modal">, opened and closed by the DSFR's JS: focus kept inside, Échap,
// focus given back to the opener). Controlled: `open` discloses it, `onClose` hears it close (Fermer, Échap, the
// backdrop, or a button of the footer).
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { dsfr, startDsfr, type DsfrInstance } from "../dsfr";
import { messages } from "../messages";

export interface ModalProps {
  id: string;
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
  /** The footer's buttons (fr-btns-group), the main one first. */
  footer?: ComponentChildren;
  size?: "sm" | "md" | "lg";
}

type DsfrModal = NonNullable<DsfrInstance["modal"]>;

/** Call `act` with the DSFR instance of the element once the DSFR has started (its script is loaded after the first
 * screen's data: a person may click before, on a slow machine a second or more before) and has set this element up
 * (a few frames at most once started). */
function whenReady(element: Element, act: (modal: DsfrModal) => void): void {
  const poll = (tries: number): void => {
    const modal = dsfr()(element).modal;
    if (modal) act(modal);
    else if (tries > 0 && element.isConnected) requestAnimationFrame(() => poll(tries - 1));
  };
  startDsfr().then(
    () => poll(60),
    () => undefined,
  );
}

export function Modal({ id, title, open, onClose, children, footer, size = "md" }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // What the screen wants when the DSFR is ready to act (it may have changed while the DSFR was loading).
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const concealed = () => closeRef.current();
    element.addEventListener("dsfr.conceal", concealed);
    return () => element.removeEventListener("dsfr.conceal", concealed);
  }, []);

  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    // Closed by the screen (a footer's button): the focus goes back to the opener, as with « Fermer » or Échap.
    whenReady(element, (modal) => (openRef.current ? modal.disclose() : modal.conceal(false, false)));
  }, [open]);

  const columns = { sm: "fr-col-12 fr-col-md-6 fr-col-lg-4", md: "fr-col-12 fr-col-md-8 fr-col-lg-6", lg: "fr-col-12 fr-col-md-10 fr-col-lg-8" };
  return (
    <dialog ref={ref} id={id} class="fr-modal" aria-labelledby={`${id}-titre`} data-fr-concealing-backdrop="true">
      <div class="fr-container fr-container--fluid fr-container-md">
        <div class="fr-grid-row fr-grid-row--center">
          <div class={columns[size]}>
            <div class="fr-modal__body">
              <div class="fr-modal__header">
                <button class="fr-btn--close fr-btn" aria-controls={id} title={messages.close} type="button">
                  {messages.close}
                </button>
              </div>
              <div class="fr-modal__content">
                <h2 id={`${id}-titre`} class="fr-modal__title">
                  {title}
                </h2>
                {children}
              </div>
              {footer && (
                <div class="fr-modal__footer">
                  <div class="fr-btns-group fr-btns-group--right fr-btns-group--inline-reverse fr-btns-group--inline-lg">
                    {footer}
                  </div>
                </div>
              )}
            </div>
          </div>
        </div>
      </div>
    </dialog>
  );
}
