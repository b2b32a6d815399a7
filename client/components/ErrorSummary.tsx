/** The NHS.UK error summary: lists a form's problems at the top and links each to its field. */
import { useEffect, useRef, type MouseEvent, type Ref } from 'react';

/** One problem shown in the summary. */
export interface FormProblem {
  /** Id of the input the problem is about (the link target). */
  fieldId: string;
  /** What to do to fix it, e.g. "Enter your email address". */
  message: string;
}

/** Props of ErrorSummary. */
export interface ErrorSummaryProps {
  /** Problems to list, in the order of the fields on the page. */
  problems: FormProblem[];
  /** Ref to the summary box, so the form can focus it after a failed submit. Default none. */
  ref?: Ref<HTMLDivElement>;
}

/**
 * Error summary box; it takes focus whenever it shows a new list of problems (after each failed submit), so screen
 * readers announce it. Its links focus the field instead of changing the URL.
 */
export function ErrorSummary({ problems, ref }: ErrorSummaryProps) {
  const boxRef = useRef<HTMLDivElement | null>(null);
  // After React has committed the box: focusing from the submit handler could run before it exists.
  useEffect(() => {
    boxRef.current?.focus();
  }, [problems]);
  const setRefs = (element: HTMLDivElement | null) => {
    boxRef.current = element;
    if (typeof ref === 'function') ref(element);
    else if (ref) (ref as { current: HTMLDivElement | null }).current = element;
  };
  const handleLinkClick = (event: MouseEvent<HTMLAnchorElement>, fieldId: string) => {
    const field = document.getElementById(fieldId);
    if (!field) return;
    event.preventDefault();
    field.focus();
  };
  return (
    <div className="nhsuk-error-summary" tabIndex={-1} ref={setRefs}>
      {/* role="alert" sits on a child so focusing the box does not race the announcement, as in nhsuk-frontend. */}
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">There is a problem</h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {problems.map((problem) => (
              <li key={problem.fieldId}>
                <a href={`#${problem.fieldId}`} onClick={(event) => handleLinkClick(event, problem.fieldId)}>
                  {problem.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
