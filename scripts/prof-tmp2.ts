import { openDatabase } from '../server/db';
import { PgDialect } from 'drizzle-orm/pg-core';
import * as repo from '../server/features/gaps/repository';
async function main() {
  const d = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  const dialect = new PgDialect();
  const proxy = new Proxy(d.db, { get(t, k) { if (k === 'execute') return async (q: any) => { const { sql: text, params } = dialect.sqlToQuery(q); let out = text; params.forEach((p, i) => { out = out.replace(new RegExp('\\$' + (i + 1) + '(?!\\d)'), typeof p === 'number' ? String(p) : `'${p}'`); }); console.log(out + ';'); return { rows: [] }; }; return (t as any)[k]; } });
  await repo.countSupply(proxy as any, 14, 3);
  await d.close();
}
main();
