/** pino logger factory: JSON lines; the request id is attached per request by pino-http. */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the process logger at the given level. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'signpost' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log credentials or session cookies.
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
  });
}
