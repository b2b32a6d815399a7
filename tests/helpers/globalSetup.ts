/** Builds the migrated templates once per run (PGlite: cached on disk across runs while migrations are unchanged). */
import fs from 'node:fs';
import { openDatabase } from '../../server/db';
import { CACHE_DIR, pgliteTemplatePath, postgresTemplateUrl } from './templates';

export default async function globalSetup(): Promise<void> {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const templatePath = pgliteTemplatePath();
  if (!fs.existsSync(templatePath)) {
    const started = Date.now();
    const database = await openDatabase({});
    await database.migrate();
    const blob = await database.dump!();
    await database.close();
    const tmp = `${templatePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, templatePath);
    process.stderr.write(`[signpost tests] built PGlite template in ${Date.now() - started} ms\n`);
  }
  const url = postgresTemplateUrl();
  if (url) {
    const database = await openDatabase({ databaseUrl: url, poolSize: 1 });
    await database.migrate();
    await database.close();
  }
}
