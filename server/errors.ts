/** The one error vocabulary: AppError with an HTTP status, a stable snake_case code and whether its message is public. */

/** A problem detail naming one invalid field and why. */
export interface FieldProblem {
  /** Dotted path of the field, e.g. `lat` or `locations.0.postcode`. */
  field: string;
  /** Human-readable reason. */
  message: string;
}

/** Base error every domain and route throws; the error handler turns it into application/problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { isPublic?: boolean; errors?: FieldProblem[]; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  /** Whether the message may be shown to the client (true for 4xx by default). */
  get isPublic(): boolean {
    return this.options.isPublic ?? this.status < 500;
  }
}

/** 400: input failed validation; `errors` names each field. */
export const validationError = (errors: FieldProblem[], message?: string) =>
  new AppError(400, 'validation_failed', message ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    errors,
  });

/** 400 for a single field. */
export const badField = (field: string, message: string) => validationError([{ field, message }]);

/** 404: nothing with that identifier. */
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found`);

/** 401: not signed in. */
export const unauthenticated = () => new AppError(401, 'unauthenticated', 'You need to sign in to do that');

/** 403: signed in but not allowed. */
export const forbidden = (message = 'You are not allowed to do that') => new AppError(403, 'forbidden', message);

/** 409: conflicts with existing state. */
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);

/** 503: a dependency (usually the database) is not ready. */
export const unavailable = (message: string) => new AppError(503, 'unavailable', message, { isPublic: true });
