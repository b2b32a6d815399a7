/** Test inputs for the bulk CSV import (fixture postcodes, a clean CSV, a messy CSV and their mapping) and waiting for import jobs. */
import request from 'supertest';
import type { Express } from 'express';
import { schema, type Db } from '../../server/db';
import type { AuthHeaders } from './auth';
import * as fx from './referenceFixture';

/** A job as GET /api/admin/jobs/:id shows it (the fields tests read). */
export interface JobJson {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { phase: string; done: number; total: number; percent: number };
  summary: {
    rows: number;
    created: number;
    updated: number;
    skipped: number;
    rejected: number;
    warnings: number;
  } | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  result: any;
  error: string | null;
}

/** Polls GET /api/admin/jobs/:id until the job has finished (succeeded or failed); returns it. */
export async function waitForJob(app: Express | string, headers: AuthHeaders, id: string): Promise<JobJson> {
  for (;;) {
    const res = await request(app).get(`/api/admin/jobs/${id}`).set(headers);
    if (res.status !== 200) throw new Error(`GET job ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    const job = res.body.job as JobJson;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** POSTs a CSV to the services import, expects 202 and waits for the job; returns the finished job. */
export async function importCsvAndWait(
  app: Express | string,
  headers: AuthHeaders,
  csv: string,
  query: Record<string, string>,
): Promise<JobJson> {
  const res = await request(app)
    .post('/api/admin/imports/services')
    .query(query)
    .set(headers)
    .set('Content-Type', 'text/csv')
    .send(csv);
  if (res.status !== 202) throw new Error(`import: expected 202, got ${res.status} ${JSON.stringify(res.body)}`);
  return waitForJob(app, headers, res.body.job.id as string);
}

/** Inserts the reference fixture's full postcodes (M13 9PL, M13 9WL, M1 1AA, SK4 1AA, NPT 1AA). */
export async function insertFixturePostcodes(db: Db): Promise<void> {
  for (const p of fx.POSTCODES)
    await db
      .insert(schema.postcodes)
      .values({ key: p.postcode.replace(/\s+/g, ''), postcode: p.postcode, lat: p.lat, lng: p.lng });
}

/** The --map of the test CSVs. */
export const TEST_MAP =
  'Org=organization_name,Service=service_name,About=description,Postcode=postcode,Lat=lat,Lng=lng,Phone=phone,Email=email,Web=website,Codes=taxonomy,Ref=ref,Opening=opening_times';

const HEADER = 'Org,Service,About,Postcode,Lat,Lng,Phone,Email,Web,Codes,Ref,Opening';

/** Three good rows: two located by known postcodes, one by coordinates (its postcode is unknown). */
export const CLEAN_CSV = [
  HEADER,
  'Alpha Trust,Walking group,"Gentle walks, every week",M13 9PL,,,0161 123 4567,Hello@Alpha.example,www.alpha.example,physical_activity;nature_and_green_space,A1,Mondays 10am',
  'Beta Food Bank,,Emergency food parcels,m1 1aa,,,,,,food,B2,',
  'Gamma Club,Peer support,"Talk it through, with others",M99 9ZZ,53.45,-2.25,,,https://gamma.example/,mental_wellbeing,C3,',
].join('\n');

/** Rows of CLEAN_CSV, with what they should become. */
export const CLEAN_ROWS = [
  {
    org: 'Alpha Trust',
    service: 'Walking group',
    postcode: 'M13 9PL',
    taxonomy: ['nature_and_green_space', 'physical_activity'],
    ref: 'A1',
  },
  { org: 'Beta Food Bank', service: 'Beta Food Bank', postcode: 'M1 1AA', taxonomy: ['food'], ref: 'B2' },
  { org: 'Gamma Club', service: 'Peer support', postcode: 'M99 9ZZ', taxonomy: ['mental_wellbeing'], ref: 'C3' },
] as const;

/** Two good rows (lines 2 and 9) among bad ones; see MESSY_PROBLEMS and MESSY_SKIPPED. */
export const MESSY_CSV = [
  HEADER,
  'Good Org,,,M13 9PL,,,,,,,,', // 2 good
  'No Place,,,,,,,,,,,', // 3 no postcode, no coordinates
  'Lost At Sea,,,,200,-500,,,,,,', // 4 bad coordinates
  'good org,,,m13 9pl,,,,,,,,', // 5 duplicate of line 2
  `${'X'.repeat(201)},,,M1 1AA,,,,,,,,`, // 6 over-long name
  'Bad Email Org,,,M1 1AA,,,,not-an-email,,,,', // 7 bad email
  'Unknown Code Org,,,M1 1AA,,,,,,food;not_a_term,,', // 8 unknown taxonomy code
  'Second Good Org,,,SK4 1AA,,,,,,advice,,', // 9 good
].join('\n');

/** Every problem of MESSY_CSV as [line, field]. */
export const MESSY_PROBLEMS: [number, string][] = [
  [3, 'postcode'],
  [4, 'lat'],
  [4, 'lng'],
  [6, 'organization_name'],
  [7, 'email'],
  [8, 'taxonomy'],
];
/** Lines of MESSY_CSV skipped as duplicates. */
export const MESSY_SKIPPED = [5];
/** Good rows of MESSY_CSV. */
export const MESSY_GOOD = ['Good Org', 'Second Good Org'];
