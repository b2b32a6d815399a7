/** The three journeys Signpost offers, one per audience: the single list behind the header menu and the home page cards. */

/** One journey: a top-level page for one audience. */
export interface Journey {
  /** Route path, e.g. `/find`. */
  path: string;
  /** Page and menu name. */
  title: string;
  /** Who it is for, shown as a caption. */
  audience: string;
  /** One sentence saying what the journey is for. */
  description: string;
}

/** The journeys, in menu order. */
export const JOURNEYS: readonly Journey[] = [
  {
    path: '/find',
    title: 'Find services',
    audience: 'For link workers',
    description:
      'Search community and voluntary services near the person you are supporting, and see who has space now.',
  },
  {
    path: '/my-organisation',
    title: 'My organisation',
    audience: 'For VCSE organisations',
    description:
      'Publish your services and keep their capacity up to date, so link workers refer people who can be seen.',
  },
  {
    path: '/need',
    title: 'Need and gaps',
    audience: 'For ICB commissioners',
    description:
      'Compare need with the services available in each primary care network (PCN) to see where the gaps are.',
  },
];

/** Route of the sign-in page. */
export const SIGN_IN_PATH = '/sign-in';

/** Where a person's work starts after signing in: Find (link workers), My organisation, Need and gaps for their ICB, Admin. */
export function landingPath(user: { role: string; icbCode: string | null }): string {
  switch (user.role) {
    case 'link_worker':
      return '/find';
    case 'icb_commissioner':
      return user.icbCode ? `/need?icb=${encodeURIComponent(user.icbCode)}` : '/need';
    case 'admin':
      return '/admin';
    default:
      return '/my-organisation';
  }
}

/** The postcode district of a full postcode (outward code), e.g. "M32 0JT" → "M32". */
export const districtOf = (postcode: string | null | undefined) =>
  postcode?.trim().split(/\s+/)[0]?.toUpperCase() || null;
