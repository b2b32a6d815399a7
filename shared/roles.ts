/** Roles of signed-in people and what each is for. Pure. */

/** Every role, least to most privileged in no particular order. */
export const ROLES = ['vcse_editor', 'link_worker', 'icb_commissioner', 'admin'] as const;

/** A role: vcse_editor (member of organisations), link_worker (belongs to a PCN), icb_commissioner (belongs to an ICB), admin. */
export type Role = (typeof ROLES)[number];

/** Human names of the roles. */
export const ROLE_LABELS: Record<Role, string> = {
  vcse_editor: 'VCSE organisation editor',
  link_worker: 'Social prescribing link worker',
  icb_commissioner: 'ICB commissioner',
  admin: 'Administrator',
};
