/**
 * "Nothing suitable found": a link worker records why a search found nothing suitable, with the search's categories
 * and postcode district. Reasons only — no free text, so nothing about the person can be typed in.
 */
import { useId, useState, type FormEvent } from 'react';
import { UNMET_NEED_REASONS, UNMET_NEED_REASON_LABELS, type UnmetNeedReason } from '@shared/schemas/demand';
import { ApiError } from '../../api/client';
import { recordUnmetNeed } from '../../api/demand';
import { useSession } from '../../hooks/useSession';
import { ErrorSummary, type FormProblem } from '../ErrorSummary';

/** Props of UnmetNeedForm. */
export interface UnmetNeedFormProps {
  /** Taxonomy codes the search asked for. Default none. */
  category?: string[];
  /** Postcode district of the search (a full postcode is reduced to its district by the server). Default none. */
  postcodeDistrict?: string;
  /** Called after a record is saved. */
  onRecorded?: () => void;
}

/** The form; only link workers may submit it (the API refuses others, and the form says so). */
export function UnmetNeedForm({ category = [], postcodeDistrict, onRecorded }: UnmetNeedFormProps) {
  const uid = useId();
  const id = (name: string) => `unmet-${uid}-${name}`;
  const { user, csrfToken } = useSession();
  const [reason, setReason] = useState<UnmetNeedReason | ''>('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [isBusy, setIsBusy] = useState(false);

  if (user?.role !== 'link_worker')
    return <p className="nhsuk-body">Sign in as a link worker to record that nothing suitable was found.</p>;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    if (!reason) {
      setProblems([{ fieldId: id(`reason-${UNMET_NEED_REASONS[0]}`), message: 'Choose why nothing was suitable' }]);
      return;
    }
    setProblems([]);
    setIsBusy(true);
    try {
      await recordUnmetNeed({ reason, category, postcodeDistrict: postcodeDistrict || null }, csrfToken);
      setDone(true);
      onRecorded?.();
    } catch (error) {
      setFailure(error instanceof ApiError ? error.detail : 'Something went wrong: try again');
    } finally {
      setIsBusy(false);
    }
  };

  if (done)
    return (
      <div className="nhsuk-inset-text" role="status">
        <span className="nhsuk-u-visually-hidden">Success: </span>
        <p>Recorded — thank you. No details about the person are stored.</p>
      </div>
    );

  const error = problems[0]?.message;
  return (
    <form noValidate onSubmit={(event) => void handleSubmit(event)} aria-label="Nothing suitable found">
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">It was not recorded</h2>
          <p className="nhsuk-error-summary__body">{failure}</p>
        </div>
      )}
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset className="nhsuk-fieldset" aria-describedby={`${id('hint')}${error ? ` ${id('error')}` : ''}`}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Why was nothing suitable?</legend>
          <div className="nhsuk-hint" id={id('hint')}>
            This helps commissioners see where services are missing. Only the reason
            {category.length > 0 ? ', the categories searched' : ''}
            {postcodeDistrict
              ? `, the postcode district (${postcodeDistrict.trim().toUpperCase().split(/\s+/)[0]})`
              : ''}{' '}
            and your PCN are stored — nothing about the person.
          </div>
          {error && (
            <span className="nhsuk-error-message" id={id('error')}>
              <span className="nhsuk-u-visually-hidden">Error: </span>
              {error}
            </span>
          )}
          <div className="nhsuk-radios">
            {UNMET_NEED_REASONS.map((r) => (
              <div className="nhsuk-radios__item" key={r}>
                <input
                  className="nhsuk-radios__input"
                  id={id(`reason-${r}`)}
                  name={id('reason')}
                  type="radio"
                  value={r}
                  checked={reason === r}
                  onChange={() => setReason(r)}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={id(`reason-${r}`)}>
                  {UNMET_NEED_REASON_LABELS[r]}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <button className="nhsuk-button" type="submit" disabled={isBusy}>
        {isBusy ? 'Recording…' : 'Record nothing suitable found'}
      </button>
    </form>
  );
}
