// The DSFR pagination (fr-pagination): first, previous, the page numbers around the current one (the first and
// the last always shown, « … » between), next, last; the current page is aria-current="page" and not a link.
// Each link is a real address (open it in a new tab, copy it); a plain click is handed to the screen, which
// shows that page without reloading. When the number of pages is not known (a total that is a minimum), the
// last page is not offered and « Page suivante » follows while the API says there is more.
import type { TargetedMouseEvent } from "preact";

export interface PaginationProps {
  page: number;
  /** The number of pages, or null when the total is only a minimum. */
  pages: number | null;
  /** Whether a page follows this one (the API's next_cursor). */
  hasNext: boolean;
  href: (page: number) => string;
  onGo: (page: number) => void;
  labels: { nav: string; first: string; previous: string; next: string; last: string; page: (n: number) => string };
}

/** The page numbers to show: 1, the last, and the current one with one neighbour on each side; null is « … ». */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const shown = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const sorted = [...shown].sort((a, b) => a - b);
  const result: (number | null)[] = [];
  sorted.forEach((n, i) => {
    const previous = sorted[i - 1];
    if (previous !== undefined && n - previous === 2) result.push(n - 1);
    else if (previous !== undefined && n - previous > 2) result.push(null);
    result.push(n);
  });
  return result;
}

function plainClick(event: TargetedMouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}

export function Pagination({ page, pages, hasNext, href, onGo, labels }: PaginationProps) {
  const last = pages ?? (hasNext ? page + 1 : page);
  const numbers = pageWindow(page, Math.max(last, page));
  const link = (target: number | null, className: string, text: string, title?: string) => {
    if (target === null) {
      return (
        <a class={`fr-pagination__link ${className}`} aria-disabled="true" role="link">
          {text}
        </a>
      );
    }
    return (
      <a
        class={`fr-pagination__link ${className}`}
        href={href(target)}
        title={title}
        onClick={(event) => {
          if (!plainClick(event)) return;
          event.preventDefault();
          onGo(target);
        }}
      >
        {text}
      </a>
    );
  };
  const canNext = pages === null ? hasNext : page < pages;
  return (
    <nav role="navigation" class="fr-pagination" aria-label={labels.nav}>
      <ul class="fr-pagination__list">
        <li>{link(page > 1 ? 1 : null, "fr-pagination__link--first", labels.first)}</li>
        <li>{link(page > 1 ? page - 1 : null, "fr-pagination__link--prev fr-pagination__link--lg-label", labels.previous)}</li>
        {numbers.map((n, i) =>
          n === null ? (
            <li key={`gap-${i}`}>
              <span class="fr-pagination__link fr-displayed-lg" aria-hidden="true">
                …
              </span>
            </li>
          ) : n === page ? (
            <li key={n}>
              <a class="fr-pagination__link" aria-current="page" title={labels.page(n)}>
                {n}
              </a>
            </li>
          ) : (
            <li key={n}>{link(n, "", String(n), labels.page(n))}</li>
          ),
        )}
        <li>{link(canNext ? page + 1 : null, "fr-pagination__link--next fr-pagination__link--lg-label", labels.next)}</li>
        <li>{link(pages !== null && page < pages ? pages : null, "fr-pagination__link--last", labels.last)}</li>
      </ul>
    </nav>
  );
}
