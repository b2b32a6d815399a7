/** The mail transport: nodemailer over SMTP when SMTP_URL is set, otherwise a transport that only records (development, tests). */
import nodemailer from 'nodemailer';
import type { Config } from '../../config';

/** One message to send. */
export interface EmailMessage {
  /** Recipient address. */
  to: string;
  /** Subject line. */
  subject: string;
  /** Plain-text body (always sent). */
  text: string;
  /** Optional HTML body. */
  html?: string;
}

/** Sends email; `sendEmail` wraps it to record every attempt. */
export interface Mailer {
  /** smtp (really sends) or record-only (nothing leaves the process). */
  readonly kind: 'smtp' | 'record-only';
  /** Sends one message; rejects when the transport refuses it. */
  send(message: EmailMessage): Promise<void>;
  /** Closes pooled connections. */
  close(): void;
}

/** Builds the mailer from configuration: SMTP_URL → SMTP transport; unset → a JSON transport that sends nothing. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'emailFrom'>): Mailer {
  const transport = config.smtpUrl
    ? nodemailer.createTransport(config.smtpUrl)
    : nodemailer.createTransport({ jsonTransport: true });
  return {
    kind: config.smtpUrl ? 'smtp' : 'record-only',
    async send(message) {
      await transport.sendMail({ from: config.emailFrom, ...message });
    },
    close() {
      transport.close();
    },
  };
}
