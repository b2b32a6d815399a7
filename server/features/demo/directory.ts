/**
 * The demo directory: the four bundled Trafford / Greater Manchester VCSE files (data/vcse/, provenance in
 * data/README.md), kept to entries in Greater Manchester (GM_DISTRICT) that are services to people (NOT_A_SERVICE),
 * with names in normal case and taxonomy terms by the import presets' rules. Deterministic: file order, then row order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { classifyByKeywords } from '../imports';
import { GM_DISTRICT, normalCase, notAServiceReason, postcodeDistrict } from './names';

/** Folder of the bundled VCSE files. */
export const DEFAULT_VCSE_DIR = path.resolve(__dirname, '..', '..', '..', 'data', 'vcse');

/** One organisation of the demo directory with its one service and place. */
export interface DemoEntry {
  /** Stable key: file stem and the entry's identifier in it (source_ref of the organisation). */
  key: string;
  /** Which file it came from. */
  file: 'charities' | 'food-banks' | 'mental-health' | 'sports-clubs';
  name: string;
  serviceName: string;
  description: string;
  charityNumber: string | null;
  legalStatus: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  address: string;
  city: string | null;
  postcode: string;
  district: string;
  lat: number;
  lng: number;
  categories: string[];
  referralMethod: string;
  /** Opening times as the register gives them, if any. */
  openingTimes: string | null;
}

/** What curation dropped, by reason, for the seed's log and the tests. */
export interface CurationReport {
  kept: number;
  outsideGreaterManchester: number;
  notAService: Record<string, number>;
  duplicates: number;
  noLocation: number;
}

type Row = Record<string, string>;

const read = (dir: string, file: string): Row[] =>
  parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Row[];

const blank = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

const website = (v: string | undefined) => {
  const w = blank(v);
  if (!w) return null;
  return /^https?:\/\//i.test(w) ? w : `https://${w.toLowerCase()}`;
};

const SPORT_DESCRIPTION = (category: string, name: string) =>
  `${category || 'Sport'} club in Trafford: ${name} welcomes new members of all abilities; ask about taster sessions.`;

/** The demo directory and what was left out. */
export function curateDemoDirectory(vcseDir: string = DEFAULT_VCSE_DIR): {
  entries: DemoEntry[];
  report: CurationReport;
} {
  const report: CurationReport = {
    kept: 0,
    outsideGreaterManchester: 0,
    notAService: {},
    duplicates: 0,
    noLocation: 0,
  };
  const entries: DemoEntry[] = [];
  const seen = new Set<string>();
  const add = (
    e: Omit<DemoEntry, 'district' | 'name' | 'serviceName'> & { name: string; serviceName?: string },
    activities = '',
  ) => {
    const postcode = e.postcode.trim().toUpperCase();
    const district = postcodeDistrict(postcode);
    if (!postcode || !(e.lat > 53.3 && e.lat < 53.7 && e.lng > -2.75 && e.lng < -1.9)) {
      // No coordinates, or coordinates that are not in Greater Manchester (0,0 in the register).
      report.noLocation++;
      return;
    }
    if (!GM_DISTRICT.test(district)) {
      report.outsideGreaterManchester++;
      return;
    }
    const why = notAServiceReason(e.name, activities);
    if (why) {
      report.notAService[why] = (report.notAService[why] ?? 0) + 1;
      return;
    }
    const name = normalCase(e.name);
    const dedupe = `${name.toLowerCase()}|${postcode}`;
    if (seen.has(dedupe) || seen.has(e.key)) {
      report.duplicates++;
      return;
    }
    seen.add(dedupe);
    seen.add(e.key);
    entries.push({ ...e, name, serviceName: e.serviceName ? normalCase(e.serviceName) : name, postcode, district });
  };

  for (const r of read(vcseDir, 'trafford_mental_health_services_2018.csv')) {
    add({
      key: `mental-health:${r.name}:${r.postcode}`,
      file: 'mental-health',
      name: r.name ?? '',
      description: blank(r.description) ?? '',
      charityNumber: null,
      legalStatus: null,
      email: null,
      phone: blank(r.telephone),
      website: website(r.website),
      address: r.address ?? '',
      city: null,
      postcode: r.postcode ?? '',
      lat: Number(r.lat),
      lng: Number(r.lng),
      categories: [
        'mental_wellbeing',
        ...classifyByKeywords(r.description ?? '').filter((c) => c !== 'mental_wellbeing'),
      ].slice(0, 2),
      referralMethod: 'self',
      openingTimes: null,
    });
  }
  for (const r of read(vcseDir, 'gm_food_banks_2018.csv')) {
    const contact = blank(r.Contact);
    add({
      key: `food-banks:${r.Name}:${r.Postcode}`,
      file: 'food-banks',
      name: r.Name ?? '',
      serviceName: 'Food bank',
      description: `Emergency food parcels${blank(r['Opening times']) ? ` (${r['Opening times']!.trim()})` : ''}. ${
        /voucher|referr/i.test(r['Referral method'] ?? '')
          ? 'A food bank voucher or referral is needed.'
          : 'Ask about referral.'
      }`,
      charityNumber: null,
      legalStatus: null,
      email: contact && contact.includes('@') ? contact : null,
      phone: contact && !contact.includes('@') ? contact : null,
      website: website(r.Website),
      address: r.Address ?? '',
      city: blank(r['Area name']),
      postcode: r.Postcode ?? '',
      lat: Number(r.lat),
      lng: Number(r.lng),
      categories: ['food'],
      referralMethod: 'professional',
      openingTimes: blank(r['Opening times']),
    });
  }
  for (const r of read(vcseDir, 'trafford_charities_2023.csv')) {
    const activities = r.charity_activities ?? '';
    add(
      {
        key: `charities:${r.registered_charity_number}`,
        file: 'charities',
        name: r.charity_name ?? '',
        description: blank(activities) ?? '',
        charityNumber: blank(r.registered_charity_number),
        legalStatus: blank(r.charity_type),
        email: blank(r.charity_contact_email)?.toLowerCase() ?? null,
        phone: blank(r.charity_contact_phone),
        website: website(r.charity_contact_web),
        address: r.charity_contact_address ?? '',
        city: null,
        postcode: r.charity_contact_postcode ?? '',
        lat: Number(r.lat),
        lng: Number(r.lng),
        categories: classifyByKeywords(activities),
        referralMethod: 'self',
        openingTimes: null,
      },
      activities,
    );
  }
  for (const r of read(vcseDir, 'trafford_sports_clubs_2018.csv')) {
    add({
      key: `sports-clubs:${r.name}:${r.postcode}`,
      file: 'sports-clubs',
      name: r.name ?? '',
      description: SPORT_DESCRIPTION(r.category ?? '', normalCase(r.name ?? '')),
      charityNumber: null,
      legalStatus: null,
      email: null,
      phone: null,
      website: null,
      address: r.address ?? '',
      city: null,
      postcode: r.postcode ?? '',
      lat: Number(r.lat),
      lng: Number(r.lng),
      categories: ['physical_activity'],
      referralMethod: 'self',
      openingTimes: null,
    });
  }
  report.kept = entries.length;
  return { entries, report };
}
