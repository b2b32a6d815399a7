/**
 * The demo: one coherent, deterministic Trafford / Greater Manchester world for trying Signpost. The directory is the
 * curated bundled VCSE files (directory.ts); accounts, capacity and its history, referrals, "nothing suitable"
 * records, funding, concerns and gap flags are generated from a seed (same seed and day → same data), with dates
 * relative to `now`. Demo records are marked (organisations: source 'demo'; accounts: users.demo) so clearDemo
 * removes exactly them, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import { hashPassword } from '../accounts';
import type { Role } from '../../../shared/roles';
import type { CapacityStatus } from '../../../shared/capacity';
import { curateDemoDirectory, DEFAULT_VCSE_DIR, type CurationReport, type DemoEntry } from './directory';
import { TRAFFORD_DISTRICT_PCN } from './names';

/** Password of every demo account unless DEMO_PASSWORD is set. */
export const DEFAULT_DEMO_PASSWORD = 'signpost-demo-2026';

/** The default seed. */
export const DEFAULT_DEMO_SEED = 20261;

/** Source of demo organisations (organizations.source). */
export const DEMO_SOURCE = 'demo';

/** NHS Greater Manchester ICB (ODS code), the demo commissioner's ICB. */
export const DEMO_ICB = { code: 'QOP', name: 'NHS Greater Manchester Integrated Care Board' } as const;

/** Trafford's PCNs (NHS ODS codes, Dec 2025); the demo link worker is in North Trafford. */
export const TRAFFORD_PCNS = {
  U66368: 'North Trafford PCN',
  U79881: 'Trafford West PCN',
  U83990: 'Sale Central PCN',
  U95344: 'Altrincham Healthcare Alliance PCN',
  U42898: 'South Trafford PCN',
} as const;

/** The organisation the demo editor manages (a real Trafford organisation of the mental health file). */
export const DEMO_EDITOR_ORGANIZATION = 'Trafford Carers Centre';

/** A demo account. */
export interface DemoAccount {
  email: string;
  role: Role;
  name: string;
  pcnCode?: string;
  icbCode?: string;
  /** Offered for one-click sign-in on the sign-in page (one per role). */
  oneClick: boolean;
}

/** The demo accounts: one per role offered for one-click sign-in, and link workers of two more Trafford PCNs. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'admin@signpost.example', role: 'admin', name: 'Demo Admin', oneClick: true },
  {
    email: 'editor@signpost.example',
    role: 'vcse_editor',
    name: 'Demo Editor (Trafford Carers Centre)',
    oneClick: true,
  },
  {
    email: 'linkworker@signpost.example',
    role: 'link_worker',
    name: 'Demo Link Worker (North Trafford PCN)',
    pcnCode: 'U66368',
    oneClick: true,
  },
  {
    email: 'commissioner@signpost.example',
    role: 'icb_commissioner',
    name: 'Demo Commissioner (NHS Greater Manchester ICB)',
    icbCode: DEMO_ICB.code,
    oneClick: true,
  },
  {
    email: 'linkworker.west@signpost.example',
    role: 'link_worker',
    name: 'Demo Link Worker (Trafford West PCN)',
    pcnCode: 'U79881',
    oneClick: false,
  },
  {
    email: 'linkworker.south@signpost.example',
    role: 'link_worker',
    name: 'Demo Link Worker (South Trafford PCN)',
    pcnCode: 'U42898',
    oneClick: false,
  },
];

/** What seedDemo made. */
export interface DemoSummary {
  accounts: { email: string; role: Role; pcnCode: string | null; icbCode: string | null }[];
  organizations: number;
  services: number;
  capacityByStatus: Record<string, number>;
  capacityHistory: number;
  referrals: number;
  unmetNeeds: number;
  concerns: number;
  gapFlags: number;
  funding: number;
  curation: CurationReport;
}

/** mulberry32: a small deterministic PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** Whether the database holds any demo record or account. */
export async function demoPresent(db: Db): Promise<boolean> {
  const [row] = await query<{ present: boolean }>(
    db,
    sql`select exists (select 1 from users where demo) or exists (select 1 from organizations where source = ${DEMO_SOURCE}) as present`,
  );
  return row?.present ?? false;
}

/** Whether a demo was ever loaded into this database (even if cleared since). */
export async function demoEverLoaded(db: Db): Promise<boolean> {
  const [row] = await query<{ n: number }>(db, sql`select count(*)::int as n from demo_runs`);
  return (row?.n ?? 0) > 0;
}

