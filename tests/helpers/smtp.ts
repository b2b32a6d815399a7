/** A real local SMTP server (smtp-server on a free port) that captures messages, for asserting on emails the app really sent. */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One message as received over SMTP. */
export interface CapturedMail {
  /** Envelope recipients. */
  to: string[];
  /** Subject header (unfolded). */
  subject: string;
  /** Decoded text body (the text/plain part of a multipart message). */
  text: string;
  /** Decoded text/html part of a multipart message, if any. */
  html?: string;
  /** The raw RFC 5322 message. */
  raw: string;
}

/** A running capture server. */
export interface SmtpCapture {
  /** smtp://127.0.0.1:PORT, for SMTP_URL. */
  url: string;
  /** Messages received so far, oldest first. */
  messages: CapturedMail[];
  /** Resolves with the first message (already received or arriving) matching, or rejects after timeoutMs (default 5000). */
  waitFor(match: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Stops the server. */
  close(): Promise<void>;
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Splits one entity into a header lookup and its decoded body. */
function entity(raw: string): { header: (name: string) => string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const decoded =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { header, body: decoded };
}

/** Parses what nodemailer produces: single-part text, or multipart/alternative text + HTML. */
function parse(raw: string, to: string[]): CapturedMail {
  const { header, body } = entity(raw);
  const boundary = /^multipart\/[a-z]+;.*boundary="?([^";]+)"?/i.exec(header('Content-Type'))?.[1];
  if (!boundary) return { to, subject: header('Subject'), text: body, raw };
  const parts = raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => entity(p.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  const part = (type: string) => parts.find((p) => p.header('Content-Type').toLowerCase().startsWith(type))?.body;
  return { to, subject: header('Subject'), text: part('text/plain') ?? '', html: part('text/html'), raw };
}

/** Starts an SMTP server on 127.0.0.1 with a free port, no TLS and no authentication. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters: { match: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parse(
          Buffer.concat(chunks).toString('utf8'),
          session.envelope.rcptTo.map((r) => r.address),
        );
        messages.push(mail);
        for (const w of [...waiters]) {
          if (w.match(mail)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(match, timeoutMs = 5000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching email arrived in time')), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token in an emailed Signpost link (…#token=X). */
export function tokenFromEmail(mail: CapturedMail): string {
  const match = /#token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no token link in the email:\n${mail.text}`);
  return match[1]!;
}
