/**
 * npm run seed:demo [-- --allow-production]: creates (or resets) one demo account per role, all with DEMO_PASSWORD
 * (default signpost-demo-2026); imports the real Trafford / Greater Manchester VCSE files in data/vcse/ as the demo
 * directory (when the postcode reference data is loaded) and makes the editor a member of one imported organisation;
 * without postcodes it falls back to one made-up demo organisation. Idempotent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { openDatabase, query, schema, type Db } from '../server/db';
import { hashPassword } from '../server/features/accounts';
import { importServicesCsv, PRESETS, type ImportReport, type PresetName } from '../server/features/imports';
import type { Role } from '../shared/roles';

/** Password of every demo account unless DEMO_PASSWORD is set. */
export const DEFAULT_DEMO_PASSWORD = 'signpost-demo-2026';

/** Name of the demo organisation. */
export const DEMO_ORGANIZATION_NAME = 'Signpost Demo Community Trust';

/**
 * The demo organisation (approved) with one service, created once and found again by its source reference.
 * The fallback when the postcode reference data is not loaded (see importDemoDirectory, which imports data/vcse/).
 */
export async function ensureDemoOrganization(db: Db): Promise<string> {
  const [existing] = await db
    .select({ id: schema.organizations.id })
    .from(schema.organizations)
    .where(sql`${schema.organizations.source} = 'demo' and ${schema.organizations.sourceRef} = 'demo-organisation'`);
  if (existing) return existing.id;
  const [org] = await db
    .insert(schema.organizations)
    .values({
      name: DEMO_ORGANIZATION_NAME,
      description: 'A made-up charity for trying Signpost: walking groups, befriending and a community allotment.',
      email: 'hello@demo-trust.example',
      status: 'approved',
      source: 'demo',
      sourceRef: 'demo-organisation',
    })
    .returning({ id: schema.organizations.id });
  await db.insert(schema.services).values({
    organizationId: org!.id,
    name: 'Wednesday Walking Group',
    description: 'A gentle, sociable 45-minute walk every Wednesday morning, open to all abilities.',
    status: 'active',
    referralMethod: 'self',
  });
  return org!.id;
}

/** The bundled VCSE files and the preset each is imported with. */
export const DEMO_VCSE_FILES: readonly { file: string; preset: PresetName }[] = [
  { file: 'trafford_charities_2023.csv', preset: 'trafford-charities' },
  { file: 'gm_food_banks_2018.csv', preset: 'gm-food-banks' },
  { file: 'trafford_mental_health_services_2018.csv', preset: 'trafford-mental-health' },
  { file: 'trafford_sports_clubs_2018.csv', preset: 'trafford-sports-clubs' },
];

/** Folder of the bundled VCSE files. */
export const DEFAULT_VCSE_DIR = path.resolve(__dirname, '..', 'data', 'vcse');

/** The imported organisation the demo editor manages: the first (by name) of the mental health file. */
const EDITOR_ORGANIZATION_SOURCE = 'trafford-mental-health:%';

/**
 * Imports the four VCSE files with their presets (bad rows are skipped and reported; re-running updates, never
 * duplicates) and returns the organisation the editor should manage; undefined (nothing imported) when the postcode
 * reference data is not loaded, so the caller falls back to the made-up demo organisation.
 */
export async function importDemoDirectory(
  db: Db,
  { vcseDir = DEFAULT_VCSE_DIR }: { vcseDir?: string } = {},
): Promise<{ organizationId: string; reports: { file: string; report: ImportReport }[] } | undefined> {
  const [{ has } = { has: false }] = await query<{ has: boolean }>(
    db,
    sql`select exists (select 1 from postcodes) as has`,
  );
  if (!has || !fs.existsSync(vcseDir)) return undefined;
  const reports = [];
  for (const { file, preset } of DEMO_VCSE_FILES) {
    const report = await importServicesCsv({
      db,
      csvText: fs.readFileSync(path.join(vcseDir, file), 'utf8'),
      ...PRESETS[preset],
      skipInvalid: true,
      actor: { userId: null, role: 'admin' },
      fileName: file,
    });
    reports.push({ file, report });
  }
  const [org] = await query<{ id: string }>(
    db,
    sql`select id from organizations where source = 'import' and source_ref like ${EDITOR_ORGANIZATION_SOURCE}
        order by name, id limit 1`,
  );
  return org ? { organizationId: org.id, reports } : undefined;
}

