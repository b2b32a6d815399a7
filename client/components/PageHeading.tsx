/** The main heading of a page: the target of focus after navigation. */
import { useRef, type ReactNode } from 'react';
import { useFocusOnNavigation } from '../hooks/useFocusOnNavigation';

/** Props of PageHeading. */
export interface PageHeadingProps {
  /** Heading text (or inline content). */
  children: ReactNode;
  /** Optional caption shown above the heading, e.g. the journey's audience. Default none. */
  caption?: string;
  /** NHS.UK heading size class suffix. Default "l". */
  size?: 'xl' | 'l' | 'm';
}

/** Renders the page's h1, focusable from script only, and focuses it after in-app navigation. */
export function PageHeading({ children, caption, size = 'l' }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useFocusOnNavigation(ref);
  return (
    <h1 className={`nhsuk-heading-${size} signpost-page-heading`} tabIndex={-1} ref={ref}>
      {caption && (
        <span className="nhsuk-caption-l">
          {caption}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
      )}
      {children}
    </h1>
  );
}
