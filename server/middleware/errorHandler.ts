/** The one error handler: answers application/problem+json (RFC 9457) with a stable `code`; unknown errors become a 500 with no internals. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors';
import { isDatabaseUnavailable } from '../db';

/** Seconds a client is asked to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
}

/** Converts errors thrown by express' body parsers into AppErrors (size, JSON syntax, encoding). */
function fromParserError(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', `The request body is larger than the limit of ${err.limit} bytes`);
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The request body uses an unsupported encoding');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'The request was aborted');
    default:
      // Other client errors raised by Express itself (e.g. a path that is not valid percent-encoding).
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return new AppError(err.status, 'bad_request', (err as { message?: string }).message ?? 'Bad request');
      }
      return undefined;
  }
}

/** 404 for any route nothing else answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

/** Final error handler. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError =
    err instanceof AppError
      ? err
      : isDatabaseUnavailable(err)
        ? new AppError(503, 'database_unavailable', 'The database is unavailable right now: please try again shortly', {
            isPublic: true,
            extra: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
          })
        : (fromParserError(err as BodyParserError) ?? undefined);
  const status = appError?.status ?? 500;
  if (appError?.code === 'database_unavailable') req.log?.warn({ err }, 'database unavailable: answered 503');
  else if (status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ code: appError?.code, status }, 'request refused');
  if (res.headersSent) {
    res.end();
    return;
  }
  const body: Record<string, unknown> = {
    type: `about:blank`,
    title: appError?.isPublic ? titleFor(status) : 'Internal Server Error',
    status,
    code: appError?.code ?? 'internal_error',
    detail: appError?.isPublic ? appError.message : 'Something went wrong on our side. It has been logged.',
    instance: req.originalUrl,
    requestId: req.id,
  };
  if (appError?.isPublic && appError.options.errors) body.errors = appError.options.errors;
  if (appError?.isPublic && appError.options.extra) Object.assign(body, appError.options.extra);
  if (status === 503 || status === 429) {
    const retryAfter = appError?.options.extra?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(retryAfter));
  }
  res.status(status).type('application/problem+json').json(body);
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
