/** Route `/admin/taxonomy`: list, add, rename and delete taxonomy terms (admins only). */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, getJson, sendJson } from '../api/client';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { TextInput } from '../components/TextInput';
import { useSession } from '../hooks/useSession';
import { TableHead } from '../components/TableHead';
import { AdminOnly } from '../components/AdminOnly';

interface TaxonomyNode {
  id: string;
  code: string;
  name: string;
  description: string;
  parentId: string | null;
  children: TaxonomyNode[];
}

/** A term in table order, with its parent's code and its depth in the tree. */
interface Row {
  term: TaxonomyNode;
  parentCode: string | null;
  depth: number;
}

function flatten(nodes: TaxonomyNode[], parentCode: string | null = null, depth = 0): Row[] {
  return nodes.flatMap((term) => [{ term, parentCode, depth }, ...flatten(term.children, term.code, depth + 1)]);
}

const ADD_FIELDS: Record<string, string> = {
  code: 'term-code',
  name: 'term-name',
  description: 'term-description',
  parentCode: 'term-parent',
};
const EDIT_FIELDS: Record<string, string> = { name: 'edit-name', description: 'edit-description' };
const FIELD_NAMES: Record<string, string> = {
  code: 'Code',
  name: 'Name',
  description: 'Description',
  parentCode: 'Parent term',
};

/** Turns an API failure into summary problems linked to the fields of the form that failed. */
function problemsFrom(error: unknown, fields: Record<string, string>, fallbackId: string): FormProblem[] {
  if (error instanceof ApiError && error.errors.length) {
    return error.errors.map((p) => ({
      fieldId: fields[p.field] ?? fallbackId,
      message: `${FIELD_NAMES[p.field] ?? p.field} ${p.message}`,
    }));
  }
  return [
    { fieldId: fallbackId, message: error instanceof ApiError ? error.detail : 'Something went wrong. Try again.' },
  ];
}

/** Taxonomy admin page; anyone else is told they need an admin account. */
export function AdminTaxonomyPage() {
  return (
    <AdminOnly title="Taxonomy" path="/admin/taxonomy">
      <TaxonomyContent />
    </AdminOnly>
  );
}

