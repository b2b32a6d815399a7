/** Loads the small reference fixture (2 ICBs, 3 PCNs, 8 LSOAs) into a test app's database (API and browser tests). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importReferenceData } from '../../server/features/areas';
import type { TestApp } from './app';
import { writeReferenceFixture } from './referenceFixture';

/** Writes tests/helpers/referenceFixture.ts to a temporary folder and imports it. */
export async function loadReferenceFixture(testApp: TestApp): Promise<void> {
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-e2e-reference-'));
  try {
    writeReferenceFixture(dataRoot);
    await importReferenceData({ db: testApp.database.db, dataRoot });
  } finally {
    fs.rmSync(dataRoot, { recursive: true, force: true });
  }
}
