/** Rules of outgoing email: every send is recorded (sent or failed); the dev outbox lists them. */
import type { Db } from '../../db';
import type { Actor } from '../accounts';
import { forbidden, unauthenticated } from '../../errors';
import type { EmailMessage, Mailer } from './mailer';
import * as repo from './repository';

/** Outcome of one send. */
export interface SendResult {
  /** Row id in outbound_emails. */
  id: number;
  /** sent or failed. */
  status: 'sent' | 'failed';
}

/** Sends a message through the mailer and records the attempt; never throws for a transport failure (the caller decides). */
export async function sendEmail({
  db,
  mailer,
  message,
}: {
  db: Db;
  mailer: Mailer;
  message: EmailMessage;
}): Promise<SendResult> {
  let error: string | null = null;
  try {
    await mailer.send(message);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const row = await repo.insertOutboundEmail(db, {
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html ?? null,
    status: error ? 'failed' : 'sent',
    error,
  });
  return { id: row.id, status: error ? 'failed' : 'sent' };
}

/** Most emails the outbox lists. */
export const OUTBOX_LIMIT = 50;

/**
 * Lists recent email for the dev outbox: admins only, always, because the bodies hold live password-reset and invite
 * links. Never in production (the router is not mounted there, and only with DEV_OUTBOX=on elsewhere).
 */
export async function listOutbox({
  db,
  actor,
  nodeEnv,
}: {
  db: Db;
  actor: Actor | undefined;
  nodeEnv: 'development' | 'production' | 'test';
}) {
  if (nodeEnv === 'production') throw forbidden('The outbox is not available in production');
  if (!actor) throw unauthenticated();
  if (actor.role !== 'admin') throw forbidden('This needs one of these roles: admin');
  const rows = await repo.listRecentEmails(db, OUTBOX_LIMIT);
  return {
    emails: rows.map((r) => ({
      id: r.id,
      to: r.to,
      subject: r.subject,
      text: r.text,
      html: r.html,
      status: r.status,
      error: r.error,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