function TaxonomyContent() {
  const { csrfToken } = useSession();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [message, setMessage] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const answer = await getJson<{ terms: TaxonomyNode[] }>('/api/taxonomy');
    setRows(flatten(answer.terms));
  }, []);
  useEffect(() => {
    reload().catch(() => setLoadFailed(true));
  }, [reload]);

  const handleAdd = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const body = {
      code: String(form.get('term-code') ?? '').trim(),
      name: String(form.get('term-name') ?? '').trim(),
      description: String(form.get('term-description') ?? '').trim(),
      parentCode: String(form.get('term-parent') ?? '') || null,
    };
    const missing: FormProblem[] = [];
    if (!body.code) missing.push({ fieldId: 'term-code', message: 'Enter a code, like advice.debt' });
    if (!body.name) missing.push({ fieldId: 'term-name', message: 'Enter a name' });
    if (missing.length) {
      setProblems(missing);
      return;
    }
    try {
      const { body: term } = await sendJson<TaxonomyNode>('POST', '/api/admin/taxonomy', body, { csrfToken });
      setProblems([]);
      setMessage(`Added ${term.name} (${term.code}).`);
      formElement.reset();
      await reload();
    } catch (error) {
      setProblems(problemsFrom(error, ADD_FIELDS, 'term-code'));
    }
  };

  const handleEdit = async (event: FormEvent<HTMLFormElement>, term: TaxonomyNode) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const patch = {
      name: String(form.get('edit-name') ?? '').trim(),
      description: String(form.get('edit-description') ?? '').trim(),
    };
    if (!patch.name) {
      setProblems([{ fieldId: 'edit-name', message: 'Enter a name' }]);
      return;
    }
    try {
      await sendJson('PATCH', `/api/admin/taxonomy/${term.id}`, patch, { csrfToken });
      setProblems([]);
      setEditing(null);
      setMessage(`Saved ${patch.name} (${term.code}).`);
      await reload();
    } catch (error) {
      setMessage('');
      setProblems(problemsFrom(error, EDIT_FIELDS, 'edit-name'));
    }
  };

  const handleDelete = async (term: TaxonomyNode) => {
    try {
      await sendJson('DELETE', `/api/admin/taxonomy/${term.id}`, undefined, { csrfToken });
      setProblems([]);
      setConfirming(null);
      setMessage(`Deleted ${term.name} (${term.code}).`);
      await reload();
    } catch (error) {
      setConfirming(null);
      // A success message from an earlier action would contradict the error.
      setMessage('');
      const inUse = error instanceof ApiError && error.status === 409;
      setProblems([
        {
          fieldId: `delete-${term.id}`,
          message: inUse
            ? `${term.name} (${term.code}) was not deleted because it is in use. ${error.detail}.`
            : error instanceof ApiError
              ? error.detail
              : 'The term was not deleted. Try again.',
        },
      ]);
    }
  };

  const problemFor = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;

  return (
    <>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <PageHeading caption="Signpost administration">Taxonomy</PageHeading>
      <p>
        <Link to="/admin">Back to admin</Link>
      </p>
      <div role="status">
        {message && (
          <div className="nhsuk-inset-text signpost-success">
            <p>{message}</p>
          </div>
        )}
      </div>

      <h2 className="nhsuk-heading-m">Terms</h2>
      {loadFailed ? (
        <p>The taxonomy could not be loaded. Reload the page to try again.</p>
      ) : rows === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p>There are no taxonomy terms yet.</p>
      ) : (
        <table className="nhsuk-table-responsive">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Taxonomy terms</caption>
          <TableHead columns={['Code', 'Name', 'Description', 'Parent', 'Actions']} />
          <tbody className="nhsuk-table__body">
            {rows.map(({ term, parentCode }) =>
              editing === term.id ? (
                <tr key={term.id} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">{term.code}</td>
                  <td className="nhsuk-table__cell" colSpan={4}>
                    <form onSubmit={(e) => void handleEdit(e, term)} noValidate>
                      <TextInput
                        id="edit-name"
                        label={`Name of ${term.code}`}
                        defaultValue={term.name}
                        autoComplete="off"
                        error={problemFor('edit-name')}
                      />
                      <TextInput
                        id="edit-description"
                        label={`Description of ${term.code}`}
                        defaultValue={term.description}
                        autoComplete="off"
                        error={problemFor('edit-description')}
                      />
                      <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
                        <button className="nhsuk-button nhsuk-button--small" type="submit">
                          Save<span className="nhsuk-u-visually-hidden"> {term.code}</span>
                        </button>
                        <button
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          type="button"
                          onClick={() => {
                            setEditing(null);
                            setProblems([]);
                          }}
                        >
                          Cancel
                        </button>
                      </div>
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={term.id} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">{term.code}</td>
                  <td className="nhsuk-table__cell">{term.name}</td>
                  <td className="nhsuk-table__cell">{term.description}</td>
                  <td className="nhsuk-table__cell">{parentCode ?? ''}</td>
                  <td className="nhsuk-table__cell">
                    {confirming === term.id ? (
                      <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
                        <button
                          className="nhsuk-button nhsuk-button--warning nhsuk-button--small"
                          type="button"
                          id={`delete-${term.id}`}
                          onClick={() => void handleDelete(term)}
                        >
                          Yes, delete<span className="nhsuk-u-visually-hidden"> {term.code}</span>
                        </button>
                        <button
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          type="button"
                          onClick={() => setConfirming(null)}
                        >
                          Keep<span className="nhsuk-u-visually-hidden"> {term.code}</span>
                        </button>
                      </div>
                    ) : (
                      <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
                        <button
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          type="button"
                          onClick={() => {
                            setEditing(term.id);
                            setConfirming(null);
                            setProblems([]);
                          }}
                        >
                          Edit<span className="nhsuk-u-visually-hidden"> {term.code}</span>
                        </button>
                        <button
                          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                          type="button"
                          id={`delete-${term.id}`}
                          onClick={() => {
                            setConfirming(term.id);
                            setEditing(null);
                          }}
                        >
                          Delete<span className="nhsuk-u-visually-hidden"> {term.code}</span>
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}

      <h2 className="nhsuk-heading-m">Add a term</h2>
      <form onSubmit={(e) => void handleAdd(e)} noValidate className="nhsuk-u-margin-bottom-6">
        <TextInput
          id="term-code"
          label="Code"
          hint="Lower case letters, digits and underscores, with dots between levels, like advice.debt"
          autoComplete="off"
          spellCheck={false}
          inputClassName="nhsuk-input--width-20"
          error={problemFor('term-code')}
        />
        <TextInput
          id="term-name"
          label="Name"
          autoComplete="off"
          inputClassName="nhsuk-input--width-30"
          error={problemFor('term-name')}
        />
        <TextInput
          id="term-description"
          label="Description (optional)"
          autoComplete="off"
          error={problemFor('term-description')}
        />
        <div className={`nhsuk-form-group${problemFor('term-parent') ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor="term-parent">
            Parent term (optional)
          </label>
          {problemFor('term-parent') && (
            <span className="nhsuk-error-message" id="term-parent-error">
              <span className="nhsuk-u-visually-hidden">Error: </span>
              {problemFor('term-parent')}
            </span>
          )}
          <select
            className="nhsuk-select"
            id="term-parent"
            name="term-parent"
            defaultValue=""
            aria-describedby={problemFor('term-parent') ? 'term-parent-error' : undefined}
          >
            <option value="">None (a top-level term)</option>
            {(rows ?? []).map(({ term, depth }) => (
              <option key={term.id} value={term.code}>
                {`${'– '.repeat(depth)}${term.name} (${term.code})`}
              </option>
            ))}
          </select>
        </div>
        <button className="nhsuk-button" type="submit">
          Add term
        </button>
      </form>
    </>
  );
}
