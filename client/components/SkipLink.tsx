/** The NHS.UK "Skip to main content" link, the first thing keyboard users reach on every page. */
import type { MouseEvent } from 'react';

/** Id of the element the skip link jumps to (the page's <main>). */
export const MAIN_CONTENT_ID = 'maincontent';

/** Moves focus to the main content without adding a #fragment to the address (which the router would treat as navigation). */
export function SkipLink() {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById(MAIN_CONTENT_ID);
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  };
  return (
    <a className="nhsuk-skip-link" href={`#${MAIN_CONTENT_ID}`} onClick={handleClick}>
      Skip to main content
    </a>
  );
}
