/**
 * Capacity nudges: once a day, email each due service's contact one-tap links (Accepting / Waiting list / Full /
 * Still accurate) before its capacity goes stale. Every send is claimed first (capacity_nudged_at), so two processes
 * never nudge the same service twice within NUDGE_INTERVAL_DAYS, and given back when the email fails.
 */
import type { Config } from '../../config';
import type { Db } from '../../db';
import type { Logger } from '../../logger';
import { CAPACITY_STATUS_INFO, type CapacityStatus } from '../../../shared/capacity';
import {
  CAPACITY_LINK_LABELS,
  CAPACITY_LINK_TTL_SECONDS,
  signCapacityLink,
  type CapacityLinkAction,
} from '../directory';
import { sendEmail, type Mailer } from '../email';
import { nudgeMessage } from './message';
import * as repo from './repository';

/** A service is nudged at most once in this many days. */
export const NUDGE_INTERVAL_DAYS = 6;

/** How often the server process runs the nudges when NUDGES=on: once a day. */
export const NUDGE_RUN_EVERY_MS = 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Link actions in the order the email lists them. */
const ACTIONS: CapacityLinkAction[] = ['accepting', 'waitlist', 'not_accepting', 'confirm'];

/** What one run did. */
export interface NudgeRunResult {
  /** Services due a nudge (stale soon or never set, not nudged recently). */
  due: number;
  /** Emails handed to the mail server. */
  sent: number;
  /** Emails the mail server refused (recorded as failed; retried next run). */
  failed: number;
  /** Due services with no contact email anywhere (service, contacts, organisation). */
  skippedNoEmail: number;
  /** Ids of the services nudged. */
  sentServiceIds: string[];
}

/**
 * Emails every due service's contact: active services whose capacity was confirmed more than
 * CAPACITY_STALE_DAYS − NUDGE_LEAD_DAYS days before `now` (or never set) and not nudged in the last 6 days.
 */
export async function sendCapacityNudges({
  db,
  mailer,
  now = new Date(),
  config,
}: {
  db: Db;
  mailer: Mailer;
  /** The clock. Default new Date(). */
  now?: Date;
  config: Pick<Config, 'capacityStaleDays' | 'nudgeLeadDays' | 'sessionSecret' | 'publicBaseUrl'>;
}): Promise<NudgeRunResult> {
  const dueAfterDays = Math.max(0, config.capacityStaleDays - config.nudgeLeadDays);
  const confirmedBefore = new Date(now.getTime() - dueAfterDays * DAY_MS);
  const nudgedBefore = new Date(now.getTime() - NUDGE_INTERVAL_DAYS * DAY_MS);
  const due = await repo.listServicesDueNudge(db, { confirmedBefore, nudgedBefore });
  const result: NudgeRunResult = { due: due.length, sent: 0, failed: 0, skippedNoEmail: 0, sentServiceIds: [] };
  for (const s of due) {
    if (!s.contactEmail) {
      result.skippedNoEmail += 1;
      continue;
    }
    if (!(await repo.claimNudge(db, s.id, now, nudgedBefore))) continue;
    // "Still accurate" needs something to confirm: services never set get the three status links only.
    const actions = s.capacityStatus ? ACTIONS : ACTIONS.filter((a) => a !== 'confirm');
    const links = actions.map((action) => ({
      action,
      label: CAPACITY_LINK_LABELS[action],
      url: `${config.publicBaseUrl}/capacity-link?token=${signCapacityLink({
        secret: config.sessionSecret,
        serviceId: s.id,
        action,
        now: now.getTime(),
      })}`,
    }));
    const message = nudgeMessage({
      to: s.contactEmail,
      serviceName: s.name,
      organizationName: s.organizationName,
      currentLabel: s.capacityStatus ? CAPACITY_STATUS_INFO[s.capacityStatus as CapacityStatus].label : null,
      links,
      expiresAt: new Date(now.getTime() + CAPACITY_LINK_TTL_SECONDS * 1000),
    });
    const sent = await sendEmail({ db, mailer, message });
    if (sent.status === 'sent') {
      result.sent += 1;
      result.sentServiceIds.push(s.id);
    } else {
      result.failed += 1;
      await repo.releaseNudge(db, s.id, now, s.capacityNudgedAt);
    }
  }
  return result;
}

/**
 * Runs the nudges once a day in the server process (NUDGES=on): first after `firstRunMs` (default one minute, so
 * start-up is not slowed), then every NUDGE_RUN_EVERY_MS. Timers are unref'd; returns a stop function.
 */
export function scheduleCapacityNudges({
  db,
  mailer,
  config,
  logger,
  firstRunMs = 60_000,
}: {
  db: Db;
  mailer: Mailer;
  config: Pick<Config, 'capacityStaleDays' | 'nudgeLeadDays' | 'sessionSecret' | 'publicBaseUrl'>;
  logger: Logger;
  /** Delay before the first run, ms. Default 60 000. */
  firstRunMs?: number;
}): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    sendCapacityNudges({ db, mailer, config })
      .then((r) => logger.info({ nudges: r }, `capacity nudges: ${r.sent} sent, ${r.failed} failed`))
      .catch((err: unknown) => logger.error({ err }, 'capacity nudges failed; next try in a day'))
      .finally(() => (running = false));
  };
  const first = setTimeout(run, firstRunMs);
  const every = setInterval(run, NUDGE_RUN_EVERY_MS);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
