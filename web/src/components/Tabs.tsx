// The DSFR tabs (fr-tabs: a tablist of fr-tabs__tab buttons, a fr-tabs__panel per tab), driven by the screen: the
// selected tab comes from the URL, choosing one tells the screen (which reads its list from the API). The DSFR's
// own tab script is not loaded: it would switch panels by itself, behind Preact's back. The keyboard follows
// WAI-ARIA's tabs pattern with manual activation: ← → Home End move between the tabs (one tab stop for the
// list), Enter or Space shows the tab (each showing asks the API, so passing over a tab does not).
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";

export interface TabItem<K extends string> {
  key: K;
  label: string;
}

export interface TabsProps<K extends string> {
  /** The tablist's accessible name. */
  label: string;
  tabs: readonly TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
  /** Ids: `${idPrefix}-<key>` for a tab, `${idPrefix}-<key>-panneau` for its panel. */
  idPrefix: string;
  /** The selected tab's panel content (the other panels stay empty). */
  children: ComponentChildren;
}

export function Tabs<K extends string>({ label, tabs, selected, onSelect, idPrefix, children }: TabsProps<K>) {
  const list = useRef<HTMLUListElement>(null);

  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[
      event.key
    ];
    if (target === undefined) return;
    event.preventDefault();
    list.current?.querySelectorAll<HTMLButtonElement>("[role=tab]")[target]?.focus();
  };

  return (
    <div class="fr-tabs portal-tabs">
      <ul class="fr-tabs__list" role="tablist" aria-label={label} ref={list}>
        {tabs.map((tab, index) => {
          const isSelected = tab.key === selected;
          return (
            <li role="presentation" key={tab.key}>
              <button
                type="button"
                id={`${idPrefix}-${tab.key}`}
                class="fr-tabs__tab"
                role="tab"
                tabIndex={isSelected ? 0 : -1}
                aria-selected={isSelected ? "true" : "false"}
                aria-controls={`${idPrefix}-${tab.key}-panneau`}
                onClick={() => {
                  if (!isSelected) onSelect(tab.key);
                }}
                onKeyDown={(event) => move(event, index)}
              >
                {tab.label}
              </button>
            </li>
          );
        })}
      </ul>
      {tabs.map((tab) => {
        const isSelected = tab.key === selected;
        return (
          <div
            key={tab.key}
            id={`${idPrefix}-${tab.key}-panneau`}
            class={`fr-tabs__panel${isSelected ? " fr-tabs__panel--selected" : ""}`}
            role="tabpanel"
            aria-labelledby={`${idPrefix}-${tab.key}`}
            tabIndex={isSelected ? 0 : -1}
            hidden={!isSelected}
          >
            {isSelected && children}
          </div>
        );
      })}
    </div>
  );
}
