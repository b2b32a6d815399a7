import { openDatabase, query } from '../server/db';
import { sql } from 'drizzle-orm';
import * as repo from '../server/features/gaps/repository';
async function main() {
  const d = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  const orig = d.db.execute.bind(d.db);
  // capture the supply SQL through a proxy db
  const proxy = new Proxy(d.db, { get(t, k) { if (k === 'execute') return async (q: any) => { const r = await orig(sql`explain (analyze, costs off, timing on) ${q}`); console.log((r as any).rows.map((x: any) => x['QUERY PLAN']).join('\n')); return { rows: [] }; }; return (t as any)[k]; } });
  await repo.countSupply(proxy as any, 14, 3);
  await d.close();
}
main();
