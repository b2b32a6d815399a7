/** The "it has reopened" email to a link worker who asked to be told. Pure. */
import type { EmailMessage } from '../email';

const escapeHtml = (v: string) =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS_WORDS: Record<string, string> = {
  accepting: 'is accepting referrals again',
  limited: 'is accepting referrals again (limited places)',
};

/** Builds the email for one subscriber. */
export function reopenMessage({
  to,
  serviceName,
  organizationName,
  capacityStatus,
  url,
}: {
  to: string;
  serviceName: string;
  organizationName: string;
  capacityStatus: string | null;
  url: string;
}): EmailMessage {
  const words = STATUS_WORDS[capacityStatus ?? ''] ?? 'is accepting referrals again';
  const headline = `${serviceName} (${organizationName}) ${words}.`;
  const text = [
    'Hello from Signpost,',
    '',
    headline,
    '',
    `See its current capacity and how to refer:\n${url}`,
    '',
    'You asked to be told when it reopened. This is the only email about it; ask again on the service page if it closes.',
  ].join('\n');
  const html =
    `<p>Hello from Signpost,</p><p>${escapeHtml(headline)}</p>` +
    `<p><a href="${escapeHtml(url)}">See its current capacity and how to refer</a></p>` +
    `<p>You asked to be told when it reopened. This is the only email about it; ask again on the service page if it closes.</p>`;
  return { to, subject: `${serviceName} is taking referrals again`, text, html };
}
