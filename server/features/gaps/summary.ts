/**
 * The real-data link-worker table of docs/gaps.md: social prescribing link-worker FTE per 10,000 registered
 * patients for each NHS region and each IMD quintile of PCNs, straight from pcn_workforce and practices.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db';

/** One line of the summary. */
export interface LinkWorkerSummaryRow {
  /** region or imd_quintile. */
  by: 'region' | 'imd_quintile';
  /** Region name, or quintile 1 (most deprived) … 5. */
  group: string;
  /** PCNs in the group, and those with a workforce return. */
  pcns: number;
  reportingPcns: number;
  /** Σ SPLW FTE (incl. mental-health link workers) of the reporting PCNs. */
  splwFte: number;
  /** Σ registered patients of the reporting PCNs' practices. */
  listSize: number;
  /** splwFte ÷ listSize × 10,000. */
  splwFtePer10k: number | null;
}

/** The summary and the workforce period it describes. */
export interface LinkWorkerSummary {
  period: string | null;
  rows: LinkWorkerSummaryRow[];
}

/**
 * Computes the summary. IMD quintiles rank PCNs by the population-weighted IMD 2025 score of their approximate
 * catchment (quintile 1 = most deprived fifth); PCNs without a score are left out of the quintiles.
 */
export async function linkWorkerSummary(db: Db): Promise<LinkWorkerSummary> {
  const [p] = await query<{ period: string | null }>(db, sql`select max(period) as period from pcn_workforce`);
  const period = p?.period ?? null;
  const rows = await query<{
    by: 'region' | 'imd_quintile';
    grp: string;
    pcns: number;
    reporting: number;
    fte: number | null;
    list: number | null;
  }>(
    db,
    sql`with lists as (select pcn_code, sum(list_size)::float8 as list from practices where pcn_code is not null group by pcn_code),
        wf as (select pcn_code, sum(fte) as fte from pcn_workforce
               where period = ${period} and role in ('splw', 'splw_mh') group by pcn_code),
        imd as (select distinct on (area_code) area_code, value from area_indicators
                where area_type = 'pcn' and indicator = 'imd2025_score' order by area_code, period desc),
        base as (
          select pc.code, r.name as region, wf.fte, l.list,
                 case when imd.value is null then null else ntile(5) over (partition by imd.value is null order by imd.value desc, pc.code) end as quintile
          from pcns pc join icbs i on i.code = pc.icb_code left join regions r on r.code = i.region_code
          left join lists l on l.pcn_code = pc.code left join wf on wf.pcn_code = pc.code
          left join imd on imd.area_code = pc.code
        ),
        grouped as (
          select 'region' as by, coalesce(region, 'Unknown') as grp, code, fte, list from base
          union all
          select 'imd_quintile', quintile::text, code, fte, list from base where quintile is not null
        )
        select by, grp, count(*)::int as pcns, count(fte)::int as reporting,
               sum(fte) filter (where fte is not null and list is not null) as fte,
               sum(list) filter (where fte is not null and list is not null) as list
        from grouped group by by, grp order by by desc, grp`,
  );
  return {
    period,
    rows: rows.map((r) => ({
      by: r.by,
      group: r.grp,
      pcns: r.pcns,
      reportingPcns: r.reporting,
      splwFte: r.fte ?? 0,
      listSize: r.list ?? 0,
      splwFtePer10k: r.fte !== null && r.list ? (r.fte / r.list) * 10_000 : null,
    })),
  };
}

/** The summary as a Markdown table. */
export function summaryMarkdown(s: LinkWorkerSummary): string {
  const lines = [
    `Workforce period ${s.period ?? 'none'}; FTE = social prescribing link workers + link workers (mental health).`,
    '',
    '| By | Group | PCNs | PCNs reporting | SPLW FTE | Registered patients (reporting PCNs) | SPLW FTE per 10,000 |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of s.rows)
    lines.push(
      `| ${r.by === 'region' ? 'Region' : 'IMD quintile'} | ${r.by === 'region' ? r.group : `${r.group}${r.group === '1' ? ' (most deprived)' : r.group === '5' ? ' (least deprived)' : ''}`} | ${r.pcns} | ${r.reportingPcns} | ${r.splwFte.toFixed(2)} | ${r.listSize.toLocaleString('en-GB')} | ${r.splwFtePer10k === null ? 'no data' : r.splwFtePer10k.toFixed(3)} |`,
    );
  return lines.join('\n') + '\n';
}