/** Whether the database has nothing a person or the demo put there: no organisations and no accounts. */
export async function databaseIsEmpty(db: Db): Promise<boolean> {
  const [row] = await query<{ empty: boolean }>(
    db,
    sql`select not exists (select 1 from organizations) and not exists (select 1 from users) as empty`,
  );
  return row?.empty ?? false;
}

/**
 * Removes every demo record and account in one transaction: demo organisations (and with them their services,
 * places, capacity history, referrals to them, concerns, memberships), what demo accounts recorded elsewhere
 * (referrals, "nothing suitable" records, gap flags, dismissed suggestions) and the demo accounts themselves.
 * Reference data and anything a person added stay. Returns how many organisations and accounts went.
 */
export async function clearDemo(db: Db): Promise<{ organizations: number; accounts: number }> {
  return db.transaction(async (tx) => {
    const demoUsers = sql`(select id from users where demo)`;
    await tx.execute(sql`delete from unmet_needs where recorded_by in ${demoUsers}`);
    await tx.execute(sql`delete from referrals where recorded_by in ${demoUsers}`);
    await tx.execute(sql`delete from gap_flags where created_by in ${demoUsers}`);
    await tx.execute(sql`delete from gap_suggestion_dismissals where dismissed_by in ${demoUsers}`);
    const orgs = await tx
      .delete(schema.organizations)
      .where(sql`${schema.organizations.source} = ${DEMO_SOURCE}`)
      .returning({ id: schema.organizations.id });
    const users = await tx
      .delete(schema.users)
      .where(sql`${schema.users.demo}`)
      .returning({ id: schema.users.id });
    await tx.execute(sql`update demo_runs set cleared_at = now() where cleared_at is null`);
    return { organizations: orgs.length, accounts: users.length };
  });
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** Weighted choice: `weights` pairs of [item, weight]. */
function weighted<T>(rand: () => number, weights: readonly (readonly [T, number])[]): T {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [item, w] of weights) {
    r -= w;
    if (r < 0) return item;
  }
  return weights[weights.length - 1]![0];
}

/** Weekday at or before `t` (referrals and "nothing suitable" happen on working days). */
function workingDay(t: number): number {
  const d = new Date(t).getUTCDay();
  return d === 0 ? t - 2 * DAY : d === 6 ? t - DAY : t;
}

interface CapacityState {
  status: CapacityStatus;
  places: number | null;
  waitDays: number | null;
  band: string | null;
  note: string | null;
}

const WAIT_DAYS = [14, 21, 28, 42, 56, 84] as const;

function capacityFor(rand: () => number, status: CapacityStatus): CapacityState {
  switch (status) {
    case 'accepting':
      return { status, places: 4 + Math.floor(rand() * 20), waitDays: null, band: 'none', note: null };
    case 'limited':
      return {
        status,
        places: 1 + Math.floor(rand() * 3),
        waitDays: null,
        band: 'none',
        note: 'A few places left this month.',
      };
    case 'waitlist': {
      const waitDays = pick(rand, WAIT_DAYS);
      return {
        status,
        places: null,
        waitDays,
        band: waitDays <= 21 ? '1-10' : waitDays <= 56 ? '11-50' : '51+',
        note: `Typical wait about ${Math.round(waitDays / 7)} weeks.`,
      };
    }
    case 'not_accepting':
      return {
        status,
        places: 0,
        waitDays: null,
        band: null,
        note: 'Not taking new referrals until the new funding year.',
      };
  }
}

/**
 * Creates the demo (replacing any earlier demo first, in the same transaction). Needs the taxonomy (migrations);
 * uses the reference data's Trafford PCNs for gap flags when they are loaded and skips the flags otherwise.
 */
