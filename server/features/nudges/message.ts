/** The capacity nudge email: plain text and simple HTML, one signed one-tap link per action. Pure. */
import type { EmailMessage } from '../email';
import type { CapacityLinkAction } from '../directory';

/** One link in the email. */
export interface NudgeLink {
  /** What it does. */
  action: CapacityLinkAction;
  /** Button text. */
  label: string;
  /** Absolute URL of the confirm page (PUBLIC_BASE_URL/capacity-link?token=…). */
  url: string;
}

const escapeHtml = (v: string) =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Builds the nudge for one service. `currentLabel` is null when capacity was never set. */
export function nudgeMessage({
  to,
  serviceName,
  organizationName,
  currentLabel,
  links,
  expiresAt,
}: {
  to: string;
  serviceName: string;
  organizationName: string;
  currentLabel: string | null;
  links: NudgeLink[];
  expiresAt: Date;
}): EmailMessage {
  const current = currentLabel
    ? `Signpost shows "${serviceName}" as: ${currentLabel}. Link workers see this when they refer people.`
    : `"${serviceName}" has no capacity on Signpost yet. Link workers look for it when they refer people.`;
  const expiry = expiresAt.toUTCString();
  const text = [
    `Hello from Signpost,`,
    ``,
    current,
    `Is it still right? One tap updates it, no sign-in needed:`,
    ``,
    ...links.map((l) => `${l.label}:\n${l.url}\n`),
    `Each link asks you to confirm before it changes anything, works only for this service and expires on ${expiry}.`,
    `To give places, wait times or a note, sign in to Signpost.`,
    ``,
    `You get this because you are the contact for ${serviceName} (${organizationName}).`,
  ].join('\n');
  const html =
    `<p>Hello from Signpost,</p><p>${escapeHtml(current)}</p>` +
    `<p>Is it still right? One tap updates it, no sign-in needed:</p><ul>` +
    links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`).join('') +
    `</ul><p>Each link asks you to confirm before it changes anything, works only for this service and expires on ` +
    `${escapeHtml(expiry)}. To give places, wait times or a note, sign in to Signpost.</p>` +
    `<p>You get this because you are the contact for ${escapeHtml(serviceName)} (${escapeHtml(organizationName)}).</p>`;
  return {
    to,
    subject: `Is ${serviceName} still ${currentLabel ? 'up to date' : 'missing its capacity'}?`,
    text,
    html,
  };
}
