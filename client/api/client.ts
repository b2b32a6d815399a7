/** The client's one door to the Signpost API: typed JSON fetches that turn problem+json answers into ApiError. */

/** One invalid field named by an API validation error. */
export interface ApiFieldProblem {
  /** Dotted path of the field, e.g. `lat` or `locations.0.postcode`. */
  field: string;
  /** Human-readable reason. */
  message: string;
}

/** Error thrown for any API answer that is not a 2xx, and for network failures (status 0). */
export class ApiError extends Error {
  /** HTTP status; 0 when no answer arrived (network down, server unreachable). */
  readonly status: number;
  /** Stable snake_case code from the API (`not_found`, `validation_failed`…), or `network_error` / `http_error`. */
  readonly code: string;
  /** Human-readable explanation that is safe to show. */
  readonly detail: string;
  /** Field problems of a validation error; empty otherwise. */
  readonly errors: ApiFieldProblem[];
  /** Server request id, to quote when reporting a problem; absent for network errors. */
  readonly requestId: string | undefined;
  /** For a 412 (`stale_version`): the resource as it is now, as the API sent it; undefined otherwise. */
  readonly current: unknown;
  /** For a 412: the current ETag to retry with (from the body or the ETag header); undefined otherwise. */
  readonly etag: string | undefined;

  constructor(args: {
    status: number;
    code: string;
    detail: string;
    errors?: ApiFieldProblem[];
    requestId?: string;
    current?: unknown;
    etag?: string;
  }) {
    super(args.detail);
    this.name = 'ApiError';
    this.status = args.status;
    this.code = args.code;
    this.detail = args.detail;
    this.errors = args.errors ?? [];
    this.requestId = args.requestId;
    this.current = args.current;
    this.etag = args.etag;
  }
}

/** Options of a JSON GET. */
export interface GetJsonOptions {
  /** Aborts the request (e.g. when the component unmounts); the AbortError is rethrown untouched. */
  signal?: AbortSignal;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldProblems(value: unknown): ApiFieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string'
      ? [{ field: item.field, message: item.message }]
      : [],
  );
}

/** Builds the ApiError for a non-2xx response, reading its problem details when the body has them. */
async function errorFrom(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: unknown;
  if (JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
    body = await response.json().catch(() => undefined);
  }
  if (isRecord(body)) {
    return new ApiError({
      status: response.status,
      code: typeof body.code === 'string' ? body.code : 'http_error',
      detail: typeof body.detail === 'string' ? body.detail : response.statusText || `HTTP ${response.status}`,
      errors: fieldProblems(body.errors),
      requestId: typeof body.requestId === 'string' ? body.requestId : requestId,
      current: body.current,
      etag: typeof body.etag === 'string' ? body.etag : (response.headers.get('etag') ?? undefined),
    });
  }
  return new ApiError({
    status: response.status,
    code: 'http_error',
    detail: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    requestId,
  });
}

/**
 * Fetches `path` and returns the response when it is a success; throws ApiError `network_error` when the server cannot
 * be reached, or the server's error (errorFrom) when it answers with a failure. An abort is rethrown untouched.
 */
async function fetchOk(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      detail: 'Could not reach Signpost. Check your connection and try again.',
    });
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** The JSON body of `response` as T; throws ApiError `invalid_response` when it cannot be read (an abort is rethrown). */
async function jsonOf<T>(response: Response, signal?: AbortSignal): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({
      status: response.status,
      code: 'invalid_response',
      detail: 'The server sent an answer Signpost could not read',
      requestId: response.headers.get('x-request-id') ?? undefined,
    });
  }
}

/** Fetches `path` (same origin, e.g. `/api/config`) and returns its JSON body as T; throws ApiError on failure. */
export async function getJson<T>(path: string, options: GetJsonOptions = {}): Promise<T> {
  const response = await fetchOk(path, {
    method: 'GET',
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
    signal: options.signal,
  });
  return jsonOf<T>(response, options.signal);
}

/** Options of sendJson. */
export interface SendJsonOptions {
  /** The session's CSRF token, sent as X-CSRF-Token (every state-changing request needs it). Default none. */
  csrfToken?: string | null;
  /** The ETag the change is based on, sent as If-Match (optimistic concurrency). Default none. */
  ifMatch?: string | null;
  /** Aborts the request; the AbortError is rethrown untouched. */
  signal?: AbortSignal;
}

/** A JSON answer with the ETag that came with it. */
export interface JsonWithEtag<T> {
  /** Parsed body; undefined for 204 No Content. */
  body: T;
  /** The ETag response header (e.g. `"7"`), or null when absent. */
  etag: string | null;
}

/**
 * Sends `body` as JSON with `method` to `path` (same origin) and returns the JSON answer and its ETag; throws ApiError
 * (with field problems, and for 412 the current state and ETag) on failure. GET with no body reads a resource's ETag.
 */
export async function sendJson<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: SendJsonOptions = {},
): Promise<JsonWithEtag<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.csrfToken) headers['X-CSRF-Token'] = options.csrfToken;
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  const response = await fetchOk(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
    signal: options.signal,
  });
  const etag = response.headers.get('etag');
  if (response.status === 204 || !JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
    return { body: undefined as T, etag };
  }
  return { body: await jsonOf<T>(response, options.signal), etag };
}