export async function seedDemo({
  db,
  password,
  seed = DEFAULT_DEMO_SEED,
  now = new Date(),
  vcseDir = DEFAULT_VCSE_DIR,
  log,
}: {
  db: Db;
  password: string;
  seed?: number;
  /** "Today" for relative dates. Default the current time. */
  now?: Date;
  vcseDir?: string;
  log?: (line: string) => void;
}): Promise<DemoSummary> {
  const rand = seededRandom(seed);
  const today = now.getTime();
  const { entries, report } = curateDemoDirectory(vcseDir);
  log?.(
    `demo directory: ${report.kept} services kept; left out ${report.outsideGreaterManchester} outside Greater Manchester, ` +
      `${Object.values(report.notAService).reduce((a, b) => a + b, 0)} not services to people, ${report.duplicates} duplicates`,
  );
  const passwordHash = await hashPassword(password);

  return db.transaction(async (tx) => {
    // A bulk load: the search table is rebuilt once at the end instead of by a trigger per row (migration 0007).
    await tx.execute(sql`select set_config('signpost.search_defer', 'on', true)`);
    // Replace, never duplicate: an earlier demo goes first (a person's records stay).
    await clearDemo(tx as unknown as Db);
    const terms = await tx
      .select({ id: schema.taxonomyTerms.id, code: schema.taxonomyTerms.code })
      .from(schema.taxonomyTerms);
    const termId = new Map(terms.map((t) => [t.code, t.id]));
    const knownPcns = new Set(
      (
        await tx
          .select({ code: schema.pcns.code })
          .from(schema.pcns)
          .where(inArray(schema.pcns.code, Object.keys(TRAFFORD_PCNS)))
      ).map((p) => p.code),
    );

    // Accounts.
    const userIds = new Map<string, string>();
    for (const a of DEMO_ACCOUNTS) {
      const id = randomUUID();
      userIds.set(a.email, id);
      await tx.insert(schema.users).values({
        id,
        email: a.email,
        name: a.name,
        role: a.role,
        pcnCode: a.pcnCode ?? null,
        icbCode: a.icbCode ?? null,
        passwordHash,
        passwordChangedAt: now,
        status: 'active',
        demo: true,
      });
    }
    const linkWorkers = DEMO_ACCOUNTS.filter((a) => a.role === 'link_worker').map((a) => ({
      id: userIds.get(a.email)!,
      pcn: a.pcnCode!,
    }));
    const commissionerId = userIds.get('commissioner@signpost.example')!;
    const editorId = userIds.get('editor@signpost.example')!;

    // Directory.
    interface Made {
      entry: DemoEntry;
      orgId: string;
      serviceId: string;
      capacity: CapacityState | null;
      version: number;
    }
    const made: Made[] = [];
    const capacityByStatus: Record<string, number> = {};
    const history: (typeof schema.capacityHistory.$inferInsert)[] = [];
    const orgRows: (typeof schema.organizations.$inferInsert)[] = [];
    const serviceRows: (typeof schema.services.$inferInsert)[] = [];
    const locationRows: (typeof schema.locations.$inferInsert)[] = [];
    const salRows: (typeof schema.serviceAtLocations.$inferInsert)[] = [];
    const taxonomyRows: (typeof schema.serviceTaxonomy.$inferInsert)[] = [];
    const fundingRows: (typeof schema.funding.$inferInsert)[] = [];

    for (const entry of entries) {
      const orgId = randomUUID();
      const serviceId = randomUUID();
      const locationId = randomUUID();
      const isEditors = entry.name === DEMO_EDITOR_ORGANIZATION;
      // Capacity: mostly set, every status present; a quarter not re-confirmed within the stale window.
      const r = rand();
      const status: CapacityStatus | null = isEditors
        ? 'waitlist'
        : r < 0.04
          ? null
          : weighted<CapacityStatus>(rand, [
              ['accepting', 42],
              ['limited', 20],
              ['waitlist', 24],
              ['not_accepting', 14],
            ]);
      const capacity = status ? capacityFor(rand, status) : null;
      const stale = rand() < 0.25;
      const confirmedAgo = stale ? 16 + Math.floor(rand() * 45) : Math.floor(rand() * 12);
      const confirmedAt = new Date(workingDay(today - confirmedAgo * DAY));
      let version = 1;
      let setAt: Date | null = null;
      if (capacity) {
        // 8–12 weeks of history: an earlier state, then changes and weekly-ish confirmations up to now.
        const start = today - (56 + Math.floor(rand() * 28)) * DAY;
        let t = start;
        let current =
          rand() < 0.5
            ? capacity
            : capacityFor(
                rand,
                weighted(rand, [
                  ['accepting', 3],
                  ['limited', 2],
                  ['waitlist', 2],
                ] as const),
              );
        const end = confirmedAt.getTime();
        while (t < end) {
          const changes = current !== capacity && (rand() < 0.35 || t + 14 * DAY >= end);
          if (changes) current = capacity;
          history.push({
            serviceId,
            kind: changes || t === start ? 'set' : 'confirm',
            status: current.status,
            places: current.places,
            waitDays: current.waitDays,
            waitlistBand: current.band,
            note: current.note,
            via: rand() < 0.3 ? 'email_link' : 'editor',
            version: version++,
            recordedAt: new Date(workingDay(t)),
          });
          if (changes || t === start) setAt = new Date(workingDay(t));
          t += (7 + Math.floor(rand() * 8)) * DAY;
        }
        if (current !== capacity) {
          history.push({
            serviceId,
            kind: 'set',
            status: capacity.status,
            places: capacity.places,
            waitDays: capacity.waitDays,
            waitlistBand: capacity.band,
            note: capacity.note,
            via: 'editor',
            version: version++,
            recordedAt: confirmedAt,
          });
          setAt = confirmedAt;
        } else {
          history.push({
            serviceId,
            kind: 'confirm',
            status: capacity.status,
            places: capacity.places,
            waitDays: capacity.waitDays,
            waitlistBand: capacity.band,
            note: capacity.note,
            via: 'email_link',
            version: version++,
            recordedAt: confirmedAt,
          });
        }
        capacityByStatus[capacity.status] = (capacityByStatus[capacity.status] ?? 0) + 1;
      } else {
        capacityByStatus.unset = (capacityByStatus.unset ?? 0) + 1;
      }
      const created = new Date(today - (120 + Math.floor(rand() * 200)) * DAY);
      orgRows.push({
        id: orgId,
        name: entry.name,
        description: entry.description,
        email: entry.email,
        website: entry.website,
        phone: entry.phone,
        legalStatus: entry.legalStatus,
        charityNumber: entry.charityNumber,
        status: 'approved',
        source: DEMO_SOURCE,
        sourceRef: entry.key,
        createdAt: created,
        updatedAt: created,
      });
      serviceRows.push({
        id: serviceId,
        organizationId: orgId,
        name: entry.serviceName,
        description: entry.description,
        url: entry.website,
        email: entry.email,
        status: 'active',
        referralMethod: entry.referralMethod,
        isFree: entry.file === 'sports-clubs' ? false : entry.file === 'charities' ? null : true,
        deliveryModes: ['in_person'],
        capacityStatus: capacity?.status ?? null,
        capacityPlaces: capacity?.places ?? null,
        capacityWaitDays: capacity?.waitDays ?? null,
        capacityWaitlistBand: capacity?.band ?? null,
        capacityNote: capacity?.note ?? null,
        capacitySetBy: capacity && isEditors ? editorId : null,
        capacitySetAt: capacity ? setAt : null,
        capacityConfirmedAt: capacity ? confirmedAt : null,
        version,
        createdAt: created,
        updatedAt: capacity ? confirmedAt : created,
      });
      locationRows.push({
        id: locationId,
        organizationId: orgId,
        name: entry.name,
        address1: entry.address,
        city: entry.city,
        postcode: entry.postcode,
        geom: sql`ST_SetSRID(ST_MakePoint(${entry.lng}, ${entry.lat}), 4326)` as unknown as string,
      });
      salRows.push({ serviceId, locationId });
      for (const code of new Set(entry.categories)) {
        const id = termId.get(code);
        if (id) taxonomyRows.push({ serviceId, taxonomyTermId: id });
      }
      // Funding: about one in seven with an end date, many within 90 days (provision at risk).
      if (rand() < 0.14 || isEditors) {
        const endsIn = isEditors ? 45 : -10 + Math.floor(rand() * 200);
        fundingRows.push({
          serviceId,
          source: pick(rand, [
            'Trafford Council Social Prescribing Fund',
            'NHS Greater Manchester ICB',
            'The National Lottery Community Fund',
            'Greater Manchester Combined Authority',
          ]),
          endsOn: new Date(today + endsIn * DAY).toISOString().slice(0, 10),
        });
      }
      made.push({ entry, orgId, serviceId, capacity, version });
    }

    const batch = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += 250) await insert(rows.slice(i, i + 250));
    };
    await batch(orgRows, (c) => tx.insert(schema.organizations).values(c));
    await batch(serviceRows, (c) => tx.insert(schema.services).values(c));
    await batch(locationRows, (c) => tx.insert(schema.locations).values(c));
    await batch(salRows, (c) => tx.insert(schema.serviceAtLocations).values(c));
    await batch(taxonomyRows, (c) => tx.insert(schema.serviceTaxonomy).values(c));
    await batch(history, (c) => tx.insert(schema.capacityHistory).values(c));
    await batch(fundingRows, (c) => tx.insert(schema.funding).values(c));

    const editorOrg = made.find((m) => m.entry.name === DEMO_EDITOR_ORGANIZATION) ?? made[0]!;
    await tx.insert(schema.memberships).values({ userId: editorId, organizationId: editorOrg.orgId });

    // Referrals over 90 days, rising gently; mostly to Trafford services, from the PCN serving the service's district.
    const trafford = made.filter((m) => TRAFFORD_DISTRICT_PCN[m.entry.district] && m.entry.file !== 'sports-clubs');
    const popular = trafford.filter((m) => m.capacity && m.entry.categories.some((c) => c !== 'physical_activity'));
    // A handful under high demand (more recent referrals than places, or full with several referrals).
    const hot = popular.filter((m) => m.capacity!.status !== 'accepting').slice(0, 12);
    hot.push(...popular.filter((m) => m.capacity!.status === 'accepting' && (m.capacity!.places ?? 0) < 8).slice(0, 4));
    const referralRows: (typeof schema.referrals.$inferInsert)[] = [];
    const lwFor = (pcn: string) => linkWorkers.find((l) => l.pcn === pcn) ?? linkWorkers[0]!;
    const categoriesOf = (m: Made) => [...new Set(m.entry.categories)];
    for (let day = 89; day >= 0; day--) {
      const t = today - day * DAY;
      const dow = new Date(t).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      const perDay = Math.round(6 + (90 - day) / 15 + rand() * 4);
      for (let i = 0; i < perDay; i++) {
        const m = rand() < 0.25 && hot.length ? pick(rand, hot) : pick(rand, popular.length ? popular : made);
        const pcn = TRAFFORD_DISTRICT_PCN[m.entry.district] ?? 'U66368';
        referralRows.push({
          serviceId: m.serviceId,
          pcnCode: pcn,
          categoryCodes: categoriesOf(m),
          recordedBy: lwFor(pcn).id,
          recordedAt: new Date(t - Math.floor(rand() * 8 * 3_600_000)),
        });
      }
    }
    // Each high-demand service gets enough recent referrals to show it, whatever the draw above gave.
    for (const m of hot) {
      const places = m.capacity!.places ?? 0;
      const need = Math.max(places + 2, 4);
      for (let i = 0; i < need; i++) {
        const pcn = TRAFFORD_DISTRICT_PCN[m.entry.district] ?? 'U66368';
        referralRows.push({
          serviceId: m.serviceId,
          pcnCode: pcn,
          categoryCodes: categoriesOf(m),
          recordedBy: lwFor(pcn).id,
          recordedAt: new Date(workingDay(today - (1 + ((i * 3) % 20)) * DAY)),
        });
      }
    }
    await batch(referralRows, (c) => tx.insert(schema.referrals).values(c));

    // "Nothing suitable" over 90 days: mostly mental wellbeing, befriending and carers in Partington and Old Trafford.
    const unmetRows: (typeof schema.unmetNeeds.$inferInsert)[] = [];
    const districts = Object.keys(TRAFFORD_DISTRICT_PCN);
    for (let day = 89; day >= 0; day--) {
      const t = today - day * DAY;
      const dow = new Date(t).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      const n = Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        const district = weighted(rand, [['M31', 4], ['M16', 4], ['M32', 3], ...districts.map((d) => [d, 1] as const)]);
        const pcn = TRAFFORD_DISTRICT_PCN[district]!;
        unmetRows.push({
          reason: weighted(rand, [
            ['all_full', 30],
            ['none_nearby', 25],
            ['access_transport', 12],
            ['eligibility', 10],
            ['cost', 8],
            ['language', 8],
            ['other', 7],
          ]),
          categoryCodes: [
            weighted(rand, [
              ['mental_wellbeing', 5],
              ['befriending_and_social_connection', 4],
              ['carers', 2],
              ['advice', 2],
              ['physical_activity', 1],
              ['food', 1],
            ]),
          ],
          postcodeDistrict: district,
          pcnCode: pcn,
          recordedBy: lwFor(pcn).id,
          recordedAt: new Date(t - Math.floor(rand() * 8 * 3_600_000)),
        });
      }
    }
    await batch(unmetRows, (c) => tx.insert(schema.unmetNeeds).values(c));

    // Concerns reaching the commissioner: from organisations whose services are full or losing funding.
    const full = trafford.filter((m) => m.capacity?.status === 'not_accepting' || m.capacity?.status === 'waitlist');
    const concernSpecs = [
      {
        m: editorOrg,
        kind: 'funding',
        summary: 'Carers support groups funded only until the spring',
        details:
          'Our grant for the weekly carers groups ends in six weeks; without it the groups in Stretford and Sale stop.',
        fundingEndsOn: new Date(today + 45 * DAY).toISOString().slice(0, 10),
        status: 'open',
        raisedBy: editorId,
        daysAgo: 6,
      },
      {
        m: full[0],
        kind: 'capacity',
        summary: 'Waiting list now about three months',
        details:
          'Referrals from North Trafford have doubled since the autumn; we have closed the waiting list to new names.',
        fundingEndsOn: null,
        status: 'open',
        raisedBy: null,
        daysAgo: 12,
      },
      {
        m: full[1],
        kind: 'demand_surge',
        summary: 'Many more referrals from Partington',
        details: 'Since the bus route changed we see people from Partington who cannot reach other groups.',
        fundingEndsOn: null,
        status: 'acknowledged',
        raisedBy: null,
        daysAgo: 25,
      },
      {
        m: full[2],
        kind: 'other',
        summary: 'Venue closing for repairs in January',
        details: 'We are looking for another hall in Urmston for eight weeks.',
        fundingEndsOn: null,
        status: 'open',
        raisedBy: null,
        daysAgo: 3,
      },
    ];
    let concerns = 0;
    for (const c of concernSpecs) {
      if (!c.m) continue;
      const at = new Date(today - c.daysAgo * DAY);
      const [row] = await tx
        .insert(schema.concerns)
        .values({
          organizationId: c.m.orgId,
          serviceId: c.m.serviceId,
          kind: c.kind,
          summary: c.summary,
          details: c.details,
          fundingEndsOn: c.fundingEndsOn,
          status: c.status,
          raisedBy: c.raisedBy,
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: schema.concerns.id });
      if (c.status === 'acknowledged')
        await tx.insert(schema.concernMessages).values({
          concernId: row!.id,
          authorId: commissionerId,
          body: 'Thank you: we are looking at transport to groups in Urmston with Trafford Council.',
          createdAt: new Date(at.getTime() + 2 * DAY),
        });
      concerns++;
    }

    // Gap flags by the commissioner (when the reference data has the PCNs).
    const flags = [
      {
        pcn: 'U79881',
        category: 'mental_wellbeing',
        reason: 'Few mental wellbeing groups reachable from Partington',
        status: 'open',
        daysAgo: 20,
      },
      {
        pcn: 'U66368',
        category: 'befriending_and_social_connection',
        reason: 'Befriending waiting lists in Old Trafford and Stretford',
        status: 'in_progress',
        daysAgo: 40,
      },
    ];
    let gapFlags = 0;
    for (const f of flags) {
      if (!knownPcns.has(f.pcn)) continue;
      const at = new Date(today - f.daysAgo * DAY);
      const [flag] = await tx
        .insert(schema.gapFlags)
        .values({
          pcnCode: f.pcn,
          icbCode: DEMO_ICB.code,
          category: f.category,
          reason: f.reason,
          evidence: '"Nothing suitable" records and referrals over the last 90 days.',
          status: f.status,
          ownerUserId: commissionerId,
          createdBy: commissionerId,
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: schema.gapFlags.id });
      await tx
        .insert(schema.gapFlagEvents)
        .values({ flagId: flag!.id, kind: 'created', toValue: 'open', actorUserId: commissionerId, at });
      if (f.status !== 'open')
        await tx.insert(schema.gapFlagEvents).values({
          flagId: flag!.id,
          kind: 'status',
          fromValue: 'open',
          toValue: f.status,
          actorUserId: commissionerId,
          at: new Date(at.getTime() + 7 * DAY),
        });
      gapFlags++;
    }

    await tx.insert(schema.demoRuns).values({ seed });
    await tx.execute(sql`select search_rebuild()`);
    await tx.execute(sql`select set_config('signpost.search_defer', 'off', true)`);
    return {
      accounts: DEMO_ACCOUNTS.map((a) => ({
        email: a.email,
        role: a.role,
        pcnCode: a.pcnCode ?? null,
        icbCode: a.icbCode ?? null,
      })),
      organizations: orgRows.length,
      services: serviceRows.length,
      capacityByStatus,
      capacityHistory: history.length,
      referrals: referralRows.length,
      unmetNeeds: unmetRows.length,
      concerns,
      gapFlags,
      funding: fundingRows.length,
      curation: report,
    };
  });
}
