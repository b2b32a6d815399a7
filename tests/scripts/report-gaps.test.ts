/**
 * npm run report:gaps: the CSV file it writes (writeGapReport) and the link-worker summary by region and IMD
 * quintile, on the reference fixture. Expected figures come from the fixture's inputs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { importReferenceData } from '../../server/features/areas';
import { linkWorkerSummary, summaryMarkdown, writeGapReport } from '../../server/features/gaps';
import { buildTestApp, type TestApp } from '../helpers/app';
import * as fx from '../helpers/referenceFixture';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-report-gaps-'));
  fx.writeReferenceFixture(dir);
  t = await buildTestApp();
  await importReferenceData({ db: t.database.db, dataRoot: dir });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const listOf = (pcn: string) => sum(fx.practicesOfPcn(pcn).map((p) => p.listSize));

describe('report:gaps', () => {
  it('when run for one ICB, then the file is the same CSV the API exports for that ICB', async () => {
    const out = path.join(dir, 'qaa.csv');
    const written = await writeGapReport({ db: t.database.db, query: { icb: 'QAA' }, staleDays: 14, out });
    expect(written.rows).toBe(fx.PCNS.filter((p) => p.icbCode === 'QAA').length);
    expect(written.periods.workforce).toBe('2025-11');
    const api = await request(t.app).get('/api/gaps/pcns.csv?icb=QAA').expect(200);
    expect(fs.readFileSync(out, 'utf8')).toBe(api.text);
  });

  it('when the ICB is unknown, then it fails with a not-found error and writes nothing', async () => {
    const out = path.join(dir, 'none.csv');
    await expect(
      writeGapReport({ db: t.database.db, query: { icb: 'QZZ' }, staleDays: 14, out }),
    ).rejects.toMatchObject({ status: 404 });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('when summarised, then link workers per 10k by region and IMD quintile come from the workforce and list sizes', async () => {
    const summary = await linkWorkerSummary(t.database.db);
    expect(summary.period).toBe('2025-11');
    const regionOf = (pcn: string) => {
      const icb = fx.ICBS.find((i) => i.code === fx.PCNS.find((p) => p.code === pcn)!.icbCode)!;
      return fx.REGIONS.find((r) => r.code === icb.regionCode)!.name;
    };
    const fte = (pcn: string) => {
      const w = fx.WORKFORCE.find((x) => x.pcnCode === pcn);
      return w ? w.splwFte + w.splwMhFte : null;
    };
    for (const region of fx.REGIONS) {
      const pcns = fx.PCNS.map((p) => p.code).filter((c) => regionOf(c) === region.name);
      const reporting = pcns.filter((c) => fte(c) !== null);
      const row = summary.rows.find((r) => r.by === 'region' && r.group === region.name)!;
      expect(row.pcns).toBe(pcns.length);
      expect(row.reportingPcns).toBe(reporting.length);
      if (!reporting.length)
        expect(row.splwFtePer10k).toBeNull(); // missing, never zero
      else
        expect(row.splwFtePer10k).toBeCloseTo(
          (sum(reporting.map((c) => fte(c)!)) / sum(reporting.map(listOf))) * 10_000,
          9,
        );
    }
    // Three PCNs: ntile(5) puts one in each of quintiles 1–3, most deprived (highest catchment IMD) first.
    const imd = (pcn: string) =>
      fx.weightedMean(
        fx.lsoasOfPcn(pcn),
        (l) => l.imdScore,
        (l) => l.residents,
      );
    const ordered = fx.PCNS.map((p) => p.code).sort((a, b) => imd(b) - imd(a));
    const quintiles = summary.rows.filter((r) => r.by === 'imd_quintile');
    expect(quintiles.map((r) => r.group)).toEqual(['1', '2', '3']);
    ordered.forEach((pcn, i) => {
      const f = fte(pcn);
      if (f === null) expect(quintiles[i]!.splwFtePer10k).toBeNull();
      else expect(quintiles[i]!.splwFtePer10k).toBeCloseTo((f / listOf(pcn)) * 10_000, 9);
    });
    const markdown = summaryMarkdown(summary);
    expect(markdown).toContain('| IMD quintile | 1 (most deprived) |');
    expect(markdown).toContain('no data');
  });
});
