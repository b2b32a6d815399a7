/** The page shown once an organisation or a claim has been sent to an administrator for approval. */
import { useEffect, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';

/** Props of ApprovalConfirmation. */
export interface ApprovalConfirmationProps {
  /** The page's heading, e.g. "Claim sent". */
  title: string;
  /** One line in the panel saying what is waiting for approval. */
  summary: ReactNode;
  /** What happens next, in paragraphs. */
  children: ReactNode;
}

/** NHS.UK confirmation panel (its h1 takes focus so screen readers announce it), what happens next, and the way on. */
export function ApprovalConfirmation({ title, summary, children }: ApprovalConfirmationProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <div className="nhsuk-panel">
          <h1 className="nhsuk-panel__title" tabIndex={-1} ref={heading}>
            {title}
          </h1>
          <div className="nhsuk-panel__body">{summary}</div>
        </div>
        <h2 className="nhsuk-heading-m">What happens next</h2>
        {children}
        <p>
          <Link to="/my-organisation">Go to My organisation</Link>
        </p>
      </div>
    </div>
  );
}