/** A demo account. */
export interface DemoAccount {
  /** Sign-in email. */
  email: string;
  /** Role. */
  role: Role;
  /** Display name. */
  name: string;
}

/** The demo accounts, one per role. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@signpost.example', role: 'admin', name: 'Demo Admin' },
  { email: 'editor@signpost.example', role: 'vcse_editor', name: 'Demo VCSE Editor' },
  { email: 'linkworker@signpost.example', role: 'link_worker', name: 'Demo Link Worker' },
  { email: 'commissioner@signpost.example', role: 'icb_commissioner', name: 'Demo ICB Commissioner' },
];

/** Creates or resets the demo accounts and organisation; returns what it did per account. */
export async function seedDemo({
  db,
  password,
  vcseDir,
  log,
}: {
  db: Db;
  password: string;
  /** Folder of the VCSE files. Default data/vcse. */
  vcseDir?: string;
  /** Told one line per imported file. */
  log?: (line: string) => void;
}): Promise<
  { email: string; role: Role; action: 'created' | 'updated'; pcnCode: string | null; icbCode: string | null }[]
> {
  const imported = await importDemoDirectory(db, { vcseDir });
  for (const { file, report: r } of imported?.reports ?? [])
    log?.(
      `imported ${file}: ${r.rows} rows, ${r.created} created, ${r.updated} updated, ${r.skipped} skipped, ${r.rejected} rejected`,
    );
  const organizationId = imported?.organizationId ?? (await ensureDemoOrganization(db));
  // Any PCN and its ICB from the reference data (null when it has not been loaded).
  const [pcn] = await query<{ code: string; icb_code: string }>(
    db,
    sql`select code, icb_code from pcns order by code limit 1`,
  );
  const passwordHash = await hashPassword(password);
  const results = [];
  for (const account of DEMO_ACCOUNTS) {
    const pcnCode = account.role === 'link_worker' ? (pcn?.code ?? null) : null;
    const icbCode = account.role === 'icb_commissioner' ? (pcn?.icb_code ?? null) : null;
    const values = { name: account.name, role: account.role, pcnCode, icbCode, passwordHash, status: 'active' };
    const [existing] = await db.select().from(schema.users).where(eq(schema.users.email, account.email));
    let userId: string;
    if (existing) {
      await db
        .update(schema.users)
        .set({ ...values, failedSignIns: 0, lockedUntil: null })
        .where(eq(schema.users.id, existing.id));
      userId = existing.id;
    } else {
      const [row] = await db
        .insert(schema.users)
        .values({ ...values, email: account.email, passwordChangedAt: new Date() })
        .returning({ id: schema.users.id });
      userId = row!.id;
    }
    if (account.role === 'vcse_editor') {
      await db.insert(schema.memberships).values({ userId, organizationId }).onConflictDoNothing();
    }
    results.push({
      email: account.email,
      role: account.role,
      action: existing ? 'updated' : 'created',
      pcnCode,
      icbCode,
    } as const);
  }
  return results;
}

async function main() {
  const config = loadConfig();
  if (config.nodeEnv === 'production' && !process.argv.includes('--allow-production')) {
    process.stderr.write(
      'Refusing to create demo accounts with a known password in production (--allow-production).\n',
    );
    process.exit(2);
  }
  const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  if (password.length < 12) {
    process.stderr.write('DEMO_PASSWORD must be at least 12 characters.\n');
    process.exit(2);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const started = Date.now();
    const log = (line: string) => process.stdout.write(`${line}\n`);
    for (const r of await seedDemo({ db: database.db, password, log })) {
      const scope = r.pcnCode ? ` (PCN ${r.pcnCode})` : r.icbCode ? ` (ICB ${r.icbCode})` : '';
      process.stdout.write(`${r.action.padEnd(8)} ${r.role.padEnd(17)} ${r.email}${scope}\n`);
    }
    log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    process.stdout.write(
      `Password for every demo account: ${process.env.DEMO_PASSWORD ? '(DEMO_PASSWORD)' : password}\n`,
    );
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`seed:demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
