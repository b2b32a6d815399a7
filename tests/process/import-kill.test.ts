/**
 * An import job killed (SIGKILL) while it writes, on the real server process with the embedded engine: the next start
 * marks the job failed as interrupted (or it had finished), and the directory holds all or none of its rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, query } from '../../server/db';
import { createSession, CSRF_HEADER, SESSION_COOKIE } from '../../server/features/accounts';
import { INTERRUPTED_ERROR } from '../../server/features/jobs';
import { startServer, waitFor } from '../helpers/serverProcess';

const ROWS = 4000;
const MAP = 'Name=organization_name,About=description,Lat=lat,Lng=lng,Ref=ref';

function bigCsv(): string {
  const lines = ['Name,About,Lat,Lng,Ref'];
  for (let i = 0; i < ROWS; i++)
    lines.push(`Killtest Organisation ${i},Synthetic row ${i},${(53.4 + (i % 100) / 1000).toFixed(4)},-2.25,KILL-${i}`);
  return lines.join('\n');
}

const portOf = (out: string) => Number(/http:\/\/localhost:(\d+)/.exec(out)?.[1]);

describe('import job killed part-way', () => {
  jest.setTimeout(600_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-import-kill-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when the server is killed while the import writes, then after a restart the job is failed as interrupted (or succeeded) and all or none of its rows exist', async () => {
    // Arrange an admin session in the data directory before the server holds it.
    const setup = await openDatabase({ dataDir });
    let headers: Record<string, string>;
    try {
      await setup.migrate();
      const [user] = await query<{ id: string }>(
        setup.db,
        sql`insert into users (email, name, role, password_hash) values ('kill@example.org', 'Kill', 'admin', 'x') returning id`,
      );
      const { token, csrfToken } = await createSession(setup.db, user!.id);
      headers = { Cookie: `${SESSION_COOKIE}=${token}`, [CSRF_HEADER]: csrfToken };
    } finally {
      await setup.close();
    }
    const env = { PORT: '0', DATA_DIR: dataDir };

    const first = startServer(env);
    await waitFor(() => /Signpost ready on/.test(first.output()), 120_000, first.output);
    const base = `http://127.0.0.1:${portOf(first.output())}`;
    const res = await fetch(`${base}/api/admin/imports/services?map=${encodeURIComponent(MAP)}&file=kill.csv`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'text/csv' },
      body: bigCsv(),
    });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: { id: string } };

    // Kill once every row is checked and writing begins (percent ≥ 50), or once it has finished.
    let seen = { status: 'queued', percent: 0 };
    async function poll() {
      for (;;) {
        const r = await fetch(`${base}/api/admin/jobs/${job.id}`, { headers });
        const body = (await r.json()) as { job: { status: string; progress: { percent: number } } };
        seen = { status: body.job.status, percent: body.job.progress.percent };
        if (seen.status === 'succeeded' || seen.status === 'failed' || seen.percent >= 50) return;
      }
    }
    await poll();
    first.child.kill('SIGKILL');
    await first.exited;
    process.stdout.write(`import-kill: killed at ${JSON.stringify(seen)}\n`);

    const second = startServer(env);
    await waitFor(() => /Signpost ready on/.test(second.output()), 120_000, second.output);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const after = await openDatabase({ dataDir });
    try {
      const [row] = await query<{ status: string; error: string | null; finished_at: Date | null }>(
        after.db,
        sql`select status, error, finished_at from jobs where id = ${job.id}`,
      );
      const [{ n } = { n: -1 }] = await query<{ n: number }>(
        after.db,
        sql`select count(*)::int as n from organizations where source_ref like 'csv:KILL-%'`,
      );
      expect(row!.finished_at).not.toBeNull();
      if (row!.status === 'succeeded') expect(n).toBe(ROWS);
      else {
        expect(row).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
        expect([0, ROWS]).toContain(n);
      }
      process.stdout.write(`import-kill: job ${row!.status}, ${n} rows\n`);
    } finally {
      await after.close();
    }
  });
});
