/** An NHS.UK error box for data that could not be loaded, with what happened and a button to try again. */
import type { ApiError } from '../api/client';

/** Props of LoadError. */
export interface LoadErrorProps {
  /** What could not be loaded, as a sentence start, e.g. "The PCN figures could not be loaded". */
  what: string;
  /** The error, whose detail (and request id) is shown. */
  error: ApiError;
  /** Called by the "Try again" button; no button when absent. */
  onRetry?: () => void;
  /** Heading level of the title. Default 2. */
  headingLevel?: 2 | 3;
}

/** Error summary styled box with role="alert", the API's explanation and a retry button. */
export function LoadError({ what, error, onRetry, headingLevel = 2 }: LoadErrorProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="nhsuk-error-summary signpost-load-error">
      <div role="alert">
        <Heading className="nhsuk-error-summary__heading">{what}</Heading>
        <div className="nhsuk-error-summary__body">
          <p>
            {error.detail}
            {error.requestId && <span className="nhsuk-u-font-size-16"> (reference {error.requestId})</span>}
          </p>
          {onRetry && (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0"
              onClick={onRetry}
            >
              Try again
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
